//! The command line: clap definitions only. The doc comments are the help text, and the
//! completion scripts and man pages are generated from these structs. Each command offers
//! only the `--format`s it can print; `complete` holds the dynamic completers.

pub mod complete;

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use clap_complete::ArgValueCompleter;

use crate::render::Format;

#[derive(Parser, Debug)]
#[command(
    name = "docket",
    version = env!("CARGO_PKG_VERSION"),
    long_version = env!("DOCKET_LONG_VERSION"),
    about = "A customer case manager whose casebook is a Git repository",
    long_about = "docket keeps customer cases as TOML files in a Git repository (the casebook). \
Every change is one Git commit, so `git log` is the audit trail and any Git host is the server.",
    after_help = "Run `docket demo` for a sample casebook, `docket help COMMAND` for a command's help.",
    propagate_version = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// The output format the chosen command was asked for.
    pub fn format(&self) -> Format {
        match &self.command {
            Command::Init(a) => a.format.into(),
            Command::Demo(a) => a.format.into(),
            Command::Create(a) => a.format.into(),
            Command::Show(a) => a.format.into(),
            Command::List(a) => a.format.into(),
            Command::Assign(a) => a.format.into(),
            Command::Comment(a) => a.format.into(),
            Command::Escalate(a) => a.format.into(),
            Command::Set(a) => a.format.into(),
            Command::Wait(a) | Command::Reject(a) => a.format.into(),
            Command::Resolve(a) => a.format.into(),
            Command::Accept(a) | Command::Close(a) => a.format.into(),
            Command::Reopen(a) | Command::Cancel(a) => a.format.into(),
            Command::Autoclose(a) => a.format.into(),
            Command::Log(a) => a.format.into(),
            Command::Sync(a) => a.format.into(),
            Command::Whoami(a) => a.format.into(),
            Command::Clone(a) => a.format.into(),
            Command::Verify(a) => a.format.into(),
            Command::Move(a) => a.format.into(),
            Command::Deescalate(a) => a.format.into(),
            Command::Report(a) => a.format.into(),
            Command::Route(a) => a.format.into(),
            Command::Queue(a) => a.format.into(),
            Command::Mine(a) => a.format.into(),
            Command::Agents(a) => match &a.command {
                Some(AgentsCommand::Set(s)) => s.format.into(),
                None => a.format.into(),
            },
            Command::Hook(a) => a.format.into(),
            Command::Watch(
                WatchCommand::Start(a)
                | WatchCommand::Stop(a)
                | WatchCommand::Status(a)
                | WatchCommand::Run(a),
            ) => a.format.into(),
            Command::Search(a) => a.format.into(),
            Command::Similar(a) => a.format.into(),
            Command::Kb(k) => match k {
                KbCommand::New(a) => a.format.into(),
                KbCommand::List(a) => a.format.into(),
                KbCommand::Show(a) => a.format.into(),
                KbCommand::Search(a) => a.format.into(),
                KbCommand::Check(a) => a.format.into(),
                KbCommand::Send(a) => a.format.into(),
            },
            Command::Sla(a) => match &a.command {
                Some(SlaCommand::Explain(e)) => e.format.into(),
                None => a.format.into(),
            },
            Command::Guide(g) => match g {
                GuideCommand::List(a) => a.format.into(),
                GuideCommand::Check(a) => a.format.into(),
                GuideCommand::Show(a) => a.format.into(),
                GuideCommand::Run(a) => a.format.into(),
            },
            Command::Completions(_) | Command::GenerateFiles(_) | Command::MergeFile(_) => {
                Format::Table
            }
        }
    }
}

/// `--format` is a flag of each command (each offers only what it prints); written
/// before the command (`docket --format json list`), as docket 0.1 allowed, it is moved
/// after it so it still works.
pub fn normalize_args(args: impl IntoIterator<Item = OsString>) -> Vec<OsString> {
    let mut args: Vec<OsString> = args.into_iter().collect();
    let mut moved = Vec::new();
    let mut i = 1;
    while i < args.len() {
        let Some(arg) = args[i].to_str() else { break };
        if arg == "--format" && i + 1 < args.len() {
            moved.extend(args.drain(i..i + 2));
            continue;
        }
        if arg.starts_with("--format=") {
            moved.push(args.remove(i));
            continue;
        }
        if matches!(arg, "--casebook" | "--as" | "--color") {
            i += 2;
            continue;
        }
        if arg == "--" || !arg.starts_with('-') {
            break;
        }
        i += 1;
    }
    if !moved.is_empty() {
        let at = args.iter().position(|a| a == "--").unwrap_or(args.len());
        args.splice(at..at, moved);
    }
    args
}

#[derive(Args, Debug, Clone)]
pub struct Global {
    /// Use the casebook in DIR, the folder holding docket.toml (default: the nearest one up from here)
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        env = "DOCKET_DIR",
        value_name = "DIR"
    )]
    pub casebook: Option<PathBuf>,

    /// Print only data: no status messages
    #[arg(long, short, global = true, help_heading = "Global options")]
    pub quiet: bool,

    /// Act as this agent (a handle from agents.toml) instead of your Git identity
    #[arg(long = "as", global = true, help_heading = "Global options", value_name = "HANDLE", add = ArgValueCompleter::new(complete::agents))]
    pub as_agent: Option<String>,

    /// Show times in UTC (default: local time with its offset; TZ=UTC does the same)
    #[arg(long, global = true, help_heading = "Global options")]
    pub utc: bool,

    /// When to use colour (auto: on a terminal and without NO_COLOR)
    #[arg(long, global = true, help_heading = "Global options", value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorChoice {
    /// Colour on a terminal unless NO_COLOR is set
    Auto,
    /// Always colour
    Always,
    /// Never colour
    Never,
}

