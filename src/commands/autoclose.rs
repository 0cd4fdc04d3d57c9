//! `docket autoclose`: close resolved cases whose customer did not answer in time.

use std::io::Write;

use crate::cli::AutocloseArgs;
use crate::core::case::{Actor, Case};
use crate::core::duration;
use crate::core::lifecycle::{self, Ctx, Transition, TransitionDetails};
use crate::error::{CmdError, Result};
use crate::store::{Casebook, casefile};

use super::{Env, random_u64};

pub fn run(env: &mut Env, args: AutocloseArgs) -> Result<()> {
    let cb = env.casebook()?;
    let window = cb.config.autoclose_window();
    let (summaries, bad) = cb.summaries()?;
    let mut closed: Vec<Case> = Vec::new();
    for s in summaries
        .iter()
        .filter(|c| c.state == crate::core::case::State::Resolved)
    {
        let file = match cb.read_case_file(&casefile::path_for(&s.id)) {
            Ok(f) => f,
            Err(b) => {
                eprintln!("error: {b}");
                continue;
            }
        };
        if !lifecycle::autoclose_due(&file.case, env.now, window) {
            continue;
        }
        if args.dry_run {
            closed.push(file.case);
            continue;
        }
        closed.push(close_one(env, &cb, &s.id, window)?);
    }
    if env.json() {
        let v = serde_json::Value::Array(
            closed
                .iter()
                .map(|c| crate::render::json::case(c, false))
                .collect(),
        );
        env.print_json(&v)?;
    } else {
        for c in &closed {
            writeln!(env.out, "{}\t{}", c.id, c.title)?;
        }
        let verb = if args.dry_run {
            "Would close"
        } else {
            "Closed"
        };
        env.status(format!(
            "{verb} {} case(s) resolved more than {} ago without a customer reply.",
            closed.len(),
            duration::format(window)
        ));
    }
    for b in &bad {
        eprintln!("error: {b}");
    }
    if !bad.is_empty() {
        return Err(CmdError::reported(2));
    }
    Ok(())
}

/// Closes one case in its own commit (re-read under the lock).
fn close_one(env: &Env, cb: &Casebook, id: &str, window: chrono::Duration) -> Result<Case> {
    let session = cb.begin_write()?;
    let file = cb.load_case(id)?;
    let reason = format!("no customer reply within {}", duration::format(window));
    let ctx = Ctx::new(Actor::system(), env.now, random_u64());
    super::edit::write_change(&session, file, "autoclose", ctx, |case, ctx| {
        let details = TransitionDetails {
            reason: Some(reason.clone()),
            ..Default::default()
        };
        lifecycle::transition(case, ctx, Transition::AutoClose, details)?;
        Ok(reason)
    })
}
