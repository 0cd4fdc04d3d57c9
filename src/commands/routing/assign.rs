//! `docket assign ID --auto [--team] [--explain]`, and the checks a manual assignment makes.

use serde::Serialize;

use crate::cli::AssignArgs;
use crate::core::lifecycle::Change;
use crate::core::routing::{self, Candidate};
use crate::error::{CmdError, Kind, Result};
use crate::render::routing as show;
use crate::store::Casebook;

use super::super::Env;
use super::{facts, rank, team_for, working};

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
            super::super::edit_case(env, &cb, &file.case.id, op, None)?;
        }
        env.ui.error_row(format!(
            "{message}; it stays unassigned in the team's queue"
        ));
        return Err(CmdError::reported(Kind::Found));
    };
    let op = crate::core::edit::Op::Assign(Some((agent.clone(), Some(team))));
    let case = super::super::edit_case(env, &cb, &file.case.id, op, None)?;
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
