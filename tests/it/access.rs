//! Issue 13: access rules refuse locally (exit 2, the rule named, nothing written) and
//! hide internal notes from the teams whose rule says so.

use crate::util::TestEnv;

const RULE: &str = r#"
[[access]]
name = "acme outsourcing"
team = "acme-out"
accounts = ["acme*"]
allow = ["comment", "resolve"]
internal_notes = false
"#;

const OLGA: &str = r#"
[teams.acme-out]
name = "ACME outsourcing partner"

[agents.olga]
name = "Olga Berg"
email = "olga@example.com"
team = "acme-out"
"#;

/// A casebook with the rule, an acme case (with an internal note) and a globex case.
fn setup() -> (TestEnv, String, String) {
    let env = TestEnv::new();
    for (file, extra) in [("docket.toml", RULE), ("agents.toml", OLGA)] {
        let path = env.dir.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, text + extra).unwrap();
    }
    env.git(&["commit", "-qam", "access rules"]);
    let acme = env.create("Card declined", &["--account", "acme-bank"]);
    env.ok(&[
        "comment",
        &acme,
        "--internal",
        "-m",
        "Secret fraud score 97",
    ]);
    let globex = env.create("Invoice wrong", &["--account", "globex"]);
    (env, acme, globex)
}

fn as_olga(env: &mut TestEnv) {
    env.identity = Some(("Olga Berg".into(), "olga@example.com".into()));
}

#[test]
fn a_restricted_team_does_what_its_rule_allows_and_nothing_more() {
    let (mut env, acme, globex) = setup();
    as_olga(&mut env);
    env.ok(&["comment", &acme, "-m", "We are on it"]);
    let commits = env.commit_count();
    let text = env.case_text(&acme);
    let err = env.fails(&["set", &acme, "priority=P1"], 2);
    assert!(err.contains("access rule \"acme outsourcing\""), "{err}");
    assert!(
        err.contains("\"priority\"") && err.contains("nothing was written"),
        "{err}"
    );
    assert_eq!(env.commit_count(), commits);
    assert_eq!(env.case_text(&acme), text);
    assert_eq!(env.status(), "");
    let err = env.fails(&["comment", &globex, "-m", "Hello"], 2);
    assert!(
        err.contains("no access rule of team acme-out covers it"),
        "{err}"
    );
    let err = env.fails(&["create", "--title", "New", "--account", "acme-bank"], 2);
    assert!(err.contains("\"create\""), "{err}");
    // Acting as someone else does not escape the rule…
    let err = env.fails(&["--as", "alice", "set", &acme, "priority=P1"], 2);
    assert!(err.contains("olga"), "{err}");
    env.ok(&["resolve", &acme, "--resolution", "Card reissued"]);
    assert_eq!(env.commit_count(), commits + 1);
    // …nor does anyone acting as a restricted agent go beyond it.
    as_alice(&mut env);
    let err = env.fails(&["--as", "olga", "reopen", &acme], 2);
    assert!(err.contains("\"reopen\""), "{err}");
    env.ok(&["reopen", &acme]);
    // What was allowed verifies clean.
    let r = env.json(&["verify"]);
    assert_eq!(r["clean"], true, "{r}");
}

fn as_alice(env: &mut TestEnv) {
    env.identity = Some(("Alice Martin".into(), "alice@example.com".into()));
}

#[test]
fn internal_notes_are_hidden_from_teams_whose_rule_says_so() {
    let (mut env, acme, _) = setup();
    let all = env.show(&acme);
    let has_note = |v: &serde_json::Value| {
        v["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["visibility"] == "internal")
    };
    assert!(has_note(&all));
    as_olga(&mut env);
    let shown = env.show(&acme);
    assert!(!has_note(&shown), "{shown}");
    let text = env.ok(&["show", &acme]);
    assert!(!text.contains("Secret fraud score"), "{text}");
    let log = env.ok(&["log", &acme]);
    assert!(!log.contains("Secret fraud score"), "{log}");
    let after_comment = env.json(&["comment", &acme, "-m", "Any news?"]);
    assert!(!has_note(&after_comment), "{after_comment}");
}

#[test]
fn a_rule_with_a_typo_or_an_unknown_team_is_an_error_naming_it() {
    let env = TestEnv::new();
    let path = env.dir.join("docket.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        format!("{text}\n[[access]]\nteam = \"support\"\nallow = [\"coment\"]\n"),
    )
    .unwrap();
    let err = env.fails(&["list"], 2);
    assert!(
        err.contains("docket.toml") && err.contains("did you mean \"comment\""),
        "{err}"
    );
    std::fs::write(
        &path,
        format!("{text}\n[[access]]\nteam = \"partners\"\nallow = [\"comment\"]\n"),
    )
    .unwrap();
    let err = env.fails(&["list"], 2);
    assert!(
        err.contains("\"partners\" is not defined in agents.toml"),
        "{err}"
    );
    std::fs::write(
        &path,
        format!("{text}\n[[access]]\nteam = \"support\"\nalow = [\"comment\"]\n"),
    )
    .unwrap();
    let err = env.fails(&["list"], 2);
    assert!(err.contains("did you mean allow"), "{err}");
}

#[test]
fn move_takes_a_case_to_another_casebook_and_leaves_a_stub() {
    let (env, acme, _) = setup();
    let other = env.tmp.path().join("confidential");
    env.ok(&["init", other.to_str().unwrap()]);
    let out = env.ok(&[
        "move",
        &acme,
        "--to",
        other.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let stub: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(stub["state"], "cancelled");
    let timeline = stub["timeline"].as_array().unwrap();
    assert_eq!(timeline.len(), 1, "{stub}");
    assert_eq!(timeline[0]["kind"], "moved");
    assert!(timeline[0]["to"].as_str().unwrap().contains("confidential"));
    // The current files here hold nothing of the note any more; the other casebook has it all.
    assert!(!env.case_text(&acme).contains("Secret fraud score"));
    let there = env
        .docket(&[
            "show",
            &acme,
            "--format",
            "json",
            "--casebook",
            other.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let there: serde_json::Value = serde_json::from_slice(&there.stdout).unwrap();
    let events = there["timeline"].as_array().unwrap();
    assert!(
        events.iter().any(|e| e["body"] == "Secret fraud score 97"),
        "{there}"
    );
    assert!(
        events
            .iter()
            .any(|e| e["kind"] == "moved" && e["from"].is_string())
    );
    // Both histories verify clean; the stub's commit is a move, not a deleted timeline.
    assert_eq!(env.json(&["verify"])["clean"], true);
    let v = env
        .docket(&["verify", "--casebook", other.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(v.status.success(), "{}", String::from_utf8_lossy(&v.stderr));
    // Moving it again (the ID is taken there) or into this repository is refused.
    let err = env.fails(&["move", &acme, "--to", other.to_str().unwrap()], 2);
    assert!(err.contains("already has a case"), "{err}");
    let sub = env.dir.join("sub");
    std::fs::create_dir_all(&sub).unwrap();
    std::fs::write(sub.join("docket.toml"), "").unwrap();
    let err = env.fails(&["move", &acme, "--to", sub.to_str().unwrap()], 2);
    assert!(err.contains("same Git repository"), "{err}");
}
