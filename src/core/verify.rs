//! `docket verify`'s rules, pure: what one commit did to one case file is checked
//! against the versions its parents held; `store::verify` walks the history and feeds
//! the versions in.
//!
//! The rules: the timeline only grows (no event of a parent's version disappears or
//! changes), new events are by the commit's author (or the `Docket-Actor:` of `--as`),
//! their times are near the commit's time, case files change only in commits with
//! docket's trailers (hand edits are listed), and restricted teams keep to their access
//! rules.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::access::{self, Rule};
use super::agents::Agents;
use super::case::{ActorKind, Case, Event};

/// What kind of problem a finding is (the JSON `kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// A case file that does not parse (or has two events with one id).
    Unreadable,
    /// A case file whose `id` is not its file name, or in the wrong shard folder.
    WrongPath,
    /// A case file deleted.
    CaseDeleted,
    /// An event that an earlier version had is gone.
    EventRemoved,
    /// An event that an earlier version had differs.
    EventChanged,
    /// A commit that changed case files without docket's trailers (a hand edit).
    HandEdit,
    /// An agent's event committed by someone else, with no `Docket-Actor:` for it.
    AuthorMismatch,
    /// An event whose time is far from its commit's time.
    Backdated,
    /// An action an access rule does not allow.
    Access,
    /// A commit without a signature (`verify.require_signed`).
    Unsigned,
    /// A signature that does not verify.
    BadSignature,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Unreadable => "unreadable",
            Kind::WrongPath => "wrong-path",
            Kind::CaseDeleted => "case-deleted",
            Kind::EventRemoved => "event-removed",
            Kind::EventChanged => "event-changed",
            Kind::HandEdit => "hand-edit",
            Kind::AuthorMismatch => "author-mismatch",
            Kind::Backdated => "backdated",
            Kind::Access => "access",
            Kind::Unsigned => "unsigned",
            Kind::BadSignature => "bad-signature",
        }
    }
}

/// One problem: which commit (none for the current tree), case, file and event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub kind: Kind,
    pub commit: Option<String>,
    pub case: Option<String>,
    pub file: Option<String>,
    pub event: Option<String>,
    pub message: String,
}

/// The commit being checked: who made it, when, and its trailers.
pub struct CommitInfo<'a> {
    pub id: &'a str,
    pub author_name: &'a str,
    pub author_email: &'a str,
    pub time: DateTime<Utc>,
    pub message: &'a str,
    pub merge: bool,
}

impl CommitInfo<'_> {
    /// The values of a trailer (`Docket-Actor`), in order.
    pub fn trailers(&self, key: &str) -> Vec<&str> {
        self.message
            .lines()
            .filter_map(|l| l.strip_prefix(key)?.strip_prefix(':'))
            .map(str::trim)
            .collect()
    }

    pub fn has_docket_trailers(&self) -> bool {
        !self.trailers("Docket-Action").is_empty()
    }
}

/// What the checks need from the casebook's settings.
pub struct Rules<'a> {
    pub agents: &'a Agents,
    pub access: &'a [Rule],
    pub max_skew: chrono::Duration,
}

/// Why a version of a case file does not parse.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct Unreadable(pub String);

/// A parsed version of a case file: the case, or why it does not parse.
pub type Version = Result<Case, Unreadable>;

