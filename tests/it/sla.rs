//! `docket sla`: clocks from DOCKET_NOW-dated timelines, every format, exit codes.

use serde_json::Value;

use crate::util::TestEnv;

/// The issue's example policy, plus all-day calendars to watch daylight-saving changes.
const POLICY: &str = r#"
[calendars.madrid]
timezone = "Europe/Madrid"
hours = { mon = ["09:00-13:00", "14:00-18:00"], tue = ["09:00-13:00", "14:00-18:00"], wed = ["09:00-18:00"], thu = ["09:00-18:00"], fri = ["09:00-15:00"] }
holidays = ["2026-12-08", "2026-12-25"]

[calendars.madrid-allday]
timezone = "Europe/Madrid"
hours = { mon = ["00:00-24:00"], tue = ["00:00-24:00"], wed = ["00:00-24:00"], thu = ["00:00-24:00"], fri = ["00:00-24:00"], sat = ["00:00-24:00"], sun = ["00:00-24:00"] }

[calendars.ny-allday]
timezone = "America/New_York"
hours = { mon = ["00:00-24:00"], tue = ["00:00-24:00"], wed = ["00:00-24:00"], thu = ["00:00-24:00"], fri = ["00:00-24:00"], sat = ["00:00-24:00"], sun = ["00:00-24:00"] }

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

[[sla]]
name = "eu-dst"
kind = "resolution"
target = "100h"
calendar = "madrid-allday"
match = { tags = ["eu-dst"] }

[[sla]]
name = "us-dst"
kind = "resolution"
target = "100h"
calendar = "ny-allday"
match = { tags = ["us-dst"] }
"#;

/// A casebook whose docket.toml holds only the settings and the test policy.
fn env_with_policy() -> TestEnv {
    let env = TestEnv::new();
    let path = env.dir.join("docket.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let cut = text.find("# -----").expect("the template has an SLA part");
    std::fs::write(&path, format!("{}{POLICY}", &text[..cut])).unwrap();
    env.git(&["commit", "-qam", "test policy"]);
    env
}

fn at(env: &mut TestEnv, now: &str) {
    env.now = now.into();
}

fn clocks(env: &TestEnv, args: &[&str]) -> Vec<Value> {
    let mut all = vec!["sla"];
    all.extend(args);
    env.json(&all).as_array().unwrap().clone()
}

fn clock<'a>(rows: &'a [Value], case: &str, sla: &str) -> &'a Value {
    rows.iter()
        .find(|r| r["case"] == case && r["sla"] == sla)
        .unwrap_or_else(|| panic!("no {case}/{sla} in {rows:#?}"))
}

#[test]
fn json_names_and_a_p1_response_breach() {
    let mut env = env_with_policy();
    at(&mut env, "2026-11-20T09:00:00Z");
    let id = env.create("Down", &["--priority", "P1"]);
    at(&mut env, "2026-11-20T09:20:00Z");
    let rows = clocks(&env, &[]);
    let r = clock(&rows, &id, "p1-response");
    for key in [
        "case",
        "sla",
        "kind",
        "stage",
        "started_at",
        "breach_at",
        "target_seconds",
        "elapsed_seconds",
        "remaining_seconds",
        "percent",
        "calendar",
    ] {
        assert!(r.get(key).is_some(), "sla JSON lacks {key}");
    }
    assert_eq!(r["stage"], "in_progress");
    assert_eq!(r["elapsed_seconds"], 1200);
    assert_eq!(r["remaining_seconds"], 600);
    assert_eq!(r["breach_at"], "2026-11-20T09:30:00Z");
    assert_eq!(r["calendar"], "24x7");
    assert_eq!(r["kind"], "response");
    assert_eq!(r["started_at"], "2026-11-20T09:00:00Z");
    at(&mut env, "2026-11-20T10:00:00Z");
    let rows = clocks(&env, &[]);
    let r = clock(&rows, &id, "p1-response");
    assert_eq!(
        (r["stage"].as_str(), r["remaining_seconds"].as_i64()),
        (Some("breached"), Some(-1800))
    );
    // An internal note does not stop it; the customer-visible answer does (still breached).
    env.ok(&["comment", &id, "--internal", "-m", "looking"]);
    env.ok(&["comment", &id, "-m", "We are on it"]);
    at(&mut env, "2026-11-20T11:00:00Z");
    let rows = clocks(&env, &[&id]);
    assert_eq!(clock(&rows, &id, "p1-response")["stage"], "breached");
    assert_eq!(clock(&rows, &id, "p1-response")["elapsed_seconds"], 3600);
}

