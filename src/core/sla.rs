//! SLA policies and clocks, computed from a case's timeline (pure code).
//!
//! A clock starts when the case is created and runs while the case is not in a pause
//! state (default `awaiting-info`), counting working seconds of its calendar, until its
//! stop condition: the first customer-visible agent comment (or the agent's proposed
//! resolution) for `response`; the case being resolved or closed for `resolution` (a
//! reopened case resumes the same clock); the first matching state or event for `custom`.
//!
//! Matching is re-evaluated as the case changes: the timeline's `set` events let us know
//! the case's priority, type, account, tags and custom fields at every moment. An SLA that
//! matched once but no longer does is **cancelled** (its clock stops when it stopped
//! matching); an SLA that matches now runs from the case's creation, even if the case only
//! began to match later (retroactive). The team is taken as it is now.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::calendar::{Calendar, Clock, Span, WEEKDAYS};
use super::case::{ActorKind, Case, State, Text, Visibility};
use super::duration;
use super::error::{SettingsError, ValueError};

#[derive(Debug, Clone, PartialEq)]
pub enum SlaKind {
    Response,
    Resolution,
    Custom {
        states: Vec<State>,
        events: Vec<String>,
    },
}

impl SlaKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            SlaKind::Response => "response",
            SlaKind::Resolution => "resolution",
            SlaKind::Custom { .. } => "custom",
        }
    }
}

/// Which cases an SLA applies to: every non-empty list must contain the case's value
/// (tags: any listed tag).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Matcher {
    pub priority: Vec<String>,
    pub types: Vec<String>,
    pub account: Vec<String>,
    pub tags: Vec<String>,
    pub team: Vec<String>,
    pub fields: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Sla {
    pub name: String,
    pub kind: SlaKind,
    pub target: i64,
    pub calendar: String,
    pub matcher: Matcher,
    pub pause: Vec<State>,
    pub warn_at: Vec<u32>,
    pub external: bool,
    /// The clock stops when the case is resolved, closed or cancelled, whatever its own
    /// stop condition (`stop_when_resolved = false` keeps a custom clock going).
    pub stop_when_resolved: bool,
}

/// The SLA part of docket.toml, checked: calendars by name (with `24x7`) and SLAs.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    pub calendars: BTreeMap<String, Calendar>,
    pub slas: Vec<Sla>,
}

/// The case attributes SLAs match on.
#[derive(Debug, Clone, PartialEq)]
pub struct Attrs {
    pub priority: String,
    pub kind: String,
    pub account: Option<String>,
    pub tags: Vec<String>,
    pub team: Option<String>,
    pub fields: BTreeMap<String, String>,
}

fn eq(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

impl Matcher {
    pub fn matches(&self, a: &Attrs) -> bool {
        let one = |list: &[String], v: Option<&str>| {
            list.is_empty() || v.is_some_and(|v| list.iter().any(|x| eq(x, v)))
        };
        one(&self.priority, Some(&a.priority))
            && one(&self.types, Some(&a.kind))
            && one(&self.account, a.account.as_deref())
            && one(&self.team, a.team.as_deref())
            && (self.tags.is_empty() || self.tags.iter().any(|t| a.tags.iter().any(|x| eq(x, t))))
            && self
                .fields
                .iter()
                .all(|(k, list)| one(list, a.fields.get(k).map(String::as_str)))
    }
}

impl Attrs {
    pub fn of(case: &Case) -> Attrs {
        Attrs {
            priority: case.priority.to_string(),
            kind: case.kind.to_string(),
            account: case.account.as_deref().map(str::to_string),
            tags: case.tags.clone(),
            team: case.team.as_deref().map(str::to_string),
            fields: case
                .fields
                .iter()
                .map(|(k, v)| (k.clone(), super::case::value_text(v)))
                .collect(),
        }
    }

    fn apply(&mut self, field: &str, value: Option<&str>) {
        let value = value.filter(|v| !v.is_empty());
        match field {
            "priority" => self.priority = value.unwrap_or_default().to_string(),
            "type" => self.kind = value.unwrap_or_default().to_string(),
            "account" => self.account = value.map(String::from),
            "tags" => {
                self.tags = value
                    .map(|v| v.split(',').map(String::from).collect())
                    .unwrap_or_default()
            }
            f => {
                if let Some(key) = f.strip_prefix("fields.") {
                    match value {
                        Some(v) => self.fields.insert(key.to_string(), v.to_string()),
                        None => self.fields.remove(key),
                    };
                }
            }
        }
    }
}

/// Where a clock is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Breached,
    InProgress,
    Paused,
    Achieved,
    Cancelled,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Breached => "breached",
            Stage::InProgress => "in_progress",
            Stage::Paused => "paused",
            Stage::Achieved => "achieved",
            Stage::Cancelled => "cancelled",
        }
    }
}

