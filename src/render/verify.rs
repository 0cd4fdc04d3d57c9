//! `docket verify` and the server hook: one line per finding, or JSON.

use std::io::{self, Write};

use serde::Serialize;

use crate::core::verify::Finding;

/// The JSON document of a run.
#[derive(Serialize)]
pub struct Summary<'a> {
    pub clean: bool,
    pub commits: usize,
    pub commits_checked: usize,
    pub cases: usize,
    /// Where a shallow clone's history is cut: those commits are the starting point.
    pub shallow_boundary: &'a [String],
    pub findings: &'a [Finding],
}

/// `KIND  COMMIT  FILE  MESSAGE`, one finding per line (case text escaped).
pub fn findings(out: &mut dyn Write, findings: &[Finding]) -> io::Result<()> {
    for f in findings {
        let commit = f
            .commit
            .as_deref()
            .map_or("(tip)", |c| &c[..c.len().min(10)]);
        writeln!(
            out,
            "{}: {} {}: {}",
            f.kind.as_str(),
            commit,
            super::safe(f.file.as_deref().unwrap_or("-")),
            super::safe(&f.message)
        )?;
    }
    Ok(())
}

/// The closing line: what was looked at and how many problems.
pub fn summary_line(s: &Summary<'_>) -> String {
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    let scope = format!(
        "{} ({} checked now, the rest from the cache) and {}",
        plural(s.commits, "commit"),
        s.commits_checked,
        plural(s.cases, "case file")
    );
    let scope = if s.shallow_boundary.is_empty() {
        scope
    } else {
        format!(
            "{scope}; the history is cut at {} (a shallow clone: fetch more history to check what came before)",
            s.shallow_boundary
                .iter()
                .map(|c| &c[..c.len().min(10)])
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    if s.clean {
        format!("verify: clean: {scope}")
    } else {
        format!("verify: {} in {scope}", plural(s.findings.len(), "problem"))
    }
}
