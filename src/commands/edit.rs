//! The commands that change one case: assign, comment, escalate, set and the lifecycle
//! transitions. Each builds an [`Op`] and commits it through [`edit_case`].

use std::io::{IsTerminal, Read};

use crate::cli::{
    AssignArgs, CommentArgs, CsatArgs, OptReasonArgs, ReasonArgs, ResolveArgs, SetArgs,
};
use crate::core::case::{State, Visibility};
use crate::core::edit::{self, Op};
use crate::core::lifecycle::{Transition, TransitionDetails};
use crate::error::{CmdError, Result};

use super::{Env, edit_case};

pub fn assign(env: &mut Env<'_>, args: AssignArgs) -> Result<()> {
    let cb = env.casebook()?;
    let target = match &args.agent {
        None => None,
        Some(a) if a.eq_ignore_ascii_case("me") => Some(env.me(&cb)?),
        Some(a) => {
            let (handle, agent) = cb.agents.resolve(a)?;
            Some((handle.to_string(), agent.team.clone()))
        }
    };
    // An agent who lacks a skill, is away or at capacity is refused unless --force.
    if let Some((handle, _)) = &target
        && !args.force
    {
        super::routing::check_manual(env, &cb, &args.id, handle)?;
    }
    let case = edit_case(env, &cb, &args.id, Op::Assign(target), None)?;
    let msg = match &case.assignee {
        Some(h) => format!("Assigned {} to {h}.", case.id),
        None => format!("Unassigned {}", case.id),
    };
    env.report_case(&case, msg)
}

/// What the editor opens with, like `git commit`: the case, the visibility, how to abort.
fn editor_template(case: &crate::core::case::Case, args: &CommentArgs) -> String {
    let visibility = if args.internal {
        "an internal work note (the customer does not see it)"
    } else if args.from.is_some() {
        "the customer's words"
    } else {
        "customer-visible (use --internal for a work note)"
    };
    format!(
        "\n# Comment on {}: {}\n# This comment is {visibility}.\n# Lines starting with '#' are dropped; an empty comment records nothing.\n",
        case.id,
        crate::render::safe(&case.title)
    )
}

/// The comment's text: the argument, `-m`, `--file`, stdin (`-`), or the editor on a
/// terminal (opened with [`editor_template`]; its `#` lines are dropped).
fn comment_text(args: &CommentArgs, template: impl FnOnce() -> String) -> Result<String> {
    if let Some(m) = &args.message {
        return Ok(m.clone());
    }
    if let Some(path) = &args.file {
        return std::fs::read_to_string(path)
            .map_err(|e| CmdError::user(format!("{}: {e}", path.display())));
    }
    match args.stdin.as_deref() {
        Some("-") => {
            let mut text = String::new();
            std::io::stdin().read_to_string(&mut text)?;
            Ok(text)
        }
        Some(text) => Ok(text.to_string()),
        None if std::io::stdin().is_terminal() && std::io::stderr().is_terminal() => {
            let text = crate::render::prompt::editor(&template())
                .map_err(|e| CmdError::user(format!("editor: {e}")))?
                .ok_or_else(|| {
                    CmdError::user("the editor was closed without saving; nothing was recorded")
                })?;
            let kept: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
            Ok(kept.join("\n").trim().to_string())
        }
        None => Err(CmdError::user(
            "no comment text: pass TEXT (or -m TEXT), --file F, or - to read stdin",
        )),
    }
}

pub fn comment(env: &mut Env<'_>, args: CommentArgs) -> Result<()> {
    let cb = env.casebook()?;
    let channel = match &args.channel {
        Some(c) => cb.config.check_channel(c)?,
        None => cb.config.default_channel().to_string(),
    };
    let op = Op::Comment {
        text: comment_text(&args, || match cb.load_case(&args.id) {
            Ok(f) => editor_template(&f.case, &args),
            Err(_) => String::new(),
        })?,
        channel,
        visibility: if args.internal {
            Visibility::Internal
        } else {
            Visibility::Public
        },
    };
    let current = cb.load_case(&args.id)?.case;
    let before = current.state;
    if before == State::Closed && args.from.is_some() && cb.config.closed_reply == "follow-up" {
        return follow_up(env, &cb, &current, &args, op);
    }
    let case = edit_case(env, &cb, &args.id, op, args.from.as_deref())?;
    if before != case.state && matches!(before, State::Resolved | State::Closed) {
        // Said even with --quiet: the case is back in the open lists.
        env.ui.prompt_note(format!(
            "{} was {before}; the customer's message reopened it.",
            case.id
        ));
    }
    env.report_case(&case, format!("Commented on {}", case.id))
}

