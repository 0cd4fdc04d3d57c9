//! `docket sync [REMOTE] [--branch B]`: fetch, merge the remote branch (case files by
//! docket's merge driver; a fast-forward when possible), push; when the push is refused
//! because someone pushed meanwhile, fetch and merge again. `docket clone URL [DIR]`: a
//! Git clone set up to sync. Transport is the `git` executable; on any failure the clone
//! is as it was before.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::cli::{CloneArgs, SyncArgs};
use crate::core::case::Actor;
use crate::error::{CmdError, Result};
use crate::store::git::FileWrite;
use crate::store::remote::Rev;
use crate::store::{Casebook, casefile, fsutil};

use super::Env;

/// How many times a refused push is retried (fetch, merge, push again).
const ATTEMPTS: usize = 5;

#[derive(Serialize, Default)]
struct Conflict {
    case: String,
    field: String,
    kept: String,
    over: String,
}

#[derive(Serialize, Default)]
struct Reidentified {
    from: String,
    to: String,
}

/// What `sync` did, for people and (`--format json`) scripts.
#[derive(Serialize, Default)]
struct Synced {
    remote: String,
    branch: String,
    /// Cases changed on the remote that came in.
    incoming: Vec<String>,
    /// Cases changed here that went out.
    outgoing: Vec<String>,
    /// Cases changed on both sides, merged by docket.
    merged: Vec<String>,
    conflicts: Vec<Conflict>,
    /// Local cases whose ID was also created in another clone, given a new one.
    reidentified: Vec<Reidentified>,
    fast_forward: bool,
    pushed: bool,
    retries: usize,
}

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
    print(env, &report)
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
                let ours = reidentify_clashes(env, cb, ours, theirs, report)?;
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
                    case: after.id.clone(),
                    field: e.field.clone().unwrap_or_default(),
                    kept: e.to.clone().unwrap_or_default(),
                    over: e.from.clone().unwrap_or_default(),
                });
            }
        }
    }
    report.merged = ids(&both);
    Ok(())
}

/// Cases created under the same ID here and in the other clone (a copied file, a fixed
/// seed): the local one gets a new ID (file moved, a timeline note), in a commit of its
/// own, so two cases are never merged into one. Returns the new local tip.
fn reidentify_clashes(
    env: &mut Env<'_>,
    cb: &Casebook,
    ours: Rev,
    theirs: Rev,
    report: &mut Synced,
) -> Result<Rev> {
    let Some(base) = cb.merge_base(ours, theirs)? else {
        return Ok(ours);
    };
    let mine: BTreeSet<String> = cb.changed_cases(base, ours)?.into_iter().collect();
    for path in cb.changed_cases(base, theirs)? {
        if !mine.contains(&path) || cb.case_at(base, &path).is_some() {
            continue;
        }
        let (Some(local), Some(remote)) = (cb.case_at(ours, &path), cb.case_at(theirs, &path))
        else {
            continue;
        };
        if local.timeline.first() == remote.timeline.first() {
            continue; // The same case (a copy of one history): merged as usual.
        }
        let old = local.id.clone();
        let new = (0..16)
            .map(|_| crate::core::id::generate(&cb.config.id_prefix, super::random_u64()))
            .find(|id| {
                let p = casefile::path_for(id);
                !cb.case_exists(id) && cb.case_at(theirs, &p).is_none()
            })
            .ok_or(crate::store::StoreError::NoFreeId)?;
        let mut case = local;
        let before = case.timeline.len();
        case.id = new.clone();
        let mut ctx = env.ctx(Actor::system());
        let mut e = ctx.event("reidentified");
        e.from = Some(old.clone());
        e.to = Some(new.clone());
        e.reason = Some(format!(
            "re-identified from {old}: the same ID was created in another clone"
        ));
        case.timeline.push(e);
        crate::core::merge::stamp_clocks(&mut case, before);
        let new_path = casefile::path_for(&new);
        fsutil::atomic_write(
            &cb.dir.join(&new_path),
            casefile::render_new(&case).as_bytes(),
        )?;
        let full = |p: &str| format!("{}{p}", cb.prefix());
        let (old_full, new_full) = (full(&path), full(&new_path));
        let message = crate::store::git::message("reidentify", Some(&new), &format!("was {old}"));
        for args in [
            vec!["rm", "-q", "--", old_full.as_str()],
            vec!["add", "--", new_full.as_str()],
            vec![
                "commit",
                "-q",
                "-m",
                message.as_str(),
                "--",
                old_full.as_str(),
                new_full.as_str(),
            ],
        ] {
            let out = cb.git(&args)?;
            if !out.ok {
                return Err(CmdError::user(format!(
                    "could not re-identify {old} as {new}: {}",
                    one_line(&out.stderr)
                )));
            }
        }
        report
            .reidentified
            .push(Reidentified { from: old, to: new });
    }
    Ok(cb.rev("HEAD")?.expect("the branch has a commit"))
}

