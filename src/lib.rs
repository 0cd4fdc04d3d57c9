//! docket: a command-line customer case manager whose casebook is a Git repository.
//!
//! Layers (see DESIGN.md): `cli` (clap definitions only) → `commands` (one module per
//! subcommand) → `core` (pure model and rules, no I/O) and `store` (every byte on disk and
//! every Git object). `render` prints tables and JSON and knows nothing about Git.

pub mod cli;
pub mod commands;
pub mod core;
pub mod error;
pub mod render;
pub mod store;
