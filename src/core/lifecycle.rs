//! What each action does to a case: the state machine and the events it appends.
//!
//! new → open (on assignment or the first agent action) → awaiting-info (`wait`; back to
//! open on the customer's reply, the next customer-visible agent comment, or `reopen`) →
//! resolved (`resolve`) → closed (`accept`, `close`, `autoclose`). `reject` sends a
//! resolved case back to open; `reopen` revives a waiting, resolved, closed or cancelled
//! case; `cancel` ends any case that is not closed. Every function takes the actor and
//! "now" through [`Ctx`] and appends events; none reads a clock or a file.

use chrono::{DateTime, SubsecRound, Utc};

use super::case::{Actor, ActorKind, Case, Event, State, Text, Visibility};
use super::id;

/// Why an action cannot be applied to a case.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LifecycleError {
    #[error(
        "cannot {action} a case that is {from} ({action} needs {}); from {from} you can {}",
        join_states(.needs),
        if .allowed.is_empty() { "only comment".to_string() } else { .allowed.join(", ") }
    )]
    Illegal {
        action: &'static str,
        from: State,
        needs: Vec<State>,
        /// The lifecycle commands allowed from `from`.
        allowed: Vec<&'static str>,
    },
    #[error("cannot {action} a case that is {state}; reopen it first (docket reopen {id})")]
    Ended {
        action: &'static str,
        state: State,
        id: String,
    },
    #[error("{id} is already assigned to {agent}")]
    AlreadyAssigned { id: String, agent: String },
    #[error("{id} is not assigned")]
    NotAssigned { id: String },
    #[error("csat must be 1 to 5, not {0}")]
    Csat(u8),
    #[error("the comment is empty; nothing was recorded")]
    EmptyComment,
    #[error("a customer's message cannot be an internal note (drop --internal)")]
    CustomerNote,
    #[error("an escalation needs a reason (--reason TEXT)")]
    NoReason,
    #[error(
        "{id} is already at the highest escalation level ({max}, escalation.max_level in docket.toml)"
    )]
    MaxEscalation { id: String, max: u32 },
    #[error("the title cannot be empty")]
    EmptyTitle,
    #[error("a case needs a title (--title TEXT)")]
    NoTitle,
}

fn join_states(states: &[State]) -> String {
    states
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(" or ")
}

/// Who acts, when, and the seed for this action's event IDs.
pub struct Ctx {
    pub actor: Actor,
    pub now: DateTime<Utc>,
    seed: u64,
    counter: u64,
}

impl Ctx {
    /// `now` is kept to whole seconds, the precision of the files.
    pub fn new(actor: Actor, now: DateTime<Utc>, seed: u64) -> Ctx {
        Ctx {
            actor,
            now: now.trunc_subsecs(0),
            seed,
            counter: 0,
        }
    }

    /// A fresh event ID: 8 base32 characters from the seed and a counter (splitmix64), so
    /// events from different clones do not collide and merges keep both.
    pub fn event_id(&mut self) -> String {
        self.counter += 1;
        let mut z = self
            .seed
            .wrapping_add(self.counter.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        id::encode(z ^ (z >> 31), 8)
    }

    pub fn event(&mut self, kind: &str) -> Event {
        let id = self.event_id();
        Event::new(id, self.now, &self.actor, kind)
    }
}

/// The lifecycle commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    Wait,
    Resolve,
    Accept,
    Close,
    AutoClose,
    Reject,
    Reopen,
    Cancel,
}

