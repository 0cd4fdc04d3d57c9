//! One module per subcommand: resolve arguments, load through `store`, decide through
//! `core`, write through `store`, print through `render`. This module holds what they
//! share: [`Env`] (flags, "now", the [`Ui`]) and [`edit_case`]/[`write_with`], the one
//! path every change to an existing case takes (commands, guides, autoclose and the demo).

mod autoclose;
mod clone;
mod create;
mod demo;
mod edit;
pub mod generate;
mod guide;
mod init;
mod kb;
mod list;
mod log;
mod merge_file;
mod relocate;
mod report;
mod routing;
mod search;
mod show;
mod sla;
mod sync;
mod verify;
mod watch;
mod whoami;

mod env;
mod write;

use crate::cli::{Cli, Command};
use crate::error::Result;
use crate::render::Ui;

pub use env::{Env, color_when, parse_now, random_u64};
pub use write::{edit_case, write_op, write_with};

pub use generate::generated_files;

/// Runs the parsed command line, printing through `ui`.
pub fn run(cli: Cli, ui: &mut Ui) -> Result<()> {
    let mut env = Env::new(cli.global, ui)?;
    let env = &mut env;
    match cli.command {
        Command::Init(args) => init::run(env, args),
        Command::Demo(args) => demo::run(env, args),
        Command::Create(args) => create::run(env, args),
        Command::Show(args) => show::run(env, args),
        Command::List(args) => list::run(env, args),
        Command::Assign(args) if args.auto => routing::assign_auto(env, args),
        Command::Assign(args) => edit::assign(env, args),
        Command::Comment(args) => edit::comment(env, args),
        Command::Escalate(args) => routing::escalate(env, args),
        Command::Deescalate(args) => routing::deescalate(env, args),
        Command::Report(args) => report::run(env, args),
        Command::Route(args) => routing::route(env, args),
        Command::Queue(args) => routing::queue(env, args),
        Command::Mine(args) => routing::mine(env, args),
        Command::Agents(args) => routing::agents(env, args),
        Command::Set(args) => edit::set(env, args),
        Command::Wait(args) => edit::wait(env, args),
        Command::Resolve(args) => edit::resolve(env, args),
        Command::Accept(args) => edit::accept(env, args),
        Command::Close(args) => edit::close(env, args),
        Command::Reject(args) => edit::reject(env, args),
        Command::Reopen(args) => edit::reopen(env, args),
        Command::Cancel(args) => edit::cancel(env, args),
        Command::Autoclose(args) => autoclose::run(env, args),
        Command::Log(args) => log::run(env, args),
        Command::Sla(args) => sla::run(env, args),
        Command::Guide(command) => guide::run(env, command),
        Command::MergeFile(args) => merge_file::run(env, args),
        Command::Sync(args) => sync::run(env, args),
        Command::Whoami(args) => whoami::run(env, args),
        Command::Verify(args) => verify::run(env, args),
        Command::Search(args) => search::search(env, args),
        Command::Similar(args) => search::similar(env, args),
        Command::Kb(cmd) => kb::run(env, cmd),
        Command::Move(args) => relocate::run(env, args),
        Command::Hook(args) => verify::hook(env, args),
        Command::Watch(cmd) => watch::run(env, cmd),
        Command::Clone(args) => clone::run(env, args),
        Command::Completions(args) => generate::completions(env, args),
        Command::GenerateFiles(args) => generate::files(env, args),
    }
}
