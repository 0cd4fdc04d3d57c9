//! Each command on a real casebook, through the binary.

use serde_json::Value;

use crate::util::TestEnv;

fn events(case: &Value) -> &Vec<Value> {
    case["timeline"].as_array().unwrap()
}

fn last_event(case: &Value) -> &Value {
    events(case).last().unwrap()
}

#[test]
fn create_prints_the_id_and_records_everything_given() {
    let env = TestEnv::new();
    let out = env
        .docket(&[
            "create",
            "--title",
            "Card declined",
            "--type",
            "incident",
            "--priority",
            "p2",
            "--account",
            "acme",
            "--contact",
            "Jane Doe",
            "--body",
            "It fails\ntwice",
            "--field",
            "order_id=A-17",
            "--field",
            "amount=12.5",
            "--tag",
            "vip",
            "--tag",
            "cards",
            "--channel",
            "phone",
            "--from",
            "customer",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let id = String::from_utf8(out.stdout).unwrap().trim().to_string();
    assert_eq!(id.len(), 11, "{id}");
    let case = env.show(&id);
    assert_eq!(case["title"], "Card declined");
    assert_eq!(case["type"], "incident");
    assert_eq!(case["priority"], "P2");
    assert_eq!(case["state"], "new");
    assert_eq!(case["account"], "acme");
    assert_eq!(case["contact"], "Jane Doe");
    assert_eq!(case["assignee"], Value::Null);
    assert_eq!(case["escalation_level"], 0);
    assert_eq!(case["tags"], serde_json::json!(["vip", "cards"]));
    assert_eq!(case["fields"]["order_id"], "A-17");
    assert_eq!(case["fields"]["amount"], 12.5);
    assert_eq!(case["created_at"], crate::util::NOW);
    let created = &events(&case)[0];
    assert_eq!(created["kind"], "created");
    assert_eq!(created["actor"], "Jane Doe");
    assert_eq!(created["actor_kind"], "customer");
    assert_eq!(created["channel"], "phone");
    assert_eq!(created["body"], "It fails\ntwice");
    // The body is a multi-line string in the file, readable in a diff.
    assert!(
        env.case_text(&id)
            .contains("body = '''\nIt fails\ntwice'''")
    );
}

#[test]
fn create_quiet_prints_only_the_id_and_json_prints_the_case() {
    let env = TestEnv::new();
    let out = env
        .docket(&["create", "--title", "Q", "--quiet"])
        .output()
        .unwrap();
    assert!(out.stderr.is_empty());
    let id = String::from_utf8(out.stdout).unwrap();
    assert_eq!(id.trim().lines().count(), 1);
    let v = env.json(&["create", "--title", "J"]);
    assert_eq!(v["title"], "J");
    assert_eq!(v["priority"], "P3", "the default priority");
    assert_eq!(v["type"], "question", "the default type");
}

#[test]
fn create_refuses_unknown_values_naming_the_allowed_ones() {
    let env = TestEnv::new();
    let err = env.fails(&["create", "--title", "x", "--priority", "P9"], 2);
    assert!(
        err.contains("P9") && err.contains("P1, P2, P3, P4"),
        "{err}"
    );
    let err = env.fails(&["create", "--title", "x", "--type", "bug"], 2);
    assert!(err.contains("bug") && err.contains("incident"), "{err}");
    let err = env.fails(&["create", "--title", "x", "--field", "colour=red"], 2);
    assert!(err.contains("colour"), "{err}");
    let err = env.fails(&["create", "--title", "x", "--field", "amount=lots"], 2);
    assert!(err.contains("amount") && err.contains("number"), "{err}");
    assert_eq!(env.commit_count(), 1, "nothing was written");
}

#[test]
fn create_reads_the_body_from_stdin() {
    let env = TestEnv::new();
    let out = env
        .docket(&["create", "--title", "Piped", "--body", "-", "-q"])
        .write_stdin("from a pipe\n")
        .output()
        .unwrap();
    let id = String::from_utf8(out.stdout).unwrap().trim().to_string();
    assert_eq!(env.show(&id)["timeline"][0]["body"], "from a pipe\n");
}

#[test]
fn show_prints_fields_then_the_timeline() {
    let env = TestEnv::new();
    let id = env.create(
        "Printer on fire",
        &[
            "--account",
            "acme",
            "--body",
            "Smoke!",
            "--from",
            "customer",
            "--contact",
            "Jane",
        ],
    );
    env.ok(&["comment", &id, "-m", "Extinguisher on its way"]);
    let out = env.ok(&["show", &id]);
    let title_at = out.find("Printer on fire").unwrap();
    let account_at = out.find("acme").unwrap();
    let timeline_at = out.find("Timeline").unwrap();
    let comment_at = out.find("Extinguisher on its way").unwrap();
    assert!(
        title_at < account_at && account_at < timeline_at && timeline_at < comment_at,
        "{out}"
    );
    assert!(out.contains("Jane (customer)"), "{out}");
    assert!(out.contains("Smoke!"));
}

#[test]
fn ids_resolve_by_unique_prefix_case_insensitively_and_ambiguity_lists_candidates() {
    let env = TestEnv::new();
    let ids: Vec<String> = (0..40)
        .map(|i| env.create(&format!("case {i}"), &[]))
        .collect();
    let id = &ids[0];
    let rand = &id[3..];
    // The shortest prefix that is unique among the 40.
    let n = (1..=8)
        .find(|n| {
            ids.iter()
                .filter(|o| o[3..].starts_with(&rand[..*n]))
                .count()
                == 1
        })
        .unwrap();
    let short = rand[..n].to_ascii_lowercase();
    assert_eq!(env.show(&short)["id"], id.as_str());
    assert_eq!(env.show(&format!("dk-{short}"))["id"], id.as_str());
    // An ambiguous prefix: some first character shared by two IDs.
    let shared = ids
        .iter()
        .map(|i| &i[3..4])
        .find(|c| ids.iter().filter(|o| o[3..].starts_with(*c)).count() > 1)
        .unwrap();
    let err = env.fails(&["show", shared], 2);
    assert!(err.contains("ambiguous"), "{err}");
    let candidates = ids.iter().filter(|o| o[3..].starts_with(shared));
    for c in candidates.take(10) {
        assert!(err.contains(c.as_str()), "{err} lacks {c}");
    }
    let err = env.fails(&["show", "DK-ZZZZZZZZ"], 2);
    assert!(err.contains("no case matches"), "{err}");
}

#[test]
fn list_filters_sorts_and_limits() {
    let mut env = TestEnv::new();
    let a = env.create(
        "Alpha",
        &[
            "--priority",
            "P1",
            "--account",
            "acme",
            "--tag",
            "vip",
            "--type",
            "incident",
        ],
    );
    let b = env.create("Bravo", &["--priority", "P3", "--account", "globex"]);
    let c = env.create("Charlie", &["--priority", "P2", "--account", "acme"]);
    env.ok(&["assign", &b, "bob"]);
    env.ok(&["assign", &c, "alice"]);
    env.now = "2026-11-20T10:00:00Z".into();
    env.ok(&["resolve", &c, "--resolution", "done"]);
    env.ok(&["close", &c]);
    let ids = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["list"];
        all.extend(args);
        env.json(&all)
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        ids(&[]),
        vec![a.clone(), c.clone(), b.clone()],
        "priority order"
    );
    assert_eq!(ids(&["--open"]), vec![a.clone(), b.clone()]);
    assert_eq!(ids(&["--state", "closed"]), vec![c.clone()]);
    assert_eq!(ids(&["--priority", "P1"]), vec![a.clone()]);
    assert_eq!(ids(&["--assignee", "bob"]), vec![b.clone()]);
    assert_eq!(ids(&["--assignee", "none"]), vec![a.clone()]);
    assert_eq!(
        ids(&["--mine"]),
        vec![c.clone()],
        "alice is the Git identity"
    );
    assert_eq!(ids(&["--as", "bob", "--mine"]), vec![b.clone()]);
    assert_eq!(ids(&["--account", "acme"]), vec![a.clone(), c.clone()]);
    assert_eq!(ids(&["--type", "incident"]), vec![a.clone()]);
    assert_eq!(ids(&["--tag", "vip"]), vec![a.clone()]);
    assert_eq!(ids(&["--limit", "1"]), vec![a.clone()]);
    assert_eq!(ids(&["--sort", "updated"])[0], c);
    let list = env.json(&["list"]);
    let first = &list[0];
    for key in [
        "id",
        "title",
        "type",
        "state",
        "priority",
        "account",
        "contact",
        "assignee",
        "team",
        "escalation_level",
        "tags",
        "fields",
        "created_at",
        "updated_at",
    ] {
        assert!(first.get(key).is_some(), "list JSON lacks {key}");
    }
    assert!(first.get("timeline").is_none());
    let err = env.fails(&["list", "--state", "done"], 2);
    assert!(err.contains("awaiting-info"), "{err}");
}

#[test]
fn list_table_fits_the_width_and_tsv_is_one_record_per_line() {
    let env = TestEnv::new();
    let long =
        "A very long title that goes on and on about a printer that will not print anything at all";
    let id = env.create(long, &[]);
    let out = env.docket(&["list"]).env("COLUMNS", "80").output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    for line in text.lines() {
        assert!(line.chars().count() <= 80, "too wide: {line:?}");
    }
    assert!(text.contains('…'), "{text}");
    // Piped without COLUMNS: titles whole.
    let text = env.ok(&["list"]);
    assert!(text.contains(long));
    let tsv = env.ok(&["list", "--format", "tsv"]);
    let fields: Vec<&str> = tsv.trim_end().split('\t').collect();
    assert_eq!(fields[0], id);
    assert_eq!(*fields.last().unwrap(), long);
}

#[test]
fn assign_opens_a_new_case_and_sets_the_team_and_unassign_clears() {
    let env = TestEnv::new();
    let id = env.create("Assign me", &[]);
    env.ok(&["assign", &id, "bob"]);
    let case = env.show(&id);
    assert_eq!(case["assignee"], "bob");
    assert_eq!(case["team"], "billing");
    assert_eq!(case["state"], "open");
    let err = env.fails(&["assign", &id, "nobody"], 2);
    assert!(err.contains("alice, bob, chen"), "{err}");
    env.ok(&["assign", &id, "--unassign"]);
    let case = env.show(&id);
    assert_eq!(case["assignee"], Value::Null);
    assert_eq!(last_event(&case)["kind"], "assigned");
    assert_eq!(last_event(&case)["from"], "bob");
}

#[test]
fn comment_from_message_file_and_stdin_with_channel_visibility_and_author() {
    let env = TestEnv::new();
    let id = env.create("Talk", &["--contact", "Jane Doe"]);
    env.ok(&["comment", &id, "-m", "Hello Jane", "--channel", "chat"]);
    let case = env.show(&id);
    let e = last_event(&case);
    assert_eq!(
        (
            &e["kind"],
            &e["body"],
            &e["channel"],
            &e["visibility"],
            &e["actor"],
            &e["actor_kind"]
        ),
        (
            &"comment".into(),
            &"Hello Jane".into(),
            &"chat".into(),
            &"public".into(),
            &"alice".into(),
            &"agent".into()
        )
    );
    let note = env.dir.join("note.txt");
    std::fs::write(&note, "internal findings\n").unwrap();
    env.ok(&[
        "comment",
        &id,
        "--file",
        note.to_str().unwrap(),
        "--internal",
    ]);
    std::fs::remove_file(&note).unwrap();
    let e = last_event(&env.show(&id)).clone();
    assert_eq!(e["visibility"], "internal");
    assert_eq!(e["body"], "internal findings\n");
    env.docket(&["comment", &id, "--from", "customer", "-"])
        .write_stdin("Thanks!")
        .assert()
        .success();
    let e = last_event(&env.show(&id)).clone();
    assert_eq!(
        (e["actor"].as_str(), e["actor_kind"].as_str()),
        (Some("Jane Doe"), Some("customer"))
    );
    env.ok(&["comment", &id, "--from", "Mr Smith", "-m", "I am her boss"]);
    assert_eq!(last_event(&env.show(&id))["actor"], "Mr Smith");
    env.ok(&["--as", "chen", "comment", &id, "Engineering here"]);
    assert_eq!(last_event(&env.show(&id))["actor"], "chen");
    let err = env.fails(&["comment", &id], 2);
    assert!(err.contains("-m TEXT"), "{err}");
    let err = env.fails(&["comment", &id, "-m", "x", "--channel", "pigeon"], 2);
    assert!(err.contains("pigeon"), "{err}");
    let err = env.fails(&["--as", "zed", "comment", &id, "-m", "x"], 2);
    assert!(err.contains("zed"), "{err}");
}

#[test]
fn escalate_raises_the_level_with_a_reason_and_optional_team() {
    let env = TestEnv::new();
    let id = env.create("Hot", &[]);
    env.ok(&["escalate", &id, "--reason", "Customer threatens to leave"]);
    env.ok(&[
        "escalate",
        &id,
        "--reason",
        "Needs engineering",
        "--team",
        "engineering",
    ]);
    let case = env.show(&id);
    assert_eq!(case["escalation_level"], 2);
    assert_eq!(case["team"], "engineering");
    let e = last_event(&case);
    assert_eq!(
        (e["kind"].as_str(), e["level"].as_u64()),
        (Some("escalated"), Some(2))
    );
    assert_eq!(e["reason"], "Needs engineering");
    // engineering is the top of the support path: nowhere further without --to.
    let err = env.fails(&["escalate", &id, "--reason", "Top"], 2);
    assert!(err.contains("top of its escalation path"), "{err}");
    env.ok(&["escalate", &id, "--reason", "Top", "--to", "fraud"]);
    let err = env.fails(
        &["escalate", &id, "--reason", "Beyond", "--to", "billing"],
        2,
    );
    assert!(err.contains("highest escalation level"), "{err}");
}

#[test]
fn set_changes_validated_fields_and_records_each_change() {
    let env = TestEnv::new();
    let id = env.create("Set me", &["--tag", "a"]);
    env.ok(&[
        "set",
        &id,
        "priority=P1",
        "type=incident",
        "title=New title",
        "tags+=b",
        "product=cards",
        "order_id=X-1",
    ]);
    let case = env.show(&id);
    assert_eq!(case["priority"], "P1");
    assert_eq!(case["type"], "incident");
    assert_eq!(case["title"], "New title");
    assert_eq!(case["tags"], serde_json::json!(["a", "b"]));
    assert_eq!(case["fields"]["product"], "cards");
    let sets: Vec<&Value> = events(&case)
        .iter()
        .filter(|e| e["kind"] == "set")
        .collect();
    assert_eq!(sets.len(), 6);
    assert_eq!(sets[0]["field"], "priority");
    assert_eq!(
        (sets[0]["from"].as_str(), sets[0]["to"].as_str()),
        (Some("P3"), Some("P1"))
    );
    env.ok(&["set", &id, "tags-=a", "order_id="]);
    let case = env.show(&id);
    assert_eq!(case["tags"], serde_json::json!(["b"]));
    assert!(case["fields"].get("order_id").is_none());
    for (arg, needle) in [
        ("priority=P7", "P1, P2"),
        ("product=boats", "cards, accounts"),
        ("colour=red", "colour"),
        ("state=closed", "lifecycle"),
        ("nonsense", "KEY=VALUE"),
    ] {
        let err = env.fails(&["set", &id, arg], 2);
        assert!(err.contains(needle), "{arg}: {err}");
    }
    // Issue 12 #10: asking for what is already so is not an error.
    let before = env.commit_count();
    let out = env.docket(&["set", &id, "priority=P1"]).output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing to change"));
    assert_eq!(env.commit_count(), before, "nothing written");
}

/// Issue 12 #10: one vocabulary — states by id, display name or beginning (with a
/// did-you-mean), `--team`, unknown agents refused, `--casebook DIR` that is no casebook
/// named as such, a missing guide named with the guides there are.
#[test]
fn regression_issue_12_one_vocabulary_everywhere() {
    let env = TestEnv::new();
    let id = env.create("Waiting", &[]);
    env.ok(&["comment", &id, "-m", "hello"]);
    env.ok(&["wait", &id, "-r", "asked"]);
    for state in ["awaiting-info", "awaiting", "AWAITING-INFO"] {
        let out = env.ok(&["list", "--state", state, "--format", "tsv"]);
        assert!(out.contains(&id), "{state}: {out}");
    }
    let err = env.fails(&["list", "--state", "opne"], 2);
    assert!(err.contains("did you mean open?"), "{err}");
    env.ok(&["assign", &id, "alice"]);
    assert!(
        env.ok(&["list", "--team", "support", "--format", "tsv"])
            .contains(&id)
    );
    assert!(
        !env.ok(&["list", "--team", "billing", "--format", "tsv"])
            .contains(&id)
    );
    let err = env.fails(&["list", "--assignee", "dave"], 2);
    assert!(err.contains("unknown agent \"dave\""), "{err}");
    let sub = env.dir.join("cases");
    let err = env.fails(&["list", "--casebook", sub.to_str().unwrap()], 2);
    assert!(err.contains("has no docket.toml"), "{err}");
    let err = env.fails(&["guide", "run", &id, "nosuch"], 2);
    assert!(
        err.contains("no guide nosuch") && err.contains("lost-card"),
        "{err}"
    );
}

#[test]
fn the_whole_lifecycle_from_new_to_closed() {
    let env = TestEnv::new();
    let id = env.create("Lifecycle", &["--contact", "Jane"]);
    assert_eq!(env.show(&id)["state"], "new");
    env.ok(&["comment", &id, "-m", "Looking into it"]);
    assert_eq!(env.show(&id)["state"], "open", "first agent action opens");
    env.ok(&["wait", &id, "--reason", "Need a screenshot"]);
    assert_eq!(env.show(&id)["state"], "awaiting-info");
    env.ok(&["comment", &id, "--internal", "-m", "still waiting"]);
    assert_eq!(
        env.show(&id)["state"],
        "awaiting-info",
        "a work note does not end the wait"
    );
    env.ok(&["comment", &id, "--from", "customer", "-m", "Here it is"]);
    assert_eq!(
        env.show(&id)["state"],
        "open",
        "the customer's reply ends the wait"
    );
    env.ok(&["wait", &id, "--reason", "Need more"]);
    env.ok(&["reopen", &id]);
    assert_eq!(env.show(&id)["state"], "open");
    env.ok(&["resolve", &id, "--resolution", "Restarted the service"]);
    let case = env.show(&id);
    assert_eq!(
        (case["state"].as_str(), case["resolution"].as_str()),
        (Some("resolved"), Some("Restarted the service"))
    );
    env.ok(&["reject", &id, "--reason", "Still broken"]);
    let case = env.show(&id);
    assert_eq!(case["state"], "open");
    assert_eq!(last_event(&case)["reason"], "Still broken");
    env.ok(&["resolve", &id, "--resolution", "Replaced the part"]);
    env.ok(&["accept", &id, "--csat", "5"]);
    let case = env.show(&id);
    assert_eq!(
        (case["state"].as_str(), case["csat"].as_u64()),
        (Some("closed"), Some(5))
    );
    env.ok(&["reopen", &id, "--reason", "Came back"]);
    env.ok(&["resolve", &id, "--resolution", "Again"]);
    env.ok(&["close", &id, "--csat", "3"]);
    assert_eq!(env.show(&id)["csat"], 3);
    let other = env.create("Cancel me", &[]);
    env.ok(&["cancel", &other, "--reason", "duplicate"]);
    assert_eq!(env.show(&other)["state"], "cancelled");
    let states: Vec<String> = events(&env.show(&id))
        .iter()
        .filter(|e| e["kind"] == "state")
        .map(|e| {
            format!(
                "{}>{}",
                e["from"].as_str().unwrap(),
                e["to"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(states[0], "new>open");
    assert!(states.contains(&"resolved>closed".to_string()));
}

#[test]
fn illegal_transitions_are_refused_naming_the_allowed_ones() {
    let env = TestEnv::new();
    let id = env.create("Strict", &[]);
    let before = env.commit_count();
    let err = env.fails(&["accept", &id], 2);
    assert!(
        err.contains("cannot accept") && err.contains("new"),
        "{err}"
    );
    assert!(err.contains("wait, resolve, cancel"), "{err}");
    env.ok(&["cancel", &id]);
    let err = env.fails(&["resolve", &id, "--resolution", "x"], 2);
    assert!(err.contains("reopen"), "{err}");
    let err = env.fails(&["close", &id, "--csat", "9"], 2);
    assert!(err.contains("csat") || err.contains("9"), "{err}");
    assert_eq!(env.commit_count(), before + 1, "refusals write nothing");
}

#[test]
fn autoclose_closes_silent_resolved_cases_after_the_window() {
    let mut env = TestEnv::new();
    let quiet = env.create("Quiet customer", &[]);
    let chatty = env.create("Chatty customer", &[]);
    let fresh = env.create("Fresh", &[]);
    env.ok(&["resolve", &quiet, "--resolution", "fixed"]);
    env.ok(&["resolve", &chatty, "--resolution", "fixed"]);
    env.now = "2026-11-22T09:00:00Z".into();
    env.ok(&["comment", &chatty, "--from", "customer", "-m", "not fixed!"]);
    env.ok(&["resolve", &fresh, "--resolution", "fixed"]);
    env.now = "2026-11-27T10:00:00Z".into();
    let dry = env.ok(&["autoclose", "--dry-run"]);
    assert!(
        dry.contains(&quiet) && !dry.contains(&chatty) && !dry.contains(&fresh),
        "{dry}"
    );
    assert_eq!(
        env.show(&quiet)["state"],
        "resolved",
        "dry run writes nothing"
    );
    let before = env.commit_count();
    env.ok(&["autoclose"]);
    let case = env.show(&quiet);
    assert_eq!(case["state"], "closed");
    assert_eq!(
        case["timeline"].as_array().unwrap().last().unwrap()["actor_kind"],
        "system"
    );
    // The customer's reply reopened it (issue 12 #4): not closed behind their back.
    assert_eq!(env.show(&chatty)["state"], "open");
    assert_eq!(env.show(&fresh)["state"], "resolved");
    assert_eq!(env.commit_count(), before + 1);
    assert!(
        env.git(&["log", "-1", "--format=%s"])
            .starts_with(&format!("autoclose {quiet}"))
    );
}

#[test]
fn log_shows_one_entry_per_commit_with_field_changes_newest_first() {
    let mut env = TestEnv::new();
    let id = env.create("Logged", &[]);
    env.now = "2026-11-20T10:00:00Z".into();
    env.ok(&["assign", &id, "bob"]);
    env.now = "2026-11-20T11:00:00Z".into();
    env.ok(&["set", &id, "priority=P1"]);
    let log = env.json(&["log", &id]);
    let entries = log.as_array().unwrap();
    assert_eq!(entries.len(), 3);
    assert_eq!(entries[0]["action"], "set");
    assert_eq!(entries[0]["at"], "2026-11-20T11:00:00Z");
    assert_eq!(entries[0]["author"], "Alice Martin <alice@example.com>");
    assert_eq!(entries[0]["commit"].as_str().unwrap().len(), 40);
    let changes = entries[0]["changes"].as_array().unwrap();
    assert!(
        changes
            .iter()
            .any(|c| c["field"] == "priority" && c["from"] == "P3" && c["to"] == "P1"),
        "{changes:?}"
    );
    assert_eq!(entries[1]["action"], "assign");
    assert!(
        entries[1]["changes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["field"] == "assignee" && c["to"] == "bob")
    );
    assert_eq!(entries[2]["action"], "create");
    let tsv = env.ok(&["log", &id, "--format", "tsv"]);
    let first: Vec<&str> = tsv.lines().next().unwrap().split('\t').collect();
    assert_eq!(first.len(), 5);
    assert_eq!(first[0], entries[0]["commit"].as_str().unwrap());
    assert_eq!(first[3], "set");
    let text = env.ok(&["log", &id]);
    assert!(
        text.find("priority: P3 → P1").unwrap() < text.find("assignee").unwrap(),
        "{text}"
    );
}

#[test]
fn show_json_has_the_documented_names() {
    let env = TestEnv::new();
    let id = env.create("Contract", &["--body", "hi"]);
    env.ok(&["comment", &id, "-m", "answer"]);
    let case = env.show(&id);
    for key in [
        "id",
        "title",
        "type",
        "state",
        "priority",
        "account",
        "contact",
        "assignee",
        "team",
        "escalation_level",
        "tags",
        "fields",
        "created_at",
        "updated_at",
        "timeline",
    ] {
        assert!(case.get(key).is_some(), "show JSON lacks {key}");
    }
    let comment = last_event(&case);
    for key in ["id", "at", "actor", "kind", "body", "channel", "visibility"] {
        assert!(comment.get(key).is_some(), "comment event lacks {key}");
    }
    let ids: std::collections::HashSet<&str> = events(&case)
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), events(&case).len(), "event ids are unique");
}

/// Issue 12 #4: a customer's message on a resolved or closed case reopens it, recorded,
/// and docket says so on stderr (even with --quiet).
#[test]
fn regression_issue_12_a_customer_reply_reopens_a_resolved_or_closed_case() {
    let env = TestEnv::new();
    for end in ["resolve", "close"] {
        let id = env.create("Came back", &[]);
        env.ok(&["comment", &id, "-m", "answer"]);
        env.ok(&["resolve", &id, "-r", "answered"]);
        if end == "close" {
            env.ok(&["close", &id]);
        }
        let out = env
            .docket(&[
                "comment",
                &id,
                "--from",
                "customer",
                "-m",
                "still broken",
                "-q",
            ])
            .output()
            .unwrap();
        assert!(out.status.success());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("reopened"), "{end}: {stderr}");
        let v = env.show(&id);
        assert_eq!(v["state"], "open", "{end}");
        let last = v["timeline"].as_array().unwrap().last().unwrap().clone();
        assert_eq!(last["kind"], "state");
        assert!(
            last["reason"].as_str().unwrap().contains("customer wrote"),
            "{last}"
        );
    }
    // An agent's comment on a resolved case does not reopen it.
    let id = env.create("Agent note", &[]);
    env.ok(&["comment", &id, "-m", "answer"]);
    env.ok(&["resolve", &id, "-r", "answered"]);
    env.ok(&["comment", &id, "-m", "follow-up from us"]);
    assert_eq!(env.show(&id)["state"], "resolved");
}

/// Issue 12 #9: `--as` keeps the real author and records the acting agent in a trailer.
#[test]
fn regression_issue_12_as_leaves_a_docket_actor_trailer() {
    let env = TestEnv::new();
    let id = env.create("Covered", &[]);
    env.ok(&["--as", "bob", "comment", &id, "-m", "covering for bob"]);
    let commit = env.git(&["log", "-1", "--format=%an%n%B"]);
    assert!(
        commit.starts_with("Alice Martin\n"),
        "the real author stays: {commit}"
    );
    assert!(commit.contains("Docket-Actor: bob"), "{commit}");
    env.ok(&["comment", &id, "-m", "as myself"]);
    assert!(
        !env.git(&["log", "-1", "--format=%B"])
            .contains("Docket-Actor")
    );
}

/// Issue 12 #14: `cd "$(docket demo -q)"` works.
#[test]
fn regression_issue_12_demo_quiet_prints_only_the_folder() {
    let env = TestEnv::bare();
    let dir = env.tmp.path().join("demo");
    let out = env.ok(&["demo", dir.to_str().unwrap(), "-q"]);
    assert_eq!(out.trim(), dir.canonicalize().unwrap().to_str().unwrap());
    assert_eq!(out.lines().count(), 1);
}

/// Issue 12 #8: who am I — `whoami`, a warning when the identity is no agent, and `me`
/// that is an agent or an error (never free text).
#[test]
fn regression_issue_12_whoami_and_me() {
    let mut env = TestEnv::new();
    let id = env.create("Mine", &[]);
    assert!(env.ok(&["whoami"]).starts_with(
        "alice (your Git identity Alice Martin <alice@example.com> matched by email)"
    ));
    let v = env.json(&["whoami"]);
    assert_eq!(v["agent"], "alice");
    assert_eq!(v["matched_by"], "email");
    env.identity = Some(("Dave Jones".into(), "dave.jones@example.com".into()));
    let text = env.ok(&["whoami"]);
    assert!(
        text.contains("no agent") && text.contains("[agents.dave-jones]"),
        "{text}"
    );
    assert_eq!(env.json(&["whoami"])["agent"], serde_json::Value::Null);
    let err = env.fails(&["assign", &id, "me"], 2);
    assert!(
        err.contains("\"me\" is no agent") && err.contains("whoami"),
        "{err}"
    );
    let err = env.fails(&["list", "--mine"], 2);
    assert!(err.contains("no agent"), "{err}");
    let out = env
        .docket(&["comment", &id, "-m", "as an outsider"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr.matches("is no agent in agents.toml").count(),
        1,
        "{stderr}"
    );
    assert!(env.ok(&["--as", "bob", "whoami"]).starts_with("bob (--as"));
}

/// Issue 12 #8: `docket init --me` makes you the first agent instead of the sample cast.
#[test]
fn regression_issue_12_init_me_makes_you_the_first_agent() {
    let env = TestEnv::bare();
    env.ok(&["init", env.dir.to_str().unwrap(), "--me"]);
    let agents = std::fs::read_to_string(env.dir.join("agents.toml")).unwrap();
    assert!(
        agents.contains("[agents.alice]") && agents.contains("alice@example.com"),
        "{agents}"
    );
    assert!(
        !agents.contains("[agents.bob]"),
        "no sample people: {agents}"
    );
    assert!(env.ok(&["whoami"]).starts_with("alice"));
    let id = env.create("Mine", &[]);
    env.ok(&["assign", &id, "me"]);
    assert_eq!(env.show(&id)["assignee"], "alice");
}

/// A fixed DOCKET_RANDOM_SEED for every command (exported once in a shell) must not make
/// two events of a case share an id.
#[test]
fn a_repeated_random_seed_never_repeats_an_event_id() {
    let env = TestEnv::new();
    let id = env.create("Seeded", &[]);
    for text in ["one", "two", "three"] {
        let out = env
            .docket(&["comment", &id, "-m", text])
            .env("DOCKET_RANDOM_SEED", "7")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let v = env.show(&id);
    let ids: std::collections::BTreeSet<String> = v["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), v["timeline"].as_array().unwrap().len());
}

/// Issue 12 #12: in a shallow clone `docket log` says where the history is cut instead of
/// crediting everything to the boundary commit.
#[test]
fn regression_issue_12_log_in_a_shallow_clone_says_where_history_is_cut() {
    let env = TestEnv::new();
    let id = env.create("Long story", &[]);
    for i in 0..3 {
        env.ok(&["comment", &id, "-m", &format!("word {i}")]);
    }
    let shallow = env.tmp.path().join("shallow");
    let url = format!("file://{}", env.dir.display());
    env.git_in(
        env.tmp.path(),
        &[
            "clone",
            "-q",
            "--depth",
            "2",
            &url,
            shallow.to_str().unwrap(),
        ],
    );
    let out = env
        .std_docket(&["log", &id])
        .current_dir(&shallow)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("the history is cut here"), "{text}");
    assert!(
        !text.contains("create "),
        "the create commit is not in this clone: {text}"
    );
    let json = env
        .std_docket(&["log", &id, "--format", "json"])
        .current_dir(&shallow)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let last = v.as_array().unwrap().last().unwrap();
    assert_eq!(last["shallow_boundary"], true);
}

/// Issue 12 #12: a hand edit committed along with a docket change is named in the commit
/// and recorded as `set` events.
#[test]
fn regression_issue_12_a_hand_edit_is_named_and_recorded() {
    let env = TestEnv::new();
    let id = env.create("Edited by hand", &["--priority", "P3"]);
    let path = env.case_path(&id);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replacen("priority = \"P3\"", "priority = \"P1\"", 1),
    )
    .unwrap();
    let out = env
        .docket(&["comment", &id, "-m", "after the edit"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("uncommitted edits (priority)"));
    let msg = env.git(&["log", "-1", "--format=%B"]);
    assert!(msg.contains("Docket-Hand-Edit: priority"), "{msg}");
    let v = env.show(&id);
    assert_eq!(v["priority"], "P1");
    let set = v["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "set" && e["field"] == "priority")
        .expect("a set event for the hand edit")
        .clone();
    assert_eq!(
        (set["from"].as_str(), set["to"].as_str()),
        (Some("P3"), Some("P1"))
    );
    assert!(set["reason"].as_str().unwrap().contains("by hand"));
    assert_eq!(env.status(), "");
}

/// Issue 12 #4: with `closed_reply = "follow-up"`, a customer's message on a closed case
/// opens a linked follow-up case and leaves the closed one as it was.
#[test]
fn regression_issue_12_closed_reply_follow_up_opens_a_linked_case() {
    let env = TestEnv::new();
    let path = env.dir.join("docket.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let follow = text.replacen(
        "closed_reply = \"reopen\"",
        "closed_reply = \"follow-up\"",
        1,
    );
    assert_ne!(follow, text);
    std::fs::write(&path, follow).unwrap();
    let id = env.create("Old trouble", &["--account", "acme"]);
    env.ok(&["comment", &id, "-m", "answer"]);
    env.ok(&["resolve", &id, "-r", "answered"]);
    env.ok(&["close", &id]);
    let v = env.json(&["comment", &id, "--from", "customer", "-m", "it is back"]);
    let new_id = v["id"].as_str().unwrap().to_string();
    assert_ne!(new_id, id);
    assert_eq!(v["parent"], id.as_str());
    assert_eq!(v["title"], "Follow-up: Old trouble");
    assert_eq!(v["account"], "acme");
    assert_eq!(v["timeline"][0]["body"], "it is back");
    assert_eq!(env.show(&id)["state"], "closed");
    std::fs::write(
        &path,
        text.replacen("closed_reply = \"reopen\"", "closed_reply = \"maybe\"", 1),
    )
    .unwrap();
    let err = env.fails(&["list"], 2);
    assert!(err.contains("closed_reply"), "{err}");
}
