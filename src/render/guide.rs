//! Guides for people and programs: the guide list, `guide check` problems, the outline
//! and Graphviz views of `guide show`, its JSON, and the dry run of `guide run`.

use std::collections::BTreeSet;
use std::io::{self, Write};

use serde_json::json;

use crate::core::guide::{Action, Guide, Node, Problem, Run};

use super::Format;

/// A guide in `guide list`.
#[derive(serde::Serialize)]
pub struct ListRow {
    pub name: String,
    pub title: String,
    pub applies_to: Vec<String>,
    pub nodes: usize,
    pub version: String,
}

/// `guide list`: a table (NAME, TITLE, APPLIES TO) or JSON.
pub fn list(out: &mut dyn Write, format: Format, rows: &[ListRow]) -> io::Result<()> {
    if format == Format::Json {
        return super::write_json(out, &rows);
    }
    let w = rows
        .iter()
        .map(|r| super::width(&super::safe(&r.name)))
        .max()
        .unwrap_or(4)
        .max(4);
    let mut line = String::new();
    super::pad(&mut line, "NAME", w);
    line.push_str("  ");
    super::pad(&mut line, "TITLE", 28);
    writeln!(out, "{line}  APPLIES TO")?;
    for r in rows {
        let mut line = String::new();
        super::pad(&mut line, &super::safe(&r.name), w);
        line.push_str("  ");
        super::pad(&mut line, &super::truncate(&r.title, 28), 28);
        let applies = if r.applies_to.is_empty() {
            "all types".to_string()
        } else {
            r.applies_to.join(", ")
        };
        writeln!(out, "{line}  {}", super::safe(&applies))?;
    }
    Ok(())
}

/// `guide check`: one `file:line: problem` per line, or a JSON array of them.
pub fn problems(out: &mut dyn Write, format: Format, all: &[(String, Problem)]) -> io::Result<()> {
    if format == Format::Json {
        let v: Vec<serde_json::Value> = all
            .iter()
            .map(|(f, p)| json!({"file": f, "line": p.line, "message": p.message}))
            .collect();
        return super::write_json(out, &v);
    }
    for (f, p) in all {
        match p.line {
            Some(l) => writeln!(out, "{f}:{l}: {}", p.message)?,
            None => writeln!(out, "{f}: {}", p.message)?,
        }
    }
    Ok(())
}

/// `guide show`: the outline, JSON, or Graphviz dot.
pub fn show(out: &mut dyn Write, format: Format, g: &Guide, version: &str) -> io::Result<()> {
    match format {
        Format::Json => super::write_json(out, &guide_json(g, version)),
        Format::Dot => out.write_all(dot(g).as_bytes()),
        _ => out.write_all(super::safe(&outline(g)).as_bytes()),
    }
}

/// The dry run of `guide run`: the path taken and the actions, or the same as JSON.
pub fn dry_run(
    out: &mut dyn Write,
    format: Format,
    g: &Guide,
    version: &str,
    run: &Run,
    actions: &[String],
) -> io::Result<()> {
    if format == Format::Json {
        let v = json!({
            "guide": g.name, "version": version, "outcome": run.summary, "outcome_node": run.outcome,
            "steps": run.steps, "actions": actions, "values": run.values,
        });
        return super::write_json(out, &v);
    }
    out.write_all(super::safe(&dry_run_text(g, run, actions)).as_bytes())
}

fn node_json(n: &Node) -> serde_json::Value {
    match n {
        Node::Question {
            prompt,
            help,
            choices,
        } => json!({
            "type": "question", "prompt": prompt, "help": help,
            "choices": choices.iter().map(|c| json!({"label": c.label, "next": c.next})).collect::<Vec<_>>(),
        }),
        Node::Input {
            prompt,
            help,
            field,
            next,
            when,
            required,
            ..
        } => json!({
            "type": "input", "prompt": prompt, "help": help, "field": field, "required": required, "next": next,
            "when": when.iter().map(|b| json!({"is": b.is, "over": b.over, "under": b.under, "next": b.next})).collect::<Vec<_>>(),
        }),
        Node::Outcome { summary, actions } => json!({
            "type": "outcome", "summary": summary,
            "actions": actions.iter().map(Action::describe).collect::<Vec<_>>(),
        }),
    }
}

pub fn guide_json(g: &Guide, version: &str) -> serde_json::Value {
    json!({
        "name": g.name, "title": g.title, "applies_to": g.applies_to, "start": g.start, "version": version,
        "nodes": g.nodes.iter().map(|(k, n)| (k.clone(), node_json(n))).collect::<serde_json::Map<_, _>>(),
    })
}