/// `--format` of commands that print a case or a short report: a table or text for
/// people, or JSON.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TextFormat {
    /// Human-readable text
    #[default]
    Table,
    /// JSON (stable field names, documented in the README)
    Json,
}

/// `--format` of commands that print rows (`list`, `show`, `log`).
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RowFormat {
    /// Human-readable tables and text
    #[default]
    Table,
    /// JSON (stable field names, documented in the README)
    Json,
    /// Tab-separated values, one record per line, ID first
    Tsv,
}

/// `--format` of `docket sla`.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SlaFormat {
    /// A table, most urgent first
    #[default]
    Table,
    /// JSON, one object per case-SLA pair
    Json,
    /// Tab-separated values, one clock per line
    Tsv,
    /// JUnit XML: a testsuite per SLA, a testcase per case
    Junit,
    /// A Markdown report, e.g. for a CI job summary
    Markdown,
    /// GitHub Actions workflow annotations
    Github,
    /// Comma-separated values with a header
    Csv,
}

/// `--format` of `docket report`.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ReportFormat {
    /// A compact summary (sparklines on a terminal)
    #[default]
    Table,
    /// JSON (stable field names, documented in the README)
    Json,
    /// Comma-separated values: group, metric, value
    Csv,
    /// Markdown tables, e.g. for a CI job summary
    Markdown,
    /// One self-contained HTML page with SVG charts
    Html,
}

impl From<ReportFormat> for Format {
    fn from(f: ReportFormat) -> Format {
        match f {
            ReportFormat::Table => Format::Table,
            ReportFormat::Json => Format::Json,
            ReportFormat::Csv => Format::Csv,
            ReportFormat::Markdown => Format::Markdown,
            ReportFormat::Html => Format::Html,
        }
    }
}

/// `--by` of `docket report`.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportBy {
    Team,
    Agent,
    Channel,
    Type,
    Priority,
    Account,
    Week,
    Month,
}

/// `--format` of `docket guide show`.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GraphFormat {
    /// An indented outline
    #[default]
    Table,
    /// JSON: the guide's nodes
    Json,
    /// Graphviz (`dot -Tsvg`)
    Dot,
}

impl From<TextFormat> for Format {
    fn from(f: TextFormat) -> Format {
        match f {
            TextFormat::Table => Format::Table,
            TextFormat::Json => Format::Json,
        }
    }
}

impl From<RowFormat> for Format {
    fn from(f: RowFormat) -> Format {
        match f {
            RowFormat::Table => Format::Table,
            RowFormat::Json => Format::Json,
            RowFormat::Tsv => Format::Tsv,
        }
    }
}

impl From<SlaFormat> for Format {
    fn from(f: SlaFormat) -> Format {
        match f {
            SlaFormat::Table => Format::Table,
            SlaFormat::Json => Format::Json,
            SlaFormat::Tsv => Format::Tsv,
            SlaFormat::Junit => Format::Junit,
            SlaFormat::Markdown => Format::Markdown,
            SlaFormat::Github => Format::Github,
            SlaFormat::Csv => Format::Csv,
        }
    }
}

