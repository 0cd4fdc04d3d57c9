use chrono::{DateTime, Duration, Utc};
use proptest::prelude::*;

use super::*;
use crate::core::case::{Actor, Event, Visibility};
use crate::core::lifecycle::{self, Change, Ctx, NewCase, Transition, TransitionDetails};

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

const POLICY: &str = r#"
[calendars.madrid]
timezone = "Europe/Madrid"
hours = { mon = ["09:00-13:00", "14:00-18:00"], tue = ["09:00-13:00", "14:00-18:00"], wed = ["09:00-18:00"], thu = ["09:00-18:00"], fri = ["09:00-15:00"] }
holidays = ["2026-12-08", "2026-12-25"]

[[sla]]
name = "p1-response"
kind = "response"
target = "30m"
calendar = "24x7"
match = { priority = ["P1"] }

[[sla]]
name = "p2-resolution"
kind = "resolution"
target = "8h"
calendar = "madrid"
match = { priority = ["P2"], type = ["incident", "request"] }
pause_states = ["awaiting-info"]
warn_at = [50, 75]
external = true
"#;

fn policy(text: &str) -> Policy {
    let v: toml::Table = toml::from_str(text).unwrap();
    let check = |p: &str| Ok(p.to_ascii_uppercase());
    Policy::from_toml(v.get("calendars"), v.get("sla"), &check).unwrap()
}

struct Story {
    case: Case,
    seed: u64,
}

impl Story {
    fn new(at: &str, priority: &str, kind: &str) -> Story {
        let mut ctx = Ctx::new(Actor::customer("Jane"), utc(at), 1);
        let case = lifecycle::create(
            NewCase {
                id: "DK-00000001".into(),
                title: "t".into(),
                kind: kind.into(),
                priority: priority.into(),
                account: None,
                contact: None,
                tags: vec![],
                fields: Default::default(),
                body: Some("help".into()),
                channel: "email".into(),
            },
            &mut ctx,
        )
        .unwrap();
        Story { case, seed: 2 }
    }
    fn ctx(&mut self, at: &str, actor: Actor) -> Ctx {
        self.seed += 1;
        Ctx::new(actor, utc(at), self.seed)
    }
    fn agent_comment(mut self, at: &str, vis: Visibility) -> Story {
        let mut ctx = self.ctx(at, Actor::agent("alice"));
        lifecycle::comment(&mut self.case, &mut ctx, "hi", "email", vis).unwrap();
        self
    }
    fn customer_comment(mut self, at: &str) -> Story {
        let mut ctx = self.ctx(at, Actor::customer("Jane"));
        lifecycle::comment(
            &mut self.case,
            &mut ctx,
            "hello",
            "email",
            Visibility::Public,
        )
        .unwrap();
        self
    }
    fn go(mut self, at: &str, t: Transition) -> Story {
        let mut ctx = self.ctx(at, Actor::agent("alice"));
        lifecycle::transition(&mut self.case, &mut ctx, t, TransitionDetails::default()).unwrap();
        self
    }
    fn priority(mut self, at: &str, p: &str) -> Story {
        let mut ctx = self.ctx(at, Actor::agent("alice"));
        lifecycle::set(&mut self.case, &mut ctx, vec![Change::Priority(p.into())]).unwrap();
        self
    }
}

fn report<'a>(reports: &'a [ClockReport], name: &str) -> &'a ClockReport {
    reports
        .iter()
        .find(|r| r.sla == name)
        .unwrap_or_else(|| panic!("no {name} in {reports:?}"))
}

#[test]
fn the_issue_example_policy_parses() {
    let p = policy(POLICY);
    assert_eq!(p.slas.len(), 2);
    assert_eq!(p.slas[0].target, 1800);
    assert_eq!(p.slas[1].pause, vec![State::AwaitingInfo]);
    assert!(p.calendars.contains_key("24x7") && p.calendars.contains_key("madrid"));
}

