//! `docket verify`: checks the casebook's history (see `core::verify` for the rules) and
//! `docket hook pre-receive`, the same checks on a server for each pushed range.

use std::io::BufRead as _;

use crate::cli::{HookArgs, HookName, VerifyArgs};
use crate::error::{CmdError, Kind, Result};
use crate::render::verify::{self as render, Summary};
use crate::store::verify::{self as engine, Report};

use super::Env;

pub fn run(env: &mut Env<'_>, args: VerifyArgs) -> Result<()> {
    let cb = env.casebook()?;
    let report = cb.verify(args.since.as_deref())?;
    finish(env, &report)
}

fn finish(env: &mut Env<'_>, report: &Report) -> Result<()> {
    let summary = Summary {
        clean: report.findings.is_empty(),
        commits: report.commits,
        commits_checked: report.commits_checked,
        cases: report.cases,
        shallow_boundary: &report.shallow_boundary,
        findings: &report.findings,
    };
    if env.json() {
        env.ui.print_json(&summary)?;
    } else {
        render::findings(env.ui.out(), &report.findings)?;
        let line = render::summary_line(&summary);
        env.status(line);
    }
    if summary.clean {
        Ok(())
    } else {
        Err(CmdError::reported(Kind::Found))
    }
}

/// `docket hook pre-receive`: reads `OLD NEW REF` lines, verifies each pushed range
/// under the settings the branch had before the push, prints the findings and refuses
/// the push (exit 1) when there are any.
pub fn hook(env: &mut Env<'_>, args: HookArgs) -> Result<()> {
    match args.name {
        HookName::PreReceive => {}
    }
    let mut updates = Vec::new();
    for line in std::io::stdin().lock().lines() {
        let line = line.map_err(|e| CmdError::user(format!("reading the ref updates: {e}")))?;
        let parts: Vec<&str> = line.split_whitespace().collect();
        if let [old, new, name] = parts[..] {
            updates.push(engine::RefUpdate {
                old: old.to_string(),
                new: new.to_string(),
                name: name.to_string(),
            });
        } else if !parts.is_empty() {
            return Err(CmdError::user(format!(
                "{line:?} is not OLD NEW REF (a pre-receive hook reads one such line per updated ref)"
            )));
        }
    }
    let (total, notes) = engine::pre_receive(&updates)?;
    for n in notes {
        env.status(n);
    }
    if !total.findings.is_empty() && !env.json() {
        env.status("docket: push refused: the pushed commits break the casebook's rules");
    }
    finish(env, &total)
}
