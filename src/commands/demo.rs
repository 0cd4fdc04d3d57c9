//! `docket demo`: a sample casebook with a dozen cases from several channels, at several
//! points of their lifecycle, with history spread over the last five days. Every step is a
//! real commit authored by the agent who acts, dated at the step's (past) time.

use std::io::Write;
use std::path::PathBuf;

use chrono::{DateTime, Duration, Utc};

use crate::cli::{DemoArgs, InitArgs};
use crate::core::case::{Actor, Case, Visibility};
use crate::core::lifecycle::{self, Change, Ctx, NewCase, Transition, TransitionDetails};
use crate::error::{CmdError, Result};
use crate::store::Casebook;
use crate::store::git::Identity;

use super::{Env, random_u64};

/// One step of a demo case's story, `hours` after the case was opened.
enum Step {
    Assign(&'static str),
    Agent(&'static str, &'static str),
    Note(&'static str, &'static str),
    Customer(&'static str),
    Escalate(&'static str, &'static str, Option<&'static str>),
    Wait(&'static str, &'static str),
    Resolve(&'static str, &'static str),
    Accept(u8),
    Close(&'static str, u8),
    Reject(&'static str),
    Cancel(&'static str, &'static str),
    Set(&'static str, &'static str, &'static str),
    /// An agent runs a guide with these answers.
    Guide(
        &'static str,
        &'static str,
        &'static [(&'static str, &'static str)],
    ),
}

struct Story {
    /// Hours before "now" that the case came in.
    age_hours: i64,
    title: &'static str,
    kind: &'static str,
    priority: &'static str,
    account: &'static str,
    contact: &'static str,
    channel: &'static str,
    tags: &'static [&'static str],
    body: &'static str,
    steps: &'static [(i64, Step)],
}

const STORIES: &[Story] = &[
    Story {
        age_hours: 118,
        title: "Card declined at checkout",
        kind: "incident",
        priority: "P2",
        account: "acme-retail",
        contact: "Jane Doe",
        channel: "email",
        tags: &["cards"],
        body: "Hello,\nmy company card was declined twice today at an online shop.\nCan you check what is wrong?",
        steps: &[
            (1, Step::Assign("alice")),
            (
                2,
                Step::Agent(
                    "alice",
                    "Hi Jane, the card hit its daily online limit. I have raised it for today; please try again.",
                ),
            ),
            (5, Step::Customer("It worked, thank you!")),
            (
                6,
                Step::Resolve("alice", "Daily online limit raised; payment went through"),
            ),
            (9, Step::Accept(5)),
        ],
    },
    Story {
        age_hours: 96,
        title: "Unrecognised transactions on my account",
        kind: "incident",
        priority: "P1",
        account: "northwind",
        contact: "Omar Haddad",
        channel: "phone",
        tags: &["fraud", "vip"],
        body: "Customer called: three card payments abroad last night that he did not make.",
        steps: &[
            (0, Step::Assign("alice")),
            (
                0,
                Step::Note(
                    "alice",
                    "Card frozen while we investigate. Transactions: 3 x 249.00 EUR, merchant in Lisbon.",
                ),
            ),
            (
                1,
                Step::Guide(
                    "alice",
                    "lost-card",
                    &[("kind", "Stolen"), ("suspicious", "Yes")],
                ),
            ),
            (
                3,
                Step::Agent(
                    "alice",
                    "Your card is frozen and our fraud team is on it. You will not be charged for these payments.",
                ),
            ),
        ],
    },
    Story {
        age_hours: 90,
        title: "How do I raise my card limit?",
        kind: "question",
        priority: "P4",
        account: "globex",
        contact: "Lena Fischer",
        channel: "web",
        tags: &[],
        body: "Where in the app can I change my monthly card limit?",
        steps: &[
            (2, Step::Assign("alice")),
            (
                3,
                Step::Resolve(
                    "alice",
                    "Settings → Cards → Limits; changes above 10,000 need a call",
                ),
            ),
        ],
    },
    Story {
        age_hours: 80,
        title: "Double charge on invoice 2026-118",
        kind: "problem",
        priority: "P2",
        account: "contoso",
        contact: "Priya Natarajan",
        channel: "email",
        tags: &["billing"],
        body: "We were charged twice for invoice 2026-118 (4,120.00 EUR). Please refund one of them.",
        steps: &[
            (1, Step::Assign("bob")),
            (2, Step::Set("bob", "order_id", "2026-118")),
            (
                3,
                Step::Wait("bob", "Asked for the bank statement showing both debits"),
            ),
        ],
    },
    Story {
        age_hours: 72,
        title: "App crashes when uploading ID document",
        kind: "incident",
        priority: "P2",
        account: "initech",
        contact: "Sam Rivera",
        channel: "chat",
        tags: &["app"],
        body: "The app closes every time I take a photo of my passport.",
        steps: &[
            (1, Step::Assign("chen")),
            (
                2,
                Step::Agent("chen", "Which phone and app version are you using?"),
            ),
            (4, Step::Customer("Pixel 7, app 5.2.1")),
            (
                5,
                Step::Escalate(
                    "chen",
                    "Reproducible crash on Android 15 camera upload",
                    None,
                ),
            ),
            (6, Step::Set("chen", "product", "app")),
        ],
    },
    Story {
        age_hours: 50,
        title: "Refund not received after 10 days",
        kind: "request",
        priority: "P3",
        account: "globex",
        contact: "Tom Becker",
        channel: "sms",
        tags: &["refunds"],
        body: "Refund for order 88121 still not on my account.",
        steps: &[],
    },
    Story {
        age_hours: 3,
        title: "Cannot log in after password reset",
        kind: "incident",
        priority: "P1",
        account: "acme-retail",
        contact: "Jane Doe",
        channel: "web",
        tags: &["login"],
        body: "Since resetting my password this morning the app says 'invalid credentials'.",
        steps: &[],
    },
    Story {
        age_hours: 110,
        title: "Request for account statement 2025",
        kind: "request",
        priority: "P4",
        account: "contoso",
        contact: "Priya Natarajan",
        channel: "email",
        tags: &[],
        body: "Please send the yearly statement for 2025 for our auditors.",
        steps: &[
            (2, Step::Assign("bob")),
            (
                4,
                Step::Resolve(
                    "bob",
                    "Statement sent as PDF to the account's billing address",
                ),
            ),
            (30, Step::Close("bob", 4)),
        ],
    },
    Story {
        age_hours: 70,
        title: "Wrong address on replacement card",
        kind: "request",
        priority: "P3",
        account: "northwind",
        contact: "Omar Haddad",
        channel: "phone",
        tags: &["cards"],
        body: "The replacement card shows the old street address.",
        steps: &[(
            1,
            Step::Cancel(
                "alice",
                "Duplicate of the fraud case; the card is being replaced there",
            ),
        )],
    },
    Story {
        age_hours: 60,
        title: "Loan application status",
        kind: "question",
        priority: "P3",
        account: "initech",
        contact: "Sam Rivera",
        channel: "email",
        tags: &["loans"],
        body: "I applied for a loan two weeks ago and have heard nothing.",
        steps: &[
            (2, Step::Assign("alice")),
            (
                3,
                Step::Resolve("alice", "Application approved; contract sent by post"),
            ),
            (
                20,
                Step::Reject("Customer has not received the contract and wants it by email"),
            ),
            (
                21,
                Step::Agent(
                    "alice",
                    "Sorry about that. I have asked the loans team to email the contract today.",
                ),
            ),
        ],
    },
    Story {
        age_hours: 40,
        title: "Complaint about support wait times",
        kind: "problem",
        priority: "P2",
        account: "umbrella",
        contact: "@dana_k",
        channel: "social",
        tags: &["complaint"],
        body: "Waited 45 minutes on the phone line yesterday. Not acceptable.",
        steps: &[
            (1, Step::Assign("alice")),
            (
                1,
                Step::Agent(
                    "alice",
                    "We are sorry, Dana. Could you send us your account number by DM so we can look into it?",
                ),
            ),
            (2, Step::Wait("alice", "Asked for the account number by DM")),
        ],
    },
    Story {
        age_hours: 26,
        title: "API rate limit for business account",
        kind: "question",
        priority: "P3",
        account: "initech",
        contact: "Sam Rivera",
        channel: "email",
        tags: &["api"],
        body: "Our integration gets HTTP 429 above 50 requests per second. Can the limit be raised?",
        steps: &[
            (3, Step::Assign("chen")),
            (
                4,
                Step::Note(
                    "chen",
                    "Checking with the platform team whether business plans can get 200 rps.",
                ),
            ),
        ],
    },
];

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

/// Applies one change to a case as `who` (the commit author) at `at`.
fn act(
    cb: &Casebook,
    who: Identity,
    actor: Actor,
    at: DateTime<Utc>,
    id: &str,
    action: &str,
    change: impl FnOnce(&mut Case, &mut Ctx) -> Result<String>,
) -> Result<Case> {
    let session = cb.begin_write_as(Some(who))?;
    let file = cb.load_case(id)?;
    super::edit::write_change(
        &session,
        file,
        action,
        Ctx::new(actor, at, random_u64()),
        change,
    )
}

fn play(cb: &Casebook, story: &Story, now: DateTime<Utc>) -> Result<Case> {
    let start = now - Duration::hours(story.age_hours);
    let session = cb.begin_write_as(Some(intake()))?;
    let new = NewCase {
        id: String::new(),
        title: story.title.into(),
        kind: story.kind.into(),
        priority: story.priority.into(),
        account: Some(story.account.into()),
        contact: Some(story.contact.into()),
        tags: story.tags.iter().map(|t| t.to_string()).collect(),
        fields: Default::default(),
        body: Some(story.body.into()),
        channel: story.channel.into(),
    };
    let mut case = super::create::create_case(
        cb,
        &session,
        new,
        Actor::customer(story.contact),
        start,
        None,
    )?;
    drop(session);
    let team_of = |h: &str| cb.agents.agents.get(h).and_then(|a| a.team.clone());
    for (i, (hours, step)) in story.steps.iter().enumerate() {
        // Steps in the same hour are a few minutes apart.
        let at = start + Duration::hours(*hours) + Duration::minutes(7 * i as i64 + 5);
        let id = case.id.clone();
        let channel = story.channel;
        let agent = |h: &str| (identity(cb, h), Actor::agent(h));
        case = match step {
            Step::Assign(h) => {
                let (who, actor) = agent(h);
                let team = team_of(h);
                act(cb, who, actor, at, &id, "assign", |c, ctx| {
                    lifecycle::assign(c, ctx, Some((h, team.as_deref())))?;
                    Ok(format!("assign to {h}"))
                })?
            }
            Step::Agent(h, text) | Step::Note(h, text) => {
                let vis = if matches!(step, Step::Note(..)) {
                    Visibility::Internal
                } else {
                    Visibility::Public
                };
                let (who, actor) = agent(h);
                act(cb, who, actor, at, &id, "comment", |c, ctx| {
                    lifecycle::comment(c, ctx, text, channel, vis)?;
                    Ok(format!("comment by {h}"))
                })?
            }
            Step::Customer(text) => {
                let actor = Actor::customer(story.contact);
                act(cb, intake(), actor, at, &id, "comment", |c, ctx| {
                    lifecycle::comment(c, ctx, text, channel, Visibility::Public)?;
                    Ok(format!("comment by {}", story.contact))
                })?
            }
            Step::Escalate(h, reason, team) => {
                let (who, actor) = agent(h);
                act(cb, who, actor, at, &id, "escalate", |c, ctx| {
                    lifecycle::escalate(c, ctx, reason, *team, 3)?;
                    Ok(format!("level {}: {reason}", c.escalation_level))
                })?
            }
            Step::Set(h, key, value) => {
                let (who, actor) = agent(h);
                let v = super::edit::field_value(cb, key, value)?;
                act(cb, who, actor, at, &id, "set", |c, ctx| {
                    lifecycle::set(c, ctx, vec![Change::Field(key.to_string(), Some(v))])?;
                    Ok(format!("{key}={value}"))
                })?
            }
            Step::Wait(h, _) | Step::Resolve(h, _) | Step::Close(h, _) | Step::Cancel(h, _) => {
                let (t, details) = match step {
                    Step::Wait(_, reason) => (Transition::Wait, reasoned(reason)),
                    Step::Resolve(_, resolution) => (
                        Transition::Resolve,
                        TransitionDetails {
                            resolution: Some(resolution.to_string()),
                            ..Default::default()
                        },
                    ),
                    Step::Close(_, csat) => (
                        Transition::Close,
                        TransitionDetails {
                            csat: Some(*csat),
                            ..Default::default()
                        },
                    ),
                    Step::Cancel(_, reason) => (Transition::Cancel, reasoned(reason)),
                    _ => unreachable!("the outer pattern admits only these steps"),
                };
                let (who, actor) = agent(h);
                act(cb, who, actor, at, &id, t.name(), |c, ctx| {
                    let from = c.state;
                    lifecycle::transition(c, ctx, t, details)?;
                    Ok(format!("{from} → {}", c.state))
                })?
            }
            Step::Guide(h, name, answers) => {
                let (who, actor) = agent(h);
                super::guide::demo_run(cb, who, actor, at, &id, name, answers)?
            }
            Step::Accept(csat) => {
                let actor = Actor::agent("alice");
                act(
                    cb,
                    identity(cb, "alice"),
                    actor,
                    at,
                    &id,
                    "accept",
                    |c, ctx| {
                        lifecycle::transition(
                            c,
                            ctx,
                            Transition::Accept,
                            TransitionDetails {
                                reason: Some("customer accepted the solution".into()),
                                csat: Some(*csat),
                                ..Default::default()
                            },
                        )?;
                        Ok("resolved → closed".into())
                    },
                )?
            }
            Step::Reject(reason) => {
                let actor = Actor::agent("alice");
                act(
                    cb,
                    identity(cb, "alice"),
                    actor,
                    at,
                    &id,
                    "reject",
                    |c, ctx| {
                        lifecycle::transition(c, ctx, Transition::Reject, reasoned(reason))?;
                        Ok(format!("resolved → open: {reason}"))
                    },
                )?
            }
        };
    }
    Ok(case)
}

fn reasoned(reason: &str) -> TransitionDetails {
    TransitionDetails {
        reason: Some(reason.to_string()),
        ..Default::default()
    }
}

pub fn run(env: &mut Env, args: DemoArgs) -> Result<()> {
    let dir: PathBuf = match args.dir {
        Some(d) => {
            if d.join(crate::store::CONFIG_FILE).exists() {
                return Err(CmdError::user(format!(
                    "{} is already a casebook; the demo needs a new folder",
                    d.display()
                )));
            }
            d
        }
        None => tempfile::Builder::new()
            .prefix("docket-demo-")
            .tempdir()?
            .keep(),
    };
    std::fs::create_dir_all(&dir)?;
    // The demo commits as its agents; the init commit needs an identity of its own.
    let repo = git2::Repository::init_opts(
        &dir,
        git2::RepositoryInitOptions::new().initial_head("main"),
    )?;
    let mut config = repo.config()?;
    config.set_str("user.name", "Docket demo")?;
    config.set_str("user.email", "demo@example.com")?;
    let start = env.now - Duration::hours(130);
    let init_env = Env {
        global: env.global.clone(),
        now: start,
        out: Box::new(std::io::sink()),
        style: env.style,
    };
    super::init::init_casebook(
        &init_env,
        dir.clone(),
        &InitArgs {
            dir: None,
            prefix: "DK".into(),
        }
        .prefix,
    )?;
    let cb = Casebook::open(&dir)?;
    for story in STORIES {
        play(&cb, story, env.now)?;
    }
    let (cases, _) = cb.summaries()?;
    let mut cases: Vec<&Case> = cases.iter().collect();
    cases.sort_by(|a, b| {
        cb.config
            .priority_rank(&a.priority)
            .cmp(&cb.config.priority_rank(&b.priority))
            .then(a.created_at.cmp(&b.created_at))
    });
    if env.json() {
        let v = serde_json::json!({
            "casebook": cb.dir.display().to_string(),
            "cases": cases.iter().map(|c| crate::render::json::case(c, false)).collect::<Vec<_>>(),
        });
        return env.print_json(&v);
    }
    let table = crate::render::text::list_table(
        &cases,
        &cb.config,
        crate::render::terminal_width(),
        env.style,
    );
    // The folder is part of the result (it may be a new temporary one): stdout.
    writeln!(
        env.out,
        "Demo casebook with {} cases in {}\n\n{table}",
        cases.len(),
        cb.dir.display()
    )?;
    env.out.flush()?;
    env.status(format!(
        "\nTry: cd {} && docket list --open && docket sla && docket guide list\n(or export DOCKET_DIR={})",
        cb.dir.display(),
        cb.dir.display()
    ));
    Ok(())
}