impl Transition {
    pub const ALL: [Transition; 8] = [
        Transition::Wait,
        Transition::Resolve,
        Transition::Accept,
        Transition::Close,
        Transition::AutoClose,
        Transition::Reject,
        Transition::Reopen,
        Transition::Cancel,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Transition::Wait => "wait",
            Transition::Resolve => "resolve",
            Transition::Accept => "accept",
            Transition::Close => "close",
            Transition::AutoClose => "autoclose",
            Transition::Reject => "reject",
            Transition::Reopen => "reopen",
            Transition::Cancel => "cancel",
        }
    }

    /// The states this transition may start from, and where it leads.
    pub fn rule(self) -> (&'static [State], State) {
        use State::*;
        match self {
            Transition::Wait => (&[New, Open], AwaitingInfo),
            Transition::Resolve => (&[New, Open, AwaitingInfo], Resolved),
            Transition::Accept | Transition::Close | Transition::AutoClose => (&[Resolved], Closed),
            Transition::Reject => (&[Resolved], Open),
            Transition::Reopen => (&[AwaitingInfo, Resolved, Closed, Cancelled], Open),
            Transition::Cancel => (&[New, Open, AwaitingInfo, Resolved], Cancelled),
        }
    }

    /// The target state, or an error that names what is allowed from `from`.
    pub fn target(self, from: State) -> Result<State, LifecycleError> {
        let (sources, to) = self.rule();
        if sources.contains(&from) {
            return Ok(to);
        }
        Err(LifecycleError::Illegal {
            action: self.name(),
            from,
            needs: sources.to_vec(),
            allowed: Transition::ALL
                .into_iter()
                .filter(|t| *t != Transition::AutoClose && t.rule().0.contains(&from))
                .map(Transition::name)
                .collect(),
        })
    }
}

/// Details a transition records.
#[derive(Debug, Default, Clone)]
pub struct TransitionDetails {
    pub reason: Option<String>,
    pub resolution: Option<String>,
    pub csat: Option<u8>,
}

fn touch(case: &mut Case, ctx: &Ctx) {
    case.updated_at = ctx.now.max(case.updated_at);
}

fn push_state(case: &mut Case, ctx: &mut Ctx, to: State, details: TransitionDetails) {
    let mut e = ctx.event("state");
    e.from = Some(case.state.as_str().into());
    e.to = Some(to.as_str().into());
    e.reason = details.reason.map(Into::into);
    e.resolution = details.resolution.clone().map(Into::into);
    e.csat = details.csat;
    case.timeline.push(e);
    case.state = to;
}

/// The first agent action on a new case opens it.
fn open_if_new(case: &mut Case, ctx: &mut Ctx) {
    if case.state == State::New && ctx.actor.kind == ActorKind::Agent {
        push_state(case, ctx, State::Open, TransitionDetails::default());
    }
}

fn refuse_if_ended(case: &Case, action: &'static str) -> Result<(), LifecycleError> {
    if case.state.is_open() {
        Ok(())
    } else {
        Err(LifecycleError::Ended {
            action,
            state: case.state,
            id: case.id.to_string(),
        })
    }
}

/// Applies a lifecycle transition.
pub fn transition(
    case: &mut Case,
    ctx: &mut Ctx,
    t: Transition,
    details: TransitionDetails,
) -> Result<(), LifecycleError> {
    let to = t.target(case.state)?;
    if let Some(csat) = details.csat
        && !(1..=5).contains(&csat)
    {
        return Err(LifecycleError::Csat(csat));
    }
    match t {
        Transition::Resolve => case.resolution = details.resolution.clone().map(Into::into),
        Transition::Reject | Transition::Reopen => {
            case.resolution = None;
            case.csat = None;
        }
        Transition::Close | Transition::Accept | Transition::AutoClose => {
            if details.csat.is_some() {
                case.csat = details.csat;
            }
        }
        Transition::Wait | Transition::Cancel => {}
    }
    push_state(case, ctx, to, details);
    touch(case, ctx);
    Ok(())
}

/// Assigns the case to `agent` (with the agent's team), or unassigns it with `None`.
pub fn assign(
    case: &mut Case,
    ctx: &mut Ctx,
    agent: Option<(&str, Option<&str>)>,
) -> Result<(), LifecycleError> {
    refuse_if_ended(case, "assign")?;
    let to: Option<Text> = agent.map(|(h, _)| h.into());
    if to == case.assignee {
        return Err(match to {
            Some(agent) => LifecycleError::AlreadyAssigned {
                id: case.id.to_string(),
                agent: agent.to_string(),
            },
            None => LifecycleError::NotAssigned {
                id: case.id.to_string(),
            },
        });
    }
    open_if_new(case, ctx);
    let mut e = ctx.event("assigned");
    e.from = case.assignee.clone();
    e.to = to.clone();
    if let Some((_, Some(team))) = agent {
        e.team = Some(team.into());
        case.team = Some(team.into());
    }
    case.timeline.push(e);
    case.assignee = to;
    touch(case, ctx);
    Ok(())
}