fn one_line(text: &str) -> String {
    text.lines()
        .rfind(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim()
        .to_string()
}

/// Checks out `main`, `master`, or the only branch of `origin`.
fn checkout_remote_branch(dir: &std::path::Path) -> Result<()> {
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .args(args)
            .current_dir(dir)
            .output()
            .map_err(|e| CmdError::user(format!("git: {e}")))
    };
    let refs = git(&[
        "for-each-ref",
        "--format=%(refname:lstrip=3)",
        "refs/remotes/origin",
    ])?;
    let refs = String::from_utf8_lossy(&refs.stdout).to_string();
    let branches: Vec<&str> = refs.lines().filter(|b| *b != "HEAD").collect();
    let pick = ["main", "master"]
        .into_iter()
        .find(|b| branches.contains(b))
        .or(if branches.len() == 1 {
            Some(branches[0])
        } else {
            None
        })
        .ok_or_else(|| {
            CmdError::user(format!(
                "the remote has no casebook branch to check out (branches: {})",
                if branches.is_empty() {
                    "none".to_string()
                } else {
                    branches.join(", ")
                }
            ))
        })?;
    let out = git(&[
        "checkout",
        "-q",
        "-b",
        pick,
        "--track",
        &format!("origin/{pick}"),
    ])?;
    if !out.status.success() {
        return Err(CmdError::user(format!(
            "git checkout {pick}: {}",
            one_line(&String::from_utf8_lossy(&out.stderr))
        )));
    }
    Ok(())
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

fn print(env: &mut Env<'_>, r: &Synced) -> Result<()> {
    if env.json() {
        env.ui.print_json(r)?;
        return Ok(());
    }
    let mut lines = Vec::new();
    let plural = |n: usize| if n == 1 { "case" } else { "cases" };
    if r.incoming.is_empty() && r.outgoing.is_empty() && !r.pushed {
        lines.push(format!("Up to date with {}/{}.", r.remote, r.branch));
    }
    if !r.incoming.is_empty() {
        lines.push(format!(
            "In: {} {} changed on {}/{}{}.",
            r.incoming.len(),
            plural(r.incoming.len()),
            r.remote,
            r.branch,
            if r.fast_forward {
                " (fast-forward)"
            } else {
                ""
            }
        ));
    }
    if !r.merged.is_empty() {
        lines.push(format!(
            "Merged {} {} changed on both sides: {}.",
            r.merged.len(),
            plural(r.merged.len()),
            r.merged.join(", ")
        ));
    }
    for x in &r.reidentified {
        lines.push(format!(
            "Re-identified {} as {}: the same ID was created in another clone.",
            x.from, x.to
        ));
    }
    for c in &r.conflicts {
        lines.push(format!(
            "  {} {}: changed in both clones; kept {:?} over {:?} (a merge event records both)",
            c.case, c.field, c.kept, c.over
        ));
    }
    if r.pushed && r.outgoing.is_empty() && r.incoming.is_empty() && r.merged.is_empty() {
        lines.push(format!("Out: pushed {} to {}.", r.branch, r.remote));
    } else if r.pushed {
        lines.push(format!(
            "Out: {} {} pushed to {}/{}{}.",
            r.outgoing.len(),
            plural(r.outgoing.len()),
            r.remote,
            r.branch,
            if r.retries > 0 {
                format!(
                    " (after {} retr{})",
                    r.retries,
                    if r.retries == 1 { "y" } else { "ies" }
                )
            } else {
                String::new()
            }
        ));
    }
    for l in lines {
        env.status(l);
    }
    Ok(())
}

pub fn clone(env: &mut Env<'_>, args: CloneArgs) -> Result<()> {
    let dir = match &args.dir {
        Some(d) => d.clone(),
        None => {
            let name = args
                .url
                .trim_end_matches('/')
                .rsplit(['/', ':'])
                .next()
                .unwrap_or("casebook")
                .trim_end_matches(".git")
                .to_string();
            std::path::PathBuf::from(if name.is_empty() {
                "casebook".into()
            } else {
                name
            })
        }
    };
    let out = std::process::Command::new("git")
        .args(["clone", "-q", &args.url])
        .arg(&dir)
        .env("GIT_TERMINAL_PROMPT", "0")
        .output()
        .map_err(|e| CmdError::user(format!("git clone: {e} (is git installed?)")))?;
    if !out.status.success() {
        return Err(CmdError::user(format!(
            "git clone {} failed: {}",
            args.url,
            one_line(&String::from_utf8_lossy(&out.stderr))
        )));
    }
    // A bare remote whose HEAD names a branch that does not exist (a `main` pushed to a
    // repository made with `master`) clones with nothing checked out: pick the branch.
    if !dir.join(crate::store::CONFIG_FILE).exists() {
        checkout_remote_branch(&dir)?;
    }
    let cb = Casebook::discover(Some(&dir))?;
    if let Ok(exe) = std::env::current_exe() {
        cb.ensure_merge_driver(&exe)?;
    }
    // Warm the caches, so the first list in the clone is fast.
    let _ = cb.summaries();
    let _ = cb.clock_cases();
    if env.json() {
        let v = serde_json::json!({"casebook": cb.dir.display().to_string()});
        env.ui.print_json(&v)?;
    } else {
        writeln!(env.ui.out(), "{}", cb.dir.display())?;
        env.status("Cloned; `docket sync` fetches, merges and pushes.");
    }
    Ok(())
}
