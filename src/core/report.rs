//! `docket report`: the numbers a support lead acts on, computed from the timelines
//! alone (no Git history walk), as the casebook stood at `at`. Pure: the command layer
//! loads the cases and picks the output format.
//!
//! Definitions (also in the README and `docket report --help`):
//! - volume: cases created in the period; `state` events in the period to resolved,
//!   closed, cancelled; reopened = `state` events in the period from resolved, closed or
//!   cancelled back to open.
//! - backlog: cases not resolved, closed or cancelled at the end of the period, by age
//!   (end − creation) and state.
//! - first response: creation → the first customer-visible agent comment (or an agent's
//!   resolution), for cases whose first response falls in the period; cases with none
//!   yet are left out (they are in the backlog).
//! - resolution: creation → the first `resolved`, for cases first resolved in the period
//!   (a reopened case counts once, with its first resolution).
//! - SLA attainment: per SLA, clocks that ended in the period (achieved, or breached at a
//!   time in the period), running at its end (in progress) and cancelled in it;
//!   attainment = achieved / (achieved + breached).
//! - quality: CSAT of closes/accepts in the period (average, 1–5 distribution);
//!   first-contact resolution = share of the cases first resolved in the period with no
//!   customer message between the first agent answer and the resolution; reopen rate =
//!   reopened / resolved; escalation and guide rates = share of the cases created in the
//!   period that were escalated / had a guide run.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, TimeZone, Utc};
use serde::Serialize;

use super::calendar::{Calendar, Clock};
use super::case::{ActorKind, Case, Event, State, Text, Visibility};
use super::sla::{Clocks, Stage};

/// How to split the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum GroupBy {
    Team,
    Agent,
    Channel,
    Type,
    Priority,
    Account,
    Week,
    Month,
}

impl GroupBy {
    pub fn as_str(self) -> &'static str {
        match self {
            GroupBy::Team => "team",
            GroupBy::Agent => "agent",
            GroupBy::Channel => "channel",
            GroupBy::Type => "type",
            GroupBy::Priority => "priority",
            GroupBy::Account => "account",
            GroupBy::Week => "week",
            GroupBy::Month => "month",
        }
    }
}

/// What to report on.
pub struct Options<'a> {
    pub since: DateTime<Utc>,
    pub until: DateTime<Utc>,
    /// Events after this are ignored (the casebook as it stood then).
    pub at: DateTime<Utc>,
    pub by: Option<GroupBy>,
    /// Business time by this calendar, next to calendar time.
    pub calendar: Option<(&'a str, &'a Calendar)>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Volume {
    pub created: u64,
    pub resolved: u64,
    pub closed: u64,
    pub cancelled: u64,
    pub reopened: u64,
}

/// Age buckets of the backlog, in this order.
pub const AGE_BUCKETS: [&str; 5] = ["<1d", "1-3d", "3-7d", "7-30d", ">30d"];

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Backlog {
    pub open: u64,
    /// Counts per [`AGE_BUCKETS`] label.
    pub by_age: BTreeMap<String, u64>,
    pub by_state: BTreeMap<String, u64>,
}

/// Durations in seconds.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Stats {
    pub count: u64,
    pub median_seconds: Option<i64>,
    pub p90_seconds: Option<i64>,
    pub mean_seconds: Option<i64>,
    /// The same in business time by `--calendar`, when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub business: Option<Box<Stats>>,
    /// Every value (for histograms), not in JSON.
    #[serde(skip)]
    pub values: Vec<i64>,
}

