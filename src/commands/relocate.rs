//! `docket move ID --to DIR`: moves a case to another casebook (in another repository:
//! a confidential one, a partner's) and leaves a stub that points to it.
//!
//! The case is written to the other casebook first (with a `moved` event naming where it
//! came from), then replaced here by a stub: the same ID and title, state cancelled, and
//! one `moved` event naming where it went. The stub's commit removes the timeline from
//! the current files; Git history still holds it (see the README on confidentiality).

use crate::cli::MoveArgs;
use crate::core::case::{Case, State};
use crate::error::{CmdError, Result};
use crate::store::Casebook;

use super::Env;

pub fn run(env: &mut Env<'_>, args: MoveArgs) -> Result<()> {
    let cb = env.casebook()?;
    let target = Casebook::discover(Some(&args.to))?;
    if cb.same_repository(&target) {
        return Err(CmdError::user(format!(
            "{} is in the same Git repository as this casebook; a move is for another repository (one that clones do not share)",
            args.to.display()
        ))
        .hint("create one with `docket init DIR` (its own repository), then move the case there"));
    }
    let mut session = cb.begin_write()?;
    if let Some(handle) = &env.global.as_agent {
        session.acting_as(cb.agents.resolve(handle)?.0);
    }
    let file = cb.load_for_write(&args.id)?;
    let id = file.case.id.clone();
    if target.case_exists(&id) {
        return Err(CmdError::user(format!(
            "{} already has a case {id}; nothing was moved",
            args.to.display()
        )));
    }
    let actor = env.agent(&cb)?;
    let (here, there) = (cb.location(), target.location());

    // There first: if the stub cannot be written afterwards, the case exists twice, never
    // nowhere.
    let mut moved = file.case.clone();
    let before = moved.timeline.len();
    let mut ctx = env.ctx(actor.clone());
    let mut e = ctx.event("moved");
    e.from = Some(here.clone().into());
    e.reason = Some(format!("moved here from {here}").into());
    moved.timeline.push(e);
    crate::core::merge::ensure_unique_ids(&mut moved, before);
    crate::core::merge::stamp_clocks(&mut moved, before);
    moved.updated_at = moved.updated_at.max(env.now);
    {
        let mut remote_session = target.begin_write()?;
        if let Some(handle) = &env.global.as_agent
            && let Ok((h, _)) = target.agents.resolve(handle)
        {
            remote_session.acting_as(h);
        }
        remote_session.receive_case(&moved, &format!("from {here}"), env.now)?;
    }

    let stub = stub(&file.case, &mut ctx, &there, env.now);
    let done = session.replace_case(&file, &stub, "move", &format!("to {there}"), env.now);
    if let Err(e) = done {
        return Err(CmdError::from(e).hint(format!(
            "{id} is now in {} too; run `docket move {id} --to {}` again once the problem is fixed, or delete it there",
            args.to.display(),
            args.to.display()
        )));
    }
    if let Some(w) = done.ok().and_then(|c| c.warning) {
        env.ui.warn(w);
    }
    env.report_case(&stub, format!("Moved {id} to {there}; a stub stays here."))
}

/// What stays behind: ID, title, created time, cancelled, and one `moved` event.
fn stub(
    case: &Case,
    ctx: &mut crate::core::lifecycle::Ctx,
    there: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Case {
    let mut stub = case.clone();
    let last_clock = case
        .timeline
        .iter()
        .map(crate::core::merge::clock)
        .max()
        .unwrap_or(0);
    stub.state = State::Cancelled;
    stub.assignee = None;
    stub.contact = None;
    stub.resolution = None;
    stub.csat = None;
    stub.fields.clear();
    let mut e = ctx.event("moved");
    e.to = Some(there.into());
    e.reason = Some(format!("moved to another casebook: {there}").into());
    e.extra
        .insert("clock".into(), toml::Value::Integer(last_clock as i64 + 1));
    stub.timeline = vec![e];
    stub.updated_at = stub.updated_at.max(now);
    stub
}
