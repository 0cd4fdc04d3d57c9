//! Guided decisions: a tree of questions, inputs and outcomes that walks an agent (or a
//! script) from symptom to action. Parsing, validation and walking are pure: answers come
//! through the [`Prompter`] trait (a terminal, `--answer` flags, or a test), and the time
//! of each answer through a closure.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::error::ValueError;

/// What an input node accepts.
#[derive(Debug, Clone, PartialEq)]
pub enum InputKind {
    Text,
    Number,
    YesNo,
    OneOf(Vec<String>),
}

/// A condition on an input's value that picks the next node.
#[derive(Debug, Clone, PartialEq)]
pub struct Branch {
    pub is: Option<String>,
    pub over: Option<f64>,
    pub under: Option<f64>,
    pub next: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    pub label: String,
    pub next: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Set(BTreeMap<String, String>),
    Priority(String),
    Tag(String),
    Escalate {
        team: Option<String>,
        reason: String,
    },
    Resolve(String),
    Assign(String),
    Note(String),
    Check {
        command: String,
        args: Vec<String>,
        shell: bool,
        timeout_secs: u64,
    },
    Handover(String),
}

impl Action {
    /// One line for the confirmation prompt and `--dry-run`.
    pub fn describe(&self) -> String {
        match self {
            Action::Set(m) => format!(
                "set {}",
                m.iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Action::Priority(p) => format!("set priority {p}"),
            Action::Tag(t) => format!("add tag {t}"),
            Action::Escalate { team, reason } => match team {
                Some(t) => format!("escalate to {t}: {reason}"),
                None => format!("escalate: {reason}"),
            },
            Action::Resolve(r) => format!("resolve: {r}"),
            Action::Assign(a) => format!("assign to {a}"),
            Action::Note(n) => format!("add internal note: {n}"),
            Action::Check { command, args, .. } => {
                format!("run check: {command} {}", args.join(" "))
                    .trim_end()
                    .to_string()
            }
            Action::Handover(g) => format!("continue with guide {g}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Question {
        prompt: String,
        help: Option<String>,
        choices: Vec<Choice>,
    },
    Input {
        prompt: String,
        help: Option<String>,
        field: String,
        kind: InputKind,
        required: bool,
        pattern: Option<String>,
        /// What the pattern asks for, in words (`"an order number like A-1234"`): shown
        /// to the agent instead of the regular expression.
        pattern_hint: Option<String>,
        min: Option<f64>,
        max: Option<f64>,
        next: Option<String>,
        when: Vec<Branch>,
    },
    Outcome {
        summary: String,
        actions: Vec<Action>,
    },
}

impl Node {
    pub fn prompt(&self) -> &str {
        match self {
            Node::Question { prompt, .. } | Node::Input { prompt, .. } => prompt,
            Node::Outcome { summary, .. } => summary,
        }
    }

    /// The nodes this one can lead to.
    pub fn targets(&self) -> Vec<&str> {
        match self {
            Node::Question { choices, .. } => choices.iter().map(|c| c.next.as_str()).collect(),
            Node::Input { next, when, .. } => next
                .iter()
                .map(String::as_str)
                .chain(when.iter().map(|b| b.next.as_str()))
                .collect(),
            Node::Outcome { .. } => Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Guide {
    pub name: String,
    pub title: String,
    pub applies_to: Vec<String>,
    pub start: String,
    pub nodes: BTreeMap<String, Node>,
}

impl Guide {
    /// Whether the guide is offered for cases of type `kind` (no `applies_to`: all types).
    pub fn fits(&self, kind: &str) -> bool {
        self.applies_to.is_empty() || self.applies_to.iter().any(|t| t.eq_ignore_ascii_case(kind))
    }
}

/// A problem found in a guide, with the line it is on (when known).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub line: Option<usize>,
    pub message: String,
}

/// The 1-based line of the first occurrence of any of `needles` in `text` (after `from`).
pub fn line_of(text: &str, needles: &[String], from: usize) -> Option<usize> {
    let from = from.min(text.len());
    needles
        .iter()
        .filter_map(|n| text[from..].find(n.as_str()).map(|i| i + from))
        .min()
        .map(|i| text[..i].matches('\n').count() + 1)
}

fn node_line(text: &str, id: &str) -> Option<usize> {
    line_of(
        text,
        &[
            format!("[nodes.{id}]"),
            format!("[nodes.\"{id}\"]"),
            format!("nodes.{id}"),
            format!("{id} ="),
        ],
        0,
    )
}

fn node_offset(text: &str, id: &str) -> usize {
    [format!("[nodes.{id}]"), format!("[nodes.\"{id}\"]")]
        .iter()
        .filter_map(|n| text.find(n.as_str()))
        .min()
        .unwrap_or(0)
}

fn str_of(t: &toml::Table, key: &str) -> Option<String> {
    t.get(key).and_then(|v| v.as_str()).map(String::from)
}

/// Why a node or an action of a guide file does not parse ([`parse`] adds its line).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct NodeError(pub String);

impl From<String> for NodeError {
    fn from(message: String) -> NodeError {
        NodeError(message)
    }
}

impl From<&str> for NodeError {
    fn from(message: &str) -> NodeError {
        NodeError(message.to_string())
    }
}

impl From<crate::core::duration::DurationError> for NodeError {
    fn from(e: crate::core::duration::DurationError) -> NodeError {
        NodeError(e.to_string())
    }
}

/// An answer an input node does not accept, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct AnswerError(pub String);

fn num_of(t: &toml::Table, key: &str) -> Result<Option<f64>, NodeError> {
    match t.get(key) {
        None => Ok(None),
        Some(toml::Value::Integer(i)) => Ok(Some(*i as f64)),
        Some(toml::Value::Float(f)) => Ok(Some(*f)),
        Some(_) => Err(format!("{key} must be a number").into()),
    }
}

/// The longest a guide's check command may run (a run holds an agent at the terminal).
const MAX_CHECK_SECS: i64 = 3600;

fn too_long_timeout() -> NodeError {
    NodeError(format!(
        "timeout must be between 1 second and {MAX_CHECK_SECS} seconds (1h)"
    ))
}

fn parse_action(v: &toml::Value) -> Result<Action, NodeError> {
    let t = v
        .as_table()
        .ok_or("an action is a table such as { note = \"…\" }")?;
    let text = |k: &str| str_of(t, k).ok_or_else(|| format!("{k} needs a text value"));
    let key = [
        "set", "priority", "tag", "escalate", "resolve", "assign", "note", "check", "guide",
    ]
    .into_iter()
    .find(|k| t.contains_key(*k))
    .ok_or_else(|| {
        format!(
            "unknown action {} (set, priority, tag, escalate, resolve, assign, note, check, guide)",
            t.keys()
                .next()
                .map(|k| format!("{k:?}"))
                .unwrap_or_else(|| "{}".into())
        )
    })?;
    Ok(match key {
        "set" => {
            let m = t["set"]
                .as_table()
                .ok_or("set needs a table { field = \"value\" }")?;
            Action::Set(
                m.iter()
                    .map(|(k, v)| (k.clone(), crate::core::case::value_text(v)))
                    .collect(),
            )
        }
        "priority" => Action::Priority(text("priority")?),
        "tag" => Action::Tag(text("tag")?),
        "escalate" => Action::Escalate {
            team: str_of(t, "escalate").filter(|s| !s.is_empty()),
            reason: str_of(t, "reason").ok_or("escalate needs a reason = \"…\"")?,
        },
        "resolve" => Action::Resolve(text("resolve")?),
        "assign" => Action::Assign(text("assign")?),
        "note" => Action::Note(text("note")?),
        "check" => Action::Check {
            command: text("check")?,
            args: match t.get("args") {
                None => Vec::new(),
                Some(toml::Value::Array(a)) => a
                    .iter()
                    .map(|x| {
                        x.as_str()
                            .map(String::from)
                            .ok_or(NodeError::from("args are strings"))
                    })
                    .collect::<Result<_, _>>()?,
                Some(_) => return Err("args must be a list of strings".into()),
            },
            shell: t.get("shell").and_then(|s| s.as_bool()).unwrap_or(false),
            timeout_secs: match t.get("timeout") {
                None => 10,
                Some(toml::Value::Integer(i)) if (1..=MAX_CHECK_SECS).contains(i) => *i as u64,
                Some(toml::Value::String(s)) => {
                    let secs = crate::core::duration::parse(s)
                        .map_err(|e| NodeError(format!("timeout: {e}")))?
                        .num_seconds()
                        .max(1);
                    if secs > MAX_CHECK_SECS {
                        return Err(too_long_timeout());
                    }
                    secs as u64
                }
                Some(toml::Value::Integer(_)) => return Err(too_long_timeout()),
                Some(_) => return Err("timeout must be seconds or a duration like \"30s\"".into()),
            },
        },
        "guide" => Action::Handover(text("guide")?),
        _ => unreachable!("the key comes from the list above"),
    })
}

fn parse_node(id: &str, t: &toml::Table) -> Result<Node, NodeError> {
    let kinds: Vec<&str> = ["ask", "input", "outcome"]
        .into_iter()
        .filter(|k| t.contains_key(*k))
        .collect();
    let help = str_of(t, "help");
    match kinds.as_slice() {
        ["ask"] => {
            let prompt = str_of(t, "ask").ok_or("ask must be text")?;
            let list = t
                .get("choices")
                .and_then(|c| c.as_array())
                .ok_or_else(|| format!("question {id:?} needs choices = [{{ label, next }}, …]"))?;
            let choices = list
                .iter()
                .map(|c| {
                    let c = c
                        .as_table()
                        .ok_or("a choice is { label = \"…\", next = \"…\" }")?;
                    Ok(Choice {
                        label: str_of(c, "label").ok_or("a choice needs a label")?,
                        next: str_of(c, "next").ok_or("a choice needs next = \"node\"")?,
                    })
                })
                .collect::<Result<Vec<_>, NodeError>>()?;
            Ok(Node::Question {
                prompt,
                help,
                choices,
            })
        }
        ["input"] => {
            let kind = match str_of(t, "type").as_deref().unwrap_or("text") {
                "text" => InputKind::Text,
                "number" => InputKind::Number,
                "yesno" | "yes/no" | "bool" => InputKind::YesNo,
                "choice" | "one-of" => InputKind::OneOf(match t.get("choices") {
                    Some(toml::Value::Array(a)) => a
                        .iter()
                        .map(|x| {
                            x.as_str()
                                .map(String::from)
                                .ok_or(NodeError::from("choices are strings"))
                        })
                        .collect::<Result<_, _>>()?,
                    _ => {
                        return Err(
                            format!("input {id:?} of type choice needs choices = [\"…\"]").into(),
                        );
                    }
                }),
                other => {
                    return Err(format!(
                        "input {id:?}: unknown type {other:?} (text, number, yesno, choice)"
                    )
                    .into());
                }
            };
            let when = match t.get("when") {
                None => Vec::new(),
                Some(toml::Value::Array(a)) => a
                    .iter()
                    .map(|b| {
                        let b = b
                            .as_table()
                            .ok_or("when = [{ is = \"…\", next = \"…\" }, …]")?;
                        Ok(Branch {
                            is: b.get("is").map(crate::core::case::value_text),
                            over: num_of(b, "over")?,
                            under: num_of(b, "under")?,
                            next: str_of(b, "next").ok_or("a when branch needs next")?,
                        })
                    })
                    .collect::<Result<_, NodeError>>()?,
                Some(_) => return Err("when must be a list".into()),
            };
            let pattern = str_of(t, "pattern");
            if let Some(p) = &pattern {
                regex::Regex::new(p).map_err(|e| format!("input {id:?}: invalid pattern: {e}"))?;
            }
            Ok(Node::Input {
                prompt: str_of(t, "input").ok_or("input must be text")?,
                help,
                field: str_of(t, "field")
                    .ok_or_else(|| format!("input {id:?} needs field = \"name\""))?,
                kind,
                required: t.get("required").and_then(|r| r.as_bool()).unwrap_or(false),
                pattern,
                pattern_hint: str_of(t, "pattern_hint"),
                min: num_of(t, "min")?,
                max: num_of(t, "max")?,
                next: str_of(t, "next"),
                when,
            })
        }
        ["outcome"] => Ok(Node::Outcome {
            summary: str_of(t, "outcome").ok_or("outcome must be text")?,
            actions: match t.get("actions") {
                None => Vec::new(),
                Some(toml::Value::Array(a)) => {
                    a.iter().map(parse_action).collect::<Result<_, _>>()?
                }
                Some(_) => return Err("actions must be a list".into()),
            },
        }),
        [] => Err(format!("node {id:?} is not a question (ask), an input or an outcome").into()),
        _ => Err(format!("node {id:?} has more than one of ask, input, outcome").into()),
    }
}

/// Parses a guide file. Errors that stop parsing come back as one problem with a line.
pub fn parse(name: &str, text: &str) -> Result<Guide, Problem> {
    let table: toml::Table = toml::from_str(text).map_err(|e| Problem {
        line: e
            .span()
            .map(|s| crate::core::config::line_col(text, s.start).0),
        message: e.message().trim().to_string(),
    })?;
    let at = |line: Option<usize>, message: String| Problem { line, message };
    let title = str_of(&table, "title").unwrap_or_else(|| name.to_string());
    let applies_to = match table.get("applies_to") {
        None => Vec::new(),
        Some(toml::Value::Array(a)) => a
            .iter()
            .filter_map(|x| x.as_str().map(String::from))
            .collect(),
        Some(toml::Value::String(s)) => vec![s.clone()],
        Some(_) => {
            return Err(at(
                line_of(text, &["applies_to".into()], 0),
                "applies_to must be a list of case types".into(),
            ));
        }
    };
    let start =
        str_of(&table, "start").ok_or_else(|| at(Some(1), "start = \"node\" is missing".into()))?;
    let nodes_table = table
        .get("nodes")
        .and_then(|n| n.as_table())
        .ok_or_else(|| at(Some(1), "no [nodes.NAME] tables".into()))?;
    let mut nodes = BTreeMap::new();
    for (id, v) in nodes_table {
        let t = v
            .as_table()
            .ok_or_else(|| at(node_line(text, id), format!("nodes.{id} must be a table")))?;
        let node = parse_node(id, t).map_err(|m| at(node_line(text, id), m.0))?;
        nodes.insert(id.clone(), node);
    }
    Ok(Guide {
        name: name.to_string(),
        title,
        applies_to,
        start,
        nodes,
    })
}

/// What a guide's outcomes are checked against (docket.toml and agents.toml).
#[derive(Clone, Copy)]
pub struct Checks<'a> {
    /// A custom field and a value for it.
    pub field: &'a dyn Fn(&str, &str) -> Result<(), ValueError>,
    pub priority: &'a dyn Fn(&str) -> Result<(), ValueError>,
    pub team: &'a dyn Fn(&str) -> Result<(), ValueError>,
    pub agent: &'a dyn Fn(&str) -> Result<(), ValueError>,
    /// The guides a handover may name.
    pub guides: &'a BTreeSet<String>,
}

/// Checks a parsed guide: unknown next nodes, unreachable nodes, cycles with no way out,
/// duplicate choice labels, and (through `check_field`/`check_priority`) outcomes with
/// unknown fields or invalid priorities. An input may store into a field docket.toml does
/// not define (it is kept as text). `guides` are the names a handover may target.
pub fn validate(guide: &Guide, text: &str, checks: &Checks<'_>) -> Vec<Problem> {
    let Checks {
        field: check_field,
        priority: check_priority,
        team: check_team,
        agent: check_agent,
        guides,
    } = *checks;
    let mut problems: Vec<Problem> = super::keys::unknown_keys(text, &super::keys::GUIDE)
        .into_iter()
        .map(|u| Problem {
            line: u.line,
            message: u.to_string(),
        })
        .collect();
    let mut report = |id: Option<&str>, needle: Option<String>, message: String| {
        let line = match (id, needle) {
            (Some(id), Some(n)) => {
                line_of(text, &[n], node_offset(text, id)).or_else(|| node_line(text, id))
            }
            (Some(id), None) => node_line(text, id),
            (None, Some(n)) => line_of(text, &[n], 0),
            (None, None) => None,
        };
        problems.push(Problem { line, message });
    };
    if !guide.nodes.contains_key(&guide.start) {
        report(
            None,
            Some("start".into()),
            format!("start node {:?} does not exist", guide.start),
        );
    }
    for (id, node) in &guide.nodes {
        for target in node.targets() {
            if !guide.nodes.contains_key(target) {
                report(
                    Some(id),
                    Some(format!("\"{target}\"")),
                    format!("node {id:?} leads to unknown node {target:?}"),
                );
            }
        }
        match node {
            Node::Question { choices, .. } => {
                if choices.is_empty() {
                    report(Some(id), None, format!("question {id:?} has no choices"));
                }
                let mut seen = BTreeSet::new();
                for c in choices {
                    if !seen.insert(c.label.to_lowercase()) {
                        report(
                            Some(id),
                            Some(format!("\"{}\"", c.label)),
                            format!("question {id:?} has the choice {:?} twice", c.label),
                        );
                    }
                }
            }
            Node::Input { next, when, .. } => {
                if next.is_none() && when.is_empty() {
                    report(
                        Some(id),
                        None,
                        format!("input {id:?} needs next = \"node\" (or when branches)"),
                    );
                }
            }
            Node::Outcome { actions, .. } => {
                for a in actions {
                    match a {
                        Action::Set(m) => {
                            for (k, v) in m {
                                if let Err(e) = check_field(k, v) {
                                    report(
                                        Some(id),
                                        Some(k.clone()),
                                        format!("outcome {id:?}: {e}"),
                                    );
                                }
                            }
                        }
                        Action::Priority(p) => {
                            if let Err(e) = check_priority(p) {
                                report(
                                    Some(id),
                                    Some(format!("\"{p}\"")),
                                    format!("outcome {id:?}: {e}"),
                                );
                            }
                        }
                        Action::Escalate { team: Some(t), .. } => {
                            if let Err(e) = check_team(t) {
                                report(
                                    Some(id),
                                    Some(format!("\"{t}\"")),
                                    format!("outcome {id:?}: {e}"),
                                );
                            }
                        }
                        Action::Assign(a) => {
                            if let Err(e) = check_agent(a) {
                                report(
                                    Some(id),
                                    Some(format!("\"{a}\"")),
                                    format!("outcome {id:?}: {e}"),
                                );
                            }
                        }
                        Action::Handover(g) if !guides.contains(g) => {
                            report(
                                Some(id),
                                Some(format!("\"{g}\"")),
                                format!("outcome {id:?} hands over to unknown guide {g:?}"),
                            );
                        }
                        _ => {}
                    }
                }
            }
        }
    }
    // Reachability from the start.
    let mut reached = BTreeSet::new();
    let mut stack = vec![guide.start.as_str()];
    while let Some(id) = stack.pop() {
        if !reached.insert(id) {
            continue;
        }
        if let Some(n) = guide.nodes.get(id) {
            stack.extend(n.targets());
        }
    }
    for id in guide.nodes.keys() {
        if !reached.contains(id.as_str()) {
            report(
                Some(id),
                None,
                format!("node {id:?} cannot be reached from {:?}", guide.start),
            );
        }
    }
    // Nodes from which no outcome can be reached are cycles with no way out.
    let mut exits: BTreeSet<&str> = guide
        .nodes
        .iter()
        .filter(|(_, n)| matches!(n, Node::Outcome { .. }))
        .map(|(id, _)| id.as_str())
        .collect();
    loop {
        let before = exits.len();
        for (id, n) in &guide.nodes {
            if n.targets().iter().any(|t| exits.contains(t)) {
                exits.insert(id);
            }
        }
        if exits.len() == before {
            break;
        }
    }
    for (id, n) in &guide.nodes {
        let dangling = n.targets().iter().any(|t| !guide.nodes.contains_key(*t));
        if reached.contains(id.as_str()) && !exits.contains(id.as_str()) && !dangling {
            report(
                Some(id),
                None,
                format!("node {id:?} is in a cycle with no way out to an outcome"),
            );
        }
    }
    problems.sort_by_key(|p| p.line);
    problems
}

/// The user aborted (Esc, Ctrl-C) or an answer is missing without a terminal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stop {
    Aborted,
    Missing(String),
    Invalid(String),
}

/// Where answers come from.
pub trait Prompter {
    /// Picks one of `options` for `node`; returns its index.
    fn choose(
        &mut self,
        node: &str,
        prompt: &str,
        help: Option<&str>,
        options: &[String],
    ) -> Result<usize, Stop>;
    /// Reads a value for `node`, re-asking (or failing) until `validate` accepts it.
    fn input(
        &mut self,
        node: &str,
        prompt: &str,
        help: Option<&str>,
        validate: &dyn Fn(&str) -> Result<String, AnswerError>,
    ) -> Result<String, Stop>;
    /// Confirms the outcome's actions before they are applied.
    fn confirm(&mut self, summary: &str, actions: &[String]) -> Result<bool, Stop>;
}

/// One answered step of a run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Step {
    pub node: String,
    pub prompt: String,
    pub answer: String,
    #[serde(with = "crate::core::case::utc")]
    pub at: DateTime<Utc>,
}

/// A completed walk: the steps, the outcome node and its actions, and the input values.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub steps: Vec<Step>,
    pub outcome: String,
    pub summary: String,
    pub actions: Vec<Action>,
    pub values: BTreeMap<String, String>,
}

/// Checks an input value; returns the value as it will be stored.
pub fn check_input(node: &Node, value: &str) -> Result<String, AnswerError> {
    let Node::Input {
        kind,
        required,
        pattern,
        pattern_hint,
        min,
        max,
        ..
    } = node
    else {
        return Err(AnswerError("not an input".into()));
    };
    let v = value.trim();
    if v.is_empty() {
        return if *required {
            Err(AnswerError("an answer is required".into()))
        } else {
            Ok(String::new())
        };
    }
    let v = match kind {
        InputKind::Text => v.to_string(),
        InputKind::Number => {
            let n: f64 = v
                .parse()
                .map_err(|_| AnswerError(format!("{v:?} is not a number")))?;
            if min.is_some_and(|m| n < m) {
                return Err(AnswerError(format!(
                    "must be at least {}",
                    min.unwrap_or_default()
                )));
            }
            if max.is_some_and(|m| n > m) {
                return Err(AnswerError(format!(
                    "must be at most {}",
                    max.unwrap_or_default()
                )));
            }
            v.to_string()
        }
        InputKind::YesNo => match v.to_ascii_lowercase().as_str() {
            "y" | "yes" | "true" => "yes".into(),
            "n" | "no" | "false" => "no".into(),
            _ => return Err(AnswerError(format!("{v:?}: answer yes or no"))),
        },
        InputKind::OneOf(list) => list
            .iter()
            .find(|c| c.eq_ignore_ascii_case(v))
            .cloned()
            .ok_or_else(|| AnswerError(format!("{v:?} is not one of {}", list.join(", "))))?,
    };
    if *kind == InputKind::Text {
        if let Some(min) = min
            && (v.chars().count() as f64) < *min
        {
            return Err(AnswerError(format!("must be at least {min} characters")));
        }
        if let Some(max) = max
            && (v.chars().count() as f64) > *max
        {
            return Err(AnswerError(format!("must be at most {max} characters")));
        }
    }
    if let Some(p) = pattern
        && !regex::Regex::new(p)
            .map(|r| r.is_match(&v))
            .unwrap_or(false)
    {
        return Err(AnswerError(match pattern_hint {
            Some(hint) => format!("{v:?} is not {hint}"),
            None => format!("{v:?} does not match the expected format {p}"),
        }));
    }
    Ok(v)
}

fn branch_for<'a>(when: &'a [Branch], value: &str) -> Option<&'a str> {
    let n: Option<f64> = value.parse().ok();
    when.iter()
        .find(|b| {
            b.is.as_ref().is_none_or(|x| x.eq_ignore_ascii_case(value))
                && b.over.is_none_or(|o| n.is_some_and(|n| n > o))
                && b.under.is_none_or(|u| n.is_some_and(|n| n < u))
        })
        .map(|b| b.next.as_str())
}