#[test]
fn business_hours_over_a_weekend_and_a_holiday() {
    let mut env = env_with_policy();
    // Friday 4 December 2026, 14:00 in Madrid (13:00Z): one working hour left that day.
    at(&mut env, "2026-12-04T13:00:00Z");
    let weekend = env.create("Weekend", &["--priority", "P2", "--type", "incident"]);
    // Monday 7 December 17:00 Madrid: Tuesday 8 is a holiday.
    at(&mut env, "2026-12-07T16:00:00Z");
    let holiday = env.create("Holiday", &["--priority", "P2", "--type", "request"]);
    at(&mut env, "2026-12-08T20:00:00Z");
    let rows = clocks(&env, &[]);
    let w = clock(&rows, &weekend, "p2-resolution");
    // Fri 14-15 (1h) + Mon 09-13, 14-18 (8h) = 9h ≥ 8h: breached Monday 17:00 local.
    assert_eq!(w["stage"], "breached");
    assert_eq!(w["breach_at"], "2026-12-07T16:00:00Z");
    let h = clock(&rows, &holiday, "p2-resolution");
    assert_eq!(
        h["elapsed_seconds"], 3600,
        "Monday 17-18 only; the 8th is a holiday"
    );
    assert_eq!(
        h["breach_at"], "2026-12-09T15:00:00Z",
        "7h more from Wednesday 09:00"
    );
    assert_eq!(h["percent"], 12.5);
}

#[test]
fn daylight_saving_changes_in_europe_and_america() {
    let mut env = env_with_policy();
    // Midnight before the spring change, local time.
    at(&mut env, "2026-03-28T23:00:00Z"); // 00:00 in Madrid on 29 March
    let eu = env.create("EU", &["--tag", "eu-dst"]);
    at(&mut env, "2026-03-08T05:00:00Z"); // 00:00 in New York on 8 March
    let us = env.create("US", &["--tag", "us-dst"]);
    at(&mut env, "2026-03-09T04:00:00Z"); // 24:00 in New York on 8 March
    let rows = clocks(&env, &[&us]);
    assert_eq!(clock(&rows, &us, "us-dst")["elapsed_seconds"], 23 * 3600);
    at(&mut env, "2026-03-29T22:00:00Z"); // 24:00 in Madrid on 29 March
    let rows = clocks(&env, &[&eu]);
    assert_eq!(clock(&rows, &eu, "eu-dst")["elapsed_seconds"], 23 * 3600);
}

