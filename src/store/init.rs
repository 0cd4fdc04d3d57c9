//! Making a folder a casebook: the Git repository (unless the folder is inside one), the
//! settings files, and the first commit, all or nothing.

use std::path::Path;

use chrono::{DateTime, Utc};
use git2::Repository;

use super::git::{FileWrite, Identity, message};
use super::{CONFIG_FILE, Casebook, Result, StoreError, fsutil};

/// How to make the casebook.
pub struct Init<'a> {
    /// The settings files; the first is docket.toml.
    pub files: &'a [FileWrite],
    pub now: DateTime<Utc>,
    /// Commit as this identity (set in the new repository's config), not the user's.
    pub identity: Option<Identity>,
}

/// Creates the repository (if `dir` is not in one) and commits the settings files.
/// Returns the casebook and whether it was new; an existing casebook is left alone. On
/// any failure nothing of the casebook is left behind.
pub fn init(dir: &Path, how: &Init<'_>) -> Result<(Casebook, bool)> {
    std::fs::create_dir_all(dir).map_err(|e| StoreError::io(dir, e))?;
    let dir = fsutil::absolute(dir)?;
    if dir.join(CONFIG_FILE).is_file() {
        return Ok((Casebook::open(&dir)?, false));
    }
    if let Ok(repo) = Repository::discover(&dir)
        && repo.is_bare()
    {
        return Err(StoreError::InitInBare(repo.path().to_path_buf()));
    }
    let in_repo = Repository::discover(&dir)
        .ok()
        .and_then(|r| r.workdir().map(|w| w.to_path_buf()))
        .and_then(|w| fsutil::absolute(&w).ok())
        .is_some_and(|w| dir.starts_with(w));
    if !in_repo {
        // Check the identity before creating anything, so a refusal writes nothing.
        if how.identity.is_none() {
            let config = git2::Config::open_default().ok();
            let has = |key: &str, var: &str| {
                crate::vars::nonempty(var).is_some()
                    || config.as_ref().is_some_and(|c| c.get_string(key).is_ok())
            };
            if !has("user.name", "GIT_AUTHOR_NAME") {
                return Err(StoreError::NoIdentity {
                    missing: "user.name",
                });
            }
            if !has("user.email", "GIT_AUTHOR_EMAIL") {
                return Err(StoreError::NoIdentity {
                    missing: "user.email",
                });
            }
        }
        let mut opts = git2::RepositoryInitOptions::new();
        let default_branch = git2::Config::open_default()
            .ok()
            .and_then(|c| c.get_string("init.defaultBranch").ok());
        opts.initial_head(default_branch.as_deref().unwrap_or("main"));
        let repo = Repository::init_opts(&dir, &opts)?;
        if let Some(id) = &how.identity {
            let mut config = repo.config()?;
            config.set_str("user.name", &id.name)?;
            config.set_str("user.email", &id.email)?;
        }
    }
    let settings = how
        .files
        .first()
        .filter(|f| f.path == CONFIG_FILE)
        .expect("the first settings file is docket.toml");
    // docket.toml must exist for the casebook to open; the commit then writes it again
    // through the normal path (with the lock). Removed if anything fails.
    let config_path = dir.join(CONFIG_FILE);
    std::fs::write(&config_path, &settings.content).map_err(|e| StoreError::io(&dir, e))?;
    let result = Casebook::open(&dir).and_then(|cb| {
        let session = cb.begin_write_as(how.identity.clone())?;
        session.commit(how.files, &message("init", None, "new casebook"), how.now)?;
        Ok(())
    });
    if let Err(e) = result {
        let _ = std::fs::remove_file(&config_path);
        return Err(e);
    }
    Ok((Casebook::open(&dir)?, true))
}

/// A new, empty folder under the system's temporary folder, kept after docket exits
/// (`docket demo` prints it).
pub fn new_temp_folder(prefix: &str) -> Result<std::path::PathBuf> {
    let tmp = std::env::temp_dir();
    let dir = tempfile::Builder::new()
        .prefix(prefix)
        .tempdir_in(&tmp)
        .map_err(|e| StoreError::io(&tmp, e))?;
    Ok(dir.keep())
}

/// Your Git identity as a new repository would see it (GIT_AUTHOR_*, then the global
/// and system git config), if it is set.
pub fn user_identity() -> Option<Identity> {
    let config = git2::Config::open_default().ok();
    let get = |key: &str, var: &str| {
        crate::vars::nonempty(var).or_else(|| config.as_ref().and_then(|c| c.get_string(key).ok()))
    };
    Some(Identity {
        name: get("user.name", "GIT_AUTHOR_NAME")?,
        email: get("user.email", "GIT_AUTHOR_EMAIL")?,
    })
}
