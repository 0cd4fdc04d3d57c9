//! `docket autoclose`: close resolved cases whose customer did not answer in time.

use crate::cli::AutocloseArgs;
use crate::core::case::{Actor, Case, State};
use crate::core::duration;
use crate::core::edit::Op;
use crate::core::lifecycle::{self, Transition, TransitionDetails};
use crate::error::{CmdError, Kind, Result};
use crate::store::casefile;

use super::{Env, write_op};

pub fn run(env: &mut Env<'_>, args: AutocloseArgs) -> Result<()> {
    let cb = env.casebook()?;
    let window = cb.config.autoclose_window();
    let reason = format!("no customer reply within {}", duration::format(window));
    let (summaries, bad) = cb.summaries()?;
    let mut closed: Vec<Case> = Vec::new();
    for s in summaries.iter().filter(|c| c.state == State::Resolved) {
        let file = match cb.read_case_file(&casefile::path_for(&s.id)) {
            Ok(f) => f,
            Err(b) => {
                env.ui.error_row(b.to_string());
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
        // Each in its own commit, re-read under the lock.
        let session = cb.begin_write()?;
        let file = cb.load_for_write(&s.id)?;
        let details = TransitionDetails {
            reason: Some(reason.clone()),
            ..Default::default()
        };
        let op = Op::Transition(Transition::AutoClose, details);
        let ctx = env.ctx(Actor::system());
        closed.push(write_op(env.ui, &cb, &session, file, op, ctx)?);
    }
    if env.json() {
        let rows: Vec<_> = closed
            .iter()
            .map(|c| crate::render::json::case(c, false))
            .collect();
        env.ui.print_json(&rows)?;
    } else {
        for c in &closed {
            writeln!(env.ui.out(), "{}\t{}", c.id, c.title)?;
        }
        let verb = if args.dry_run {
            "Would close"
        } else {
            "Closed"
        };
        env.status(format!(
            "{verb} {} case(s) {} without a customer reply.",
            closed.len(),
            format_args!("resolved more than {} ago", duration::format(window))
        ));
    }
    for b in &bad {
        env.ui.error_row(b.to_string());
    }
    if !bad.is_empty() {
        return Err(CmdError::reported(Kind::User));
    }
    Ok(())
}