impl From<GraphFormat> for Format {
    fn from(f: GraphFormat) -> Format {
        match f {
            GraphFormat::Table => Format::Table,
            GraphFormat::Json => Format::Json,
            GraphFormat::Dot => Format::Dot,
        }
    }
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Make a folder a casebook (git init, docket.toml, agents.toml)
    #[command(
        after_help = "Examples:\n  docket init support\n  docket init            # the current folder"
    )]
    Init(InitArgs),
    /// Build a sample casebook (16 cases over four weeks) and list them
    Demo(DemoArgs),
    /// Open a new case and print its ID
    #[command(
        after_help = "Examples:\n  docket create --title 'Card declined' --type incident --priority P2 \\\n      --account acme --contact 'Jane Doe' --from customer --body 'My card fails'\n  id=$(docket create --title 'Refund' --quiet)"
    )]
    Create(CreateArgs),
    /// Show a case: its fields, then its timeline
    Show(ShowArgs),
    /// List cases, with filters
    #[command(
        after_help = "Examples:\n  docket list --open --priority P1\n  docket list --mine --sort updated\n  docket list --format json | jq '.[].id'"
    )]
    List(ListArgs),
    /// Assign a case to an agent (or --unassign it)
    Assign(AssignArgs),
    /// Add a comment (customer-visible unless --internal)
    #[command(
        after_help = "Examples:\n  docket comment DK-4F -m 'We are looking into it'\n  docket comment DK-4F --from customer --channel phone -m 'Still broken'\n  echo 'note' | docket comment DK-4F --internal -"
    )]
    Comment(CommentArgs),
    /// Raise a case's escalation level, with a reason
    Escalate(EscalateArgs),
    /// Change priority, type, title, tags or custom fields
    #[command(
        after_help = "Examples:\n  docket set DK-4F priority=P1 tags+=vip\n  docket set DK-4F order_id=A-1234 account=acme"
    )]
    Set(SetArgs),
    /// Wait for the customer (state awaiting-info)
    Wait(ReasonArgs),
    /// Propose a solution (state resolved)
    Resolve(ResolveArgs),
    /// Record that the customer accepted the solution (state closed)
    Accept(CsatArgs),
    /// Close a resolved case, optionally with a satisfaction score
    Close(CsatArgs),
    /// Record that the customer refused the solution (back to open)
    Reject(ReasonArgs),
    /// Reopen a waiting, resolved, closed or cancelled case
    Reopen(OptReasonArgs),
    /// Cancel a case (no resolution)
    Cancel(OptReasonArgs),
    /// Close resolved cases whose customer did not answer within the auto-close window
    Autoclose(AutocloseArgs),
    /// Show a case's history from Git, newest first
    Log(LogArgs),
    /// Report SLA clocks: breached, at risk, due; fail a CI job on breaches
    #[command(
        after_help = "Examples:\n  docket sla                          # every open case, most urgent first\n  docket sla --breached --team support\n  docket sla --at 2026-11-30T09:00:00Z   # what will have breached by then?\n  docket sla --fail-on breach --format junit > sla.xml   # in CI\n  docket sla explain DK-4F"
    )]
    Sla(SlaArgs),
    /// Guided decisions: walk a case through a troubleshooting tree
    #[command(
        subcommand,
        after_help = "Examples:\n  docket guide list\n  docket guide run DK-4F lost-card\n  docket guide run DK-4F lost-card --answer kind=Stolen --answer suspicious=Yes\n  docket guide show lost-card --format dot | dot -Tsvg > lost-card.svg\n  docket guide check"
    )]
    Guide(GuideCommand),
    /// Fetch, merge (cases the docket way) and push: work with a team through a Git remote
    #[command(
        after_help = "Examples:\n  docket sync                   # origin, the current branch\n  docket sync upstream --branch main\n  docket sync --format json     # what came in, went out, and conflicts resolved"
    )]
    Sync(SyncArgs),
    /// Clone a casebook and set it up to sync (prints its folder)
    #[command(
        after_help = "Examples:\n  docket clone git@example.com:support/casebook.git\n  cd \"$(docket clone https://example.com/casebook.git cb -q)\""
    )]
    Clone(CloneArgs),
    /// Say which agent you are (matched how), or what to add to agents.toml
    Whoami(WhoamiArgs),
    /// Move a case to another casebook (another repository), leaving a stub here
    #[command(
        after_help = "The case goes to DIR's casebook with its whole timeline; here a stub stays (same ID\nand title, cancelled, one `moved` event naming where it went). Git history here\nstill holds what was moved: see the README on confidentiality.\n\nExamples:\n  docket move DK-4F --to ../confidential"
    )]
    Move(MoveArgs),
    /// Response and resolution times, SLA attainment, backlog, CSAT: tables, data, charts
    #[command(
        long_about = "Response and resolution times, SLA attainment, backlog, CSAT: tables, data, charts.\n\nMetrics (for the period, and each group with --by):\n  volume: cases created; state changes to resolved, closed, cancelled; reopened (back to open from resolved, closed or cancelled)\n  backlog: cases new, open or awaiting info at the end of the period, by age (<1d, 1-3d, 3-7d, 7-30d, >30d) and state\n  first response: creation to the first customer-visible agent comment (or an agent's resolution), for cases first answered in the period: median, p90, mean; with --calendar also in business time\n  resolution: creation to the first resolved, for cases first resolved in the period\n  SLA attainment: per SLA, clocks achieved or breached in the period, running at its end, cancelled in it; attainment = achieved / (achieved + breached)\n  quality: CSAT of closes in the period (average, 1-5); first-contact resolution (no customer message between the first answer and the resolution); reopen rate; escalation and guide rates of the cases created in the period",
        after_help = "Examples:\n  docket report                                  # the last 30 days\n  docket report --since 2026-10-01 --until 2026-11-01 --by team\n  docket report --format html -o report.html\n  docket report --at 2026-11-01T00:00:00Z --since 2026-10-01 --until 2026-11-01   # as it stood then"
    )]
    Report(ReportArgs),
    /// Send an escalated case back to the team it came from, one level down
    Deescalate(DeescalateArgs),
    /// Assign every unassigned open case to the best agent, most urgent first (cron, CI)
    #[command(
        after_help = "Examples:\n  docket route --dry-run            # what would go where\n  docket route --team tier1\n  */10 * * * * cd /srv/cb && docket sync -q && docket route -q && docket sync -q"
    )]
    Route(RouteArgs),
    /// A team's open cases: unassigned first, then by urgency, with the next deadline
    Queue(QueueArgs),
    /// What needs me now: my open cases, next deadline first
    Mine(MineArgs),
    /// The agents: availability, load and capacity, skills, teams; `agents set` changes availability
    #[command(
        after_help = "Examples:\n  docket agents\n  docket agents set alice --away --until 2026-12-01T09:00:00Z\n  docket agents set alice --available"
    )]
    Agents(AgentsArgs),
    /// Full-text search over cases, best first: words, "phrases", -exclusions, field:value, prefix*
    #[command(
        after_help = "Query syntax (every term must match; case and accents do not matter; words match\ntheir other forms: refunds finds refunded):\n  word            a word, stemmed (search.language in docket.toml: english by default)\n  \"exact phrase\"  these words in this order\n  -word  -\"a b\"   exclude (also -field:value)\n  field:value     state, type, priority, account, contact, assignee, team, tag, channel,\n                  id, article, or a custom field; quote a value with spaces: account:\"Big Co\"\n  refund*         a word's beginning (also account:ac*)\nTitles, comments, internal notes (unless --no-internal, or an access rule hides them),\nresolutions, guide transcripts and custom field values are searched.\nExit 0 with matches, 1 with none, 2 on an error.\n\nExamples:\n  docket search card declined\n  docket search '\"card was declined\" -fraud account:acme state:open'\n  docket search 'refund*' --open --format json | jq -r '.[].id'"
    )]
    Search(SearchArgs),
    /// Resolved cases like this one (with how they were solved), articles to send, guides to run
    #[command(
        after_help = "Likeness is judged on the title and the customer's messages, tolerating typos.\n\nExamples:\n  docket similar DK-4F\n  docket show DK-4F --suggest"
    )]
    Similar(SimilarArgs),
    /// The knowledge base: articles in kb/ (Markdown with a TOML header)
    #[command(
        subcommand,
        after_help = "Examples:\n  docket kb new --from DK-4F          # from a resolved case: symptom and resolution\n  docket kb list\n  docket kb search 'password reset'\n  docket kb send DK-7Q reset-password --channel email\n  docket kb check                     # in CI: header errors, broken links, unknown types"
    )]
    Kb(KbCommand),
    /// Check the history: timelines only grow, authors match, times hold, rules kept
    #[command(
        after_help = "Exit 0 when clean, 1 with findings (one line each: kind, commit, file, problem).\n\nExamples:\n  docket verify\n  docket verify --since origin/main      # what a pull request adds (CI)\n  docket verify --format json | jq '.findings[].kind'"
    )]
    Verify(VerifyArgs),
    /// Run as a Git server hook (pre-receive): refuse pushes that break the rules
    #[command(
        after_help = "Install on a bare repository:\n  printf '#!/bin/sh\\nexec docket hook pre-receive\\n' > casebook.git/hooks/pre-receive\n  chmod +x casebook.git/hooks/pre-receive\nIt reads OLD NEW REF lines on stdin, verifies each pushed range under the rules\nthe branch had before the push, prints the findings and exits 1 to refuse."
    )]
    Hook(HookArgs),
    /// Watch the case files so reads look only at those that changed (like Git's fsmonitor)
    #[command(
        subcommand,
        after_help = "Without a watcher, every read checks each case file's stat data (one `lstat` per file).\nWith one (Linux, inotify), a read asks it which files changed since its cache was\nmade and looks only at those. It is opt-in, per clone and per user; it stops when\nasked, when killed, or when cases/ is gone. With `git config docket.watch true`, a\nread starts one when none runs. DOCKET_WATCH=0 makes a read ignore it.\n\nExamples:\n  docket watch start      # in the background; returns once it answers\n  docket watch status     # exit 1 when none runs\n  docket watch stop\n  docket watch run        # in the foreground (a systemd user service)\n  git config docket.watch true"
    )]
    Watch(WatchCommand),
    /// Merge three versions of a case file (Git's merge driver; see `docket sync`)
    #[command(
        after_help = "Git runs it for case files (.gitattributes: cases/**/*.toml merge=docket), as\n  docket merge-file %O %A %B %P\nIt writes the merged case over OURS and exits 0; a version that does not parse\nis left with Git's conflict markers (exit 1)."
    )]
    MergeFile(MergeFileArgs),
    /// Print a shell completion script
    #[command(
        after_help = "Examples:\n  docket completions bash > ~/.local/share/bash-completion/completions/docket"
    )]
    Completions(CompletionsArgs),
    /// Regenerate completions/ and man/ (for docket's developers)
    #[command(hide = true)]
    GenerateFiles(GenerateArgs),
}

