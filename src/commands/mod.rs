//! One module per subcommand: resolve arguments, load through `store`, decide through
//! `core`, write through `store`, print through `render`.

mod autoclose;
pub mod complete;
mod create;
mod demo;
mod edit;
pub mod generate;
mod guide;
mod init;
mod list;
mod log;
mod show;
mod sla;

use std::io::Write;

use chrono::{DateTime, SubsecRound, Utc};

use crate::cli::{Cli, Command, Format, Global};
use crate::core::case::{Actor, Case};
use crate::error::{CmdError, Result};
use crate::store::Casebook;

/// What every command gets: the global flags, "now", and where to print.
pub struct Env {
    pub global: Global,
    pub now: DateTime<Utc>,
    pub out: Box<dyn Write>,
    /// Colour for stdout.
    pub style: crate::render::style::Style,
}

impl Env {
    /// Reads "now" from `DOCKET_NOW` (RFC 3339) or the clock: the one place time comes from.
    pub fn new(global: Global) -> Result<Env> {
        let now = match std::env::var("DOCKET_NOW") {
            Ok(text) if !text.trim().is_empty() => parse_now(&text)?,
            _ => Utc::now(),
        }
        .trunc_subsecs(0);
        let style = crate::render::style::Style::new(color_when(global.color), false);
        Ok(Env {
            global,
            now,
            out: Box::new(std::io::stdout().lock()),
            style,
        })
    }

    pub fn json(&self) -> bool {
        self.global.format == Format::Json
    }

    /// Refuses a `--format` this command does not print.
    pub fn formats(&self, command: &str, allowed: &[Format]) -> Result<()> {
        if allowed.contains(&self.global.format) {
            return Ok(());
        }
        use clap::ValueEnum;
        let name = |f: &Format| {
            f.to_possible_value()
                .map(|v| v.get_name().to_string())
                .unwrap_or_default()
        };
        Err(CmdError::user(format!(
            "{command} does not print --format {} (it prints {})",
            name(&self.global.format),
            allowed.iter().map(name).collect::<Vec<_>>().join(", ")
        )))
    }

    /// A status message for people: stderr, not in JSON mode, not with --quiet.
    pub fn status(&self, message: impl AsRef<str>) {
        if !self.global.quiet && !self.json() {
            eprintln!("{}", message.as_ref());
        }
    }

    pub fn casebook(&self) -> Result<Casebook> {
        Casebook::discover(self.global.casebook.as_deref())
    }

    /// The acting agent: `--as HANDLE`, else the agent whose email/name matches the Git
    /// identity, else the Git name itself.
    pub fn agent(&self, cb: &Casebook) -> Result<Actor> {
        if let Some(handle) = &self.global.as_agent {
            let (h, _) = cb.agents.resolve(handle)?;
            return Ok(Actor::agent(h));
        }
        let id = crate::store::git::author(&cb.repo)?;
        Ok(Actor::agent(
            cb.agents
                .handle_for_identity(&id.name, &id.email)
                .unwrap_or(&id.name),
        ))
    }

    pub fn print_json(&mut self, value: &serde_json::Value) -> Result<()> {
        let text = serde_json::to_string_pretty(value).expect("JSON values always serialise");
        writeln!(self.out, "{text}")?;
        Ok(())
    }

    /// After a change: the case as JSON (in JSON mode), or a status line.
    pub fn report_case(&mut self, case: &Case, message: String) -> Result<()> {
        if self.json() {
            let v = crate::render::json::case(case, true);
            self.print_json(&v)
        } else {
            self.status(message);
            Ok(())
        }
    }
}

pub fn color_when(c: crate::cli::ColorChoice) -> crate::render::style::When {
    use crate::cli::ColorChoice;
    use crate::render::style::When;
    match c {
        ColorChoice::Auto => When::Auto,
        ColorChoice::Always => When::Always,
        ColorChoice::Never => When::Never,
    }
}

pub fn parse_now(text: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| {
            CmdError::user(format!("DOCKET_NOW={text:?} is not an RFC 3339 time ({e})"))
                .hint("write it like 2026-11-20T09:30:00Z, or unset DOCKET_NOW")
        })
}

/// 64 random bits for IDs (from the operating system).
pub fn random_u64() -> u64 {
    getrandom::u64().expect("the operating system provides random numbers")
}

pub use generate::generated_files;

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<()> {
    let mut env = Env::new(cli.global)?;
    let report_formats = [Format::Junit, Format::Markdown, Format::Github, Format::Csv];
    let dot = env.global.format == Format::Dot
        && !matches!(
            cli.command,
            Command::Guide(crate::cli::GuideCommand::Show(_))
        );
    if dot
        || (!matches!(cli.command, Command::Sla(_) | Command::Guide(_))
            && report_formats.contains(&env.global.format))
    {
        return Err(env
            .formats("this command", &[Format::Table, Format::Json, Format::Tsv])
            .unwrap_err());
    }
    match cli.command {
        Command::Init(args) => init::run(&mut env, args),
        Command::Demo(args) => demo::run(&mut env, args),
        Command::Create(args) => create::run(&mut env, args),
        Command::Show(args) => show::run(&mut env, args),
        Command::List(args) => list::run(&mut env, args),
        Command::Assign(args) => edit::assign(&mut env, args),
        Command::Comment(args) => edit::comment(&mut env, args),
        Command::Escalate(args) => edit::escalate(&mut env, args),
        Command::Set(args) => edit::set(&mut env, args),
        Command::Wait(args) => edit::wait(&mut env, args),
        Command::Resolve(args) => edit::resolve(&mut env, args),
        Command::Accept(args) => edit::accept(&mut env, args),
        Command::Close(args) => edit::close(&mut env, args),
        Command::Reject(args) => edit::reject(&mut env, args),
        Command::Reopen(args) => edit::reopen(&mut env, args),
        Command::Cancel(args) => edit::cancel(&mut env, args),
        Command::Autoclose(args) => autoclose::run(&mut env, args),
        Command::Log(args) => log::run(&mut env, args),
        Command::Sla(args) => sla::run(&mut env, args),
        Command::Guide(command) => guide::run(&mut env, command),
        Command::Completions(args) => generate::completions(&mut env, args),
        Command::GenerateFiles(args) => generate::files(&mut env, args),
    }
}
