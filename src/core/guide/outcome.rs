//! Applying a guide's outcome to a case: record the run (steps, outcome, the guide's
//! version), store the input values, then carry out the outcome's actions in order.
//! Check commands are run by the caller (`run_check`), which is the only I/O here.

use crate::core::agents::Agents;
use crate::core::case::{Case, Visibility, format_time};
use crate::core::config::Config;
use crate::core::edit::{EditError, field_value};
use crate::core::lifecycle::{self, Change, Ctx, Transition, TransitionDetails};

use super::{Action, Guide, Run};

/// What a check command reported: `exit 0`, `timed out after 10s`, …, and its output.
pub struct CheckOutput {
    pub status: String,
    pub output: String,
}

/// Everything an outcome is applied with.
pub struct Outcome<'a> {
    pub guide: &'a Guide,
    /// The guide file's version (its blob id), recorded with the run.
    pub version: &'a str,
    pub run: &'a Run,
    pub config: &'a Config,
    pub agents: &'a Agents,
}

/// Records the run on `case` and applies its actions. Returns the guide the outcome
/// hands over to, if any. `run_check` runs a check action's command for the case as it
/// stands at that step.
pub fn apply_outcome(
    case: &mut Case,
    ctx: &mut Ctx,
    o: &Outcome<'_>,
    run_check: &mut dyn FnMut(&Case, &Action) -> CheckOutput,
) -> Result<Option<String>, EditError> {
    let Outcome {
        guide,
        version,
        run,
        config,
        agents,
    } = *o;
    let mut e = ctx.event("guide");
    let text = |s: &str| toml::Value::String(s.to_string());
    e.extra.insert("guide".into(), text(&guide.name));
    e.extra.insert("version".into(), text(version));
    let steps: Vec<toml::Value> = run
        .steps
        .iter()
        .map(|s| {
            let mut t = toml::Table::new();
            t.insert("node".into(), s.node.clone().into());
            t.insert("prompt".into(), s.prompt.clone().into());
            t.insert("answer".into(), s.answer.clone().into());
            t.insert("at".into(), format_time(s.at).into());
            toml::Value::Table(t)
        })
        .collect();
    e.extra.insert("steps".into(), toml::Value::Array(steps));
    e.extra.insert("outcome".into(), text(&run.summary));
    e.extra.insert("outcome_node".into(), text(&run.outcome));
    case.timeline.push(e);
    case.updated_at = case.updated_at.max(ctx.now);

    let mut changes = Vec::new();
    for (k, v) in &run.values {
        // A field docket.toml defines is checked and typed; any other is kept as text.
        let value = if config.fields.contains_key(k) {
            field_value(config, k, v)?
        } else {
            toml::Value::String(v.clone())
        };
        changes.push(Change::Field(k.clone(), Some(value)));
    }
    for a in &run.actions {
        match a {
            Action::Set(m) => {
                for (k, v) in m {
                    changes.push(Change::Field(k.clone(), Some(field_value(config, k, v)?)));
                }
            }
            Action::Priority(p) => changes.push(Change::Priority(config.check_priority(p)?)),
            Action::Tag(t) => changes.push(Change::AddTag(t.clone())),
            _ => {}
        }
    }
    if !changes.is_empty() {
        lifecycle::set(case, ctx, changes)?;
    }
    let mut handover = None;
    for a in &run.actions {
        match a {
            Action::Set(_) | Action::Priority(_) | Action::Tag(_) => {}
            Action::Escalate { team, reason } => {
                let team = match team {
                    Some(t) => Some(agents.check_team(t)?),
                    None => None,
                };
                let max = config.escalation.max_level;
                lifecycle::escalate(case, ctx, reason, team.as_deref(), max)?;
            }
            Action::Resolve(text) => {
                let details = TransitionDetails {
                    resolution: Some(text.clone()),
                    ..Default::default()
                };
                lifecycle::transition(case, ctx, Transition::Resolve, details)?;
            }
            Action::Assign(who) => {
                let (h, agent) = agents.resolve(who)?;
                if case.assignee.as_deref() != Some(h) {
                    lifecycle::assign(case, ctx, Some((h, agent.team.as_deref())))?;
                }
            }
            Action::Note(text) => {
                let channel = config.default_channel().to_string();
                lifecycle::comment(case, ctx, text, &channel, Visibility::Internal)?;
            }
            Action::Check { command, args, .. } => {
                let result = run_check(case, a);
                let mut e = ctx.event("check");
                let line = format!("{command} {}", args.join(" ")).trim().to_string();
                e.extra.insert("command".into(), toml::Value::String(line));
                e.extra
                    .insert("status".into(), toml::Value::String(result.status));
                e.body = Some(result.output);
                case.timeline.push(e);
            }
            Action::Handover(next) => handover = Some(next.clone()),
        }
    }
    Ok(handover)
}