#[derive(Args, Debug)]
pub struct InitArgs {
    /// Folder to make a casebook (default: the current folder)
    pub dir: Option<PathBuf>,
    /// ID prefix for new cases
    #[arg(long, default_value = "DK")]
    pub prefix: String,
    /// Make you (your Git identity) the first agent, instead of the sample agents
    #[arg(long)]
    pub me: bool,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: TextFormat,
}

#[derive(Args, Debug)]
pub struct DemoArgs {
    /// Folder for the sample casebook (default: a new temporary folder, printed)
    pub dir: Option<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: TextFormat,
}

#[derive(Args, Debug)]
pub struct CreateArgs {
    /// One-line summary of the customer's question or problem
    #[arg(long, short)]
    pub title: String,
    /// Case type (from docket.toml `types`)
    #[arg(long = "type", add = ArgValueCompleter::new(complete::types))]
    pub kind: Option<String>,
    /// Priority (from docket.toml `priorities`, e.g. P1)
    #[arg(long, short, add = ArgValueCompleter::new(complete::priorities))]
    pub priority: Option<String>,
    /// Customer account
    #[arg(long)]
    pub account: Option<String>,
    /// Customer contact (a person's name or address)
    #[arg(long)]
    pub contact: Option<String>,
    /// The first message; `-` reads it from stdin
    #[arg(long, short)]
    pub body: Option<String>,
    /// Custom field, KEY=VALUE (repeatable)
    #[arg(long = "field", value_name = "KEY=VALUE")]
    pub fields: Vec<String>,
    /// Tag (repeatable)
    #[arg(long = "tag")]
    pub tags: Vec<String>,
    /// Channel the case came in through (email, phone, chat, web, sms, social)
    #[arg(long, add = ArgValueCompleter::new(complete::channels))]
    pub channel: Option<String>,
    /// Record the first message as the customer's: `customer` (the contact) or a name
    #[arg(long, value_name = "WHO")]
    pub from: Option<String>,
    /// Assign the new case to this agent right away
    #[arg(long, value_name = "AGENT", add = ArgValueCompleter::new(complete::agents))]
    pub assign: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: TextFormat,
}

#[derive(Args, Debug)]
pub struct ShowArgs {
    /// Case ID or unique prefix
    #[arg(add = ArgValueCompleter::new(complete::case_ids))]
    pub id: String,
    /// Under the case: the three most similar resolved cases, articles and guides
    #[arg(long)]
    pub suggest: bool,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: RowFormat,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    /// Most urgent priority first, then oldest
    Priority,
    /// Newest first
    Created,
    /// Most recently updated first
    Updated,
    /// By ID
    Id,
    /// By state in lifecycle order
    State,
}

