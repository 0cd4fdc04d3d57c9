//! Routing and the workspace: `assign --auto`, `route` (here), escalation paths
//! (`escalate` to the next team, `deescalate`, `escalate --auto`: [`escalate`]), `queue`,
//! `mine` and `agents` ([`workspace`]). The decisions are `core::routing`'s; these modules
//! gather the facts (loads, clocks, working hours) and commit through the one write path.

mod assign;
mod escalate;
mod workspace;

pub use assign::{assign_auto, check_manual};
pub use escalate::{deescalate, escalate};
pub use workspace::{agents, mine, queue};

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::cli::RouteArgs;
use crate::core::agents::Agent;
use crate::core::case::{Case, State};
use crate::core::lifecycle;
use crate::core::routing::{self, Candidate, Load};
use crate::core::sla::{Clocks, Stage};
use crate::error::{CmdError, Result};
use crate::render::routing as show;
use crate::store::Casebook;

use super::Env;

/// What routing decisions read: every case (summaries), the open cases' timelines and
/// every agent's load.
pub(super) struct Facts {
    pub open: Vec<Case>,
    pub loads: HashMap<String, Load>,
}

pub(super) fn facts(cb: &Casebook) -> Result<Facts> {
    let (cases, _) = cb.summaries()?;
    let (open, _) = cb.clock_cases()?;
    let refs: Vec<&Case> = cases.iter().collect();
    let mut loads = routing::loads(&refs);
    // Summaries carry no timeline: when each agent was last assigned comes from the open
    // cases' events.
    for (agent, l) in routing::loads(&open.iter().collect::<Vec<_>>()) {
        let e = loads.entry(agent).or_default();
        e.last_assigned = e.last_assigned.max(l.last_assigned);
    }
    Ok(Facts { open, loads })
}

/// Whether an agent is inside its working hours now (no calendar: always).
pub(super) fn working(cb: &Casebook, now: DateTime<Utc>) -> impl Fn(&Agent) -> bool + '_ {
    move |a: &Agent| {
        let Some(name) = &a.calendar else { return true };
        let Ok(policy) = cb.policy() else { return true };
        match policy.calendars.get(name) {
            Some(cal) => {
                crate::core::calendar::Clock::new(cal)
                    .seconds(now, now + chrono::Duration::minutes(1))
                    > 0
            }
            None => true,
        }
    }
}

/// Ranks the agents of `team` for `case`.
pub(super) fn rank(
    cb: &Casebook,
    case: &Case,
    team: &str,
    loads: &HashMap<String, Load>,
    now: DateTime<Utc>,
) -> Vec<Candidate> {
    let need = routing::need(case, &cb.config, &cb.agents, team);
    routing::rank(&need, case, &cb.agents, loads, now, &working(cb, now))
}

/// The agent a team that assigns automatically gives `case` to (`None`: the team does
/// not assign automatically, or nobody can take it).
pub(super) fn auto_pick(
    cb: &Casebook,
    case: &Case,
    team: &str,
    now: DateTime<Utc>,
) -> Result<Option<String>> {
    if !cb.agents.teams.get(team).is_some_and(|t| t.auto_assign) {
        return Ok(None);
    }
    let f = facts(cb)?;
    Ok(routing::best(&rank(cb, case, team, &f.loads, now)).map(|c| c.agent.clone()))
}

/// The team a case routes in: `--team`, else its own, else its type's.
pub(super) fn team_for(cb: &Casebook, case: &Case, given: Option<&str>) -> Result<String> {
    match given {
        Some(t) => Ok(cb.agents.check_team(t)?),
        None => routing::team_of(case, &cb.config).ok_or_else(|| {
            CmdError::user(format!(
                "{} has no team, and its type {:?} names none; pass --team TEAM",
                case.id, case.kind
            ))
            .hint("`[types.NAME] team = \"…\"` in docket.toml routes a type's cases to a team")
        }),
    }
}

/// How urgent an open case is: SLA seconds left (breached first), priority rank,
/// creation time; and its next deadline.
pub(super) type Urgency = (i64, usize, DateTime<Utc>, Option<DateTime<Utc>>);

/// The urgency of an open case: SLA time left (breached first), priority, age.
pub(super) fn urgency(
    cb: &Casebook,
    clocks: &Clocks<'_>,
    case: &Case,
    now: DateTime<Utc>,
) -> Urgency {
    let reports = clocks.evaluate(case, now, false);
    let active = reports
        .iter()
        .filter(|r| matches!(r.stage, Stage::Breached | Stage::InProgress));
    let left = active
        .clone()
        .map(|r| r.remaining_seconds)
        .min()
        .unwrap_or(i64::MAX);
    let next = active.filter_map(|r| r.breach_at).min();
    (
        left,
        cb.config.priority_rank(&case.priority),
        case.created_at,
        next,
    )
}