/// Walks the guide from its start to an outcome, asking `prompter`.
pub fn walk(
    guide: &Guide,
    prompter: &mut dyn Prompter,
    clock: &dyn Fn() -> DateTime<Utc>,
) -> Result<Run, Stop> {
    let mut steps = Vec::new();
    let mut values = BTreeMap::new();
    let mut id = guide.start.clone();
    for _ in 0..10_000 {
        let node = guide.nodes.get(&id).ok_or_else(|| {
            Stop::Invalid(format!(
                "guide {:?} has no node {id:?} (run docket guide check)",
                guide.name
            ))
        })?;
        match node {
            Node::Question {
                prompt,
                help,
                choices,
            } => {
                let labels: Vec<String> = choices.iter().map(|c| c.label.clone()).collect();
                let i = prompter.choose(&id, prompt, help.as_deref(), &labels)?;
                let choice = choices.get(i).ok_or(Stop::Aborted)?;
                steps.push(Step {
                    node: id.clone(),
                    prompt: prompt.clone(),
                    answer: choice.label.clone(),
                    at: clock(),
                });
                id = choice.next.clone();
            }
            Node::Input {
                prompt,
                help,
                field,
                next,
                when,
                ..
            } => {
                let validate = |v: &str| check_input(node, v);
                let value = prompter.input(&id, prompt, help.as_deref(), &validate)?;
                steps.push(Step {
                    node: id.clone(),
                    prompt: prompt.clone(),
                    answer: value.clone(),
                    at: clock(),
                });
                if !value.is_empty() {
                    values.insert(field.clone(), value.clone());
                }
                id = branch_for(when, &value)
                    .map(String::from)
                    .or_else(|| next.clone())
                    .ok_or_else(|| {
                        Stop::Invalid(format!("input {id:?} has no next node for {value:?}"))
                    })?;
            }
            Node::Outcome { summary, actions } => {
                return Ok(Run {
                    steps,
                    outcome: id.clone(),
                    summary: summary.clone(),
                    actions: actions.clone(),
                    values,
                });
            }
        }
    }
    Err(Stop::Invalid(format!(
        "guide {:?} loops without reaching an outcome",
        guide.name
    )))
}

