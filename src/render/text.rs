//! Human-readable output: the case list table and the case view.

use crate::core::case::{Case, Event, format_time, value_text};
use crate::core::config::Config;

use super::style::Style;

use super::truncate;

fn short_time(t: chrono::DateTime<chrono::Utc>) -> String {
    use chrono::{Datelike, Timelike};
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute()
    )
}

fn or_dash(v: &Option<String>) -> String {
    v.clone().unwrap_or_else(|| "-".into())
}

/// The `list` table: ID, priority, state, assignee, account, updated, title. With a width
/// (a terminal), titles are cut to fit with an ellipsis; without, they are printed whole.
pub fn list_table(cases: &[&Case], config: &Config, width: Option<usize>, style: Style) -> String {
    const HEADERS: [&str; 7] = [
        "ID", "PRI", "STATE", "ASSIGNEE", "ACCOUNT", "UPDATED", "TITLE",
    ];
    let dash = "-";
    let times: Vec<String> = cases.iter().map(|c| short_time(c.updated_at)).collect();
    let row = |i: usize| -> [&str; 7] {
        let c = cases[i];
        [
            &c.id,
            &c.priority,
            config.state_label(c.state.as_str()),
            c.assignee.as_deref().unwrap_or(dash),
            c.account.as_deref().unwrap_or(dash),
            &times[i],
            &c.title,
        ]
    };
    let width_of = |s: &str| {
        if s.is_ascii() {
            s.len()
        } else {
            s.chars().count()
        }
    };
    let mut widths = HEADERS.map(str::len);
    for i in 0..cases.len() {
        for (w, cell) in widths.iter_mut().zip(row(i)) {
            *w = (*w).max(width_of(cell));
        }
    }
    // On a narrow terminal, drop the least useful columns before squeezing the title
    // below 20 characters: account, then the update time, then the assignee.
    let (shown, title_max) = super::fit_columns(&widths, width, &[4, 5, 3], 20);
    // Plain padded columns (no comfy-table here: a list of 10,000 rows must print fast).
    let mut out = String::with_capacity((cases.len() + 1) * 120);
    let mut push_row = |cells: [&str; 7], colours: [&str; 7]| {
        let start = out.len();
        for &i in &shown {
            let cell = cells[i];
            if style.enabled && !colours[i].is_empty() {
                // Pad by the plain text, then colour it.
                out.push_str(&style.paint(cell, colours[i]));
                let pad = widths[i] - width_of(cell) + 2;
                out.extend(std::iter::repeat_n(' ', pad));
                continue;
            }
            if i == 6 {
                match title_max {
                    Some(max) if width_of(cell) > max => out.push_str(&truncate(cell, max)),
                    _ => out.push_str(cell),
                }
            } else {
                out.push_str(cell);
                let pad = widths[i] - width_of(cell) + 2;
                out.extend(std::iter::repeat_n(' ', pad));
            }
        }
        let trimmed = out[start..].trim_end().len();
        out.truncate(start + trimmed);
        out.push('\n');
    };
    let header = if style.enabled { ["1"; 7] } else { [""; 7] };
    push_row(HEADERS, header);
    for (i, c) in cases.iter().enumerate() {
        let colours = [
            "",
            Style::priority_sgr(config.priority_rank(&c.priority)),
            Style::state_sgr(c.state),
            "",
            "",
            "",
            "",
        ];
        push_row(row(i), colours);
    }
    out.pop();
    out
}

/// One record per line, tab-separated, ID first (for cut, awk and `while read`).
pub fn list_tsv(cases: &[&Case], header: bool) -> String {
    let mut out = String::new();
    if header {
        out.push_str("id\tpriority\tstate\tassignee\taccount\ttype\tupdated_at\ttitle\n");
    }
    let clean = |s: &str| s.replace(['\t', '\n', '\r'], " ");
    for c in cases {
        out.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
            c.id,
            c.priority,
            c.state,
            c.assignee.as_deref().unwrap_or(""),
            clean(c.account.as_deref().unwrap_or("")),
            c.kind,
            format_time(c.updated_at),
            clean(&c.title)
        ));
    }
    out
}

