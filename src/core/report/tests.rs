use chrono::{DateTime, Utc};

use super::*;
use crate::core::case::{Actor, Visibility};
use crate::core::config::Config;
use crate::core::lifecycle::{self, Ctx, NewCase, Transition, TransitionDetails};
use crate::core::sla::Policy;

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn agent(at: &str) -> Ctx {
    Ctx::new(Actor::agent("alice"), t(at), 1)
}

fn customer(at: &str) -> Ctx {
    Ctx::new(Actor::customer("Jane"), t(at), 2)
}

fn new_case(id: &str, at: &str) -> Case {
    lifecycle::create(
        NewCase {
            id: id.into(),
            title: "Card declined".into(),
            kind: "incident".into(),
            priority: "P3".into(),
            account: None,
            contact: None,
            tags: vec![],
            fields: Default::default(),
            body: Some("Help".into()),
            channel: "email".into(),
        },
        &mut customer(at),
    )
    .unwrap()
}

fn answer(c: &mut Case, at: &str) {
    lifecycle::comment(c, &mut agent(at), "On it", "email", Visibility::Public).unwrap();
}

fn resolve(c: &mut Case, at: &str) {
    let d = TransitionDetails {
        resolution: Some("Fixed".into()),
        ..Default::default()
    };
    lifecycle::transition(c, &mut agent(at), Transition::Resolve, d).unwrap();
}

fn options<'a>(since: &str, until: &str) -> Options<'a> {
    Options {
        since: t(since),
        until: t(until),
        at: t(until),
        by: None,
        calendar: None,
    }
}

fn run(cases: &[Case], o: &Options<'_>) -> Report {
    let policy = Policy::default();
    report(cases, &Clocks::new(&policy), o)
}

#[test]
fn a_case_without_an_answer_is_backlog_but_not_a_response_time() {
    let mut answered = new_case("DK-A", "2026-11-02T09:00:00Z");
    answer(&mut answered, "2026-11-02T10:00:00Z");
    let waiting = new_case("DK-B", "2026-11-02T09:00:00Z");
    let r = run(
        &[answered, waiting],
        &options("2026-11-01T00:00:00Z", "2026-11-04T00:00:00Z"),
    );
    let m = &r.total;
    assert_eq!(m.volume.created, 2);
    assert_eq!(m.first_response.count, 1);
    assert_eq!(m.first_response.median_seconds, Some(3600));
    assert_eq!(m.backlog.open, 2);
    assert_eq!(m.backlog.by_age["1-3d"], 2);
    assert_eq!(m.backlog.by_state["open"], 1);
    assert_eq!(m.backlog.by_state["new"], 1);
}

#[test]
fn a_reopened_case_counts_once_with_its_first_resolution() {
    let mut c = new_case("DK-A", "2026-11-02T09:00:00Z");
    answer(&mut c, "2026-11-02T09:30:00Z");
    resolve(&mut c, "2026-11-02T11:00:00Z");
    lifecycle::transition(
        &mut c,
        &mut customer("2026-11-02T12:00:00Z"),
        Transition::Reopen,
        TransitionDetails::default(),
    )
    .unwrap();
    resolve(&mut c, "2026-11-03T11:00:00Z");
    let r = run(
        &[c],
        &options("2026-11-01T00:00:00Z", "2026-11-08T00:00:00Z"),
    );
    let m = &r.total;
    assert_eq!(m.resolution.count, 1);
    assert_eq!(m.resolution.median_seconds, Some(2 * 3600));
    assert_eq!(m.volume.resolved, 2, "both resolutions are volume");
    assert_eq!(m.volume.reopened, 1);
    assert_eq!(m.quality.reopen_rate, Some(100.0));
    assert_eq!(m.quality.first_contact_resolution_rate, Some(100.0));
}

