//! Edits to one case, as values: what `assign`, `comment`, `escalate`, `set`, the
//! lifecycle commands, `autoclose`, guides and the demo do is an [`Op`], applied by
//! [`Op::apply`] with the casebook's rules. Also `KEY=VALUE` parsing for `set` and typed
//! custom-field values. Pure: the command layer loads and commits.

use super::agents::Agents;
use super::case::{Case, Visibility};
use super::config::{Config, FieldKind};
use super::error::ValueError;
use super::lifecycle::{self, Change, Ctx, LifecycleError, Transition, TransitionDetails};

/// Why an edit is refused; nothing is written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error("{0:?} is not KEY=VALUE (e.g. priority=P1, tags+=vip)")]
    NotKeyValue(String),
    #[error("{key}{op}= works only for tags (write {key}=VALUE)")]
    OnlyTags { key: String, op: char },
    #[error(
        "the state changes through the lifecycle commands (wait, resolve, close, reopen, cancel…), not `set`"
    )]
    State,
    #[error("use `docket assign ID AGENT` to change the assignee")]
    Assignee,
    #[error("{0} cannot be set")]
    ReadOnly(String),
    #[error("nothing to change: the case already has these values")]
    NothingToChange,
    #[error(transparent)]
    Value(#[from] ValueError),
    #[error(transparent)]
    Lifecycle(#[from] LifecycleError),
}

/// A validated custom field value, typed as TOML (numbers and booleans unquoted).
pub fn field_value(config: &Config, key: &str, value: &str) -> Result<toml::Value, ValueError> {
    let checked = config.check_field(key, value)?;
    let kind = config.fields.get(key).map(|d| d.kind).unwrap_or_default();
    Ok(match kind {
        FieldKind::Number => match checked.parse::<i64>() {
            Ok(i) => toml::Value::Integer(i),
            Err(_) => toml::Value::Float(checked.parse().expect("validated as a number")),
        },
        FieldKind::Bool => toml::Value::Boolean(checked == "true"),
        _ => toml::Value::String(checked),
    })
}

/// Turns one `KEY=VALUE` (or `tags+=TAG`, `tags-=TAG`) into a validated change.
pub fn parse_change(config: &Config, agents: &Agents, arg: &str) -> Result<Change, EditError> {
    let (key, op, value) = if let Some((k, v)) = arg.split_once("+=") {
        (k, '+', v)
    } else if let Some((k, v)) = arg.split_once("-=") {
        (k, '-', v)
    } else if let Some((k, v)) = arg.split_once('=') {
        (k, '=', v)
    } else {
        return Err(EditError::NotKeyValue(arg.to_string()));
    };
    let key = key.trim();
    let value = value.trim();
    let opt = || (!value.is_empty()).then(|| value.to_string());
    if op != '=' && key != "tags" {
        return Err(EditError::OnlyTags {
            key: key.to_string(),
            op,
        });
    }
    Ok(match key {
        "title" => Change::Title(value.to_string()),
        "type" => Change::Type(config.check_type(value)?),
        "priority" => Change::Priority(config.check_priority(value)?),
        "account" => Change::Account(opt()),
        "contact" => Change::Contact(opt()),
        "team" => Change::Team(match opt() {
            Some(t) => Some(agents.check_team(&t)?),
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
        "state" => return Err(EditError::State),
        "assignee" => return Err(EditError::Assignee),
        "id" | "created_at" | "updated_at" | "escalation_level" | "timeline" => {
            return Err(EditError::ReadOnly(key.to_string()));
        }
        field => {
            let field = field.strip_prefix("fields.").unwrap_or(field);
            match opt() {
                None => {
                    if !config.fields.contains_key(field) {
                        // Names the unknown field and the defined ones.
                        config.check_field(field, "")?;
                    }
                    Change::Field(field.to_string(), None)
                }
                Some(v) => Change::Field(field.to_string(), Some(field_value(config, field, &v)?)),
            }
        }
    })
}

/// [`parse_change`] for each argument, in order.
pub fn parse_changes(
    config: &Config,
    agents: &Agents,
    args: &[String],
) -> Result<Vec<Change>, EditError> {
    args.iter()
        .map(|a| parse_change(config, agents, a))
        .collect()
}

/// One edit to one case: one commit.
#[derive(Debug, Clone)]
pub enum Op {
    /// Assign to an agent (handle, and the agent's team), or unassign with `None`.
    Assign(Option<(String, Option<String>)>),
    Comment {
        text: String,
        channel: String,
        visibility: Visibility,
    },
    Escalate {
        reason: String,
        team: Option<String>,
    },
    Set(Vec<Change>),
    Transition(Transition, TransitionDetails),
}

impl Op {
    /// The commit's action word (`Docket-Action:`).
    pub fn action(&self) -> &'static str {
        match self {
            Op::Assign(_) => "assign",
            Op::Comment { .. } => "comment",
            Op::Escalate { .. } => "escalate",
            Op::Set(_) => "set",
            Op::Transition(t, _) => t.name(),
        }
    }

    /// Applies the edit to `case` as `ctx.actor` at `ctx.now`, under the casebook's rules
    /// (`config`: the escalation maximum). Returns the commit summary.
    pub fn apply(
        self,
        case: &mut Case,
        ctx: &mut Ctx,
        config: &Config,
    ) -> Result<String, EditError> {
        Ok(match self {
            Op::Assign(target) => {
                let who = target.as_ref().map(|(h, t)| (h.as_str(), t.as_deref()));
                lifecycle::assign(case, ctx, who)?;
                match &target {
                    Some((h, _)) => format!("assign to {h}"),
                    None => "unassign".into(),
                }
            }
            Op::Comment {
                text,
                channel,
                visibility,
            } => {
                lifecycle::comment(case, ctx, &text, &channel, visibility)?;
                let what = match visibility {
                    Visibility::Internal => "note",
                    Visibility::Public => "comment",
                };
                format!("{what} by {}", ctx.actor.name)
            }
            Op::Escalate { reason, team } => {
                let max = config.escalation.max_level;
                lifecycle::escalate(case, ctx, &reason, team.as_deref(), max)?;
                format!("level {}: {reason}", case.escalation_level)
            }
            Op::Set(changes) => {
                let before = case.timeline.len();
                if lifecycle::set(case, ctx, changes)? == 0 {
                    return Err(EditError::NothingToChange);
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
                parts.join(", ")
            }
            Op::Transition(t, details) => {
                let from = case.state;
                let note = details
                    .resolution
                    .clone()
                    .or_else(|| details.reason.clone())
                    .or_else(|| details.csat.map(|c| format!("csat {c}")));
                lifecycle::transition(case, ctx, t, details)?;
                match note {
                    Some(n) => format!("{from} → {}: {n}", case.state),
                    None => format!("{from} → {}", case.state),
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::case::{Actor, State};
    use crate::core::lifecycle::NewCase;

    fn config() -> Config {
        Config::parse(
            "[fields.order]\ntype = \"number\"\n[fields.vip]\ntype = \"bool\"\n[escalation]\nmax_level = 1",
        )
        .unwrap()
    }

    fn agents() -> Agents {
        Agents::parse("[teams.support]\nname = \"Support\"\n[agents.alice]\nname = \"Alice\"\nteam = \"support\"")
            .unwrap()
    }

    fn case() -> (Case, Ctx) {
        let now = chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        let mut ctx = Ctx::new(Actor::agent("alice"), now, 7);
        let new = NewCase {
            id: "DK-AAAAAAAA".into(),
            title: "Card declined".into(),
            kind: "incident".into(),
            priority: "P3".into(),
            account: None,
            contact: None,
            tags: vec![],
            fields: Default::default(),
            body: None,
            channel: "email".into(),
        };
        (lifecycle::create(new, &mut ctx).unwrap(), ctx)
    }

    #[test]
    fn key_value_arguments_become_typed_changes() {
        let (c, a) = (config(), agents());
        assert_eq!(
            parse_change(&c, &a, "priority=p1").unwrap(),
            Change::Priority("P1".into())
        );
        assert_eq!(
            parse_change(&c, &a, "tags+=vip").unwrap(),
            Change::AddTag("vip".into())
        );
        assert_eq!(
            parse_change(&c, &a, "order=42").unwrap(),
            Change::Field("order".into(), Some(toml::Value::Integer(42)))
        );
        assert_eq!(
            parse_change(&c, &a, "fields.vip=yes").unwrap(),
            Change::Field("vip".into(), Some(toml::Value::Boolean(true)))
        );
        assert_eq!(
            parse_change(&c, &a, "account=").unwrap(),
            Change::Account(None)
        );
        assert_eq!(
            parse_change(&c, &a, "team=SUPPORT").unwrap(),
            Change::Team(Some("support".into()))
        );
    }

    #[test]
    fn refused_keys_say_what_to_use_instead() {
        let (c, a) = (config(), agents());
        assert_eq!(parse_change(&c, &a, "state=closed"), Err(EditError::State));
        assert_eq!(
            parse_change(&c, &a, "assignee=bob"),
            Err(EditError::Assignee)
        );
        assert_eq!(
            parse_change(&c, &a, "id=DK-1"),
            Err(EditError::ReadOnly("id".into()))
        );
        assert!(matches!(
            parse_change(&c, &a, "priority+=P1"),
            Err(EditError::OnlyTags { .. })
        ));
        assert!(matches!(
            parse_change(&c, &a, "nonsense"),
            Err(EditError::NotKeyValue(_))
        ));
        assert!(matches!(
            parse_change(&c, &a, "colour=red"),
            Err(EditError::Value(ValueError::UnknownField { .. }))
        ));
        assert!(matches!(
            parse_change(&c, &a, "order=many"),
            Err(EditError::Value(ValueError::Mismatch { .. }))
        ));
    }

    #[test]
    fn ops_name_their_commit_and_summarise_the_change() {
        let config = config();
        let (mut case, mut ctx) = case();
        let op = Op::Assign(Some(("alice".into(), Some("support".into()))));
        assert_eq!(op.action(), "assign");
        assert_eq!(
            op.apply(&mut case, &mut ctx, &config).unwrap(),
            "assign to alice"
        );
        assert_eq!(case.team.as_deref(), Some("support"));
        let op = Op::Set(vec![Change::Priority("P1".into())]);
        assert_eq!(
            op.apply(&mut case, &mut ctx, &config).unwrap(),
            "priority=P1"
        );
        let again = Op::Set(vec![Change::Priority("P1".into())]);
        assert_eq!(
            again.apply(&mut case, &mut ctx, &config),
            Err(EditError::NothingToChange)
        );
        let resolve = Op::Transition(
            Transition::Resolve,
            TransitionDetails {
                resolution: Some("limit raised".into()),
                ..Default::default()
            },
        );
        assert_eq!(resolve.action(), "resolve");
        assert_eq!(
            resolve.apply(&mut case, &mut ctx, &config).unwrap(),
            "open → resolved: limit raised"
        );
        assert_eq!(case.state, State::Resolved);
    }

    #[test]
    fn escalation_stops_at_the_configured_maximum() {
        let config = config();
        let (mut case, mut ctx) = case();
        let up = || Op::Escalate {
            reason: "needs engineering".into(),
            team: None,
        };
        assert_eq!(
            up().apply(&mut case, &mut ctx, &config).unwrap(),
            "level 1: needs engineering"
        );
        assert!(matches!(
            up().apply(&mut case, &mut ctx, &config),
            Err(EditError::Lifecycle(LifecycleError::MaxEscalation {
                max: 1,
                ..
            }))
        ));
    }
}
