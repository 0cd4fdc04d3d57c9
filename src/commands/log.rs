//! `docket log`: a case's history from Git, one entry per commit, newest first, with the
//! field-level changes and the events each commit added.

use crate::cli::LogArgs;
use crate::core::history::{self, Version};
use crate::error::Result;
use crate::render;
use crate::store::casefile;

use super::Env;

pub fn run(env: &mut Env<'_>, args: LogArgs) -> Result<()> {
    let cb = env.casebook()?;
    let id = cb.resolve_id(&args.id)?;
    let commits = cb.file_history(&casefile::path_for(&id))?;
    let hide_notes = !env.may_read_internal_notes(&cb);
    let mut entries: Vec<history::Entry> = commits
        .iter()
        .map(|c| {
            history::entry(&Version {
                commit: c.commit.clone(),
                author: format!("{} <{}>", c.author.name, c.author.email),
                at: c.at,
                message: &c.message,
                before: c.before.as_deref(),
                after: c.after.as_deref(),
                shallow_boundary: c.cut,
            })
        })
        .collect();
    if hide_notes {
        for e in &mut entries {
            e.events.retain(|v| {
                !(v.get("kind").and_then(|k| k.as_str()) == Some("comment")
                    && v.get("visibility").and_then(|k| k.as_str()) == Some("internal"))
            });
        }
    }
    let (format, zone) = (env.ui.format, env.ui.style.zone);
    render::log::write(env.ui.out(), format, &entries, zone)?;
    Ok(())
}
