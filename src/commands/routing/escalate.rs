//! `docket escalate` (to the next team on the path, or `--to`; `--auto` by the rules)
//! and `docket deescalate`.

use crate::cli::{DeescalateArgs, EscalateArgs};
use crate::core::case::Case;
use crate::core::lifecycle::{self, Change};
use crate::core::routing;
use crate::core::sla::Clocks;
use crate::error::{CmdError, Result};
use crate::store::Casebook;

use super::super::{Env, write_with};
use super::{Decision, facts, print_decisions, rank};

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
        probe.team = Some(t.clone().into());
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
            let best = ranked
                .as_deref()
                .and_then(routing::best)
                .map(|c| c.agent.clone());
            routing::reroute(case, ctx, &cb.agents, t, best.as_deref())?;
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
            && path.last().map(String::as_str) != Some(t.as_str())
        {
            path.push(t.to_string());
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
    probe.team = Some(back.clone().into());
    let best = routing::best(&rank(&cb, &probe, &back, &f.loads, now)).map(|c| c.agent.clone());
    let reason = args.reason.clone();
    let case = write_with(env.ui, &session, file, "deescalate", ctx, |case, ctx| {
        lifecycle::deescalate(case, ctx, &reason, &back)?;
        routing::reroute(case, ctx, &cb.agents, &back, best.as_deref())?;
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
            case: case.id.to_string(),
            team: to.clone(),
            agent: None,
            reason: reason.clone(),
        };
        if !dry_run {
            match escalate_one(env, &cb, &case.id, &reason, to, Some(&rule.name)) {
                Ok(c) => {
                    decision.team = c.team.as_deref().map(str::to_string);
                    decision.agent = c.assignee.as_deref().map(str::to_string);
                }
                Err(e) => {
                    decision.reason = format!("not escalated: {e}");
                }
            }
        }
        done.push(decision);
    }
    print_decisions(env, &done)?;
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
