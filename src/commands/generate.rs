//! Shell completions and man pages, generated from the clap definitions in `cli`.

use std::io::Write;
use std::path::Path;

use clap::CommandFactory;
use clap_complete::Shell as CShell;

use crate::cli::{Cli, CompletionsArgs, GenerateArgs, Shell};
use crate::error::Result;

use super::Env;

fn shell(s: Shell) -> CShell {
    match s {
        Shell::Bash => CShell::Bash,
        Shell::Zsh => CShell::Zsh,
        Shell::Fish => CShell::Fish,
        Shell::Elvish => CShell::Elvish,
        Shell::Powershell => CShell::PowerShell,
    }
}

/// The completion script for a shell.
pub fn completion_script(s: Shell) -> Vec<u8> {
    let mut out = Vec::new();
    clap_complete::generate(shell(s), &mut Cli::command(), "docket", &mut out);
    out
}

/// The file name a completion script is committed under.
pub fn completion_file(s: Shell) -> &'static str {
    match s {
        Shell::Bash => "docket.bash",
        Shell::Zsh => "_docket",
        Shell::Fish => "docket.fish",
        Shell::Elvish => "docket.elv",
        Shell::Powershell => "_docket.ps1",
    }
}

pub const SHELLS: [Shell; 5] = [
    Shell::Bash,
    Shell::Zsh,
    Shell::Fish,
    Shell::Elvish,
    Shell::Powershell,
];

/// Every man page: `docket.1` and one per visible subcommand.
pub fn man_pages() -> Vec<(String, Vec<u8>)> {
    let cmd = Cli::command();
    let mut pages = Vec::new();
    let mut top = Vec::new();
    clap_mangen::Man::new(cmd.clone())
        .render(&mut top)
        .expect("rendering to memory cannot fail");
    pages.push(("docket.1".to_string(), top));
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = format!("docket-{}", sub.get_name());
        let sub = sub.clone().name(name.clone());
        let mut page = Vec::new();
        clap_mangen::Man::new(sub)
            .render(&mut page)
            .expect("rendering to memory cannot fail");
        pages.push((format!("{name}.1"), page));
    }
    pages
}

/// Every generated file, by path relative to the repository root.
pub fn generated_files() -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = SHELLS
        .iter()
        .map(|s| {
            (
                format!("completions/{}", completion_file(*s)),
                completion_script(*s),
            )
        })
        .collect();
    files.extend(
        man_pages()
            .into_iter()
            .map(|(name, page)| (format!("man/{name}"), page)),
    );
    files
}

pub fn completions(env: &mut Env, args: CompletionsArgs) -> Result<()> {
    env.out.write_all(&completion_script(args.shell))?;
    Ok(())
}

pub fn files(env: &mut Env, args: GenerateArgs) -> Result<()> {
    let root = Path::new(&args.dir);
    for (path, content) in generated_files() {
        crate::store::fsutil::atomic_write(&root.join(&path), &content)?;
    }
    env.status(format!(
        "Wrote completions/ and man/ in {}.",
        root.display()
    ));
    Ok(())
}
