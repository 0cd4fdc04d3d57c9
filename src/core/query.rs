//! Which cases and clocks a listing shows, and in what order: the filters of `list` and
//! `sla` (and later queues), sorting, and the times `--at` accepts. Pure.

use chrono::{DateTime, Utc};

#[cfg(test)]
use super::case::Text;
use super::case::{Case, State};
use super::config::Config;
use super::duration::{self, DurationError};
use super::error::ValueError;
use super::sla::{ClockReport, Stage};

/// A filter value that is not understood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    #[error("unknown state {0:?} (states: {states}){hint}", states = State::ALL.map(|s| s.as_str()).join(", "), hint = .1.as_ref().map(|s| format!("; did you mean {s}?")).unwrap_or_default())]
    State(String, Option<String>),
    #[error(transparent)]
    Value(#[from] ValueError),
    #[error("{flag} {text:?}: {source}")]
    Duration {
        flag: &'static str,
        text: String,
        source: DurationError,
    },
    #[error(
        "{flag} {text:?} is not an RFC 3339 time ({reason}); write e.g. 2026-11-30T09:00:00Z or +3d"
    )]
    Time {
        flag: &'static str,
        text: String,
        reason: String,
    },
}

/// States from `--state` values, each possibly a comma-separated list. A state is named
/// by its id (`awaiting-info`), its display name from docket.toml (`"Awaiting customer"`)
/// or a unique beginning of either (`awaiting`), in any case.
pub fn parse_states(config: &Config, values: &[String]) -> Result<Vec<State>, QueryError> {
    let names: Vec<(String, State)> = State::ALL
        .iter()
        .flat_map(|s| {
            [
                (s.as_str().to_string(), *s),
                (config.state_label(s.as_str()).to_lowercase(), *s),
            ]
        })
        .collect();
    let mut out = Vec::new();
    for part in values.iter().flat_map(|v| v.split(',')) {
        let want = part.trim().to_lowercase();
        let exact = names.iter().find(|(n, _)| *n == want).map(|(_, s)| *s);
        let by_prefix = || {
            let mut hits: Vec<State> = names
                .iter()
                .filter(|(n, _)| !want.is_empty() && n.starts_with(&want))
                .map(|(_, s)| *s)
                .collect();
            hits.dedup();
            (hits.len() == 1).then(|| hits[0])
        };
        match exact.or_else(by_prefix) {
            Some(s) => out.push(s),
            None => {
                let hint = super::keys::closest(&want, names.iter().map(|(n, _)| n.as_str()));
                return Err(QueryError::State(part.to_string(), hint));
            }
        }
    }
    Ok(out)
}

/// Priorities from `--priority` values (comma-separated allowed), canonicalised.
pub fn parse_priorities(config: &Config, values: &[String]) -> Result<Vec<String>, QueryError> {
    let mut out = Vec::new();
    for part in values.iter().flat_map(|v| v.split(',')) {
        out.push(config.check_priority(part)?);
    }
    Ok(out)
}

