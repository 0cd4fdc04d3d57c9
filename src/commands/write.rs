//! The one path every change to an existing case takes (commands, guides, autoclose and
//! the demo): apply in memory, then one commit through `store`.

use crate::core::case::Case;
use crate::core::edit::Op;
use crate::core::lifecycle::Ctx;
use crate::error::Result;
use crate::render::Ui;
use crate::store::Casebook;
use crate::store::cases::CaseFile;
use crate::store::git::WriteSession;

use super::Env;

/// Applies `change` to a case read under `session`'s lock and commits it as one commit
/// `<action> <ID>: <summary>` (the summary is what `change` returns). Nothing is written
/// if `change` fails. A warning from the write (the index) goes to `ui`.
pub fn write_with(
    ui: &mut Ui,
    session: &WriteSession<'_>,
    file: CaseFile,
    action: &str,
    mut ctx: Ctx,
    change: impl FnOnce(&mut Case, &mut Ctx) -> Result<String>,
) -> Result<Case> {
    let mut case = file.case.clone();
    let before = case.timeline.len();
    let summary = change(&mut case, &mut ctx).map_err(|e| e.context(&case.id))?;
    // The new events get unique ids and the next logical clocks (what merges order by).
    crate::core::merge::ensure_unique_ids(&mut case, before);
    crate::core::merge::stamp_clocks(&mut case, before);
    let commit = session.save_case(&file, &case, action, &summary, ctx.now)?;
    if let Some(w) = commit.warning {
        ui.warn(w);
    }
    Ok(case)
}

/// [`write_with`] for an [`Op`], under the casebook's rules.
pub fn write_op(
    ui: &mut Ui,
    cb: &Casebook,
    session: &WriteSession<'_>,
    file: CaseFile,
    op: Op,
    ctx: Ctx,
) -> Result<Case> {
    let action = op.action();
    write_with(ui, session, file, action, ctx, |case, ctx| {
        Ok(op.apply(case, ctx, &cb.config)?)
    })
}

/// What a command line does to one case: takes the write lock, loads the case, acts as
/// the agent (or `--from` customer) and commits `op`.
pub fn edit_case(
    env: &mut Env<'_>,
    cb: &Casebook,
    query: &str,
    op: Op,
    from: Option<&str>,
) -> Result<Case> {
    let action = op.action();
    edit_case_with(env, cb, query, action, from, |case, ctx| {
        Ok(op.apply(case, ctx, &cb.config)?)
    })
}

/// [`edit_case`] for any change: `change` edits the case and returns the commit summary.
pub fn edit_case_with(
    env: &mut Env<'_>,
    cb: &Casebook,
    query: &str,
    action: &str,
    from: Option<&str>,
    change: impl FnOnce(&mut Case, &mut Ctx) -> Result<String>,
) -> Result<Case> {
    crate::vars::mark("casebook opened");
    let mut session = cb.begin_write()?;
    if let Some(handle) = &env.global.as_agent {
        session.acting_as(cb.agents.resolve(handle)?.0);
    }
    crate::vars::mark("write session begun");
    let file = cb.load_for_write(query)?;
    crate::vars::mark("case read");
    let actor = env.actor_for(cb, file.case.contact.as_deref(), from)?;
    // A person's uncommitted edit of the file goes into this commit, visibly: named in
    // the message, and each changed field recorded as a `set` event.
    let mut hand_edits = Vec::new();
    if cb.has_uncommitted_edits(&file) {
        if let Some(committed) = cb.committed_case(&file) {
            hand_edits = hand_edited_fields(&committed, &file.case);
        }
        let names: Vec<&str> = hand_edits.iter().map(|(f, _, _)| f.as_str()).collect();
        env.status(format!(
            "note: {} had uncommitted edits ({}); they are part of this commit.",
            file.path,
            if names.is_empty() {
                "text only".to_string()
            } else {
                names.join(", ")
            }
        ));
        session.add_trailer(
            "Docket-Hand-Edit",
            &if names.is_empty() {
                "text".to_string()
            } else {
                names.join(", ")
            },
        );
    }
    let ctx = env.ctx(actor);
    write_with(env.ui, &session, file, action, ctx, |case, ctx| {
        for (field, from, to) in &hand_edits {
            let mut e = ctx.event("set");
            e.field = Some(field.clone().into());
            e.from = from.clone().map(Into::into);
            e.to = to.clone().map(Into::into);
            e.reason = Some("edited by hand in the file; committed with this change".into());
            case.timeline.push(e);
        }
        change(case, ctx)
    })
}

/// The fields a hand edit changed between the committed case and the file: `(field,
/// from, to)` as texts (`fields.NAME` for custom fields).
fn hand_edited_fields(
    committed: &Case,
    edited: &Case,
) -> Vec<(String, Option<String>, Option<String>)> {
    let table = |c: &Case| {
        toml::Value::try_from(c)
            .ok()
            .and_then(|v| v.as_table().cloned())
            .unwrap_or_default()
    };
    let text = |v: &Option<toml::Value>| v.as_ref().map(crate::core::case::value_text);
    crate::core::history::diff(Some(&table(committed)), Some(&table(edited)))
        .into_iter()
        .filter(|c| c.field != "updated_at")
        .map(|c| (c.field, text(&c.from), text(&c.to)))
        .collect()
}
