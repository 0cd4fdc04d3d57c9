//! `docket guide`: list, check, show and run guided decisions.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{IsTerminal, Write};

use chrono::Utc;
use serde_json::json;

use crate::cli::{Format, GuideCheckArgs, GuideCommand, GuideRunArgs, GuideShowArgs};
use crate::core::agents::Agents;
use crate::core::case::{Case, Visibility};
use crate::core::config::Config;
use crate::core::guide::{self, Action, Guide, Node, Problem, Prompter, Run, Scripted, Stop};
use crate::core::lifecycle::{self, Change, Ctx, Transition, TransitionDetails};
use crate::error::{CmdError, Result};
use crate::store::Casebook;
use crate::store::guides::GuideFile;

use super::{Env, random_u64};

pub fn run(env: &mut Env, command: GuideCommand) -> Result<()> {
    match command {
        GuideCommand::List => list(env),
        GuideCommand::Check(args) => check(env, args),
        GuideCommand::Show(args) => show(env, args),
        GuideCommand::Run(args) => run_guide(env, args),
    }
}

/// A field check for guide validation against docket.toml: with a value, the value must
/// fit the field; without one (an input node), the field must exist.
fn field_check(config: &Config, k: &str, v: &str) -> std::result::Result<(), String> {
    if v.is_empty() && config.fields.contains_key(k) {
        return Ok(());
    }
    config.check_field(k, v).map(|_| ())
}

