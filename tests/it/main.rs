//! docket's integration tests: one binary, each test with its own casebook in a temporary
//! folder, real Git, real files, `DOCKET_NOW` fixing time.

mod util;

mod casebook;
mod commands;
mod generated;
mod guide;
mod shell;
mod sla;
mod storage;