/// A stretch of the case's life, and whether the clock ran in it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Interval {
    #[serde(with = "super::case::utc")]
    pub start: DateTime<Utc>,
    #[serde(with = "super::case::utc")]
    pub end: DateTime<Utc>,
    pub running: bool,
    /// The case's state in this stretch.
    pub state: String,
    /// Working seconds counted (0 when paused).
    pub counted_seconds: i64,
}

/// One case-SLA clock, as `docket sla` reports it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClockReport {
    pub case: Text,
    pub sla: Text,
    pub kind: Text,
    pub stage: Stage,
    #[serde(with = "super::case::utc")]
    pub started_at: DateTime<Utc>,
    /// When the clock stopped (stop condition, or cancellation), if it did.
    #[serde(serialize_with = "opt_time")]
    pub stopped_at: Option<DateTime<Utc>>,
    /// When it breached, or will breach if it keeps running; `null` otherwise.
    #[serde(serialize_with = "opt_time")]
    pub breach_at: Option<DateTime<Utc>>,
    pub target_seconds: i64,
    pub elapsed_seconds: i64,
    pub remaining_seconds: i64,
    pub percent: f64,
    pub calendar: Text,
    pub external: bool,
    /// The highest warning threshold passed (percent) while not yet breached.
    pub warning: Option<u32>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub intervals: Vec<Interval>,
}

fn opt_time<S: serde::Serializer>(t: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => s.serialize_str(&super::case::format_time(*t)),
        None => s.serialize_none(),
    }
}

impl ClockReport {
    pub fn at_risk(&self) -> bool {
        self.warning.is_some()
    }
}

/// Clock helpers shared by all SLAs of a run: one [`Clock`] per calendar.
pub struct Clocks<'a> {
    policy: &'a Policy,
    clocks: BTreeMap<&'a str, Clock<'a>>,
}

impl<'a> Clocks<'a> {
    pub fn new(policy: &'a Policy) -> Clocks<'a> {
        Clocks {
            policy,
            clocks: policy
                .calendars
                .iter()
                .map(|(n, c)| (n.as_str(), Clock::new(c)))
                .collect(),
        }
    }

    fn clock(&self, name: &str) -> &Clock<'a> {
        self.clocks
            .get(name)
            .expect("SLA calendars are checked when the policy is loaded")
    }

    /// Every SLA clock of `case` at `now` (events after `now` are ignored). `explain`
    /// keeps the intervals.
    pub fn evaluate(&self, case: &Case, now: DateTime<Utc>, explain: bool) -> Vec<ClockReport> {
        if now < case.created_at {
            return Vec::new();
        }
        let history = attribute_history(case, now);
        let states = state_history(case, now);
        self.policy
            .slas
            .iter()
            .filter(|sla| history.iter().any(|(_, a)| sla.matcher.matches(a)))
            .map(|sla| {
                let clock = self.clock(&sla.calendar);
                evaluate_one(case, sla, clock, now, explain, &history, &states)
            })
            .collect()
    }
}

/// The case's attributes at each moment they changed, from creation up to `now`.
fn attribute_history(case: &Case, now: DateTime<Utc>) -> Vec<(DateTime<Utc>, Attrs)> {
    // Undo every `set` from the current values to find the values at creation.
    let mut initial = Attrs::of(case);
    for e in case.timeline.iter().rev().filter(|e| e.kind == "set") {
        if let Some(f) = &e.field {
            initial.apply(f, e.from.as_deref());
        }
    }
    let mut out = vec![(case.created_at, initial.clone())];
    let mut current = initial;
    for e in case
        .timeline
        .iter()
        .filter(|e| e.kind == "set" && e.at <= now)
    {
        if let Some(f) = &e.field {
            current.apply(f, e.to.as_deref());
            out.push((e.at, current.clone()));
        }
    }
    out
}

