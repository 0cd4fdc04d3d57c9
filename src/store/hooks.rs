//! The repository's own `pre-commit` and `commit-msg` hooks, run for docket's commits
//! when `git config docket.runHooks true` (off by default: hooks written for code may
//! not expect case files). libgit2 runs no hooks, so docket runs them the way
//! `git commit` does: from the top of the work tree, `pre-commit` with `GIT_INDEX_FILE`
//! naming an index that holds the change (a temporary copy: the real index and the work
//! tree are untouched until the hooks pass), then `commit-msg` with the message file,
//! whose edits (a `Signed-off-by:`, a `Change-Id:`) become the commit message. A hook
//! that fails stops the action; nothing is written.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use git2::{Oid, Repository};

use super::{Result, StoreError};

/// Whether this clone asks for hooks (`docket.runHooks`).
pub fn enabled(repo: &Repository) -> bool {
    repo.config()
        .and_then(|c| c.get_bool("docket.runhooks"))
        .unwrap_or(false)
}

/// The hook `name`, if it exists and is executable (`core.hooksPath` or `.git/hooks`).
fn hook(repo: &Repository, workdir: &Path, name: &str) -> Option<PathBuf> {
    let dir = match repo.config().and_then(|c| c.get_path("core.hookspath")) {
        Ok(p) if p.is_absolute() => p,
        Ok(p) => workdir.join(p),
        Err(_) => repo.path().join("hooks"),
    };
    let path = dir.join(name);
    use std::os::unix::fs::PermissionsExt;
    let meta = std::fs::metadata(&path).ok()?;
    (meta.is_file() && meta.permissions().mode() & 0o111 != 0).then_some(path)
}

/// Runs `pre-commit` and `commit-msg` for a commit of `entries` (path, blob) with
/// `message`; returns the message as `commit-msg` left it.
pub fn run(
    repo: &Repository,
    workdir: &Path,
    tmp: &Path,
    entries: &[(String, Oid)],
    message: &str,
) -> Result<String> {
    let pre = hook(repo, workdir, "pre-commit");
    let msg = hook(repo, workdir, "commit-msg");
    if pre.is_none() && msg.is_none() {
        return Ok(message.to_string());
    }
    std::fs::create_dir_all(tmp).map_err(|e| StoreError::io(tmp, e))?;
    let stem = format!("hook-{}", std::process::id());
    let index = tmp.join(format!("{stem}.index"));
    let message_file = tmp.join(format!("{stem}.COMMIT_EDITMSG"));
    let result = (|| {
        if let Some(pre) = &pre {
            let real = repo.path().join("index");
            if real.exists() {
                std::fs::copy(&real, &index).map_err(|e| StoreError::io(&index, e))?;
            }
            let mut cmd = git(repo, workdir, &index);
            cmd.args(["update-index", "--add"]);
            for (path, blob) in entries {
                cmd.arg("--cacheinfo").arg(format!("100644,{blob},{path}"));
            }
            let out = cmd.output().map_err(|e| StoreError::GitCommand {
                what: "git update-index (for pre-commit)".into(),
                message: e.to_string(),
            })?;
            if !out.status.success() {
                return Err(StoreError::GitCommand {
                    what: "git update-index (for pre-commit)".into(),
                    message: String::from_utf8_lossy(&out.stderr).trim().to_string(),
                });
            }
            let mut cmd = Command::new(pre);
            cmd.env("GIT_INDEX_FILE", &index);
            call(cmd, workdir, "pre-commit")?;
        }
        if let Some(msg) = &msg {
            super::fsutil::atomic_write(&message_file, message.as_bytes())?;
            let mut cmd = Command::new(msg);
            cmd.arg(&message_file);
            call(cmd, workdir, "commit-msg")?;
            let edited = std::fs::read_to_string(&message_file)
                .map_err(|e| StoreError::io(&message_file, e))?;
            return Ok(edited);
        }
        Ok(message.to_string())
    })();
    let _ = std::fs::remove_file(&index);
    let _ = std::fs::remove_file(&message_file);
    result
}

fn git(repo: &Repository, workdir: &Path, index: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.current_dir(workdir)
        .env("GIT_DIR", repo.path())
        .env("GIT_INDEX_FILE", index)
        .stdin(Stdio::null());
    cmd
}

fn call(mut cmd: Command, workdir: &Path, name: &str) -> Result<()> {
    let out = cmd
        .current_dir(workdir)
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .stdin(Stdio::null())
        .output()
        .map_err(|e| StoreError::HookFailed {
            hook: name.into(),
            output: format!("cannot run it: {e}"),
        })?;
    if out.status.success() {
        return Ok(());
    }
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let said: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(3)
        .collect();
    Err(StoreError::HookFailed {
        hook: name.into(),
        output: if said.is_empty() {
            format!("exit status {}", out.status.code().unwrap_or(-1))
        } else {
            said.join(" / ")
        },
    })
}
