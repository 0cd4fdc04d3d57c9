//! `docket sync [REMOTE] [--branch B]`: fetch, merge the remote branch (case files by
//! docket's merge driver; a fast-forward when possible), push; when the push is refused
//! because someone pushed meanwhile, fetch and merge again. `docket clone URL [DIR]`: a
//! Git clone set up to sync (`clone.rs`). Transport is the `git` executable; on any
//! failure the clone is as it was before.

mod reidentify;

use std::collections::BTreeSet;

use crate::cli::SyncArgs;
use crate::error::{CmdError, Result};
use crate::render::sync::{Conflict, Synced};
use crate::store::Casebook;
use crate::store::git::FileWrite;
use crate::store::remote::Rev;

use super::Env;

/// How many times a refused push is retried (fetch, merge, push again).
const ATTEMPTS: usize = 5;

fn ids(paths: &[String]) -> Vec<String> {
    paths
        .iter()
        .map(|p| crate::store::cases::file_id(p).to_string())
        .collect()
}

pub fn run(env: &mut Env<'_>, args: SyncArgs) -> Result<()> {
    let cb = env.casebook()?;
    let remote = args.remote.clone().unwrap_or_else(|| "origin".into());
    let branch = match &args.branch {
        Some(b) => b.clone(),
        None => cb.branch_name()?,
    };
    if !cb.has_gitattributes() {
        add_gitattributes(env, &cb)?;
    }
    // A remote given by name must exist (a URL or a path is used as it is).
    let is_name = !remote.contains([':', '/', '\\']) && remote != ".";
    if is_name {
        let remotes = cb.git(&["remote"])?;
        if !remotes.stdout.lines().any(|r| r.trim() == remote) {
            return Err(CmdError::user(format!(
                "this casebook has no remote named {remote:?}; nothing was changed"
            ))
            .hint(format!(
                "add one: git remote add {remote} URL (any URL git can push to)"
            )));
        }
    }
    let _lock = cb.lock()?;
    cb.check_clean_state()?;
    let start = cb
        .rev("HEAD")?
        .ok_or_else(|| CmdError::user("the branch has no commit yet; nothing to sync"))?;
    let mut report = Synced {
        remote: remote.clone(),
        branch: branch.clone(),
        ..Default::default()
    };
    let result = attempts(env, &cb, &remote, &branch, start, &mut report);
    if let Err(e) = result {
        // Never leave the clone mid-merge or with a merge it did not push.
        let _ = cb.git(&["merge", "--abort"]);
        if cb.rev("HEAD")? != Some(start) {
            let _ = cb.git(&["reset", "-q", "--keep", &start.to_string()]);
        }
        return Err(e);
    }
    for line in crate::render::sync::lines(&report) {
        env.status(line);
    }
    let format = env.ui.format;
    crate::render::sync::write(env.ui.out(), format, &report)?;
    Ok(())
}

fn attempts(
    env: &mut Env<'_>,
    cb: &Casebook,
    remote: &str,
    branch: &str,
    start: Rev,
    report: &mut Synced,
) -> Result<()> {
    for attempt in 0..ATTEMPTS {
        report.retries = attempt;
        let fetch = cb.git(&["fetch", "-q", remote, branch])?;
        let theirs = if fetch.ok {
            cb.rev("FETCH_HEAD")?
        } else if fetch.stderr.contains("couldn't find remote ref") {
            None // A new, empty remote: push creates the branch.
        } else {
            return Err(CmdError::user(format!(
                "git fetch {remote} {branch} failed: {}; nothing was changed",
                one_line(&fetch.stderr)
            ))
            .hint(format!(
                "check the remote with `git remote -v` and `git ls-remote {remote}`"
            )));
        };
        let ours = cb.rev("HEAD")?.expect("the branch has a commit");
        if let Some(theirs) = theirs
            && !cb.is_ancestor(theirs, ours)?
        {
            if attempt == 0 {
                report.incoming = ids(&cb.changed_cases(start, theirs)?);
            }
            if cb.is_ancestor(ours, theirs)? {
                let ff = cb.git(&["merge", "-q", "--ff-only", &theirs.to_string()])?;
                if !ff.ok {
                    return Err(CmdError::user(format!(
                        "could not fast-forward to {remote}/{branch}: {}; nothing was changed",
                        one_line(&ff.stderr)
                    )));
                }
                report.fast_forward = true;
            } else {
                let ours = reidentify::reidentify_clashes(env, cb, ours, theirs, report)?;
                merge(cb, ours, theirs, report)?;
            }
        }
        let now = cb.rev("HEAD")?.expect("the branch has a commit");
        if theirs.is_some_and(|t| t == now) {
            return Ok(()); // Nothing to push.
        }
        if let Some(theirs) = theirs {
            report.outgoing = ids(&cb.changed_cases(theirs, now)?);
        } else {
            report.outgoing = Vec::new();
        }
        let push = cb.git(&["push", "-q", remote, &format!("HEAD:refs/heads/{branch}")])?;
        if push.ok {
            report.pushed = true;
            return Ok(());
        }
        let refused = push.stderr.contains("rejected")
            || push.stderr.contains("fetch first")
            || push.stderr.contains("non-fast-forward");
        if !refused {
            return Err(CmdError::user(format!(
                "git push {remote} failed: {}; the clone is as it was",
                one_line(&push.stderr)
            )));
        }
        let _ = env;
    }
    Err(CmdError::user(format!(
        "{remote}/{branch} kept moving: the push was refused {ATTEMPTS} times; the clone is as it was"
    ))
    .hint("run `docket sync` again in a moment"))
}