/// Answers from `--answer NODE=VALUE` / `--answers FILE`: a question's value is the choice
/// label (case-insensitive), an input's the text. A missing answer stops with its node.
pub struct Scripted {
    pub answers: BTreeMap<String, String>,
}

impl Prompter for Scripted {
    fn choose(
        &mut self,
        node: &str,
        _: &str,
        _: Option<&str>,
        options: &[String],
    ) -> Result<usize, Stop> {
        let a = self
            .answers
            .get(node)
            .ok_or_else(|| Stop::Missing(node.to_string()))?;
        options
            .iter()
            .position(|o| o.eq_ignore_ascii_case(a.trim()))
            .ok_or_else(|| {
                Stop::Invalid(format!(
                    "answer {a:?} for {node:?} is not one of: {}",
                    options.join(", ")
                ))
            })
    }

    fn input(
        &mut self,
        node: &str,
        _: &str,
        _: Option<&str>,
        validate: &dyn Fn(&str) -> Result<String, AnswerError>,
    ) -> Result<String, Stop> {
        let a = self
            .answers
            .get(node)
            .ok_or_else(|| Stop::Missing(node.to_string()))?;
        validate(a).map_err(|e| Stop::Invalid(format!("answer for {node:?}: {e}")))
    }

    fn confirm(&mut self, _: &str, _: &[String]) -> Result<bool, Stop> {
        Ok(true)
    }
}

