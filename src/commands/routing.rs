//! Routing and the workspace: `assign --auto`, `route`, escalation paths (`escalate`
//! to the next team, `deescalate`, `escalate --auto`), `queue`, `mine` and `agents`.
//! The decisions are `core::routing`'s; this module gathers the facts (loads, clocks,
//! working hours) and commits one case at a time through the one write path.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::cli::{
    AgentsArgs, AgentsCommand, AgentsSetArgs, AssignArgs, DeescalateArgs, EscalateArgs, MineArgs,
    QueueArgs, RouteArgs,
};
use crate::core::agents::Agent;
use crate::core::case::{Case, State};
use crate::core::lifecycle::{self, Change};
use crate::core::routing::{self, Candidate, Load};
use crate::core::sla::{Clocks, Stage};
use crate::error::{CmdError, Kind, Result};
use crate::render::routing as show;
use crate::store::Casebook;

use super::{Env, write_with};

/// What routing decisions read: every case (summaries), the open cases' timelines and
/// every agent's load.
struct Facts {
    open: Vec<Case>,
    loads: HashMap<String, Load>,
}

fn facts(cb: &Casebook) -> Result<Facts> {
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
fn working(cb: &Casebook, now: DateTime<Utc>) -> impl Fn(&Agent) -> bool + '_ {
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
fn rank(
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
fn team_for(cb: &Casebook, case: &Case, given: Option<&str>) -> Result<String> {
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

#[derive(Serialize)]
struct Explained<'a> {
    case: &'a str,
    team: &'a str,
    need: routing::Need,
    chosen: Option<&'a str>,
    candidates: &'a [Candidate],
}

/// `docket assign ID --auto [--team T] [--explain]`.
pub fn assign_auto(env: &mut Env<'_>, args: AssignArgs) -> Result<()> {
    let cb = env.casebook()?;
    let file = cb.load_case(&args.id)?;
    let team = team_for(&cb, &file.case, args.team.as_deref())?;
    let f = facts(&cb)?;
    let ranked = rank(&cb, &file.case, &team, &f.loads, env.now);
    let chosen = routing::best(&ranked).map(|c| c.agent.clone());
    if args.explain {
        let need = routing::need(&file.case, &cb.config, &cb.agents, &team);
        if env.json() {
            env.ui.print_json(&Explained {
                case: &file.case.id,
                team: &team,
                need,
                chosen: chosen.as_deref(),
                candidates: &ranked,
            })?;
        } else {
            show::explain(env.ui.out(), &file.case.id, &team, &need.skills, &ranked)?;
        }
    }
    let Some(agent) = chosen else {
        let why: Vec<String> = ranked
            .iter()
            .map(|c| format!("{}: {}", c.agent, c.reason))
            .collect();
        let message = if ranked.is_empty() {
            format!(
                "nobody can take {}: team {team} has no agents",
                file.case.id
            )
        } else {
            format!(
                "nobody can take {} in team {team} ({})",
                file.case.id,
                why.join("; ")
            )
        };
        // It waits in the team's queue.
        if file.case.team.as_deref() != Some(team.as_str()) {
            let op = crate::core::edit::Op::Set(vec![Change::Team(Some(team.clone()))]);
            super::edit_case(env, &cb, &file.case.id, op, None)?;
        }
        env.ui.error_row(format!(
            "{message}; it stays unassigned in the team's queue"
        ));
        return Err(CmdError::reported(Kind::Found));
    };
    let op = crate::core::edit::Op::Assign(Some((agent.clone(), Some(team))));
    let case = super::edit_case(env, &cb, &file.case.id, op, None)?;
    if args.explain && env.json() {
        return Ok(());
    }
    env.report_case(&case, format!("Assigned {} to {agent}.", case.id))
}

/// A manual `assign ID AGENT`: refused (with the reason) when the agent cannot take it.
pub fn check_manual(env: &mut Env<'_>, cb: &Casebook, id: &str, handle: &str) -> Result<()> {
    let file = cb.load_case(id)?;
    let (h, agent) = cb.agents.resolve(handle)?;
    let team = routing::team_of(&file.case, &cb.config)
        .filter(|t| agent.in_team(t))
        .or_else(|| agent.team.clone());
    let Some(team) = team else { return Ok(()) };
    let need = routing::need(&file.case, &cb.config, &cb.agents, &team);
    let f = facts(cb)?;
    let load = f.loads.get(h).cloned().unwrap_or_default();
    if let Some(why) = routing::unfit(agent, &need, &load, env.now, &working(cb, env.now)) {
        return Err(CmdError::user(format!("{h} cannot take {}: {why}; nothing was written", file.case.id))
            .hint(format!("`docket assign {} {h} --force` assigns anyway; `docket assign {} --auto --explain` shows who can", file.case.id, file.case.id)));
    }
    Ok(())
}

/// How urgent an open case is: SLA seconds left (breached first), priority rank,
/// creation time; and its next deadline.
type Urgency = (i64, usize, DateTime<Utc>, Option<DateTime<Utc>>);

/// The urgency of an open case: SLA time left (breached first), priority, age.
fn urgency(cb: &Casebook, clocks: &Clocks<'_>, case: &Case, now: DateTime<Utc>) -> Urgency {
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

fn waiting(case: &Case) -> bool {
    case.state.is_open() && case.state != State::Resolved
}

#[derive(Serialize)]
struct Decision {
    case: String,
    team: Option<String>,
    agent: Option<String>,
    reason: String,
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
                case: case.id.clone(),
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
        picks.push((case.id.clone(), best.agent.clone(), team.clone()));
        decisions.push(Decision {
            case: case.id.clone(),
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
    if env.json() {
        env.ui.print_json(&decisions)?;
    } else {
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
    }
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

/// `docket escalate`: to the named team or the next on the path, with re-routing.
pub fn escalate(env: &mut Env<'_>, args: EscalateArgs) -> Result<()> {
    if args.auto {
        return escalate_auto(env, args.dry_run);
    }
    let cb = env.casebook()?;
    let id = args.id.expect("clap requires an ID without --auto");
    let reason = args.reason.expect("clap requires --reason without --auto");
    let to = match &args.team {
        Some(t) => Some(cb.agents.check_team(t)?),
        None => None,
    };
    let case = escalate_one(env, &cb, &id, &reason, to, None)?;
    let msg = format!(
        "Escalated {} to level {}{}{}.",
        case.id,
        case.escalation_level,
        case.team
            .as_deref()
            .map(|t| format!(", team {t}"))
            .unwrap_or_default(),
        case.assignee
            .as_deref()
            .map(|a| format!(", assigned to {a}"))
            .unwrap_or_default()
    );
    env.report_case(&case, msg)
}

/// Escalates one case: level up, to `to` (else the next team on its path, if it has a
/// team with one), priority raised per `escalation.raise_priority`, and re-routed in the
/// new team (auto-assigned when the team says so, else unassigned in its queue).
fn escalate_one(
    env: &mut Env<'_>,
    cb: &Casebook,
    id: &str,
    reason: &str,
    to: Option<String>,
    rule: Option<&str>,
) -> Result<Case> {
    let f = facts(cb)?;
    let mut session = cb.begin_write()?;
    if let Some(handle) = &env.global.as_agent {
        session.acting_as(cb.agents.resolve(handle)?.0);
    }
    let file = cb.load_for_write(id)?;
    let current = routing::team_of(&file.case, &cb.config);
    let target = match (to, &current) {
        (Some(t), _) => Some(t),
        (None, Some(team)) => match routing::next_team(&cb.agents, team) {
            Some(n) => Some(n),
            // The top of a path (a team some other team escalates to): nowhere to go.
            // A team on no path only raises the level, as before paths existed.
            None if cb
                .agents
                .teams
                .values()
                .any(|t| t.next.as_deref() == Some(team)) =>
            {
                return Err(CmdError::user(format!(
                    "{} is at the top of its escalation path ({}); nothing was written",
                    file.case.id,
                    path_of(&file.case, &cb.agents, team).join(" → ")
                ))
                .hint("name a team with --to TEAM, or give the team a `next` in agents.toml"));
            }
            None => None,
        },
        (None, None) => None,
    };
    let actor = match rule {
        Some(_) => crate::core::case::Actor::system(),
        None => env.agent(cb)?,
    };
    let ctx = env.ctx(actor);
    let now = env.now;
    let ranked = target.as_ref().map(|t| {
        let mut probe = file.case.clone();
        probe.team = Some(t.clone());
        rank(cb, &probe, t, &f.loads, now)
    });
    let case = write_with(env.ui, &session, file, "escalate", ctx, |case, ctx| {
        let max = cb.config.escalation.max_level;
        lifecycle::escalate(case, ctx, reason, target.as_deref(), max)?;
        if let Some(r) = rule
            && let Some(e) = case.timeline.last_mut()
        {
            e.extra
                .insert("rule".into(), toml::Value::String(r.to_string()));
        }
        let mut summary = format!("level {}: {reason}", case.escalation_level);
        if let Some(t) = &target {
            summary = format!("to {t}, {summary}");
            if let Some(p) = cb.config.escalation.raise_priority.get(t)
                && cb.config.priority_rank(p) < cb.config.priority_rank(&case.priority)
            {
                lifecycle::set(case, ctx, vec![Change::Priority(p.clone())])?;
            }
            let auto = cb.agents.teams.get(t).is_some_and(|x| x.auto_assign);
            let best = ranked
                .as_deref()
                .and_then(routing::best)
                .map(|c| c.agent.clone());
            match (auto, best) {
                (true, Some(agent)) if case.assignee.as_deref() != Some(agent.as_str()) => {
                    lifecycle::assign(case, ctx, Some((&agent, Some(t))))?;
                }
                (true, Some(_)) => {}
                _ => {
                    let stays = case
                        .assignee
                        .as_deref()
                        .and_then(|a| cb.agents.agents.get(a))
                        .is_some_and(|a| a.in_team(t));
                    if case.assignee.is_some() && !stays {
                        lifecycle::assign(case, ctx, None)?;
                    }
                }
            }
        }
        Ok(summary)
    })?;
    Ok(case)
}

/// The path a case climbed to `team`: the teams of its escalations, else the path that
/// ends at `team`.
fn path_of(case: &Case, agents: &crate::core::agents::Agents, team: &str) -> Vec<String> {
    let mut path: Vec<String> = Vec::new();
    for e in case.timeline.iter().filter(|e| e.kind == "escalated") {
        if let Some(from) = e.extra.get("from_team").and_then(|v| v.as_str())
            && path.last().map(String::as_str) != Some(from)
        {
            path.push(from.to_string());
        }
        if let Some(t) = &e.team
            && path.last() != Some(t)
        {
            path.push(t.clone());
        }
    }
    if path.last().map(String::as_str) == Some(team) {
        path
    } else {
        path_to(agents, team)
    }
}

/// The path that ends at `team`, from its first tier.
fn path_to(agents: &crate::core::agents::Agents, team: &str) -> Vec<String> {
    let mut path = vec![team.to_string()];
    while let Some((below, _)) = agents
        .teams
        .iter()
        .find(|(n, t)| t.next.as_deref() == Some(path[0].as_str()) && !path.contains(n))
    {
        path.insert(0, below.clone());
    }
    path
}

/// `docket deescalate ID --reason`.
pub fn deescalate(env: &mut Env<'_>, args: DeescalateArgs) -> Result<()> {
    let cb = env.casebook()?;
    let f = facts(&cb)?;
    let mut session = cb.begin_write()?;
    if let Some(handle) = &env.global.as_agent {
        session.acting_as(cb.agents.resolve(handle)?.0);
    }
    let file = cb.load_for_write(&args.id)?;
    let Some(back) = routing::came_from(&file.case) else {
        return Err(CmdError::user(format!(
            "{} was not escalated into its team {}; there is nowhere to send it back",
            file.case.id,
            file.case.team.as_deref().unwrap_or("(none)")
        )));
    };
    let actor = env.agent(&cb)?;
    let ctx = env.ctx(actor);
    let now = env.now;
    let mut probe = file.case.clone();
    probe.team = Some(back.clone());
    let best = routing::best(&rank(&cb, &probe, &back, &f.loads, now)).map(|c| c.agent.clone());
    let auto = cb.agents.teams.get(&back).is_some_and(|t| t.auto_assign);
    let reason = args.reason.clone();
    let case = write_with(env.ui, &session, file, "deescalate", ctx, |case, ctx| {
        lifecycle::deescalate(case, ctx, &reason, &back)?;
        match (auto, best) {
            (true, Some(agent)) if case.assignee.as_deref() != Some(agent.as_str()) => {
                lifecycle::assign(case, ctx, Some((&agent, Some(&back))))?;
            }
            (true, Some(_)) => {}
            _ => {
                let stays = case
                    .assignee
                    .as_deref()
                    .and_then(|a| cb.agents.agents.get(a))
                    .is_some_and(|a| a.in_team(&back));
                if case.assignee.is_some() && !stays {
                    lifecycle::assign(case, ctx, None)?;
                }
            }
        }
        Ok(format!(
            "back to {back}, level {}: {reason}",
            case.escalation_level
        ))
    })?;
    let msg = format!(
        "Sent {} back to {} (level {}).",
        case.id, back, case.escalation_level
    );
    env.report_case(&case, msg)
}

/// `docket escalate --auto [--dry-run]`: each rule once per case.
fn escalate_auto(env: &mut Env<'_>, dry_run: bool) -> Result<()> {
    let cb = env.casebook()?;
    let rules = cb.config.escalation.rules.clone();
    let (open, _) = cb.clock_cases()?;
    let empty = crate::core::sla::Policy::default();
    let policy = cb.policy().unwrap_or(&empty);
    let clocks = Clocks::new(policy);
    let mut done = Vec::new();
    for case in &open {
        let reports = clocks.evaluate(case, env.now, false);
        // One escalation per case and run: the first rule that applies and has not fired.
        let applies: Vec<_> = rules
            .iter()
            .filter(|r| routing::rule_applies(r, case, &reports, env.now))
            .collect();
        if applies.is_empty() {
            continue;
        }
        // Whether a rule fired is in the full timeline (the cache keeps no rule names).
        let full = cb.load_case(&case.id)?.case;
        let Some(rule) = applies
            .into_iter()
            .find(|r| !routing::fired(&full, &r.name))
        else {
            continue;
        };
        let to = match &rule.to {
            Some(t) => Some(cb.agents.check_team(t)?),
            None => None,
        };
        let reason = format!("escalation rule {:?} ({})", rule.name, rule.on);
        let mut decision = Decision {
            case: case.id.clone(),
            team: to.clone(),
            agent: None,
            reason: reason.clone(),
        };
        if !dry_run {
            match escalate_one(env, &cb, &case.id, &reason, to, Some(&rule.name)) {
                Ok(c) => {
                    decision.team = c.team.clone();
                    decision.agent = c.assignee.clone();
                }
                Err(e) => {
                    decision.reason = format!("not escalated: {e}");
                }
            }
        }
        done.push(decision);
    }
    if env.json() {
        env.ui.print_json(&done)?;
    } else {
        let rows: Vec<(String, Option<String>, Option<String>, String)> = done
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
    }
    env.status(format!(
        "{} {} case{}{}",
        if dry_run {
            "Would escalate"
        } else {
            "Escalated"
        },
        done.len(),
        if done.len() == 1 { "" } else { "s" },
        if dry_run {
            " (dry run: nothing written)"
        } else {
            ""
        }
    ));
    Ok(())
}

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
