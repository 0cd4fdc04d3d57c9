//! The case file on disk: `cases/<shard>/<ID>.toml`.
//!
//! New files are written with fields in a fixed order, then `[fields]`, then one
//! `[[timeline]]` table per event, bodies as multi-line strings. An existing file is
//! rewritten with toml_edit: only the values that changed are replaced (keeping each key's
//! comments), new events are appended at the end, and unknown keys are left alone, so a
//! comment adds a few lines to `git diff` and a hand-edited file keeps its comments.

use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, Value};

use crate::core::case::{Case, Event, Text, format_time};
use crate::core::config::describe_toml_error;

/// A case file docket cannot read or rewrite.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaseFileError {
    /// Not TOML, or a value of the wrong shape: `line L, column C: problem`.
    #[error("{0}")]
    Syntax(String),
    #[error("title is empty")]
    EmptyTitle,
    /// Two events with one id: merges and `docket verify` tell events apart by id.
    #[error(
        "timeline events {first} and {second} have the same id {id:?}; give one of them a new id"
    )]
    DuplicateEvent {
        id: String,
        first: usize,
        second: usize,
    },
    /// A table docket writes to has another shape (a hand edit).
    #[error("{0}")]
    Shape(&'static str),
}

/// The path of a case file inside the casebook.
pub fn path_for(id: &str) -> String {
    format!(
        "{}/{}/{id}.toml",
        super::CASES_DIR,
        crate::core::id::shard(id)
    )
}

/// How many case files this process has read with the general `toml` reader rather than
/// in one pass (printed by `DOCKET_TRACE=cache`): every file docket writes should be read
/// in one pass, and a key docket starts writing must be taught to [`super::fastcase`].
pub(super) static GENERAL_READS: std::sync::atomic::AtomicUsize =
    std::sync::atomic::AtomicUsize::new(0);

/// Parses a case file; the error names line, column and problem.
pub fn parse(text: &str) -> Result<Case, CaseFileError> {
    // Files in docket's own layout are read in one pass; any other TOML by the `toml`
    // crate (which also names the line of a mistake).
    let case: Case = match super::fastcase::parse(text) {
        Some(case) => case,
        None => {
            GENERAL_READS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            toml::from_str(text)
                .map_err(|e| CaseFileError::Syntax(describe_toml_error(text, &e)))?
        }
    };
    if case.title.trim().is_empty() {
        return Err(CaseFileError::EmptyTitle);
    }
    let mut seen = std::collections::HashMap::with_capacity(case.timeline.len());
    for (i, e) in case.timeline.iter().enumerate() {
        if let Some(first) = seen.insert(e.id.as_str(), i + 1) {
            return Err(CaseFileError::DuplicateEvent {
                id: e.id.to_string(),
                first,
                second: i + 1,
            });
        }
    }
    Ok(case)
}

/// The top-level scalar fields, in file order, as TOML values (None = absent).
fn top_fields(case: &Case) -> Vec<(&'static str, Option<Value>)> {
    // Optional text fields are always written ("" = none) so every file has the same
    // fields in the same order and a change is a one-line diff.
    let opt = |v: &Option<Text>| Some(Value::from(v.as_deref().unwrap_or("")));
    let mut tags = toml_edit::Array::new();
    for t in &case.tags {
        tags.push(t.as_str());
    }
    vec![
        ("id", Some(case.id.as_str().into())),
        ("title", Some(string_value(&case.title))),
        ("type", Some(case.kind.as_str().into())),
        ("state", Some(case.state.as_str().into())),
        ("priority", Some(case.priority.as_str().into())),
        ("account", opt(&case.account)),
        ("contact", opt(&case.contact)),
        ("assignee", opt(&case.assignee)),
        ("team", opt(&case.team)),
        (
            "escalation_level",
            Some(i64::from(case.escalation_level).into()),
        ),
        ("parent", opt(&case.parent)),
        ("tags", Some(Value::Array(tags))),
        (
            "resolution",
            Some(string_value(case.resolution.as_deref().unwrap_or(""))),
        ),
        ("csat", case.csat.map(|c| i64::from(c).into())),
        ("created_at", Some(format_time(case.created_at).into())),
        ("updated_at", Some(format_time(case.updated_at).into())),
    ]
}