/// The `show` view: a header, the fields, then the timeline.
pub fn case_view(case: &Case, config: &Config, style: Style) -> String {
    let mut out = format!("{}  {}\n", style.bold(&case.id), style.bold(&case.title));
    let pri = match config.priority_name(&case.priority) {
        Some(name) => format!("{} ({name})", case.priority),
        None => case.priority.clone(),
    };
    let mut rows: Vec<(&str, String)> = vec![
        (
            "State",
            style.paint(
                config.state_label(case.state.as_str()),
                Style::state_sgr(case.state),
            ),
        ),
        (
            "Priority",
            style.paint(
                &pri,
                Style::priority_sgr(config.priority_rank(&case.priority)),
            ),
        ),
        ("Type", case.kind.clone()),
        ("Account", or_dash(&case.account)),
        ("Contact", or_dash(&case.contact)),
        ("Assignee", or_dash(&case.assignee)),
        ("Team", or_dash(&case.team)),
        ("Escalation", format!("level {}", case.escalation_level)),
    ];
    if !case.tags.is_empty() {
        rows.push(("Tags", case.tags.join(", ")));
    }
    if let Some(p) = &case.parent {
        rows.push(("Parent", p.clone()));
    }
    if let Some(r) = &case.resolution {
        rows.push(("Resolution", r.clone()));
    }
    if let Some(c) = case.csat {
        rows.push(("CSAT", format!("{c}/5")));
    }
    rows.push(("Created", format_time(case.created_at)));
    rows.push(("Updated", format_time(case.updated_at)));
    for (k, v) in &case.fields {
        rows.push((k.as_str(), value_text(v)));
    }
    let key_width = rows.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    for (k, v) in rows {
        out.push_str(&format!("  {k:<key_width$}  {v}\n"));
    }
    out.push_str(&format!("\nTimeline ({} events)\n", case.timeline.len()));
    for e in &case.timeline {
        out.push_str(&format!(
            "  {}  {}  {}\n",
            style.dim(&short_time(e.at)),
            style.bold(&actor_label(e)),
            event_summary(e)
        ));
        if e.kind == "guide"
            && let Some(steps) = e.extra.get("steps").and_then(|s| s.as_array())
        {
            for step in steps {
                let get = |k: &str| step.get(k).and_then(|v| v.as_str()).unwrap_or("");
                out.push_str(&format!(
                    "      │ {}  → {}\n",
                    get("prompt"),
                    style.bold(get("answer"))
                ));
            }
        }
        if let Some(body) = &e.body {
            for line in body.trim_end().lines() {
                out.push_str(&format!("      │ {line}\n"));
            }
        }
    }
    out
}

fn actor_label(e: &Event) -> String {
    match e.actor_kind {
        crate::core::case::ActorKind::Agent => e.actor.clone(),
        kind => format!("{} ({})", e.actor, kind.as_str()),
    }
}

/// One line describing an event.
pub fn event_summary(e: &Event) -> String {
    let opt = |v: &Option<String>| {
        v.clone()
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "-".into())
    };
    match e.kind.as_str() {
        "created" => format!("created the case via {}", opt(&e.channel)),
        "comment" => {
            let vis = match e.visibility {
                Some(crate::core::case::Visibility::Internal) => "internal note",
                _ => "comment",
            };
            format!("{vis} via {}", opt(&e.channel))
        }
        "assigned" => match &e.to {
            Some(to) => format!("assigned to {to}"),
            None => format!("unassigned (was {})", opt(&e.from)),
        },
        "state" => {
            let mut s = format!("{} → {}", opt(&e.from), opt(&e.to));
            if let Some(r) = &e.resolution {
                s.push_str(&format!(": {r}"));
            }
            if let Some(r) = &e.reason {
                s.push_str(&format!(" ({r})"));
            }
            if let Some(c) = e.csat {
                s.push_str(&format!(" csat {c}/5"));
            }
            s
        }
        "escalated" => format!(
            "escalated to level {}{}: {}",
            e.level.unwrap_or(0),
            e.team
                .as_ref()
                .map(|t| format!(" (team {t})"))
                .unwrap_or_default(),
            opt(&e.reason)
        ),
        "set" => format!("set {}: {} → {}", opt(&e.field), opt(&e.from), opt(&e.to)),
        "guide" => {
            let get = |k: &str| e.extra.get(k).and_then(|v| v.as_str()).unwrap_or("?");
            format!("ran guide {}: {}", get("guide"), get("outcome"))
        }
        "check" => {
            let get = |k: &str| e.extra.get(k).and_then(|v| v.as_str()).unwrap_or("?");
            format!("check `{}`: {}", get("command"), get("status"))
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::case::State;

    fn case(title: &str) -> Case {
        let t = chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        Case {
            id: "DK-4F7QX2MA".into(),
            title: title.into(),
            kind: "incident".into(),
            state: State::AwaitingInfo,
            priority: "P1".into(),
            account: Some("a-rather-long-account-name".into()),
            contact: None,
            assignee: Some("alice".into()),
            team: None,
            escalation_level: 0,
            parent: None,
            tags: vec![],
            resolution: None,
            csat: None,
            created_at: t,
            updated_at: t,
            fields: Default::default(),
            timeline: vec![],
        }
    }

    #[test]
    fn a_narrow_table_drops_columns_before_squeezing_the_title() {
        let c = case("Printer on fire in the third floor meeting room");
        let config = Config::default();
        let wide = list_table(&[&c], &config, Some(200), Style::plain());
        assert!(wide.contains("ACCOUNT") && wide.contains("third floor meeting room"));
        let narrow = list_table(&[&c], &config, Some(60), Style::plain());
        assert!(!narrow.contains("ACCOUNT"), "{narrow}");
        for line in narrow.lines() {
            assert!(line.chars().count() <= 60, "{line:?}");
        }
        assert!(narrow.contains('…'));
    }

    #[test]
    fn colour_does_not_change_the_layout() {
        let c = case("Short");
        let config = Config::default();
        let plain = list_table(&[&c], &config, Some(120), Style::plain());
        let coloured = list_table(&[&c], &config, Some(120), Style { enabled: true });
        let stripped: String = coloured
            .split('\x1b')
            .enumerate()
            .map(|(i, part)| {
                if i == 0 {
                    part
                } else {
                    part.split_once('m').map_or("", |(_, r)| r)
                }
            })
            .collect();
        assert_eq!(stripped, plain);
        assert!(coloured.contains("\x1b[1;31mP1\x1b[0m"));
    }
}