impl Stats {
    fn of(mut values: Vec<i64>) -> Stats {
        values.sort_unstable();
        let n = values.len();
        let pick = |q: f64| -> Option<i64> {
            if n == 0 {
                return None;
            }
            // Nearest rank.
            let rank = ((q * n as f64).ceil() as usize).clamp(1, n);
            Some(values[rank - 1])
        };
        Stats {
            count: n as u64,
            median_seconds: pick(0.5),
            p90_seconds: pick(0.9),
            mean_seconds: (n > 0).then(|| values.iter().sum::<i64>() / n as i64),
            business: None,
            values,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SlaAttainment {
    pub sla: String,
    pub achieved: u64,
    pub breached: u64,
    pub in_progress: u64,
    pub cancelled: u64,
    /// achieved / (achieved + breached), in percent; `null` when none ended.
    pub attainment_percent: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Quality {
    pub csat_responses: u64,
    pub csat_average: Option<f64>,
    /// Counts of scores 1 to 5.
    pub csat_distribution: [u64; 5],
    pub first_contact_resolution_rate: Option<f64>,
    pub reopen_rate: Option<f64>,
    pub escalation_rate: Option<f64>,
    pub guide_rate: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Metrics {
    pub volume: Volume,
    pub backlog: Backlog,
    pub first_response: Stats,
    pub resolution: Stats,
    pub sla: Vec<SlaAttainment>,
    pub quality: Quality,
}

/// One week of the period: what was created and resolved, and the backlog at its end.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Week {
    #[serde(with = "super::case::utc")]
    pub start: DateTime<Utc>,
    pub created: u64,
    pub resolved: u64,
    pub backlog: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Group {
    pub key: String,
    pub metrics: Metrics,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    #[serde(with = "super::case::utc")]
    pub since: DateTime<Utc>,
    #[serde(with = "super::case::utc")]
    pub until: DateTime<Utc>,
    #[serde(with = "super::case::utc")]
    pub at: DateTime<Utc>,
    pub by: Option<GroupBy>,
    pub calendar: Option<String>,
    pub total: Metrics,
    pub groups: Vec<Group>,
    pub weekly: Vec<Week>,
}

/// The case as it stood at `at` (later events dropped), or `None` if not created yet.
pub fn as_of(case: &Case, at: DateTime<Utc>) -> Option<Case> {
    if case.created_at > at {
        return None;
    }
    let mut c = case.clone();
    c.timeline.retain(|e| e.at <= at);
    if let Some(s) = super::sla::state_at(case, at) {
        c.state = s;
    }
    Some(c)
}

fn in_period(t: DateTime<Utc>, o: &Options<'_>) -> bool {
    t >= o.since && t < o.until
}

fn is_answer(e: &Event) -> bool {
    e.actor_kind == ActorKind::Agent
        && ((e.kind == "comment" && e.visibility != Some(Visibility::Internal))
            || (e.kind == "state" && e.to.as_deref() == Some("resolved")))
}

fn first_response(case: &Case) -> Option<DateTime<Utc>> {
    case.timeline.iter().find(|e| is_answer(e)).map(|e| e.at)
}

fn first_resolution(case: &Case) -> Option<&Event> {
    case.timeline
        .iter()
        .find(|e| e.kind == "state" && e.to.as_deref() == Some("resolved"))
}

fn to_state(e: &Event, s: &str) -> bool {
    e.kind == "state" && e.to.as_deref() == Some(s)
}

fn reopen(e: &Event) -> bool {
    e.kind == "state"
        && e.to.as_deref() == Some("open")
        && matches!(e.from.as_deref(), Some("resolved" | "closed" | "cancelled"))
}

fn is_backlog(s: State) -> bool {
    matches!(s, State::New | State::Open | State::AwaitingInfo)
}

fn age_bucket(age: Duration) -> &'static str {
    let d = age.num_seconds() as f64 / 86_400.0;
    if d < 1.0 {
        AGE_BUCKETS[0]
    } else if d < 3.0 {
        AGE_BUCKETS[1]
    } else if d < 7.0 {
        AGE_BUCKETS[2]
    } else if d < 30.0 {
        AGE_BUCKETS[3]
    } else {
        AGE_BUCKETS[4]
    }
}

fn rate(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 * 1000.0 / whole as f64).round() / 10.0)
}

/// The metrics of `cases` (already as of `at`).
pub fn metrics(cases: &[&Case], clocks: &Clocks<'_>, o: &Options<'_>) -> Metrics {
    let mut m = Metrics::default();
    for b in AGE_BUCKETS {
        m.backlog.by_age.insert(b.into(), 0);
    }
    let (mut response, mut resolution) = (Vec::new(), Vec::new());
    let (mut response_b, mut resolution_b) = (Vec::new(), Vec::new());
    let business = o.calendar.map(|(_, c)| Clock::new(c));
    let mut sla: BTreeMap<String, SlaAttainment> = BTreeMap::new();
    let (mut resolved_cases, mut fcr, mut reopened_cases) = (0u64, 0u64, 0u64);
    let (mut escalated, mut guided) = (0u64, 0u64);
    let mut csat_sum = 0u64;
    for case in cases {
        let created = in_period(case.created_at, o);
        if created {
            m.volume.created += 1;
            if case.timeline.iter().any(|e| e.kind == "escalated") {
                escalated += 1;
            }
            if case.timeline.iter().any(|e| e.kind == "guide") {
                guided += 1;
            }
        }
        let mut reopened_here = false;
        for e in case.timeline.iter().filter(|e| in_period(e.at, o)) {
            if to_state(e, "resolved") {
                m.volume.resolved += 1;
            }
            if to_state(e, "closed") {
                m.volume.closed += 1;
                if let Some(s @ 1..=5) = e.csat {
                    m.quality.csat_distribution[usize::from(s) - 1] += 1;
                    m.quality.csat_responses += 1;
                    csat_sum += u64::from(s);
                }
            }
            if to_state(e, "cancelled") {
                m.volume.cancelled += 1;
            }
            if reopen(e) {
                m.volume.reopened += 1;
                reopened_here = true;
            }
        }
        if reopened_here {
            reopened_cases += 1;
        }
        // The backlog at the end of the period.
        if let Some(s) = super::sla::state_at(case, o.until.min(o.at))
            && is_backlog(s)
        {
            m.backlog.open += 1;
            *m.backlog
                .by_age
                .entry(age_bucket(o.until.min(o.at) - case.created_at).into())
                .or_default() += 1;
            *m.backlog.by_state.entry(s.as_str().into()).or_default() += 1;
        }
        if let Some(t) = first_response(case)
            && in_period(t, o)
        {
            response.push((t - case.created_at).num_seconds());
            if let Some(c) = &business {
                response_b.push(c.seconds(case.created_at, t));
            }
        }
        if let Some(r) = first_resolution(case)
            && in_period(r.at, o)
        {
            resolution.push((r.at - case.created_at).num_seconds());
            if let Some(c) = &business {
                resolution_b.push(c.seconds(case.created_at, r.at));
            }
            resolved_cases += 1;
            // First contact: no customer message between the first answer and it.
            let first = first_response(case);
            let replied = case.timeline.iter().any(|e| {
                e.actor_kind == ActorKind::Customer
                    && matches!(e.kind.as_str(), "comment" | "created")
                    && first.is_some_and(|f| e.at > f)
                    && e.at < r.at
            });
            if !replied {
                fcr += 1;
            }
        }
        // SLA clocks as they stood at the end of the period.
        let end = o.until.min(o.at);
        for c in clocks.evaluate(case, end, false) {
            let a = sla
                .entry(c.sla.to_string())
                .or_insert_with(|| SlaAttainment {
                    sla: c.sla.to_string(),
                    ..SlaAttainment::default()
                });
            match c.stage {
                Stage::Achieved if c.stopped_at.is_some_and(|t| in_period(t, o)) => a.achieved += 1,
                Stage::Breached if c.breach_at.is_some_and(|t| in_period(t, o)) => a.breached += 1,
                Stage::InProgress | Stage::Paused => a.in_progress += 1,
                Stage::Cancelled if c.stopped_at.is_some_and(|t| in_period(t, o)) => {
                    a.cancelled += 1
                }
                _ => {}
            }
        }
    }
    m.first_response = Stats::of(response);
    m.resolution = Stats::of(resolution);
    if business.is_some() {
        m.first_response.business = Some(Box::new(Stats::of(response_b)));
        m.resolution.business = Some(Box::new(Stats::of(resolution_b)));
    }
    m.sla = sla
        .into_values()
        .map(|mut a| {
            a.attainment_percent = rate(a.achieved, a.achieved + a.breached);
            a
        })
        .collect();
    let q = &mut m.quality;
    q.csat_average = (q.csat_responses > 0)
        .then(|| (csat_sum as f64 * 100.0 / q.csat_responses as f64).round() / 100.0);
    q.first_contact_resolution_rate = rate(fcr, resolved_cases);
    q.reopen_rate = rate(reopened_cases, resolved_cases.max(reopened_cases));
    q.escalation_rate = rate(escalated, m.volume.created);
    q.guide_rate = rate(guided, m.volume.created);
    m
}

/// The Monday 00:00 UTC of `t`'s week.
pub fn week_start(t: DateTime<Utc>) -> DateTime<Utc> {
    let d = t.date_naive() - Duration::days(i64::from(t.weekday().num_days_from_monday()));
    Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).expect("midnight exists"))
}

