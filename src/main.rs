//! The docket binary: parse, dispatch, print the error once and map it to an exit code.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = docket::cli::Cli::parse();
    match docket::commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if !e.message.is_empty() {
                eprintln!("error: {}", e.message);
                for hint in &e.hints {
                    eprintln!("hint: {hint}");
                }
            }
            if e.code == 0 {
                return ExitCode::SUCCESS;
            }
            ExitCode::from(e.code)
        }
    }
}
