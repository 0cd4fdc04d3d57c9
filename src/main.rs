//! The docket binary: parse, dispatch, print the error once and map it to an exit code.

use std::process::ExitCode;

use clap::{CommandFactory, Parser};

fn main() -> ExitCode {
    docket::allocator::keep_freed_memory();
    docket::allocator::small_pages();
    docket::vars::mark("start");
    // Shell completion requests (`COMPLETE=bash docket -- …`) are answered here and exit.
    clap_complete::CompleteEnv::with_factory(docket::cli::Cli::command)
        .bin("docket")
        .completer("docket")
        .complete();
    let cli = docket::cli::Cli::parse_from(docket::cli::normalize_args(std::env::args_os()));
    docket::vars::mark("arguments parsed");
    let color = docket::commands::color_when(cli.global.color);
    let mut ui = docket::render::Ui::stdio(color, cli.global.quiet, cli.format(), cli.global.utc);
    let result = docket::commands::run(cli, &mut ui);
    let code = match result {
        Ok(()) => 0,
        Err(e) => {
            ui.error(&e.to_string(), &e.hints);
            e.exit_code()
        }
    };
    let _ = ui.flush();
    docket::vars::mark("done");
    ExitCode::from(code)
}

/// mimalloc, not the system allocator: reads build tens of thousands of small strings
/// (one cached case is a dozen allocations). Measured side by side at 10,000 cases
/// (median of 21 interleaved runs): `list --open` 56.0 ms vs 81.6 ms with glibc's malloc
/// (0.69×), `sla` 116.7 vs 179.2 ms (0.65×). Its version 2, not 3 (the crate's default):
/// version 3 touches more fresh memory, and a fresh page is dear on the virtual machines
/// measured (interleaved runs: `sla` at 100,000 cases 0.75× the time with version 2,
/// `comment` and `list --format tsv` at 10,000 about 0.9×).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