#[test]
fn invalid_policies_are_named() {
    let check = |p: &str| Ok(p.to_string());
    let bad = |text: &str| {
        let v: toml::Table = toml::from_str(text).unwrap();
        Policy::from_toml(v.get("calendars"), v.get("sla"), &check)
            .unwrap_err()
            .to_string()
    };
    assert!(
        bad("[calendars.x]\ntimezone = \"Mars/Base\"\nhours = { mon = [\"09:00-17:00\"] }")
            .contains("Mars/Base")
    );
    assert!(
        bad("[calendars.x]\ntimezone = \"UTC\"\nhours = { mon = [\"9-17\"] }")
            .contains("calendars.x.hours.mon")
    );
    assert!(bad("[calendars.x]\ntimezone = \"UTC\"").contains("no working hours"));
    assert!(
        bad("[[sla]]\nname = \"a\"\ntarget = \"1h\"\ncalendar = \"nope\"")
            .contains("unknown calendar \"nope\"")
    );
    assert!(bad("[[sla]]\nname = \"a\"\ntarget = \"soon\"").contains("sla \"a\": target"));
    assert!(bad("[[sla]]\nname = \"a\"\ntarget = \"1h\"\nkind = \"speed\"").contains("speed"));
    assert!(
        bad("[[sla]]\nname = \"a\"\ntarget = \"1h\"\npause_states = [\"lunch\"]").contains("lunch")
    );
    assert!(
        bad("[[sla]]\nname = \"a\"\ntarget = \"1h\"\n[[sla]]\nname = \"a\"\ntarget = \"2h\"")
            .contains("twice")
    );
}

#[test]
fn response_stops_at_the_first_public_agent_comment_only() {
    let p = policy(POLICY);
    let clocks = Clocks::new(&p);
    let s = Story::new("2026-11-20T09:00:00Z", "P1", "incident")
        .customer_comment("2026-11-20T09:05:00Z")
        .agent_comment("2026-11-20T09:10:00Z", Visibility::Internal)
        .agent_comment("2026-11-20T09:20:00Z", Visibility::Public);
    let r = clocks.evaluate(&s.case, utc("2026-11-20T12:00:00Z"), false);
    let r = report(&r, "p1-response");
    assert_eq!(r.stage, Stage::Achieved);
    assert_eq!(r.elapsed_seconds, 20 * 60);
    assert_eq!(r.remaining_seconds, 10 * 60);
    assert_eq!(r.stopped_at, Some(utc("2026-11-20T09:20:00Z")));
    assert_eq!(r.breach_at, None);
}

#[test]
fn an_unanswered_p1_breaches_at_the_target_and_stays_breached() {
    let p = policy(POLICY);
    let clocks = Clocks::new(&p);
    let s = Story::new("2026-11-20T09:00:00Z", "P1", "incident");
    let at = |t: &str| clocks.evaluate(&s.case, utc(t), false).remove(0);
    let r = at("2026-11-20T09:20:00Z");
    assert_eq!(
        (r.stage, r.elapsed_seconds, r.warning),
        (Stage::InProgress, 1200, Some(50))
    );
    assert_eq!(r.breach_at, Some(utc("2026-11-20T09:30:00Z")));
    assert_eq!(at("2026-11-20T09:29:59Z").stage, Stage::InProgress);
    let r = at("2026-11-20T09:30:00Z");
    assert_eq!((r.stage, r.remaining_seconds), (Stage::Breached, 0));
    let s = s.agent_comment("2026-11-20T10:00:00Z", Visibility::Public);
    let r = clocks
        .evaluate(&s.case, utc("2026-11-20T11:00:00Z"), false)
        .remove(0);
    assert_eq!(
        r.stage,
        Stage::Breached,
        "a clock that breached and then stopped stays breached"
    );
    assert_eq!(r.breach_at, Some(utc("2026-11-20T09:30:00Z")));
    assert_eq!(r.remaining_seconds, -1800);
}

