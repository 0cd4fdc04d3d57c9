//! `docket list`: the cases, filtered and sorted, from the summary cache.

use crate::cli::{ListArgs, SortKey};
use crate::core::case::Case;
use crate::core::query::{self, CaseFilter, Sort};
use crate::error::Result;
use crate::render;

use super::Env;

pub fn run(env: &mut Env<'_>, args: ListArgs) -> Result<()> {
    let cb = env.casebook()?;
    let config = &cb.config;
    let assignee = if args.mine {
        Some(Some(env.me(&cb)?.0))
    } else {
        match args.assignee.as_deref() {
            None => None,
            Some(a) if a.eq_ignore_ascii_case("none") => Some(None),
            Some(a) if a.eq_ignore_ascii_case("me") => Some(Some(env.me(&cb)?.0)),
            // An unknown agent is an error, as in `assign`.
            Some(a) => Some(Some(cb.agents.resolve(a)?.0.to_string())),
        }
    };
    let filter = CaseFilter {
        states: query::parse_states(config, &args.state)?,
        priorities: query::parse_priorities(config, &args.priority)?,
        assignee,
        account: args.account.clone(),
        kind: match &args.kind {
            Some(k) => Some(config.check_type(k)?),
            None => None,
        },
        tags: args.tag.clone(),
        team: match &args.team {
            Some(t) => Some(cb.agents.check_team(t)?),
            None => None,
        },
        open: args.open,
    };

    let (all, bad) = cb.summaries()?;
    crate::vars::mark("summaries");
    let mut cases: Vec<&Case> = all.iter().filter(|c| filter.matches(c)).collect();
    query::sort(&mut cases, sort_of(args.sort), config);
    crate::vars::mark("filtered and sorted");
    if let Some(n) = args.limit {
        cases.truncate(n);
    }

    let ui = &mut *env.ui;
    if cases.is_empty() && ui.format == render::Format::Table {
        ui.status("No cases match.");
    } else {
        let (format, width, style) = (ui.format, ui.width, ui.style);
        render::list::write(ui.out(), format, &cases, config, width, style, args.header)?;
    }
    ui.flush()?;
    crate::vars::mark("written");
    super::env::report_bad(ui, &bad)?;
    super::env::leave_to_exit(all);
    Ok(())
}

pub fn sort_of(key: SortKey) -> Sort {
    match key {
        SortKey::Priority => Sort::Priority,
        SortKey::Created => Sort::Created,
        SortKey::Updated => Sort::Updated,
        SortKey::Id => Sort::Id,
        SortKey::State => Sort::State,
    }
}