/// A string value; text with line breaks becomes a multi-line literal string so that
/// diffs show its lines.
fn string_value(text: &str) -> Value {
    let literal_ok = text.contains('\n')
        && !text.contains("'''")
        && !text.ends_with('\'')
        && !text
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t');
    if literal_ok
        && let Ok(v) = format!("'''\n{text}'''").parse::<Value>()
        && v.as_str() == Some(text)
    {
        return v;
    }
    Value::from(text)
}

fn toml_to_edit(v: &toml::Value) -> Value {
    match v {
        toml::Value::String(s) => string_value(s),
        // A list of tables (a guide run's steps): one inline table per line.
        toml::Value::Array(items)
            if !items.is_empty() && items.iter().all(toml::Value::is_table) =>
        {
            let mut array = toml_edit::Array::new();
            for item in items {
                let mut v = toml_to_edit(item);
                v.decor_mut().set_prefix("\n  ");
                array.push_formatted(v);
            }
            array.set_trailing("\n");
            array.set_trailing_comma(true);
            Value::Array(array)
        }
        other => other
            .to_string()
            .parse::<Value>()
            .unwrap_or_else(|_| Value::from(other.to_string())),
    }
}

fn event_table(e: &Event) -> Table {
    let mut t = Table::new();
    let mut put = |k: &str, v: Option<Value>| {
        if let Some(v) = v {
            t.insert(k, Item::Value(v));
        }
    };
    put("id", Some(e.id.as_str().into()));
    put("at", Some(format_time(e.at).into()));
    put("actor", Some(e.actor.as_str().into()));
    put("actor_kind", Some(e.actor_kind.as_str().into()));
    put("kind", Some(e.kind.as_str().into()));
    put("channel", e.channel.as_deref().map(Value::from));
    put("visibility", e.visibility.map(|v| v.as_str().into()));
    put("field", e.field.as_deref().map(Value::from));
    put("from", e.from.as_deref().map(string_value));
    put("to", e.to.as_deref().map(string_value));
    put("level", e.level.map(|l| i64::from(l).into()));
    put("team", e.team.as_deref().map(Value::from));
    put("csat", e.csat.map(|c| i64::from(c).into()));
    put("reason", e.reason.as_deref().map(string_value));
    put("resolution", e.resolution.as_deref().map(string_value));
    put("body", e.body.as_deref().map(string_value));
    for (k, v) in &e.extra {
        put(k, Some(toml_to_edit(v)));
    }
    t
}

/// The text of a new case file.
pub fn render_new(case: &Case) -> String {
    let mut doc = DocumentMut::new();
    for (key, value) in top_fields(case) {
        if let Some(v) = value {
            doc.insert(key, Item::Value(v));
        }
    }
    let mut fields = Table::new();
    for (k, v) in &case.fields {
        fields.insert(k, Item::Value(toml_to_edit(v)));
    }
    fields.set_implicit(false);
    fields.set_position(Some(0));
    doc.insert("fields", Item::Table(fields));
    let mut timeline = ArrayOfTables::new();
    for (i, e) in case.timeline.iter().enumerate() {
        let mut t = event_table(e);
        t.set_position(Some(1 + i as isize));
        timeline.push(t);
    }
    doc.insert("timeline", Item::ArrayOfTables(timeline));
    doc.to_string()
}

/// Rewrites `text` (the file as it was read, which parsed as `old`) to hold `new`.
pub fn render_update(text: &str, old: &Case, new: &Case) -> Result<String, CaseFileError> {
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| CaseFileError::Syntax(e.to_string()))?;
    let old_fields = top_fields(old);
    for ((key, before), (_, after)) in old_fields.iter().zip(top_fields(new)) {
        if before.as_ref().map(Value::to_string) == after.as_ref().map(Value::to_string) {
            continue;
        }
        set_value(doc.as_table_mut(), key, after);
    }
    if old.fields != new.fields {
        if !doc.contains_key("fields") {
            let mut t = Table::new();
            t.set_implicit(false);
            doc.insert("fields", Item::Table(t));
        }
        let table = doc["fields"]
            .as_table_mut()
            .ok_or(CaseFileError::Shape("`fields` is not a table"))?;
        for key in old.fields.keys().chain(new.fields.keys()) {
            if old.fields.get(key) != new.fields.get(key) {
                set_value(table, key, new.fields.get(key).map(toml_to_edit));
            }
        }
    }
    let added = &new.timeline[old.timeline.len().min(new.timeline.len())..];
    if !added.is_empty() {
        let next_position = doc
            .as_table()
            .iter()
            .filter_map(|(_, item)| match item {
                Item::Table(t) => t.position(),
                Item::ArrayOfTables(a) => a.iter().filter_map(Table::position).max(),
                _ => None,
            })
            .max()
            .unwrap_or(0)
            + 1;
        if !doc.contains_key("timeline") {
            doc.insert("timeline", Item::ArrayOfTables(ArrayOfTables::new()));
        }
        let timeline = doc["timeline"]
            .as_array_of_tables_mut()
            .ok_or(CaseFileError::Shape(
                "`timeline` is not an array of tables ([[timeline]])",
            ))?;
        for (i, e) in added.iter().enumerate() {
            let mut t = event_table(e);
            t.set_position(Some(next_position + i as isize));
            timeline.push(t);
        }
    }
    Ok(doc.to_string())
}