#[test]
fn resolution_counts_business_hours_across_a_weekend_and_a_holiday() {
    let p = policy(POLICY);
    let clocks = Clocks::new(&p);
    // Friday 2026-12-04 14:00 Madrid (13:00Z): 1h left on Friday (until 15:00), then
    // Monday 7 December 8h... the target is 8h, so it breaches on Monday at 17:00 local
    // (lunch 13-14). With Tuesday 8 December a holiday, a case from Monday 17:00 waits
    // until Wednesday.
    let s = Story::new("2026-12-04T13:00:00Z", "P2", "incident");
    let r = clocks.evaluate(&s.case, utc("2026-12-05T12:00:00Z"), false);
    let r = report(&r, "p2-resolution");
    assert_eq!(r.elapsed_seconds, 3600);
    assert_eq!(r.breach_at, Some(utc("2026-12-07T16:00:00Z")));
    let s2 = Story::new("2026-12-07T16:00:00Z", "P2", "request");
    let r = clocks.evaluate(&s2.case, utc("2026-12-08T20:00:00Z"), false);
    let r = report(&r, "p2-resolution");
    assert_eq!(
        r.elapsed_seconds, 3600,
        "Monday 17-18 only; the 8th is a holiday"
    );
    // 7h left from Wednesday 09:00 local (08:00Z) on a 09-18 day: 16:00 local.
    assert_eq!(r.breach_at, Some(utc("2026-12-09T15:00:00Z")));
}

#[test]
fn waiting_pauses_and_the_customer_reply_resumes() {
    let p = policy(POLICY);
    let clocks = Clocks::new(&p);
    let s = Story::new("2026-11-23T08:00:00Z", "P2", "incident") // Monday 09:00 local
        .go("2026-11-23T09:00:00Z", Transition::Wait)
        .customer_comment("2026-11-23T11:00:00Z"); // back to open at 12:00 local
    let r = clocks.evaluate(&s.case, utc("2026-11-23T10:00:00Z"), true);
    let r = report(&r, "p2-resolution");
    assert_eq!((r.stage, r.elapsed_seconds), (Stage::Paused, 3600));
    assert_eq!(r.breach_at, None);
    let r = clocks.evaluate(&s.case, utc("2026-11-23T12:00:00Z"), true);
    let r = report(&r, "p2-resolution");
    assert_eq!(
        (r.stage, r.elapsed_seconds),
        (Stage::InProgress, 3600 + 3600)
    );
    let running: Vec<bool> = r.intervals.iter().map(|i| i.running).collect();
    assert_eq!(running, vec![true, false, true], "new, waiting, open again");
    assert_eq!(r.intervals[1].counted_seconds, 0);
    assert_eq!(r.intervals[1].state, "awaiting-info");
}

#[test]
fn reopening_a_resolved_case_resumes_its_resolution_clock() {
    let p = policy(POLICY);
    let clocks = Clocks::new(&p);
    let s = Story::new("2026-11-23T08:00:00Z", "P2", "incident")
        .go("2026-11-23T10:00:00Z", Transition::Resolve);
    let r = clocks.evaluate(&s.case, utc("2026-11-24T10:00:00Z"), false);
    let r = report(&r, "p2-resolution");
    assert_eq!((r.stage, r.elapsed_seconds), (Stage::Achieved, 7200));
    let s = s.go("2026-11-24T08:00:00Z", Transition::Reopen);
    let r = clocks.evaluate(&s.case, utc("2026-11-24T10:00:00Z"), false);
    let r = report(&r, "p2-resolution");
    assert_eq!(
        (r.stage, r.elapsed_seconds),
        (Stage::InProgress, 7200 + 7200)
    );
}

