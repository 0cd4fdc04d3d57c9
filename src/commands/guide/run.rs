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
    // Before a single question: an ended case takes no outcome (every outcome records a
    // run on the case, and most change it).
    if !case.state.is_open() && !args.dry_run {
        return Err(CmdError::user(format!(
            "{} is {}: a guide's outcome cannot be applied to it; nothing was asked or written",
            case.id, case.state
        ))
        .hint(format!(
            "reopen it first (docket reopen {}), or look with --dry-run",
            case.id
        )));
    }
    let ask = interactive && answers.is_empty();
    let first = pick_guide(&cb, &case, args.name.as_deref(), ask)?;
    let mut prompter = Terminal {
        scripted: Scripted { answers },
        interactive,
    };
    let chain = walk_chain(env, &cb, &first, &mut prompter, args.dry_run)?;
    if args.dry_run {
        return Ok(());
    }
    apply_chain(env, &cb, &case, &chain)
}

/// One walked guide of a run: the guide, its file (version) and the walk.
struct Walked {
    guide: guide::Guide,
    version: String,
    run: guide::Run,
}

/// Walks the first guide and the guides its outcomes hand over to, asking for each
/// outcome's confirmation; nothing is written. A handover back to a guide already walked
/// is a cycle, refused.
fn walk_chain(
    env: &mut Env<'_>,
    cb: &Casebook,
    first: &str,
    prompter: &mut Terminal,
    dry_run: bool,
) -> Result<Vec<Walked>> {
    let (fixed, start) = (env.fixed_now, env.now);
    let clock = move || if fixed { start } else { Utc::now() };
    let mut chain: Vec<Walked> = Vec::new();
    let mut next = Some(first.to_string());
    while let Some(name) = next.take() {
        if chain.iter().any(|w| w.guide.name == name) || chain.len() >= 8 {
            let path: Vec<&str> = chain.iter().map(|w| w.guide.name.as_str()).collect();
            return Err(CmdError::user(format!(
                "guides hand over in a cycle ({} → {name}); nothing was written",
                path.join(" → ")
            ))
            .hint("`docket guide check` finds hand-over cycles"));
        }
        let (g, file) = load_valid(cb, &name)?;
        let run = guide::walk(&g, prompter, &clock).map_err(|s| stop_error(s, &name))?;
        let descriptions: Vec<String> = run.actions.iter().map(Action::describe).collect();
        if dry_run {
            let format = env.ui.format;
            render::guide::dry_run(env.ui.out(), format, &g, &file.version, &run, &descriptions)?;
            return Ok(Vec::new());
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
            .map_err(|s| stop_error(s, &name))?
        {
            return Err(stop_error(Stop::Aborted, &name));
        }
        next = run.actions.iter().find_map(|a| match a {
            Action::Handover(n) => Some(n.clone()),
            _ => None,
        });
        chain.push(Walked {
            guide: g,
            version: file.version,
            run,
        });
    }
    Ok(chain)
}

/// Applies the walked outcomes in order, in one commit. Check commands run first, on the
/// case as it will stand at their step, before the write lock is taken; their results are
/// then recorded under the lock.
fn apply_chain(env: &mut Env<'_>, cb: &Casebook, case: &Case, chain: &[Walked]) -> Result<()> {
    let outcomes: Vec<Outcome<'_>> = chain
        .iter()
        .map(|w| Outcome {
            guide: &w.guide,
            version: &w.version,
            run: &w.run,
            config: &cb.config,
            agents: &cb.agents,
        })
        .collect();
    let actor = env.agent(cb)?;
    let apply = |case: &mut Case,
                 ctx: &mut Ctx,
                 runner: &mut dyn FnMut(&Case, &Action) -> guide::CheckOutput| {
        for (o, w) in outcomes.iter().zip(chain) {
            guide::apply_outcome(case, ctx, o, runner)
                .map_err(|e| CmdError::from(e).context(format!("guide {}", w.guide.name)))?;
        }
        Ok::<(), CmdError>(())
    };
    // Rehearse without the lock to run the check commands.
    let mut results = std::collections::VecDeque::new();
    let mut rehearsal = case.clone();
    apply(&mut rehearsal, &mut env.ctx(actor.clone()), &mut |c, a| {
        let out = spawn::run_check(c, a);
        results.push_back(guide::CheckOutput {
            status: out.status.clone(),
            output: out.output.clone(),
        });
        out
    })?;
    let mut session = cb.begin_write()?;
    if let Some(handle) = &env.global.as_agent {
        session.acting_as(cb.agents.resolve(handle)?.0);
    }
    let file_case = cb.load_for_write(&case.id)?;
    let summary: Vec<String> = chain
        .iter()
        .map(|w| format!("{} → {}", w.guide.name, w.run.outcome))
        .collect();
    let ctx = env.ctx(actor);
    let done = write_with(env.ui, &session, file_case, "guide", ctx, |case, ctx| {
        apply(case, ctx, &mut |_, _| {
            results.pop_front().unwrap_or(guide::CheckOutput {
                status: "not run".into(),
                output: String::new(),
            })
        })?;
        Ok(summary.join(", "))
    })?;
    drop(session);
    let names: Vec<&str> = chain.iter().map(|w| w.guide.name.as_str()).collect();
    let last = chain.last().map_or("", |w| w.run.summary.as_str());
    env.report_case(
        &done,
        format!("Ran guide {} on {}: {last}", names.join(" → "), done.id),
    )
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
