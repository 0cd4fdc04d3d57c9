use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};

use super::*;

const LOST: &str = include_str!("../../templates/guides/lost-card.toml");
const LOGIN: &str = include_str!("../../templates/guides/login-failure.toml");
const BILLING: &str = include_str!("../../templates/guides/billing-dispute.toml");

fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(1_700_000_000, 0).unwrap()
}

fn ok_field(_: &str, _: &str) -> Result<(), ValueError> {
    Ok(())
}

fn ok_priority(_: &str) -> Result<(), ValueError> {
    Ok(())
}

fn lenient(guides: &BTreeSet<String>) -> Checks<'_> {
    Checks {
        field: &ok_field,
        priority: &ok_priority,
        team: &ok_priority,
        agent: &ok_priority,
        guides,
    }
}

fn problems(text: &str) -> Vec<Problem> {
    let g = parse("g", text).unwrap();
    validate(&g, text, &lenient(&BTreeSet::new()))
}

fn answers(pairs: &[(&str, &str)]) -> Scripted {
    Scripted {
        answers: pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<BTreeMap<_, _>>(),
    }
}

#[test]
fn the_shipped_guides_are_valid() {
    for (name, text) in [
        ("lost-card", LOST),
        ("login-failure", LOGIN),
        ("billing-dispute", BILLING),
    ] {
        let g = parse(name, text).unwrap();
        let p = validate(&g, text, &lenient(&BTreeSet::new()));
        assert!(p.is_empty(), "{name}: {p:?}");
    }
}

#[test]
fn the_issue_example_parses_into_its_nodes() {
    let g = parse("lost-card", LOST).unwrap();
    assert_eq!(g.start, "kind");
    assert_eq!(g.applies_to, vec!["incident"]);
    assert_eq!(g.nodes.len(), 5);
    let Node::Outcome { actions, .. } = &g.nodes["fraud"] else {
        panic!()
    };
    assert_eq!(actions[1], Action::Priority("P1".into()));
    assert_eq!(
        actions[2],
        Action::Escalate {
            team: Some("fraud".into()),
            reason: "Unrecognised transactions".into()
        }
    );
}

#[test]
fn walking_follows_labels_case_insensitively_and_records_steps() {
    let g = parse("lost-card", LOST).unwrap();
    let run = walk(
        &g,
        &mut answers(&[
            ("kind", "lost"),
            ("last-seen", "yesterday"),
            ("suspicious", "NO"),
        ]),
        &now,
    )
    .unwrap();
    assert_eq!(run.outcome, "reissue");
    let path: Vec<(&str, &str)> = run
        .steps
        .iter()
        .map(|s| (s.node.as_str(), s.answer.as_str()))
        .collect();
    assert_eq!(
        path,
        vec![
            ("kind", "Lost"),
            ("last-seen", "yesterday"),
            ("suspicious", "No")
        ]
    );
    assert_eq!(run.values["last_seen"], "yesterday");
    assert_eq!(run.steps[0].prompt, "Was the card lost or stolen?");
    assert_eq!(run.actions.len(), 2);
}

#[test]
fn a_missing_answer_names_its_node() {
    let g = parse("lost-card", LOST).unwrap();
    let err = walk(&g, &mut answers(&[("kind", "Stolen")]), &now).unwrap_err();
    assert_eq!(err, Stop::Missing("suspicious".into()));
    let err = walk(&g, &mut answers(&[("kind", "Misplaced")]), &now).unwrap_err();
    assert!(matches!(err, Stop::Invalid(m) if m.contains("Stolen, Lost")));
}

#[test]
fn inputs_validate_and_branch_on_their_value() {
    let g = parse("login-failure", LOGIN).unwrap();
    let run = walk(
        &g,
        &mut answers(&[("message", "Account locked"), ("attempts", "12")]),
        &now,
    )
    .unwrap();
    assert_eq!(run.outcome, "security");
    let run = walk(
        &g,
        &mut answers(&[("message", "Account locked"), ("attempts", "3")]),
        &now,
    )
    .unwrap();
    assert_eq!(run.outcome, "unlock");
    let err = walk(
        &g,
        &mut answers(&[("message", "Account locked"), ("attempts", "-1")]),
        &now,
    )
    .unwrap_err();
    assert!(matches!(err, Stop::Invalid(m) if m.contains("at least 0")));
    let err = walk(
        &g,
        &mut answers(&[
            ("message", "Nothing happens / app crashes"),
            ("app-version", "five"),
        ]),
        &now,
    )
    .unwrap_err();
    assert!(matches!(err, Stop::Invalid(m) if m.contains("expected format")));
    let node = &g.nodes["app-version"];
    assert_eq!(check_input(node, " 5.2.1 ").unwrap(), "5.2.1");
    assert!(check_input(node, "").unwrap_err().0.contains("required"));
}

