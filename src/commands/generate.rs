//! Shell completions and man pages, generated from the clap definitions in `cli`.

use std::io::Write;
use std::path::Path;

use clap::CommandFactory;
use clap_complete::env::{self, EnvCompleter};

use crate::cli::{Cli, CompletionsArgs, GenerateArgs, Shell};
use crate::error::Result;

use super::Env;

fn shell(s: Shell) -> &'static dyn EnvCompleter {
    match s {
        Shell::Bash => &env::Bash,
        Shell::Zsh => &env::Zsh,
        Shell::Fish => &env::Fish,
        Shell::Elvish => &env::Elvish,
        Shell::Powershell => &env::Powershell,
    }
}

/// The completion script for a shell: it registers `docket` and calls back into it (with
/// `COMPLETE=<shell>`) for candidates, so case IDs, agents and configured values complete
/// from the casebook at hand. The same text as `COMPLETE=<shell> docket`.
pub fn completion_script(s: Shell) -> Vec<u8> {
    let mut out = Vec::new();
    shell(s)
        .write_registration("COMPLETE", "docket", "docket", "docket", &mut out)
        .expect("writing to memory cannot fail");
    out
}

/// The file name a completion script is committed under.
pub fn completion_file(s: Shell) -> &'static str {
    match s {
        Shell::Bash => "docket.bash",
        Shell::Zsh => "_docket",
        Shell::Fish => "docket.fish",
        Shell::Elvish => "docket.elv",
        Shell::Powershell => "_docket.ps1",
    }
}

pub const SHELLS: [Shell; 5] = [
    Shell::Bash,
    Shell::Zsh,
    Shell::Fish,
    Shell::Elvish,
    Shell::Powershell,
];

const FILES: &str = r#".TP
\fBdocket.toml\fR
Casebook settings: id_prefix, types, priorities, channels, states, autoclose_after, escalation, custom fields.
.TP
\fBagents.toml\fR
Agents ([agents.HANDLE]: name, email, team, skills) and teams ([teams.NAME]).
.TP
\fBcases/\fISHARD\fB/\fIID\fB.toml\fR
One file per case: current fields, then the append-only [[timeline]] of events.
.TP
\fB.git/docket/\fR
docket's lock and summary cache (never committed; rebuilt when missing).
"#;

const ENVIRONMENT: &str = r#".TP
\fBDOCKET_DIR\fR
The casebook folder, like \fB--casebook\fR.
.TP
\fBDOCKET_NOW\fR
An RFC 3339 time used as "now" by every command (events and commit dates).
.TP
\fBGIT_AUTHOR_NAME\fR, \fBGIT_AUTHOR_EMAIL\fR
Who acts; otherwise user.name and user.email from git config. GIT_COMMITTER_* likewise.
.TP
\fBEDITOR\fR, \fBVISUAL\fR
The editor \fBdocket comment\fR opens on a terminal when no text is given.
.TP
\fBNO_COLOR\fR
Disables colour (unless \fB--color always\fR).
.TP
\fBCOLUMNS\fR
The width tables are fitted to.
.TP
\fBDOCKET_RANDOM_SEED\fR
A number: case and event IDs come from a reproducible sequence (tests, demos); give each command its own.
"#;

const EXIT_STATUS: &str = r#".TP
\fB0\fR
Success.
.TP
\fB1\fR
A check found something (for example SLA breaches with \fB--fail-on\fR).
.TP
\fB2\fR
An error: bad arguments, an unknown or ambiguous case ID, an invalid file, a missing Git identity, a Git failure.
.TP
\fB130\fR
Interrupted at a prompt (Ctrl-C or Esc); nothing was written.
"#;

/// What docket.1 says beyond the options: the lifecycle, SLA policies and guides.
const GUIDE_SECTIONS: &str = r#".SH LIFECYCLE
A case is new until an agent acts on it (open). \fBwait\fR sets awaiting\-info until the customer
answers; \fBresolve\fR proposes a solution; \fBaccept\fR or \fBclose\fR (or \fBautoclose\fR after
autoclose_after without a reply) closes it; \fBreject\fR or a customer's message reopens a resolved or
closed case; \fBcancel\fR ends it without a resolution; \fBreopen\fR brings any ended case back.
.SH "SLA POLICIES"
docket.toml holds [calendars.NAME] (timezone, hours per weekday, holidays) and [[sla]] tables: name,
kind (response, resolution or custom with stop_on), target (30m, 8h, 2d: working time on the calendar),
calendar, match (priority, type, account, tags, team, fields.NAME), pause_states, warn_at, external.
Every clock stops when the case is resolved or closed (stop_when_resolved = false keeps a custom one
running). \fBdocket sla\fR reports the clocks; \fBdocket sla explain ID\fR shows why.
.SH GUIDES
guides/NAME.toml is a decision tree: title, applies_to (case types), start, and [nodes.ID] tables that
ask (choices = [{ label, next }]), take an input (field, type, required, pattern, pattern_hint, min,
max, next, when) or end in an outcome (actions: set, priority, tag, escalate, resolve, assign, note,
check, guide). \fBdocket guide check\fR validates them; \fBdocket guide run ID\fR walks a case through one.
"#;

/// The date on the man pages (fixed, so they do not change every day; bump on release).
const MAN_DATE: &str = "2026-11-25";

/// Escapes text for roff: backslashes and leading dots or quotes.
fn roff_text(line: &str) -> String {
    let escaped = line.replace('\\', "\\e").replace('-', "\\-");
    if escaped.starts_with('.') || escaped.starts_with('\'') {
        format!("\\&{escaped}")
    } else {
        escaped
    }
}