/// The case's state at `at` (`None`: not created yet), from its timeline.
pub fn state_at(case: &Case, at: DateTime<Utc>) -> Option<State> {
    if at < case.created_at {
        return None;
    }
    // The last of `state_history`, without building it: `sla` asks this of every open
    // case before it evaluates any clock.
    let mut state = State::New;
    for e in &case.timeline {
        if e.kind == "state"
            && e.at <= at
            && let Some(s) = e.to.as_deref().and_then(State::parse)
        {
            state = s;
        }
    }
    Some(state)
}

/// The case's states over time: `(from, state)`, starting with `new` at creation.
fn state_history(case: &Case, now: DateTime<Utc>) -> Vec<(DateTime<Utc>, State)> {
    let mut out = vec![(case.created_at, State::New)];
    for e in &case.timeline {
        if e.kind != "state" || e.at > now {
            continue;
        }
        if let Some(s) = e.to.as_deref().and_then(State::parse) {
            out.push((e.at.max(case.created_at), s));
        }
    }
    out
}

fn stop_time(case: &Case, sla: &Sla, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let events = case.timeline.iter().filter(|e| e.at <= now);
    match &sla.kind {
        SlaKind::Response => events
            .filter(|e| {
                e.actor_kind == ActorKind::Agent
                    && ((e.kind == "comment" && e.visibility != Some(Visibility::Internal))
                        || (e.kind == "state" && e.to.as_deref() == Some("resolved")))
            })
            .map(|e| e.at)
            .next(),
        SlaKind::Resolution => None,
        SlaKind::Custom {
            states,
            events: kinds,
        } => events
            .filter(|e| {
                kinds.iter().any(|k| *k == e.kind)
                    || (e.kind == "state"
                        && e.to
                            .as_deref()
                            .and_then(State::parse)
                            .is_some_and(|s| states.contains(&s)))
            })
            .map(|e| e.at)
            .next(),
    }
}

/// One SLA's clock for a case it matched at some point (see [`Clocks::evaluate`]).
fn evaluate_one(
    case: &Case,
    sla: &Sla,
    clock: &Clock<'_>,
    now: DateTime<Utc>,
    explain: bool,
    history: &[(DateTime<Utc>, Attrs)],
    states: &[(DateTime<Utc>, State)],
) -> ClockReport {
    let matches_now = sla.matcher.matches(&history.last().expect("never empty").1);
    // When it stopped matching: the last change from matching to not matching.
    let cancelled_at = if matches_now {
        None
    } else {
        history
            .windows(2)
            .filter(|w| sla.matcher.matches(&w[0].1) && !sla.matcher.matches(&w[1].1))
            .map(|w| w[1].0)
            .next_back()
    };
    let stop = stop_time(case, sla, now);
    let state_now = states.last().expect("never empty").1;
    // The case ended (resolved, closed): the clock stopped when it first got there in
    // its current run of end states (resolved at 10:10, closed at 10:20 → 10:10).
    let ended = |s: State| matches!(s, State::Resolved | State::Closed);
    let ended_at =
        if (sla.stop_when_resolved || sla.kind == SlaKind::Resolution) && ended(state_now) {
            states
                .iter()
                .rev()
                .take_while(|(_, s)| ended(*s))
                .last()
                .map(|(t, _)| *t)
        } else {
            None
        };
    let stop = [stop, ended_at].into_iter().flatten().min();
    let end = [Some(now), stop, cancelled_at]
        .into_iter()
        .flatten()
        .min()
        .expect("now is always there");
    let runs_in = |s: State| {
        !sla.pause.contains(&s)
            && s != State::Cancelled
            && !((sla.kind == SlaKind::Resolution || sla.stop_when_resolved) && ended(s))
    };
    let start = case.created_at;
    let mut intervals = Vec::new();
    let mut elapsed = 0;
    let mut breach_at = None;
    for (i, (from, state)) in states.iter().enumerate() {
        let to = states.get(i + 1).map_or(end, |(t, _)| *t).min(end);
        let from = (*from).max(start);
        if to <= from {
            continue;
        }
        let running = runs_in(*state);
        let counted = if running { clock.seconds(from, to) } else { 0 };
        if running && breach_at.is_none() && elapsed + counted >= sla.target {
            breach_at = clock.advance(from, sla.target - elapsed);
        }
        elapsed += counted;
        if explain {
            intervals.push(Interval {
                start: from,
                end: to,
                running,
                state: state.as_str().to_string(),
                counted_seconds: counted,
            });
        }
    }
    let stopped = stop.is_some();
    let stage = if elapsed >= sla.target {
        Stage::Breached
    } else if cancelled_at.is_some() || state_now == State::Cancelled {
        Stage::Cancelled
    } else if stopped {
        Stage::Achieved
    } else if !runs_in(state_now) {
        Stage::Paused
    } else {
        Stage::InProgress
    };
    if stage == Stage::InProgress {
        breach_at = clock.advance(now, sla.target - elapsed);
    }
    let percent = if sla.target > 0 {
        (elapsed as f64) * 100.0 / (sla.target as f64)
    } else {
        100.0
    };
    let warning = if matches!(stage, Stage::InProgress | Stage::Paused) {
        sla.warn_at
            .iter()
            .copied()
            .filter(|w| percent >= f64::from(*w))
            .max()
    } else {
        None
    };
    let stopped_at = match stage {
        _ if cancelled_at.is_some() => cancelled_at,
        _ if state_now == State::Cancelled => Some(states.last().expect("never empty").0),
        _ if stopped => stop,
        _ => None,
    };
    ClockReport {
        case: case.id.clone(),
        sla: Text::from(sla.name.as_str()),
        kind: Text::const_new(sla.kind.as_str()),
        stage,
        started_at: start,
        stopped_at,
        breach_at,
        target_seconds: sla.target,
        elapsed_seconds: elapsed,
        remaining_seconds: sla.target - elapsed,
        percent: (percent * 10.0).round() / 10.0,
        calendar: Text::from(sla.calendar.as_str()),
        external: sla.external,
        warning,
        intervals,
    }
}

