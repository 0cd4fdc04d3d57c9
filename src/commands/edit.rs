//! The commands that change one case: assign, comment, escalate, set and the lifecycle
//! transitions. Each is one commit through [`edit_case`].

use std::io::{IsTerminal, Read};

use crate::cli::{
    AssignArgs, CommentArgs, CsatArgs, EscalateArgs, OptReasonArgs, ReasonArgs, ResolveArgs,
    SetArgs,
};
use crate::core::case::{Actor, Case, Visibility};
use crate::core::config::FieldKind;
use crate::core::lifecycle::{self, Change, Ctx, Transition, TransitionDetails};
use crate::error::{CmdError, Result};
use crate::store::cases::CaseFile;
use crate::store::git::{FileWrite, WriteSession, message};
use crate::store::{Casebook, casefile};

use super::{Env, random_u64};

/// Who a `--from` value names: `customer` is the case's contact; anything else is a
/// customer's name. Without `--from`, the acting agent.
pub fn actor_for(env: &Env, cb: &Casebook, case: &Case, from: Option<&str>) -> Result<Actor> {
    match from.map(str::trim) {
        None => env.agent(cb),
        Some("") => Err(CmdError::user("--from needs a name, or `customer`")),
        Some(w) if w.eq_ignore_ascii_case("customer") => Ok(Actor::customer(
            case.contact.clone().unwrap_or_else(|| "customer".into()),
        )),
        Some(name) => Ok(Actor::customer(name)),
    }
}

/// Loads a case under the write lock, lets `change` act on it, and commits the result as
/// one commit `<action> <ID>: <summary>`. Nothing is written if `change` fails.
pub fn edit_case(
    env: &mut Env,
    cb: &Casebook,
    query: &str,
    action: &str,
    from: Option<&str>,
    change: impl FnOnce(&mut Case, &mut Ctx) -> Result<String>,
) -> Result<Case> {
    let session = cb.begin_write()?;
    let file = cb.load_case(query)?;
    let actor = actor_for(env, cb, &file.case, from)?;
    if file.text != cb_head_text(cb, &file.path) {
        env.status(format!(
            "note: {} had uncommitted edits; they are part of this commit.",
            file.path
        ));
    }
    write_change(
        &session,
        file,
        action,
        Ctx::new(actor, env.now, random_u64()),
        change,
    )
}

/// Applies `change` to a case read under `session`'s lock and commits it.
pub fn write_change(
    session: &WriteSession<'_>,
    file: CaseFile,
    action: &str,
    mut ctx: Ctx,
    change: impl FnOnce(&mut Case, &mut Ctx) -> Result<String>,
) -> Result<Case> {
    let mut case = file.case.clone();
    let summary = change(&mut case, &mut ctx).map_err(|e| e.context(&case.id))?;
    let text = casefile::render_update(&file.text, &file.case, &case)
        .map_err(|e| CmdError::user(format!("{}: {e}", file.path)))?;
    let reread = casefile::parse(&text).map_err(|e| {
        CmdError::user(format!(
            "{}: docket produced a file it cannot read back ({e}); nothing was written",
            file.path
        ))
    })?;
    debug_assert_eq!(reread, case);
    session.commit(
        &[FileWrite {
            path: file.path.clone(),
            content: text.into_bytes(),
        }],
        &message(action, Some(&case.id), &summary),
        ctx.now,
    )?;
    Ok(case)
}

/// The file's text at HEAD (empty when absent), to notice uncommitted hand edits.
fn cb_head_text(cb: &Casebook, path: &str) -> String {
    let full = format!("{}{}", cb.prefix, path);
    cb.repo
        .head()
        .ok()
        .and_then(|h| h.peel_to_tree().ok())
        .and_then(|t| t.get_path(std::path::Path::new(&full)).ok())
        .and_then(|e| cb.repo.find_blob(e.id()).ok())
        .map(|b| String::from_utf8_lossy(b.content()).into_owned())
        .unwrap_or_default()
}

pub fn assign(env: &mut Env, args: AssignArgs) -> Result<()> {
    let cb = env.casebook()?;
    let target = match &args.agent {
        None => None,
        Some(a) if a.eq_ignore_ascii_case("me") => {
            let me = env.agent(&cb)?;
            let team = cb
                .agents
                .resolve(&me.name)
                .ok()
                .and_then(|(_, a)| a.team.clone());
            Some((me.name, team))
        }
        Some(a) => {
            let (handle, agent) = cb.agents.resolve(a)?;
            Some((handle.to_string(), agent.team.clone()))
        }
    };
    let case = edit_case(env, &cb, &args.id, "assign", None, |case, ctx| {
        let who = target.as_ref().map(|(h, t)| (h.as_str(), t.as_deref()));
        lifecycle::assign(case, ctx, who)?;
        Ok(match &target {
            Some((h, _)) => format!("assign to {h}"),
            None => "unassign".into(),
        })
    })?;
    let msg = match &case.assignee {
        Some(h) => format!("Assigned {} to {h}.", case.id),
        None => format!("Unassigned {}", case.id),
    };
    env.report_case(&case, msg)
}