/// Parses and validates a guide; every problem as `file:line: message`.
fn problems_of(
    config: &Config,
    agents: Option<&Agents>,
    file: &GuideFile,
    known: &BTreeSet<String>,
) -> (Option<Guide>, Vec<Problem>) {
    match guide::parse(&file.name, &file.text) {
        Err(p) => (None, vec![p]),
        Ok(g) => {
            let field = |k: &str, v: &str| field_check(config, k, v);
            let priority = |p: &str| config.check_priority(p).map(|_| ());
            // Without a casebook (guide check FILE outside one) teams and agents are unknown.
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

fn load_valid(cb: &Casebook, name: &str) -> Result<(Guide, GuideFile)> {
    let file = cb.read_guide(name)?;
    let known: BTreeSet<String> = cb.guide_names()?.into_iter().collect();
    let (g, problems) = problems_of(&cb.config, Some(&cb.agents), &file, &known);
    match (g, problems.first()) {
        (Some(g), None) => Ok((g, file)),
        (_, Some(p)) => Err(CmdError::user(format!(
            "{}:{}: {}",
            file.path,
            p.line.map_or("?".into(), |l| l.to_string()),
            p.message
        ))
        .hint(format!(
            "`docket guide check {}` lists every problem",
            file.path
        ))),
        (None, None) => unreachable!("a guide that does not parse has a problem"),
    }
}

fn list(env: &mut Env) -> Result<()> {
    env.formats("guide list", &[Format::Table, Format::Json])?;
    let cb = env.casebook()?;
    let mut rows = Vec::new();
    for name in cb.guide_names()? {
        let file = cb.read_guide(&name)?;
        match guide::parse(&name, &file.text) {
            Ok(g) => rows.push(json!({
                "name": name,
                "title": g.title,
                "applies_to": g.applies_to,
                "nodes": g.nodes.len(),
                "version": file.version,
            })),
            Err(p) => eprintln!(
                "error: {}:{}: {}",
                file.path,
                p.line.unwrap_or(0),
                p.message
            ),
        }
    }
    if env.json() {
        return env.print_json(&serde_json::Value::Array(rows));
    }
    if rows.is_empty() {
        env.status("No guides: add guides/NAME.toml (see the README).");
        return Ok(());
    }
    let w = rows
        .iter()
        .map(|r| r["name"].as_str().unwrap_or("").len())
        .max()
        .unwrap_or(4)
        .max(4);
    writeln!(env.out, "{:<w$}  {:<28}  APPLIES TO", "NAME", "TITLE")?;
    for r in rows {
        let applies: Vec<&str> = r["applies_to"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str())
            .collect();
        writeln!(
            env.out,
            "{:<w$}  {:<28}  {}",
            r["name"].as_str().unwrap_or(""),
            crate::render::truncate(r["title"].as_str().unwrap_or(""), 28),
            if applies.is_empty() {
                "all types".to_string()
            } else {
                applies.join(", ")
            }
        )?;
    }
    Ok(())
}

fn check(env: &mut Env, args: GuideCheckArgs) -> Result<()> {
    env.formats("guide check", &[Format::Table, Format::Json])?;
    let cb = Casebook::discover(env.global.casebook.as_deref()).ok();
    let config = cb.as_ref().map(|c| c.config.clone()).unwrap_or_default();
    let mut files = Vec::new();
    let known: BTreeSet<String> = match &cb {
        Some(cb) => cb.guide_names()?.into_iter().collect(),
        None => BTreeSet::new(),
    };
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
            let text = std::fs::read_to_string(path)
                .map_err(|e| CmdError::user(format!("{}: {e}", path.display())))?;
            let name = path
                .file_stem()
                .map(|s| s.to_string_lossy().to_string())
                .unwrap_or_default();
            files.push(GuideFile {
                name,
                path: path.display().to_string(),
                version: crate::store::guides::blob_id(text.as_bytes()),
                text,
            });
        }
    }
    let mut known = known;
    known.extend(files.iter().map(|f| f.name.clone()));
    let mut all = Vec::new();
    for file in &files {
        let (_, problems) = problems_of(&config, cb.as_ref().map(|c| &c.agents), file, &known);
        for p in problems {
            all.push((file.path.clone(), p));
        }
    }
    if env.json() {
        let v: Vec<serde_json::Value> = all
            .iter()
            .map(|(f, p)| json!({"file": f, "line": p.line, "message": p.message}))
            .collect();
        env.print_json(&serde_json::Value::Array(v))?;
    } else {
        for (f, p) in &all {
            match p.line {
                Some(l) => writeln!(env.out, "{f}:{l}: {}", p.message)?,
                None => writeln!(env.out, "{f}: {}", p.message)?,
            }
        }
        env.status(format!(
            "Checked {} guide(s): {} problem(s).",
            files.len(),
            all.len()
        ));
    }
    if all.is_empty() {
        Ok(())
    } else {
        Err(CmdError::reported(1))
    }
}

fn show(env: &mut Env, args: GuideShowArgs) -> Result<()> {
    env.formats("guide show", &[Format::Table, Format::Json, Format::Dot])?;
    let cb = env.casebook()?;
    let (g, file) = load_valid(&cb, &args.name)?;
    let text = match env.global.format {
        Format::Json => {
            let v = guide_json(&g, &file.version);
            serde_json::to_string_pretty(&v).expect("JSON serialises") + "\n"
        }
        Format::Dot => dot(&g),
        _ => outline(&g),
    };
    env.out.write_all(text.as_bytes())?;
    Ok(())
}

fn node_json(n: &Node) -> serde_json::Value {
    match n {
        Node::Question {
            prompt,
            help,
            choices,
        } => json!({
            "type": "question", "prompt": prompt, "help": help,
            "choices": choices.iter().map(|c| json!({"label": c.label, "next": c.next})).collect::<Vec<_>>(),
        }),
        Node::Input {
            prompt,
            help,
            field,
            next,
            when,
            required,
            ..
        } => json!({
            "type": "input", "prompt": prompt, "help": help, "field": field, "required": required, "next": next,
            "when": when.iter().map(|b| json!({"is": b.is, "over": b.over, "under": b.under, "next": b.next})).collect::<Vec<_>>(),
        }),
        Node::Outcome { summary, actions } => json!({
            "type": "outcome", "summary": summary,
            "actions": actions.iter().map(Action::describe).collect::<Vec<_>>(),
        }),
    }
}

fn guide_json(g: &Guide, version: &str) -> serde_json::Value {
    json!({
        "name": g.name, "title": g.title, "applies_to": g.applies_to, "start": g.start, "version": version,
        "nodes": g.nodes.iter().map(|(k, n)| (k.clone(), node_json(n))).collect::<serde_json::Map<_, _>>(),
    })
}

fn outline(g: &Guide) -> String {
    let mut out = format!(
        "{} ({}), applies to {}\n",
        g.title,
        g.name,
        if g.applies_to.is_empty() {
            "all types".to_string()
        } else {
            g.applies_to.join(", ")
        }
    );
    let mut seen = BTreeSet::new();
    fn walk(
        g: &Guide,
        id: &str,
        depth: usize,
        via: &str,
        seen: &mut BTreeSet<String>,
        out: &mut String,
    ) {
        let pad = "  ".repeat(depth);
        let Some(n) = g.nodes.get(id) else { return };
        if !seen.insert(id.to_string()) {
            out.push_str(&format!("{pad}{via}→ {id} (see above)\n"));
            return;
        }
        match n {
            Node::Question {
                prompt, choices, ..
            } => {
                out.push_str(&format!("{pad}{via}[{id}] {prompt}\n"));
                for c in choices {
                    walk(g, &c.next, depth + 1, &format!("{} ", c.label), seen, out);
                }
            }
            Node::Input {
                prompt,
                field,
                next,
                when,
                ..
            } => {
                out.push_str(&format!("{pad}{via}[{id}] {prompt} (→ field {field})\n"));
                for b in when {
                    let cond = match (&b.is, b.over, b.under) {
                        (Some(v), _, _) => format!("if {v} "),
                        (_, Some(o), _) => format!("if > {o} "),
                        (_, _, Some(u)) => format!("if < {u} "),
                        _ => "if any ".into(),
                    };
                    walk(g, &b.next, depth + 1, &cond, seen, out);
                }
                if let Some(n) = next {
                    walk(
                        g,
                        n,
                        depth + 1,
                        if when.is_empty() { "" } else { "otherwise " },
                        seen,
                        out,
                    );
                }
            }
            Node::Outcome { summary, actions } => {
                out.push_str(&format!("{pad}{via}[{id}] OUTCOME: {summary}\n"));
                for a in actions {
                    out.push_str(&format!("{pad}    • {}\n", a.describe()));
                }
            }
        }
    }
    walk(g, &g.start, 0, "", &mut seen, &mut out);
    out
}

fn dot(g: &Guide) -> String {
    let q = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
    let mut out = format!(
        "digraph {} {{\n  label={};\n  node [shape=box, style=rounded];\n",
        q(&g.name),
        q(&g.title)
    );
    for (id, n) in &g.nodes {
        let shape = match n {
            Node::Question { .. } => "shape=box",
            Node::Input { .. } => "shape=parallelogram",
            Node::Outcome { .. } => "shape=box, style=\"rounded,filled\", fillcolor=lightgrey",
        };
        out.push_str(&format!(
            "  {} [label={}, {shape}];\n",
            q(id),
            q(n.prompt())
        ));
        match n {
            Node::Question { choices, .. } => {
                for c in choices {
                    out.push_str(&format!(
                        "  {} -> {} [label={}];\n",
                        q(id),
                        q(&c.next),
                        q(&c.label)
                    ));
                }
            }
            Node::Input { next, when, .. } => {
                for b in when {
                    let label =
                        b.is.clone()
                            .or(b.over.map(|o| format!("> {o}")))
                            .or(b.under.map(|u| format!("< {u}")))
                            .unwrap_or_default();
                    out.push_str(&format!(
                        "  {} -> {} [label={}];\n",
                        q(id),
                        q(&b.next),
                        q(&label)
                    ));
                }
                if let Some(n) = next {
                    out.push_str(&format!("  {} -> {};\n", q(id), q(n)));
                }
            }
            Node::Outcome { .. } => {}
        }
    }
    out.push_str(&format!(
        "  start [shape=point];\n  start -> {};\n}}\n",
        q(&g.start)
    ));
    out
}

/// Answers from `--answer`/`--answers`, then (on a terminal) dialoguer prompts.
struct Hybrid {
    scripted: Scripted,
    interactive: bool,
}

fn dialoguer_error(_: dialoguer::Error) -> Stop {
    Stop::Aborted
}

impl Prompter for Hybrid {
    fn choose(
        &mut self,
        node: &str,
        prompt: &str,
        help: Option<&str>,
        options: &[String],
    ) -> std::result::Result<usize, Stop> {
        match self.scripted.choose(node, prompt, help, options) {
            Err(Stop::Missing(_)) if self.interactive => {
                if let Some(h) = help {
                    eprintln!("  {h}");
                }
                dialoguer::Select::new()
                    .with_prompt(prompt)
                    .items(options)
                    .default(0)
                    .interact_opt()
                    .map_err(dialoguer_error)?
                    .ok_or(Stop::Aborted)
            }
            other => other,
        }
    }

    fn input(
        &mut self,
        node: &str,
        prompt: &str,
        help: Option<&str>,
        validate: &dyn Fn(&str) -> std::result::Result<String, String>,
    ) -> std::result::Result<String, Stop> {
        match self.scripted.input(node, prompt, help, validate) {
            Err(Stop::Missing(_)) if self.interactive => {
                if let Some(h) = help {
                    eprintln!("  {h}");
                }
                let text: String = dialoguer::Input::new()
                    .with_prompt(prompt)
                    .allow_empty(true)
                    .validate_with(|s: &String| validate(s).map(|_| ()))
                    .interact_text()
                    .map_err(dialoguer_error)?;
                validate(&text).map_err(Stop::Invalid)
            }
            other => other,
        }
    }

    fn confirm(&mut self, summary: &str, actions: &[String]) -> std::result::Result<bool, Stop> {
        if !self.interactive {
            return Ok(true);
        }
        eprintln!("Outcome: {summary}");
        for a in actions {
            eprintln!("  • {a}");
        }
        dialoguer::Confirm::new()
            .with_prompt("Apply these actions to the case?")
            .default(true)
            .interact_opt()
            .map_err(dialoguer_error)?
            .ok_or(Stop::Aborted)
    }
}

fn parse_answers(args: &GuideRunArgs) -> Result<BTreeMap<String, String>> {
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
            && (g.applies_to.is_empty()
                || g.applies_to
                    .iter()
                    .any(|t| t.eq_ignore_ascii_case(&case.kind)))
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
            let i = dialoguer::Select::new()
                .with_prompt(format!("Which guide for this {}?", case.kind))
                .items(&labels)
                .default(0)
                .interact_opt()
                .map_err(|_| CmdError::user("aborted; nothing was written"))?
                .ok_or_else(|| CmdError::user("aborted; nothing was written"))?;
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

fn run_guide(env: &mut Env, args: GuideRunArgs) -> Result<()> {
    env.formats("guide run", &[Format::Table, Format::Json])?;
    let cb = env.casebook()?;
    let answers = parse_answers(&args)?;
    let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    let case = cb.load_case(&args.id)?.case;
    let mut name = pick_guide(
        &cb,
        &case,
        args.name.as_deref(),
        interactive && answers.is_empty(),
    )?;
    for _ in 0..5 {
        match run_one(
            env,
            &cb,
            &case.id,
            &name,
            &answers,
            interactive,
            args.dry_run,
        )? {
            Some(next) => name = next,
            None => return Ok(()),
        }
    }
    Err(CmdError::user(
        "guides hand over to each other more than 5 times; stopping",
    ))
}

fn stop_error(stop: Stop, guide: &str) -> CmdError {
    match stop {
        Stop::Aborted => CmdError {
            code: 130,
            message: "aborted; nothing was written".into(),
            hints: vec![],
        },
        Stop::Missing(node) => CmdError::user(format!(
            "guide {guide}: node {node:?} needs an answer and there is no terminal to ask; nothing was written"
        ))
        .hint(format!("pass --answer {node}=VALUE (or --answers FILE)")),
        Stop::Invalid(m) => CmdError::user(format!("guide {guide}: {m}; nothing was written")),
    }
}

/// Walks one guide and applies its outcome in one commit. Returns the guide handed over to.
fn run_one(
    env: &mut Env,
    cb: &Casebook,
    id: &str,
    name: &str,
    answers: &BTreeMap<String, String>,
    interactive: bool,
    dry_run: bool,
) -> Result<Option<String>> {
    let (g, file) = load_valid(cb, name)?;
    let mut prompter = Hybrid {
        scripted: Scripted {
            answers: answers.clone(),
        },
        interactive,
    };
    let fixed = std::env::var("DOCKET_NOW").is_ok();
    let start = env.now;
    let clock = move || {
        if fixed {
            start
        } else {
            Utc::now().with_timezone(&Utc)
        }
    };
    let run = guide::walk(&g, &mut prompter, &clock).map_err(|s| stop_error(s, name))?;
    let descriptions: Vec<String> = run.actions.iter().map(Action::describe).collect();
    if dry_run {
        let text = dry_run_text(&g, &run, &descriptions);
        if env.json() {
            let v = json!({
                "guide": g.name, "version": file.version, "outcome": run.summary, "outcome_node": run.outcome,
                "steps": serde_json::to_value(&run.steps).expect("steps serialise"),
                "actions": descriptions, "values": run.values,
            });
            return env.print_json(&v).map(|_| None);
        }
        env.out.write_all(text.as_bytes())?;
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
    let ctx = Ctx::new(env.agent(cb)?, env.now, random_u64());
    let mut handover = None;
    let case = super::edit::write_change(&session, file_case, "guide", ctx, |case, ctx| {
        handover = apply(cb, case, ctx, &g, &file, &run)
            .map_err(|e| e.context(format!("guide {name}")))?;
        Ok(format!("{name} → {}", run.outcome))
    })?;
    drop(session);
    env.report_case(
        &case,
        format!("Ran guide {name} on {}: {}", case.id, run.summary),
    )?;
    Ok(handover)
}

/// A scripted run at a given time by a given author, for `docket demo`.
pub(super) fn demo_run(
    cb: &Casebook,
    who: crate::store::git::Identity,
    actor: crate::core::case::Actor,
    at: chrono::DateTime<Utc>,
    id: &str,
    name: &str,
    answers: &[(&str, &str)],
) -> Result<Case> {
    let (g, file) = load_valid(cb, name)?;
    let mut prompter = Scripted {
        answers: answers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    };
    let run = guide::walk(&g, &mut prompter, &|| at).map_err(|s| stop_error(s, name))?;
    let session = cb.begin_write_as(Some(who))?;
    let file_case = cb.load_case(id)?;
    let ctx = Ctx::new(actor, at, random_u64());
    super::edit::write_change(&session, file_case, "guide", ctx, |case, ctx| {
        apply(cb, case, ctx, &g, &file, &run)?;
        Ok(format!("{name} → {}", run.outcome))
    })
}

fn dry_run_text(g: &Guide, run: &Run, actions: &[String]) -> String {
    let mut out = format!(
        "Guide {} ({}) — dry run, nothing written\n",
        g.title, g.name
    );
    for s in &run.steps {
        out.push_str(&format!("  [{}] {} → {}\n", s.node, s.prompt, s.answer));
    }
    out.push_str(&format!("Outcome [{}]: {}\n", run.outcome, run.summary));
    for (k, v) in &run.values {
        out.push_str(&format!("  • set {k}={v}\n"));
    }
    for a in actions {
        out.push_str(&format!("  • {a}\n"));
    }
    out
}

/// Records the run and applies its actions to the case in memory.
fn apply(
    cb: &Casebook,
    case: &mut Case,
    ctx: &mut Ctx,
    g: &Guide,
    file: &GuideFile,
    run: &Run,
) -> Result<Option<String>> {
    let mut e = ctx.event("guide");
    e.extra
        .insert("guide".into(), toml::Value::String(g.name.clone()));
    e.extra
        .insert("version".into(), toml::Value::String(file.version.clone()));
    let steps: Vec<toml::Value> = run
        .steps
        .iter()
        .map(|s| {
            let mut t = toml::Table::new();
            t.insert("node".into(), s.node.clone().into());
            t.insert("prompt".into(), s.prompt.clone().into());
            t.insert("answer".into(), s.answer.clone().into());
            t.insert("at".into(), crate::core::case::format_time(s.at).into());
            toml::Value::Table(t)
        })
        .collect();
    e.extra.insert("steps".into(), toml::Value::Array(steps));
    e.extra
        .insert("outcome".into(), toml::Value::String(run.summary.clone()));
    e.extra.insert(
        "outcome_node".into(),
        toml::Value::String(run.outcome.clone()),
    );
    case.timeline.push(e);
    case.updated_at = case.updated_at.max(ctx.now);
    let mut changes = Vec::new();
    for (k, v) in &run.values {
        // A field docket.toml defines is checked and typed; any other is kept as text.
        let value = if cb.config.fields.contains_key(k) {
            super::edit::field_value(cb, k, v)?
        } else {
            toml::Value::String(v.clone())
        };
        changes.push(Change::Field(k.clone(), Some(value)));
    }
    let mut handover = None;
    for a in &run.actions {
        match a {
            Action::Set(m) => {
                for (k, v) in m {
                    changes.push(Change::Field(
                        k.clone(),
                        Some(super::edit::field_value(cb, k, v)?),
                    ));
                }
            }
            Action::Priority(p) => changes.push(Change::Priority(cb.config.check_priority(p)?)),
            Action::Tag(t) => changes.push(Change::AddTag(t.clone())),
            _ => {}
        }
    }
    if !changes.is_empty() {
        lifecycle::set(case, ctx, changes)?;
    }
    for a in &run.actions {
        match a {
            Action::Set(_) | Action::Priority(_) | Action::Tag(_) => {}
            Action::Escalate { team, reason } => {
                let team = match team {
                    Some(t) => Some(cb.agents.check_team(t)?),
                    None => None,
                };
                lifecycle::escalate(
                    case,
                    ctx,
                    reason,
                    team.as_deref(),
                    cb.config.escalation.max_level,
                )?;
            }
            Action::Resolve(text) => {
                let details = TransitionDetails {
                    resolution: Some(text.clone()),
                    ..Default::default()
                };
                lifecycle::transition(case, ctx, Transition::Resolve, details)?;
            }
            Action::Assign(who) => {
                let (h, agent) = cb.agents.resolve(who)?;
                if case.assignee.as_deref() != Some(h) {
                    lifecycle::assign(case, ctx, Some((h, agent.team.as_deref())))?;
                }
            }
            Action::Note(text) => {
                let channel = cb.config.default_channel().to_string();
                lifecycle::comment(case, ctx, text, &channel, Visibility::Internal)?;
            }
            Action::Check {
                command,
                args,
                shell,
                timeout_secs,
            } => {
                let (status, output) = run_check(case, command, args, *shell, *timeout_secs);
                let mut e = ctx.event("check");
                e.extra.insert(
                    "command".into(),
                    toml::Value::String(format!("{command} {}", args.join(" ")).trim().to_string()),
                );
                e.extra.insert("status".into(), toml::Value::String(status));
                e.body = Some(output);
                case.timeline.push(e);
            }
            Action::Handover(next) => handover = Some(next.clone()),
        }
    }
    Ok(handover)
}

/// Runs a guide's check command: no shell unless asked, case fields as environment
/// variables (never interpolated into a command line), a timeout, output trimmed.
fn run_check(
    case: &Case,
    command: &str,
    args: &[String],
    shell: bool,
    timeout_secs: u64,
) -> (String, String) {
    let mut cmd = if shell {
        let mut c = std::process::Command::new("sh");
        c.arg("-c").arg(command).arg("docket-check").args(args);
        c
    } else {
        let mut c = std::process::Command::new(command);
        c.args(args);
        c
    };
    cmd.env("DOCKET_CASE_ID", &case.id)
        .env("DOCKET_CASE_TITLE", &case.title)
        .env("DOCKET_CASE_TYPE", &case.kind)
        .env("DOCKET_CASE_PRIORITY", &case.priority)
        .env("DOCKET_CASE_STATE", case.state.as_str())
        .env("DOCKET_CASE_ACCOUNT", case.account.as_deref().unwrap_or(""))
        .env("DOCKET_CASE_CONTACT", case.contact.as_deref().unwrap_or(""));
    for (k, v) in &case.fields {
        let key: String = k
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_uppercase()
                } else {
                    '_'
                }
            })
            .collect();
        cmd.env(
            format!("DOCKET_FIELD_{key}"),
            crate::core::case::value_text(v),
        );
    }
    cmd.stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => return ("failed to start".into(), e.to_string()),
    };
    use wait_timeout::ChildExt;
    let status = match child.wait_timeout(std::time::Duration::from_secs(timeout_secs)) {
        Ok(Some(s)) => s
            .code()
            .map_or("killed by a signal".into(), |c| format!("exit {c}")),
        Ok(None) => {
            let _ = child.kill();
            let _ = child.wait();
            format!("timed out after {timeout_secs}s")
        }
        Err(e) => format!("wait failed: {e}"),
    };
    let out = child.wait_with_output().map(|o| {
        let mut s = String::from_utf8_lossy(&o.stdout).into_owned();
        s.push_str(&String::from_utf8_lossy(&o.stderr));
        s
    });
    let text = out.unwrap_or_default();
    let trimmed = text.trim();
    let trimmed: String = if trimmed.chars().count() > 2000 {
        trimmed.chars().take(2000).collect::<String>() + "…"
    } else {
        trimmed.to_string()
    };
    (status, trimmed)
}
