//! Writing cases: a new case file, or an edited case rewritten in place (format kept), each
//! in one commit through a [`WriteSession`], plus what commands need to know around a
//! write (who the author is, whether the file had uncommitted edits, whether an ID is
//! taken).

use chrono::{DateTime, Utc};

use super::cases::CaseFile;
use super::git::{Commit, FileWrite, Identity, WriteSession, message};
use super::{Casebook, Result, StoreError, casefile};
use crate::core::case::Case;

impl Casebook {
    /// The Git author docket commits as: GIT_AUTHOR_NAME/EMAIL, then user.name/email.
    pub fn author(&self) -> Result<Identity> {
        super::git::author(&self.repo)
    }

    /// Whether `other` lives in the same Git repository as this casebook.
    pub fn same_repository(&self, other: &Casebook) -> bool {
        let canon = |p: &std::path::Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
        canon(self.repo.path()) == canon(other.repo.path())
    }

    /// Where another clone would find this casebook: its `origin` URL, else its folder.
    pub fn location(&self) -> String {
        self.repo
            .find_remote("origin")
            .ok()
            .and_then(|r| r.url().ok().map(str::to_string))
            .map(|url| {
                if self.prefix.is_empty() {
                    url
                } else {
                    format!("{url} ({})", self.prefix.trim_end_matches('/'))
                }
            })
            .unwrap_or_else(|| self.dir.display().to_string())
    }

    /// Whether the file of case `id` exists.
    pub fn case_exists(&self, id: &str) -> bool {
        self.abs(&casefile::path_for(id)).exists()
    }

    /// Reads a case to change it. A file that differs from HEAD but is exactly what the
    /// index holds is not a hand edit: the work tree is behind the branch (another worktree
    /// or a reset moved it), and committing it would undo newer history; refused.
    pub fn load_for_write(&self, query: &str) -> Result<CaseFile> {
        let file = self.load_case(query)?;
        if self.has_uncommitted_edits(&file) {
            let full = format!("{}{}", self.prefix, file.path);
            let staged = self
                .repo
                .index()
                .ok()
                .and_then(|i| i.get_path(std::path::Path::new(&full), 0))
                .and_then(|e| self.repo.find_blob(e.id).ok())
                .map(|b| b.content() == file.text.as_bytes());
            if staged == Some(true) {
                return Err(StoreError::StaleWorkTree { path: file.path });
            }
        }
        Ok(file)
    }

    /// The case as committed at HEAD (`None`: new, or unreadable there).
    pub fn committed_case(&self, file: &CaseFile) -> Option<Case> {
        let full = format!("{}{}", self.prefix, file.path);
        let tree = self.repo.head().ok()?.peel_to_tree().ok()?;
        let entry = tree.get_path(std::path::Path::new(&full)).ok()?;
        let blob = self.repo.find_blob(entry.id()).ok()?;
        casefile::parse(std::str::from_utf8(blob.content()).ok()?).ok()
    }

    /// Whether the case file differs from its committed version (a hand edit that the
    /// next commit of this case will include).
    pub fn has_uncommitted_edits(&self, file: &CaseFile) -> bool {
        let full = format!("{}{}", self.prefix, file.path);
        let committed = self
            .repo
            .head()
            .ok()
            .and_then(|h| h.peel_to_tree().ok())
            .and_then(|t| t.get_path(std::path::Path::new(&full)).ok())
            .and_then(|e| self.repo.find_blob(e.id()).ok())
            .map(|b| b.content().to_vec())
            .unwrap_or_default();
        committed != file.text.as_bytes()
    }
}

/// A rewritten case file that would not read back as the case it was meant to hold.
#[derive(Debug, thiserror::Error)]
#[error("{path}: docket produced a file it cannot read back ({problem}); nothing was written")]
pub struct RoundTripError {
    pub path: String,
    pub problem: String,
}