/// `--at`: an RFC 3339 time, or `+DURATION` from `now`.
pub fn parse_at(
    flag: &'static str,
    text: &str,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, QueryError> {
    if let Some(rel) = text.strip_prefix('+') {
        let d = duration::parse(rel).map_err(|source| QueryError::Duration {
            flag,
            text: text.to_string(),
            source,
        })?;
        return now.checked_add_signed(d).ok_or_else(|| QueryError::Time {
            flag,
            text: text.to_string(),
            reason: "too far in the future".into(),
        });
    }
    DateTime::parse_from_rfc3339(text.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| QueryError::Time {
            flag,
            text: text.to_string(),
            reason: e.to_string(),
        })
}

/// The case filters (all given ones must match).
#[derive(Debug, Default, Clone)]
pub struct CaseFilter {
    pub states: Vec<State>,
    pub priorities: Vec<String>,
    /// `Some(None)`: unassigned only. Compared case-insensitively.
    pub assignee: Option<Option<String>>,
    pub account: Option<String>,
    pub kind: Option<String>,
    /// Every tag must be on the case.
    pub tags: Vec<String>,
    pub team: Option<String>,
    /// Only cases not closed or cancelled.
    pub open: bool,
}

impl CaseFilter {
    pub fn matches(&self, c: &Case) -> bool {
        (self.states.is_empty() || self.states.contains(&c.state))
            && (self.priorities.is_empty() || self.priorities.iter().any(|p| *p == c.priority))
            && self
                .assignee
                .as_ref()
                .is_none_or(|a| match (a, &c.assignee) {
                    (None, None) => true,
                    (Some(a), Some(x)) => a.eq_ignore_ascii_case(x),
                    _ => false,
                })
            && self.account.as_ref().is_none_or(|a| {
                c.account
                    .as_deref()
                    .is_some_and(|x| x.eq_ignore_ascii_case(a))
            })
            && self.kind.as_ref().is_none_or(|k| c.kind == *k)
            && self.tags.iter().all(|t| c.tags.contains(t))
            && self
                .team
                .as_ref()
                .is_none_or(|t| c.team.as_deref() == Some(t.as_str()))
            && (!self.open || c.state.is_open())
    }
}

/// Orders of `docket list`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    /// Most urgent priority first, then oldest.
    Priority,
    /// Newest first.
    Created,
    /// Most recently updated first.
    Updated,
    Id,
    /// Lifecycle order, then ID.
    State,
}

/// Sorts references (moving whole cases costs more than the rest of `list`).
pub fn sort(cases: &mut [&Case], by: Sort, config: &Config) {
    match by {
        Sort::Priority => sort_by_number(cases, |c| {
            let rank = config.priority_rank(&c.priority).min(u32::MAX as usize) as u128;
            rank << 96 | time_number(c.created_at)
        }),
        // Newest first: the numbers turned over (equal times keep their order).
        Sort::Created => sort_by_number(cases, |c| !time_number(c.created_at)),
        Sort::Updated => sort_by_number(cases, |c| !time_number(c.updated_at)),
        Sort::Id => cases.sort_by(|a, b| a.id.cmp(&b.id)),
        Sort::State => cases.sort_by(|a, b| a.state.cmp(&b.state).then(a.id.cmp(&b.id))),
    }
}

/// A stable sort of `cases` by a number made once per case, in the cases' own order (the
/// order a filter leaves them in, which is the order they lie in memory), and then sorted
/// without looking at a case again: at 50,000 cases, comparisons that each read two cases
/// missed the processor's cache every time.
fn sort_by_number(cases: &mut [&Case], number: impl Fn(&Case) -> u128) {
    let mut keys: Vec<(u128, usize)> = cases
        .iter()
        .enumerate()
        .map(|(i, c)| (number(c), i))
        .collect();
    // The place breaks ties, so equal numbers keep their order.
    keys.sort_unstable();
    let mut order: Vec<usize> = keys.into_iter().map(|(_, i)| i).collect();
    permute(cases, &mut order);
}

/// A time as a number in the same order: seconds (sign bit turned, so earlier is less)
/// above nanoseconds.
fn time_number(t: DateTime<Utc>) -> u128 {
    let secs = (t.timestamp() as u64) ^ (1 << 63);
    (u128::from(secs) << 32) | u128::from(t.timestamp_subsec_nanos())
}

/// Which clocks `docket sla` shows.
#[derive(Debug, Default, Clone, Copy)]
pub struct ClockFilter {
    pub breached: bool,
    pub at_risk: bool,
}

impl ClockFilter {
    pub fn matches(&self, r: &ClockReport) -> bool {
        (!self.breached || r.stage == Stage::Breached) && (!self.at_risk || r.at_risk())
    }
}