/// Sets (or removes, with `None`) a value, keeping the comments around the old value.
fn set_value(table: &mut Table, key: &str, value: Option<Value>) {
    match value {
        None => {
            table.remove(key);
        }
        Some(mut v) => match table.get_mut(key) {
            // Replace the value in place: the key (with the comment lines above it) stays.
            Some(item) => {
                if let Item::Value(old) = item {
                    *v.decor_mut() = old.decor().clone();
                }
                *item = Item::Value(v);
            }
            None => {
                table.insert(key, Item::Value(v));
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::case::{Actor, Visibility};
    use crate::core::lifecycle::{self, Ctx, NewCase};
    use chrono::{TimeZone, Utc};

    fn sample() -> Case {
        let mut ctx = Ctx::new(
            Actor::customer("Jane"),
            Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0).unwrap(),
            7,
        );
        lifecycle::create(
            NewCase {
                id: "DK-4F7QX2MA".into(),
                title: "Card \"declined\"".into(),
                kind: "incident".into(),
                priority: "P2".into(),
                account: Some("acme".into()),
                contact: Some("Jane".into()),
                tags: vec!["vip".into()],
                fields: [("order".to_string(), toml::Value::from("A-1"))].into(),
                body: Some("Line one\nLine two\n".into()),
                channel: "email".into(),
            },
            &mut ctx,
        )
        .unwrap()
    }

    #[test]
    fn path_is_sharded_by_the_random_part() {
        assert_eq!(path_for("DK-4F7QX2MA"), "cases/4F/DK-4F7QX2MA.toml");
    }

    #[test]
    fn a_new_file_round_trips_with_multiline_bodies() {
        let case = sample();
        let text = render_new(&case);
        assert!(
            text.contains("body = '''\nLine one\nLine two\n'''"),
            "{text}"
        );
        assert!(text.find("[fields]").unwrap() < text.find("[[timeline]]").unwrap());
        assert_eq!(parse(&text).unwrap(), case);
    }

    #[test]
    fn an_update_appends_events_and_keeps_comments_and_unknown_keys() {
        let case = sample();
        let text = render_new(&case).replace(
            "priority = \"P2\"",
            "# agreed with the customer\npriority = \"P2\" # high\nmood = \"calm\"",
        );
        let old = parse(&text).unwrap();
        let mut new = old.clone();
        let mut ctx = Ctx::new(Actor::agent("alice"), old.created_at, 9);
        lifecycle::comment(
            &mut new,
            &mut ctx,
            "We are on it",
            "email",
            Visibility::Public,
        )
        .unwrap();
        lifecycle::set(
            &mut new,
            &mut ctx,
            vec![lifecycle::Change::Priority("P1".into())],
        )
        .unwrap();
        let out = render_update(&text, &old, &new).unwrap();
        assert!(
            out.contains("# agreed with the customer\npriority = \"P1\" # high"),
            "{out}"
        );
        assert!(out.contains("mood = \"calm\""));
        let unchanged = &text[..text.find("state").unwrap()];
        assert!(out.starts_with(unchanged), "{out}");
        assert!(out.contains("state = \"open\"\n# agreed"), "{out}");
        assert!(out.trim_end().ends_with("to = \"P1\""), "{out}");
        assert_eq!(parse(&out).unwrap(), new);
    }

    #[test]
    fn parse_errors_name_the_line() {
        let err = parse("id = \"DK-1\"\ntitle = \n").unwrap_err().to_string();
        assert!(err.starts_with("line 2"), "{err}");
        let err = parse("id = \"DK-1\"\ntitle = \"x\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("missing field"), "{err}");
    }
}