#[test]
fn lowering_the_priority_cancels_the_old_sla_and_starts_the_new_one_from_creation() {
    let p = policy(&format!(
        "{POLICY}\n[[sla]]\nname = \"p3-resolution\"\nkind = \"resolution\"\ntarget = \"40h\"\ncalendar = \"24x7\"\nmatch = {{ priority = [\"P3\"] }}\n"
    ));
    let clocks = Clocks::new(&p);
    let s =
        Story::new("2026-11-20T09:00:00Z", "P1", "incident").priority("2026-11-20T09:10:00Z", "P3");
    let r = clocks.evaluate(&s.case, utc("2026-11-20T10:00:00Z"), false);
    let p1 = report(&r, "p1-response");
    assert_eq!(p1.stage, Stage::Cancelled);
    assert_eq!(p1.elapsed_seconds, 600);
    assert_eq!(p1.stopped_at, Some(utc("2026-11-20T09:10:00Z")));
    let p3 = report(&r, "p3-resolution");
    assert_eq!(p3.started_at, utc("2026-11-20T09:00:00Z"), "retroactive");
    assert_eq!(p3.elapsed_seconds, 3600);
    // Before the change, only the P1 clock existed.
    let r = clocks.evaluate(&s.case, utc("2026-11-20T09:05:00Z"), false);
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].stage, Stage::InProgress);
}

#[test]
fn custom_stop_conditions_and_cancelled_cases() {
    let p = policy(
        "[[sla]]\nname = \"assign\"\nkind = \"custom\"\ntarget = \"1h\"\nstop_on = { events = [\"assigned\"] }\n",
    );
    let clocks = Clocks::new(&p);
    let mut s = Story::new("2026-11-20T09:00:00Z", "P3", "question");
    let mut ctx = s.ctx("2026-11-20T09:40:00Z", Actor::agent("alice"));
    lifecycle::assign(&mut s.case, &mut ctx, Some(("alice", None))).unwrap();
    let r = clocks
        .evaluate(&s.case, utc("2026-11-20T12:00:00Z"), false)
        .remove(0);
    assert_eq!((r.stage, r.elapsed_seconds), (Stage::Achieved, 2400));
    let s = Story::new("2026-11-20T09:00:00Z", "P3", "question")
        .go("2026-11-20T09:10:00Z", Transition::Cancel);
    let r = clocks
        .evaluate(&s.case, utc("2026-11-20T12:00:00Z"), false)
        .remove(0);
    assert_eq!((r.stage, r.elapsed_seconds), (Stage::Cancelled, 600));
}

#[test]
fn daylight_saving_in_europe_and_america_counts_real_time() {
    for (zone, night_from, night_to) in [
        // Madrid: 2026-03-29 02:00 → 03:00 (UTC 01:00).
        (
            "Europe/Madrid",
            "2026-03-28T23:00:00Z",
            "2026-03-29T22:00:00Z",
        ),
        // New York: 2026-03-08 02:00 → 03:00 (UTC 07:00).
        (
            "America/New_York",
            "2026-03-08T05:00:00Z",
            "2026-03-09T04:00:00Z",
        ),
    ] {
        let text = format!(
            "[calendars.allday]\ntimezone = \"{zone}\"\nhours = {{ mon = [\"00:00-24:00\"], tue = [\"00:00-24:00\"], wed = [\"00:00-24:00\"], thu = [\"00:00-24:00\"], fri = [\"00:00-24:00\"], sat = [\"00:00-24:00\"], sun = [\"00:00-24:00\"] }}\n[[sla]]\nname = \"r\"\ntarget = \"30h\"\ncalendar = \"allday\"\n"
        );
        let p = policy(&text);
        let clocks = Clocks::new(&p);
        let s = Story::new(night_from, "P3", "incident");
        let r = clocks.evaluate(&s.case, utc(night_to), false).remove(0);
        assert_eq!(
            r.elapsed_seconds,
            23 * 3600,
            "{zone}: the short day has 23 real hours"
        );
        assert_eq!(
            r.breach_at,
            Some(utc(night_from) + Duration::hours(30)),
            "{zone}"
        );
    }
}

// Property tests over random calendars and timelines.

