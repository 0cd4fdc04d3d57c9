//! `docket demo`: a sample casebook with sixteen cases over four weeks from several channels, at several
//! points of their lifecycle, with history spread over the last five days. The story is
//! data (`templates/demo.toml`); every step is the same [`Op`] the commands commit, as a
//! real commit authored by the agent who acts, dated at the step's (past) time.

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;

use crate::cli::DemoArgs;
use crate::core::case::{Actor, Case, Visibility};
use crate::core::edit::{Op, parse_change};
use crate::core::lifecycle::{Ctx, NewCase, Transition, TransitionDetails};
use crate::core::query::{self, Sort};
use crate::error::{CmdError, Result};
use crate::render::{self, Ui};
use crate::store::git::Identity;
use crate::store::{Casebook, StoreError};

use super::{Env, random_u64, write_op};

const STORY: &str = include_str!("../templates/demo.toml");

#[derive(Deserialize)]
struct Story {
    #[serde(default)]
    article: Vec<StoryArticle>,
    case: Vec<StoryCase>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StoryCase {
    age_hours: i64,
    title: String,
    #[serde(rename = "type")]
    kind: String,
    priority: String,
    account: String,
    contact: String,
    channel: String,
    #[serde(default)]
    tags: Vec<String>,
    body: String,
    #[serde(default)]
    steps: Vec<Step>,
}

/// A knowledge article, written before the cases come in.
#[derive(Deserialize)]
struct StoryArticle {
    slug: String,
    #[serde(flatten)]
    header: crate::core::kb::Header,
    body: String,
}

/// One step: `at` hours after the case came in, by an agent (or the customer), one edit.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
struct Step {
    at: i64,
    by: Option<String>,
    assign: Option<String>,
    comment: Option<String>,
    note: Option<String>,
    escalate: Option<String>,
    team: Option<String>,
    set: Option<String>,
    wait: Option<String>,
    resolve: Option<String>,
    accept: Option<u8>,
    close: Option<u8>,
    reject: Option<String>,
    cancel: Option<String>,
    guide: Option<String>,
    answers: BTreeMap<String, String>,
    /// Send this knowledge article (`docket kb send`).
    send: Option<String>,
}

fn because(reason: &str) -> TransitionDetails {
    TransitionDetails {
        reason: Some(reason.to_string()),
        ..Default::default()
    }
}

impl Step {
    /// The edit this step makes, through the same rules as the commands.
    fn op(&self, cb: &Casebook, channel: &str) -> Result<Op> {
        let comment = |text: &String, visibility| Op::Comment {
            text: text.clone(),
            channel: channel.to_string(),
            visibility,
        };
        let transition = |t, d| Op::Transition(t, d);
        Ok(if let Some(h) = &self.assign {
            let (handle, agent) = cb.agents.resolve(h)?;
            Op::Assign(Some((handle.to_string(), agent.team.clone())))
        } else if let Some(text) = &self.comment {
            comment(text, Visibility::Public)
        } else if let Some(text) = &self.note {
            comment(text, Visibility::Internal)
        } else if let Some(reason) = &self.escalate {
            Op::Escalate {
                reason: reason.clone(),
                team: self.team.clone(),
            }
        } else if let Some(kv) = &self.set {
            Op::Set(vec![parse_change(&cb.config, &cb.agents, kv)?])
        } else if let Some(r) = &self.wait {
            transition(Transition::Wait, because(r))
        } else if let Some(r) = &self.resolve {
            let d = TransitionDetails {
                resolution: Some(r.clone()),
                ..Default::default()
            };
            transition(Transition::Resolve, d)
        } else if let Some(csat) = self.accept {
            let mut d = because("customer accepted the solution");
            d.csat = Some(csat);
            transition(Transition::Accept, d)
        } else if let Some(csat) = self.close {
            let d = TransitionDetails {
                csat: Some(csat),
                ..Default::default()
            };
            transition(Transition::Close, d)
        } else if let Some(r) = &self.reject {
            transition(Transition::Reject, because(r))
        } else if let Some(r) = &self.cancel {
            transition(Transition::Cancel, because(r))
        } else {
            return Err(CmdError::internal("a demo step without an edit"));
        })
    }
}

fn identity(cb: &Casebook, handle: &str) -> Identity {
    let agent = cb.agents.agents.get(handle);
    Identity {
        name: agent.map_or(handle.to_string(), |a| a.name.clone()),
        email: agent.map_or(format!("{handle}@example.com"), |a| a.email.clone()),
    }
}

fn intake() -> Identity {
    Identity {
        name: "Docket intake".into(),
        email: "intake@example.com".into(),
    }
}

fn play(ui: &mut Ui, cb: &Casebook, story: &StoryCase, now: DateTime<Utc>) -> Result<Case> {
    let start = now - Duration::hours(story.age_hours);
    let new = NewCase {
        id: String::new(),
        title: story.title.clone(),
        kind: cb.config.check_type(&story.kind)?,
        priority: cb.config.check_priority(&story.priority)?,
        account: Some(story.account.clone()),
        contact: Some(story.contact.clone()),
        tags: story.tags.clone(),
        fields: Default::default(),
        body: Some(story.body.clone()),
        channel: cb.config.check_channel(&story.channel)?,
    };
    let session = cb.begin_write_as(Some(intake()))?;
    let customer = Actor::customer(&story.contact);
    let mut case =
        super::create::create_case(ui, cb, &session, new, customer.clone(), start, None)?;
    drop(session);
    for (i, step) in story.steps.iter().enumerate() {
        // Steps in the same hour are a few minutes apart.
        let at = start + Duration::hours(step.at) + Duration::minutes(7 * i as i64 + 5);
        let (who, actor) = match &step.by {
            Some(h) => (identity(cb, h), Actor::agent(h)),
            None => (intake(), customer.clone()),
        };
        let ctx = Ctx::new(actor, at, random_u64());
        case = match (&step.guide, &step.send) {
            (Some(name), _) => {
                super::guide::demo_run(ui, cb, who, ctx, &case.id, name, &step.answers)?
            }
            (None, Some(slug)) => {
                let article = cb.article(slug)?;
                let text = crate::core::kb::message(&article, cb.config.kb.base_url.as_deref());
                let session = cb.begin_write_as(Some(who))?;
                let file = cb.load_case(&case.id)?;
                super::write::write_with(ui, &session, file, "kb-send", ctx, |c, ctx| {
                    Ok(crate::core::kb::send(c, ctx, &text, &story.channel, slug)?)
                })?
            }
            (None, None) => {
                let op = step.op(cb, &story.channel)?;
                let session = cb.begin_write_as(Some(who))?;
                let file = cb.load_case(&case.id)?;
                write_op(ui, cb, &session, file, op, ctx)?
            }
        };
    }
    Ok(case)
}

pub fn run(env: &mut Env<'_>, args: DemoArgs) -> Result<()> {
    let story: Story = toml::from_str(STORY).expect("the demo story is valid TOML");
    let dir: PathBuf = match args.dir {
        Some(d) if d.join(crate::store::CONFIG_FILE).exists() => {
            return Err(StoreError::AlreadyACasebook(d).into());
        }
        Some(d) => d,
        None => crate::store::init::new_temp_folder("docket-demo-")?,
    };
    let demo = Identity {
        name: "Docket demo".into(),
        email: "demo@example.com".into(),
    };
    // The casebook begins before its oldest case came in.
    let oldest = story.case.iter().map(|c| c.age_hours).max().unwrap_or(0);
    let start = env.now - Duration::hours(oldest + 12);
    let (cb, _) = super::init::init_casebook(dir, "DK", start, Some(demo))?;
    for a in &story.article {
        let text = crate::core::kb::render(&a.header, &a.body);
        cb.add_article(&a.slug, &text, start)?;
    }
    for case in &story.case {
        play(env.ui, &cb, case, env.now)?;
    }
    let (cases, _) = cb.summaries()?;
    let mut cases: Vec<&Case> = cases.iter().collect();
    query::sort(&mut cases, Sort::Priority, &cb.config);
    // The story's history is what `docket verify` checks: it must hold.
    let verified = cb.verify(None)?;
    // Built now, so the first search is a warm one.
    let documents = cb.search_index()?.num_docs();
    let articles = story.article.len();
    if env.json() {
        let v = serde_json::json!({
            "casebook": cb.dir.display().to_string(),
            "verify": {"clean": verified.findings.is_empty(), "commits": verified.commits},
            "search": {"documents": documents},
            "kb": {"articles": articles},
            "cases": cases.iter().map(|c| render::json::case(c, false)).collect::<Vec<_>>(),
        });
        env.ui.print_json(&v)?;
        return Ok(());
    }
    // The folder is part of the result (it may be a new temporary one): stdout. With
    // --quiet it is all there is, so `cd "$(docket demo -q)"` works.
    if env.global.quiet {
        writeln!(env.ui.out(), "{}", cb.dir.display())?;
        return Ok(());
    }
    let ui = &mut *env.ui;
    writeln!(
        ui.out(),
        "Demo casebook with {} cases in {}\n",
        cases.len(),
        cb.dir.display()
    )?;
    let (format, width, style) = (ui.format, ui.width, ui.style);
    render::list::write(ui.out(), format, &cases, &cb.config, width, style, false)?;
    ui.flush()?;
    env.status(format!(
        "\nHistory: {} commits, {} (docket verify)",
        verified.commits,
        if verified.findings.is_empty() {
            "verified clean".to_string()
        } else {
            format!("{} problems", verified.findings.len())
        }
    ));
    env.status(format!(
        "Search index: {documents} cases and articles; knowledge base: {articles} articles in kb/"
    ));
    let open = cases
        .iter()
        .find(|c| c.state.is_open() && c.title.contains("Card"))
        .or(cases.first())
        .map_or("ID".to_string(), |c| c.id.to_string());
    env.status(format!(
        "Try: cd {} && docket list --open && docket sla && docket queue --team support && docket agents && docket report && docket guide list && docket verify\n     docket search 'card declined' && docket similar {open} && docket show {open} --suggest && docket kb list\n     docket watch start && docket list && docket watch status && docket watch stop   # reads that look only at changed files\n(or export DOCKET_DIR={})",
        cb.dir.display(),
        cb.dir.display()
    ));
    Ok(())
}

#[cfg(test)]
mod tests;