/// Most urgent first: by stage (breached first), then time left, case and SLA. The
/// order is found on small keys (stage, time left, the ID's first bytes: a report is a few hundred
/// bytes, and comparing through indices into the rows missed the processor's cache on
/// every step) and the rows are then moved into place by swapping, without a copy.
pub fn sort_clocks<T>(rows: &mut [(ClockReport, T)])
where
    T: std::ops::Deref<Target = Case>,
{
    // The first sixteen bytes of the case ID, big-endian: ordered as the IDs are (a
    // shorter ID padded with zeros ties, and the full comparison decides).
    let id_key = |id: &str| {
        let mut b = [0u8; 16];
        let n = id.len().min(16);
        b[..n].copy_from_slice(&id.as_bytes()[..n]);
        u128::from_be_bytes(b)
    };
    let mut keys: Vec<(Stage, i64, u128, usize)> = rows
        .iter()
        .enumerate()
        .map(|(i, (r, c))| (r.stage, r.remaining_seconds, id_key(&c.id), i))
        .collect();
    keys.sort_unstable_by(|&(sa, la, ia, i), &(sb, lb, ib, j)| {
        sa.cmp(&sb)
            .then(la.cmp(&lb))
            .then(ia.cmp(&ib))
            .then_with(|| {
                let ((a, ca), (b, cb)) = (&rows[i], &rows[j]);
                ca.id.cmp(&cb.id).then(a.sla.cmp(&b.sla)).then(i.cmp(&j))
            })
    });
    let mut order: Vec<usize> = keys.into_iter().map(|(_, _, _, i)| i).collect();
    permute(rows, &mut order);
}