#[test]
fn yes_no_and_one_of_inputs() {
    let text = r#"
start = "a"
[nodes.a]
input = "Urgent?"
field = "urgent"
type = "yesno"
when = [ { is = "yes", next = "hot" } ]
next = "cold"
[nodes.hot]
outcome = "hot"
[nodes.cold]
outcome = "cold"
"#;
    let g = parse("g", text).unwrap();
    assert!(problems(text).is_empty());
    assert_eq!(
        walk(&g, &mut answers(&[("a", "Y")]), &now).unwrap().outcome,
        "hot"
    );
    assert_eq!(
        walk(&g, &mut answers(&[("a", "no")]), &now)
            .unwrap()
            .outcome,
        "cold"
    );
    assert!(check_input(&g.nodes["a"], "maybe").is_err());
    let node = Node::Input {
        prompt: "p".into(),
        help: None,
        field: "f".into(),
        kind: InputKind::OneOf(vec!["gold".into(), "silver".into()]),
        required: true,
        pattern: None,
        pattern_hint: None,
        min: None,
        max: None,
        next: Some("x".into()),
        when: vec![],
    };
    assert_eq!(check_input(&node, "GOLD").unwrap(), "gold");
    assert!(
        check_input(&node, "bronze")
            .unwrap_err()
            .0
            .contains("gold, silver")
    );
}

#[test]
fn validation_finds_dangling_unreachable_and_trapped_nodes_with_lines() {
    let text = r#"title = "Broken"
start = "a"

[nodes.a]
ask = "?"
choices = [
  { label = "x", next = "b" },
  { label = "y", next = "nowhere" },
]

[nodes.b]
ask = "loop"
choices = [ { label = "again", next = "c" } ]

[nodes.c]
ask = "loop back"
choices = [ { label = "back", next = "b" } ]

[nodes.orphan]
outcome = "never reached"
"#;
    let p = problems(text);
    let find = |needle: &str| {
        p.iter()
            .find(|p| p.message.contains(needle))
            .unwrap_or_else(|| panic!("no {needle} in {p:?}"))
    };
    assert_eq!(find("unknown node \"nowhere\"").line, Some(8));
    assert_eq!(find("\"orphan\" cannot be reached").line, Some(19));
    assert_eq!(find("\"b\" is in a cycle").line, Some(11));
    assert_eq!(find("\"c\" is in a cycle").line, Some(15));
}

#[test]
fn validation_checks_fields_priorities_handover_and_duplicates() {
    let text = r#"start = "a"
[nodes.a]
ask = "?"
choices = [ { label = "Same", next = "o" }, { label = "same", next = "o" } ]
[nodes.o]
outcome = "x"
actions = [ { set = { colour = "red" } }, { priority = "P9" }, { guide = "ghost" }, { escalate = "nobody", reason = "x" }, { assign = "nobody" } ]
"#;
    let g = parse("g", text).unwrap();
    let field = |k: &str, _: &str| {
        if k == "colour" {
            Err(ValueError::UnknownField {
                key: "colour".into(),
                known: vec![],
            })
        } else {
            Ok(())
        }
    };
    let prio = |p: &str| {
        if p == "P9" {
            Err(ValueError::unknown("priority", p, "docket.toml", ["P1"]))
        } else {
            Ok(())
        }
    };
    let team = |t: &str| {
        if t == "nobody" {
            Err(ValueError::unknown("team", t, "agents.toml", ["support"]))
        } else {
            Ok(())
        }
    };
    let none = BTreeSet::new();
    let checks = Checks {
        field: &field,
        priority: &prio,
        team: &team,
        agent: &team,
        guides: &none,
    };
    let p = validate(&g, text, &checks);
    let all: Vec<&str> = p.iter().map(|p| p.message.as_str()).collect();
    assert!(all.iter().any(|m| m.contains("twice")), "{all:?}");
    assert!(all.iter().any(|m| m.contains("colour")), "{all:?}");
    assert!(all.iter().any(|m| m.contains("P9")), "{all:?}");
    assert!(all.iter().any(|m| m.contains("ghost")), "{all:?}");
    assert_eq!(
        all.iter().filter(|m| m.contains("nobody")).count(),
        2,
        "{all:?}"
    );
    assert!(p.iter().all(|p| p.line.is_some()));
}

