//! The workspace: `docket queue`, `docket mine`, `docket agents` (and `agents set`).

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::cli::{AgentsArgs, AgentsCommand, AgentsSetArgs, MineArgs, QueueArgs};
use crate::core::case::Case;
use crate::core::routing;
use crate::core::sla::Clocks;
use crate::error::{CmdError, Result};
use crate::render::routing as show;
use crate::store::Casebook;

use super::super::Env;
use super::{Urgency, urgency, waiting};

/// `docket queue [--team T | --mine]`.
pub fn queue(env: &mut Env<'_>, args: QueueArgs) -> Result<()> {
    let cb = env.casebook()?;
    if args.mine {
        return mine_of(env, &cb);
    }
    let team = match &args.team {
        Some(t) => cb.agents.check_team(t)?,
        None => match env.me(&cb)?.1 {
            Some(t) => t,
            None => return Err(CmdError::user("you are in no team; pass --team TEAM")),
        },
    };
    let (open, _) = cb.clock_cases()?;
    let empty = crate::core::sla::Policy::default();
    let policy = cb.policy().unwrap_or(&empty);
    let clocks = Clocks::new(policy);
    let mut rows: Vec<(bool, Urgency, &Case)> = open
        .iter()
        .filter(|c| waiting(c) && routing::team_of(c, &cb.config).as_deref() == Some(team.as_str()))
        .map(|c| (c.assignee.is_some(), urgency(&cb, &clocks, c, env.now), c))
        .collect();
    rows.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    let items: Vec<show::Row<'_>> = rows
        .iter()
        .map(|(_, u, c)| show::Row {
            case: c,
            next_deadline: u.3,
            replied: false,
        })
        .collect();
    let (format, zone) = (env.ui.format, env.ui.style.zone);
    show::queue(env.ui.out(), format, &items, zone)?;
    Ok(())
}

/// `docket mine`.
pub fn mine(env: &mut Env<'_>, _args: MineArgs) -> Result<()> {
    let cb = env.casebook()?;
    mine_of(env, &cb)
}

fn mine_of(env: &mut Env<'_>, cb: &Casebook) -> Result<()> {
    let (me, _) = env.me(cb)?;
    let (open, _) = cb.clock_cases()?;
    let empty = crate::core::sla::Policy::default();
    let policy = cb.policy().unwrap_or(&empty);
    let clocks = Clocks::new(policy);
    let mut rows: Vec<(Urgency, &Case)> = open
        .iter()
        .filter(|c| waiting(c) && c.assignee.as_deref() == Some(me.as_str()))
        .map(|c| (urgency(cb, &clocks, c, env.now), c))
        .collect();
    rows.sort_by(|a, b| (a.0.3.is_none(), a.0.3, &a.0).cmp(&(b.0.3.is_none(), b.0.3, &b.0)));
    let items: Vec<show::Row<'_>> = rows
        .iter()
        .map(|(u, c)| show::Row {
            case: c,
            next_deadline: u.3,
            replied: replied_since(c, &me),
        })
        .collect();
    let (format, zone) = (env.ui.format, env.ui.style.zone);
    show::queue(env.ui.out(), format, &items, zone)?;
    Ok(())
}

/// Whether the customer wrote after `me` last acted on the case.
fn replied_since(case: &Case, me: &str) -> bool {
    let mine = case
        .timeline
        .iter()
        .rev()
        .find(|e| e.actor == me)
        .map(|e| e.at);
    case.timeline
        .iter()
        .rev()
        // (The clock cache keeps no bodies: a customer's comment or first message.)
        .find(|e| {
            e.actor_kind == crate::core::case::ActorKind::Customer
                && matches!(e.kind.as_str(), "comment" | "created")
        })
        .is_some_and(|e| mine.is_none_or(|m| e.at > m))
}

#[derive(Serialize)]
struct AgentRow<'a> {
    agent: &'a str,
    name: &'a str,
    teams: &'a [String],
    available: bool,
    #[serde(serialize_with = "opt_time")]
    away_until: Option<DateTime<Utc>>,
    load: u32,
    capacity: Option<u32>,
    skills: &'a std::collections::BTreeMap<String, u8>,
    languages: &'a [String],
    calendar: Option<&'a str>,
}

fn opt_time<S: serde::Serializer>(
    t: &Option<DateTime<Utc>>,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    match t {
        Some(t) => s.serialize_str(&crate::core::case::format_time(*t)),
        None => s.serialize_none(),
    }
}

/// `docket agents` and `docket agents set`.
pub fn agents(env: &mut Env<'_>, args: AgentsArgs) -> Result<()> {
    if let Some(AgentsCommand::Set(set)) = args.command {
        return agents_set(env, set);
    }
    let cb = env.casebook()?;
    // Loads only (no "last assigned"): the summaries are enough.
    let (cases, _) = cb.summaries()?;
    let loads = routing::loads(&cases.iter().collect::<Vec<_>>());
    let rows: Vec<AgentRow<'_>> = cb
        .agents
        .agents
        .iter()
        .map(|(h, a)| AgentRow {
            agent: h,
            name: &a.name,
            teams: &a.teams,
            available: a.is_available(env.now),
            away_until: a.away_until,
            load: loads.get(h).map_or(0, |l| l.open),
            capacity: a.capacity,
            skills: &a.skills,
            languages: &a.languages,
            calendar: a.calendar.as_deref(),
        })
        .collect();
    if env.json() {
        env.ui.print_json(&rows)?;
        return Ok(());
    }
    let table: Vec<[String; 6]> = rows
        .iter()
        .map(|r| {
            [
                r.agent.to_string(),
                r.teams.join(","),
                match (r.available, r.away_until) {
                    (true, _) => "available".into(),
                    (false, Some(t)) => format!("away until {}", crate::core::case::format_time(t)),
                    (false, None) => "away".into(),
                },
                match r.capacity {
                    Some(c) => format!("{}/{c}", r.load),
                    None => r.load.to_string(),
                },
                r.skills
                    .iter()
                    .map(|(s, l)| format!("{s}:{l}"))
                    .collect::<Vec<_>>()
                    .join(","),
                r.name.to_string(),
            ]
        })
        .collect();
    let format = env.ui.format;
    show::agents(env.ui.out(), format, &table)?;
    Ok(())
}

fn agents_set(env: &mut Env<'_>, args: AgentsSetArgs) -> Result<()> {
    let cb = env.casebook()?;
    let (handle, _) = cb.agents.resolve(&args.handle)?;
    let handle = handle.to_string();
    let until = match &args.until {
        Some(t) => Some(
            DateTime::parse_from_rfc3339(t.trim())
                .map(|t| t.with_timezone(&Utc))
                .map_err(|e| {
                    CmdError::user(format!("--until {t:?} is not a time ({e})"))
                        .hint("give an RFC 3339 time, e.g. 2026-12-01T09:00:00Z")
                })?,
        ),
        None => None,
    };
    let commit = cb.set_availability(&handle, args.available, until, env.now)?;
    if let Some(w) = commit.warning {
        env.ui.warn(w);
    }
    let what = if args.available {
        "available".to_string()
    } else {
        match until {
            Some(t) => format!("away until {}", crate::core::case::format_time(t)),
            None => "away".into(),
        }
    };
    if env.json() {
        env.ui.print_json(&serde_json::json!({"agent": handle, "available": args.available, "away_until": until.map(crate::core::case::format_time)}))?;
    } else {
        env.status(format!("{handle} is {what}."));
    }
    Ok(())
}
