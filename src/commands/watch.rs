//! `docket watch start|stop|status|run`: the watcher that tells reads which case files
//! changed (see `store::watch`).

use serde::Serialize;

use crate::cli::WatchCommand;
use crate::error::{CmdError, Kind, Result};
use crate::store::watch::{self, Status};

use super::Env;

#[derive(Serialize)]
struct Report<'a> {
    /// Whether a watcher runs for this casebook (after the command).
    running: bool,
    /// `start`: whether this command started it (false: one was running already).
    #[serde(skip_serializing_if = "Option::is_none")]
    started: Option<bool>,
    /// `stop`: whether one was running and was stopped.
    #[serde(skip_serializing_if = "Option::is_none")]
    stopped: Option<bool>,
    #[serde(flatten)]
    status: Option<&'a Status>,
}

impl<'a> Report<'a> {
    /// What a watcher's status (or none running) says; `start` and `stop` add theirs.
    fn of(status: Option<&'a Status>) -> Report<'a> {
        Report {
            running: status.is_some(),
            started: None,
            stopped: None,
            status,
        }
    }
}

pub fn run(env: &mut Env<'_>, cmd: WatchCommand) -> Result<()> {
    let cb = env.casebook()?;
    let cases = cb.cases_dir();
    match cmd {
        WatchCommand::Start(_) => {
            let (s, started) = watch::start(&cases, &cb.dir)?;
            if env.json() {
                env.ui.print_json(&Report {
                    started: Some(started),
                    ..Report::of(Some(&s))
                })?;
            } else if started {
                env.status(format!(
                    "watching {} ({} folders, process {}); `docket watch stop` stops it",
                    s.root, s.folders, s.pid
                ));
            } else {
                env.status(format!("a watcher already runs here (process {})", s.pid));
            }
        }
        WatchCommand::Stop(_) => {
            let stopped = watch::stop(&cases);
            if env.json() {
                env.ui.print_json(&Report {
                    stopped: Some(stopped),
                    ..Report::of(None)
                })?;
            } else if stopped {
                env.status("the watcher stopped");
            } else {
                env.status("no watcher runs here");
            }
        }
        WatchCommand::Status(_) => {
            let s = watch::status(&cases);
            if env.json() {
                env.ui.print_json(&Report::of(s.as_ref()))?;
            } else {
                let out = env.ui.out();
                match &s {
                    Some(s) => writeln!(
                        out,
                        "watching {} (process {}, {} folders) for {} s: {} changes seen, {} reads answered",
                        s.root, s.pid, s.folders, s.uptime_secs, s.changes, s.answered
                    )?,
                    None => writeln!(
                        out,
                        "no watcher runs here; reads check every case file (`docket watch start`)"
                    )?,
                }
            }
            env.ui.flush()?;
            if s.is_none() {
                return Err(CmdError::reported(Kind::Found));
            }
        }
        WatchCommand::Run(_) => {
            let w = watch::bind(&cases)?;
            let ready = Status {
                pid: std::process::id(),
                root: cases.display().to_string(),
                folders: w.folders() as u64,
                changes: 0,
                answered: 0,
                uptime_secs: 0,
            };
            if env.json() {
                env.ui.print_json(&Report {
                    started: Some(true),
                    ..Report::of(Some(&ready))
                })?;
            } else {
                env.status(format!(
                    "watching {} ({} folders); `docket watch stop` stops it",
                    ready.root, ready.folders
                ));
            }
            env.ui.flush()?;
            w.run()?;
        }
    }
    Ok(())
}
