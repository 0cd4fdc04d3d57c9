//! `docket guide run`: walk a case through a guide (prompts on a terminal, `--answer`s
//! otherwise) and apply its outcome in one commit; follow handovers to other guides.

use std::collections::BTreeMap;
use std::io::IsTerminal;

use chrono::Utc;

use crate::cli::GuideRunArgs;
use crate::core::case::Case;
use crate::core::guide::{self, Action, Outcome, Prompter, Scripted, Stop};
use crate::core::lifecycle::Ctx;
use crate::error::{CmdError, Kind, Result};
use crate::render::{self, Ui, prompt::Terminal};
use crate::store::Casebook;
use crate::store::git::Identity;

use super::super::{Env, write_with};
use super::{load_valid, spawn};

pub fn run(env: &mut Env<'_>, args: GuideRunArgs) -> Result<()> {
    let cb = env.casebook()?;
    let answers = parse_answers(&args)?;
    let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    let case = cb.load_case(&args.id)?.case;
    let ask = interactive && answers.is_empty();
    let mut name = pick_guide(&cb, &case, args.name.as_deref(), ask)?;
    let mut prompter = Terminal {
        scripted: Scripted { answers },
        interactive,
    };
    for _ in 0..5 {
        match run_one(env, &cb, &case.id, &name, &mut prompter, args.dry_run)? {
            Some(next) => name = next,
            None => return Ok(()),
        }
    }
    Err(CmdError::user(
        "guides hand over to each other more than 5 times; stopping",
    ))
}

/// Answers by node.
type Answers = BTreeMap<String, String>;

fn parse_answers(args: &GuideRunArgs) -> Result<Answers> {
    let mut answers = BTreeMap::new();
    if let Some(path) = &args.answers_file {
        let text = std::fs::read_to_string(path)
            .map_err(|e| CmdError::user(format!("{}: {e}", path.display())))?;
        let t: toml::Table = toml::from_str(&text).map_err(|e| {
            CmdError::user(format!(
                "{}: {}",
                path.display(),
                crate::core::config::describe_toml_error(&text, &e)
            ))
        })?;
        for (k, v) in t {
            answers.insert(k, crate::core::case::value_text(&v));
        }
    }
    for a in &args.answers {
        let (k, v) = a
            .split_once('=')
            .ok_or_else(|| CmdError::user(format!("--answer {a:?} is not NODE=VALUE")))?;
        answers.insert(k.trim().to_string(), v.to_string());
    }
    Ok(answers)
}

