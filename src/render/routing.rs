//! Routing output: `assign --auto --explain`, `route` and `escalate --auto` decisions,
//! `queue`/`mine` rows and the `agents` table.

use std::io::{self, Write};

use chrono::{DateTime, Utc};

use super::{Format, safe};
use crate::core::case::Case;
use crate::core::routing::Candidate;

/// Every agent of the team: kept or dropped, why, and the ranking facts.
pub fn explain(
    out: &mut dyn Write,
    case: &str,
    team: &str,
    skills: &[String],
    ranked: &[Candidate],
) -> io::Result<()> {
    writeln!(
        out,
        "{case} in team {team}, needs {}",
        if skills.is_empty() {
            "no particular skill".to_string()
        } else {
            skills.join(", ")
        }
    )?;
    for (i, c) in ranked.iter().enumerate() {
        let mark = match (c.kept, i) {
            (true, 0) => "→ chosen ",
            (true, _) => "  kept   ",
            (false, _) => "  dropped",
        };
        writeln!(out, "{mark}  {:<12} {}", safe(&c.agent), safe(&c.reason))?;
    }
    Ok(())
}

/// One decision per line: case, team, agent (or nobody), why. TSV when asked.
pub fn decisions(
    out: &mut dyn Write,
    format: Format,
    rows: &[(String, Option<String>, Option<String>, String)],
) -> io::Result<()> {
    for (case, team, agent, reason) in rows {
        let team = team.as_deref().unwrap_or("-");
        match format {
            Format::Tsv => writeln!(
                out,
                "{case}\t{team}\t{}\t{}",
                agent.as_deref().unwrap_or(""),
                reason.replace(['\t', '\n'], " ")
            )?,
            _ => match agent {
                Some(a) => writeln!(out, "{case}  {team:<12} → {:<12} {}", safe(a), safe(reason))?,
                None => writeln!(
                    out,
                    "{case}  {team:<12} → {:<12} {}",
                    "nobody",
                    safe(reason)
                )?,
            },
        }
    }
    Ok(())
}

/// A queue row: the case, its next SLA deadline, and whether the customer replied since
/// my last action (`mine`).
pub struct Row<'a> {
    pub case: &'a Case,
    pub next_deadline: Option<DateTime<Utc>>,
    pub replied: bool,
}

pub fn queue(
    out: &mut dyn Write,
    format: Format,
    rows: &[Row<'_>],
    zone: super::style::Zone,
) -> io::Result<()> {
    match format {
        Format::Json => {
            let v: Vec<serde_json::Value> = rows
                .iter()
                .map(|r| {
                    let mut c = super::json::case(r.case, false);
                    if let Some(m) = c.as_object_mut() {
                        m.insert(
                            "next_deadline".into(),
                            r.next_deadline.map(crate::core::case::format_time).into(),
                        );
                        m.insert("replied".into(), r.replied.into());
                    }
                    c
                })
                .collect();
            writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&v).map_err(io::Error::other)?
            )
        }
        Format::Tsv => {
            for r in rows {
                let c = r.case;
                writeln!(
                    out,
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    c.id,
                    c.priority,
                    c.state,
                    c.assignee.as_deref().unwrap_or(""),
                    r.next_deadline
                        .map(crate::core::case::format_time)
                        .unwrap_or_default(),
                    if r.replied { "replied" } else { "" },
                    c.title.replace(['\t', '\n'], " ")
                )?;
            }
            Ok(())
        }
        _ => {
            if rows.is_empty() {
                return writeln!(out, "Nothing waiting.");
            }
            for r in rows {
                let c = r.case;
                let due = r
                    .next_deadline
                    .map(|t| zone.short(t))
                    .unwrap_or_else(|| "-".into());
                writeln!(
                    out,
                    "{:<12} {:<3} {:<13} {:<10} {:<22} {}{}",
                    c.id,
                    c.priority,
                    c.state.as_str(),
                    c.assignee.as_deref().map(safe).unwrap_or("-".into()),
                    due,
                    if r.replied { "[replied] " } else { "" },
                    safe(&c.title)
                )?;
            }
            Ok(())
        }
    }
}

pub fn agents(out: &mut dyn Write, format: Format, rows: &[[String; 6]]) -> io::Result<()> {
    for r in rows {
        match format {
            Format::Tsv => writeln!(out, "{}", r.join("\t"))?,
            _ => writeln!(
                out,
                "{:<10} {:<20} {:<32} {:<6} {:<24} {}",
                safe(&r[0]),
                safe(&r[1]),
                safe(&r[2]),
                r[3],
                safe(&r[4]),
                safe(&r[5])
            )?,
        }
    }
    Ok(())
}