fn arb_calendar() -> impl Strategy<Value = String> {
    let zones = prop::sample::select(vec![
        "UTC",
        "Europe/Madrid",
        "America/New_York",
        "Asia/Tokyo",
        "Australia/Sydney",
    ]);
    let day = prop::collection::vec((0u32..23, 1u32..6), 0..3);
    // Monday always has some working time: a calendar without any is refused.
    let monday = prop::collection::vec((0u32..23, 1u32..6), 1..3);
    (zones, monday, prop::collection::vec(day, 6)).prop_map(|(zone, monday, rest)| {
        let mut days = vec![monday];
        days.extend(rest);
        let names = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
        let mut hours = Vec::new();
        for (name, spans) in names.iter().zip(days) {
            let mut list: Vec<(u32, u32)> = spans.into_iter().map(|(s, l)| (s, (s + l).min(24))).collect();
            list.sort();
            let mut merged: Vec<(u32, u32)> = Vec::new();
            for (s, e) in list {
                match merged.last_mut() {
                    Some(last) if s <= last.1 => last.1 = last.1.max(e),
                    _ => merged.push((s, e)),
                }
            }
            let spans: Vec<String> = merged.iter().map(|(s, e)| format!("\"{s:02}:00-{e:02}:00\"")).collect();
            hours.push(format!("{name} = [{}]", spans.join(", ")));
        }
        format!(
            "[calendars.c]\ntimezone = \"{zone}\"\nhours = {{ mon = [\"09:00-10:00\"] }}\n[calendars.c.hours]\n{}\n",
            hours.join("\n")
        )
        .replace("hours = { mon = [\"09:00-10:00\"] }\n", "")
    })
}

#[derive(Debug, Clone)]
enum Step {
    Wait,
    Reply,
    Resolve,
    Reopen,
}

fn arb_steps() -> impl Strategy<Value = Vec<(i64, Step)>> {
    prop::collection::vec(
        (
            1i64..200_000,
            prop_oneof![
                Just(Step::Wait),
                Just(Step::Reply),
                Just(Step::Resolve),
                Just(Step::Reopen)
            ],
        ),
        0..8,
    )
}

fn build(start: DateTime<Utc>, steps: &[(i64, Step)]) -> Case {
    let mut s = Story::new(&crate::core::case::format_time(start), "P3", "incident");
    let mut t = start;
    for (gap, step) in steps {
        t += Duration::seconds(*gap);
        let at = crate::core::case::format_time(t);
        let mut ctx = s.ctx(&at, Actor::agent("alice"));
        let case = &mut s.case;
        let _ = match step {
            Step::Wait => {
                lifecycle::transition(case, &mut ctx, Transition::Wait, Default::default())
            }
            Step::Resolve => {
                lifecycle::transition(case, &mut ctx, Transition::Resolve, Default::default())
            }
            Step::Reopen => {
                lifecycle::transition(case, &mut ctx, Transition::Reopen, Default::default())
            }
            Step::Reply => {
                let mut c = s.ctx(&at, Actor::customer("Jane"));
                lifecycle::comment(&mut s.case, &mut c, "x", "email", Visibility::Public)
            }
        };
    }
    s.case
}