/// Picks the guide: the one named, else the one applying to the case's type (or a choice).
fn pick_guide(cb: &Casebook, case: &Case, name: Option<&str>, interactive: bool) -> Result<String> {
    if let Some(n) = name {
        return Ok(n.to_string());
    }
    let mut fitting = Vec::new();
    for n in cb.guide_names()? {
        if let Ok(g) = guide::parse(&n, &cb.read_guide(&n)?.text)
            && g.fits(&case.kind)
        {
            fitting.push((n, g.title));
        }
    }
    match fitting.len() {
        0 => Err(
            CmdError::user(format!("no guide applies to {} cases", case.kind))
                .hint("`docket guide list` shows the guides; name one to run it anyway"),
        ),
        1 => Ok(fitting.remove(0).0),
        _ if interactive => {
            let labels: Vec<String> = fitting.iter().map(|(n, t)| format!("{t} ({n})")).collect();
            let prompt = format!("Which guide for this {}?", case.kind);
            let i = render::prompt::pick(&prompt, &labels)
                .ok_or_else(|| CmdError::new(Kind::Interrupted, "aborted; nothing was written"))?;
            Ok(fitting.remove(i).0)
        }
        _ => Err(CmdError::user(format!(
            "several guides apply to {} cases: {}; name one",
            case.kind,
            fitting
                .iter()
                .map(|(n, _)| n.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

fn stop_error(stop: Stop, guide: &str) -> CmdError {
    match stop {
        Stop::Aborted => CmdError::new(Kind::Interrupted, "aborted; nothing was written"),
        Stop::Missing(node) => CmdError::user(format!(
            "guide {guide}: node {node:?} needs an answer and there is no terminal to ask; nothing was written"
        ))
        .hint(format!("pass --answer {node}=VALUE (or --answers FILE)")),
        Stop::Invalid(m) => CmdError::user(format!("guide {guide}: {m}; nothing was written")),
    }
}

/// Walks one guide and applies its outcome in one commit. Returns the guide handed over to.
fn run_one(
    env: &mut Env<'_>,
    cb: &Casebook,
    id: &str,
    name: &str,
    prompter: &mut Terminal,
    dry_run: bool,
) -> Result<Option<String>> {
    let (g, file) = load_valid(cb, name)?;
    let (fixed, start) = (env.fixed_now, env.now);
    let clock = move || if fixed { start } else { Utc::now() };
    let run = guide::walk(&g, prompter, &clock).map_err(|s| stop_error(s, name))?;
    let descriptions: Vec<String> = run.actions.iter().map(Action::describe).collect();
    if dry_run {
        let format = env.ui.format;
        render::guide::dry_run(env.ui.out(), format, &g, &file.version, &run, &descriptions)?;
        return Ok(None);
    }
    if run
        .actions
        .iter()
        .any(|a| matches!(a, Action::Check { .. }))
        && !cb.config.guides.allow_commands
    {
        return Err(CmdError::user(format!(
            "guide {name}: outcome {:?} runs a check command, but docket.toml does not allow command actions; nothing was written",
            run.outcome
        ))
        .hint("set allow_commands = true under [guides] in docket.toml if you trust every guide author"));
    }
    if !prompter
        .confirm(&run.summary, &descriptions)
        .map_err(|s| stop_error(s, name))?
    {
        return Err(stop_error(Stop::Aborted, name));
    }
    let session = cb.begin_write()?;
    let file_case = cb.load_case(id)?;
    let ctx = env.ctx(env.agent(cb)?);
    let outcome = Outcome {
        guide: &g,
        version: &file.version,
        run: &run,
        config: &cb.config,
        agents: &cb.agents,
    };
    let mut handover = None;
    let case = write_with(env.ui, &session, file_case, "guide", ctx, |case, ctx| {
        handover = guide::apply_outcome(case, ctx, &outcome, &mut spawn::run_check)
            .map_err(|e| CmdError::from(e).context(format!("guide {name}")))?;
        Ok(format!("{name} → {}", run.outcome))
    })?;
    drop(session);
    env.report_case(
        &case,
        format!("Ran guide {name} on {}: {}", case.id, run.summary),
    )?;
    Ok(handover)
}

/// A scripted run at a given time by a given author, for `docket demo`: the same walk,
/// outcome and commit as `guide run`.
pub fn demo_run(
    ui: &mut Ui,
    cb: &Casebook,
    who: Identity,
    ctx: Ctx,
    id: &str,
    name: &str,
    answers: &BTreeMap<String, String>,
) -> Result<Case> {
    let at = ctx.now;
    let (g, file) = load_valid(cb, name)?;
    let mut prompter = Scripted {
        answers: answers.clone(),
    };
    let run = guide::walk(&g, &mut prompter, &|| at).map_err(|s| stop_error(s, name))?;
    let session = cb.begin_write_as(Some(who))?;
    let file_case = cb.load_case(id)?;
    let outcome = Outcome {
        guide: &g,
        version: &file.version,
        run: &run,
        config: &cb.config,
        agents: &cb.agents,
    };
    write_with(ui, &session, file_case, "guide", ctx, |case, ctx| {
        guide::apply_outcome(case, ctx, &outcome, &mut spawn::run_check)?;
        Ok(format!("{name} → {}", run.outcome))
    })
}