#[derive(Args, Debug)]
pub struct ListArgs {
    /// Only cases in this state (repeatable; an id, a display name or a unique beginning)
    ///
    /// `--open` is every state but closed and cancelled; `--state open` is only "open".
    #[arg(long, add = ArgValueCompleter::new(complete::states))]
    pub state: Vec<String>,
    /// Only cases of this team
    #[arg(long, add = ArgValueCompleter::new(complete::teams))]
    pub team: Option<String>,
    /// Only cases with this priority (repeatable)
    #[arg(long, short, add = ArgValueCompleter::new(complete::priorities))]
    pub priority: Vec<String>,
    /// Only cases assigned to this agent (`none` for unassigned, `me` for yourself)
    #[arg(long, add = ArgValueCompleter::new(complete::agents))]
    pub assignee: Option<String>,
    /// Only cases assigned to me (--as, or my Git identity)
    #[arg(long, conflicts_with = "assignee")]
    pub mine: bool,
    /// Only cases of this account
    #[arg(long)]
    pub account: Option<String>,
    /// Only cases of this type
    #[arg(long = "type", add = ArgValueCompleter::new(complete::types))]
    pub kind: Option<String>,
    /// Only cases with this tag (repeatable: all must match)
    #[arg(long)]
    pub tag: Vec<String>,
    /// Only open cases: every state but closed and cancelled (resolved ones included)
    #[arg(long)]
    pub open: bool,
    /// Sort order
    #[arg(long, value_enum, default_value_t = SortKey::Priority)]
    pub sort: SortKey,
    /// Show at most N cases
    #[arg(long, short = 'n', value_name = "N")]
    pub limit: Option<usize>,
    /// Print a header line in tsv format
    #[arg(long)]
    pub header: bool,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: RowFormat,
}

#[derive(Args, Debug)]
pub struct SearchArgs {
    /// The query (several arguments are joined with spaces; quote it, or put it after --,
    /// when it starts with an exclusion: `docket search -- -fraud card`)
    #[arg(required = true, value_name = "QUERY")]
    pub query: Vec<String>,
    /// Only cases in this state (repeatable)
    #[arg(long, add = ArgValueCompleter::new(complete::states))]
    pub state: Vec<String>,
    /// Only cases of this account
    #[arg(long)]
    pub account: Option<String>,
    /// Only cases of this type
    #[arg(long = "type", add = ArgValueCompleter::new(complete::types))]
    pub kind: Option<String>,
    /// Only cases assigned to this agent (`me` for yourself)
    #[arg(long, add = ArgValueCompleter::new(complete::agents))]
    pub assignee: Option<String>,
    /// Only open cases: every state but closed and cancelled
    #[arg(long)]
    pub open: bool,
    /// Leave internal notes out of the search
    #[arg(long)]
    pub no_internal: bool,
    /// Show at most N matches (0: all)
    #[arg(long, short = 'n', value_name = "N", default_value_t = 20)]
    pub limit: usize,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: RowFormat,
}

#[derive(Args, Debug)]
pub struct SimilarArgs {
    /// Case ID or unique prefix
    #[arg(add = ArgValueCompleter::new(complete::case_ids))]
    pub id: String,
    /// At most N cases and N articles
    #[arg(long, short = 'n', value_name = "N", default_value_t = 5)]
    pub limit: usize,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: RowFormat,
}

#[derive(Subcommand, Debug)]
pub enum WatchCommand {
    /// Start this casebook's watcher in the background (nothing happens if one runs)
    Start(WatchArgs),
    /// Stop this casebook's watcher (nothing happens if none runs)
    Stop(WatchArgs),
    /// Whether a watcher runs, and what it has seen (exit 1 when none runs)
    Status(WatchArgs),
    /// Watch in the foreground until stopped (for a service manager)
    Run(WatchArgs),
}

#[derive(Args, Debug)]
pub struct WatchArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: TextFormat,
}

#[derive(Subcommand, Debug)]
pub enum KbCommand {
    /// Write a new article (from a resolved case with --from); opens $EDITOR on a terminal
    New(KbNewArgs),
    /// The articles: slug, status, audience, title
    List(KbListArgs),
    /// An article, and the cases it was sent to
    Show(KbShowArgs),
    /// Search the articles (the query syntax of `docket search`)
    Search(KbSearchArgs),
    /// Check every article: header, links between articles, case types (exit 1 with findings)
    Check(KbCheckArgs),
    /// Send an article to the customer of a case (a customer-visible comment)
    Send(KbSendArgs),
}

#[derive(Args, Debug)]
pub struct KbNewArgs {
    /// Start from this (resolved) case: its title, the customer's first message, its resolution
    #[arg(long, value_name = "ID", add = ArgValueCompleter::new(complete::case_ids))]
    pub from: Option<String>,
    /// Title (default: the case's title)
    #[arg(long)]
    pub title: Option<String>,
    /// File name in kb/ (default: made from the title)
    #[arg(long)]
    pub slug: Option<String>,
    /// Tag (repeatable; default: the case's tags)
    #[arg(long)]
    pub tag: Vec<String>,
    /// Case type it applies to (repeatable; default: the case's type)
    #[arg(long, add = ArgValueCompleter::new(complete::types))]
    pub applies_to: Vec<String>,
    /// Who may read it
    #[arg(long, value_enum, default_value_t = KbAudience::Public)]
    pub audience: KbAudience,
    /// Publish it now instead of starting as a draft
    #[arg(long)]
    pub publish: bool,
    /// The article's text (Markdown); default: a template (from the case with --from)
    #[arg(long, short = 'm', value_name = "TEXT")]
    pub body: Option<String>,
    /// Do not open $EDITOR even on a terminal
    #[arg(long)]
    pub no_edit: bool,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: RowFormat,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum KbAudience {
    /// Customers may be sent it
    Public,
    /// For agents only
    Internal,
}

#[derive(Args, Debug)]
pub struct KbListArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: RowFormat,
}

#[derive(Args, Debug)]
pub struct KbShowArgs {
    /// Article slug (its file name in kb/ without .md)
    #[arg(add = ArgValueCompleter::new(complete::articles))]
    pub slug: String,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: RowFormat,
}

#[derive(Args, Debug)]
pub struct KbSearchArgs {
    /// The query (several arguments are joined with spaces)
    #[arg(required = true, value_name = "QUERY")]
    pub query: Vec<String>,
    /// Show at most N matches
    #[arg(long, short = 'n', value_name = "N", default_value_t = 20)]
    pub limit: usize,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: RowFormat,
}

