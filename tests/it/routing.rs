//! Issue 14: the right agent, a clear way up, and a workspace. A fixture team in the
//! richer agents.toml shape; auto-assignment, route, manual assignment checks, escalation
//! paths and rules, queue, mine and agents, with JSON for each.

use serde_json::Value;

use crate::util::TestEnv;

const TEAMS: &str = r#"
[teams.tier1]
name = "Frontline"
next = "tier2"
auto_assign = true
skills = ["cards"]

[teams.tier2]
name = "Second line"
next = "engineering"

[teams.fraudline]
auto_assign = true

[agents.dana]
name = "Dana Reyes"
email = "dana@example.com"
teams = ["tier1"]
skills = { cards = 4, billing = 2 }
capacity = 2
languages = ["en"]

[agents.eli]
name = "Eli Stone"
email = "eli@example.com"
teams = ["tier1"]
skills = { cards = 2 }
capacity = 8
languages = ["en", "es"]

[agents.gus]
name = "Gus Old-Shape"
team = "billing"
skills = ["cards", "refunds"]

[agents.fay]
name = "Fay Wong"
email = "fay@example.com"
teams = ["tier2", "fraudline"]
skills = { cards = 5 }
"#;

const RULES: &str = r#"
[escalation.raise_priority]
tier2 = "P2"

[[escalation.rules]]
name = "p1 breach"
on = "breach"
sla = "response"
to = "tier2"
"#;

