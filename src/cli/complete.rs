//! Dynamic shell completion: case IDs (with titles), agent handles, teams, guide names and
//! the configured states, priorities, types and channels, read from the casebook.
//!
//! The shell calls `docket` with `COMPLETE=<shell>` (see the scripts in `completions/`);
//! clap_complete's engine then asks these functions for candidates. They read the casebook
//! the way other commands find it (`DOCKET_DIR` or the current folder), use the summary
//! cache for case IDs (a few milliseconds at 10,000 cases), and return nothing, silently,
//! outside a casebook.

use std::ffi::OsStr;

use clap_complete::engine::CompletionCandidate;

use crate::core::case::State;
use crate::store::Casebook;

fn casebook() -> Option<Casebook> {
    let dir = crate::vars::get_os("DOCKET_DIR").map(std::path::PathBuf::from);
    Casebook::discover(dir.as_deref()).ok()
}

fn prefix(current: &OsStr) -> String {
    current.to_string_lossy().to_string()
}

fn matching(
    current: &OsStr,
    items: impl IntoIterator<Item = (String, Option<String>)>,
) -> Vec<CompletionCandidate> {
    let typed = prefix(current).to_ascii_lowercase();
    items
        .into_iter()
        .filter(|(value, _)| value.to_ascii_lowercase().starts_with(&typed))
        .map(|(value, help)| CompletionCandidate::new(value).help(help.map(Into::into)))
        .collect()
}

/// Case IDs, with their titles as descriptions. Matches the whole ID or the part after
/// the prefix, so `4F<TAB>` completes too.
pub fn case_ids(current: &OsStr) -> Vec<CompletionCandidate> {
    let Some(cb) = casebook() else {
        return Vec::new();
    };
    let Ok((cases, _)) = cb.summaries() else {
        return Vec::new();
    };
    let typed = crate::core::id::normalize_query(&prefix(current));
    cases
        .iter()
        .filter(|c| typed.is_empty() || crate::core::id::matches(&c.id, &typed))
        .map(|c| {
            let value = if typed.is_empty() || c.id.starts_with(&typed) {
                c.id.to_string()
            } else {
                crate::core::id::random_part(&c.id).to_string()
            };
            CompletionCandidate::new(value).help(Some(c.title.to_string().into()))
        })
        .collect()
}

pub fn agents(current: &OsStr) -> Vec<CompletionCandidate> {
    let Some(cb) = casebook() else {
        return Vec::new();
    };
    matching(
        current,
        cb.agents
            .agents
            .iter()
            .map(|(h, a)| (h.clone(), Some(a.name.clone()).filter(|n| !n.is_empty()))),
    )
}

pub fn teams(current: &OsStr) -> Vec<CompletionCandidate> {
    let Some(cb) = casebook() else {
        return Vec::new();
    };
    matching(
        current,
        cb.agents
            .teams
            .iter()
            .map(|(t, team)| (t.clone(), Some(team.name.clone()).filter(|n| !n.is_empty()))),
    )
}

pub fn priorities(current: &OsStr) -> Vec<CompletionCandidate> {
    let Some(cb) = casebook() else {
        return Vec::new();
    };
    matching(
        current,
        cb.config
            .priorities
            .iter()
            .map(|p| (p.id.clone(), Some(p.name.clone()).filter(|n| !n.is_empty()))),
    )
}

pub fn types(current: &OsStr) -> Vec<CompletionCandidate> {
    let Some(cb) = casebook() else {
        return Vec::new();
    };
    matching(current, cb.config.types.iter().map(|t| (t.clone(), None)))
}

pub fn channels(current: &OsStr) -> Vec<CompletionCandidate> {
    let Some(cb) = casebook() else {
        return Vec::new();
    };
    matching(
        current,
        cb.config.channels.iter().map(|c| (c.clone(), None)),
    )
}

pub fn states(current: &OsStr) -> Vec<CompletionCandidate> {
    let labels = casebook().map(|cb| cb.config.states).unwrap_or_default();
    matching(
        current,
        State::ALL
            .iter()
            .map(|s| (s.as_str().to_string(), labels.get(s.as_str()).cloned())),
    )
}

/// Guide names (the files in `guides/`).
pub fn guides(current: &OsStr) -> Vec<CompletionCandidate> {
    let Some(cb) = casebook() else {
        return Vec::new();
    };
    let Ok(entries) = std::fs::read_dir(cb.dir.join("guides")) else {
        return Vec::new();
    };
    let mut names: Vec<(String, Option<String>)> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            e.file_name()
                .to_str()?
                .strip_suffix(".toml")
                .map(|n| (n.to_string(), None))
        })
        .collect();
    names.sort();
    matching(current, names)
}

/// Knowledge article slugs, with their titles.
pub fn articles(current: &OsStr) -> Vec<CompletionCandidate> {
    let Some(cb) = casebook() else {
        return Vec::new();
    };
    let Ok((articles, _)) = cb.articles() else {
        return Vec::new();
    };
    matching(
        current,
        articles.into_iter().map(|a| (a.slug, Some(a.header.title))),
    )
}
