//! `docket list`: the cases, filtered and sorted, from the summary cache.

use std::io::Write;

use crate::cli::{Format, ListArgs, SortKey};
use crate::core::case::{Case, State};
use crate::error::{CmdError, Result};
use crate::render;

use super::Env;

/// The filters of `docket list`, resolved against the casebook.
#[derive(Default)]
pub struct Filter {
    pub states: Vec<State>,
    pub priorities: Vec<String>,
    /// `Some(None)`: unassigned only.
    pub assignee: Option<Option<String>>,
    pub account: Option<String>,
    pub kind: Option<String>,
    pub tags: Vec<String>,
    pub open: bool,
}

impl Filter {
    pub fn matches(&self, c: &Case) -> bool {
        (self.states.is_empty() || self.states.contains(&c.state))
            && (self.priorities.is_empty() || self.priorities.contains(&c.priority))
            && self.assignee.as_ref().is_none_or(|a| {
                a.as_deref().map(str::to_ascii_lowercase)
                    == c.assignee.as_deref().map(str::to_ascii_lowercase)
            })
            && self.account.as_ref().is_none_or(|a| {
                c.account
                    .as_deref()
                    .is_some_and(|x| x.eq_ignore_ascii_case(a))
            })
            && self.kind.as_ref().is_none_or(|k| c.kind == *k)
            && self.tags.iter().all(|t| c.tags.contains(t))
            && (!self.open || c.state.is_open())
    }
}

pub fn run(env: &mut Env, args: ListArgs) -> Result<()> {
    let cb = env.casebook()?;
    let config = &cb.config;
    let mut states = Vec::new();
    for s in &args.state {
        for part in s.split(',') {
            states.push(State::parse(part).ok_or_else(|| {
                CmdError::user(format!(
                    "unknown state {part:?} (states: {})",
                    State::ALL.map(|s| s.as_str()).join(", ")
                ))
            })?);
        }
    }
    let mut priorities = Vec::new();
    for p in &args.priority {
        for part in p.split(',') {
            priorities.push(config.check_priority(part)?);
        }
    }
    let assignee = if args.mine {
        Some(Some(env.agent(&cb)?.name))
    } else {
        args.assignee.as_ref().map(|a| {
            if a.eq_ignore_ascii_case("none") {
                None
            } else {
                Some(a.clone())
            }
        })
    };
    let filter = Filter {
        states,
        priorities,
        assignee,
        account: args.account.clone(),
        kind: match &args.kind {
            Some(k) => Some(config.check_type(k)?),
            None => None,
        },
        tags: args.tag.clone(),
        open: args.open,
    };

    let (cases, bad) = cb.summaries()?;
    // Sort references: moving whole cases around costs more than the rest of `list`.
    let mut cases: Vec<&Case> = cases.iter().filter(|c| filter.matches(c)).collect();
    match args.sort {
        SortKey::Priority => cases.sort_by(|a, b| {
            config
                .priority_rank(&a.priority)
                .cmp(&config.priority_rank(&b.priority))
                .then(a.created_at.cmp(&b.created_at))
        }),
        SortKey::Created => cases.sort_by_key(|c| std::cmp::Reverse(c.created_at)),
        SortKey::Updated => cases.sort_by_key(|c| std::cmp::Reverse(c.updated_at)),
        SortKey::Id => cases.sort_by(|a, b| a.id.cmp(&b.id)),
        SortKey::State => cases.sort_by(|a, b| a.state.cmp(&b.state).then(a.id.cmp(&b.id))),
    }
    if let Some(n) = args.limit {
        cases.truncate(n);
    }

    match env.global.format {
        Format::Json => {
            let v = serde_json::Value::Array(
                cases.iter().map(|c| render::json::case(c, false)).collect(),
            );
            env.print_json(&v)?;
        }
        Format::Tsv => write!(env.out, "{}", render::text::list_tsv(&cases, args.header))?,
        // Report formats are refused before any command runs.
        Format::Table
        | Format::Junit
        | Format::Markdown
        | Format::Github
        | Format::Csv
        | Format::Dot => {
            if cases.is_empty() {
                env.status("No cases match.");
            } else {
                let table =
                    render::text::list_table(&cases, config, render::terminal_width(), env.style);
                writeln!(env.out, "{table}")?;
            }
        }
    }
    env.out.flush()?;
    for b in &bad {
        eprintln!("error: {b}");
    }
    if !bad.is_empty() {
        return Err(CmdError::reported(2));
    }
    Ok(())
}