#[test]
fn pause_resume_priority_change_and_reopen() {
    let mut env = env_with_policy();
    at(&mut env, "2026-11-23T08:00:00Z"); // Monday 09:00 Madrid
    let id = env.create(
        "Pausing",
        &[
            "--priority",
            "P2",
            "--type",
            "incident",
            "--contact",
            "Jane",
        ],
    );
    at(&mut env, "2026-11-23T09:00:00Z");
    env.ok(&["wait", &id, "--reason", "need logs"]);
    at(&mut env, "2026-11-23T10:00:00Z");
    let r = clocks(&env, &[]);
    let c = clock(&r, &id, "p2-resolution");
    assert_eq!(
        (c["stage"].as_str(), c["elapsed_seconds"].as_i64()),
        (Some("paused"), Some(3600))
    );
    assert_eq!(c["breach_at"], Value::Null);
    env.ok(&["comment", &id, "--from", "customer", "-m", "logs attached"]);
    at(&mut env, "2026-11-23T11:00:00Z");
    let r = clocks(&env, &[]);
    let c = clock(&r, &id, "p2-resolution");
    assert_eq!(
        (c["stage"].as_str(), c["elapsed_seconds"].as_i64()),
        (Some("in_progress"), Some(7200))
    );
    env.ok(&["resolve", &id, "--resolution", "fixed"]);
    at(&mut env, "2026-11-24T11:00:00Z");
    let c = clocks(&env, &[&id]);
    assert_eq!(clock(&c, &id, "p2-resolution")["stage"], "achieved");
    env.ok(&["reopen", &id]);
    at(&mut env, "2026-11-24T12:00:00Z");
    let c = clocks(&env, &[&id]);
    let c = clock(&c, &id, "p2-resolution");
    assert_eq!(
        (c["stage"].as_str(), c["elapsed_seconds"].as_i64()),
        (Some("in_progress"), Some(3 * 3600)),
        "reopen resumes"
    );
    // Raising to P1 cancels P2's clock and starts P1's from creation.
    env.ok(&["set", &id, "priority=P1"]);
    let c = clocks(&env, &[&id]);
    assert_eq!(clock(&c, &id, "p2-resolution")["stage"], "cancelled");
    let p1 = clock(&c, &id, "p1-response");
    assert_eq!(p1["started_at"], "2026-11-23T08:00:00Z");
    assert_eq!(
        p1["stage"], "breached",
        "no agent answered within 30 minutes of creation"
    );
}

#[test]
fn explain_shows_running_and_paused_intervals() {
    let mut env = env_with_policy();
    at(&mut env, "2026-11-23T08:00:00Z");
    let id = env.create("Explain", &["--priority", "P2", "--type", "incident"]);
    at(&mut env, "2026-11-23T09:00:00Z");
    env.ok(&["wait", &id, "--reason", "x"]);
    at(&mut env, "2026-11-23T10:00:00Z");
    env.ok(&["reopen", &id]);
    at(&mut env, "2026-11-23T12:00:00Z");
    let text = env.ok(&["sla", "explain", &id]);
    assert!(
        text.contains("p2-resolution") && text.contains("paused") && text.contains("running"),
        "{text}"
    );
    assert!(text.contains("awaiting-info"), "{text}");
    let v = env.json(&["sla", "explain", &id]);
    let intervals = v[0]["intervals"].as_array().unwrap();
    let summary: Vec<(bool, i64)> = intervals
        .iter()
        .map(|i| {
            (
                i["running"].as_bool().unwrap(),
                i["counted_seconds"].as_i64().unwrap(),
            )
        })
        .collect();
    // new 09-10 local, waiting 10-11, open 11-13 with lunch 13-14 not reached yet.
    assert_eq!(summary, vec![(true, 3600), (false, 0), (true, 7200)]);
}

/// Two P1 cases: one breached, one at risk (past 50%), one P2 on track.
fn ci_casebook() -> (TestEnv, String, String) {
    let mut env = env_with_policy();
    at(&mut env, "2026-11-20T08:00:00Z");
    let late = env.create("Late <one> & \"quoted\"", &["--priority", "P1"]);
    at(&mut env, "2026-11-20T09:00:00Z");
    let risky = env.create("Risky", &["--priority", "P1"]);
    env.create("Calm", &["--priority", "P2", "--type", "incident"]);
    at(&mut env, "2026-11-20T09:20:00Z");
    (env, late, risky)
}

