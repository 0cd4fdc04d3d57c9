//! `docket merge-file BASE OURS THEIRS [PATH]`: Git's merge driver for case files
//! (`merge.docket.driver`, `cases/**/*.toml merge=docket` in `.gitattributes`). Merges
//! the three versions with `core::merge` and writes the result over OURS; exit 0. A
//! version that does not parse falls back to Git's own merge with conflict markers, and
//! the driver exits 1, so nothing is lost silently.

use std::collections::BTreeSet;

use crate::cli::MergeFileArgs;
use crate::core::case::Case;
use crate::core::merge;
use crate::error::{CmdError, Kind, Result};
use crate::store::{casefile, fsutil};

use super::Env;

/// The top-level keys docket itself writes; any other is merged as an unknown key.
const KNOWN: [&str; 18] = [
    "id",
    "title",
    "type",
    "state",
    "priority",
    "account",
    "contact",
    "assignee",
    "team",
    "escalation_level",
    "parent",
    "tags",
    "resolution",
    "csat",
    "created_at",
    "updated_at",
    "fields",
    "timeline",
];

pub fn run(env: &mut Env<'_>, args: MergeFileArgs) -> Result<()> {
    let read = |p: &std::path::Path| {
        std::fs::read_to_string(p).map_err(|e| CmdError::user(format!("{}: {e}", p.display())))
    };
    let (base_text, ours_text, theirs_text) =
        (read(&args.base)?, read(&args.ours)?, read(&args.theirs)?);
    let parse = |t: &str| casefile::parse(t).ok();
    let base = if base_text.trim().is_empty() {
        Some(None)
    } else {
        parse(&base_text).map(Some)
    };
    let (Some(base), Some(ours), Some(theirs)) = (base, parse(&ours_text), parse(&theirs_text))
    else {
        return fall_back(env, &args);
    };
    let (merged, report) = merge::merge(base.as_ref(), &ours, &theirs);
    let text = if merged == ours {
        ours_text.clone()
    } else if merged == theirs {
        theirs_text.clone()
    } else {
        with_unknown_keys(&render(&merged), &base_text, &ours_text, &theirs_text)
    };
    fsutil::atomic_write(&args.ours, text.as_bytes())?;
    let path = args.path.as_deref().unwrap_or("a case");
    for (field, win, lose) in &report.conflicts {
        env.status(format!(
            "{path}: {field} changed in both clones; kept {win:?} over {lose:?}"
        ));
    }
    Ok(())
}

fn render(case: &Case) -> String {
    casefile::render_new(case)
}

/// Git's own three-way merge, with conflict markers, into OURS; exit 1.
fn fall_back(env: &mut Env<'_>, args: &MergeFileArgs) -> Result<()> {
    let path = args.path.as_deref().unwrap_or("a case file");
    let status = std::process::Command::new("git")
        .args(["merge-file", "-L", "ours", "-L", "base", "-L", "theirs"])
        .arg(&args.ours)
        .arg(&args.base)
        .arg(&args.theirs)
        .status()
        .map_err(|e| CmdError::user(format!("git merge-file: {e}")))?;
    // Even a clean textual merge is a conflict here: a case docket cannot read must be
    // looked at by a person, never committed by a merge.
    env.ui.error_row(format!(
        "{path}: one version does not parse as a case; merged as text{} for a person to check",
        if status.success() {
            ""
        } else {
            " with conflict markers"
        }
    ));
    Err(CmdError::reported(Kind::Found))
}

/// Adds the top-level keys docket does not know, merged three ways (a key changed on
/// both sides keeps the value whose text sorts last, so every clone agrees).
fn with_unknown_keys(rendered: &str, base: &str, ours: &str, theirs: &str) -> String {
    let table = |t: &str| t.parse::<toml::Table>().unwrap_or_default();
    let (b, o, t) = (table(base), table(ours), table(theirs));
    let keys: BTreeSet<&String> = o
        .keys()
        .chain(t.keys())
        .filter(|k| !KNOWN.contains(&k.as_str()))
        .collect();
    if keys.is_empty() {
        return rendered.to_string();
    }
    let Ok(mut doc) = rendered.parse::<toml_edit::DocumentMut>() else {
        return rendered.to_string();
    };
    for k in keys {
        let (bv, ov, tv) = (b.get(k), o.get(k), t.get(k));
        let value = if ov == tv || tv == bv {
            ov
        } else if ov == bv {
            tv
        } else {
            let text = |v: Option<&toml::Value>| v.map(|v| v.to_string()).unwrap_or_default();
            if text(ov) >= text(tv) { ov } else { tv }
        };
        if let Some(v) = value
            && let Ok(item) = format!("x = {v}").parse::<toml_edit::DocumentMut>()
            && let Some(value) = item.get("x")
        {
            doc.insert(k, value.clone());
        }
    }
    doc.to_string()
}
