//! init, discovery and demo.

use crate::util::TestEnv;

#[test]
fn init_makes_a_git_repository_with_settings_and_one_commit() {
    let env = TestEnv::new();
    assert!(env.dir.join(".git").is_dir());
    let toml = std::fs::read_to_string(env.dir.join("docket.toml")).unwrap();
    assert!(
        toml.contains("id_prefix = \"DK\"") && toml.contains("# "),
        "{toml}"
    );
    for key in [
        "types",
        "priorities",
        "channels",
        "autoclose_after",
        "[states]",
    ] {
        assert!(toml.contains(key), "docket.toml lacks {key}");
    }
    let agents = std::fs::read_to_string(env.dir.join("agents.toml")).unwrap();
    assert!(agents.contains("[agents.alice]") && agents.contains("[teams.support]"));
    assert_eq!(env.commit_count(), 1);
    assert_eq!(env.status(), "");
    let files = env.git(&["show", "--name-only", "--format=%s", "HEAD"]);
    assert!(
        files.contains("docket.toml") && files.contains("agents.toml"),
        "{files}"
    );
}

#[test]
fn init_twice_is_harmless_and_says_so() {
    let env = TestEnv::new();
    let out = env.docket(&["init", "."]).output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("already a casebook"));
    assert_eq!(env.commit_count(), 1);
}

#[test]
fn init_works_in_a_subfolder_of_an_existing_repository() {
    let env = TestEnv::bare();
    std::fs::create_dir_all(&env.dir).unwrap();
    env.git(&["init", "-q"]);
    std::fs::write(env.dir.join("README"), "project\n").unwrap();
    env.git(&["add", "README"]);
    env.git(&["commit", "-qm", "start"]);
    let sub = env.dir.join("support/cases-book");
    env.ok(&["init", sub.to_str().unwrap()]);
    assert!(!sub.join(".git").exists(), "no nested repository");
    let id = env.ok(&[
        "--casebook",
        sub.to_str().unwrap(),
        "create",
        "--title",
        "Sub",
        "-q",
    ]);
    let id = id.trim();
    let tracked = env.git(&["ls-files"]);
    assert!(
        tracked.contains(&format!("support/cases-book/cases/{}/{id}.toml", &id[3..5])),
        "{tracked}"
    );
    assert_eq!(env.status(), "");
}

#[test]
fn casebook_is_found_from_a_subfolder_from_docket_dir_and_from_the_flag() {
    let env = TestEnv::new();
    let id = env.create("Find me", &[]);
    let deep = env.dir.join("cases");
    let out = env
        .docket(&["show", &id])
        .current_dir(&deep)
        .output()
        .unwrap();
    assert!(out.status.success());
    let elsewhere = env.tmp.path();
    let out = env
        .docket(&["show", &id])
        .current_dir(elsewhere)
        .env("DOCKET_DIR", &env.dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = env
        .docket(&["--casebook", env.dir.to_str().unwrap(), "show", &id])
        .current_dir(elsewhere)
        .output()
        .unwrap();
    assert!(out.status.success());
}

#[test]
fn outside_a_casebook_the_error_says_how_to_make_one() {
    let env = TestEnv::bare();
    let err = env.fails(&["list"], 2);
    assert!(err.contains("not in a casebook"), "{err}");
    assert!(err.contains("docket init"), "{err}");
    assert_eq!(err.lines().next().unwrap().matches("error:").count(), 1);
}

#[test]
fn demo_builds_a_casebook_with_a_dozen_cases_over_several_days() {
    let env = TestEnv::bare();
    let dir = env.tmp.path().join("demo");
    let out = env.ok(&["demo", dir.to_str().unwrap()]);
    assert!(out.contains("DK-") && out.contains("TITLE"), "{out}");
    let list = env.json(&["--casebook", dir.to_str().unwrap(), "list"]);
    let cases = list.as_array().unwrap();
    assert!(cases.len() >= 12, "{} cases", cases.len());
    let states: std::collections::HashSet<&str> =
        cases.iter().map(|c| c["state"].as_str().unwrap()).collect();
    for s in [
        "new",
        "open",
        "awaiting-info",
        "resolved",
        "closed",
        "cancelled",
    ] {
        assert!(states.contains(s), "no {s} case in the demo");
    }
    let channels: std::collections::HashSet<String> = cases
        .iter()
        .map(|c| {
            let id = c["id"].as_str().unwrap();
            let show = env.json(&["--casebook", dir.to_str().unwrap(), "show", id]);
            show["timeline"][0]["channel"].as_str().unwrap().to_string()
        })
        .collect();
    assert!(channels.len() >= 4, "{channels:?}");
    // A guide has been run, and the sample guides are there to try.
    let guided = cases.iter().any(|c| {
        let show = env.json(&[
            "--casebook",
            dir.to_str().unwrap(),
            "show",
            c["id"].as_str().unwrap(),
        ]);
        show["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "guide")
    });
    assert!(guided, "no guide run in the demo");
    let guides = env.json(&["--casebook", dir.to_str().unwrap(), "guide", "list"]);
    assert_eq!(guides.as_array().unwrap().len(), 3);
    // SLA clocks to look at.
    let clocks = env.json(&["--casebook", dir.to_str().unwrap(), "sla"]);
    assert!(!clocks.as_array().unwrap().is_empty());
    // History spread over days, authored by the agents.
    let dates = env.git_in(&dir, &["log", "--format=%ad", "--date=short"]);
    let days: std::collections::HashSet<&str> = dates.lines().collect();
    assert!(days.len() >= 4, "{days:?}");
    let authors = env.git_in(&dir, &["log", "--format=%an"]);
    assert!(authors.contains("Alice Martin") && authors.contains("Bob Okafor"));
    assert_eq!(env.git_in(&dir, &["status", "--porcelain"]), "");
}

#[test]
fn demo_without_a_folder_makes_a_temporary_one_and_prints_it() {
    let env = TestEnv::bare();
    let out = env.docket(&["demo", "--quiet"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    let first = text.lines().next().unwrap();
    let dir = first
        .split_whitespace()
        .find(|w| w.contains("docket-demo-"))
        .expect("the folder is printed on stdout, even with --quiet");
    assert!(std::path::Path::new(dir).join("docket.toml").is_file());
    std::fs::remove_dir_all(dir).unwrap();
}
