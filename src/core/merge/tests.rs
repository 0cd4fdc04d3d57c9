use chrono::{DateTime, Duration, Utc};
use proptest::prelude::*;

use super::*;
use crate::core::case::Visibility;
use crate::core::config::Config;
use crate::core::edit::Op;
use crate::core::lifecycle::{self, Change, Ctx, NewCase, Transition, TransitionDetails};

fn t0() -> DateTime<Utc> {
    DateTime::from_timestamp(1_700_000_000, 0).unwrap()
}

fn config() -> Config {
    Config::parse("[fields.order]\ntype = \"text\"").unwrap()
}

fn base() -> Case {
    let mut ctx = Ctx::new(Actor::customer("Jane"), t0(), 1);
    let new = NewCase {
        id: "DK-AAAAAAAA".into(),
        title: "Card declined".into(),
        kind: "incident".into(),
        priority: "P3".into(),
        account: None,
        contact: Some("Jane".into()),
        tags: vec!["cards".into(), "old".into()],
        fields: Default::default(),
        body: Some("help".into()),
        channel: "email".into(),
    };
    let mut c = lifecycle::create(new, &mut ctx).unwrap();
    stamp_clocks(&mut c, 0);
    c
}

/// Applies `op` as `who` at `t0 + minutes`, stamping clocks as docket's write path does.
fn act(case: &mut Case, who: Actor, minutes: i64, seed: u64, op: Op) -> bool {
    let before = case.timeline.len();
    let mut ctx = Ctx::new(who, t0() + Duration::minutes(minutes), seed);
    let mut c = case.clone();
    if op.apply(&mut c, &mut ctx, &config()).is_err() {
        return false;
    }
    stamp_clocks(&mut c, before);
    *case = c;
    true
}

fn comment(text: &str) -> Op {
    Op::Comment {
        text: text.into(),
        channel: "email".into(),
        visibility: Visibility::Public,
    }
}

fn set(changes: Vec<Change>) -> Op {
    Op::Set(changes)
}

fn priority(p: &str) -> Op {
    set(vec![Change::Priority(p.into())])
}

fn resolve(text: &str) -> Op {
    Op::Transition(
        Transition::Resolve,
        TransitionDetails {
            resolution: Some(text.into()),
            ..Default::default()
        },
    )
}

fn render(c: &Case) -> String {
    crate::store::casefile::render_new(c)
}

#[test]
fn comments_from_both_sides_are_all_kept_once_in_order() {
    let b = base();
    let (mut x, mut y) = (b.clone(), b.clone());
    act(&mut x, Actor::agent("alice"), 10, 2, comment("from alice"));
    act(&mut y, Actor::agent("bob"), 5, 3, comment("from bob"));
    let (m, report) = merge(Some(&b), &x, &y);
    let bodies: Vec<&str> = m
        .timeline
        .iter()
        .filter_map(|e| e.body.as_deref())
        .collect();
    assert_eq!(
        bodies,
        ["help", "from bob", "from alice"],
        "ordered by time"
    );
    assert!(report.conflicts.is_empty());
    let ids: BTreeSet<&str> = m.timeline.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids.len(), m.timeline.len(), "no event twice");
    assert_eq!(m.updated_at, t0() + Duration::minutes(10));
}

#[test]
fn a_field_changed_on_one_side_takes_that_side() {
    let b = base();
    let (mut x, mut y) = (b.clone(), b.clone());
    act(&mut x, Actor::agent("alice"), 1, 2, priority("P1"));
    act(&mut y, Actor::agent("bob"), 2, 3, comment("hello"));
    let (m, report) = merge(Some(&b), &x, &y);
    assert_eq!(m.priority, "P1");
    assert!(report.conflicts.is_empty());
    assert!(!m.timeline.iter().any(|e| e.kind == "merge"));
}