#[test]
fn business_time_skips_the_weekend() {
    let config = Config::parse(
        "[calendars.office]\ntimezone = \"UTC\"\nhours = { mon = [\"09:00-17:00\"], tue = [\"09:00-17:00\"], wed = [\"09:00-17:00\"], thu = [\"09:00-17:00\"], fri = [\"09:00-17:00\"] }\n",
    )
    .unwrap();
    let office = &config.policy.calendars["office"];
    // Friday 16:00 → Monday 10:00: 66 hours of calendar time, 2 hours of business time.
    let mut c = new_case("DK-A", "2026-11-06T16:00:00Z");
    answer(&mut c, "2026-11-09T10:00:00Z");
    let mut o = options("2026-11-01T00:00:00Z", "2026-11-15T00:00:00Z");
    o.calendar = Some(("office", office));
    let r = run(&[c], &o);
    let s = &r.total.first_response;
    assert_eq!(s.median_seconds, Some(66 * 3600));
    assert_eq!(s.business.as_ref().unwrap().median_seconds, Some(2 * 3600));
}

#[test]
fn at_ignores_later_events() {
    let mut c = new_case("DK-A", "2026-11-02T09:00:00Z");
    answer(&mut c, "2026-11-02T10:00:00Z");
    resolve(&mut c, "2026-11-05T10:00:00Z");
    let later = new_case("DK-B", "2026-11-06T09:00:00Z");
    let mut o = options("2026-11-01T00:00:00Z", "2026-11-04T00:00:00Z");
    o.at = t("2026-11-04T00:00:00Z");
    let r = run(&[c.clone(), later.clone()], &o);
    assert_eq!(
        r.total.volume.created, 1,
        "the later case did not exist yet"
    );
    assert_eq!(r.total.volume.resolved, 0);
    assert_eq!(r.total.backlog.open, 1, "not yet resolved then");
    // The same period seen today: the resolution falls after the period, the case is
    // resolved now but was open at the end of the period.
    let mut now = options("2026-11-01T00:00:00Z", "2026-11-04T00:00:00Z");
    now.at = t("2026-11-20T00:00:00Z");
    let r2 = run(&[c, later], &now);
    assert_eq!(r2.total.backlog.open, 1);
    assert_eq!(r2.total.volume, r.total.volume);
}

#[test]
fn an_empty_period_gives_zeros_not_errors() {
    let r = run(
        &[],
        &options("2026-11-01T00:00:00Z", "2026-11-08T00:00:00Z"),
    );
    let m = &r.total;
    assert_eq!(m.volume, Volume::default());
    assert_eq!(m.first_response.count, 0);
    assert_eq!(m.first_response.median_seconds, None);
    assert_eq!(m.quality.csat_average, None);
    assert_eq!(m.backlog.open, 0);
    assert_eq!(r.weekly.len(), 2, "two weeks touch the period");
    assert!(r.weekly.iter().all(|w| w.created == 0 && w.backlog == 0));
}

#[test]
fn csat_escalation_and_grouping() {
    let mut a = new_case("DK-A", "2026-11-02T09:00:00Z");
    answer(&mut a, "2026-11-02T09:10:00Z");
    resolve(&mut a, "2026-11-02T10:00:00Z");
    let d = TransitionDetails {
        csat: Some(4),
        ..Default::default()
    };
    lifecycle::transition(
        &mut a,
        &mut agent("2026-11-02T11:00:00Z"),
        Transition::Close,
        d,
    )
    .unwrap();
    let mut b = new_case("DK-B", "2026-11-03T09:00:00Z");
    b.priority = "P1".into();
    lifecycle::escalate(&mut b, &mut agent("2026-11-03T09:30:00Z"), "hot", None, 3).unwrap();
    let mut o = options("2026-11-01T00:00:00Z", "2026-11-08T00:00:00Z");
    o.by = Some(GroupBy::Priority);
    let r = run(&[a, b], &o);
    assert_eq!(r.total.quality.csat_average, Some(4.0));
    assert_eq!(r.total.quality.csat_distribution, [0, 0, 0, 1, 0]);
    assert_eq!(r.total.quality.escalation_rate, Some(50.0));
    let keys: Vec<&str> = r.groups.iter().map(|g| g.key.as_str()).collect();
    assert_eq!(keys, ["P1", "P3"]);
    assert_eq!(r.groups[0].metrics.volume.created, 1);
}

#[test]
fn percentiles_use_the_nearest_rank() {
    let s = Stats::of((1..=10).collect());
    assert_eq!(
        (s.median_seconds, s.p90_seconds, s.mean_seconds),
        (Some(5), Some(9), Some(5))
    );
    let one = Stats::of(vec![7]);
    assert_eq!((one.median_seconds, one.p90_seconds), (Some(7), Some(7)));
}