/// `closed_reply = "follow-up"`: the customer's message on a closed case opens a new case
/// linked to it (`parent`), and the closed one stays as it was.
fn follow_up(
    env: &mut Env<'_>,
    cb: &crate::store::Casebook,
    closed: &crate::core::case::Case,
    args: &CommentArgs,
    op: Op,
) -> Result<()> {
    let Op::Comment { text, channel, .. } = op else {
        return Err(CmdError::internal("a follow-up needs a comment"));
    };
    let new = crate::core::lifecycle::NewCase {
        id: String::new(),
        title: format!("Follow-up: {}", closed.title),
        kind: closed.kind.to_string(),
        priority: closed.priority.to_string(),
        account: closed.account.as_deref().map(str::to_string),
        contact: closed.contact.as_deref().map(str::to_string),
        tags: closed.tags.clone(),
        fields: Default::default(),
        body: Some(text),
        channel,
    };
    let actor = env.actor_for(cb, closed.contact.as_deref(), args.from.as_deref())?;
    let session = cb.begin_write()?;
    let parent = closed.id.clone();
    let case =
        super::create::create_case_with(env.ui, cb, &session, new, actor, env.now, None, |c| {
            c.parent = Some(parent.clone());
        })?;
    env.ui.prompt_note(format!(
        "{} is closed; the customer's message opened a follow-up case {}.",
        closed.id, case.id
    ));
    env.report_case(&case, format!("Created {}: {}", case.id, case.title))
}

pub fn set(env: &mut Env<'_>, args: SetArgs) -> Result<()> {
    let cb = env.casebook()?;
    let changes = edit::parse_changes(&cb.config, &cb.agents, &args.changes)?;
    let case = match edit_case(env, &cb, &args.id, Op::Set(changes), None) {
        Ok(case) => case,
        // Asking for what is already so is not an error (exit 0, nothing written).
        Err(e)
            if e.causes
                .iter()
                .any(|c| c == &edit::EditError::NothingToChange.to_string()) =>
        {
            let case = cb.load_case(&args.id)?.case;
            return env.report_case(&case, format!("{}: nothing to change", case.id));
        }
        Err(e) => return Err(e),
    };
    env.report_case(&case, format!("Updated {}", case.id))
}

fn transition(
    env: &mut Env<'_>,
    query: &str,
    t: Transition,
    details: TransitionDetails,
) -> Result<()> {
    let cb = env.casebook()?;
    let case = edit_case(env, &cb, query, Op::Transition(t, details), None)?;
    let label = cb.config.state_label(case.state.as_str()).to_string();
    env.report_case(&case, format!("{} is now {label}.", case.id))
}

fn because(reason: Option<String>) -> TransitionDetails {
    TransitionDetails {
        reason,
        ..Default::default()
    }
}

pub fn wait(env: &mut Env<'_>, args: ReasonArgs) -> Result<()> {
    transition(env, &args.id, Transition::Wait, because(Some(args.reason)))
}

pub fn resolve(env: &mut Env<'_>, args: ResolveArgs) -> Result<()> {
    if args.resolution.trim().is_empty() {
        return Err(CmdError::user("--resolution cannot be empty"));
    }
    let details = TransitionDetails {
        resolution: Some(args.resolution),
        ..Default::default()
    };
    transition(env, &args.id, Transition::Resolve, details)
}

pub fn accept(env: &mut Env<'_>, args: CsatArgs) -> Result<()> {
    let details = TransitionDetails {
        reason: Some("customer accepted the solution".into()),
        csat: args.csat,
        ..Default::default()
    };
    transition(env, &args.id, Transition::Accept, details)
}

pub fn close(env: &mut Env<'_>, args: CsatArgs) -> Result<()> {
    let details = TransitionDetails {
        csat: args.csat,
        ..Default::default()
    };
    transition(env, &args.id, Transition::Close, details)
}

pub fn reject(env: &mut Env<'_>, args: ReasonArgs) -> Result<()> {
    transition(
        env,
        &args.id,
        Transition::Reject,
        because(Some(args.reason)),
    )
}

pub fn reopen(env: &mut Env<'_>, args: OptReasonArgs) -> Result<()> {
    transition(env, &args.id, Transition::Reopen, because(args.reason))
}

pub fn cancel(env: &mut Env<'_>, args: OptReasonArgs) -> Result<()> {
    transition(env, &args.id, Transition::Cancel, because(args.reason))
}
