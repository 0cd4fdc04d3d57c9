//! `docket sla`: every open case's SLA clocks (or the given cases'), most urgent first, in
//! the format people or CI servers read, with an exit code CI can fail on.

use crate::cli::{FailOn, SlaArgs, SlaCommand, SlaExplainArgs};
use crate::core::case::Case;
use crate::core::query::{self, CaseFilter, ClockFilter};
use crate::core::sla::{ClockReport, Clocks, Stage};
use crate::error::{CmdError, Kind, Result};
use crate::render::{self, Format};

use super::Env;

pub fn run(env: &mut Env<'_>, args: SlaArgs) -> Result<()> {
    if let Some(SlaCommand::Explain(explain_args)) = args.command {
        return explain(env, explain_args);
    }
    let cb = env.casebook_for_slas()?;
    let now = match &args.at {
        Some(text) => query::parse_at("--at", text, env.now)?,
        None => env.now,
    };
    let policy = cb.policy()?;
    if policy.slas.is_empty() {
        env.status("No SLA policies: add [[sla]] tables to docket.toml (see the README).");
    }
    let filter = CaseFilter {
        priorities: query::parse_priorities(&cb.config, &args.priority)?,
        team: match &args.team {
            Some(t) => Some(cb.agents.check_team(t)?),
            None => None,
        },
        assignee: args.assignee.clone().map(Some),
        ..Default::default()
    };
    let (all, bad) = cb.clock_cases()?;
    crate::vars::mark("clock cases");
    // The cache holds timelines of open cases only; closed ones asked for by ID are read
    // from their files (which also names the problem of an unreadable one).
    let mut loaded: Vec<Case> = Vec::new();
    let mut wanted = Vec::new();
    for q in &args.ids {
        let id = cb.resolve_id(q)?;
        match all.iter().find(|c| c.id == id) {
            Some(c) if c.state.is_open() => {}
            _ => loaded.push(cb.load_case(&id)?.case),
        }
        wanted.push(id);
    }
    // Looking back (`--at` in the past): the cases open *then*, which includes cases
    // closed since; the cache has no timelines for those, so their files are read.
    let mut then_open: Vec<Case> = Vec::new();
    if args.ids.is_empty() && now < env.now {
        for c in all
            .iter()
            .filter(|c| !c.state.is_open() && c.created_at <= now)
        {
            if let Ok(f) = cb.read_case_file(&crate::store::casefile::path_for(&c.id)) {
                then_open.push(f.case);
            }
        }
    }
    let cases: Vec<&Case> = if args.ids.is_empty() {
        all.iter()
            .filter(|c| c.state.is_open())
            .chain(&then_open)
            .filter(|c| crate::core::sla::state_at(c, now).is_some_and(|s| s.is_open()))
            .collect()
    } else {
        let find = |id: &String| loaded.iter().chain(all.iter()).find(|c| c.id == *id);
        wanted.iter().filter_map(find).collect()
    };
    let only = ClockFilter {
        breached: args.breached,
        at_risk: args.at_risk,
    };
    // Each case's clocks on its own: evaluated on every core (each thread with its own
    // calendars, which keep the days they computed).
    let chosen: Vec<&Case> = cases.into_iter().filter(|c| filter.matches(c)).collect();
    crate::vars::mark("cases chosen");
    let init = || Clocks::new(policy);
    let mut rows: Vec<(ClockReport, &Case)> = crate::core::par::flat_on_cores_with(
        &chosen,
        policy.slas.len(),
        init,
        |clocks, case, out| {
            out.extend(
                clocks
                    .evaluate(case, now, false)
                    .into_iter()
                    .filter(|r| only.matches(r))
                    .map(|r| (r, *case)),
            );
        },
    );
    // Only what is new since a point (a scheduled CI job that fails once per breach).
    if let Some(since) = &args.new_since {
        let since = match query::parse_at("--new-since", since, env.now) {
            Ok(t) => t,
            Err(e) => cb.commit_time(since).ok_or_else(|| {
                CmdError::user(format!(
                    "--new-since {since:?} is neither a time nor a Git revision ({e})"
                ))
            })?,
        };
        rows.retain(|(r, _)| r.stage != Stage::Breached || r.breach_at.is_some_and(|b| b > since));
    }
    crate::vars::mark("clocks evaluated");
    query::sort_clocks(&mut rows);
    crate::vars::mark("clocks sorted");

    let ui = &mut *env.ui;
    if rows.is_empty() && ui.format == Format::Table {
        ui.status("No SLA clocks match.");
    } else {
        let (format, width, style) = (ui.format, ui.width, ui.style);
        let file = |id: &str| format!("{}{}", cb.prefix(), crate::store::casefile::path_for(id));
        render::sla::write(ui.out(), format, &rows, policy, now, width, style, &file)?;
    }
    ui.flush()?;
    crate::vars::mark("written");
    super::env::report_bad(ui, &bad)?;
    let breached = rows.iter().any(|(r, _)| r.stage == Stage::Breached);
    let warned = breached || rows.iter().any(|(r, _)| r.at_risk());
    super::env::leave_to_exit(rows);
    super::env::leave_to_exit((all, loaded, then_open));
    let fail = match args.fail_on {
        FailOn::Breach => breached,
        FailOn::Warning => warned,
        FailOn::Never => false,
    };
    if fail {
        return Err(CmdError::reported(Kind::Found));
    }
    Ok(())
}

fn explain(env: &mut Env<'_>, args: SlaExplainArgs) -> Result<()> {
    let cb = env.casebook_for_slas()?;
    let now = match &args.at {
        Some(text) => query::parse_at("--at", text, env.now)?,
        None => env.now,
    };
    let policy = cb.policy()?;
    let file = cb.load_case(&args.id)?;
    let reports = Clocks::new(policy).evaluate(&file.case, now, true);
    let format = env.ui.format;
    render::sla::write_explain(env.ui.out(), format, &file.case, &reports, policy, now)?;
    Ok(())
}