/// The default casebook plus the tier teams, `[types.incident]` routed to tier1, and an
/// escalation rule.
fn setup() -> TestEnv {
    let env = TestEnv::new();
    let agents = env.dir.join("agents.toml");
    let text = std::fs::read_to_string(&agents).unwrap();
    std::fs::write(&agents, text + TEAMS).unwrap();
    let config = env.dir.join("docket.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    // The `[types.NAME]` tables go at the end: a top-level key after them would be theirs.
    let text = text.replace(
        "types = [\"question\", \"incident\", \"problem\", \"request\"]\n",
        "",
    );
    let text = format!(
        "{text}{RULES}\n[types.question]\n[types.incident]\nteam = \"tier1\"\nskills = [\"cards\"]\n[types.problem]\n[types.request]\n"
    );
    std::fs::write(&config, text).unwrap();
    env.git(&["commit", "-qam", "tiers"]);
    env
}

fn incident(env: &TestEnv, title: &str, extra: &[&str]) -> String {
    let mut args = vec!["--type", "incident"];
    args.extend_from_slice(extra);
    env.create(title, &args)
}

#[test]
fn the_old_agents_shape_still_loads_and_the_new_one_is_listed() {
    let env = setup();
    let v = env.json(&["agents"]);
    let rows = v.as_array().unwrap();
    let gus = rows.iter().find(|r| r["agent"] == "gus").unwrap();
    assert_eq!(
        gus["skills"]["cards"], 3,
        "a skill without a level is level 3"
    );
    assert_eq!(
        gus["teams"],
        serde_json::json!(["billing"]),
        "team = … is its first team"
    );
    let dana = rows.iter().find(|r| r["agent"] == "dana").unwrap();
    assert_eq!(dana["capacity"], 2);
    assert_eq!(dana["available"], true);
    let fay = rows.iter().find(|r| r["agent"] == "fay").unwrap();
    assert_eq!(fay["teams"], serde_json::json!(["tier2", "fraudline"]));
    // Bad shapes are named.
    let agents = env.dir.join("agents.toml");
    let text = std::fs::read_to_string(&agents).unwrap();
    std::fs::write(&agents, text.replace("cards = 4,", "cards = 9,")).unwrap();
    let err = env.fails(&["agents"], 2);
    assert!(err.contains("levels go from 1 to 5"), "{err}");
    std::fs::write(
        &agents,
        text.replace("next = \"engineering\"", "next = \"tier1\""),
    )
    .unwrap();
    let err = env.fails(&["agents"], 2);
    assert!(err.contains("loops"), "{err}");
}

#[test]
fn a_new_incident_lands_in_its_team_and_is_auto_assigned_to_the_best_agent() {
    let env = setup();
    let id = incident(&env, "Card declined", &[]);
    let case = env.show(&id);
    assert_eq!(case["team"], "tier1");
    // dana (cards 4) beats eli (cards 2).
    assert_eq!(case["assignee"], "dana");
    // A question has no team: it stays unassigned.
    let q = env.create("How do I?", &[]);
    assert_eq!(env.show(&q)["assignee"], Value::Null);
}

#[test]
fn assign_auto_explains_every_candidate_and_exits_1_when_nobody_qualifies() {
    let env = setup();
    // A question in tier1, no language: the ranking with reasons.
    let q = env.create("Card question", &[]);
    let v = env.json(&["assign", &q, "--auto", "--team", "tier1", "--explain"]);
    assert_eq!(v["chosen"], "dana");
    assert_eq!(v["team"], "tier1");
    let c = v["candidates"].as_array().unwrap();
    assert_eq!(c.len(), 2);
    assert_eq!(c[0]["agent"], "dana");
    assert_eq!(c[0]["kept"], true);
    assert_eq!(c[0]["skill"], 4);
    assert_eq!(env.show(&q)["assignee"], "dana");
    // Everyone away: nobody, exit 1, the reasons named, the case waits in the queue.
    env.ok(&["agents", "set", "dana", "--away"]);
    env.ok(&[
        "agents",
        "set",
        "eli",
        "--away",
        "--until",
        "2026-12-01T00:00:00Z",
    ]);
    let q2 = env.create("Another", &[]);
    let out = env
        .docket(&["assign", &q2, "--auto", "--team", "tier1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("dana: away") && err.contains("eli: away until 2026-12-01"),
        "{err}"
    );
    let case = env.show(&q2);
    assert_eq!(case["assignee"], Value::Null);
    assert_eq!(case["team"], "tier1");
    // Availability changes are commits.
    let log = env.git(&["log", "-5", "--format=%s"]);
    assert!(
        log.contains("agents eli: away until 2026-12-01T00:00:00Z"),
        "{log}"
    );
    env.ok(&["agents", "set", "dana", "--available"]);
    env.ok(&["assign", &q2, "--auto"]);
    assert_eq!(env.show(&q2)["assignee"], "dana");
}

#[test]
fn manual_assign_refuses_without_force() {
    let env = setup();
    let id = incident(&env, "Card declined", &[]);
    // bob is in billing and lacks "cards"? He is assigned outside the case's team: his
    // own team's needs apply. chen lacks nothing there. Make eli away and at capacity.
    env.ok(&["agents", "set", "eli", "--away"]);
    let err = env.fails(&["assign", &id, "eli"], 2);
    assert!(
        err.contains("eli cannot take") && err.contains("away"),
        "{err}"
    );
    assert!(err.contains("--force"), "{err}");
    assert_eq!(env.show(&id)["assignee"], "dana");
    env.ok(&["assign", &id, "eli", "--force"]);
    assert_eq!(env.show(&id)["assignee"], "eli");
    // At capacity: dana takes two, then refuses a third.
    env.ok(&["agents", "set", "eli", "--available"]);
    let a = incident(&env, "Two", &[]);
    let b = incident(&env, "Three", &[]);
    assert_eq!(env.show(&a)["assignee"], "dana");
    assert_eq!(env.show(&b)["assignee"], "dana");
    let c = env.create("Four", &[]);
    let err = env.fails(&["assign", &c, "dana"], 2);
    assert!(err.contains("at capacity (2/2"), "{err}");
}

#[test]
fn route_goes_most_urgent_first_and_respects_capacity_across_the_batch() {
    let env = setup();
    // Three unassigned tier1 cases (created as questions, then moved to tier1).
    let low = env.create("Low", &["--priority", "P4"]);
    let high = env.create("High", &["--priority", "P1"]);
    let mid = env.create("Mid", &["--priority", "P2"]);
    for id in [&low, &high, &mid] {
        env.ok(&["set", id, "team=tier1"]);
    }
    let dry = env.json(&["route", "--dry-run"]);
    let order: Vec<&str> = dry
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["case"].as_str().unwrap())
        .collect();
    assert_eq!(order, [high.as_str(), mid.as_str(), low.as_str()]);
    assert_eq!(
        env.show(&high)["assignee"],
        Value::Null,
        "dry run writes nothing"
    );
    let commits = env.commit_count();
    let v = env.json(&["route"]);
    let who: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["agent"].as_str().unwrap())
        .collect();
    // dana (best) takes two, up to her capacity; eli the third.
    assert_eq!(who, ["dana", "dana", "eli"]);
    assert_eq!(env.commit_count(), commits + 1, "one commit for the batch");
    let body = env.git(&["log", "-1", "--format=%B"]);
    assert!(body.starts_with("route: 3 cases assigned"), "{body}");
    for id in [&low, &high, &mid] {
        assert!(body.contains(&format!("Docket-Case: {id}")), "{body}");
    }
    assert!(body.contains("Docket-Action: assign"), "{body}");
    assert_eq!(env.status(), "");
    // Nothing left: a second run assigns nothing and commits nothing.
    let again = env.json(&["route"]);
    assert_eq!(again.as_array().unwrap().len(), 0);
    assert_eq!(env.commit_count(), commits + 1);
    assert_eq!(env.json(&["verify"])["clean"], true);
    assert_eq!(env.show(&low)["assignee"], "eli");
}

