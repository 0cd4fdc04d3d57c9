//! `docket init`: make a folder a casebook.

use std::path::PathBuf;

use chrono::{DateTime, Utc};

use crate::cli::InitArgs;
use crate::core::agents::Agents;
use crate::core::config::Config;
use crate::error::{CmdError, Result};
use crate::store::git::{FileWrite, Identity};
use crate::store::{AGENTS_FILE, CONFIG_FILE, Casebook, init};

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

/// Makes `dir` a casebook with IDs starting `prefix`: the templates, checked, committed
/// at `now` (as `identity`, or the user). Returns the casebook and whether it was new.
pub fn init_casebook(
    dir: PathBuf,
    prefix: &str,
    now: DateTime<Utc>,
    identity: Option<Identity>,
) -> Result<(Casebook, bool)> {
    init_with_agents(dir, prefix, now, identity, AGENTS_TEMPLATE.to_string())
}

/// agents.toml with you as its only agent (in a `support` team).
fn agents_with(me: &Identity) -> String {
    let handle = Agents::suggest_handle(&me.name, &me.email);
    let quote = |s: &str| toml::Value::String(s.to_string()).to_string();
    format!(
        "# Agents and teams of this casebook. An agent's handle (the table name) is what\n# `docket assign ID HANDLE` and `--as HANDLE` take; docket recognises you by your Git\n# email (or name) matching an agent here.\n\n[teams.support]\nname = \"Support\"\n\n[agents.{handle}]\nname = {}\nemail = {}\nteams = [\"support\"]\nskills = {{}}\ncapacity = 20\navailable = true\n",
        quote(&me.name),
        quote(&me.email)
    )
}

fn init_with_agents(
    dir: PathBuf,
    prefix: &str,
    now: DateTime<Utc>,
    identity: Option<Identity>,
    agents_text: String,
) -> Result<(Casebook, bool)> {
    let prefix = prefix.trim().to_ascii_uppercase();
    let docket_text = DOCKET_TEMPLATE.replace("__PREFIX__", &prefix);
    Config::parse(&docket_text).map_err(|e| CmdError::from(e).context("--prefix"))?;
    Agents::parse(&agents_text).map_err(|e| CmdError::from(e).context("agents.toml"))?;
    let mut files = vec![
        FileWrite {
            path: CONFIG_FILE.into(),
            content: docket_text.into_bytes(),
        },
        FileWrite {
            path: AGENTS_FILE.into(),
            content: agents_text.into_bytes(),
        },
    ];
    files.push(FileWrite {
        path: ".gitattributes".into(),
        content: crate::store::GITATTRIBUTES.as_bytes().to_vec(),
    });
    for (name, text) in GUIDE_TEMPLATES {
        files.push(FileWrite {
            path: format!("{}/{name}.toml", crate::store::guides::GUIDES_DIR),
            content: text.as_bytes().to_vec(),
        });
    }
    let how = init::Init {
        files: &files,
        now,
        identity,
    };
    let (cb, created) = init::init(&dir, &how)?;
    // This clone merges case files the docket way from the start.
    if let Ok(exe) = std::env::current_exe() {
        let _ = cb.ensure_merge_driver(&exe);
    }
    Ok((cb, created))
}

pub fn run(env: &mut Env<'_>, args: InitArgs) -> Result<()> {
    let dir = match args.dir {
        Some(d) => d,
        None => std::env::current_dir()?,
    };
    let agents = if args.me {
        let me = init::user_identity().ok_or_else(|| {
            CmdError::user("--me needs your Git identity: user.name and user.email are not set")
                .hint("run `git config --global user.name \"Your Name\"` and `git config --global user.email you@example.com`")
        })?;
        agents_with(&me)
    } else {
        AGENTS_TEMPLATE.to_string()
    };
    let (cb, created) = init_with_agents(dir, &args.prefix, env.now, None, agents)?;
    if env.json() {
        let v = serde_json::json!({
            "casebook": cb.dir.display().to_string(),
            "created": created,
        });
        env.ui.print_json(&v)?;
    } else if created {
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