#[test]
fn a_field_changed_on_both_sides_goes_to_the_later_change_and_is_recorded() {
    let b = base();
    let (mut x, mut y) = (b.clone(), b.clone());
    act(&mut x, Actor::agent("alice"), 1, 2, priority("P1"));
    act(&mut y, Actor::agent("bob"), 2, 3, comment("first"));
    act(&mut y, Actor::agent("bob"), 3, 4, priority("P2"));
    let (m, report) = merge(Some(&b), &x, &y);
    assert_eq!(m.priority, "P2", "bob's change has the later logical clock");
    assert_eq!(
        report.conflicts,
        vec![("priority".to_string(), "P2".to_string(), "P1".to_string())]
    );
    let e = m.timeline.iter().find(|e| e.kind == "merge").unwrap();
    assert_eq!(
        (e.field.as_deref(), e.to.as_deref(), e.from.as_deref()),
        (Some("priority"), Some("P2"), Some("P1"))
    );
    assert!(
        e.reason.as_deref().unwrap().contains("bob")
            && e.reason.as_deref().unwrap().contains("alice")
    );
    let (n, _) = merge(Some(&b), &y, &x);
    assert_eq!(render(&m), render(&n), "the same whichever side is ours");
}

#[test]
fn a_wrong_wall_clock_does_not_always_win() {
    let b = base();
    let (mut x, mut y) = (b.clone(), b.clone());
    // alice's clone thinks it is next year, but bob changed the field after more events.
    act(&mut x, Actor::agent("alice"), 525_600, 2, priority("P1"));
    act(&mut y, Actor::agent("bob"), 1, 3, comment("one"));
    act(&mut y, Actor::agent("bob"), 2, 4, comment("two"));
    act(&mut y, Actor::agent("bob"), 3, 5, priority("P4"));
    let (m, _) = merge(Some(&b), &x, &y);
    assert_eq!(m.priority, "P4");
}

#[test]
fn tags_merge_as_sets() {
    let b = base();
    let (mut x, mut y) = (b.clone(), b.clone());
    act(
        &mut x,
        Actor::agent("alice"),
        1,
        2,
        set(vec![
            Change::AddTag("vip".into()),
            Change::RemoveTag("old".into()),
        ]),
    );
    act(
        &mut y,
        Actor::agent("bob"),
        1,
        3,
        set(vec![Change::AddTag("fraud".into())]),
    );
    let (m, _) = merge(Some(&b), &x, &y);
    assert_eq!(m.tags, ["cards", "fraud", "vip"]);
}

#[test]
fn a_reply_after_a_resolution_in_another_clone_reopens_the_case() {
    let mut b = base();
    act(
        &mut b,
        Actor::agent("alice"),
        1,
        2,
        Op::Assign(Some(("alice".into(), None))),
    );
    let (mut x, mut y) = (b.clone(), b.clone());
    assert!(act(
        &mut x,
        Actor::agent("alice"),
        10,
        3,
        resolve("limit raised")
    ));
    act(
        &mut y,
        Actor::customer("Jane"),
        20,
        4,
        comment("still broken"),
    );
    let (m, report) = merge(Some(&b), &x, &y);
    assert_eq!(m.state, State::Open);
    assert_eq!(report.state_fixed, Some((State::Resolved, State::Open)));
    let last = m.timeline.iter().rev().find(|e| e.kind == "state").unwrap();
    assert!(last.reason.as_deref().unwrap().contains("Jane replied"));
    let (n, _) = merge(Some(&b), &y, &x);
    assert_eq!(render(&m), render(&n));
    // A reply before the resolution does not reopen it.
    let (mut x, mut y) = (b.clone(), b.clone());
    act(
        &mut y,
        Actor::customer("Jane"),
        5,
        4,
        comment("early words"),
    );
    act(
        &mut x,
        Actor::agent("alice"),
        10,
        3,
        resolve("limit raised"),
    );
    let (m, _) = merge(Some(&b), &x, &y);
    assert_eq!(m.state, State::Resolved);
}

#[test]
fn the_same_event_id_with_different_content_keeps_both() {
    let b = base();
    let (mut x, mut y) = (b.clone(), b.clone());
    act(
        &mut x,
        Actor::agent("alice"),
        1,
        7,
        comment("alice's words"),
    );
    act(&mut y, Actor::agent("bob"), 1, 7, comment("bob's words"));
    // Same seed, same counter: the same new event id on both sides.
    assert_eq!(x.timeline.last().unwrap().id, y.timeline.last().unwrap().id);
    let (m, report) = merge(Some(&b), &x, &y);
    let bodies: BTreeSet<&str> = m
        .timeline
        .iter()
        .filter_map(|e| e.body.as_deref())
        .collect();
    assert!(bodies.contains("alice's words") && bodies.contains("bob's words"));
    assert!(!report.clashing_events.is_empty());
    let ids: BTreeSet<&str> = m.timeline.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids.len(), m.timeline.len());
}

