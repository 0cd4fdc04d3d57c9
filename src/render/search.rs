//! Search results, similar cases and knowledge articles: tables with highlighted snippets
//! on a terminal, JSON and TSV for scripts.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::{Value, json};

use super::style::Style;
use super::{Format, safe, truncate};
use crate::core::kb::Article;
use crate::core::search::Hit;

/// One line of snippet text with its matches painted (bold red, like `rg`).
fn painted(hit: &Hit, style: Style) -> String {
    let text = hit.snippet.replace(['\n', '\r', '\t'], " ");
    let mut out = String::new();
    let mut at = 0;
    for &(from, to) in &hit.highlights {
        if from < at
            || to > text.len()
            || !text.is_char_boundary(from)
            || !text.is_char_boundary(to)
        {
            continue;
        }
        out.push_str(&safe(&text[at..from]));
        out.push_str(&style.paint(&safe(&text[from..to]), "1;31"));
        at = to;
    }
    out.push_str(&safe(&text[at..]));
    out.trim().to_string()
}

fn tsv_clean(s: &str) -> String {
    s.replace(['\t', '\n', '\r'], " ")
}

fn hit_json(h: &Hit) -> Value {
    json!({
        "id": h.id,
        "score": (f64::from(h.score) * 1000.0).round() / 1000.0,
        "state": h.state,
        "priority": h.priority,
        "type": h.kind,
        "assignee": if h.assignee.is_empty() { Value::Null } else { json!(h.assignee) },
        "account": if h.account.is_empty() { Value::Null } else { json!(h.account) },
        "title": h.title,
        "snippet": h.snippet,
        "highlights": h.highlights.iter().map(|(a, b)| json!([a, b])).collect::<Vec<_>>(),
        "path": h.path,
    })
}

/// `docket search` / `kb search` results, best first.
pub fn hits(
    out: &mut dyn Write,
    format: Format,
    hits: &[Hit],
    style: Style,
    width: Option<usize>,
    articles: bool,
) -> io::Result<()> {
    match format {
        Format::Json => super::write_json(out, &hits.iter().map(hit_json).collect::<Vec<_>>()),
        Format::Tsv => {
            for h in hits {
                writeln!(
                    out,
                    "{}\t{:.3}\t{}\t{}\t{}",
                    h.id,
                    h.score,
                    if articles { &h.kind } else { &h.state },
                    tsv_clean(&h.title),
                    tsv_clean(&h.snippet)
                )?;
            }
            Ok(())
        }
        _ => {
            let w = width.unwrap_or(100).max(40);
            for h in hits {
                let what = if articles { "" } else { h.state.as_str() };
                let head = format!("{}  {}  {}", style.bold(&h.id), what, safe(&h.title));
                writeln!(out, "{}", head.replace("    ", "  "))?;
                let snippet = painted(h, style);
                if !snippet.is_empty() {
                    let plain_len = super::width(&h.snippet);
                    let line = if plain_len + 4 > w && !style.enabled {
                        truncate(&snippet, w - 4)
                    } else {
                        snippet
                    };
                    writeln!(out, "    {line}")?;
                }
            }
            Ok(())
        }
    }
}

/// How long a case took to resolve, as people say it.
pub fn took(secs: Option<i64>) -> String {
    super::report::duration(secs)
}

/// What `similar` and `show --suggest` print.
#[derive(Serialize)]
pub struct Suggestions {
    pub cases: Vec<Hit>,
    pub articles: Vec<Hit>,
    /// (name, title) of the guides for the case's type.
    pub guides: Vec<(String, String)>,
}

impl Suggestions {
    pub fn to_json(&self) -> Value {
        json!({
            "cases": self.cases.iter().map(|h| json!({
                "id": h.id,
                "title": h.title,
                "state": h.state,
                "score": (f64::from(h.score) * 1000.0).round() / 1000.0,
                "resolution": if h.resolution.is_empty() { Value::Null } else { json!(h.resolution) },
                "resolution_seconds": h.resolve_secs,
            })).collect::<Vec<_>>(),
            "articles": self.articles.iter().map(|h| json!({
                "slug": h.id,
                "title": h.title,
                "score": (f64::from(h.score) * 1000.0).round() / 1000.0,
            })).collect::<Vec<_>>(),
            "guides": self.guides.iter().map(|(n, t)| json!({"name": n, "title": t})).collect::<Vec<_>>(),
        })
    }
}

