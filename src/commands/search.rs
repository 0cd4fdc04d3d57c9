//! `docket search`, `docket similar` and `show --suggest`: the search index asked in
//! the user's words.

use crate::cli::{SearchArgs, SimilarArgs};
use crate::core::case::Case;
use crate::core::search::query::{self, Clause, Term};
use crate::error::{CmdError, Kind, Result};
use crate::render;
use crate::render::search::Suggestions;
use crate::store::Casebook;
use crate::store::search::{Doc, Request, Search};

use super::Env;

/// Parses a query and checks the values of its filters that have a fixed set (states,
/// priorities, types), so `state:opne` is an error, not an empty result.
pub fn parse_query(cb: &Casebook, words: &[String]) -> Result<Vec<Clause>> {
    let text = words.join(" ");
    let custom: Vec<&str> = cb.config.fields.keys().map(String::as_str).collect();
    let clauses =
        query::parse(&text, &custom).map_err(|e| CmdError::user(format!("query: {e}")))?;
    for c in &clauses {
        if let Term::Field {
            name,
            value,
            prefix: false,
        } = &c.term
        {
            match name.as_str() {
                "state" => {
                    crate::core::query::parse_states(&cb.config, std::slice::from_ref(value))
                        .map_err(|e| CmdError::user(format!("query: {e}")))?;
                }
                "priority" => {
                    cb.config
                        .check_priority(value)
                        .map_err(|e| CmdError::user(format!("query: {e}")))?;
                }
                "type" => {
                    cb.config
                        .check_type(value)
                        .map_err(|e| CmdError::user(format!("query: {e}")))?;
                }
                _ => {}
            }
        }
    }
    // `state:awaiting` means the state its name starts with, as `--state` does.
    Ok(clauses
        .into_iter()
        .map(|mut c| {
            if let Term::Field {
                name,
                value,
                prefix: false,
            } = &mut c.term
                && name == "state"
                && let Ok(states) =
                    crate::core::query::parse_states(&cb.config, std::slice::from_ref(value))
                && let [s] = states.as_slice()
            {
                *value = s.as_str().to_string();
            }
            c
        })
        .collect())
}

pub fn search(env: &mut Env<'_>, args: SearchArgs) -> Result<()> {
    let cb = env.casebook()?;
    let clauses = parse_query(&cb, &args.query)?;
    let mut filters = Vec::new();
    if !args.state.is_empty() {
        let states = crate::core::query::parse_states(&cb.config, &args.state)?;
        filters.push((
            "state".to_string(),
            states.iter().map(|s| s.as_str().to_string()).collect(),
        ));
    }
    if let Some(a) = &args.account {
        filters.push(("account".into(), vec![a.clone()]));
    }
    if let Some(t) = &args.kind {
        filters.push(("type".into(), vec![cb.config.check_type(t)?]));
    }
    if let Some(a) = &args.assignee {
        let who = if a.eq_ignore_ascii_case("me") {
            env.me(&cb)?.0
        } else {
            cb.agents.resolve(a)?.0.to_string()
        };
        filters.push(("assignee".into(), vec![who]));
    }
    let internal = !args.no_internal && env.may_read_internal_notes(&cb);
    let index = cb.search_index()?;
    let hits = index.find(&Request {
        clauses: &clauses,
        doc: Doc::Case,
        filters,
        open_only: args.open,
        internal,
        limit: args.limit,
    })?;
    let ui = &mut *env.ui;
    let (format, style, width) = (ui.format, ui.style, ui.width);
    render::search::hits(ui.out(), format, &hits, style, width, false)?;
    ui.flush()?;
    finish(ui, &index, hits.is_empty(), Doc::Case)
}

/// Bad files are error rows and exit 2; no match is exit 1 (like `rg`).
pub fn finish(ui: &mut render::Ui, index: &Search, none: bool, doc: Doc) -> Result<()> {
    // Case files always matter; a bad article only to `kb search`.
    let bad: Vec<_> = index
        .bad
        .iter()
        .filter(|b| !b.path.starts_with("kb/") || doc == Doc::Article)
        .cloned()
        .collect();
    super::env::report_bad(ui, &bad)?;
    if none {
        ui.status("No matches.");
        return Err(CmdError::reported(Kind::Found));
    }
    Ok(())
}

/// The resolved cases, articles and guides for `case` (at most `limit` of each).
pub fn suggestions(
    cb: &Casebook,
    index: &Search,
    case: &Case,
    limit: usize,
) -> Result<Suggestions> {
    let about = crate::store::search::about(case);
    let cases = index.like(&about, Doc::Case, &case.id, limit)?;
    let articles = index.like(&about, Doc::Article, "", limit)?;
    let mut guides = Vec::new();
    for name in cb.guide_names()? {
        // A guide that does not parse is `guide check`'s business, not a suggestion.
        let Ok(file) = cb.read_guide(&name) else {
            continue;
        };
        let Ok(g) = crate::core::guide::parse(&name, &file.text) else {
            continue;
        };
        if !g.applies_to.is_empty()
            && g.applies_to
                .iter()
                .any(|t| t.eq_ignore_ascii_case(&case.kind))
        {
            guides.push((name, g.title.clone()));
        }
    }
    for name in cb.guide_names()? {
        if guides.len() >= limit.max(3) {
            break;
        }
        let Ok(file) = cb.read_guide(&name) else {
            continue;
        };
        let Ok(g) = crate::core::guide::parse(&name, &file.text) else {
            continue;
        };
        if g.applies_to.is_empty() && !guides.iter().any(|(n, _)| *n == name) {
            guides.push((name, g.title.clone()));
        }
    }
    guides.truncate(limit);
    Ok(Suggestions {
        cases,
        articles,
        guides,
    })
}

pub fn similar(env: &mut Env<'_>, args: SimilarArgs) -> Result<()> {
    let cb = env.casebook()?;
    let file = cb.load_case(&args.id)?;
    let index = cb.search_index()?;
    let s = suggestions(&cb, &index, &file.case, args.limit)?;
    let ui = &mut *env.ui;
    let (format, style) = (ui.format, ui.style);
    render::search::suggestions(ui.out(), format, &s, style)?;
    ui.flush()?;
    Ok(())
}
