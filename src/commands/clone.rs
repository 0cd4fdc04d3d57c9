//! `docket clone URL [DIR]`: a Git clone set up to sync (merge driver, warm caches);
//! prints the casebook folder.

use crate::cli::CloneArgs;
use crate::error::{CmdError, Result};
use crate::store::Casebook;

use super::Env;
use super::sync::one_line;

pub fn run(env: &mut Env<'_>, args: CloneArgs) -> Result<()> {
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
