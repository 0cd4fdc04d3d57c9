//! The docket binary: parse, dispatch, print the error once and map it to an exit code.

use std::process::ExitCode;

use clap::{CommandFactory, Parser};

fn main() -> ExitCode {
    // Shell completion requests (`COMPLETE=bash docket -- …`) are answered here and exit.
    clap_complete::CompleteEnv::with_factory(docket::cli::Cli::command)
        .bin("docket")
        .completer("docket")
        .complete();
    let cli = docket::cli::Cli::parse();
    let style =
        docket::render::style::Style::new(docket::commands::color_when(cli.global.color), true);
    match docket::commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if !e.message.is_empty() {
                eprintln!("{} {}", style.paint("error:", "1;31"), e.message);
                for hint in &e.hints {
                    eprintln!("{} {hint}", style.paint("hint:", "1;36"));
                }
            }
            if e.code == 0 {
                return ExitCode::SUCCESS;
            }
            ExitCode::from(e.code)
        }
    }
}
