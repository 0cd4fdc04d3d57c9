//! What can go wrong on disk and in Git, typed: the command layer turns these into one
//! error line (with causes) and adds the hints from [`StoreError::hints`].

use std::path::PathBuf;

use super::cases::BadCase;
use crate::core::error::SettingsError;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("casebook folder {} does not exist", .0.display())]
    NoFolder(PathBuf),
    #[error("not in a casebook: no docket.toml in {} or any parent folder; run `docket init` to make one, or pass --casebook DIR", .0.display())]
    NotACasebook(PathBuf),
    #[error("{} has no docket.toml: it is not a casebook (--casebook and DOCKET_DIR name the casebook folder itself)", .0.display())]
    NoConfigIn(PathBuf),
    #[error("{} holds docket.toml but is not in a Git repository", .0.display())]
    NotInRepo(PathBuf),
    #[error("the casebook is in a bare repository; clone it to work in it")]
    Bare,
    #[error("{} is a bare Git repository; clone it, then run `docket init` in the clone", .0.display())]
    InitInBare(PathBuf),
    /// Git's `safe.directory` rule: the repository belongs to another user.
    #[error("{}: {message}", dir.display())]
    NotOwned { dir: PathBuf, message: String },
    #[error("{} is not inside the work tree {}", dir.display(), workdir.display())]
    OutsideWorkTree { dir: PathBuf, workdir: PathBuf },
    /// A settings file (docket.toml, agents.toml) that is wrong.
    #[error("{}: {source}", file.display())]
    Settings {
        file: PathBuf,
        #[source]
        source: SettingsError,
    },
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("git: {}", .0.message())]
    Git(#[from] git2::Error),
    #[error(
        "no Git identity: {missing} is not set, so docket cannot say who made this change; set user.name and user.email (or GIT_AUTHOR_NAME and GIT_AUTHOR_EMAIL); nothing was written"
    )]
    NoIdentity { missing: &'static str },
    #[error(
        "{what} is in progress in this repository; finish or abort it, then run the command again; nothing was written"
    )]
    InProgress { what: &'static str },
    #[error(
        "HEAD is detached; docket commits on a branch: check one out (git switch main); nothing was written"
    )]
    Detached,
    #[error("{branch} moved while docket was writing ({message}); nothing was written")]
    HeadMoved { branch: String, message: String },
    #[error("{} exists: another Git process seems to be using the index; nothing was written", path.display())]
    IndexLocked { path: PathBuf },
    #[error("{} exists: another Git process seems to be updating the branch; nothing was written", path.display())]
    RefLocked { path: PathBuf },
    #[error("{what} failed: {message}")]
    GitCommand { what: String, message: String },
    #[error(
        "{path} is older than the branch (the work tree is behind HEAD: another worktree or a reset moved it); nothing was written"
    )]
    StaleWorkTree { path: String },
    #[error("empty case ID")]
    EmptyId,
    /// The signing program of `commit.gpgSign` failed; nothing was written.
    #[error("signing the commit with {program} failed: {message}; nothing was written")]
    Signing { program: String, message: String },
    /// A `pre-commit` or `commit-msg` hook refused (with `docket.runHooks`).
    #[error("the {hook} hook refused the commit ({output}); nothing was written")]
    HookFailed { hook: String, output: String },
    /// An access rule of docket.toml does not allow the action; nothing was written.
    #[error("{0}; nothing was written")]
    Denied(Box<crate::core::access::Denied>),
    #[error("unknown revision {0:?}")]
    UnknownRevision(String),
    #[error("no case matches {0:?}")]
    NoCase(String),
    #[error("{query:?} is ambiguous: {count} cases match ({}{})", shown.join(", "), if *count > shown.len() { ", …" } else { "" })]
    Ambiguous {
        query: String,
        count: usize,
        shown: Vec<String>,
    },
    #[error("{0} (fix the file, or restore it with git checkout)")]
    BadCase(BadCase),
    #[error("no guide {} ({path}: {source}); the guides are: {}", path.trim_start_matches("guides/").trim_end_matches(".toml"), if known.is_empty() { "none".to_string() } else { known.join(", ") })]
    NoGuide {
        path: String,
        #[source]
        source: std::io::Error,
        known: Vec<String>,
    },
    #[error(transparent)]
    RoundTrip(#[from] super::RoundTripError),
    #[error("no article {slug:?} in kb/ (the articles are: {})", if known.is_empty() { "none; `docket kb new` writes one".to_string() } else { known.join(", ") })]
    NoArticle { slug: String, known: Vec<String> },
    #[error("kb/{0}.md exists; pick another --slug, or edit that article")]
    ArticleExists(String),
    #[error("{0} (fix the article; `docket kb check` lists every problem)")]
    BadArticle(BadCase),
    #[error("the search index in {}: {message}", path.display())]
    Search { path: PathBuf, message: String },
    #[error("could not find a free case ID")]
    NoFreeId,
    #[error("{} is already a casebook; the demo needs a new folder", .0.display())]
    AlreadyACasebook(PathBuf),
    /// `docket watch` could not watch (or was refused).
    #[error("docket watch: {0}")]
    Watch(String),
    #[error("a watcher already runs for this casebook (process {0})")]
    WatchRunning(u32),
}

