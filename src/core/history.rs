//! A case's history, one entry per commit: which fields changed (typed, from → to) and
//! which timeline events the commit added. Pure: `store` reads the versions from Git,
//! `render::log` prints the entries.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use serde::Serialize;

/// One field that differs between two versions of a case file (`fields.NAME` for
/// custom fields). `None` is "not set" (a case file writes "none" as `""`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldChange {
    pub field: String,
    pub from: Option<toml::Value>,
    pub to: Option<toml::Value>,
}

/// What one commit did to a case.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    pub commit: String,
    /// `Name <email>`.
    pub author: String,
    #[serde(with = "crate::core::case::utc")]
    pub at: DateTime<Utc>,
    /// The `Docket-Action:` trailer, or `edit` for a commit made by hand.
    pub action: String,
    pub subject: String,
    pub changes: Vec<FieldChange>,
    /// The timeline events this commit added, as written in the file.
    pub events: Vec<toml::Value>,
    /// The history is cut here (a shallow clone): the commit's parent is not available,
    /// so `changes` and `events` hold everything up to it, not what it changed.
    pub shallow_boundary: bool,
}

/// A commit that touched the case file: its metadata and the file before and after.
pub struct Version<'a> {
    pub commit: String,
    pub author: String,
    pub at: DateTime<Utc>,
    pub message: &'a str,
    pub before: Option<&'a [u8]>,
    pub after: Option<&'a [u8]>,
    pub shallow_boundary: bool,
}

/// Builds the history entry of one commit. A version that does not parse counts as
/// empty (so a broken commit shows everything as changed rather than hiding it).
pub fn entry(v: &Version<'_>) -> Entry {
    let before = parse(v.before);
    let after = parse(v.after);
    Entry {
        commit: v.commit.clone(),
        author: v.author.clone(),
        at: v.at,
        action: action_of(v.message),
        subject: v.message.lines().next().unwrap_or("").to_string(),
        changes: diff(before.as_ref(), after.as_ref()),
        events: added_events(before.as_ref(), after.as_ref()),
        shallow_boundary: v.shallow_boundary,
    }
}

/// The `Docket-Action:` trailer of a commit message, or `edit`.
pub fn action_of(message: &str) -> String {
    message
        .lines()
        .find_map(|l| l.strip_prefix("Docket-Action:"))
        .map(|a| a.trim().to_string())
        .unwrap_or_else(|| "edit".to_string())
}

fn parse(bytes: Option<&[u8]>) -> Option<toml::Table> {
    bytes
        .and_then(|b| std::str::from_utf8(b).ok())
        .and_then(|t| t.parse::<toml::Table>().ok())
}

fn plain(v: Option<&toml::Value>) -> Option<toml::Value> {
    match v {
        Some(toml::Value::String(s)) if s.is_empty() => None,
        other => other.cloned(),
    }
}

/// Field changes between two versions (top-level keys and `fields.*`; the timeline is
/// compared by [`added_events`]), sorted by field name.
pub fn diff(before: Option<&toml::Table>, after: Option<&toml::Table>) -> Vec<FieldChange> {
    let empty = toml::Table::new();
    let before = before.unwrap_or(&empty);
    let after = after.unwrap_or(&empty);
    let mut keys: Vec<&String> = before.keys().chain(after.keys()).collect();
    keys.sort();
    keys.dedup();
    let mut out = Vec::new();
    for key in keys {
        let (b, a) = (before.get(key), after.get(key));
        match key.as_str() {
            "timeline" => {}
            "fields" => {
                let sub = |v: Option<&toml::Value>| v.and_then(|v| v.as_table()).cloned();
                for mut c in diff(sub(b).as_ref(), sub(a).as_ref()) {
                    c.field = format!("fields.{}", c.field);
                    out.push(c);
                }
            }
            _ => {
                let (from, to) = (plain(b), plain(a));
                if from != to {
                    out.push(FieldChange {
                        field: key.clone(),
                        from,
                        to,
                    });
                }
            }
        }
    }
    out
}

fn events(table: Option<&toml::Table>) -> &[toml::Value] {
    table
        .and_then(|t| t.get("timeline"))
        .and_then(|t| t.as_array())
        .map_or(&[], Vec::as_slice)
}

/// The events of `after` whose id is not in `before` (events without an id count as new).
pub fn added_events(before: Option<&toml::Table>, after: Option<&toml::Table>) -> Vec<toml::Value> {
    let id = |e: &toml::Value| e.get("id").and_then(|v| v.as_str()).map(String::from);
    let known: HashSet<String> = events(before).iter().filter_map(id).collect();
    events(after)
        .iter()
        .filter(|e| id(e).is_none_or(|i| !known.contains(&i)))
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> toml::Table {
        text.parse().unwrap()
    }

    #[test]
    fn changed_fields_are_typed_and_blank_means_unset() {
        let a = table("priority = \"P3\"\nassignee = \"\"\nlevel = 0\n[fields]\norder = 1");
        let b = table("priority = \"P1\"\nassignee = \"bob\"\nlevel = 0\n[fields]\norder = 2");
        let d = diff(Some(&a), Some(&b));
        let names: Vec<&str> = d.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(names, ["assignee", "fields.order", "priority"]);
        assert_eq!(d[0].from, None);
        assert_eq!(d[0].to, Some(toml::Value::String("bob".into())));
        assert_eq!(d[1].to, Some(toml::Value::Integer(2)));
    }

    #[test]
    fn only_events_with_new_ids_are_added() {
        let a = table("[[timeline]]\nid = \"e1\"\nkind = \"created\"");
        let b = table(
            "[[timeline]]\nid = \"e1\"\nkind = \"created\"\n[[timeline]]\nid = \"e2\"\nkind = \"comment\"",
        );
        let added = added_events(Some(&a), Some(&b));
        assert_eq!(added.len(), 1);
        assert_eq!(added[0].get("id").and_then(|v| v.as_str()), Some("e2"));
        assert_eq!(added_events(None, Some(&a)).len(), 1);
        assert!(added_events(Some(&b), Some(&b)).is_empty());
    }

    #[test]
    fn the_action_comes_from_the_trailer() {
        assert_eq!(
            action_of("assign DK-1: x\n\nDocket-Action: assign\n"),
            "assign"
        );
        assert_eq!(action_of("fixed a typo by hand"), "edit");
    }

    #[test]
    fn an_entry_diffs_the_two_versions() {
        let before = b"title = \"A\"\n".as_slice();
        let after = b"title = \"B\"\n".as_slice();
        let e = entry(&Version {
            commit: "abc".into(),
            author: "Ann <a@x>".into(),
            at: DateTime::from_timestamp(0, 0).unwrap(),
            message: "set DK-1: title=B\n\nDocket-Action: set\n",
            before: Some(before),
            after: Some(after),
            shallow_boundary: false,
        });
        assert_eq!(e.action, "set");
        assert_eq!(e.subject, "set DK-1: title=B");
        assert_eq!(e.changes.len(), 1);
        assert_eq!(e.changes[0].field, "title");
    }
}