/// A real merge commit of `theirs` into `ours`; case files go through docket's driver.
fn merge(cb: &Casebook, ours: Rev, theirs: Rev, report: &mut Synced) -> Result<()> {
    let base = cb.merge_base(ours, theirs)?;
    let both: Vec<String> = match base {
        Some(b) => {
            let mine: BTreeSet<String> = cb.changed_cases(b, ours)?.into_iter().collect();
            cb.changed_cases(b, theirs)?
                .into_iter()
                .filter(|p| mine.contains(p))
                .collect()
        }
        None => Vec::new(),
    };
    let message = format!(
        "sync: {} case{} merged\n\nDocket-Action: sync\n",
        both.len(),
        if both.len() == 1 { "" } else { "s" }
    );
    let out = cb.git(&[
        "merge",
        "-q",
        "--no-ff",
        "--no-edit",
        "-m",
        &message,
        &theirs.to_string(),
    ])?;
    if !out.ok {
        let conflicted = cb.git(&["diff", "--name-only", "--diff-filter=U"])?;
        let files: Vec<&str> = conflicted.stdout.lines().collect();
        let _ = cb.git(&["merge", "--abort"]);
        return Err(CmdError::user(if files.is_empty() {
            format!("the merge with the remote failed: {}; nothing was changed", one_line(&out.stderr))
        } else {
            format!(
                "the remote changed {} in a way that conflicts with this clone; nothing was changed",
                files.join(", ")
            )
        })
        .hint("merge it by hand with `git pull`, fix the file(s), commit, then run `docket sync` again"));
    }
    let merged = cb.rev("HEAD")?.expect("the merge made a commit");
    for path in &both {
        let before = cb.case_at(ours, path);
        if let Some(after) = cb.case_at(merged, path) {
            for e in after.timeline.iter().filter(|e| e.kind == "merge") {
                if before
                    .as_ref()
                    .is_some_and(|b| b.timeline.iter().any(|x| x.id == e.id))
                {
                    continue;
                }
                report.conflicts.push(Conflict {
                    case: after.id.to_string(),
                    field: e.field.clone().unwrap_or_default().to_string(),
                    kept: e.to.clone().unwrap_or_default().to_string(),
                    over: e.from.clone().unwrap_or_default().to_string(),
                });
            }
        }
    }
    report.merged = ids(&both);
    Ok(())
}

/// Git's first complaint (`fatal: …`), which says what is wrong; the lines after it are
/// generic advice.
pub fn one_line(text: &str) -> String {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    lines
        .iter()
        .find(|l| l.starts_with("fatal:") || l.starts_with("error:"))
        .or(lines.first())
        .map(|l| {
            l.trim_start_matches("fatal: ")
                .trim_start_matches("error: ")
                .to_string()
        })
        .unwrap_or_default()
}

/// Commits the `.gitattributes` line that sends case files to docket's merge driver.
fn add_gitattributes(env: &mut Env<'_>, cb: &Casebook) -> Result<()> {
    let existing = std::fs::read_to_string(cb.dir.join(".gitattributes")).unwrap_or_default();
    let mut text = existing.clone();
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(crate::store::GITATTRIBUTES);
    let session = cb.begin_write()?;
    let files = [FileWrite {
        path: ".gitattributes".into(),
        content: text.into_bytes(),
    }];
    let message = crate::store::git::message("init", None, "merge case files with docket");
    session.commit(&files, &message, env.now)?;
    env.status("note: committed .gitattributes so Git merges case files with docket.");
    Ok(())
}
