//! `docket kb`: the knowledge base — write, list, show, search, check and send articles.

use std::io::IsTerminal;

use serde_json::json;

use crate::cli::{
    KbAudience, KbCheckArgs, KbCommand, KbListArgs, KbNewArgs, KbSearchArgs, KbSendArgs, KbShowArgs,
};
use crate::core::kb::{self, Audience, Header, Status};
use crate::error::{CmdError, Kind, Result};
use crate::render::{self, Format};
use crate::store::search::{Doc, Request};

use super::Env;

pub fn run(env: &mut Env<'_>, cmd: KbCommand) -> Result<()> {
    match cmd {
        KbCommand::New(a) => new(env, a),
        KbCommand::List(a) => list(env, a),
        KbCommand::Show(a) => show(env, a),
        KbCommand::Search(a) => search(env, a),
        KbCommand::Check(a) => check(env, a),
        KbCommand::Send(a) => send(env, a),
    }
}

fn new(env: &mut Env<'_>, args: KbNewArgs) -> Result<()> {
    let cb = env.casebook()?;
    let case = match &args.from {
        Some(id) => Some(cb.load_case(id)?.case),
        None => None,
    };
    let title = match (&args.title, &case) {
        (Some(t), _) => t.trim().to_string(),
        (None, Some(c)) => c.title.to_string(),
        (None, None) => {
            return Err(CmdError::user(
                "a new article needs --title (or --from ID to start from a case)",
            ));
        }
    };
    if title.is_empty() {
        return Err(CmdError::user("--title is empty"));
    }
    let slug = match &args.slug {
        Some(s) => {
            if !kb::valid_slug(s) {
                return Err(CmdError::user(format!(
                    "--slug {s:?}: use lower-case letters, digits and dashes (it is the file name kb/{{slug}}.md)"
                )));
            }
            s.clone()
        }
        None => kb::slugify(&title),
    };
    let mut applies_to = Vec::new();
    for t in &args.applies_to {
        applies_to.push(cb.config.check_type(t)?);
    }
    if applies_to.is_empty()
        && let Some(c) = &case
    {
        applies_to.push(c.kind.to_string());
    }
    let tags = if args.tag.is_empty() {
        case.as_ref().map(|c| c.tags.clone()).unwrap_or_default()
    } else {
        args.tag.clone()
    };
    let owner = env.me(&cb).ok().map(|(h, _)| h);
    let header = Header {
        title,
        tags,
        applies_to,
        audience: match args.audience {
            KbAudience::Public => Audience::Public,
            KbAudience::Internal => Audience::Internal,
        },
        status: if args.publish {
            Status::Published
        } else {
            Status::Draft
        },
        owner,
    };
    let body = match &args.body {
        Some(b) => b.clone(),
        None => kb::draft_body(case.as_ref()),
    };
    let mut text = kb::render(&header, &body);
    let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    if args.body.is_none() && !args.no_edit && interactive {
        text = crate::render::prompt::editor(&text)
            .map_err(|e| CmdError::user(format!("editor: {e}")))?
            .ok_or_else(|| {
                CmdError::user("the editor was closed without saving; nothing was written")
            })?;
    }
    if let Err(problems) = kb::parse(&slug, &text) {
        let list: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        return Err(CmdError::user(format!(
            "the article is not valid ({}); nothing was written",
            list.join("; ")
        )));
    }
    let commit = cb.add_article(&slug, &text, env.now)?;
    if let Some(w) = commit.warning {
        env.ui.warn(w);
    }
    if env.json() {
        let a = cb.article(&slug)?;
        env.ui.print_json(&a)?;
    } else {
        env.status(format!("Wrote kb/{slug}.md ({})", header.status.as_str()));
        if env.ui.format == Format::Tsv || !env.ui.quiet {
            let _ = std::io::Write::write_all(env.ui.out(), format!("{slug}\n").as_bytes());
        }
    }
    Ok(())
}

fn list(env: &mut Env<'_>, _args: KbListArgs) -> Result<()> {
    let cb = env.casebook()?;
    let (articles, bad) = cb.articles()?;
    let ui = &mut *env.ui;
    if articles.is_empty() && ui.format == Format::Table {
        ui.status("No articles: `docket kb new` writes one.");
    }
    let (format, style) = (ui.format, ui.style);
    render::search::articles(ui.out(), format, &articles, style)?;
    ui.flush()?;
    super::env::report_bad(ui, &bad)?;
    Ok(())
}