pub(super) fn waiting(case: &Case) -> bool {
    case.state.is_open() && case.state != State::Resolved
}

#[derive(Serialize)]
pub(super) struct Decision {
    pub case: String,
    pub team: Option<String>,
    pub agent: Option<String>,
    pub reason: String,
}

/// Decisions as JSON, or one line each.
pub(super) fn print_decisions(env: &mut Env<'_>, decisions: &[Decision]) -> Result<()> {
    if env.json() {
        env.ui.print_json(&decisions)?;
        return Ok(());
    }
    let rows: Vec<(String, Option<String>, Option<String>, String)> = decisions
        .iter()
        .map(|d| {
            (
                d.case.clone(),
                d.team.clone(),
                d.agent.clone(),
                d.reason.clone(),
            )
        })
        .collect();
    let format = env.ui.format;
    show::decisions(env.ui.out(), format, &rows)?;
    Ok(())
}

/// `docket route [--team T] [--dry-run]`.
pub fn route(env: &mut Env<'_>, args: RouteArgs) -> Result<()> {
    let cb = env.casebook()?;
    let only = match &args.team {
        Some(t) => Some(cb.agents.check_team(t)?),
        None => None,
    };
    let mut f = facts(&cb)?;
    let empty = crate::core::sla::Policy::default();
    let policy = cb.policy().unwrap_or(&empty);
    let clocks = Clocks::new(policy);
    let mut todo: Vec<(&Case, String)> = f
        .open
        .iter()
        .filter(|c| waiting(c) && c.assignee.is_none())
        .filter_map(|c| routing::team_of(c, &cb.config).map(|t| (c, t)))
        .filter(|(_, t)| only.as_ref().is_none_or(|o| o == t))
        .collect();
    todo.sort_by_key(|(c, _)| urgency(&cb, &clocks, c, env.now));
    let mut decisions = Vec::new();
    let mut picks: Vec<(String, String, String)> = Vec::new();
    for (case, team) in todo {
        let ranked = rank(&cb, case, &team, &f.loads, env.now);
        let Some(best) = routing::best(&ranked).cloned() else {
            decisions.push(Decision {
                case: case.id.to_string(),
                team: Some(team.clone()),
                agent: None,
                reason: if ranked.is_empty() {
                    "no agents in the team".into()
                } else {
                    ranked
                        .iter()
                        .map(|c| format!("{}: {}", c.agent, c.reason))
                        .collect::<Vec<_>>()
                        .join("; ")
                },
            });
            continue;
        };
        // Capacity as it goes: the next case sees this one.
        let l = f.loads.entry(best.agent.clone()).or_default();
        l.open += 1;
        l.last_assigned = Some(env.now);
        picks.push((case.id.to_string(), best.agent.clone(), team.clone()));
        decisions.push(Decision {
            case: case.id.to_string(),
            team: Some(team),
            agent: Some(best.agent.clone()),
            reason: best.reason.clone(),
        });
    }
    // One commit for the batch (one `Docket-Case:` trailer per case), made by docket's
    // router (a system actor, like autoclose) under the lock, from the files as they are.
    if !args.dry_run && !picks.is_empty() {
        let session = cb.begin_write()?;
        let mut edits = Vec::with_capacity(picks.len());
        for (id, agent, team) in &picks {
            let file = cb.load_for_write(id)?;
            let mut case = file.case.clone();
            if case.assignee.is_some() {
                continue; // assigned meanwhile
            }
            let before = case.timeline.len();
            let mut ctx = env.ctx(crate::core::case::Actor::system());
            lifecycle::assign(&mut case, &mut ctx, Some((agent, Some(team))))?;
            crate::core::merge::ensure_unique_ids(&mut case, before);
            crate::core::merge::stamp_clocks(&mut case, before);
            edits.push((file, case));
        }
        let n = edits.len();
        let commit = session.save_cases(
            &edits,
            "assign",
            &format!("route: {n} case{} assigned", if n == 1 { "" } else { "s" }),
            env.now,
        )?;
        if let Some(w) = commit.warning {
            env.ui.warn(w);
        }
    }
    let assigned = decisions.iter().filter(|d| d.agent.is_some()).count();
    print_decisions(env, &decisions)?;
    env.status(format!(
        "{} {assigned} of {} unassigned case{}{}",
        if args.dry_run {
            "Would assign"
        } else {
            "Assigned"
        },
        decisions.len(),
        if decisions.len() == 1 { "" } else { "s" },
        if args.dry_run {
            " (dry run: nothing written)"
        } else {
            ""
        }
    ));
    Ok(())
}
