//! `docket whoami`: which agent you are, matched how, and what to add to agents.toml if
//! you are none.

use serde::Serialize;

use crate::cli::WhoamiArgs;
use crate::core::agents::Agents;
use crate::error::Result;

use super::Env;

#[derive(Serialize)]
struct Whoami {
    /// Your agent handle, if you are one.
    agent: Option<String>,
    /// `as` (--as), `email` or `name` (how your Git identity matched), or null.
    matched_by: Option<&'static str>,
    name: String,
    email: String,
    team: Option<String>,
}

pub fn run(env: &mut Env<'_>, _args: WhoamiArgs) -> Result<()> {
    let cb = env.casebook()?;
    let id = cb.author()?;
    let (agent, matched_by) = match &env.global.as_agent {
        Some(h) => (Some(cb.agents.resolve(h)?.0.to_string()), Some("as")),
        None => match cb.agents.match_identity(&id.name, &id.email) {
            Some((h, how)) => (Some(h.to_string()), Some(how)),
            None => (None, None),
        },
    };
    let team = agent
        .as_deref()
        .and_then(|h| cb.agents.resolve(h).ok())
        .and_then(|(_, a)| a.team.clone());
    let w = Whoami {
        agent,
        matched_by,
        name: id.name.clone(),
        email: id.email.clone(),
        team,
    };
    if env.json() {
        env.ui.print_json(&w)?;
        return Ok(());
    }
    let out = env.ui.out();
    match (&w.agent, w.matched_by) {
        (Some(h), Some("as")) => writeln!(
            out,
            "{h} (--as; the Git author stays {} <{}>)",
            w.name, w.email
        )?,
        (Some(h), Some(how)) => writeln!(
            out,
            "{h} (your Git identity {} <{}> matched by {how})",
            w.name, w.email
        )?,
        _ => {
            let handle = Agents::suggest_handle(&w.name, &w.email);
            writeln!(
                out,
                "no agent: your Git identity {} <{}> matches none in agents.toml. Add:\n\n[agents.{handle}]\nname = {:?}\nemail = {:?}\nteam = \"support\"",
                w.name, w.email, w.name, w.email
            )?;
        }
    }
    Ok(())
}