// ---------------------------------------------------------------------------------------
// Reading the policy from docket.toml values.

fn strings(v: &toml::Value, what: &str) -> Result<Vec<String>, SettingsError> {
    match v {
        toml::Value::String(s) => Ok(vec![s.clone()]),
        toml::Value::Array(items) => items
            .iter()
            .map(|i| {
                i.as_str()
                    .map(String::from)
                    .ok_or_else(|| SettingsError::new(format!("{what}: expected strings")))
            })
            .collect(),
        _ => Err(SettingsError::new(format!(
            "{what}: expected a string or a list of strings"
        ))),
    }
}

fn calendar_from(name: &str, v: &toml::Value) -> Result<Calendar, SettingsError> {
    let t = v
        .as_table()
        .ok_or_else(|| format!("calendars.{name}: expected a table"))?;
    let zone_name = t
        .get("timezone")
        .and_then(|z| z.as_str())
        .ok_or_else(|| format!("calendars.{name}: timezone is missing (e.g. \"Europe/Madrid\")"))?;
    let zone: chrono_tz::Tz = zone_name.parse().map_err(|_| {
        format!("calendars.{name}: unknown time zone {zone_name:?} (use an IANA name such as \"Europe/Madrid\")")
    })?;
    let mut week: [Vec<Span>; 7] = Default::default();
    if let Some(hours) = t.get("hours") {
        let hours = hours.as_table().ok_or_else(|| {
            format!("calendars.{name}.hours: expected a table like {{ mon = [\"09:00-17:00\"] }}")
        })?;
        for (day, spans) in hours {
            let i = WEEKDAYS
                .iter()
                .position(|(k, _)| k.eq_ignore_ascii_case(day))
                .ok_or_else(|| format!("calendars.{name}.hours: unknown day {day:?} (mon, tue, wed, thu, fri, sat, sun)"))?;
            week[i] = parse_spans(&format!("calendars.{name}.hours.{day}"), spans)?;
        }
    }
    let mut holidays = BTreeMap::new();
    if let Some(list) = t.get("holidays") {
        let list = list
            .as_array()
            .ok_or_else(|| format!("calendars.{name}.holidays: expected a list of dates"))?;
        for h in list {
            let (date, spans) = match h {
                toml::Value::String(d) => (d.clone(), Vec::new()),
                toml::Value::Table(t) => (
                    t.get("date")
                        .and_then(|d| d.as_str())
                        .ok_or_else(|| {
                            format!(
                                "calendars.{name}.holidays: a half day needs date = \"YYYY-MM-DD\""
                            )
                        })?
                        .to_string(),
                    match t.get("hours") {
                        Some(v) => parse_spans(&format!("calendars.{name}.holidays"), v)?,
                        None => Vec::new(),
                    },
                ),
                _ => {
                    return Err(format!(
                        "calendars.{name}.holidays: expected \"YYYY-MM-DD\" or {{ date, hours }}"
                    )
                    .into());
                }
            };
            let d = chrono::NaiveDate::parse_from_str(&date, "%Y-%m-%d").map_err(|_| {
                format!("calendars.{name}.holidays: {date:?} is not a date (YYYY-MM-DD)")
            })?;
            holidays.insert(d, spans);
        }
    }
    let cal = Calendar {
        name: name.to_string(),
        zone: Some(zone),
        week,
        holidays,
    };
    if !cal.has_working_time() {
        return Err(format!(
            "calendars.{name}: no working hours (add hours = {{ mon = [\"09:00-17:00\"], … }})"
        )
        .into());
    }
    Ok(cal)
}