#[test]
fn escalate_follows_the_path_records_it_reroutes_and_refuses_at_the_top() {
    let env = setup();
    let id = incident(&env, "Card declined", &["--priority", "P3"]);
    assert_eq!(env.show(&id)["assignee"], "dana");
    env.ok(&["escalate", &id, "--reason", "Needs second line"]);
    let case = env.show(&id);
    assert_eq!(case["team"], "tier2");
    assert_eq!(case["escalation_level"], 1);
    assert_eq!(case["priority"], "P2", "raise_priority for tier2");
    assert_eq!(
        case["assignee"],
        Value::Null,
        "tier2 does not auto-assign: its queue"
    );
    let e = case["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|e| e["kind"] == "escalated")
        .unwrap()
        .clone();
    assert_eq!(e["team"], "tier2");
    assert_eq!(e["from_team"], "tier1");
    assert_eq!(e["reason"], "Needs second line");
    let queue = env.json(&["queue", "--team", "tier2"]);
    assert_eq!(queue[0]["id"], id.as_str());
    // Up again to engineering, the top: then refused, naming the path.
    env.ok(&["escalate", &id, "--reason", "Bug"]);
    assert_eq!(env.show(&id)["team"], "engineering");
    let err = env.fails(&["escalate", &id, "--reason", "Beyond"], 2);
    assert!(
        err.contains("top of its escalation path (tier1 → tier2 → engineering)"),
        "{err}"
    );
    // --to another path.
    env.ok(&[
        "escalate",
        &id,
        "--to",
        "fraudline",
        "--reason",
        "Looks like fraud",
    ]);
    let case = env.show(&id);
    assert_eq!(case["team"], "fraudline");
    assert_eq!(case["assignee"], "fay", "fraudline auto-assigns");
    // Back down, to the team it came from.
    env.ok(&["deescalate", &id, "--reason", "Not fraud"]);
    let case = env.show(&id);
    assert_eq!(case["team"], "engineering");
    assert_eq!(case["escalation_level"], 2);
    let err = env.fails(
        &["deescalate", &env.create("Plain", &[]), "--reason", "x"],
        2,
    );
    assert!(err.contains("nowhere to send it back"), "{err}");
}

#[test]
fn an_automatic_rule_fires_on_a_breached_sla_exactly_once() {
    let mut env = setup();
    env.now = "2026-11-20T09:00:00Z".into();
    let id = env.create(
        "Site down",
        &["--priority", "P1", "--from", "customer", "--body", "Down!"],
    );
    env.ok(&["set", &id, "team=tier1"]);
    // Not breached yet (P1 response: 30 minutes).
    env.now = "2026-11-20T09:10:00Z".into();
    let early = env.json(&["escalate", "--auto"]);
    assert_eq!(early.as_array().unwrap().len(), 0, "{early}");
    env.now = "2026-11-20T10:00:00Z".into();
    let dry = env.json(&["escalate", "--auto", "--dry-run"]);
    assert_eq!(dry.as_array().unwrap().len(), 1);
    assert_eq!(
        env.show(&id)["escalation_level"],
        0,
        "a dry run writes nothing"
    );
    let v = env.json(&["escalate", "--auto"]);
    assert_eq!(v[0]["case"], id.as_str());
    assert_eq!(v[0]["team"], "tier2");
    let case = env.show(&id);
    assert_eq!(case["escalation_level"], 1);
    let e = case["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|e| e["kind"] == "escalated")
        .unwrap()
        .clone();
    assert_eq!(e["rule"], "p1 breach");
    assert_eq!(e["actor_kind"], "system");
    // Again later: the rule has fired for this case; nothing more.
    env.now = "2026-11-20T12:00:00Z".into();
    assert_eq!(
        env.json(&["escalate", "--auto"]).as_array().unwrap().len(),
        0
    );
    assert_eq!(env.show(&id)["escalation_level"], 1);
}

#[test]
fn queue_and_mine_order_by_urgency() {
    let mut env = setup();
    env.now = "2026-11-20T09:00:00Z".into();
    let p3 = env.create(
        "Later",
        &["--priority", "P3", "--from", "customer", "--body", "hi"],
    );
    let p1 = env.create(
        "Urgent",
        &["--priority", "P1", "--from", "customer", "--body", "help"],
    );
    let unassigned = env.create("Nobody", &["--priority", "P4"]);
    for id in [&p3, &p1, &unassigned] {
        env.ok(&["set", id, "team=tier1"]);
    }
    env.ok(&["assign", &p3, "alice", "--force"]);
    env.ok(&["assign", &p1, "alice", "--force"]);
    env.ok(&["set", &p3, "team=tier1"]);
    env.ok(&["set", &p1, "team=tier1"]);
    env.now = "2026-11-20T09:05:00Z".into();
    let q = env.json(&["queue", "--team", "tier1"]);
    let ids: Vec<&str> = q
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [unassigned.as_str(), p1.as_str(), p3.as_str()],
        "unassigned first, then urgency"
    );
    assert!(q[1]["next_deadline"].is_string());
    // mine: alice's cases, the next deadline first; the customer's new message is marked.
    env.ok(&["comment", &p3, "--from", "customer", "-m", "any news?"]);
    let m = env.json(&["mine"]);
    let ids: Vec<&str> = m
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [p1.as_str(), p3.as_str()]);
    assert_eq!(m[1]["replied"], true);
    let tsv = env.ok(&["queue", "--mine", "--format", "tsv"]);
    assert_eq!(tsv.lines().count(), 2);
}

