//! Guided decisions: list, check, show, scripted runs, safety, and a real terminal.

use std::time::Duration;

use serde_json::Value;

use crate::util::TestEnv;

fn events(case: &Value) -> Vec<Value> {
    case["timeline"].as_array().unwrap().clone()
}

#[test]
fn init_ships_sample_guides_and_list_shows_what_they_apply_to() {
    let env = TestEnv::new();
    let v = env.json(&["guide", "list"]);
    let names: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["billing-dispute", "login-failure", "lost-card"]);
    assert_eq!(v[2]["applies_to"], serde_json::json!(["incident"]));
    let text = env.ok(&["guide", "list"]);
    assert!(
        text.contains("Lost or stolen card") && text.contains("incident"),
        "{text}"
    );
    env.ok(&["guide", "check"]);
}

#[test]
fn check_reports_each_problem_with_file_and_line_and_exits_1() {
    let env = TestEnv::new();
    let bad = r#"title = "Broken"
start = "a"

[nodes.a]
ask = "Which?"
choices = [ { label = "x", next = "b" }, { label = "y", next = "ghost" } ]

[nodes.b]
outcome = "done"
actions = [ { priority = "P9" }, { set = { colour = "red" } } ]

[nodes.lonely]
outcome = "never"
"#;
    std::fs::write(env.dir.join("guides/broken.toml"), bad).unwrap();
    let out = env.docket(&["guide", "check"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("guides/broken.toml:6: node \"a\" leads to unknown node \"ghost\""),
        "{text}"
    );
    assert!(
        text.contains("guides/broken.toml:10:") && text.contains("P9"),
        "{text}"
    );
    assert!(text.contains("colour"), "{text}");
    assert!(
        text.contains("guides/broken.toml:12: node \"lonely\" cannot be reached"),
        "{text}"
    );
    let v = env.json_code(&["guide", "check", "guides/broken.toml"], 1);
    assert!(v.as_array().unwrap().len() >= 4);
    // A file that is not valid TOML.
    std::fs::write(
        env.dir.join("guides/broken.toml"),
        "start = \"a\"\n[nodes.a]\nask = \n",
    )
    .unwrap();
    let out = env.docket(&["guide", "check"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("guides/broken.toml:3:"));
    // Running a broken guide is refused with the first problem.
    let id = env.create("x", &["--type", "incident"]);
    let err = env.fails(&["guide", "run", &id, "broken"], 2);
    assert!(err.contains("guides/broken.toml:3"), "{err}");
}

#[test]
fn show_prints_an_outline_json_and_dot() {
    let env = TestEnv::new();
    let text = env.ok(&["guide", "show", "lost-card"]);
    assert!(
        text.contains("[kind] Was the card lost or stolen?"),
        "{text}"
    );
    assert!(
        text.contains("Stolen [suspicious]") || text.contains("Stolen [suspicious] Are there"),
        "{text}"
    );
    assert!(text.contains("OUTCOME: Freeze the card"), "{text}");
    let v = env.json(&["guide", "show", "lost-card"]);
    assert_eq!(v["start"], "kind");
    assert_eq!(v["nodes"]["kind"]["type"], "question");
    assert_eq!(v["nodes"]["last-seen"]["field"], "last_seen");
    assert_eq!(v["version"].as_str().unwrap().len(), 40);
    let dot = env.ok(&["guide", "show", "lost-card", "--format", "dot"]);
    assert!(dot.starts_with("digraph \"lost-card\" {"), "{dot}");
    assert!(
        dot.contains("\"kind\" -> \"suspicious\" [label=\"Stolen\"];"),
        "{dot}"
    );
    let err = env.fails(&["list", "--format", "dot"], 2);
    assert!(err.contains("dot"), "{err}");
}

#[test]
fn a_scripted_run_records_the_transcript_and_applies_the_outcome_in_one_commit() {
    let env = TestEnv::new();
    let id = env.create("Card stolen in Lisbon", &["--type", "incident"]);
    let before = env.commit_count();
    env.ok(&[
        "guide",
        "run",
        &id,
        "lost-card",
        "--answer",
        "kind=stolen",
        "--answer",
        "suspicious=YES",
    ]);
    assert_eq!(env.commit_count(), before + 1, "one commit per run");
    assert_eq!(env.status(), "");
    let subject = env.git(&["log", "-1", "--format=%s"]);
    assert_eq!(subject.trim(), format!("guide {id}: lost-card → fraud"));
    let case = env.show(&id);
    assert_eq!(case["priority"], "P1");
    assert_eq!(case["fields"]["category"], "fraud");
    assert_eq!(case["escalation_level"], 1);
    assert_eq!(case["team"], "fraud");
    let ev = events(&case);
    let run = ev.iter().find(|e| e["kind"] == "guide").unwrap();
    assert_eq!(run["guide"], "lost-card");
    let blob = env.git(&["hash-object", "guides/lost-card.toml"]);
    assert_eq!(run["version"], blob.trim());
    assert_eq!(
        run["outcome"],
        "Freeze the card and hand over to the fraud team"
    );
    let steps = run["steps"].as_array().unwrap();
    let path: Vec<(&str, &str)> = steps
        .iter()
        .map(|s| (s["node"].as_str().unwrap(), s["answer"].as_str().unwrap()))
        .collect();
    assert_eq!(path, vec![("kind", "Stolen"), ("suspicious", "Yes")]);
    assert_eq!(steps[0]["prompt"], "Was the card lost or stolen?");
    assert_eq!(steps[0]["at"], crate::util::NOW);
    // What changed is in the history too.
    assert!(
        ev.iter()
            .any(|e| e["kind"] == "escalated" && e["reason"] == "Unrecognised transactions")
    );
    assert!(
        ev.iter()
            .any(|e| e["kind"] == "set" && e["field"] == "priority" && e["to"] == "P1")
    );
    let shown = env.ok(&["show", &id]);
    assert!(
        shown.contains("ran guide lost-card: Freeze the card"),
        "{shown}"
    );
    assert!(
        shown.contains("Was the card lost or stolen?  → Stolen"),
        "{shown}"
    );
}

#[test]
fn the_other_path_stores_the_input_adds_a_note_and_resolves() {
    let env = TestEnv::new();
    let id = env.create("Card lost", &["--type", "incident"]);
    let answers = env.dir.join("answers.toml");
    std::fs::write(
        &answers,
        "kind = \"Lost\"\nlast-seen = \"Friday evening\"\nsuspicious = \"No\"\n",
    )
    .unwrap();
    env.ok(&[
        "guide",
        "run",
        &id,
        "lost-card",
        "--answers",
        answers.to_str().unwrap(),
    ]);
    std::fs::remove_file(&answers).unwrap();
    let case = env.show(&id);
    assert_eq!(case["fields"]["last_seen"], "Friday evening");
    assert_eq!(case["state"], "resolved");
    assert_eq!(case["resolution"], "Card blocked and replacement sent");
    let ev = events(&case);
    assert!(ev.iter().any(|e| e["kind"] == "comment"
        && e["visibility"] == "internal"
        && e["body"] == "Card blocked; replacement ordered."));
}

#[test]
fn a_missing_answer_without_a_terminal_fails_naming_the_node_and_writes_nothing() {
    let env = TestEnv::new();
    let id = env.create("Card lost", &["--type", "incident"]);
    let before = env.commit_count();
    let text = env.case_text(&id);
    let err = env.fails(
        &["guide", "run", &id, "lost-card", "--answer", "kind=Lost"],
        2,
    );
    assert!(err.contains("\"last-seen\" needs an answer"), "{err}");
    assert!(err.contains("--answer last-seen=VALUE"), "{err}");
    let err = env.fails(
        &[
            "guide",
            "run",
            &id,
            "lost-card",
            "--answer",
            "kind=Misplaced",
        ],
        2,
    );
    assert!(err.contains("Stolen, Lost"), "{err}");
    let err = env.fails(
        &[
            "guide",
            "run",
            &id,
            "login-failure",
            "--answer",
            "message=Account locked",
            "--answer",
            "attempts=many",
        ],
        2,
    );
    assert!(err.contains("not a number"), "{err}");
    assert_eq!(env.commit_count(), before);
    assert_eq!(env.case_text(&id), text);
}

#[test]
fn dry_run_shows_the_path_and_actions_without_writing() {
    let env = TestEnv::new();
    let id = env.create("Locked out", &["--type", "incident"]);
    let before = env.commit_count();
    let out = env.ok(&[
        "guide",
        "run",
        &id,
        "login-failure",
        "--dry-run",
        "--answer",
        "message=account locked",
        "--answer",
        "attempts=20",
    ]);
    assert!(out.contains("[attempts]") && out.contains("→ 20"), "{out}");
    assert!(out.contains("escalate to engineering"), "{out}");
    assert!(out.contains("set failed_attempts=20"), "{out}");
    assert_eq!(env.commit_count(), before);
}

#[test]
fn the_guide_is_chosen_by_case_type_when_not_named() {
    let env = TestEnv::new();
    let dispute = env.create("Charged twice", &["--type", "problem"]);
    env.ok(&[
        "guide",
        "run",
        &dispute,
        "--answer",
        "amount=40",
        "--answer",
        "duplicate=yes, a duplicate",
    ]);
    let case = env.show(&dispute);
    assert_eq!(case["assignee"], "bob");
    assert!(
        case["tags"]
            .as_array()
            .unwrap()
            .contains(&Value::from("refunds"))
    );
    let incident = env.create("Something", &["--type", "incident"]);
    let err = env.fails(&["guide", "run", &incident], 2);
    assert!(err.contains("login-failure, lost-card"), "{err}");
    let question = env.create("Q", &["--type", "request"]);
    std::fs::remove_file(env.dir.join("guides/billing-dispute.toml")).unwrap();
    let err = env.fails(&["guide", "run", &question], 2);
    assert!(err.contains("no guide applies to request"), "{err}");
}

fn write_check_guide(env: &TestEnv, action: &str) {
    let text = format!(
        "start = \"go\"\n[nodes.go]\nask = \"Run the check?\"\nchoices = [ {{ label = \"Yes\", next = \"check\" }} ]\n[nodes.check]\noutcome = \"Checked\"\nactions = [ {action} ]\n"
    );
    std::fs::write(env.dir.join("guides/check.toml"), text).unwrap();
}

#[test]
fn check_commands_need_permission_run_without_a_shell_and_time_out() {
    let env = TestEnv::new();
    let id = env.create(
        "Title with $(rm -rf /) and ;",
        &["--type", "incident", "--field", "order_id=A-1"],
    );
    write_check_guide(
        &env,
        "{ check = \"printenv\", args = [\"DOCKET_CASE_TITLE\", \"DOCKET_FIELD_ORDER_ID\"] }",
    );
    let before = env.commit_count();
    let err = env.fails(&["guide", "run", &id, "check", "--answer", "go=Yes"], 2);
    assert!(err.contains("allow_commands"), "{err}");
    assert_eq!(env.commit_count(), before);
    let path = env.dir.join("docket.toml");
    let cfg = std::fs::read_to_string(&path)
        .unwrap()
        .replace("allow_commands = false", "allow_commands = true");
    std::fs::write(&path, cfg).unwrap();
    env.git(&["commit", "-qam", "allow commands"]);
    env.ok(&["guide", "run", &id, "check", "--answer", "go=Yes"]);
    let case = env.show(&id);
    let check = events(&case)
        .into_iter()
        .find(|e| e["kind"] == "check")
        .unwrap();
    assert_eq!(check["status"], "exit 0");
    assert_eq!(
        check["body"], "Title with $(rm -rf /) and ;\nA-1",
        "fields arrive as environment, uninterpreted"
    );
    write_check_guide(&env, "{ check = \"sleep\", args = [\"5\"], timeout = 1 }");
    env.ok(&["guide", "run", &id, "check", "--answer", "go=Yes"]);
    let case = env.show(&id);
    let last = events(&case)
        .into_iter()
        .rev()
        .find(|e| e["kind"] == "check")
        .unwrap();
    assert_eq!(last["status"], "timed out after 1s");
    write_check_guide(&env, "{ check = \"exit 3\", shell = true }");
    env.ok(&["guide", "run", &id, "check", "--answer", "go=Yes"]);
    let case = env.show(&id);
    let last = events(&case)
        .into_iter()
        .rev()
        .find(|e| e["kind"] == "check")
        .unwrap();
    assert_eq!(last["status"], "exit 3");
}

#[test]
fn a_guide_changed_between_runs_records_each_version() {
    let env = TestEnv::new();
    let a = env.create("A", &["--type", "incident"]);
    env.ok(&[
        "guide",
        "run",
        &a,
        "lost-card",
        "--answer",
        "kind=Stolen",
        "--answer",
        "suspicious=Yes",
    ]);
    let path = env.dir.join("guides/lost-card.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replace("Was the card lost or stolen?", "Lost, or stolen?"),
    )
    .unwrap();
    let b = env.create("B", &["--type", "incident"]);
    env.ok(&[
        "guide",
        "run",
        &b,
        "lost-card",
        "--answer",
        "kind=Stolen",
        "--answer",
        "suspicious=Yes",
    ]);
    let version = |id: &str| {
        events(&env.show(id))
            .into_iter()
            .find(|e| e["kind"] == "guide")
            .unwrap()["version"]
            .clone()
    };
    assert_ne!(version(&a), version(&b));
    assert_eq!(
        events(&env.show(&b))
            .into_iter()
            .find(|e| e["kind"] == "guide")
            .unwrap()["steps"][0]["prompt"],
        "Lost, or stolen?"
    );
}

fn pty_session(env: &TestEnv, args: &[&str]) -> expectrl::session::OsSession {
    let mut cmd = env.std_docket(args);
    cmd.env("TERM", "xterm").env_remove("NO_COLOR");
    let mut s = expectrl::Session::spawn(cmd).expect("a pseudo-terminal");
    s.set_expect_timeout(Some(Duration::from_secs(20)));
    s
}

#[test]
fn an_interactive_run_in_a_real_terminal() {
    use expectrl::Expect;
    let env = TestEnv::new();
    let id = env.create("Card lost", &["--type", "incident"]);
    let mut s = pty_session(&env, &["guide", "run", &id, "lost-card"]);
    s.expect("Was the card lost or stolen?").unwrap();
    s.send("\x1b[B").unwrap(); // arrow down: Lost
    s.send("\r").unwrap();
    s.expect("When did the customer last have the card?")
        .unwrap();
    s.send("\r").unwrap(); // empty: required, asked again
    s.expect("required").unwrap();
    s.send("last night\r").unwrap();
    s.expect("Are there transactions the customer does not recognise?")
        .unwrap();
    s.send("\x1b[B").unwrap(); // No
    s.send("\r").unwrap();
    s.expect("Apply these actions to the case?").unwrap();
    s.send("y").unwrap();
    s.expect(expectrl::Eof).unwrap();
    let case = env.show(&id);
    assert_eq!(case["fields"]["last_seen"], "last night");
    assert_eq!(case["state"], "resolved");
    let run = events(&case)
        .into_iter()
        .find(|e| e["kind"] == "guide")
        .unwrap();
    let answers: Vec<&str> = run["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["answer"].as_str().unwrap())
        .collect();
    assert_eq!(answers, vec!["Lost", "last night", "No"]);
    assert_eq!(env.status(), "");
}

#[test]
fn escape_in_a_real_terminal_aborts_with_nothing_written() {
    use expectrl::Expect;
    let env = TestEnv::new();
    let id = env.create("Card lost", &["--type", "incident"]);
    let before = env.commit_count();
    let mut s = pty_session(&env, &["guide", "run", &id, "lost-card"]);
    s.expect("Was the card lost or stolen?").unwrap();
    s.send("\x1b").unwrap();
    s.expect("aborted; nothing was written").unwrap();
    s.expect(expectrl::Eof).unwrap();
    assert_eq!(env.commit_count(), before);
    // Ctrl-C at a prompt: the process stops; nothing is written.
    let mut s = pty_session(&env, &["guide", "run", &id, "lost-card"]);
    s.expect("Was the card lost or stolen?").unwrap();
    s.send("\x03").unwrap();
    s.expect(expectrl::Eof).unwrap();
    assert_eq!(env.commit_count(), before);
    // Declining the confirmation writes nothing either.
    let mut s = pty_session(
        &env,
        &["guide", "run", &id, "lost-card", "--answer", "kind=Stolen"],
    );
    s.expect("Are there transactions").unwrap();
    s.send("\r").unwrap();
    s.expect("Apply these actions to the case?").unwrap();
    s.send("n").unwrap();
    s.expect("aborted").unwrap();
    assert_eq!(env.commit_count(), before);
}

#[test]
fn an_input_may_fill_a_field_docket_toml_does_not_define() {
    let env = TestEnv::new();
    std::fs::write(
        env.dir.join("guides/serial.toml"),
        "start = \"s\"\n[nodes.s]\ninput = \"Device serial number?\"\nfield = \"serial\"\npattern = \"^[A-Z0-9]{6}$\"\nnext = \"done\"\n[nodes.done]\noutcome = \"Noted\"\n",
    )
    .unwrap();
    env.ok(&["guide", "check"]);
    let id = env.create("Device", &[]);
    let err = env.fails(&["guide", "run", &id, "serial", "--answer", "s=abc"], 2);
    assert!(err.contains("expected format"), "{err}");
    env.ok(&["guide", "run", &id, "serial", "--answer", "s=AB12CD"]);
    assert_eq!(env.show(&id)["fields"]["serial"], "AB12CD");
}

/// Issue 12 #5: a guide on a closed case is refused before the first question.
#[test]
fn regression_issue_12_a_guide_on_a_closed_case_is_refused_before_asking() {
    let env = TestEnv::new();
    let id = env.create("Done and dusted", &["--type", "incident"]);
    env.ok(&["comment", &id, "-m", "answer"]);
    env.ok(&["resolve", &id, "-r", "answered"]);
    env.ok(&["close", &id]);
    // No answers at all: refused for the state, not for a missing answer.
    let err = env.fails(&["guide", "run", &id, "lost-card"], 2);
    assert!(
        err.contains("is closed") && err.contains("nothing was asked"),
        "{err}"
    );
    assert!(err.contains("docket reopen"), "{err}");
}
