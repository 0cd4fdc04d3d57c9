use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};

use super::*;

const LOST: &str = include_str!("../../templates/guides/lost-card.toml");
const LOGIN: &str = include_str!("../../templates/guides/login-failure.toml");
const BILLING: &str = include_str!("../../templates/guides/billing-dispute.toml");

fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(1_700_000_000, 0).unwrap()
}

fn ok_field(_: &str, _: &str) -> Result<(), String> {
    Ok(())
}

fn ok_priority(_: &str) -> Result<(), String> {
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
    assert!(check_input(node, "").unwrap_err().contains("required"));
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
        min: None,
        max: None,
        next: Some("x".into()),
        when: vec![],
    };
    assert_eq!(check_input(&node, "GOLD").unwrap(), "gold");
    assert!(
        check_input(&node, "bronze")
            .unwrap_err()
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
            Err("unknown field \"colour\"".to_string())
        } else {
            Ok(())
        }
    };
    let prio = |p: &str| {
        if p == "P9" {
            Err("unknown priority \"P9\"".to_string())
        } else {
            Ok(())
        }
    };
    let team = |t: &str| {
        if t == "nobody" {
            Err("unknown team \"nobody\"".to_string())
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