#[test]
fn settings_that_name_missing_teams_or_calendars_are_errors() {
    let env = setup();
    let config = env.dir.join("docket.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, text.replace("to = \"tier2\"", "to = \"tier9\"")).unwrap();
    let err = env.fails(&["list"], 2);
    assert!(err.contains("tier9") && err.contains("p1 breach"), "{err}");
    std::fs::write(&config, text.replace("on = \"breach\"", "on = \"braech\"")).unwrap();
    let err = env.fails(&["list"], 2);
    assert!(err.contains("braech"), "{err}");
    std::fs::write(&config, &text).unwrap();
    let agents = env.dir.join("agents.toml");
    let a = std::fs::read_to_string(&agents).unwrap();
    std::fs::write(
        &agents,
        a.replace("capacity = 2\n", "capacity = 2\ncalendar = \"mars\"\n"),
    )
    .unwrap();
    let err = env.fails(&["list"], 2);
    assert!(err.contains("calendar \"mars\""), "{err}");
}

#[test]
fn an_agent_outside_its_working_hours_is_dropped() {
    let mut env = setup();
    let agents = env.dir.join("agents.toml");
    let text = std::fs::read_to_string(&agents).unwrap();
    std::fs::write(
        &agents,
        text.replace("capacity = 2\n", "capacity = 2\ncalendar = \"business\"\n"),
    )
    .unwrap();
    env.git(&["commit", "-qam", "dana works office hours"]);
    // Saturday 2026-11-21: dana is off, eli (no calendar) takes it.
    env.now = "2026-11-21T10:00:00Z".into();
    let id = env.create("Weekend", &[]);
    let v = env.json(&["assign", &id, "--auto", "--team", "tier1", "--explain"]);
    assert_eq!(v["chosen"], "eli", "{v}");
    let dana = v["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["agent"] == "dana")
        .unwrap()
        .clone();
    assert_eq!(dana["kept"], false);
    assert_eq!(dana["reason"], "outside working hours (calendar business)");
    // Monday morning she is back, and the better match.
    env.now = "2026-11-23T10:00:00Z".into();
    let id = env.create("Monday", &[]);
    let v = env.json(&["assign", &id, "--auto", "--team", "tier1"]);
    assert_eq!(v["assignee"], "dana", "{v}");
}
