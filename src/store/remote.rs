//! Talking to remotes through the `git` executable (as cargo's `net.git-fetch-with-cli`
//! does), so the user's SSH keys, credential helpers, `insteadOf` rules and proxies apply;
//! and the few questions `sync` asks of history.

use std::path::Path;
use std::process::{Command, Stdio};

use git2::Oid;

use super::{Casebook, Result, StoreError};
use crate::core::case::Case;

/// A commit, as `sync` sees it (the Git library's id stays inside `store`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rev(Oid);

impl std::fmt::Display for Rev {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// What a `git` command printed, and whether it succeeded.
pub struct GitOutput {
    pub ok: bool,
    pub stdout: String,
    pub stderr: String,
}

impl Casebook {
    /// Runs `git ARGS` in the work tree, with prompts off (no terminal may be there).
    pub fn git(&self, args: &[&str]) -> Result<GitOutput> {
        let workdir = self.repo.workdir().ok_or(StoreError::Bare)?;
        // Commits git makes here (a merge) are by the same person docket's commits are.
        let who = self.author()?;
        let committer = super::git::committer(&self.repo).unwrap_or_else(|_| who.clone());
        let ident = [
            ("GIT_AUTHOR_NAME", who.name),
            ("GIT_AUTHOR_EMAIL", who.email),
            ("GIT_COMMITTER_NAME", committer.name),
            ("GIT_COMMITTER_EMAIL", committer.email),
        ];
        run_git(workdir, args, &ident)
    }

    /// The casebook folder inside the work tree (`""` or `"sub/dir/"`).
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The current branch's short name (`main`).
    pub fn branch_name(&self) -> Result<String> {
        let head = self.repo.find_reference("HEAD")?;
        let target = head.symbolic_target()?.ok_or(StoreError::Detached)?;
        Ok(target.trim_start_matches("refs/heads/").to_string())
    }

    /// The commit a revision names.
    pub fn rev(&self, spec: &str) -> Result<Option<Rev>> {
        Ok(self
            .repo
            .revparse_single(spec)
            .ok()
            .and_then(|o| o.peel_to_commit().ok())
            .map(|c| Rev(c.id())))
    }

    /// When a revision's commit was made (its committer time).
    pub fn commit_time(&self, spec: &str) -> Option<chrono::DateTime<chrono::Utc>> {
        let commit = self
            .repo
            .revparse_single(spec)
            .ok()?
            .peel_to_commit()
            .ok()?;
        chrono::DateTime::from_timestamp(commit.time().seconds(), 0)
    }

    /// Whether `ancestor` is `descendant` or one of its ancestors.
    pub fn is_ancestor(&self, ancestor: Rev, descendant: Rev) -> Result<bool> {
        Ok(ancestor == descendant || self.repo.graph_descendant_of(descendant.0, ancestor.0)?)
    }

    /// The best common ancestor of two commits, if they have one.
    pub fn merge_base(&self, a: Rev, b: Rev) -> Result<Option<Rev>> {
        Ok(self.repo.merge_base(a.0, b.0).ok().map(Rev))
    }

    /// Refuses to work while a merge, rebase or similar is in progress.
    pub fn check_clean_state(&self) -> Result<()> {
        super::git::check_clean_state(&self.repo)
    }

    /// The case files (paths inside the casebook) that differ between two commits.
    pub fn changed_cases(&self, from: Rev, to: Rev) -> Result<Vec<String>> {
        let a = self.repo.find_commit(from.0)?.tree()?;
        let b = self.repo.find_commit(to.0)?.tree()?;
        let diff = self.repo.diff_tree_to_tree(Some(&a), Some(&b), None)?;
        let cases = format!("{}{}/", self.prefix, super::CASES_DIR);
        let mut out: Vec<String> = diff
            .deltas()
            .filter_map(|d| d.new_file().path().or(d.old_file().path()))
            .filter_map(|p| p.to_str())
            .filter(|p| p.starts_with(&cases) && p.ends_with(".toml"))
            .map(|p| p[self.prefix.len()..].to_string())
            .collect();
        out.sort();
        out.dedup();
        Ok(out)
    }

    /// A case file as it is at commit `at` (`None`: absent or unreadable there).
    pub fn case_at(&self, at: Rev, path: &str) -> Option<Case> {
        let tree = self.repo.find_commit(at.0).ok()?.tree().ok()?;
        let entry = tree
            .get_path(Path::new(&format!("{}{path}", self.prefix)))
            .ok()?;
        let blob = self.repo.find_blob(entry.id()).ok()?;
        super::casefile::parse(std::str::from_utf8(blob.content()).ok()?).ok()
    }

    /// Takes the repository's write lock (what every docket write takes) for a longer
    /// operation such as `sync`.
    pub fn lock(&self) -> Result<super::fsutil::Lock> {
        super::fsutil::Lock::acquire(&self.repo.path().join("docket").join("lock"))
    }
}

fn run_git(dir: &Path, args: &[&str], env: &[(&str, String)]) -> Result<GitOutput> {
    let out = Command::new("git")
        .args(args)
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        // This repository, whatever a calling hook or script has set.
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .current_dir(dir)
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_MERGE_AUTOEDIT", "no")
        .stdin(Stdio::null())
        .output()
        .map_err(|e| StoreError::GitCommand {
            what: format!("git {}", args.first().unwrap_or(&"")),
            message: format!("{e} (is git installed?)"),
        })?;
    Ok(GitOutput {
        ok: out.status.success(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).trim().to_string(),
    })
}
