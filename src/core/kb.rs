//! Knowledge articles: `kb/<slug>.md`, Markdown under a small TOML header between `+++`
//! lines (title, tags, applies_to, audience, status, owner). Pure: parsing, checking and
//! writing the text of an article.

use serde::{Deserialize, Serialize};

use super::case::{Case, Visibility};
use super::keys::{Shape, unknown_keys};
use super::lifecycle::{Ctx, LifecycleError};

const STRINGS: Shape = Shape::Leaf;

/// The header's keys.
pub const HEADER: Shape = Shape::Table(&[
    ("title", Shape::Leaf),
    ("tags", STRINGS),
    ("applies_to", STRINGS),
    ("audience", Shape::Leaf),
    ("status", Shape::Leaf),
    ("owner", Shape::Leaf),
]);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Audience {
    /// Customers may be sent it.
    #[default]
    Public,
    /// For agents only.
    Internal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    #[default]
    Draft,
    Published,
}

impl Audience {
    pub fn as_str(self) -> &'static str {
        match self {
            Audience::Public => "public",
            Audience::Internal => "internal",
        }
    }
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Published => "published",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Header {
    pub title: String,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub applies_to: Vec<String>,
    #[serde(default)]
    pub audience: Audience,
    #[serde(default)]
    pub status: Status,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Article {
    pub slug: String,
    #[serde(flatten)]
    pub header: Header,
    pub body: String,
}

/// A problem with an article, at a line of its file (1-based) when known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub line: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(l) => write!(f, "line {l}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

fn problem(line: Option<usize>, message: impl Into<String>) -> Problem {
    Problem {
        line,
        message: message.into(),
    }
}

/// Whether `slug` is a valid article name: lower-case letters, digits and dashes.
pub fn valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= 80
        && !slug.starts_with('-')
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// A slug made from a title: `Reset a forgotten password` → `reset-a-forgotten-password`.
pub fn slugify(title: &str) -> String {
    let words: Vec<String> = super::search::words(title)
        .into_iter()
        .map(|t| {
            t.text
                .chars()
                .filter(|c| c.is_ascii_alphanumeric())
                .collect::<String>()
        })
        .filter(|w| !w.is_empty())
        .collect();
    let mut slug = String::new();
    for w in words {
        if slug.len() + w.len() + 1 > 60 {
            break;
        }
        if !slug.is_empty() {
            slug.push('-');
        }
        slug.push_str(&w);
    }
    if slug.is_empty() {
        "article".into()
    } else {
        slug
    }
}

/// Parses an article's text. The error lists every problem found in the header.
pub fn parse(slug: &str, text: &str) -> Result<Article, Vec<Problem>> {
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim_end() != "+++" {
        return Err(vec![problem(
            Some(1),
            "an article starts with a +++ line, then its TOML header (title = \"…\"), then +++",
        )]);
    }
    let mut header = String::new();
    let mut closed = false;
    let mut body_at = first.len();
    for l in lines {
        body_at += l.len();
        if l.trim_end() == "+++" {
            closed = true;
            break;
        }
        header.push_str(l);
    }
    if !closed {
        return Err(vec![problem(
            None,
            "the header's closing +++ line is missing",
        )]);
    }
    let line_of = |offset: usize| header[..offset.min(header.len())].matches('\n').count() + 2;
    let parsed: Header = match toml::from_str(&header) {
        Ok(h) => h,
        Err(e) => {
            let line = e.span().map(|s| line_of(s.start));
            return Err(vec![problem(line, e.message().trim().to_string())]);
        }
    };
    let mut problems: Vec<Problem> = unknown_keys(&header, &HEADER)
        .into_iter()
        .map(|u| problem(u.line.map(|l| l + 1), u.to_string()))
        .collect();
    if parsed.title.trim().is_empty() {
        problems.push(problem(Some(2), "title is empty"));
    }
    if !valid_slug(slug) {
        problems.push(problem(
            None,
            format!(
                "{slug:?} is not a valid article name: use lower-case letters, digits and dashes"
            ),
        ));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Article {
        slug: slug.to_string(),
        header: parsed,
        body: text[body_at..].trim_start_matches('\n').to_string(),
    })
}

/// The text of an article file.
pub fn render(header: &Header, body: &str) -> String {
    let head = toml::to_string(header).expect("a header serialises");
    let mut out = format!("+++\n{head}+++\n\n{}", body.trim_start_matches('\n'));
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// The other articles an article links to: Markdown links to `slug.md`, `./slug.md`,
/// `../kb/slug.md` or `kb:slug`, with the line each is on (web links are not checked).
pub fn links(article: &Article) -> Vec<(String, usize)> {
    let re = regex::Regex::new(r"\]\(\s*([^)\s]+)[^)]*\)").expect("a valid pattern");
    let header_lines = 0;
    let mut out = Vec::new();
    for (n, line) in article.body.lines().enumerate() {
        for c in re.captures_iter(line) {
            let target = c[1].split('#').next().unwrap_or("").to_string();
            let slug = if let Some(s) = target.strip_prefix("kb:") {
                s.to_string()
            } else if target.contains("://") || target.starts_with("mailto:") || target.is_empty() {
                continue;
            } else if let Some(s) = target.strip_suffix(".md") {
                s.rsplit('/').next().unwrap_or(s).to_string()
            } else {
                continue;
            };
            out.push((slug, n + 1 + header_lines));
        }
    }
    out
}

/// What `kb check` finds in one parsed article, given every article's slug and the
/// casebook's case types. (Header errors come from [`parse`].)
pub fn check(article: &Article, slugs: &[&str], types: &[String]) -> Vec<Problem> {
    let mut out = Vec::new();
    for t in &article.header.applies_to {
        if !types.iter().any(|k| k.eq_ignore_ascii_case(t)) {
            out.push(problem(
                None,
                format!(
                    "applies_to names {t:?}, which is not a case type (types: {})",
                    types.join(", ")
                ),
            ));
        }
    }
    for (slug, line) in links(article) {
        if !slugs.contains(&slug.as_str()) {
            out.push(problem(
                None,
                format!("body line {line}: the link to {slug:?} leads to no article in kb/"),
            ));
        }
    }
    out
}

/// The customer's first message (the symptom), and how the case was resolved.
pub fn symptom_and_resolution(case: &Case) -> (String, String) {
    let symptom = case
        .timeline
        .iter()
        .find(|e| e.is_customer_message())
        .or_else(|| {
            case.timeline
                .iter()
                .find(|e| e.body.is_some() && e.visibility != Some(Visibility::Internal))
        })
        .and_then(|e| e.body.clone())
        .unwrap_or_default();
    let resolution = case
        .resolution
        .clone()
        .or_else(|| {
            case.timeline
                .iter()
                .rev()
                .find_map(|e| e.resolution.clone())
        })
        .unwrap_or_default();
    (symptom, resolution.to_string())
}

/// A new article's text: the symptom and resolution of `case`, or placeholders.
pub fn draft_body(case: Option<&Case>) -> String {
    let Some(c) = case else {
        return "## Symptom\n\n(what the customer sees)\n\n## Resolution\n\n(how to solve it)\n"
            .into();
    };
    let (symptom, resolution) = symptom_and_resolution(c);
    let or = |text: &str, placeholder: &'static str| {
        if text.trim().is_empty() {
            placeholder.to_string()
        } else {
            text.trim().to_string()
        }
    };
    format!(
        "## Symptom\n\n{}\n\n## Resolution\n\n{}\n\n<!-- From case {} -->\n",
        or(&symptom, "(what the customer sees)"),
        or(&resolution, "(how it was solved)"),
        c.id
    )
}

/// What the customer gets: the article's title and text, or its title and URL under
/// `kb.base_url`.
pub fn message(article: &Article, base_url: Option<&str>) -> String {
    let h = &article.header;
    match base_url {
        Some(base) => format!(
            "{}\n\n{}{}{}",
            h.title,
            base,
            if base.ends_with('/') { "" } else { "/" },
            article.slug
        ),
        None => format!("{}\n\n{}", h.title, article.body.trim()),
    }
}

/// Sends an article: a customer-visible comment with `text` that records which article
/// (`article = SLUG` on the event, what `kb show` and `search article:SLUG` find).
/// Returns the commit summary.
pub fn send(
    case: &mut Case,
    ctx: &mut Ctx,
    text: &str,
    channel: &str,
    slug: &str,
) -> Result<String, LifecycleError> {
    let before = case.timeline.len();
    super::lifecycle::comment(case, ctx, text, channel, Visibility::Public)?;
    // The comment itself: a state change may come before it (new → open) or after it
    // (awaiting-info → open).
    if let Some(e) = case.timeline[before..]
        .iter_mut()
        .find(|e| e.kind == "comment")
    {
        e.extra
            .insert("article".into(), toml::Value::String(slug.to_string()));
    }
    Ok(format!("article {slug} sent by {}", ctx.actor.name))
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "+++\ntitle = \"Reset a password\"\ntags = [\"login\"]\napplies_to = [\"question\"]\naudience = \"public\"\nstatus = \"published\"\nowner = \"alice\"\n+++\n\nGo to [the other one](card-declined.md) or [kb](kb:missing) or [web](https://x.y/z.md).\n";

    #[test]
    fn an_article_parses_and_renders_back() {
        let a = parse("reset-password", GOOD).unwrap();
        assert_eq!(a.header.title, "Reset a password");
        assert_eq!(a.header.status, Status::Published);
        assert!(a.body.starts_with("Go to"));
        let again = parse("reset-password", &render(&a.header, &a.body)).unwrap();
        assert_eq!(again, a);
    }

    #[test]
    fn header_problems_name_the_line() {
        let e = parse("x", "+++\ntitle = \"T\"\nstatuss = \"draft\"\n+++\nbody").unwrap_err();
        assert_eq!(e[0].line, Some(3), "{e:?}");
        assert!(e[0].message.contains("did you mean status"), "{e:?}");
        let e = parse("x", "+++\ntitle = \"T\"\naudience = \"everyone\"\n+++\n").unwrap_err();
        assert!(e[0].message.contains("everyone"), "{e:?}");
        assert_eq!(e[0].line, Some(3));
        assert!(parse("x", "no header").is_err());
        assert!(
            parse("x", "+++\ntitle = \"T\"\n").unwrap_err()[0]
                .message
                .contains("closing")
        );
        assert!(
            parse("x", "+++\ntags = []\n+++\n").unwrap_err()[0]
                .message
                .contains("title")
        );
        assert!(parse("Bad Slug", "+++\ntitle = \"T\"\n+++\n").is_err());
    }

    #[test]
    fn check_finds_broken_links_and_unknown_types() {
        let a = parse("reset-password", GOOD).unwrap();
        let types = vec!["incident".to_string()];
        let found = check(&a, &["reset-password", "card-declined"], &types);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].message.contains("\"question\""));
        assert!(found[1].message.contains("\"missing\""));
        let ok = check(&a, &["card-declined", "missing"], &["question".into()]);
        assert!(ok.is_empty(), "{ok:?}");
    }

    #[test]
    fn drafts_and_messages() {
        let mut case = crate::core::case::sample("DK-1", "Card declined");
        let mut first = crate::core::case::Event::new(
            "E1",
            case.created_at,
            &crate::core::case::Actor::customer("Jane"),
            "comment",
        );
        first.body = Some("My card fails".into());
        case.timeline.push(first);
        case.resolution = Some("Limit raised".into());
        let body = draft_body(Some(&case));
        assert!(body.contains("## Symptom\n\nMy card fails"), "{body}");
        assert!(body.contains("## Resolution\n\nLimit raised"), "{body}");
        assert!(draft_body(None).contains("(how to solve it)"));
        let a = parse("reset-password", GOOD).unwrap();
        assert!(message(&a, None).starts_with("Reset a password\n\nGo to"));
        assert_eq!(
            message(&a, Some("https://help.example.com/kb")),
            "Reset a password\n\nhttps://help.example.com/kb/reset-password"
        );
        assert!(message(&a, Some("https://h.example/")).ends_with("h.example/reset-password"));
    }

    #[test]
    fn sending_records_the_article_on_a_public_comment() {
        let mut case = crate::core::case::sample("DK-1", "Card declined");
        let mut ctx = Ctx::new(crate::core::case::Actor::agent("alice"), case.created_at, 7);
        let summary = send(&mut case, &mut ctx, "Read this", "email", "limits").unwrap();
        assert_eq!(summary, "article limits sent by alice");
        // The sample case awaits information: the comment reopens it, and the article is
        // recorded on the comment, not on the state change after it.
        let e = case.timeline.iter().find(|e| e.kind == "comment").unwrap();
        assert_eq!(e.visibility, Some(Visibility::Public));
        assert_eq!(e.extra["article"].as_str(), Some("limits"));
        assert_eq!(case.timeline.last().unwrap().kind, "state");
        assert!(!case.timeline.last().unwrap().extra.contains_key("article"));
        assert!(
            send(&mut case, &mut ctx, "  ", "email", "limits").is_err(),
            "empty text"
        );
    }

    #[test]
    fn slugs() {
        assert_eq!(
            slugify("Reset a forgotten Password!"),
            "reset-a-forgotten-password"
        );
        assert_eq!(
            slugify("Tarjeta bloqueada (España)"),
            "tarjeta-bloqueada-espana"
        );
        assert_eq!(slugify("!!!"), "article");
        assert!(valid_slug("a-1"));
        assert!(!valid_slug("A"));
        assert!(!valid_slug("../x"));
        assert!(!valid_slug(""));
    }
}
