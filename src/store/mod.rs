//! Everything on disk and in Git: finding the casebook, loading its settings, reading and
//! writing case files, committing, history, the lock and the summary cache. Nothing
//! outside `store` calls git2 or writes files (clippy refuses it elsewhere).

#![allow(clippy::disallowed_methods, clippy::disallowed_types)]

pub mod cache;
pub mod casefile;
pub mod cases;
mod error;
mod fastcase;
pub mod fsutil;
pub mod git;
pub mod guides;
mod hooks;
pub mod index;
pub mod init;
mod joined;
mod journal;
pub mod kb;
mod listing;
mod loose;
pub mod remote;
pub mod search;
mod search_dir;
mod sign;
pub mod verify;
pub mod watch;
mod write;

pub use error::{Result, StoreError};
pub use write::{GITATTRIBUTES, RoundTripError};

use std::path::{Path, PathBuf};

use git2::Repository;

use crate::core::agents::Agents;
use crate::core::config::Config;

pub const CONFIG_FILE: &str = "docket.toml";
pub const AGENTS_FILE: &str = "agents.toml";
pub const CASES_DIR: &str = "cases";

/// An open casebook: its folder, the Git repository holding it, and its settings.
pub struct Casebook {
    /// The casebook folder (holds docket.toml), absolute.
    pub dir: PathBuf,
    repo: Repository,
    /// The casebook folder relative to the repository's work tree, `""` or `"sub/dir/"`.
    pub prefix: String,
    pub config: Config,
    pub agents: Agents,
    /// Cache files still being written (see [`cache::Pending`]).
    pending: cache::Pending,
}

impl Casebook {
    /// Finds the casebook the way git finds a repository: from `start` (the `--casebook`
    /// flag or `DOCKET_DIR`) or the current folder, walking up to the nearest `docket.toml`.
    pub fn discover(start: Option<&Path>) -> Result<Casebook> {
        let from = match start {
            Some(p) => {
                if !p.exists() {
                    return Err(StoreError::NoFolder(p.to_path_buf()));
                }
                p.to_path_buf()
            }
            None => std::env::current_dir().map_err(|e| StoreError::io(".", e))?,
        };
        let from = fsutil::absolute(&from)?;
        // A folder given by name (--casebook, DOCKET_DIR) must be the casebook itself;
        // from the current folder, the nearest casebook up the tree is used, like git.
        let dir = if start.is_some() {
            if !from.join(CONFIG_FILE).is_file() {
                return Err(StoreError::NoConfigIn(from));
            }
            from
        } else {
            from.ancestors()
                .find(|d| d.join(CONFIG_FILE).is_file())
                .ok_or_else(|| StoreError::NotACasebook(from.clone()))?
                .to_path_buf()
        };
        Casebook::open(&dir)
    }

    /// Opens the casebook in `dir` (which holds docket.toml).
    pub fn open(dir: &Path) -> Result<Casebook> {
        let repo = Repository::discover(dir).map_err(|e| {
            if e.code() == git2::ErrorCode::Owner {
                StoreError::NotOwned {
                    dir: dir.to_path_buf(),
                    message: e.message().to_string(),
                }
            } else {
                StoreError::NotInRepo(dir.to_path_buf())
            }
        })?;
        let prefix = git::prefix_in_repo(&repo, dir)?;
        crate::vars::mark("repository found");
        // A write killed before it finished is finished or undone before anything is read
        // (when no other docket process is writing right now).
        if journal::Journal::path(repo.path()).exists()
            && let Some(_lock) =
                fsutil::Lock::try_acquire(&repo.path().join("docket").join("lock"))?
        {
            journal::recover(&repo)?;
        }
        let config_path = dir.join(CONFIG_FILE);
        let text =
            std::fs::read_to_string(&config_path).map_err(|e| StoreError::io(&config_path, e))?;
        let config = Config::parse(&text).map_err(|source| StoreError::Settings {
            file: config_path.clone(),
            source,
        })?;
        crate::vars::mark("docket.toml read");
        let agents_path = dir.join(AGENTS_FILE);
        let agents = match std::fs::read_to_string(&agents_path) {
            Ok(text) => Agents::parse(&text).map_err(|source| StoreError::Settings {
                file: agents_path.clone(),
                source,
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Agents::default(),
            Err(e) => return Err(StoreError::io(&agents_path, e)),
        };
        let teams: Vec<String> = agents.teams.keys().cloned().collect();
        // Names one file gives the other must exist there.
        let unknown_team = |what: String, team: &str| StoreError::Settings {
            file: config_path.clone(),
            source: crate::core::error::SettingsError::new(format!(
                "{what}: team {team:?} is not defined in agents.toml (teams: {})",
                if teams.is_empty() {
                    "none".to_string()
                } else {
                    teams.join(", ")
                }
            )),
        };
        for (ty, r) in &config.type_routes {
            if let Some(t) = &r.team
                && !agents.teams.contains_key(t)
            {
                return Err(unknown_team(format!("types.{ty}"), t));
            }
        }
        for t in config.escalation.raise_priority.keys() {
            if !agents.teams.contains_key(t) {
                return Err(unknown_team("escalation.raise_priority".into(), t));
            }
        }
        for r in &config.escalation.rules {
            if let Some(t) = &r.to
                && !agents.teams.contains_key(t)
            {
                return Err(unknown_team(format!("escalation rule {:?}", r.name), t));
            }
        }
        if config.policy_error.is_none() {
            for (h, a) in &agents.agents {
                if let Some(c) = &a.calendar
                    && !config.policy.calendars.contains_key(c)
                {
                    return Err(StoreError::Settings {
                        file: agents_path.clone(),
                        source: crate::core::error::SettingsError::new(format!(
                            "agent {h:?}: calendar {c:?} is not defined in docket.toml (calendars: {})",
                            config
                                .policy
                                .calendars
                                .keys()
                                .cloned()
                                .collect::<Vec<_>>()
                                .join(", ")
                        )),
                    });
                }
            }
        }
        crate::core::access::validate(&config.access, Some(&teams)).map_err(|source| {
            StoreError::Settings {
                file: config_path.clone(),
                source,
            }
        })?;
        Ok(Casebook {
            dir: dir.to_path_buf(),
            repo,
            prefix,
            config,
            agents,
            pending: cache::Pending::default(),
        })
    }

    /// The SLA policy, or the error in it (named with docket.toml and its line).
    pub fn policy(&self) -> Result<&crate::core::sla::Policy> {
        match &self.config.policy_error {
            Some(e) => Err(StoreError::Settings {
                file: self.dir.join(CONFIG_FILE),
                source: e.clone(),
            }),
            None => Ok(&self.config.policy),
        }
    }

    /// Where docket keeps its lock and cache: `.git/docket/` (never committed).
    /// Whether this clone asks for a watcher to be started by reads when none runs
    /// (`git config docket.watch true`, like Git's `core.fsmonitor`).
    pub fn watch_configured(&self) -> bool {
        self.repo
            .config()
            .and_then(|c| c.get_bool("docket.watch"))
            .unwrap_or(false)
    }

    /// The `cases/` folder, absolute: what a watcher watches (see [`watch`]).
    pub fn cases_dir(&self) -> PathBuf {
        self.dir.join(CASES_DIR)
    }

    pub fn private_dir(&self) -> PathBuf {
        let mut p = self.repo.path().join("docket");
        if !self.prefix.is_empty() {
            // One casebook per subfolder: keep their caches apart.
            p = p.join(self.prefix.trim_end_matches('/').replace('/', "__"));
        }
        p
    }
}
