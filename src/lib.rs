//! docket: a command-line customer case manager whose casebook is a Git repository.
//!
//! Layers (see DESIGN.md): `cli` (clap definitions and completers) → `commands` (one
//! module per subcommand: resolve arguments, load through `store`, decide in `core`,
//! write through `store`, print through `render`). `core` is pure (no clock, environment,
//! terminal or disk); `store` owns every byte on disk and every Git object; `render`
//! prints and knows nothing about Git; `vars` is the one reader of environment variables.
//!
//! Clippy keeps the layers (see `clippy.toml`): print macros are refused here (output
//! goes through `render::Ui`), file writes, locks and the Git library outside `store`, and
//! `std::env::var` outside `vars`.

#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod allocator;
pub mod cli;
pub mod commands;
pub mod core;
pub mod error;
pub mod render;
pub mod store;
pub mod vars;