/// A random edit, as code: what it does depends on the number.
fn random_op(code: u8, side: u8) -> (Actor, Op) {
    let who = if side == 0 {
        Actor::agent("alice")
    } else {
        Actor::agent("bob")
    };
    match code % 9 {
        0 => (who, comment(&format!("comment {code} {side}"))),
        1 => (Actor::customer("Jane"), comment(&format!("reply {code}"))),
        2 => (
            who,
            set(vec![Change::Priority(
                ["P1", "P2", "P3", "P4"][usize::from(code / 9 % 4)].into(),
            )]),
        ),
        3 => (who, set(vec![Change::AddTag(format!("t{}", code % 5))])),
        4 => (
            who,
            set(vec![Change::RemoveTag(
                ["cards", "old", "t1"][usize::from(code % 3)].into(),
            )]),
        ),
        5 => (
            who,
            set(vec![Change::Field(
                "order".into(),
                Some(toml::Value::String(format!("o{code}"))),
            )]),
        ),
        6 => (
            who,
            Op::Assign(Some((if side == 0 { "alice" } else { "bob" }.into(), None))),
        ),
        7 => (
            who,
            Op::Transition(
                Transition::Resolve,
                TransitionDetails {
                    resolution: Some(format!("fixed {code}")),
                    ..Default::default()
                },
            ),
        ),
        _ => (
            who,
            Op::Escalate {
                reason: format!("up {code}"),
                team: None,
            },
        ),
    }
}

/// Plays `ops` as `side` (seeds differ per side and per start, as random seeds would).
fn play(base: &Case, ops: &[(u8, i64)], side: u8, seeds: u64) -> Case {
    let mut c = base.clone();
    for (i, (code, minutes)) in ops.iter().enumerate() {
        let (who, op) = random_op(*code, side);
        act(&mut c, who, *minutes, seeds + i as u64, op);
    }
    c
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Every event of both sides is present once; the result renders to canonical TOML
    /// that reads back as itself; the merge is commutative and settles.
    #[test]
    fn merges_keep_every_event_commute_and_settle(
        shared in proptest::collection::vec((any::<u8>(), 1i64..50), 0..4),
        left in proptest::collection::vec((any::<u8>(), 50i64..200), 0..8),
        right in proptest::collection::vec((any::<u8>(), 50i64..200), 0..8),
    ) {
        let b = play(&base(), &shared, 0, 100);
        let x = play(&b, &left, 0, 200);
        let y = play(&b, &right, 1, 300);
        let (m, _) = merge(Some(&b), &x, &y);
        let (n, _) = merge(Some(&b), &y, &x);
        let text = render(&m);
        prop_assert_eq!(&text, &render(&n), "commutative, byte for byte");
        let back = crate::store::casefile::parse(&text).expect("the merged file parses");
        prop_assert_eq!(&back, &m);
        let ids: BTreeSet<&str> = m.timeline.iter().map(|e| e.id.as_str()).collect();
        prop_assert_eq!(ids.len(), m.timeline.len(), "no event twice");
        for e in x.timeline.iter().chain(&y.timeline) {
            prop_assert!(
                m.timeline.iter().any(|f| f == e) || m.timeline.iter().any(|f| f.body == e.body && f.kind == e.kind && f.at == e.at),
                "event {} kept", e.id
            );
        }
        // Settled: merging with what is already in it changes nothing.
        prop_assert_eq!(&merge(Some(&m), &m, &m).0, &m);
        prop_assert_eq!(&merge(Some(&x), &m, &x).0, &m);
        prop_assert_eq!(&merge(Some(&y), &y, &m).0, &m);
    }
}

#[test]
fn new_events_never_reuse_an_id() {
    let mut c = base();
    let before = c.timeline.len();
    let mut again = c.timeline[0].clone();
    again.body = Some("same id, new event".into());
    c.timeline.push(again);
    ensure_unique_ids(&mut c, before);
    let ids: BTreeSet<&str> = c.timeline.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids.len(), c.timeline.len());
}