/// Checks what `commit` did to the case file at `file`: `after` is its version there
/// (`None`: deleted), `before` the versions in each parent (`None`: absent).
pub fn check_change(
    rules: &Rules<'_>,
    commit: &CommitInfo<'_>,
    file: &str,
    before: &[Option<&Version>],
    after: Option<&Version>,
) -> Vec<Finding> {
    let case_id = file_id(file);
    let mut out = Vec::new();
    let mut finding = |kind: Kind, event: Option<&str>, message: String| {
        out.push(Finding {
            kind,
            commit: Some(commit.id.to_string()),
            case: Some(case_id.to_string()),
            file: Some(file.to_string()),
            event: event.map(str::to_string),
            message,
        });
    };
    let after = match after {
        None => {
            if before.iter().any(|b| b.is_some()) {
                finding(
                    Kind::CaseDeleted,
                    None,
                    "the case file was deleted (a case is closed or cancelled, never deleted)"
                        .into(),
                );
            }
            return out;
        }
        Some(Err(problem)) => {
            finding(
                Kind::Unreadable,
                None,
                format!("the case file does not parse here: {problem}"),
            );
            return out;
        }
        Some(Ok(case)) => case,
    };
    // `docket move`: the stub left behind drops the timeline (it went to the casebook the
    // `moved` event names), and the casebook that receives a case gets its whole
    // timeline at once (checked where it was made).
    let moving = commit.trailers("Docket-Action").contains(&"move");
    let new_move = |to: bool| {
        moving
            && after.timeline.iter().any(|e| {
                e.kind == "moved"
                    && if to { e.to.is_some() } else { e.from.is_some() }
                    && !before
                        .iter()
                        .flatten()
                        .any(|b| matches!(b, Ok(c) if c.timeline.iter().any(|o| o.id == e.id)))
            })
    };
    let (moved_away, moved_in) = (new_move(true), new_move(false));
    let now: BTreeMap<&str, &Event> = after.timeline.iter().map(|e| (e.id.as_str(), e)).collect();
    let mut known: HashSet<&str> = HashSet::new();
    for b in before.iter().flatten() {
        let Ok(old) = b else { continue };
        for e in &old.timeline {
            known.insert(e.id.as_str());
            match now.get(e.id.as_str()) {
                None if moved_away => {}
                None => finding(
                    Kind::EventRemoved,
                    Some(&e.id),
                    format!(
                        "event {} ({} by {} at {}) was removed from the timeline",
                        e.id,
                        e.kind,
                        e.actor,
                        super::case::format_time(e.at)
                    ),
                ),
                Some(n) if !same_event(e, n) => finding(
                    Kind::EventChanged,
                    Some(&e.id),
                    format!(
                        "event {} ({} by {}) was changed after it was committed ({})",
                        e.id,
                        e.kind,
                        e.actor,
                        what_changed(e, n)
                    ),
                ),
                Some(_) => {}
            }
        }
    }
    let added: Vec<&Event> = after
        .timeline
        .iter()
        .filter(|e| !known.contains(e.id.as_str()))
        .collect();
    // Events a merge brings together were checked in the commits that made them; what a
    // merge itself adds is the merge record, written by docket, timed by the changes.
    let added: Vec<&Event> = added
        .into_iter()
        .filter(|e| !(commit.merge && e.kind == "merge" && e.actor_kind == ActorKind::System))
        .filter(|e| !moved_in || e.kind == "moved")
        .collect();
    let actors = commit.trailers("Docket-Actor");
    let author_handle = rules
        .agents
        .match_identity(commit.author_name, commit.author_email)
        .map(|(h, _)| h);
    for e in &added {
        if e.actor_kind == ActorKind::Agent {
            let by_author = author_handle.is_some_and(|h| h.eq_ignore_ascii_case(&e.actor))
                || e.actor == commit.author_name;
            let by_trailer = actors.iter().any(|a| a.eq_ignore_ascii_case(&e.actor));
            if !by_author && !by_trailer {
                finding(
                    Kind::AuthorMismatch,
                    Some(&e.id),
                    format!(
                        "event {} ({}) is by agent {}, but the commit's author is {} <{}>{} and it has no `Docket-Actor: {}` trailer",
                        e.id,
                        e.kind,
                        e.actor,
                        commit.author_name,
                        commit.author_email,
                        author_handle
                            .map(|h| format!(" (agent {h})"))
                            .unwrap_or_default(),
                        e.actor
                    ),
                );
            }
        }
        let skew = e.at - commit.time;
        if skew.abs() > rules.max_skew {
            let (ahead, d) = if skew < chrono::Duration::zero() {
                ("before", -skew)
            } else {
                ("after", skew)
            };
            finding(
                Kind::Backdated,
                Some(&e.id),
                format!(
                    "event {} ({} by {}) is dated {}, {} {ahead} its commit ({}); the limit is verify.max_skew = {}",
                    e.id,
                    e.kind,
                    e.actor,
                    super::case::format_time(e.at),
                    human(d),
                    super::case::format_time(commit.time),
                    human(rules.max_skew)
                ),
            );
        }
    }
    if !rules.access.is_empty() && !added.is_empty() {
        let owned: Vec<Event> = added.iter().map(|e| (*e).clone()).collect();
        let before_case = before.iter().flatten().find_map(|b| b.as_ref().ok());
        let mut people: Vec<&str> = author_handle.into_iter().collect();
        people.extend(actors.iter().copied());
        for who in people {
            let teams: &[String] = rules.agents.resolve(who).map_or(&[], |(_, a)| &a.teams);
            if let Err(denied) = access::check(rules.access, who, teams, before_case, after, &owned)
            {
                finding(Kind::Access, None, denied.to_string());
            }
        }
    }
    out
}

