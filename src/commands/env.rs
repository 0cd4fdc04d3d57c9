//! [`Env`]: what every command gets — the global flags, "now" (from `DOCKET_NOW` or the
//! clock, read once), the acting agent, and the [`Ui`] to print through.

use std::sync::Mutex;

use chrono::{DateTime, SubsecRound, Utc};

use crate::cli::Global;
use crate::core::case::{Actor, Case};
use crate::core::lifecycle::Ctx;
use crate::error::{CmdError, Result};
use crate::render::Ui;
use crate::store::Casebook;

/// What every command gets: the global flags, "now", and where to print.
pub struct Env<'a> {
    pub global: Global,
    pub now: DateTime<Utc>,
    /// `now` was fixed by `DOCKET_NOW` (a guide's steps then all happen at it, too).
    pub fixed_now: bool,
    pub ui: &'a mut Ui,
    /// The "no agent matches your identity" warning was given.
    warned_identity: bool,
    /// Internal notes are hidden from what this run prints (an access rule says so).
    hide_notes: bool,
}

impl<'a> Env<'a> {
    /// Reads "now" from `DOCKET_NOW` (RFC 3339) or the clock: the one place time comes from.
    pub fn new(global: Global, ui: &'a mut Ui) -> Result<Env<'a>> {
        let fixed = crate::vars::nonempty("DOCKET_NOW");
        let now = match &fixed {
            Some(text) => parse_now(text)?,
            None => Utc::now(),
        }
        .trunc_subsecs(0);
        Ok(Env {
            global,
            now,
            fixed_now: fixed.is_some(),
            ui,
            warned_identity: false,
            hide_notes: false,
        })
    }

    pub fn json(&self) -> bool {
        self.ui.json()
    }

    /// A status message for people (not in JSON mode, not with --quiet).
    pub fn status(&mut self, message: impl AsRef<str>) {
        self.ui.status(message);
    }

    /// The casebook; an error in its SLA policy is reported (a warning) and the command
    /// goes on, since it may not need clocks.
    pub fn casebook(&mut self) -> Result<Casebook> {
        let cb = self.casebook_for_slas()?;
        if let Some(e) = &cb.config.policy_error {
            self.ui.warn(format!(
                "{}: {e}; SLA clocks are off until it is fixed",
                crate::store::CONFIG_FILE
            ));
        }
        Ok(cb)
    }

    /// The casebook, for commands that fail on an SLA policy error themselves.
    pub fn casebook_for_slas(&mut self) -> Result<Casebook> {
        let cb = Casebook::discover(self.global.casebook.as_deref())?;
        self.ensure_merge_driver(&cb);
        self.hide_notes = !self.may_read_internal_notes(&cb);
        Ok(cb)
    }

    /// Installs docket's merge driver in this clone's `.git/config` when it is missing
    /// (one status line), so `git pull` merges cases the docket way.
    pub fn ensure_merge_driver(&mut self, cb: &Casebook) {
        let Ok(exe) = std::env::current_exe() else {
            return;
        };
        if let Ok(true) = cb.ensure_merge_driver(&exe) {
            self.status("note: installed docket's merge driver in .git/config (git pull now merges cases the docket way).");
        }
    }

    /// The acting agent: `--as HANDLE`, else the agent whose email/name matches the Git
    /// identity, else the Git name itself (with a warning, once: see `docket whoami`).
    pub fn agent(&mut self, cb: &Casebook) -> Result<Actor> {
        if let Some(handle) = &self.global.as_agent {
            let (h, _) = cb.agents.resolve(handle)?;
            return Ok(Actor::agent(h));
        }
        let id = cb.author()?;
        match cb.agents.match_identity(&id.name, &id.email) {
            Some((h, _)) => Ok(Actor::agent(h)),
            None => {
                if !self.warned_identity && !cb.agents.agents.is_empty() {
                    self.warned_identity = true;
                    self.ui.warn(format!(
                        "{} <{}> is no agent in agents.toml; acting under that name (`docket whoami` says what to add)",
                        id.name, id.email
                    ));
                }
                Ok(Actor::agent(&id.name))
            }
        }
    }

    /// "me": the agent you are (`--as`, or matched by your Git identity), with its team;
    /// an identity that matches no agent is an error, not free text.
    pub fn me(&mut self, cb: &Casebook) -> Result<(String, Option<String>)> {
        let handle = match &self.global.as_agent {
            Some(h) => cb.agents.resolve(h)?.0.to_string(),
            None => {
                let id = cb.author()?;
                match cb.agents.match_identity(&id.name, &id.email) {
                    Some((h, _)) => h.to_string(),
                    None => {
                        return Err(CmdError::user(format!(
                            "\"me\" is no agent: your Git identity {} <{}> matches none in agents.toml",
                            id.name, id.email
                        ))
                        .hint("`docket whoami` shows what to add to agents.toml, or pass --as HANDLE"));
                    }
                }
            }
        };
        let team = cb
            .agents
            .resolve(&handle)
            .ok()
            .and_then(|(_, a)| a.team.clone());
        Ok((handle, team))
    }

    /// Who a `--from` value names: `customer` is the case's contact; anything else is a
    /// customer's name. Without `--from`, the acting agent.
    pub fn actor_for(
        &mut self,
        cb: &Casebook,
        contact: Option<&str>,
        from: Option<&str>,
    ) -> Result<Actor> {
        match from.map(str::trim) {
            None => self.agent(cb),
            Some("") => Err(CmdError::user("--from needs a name, or `customer`")),
            Some(w) if w.eq_ignore_ascii_case("customer") => {
                Ok(Actor::customer(contact.unwrap_or("customer")))
            }
            Some(name) => Ok(Actor::customer(name)),
        }
    }

    /// Whether you may read internal notes: not when an access rule of your team (or of
    /// the agent of `--as`) says `internal_notes = false`.
    pub fn may_read_internal_notes(&self, cb: &Casebook) -> bool {
        let rules = &cb.config.access;
        if rules.is_empty() {
            return true;
        }
        let mut handles: Vec<String> = Vec::new();
        if let Some(h) = &self.global.as_agent {
            handles.push(h.clone());
        }
        if let Ok(id) = cb.author()
            && let Some((h, _)) = cb.agents.match_identity(&id.name, &id.email)
        {
            handles.push(h.to_string());
        }
        handles.iter().all(|h| {
            let teams: &[String] = cb.agents.resolve(h).map_or(&[], |(_, a)| &a.teams);
            crate::core::access::sees_internal_notes(rules, teams)
        })
    }

    /// After a change: the case as JSON (in JSON mode), or a status line.
    pub fn report_case(&mut self, case: &Case, message: String) -> Result<()> {
        if self.json() {
            let mut shown;
            let case = if self.hide_notes {
                shown = case.clone();
                crate::core::access::hide_internal_notes(&mut shown);
                &shown
            } else {
                case
            };
            self.ui.print_json(&crate::render::json::case(case, true))?;
        } else {
            self.status(message);
        }
        Ok(())
    }

    /// A fresh context for one action by `actor` now.
    pub fn ctx(&self, actor: Actor) -> Ctx {
        Ctx::new(actor, self.now, random_u64())
    }
}

pub fn color_when(c: crate::cli::ColorChoice) -> crate::render::style::When {
    use crate::cli::ColorChoice;
    use crate::render::style::When;
    match c {
        ColorChoice::Auto => When::Auto,
        ColorChoice::Always => When::Always,
        ColorChoice::Never => When::Never,
    }
}

/// `DOCKET_NOW`: an RFC 3339 time a Git commit can carry (1970 to early 2106).
pub fn parse_now(text: &str) -> Result<DateTime<Utc>> {
    let hint = "write it like 2026-11-20T09:30:00Z, or unset DOCKET_NOW";
    let t = DateTime::parse_from_rfc3339(text.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| {
            CmdError::user(format!("DOCKET_NOW={text:?} is not an RFC 3339 time ({e})")).hint(hint)
        })?;
    if !(0..1i64 << 32).contains(&t.timestamp()) {
        return Err(CmdError::user(format!(
            "DOCKET_NOW={text:?} is outside the times a Git commit can carry (1970-01-01 to 2106-02-07)"
        ))
        .hint(hint));
    }
    Ok(t)
}

/// 64 random bits for IDs: from the operating system, or, with `DOCKET_RANDOM_SEED=N`,
/// a reproducible sequence (splitmix64) for tests and demos.
pub fn random_u64() -> u64 {
    static SEEDED: Mutex<Option<Option<u64>>> = Mutex::new(None);
    let mut state = SEEDED.lock().unwrap_or_else(|e| e.into_inner());
    let seed = state.get_or_insert_with(|| {
        crate::vars::nonempty("DOCKET_RANDOM_SEED").and_then(|s| s.trim().parse().ok())
    });
    match seed {
        None => getrandom::u64().expect("the operating system provides random numbers"),
        Some(s) => {
            *s = s.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = *s;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }
    }
}

/// Leaves `value` for the operating system to reclaim when the process exits, instead of
/// freeing it allocation by allocation: for the cases a read command is done with once its
/// output is written. Dropping the 100,000 cases and 155,000 clock rows of a `sla` took
/// ~45 ms after its table was out (a twelfth of the warm command).
pub fn leave_to_exit<T>(value: T) {
    std::mem::forget(value);
}

/// After the rows a command could print: each file it could not read, named on stderr;
/// exit 2 when there was any (the readable ones were still shown).
pub fn report_bad(ui: &mut crate::render::Ui, bad: &[crate::store::cases::BadCase]) -> Result<()> {
    for b in bad {
        ui.error_row(b.to_string());
    }
    if bad.is_empty() {
        Ok(())
    } else {
        Err(crate::error::CmdError::reported(crate::error::Kind::User))
    }
}