pub type Result<T> = std::result::Result<T, StoreError>;

impl StoreError {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> StoreError {
        StoreError::Io {
            path: path.into(),
            source,
        }
    }

    /// What the user can do about it.
    pub fn hints(&self) -> Vec<String> {
        let identity = "run `git config --global user.name \"Your Name\"` and `git config --global user.email you@example.com`, or set GIT_AUTHOR_NAME and GIT_AUTHOR_EMAIL";
        let hint = match self {
            StoreError::NoFolder(_) => "create one with `docket init DIR`",
            StoreError::NotACasebook(_) => "DOCKET_DIR=DIR works like --casebook DIR",
            StoreError::NotInRepo(_) => "run `docket init` there to make it one",
            StoreError::NotOwned { dir, .. } => {
                return vec![format!(
                    "if you trust it: git config --global --add safe.directory {}",
                    dir.display()
                )];
            }
            StoreError::Settings { file, .. } if file.ends_with("docket.toml") => {
                "fix docket.toml; `git diff docket.toml` shows what changed"
            }
            StoreError::Settings { .. } => {
                "fix agents.toml; `git diff agents.toml` shows what changed"
            }
            StoreError::NoIdentity { .. } => identity,
            StoreError::InProgress { .. } => {
                "finish it (or abort it) with git, then run the command again"
            }
            StoreError::Detached => "check out a branch first (git switch main)",
            StoreError::HeadMoved { .. } => "run the command again",
            StoreError::IndexLocked { path } | StoreError::RefLocked { path } => {
                return vec![format!(
                    "wait for it and run the command again; if no git process is running (check with `ps`), remove {}",
                    path.display()
                )];
            }
            StoreError::NoCase(_) => "`docket list` shows the cases",
            StoreError::Signing { .. } => {
                "check commit.gpgSign, gpg.format and user.signingKey (`git commit --allow-empty -m test` shows whether git itself can sign)"
            }
            StoreError::HookFailed { .. } => {
                "fix what the hook says, or turn hooks off for docket: git config docket.runHooks false"
            }
            StoreError::Denied(_) => {
                "the [[access]] rules of docket.toml say what your team may do; ask someone whose team may"
            }
            StoreError::UnknownRevision(_) => {
                "give a commit, branch or tag that exists here (`git log --oneline` lists commits)"
            }
            StoreError::StaleWorkTree { path } => {
                return vec![format!(
                    "bring the work tree up to date (`git checkout -- {path}`, or `git reset --keep HEAD`), then run the command again"
                )];
            }
            StoreError::Ambiguous { .. } => "type more characters of the ID",
            StoreError::BadCase(_) => "`git diff` shows what changed in it",
            StoreError::WatchRunning(_) => {
                "`docket watch status` shows it; `docket watch stop` stops it"
            }
            _ => return Vec::new(),
        };
        vec![hint.to_string()]
    }
}