fn group_key(case: &Case, by: GroupBy) -> String {
    let or_none = |v: Option<&Text>| v.map_or_else(|| "(none)".into(), |v| v.to_string());
    match by {
        GroupBy::Team => or_none(case.team.as_ref()),
        GroupBy::Agent => or_none(case.assignee.as_ref()),
        GroupBy::Channel => case
            .timeline
            .iter()
            .find(|e| e.kind == "created")
            .and_then(|e| e.channel.as_deref())
            .unwrap_or("(none)")
            .to_string(),
        GroupBy::Type => case.kind.to_string(),
        GroupBy::Priority => case.priority.to_string(),
        GroupBy::Account => or_none(case.account.as_ref()),
        GroupBy::Week => {
            let w = case.created_at.iso_week();
            format!("{}-W{:02}", w.year(), w.week())
        }
        GroupBy::Month => case.created_at.format("%Y-%m").to_string(),
    }
}

/// The whole report: totals, groups, and the weekly series.
pub fn report(all: &[Case], clocks: &Clocks<'_>, o: &Options<'_>) -> Report {
    let cases: Vec<Case> = all.iter().filter_map(|c| as_of(c, o.at)).collect();
    let refs: Vec<&Case> = cases.iter().collect();
    let total = metrics(&refs, clocks, o);
    let mut groups = Vec::new();
    if let Some(by) = o.by {
        let mut split: BTreeMap<String, Vec<&Case>> = BTreeMap::new();
        for c in &refs {
            split.entry(group_key(c, by)).or_default().push(c);
        }
        for (key, members) in split {
            let metrics = metrics(&members, clocks, o);
            // Groups with nothing in the period are left out.
            if metrics.volume == Volume::default() && metrics.backlog.open == 0 {
                continue;
            }
            groups.push(Group { key, metrics });
        }
    }
    // The weekly series in one pass over the cases: each case's state changes once,
    // then counted into every week it spans.
    let first = week_start(o.since);
    let mut weekly: Vec<Week> = Vec::new();
    let mut start = first;
    while start < o.until {
        weekly.push(Week {
            start,
            created: 0,
            resolved: 0,
            backlog: 0,
        });
        start += Duration::weeks(1);
    }
    let week_end = |i: usize| (first + Duration::weeks(i as i64 + 1)).min(o.until);
    let index = |t: DateTime<Utc>| -> Option<usize> {
        (t >= o.since && t < o.until).then(|| ((t - first).num_seconds() / (7 * 86_400)) as usize)
    };
    for c in &refs {
        if let Some(i) = index(c.created_at) {
            weekly[i].created += 1;
        }
        let mut states = vec![(c.created_at, State::New)];
        for e in &c.timeline {
            if e.kind == "state"
                && let Some(s) = e.to.as_deref().and_then(State::parse)
            {
                states.push((e.at.max(c.created_at), s));
                if s == State::Resolved
                    && let Some(i) = index(e.at)
                {
                    weekly[i].resolved += 1;
                }
            }
        }
        let mut k = 0;
        for (i, w) in weekly.iter_mut().enumerate() {
            let end = week_end(i);
            if c.created_at > end {
                continue;
            }
            while k + 1 < states.len() && states[k + 1].0 <= end {
                k += 1;
            }
            if is_backlog(states[k].1) {
                w.backlog += 1;
            }
        }
    }
    Report {
        since: o.since,
        until: o.until,
        at: o.at,
        by: o.by,
        calendar: o.calendar.map(|(n, _)| n.to_string()),
        total,
        groups,
        weekly,
    }
}

#[cfg(test)]
mod tests;
