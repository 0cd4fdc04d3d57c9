//! docket: a command-line customer case manager whose casebook is a Git repository.
//!
//! Layers (see DESIGN.md): `cli` (clap definitions only) → `commands` (one module per
//! subcommand) → `core` (pure model and rules, no I/O) and `store` (every byte on disk and
//! every Git object). `render` prints tables and JSON and knows nothing about Git.
//!
//! Data goes to stdout only through the `Write` a command is given (`Env::out`), so
//! `println!` is refused by clippy here; messages go to stderr.

#![warn(clippy::print_stdout)]

pub mod cli;
pub mod commands;
pub mod core;
pub mod error;
pub mod render;
pub mod store;
