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
mod whoami;

mod env;
mod write;

use crate::cli::{Cli, Command, Lazy, LazySub};
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
        Command::Init(Lazy(args)) => init::run(env, args),
        Command::Demo(Lazy(args)) => demo::run(env, args),
        Command::Create(Lazy(args)) => create::run(env, args),
        Command::Show(Lazy(args)) => show::run(env, args),
        Command::List(Lazy(args)) => list::run(env, args),
        Command::Assign(Lazy(args)) if args.auto => routing::assign_auto(env, args),
        Command::Assign(Lazy(args)) => edit::assign(env, args),
        Command::Comment(Lazy(args)) => edit::comment(env, args),
        Command::Escalate(Lazy(args)) => routing::escalate(env, args),
        Command::Deescalate(Lazy(args)) => routing::deescalate(env, args),
        Command::Report(Lazy(args)) => report::run(env, args),
        Command::Route(Lazy(args)) => routing::route(env, args),
        Command::Queue(Lazy(args)) => routing::queue(env, args),
        Command::Mine(Lazy(args)) => routing::mine(env, args),
        Command::Agents(Lazy(args)) => routing::agents(env, args),
        Command::Set(Lazy(args)) => edit::set(env, args),
        Command::Wait(Lazy(args)) => edit::wait(env, args),
        Command::Resolve(Lazy(args)) => edit::resolve(env, args),
        Command::Accept(Lazy(args)) => edit::accept(env, args),
        Command::Close(Lazy(args)) => edit::close(env, args),
        Command::Reject(Lazy(args)) => edit::reject(env, args),
        Command::Reopen(Lazy(args)) => edit::reopen(env, args),
        Command::Cancel(Lazy(args)) => edit::cancel(env, args),
        Command::Autoclose(Lazy(args)) => autoclose::run(env, args),
        Command::Log(Lazy(args)) => log::run(env, args),
        Command::Sla(Lazy(args)) => sla::run(env, args),
        Command::Guide(LazySub(command)) => guide::run(env, command),
        Command::MergeFile(Lazy(args)) => merge_file::run(env, args),
        Command::Sync(Lazy(args)) => sync::run(env, args),
        Command::Whoami(Lazy(args)) => whoami::run(env, args),
        Command::Verify(Lazy(args)) => verify::run(env, args),
        Command::Search(Lazy(args)) => search::search(env, args),
        Command::Similar(Lazy(args)) => search::similar(env, args),
        Command::Kb(LazySub(cmd)) => kb::run(env, cmd),
        Command::Move(Lazy(args)) => relocate::run(env, args),
        Command::Hook(Lazy(args)) => verify::hook(env, args),
        Command::Clone(Lazy(args)) => clone::run(env, args),
        Command::Completions(Lazy(args)) => generate::completions(env, args),
        Command::GenerateFiles(Lazy(args)) => generate::files(env, args),
    }
}