fn sla_text(calendar: &str, target: &str, pause: bool) -> String {
    let pause = if pause { "[\"awaiting-info\"]" } else { "[]" };
    format!(
        "{calendar}\n[[sla]]\nname = \"r\"\nkind = \"resolution\"\ntarget = \"{target}\"\ncalendar = \"c\"\npause_states = {pause}\n"
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// `state_at` (which builds no history) is the last state of the history, at any time,
    /// with events out of order and states this version does not know.
    #[test]
    fn state_at_is_the_last_state_of_the_history(steps in arb_steps(), at in -1000i64..2_000_000, odd in proptest::option::of((0i64..2_000_000, 0usize..3))) {
        let start = utc("2026-03-02T09:00:00Z");
        let mut case = build(start, &steps);
        if let Some((secs, to)) = odd {
            let mut e = Event::new("x", start + Duration::seconds(secs), &Actor::agent("bob"), "state");
            e.to = Some(["bogus", "open", "resolved"][to].into());
            case.timeline.insert(case.timeline.len() / 2, e);
        }
        let t = start + Duration::seconds(at);
        let expected = (t >= case.created_at).then(|| state_history(&case, t).last().unwrap().1);
        prop_assert_eq!(state_at(&case, t), expected);
    }

    #[test]
    fn elapsed_never_decreases_as_time_goes_on(cal in arb_calendar(), steps in arb_steps(), a in 0i64..2_000_000, b in 0i64..2_000_000) {
        let p = policy(&sla_text(&cal, "40h", true));
        let clocks = Clocks::new(&p);
        let start = utc("2026-03-01T10:00:00Z");
        let case = build(start, &steps);
        let (t1, t2) = (start + Duration::seconds(a.min(b)), start + Duration::seconds(a.max(b)));
        let e1 = clocks.evaluate(&case, t1, false)[0].elapsed_seconds;
        let e2 = clocks.evaluate(&case, t2, false)[0].elapsed_seconds;
        prop_assert!(e1 <= e2, "{e1} > {e2}");
    }

    #[test]
    fn pausing_never_adds_time(cal in arb_calendar(), steps in arb_steps(), at in 0i64..2_000_000) {
        let with_pause = policy(&sla_text(&cal, "40h", true));
        let without = policy(&sla_text(&cal, "40h", false));
        let start = utc("2026-10-20T10:00:00Z");
        let case = build(start, &steps);
        let now = start + Duration::seconds(at);
        let paused = Clocks::new(&with_pause).evaluate(&case, now, false)[0].elapsed_seconds;
        let plain = Clocks::new(&without).evaluate(&case, now, false)[0].elapsed_seconds;
        prop_assert!(paused <= plain);
    }

    #[test]
    fn a_24x7_calendar_equals_wall_clock_time(secs in 0i64..10_000_000) {
        let p = policy("[[sla]]\nname = \"r\"\ntarget = \"1000d\"\ncalendar = \"24x7\"\n");
        let start = utc("2026-03-28T10:00:00Z");
        let case = build(start, &[]);
        let r = Clocks::new(&p).evaluate(&case, start + Duration::seconds(secs), false).remove(0);
        prop_assert_eq!(r.elapsed_seconds, secs);
    }

    #[test]
    fn breach_moment_is_exact_to_the_second(cal in arb_calendar(), steps in arb_steps(), target_min in 1i64..3000) {
        let p = policy(&sla_text(&cal, &format!("{target_min}m"), true));
        let clocks = Clocks::new(&p);
        let start = utc("2026-10-20T10:00:00Z");
        let case = build(start, &steps);
        let far = start + Duration::days(400);
        let r = clocks.evaluate(&case, far, false).remove(0);
        if let Some(breach) = r.breach_at.filter(|_| r.stage == Stage::Breached) {
            let at = clocks.evaluate(&case, breach, false).remove(0);
            prop_assert_eq!(at.stage, Stage::Breached);
            prop_assert_eq!(at.elapsed_seconds, target_min * 60);
            let before = clocks.evaluate(&case, breach - Duration::seconds(1), false).remove(0);
            prop_assert!(before.stage != Stage::Breached);
            prop_assert_eq!(before.elapsed_seconds, target_min * 60 - 1);
        }
    }
}

#[test]
fn a_day_on_a_business_calendar_is_one_working_day() {
    // Madrid: 8 + 8 + 9 + 9 + 6 = 40 working hours over 5 days: a day is 8 hours.
    let p = policy(&format!(
        "{POLICY}\n[[sla]]\nname = \"two-days\"\ntarget = \"2d\"\ncalendar = \"madrid\"\n[[sla]]\nname = \"a-week\"\ntarget = \"1w\"\ncalendar = \"madrid\"\n[[sla]]\nname = \"24x7-day\"\ntarget = \"1d\"\n"
    ));
    let target = |n: &str| p.slas.iter().find(|s| s.name == n).unwrap().target;
    assert_eq!(target("two-days"), 16 * 3600);
    assert_eq!(target("a-week"), 40 * 3600);
    assert_eq!(target("24x7-day"), 24 * 3600);
}