/// Similar cases, articles and guides as text.
pub fn suggestions(
    out: &mut dyn Write,
    format: Format,
    s: &Suggestions,
    style: Style,
) -> io::Result<()> {
    match format {
        Format::Json => super::write_json(out, &s.to_json()),
        Format::Tsv => {
            for h in &s.cases {
                writeln!(
                    out,
                    "case\t{}\t{:.3}\t{}\t{}",
                    h.id,
                    h.score,
                    tsv_clean(&h.title),
                    tsv_clean(&h.resolution)
                )?;
            }
            for h in &s.articles {
                writeln!(
                    out,
                    "article\t{}\t{:.3}\t{}\t",
                    h.id,
                    h.score,
                    tsv_clean(&h.title)
                )?;
            }
            for (n, t) in &s.guides {
                writeln!(out, "guide\t{n}\t\t{}\t", tsv_clean(t))?;
            }
            Ok(())
        }
        _ => {
            writeln!(out, "{}", style.bold("Similar resolved cases:"))?;
            if s.cases.is_empty() {
                writeln!(out, "  (none)")?;
            }
            for h in &s.cases {
                writeln!(
                    out,
                    "  {}  {}  ({}, took {})",
                    style.bold(&h.id),
                    safe(&h.title),
                    h.state,
                    took(h.resolve_secs)
                )?;
                if !h.resolution.is_empty() {
                    writeln!(
                        out,
                        "      {}",
                        safe(&truncate(&h.resolution.replace('\n', " "), 110))
                    )?;
                }
            }
            writeln!(out, "{}", style.bold("Articles:"))?;
            if s.articles.is_empty() {
                writeln!(out, "  (none)")?;
            }
            for h in &s.articles {
                writeln!(out, "  {}  {}", style.bold(&h.id), safe(&h.title))?;
            }
            writeln!(out, "{}", style.bold("Guides:"))?;
            if s.guides.is_empty() {
                writeln!(out, "  (none)")?;
            }
            for (n, t) in &s.guides {
                writeln!(out, "  {}  {}", style.bold(n), safe(t))?;
            }
            Ok(())
        }
    }
}

/// `kb list`.
pub fn articles(
    out: &mut dyn Write,
    format: Format,
    list: &[Article],
    style: Style,
) -> io::Result<()> {
    match format {
        Format::Json => super::write_json(out, &list),
        Format::Tsv => {
            for a in list {
                writeln!(
                    out,
                    "{}\t{}\t{}\t{}",
                    a.slug,
                    a.header.status.as_str(),
                    a.header.audience.as_str(),
                    tsv_clean(&a.header.title)
                )?;
            }
            Ok(())
        }
        _ => {
            let w = list.iter().map(|a| a.slug.len()).max().unwrap_or(4);
            for a in list {
                let slug = format!("{:w$}", a.slug);
                writeln!(
                    out,
                    "{}  {:9}  {:8}  {}",
                    style.bold(&slug),
                    a.header.status.as_str(),
                    a.header.audience.as_str(),
                    safe(&a.header.title)
                )?;
            }
            Ok(())
        }
    }
}

/// `kb show`: the article (header, then its text) and the cases it was sent to.
pub fn article(
    out: &mut dyn Write,
    format: Format,
    article: &Article,
    sent_to: &[Hit],
    style: Style,
) -> io::Result<()> {
    let h = &article.header;
    match format {
        Format::Json => {
            let mut v = serde_json::to_value(article).map_err(io::Error::other)?;
            v["cases"] = json!(
                sent_to
                    .iter()
                    .map(|c| json!({"id": c.id, "title": c.title, "state": c.state}))
                    .collect::<Vec<_>>()
            );
            super::write_json(out, &v)
        }
        Format::Tsv => {
            let ids: Vec<&str> = sent_to.iter().map(|c| c.id.as_str()).collect();
            writeln!(
                out,
                "{}\t{}\t{}\t{}\t{}",
                article.slug,
                h.status.as_str(),
                h.audience.as_str(),
                tsv_clean(&h.title),
                ids.join(",")
            )
        }
        _ => {
            writeln!(out, "{}  {}", style.bold(&article.slug), safe(&h.title))?;
            writeln!(
                out,
                "status: {}   audience: {}   owner: {}",
                h.status.as_str(),
                h.audience.as_str(),
                h.owner.as_deref().unwrap_or("-")
            )?;
            if !h.tags.is_empty() {
                writeln!(out, "tags: {}", h.tags.join(", "))?;
            }
            if !h.applies_to.is_empty() {
                writeln!(out, "applies to: {}", h.applies_to.join(", "))?;
            }
            writeln!(out, "\n{}", safe(article.body.trim_end()))?;
            let head = format!("Sent to {} case(s):", sent_to.len());
            writeln!(out, "\n{}", style.bold(&head))?;
            for c in sent_to {
                writeln!(out, "  {}  {}  {}", c.id, c.state, safe(&c.title))?;
            }
            Ok(())
        }
    }
}