#[test]
fn junit_has_a_suite_per_sla_and_a_case_per_pair() {
    let (env, late, risky) = ci_casebook();
    let xml = env.ok(&["sla", "--format", "junit"]);
    let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let pairs = env.json(&["sla"]).as_array().unwrap().len();
    assert_eq!(root.attribute("tests"), Some(pairs.to_string().as_str()));
    assert_eq!(root.attribute("failures"), Some("1"));
    let suites: Vec<_> = root
        .children()
        .filter(|n| n.has_tag_name("testsuite"))
        .collect();
    let p1 = suites
        .iter()
        .find(|s| s.attribute("name") == Some("p1-response"))
        .unwrap();
    assert_eq!(
        (p1.attribute("tests"), p1.attribute("failures")),
        (Some("2"), Some("1"))
    );
    let cases: Vec<_> = p1
        .children()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), 2);
    let failed = cases
        .iter()
        .find(|c| c.attribute("name").unwrap().starts_with(&late))
        .unwrap();
    let failure = failed
        .children()
        .find(|n| n.has_tag_name("failure"))
        .unwrap();
    assert!(
        failure
            .attribute("message")
            .unwrap()
            .contains("over the 30m target")
    );
    assert!(failure.text().unwrap().contains("Late <one> & \"quoted\""));
    let at_risk = cases
        .iter()
        .find(|c| c.attribute("name").unwrap().starts_with(&risky))
        .unwrap();
    let out = at_risk
        .children()
        .find(|n| n.has_tag_name("system-out"))
        .unwrap();
    assert!(out.text().unwrap().contains("AT RISK"));
    let total: usize = suites
        .iter()
        .map(|s| s.children().filter(|n| n.has_tag_name("testcase")).count())
        .sum();
    assert_eq!(total, pairs, "one testcase per case-SLA pair");
}

#[test]
fn markdown_github_csv_and_table() {
    let (env, late, risky) = ci_casebook();
    let md = env.ok(&["sla", "--format", "markdown"]);
    assert!(md.starts_with("## SLA report"));
    assert!(md.contains("**1** breached, 1 at risk"), "{md}");
    assert!(
        md.contains(&format!("| {late} | p1-response | 🔴 breached |")),
        "{md}"
    );
    let gh = env.ok(&["sla", "--format", "github"]);
    let lines: Vec<&str> = gh.lines().collect();
    assert_eq!(lines.len(), 2, "{gh}");
    assert!(
        lines[0].starts_with("::error file=cases/")
            && lines[0].contains(",title=SLA breached%3A ")
            && lines[0].contains(&late)
    );
    assert!(
        lines[1].starts_with("::warning file=cases/")
            && lines[1].contains(",title=SLA at risk%3A ")
            && lines[1].contains(&risky)
    );
    let csv = env.ok(&["sla", "--format", "csv"]);
    let mut rows = csv.lines();
    assert!(
        rows.next()
            .unwrap()
            .starts_with("case,sla,kind,stage,started_at,breach_at,target_seconds")
    );
    let first = rows.next().unwrap();
    assert!(
        first.starts_with(&format!("{late},p1-response,response,breached,")),
        "{first}"
    );
    assert!(
        first.ends_with("\"Late <one> & \"\"quoted\"\"\""),
        "{first}"
    );
    let table = env.ok(&["sla"]);
    let first_row = table.lines().nth(1).unwrap();
    assert!(
        first_row.starts_with(&late) && first_row.contains("breached"),
        "most urgent first: {table}"
    );
    assert!(table.contains("in_progress (≥50%)"));
}

#[test]
fn fail_on_sets_the_exit_code() {
    let (env, _, _) = ci_casebook();
    env.ok(&["sla"]);
    env.ok(&["sla", "--fail-on", "never"]);
    env.fails(&["sla", "--fail-on", "breach"], 1);
    env.fails(&["sla", "--fail-on", "warning"], 1);
    // Only at-risk clocks: warning fails, breach does not.
    let mut env = env_with_policy();
    at(&mut env, "2026-11-20T09:00:00Z");
    env.create("Risky", &["--priority", "P1"]);
    at(&mut env, "2026-11-20T09:20:00Z");
    env.ok(&["sla", "--fail-on", "breach"]);
    env.fails(&["sla", "--fail-on", "warning"], 1);
    // Nothing at risk: both pass.
    at(&mut env, "2026-11-20T09:01:00Z");
    env.ok(&["sla", "--fail-on", "warning"]);
}