/// Rearranges `rows` so that position `k` holds what was at `order[k]` (a permutation),
/// following each cycle with swaps; `order` is used up.
fn permute<T>(rows: &mut [T], order: &mut [usize]) {
    for start in 0..order.len() {
        let mut at = start;
        while order[at] != at {
            let from = order[at];
            order[at] = at;
            if from == start {
                break;
            }
            rows.swap(at, from);
            at = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn case(id: &str, priority: &str, created: i64) -> Case {
        let t = DateTime::from_timestamp(created, 0).unwrap();
        Case {
            state: State::Open,
            priority: priority.into(),
            account: Some("Acme".into()),
            assignee: Some("Alice".into()),
            team: Some("support".into()),
            tags: vec!["vip".into(), "cards".into()],
            created_at: t,
            updated_at: t,
            ..crate::core::case::sample(id, "t")
        }
    }

    #[test]
    fn filters_compare_names_case_insensitively_and_need_every_tag() {
        let c = case("DK-1", "P2", 0);
        let f = |f: CaseFilter| f.matches(&c);
        assert!(f(CaseFilter::default()));
        assert!(f(CaseFilter {
            assignee: Some(Some("alice".into())),
            account: Some("ACME".into()),
            ..Default::default()
        }));
        assert!(!f(CaseFilter {
            assignee: Some(None),
            ..Default::default()
        }));
        assert!(f(CaseFilter {
            tags: vec!["vip".into(), "cards".into()],
            ..Default::default()
        }));
        assert!(!f(CaseFilter {
            tags: vec!["vip".into(), "fraud".into()],
            ..Default::default()
        }));
        assert!(!f(CaseFilter {
            team: Some("fraud".into()),
            ..Default::default()
        }));
        let mut closed = c.clone();
        closed.state = State::Closed;
        assert!(
            !CaseFilter {
                open: true,
                ..Default::default()
            }
            .matches(&closed)
        );
    }

    #[test]
    fn states_and_priorities_accept_comma_lists() {
        let config = Config::parse("[states]\nawaiting-info = \"Awaiting customer\"").unwrap();
        let states = parse_states(&config, &["open,resolved".into(), "new".into()]).unwrap();
        assert_eq!(states, [State::Open, State::Resolved, State::New]);
        assert_eq!(
            parse_states(
                &config,
                &[
                    "Awaiting customer".into(),
                    "awaiting".into(),
                    "CLOSED".into()
                ]
            )
            .unwrap(),
            [State::AwaitingInfo, State::AwaitingInfo, State::Closed]
        );
        assert_eq!(
            parse_states(&config, &["opne".into()]),
            Err(QueryError::State("opne".into(), Some("open".into())))
        );
        assert!(
            parse_states(&config, &["c".into()]).is_err(),
            "closed or cancelled: ambiguous"
        );
        assert_eq!(
            parse_priorities(&config, &["p1,P2".into()]).unwrap(),
            ["P1", "P2"]
        );
        assert!(parse_priorities(&config, &["P9".into()]).is_err());
    }

    #[test]
    fn at_takes_a_time_or_a_duration_from_now() {
        let now = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        assert_eq!(
            parse_at("--at", "+1h", now).unwrap(),
            now + chrono::Duration::hours(1)
        );
        assert_eq!(
            parse_at("--at", "2026-11-30T09:00:00Z", now)
                .unwrap()
                .to_rfc3339(),
            "2026-11-30T09:00:00+00:00"
        );
        assert!(matches!(
            parse_at("--at", "tomorrow", now),
            Err(QueryError::Time { .. })
        ));
        assert!(matches!(
            parse_at("--at", "+soon", now),
            Err(QueryError::Duration { .. })
        ));
    }

    #[test]
    fn priority_order_breaks_ties_by_age() {
        let config = Config::default();
        let (a, b, c) = (
            case("DK-A", "P3", 5),
            case("DK-B", "P1", 9),
            case("DK-C", "P3", 1),
        );
        let mut v = vec![&a, &b, &c];
        sort(&mut v, Sort::Priority, &config);
        let ids: Vec<&str> = v.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["DK-B", "DK-C", "DK-A"]);
        sort(&mut v, Sort::Created, &config);
        assert_eq!(v[0].id, "DK-B");
    }

    proptest! {
        /// `--at` takes any text without panicking: a time, `+DURATION`, or an error.
        #[test]
        fn at_parses_any_text_or_refuses_it(text in "\\PC{0,32}", n in "[+][0-9]{1,25}[smhdw]") {
            let now = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
            let _ = parse_at("--at", &text, now);
            if let Ok(t) = parse_at("--at", &n, now) {
                prop_assert!(t >= now);
            }
        }

        /// Sorting is a permutation and every sort key yields an order consistent with it.
        #[test]
        fn sorting_keeps_every_case(created in proptest::collection::vec(0i64..1000, 0..30)) {
            let config = Config::default();
            let cases: Vec<Case> = created
                .iter()
                .enumerate()
                .map(|(i, t)| case(&format!("DK-{i:03}"), ["P1", "P2", "P3", "P4"][i % 4], *t))
                .collect();
            for by in [Sort::Priority, Sort::Created, Sort::Updated, Sort::Id, Sort::State] {
                let mut v: Vec<&Case> = cases.iter().collect();
                sort(&mut v, by, &config);
                prop_assert_eq!(v.len(), cases.len());
                let mut ids: Vec<&str> = v.iter().map(|c| c.id.as_str()).collect();
                ids.sort();
                ids.dedup();
                prop_assert_eq!(ids.len(), cases.len());
                if by == Sort::Created {
                    prop_assert!(v.windows(2).all(|w| w[0].created_at >= w[1].created_at));
                }
                if by == Sort::Priority {
                    let ordered = v.windows(2).all(|w| {
                        let a = config.priority_rank(&w[0].priority);
                        let b = config.priority_rank(&w[1].priority);
                        a < b || (a == b && w[0].created_at <= w[1].created_at)
                    });
                    prop_assert!(ordered);
                }
            }
        }
    }

    proptest! {
        /// The sorts by number give exactly the order of plain stable sorts by the same
        /// keys, ties (same priority, same second) and sub-second times included.
        #[test]
        fn sorting_by_numbers_is_sorting_by_the_keys(
            cases in proptest::collection::vec(
                (0usize..6, -3i64..3, 0u32..3, -2i64..2),
                0..40,
            )
        ) {
            let config = Config::default();
            let priorities = ["P1", "P2", "P3", "P4", "P9", "p2"];
            let at = |s: i64, n: u32| DateTime::from_timestamp(s * 1_000_000_000, n * 400_000_000).unwrap();
            let cases: Vec<Case> = cases
                .iter()
                .enumerate()
                .map(|(i, &(p, s, n, u))| {
                    let mut c = case(&format!("DK-{i:03}"), priorities[p], 0);
                    c.created_at = at(s, n);
                    c.updated_at = at(u, n);
                    c
                })
                .collect();
            let ids = |v: &[&Case]| v.iter().map(|c| c.id.to_string()).collect::<Vec<_>>();
            for by in [Sort::Priority, Sort::Created, Sort::Updated] {
                let mut got: Vec<&Case> = cases.iter().collect();
                sort(&mut got, by, &config);
                let mut want: Vec<&Case> = cases.iter().collect();
                match by {
                    Sort::Priority => want.sort_by_key(|c| (config.priority_rank(&c.priority), c.created_at)),
                    Sort::Created => want.sort_by_key(|c| std::cmp::Reverse(c.created_at)),
                    _ => want.sort_by_key(|c| std::cmp::Reverse(c.updated_at)),
                }
                prop_assert_eq!(ids(&got), ids(&want), "{:?}", by);
            }
        }

        /// Sorting on indices gives the order a plain sort of the rows gives.
        #[test]
        fn clocks_sort_as_a_plain_sort_would(
            rows in proptest::collection::vec((0usize..5, -50i64..50, 0usize..4, 0usize..3), 0..40)
        ) {
            use crate::core::sla::{ClockReport, Stage};
            let stages = [Stage::Breached, Stage::InProgress, Stage::Paused, Stage::Achieved, Stage::Cancelled];
            let cases: Vec<Case> = (0..4).map(|i| case(&format!("DK-{i}"), "P2", 0)).collect();
            let t = DateTime::from_timestamp(0, 0).unwrap();
            let mut built: Vec<(ClockReport, &Case)> = rows
                .iter()
                .map(|&(stage, left, c, sla)| {
                    let r = ClockReport {
                        case: cases[c].id.clone(),
                        sla: format!("sla-{sla}").into(),
                        kind: "response".into(),
                        stage: stages[stage],
                        started_at: t,
                        stopped_at: None,
                        breach_at: None,
                        target_seconds: 100,
                        elapsed_seconds: 0,
                        remaining_seconds: left,
                        percent: 0.0,
                        calendar: "24x7".into(),
                        external: true,
                        warning: None,
                        intervals: Vec::new(),
                    };
                    (r, &cases[c])
                })
                .collect();
            let mut expected: Vec<(Stage, i64, Text, Text)> = built
                .iter()
                .map(|(r, c)| (r.stage, r.remaining_seconds, c.id.clone(), r.sla.clone()))
                .collect();
            expected.sort();
            sort_clocks(&mut built);
            let got: Vec<(Stage, i64, Text, Text)> = built
                .iter()
                .map(|(r, c)| (r.stage, r.remaining_seconds, c.id.clone(), r.sla.clone()))
                .collect();
            prop_assert_eq!(got, expected);
        }

        #[test]
        fn permute_puts_each_item_where_the_order_says(
            order in Just((0..40usize).collect::<Vec<_>>()).prop_shuffle()
        ) {
            let mut rows: Vec<usize> = (100..140).collect();
            let expected: Vec<usize> = order.iter().map(|&i| 100 + i).collect();
            let mut order = order;
            permute(&mut rows, &mut order);
            prop_assert_eq!(rows, expected);
        }
    }
}