fn comment_text(args: &CommentArgs) -> Result<String> {
    if let Some(m) = &args.message {
        return Ok(m.clone());
    }
    if let Some(path) = &args.file {
        return std::fs::read_to_string(path)
            .map_err(|e| CmdError::user(format!("{}: {e}", path.display())));
    }
    match args.stdin.as_deref() {
        Some("-") => {
            let mut text = String::new();
            std::io::stdin().read_to_string(&mut text)?;
            Ok(text)
        }
        Some(text) => Ok(text.to_string()),
        None if std::io::stdin().is_terminal() && std::io::stderr().is_terminal() => {
            let text = dialoguer::Editor::new()
                .edit("")
                .map_err(|e| CmdError::user(format!("editor: {e}")))?;
            text.ok_or_else(|| {
                CmdError::user("the editor was closed without saving; nothing was recorded")
            })
        }
        None => Err(CmdError::user(
            "no comment text: pass TEXT (or -m TEXT), --file F, or - to read stdin",
        )),
    }
}

pub fn comment(env: &mut Env, args: CommentArgs) -> Result<()> {
    let cb = env.casebook()?;
    let channel = match &args.channel {
        Some(c) => cb.config.check_channel(c)?,
        None => cb.config.default_channel().to_string(),
    };
    let text = comment_text(&args)?;
    let visibility = if args.internal {
        Visibility::Internal
    } else {
        Visibility::Public
    };
    let case = edit_case(
        env,
        &cb,
        &args.id,
        "comment",
        args.from.as_deref(),
        |case, ctx| {
            lifecycle::comment(case, ctx, &text, &channel, visibility)?;
            let who = if args.internal { "note" } else { "comment" };
            Ok(format!("{who} by {}", ctx.actor.name))
        },
    )?;
    env.report_case(&case, format!("Commented on {}", case.id))
}

pub fn escalate(env: &mut Env, args: EscalateArgs) -> Result<()> {
    let cb = env.casebook()?;
    let team = match &args.team {
        Some(t) => Some(cb.agents.check_team(t)?),
        None => None,
    };
    let max = cb.config.escalation.max_level;
    let case = edit_case(env, &cb, &args.id, "escalate", None, |case, ctx| {
        lifecycle::escalate(case, ctx, &args.reason, team.as_deref(), max)?;
        Ok(format!("level {}: {}", case.escalation_level, args.reason))
    })?;
    env.report_case(
        &case,
        format!("Escalated {} to level {}.", case.id, case.escalation_level),
    )
}

/// Turns `KEY=VALUE` arguments into validated changes.
fn parse_changes(cb: &Casebook, args: &[String]) -> Result<Vec<Change>> {
    let mut out = Vec::new();
    for arg in args {
        let (key, op, value) = if let Some((k, v)) = arg.split_once("+=") {
            (k, '+', v)
        } else if let Some((k, v)) = arg.split_once("-=") {
            (k, '-', v)
        } else if let Some((k, v)) = arg.split_once('=') {
            (k, '=', v)
        } else {
            return Err(CmdError::user(format!(
                "{arg:?} is not KEY=VALUE (e.g. priority=P1, tags+=vip)"
            )));
        };
        let key = key.trim();
        let value = value.trim();
        let opt = || (!value.is_empty()).then(|| value.to_string());
        if op != '=' && key != "tags" {
            return Err(CmdError::user(format!(
                "{key}{op}= works only for tags (write {key}=VALUE)"
            )));
        }
        let change = match key {
            "title" => Change::Title(value.to_string()),
            "type" => Change::Type(cb.config.check_type(value)?),
            "priority" => Change::Priority(cb.config.check_priority(value)?),
            "account" => Change::Account(opt()),
            "contact" => Change::Contact(opt()),
            "team" => Change::Team(match opt() {
                Some(t) => Some(cb.agents.check_team(&t)?),
                None => None,
            }),
            "tags" | "tag" => match op {
                '+' => Change::AddTag(value.to_string()),
                '-' => Change::RemoveTag(value.to_string()),
                _ => Change::Tags(
                    value
                        .split(',')
                        .map(|t| t.trim().to_string())
                        .filter(|t| !t.is_empty())
                        .collect(),
                ),
            },
            "state" => {
                return Err(CmdError::user(
                    "the state changes through the lifecycle commands (wait, resolve, close, reopen, cancel…), not `set`",
                ));
            }
            "assignee" => {
                return Err(CmdError::user(
                    "use `docket assign ID AGENT` to change the assignee",
                ));
            }
            "id" | "created_at" | "updated_at" | "escalation_level" | "timeline" => {
                return Err(CmdError::user(format!("{key} cannot be set")));
            }
            field => {
                let field = field.strip_prefix("fields.").unwrap_or(field);
                match opt() {
                    None => {
                        if !cb.config.fields.contains_key(field) {
                            // Names the unknown field and the defined ones.
                            cb.config.check_field(field, "")?;
                        }
                        Change::Field(field.to_string(), None)
                    }
                    Some(v) => Change::Field(field.to_string(), Some(field_value(cb, field, &v)?)),
                }
            }
        };
        out.push(change);
    }
    Ok(out)
}