/// Records a comment. A customer's message or a customer-visible agent comment brings a
/// waiting case back to open; any agent comment opens a new case.
pub fn comment(
    case: &mut Case,
    ctx: &mut Ctx,
    body: &str,
    channel: &str,
    visibility: Visibility,
) -> Result<(), LifecycleError> {
    if body.trim().is_empty() {
        return Err(LifecycleError::EmptyComment);
    }
    if ctx.actor.kind == ActorKind::Customer && visibility == Visibility::Internal {
        return Err(LifecycleError::CustomerNote);
    }
    open_if_new(case, ctx);
    let mut e = ctx.event("comment");
    e.channel = Some(channel.into());
    e.visibility = Some(visibility);
    e.body = Some(body.to_string());
    case.timeline.push(e);
    let answers = ctx.actor.kind == ActorKind::Customer || visibility == Visibility::Public;
    // A customer who writes on a resolved or closed case is not done: the case opens
    // again (recorded, like `reject`), so it shows in every open list.
    if ctx.actor.kind == ActorKind::Customer
        && matches!(case.state, State::Resolved | State::Closed)
    {
        let was = case.state;
        push_state(
            case,
            ctx,
            State::Open,
            TransitionDetails {
                reason: Some(format!("the customer wrote on a {was} case")),
                ..Default::default()
            },
        );
    } else if case.state == State::AwaitingInfo && answers {
        push_state(
            case,
            ctx,
            State::Open,
            TransitionDetails {
                reason: Some(format!("{} replied", ctx.actor.kind.as_str())),
                ..Default::default()
            },
        );
    }
    touch(case, ctx);
    Ok(())
}

/// Raises the escalation level (optionally handing the case to another team).
pub fn escalate(
    case: &mut Case,
    ctx: &mut Ctx,
    reason: &str,
    team: Option<&str>,
    max_level: u32,
) -> Result<(), LifecycleError> {
    refuse_if_ended(case, "escalate")?;
    if reason.trim().is_empty() {
        return Err(LifecycleError::NoReason);
    }
    if case.escalation_level >= max_level {
        return Err(LifecycleError::MaxEscalation {
            id: case.id.to_string(),
            max: max_level,
        });
    }
    open_if_new(case, ctx);
    let mut e = ctx.event("escalated");
    e.from = Some(case.escalation_level.to_string().into());
    case.escalation_level += 1;
    e.level = Some(case.escalation_level);
    e.reason = Some(reason.into());
    if let Some(team) = team {
        if let Some(old) = case.team.as_deref().filter(|o| *o != team) {
            e.extra
                .insert("from_team".into(), toml::Value::String(old.to_string()));
        }
        e.team = Some(team.into());
        case.team = Some(team.into());
    }
    case.timeline.push(e);
    touch(case, ctx);
    Ok(())
}

/// Sends a case back down to `team` (the team it was escalated from), one level lower.
pub fn deescalate(
    case: &mut Case,
    ctx: &mut Ctx,
    reason: &str,
    team: &str,
) -> Result<(), LifecycleError> {
    refuse_if_ended(case, "deescalate")?;
    if reason.trim().is_empty() {
        return Err(LifecycleError::NoReason);
    }
    let mut e = ctx.event("deescalated");
    e.from = Some(case.escalation_level.to_string().into());
    case.escalation_level = case.escalation_level.saturating_sub(1);
    e.level = Some(case.escalation_level);
    e.reason = Some(reason.into());
    if let Some(old) = &case.team {
        e.extra
            .insert("from_team".into(), toml::Value::String(old.to_string()));
    }
    e.team = Some(team.into());
    case.team = Some(team.into());
    case.timeline.push(e);
    touch(case, ctx);
    Ok(())
}

