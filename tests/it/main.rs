//! docket's integration tests: one binary, each test with its own casebook in a temporary
//! folder, real Git, real files, `DOCKET_NOW` fixing time.

// Tests set up and damage casebooks by hand; the layer rules of clippy.toml are docket's.
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    clippy::print_stdout,
    clippy::print_stderr
)]

mod util;

mod access;
mod cache;
mod casebook;
mod commands;
mod crash;
mod generated;
mod guide;
mod hardening;
mod kb;
mod policy;
mod report;
mod routing;
mod search;
mod shell;
mod sla;
mod snapshots;
mod storage;
mod sync;
mod verify;
mod watch;