/// A validated custom field value, typed as TOML (numbers and booleans unquoted).
pub fn field_value(cb: &Casebook, key: &str, value: &str) -> Result<toml::Value> {
    let checked = cb.config.check_field(key, value)?;
    let kind = cb
        .config
        .fields
        .get(key)
        .map(|d| d.kind)
        .unwrap_or_default();
    Ok(match kind {
        FieldKind::Number => match checked.parse::<i64>() {
            Ok(i) => toml::Value::Integer(i),
            Err(_) => toml::Value::Float(checked.parse().expect("validated as a number")),
        },
        FieldKind::Bool => toml::Value::Boolean(checked == "true"),
        _ => toml::Value::String(checked),
    })
}

pub fn set(env: &mut Env, args: SetArgs) -> Result<()> {
    let cb = env.casebook()?;
    let changes = parse_changes(&cb, &args.changes)?;
    let case = edit_case(env, &cb, &args.id, "set", None, |case, ctx| {
        let before = case.timeline.len();
        let n = lifecycle::set(case, ctx, changes)?;
        if n == 0 {
            return Err("nothing to change: the case already has these values".into());
        }
        let parts: Vec<String> = case.timeline[before..]
            .iter()
            .filter(|e| e.kind == "set")
            .map(|e| {
                format!(
                    "{}={}",
                    e.field.as_deref().unwrap_or(""),
                    e.to.as_deref().unwrap_or("")
                )
            })
            .collect();
        Ok(parts.join(", "))
    })?;
    env.report_case(&case, format!("Updated {}", case.id))
}

fn run_transition(
    env: &mut Env,
    query: &str,
    t: Transition,
    details: TransitionDetails,
) -> Result<()> {
    let cb = env.casebook()?;
    let summary = details
        .resolution
        .clone()
        .or_else(|| details.reason.clone())
        .or_else(|| details.csat.map(|c| format!("csat {c}")));
    let case = edit_case(env, &cb, query, t.name(), None, |case, ctx| {
        let from = case.state;
        lifecycle::transition(case, ctx, t, details)?;
        Ok(match summary {
            Some(s) => format!("{from} → {}: {s}", case.state),
            None => format!("{from} → {}", case.state),
        })
    })?;
    let label = cb.config.state_label(case.state.as_str()).to_string();
    env.report_case(&case, format!("{} is now {label}.", case.id))
}

pub fn wait(env: &mut Env, args: ReasonArgs) -> Result<()> {
    let details = TransitionDetails {
        reason: Some(args.reason),
        ..Default::default()
    };
    run_transition(env, &args.id, Transition::Wait, details)
}

pub fn resolve(env: &mut Env, args: ResolveArgs) -> Result<()> {
    if args.resolution.trim().is_empty() {
        return Err(CmdError::user("--resolution cannot be empty"));
    }
    let details = TransitionDetails {
        resolution: Some(args.resolution),
        ..Default::default()
    };
    run_transition(env, &args.id, Transition::Resolve, details)
}

pub fn accept(env: &mut Env, args: CsatArgs) -> Result<()> {
    let details = TransitionDetails {
        reason: Some("customer accepted the solution".into()),
        csat: args.csat,
        ..Default::default()
    };
    run_transition(env, &args.id, Transition::Accept, details)
}

pub fn close(env: &mut Env, args: CsatArgs) -> Result<()> {
    let details = TransitionDetails {
        csat: args.csat,
        ..Default::default()
    };
    run_transition(env, &args.id, Transition::Close, details)
}

pub fn reject(env: &mut Env, args: ReasonArgs) -> Result<()> {
    let details = TransitionDetails {
        reason: Some(args.reason),
        ..Default::default()
    };
    run_transition(env, &args.id, Transition::Reject, details)
}

pub fn reopen(env: &mut Env, args: OptReasonArgs) -> Result<()> {
    let details = TransitionDetails {
        reason: args.reason,
        ..Default::default()
    };
    run_transition(env, &args.id, Transition::Reopen, details)
}

pub fn cancel(env: &mut Env, args: OptReasonArgs) -> Result<()> {
    let details = TransitionDetails {
        reason: args.reason,
        ..Default::default()
    };
    run_transition(env, &args.id, Transition::Cancel, details)
}