/// The hand-over cycles among `guides` (guide name → its outcomes' hand-overs): each
/// cycle once, as the list of guides from its smallest name, e.g. `[a, b]` for a → b → a.
/// A run following one would never end; `guide check` reports them.
pub fn handover_cycles(guides: &BTreeMap<String, &Guide>) -> Vec<Vec<String>> {
    let next: BTreeMap<&str, BTreeSet<&str>> = guides
        .iter()
        .map(|(name, g)| {
            let targets = g
                .nodes
                .values()
                .filter_map(|n| match n {
                    Node::Outcome { actions, .. } => Some(actions),
                    _ => None,
                })
                .flatten()
                .filter_map(|a| match a {
                    Action::Handover(t) => Some(t.as_str()),
                    _ => None,
                })
                .collect();
            (name.as_str(), targets)
        })
        .collect();
    let mut cycles = BTreeSet::new();
    // Depth-first from every guide; a path that comes back to its start is a cycle.
    fn walk<'a>(
        next: &BTreeMap<&'a str, BTreeSet<&'a str>>,
        path: &mut Vec<&'a str>,
        cycles: &mut BTreeSet<Vec<String>>,
    ) {
        let here = *path.last().expect("the path starts with a guide");
        for &t in next.get(here).into_iter().flatten() {
            if t == path[0] {
                let min = path
                    .iter()
                    .enumerate()
                    .min_by_key(|(_, n)| **n)
                    .map_or(0, |(i, _)| i);
                let mut c: Vec<String> = path.iter().map(|n| n.to_string()).collect();
                c.rotate_left(min);
                cycles.insert(c);
            } else if !path.contains(&t) && t > path[0] {
                path.push(t);
                walk(next, path, cycles);
                path.pop();
            }
        }
    }
    for &start in next.keys() {
        walk(&next, &mut vec![start], &mut cycles);
    }
    cycles.into_iter().collect()
}

mod outcome;

pub use outcome::{CheckOutput, Outcome, apply_outcome};

#[cfg(test)]
mod tests;
