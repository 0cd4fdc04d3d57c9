//! `docket log`: one entry per commit, newest first — for people (the changed fields and
//! the added events under each commit line), as TSV, or as JSON.

use std::io::{self, Write};

use crate::core::case::{Event, format_time};
use crate::core::history::Entry;

use super::Format;

/// The entries in `format`; people read times on `zone` (TSV and JSON are UTC).
pub fn write(
    out: &mut dyn Write,
    format: Format,
    entries: &[Entry],
    zone: super::style::Zone,
) -> io::Result<()> {
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
                text(out, e, zone)?;
            }
            Ok(())
        }
    }
}

/// One entry for people; everything that came from a commit or a case file is escaped
/// for the terminal ([`super::safe`]).
fn text(out: &mut dyn Write, e: &Entry, zone: super::style::Zone) -> io::Result<()> {
    let safe = super::safe;
    writeln!(
        out,
        "{}  {}  {}  {}",
        e.commit.get(..10).unwrap_or(&e.commit),
        zone.long(e.at),
        safe(&e.author),
        safe(&e.subject)
    )?;
    if e.shallow_boundary {
        writeln!(
            out,
            "    (the history is cut here: a shallow clone; `git fetch --unshallow` brings what came before)"
        )?;
        return Ok(());
    }
    if e.action != "create" {
        for c in e.changes.iter().filter(|c| c.field != "updated_at") {
            writeln!(
                out,
                "    {}: {} → {}",
                safe(&c.field),
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
                safe(&super::text::event_summary(&event)),
                safe(&event.actor)
            )?;
        }
    }
    Ok(())
}

fn value(v: Option<&toml::Value>) -> String {
    match v {
        None => "-".into(),
        Some(toml::Value::String(s)) => super::truncate(s, 60),
        Some(other) => {
            let text = serde_json::to_string(other).unwrap_or_else(|_| other.to_string());
            super::safe(&text).into_owned()
        }
    }
}