#[test]
fn parse_errors_have_lines() {
    let err = parse("g", "start = \"a\"\n[nodes.a]\nask = \n").unwrap_err();
    assert_eq!(err.line, Some(3));
    let err = parse(
        "g",
        "start = \"a\"\n[nodes.a]\nask = \"x\"\n[nodes.a]\nask = \"y\"\n",
    )
    .unwrap_err();
    assert!(
        err.message.contains("duplicate") || err.message.contains("defined"),
        "{err:?}"
    );
    let err = parse("g", "start = \"a\"\n[nodes.a]\nprompt = \"x\"\n").unwrap_err();
    assert!(err.message.contains("not a question"));
    assert_eq!(err.line, Some(2));
}

fn outcome_case() -> (crate::core::case::Case, crate::core::lifecycle::Ctx) {
    use crate::core::case::Actor;
    use crate::core::lifecycle::{self, Ctx, NewCase};
    let mut ctx = Ctx::new(Actor::agent("alice"), now(), 3);
    let new = NewCase {
        id: "DK-AAAAAAAA".into(),
        title: "Card stolen".into(),
        kind: "incident".into(),
        priority: "P3".into(),
        account: None,
        contact: None,
        tags: vec![],
        fields: Default::default(),
        body: None,
        channel: "phone".into(),
    };
    (lifecycle::create(new, &mut ctx).unwrap(), ctx)
}

fn outcome_settings() -> (crate::core::config::Config, crate::core::agents::Agents) {
    let config = crate::core::config::Config::parse(
        "[fields.category]\ntype = \"text\"\n[fields.last_seen]\ntype = \"text\"",
    )
    .unwrap();
    let agents = crate::core::agents::Agents::parse(
        "[teams.fraud]\nname = \"Fraud\"\n[agents.alice]\nname = \"Alice\"",
    )
    .unwrap();
    (config, agents)
}

#[test]
fn an_outcome_records_the_run_and_applies_its_actions_in_order() {
    let g = parse("lost-card", LOST).unwrap();
    let run = walk(
        &g,
        &mut answers(&[("kind", "Stolen"), ("suspicious", "Yes")]),
        &now,
    )
    .unwrap();
    let (config, agents) = outcome_settings();
    let (mut case, mut ctx) = outcome_case();
    let o = Outcome {
        guide: &g,
        version: "abc123",
        run: &run,
        config: &config,
        agents: &agents,
    };
    let mut never = |_: &crate::core::case::Case, _: &Action| -> CheckOutput {
        panic!("lost-card runs no check command")
    };
    let handover = apply_outcome(&mut case, &mut ctx, &o, &mut never).unwrap();
    assert_eq!(handover, None);
    let guide_event = case.timeline.iter().find(|e| e.kind == "guide").unwrap();
    assert_eq!(
        guide_event.extra["version"].as_str(),
        Some("abc123"),
        "the run records the guide's version"
    );
    assert_eq!(guide_event.extra["steps"].as_array().unwrap().len(), 2);
    assert_eq!(case.priority, "P1");
    assert_eq!(case.escalation_level, 1);
    assert_eq!(case.team.as_deref(), Some("fraud"));
    assert_eq!(
        case.fields.get("category"),
        Some(&toml::Value::String("fraud".into()))
    );
}

/// Walks guide `text` with no answers and applies its outcome to a fresh case with
/// `runner` for check commands: the case and what `apply_outcome` returned.
fn apply_text(
    text: &str,
    runner: &mut dyn FnMut(&crate::core::case::Case, &Action) -> CheckOutput,
) -> (
    crate::core::case::Case,
    Result<Option<String>, crate::core::edit::EditError>,
) {
    let g = parse("g", text).unwrap();
    let run = walk(&g, &mut answers(&[]), &now).unwrap();
    let (config, agents) = outcome_settings();
    let (mut case, mut ctx) = outcome_case();
    let o = Outcome {
        guide: &g,
        version: "v1",
        run: &run,
        config: &config,
        agents: &agents,
    };
    let result = apply_outcome(&mut case, &mut ctx, &o, runner);
    (case, result)
}