/// The guide as an indented outline from its start node.
pub fn outline(g: &Guide) -> String {
    let mut out = format!(
        "{} ({}), applies to {}\n",
        g.title,
        g.name,
        if g.applies_to.is_empty() {
            "all types".to_string()
        } else {
            g.applies_to.join(", ")
        }
    );
    let mut seen = BTreeSet::new();
    fn walk(
        g: &Guide,
        id: &str,
        depth: usize,
        via: &str,
        seen: &mut BTreeSet<String>,
        out: &mut String,
    ) {
        let pad = "  ".repeat(depth);
        let Some(n) = g.nodes.get(id) else { return };
        if !seen.insert(id.to_string()) {
            out.push_str(&format!("{pad}{via}→ {id} (see above)\n"));
            return;
        }
        match n {
            Node::Question {
                prompt, choices, ..
            } => {
                out.push_str(&format!("{pad}{via}[{id}] {prompt}\n"));
                for c in choices {
                    walk(g, &c.next, depth + 1, &format!("{} ", c.label), seen, out);
                }
            }
            Node::Input {
                prompt,
                field,
                next,
                when,
                ..
            } => {
                out.push_str(&format!("{pad}{via}[{id}] {prompt} (→ field {field})\n"));
                for b in when {
                    let cond = match (&b.is, b.over, b.under) {
                        (Some(v), _, _) => format!("if {v} "),
                        (_, Some(o), _) => format!("if > {o} "),
                        (_, _, Some(u)) => format!("if < {u} "),
                        _ => "if any ".into(),
                    };
                    walk(g, &b.next, depth + 1, &cond, seen, out);
                }
                if let Some(n) = next {
                    walk(
                        g,
                        n,
                        depth + 1,
                        if when.is_empty() { "" } else { "otherwise " },
                        seen,
                        out,
                    );
                }
            }
            Node::Outcome { summary, actions } => {
                out.push_str(&format!("{pad}{via}[{id}] OUTCOME: {summary}\n"));
                for a in actions {
                    out.push_str(&format!("{pad}    • {}\n", a.describe()));
                }
            }
        }
    }
    walk(g, &g.start, 0, "", &mut seen, &mut out);
    out
}

/// The guide as a Graphviz digraph.
pub fn dot(g: &Guide) -> String {
    let q = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
    let mut out = format!(
        "digraph {} {{\n  label={};\n  node [shape=box, style=rounded];\n",
        q(&g.name),
        q(&g.title)
    );
    for (id, n) in &g.nodes {
        let shape = match n {
            Node::Question { .. } => "shape=box",
            Node::Input { .. } => "shape=parallelogram",
            Node::Outcome { .. } => "shape=box, style=\"rounded,filled\", fillcolor=lightgrey",
        };
        out.push_str(&format!(
            "  {} [label={}, {shape}];\n",
            q(id),
            q(n.prompt())
        ));
        match n {
            Node::Question { choices, .. } => {
                for c in choices {
                    out.push_str(&format!(
                        "  {} -> {} [label={}];\n",
                        q(id),
                        q(&c.next),
                        q(&c.label)
                    ));
                }
            }
            Node::Input { next, when, .. } => {
                for b in when {
                    let label =
                        b.is.clone()
                            .or(b.over.map(|o| format!("> {o}")))
                            .or(b.under.map(|u| format!("< {u}")))
                            .unwrap_or_default();
                    out.push_str(&format!(
                        "  {} -> {} [label={}];\n",
                        q(id),
                        q(&b.next),
                        q(&label)
                    ));
                }
                if let Some(n) = next {
                    out.push_str(&format!("  {} -> {};\n", q(id), q(n)));
                }
            }
            Node::Outcome { .. } => {}
        }
    }
    out.push_str(&format!(
        "  start [shape=point];\n  start -> {};\n}}\n",
        q(&g.start)
    ));
    out
}

fn dry_run_text(g: &Guide, run: &Run, actions: &[String]) -> String {
    let mut out = format!(
        "Guide {} ({}) — dry run, nothing written\n",
        g.title, g.name
    );
    for s in &run.steps {
        out.push_str(&format!("  [{}] {} → {}\n", s.node, s.prompt, s.answer));
    }
    out.push_str(&format!("Outcome [{}]: {}\n", run.outcome, run.summary));
    for (k, v) in &run.values {
        out.push_str(&format!("  • set {k}={v}\n"));
    }
    for a in actions {
        out.push_str(&format!("  • {a}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOST: &str = include_str!("../templates/guides/lost-card.toml");

    #[test]
    fn dot_quotes_labels_and_marks_the_start() {
        let g = crate::core::guide::parse("lost-card", LOST).unwrap();
        let text = dot(&g);
        assert!(text.starts_with("digraph \"lost-card\""), "{text}");
        assert!(
            text.contains(&format!("start -> \"{}\"", g.start)),
            "{text}"
        );
    }

    #[test]
    fn the_outline_visits_each_node_once() {
        let g = crate::core::guide::parse("lost-card", LOST).unwrap();
        let text = outline(&g);
        for id in g.nodes.keys() {
            let opened = text.matches(&format!("[{id}]")).count();
            assert!(opened <= 1, "{id} printed {opened} times:\n{text}");
        }
    }

    #[test]
    fn the_list_lines_up_wide_names() {
        let rows = vec![
            ListRow {
                name: "カード".into(),
                title: "Lost card".into(),
                applies_to: vec![],
                nodes: 1,
                version: "x".into(),
            },
            ListRow {
                name: "login".into(),
                title: "Login".into(),
                applies_to: vec!["incident".into()],
                nodes: 1,
                version: "y".into(),
            },
        ];
        let mut out = Vec::new();
        list(&mut out, Format::Table, &rows).unwrap();
        let text = String::from_utf8(out).unwrap();
        let starts: Vec<usize> = text
            .lines()
            .map(|l| super::super::width(&l[..l.find(['T', 'L']).unwrap()]))
            .collect();
        assert!(starts.windows(2).all(|w| w[0] == w[1]), "{text}");
    }
}
