//! `docket sla`: every open case's SLA clocks (or the given cases'), most urgent first, in
//! the format people or CI servers read, with an exit code CI can fail on.

use std::io::Write;

use chrono::{DateTime, Utc};

use crate::cli::{FailOn, Format, SlaArgs, SlaCommand, SlaExplainArgs};
use crate::core::case::Case;
use crate::core::sla::{ClockReport, Clocks, Stage};
use crate::error::{CmdError, Result};
use crate::render::sla as out;

use super::Env;

/// `--at`: an RFC 3339 time, or `+DURATION` from now.
fn at_time(env: &Env, at: &Option<String>) -> Result<DateTime<Utc>> {
    match at.as_deref() {
        None => Ok(env.now),
        Some(text) => {
            if let Some(rel) = text.strip_prefix('+') {
                let d = crate::core::duration::parse(rel)
                    .map_err(|e| CmdError::user(format!("--at {text:?}: {e}")))?;
                return Ok(env.now + d);
            }
            DateTime::parse_from_rfc3339(text)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|e| {
                    CmdError::user(format!(
                        "--at {text:?} is not an RFC 3339 time ({e}); write e.g. 2026-11-30T09:00:00Z or +3d"
                    ))
                })
        }
    }
}

pub fn run(env: &mut Env, args: SlaArgs) -> Result<()> {
    if let Some(SlaCommand::Explain(explain_args)) = args.command {
        return explain(env, explain_args);
    }
    let cb = env.casebook()?;
    let now = at_time(env, &args.at)?;
    let policy = &cb.config.policy;
    if policy.slas.is_empty() {
        env.status("No SLA policies: add [[sla]] tables to docket.toml (see the README).");
    }
    let priorities = args
        .priority
        .iter()
        .flat_map(|p| p.split(','))
        .map(|p| cb.config.check_priority(p))
        .collect::<std::result::Result<Vec<_>, _>>()?;
    let team = match &args.team {
        Some(t) => Some(cb.agents.check_team(t)?),
        None => None,
    };
    let (all, bad) = cb.clock_cases()?;
    // The cache holds timelines of open cases only; closed ones asked for by ID are read
    // from their files (which also names the problem of an unreadable one).
    let mut loaded: Vec<Case> = Vec::new();
    let mut wanted_ids = Vec::new();
    for q in &args.ids {
        let id = cb.resolve_id(q)?;
        match all.iter().find(|c| c.id == id) {
            Some(c) if c.state.is_open() => {}
            _ => loaded.push(cb.load_case(&id)?.case),
        }
        wanted_ids.push(id);
    }
    let cases: Vec<&Case> = if args.ids.is_empty() {
        all.iter().filter(|c| c.state.is_open()).collect()
    } else {
        wanted_ids
            .iter()
            .filter_map(|id| {
                loaded
                    .iter()
                    .find(|c| c.id == *id)
                    .or_else(|| all.iter().find(|c| c.id == *id))
            })
            .collect()
    };
    let clocks = Clocks::new(policy);
    let mut rows: Vec<(ClockReport, &Case)> = Vec::new();
    for case in cases {
        if !priorities.is_empty() && !priorities.contains(&case.priority) {
            continue;
        }
        if team.is_some() && case.team != team {
            continue;
        }
        if let Some(a) = &args.assignee
            && !case
                .assignee
                .as_deref()
                .is_some_and(|x| x.eq_ignore_ascii_case(a))
        {
            continue;
        }
        for r in clocks.evaluate(case, now, false) {
            if args.breached && r.stage != Stage::Breached {
                continue;
            }
            if args.at_risk && !r.at_risk() {
                continue;
            }
            rows.push((r, case));
        }
    }
    rows.sort_by(|(a, ca), (b, cb2)| {
        a.stage
            .cmp(&b.stage)
            .then(a.remaining_seconds.cmp(&b.remaining_seconds))
            .then(ca.id.cmp(&cb2.id))
            .then(a.sla.cmp(&b.sla))
    });
    let text = match env.global.format {
        Format::Json => out::json(&rows),
        Format::Junit => out::junit(&rows, &cb.config.policy, now),
        Format::Markdown => out::markdown(&rows, now),
        Format::Github => out::github(&rows),
        Format::Csv => out::csv(&rows),
        Format::Tsv => out::tsv(&rows),
        // --format dot is refused before any command but `guide show` runs.
        Format::Table | Format::Dot => {
            if rows.is_empty() {
                env.status("No SLA clocks match.");
                String::new()
            } else {
                out::table(&rows, crate::render::terminal_width(), env.style)
            }
        }
    };
    env.out.write_all(text.as_bytes())?;
    env.out.flush()?;
    for b in &bad {
        eprintln!("error: {b}");
    }
    if !bad.is_empty() {
        return Err(CmdError::reported(2));
    }
    let breached = rows.iter().any(|(r, _)| r.stage == Stage::Breached);
    let warned = breached || rows.iter().any(|(r, _)| r.at_risk());
    let fail = match args.fail_on {
        FailOn::Breach => breached,
        FailOn::Warning => warned,
        FailOn::Never => false,
    };
    if fail {
        return Err(CmdError::reported(1));
    }
    Ok(())
}

fn explain(env: &mut Env, args: SlaExplainArgs) -> Result<()> {
    env.formats("sla explain", &[Format::Table, Format::Json])?;
    let cb = env.casebook()?;
    let now = at_time(env, &args.at)?;
    let file = cb.load_case(&args.id)?;
    let clocks = Clocks::new(&cb.config.policy);
    let reports = clocks.evaluate(&file.case, now, true);
    if env.json() {
        let v = serde_json::to_value(&reports).expect("reports serialise");
        return env.print_json(&v);
    }
    let text = out::explain(&file.case, &reports, &cb.config.policy, now);
    env.out.write_all(text.as_bytes())?;
    Ok(())
}