#[test]
fn a_check_action_records_what_the_runner_reported() {
    let text = r#"
start = "o"
[nodes.o]
outcome = "Check the card service"
actions = [ { check = "card-status", args = ["--id"] }, { guide = "next-guide" } ]
"#;
    let mut seen = Vec::new();
    let mut runner = |c: &crate::core::case::Case, a: &Action| {
        seen.push((c.id.clone(), a.clone()));
        CheckOutput {
            status: "exit 3".into(),
            output: "card is blocked".into(),
        }
    };
    let (case, handover) = apply_text(text, &mut runner);
    let handover = handover.unwrap();
    assert_eq!(handover.as_deref(), Some("next-guide"));
    assert_eq!(seen.len(), 1);
    let check = case.timeline.iter().find(|e| e.kind == "check").unwrap();
    assert_eq!(check.extra["command"].as_str(), Some("card-status --id"));
    assert_eq!(check.extra["status"].as_str(), Some("exit 3"));
    assert_eq!(check.body.as_deref(), Some("card is blocked"));
}

#[test]
fn an_outcome_with_an_unknown_team_changes_nothing_the_caller_keeps() {
    let text = r#"
start = "o"
[nodes.o]
outcome = "Up"
actions = [ { escalate = "nobody", reason = "x" } ]
"#;
    let (_, result) = apply_text(text, &mut |_, _| CheckOutput {
        status: String::new(),
        output: String::new(),
    });
    let err = result.unwrap_err();
    assert!(err.to_string().contains("unknown team \"nobody\""), "{err}");
}

#[test]
fn a_guide_fits_the_types_it_applies_to_or_all() {
    let g = parse("lost-card", LOST).unwrap();
    assert!(g.fits("incident") && g.fits("INCIDENT"));
    assert!(!g.fits("question"));
    let any = parse("g", "start = \"o\"\n[nodes.o]\noutcome = \"x\"").unwrap();
    assert!(any.fits("question"));
}

#[test]
fn regression_issue_10_huge_check_timeouts_are_refused_not_a_panic() {
    for timeout in [
        "99999999999999w",
        "\"99999999999999w\"",
        "0",
        "99999999999",
        "\"2h\"",
    ] {
        let text = format!(
            "start = \"o\"\n[nodes.o]\noutcome = \"x\"\nactions = [ {{ check = \"true\", timeout = {timeout} }} ]\n"
        );
        let text = text.replace("timeout = 99999999999999w", "timeout = \"99999999999999w\"");
        let err = parse("g", &text).unwrap_err();
        assert!(err.message.contains("timeout"), "{timeout}: {err:?}");
    }
    let ok = "start = \"o\"\n[nodes.o]\noutcome = \"x\"\nactions = [ { check = \"true\", timeout = \"30s\" } ]\n";
    assert!(parse("g", ok).is_ok());
}

#[test]
fn hand_over_cycles_are_found_across_guides_once_each() {
    let hand = |to: &str| {
        parse(
            "g",
            &format!(
                "start = \"o\"\n[nodes.o]\noutcome = \"x\"\nactions = [ {{ guide = \"{to}\" }} ]"
            ),
        )
        .unwrap()
    };
    let end = parse("g", "start = \"o\"\n[nodes.o]\noutcome = \"x\"").unwrap();
    let (a, b, c, d) = (hand("hand-b"), hand("hand-a"), hand("hand-d"), end);
    let mut guides = BTreeMap::new();
    guides.insert("hand-a".to_string(), &a);
    guides.insert("hand-b".to_string(), &b);
    guides.insert("hand-c".to_string(), &c);
    guides.insert("hand-d".to_string(), &d);
    assert_eq!(handover_cycles(&guides), vec![vec!["hand-a", "hand-b"]]);
    let selfish = hand("me");
    let mut one = BTreeMap::new();
    one.insert("me".to_string(), &selfish);
    assert_eq!(handover_cycles(&one), vec![vec!["me"]]);
    guides.remove("hand-b");
    assert!(handover_cycles(&guides).is_empty());
}

#[test]
fn regression_issue_12_a_pattern_is_explained_in_the_guides_own_words() {
    let text = "start = \"a\"\n[nodes.a]\ninput = \"Order?\"\nfield = \"order_id\"\npattern = \"^[A-Z]-[0-9]{4}$\"\npattern_hint = \"an order number like A-1234\"\nnext = \"o\"\n[nodes.o]\noutcome = \"x\"\n";
    let g = parse("g", text).unwrap();
    assert!(validate(&g, text, &lenient(&BTreeSet::new())).is_empty());
    let err = check_input(&g.nodes["a"], "1234").unwrap_err();
    assert_eq!(err.0, "\"1234\" is not an order number like A-1234");
    assert_eq!(check_input(&g.nodes["a"], "A-1234").unwrap(), "A-1234");
}
