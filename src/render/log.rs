//! `docket log`: one entry per commit, newest first — for people (the changed fields and
//! the added events under each commit line), as TSV, or as JSON.

use std::io::{self, Write};

use crate::core::case::{Event, format_time};
use crate::core::history::Entry;

use super::Format;

pub fn write(out: &mut dyn Write, format: Format, entries: &[Entry]) -> io::Result<()> {
    match format {
        Format::Json => super::write_json(out, &entries),
        Format::Tsv => {
            for e in entries {
                let clean = |s: &str| s.replace(['\t', '\n', '\r'], " ");
                writeln!(
                    out,
                    "{}\t{}\t{}\t{}\t{}",
                    e.commit,
                    format_time(e.at),
                    clean(&e.author),
                    clean(&e.action),
                    clean(&e.subject)
                )?;
            }
            Ok(())
        }
        _ => {
            for e in entries {
                text(out, e)?;
            }
            Ok(())
        }
    }
}

fn text(out: &mut dyn Write, e: &Entry) -> io::Result<()> {
    writeln!(
        out,
        "{}  {}  {}  {}",
        e.commit.get(..10).unwrap_or(&e.commit),
        format_time(e.at),
        e.author,
        e.subject
    )?;
    if e.action != "create" {
        for c in e.changes.iter().filter(|c| c.field != "updated_at") {
            writeln!(
                out,
                "    {}: {} → {}",
                c.field,
                value(c.from.as_ref()),
                value(c.to.as_ref())
            )?;
        }
    }
    for ev in &e.events {
        if let Ok(event) = ev.clone().try_into::<Event>() {
            writeln!(
                out,
                "    + {} by {}",
                super::text::event_summary(&event),
                event.actor
            )?;
        }
    }
    Ok(())
}

fn value(v: Option<&toml::Value>) -> String {
    match v {
        None => "-".into(),
        Some(toml::Value::String(s)) => super::truncate(s, 60),
        Some(other) => serde_json::to_string(other).unwrap_or_else(|_| other.to_string()),
    }
}