fn parse_spans(what: &str, v: &toml::Value) -> Result<Vec<Span>, SettingsError> {
    let mut spans = strings(v, what)?
        .iter()
        .map(|s| Span::parse(s).map_err(|e| format!("{what}: {e}")))
        .collect::<Result<Vec<_>, _>>()?;
    spans.sort_by_key(|s| s.start);
    if spans.windows(2).any(|w| w[1].start < w[0].end) {
        return Err(format!("{what}: spans overlap").into());
    }
    Ok(spans)
}

fn sla_from(
    v: &toml::Value,
    calendars: &BTreeMap<String, Calendar>,
    check_priority: &dyn Fn(&str) -> Result<String, ValueError>,
) -> Result<Sla, SettingsError> {
    let t = v.as_table().ok_or("[[sla]]: expected a table")?;
    let name = t
        .get("name")
        .and_then(|n| n.as_str())
        .ok_or("[[sla]]: every SLA needs a name")?
        .to_string();
    let at = |msg: String| SettingsError::new(format!("sla {name:?}: {msg}"));
    let get_str = |k: &str| t.get(k).and_then(|v| v.as_str());
    let states = |k: &str| -> Result<Vec<State>, SettingsError> {
        match t.get(k) {
            None => Ok(Vec::new()),
            Some(v) => strings(v, k)?
                .iter()
                .map(|s| {
                    State::parse(s).ok_or_else(|| {
                        SettingsError::new(format!(
                            "{k}: unknown state {s:?} (states: {})",
                            State::ALL.map(|s| s.as_str()).join(", ")
                        ))
                    })
                })
                .collect(),
        }
    };
    let kind = match get_str("kind").unwrap_or("resolution") {
        "response" => SlaKind::Response,
        "resolution" => SlaKind::Resolution,
        "custom" => {
            let stop = t.get("stop_on").and_then(|s| s.as_table()).ok_or_else(|| {
                at("a custom SLA needs stop_on = { states = [...], events = [...] }".into())
            })?;
            let states = match stop.get("states") {
                Some(v) => strings(v, "stop_on.states")
                    .map_err(|e| at(e.to_string()))?
                    .iter()
                    .map(|s| {
                        State::parse(s)
                            .ok_or_else(|| at(format!("stop_on.states: unknown state {s:?}")))
                    })
                    .collect::<Result<Vec<_>, _>>()?,
                None => Vec::new(),
            };
            let events = match stop.get("events") {
                Some(v) => strings(v, "stop_on.events").map_err(|e| at(e.to_string()))?,
                None => Vec::new(),
            };
            if states.is_empty() && events.is_empty() {
                return Err(at("stop_on needs states or events".into()));
            }
            SlaKind::Custom { states, events }
        }
        other => {
            return Err(at(format!(
                "unknown kind {other:?} (response, resolution or custom)"
            )));
        }
    };
    let calendar = get_str("calendar").unwrap_or("24x7").to_string();
    let Some(cal) = calendars.get(&calendar) else {
        return Err(at(format!(
            "unknown calendar {calendar:?} (calendars: {})",
            calendars.keys().cloned().collect::<Vec<_>>().join(", ")
        )));
    };
    let target_text =
        get_str("target").ok_or_else(|| at("target is missing (e.g. \"30m\", \"8h\")".into()))?;
    // On a business calendar a day is one working day and a week one working week.
    let target = duration::parse_with(target_text, cal.day_seconds(), cal.week_seconds())
        .map_err(|e| at(format!("target: {e}")))?
        .num_seconds();
    if target <= 0 {
        return Err(at("target must be more than zero".into()));
    }
    let mut matcher = Matcher::default();
    if let Some(m) = t.get("match") {
        let m = m
            .as_table()
            .ok_or_else(|| at("match: expected a table".into()))?;
        for (k, v) in m {
            if k == "fields" {
                let f = v
                    .as_table()
                    .ok_or_else(|| at("match.fields: expected a table".into()))?;
                for (fk, fv) in f {
                    matcher
                        .fields
                        .insert(fk.clone(), strings(fv, fk).map_err(|e| at(e.to_string()))?);
                }
                continue;
            }
            let list = strings(v, k).map_err(|e| at(e.to_string()))?;
            match k.as_str() {
                "priority" => {
                    matcher.priority = list
                        .iter()
                        .map(|p| check_priority(p).map_err(|e| at(format!("match.priority: {e}"))))
                        .collect::<Result<_, _>>()?
                }
                "type" => matcher.types = list,
                "account" => matcher.account = list,
                "tags" | "tag" => matcher.tags = list,
                "team" => matcher.team = list,
                other => match other.strip_prefix("fields.") {
                    Some(field) => {
                        matcher.fields.insert(field.to_string(), list);
                    }
                    None => {
                        return Err(at(format!(
                            "match: unknown key {other:?} (priority, type, account, tags, team, fields.NAME)"
                        )));
                    }
                },
            }
        }
    }
    let pause = if t.contains_key("pause_states") {
        states("pause_states").map_err(|e| at(e.to_string()))?
    } else {
        vec![State::AwaitingInfo]
    };
    let warn_at = match t.get("warn_at") {
        None => vec![50, 75],
        Some(toml::Value::Array(items)) => items
            .iter()
            .map(|i| {
                i.as_integer()
                    .filter(|n| (1..100).contains(n))
                    .map(|n| n as u32)
                    .ok_or_else(|| at("warn_at: percentages between 1 and 99".into()))
            })
            .collect::<Result<_, _>>()?,
        Some(_) => return Err(at("warn_at: a list like [50, 75]".into())),
    };
    let external = match t.get("external") {
        None => true,
        Some(v) => v
            .as_bool()
            .ok_or_else(|| at("external: true or false".into()))?,
    };
    let internal = t.get("internal").and_then(|v| v.as_bool()).unwrap_or(false);
    let stop_when_resolved = match t.get("stop_when_resolved") {
        None => true,
        Some(v) => v
            .as_bool()
            .ok_or_else(|| at("stop_when_resolved: true or false".into()))?,
    };
    Ok(Sla {
        name,
        kind,
        target,
        calendar,
        matcher,
        pause,
        warn_at,
        external: external && !internal,
        stop_when_resolved,
    })
}