fn show(env: &mut Env<'_>, args: KbShowArgs) -> Result<()> {
    let cb = env.casebook()?;
    let article = cb.article(&args.slug)?;
    let index = cb.search_index()?;
    let helped = index.cases_sent(&article.slug)?;
    let ui = &mut *env.ui;
    let (format, style) = (ui.format, ui.style);
    render::search::article(ui.out(), format, &article, &helped, style)?;
    ui.flush()?;
    Ok(())
}

fn search(env: &mut Env<'_>, args: KbSearchArgs) -> Result<()> {
    let cb = env.casebook()?;
    let clauses = super::search::parse_query(&cb, &args.query)?;
    let index = cb.search_index()?;
    let hits = index.find(&Request {
        clauses: &clauses,
        doc: Doc::Article,
        filters: Vec::new(),
        open_only: false,
        internal: false,
        limit: args.limit,
    })?;
    let ui = &mut *env.ui;
    let (format, style, width) = (ui.format, ui.style, ui.width);
    render::search::hits(ui.out(), format, &hits, style, width, true)?;
    ui.flush()?;
    super::search::finish(ui, &index, hits.is_empty(), Doc::Article)
}

fn check(env: &mut Env<'_>, _args: KbCheckArgs) -> Result<()> {
    let cb = env.casebook()?;
    let (articles, bad) = cb.articles()?;
    let slugs: Vec<String> = cb.article_slugs()?;
    let slug_refs: Vec<&str> = slugs.iter().map(String::as_str).collect();
    let mut findings: Vec<(String, String)> = bad
        .iter()
        .map(|b| (b.path.clone(), b.problem.clone()))
        .collect();
    for a in &articles {
        for p in kb::check(a, &slug_refs, &cb.config.types) {
            findings.push((format!("kb/{}.md", a.slug), p.to_string()));
        }
    }
    findings.sort();
    let ui = &mut *env.ui;
    match ui.format {
        Format::Json => ui.print_json(&json!({
            "articles": articles.len() + bad.len(),
            "findings": findings.iter().map(|(f, p)| json!({"file": f, "problem": p})).collect::<Vec<_>>(),
        }))?,
        Format::Tsv => {
            for (f, p) in &findings {
                ui.out().write_all(format!("{f}\t{}\n", p.replace(['\t', '\n'], " ")).as_bytes())?;
            }
        }
        _ => {
            for (f, p) in &findings {
                ui.out().write_all(format!("{f}: {}\n", render::safe(p)).as_bytes())?;
            }
            ui.status(format!(
                "{} article(s), {} finding(s)",
                articles.len() + bad.len(),
                findings.len()
            ));
        }
    }
    ui.flush()?;
    if findings.is_empty() {
        Ok(())
    } else {
        Err(CmdError::reported(Kind::Found))
    }
}

fn send(env: &mut Env<'_>, args: KbSendArgs) -> Result<()> {
    let cb = env.casebook()?;
    let article = cb.article(&args.slug)?;
    let h = &article.header;
    if !args.force && h.audience == Audience::Internal {
        return Err(CmdError::user(format!(
            "{} is an internal article (audience = \"internal\"): it is not for customers; pass --force to send it anyway; nothing was written",
            article.slug
        )));
    }
    if !args.force && h.status == Status::Draft {
        return Err(CmdError::user(format!(
            "{} is a draft: publish it first (status = \"published\" in kb/{}.md), or pass --force; nothing was written",
            article.slug, article.slug
        )));
    }
    let channel = match &args.channel {
        Some(c) => cb.config.check_channel(c)?,
        None => cb.config.default_channel().to_string(),
    };
    let text = kb::message(&article, cb.config.kb.base_url.as_deref());
    let case = super::write::edit_case_with(env, &cb, &args.id, "kb-send", None, |case, ctx| {
        Ok(kb::send(case, ctx, &text, &channel, &article.slug)?)
    })?;
    env.report_case(&case, format!("Sent {} to {}", article.slug, case.id))
}
