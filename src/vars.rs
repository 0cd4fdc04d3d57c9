//! The one place docket reads its environment variables (clippy refuses
//! `std::env::var` everywhere else, as cargo does), so every variable docket honours is
//! listed here and in the README.
//!
//! Read by docket: `DOCKET_DIR` (also through clap's `env`), `DOCKET_NOW`,
//! `DOCKET_RANDOM_SEED`, `DOCKET_TRACE`, `COLUMNS`, `NO_COLOR`, `TERM`, `TZ`, `GIT_AUTHOR_NAME`,
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