#[test]
fn filters_and_evaluating_at_another_time() {
    let (mut env, late, risky) = ci_casebook();
    env.ok(&["assign", &risky, "bob"]);
    let ids = |env: &TestEnv, args: &[&str]| -> Vec<String> {
        clocks(env, args)
            .iter()
            .map(|r| {
                format!(
                    "{}/{}",
                    r["case"].as_str().unwrap(),
                    r["sla"].as_str().unwrap()
                )
            })
            .collect()
    };
    assert_eq!(
        ids(&env, &["--breached"]),
        vec![format!("{late}/p1-response")]
    );
    // Assigning is not an answer: the response clock still runs, past 50%.
    assert_eq!(
        ids(&env, &["--at-risk"]),
        vec![format!("{risky}/p1-response")]
    );
    assert!(
        ids(&env, &["--assignee", "bob"])
            .iter()
            .all(|r| r.starts_with(&risky))
    );
    assert!(
        ids(&env, &["--team", "billing"])
            .iter()
            .all(|r| r.starts_with(&risky))
    );
    assert!(
        ids(&env, &["--priority", "P2"])
            .iter()
            .all(|r| r.ends_with("p2-resolution"))
    );
    at(&mut env, "2026-11-20T09:20:00Z");
    let later = ids(&env, &["--breached", "--at", "2026-11-20T09:45:00Z"]);
    assert!(later.contains(&format!("{risky}/p1-response")), "{later:?}");
    let err = env.fails(&["sla", "--at", "tomorrow"], 2);
    assert!(err.contains("--at"), "{err}");
}

#[test]
fn a_bad_policy_or_case_file_is_a_clear_error() {
    let env = env_with_policy();
    let path = env.dir.join("docket.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replace(
            "Europe/Madrid\"\nhours = { mon = [\"09:00-13:00\"",
            "Europe/Madird\"\nhours = { mon = [\"09:00-13:00\"",
        ),
    )
    .unwrap();
    let err = env.fails(&["sla"], 2);
    assert!(
        err.contains("docket.toml") && err.contains("Europe/Madird"),
        "{err}"
    );
    std::fs::write(&path, &text).unwrap();
    let good = env.create("Good", &["--priority", "P1"]);
    let bad = env.create("Bad", &["--priority", "P1"]);
    let bad_path = env.case_path(&bad);
    std::fs::write(&bad_path, "title = [").unwrap();
    let out = env.docket(&["sla", "--format", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let rows: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        rows.as_array()
            .unwrap()
            .iter()
            .any(|r| r["case"] == good.as_str())
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains(&format!("{bad}.toml")));
}

#[test]
fn closed_cases_are_left_out_unless_asked_for_by_id() {
    let mut env = env_with_policy();
    at(&mut env, "2026-11-20T09:00:00Z");
    let id = env.create("Quick", &["--priority", "P1"]);
    at(&mut env, "2026-11-20T09:10:00Z");
    env.ok(&["comment", &id, "-m", "Fixed it"]);
    env.ok(&["resolve", &id, "--resolution", "done"]);
    env.ok(&["close", &id]);
    at(&mut env, "2026-11-21T09:00:00Z");
    assert!(clocks(&env, &[]).is_empty(), "only open cases by default");
    let rows = clocks(&env, &[&id]);
    let r = clock(&rows, &id, "p1-response");
    assert_eq!(
        (r["stage"].as_str(), r["elapsed_seconds"].as_i64()),
        (Some("achieved"), Some(600))
    );
    assert_eq!(r["stopped_at"], "2026-11-20T09:10:00Z");
}

#[test]
fn the_table_fits_a_narrow_terminal() {
    let (env, late, _) = ci_casebook();
    let out = env.docket(&["sla"]).env("COLUMNS", "60").output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    for line in text.lines() {
        assert!(line.chars().count() <= 60, "too wide: {line:?}");
    }
    assert!(text.contains(&late) && text.contains('…'), "{text}");
    assert!(
        !text.contains("BREACH AT"),
        "columns are dropped before the title is squeezed"
    );
}

