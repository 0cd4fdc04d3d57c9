//! What `docket sync` did: a few lines for people, or JSON for scripts.

use std::io::{self, Write};

use serde::Serialize;

use super::Format;

#[derive(Serialize, Default)]
pub struct Conflict {
    pub case: String,
    pub field: String,
    pub kept: String,
    pub over: String,
}

#[derive(Serialize, Default)]
pub struct Reidentified {
    pub from: String,
    pub to: String,
}

/// What `sync` did, for people and (`--format json`) scripts.
#[derive(Serialize, Default)]
pub struct Synced {
    pub remote: String,
    pub branch: String,
    /// Cases changed on the remote that came in.
    pub incoming: Vec<String>,
    /// Cases changed here that went out.
    pub outgoing: Vec<String>,
    /// Cases changed on both sides, merged by docket.
    pub merged: Vec<String>,
    pub conflicts: Vec<Conflict>,
    /// Local cases whose ID was also created in another clone, given a new one.
    pub reidentified: Vec<Reidentified>,
    pub fast_forward: bool,
    pub pushed: bool,
    pub retries: usize,
}

/// The report in `format`: JSON, or one line per fact (returned, for the status stream).
pub fn lines(r: &Synced) -> Vec<String> {
    let mut lines = Vec::new();
    let plural = |n: usize| if n == 1 { "case" } else { "cases" };
    if r.incoming.is_empty() && r.outgoing.is_empty() && !r.pushed {
        lines.push(format!("Up to date with {}/{}.", r.remote, r.branch));
    }
    if !r.incoming.is_empty() {
        lines.push(format!(
            "In: {} {} changed on {}/{}{}.",
            r.incoming.len(),
            plural(r.incoming.len()),
            r.remote,
            r.branch,
            if r.fast_forward {
                " (fast-forward)"
            } else {
                ""
            }
        ));
    }
    if !r.merged.is_empty() {
        lines.push(format!(
            "Merged {} {} changed on both sides: {}.",
            r.merged.len(),
            plural(r.merged.len()),
            r.merged.join(", ")
        ));
    }
    for x in &r.reidentified {
        lines.push(format!(
            "Re-identified {} as {}: the same ID was created in another clone.",
            x.from, x.to
        ));
    }
    for c in &r.conflicts {
        lines.push(format!(
            "  {} {}: changed in both clones; kept {:?} over {:?} (a merge event records both)",
            c.case, c.field, c.kept, c.over
        ));
    }
    if r.pushed && r.outgoing.is_empty() && r.incoming.is_empty() && r.merged.is_empty() {
        lines.push(format!("Out: pushed {} to {}.", r.branch, r.remote));
    } else if r.pushed {
        lines.push(format!(
            "Out: {} {} pushed to {}/{}{}.",
            r.outgoing.len(),
            plural(r.outgoing.len()),
            r.remote,
            r.branch,
            if r.retries > 0 {
                format!(
                    " (after {} retr{})",
                    r.retries,
                    if r.retries == 1 { "y" } else { "ies" }
                )
            } else {
                String::new()
            }
        ));
    }
    lines
}

/// JSON for scripts (people get [`lines`] on stderr).
pub fn write(out: &mut dyn Write, format: Format, r: &Synced) -> io::Result<()> {
    match format {
        Format::Json => super::write_json(out, r),
        _ => Ok(()),
    }
}
