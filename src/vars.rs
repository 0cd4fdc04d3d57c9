//! The one place docket reads its environment variables (clippy refuses
//! `std::env::var` everywhere else, as cargo does), so every variable docket honours is
//! listed here and in the README.
//!
//! Read by docket: `DOCKET_DIR` (also through clap's `env`), `DOCKET_NOW`,
//! `DOCKET_RANDOM_SEED`, `DOCKET_TRACE`, `DOCKET_WATCH`, `COLUMNS`, `NO_COLOR`, `TERM`, `TZ`, `GIT_AUTHOR_NAME`,
//! `GIT_AUTHOR_EMAIL`, `GIT_COMMITTER_NAME`, `GIT_COMMITTER_EMAIL`, `HOME` (a `~/` signing key path). (`EDITOR`/`VISUAL` are
//! read by dialoguer's editor, and Git's own variables by the Git library.)

#![allow(clippy::disallowed_methods)]

use std::ffi::OsString;

/// The variable's value, if it is set to valid Unicode.
pub fn get(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// The variable's value, if it is set and not blank.
pub fn nonempty(name: &str) -> Option<String> {
    get(name).filter(|v| !v.trim().is_empty())
}

/// The raw value (paths may not be Unicode).
pub fn get_os(name: &str) -> Option<OsString> {
    std::env::var_os(name)
}

/// Whether the variable is set at all (even to an empty or non-Unicode value).
pub fn is_set(name: &str) -> bool {
    std::env::var_os(name).is_some()
}

/// Whether `DOCKET_TRACE` (a comma-separated list) names `topic`.
pub fn trace(topic: &str) -> bool {
    get("DOCKET_TRACE").is_some_and(|v| v.split(',').any(|t| t.trim() == topic))
}

/// With `DOCKET_TRACE` naming `topic`, prints `docket: ` and `line` to stderr (what a
/// cache or index refresh did: for tests, benchmarks and people profiling).
pub fn trace_line(topic: &str, line: std::fmt::Arguments<'_>) {
    if trace(topic) {
        let mut err = std::io::stderr();
        let _ = std::io::Write::write_fmt(&mut err, format_args!("docket: {line}\n"));
    }
}

static STARTED: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();

/// With `DOCKET_TRACE=time`, prints how long the command has run when it reaches `phase`
/// (to stderr): where a command's time goes, for the benchmark and profiling. The first
/// mark starts the clock (`main` makes it at once).
pub fn mark(phase: &str) {
    let start = *STARTED.get_or_init(std::time::Instant::now);
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    if !trace("time") {
        return;
    }
    // And the memory written so far (resident, not file-backed): on virtual machines a
    // fresh page can cost more than the work done in it.
    let rss = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            let kb = s.lines().find_map(|l| l.strip_prefix("RssAnon:"))?;
            let kb: u64 = kb.trim().trim_end_matches("kB").trim().parse().ok()?;
            Some(format!(" ({:.1} MB of memory)", kb as f64 / 1000.0))
        })
        .unwrap_or_default();
    trace_line("time", format_args!("time: {phase} {ms:.1} ms{rss}"));
}