/// One field change requested by `docket set`, already validated against docket.toml.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    Title(String),
    Type(String),
    Priority(String),
    Account(Option<String>),
    Contact(Option<String>),
    Team(Option<String>),
    Tags(Vec<String>),
    AddTag(String),
    RemoveTag(String),
    Field(String, Option<toml::Value>),
}

/// Applies field changes, one `set` event per field that really changed. Returns how
/// many fields changed.
pub fn set(case: &mut Case, ctx: &mut Ctx, changes: Vec<Change>) -> Result<usize, LifecycleError> {
    let mut changed = 0;
    for change in changes {
        let (field, from, to) = match change {
            Change::Title(t) => {
                if t.trim().is_empty() {
                    return Err(LifecycleError::EmptyTitle);
                }
                let old = std::mem::replace(&mut case.title, t.clone().into());
                ("title".to_string(), Some(old), Some(t.into()))
            }
            Change::Type(t) => {
                let old = std::mem::replace(&mut case.kind, t.clone().into());
                ("type".into(), Some(old), Some(t.into()))
            }
            Change::Priority(p) => {
                let old = std::mem::replace(&mut case.priority, p.clone().into());
                ("priority".into(), Some(old), Some(p.into()))
            }
            Change::Account(a) => {
                let a: Option<Text> = a.map(Into::into);
                let old = std::mem::replace(&mut case.account, a.clone());
                ("account".into(), old, a)
            }
            Change::Contact(c) => {
                let c: Option<Text> = c.map(Into::into);
                let old = std::mem::replace(&mut case.contact, c.clone());
                ("contact".into(), old, c)
            }
            Change::Team(t) => {
                let t: Option<Text> = t.map(Into::into);
                let old = std::mem::replace(&mut case.team, t.clone());
                ("team".into(), old, t)
            }
            Change::Tags(tags) => {
                let old = std::mem::replace(&mut case.tags, dedup(tags));
                (
                    "tags".into(),
                    Some(old.join(",").into()),
                    Some(case.tags.join(",").into()),
                )
            }
            Change::AddTag(tag) => {
                let old = case.tags.join(",");
                if !case.tags.contains(&tag) {
                    case.tags.push(tag);
                }
                (
                    "tags".into(),
                    Some(old.into()),
                    Some(case.tags.join(",").into()),
                )
            }
            Change::RemoveTag(tag) => {
                let old = case.tags.join(",");
                case.tags.retain(|t| *t != tag);
                (
                    "tags".into(),
                    Some(old.into()),
                    Some(case.tags.join(",").into()),
                )
            }
            Change::Field(key, value) => {
                let old = match &value {
                    Some(v) => case.fields.insert(key.clone(), v.clone()),
                    None => case.fields.remove(&key),
                };
                (
                    format!("fields.{key}"),
                    old.as_ref().map(|v| super::case::value_text(v).into()),
                    value.as_ref().map(|v| super::case::value_text(v).into()),
                )
            }
        };
        if from == to {
            continue;
        }
        if changed == 0 {
            open_if_new(case, ctx);
        }
        let mut e = ctx.event("set");
        e.field = Some(field.into());
        e.from = from;
        e.to = to;
        case.timeline.push(e);
        changed += 1;
    }
    if changed > 0 {
        touch(case, ctx);
    }
    Ok(changed)
}

fn dedup(tags: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in tags {
        if !t.is_empty() && !out.contains(&t) {
            out.push(t);
        }
    }
    out
}

/// Whether a resolved case is due for auto-close: resolved at least `window` ago with no
/// customer message since.
pub fn autoclose_due(case: &Case, now: DateTime<Utc>, window: chrono::Duration) -> bool {
    if case.state != State::Resolved {
        return false;
    }
    let Some(resolved_at) = case
        .timeline
        .iter()
        .rev()
        .find(|e| e.kind == "state" && e.to.as_deref() == Some("resolved"))
        .map(|e| e.at)
    else {
        return false;
    };
    let answered = case
        .timeline
        .iter()
        .any(|e| e.at >= resolved_at && e.is_customer_message());
    !answered && now - resolved_at >= window
}