#[derive(Args, Debug)]
pub struct KbCheckArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: RowFormat,
}

#[derive(Args, Debug)]
pub struct KbSendArgs {
    /// Case ID or unique prefix
    #[arg(add = ArgValueCompleter::new(complete::case_ids))]
    pub id: String,
    /// Article slug
    #[arg(add = ArgValueCompleter::new(complete::articles))]
    pub slug: String,
    /// Channel the customer gets it on (default: the casebook's default channel)
    #[arg(long, add = ArgValueCompleter::new(complete::channels))]
    pub channel: Option<String>,
    /// Send a draft or internal article anyway
    #[arg(long)]
    pub force: bool,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: RowFormat,
}

#[derive(Args, Debug)]
pub struct AssignArgs {
    /// Case ID or unique prefix
    #[arg(add = ArgValueCompleter::new(complete::case_ids))]
    pub id: String,
    /// Agent handle from agents.toml (`me` for yourself)
    #[arg(required_unless_present_any = ["unassign", "auto"], add = ArgValueCompleter::new(complete::agents))]
    pub agent: Option<String>,
    /// Remove the assignee
    #[arg(long, conflicts_with_all = ["agent", "auto"])]
    pub unassign: bool,
    /// Pick the best agent of the case's team (skills, affinity, load, recency)
    #[arg(long, conflicts_with = "agent")]
    pub auto: bool,
    /// With --auto: the team to pick from (default: the case's team, or its type's)
    #[arg(long, requires = "auto", add = ArgValueCompleter::new(complete::teams))]
    pub team: Option<String>,
    /// With --auto: print every agent of the team, kept or dropped, why, and its score
    #[arg(long, requires = "auto")]
    pub explain: bool,
    /// Assign even if the agent lacks a skill, is away or is at capacity
    #[arg(long, conflicts_with = "auto")]
    pub force: bool,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: TextFormat,
}

#[derive(Args, Debug)]
pub struct CommentArgs {
    /// Case ID or unique prefix
    #[arg(add = ArgValueCompleter::new(complete::case_ids))]
    pub id: String,
    /// The comment text, or `-` to read it from stdin
    #[arg(value_name = "TEXT|-")]
    pub stdin: Option<String>,
    /// The comment text
    #[arg(long, short, conflicts_with_all = ["file", "stdin"])]
    pub message: Option<String>,
    /// Read the comment from a file
    #[arg(long, short = 'F', conflicts_with = "stdin")]
    pub file: Option<PathBuf>,
    /// Channel (default: docket.toml default_channel)
    #[arg(long, add = ArgValueCompleter::new(complete::channels))]
    pub channel: Option<String>,
    /// An internal work note, not visible to the customer
    #[arg(long)]
    pub internal: bool,
    /// Record the customer's words: `customer` (the case's contact) or a name
    #[arg(long, value_name = "WHO")]
    pub from: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: TextFormat,
}

#[derive(Args, Debug)]
pub struct EscalateArgs {
    /// Case ID or unique prefix
    #[arg(required_unless_present = "auto", add = ArgValueCompleter::new(complete::case_ids))]
    pub id: Option<String>,
    /// Why the case is escalated
    #[arg(long, short, required_unless_present = "auto")]
    pub reason: Option<String>,
    /// Hand the case to this team (default: the next team on its team's path)
    #[arg(long, visible_alias = "to", add = ArgValueCompleter::new(complete::teams))]
    pub team: Option<String>,
    /// Apply docket.toml's escalation rules to every open case (cron, CI)
    #[arg(long, conflicts_with_all = ["id", "reason", "team"])]
    pub auto: bool,
    /// With --auto: say what would be escalated, write nothing
    #[arg(long, requires = "auto")]
    pub dry_run: bool,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: TextFormat,
}

#[derive(Args, Debug)]
pub struct SetArgs {
    /// Case ID or unique prefix
    #[arg(add = ArgValueCompleter::new(complete::case_ids))]
    pub id: String,
    /// KEY=VALUE: priority, type, title, account, contact, team, tags (comma-separated),
    /// tags+=TAG, tags-=TAG, or a custom field; KEY= clears it
    #[arg(required = true, value_name = "KEY=VALUE")]
    pub changes: Vec<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: TextFormat,
}

#[derive(Args, Debug)]
pub struct ReasonArgs {
    /// Case ID or unique prefix
    #[arg(add = ArgValueCompleter::new(complete::case_ids))]
    pub id: String,
    /// Why (recorded in the timeline)
    #[arg(long, short)]
    pub reason: String,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: TextFormat,
}

#[derive(Args, Debug)]
pub struct OptReasonArgs {
    /// Case ID or unique prefix
    #[arg(add = ArgValueCompleter::new(complete::case_ids))]
    pub id: String,
    /// Why (recorded in the timeline)
    #[arg(long, short)]
    pub reason: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: TextFormat,
}

#[derive(Args, Debug)]
pub struct ResolveArgs {
    /// Case ID or unique prefix
    #[arg(add = ArgValueCompleter::new(complete::case_ids))]
    pub id: String,
    /// The proposed solution
    #[arg(long, short)]
    pub resolution: String,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: TextFormat,
}

#[derive(Args, Debug)]
pub struct CsatArgs {
    /// Case ID or unique prefix
    #[arg(add = ArgValueCompleter::new(complete::case_ids))]
    pub id: String,
    /// Customer satisfaction score, 1 (bad) to 5 (great)
    #[arg(long, value_parser = csat_score)]
    pub csat: Option<u8>,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: TextFormat,
}

/// A CSAT value that is not a score from 1 to 5.
#[derive(Debug, thiserror::Error)]
#[error("{0:?}: a satisfaction score is a whole number from 1 (bad) to 5 (great)")]
pub struct CsatError(String);