/// A hand edit: a non-merge commit that changed case files without docket's trailers.
pub fn check_trailers(commit: &CommitInfo<'_>, files: &[String]) -> Option<Finding> {
    if commit.merge || commit.has_docket_trailers() || files.is_empty() {
        return None;
    }
    Some(Finding {
        kind: Kind::HandEdit,
        commit: Some(commit.id.to_string()),
        case: None,
        file: Some(if files.len() > 3 {
            format!("{} and {} more", files[..3].join(", "), files.len() - 3)
        } else {
            files.join(", ")
        }),
        event: None,
        message: format!(
            "changed {} case file{} without docket's trailers (made by hand, not by docket): {}",
            files.len(),
            if files.len() == 1 { "" } else { "s" },
            commit.message.lines().next().unwrap_or("")
        ),
    })
}

/// Checks a case file as it stands: it parses, its `id` is its file name and it sits in
/// its shard folder.
pub fn check_file(file: &str, expected_path: &str, version: &Version) -> Vec<Finding> {
    let id = file_id(file);
    let mk = |kind: Kind, message: String| Finding {
        kind,
        commit: None,
        case: Some(id.to_string()),
        file: Some(file.to_string()),
        event: None,
        message,
    };
    match version {
        Err(problem) => vec![mk(Kind::Unreadable, format!("does not parse: {problem}"))],
        Ok(case) if case.id != id => vec![mk(
            Kind::WrongPath,
            format!(
                "holds case {} but is named {id}.toml; rename it to {}",
                case.id, expected_path
            ),
        )],
        Ok(_) if !file.ends_with(expected_path) => vec![mk(
            Kind::WrongPath,
            format!("is in the wrong folder; case {id} belongs at {expected_path}"),
        )],
        Ok(_) => Vec::new(),
    }
}

fn same_event(a: &Event, b: &Event) -> bool {
    a == b
}

fn what_changed(a: &Event, b: &Event) -> String {
    let (ja, jb) = (
        serde_json::to_value(a).unwrap_or_default(),
        serde_json::to_value(b).unwrap_or_default(),
    );
    let (Some(ma), Some(mb)) = (ja.as_object(), jb.as_object()) else {
        return "its content".into();
    };
    let mut keys: Vec<&String> = ma.keys().chain(mb.keys()).collect();
    keys.sort();
    keys.dedup();
    let changed: Vec<&str> = keys
        .into_iter()
        .filter(|k| ma.get(*k) != mb.get(*k))
        .map(|k| k.as_str())
        .collect();
    format!("{} differ", changed.join(", "))
}

fn human(d: chrono::Duration) -> String {
    let s = d.num_seconds();
    if s >= 86_400 {
        format!("{}d {}h", s / 86_400, s % 86_400 / 3600)
    } else if s >= 3600 {
        format!("{}h {}m", s / 3600, s % 3600 / 60)
    } else if s >= 60 {
        format!("{}m", s / 60)
    } else {
        format!("{s}s")
    }
}

/// The case ID a case file's name says: `cases/ab/DK-ABCDEF.toml` → `DK-ABCDEF`.
pub fn file_id(path: &str) -> &str {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.strip_suffix(".toml").unwrap_or(name)
}
