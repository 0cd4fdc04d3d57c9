//! `docket init`: make a folder a casebook.

use std::path::PathBuf;

use git2::Repository;

use crate::cli::InitArgs;
use crate::core::agents::Agents;
use crate::core::config::Config;
use crate::error::{CmdError, Result};
use crate::store::git::{FileWrite, message};
use crate::store::{AGENTS_FILE, CONFIG_FILE, Casebook, fsutil};

use super::Env;

pub const DOCKET_TEMPLATE: &str = include_str!("../templates/docket.toml");
pub const AGENTS_TEMPLATE: &str = include_str!("../templates/agents.toml");

/// The sample guides every new casebook starts with.
pub const GUIDE_TEMPLATES: [(&str, &str); 3] = [
    (
        "lost-card",
        include_str!("../templates/guides/lost-card.toml"),
    ),
    (
        "login-failure",
        include_str!("../templates/guides/login-failure.toml"),
    ),
    (
        "billing-dispute",
        include_str!("../templates/guides/billing-dispute.toml"),
    ),
];

/// Creates (or finds) the repository and commits the settings files. Returns the
/// casebook and whether it was new.
pub fn init_casebook(env: &Env, dir: PathBuf, prefix: &str) -> Result<(Casebook, bool)> {
    let prefix = prefix.trim().to_ascii_uppercase();
    let docket_text = DOCKET_TEMPLATE.replace("__PREFIX__", &prefix);
    Config::parse(&docket_text).map_err(|e| CmdError::user(format!("--prefix: {e}")))?;
    Agents::parse(AGENTS_TEMPLATE).expect("the agents template is valid");
    std::fs::create_dir_all(&dir).map_err(|e| fsutil::io_error(&dir, e))?;
    let dir = fsutil::absolute(&dir)?;
    if dir.join(CONFIG_FILE).is_file() {
        return Ok((Casebook::open(&dir)?, false));
    }
    let repo_exists = Repository::discover(&dir)
        .ok()
        .and_then(|r| r.workdir().map(|w| w.to_path_buf()))
        .and_then(|w| fsutil::absolute(&w).ok())
        .is_some_and(|w| dir.starts_with(w));
    if !repo_exists {
        // Check the identity before creating anything, so a refusal writes nothing.
        let config = git2::Config::open_default().ok();
        let has = |key: &str, var: &str| {
            std::env::var(var).is_ok_and(|v| !v.trim().is_empty())
                || config.as_ref().is_some_and(|c| c.get_string(key).is_ok())
        };
        if !has("user.name", "GIT_AUTHOR_NAME") || !has("user.email", "GIT_AUTHOR_EMAIL") {
            return Err(CmdError::user(
                "no Git identity: user.name or user.email is not set, so docket cannot say who made this change; set them (or GIT_AUTHOR_NAME and GIT_AUTHOR_EMAIL); nothing was written",
            )
            .hint("run `git config --global user.name \"Your Name\"` and `git config --global user.email you@example.com`, or set GIT_AUTHOR_NAME and GIT_AUTHOR_EMAIL"));
        }
        let mut opts = git2::RepositoryInitOptions::new();
        let default_branch = git2::Config::open_default()
            .ok()
            .and_then(|c| c.get_string("init.defaultBranch").ok());
        opts.initial_head(default_branch.as_deref().unwrap_or("main"));
        Repository::init_opts(&dir, &opts)?;
    }
    // Settings files are written through the normal commit path (with the lock).
    std::fs::write(dir.join(CONFIG_FILE), &docket_text).map_err(|e| fsutil::io_error(&dir, e))?;
    let cb = match Casebook::open(&dir) {
        Ok(cb) => cb,
        Err(e) => {
            let _ = std::fs::remove_file(dir.join(CONFIG_FILE));
            return Err(e);
        }
    };
    let mut files = vec![
        FileWrite {
            path: CONFIG_FILE.into(),
            content: docket_text.clone().into_bytes(),
        },
        FileWrite {
            path: AGENTS_FILE.into(),
            content: AGENTS_TEMPLATE.as_bytes().to_vec(),
        },
    ];
    for (name, text) in GUIDE_TEMPLATES {
        files.push(FileWrite {
            path: format!("{}/{name}.toml", crate::store::guides::GUIDES_DIR),
            content: text.as_bytes().to_vec(),
        });
    }
    let result = cb.begin_write().and_then(|session| {
        session.commit(&files, &message("init", None, "new casebook"), env.now)
    });
    if let Err(e) = result {
        let _ = std::fs::remove_file(dir.join(CONFIG_FILE));
        return Err(e);
    }
    Ok((Casebook::open(&dir)?, true))
}

pub fn run(env: &mut Env, args: InitArgs) -> Result<()> {
    let dir = match args.dir {
        Some(d) => d,
        None => std::env::current_dir()?,
    };
    let (cb, created) = init_casebook(env, dir, &args.prefix)?;
    if env.json() {
        let v = serde_json::json!({
            "casebook": cb.dir.display().to_string(),
            "created": created,
        });
        return env.print_json(&v);
    }
    if created {
        env.status(format!(
            "Initialised a casebook in {}. Next: docket create --title \"…\"",
            cb.dir.display()
        ));
    } else {
        env.status(format!(
            "{} is already a casebook; nothing was changed.",
            cb.dir.display()
        ));
    }
    Ok(())
}
