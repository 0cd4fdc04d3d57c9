//! Human-readable output: the case list table and the case view.

use crate::core::case::{Case, Event, Text, value_text};
use crate::core::config::Config;

use std::io::{self, Write};

use super::Format;
use super::style::Style;

/// Prints one case for `show`: the view (table), JSON with its timeline, or a TSV row.
pub fn show(
    out: &mut dyn Write,
    format: Format,
    case: &Case,
    config: &Config,
    style: Style,
) -> io::Result<()> {
    match format {
        Format::Json => super::write_json(out, &super::json::case(case, true)),
        Format::Tsv => super::list::tsv(out, &[case], false),
        _ => out.write_all(case_view(case, config, style).as_bytes()),
    }
}

pub(super) fn or_dash<S: AsRef<str>>(v: &Option<S>) -> String {
    v.as_ref()
        .map_or_else(|| "-".into(), |s| s.as_ref().to_string())
}

/// The `show` view: a header, the fields, then the timeline.
pub fn case_view(case: &Case, config: &Config, style: Style) -> String {
    let case = &sanitized(case);
    let mut out = format!("{}  {}\n", style.bold(&case.id), style.bold(&case.title));
    let pri = match config.priority_name(&case.priority) {
        Some(name) => format!("{} ({})", case.priority, super::safe(name)),
        None => case.priority.to_string(),
    };
    let mut rows: Vec<(&str, String)> = vec![
        (
            "State",
            style.paint(
                &super::safe(config.state_label(case.state.as_str())),
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
        ("Type", case.kind.to_string()),
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
        rows.push(("Parent", p.to_string()));
    }
    if let Some(r) = &case.resolution {
        rows.push(("Resolution", r.to_string()));
    }
    if let Some(c) = case.csat {
        rows.push(("CSAT", format!("{c}/5")));
    }
    rows.push(("Created", style.zone.long(case.created_at)));
    rows.push(("Updated", style.zone.long(case.updated_at)));
    for (k, v) in &case.fields {
        rows.push((k.as_str(), value_text(v)));
    }
    let key_width = rows.iter().map(|(k, _)| super::width(k)).max().unwrap_or(0);
    for (k, v) in rows {
        out.push_str("  ");
        super::pad(&mut out, k, key_width);
        out.push_str(&format!("  {v}\n"));
    }
    out.push_str(&format!("\nTimeline ({} events)\n", case.timeline.len()));
    for e in &case.timeline {
        out.push_str(&format!(
            "  {}  {}  {}\n",
            style.dim(&style.zone.short(e.at)),
            style.bold(&actor_label(e)),
            event_summary(e)
        ));
        if e.kind == "guide"
            && let Some(steps) = e.extra.get("steps").and_then(|s| s.as_array())
        {
            for step in steps {
                let get = |k: &str| super::safe(step.get(k).and_then(|v| v.as_str()).unwrap_or(""));
                out.push_str(&format!(
                    "      │ {}  → {}\n",
                    get("prompt"),
                    style.bold(&get("answer"))
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

/// A copy of the case whose text is safe for a terminal ([`super::safe`]): what a
/// customer wrote cannot move the cursor, recolour or retitle the window.
fn sanitized(case: &Case) -> Case {
    let s = |t: &str| super::safe(t).into_owned();
    let tx = |t: &Text| Text::from(super::safe(t));
    let o = |t: &Option<Text>| t.as_deref().map(|t| Text::from(super::safe(t)));
    let ob = |t: &Option<String>| t.as_deref().map(s);
    let value = |v: &toml::Value| match v {
        toml::Value::String(t) => toml::Value::String(s(t)),
        other => other.clone(),
    };
    let mut c = case.clone();
    c.id = tx(&case.id);
    c.title = tx(&case.title);
    c.kind = tx(&case.kind);
    c.priority = tx(&case.priority);
    c.account = o(&case.account);
    c.contact = o(&case.contact);
    c.assignee = o(&case.assignee);
    c.team = o(&case.team);
    c.parent = o(&case.parent);
    c.resolution = o(&case.resolution);
    c.tags = case.tags.iter().map(|t| s(t)).collect();
    c.fields = case.fields.iter().map(|(k, v)| (s(k), value(v))).collect();
    for e in &mut c.timeline {
        e.actor = tx(&e.actor);
        e.kind = tx(&e.kind);
        e.channel = o(&e.channel);
        e.field = o(&e.field);
        e.from = o(&e.from);
        e.to = o(&e.to);
        e.team = o(&e.team);
        e.reason = o(&e.reason);
        e.resolution = o(&e.resolution);
        e.body = ob(&e.body);
        for v in e.extra.values_mut() {
            *v = value(v);
        }
    }
    c
}

fn actor_label(e: &Event) -> String {
    match e.actor_kind {
        crate::core::case::ActorKind::Agent => e.actor.to_string(),
        kind => format!("{} ({})", e.actor, kind.as_str()),
    }
}

/// One line describing an event.
pub fn event_summary(e: &Event) -> String {
    let opt = |v: &Option<Text>| {
        v.as_deref()
            .filter(|s| !s.is_empty())
            .unwrap_or("-")
            .to_string()
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
        "reidentified" => format!("re-identified: {} → {}", opt(&e.from), opt(&e.to)),
        "moved" => match (&e.to, &e.from) {
            (Some(to), _) => format!("moved to another casebook: {to}"),
            (None, Some(from)) => format!("moved here from {from}"),
            _ => "moved".into(),
        },
        "merge" => format!(
            "merge: kept {} = {} over {} (changed in two clones)",
            opt(&e.field),
            opt(&e.to),
            opt(&e.from)
        ),
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

    fn case(title: &str) -> Case {
        crate::core::case::sample("DK-4F7QX2MA", title)
    }

    #[test]
    fn the_view_lines_up_wide_field_names() {
        let mut c = case("Tarjeta rechazada");
        c.fields
            .insert("注文".into(), toml::Value::String("A-1".into()));
        c.fields
            .insert("order".into(), toml::Value::String("B-2".into()));
        let text = case_view(&c, &Config::default(), Style::plain());
        let col = |needle: &str| {
            let line = text.lines().find(|l| l.contains(needle)).unwrap();
            super::super::width(&line[..line.find(needle).unwrap()])
        };
        assert_eq!(col("A-1"), col("B-2"), "{text}");
        assert_eq!(col("A-1"), col("incident"), "{text}");
    }
}