impl Policy {
    /// Builds the policy from docket.toml's `calendars` table and `sla` array.
    pub fn from_toml(
        calendars: Option<&toml::Value>,
        slas: Option<&toml::Value>,
        check_priority: &dyn Fn(&str) -> Result<String, ValueError>,
    ) -> Result<Policy, SettingsError> {
        let mut cals = BTreeMap::new();
        cals.insert("24x7".to_string(), Calendar::always());
        if let Some(c) = calendars {
            let c = c
                .as_table()
                .ok_or("calendars: expected [calendars.NAME] tables")?;
            for (name, v) in c {
                if name == "24x7" {
                    return Err("calendars.24x7 is built in; choose another name".into());
                }
                cals.insert(name.clone(), calendar_from(name, v)?);
            }
        }
        let mut out = Vec::new();
        if let Some(s) = slas {
            let s = s.as_array().ok_or("sla: expected [[sla]] tables")?;
            for v in s {
                let sla = sla_from(v, &cals, check_priority)?;
                if out.iter().any(|o: &Sla| o.name == sla.name) {
                    return Err(format!("sla {:?} is defined twice", sla.name).into());
                }
                out.push(sla);
            }
        }
        Ok(Policy {
            calendars: cals,
            slas: out,
        })
    }
}

#[cfg(test)]
mod tests;
