//! `docket log`: a case's history from Git, one entry per commit, newest first, with the
//! field-level changes and the events each commit added.

use std::io::Write;

use serde_json::{Value, json};

use crate::cli::LogArgs;
use crate::core::case::format_time;
use crate::error::Result;
use crate::store::casefile;

use super::Env;

/// Field changes between two versions of a case file (top-level keys and `fields.*`).
fn field_changes(before: Option<&toml::Table>, after: Option<&toml::Table>) -> Vec<Value> {
    let empty = toml::Table::new();
    let before = before.unwrap_or(&empty);
    let after = after.unwrap_or(&empty);
    let mut out = Vec::new();
    let mut keys: Vec<&String> = before.keys().chain(after.keys()).collect();
    keys.sort();
    keys.dedup();
    for key in keys {
        if key == "timeline" {
            continue;
        }
        let (b, a) = (before.get(key), after.get(key));
        if key == "fields" {
            let sub = |v: Option<&toml::Value>| v.and_then(|v| v.as_table()).cloned();
            for mut c in field_changes(sub(b).as_ref(), sub(a).as_ref()) {
                let name = format!("fields.{}", c["field"].as_str().unwrap_or(""));
                c["field"] = Value::String(name);
                out.push(c);
            }
            continue;
        }
        if b != a {
            out.push(json!({ "field": key, "from": plain(b), "to": plain(a) }));
        }
    }
    out
}

fn plain(v: Option<&toml::Value>) -> Value {
    match v {
        None => Value::Null,
        // "" is how a case file writes "none".
        Some(toml::Value::String(s)) if s.is_empty() => Value::Null,
        Some(toml::Value::String(s)) => Value::String(s.clone()),
        Some(other) => serde_json::to_value(other).unwrap_or(Value::Null),
    }
}

fn parse_table(bytes: &Option<Vec<u8>>) -> Option<toml::Table> {
    bytes
        .as_ref()
        .and_then(|b| std::str::from_utf8(b).ok())
        .and_then(|t| t.parse::<toml::Table>().ok())
}

fn events(table: &Option<toml::Table>) -> Vec<toml::Value> {
    table
        .as_ref()
        .and_then(|t| t.get("timeline"))
        .and_then(|t| t.as_array())
        .cloned()
        .unwrap_or_default()
}

pub fn run(env: &mut Env, args: LogArgs) -> Result<()> {
    let cb = env.casebook()?;
    let id = cb.resolve_id(&args.id)?;
    let history = cb.file_history(&casefile::path_for(&id))?;
    let mut entries = Vec::new();
    for c in &history {
        let before = parse_table(&c.before);
        let after = parse_table(&c.after);
        let known: std::collections::HashSet<String> = events(&before)
            .iter()
            .filter_map(|e| e.get("id").and_then(|v| v.as_str()).map(String::from))
            .collect();
        let added: Vec<Value> = events(&after)
            .into_iter()
            .filter(|e| {
                e.get("id")
                    .and_then(|v| v.as_str())
                    .is_none_or(|id| !known.contains(id))
            })
            .map(|e| serde_json::to_value(e).unwrap_or(Value::Null))
            .collect();
        let subject = c.message.lines().next().unwrap_or("").to_string();
        let action = c
            .message
            .lines()
            .find_map(|l| l.strip_prefix("Docket-Action:"))
            .map(|a| a.trim().to_string())
            .unwrap_or_else(|| "edit".to_string());
        entries.push(json!({
            "commit": c.commit,
            "author": format!("{} <{}>", c.author.name, c.author.email),
            "at": format_time(c.at),
            "action": action,
            "subject": subject,
            "changes": field_changes(before.as_ref(), after.as_ref()),
            "events": added,
        }));
    }
    if env.json() {
        return env.print_json(&Value::Array(entries));
    }
    if env.global.format == crate::cli::Format::Tsv {
        for e in &entries {
            let field = |k: &str| e[k].as_str().unwrap_or("").replace(['\t', '\n'], " ");
            writeln!(
                env.out,
                "{}\t{}\t{}\t{}\t{}",
                field("commit"),
                field("at"),
                field("author"),
                field("action"),
                field("subject")
            )?;
        }
        return Ok(());
    }
    for e in &entries {
        writeln!(
            env.out,
            "{}  {}  {}  {}",
            &e["commit"].as_str().unwrap_or("")[..10],
            e["at"].as_str().unwrap_or(""),
            e["author"].as_str().unwrap_or(""),
            e["subject"].as_str().unwrap_or("")
        )?;
        let created = e["action"] == "create";
        for ch in e["changes"].as_array().into_iter().flatten() {
            if created || ch["field"] == "updated_at" {
                continue;
            }
            writeln!(
                env.out,
                "    {}: {} → {}",
                ch["field"].as_str().unwrap_or(""),
                show_value(&ch["from"]),
                show_value(&ch["to"])
            )?;
        }
        for ev in e["events"].as_array().into_iter().flatten() {
            if let Ok(event) = serde_json::from_value::<crate::core::case::Event>(ev.clone()) {
                writeln!(
                    env.out,
                    "    + {} by {}",
                    crate::render::text::event_summary(&event),
                    event.actor
                )?;
            }
        }
    }
    Ok(())
}

fn show_value(v: &Value) -> String {
    match v {
        Value::Null => "-".into(),
        Value::String(s) => crate::render::truncate(s, 60),
        other => other.to_string(),
    }
}