/// The new case, with its `created` event (which carries the first message, if any).
pub struct NewCase {
    pub id: String,
    pub title: String,
    pub kind: String,
    pub priority: String,
    pub account: Option<String>,
    pub contact: Option<String>,
    pub tags: Vec<String>,
    pub fields: std::collections::BTreeMap<String, toml::Value>,
    pub body: Option<String>,
    pub channel: String,
}

pub fn create(new: NewCase, ctx: &mut Ctx) -> Result<Case, LifecycleError> {
    if new.title.trim().is_empty() {
        return Err(LifecycleError::NoTitle);
    }
    let mut e = ctx.event("created");
    e.channel = Some(new.channel.into());
    if let Some(body) = new.body.filter(|b| !b.trim().is_empty()) {
        e.body = Some(body);
        e.visibility = Some(Visibility::Public);
    }
    Ok(Case {
        id: new.id.into(),
        title: new.title.into(),
        kind: new.kind.into(),
        state: State::New,
        priority: new.priority.into(),
        account: new.account.map(Into::into),
        contact: new.contact.map(Into::into),
        assignee: None,
        team: None,
        escalation_level: 0,
        parent: None,
        tags: dedup(new.tags),
        resolution: None,
        csat: None,
        created_at: ctx.now,
        updated_at: ctx.now,
        fields: new.fields,
        timeline: vec![e],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 20, h, 0, 0).unwrap()
    }

    fn agent(h: u32) -> Ctx {
        Ctx::new(Actor::agent("alice"), t(h), u64::from(h))
    }

    fn new_case() -> Case {
        let mut ctx = Ctx::new(Actor::customer("Jane"), t(8), 1);
        create(
            NewCase {
                id: "DK-00000001".into(),
                title: "Card declined".into(),
                kind: "incident".into(),
                priority: "P2".into(),
                account: Some("acme".into()),
                contact: Some("Jane".into()),
                tags: vec!["vip".into(), "vip".into()],
                fields: Default::default(),
                body: Some("My card is declined".into()),
                channel: "email".into(),
            },
            &mut ctx,
        )
        .unwrap()
    }

    #[test]
    fn create_records_the_customer_message() {
        let c = new_case();
        assert_eq!(c.state, State::New);
        assert_eq!(c.tags, vec!["vip"]);
        assert!(c.timeline[0].is_customer_message());
    }

    #[test]
    fn assignment_opens_a_new_case() {
        let mut c = new_case();
        assign(&mut c, &mut agent(9), Some(("alice", Some("support")))).unwrap();
        assert_eq!(c.state, State::Open);
        assert_eq!(c.team.as_deref(), Some("support"));
        assert_eq!(c.timeline.len(), 3);
        assert_eq!(c.updated_at, t(9));
    }

    #[test]
    fn a_customer_comment_does_not_open_a_new_case() {
        let mut c = new_case();
        let mut ctx = Ctx::new(Actor::customer("Jane"), t(9), 5);
        comment(&mut c, &mut ctx, "any news?", "email", Visibility::Public).unwrap();
        assert_eq!(c.state, State::New);
    }

    #[test]
    fn waiting_ends_on_the_customer_reply_but_not_on_an_internal_note() {
        let mut c = new_case();
        transition(&mut c, &mut agent(9), Transition::Wait, Default::default()).unwrap();
        assert_eq!(c.state, State::AwaitingInfo);
        comment(
            &mut c,
            &mut agent(10),
            "note",
            "email",
            Visibility::Internal,
        )
        .unwrap();
        assert_eq!(c.state, State::AwaitingInfo);
        let mut ctx = Ctx::new(Actor::customer("Jane"), t(11), 5);
        comment(&mut c, &mut ctx, "here it is", "email", Visibility::Public).unwrap();
        assert_eq!(c.state, State::Open);
    }

    #[test]
    fn illegal_transitions_name_the_allowed_ones() {
        let mut c = new_case();
        let err = transition(
            &mut c,
            &mut agent(9),
            Transition::Accept,
            Default::default(),
        )
        .unwrap_err();
        assert_eq!(
            err,
            LifecycleError::Illegal {
                action: "accept",
                from: State::New,
                needs: vec![State::Resolved],
                allowed: vec!["wait", "resolve", "cancel"],
            }
        );
        let text = err.to_string();
        assert!(text.contains("accept needs resolved"), "{text}");
        assert!(text.contains("wait, resolve, cancel"), "{text}");
    }

    #[test]
    fn resolve_reject_resolve_accept() {
        let mut c = new_case();
        let res = TransitionDetails {
            resolution: Some("Reset the card".into()),
            ..Default::default()
        };
        transition(&mut c, &mut agent(9), Transition::Resolve, res.clone()).unwrap();
        assert_eq!(c.resolution.as_deref(), Some("Reset the card"));
        transition(
            &mut c,
            &mut agent(10),
            Transition::Reject,
            Default::default(),
        )
        .unwrap();
        assert_eq!(c.state, State::Open);
        assert_eq!(c.resolution, None);
        transition(&mut c, &mut agent(11), Transition::Resolve, res).unwrap();
        let close = TransitionDetails {
            csat: Some(5),
            ..Default::default()
        };
        transition(&mut c, &mut agent(12), Transition::Close, close).unwrap();
        assert_eq!((c.state, c.csat), (State::Closed, Some(5)));
        let err = assign(&mut c, &mut agent(13), Some(("bob", None)))
            .unwrap_err()
            .to_string();
        assert!(err.contains("reopen"), "{err}");
    }

    #[test]
    fn csat_out_of_range_is_refused() {
        let mut c = new_case();
        transition(
            &mut c,
            &mut agent(9),
            Transition::Resolve,
            Default::default(),
        )
        .unwrap();
        let bad = TransitionDetails {
            csat: Some(6),
            ..Default::default()
        };
        assert!(transition(&mut c, &mut agent(10), Transition::Close, bad).is_err());
        assert_eq!(c.state, State::Resolved);
    }

    #[test]
    fn escalation_raises_level_up_to_the_maximum() {
        let mut c = new_case();
        escalate(&mut c, &mut agent(9), "angry", Some("tier2"), 1).unwrap();
        assert_eq!((c.escalation_level, c.team.as_deref()), (1, Some("tier2")));
        assert!(escalate(&mut c, &mut agent(10), "angrier", None, 1).is_err());
    }

    #[test]
    fn set_records_only_real_changes() {
        let mut c = new_case();
        let n = set(
            &mut c,
            &mut agent(9),
            vec![Change::Priority("P2".into()), Change::Priority("P1".into())],
        )
        .unwrap();
        assert_eq!(n, 1);
        let e = c.timeline.last().unwrap();
        assert_eq!(
            (e.from.as_deref(), e.to.as_deref()),
            (Some("P2"), Some("P1"))
        );
    }

    #[test]
    fn autoclose_waits_for_the_window_and_a_silent_customer() {
        let mut c = new_case();
        transition(
            &mut c,
            &mut agent(9),
            Transition::Resolve,
            Default::default(),
        )
        .unwrap();
        let day = chrono::Duration::days(1);
        assert!(!autoclose_due(&c, t(20), day));
        assert!(autoclose_due(&c, t(9) + day, day));
        let mut ctx = Ctx::new(Actor::customer("Jane"), t(10), 9);
        comment(
            &mut c,
            &mut ctx,
            "it still fails",
            "email",
            Visibility::Public,
        )
        .unwrap();
        assert!(!autoclose_due(&c, t(9) + day * 2, day));
    }

    #[test]
    fn event_ids_are_distinct() {
        let mut ctx = agent(1);
        let ids: std::collections::HashSet<String> = (0..1000).map(|_| ctx.event_id()).collect();
        assert_eq!(ids.len(), 1000);
    }
}
