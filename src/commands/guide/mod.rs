//! `docket guide`: list, check, show and run guided decisions. Parsing, validation and
//! applying outcomes live in `core::guide`; output in `render::guide`.

mod run;
mod spawn;

use std::collections::BTreeSet;

use crate::cli::{GuideCheckArgs, GuideCommand, GuideShowArgs};
use crate::core::agents::Agents;
use crate::core::config::Config;
use crate::core::guide::{self, Guide, Problem};
use crate::error::{CmdError, Kind, Result};
use crate::render;
use crate::store::Casebook;
use crate::store::guides::GuideFile;

use super::Env;

pub use run::demo_run;

pub fn run(env: &mut Env<'_>, command: GuideCommand) -> Result<()> {
    match command {
        GuideCommand::List(_) => list(env),
        GuideCommand::Check(args) => check(env, args),
        GuideCommand::Show(args) => show(env, args),
        GuideCommand::Run(args) => run::run(env, args),
    }
}

/// Parses and validates a guide against the casebook's settings (without a casebook,
/// `guide check FILE` outside one, teams and agents are not checked).
fn problems_of(
    config: &Config,
    agents: Option<&Agents>,
    file: &GuideFile,
    known: &BTreeSet<String>,
) -> (Option<Guide>, Vec<Problem>) {
    match guide::parse(&file.name, &file.text) {
        Err(p) => (None, vec![p]),
        Ok(g) => {
            // With a value, the value must fit the field; without one (an input node),
            // the field must exist.
            let field = |k: &str, v: &str| {
                if v.is_empty() && config.fields.contains_key(k) {
                    return Ok(());
                }
                config.check_field(k, v).map(|_| ())
            };
            let priority = |p: &str| config.check_priority(p).map(|_| ());
            let team = |t: &str| agents.map_or(Ok(()), |a| a.check_team(t).map(|_| ()));
            let agent = |h: &str| agents.map_or(Ok(()), |a| a.resolve(h).map(|_| ()));
            let checks = guide::Checks {
                field: &field,
                priority: &priority,
                team: &team,
                agent: &agent,
                guides: known,
            };
            let p = guide::validate(&g, &file.text, &checks);
            (Some(g), p)
        }
    }
}

/// Reads and validates a guide; its first problem is the error.
fn load_valid(cb: &Casebook, name: &str) -> Result<(Guide, GuideFile)> {
    let file = cb.read_guide(name)?;
    let known: BTreeSet<String> = cb.guide_names()?.into_iter().collect();
    let (g, problems) = problems_of(&cb.config, Some(&cb.agents), &file, &known);
    match (g, problems.into_iter().next()) {
        (Some(g), None) => Ok((g, file)),
        (_, Some(p)) => {
            let line = p.line.map_or("?".into(), |l| l.to_string());
            Err(
                CmdError::user(format!("{}:{line}: {}", file.path, p.message)).hint(format!(
                    "`docket guide check {}` lists every problem",
                    file.path
                )),
            )
        }
        (None, None) => Err(CmdError::internal(format!(
            "{}: the guide does not parse but no problem was named",
            file.path
        ))),
    }
}

fn list(env: &mut Env<'_>) -> Result<()> {
    let cb = env.casebook()?;
    let mut rows = Vec::new();
    for name in cb.guide_names()? {
        let file = cb.read_guide(&name)?;
        match guide::parse(&name, &file.text) {
            Ok(g) => rows.push(render::guide::ListRow {
                name,
                title: g.title,
                applies_to: g.applies_to,
                nodes: g.nodes.len(),
                version: file.version,
            }),
            Err(p) => env.ui.error_row(format!(
                "{}:{}: {}",
                file.path,
                p.line.unwrap_or(0),
                p.message
            )),
        }
    }
    if rows.is_empty() && !env.json() {
        env.status("No guides: add guides/NAME.toml (see the README).");
        return Ok(());
    }
    let format = env.ui.format;
    render::guide::list(env.ui.out(), format, &rows)?;
    Ok(())
}

fn check(env: &mut Env<'_>, args: GuideCheckArgs) -> Result<()> {
    let cb = env.casebook().ok();
    let config = cb.as_ref().map(|c| c.config.clone()).unwrap_or_default();
    let mut known: BTreeSet<String> = match &cb {
        Some(cb) => cb.guide_names()?.into_iter().collect(),
        None => BTreeSet::new(),
    };
    let mut files = Vec::new();
    if args.files.is_empty() {
        let cb = cb.as_ref().ok_or_else(|| {
            CmdError::user(
                "not in a casebook: name the guide files to check, or run inside a casebook",
            )
        })?;
        for name in cb.guide_names()? {
            files.push(cb.read_guide(&name)?);
        }
    } else {
        for path in &args.files {
            files.push(crate::store::guides::read_guide_file(path)?);
        }
    }
    known.extend(files.iter().map(|f| f.name.clone()));
    let mut all = Vec::new();
    let mut parsed = Vec::new();
    for file in &files {
        let (g, problems) = problems_of(&config, cb.as_ref().map(|c| &c.agents), file, &known);
        all.extend(problems.into_iter().map(|p| (file.path.clone(), p)));
        parsed.extend(g.map(|g| (file, g)));
    }
    // Hand-overs across guides that come back around: a run would never end.
    let by_name: std::collections::BTreeMap<String, &Guide> =
        parsed.iter().map(|(f, g)| (f.name.clone(), g)).collect();
    for cycle in guide::handover_cycles(&by_name) {
        let Some((file, _)) = parsed.iter().find(|(f, _)| f.name == cycle[0]) else {
            continue;
        };
        let to = cycle.get(1).unwrap_or(&cycle[0]);
        let line = guide::line_of(&file.text, &[format!("\"{to}\"")], 0);
        let mut path = cycle.clone();
        path.push(cycle[0].clone());
        all.push((
            file.path.clone(),
            Problem {
                line,
                message: format!("guides hand over in a cycle: {}", path.join(" → ")),
            },
        ));
    }
    let format = env.ui.format;
    render::guide::problems(env.ui.out(), format, &all)?;
    env.status(format!(
        "Checked {} guide(s): {} problem(s).",
        files.len(),
        all.len()
    ));
    if all.is_empty() {
        Ok(())
    } else {
        Err(CmdError::reported(Kind::Found))
    }
}

fn show(env: &mut Env<'_>, args: GuideShowArgs) -> Result<()> {
    let cb = env.casebook()?;
    let (g, file) = load_valid(&cb, &args.name)?;
    let format = env.ui.format;
    render::guide::show(env.ui.out(), format, &g, &file.version)?;
    Ok(())
}