/// One man page: clap_mangen's sections, then EXAMPLES (from the command's after-help),
/// FILES, ENVIRONMENT and EXIT STATUS. No version section, so pages do not change with
/// every commit.
fn man_page(cmd: &clap::Command) -> Vec<u8> {
    let man = clap_mangen::Man::new(cmd.clone());
    let mut page = Vec::new();
    let render = |page: &mut Vec<u8>| -> std::io::Result<()> {
        man.render_title(page)?;
        man.render_name_section(page)?;
        man.render_synopsis_section(page)?;
        man.render_description_section(page)?;
        if cmd.get_arguments().any(|a| !a.is_hide_set()) {
            man.render_options_section(page)?;
        }
        if cmd.get_subcommands().any(|s| !s.is_hide_set()) {
            man.render_subcommands_section(page)?;
        }
        if let Some(after) = cmd.get_after_help() {
            let text = after.to_string();
            let examples: Vec<&str> = text
                .lines()
                .skip_while(|l| !l.starts_with("Examples"))
                .skip(1)
                .collect();
            if !examples.is_empty() {
                writeln!(page, ".SH EXAMPLES\n.nf")?;
                for line in examples {
                    writeln!(page, "{}", roff_text(line.trim_start()))?;
                }
                writeln!(page, ".fi")?;
            }
        }
        write!(
            page,
            ".SH FILES\n{FILES}.SH ENVIRONMENT\n{ENVIRONMENT}.SH \"EXIT STATUS\"\n{EXIT_STATUS}"
        )?;
        if cmd.get_name() != "docket" {
            writeln!(page, ".SH \"SEE ALSO\"\n\\fBdocket\\fR(1)")?;
        } else {
            page.write_all(GUIDE_SECTIONS.as_bytes())?;
        }
        Ok(())
    };
    render(&mut page).expect("rendering to memory cannot fail");
    // Each clap_mangen section call repeats the quote-string preamble; keep the first.
    // Then what `mandoc -T lint` warns about: the title line (an upper-case title, a
    // real date, the source), `.br` around blank lines, trailing blanks.
    let text = String::from_utf8(page).expect("roff output is UTF-8");
    let mut seen = std::collections::HashSet::new();
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let preamble = line.starts_with(".ie \\n(.g .ds Aq") || line.starts_with(".el .ds Aq");
        if preamble && !seen.insert(line.to_string()) {
            continue;
        }
        if line.starts_with(".TH ") {
            out.push_str(&format!(
                ".TH {} 1 {MAN_DATE} \"docket {}\" \"docket manual\"\n",
                cmd.get_name().to_uppercase(),
                env!("CARGO_PKG_VERSION")
            ));
            continue;
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    let out = out.replace("\n.br\n\n.br\n", "\n.sp\n");
    with_value_placeholders(cmd, &out).into_bytes()
}

/// Adds value placeholders to the SYNOPSIS (`[--csat CSAT]`, not just `[--csat]`).
fn with_value_placeholders(cmd: &clap::Command, page: &str) -> String {
    let mut lines: Vec<String> = page.lines().map(String::from).collect();
    let Some(i) = lines.iter().position(|l| l == ".SH SYNOPSIS") else {
        return page.to_string();
    };
    let Some(synopsis) = lines.get_mut(i + 1) else {
        return page.to_string();
    };
    for arg in cmd.get_arguments() {
        let (Some(long), true) = (arg.get_long(), arg.get_action().takes_values()) else {
            continue;
        };
        let value = arg
            .get_value_names()
            .and_then(|v| v.first())
            .map(|v| v.to_string())
            .unwrap_or_else(|| arg.get_id().to_string().to_uppercase());
        let flag = format!("\\fB\\-\\-{}\\fR", long.replace('-', "\\-"));
        *synopsis = synopsis.replace(&format!("{flag}]"), &format!("{flag} \\fI{value}\\fR]"));
    }
    let mut text = lines.join("\n");
    text.push('\n');
    text
}

/// Every man page: `docket.1` and one per visible subcommand.
pub fn man_pages() -> Vec<(String, Vec<u8>)> {
    let mut cmd = Cli::command();
    cmd.build();
    let mut pages = vec![("docket.1".to_string(), man_page(&cmd))];
    for sub in cmd
        .get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
    {
        let name = format!("docket-{}", sub.get_name());
        // Nested commands (`guide run`, `sla explain`) get pages of their own too.
        for nested in sub
            .get_subcommands()
            .filter(|s| !s.is_hide_set() && s.get_name() != "help")
        {
            let nested_name = format!("{name}-{}", nested.get_name());
            let page = nested
                .clone()
                .name(nested_name.clone())
                .bin_name(nested_name.replace('-', " "));
            pages.push((format!("{nested_name}.1"), man_page(&page)));
        }
        let sub = sub
            .clone()
            .name(name.clone())
            .bin_name(name.replace('-', " "));
        pages.push((format!("{name}.1"), man_page(&sub)));
    }
    pages
}

/// Every generated file, by path relative to the repository root.
pub fn generated_files() -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = SHELLS
        .iter()
        .map(|s| {
            (
                format!("completions/{}", completion_file(*s)),
                completion_script(*s),
            )
        })
        .collect();
    files.extend(
        man_pages()
            .into_iter()
            .map(|(name, page)| (format!("man/{name}"), page)),
    );
    files
}

pub fn completions(env: &mut Env<'_>, args: CompletionsArgs) -> Result<()> {
    env.ui.out().write_all(&completion_script(args.shell))?;
    Ok(())
}

pub fn files(env: &mut Env<'_>, args: GenerateArgs) -> Result<()> {
    let root = Path::new(&args.dir);
    for (path, content) in generated_files() {
        crate::store::fsutil::atomic_write(&root.join(&path), &content)?;
    }
    env.status(format!(
        "Wrote completions/ and man/ in {}.",
        root.display()
    ));
    Ok(())
}