/// Issue 12 #1: every clock stops when the case is resolved or closed, whatever its own
/// stop condition — a case resolved without ever being assigned is no breach in CI.
#[test]
fn regression_issue_12_a_resolved_case_is_not_a_false_breach() {
    let mut env = TestEnv::new();
    env.now = "2026-11-23T10:00:00Z".into(); // a Monday, in business hours
    let id = env.create("Quick answer", &["--priority", "P1"]);
    env.now = "2026-11-23T10:05:00Z".into();
    env.ok(&["comment", &id, "-m", "Here is the answer."]);
    env.now = "2026-11-23T10:10:00Z".into();
    env.ok(&["resolve", &id, "-r", "answered"]);
    env.now = "2026-11-23T10:20:00Z".into();
    env.ok(&["close", &id]);
    env.now = "2026-11-27T12:00:00Z".into();
    let out = env
        .docket(&[
            "sla",
            &id,
            "--fail-on",
            "breach",
            "--breached",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{rows}");
    assert_eq!(rows, serde_json::json!([]), "no clock breached");
    // Issue 12 #2: stopped_at is when the clock stopped (the resolution at 10:10), and
    // nothing runs or pauses after it.
    let rows = env.json(&["sla", &id]);
    for r in rows.as_array().unwrap() {
        assert_ne!(r["stage"], "breached", "{r}");
        let stopped = r["stopped_at"].as_str().unwrap();
        assert!(stopped <= "2026-11-23T10:10:00Z", "{r}");
    }
    let explained = env.json(&["sla", "explain", &id]);
    for r in explained.as_array().unwrap() {
        for i in r["intervals"].as_array().unwrap() {
            assert!(i["end"].as_str().unwrap() <= "2026-11-23T10:10:00Z", "{i}");
        }
    }
}

/// Issue 12 #3: `sla --at PAST` shows the cases that were open then, closed ones included.
#[test]
fn regression_issue_12_sla_at_a_past_time_selects_by_the_state_then() {
    let mut env = TestEnv::new();
    env.now = "2026-11-23T10:00:00Z".into();
    let id = env.create("Closed since", &["--priority", "P1"]);
    env.now = "2026-11-24T10:00:00Z".into();
    env.ok(&["comment", &id, "-m", "done"]);
    env.ok(&["resolve", &id, "-r", "done"]);
    env.ok(&["close", &id]);
    env.now = "2026-11-30T10:00:00Z".into();
    let now_rows = env.json(&["sla"]);
    assert!(
        !now_rows.to_string().contains(&id),
        "closed now: not listed"
    );
    let then = env.json(&["sla", "--at", "2026-11-23T12:00:00Z"]);
    assert!(then.to_string().contains(&id), "open then: listed {then}");
    let before = env.json(&["sla", "--at", "2026-11-22T12:00:00Z"]);
    assert!(!before.to_string().contains(&id), "not created yet");
}

/// Issue 12 #6: a scheduled job fails once per breach (`--new-since`), and GitHub
/// annotations name the case file.
#[test]
fn regression_issue_12_only_new_breaches_fail_the_job() {
    let mut env = TestEnv::new();
    env.now = "2026-11-23T10:00:00Z".into();
    let id = env.create("Nobody answered", &["--priority", "P1"]);
    let rev = env.git(&["rev-parse", "HEAD"]).trim().to_string();
    env.now = "2026-11-24T10:00:00Z".into();
    let code = |extra: &[&str]| {
        let mut args = vec!["sla", "--fail-on", "breach"];
        args.extend(extra);
        env.docket(&args).output().unwrap().status.code()
    };
    assert_eq!(code(&[]), Some(1), "breached");
    assert_eq!(
        code(&["--new-since", "2026-11-24T09:00:00Z"]),
        Some(0),
        "old breaches"
    );
    assert_eq!(
        code(&["--new-since", "2026-11-23T10:05:00Z"]),
        Some(1),
        "a new one"
    );
    assert_eq!(
        code(&["--new-since", &rev]),
        Some(1),
        "since the create commit"
    );
    assert_eq!(code(&["--new-since", "nonsense-rev"]), Some(2));
    let gh = env.ok(&["sla", "--format", "github"]);
    let shard = &id[3..5];
    assert!(
        gh.contains(&format!("file=cases/{shard}/{id}.toml")),
        "{gh}"
    );
}
