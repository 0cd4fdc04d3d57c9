//! `docket create`: open a new case and print its ID.

use std::collections::BTreeMap;
use std::io::Read;

use chrono::{DateTime, Utc};

use crate::cli::CreateArgs;
use crate::core::case::{Actor, Case};
use crate::core::edit::field_value;
use crate::core::id;
use crate::core::lifecycle::{self, Ctx, NewCase};
use crate::error::{CmdError, Result};
use crate::render::Ui;
use crate::store::Casebook;
use crate::store::git::WriteSession;

use super::{Env, random_u64};

/// Who assigns a new case to whom: the agent's handle and team, and the assigning agent.
pub struct Assignment {
    pub handle: String,
    pub team: Option<String>,
    pub by: Actor,
}

/// Writes a new case (with a fresh ID) in one commit, opened by `actor` at `now`, and
/// assigned at once when asked.
pub fn create_case(
    ui: &mut Ui,
    cb: &Casebook,
    session: &WriteSession<'_>,
    new: NewCase,
    actor: Actor,
    now: DateTime<Utc>,
    assign: Option<Assignment>,
) -> Result<Case> {
    create_case_with(ui, cb, session, new, actor, now, assign, |_| {})
}

/// [`create_case`], with a last touch to the case before it is written (a parent link).
#[allow(clippy::too_many_arguments)]
pub fn create_case_with(
    ui: &mut Ui,
    cb: &Casebook,
    session: &WriteSession<'_>,
    mut new: NewCase,
    actor: Actor,
    now: DateTime<Utc>,
    assign: Option<Assignment>,
    touch: impl FnOnce(&mut Case),
) -> Result<Case> {
    // A fresh ID; retry in the (unlikely) case it is taken here already.
    new.id = (0..16)
        .map(|_| id::generate(&cb.config.id_prefix, random_u64()))
        .find(|candidate| !cb.case_exists(candidate))
        .ok_or(crate::store::StoreError::NoFreeId)?;
    let mut ctx = Ctx::new(actor, now, random_u64());
    let mut case = lifecycle::create(new, &mut ctx)?;
    if let Some(a) = assign {
        let mut agent_ctx = Ctx::new(a.by, now, random_u64());
        lifecycle::assign(
            &mut case,
            &mut agent_ctx,
            Some((&a.handle, a.team.as_deref())),
        )?;
    } else if let Some(team) = crate::core::routing::team_of(&case, &cb.config) {
        // A new case starts in its type's team, and goes to an agent at once when the
        // team assigns automatically.
        case.team = Some(team.clone().into());
        if let Some(agent) = super::routing::auto_pick(cb, &case, &team, now)? {
            let mut router = Ctx::new(Actor::system(), now, random_u64());
            lifecycle::assign(&mut case, &mut router, Some((&agent, Some(&team))))?;
        }
    }
    touch(&mut case);
    crate::core::merge::stamp_clocks(&mut case, 0);
    if let Some(w) = session.create_case(&case, now)?.warning {
        ui.warn(w);
    }
    Ok(case)
}

pub fn run(env: &mut Env<'_>, args: CreateArgs) -> Result<()> {
    let cb = env.casebook()?;
    let config = &cb.config;
    let mut fields = BTreeMap::new();
    for kv in &args.fields {
        let (k, v) = kv
            .split_once('=')
            .ok_or_else(|| CmdError::user(format!("--field {kv:?} is not KEY=VALUE")))?;
        fields.insert(
            k.trim().to_string(),
            field_value(config, k.trim(), v.trim())?,
        );
    }
    let body = match args.body.as_deref() {
        Some("-") => {
            let mut text = String::new();
            std::io::stdin().read_to_string(&mut text)?;
            Some(text)
        }
        other => other.map(String::from),
    };
    let new = NewCase {
        id: String::new(),
        title: args.title.trim().to_string(),
        kind: match &args.kind {
            Some(t) => config.check_type(t)?,
            None => config.default_type().to_string(),
        },
        priority: match &args.priority {
            Some(p) => config.check_priority(p)?,
            None => config.default_priority().to_string(),
        },
        account: args.account.clone(),
        contact: args.contact.clone(),
        tags: args.tags.clone(),
        fields,
        body,
        channel: match &args.channel {
            Some(c) => config.check_channel(c)?,
            None => config.default_channel().to_string(),
        },
    };
    let assign = match &args.assign {
        Some(a) => {
            let (h, agent) = cb.agents.resolve(a)?;
            Some(Assignment {
                handle: h.to_string(),
                team: agent.team.clone(),
                by: env.agent(&cb)?,
            })
        }
        None => None,
    };
    let actor = env.actor_for(&cb, args.contact.as_deref(), args.from.as_deref())?;
    let mut session = cb.begin_write()?;
    if let Some(handle) = &env.global.as_agent {
        session.acting_as(cb.agents.resolve(handle)?.0);
    }
    let case = create_case(env.ui, &cb, &session, new, actor, env.now, assign)?;
    if env.json() {
        env.ui.print_json(&crate::render::json::case(&case, true))?;
        return Ok(());
    }
    writeln!(env.ui.out(), "{}", case.id)?;
    env.status(format!("Created {}: {}", case.id, case.title));
    Ok(())
}