fn csat_score(text: &str) -> std::result::Result<u8, CsatError> {
    text.trim()
        .parse::<u8>()
        .ok()
        .filter(|n| (1..=5).contains(n))
        .ok_or_else(|| CsatError(text.to_string()))
}

#[derive(Args, Debug)]
pub struct AutocloseArgs {
    /// Show what would be closed without writing
    #[arg(long)]
    pub dry_run: bool,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: TextFormat,
}

#[derive(Args, Debug)]
pub struct ReportArgs {
    /// Start of the period: a date (2026-11-01), a time (RFC 3339) or -DURATION (-30d: that long before now or --at); default 30 days before --until
    #[arg(long, value_name = "DATE", allow_hyphen_values = true)]
    pub since: Option<String>,
    /// End of the period (exclusive), same forms; default now (or --at)
    #[arg(long, value_name = "DATE", allow_hyphen_values = true)]
    pub until: Option<String>,
    /// Split by this
    #[arg(long, value_enum)]
    pub by: Option<ReportBy>,
    /// Compute as the casebook stood then (later events ignored)
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
    /// Also give times in business time by this calendar of docket.toml
    #[arg(long, value_name = "NAME")]
    pub calendar: Option<String>,
    /// Write the report to this file instead of stdout
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: ReportFormat,
}

#[derive(Args, Debug)]
pub struct DeescalateArgs {
    /// Case ID or unique prefix
    #[arg(add = ArgValueCompleter::new(complete::case_ids))]
    pub id: String,
    /// Why it goes back down
    #[arg(long, short)]
    pub reason: String,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: TextFormat,
}

#[derive(Args, Debug)]
pub struct RouteArgs {
    /// Only the cases of this team
    #[arg(long, add = ArgValueCompleter::new(complete::teams))]
    pub team: Option<String>,
    /// Say what would be assigned, write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: RowFormat,
}

#[derive(Args, Debug)]
pub struct QueueArgs {
    /// The team (default: your team)
    #[arg(long, add = ArgValueCompleter::new(complete::teams))]
    pub team: Option<String>,
    /// Only my cases (the same as `docket mine`)
    #[arg(long, conflicts_with = "team")]
    pub mine: bool,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: RowFormat,
}

#[derive(Args, Debug)]
pub struct MineArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: RowFormat,
}

#[derive(Args, Debug)]
pub struct AgentsArgs {
    #[command(subcommand)]
    pub command: Option<AgentsCommand>,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: RowFormat,
}

#[derive(Subcommand, Debug)]
pub enum AgentsCommand {
    /// Mark an agent away or available (a commit of agents.toml)
    Set(AgentsSetArgs),
}

#[derive(Args, Debug)]
pub struct AgentsSetArgs {
    /// Agent handle
    #[arg(add = ArgValueCompleter::new(complete::agents))]
    pub handle: String,
    /// Not taking cases
    #[arg(
        long,
        conflicts_with = "available",
        required_unless_present = "available"
    )]
    pub away: bool,
    /// Taking cases again
    #[arg(long)]
    pub available: bool,
    /// With --away: until this time (RFC 3339); available again afterwards
    #[arg(long, requires = "away", value_name = "TIME")]
    pub until: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: TextFormat,
}

#[derive(Args, Debug)]
pub struct MoveArgs {
    /// Case ID or unique prefix
    #[arg(add = ArgValueCompleter::new(complete::case_ids))]
    pub id: String,
    /// The casebook to move it to (a folder holding docket.toml, in another repository)
    #[arg(long, value_name = "DIR")]
    pub to: PathBuf,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: TextFormat,
}

#[derive(Args, Debug)]
pub struct VerifyArgs {
    /// Check only the commits after this revision (and the case files changed since)
    #[arg(long, value_name = "REV")]
    pub since: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: TextFormat,
}

/// The Git hooks docket can serve.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum HookName {
    /// Server side: reads OLD NEW REF lines, refuses a push that breaks the rules
    PreReceive,
}

#[derive(Args, Debug)]
pub struct HookArgs {
    /// Which hook
    #[arg(value_enum)]
    pub name: HookName,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: TextFormat,
}

#[derive(Args, Debug)]
pub struct WhoamiArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: TextFormat,
}

#[derive(Args, Debug)]
pub struct SyncArgs {
    /// The remote (default: origin)
    pub remote: Option<String>,
    /// The branch to sync (default: the current one)
    #[arg(long)]
    pub branch: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: TextFormat,
}

#[derive(Args, Debug)]
pub struct CloneArgs {
    /// Where the casebook is (anything `git clone` takes)
    pub url: String,
    /// The folder to clone into (default: named after the URL)
    pub dir: Option<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: TextFormat,
}

#[derive(Args, Debug)]
pub struct MergeFileArgs {
    /// The common ancestor's version (%O; empty when the file is new on both sides)
    pub base: PathBuf,
    /// Our version (%A), overwritten with the result
    pub ours: PathBuf,
    /// Their version (%B)
    pub theirs: PathBuf,
    /// The file's path in the repository (%P), for messages
    pub path: Option<String>,
}

#[derive(Args, Debug)]
pub struct LogArgs {
    /// Case ID or unique prefix
    #[arg(add = ArgValueCompleter::new(complete::case_ids))]
    pub id: String,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: RowFormat,
}

#[derive(Subcommand, Debug)]
pub enum GuideCommand {
    /// List the guides and the case types they apply to
    List(GuideListArgs),
    /// Validate guides: dangling or unreachable nodes, dead-end cycles, bad outcomes
    Check(GuideCheckArgs),
    /// Show a guide as an outline (--format json, or dot for Graphviz)
    Show(GuideShowArgs),
    /// Walk a case through a guide (interactive on a terminal, or with --answer)
    #[command(
        after_help = "Examples:\n  docket guide run DK-4F                 # pick from the guides for the case's type\n  docket guide run DK-4F lost-card --answer kind=Lost --answer last-seen=yesterday --answer suspicious=No\n  docket guide run DK-4F lost-card --answers answers.toml --dry-run"
    )]
    Run(GuideRunArgs),
}

