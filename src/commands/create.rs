//! `docket create`: open a new case and print its ID.

use std::collections::BTreeMap;
use std::io::Read;

use crate::cli::CreateArgs;
use chrono::{DateTime, Utc};

use crate::core::case::{Actor, Case};
use crate::core::id;
use crate::core::lifecycle::{self, Ctx, NewCase};
use crate::error::{CmdError, Result};
use crate::store::git::{FileWrite, WriteSession, message};
use crate::store::{Casebook, casefile};

use super::{Env, random_u64};

/// Writes a new case (with a fresh ID) in one commit, optionally assigned at once.
pub fn create_case(
    cb: &Casebook,
    session: &WriteSession<'_>,
    mut new: NewCase,
    actor: Actor,
    now: DateTime<Utc>,
    assign: Option<(&str, Option<&str>, Actor)>,
) -> Result<Case> {
    // A fresh ID; retry in the (unlikely) case it is taken here already.
    new.id = (0..16)
        .map(|_| id::generate(&cb.config.id_prefix, random_u64()))
        .find(|candidate| !cb.abs(&casefile::path_for(candidate)).exists())
        .ok_or_else(|| CmdError::user("could not find a free case ID"))?;
    let mut ctx = Ctx::new(actor, now, random_u64());
    let mut case = lifecycle::create(new, &mut ctx)?;
    if let Some((handle, team, by)) = assign {
        let mut agent_ctx = Ctx::new(by, now, random_u64());
        lifecycle::assign(&mut case, &mut agent_ctx, Some((handle, team)))?;
    }
    let text = casefile::render_new(&case);
    session.commit(
        &[FileWrite {
            path: casefile::path_for(&case.id),
            content: text.into_bytes(),
        }],
        &message("create", Some(&case.id), &case.title),
        now,
    )?;
    Ok(case)
}

pub fn run(env: &mut Env, args: CreateArgs) -> Result<()> {
    let cb = env.casebook()?;
    let config = &cb.config;
    let kind = match &args.kind {
        Some(t) => config.check_type(t)?,
        None => config.default_type().to_string(),
    };
    let priority = match &args.priority {
        Some(p) => config.check_priority(p)?,
        None => config.default_priority().to_string(),
    };
    let channel = match &args.channel {
        Some(c) => config.check_channel(c)?,
        None => config.default_channel().to_string(),
    };
    let mut fields = BTreeMap::new();
    for kv in &args.fields {
        let (k, v) = kv
            .split_once('=')
            .ok_or_else(|| CmdError::user(format!("--field {kv:?} is not KEY=VALUE")))?;
        let k = k.trim();
        fields.insert(k.to_string(), super::edit::field_value(&cb, k, v.trim())?);
    }
    let body = match args.body.as_deref() {
        Some("-") => {
            let mut text = String::new();
            std::io::stdin().read_to_string(&mut text)?;
            Some(text)
        }
        other => other.map(String::from),
    };
    let assignee = match &args.assign {
        Some(a) => {
            let (h, agent) = cb.agents.resolve(a)?;
            Some((h.to_string(), agent.team.clone()))
        }
        None => None,
    };
    let actor = match args.from.as_deref().map(str::trim) {
        None => env.agent(&cb)?,
        Some(w) if w.eq_ignore_ascii_case("customer") => {
            Actor::customer(args.contact.clone().unwrap_or_else(|| "customer".into()))
        }
        Some(name) => Actor::customer(name),
    };

    let session = cb.begin_write()?;
    let new = NewCase {
        id: String::new(),
        title: args.title.trim().to_string(),
        kind,
        priority,
        account: args.account.clone(),
        contact: args.contact.clone(),
        tags: args.tags.clone(),
        fields,
        body,
        channel,
    };
    let assigner = match &assignee {
        Some(_) => Some(env.agent(&cb)?),
        None => None,
    };
    let assign = assignee
        .as_ref()
        .zip(assigner)
        .map(|((h, t), by)| (h.as_str(), t.as_deref(), by));
    let case = create_case(&cb, &session, new, actor, env.now, assign)?;
    if env.json() {
        let v = crate::render::json::case(&case, true);
        return env.print_json(&v);
    }
    writeln!(env.out, "{}", case.id)?;
    env.status(format!("Created {}: {}", case.id, case.title));
    Ok(())
}

use std::io::Write;