impl WriteSession<'_> {
    /// Writes `case` (an edit of `file.case`) in one commit `<action> <ID>: <summary>`,
    /// rewriting only what changed in the file's text.
    pub fn save_case(
        &self,
        file: &CaseFile,
        case: &Case,
        action: &str,
        summary: &str,
        now: DateTime<Utc>,
    ) -> Result<Commit> {
        let bad = |problem: String| {
            StoreError::BadCase(super::cases::BadCase {
                path: file.path.clone(),
                problem,
            })
        };
        let text = casefile::render_update(&file.text, &file.case, case)
            .map_err(|e| bad(e.to_string()))?;
        let reread = casefile::parse(&text).map_err(|e| {
            StoreError::RoundTrip(RoundTripError {
                path: file.path.clone(),
                problem: e.to_string(),
            })
        })?;
        debug_assert_eq!(&reread, case);
        self.check_access(Some(&file.case), case)?;
        self.commit(
            &[FileWrite {
                path: file.path.clone(),
                content: text.into_bytes(),
            }],
            &message(action, Some(&case.id), summary),
            now,
        )
    }

    /// Writes several edited cases in one commit: `subject`, then one `Docket-Case:`
    /// trailer per case and `Docket-Action: ACTION` (a batch such as `docket route`).
    pub fn save_cases(
        &self,
        edits: &[(CaseFile, Case)],
        action: &str,
        subject: &str,
        now: DateTime<Utc>,
    ) -> Result<Commit> {
        let mut files = Vec::with_capacity(edits.len());
        let mut trailers = String::new();
        for (file, case) in edits {
            let text = casefile::render_update(&file.text, &file.case, case).map_err(|e| {
                StoreError::BadCase(super::cases::BadCase {
                    path: file.path.clone(),
                    problem: e.to_string(),
                })
            })?;
            casefile::parse(&text).map_err(|e| {
                StoreError::RoundTrip(RoundTripError {
                    path: file.path.clone(),
                    problem: e.to_string(),
                })
            })?;
            self.check_access(Some(&file.case), case)?;
            trailers.push_str(&format!("Docket-Case: {}\n", case.id));
            files.push(FileWrite {
                path: file.path.clone(),
                content: text.into_bytes(),
            });
        }
        self.commit(
            &files,
            &format!("{subject}\n\n{trailers}Docket-Action: {action}\n"),
            now,
        )
    }

    /// Replaces a case file by `case` written afresh (a moved case's stub), in one
    /// commit `<action> <ID>: <summary>`.
    pub fn replace_case(
        &self,
        file: &CaseFile,
        case: &Case,
        action: &str,
        summary: &str,
        now: DateTime<Utc>,
    ) -> Result<Commit> {
        self.check_access(Some(&file.case), case)?;
        self.commit(
            &[FileWrite {
                path: file.path.clone(),
                content: casefile::render_new(case).into_bytes(),
            }],
            &message(action, Some(&case.id), summary),
            now,
        )
    }

    /// Writes a case that came from another casebook, in one commit `move <ID>: …`.
    pub fn receive_case(&self, case: &Case, summary: &str, now: DateTime<Utc>) -> Result<Commit> {
        self.check_access(None, case)?;
        self.commit(
            &[FileWrite {
                path: casefile::path_for(&case.id),
                content: casefile::render_new(case).into_bytes(),
            }],
            &message("move", Some(&case.id), summary),
            now,
        )
    }

    /// Writes a new case file in one commit `create <ID>: <title>`.
    pub fn create_case(&self, case: &Case, now: DateTime<Utc>) -> Result<Commit> {
        self.check_access(None, case)?;
        self.commit(
            &[FileWrite {
                path: casefile::path_for(&case.id),
                content: casefile::render_new(case).into_bytes(),
            }],
            &message("create", Some(&case.id), &case.title),
            now,
        )
    }
}

impl Casebook {
    /// Marks an agent away (until a time, or until marked available) or available, in
    /// agents.toml (comments and layout kept), in one commit `agents HANDLE: …`.
    pub fn set_availability(
        &self,
        handle: &str,
        available: bool,
        until: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<Commit> {
        let session = self.begin_write()?;
        let path = self.dir.join(super::AGENTS_FILE);
        let text = std::fs::read_to_string(&path).map_err(|e| StoreError::io(&path, e))?;
        let mut doc: toml_edit::DocumentMut =
            text.parse()
                .map_err(|e: toml_edit::TomlError| StoreError::Settings {
                    file: path.clone(),
                    source: crate::core::error::SettingsError::new(e.to_string()),
                })?;
        let agent = doc
            .get_mut("agents")
            .and_then(|a| a.get_mut(handle))
            .and_then(|a| a.as_table_like_mut())
            .ok_or_else(|| StoreError::Settings {
                file: path.clone(),
                source: crate::core::error::SettingsError::new(format!(
                    "no [agents.{handle}] table to change"
                )),
            })?;
        agent.insert("available", toml_edit::value(available));
        match (available, until) {
            (false, Some(t)) => {
                agent.insert(
                    "away_until",
                    toml_edit::value(crate::core::case::format_time(t)),
                );
            }
            _ => {
                agent.remove("away_until");
            }
        }
        let summary = match (available, until) {
            (true, _) => "available".to_string(),
            (false, Some(t)) => format!("away until {}", crate::core::case::format_time(t)),
            (false, None) => "away".into(),
        };
        let content = doc.to_string();
        crate::core::agents::Agents::parse(&content).map_err(|source| StoreError::Settings {
            file: path.clone(),
            source,
        })?;
        session.commit(
            &[FileWrite {
                path: super::AGENTS_FILE.into(),
                content: content.into_bytes(),
            }],
            &format!("agents {handle}: {summary}\n\nDocket-Action: agents\n"),
            now,
        )
    }
}

/// The `.gitattributes` line that makes Git merge case files with docket.
pub const GITATTRIBUTES: &str = "cases/**/*.toml merge=docket\n";

impl Casebook {
    /// Makes sure this clone's `.git/config` names docket (`exe`) as the merge driver for
    /// case files; returns whether it had to (re)install it. A driver naming a docket
    /// binary that no longer exists is replaced.
    pub fn ensure_merge_driver(&self, exe: &std::path::Path) -> Result<bool> {
        let mut config = self.repo.config()?.open_level(git2::ConfigLevel::Local)?;
        if let Ok(driver) = config.get_string("merge.docket.driver") {
            let program = driver
                .split(" merge-file")
                .next()
                .unwrap_or("")
                .trim()
                .trim_matches('\'');
            if std::path::Path::new(program).exists() || program == "docket" {
                return Ok(false);
            }
        }
        let quoted = format!("'{}'", exe.display().to_string().replace('\'', "'\\''"));
        config.set_str("merge.docket.name", "docket: merge case files")?;
        config.set_str(
            "merge.docket.driver",
            &format!("{quoted} merge-file %O %A %B %P"),
        )?;
        Ok(true)
    }

    /// Whether the casebook's `.gitattributes` sends case files to docket's driver.
    pub fn has_gitattributes(&self) -> bool {
        std::fs::read_to_string(self.dir.join(".gitattributes"))
            .is_ok_and(|t| t.lines().any(|l| l.trim() == GITATTRIBUTES.trim()))
    }
}