#[derive(Args, Debug)]
pub struct GuideListArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: TextFormat,
}

#[derive(Args, Debug)]
pub struct GuideCheckArgs {
    /// Guide files to check (default: every guide in the casebook)
    pub files: Vec<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: TextFormat,
}

#[derive(Args, Debug)]
pub struct GuideShowArgs {
    /// Guide name (a file in guides/)
    #[arg(add = ArgValueCompleter::new(complete::guides))]
    pub name: String,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: GraphFormat,
}

#[derive(Args, Debug)]
pub struct GuideRunArgs {
    /// Case ID or unique prefix
    #[arg(add = ArgValueCompleter::new(complete::case_ids))]
    pub id: String,
    /// Guide name (default: offer the guides for the case's type)
    #[arg(add = ArgValueCompleter::new(complete::guides))]
    pub name: Option<String>,
    /// An answer, NODE=VALUE: a question's choice label or an input's text (repeatable)
    #[arg(long = "answer", value_name = "NODE=VALUE")]
    pub answers: Vec<String>,
    /// Answers from a TOML file of NODE = "VALUE" lines
    #[arg(long = "answers", value_name = "FILE")]
    pub answers_file: Option<PathBuf>,
    /// Show the path and the actions without writing
    #[arg(long)]
    pub dry_run: bool,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: TextFormat,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    /// Exit 1 when a clock has breached
    Breach,
    /// Exit 1 when a clock has breached or passed a warning threshold
    Warning,
    /// Always exit 0 (the default)
    Never,
}

#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true)]
pub struct SlaArgs {
    #[command(subcommand)]
    pub command: Option<SlaCommand>,
    /// Cases to report, whatever their state (default: every open case)
    #[arg(add = ArgValueCompleter::new(complete::case_ids))]
    pub ids: Vec<String>,
    /// Only breached clocks
    #[arg(long)]
    pub breached: bool,
    /// Only clocks past a warning threshold (not yet breached)
    #[arg(long)]
    pub at_risk: bool,
    /// Only cases of this team
    #[arg(long, add = ArgValueCompleter::new(complete::teams))]
    pub team: Option<String>,
    /// Only cases assigned to this agent
    #[arg(long, add = ArgValueCompleter::new(complete::agents))]
    pub assignee: Option<String>,
    /// Only cases with this priority (repeatable)
    #[arg(long, short, add = ArgValueCompleter::new(complete::priorities))]
    pub priority: Vec<String>,
    /// Evaluate at this time instead of now (RFC 3339, or +DURATION from now such as +3d)
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
    /// Exit 1 when something at or above this level is found
    #[arg(long, value_enum, default_value_t = FailOn::Never, value_name = "LEVEL")]
    pub fail_on: FailOn,
    /// Only breaches that happened after this point: a time (RFC 3339), or a Git revision
    /// (its commit time), e.g. the last successful CI run's commit
    #[arg(long, value_name = "REV|TIME")]
    pub new_since: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: SlaFormat,
}

#[derive(Subcommand, Debug)]
pub enum SlaCommand {
    /// Show why each SLA clock of a case says what it says: running and paused intervals
    Explain(SlaExplainArgs),
}

#[derive(Args, Debug)]
pub struct SlaExplainArgs {
    /// Case ID or unique prefix
    #[arg(add = ArgValueCompleter::new(complete::case_ids))]
    pub id: String,
    /// Evaluate at this time instead of now (RFC 3339, or +DURATION)
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: TextFormat,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Elvish,
    Powershell,
}

#[derive(Args, Debug)]
pub struct CompletionsArgs {
    /// The shell
    #[arg(value_enum)]
    pub shell: Shell,
}

#[derive(Args, Debug)]
pub struct GenerateArgs {
    /// Repository root to write completions/ and man/ into
    #[arg(default_value = ".")]
    pub dir: PathBuf,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(args: &[&str]) -> Vec<String> {
        normalize_args(args.iter().map(OsString::from))
            .into_iter()
            .map(|a| a.into_string().unwrap())
            .collect()
    }

    #[test]
    fn a_format_before_the_command_moves_after_it() {
        assert_eq!(
            norm(&["docket", "--format", "json", "list", "--open"]),
            ["docket", "list", "--open", "--format", "json"]
        );
        assert_eq!(
            norm(&["docket", "--as", "bob", "--format=tsv", "log", "DK-1"]),
            ["docket", "--as", "bob", "log", "DK-1", "--format=tsv"]
        );
        assert_eq!(
            norm(&["docket", "--format", "json", "comment", "DK-1", "--", "-x"]),
            ["docket", "comment", "DK-1", "--format", "json", "--", "-x"]
        );
        assert_eq!(
            norm(&["docket", "list", "--format", "json"]),
            ["docket", "list", "--format", "json"]
        );
    }

    #[test]
    fn each_command_offers_only_its_formats() {
        use clap::Parser;
        assert!(Cli::try_parse_from(["docket", "sla", "--format", "junit"]).is_ok());
        assert!(Cli::try_parse_from(["docket", "list", "--format", "junit"]).is_err());
        assert!(
            Cli::try_parse_from(["docket", "escalate", "X", "-r", "y", "--format", "dot"]).is_err()
        );
        assert!(Cli::try_parse_from(["docket", "guide", "show", "g", "--format", "dot"]).is_ok());
        let cli = Cli::try_parse_from(["docket", "show", "X", "--format", "tsv"]).unwrap();
        assert_eq!(cli.format(), Format::Tsv);
    }
}
