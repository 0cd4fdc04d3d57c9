//! Running a guide's check command: no shell unless asked, the case's fields as
//! environment variables (never interpolated into a command line), in a process group of
//! its own that is killed as a whole on timeout (so `sh -c "sleep 25"` stops too), both
//! pipes drained on threads while it runs (a chatty command cannot stall), the first
//! 64 KB of each kept. Runs before the casebook's write lock is taken.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::Duration;

use wait_timeout::ChildExt;

use crate::core::case::{Case, value_text};
use crate::core::guide::{Action, CheckOutput};

/// How much of each of stdout and stderr is kept.
const KEEP: usize = 64 * 1024;

/// Runs a `check` action for `case`; other actions report that nothing ran.
pub fn run_check(case: &Case, action: &Action) -> CheckOutput {
    let Action::Check {
        command,
        args,
        shell,
        timeout_secs,
    } = action
    else {
        return CheckOutput {
            status: "not a check".into(),
            output: String::new(),
        };
    };
    let mut cmd = if *shell {
        let mut c = Command::new("sh");
        c.arg("-c").arg(command).arg("docket-check").args(args);
        c
    } else {
        let mut c = Command::new(command);
        c.args(args);
        c
    };
    cmd.env("DOCKET_CASE_ID", &case.id)
        .env("DOCKET_CASE_TITLE", &case.title)
        .env("DOCKET_CASE_TYPE", &case.kind)
        .env("DOCKET_CASE_PRIORITY", &case.priority)
        .env("DOCKET_CASE_STATE", case.state.as_str())
        .env("DOCKET_CASE_ACCOUNT", case.account.as_deref().unwrap_or(""))
        .env("DOCKET_CASE_CONTACT", case.contact.as_deref().unwrap_or(""));
    for (k, v) in &case.fields {
        let key: String = k
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_uppercase()
                } else {
                    '_'
                }
            })
            .collect();
        cmd.env(format!("DOCKET_FIELD_{key}"), value_text(v));
    }
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
    }
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => {
            return CheckOutput {
                status: "failed to start".into(),
                output: e.to_string(),
            };
        }
    };
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut kept = Vec::new();
            if let Some(mut p) = pipe {
                let mut buf = [0u8; 8192];
                while let Ok(n) = p.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    let room = KEEP.saturating_sub(kept.len());
                    kept.extend_from_slice(&buf[..n.min(room)]);
                }
            }
            kept
        })
    };
    let out = drain(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let err = drain(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let status = match child.wait_timeout(Duration::from_secs(*timeout_secs)) {
        Ok(Some(s)) => s
            .code()
            .map_or("killed by a signal".into(), |c| format!("exit {c}")),
        Ok(None) => {
            kill_group(&mut child);
            format!("timed out after {timeout_secs}s")
        }
        Err(e) => format!("wait failed: {e}"),
    };
    // The whole group is gone (or finished), so the pipes close and the readers end.
    let mut text = String::from_utf8_lossy(&out.join().unwrap_or_default()).into_owned();
    text.push_str(&String::from_utf8_lossy(&err.join().unwrap_or_default()));
    CheckOutput {
        status,
        output: text.trim().to_string(),
    }
}

/// Kills the check and everything it started (its process group).
fn kill_group(child: &mut std::process::Child) {
    #[cfg(unix)]
    if let Ok(pid) = i32::try_from(child.id()) {
        // SAFETY: kill(2) with a negative pid signals that process group; no memory is
        // involved. The group is the check's own (process_group(0) above).
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
    }
    let _ = child.kill();
    let _ = child.wait();
}
