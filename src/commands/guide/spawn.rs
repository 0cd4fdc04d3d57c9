//! Running a guide's check command: no shell unless asked, the case's fields as
//! environment variables (never interpolated into a command line), a timeout, output
//! trimmed to 2,000 characters.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::Duration;

use wait_timeout::ChildExt;

use crate::core::case::{Case, value_text};
use crate::core::guide::{Action, CheckOutput};

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
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => {
            return CheckOutput {
                status: "failed to start".into(),
                output: e.to_string(),
            };
        }
    };
    // Read the output on threads while waiting, so a chatty command cannot fill its pipe
    // and hang until the timeout.
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut p) = pipe {
                let _ = p.read_to_end(&mut buf);
            }
            buf
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
            let _ = child.kill();
            let _ = child.wait();
            // A process it started may still hold the pipes: do not wait for them.
            return CheckOutput {
                status: format!("timed out after {timeout_secs}s"),
                output: String::new(),
            };
        }
        Err(e) => format!("wait failed: {e}"),
    };
    let mut text = String::from_utf8_lossy(&out.join().unwrap_or_default()).into_owned();
    text.push_str(&String::from_utf8_lossy(&err.join().unwrap_or_default()));
    let trimmed = text.trim();
    let output = if trimmed.chars().count() > 2000 {
        trimmed.chars().take(2000).collect::<String>() + "…"
    } else {
        trimmed.to_string()
    };
    CheckOutput { status, output }
}
