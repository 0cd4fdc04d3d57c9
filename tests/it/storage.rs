//! Commit discipline, concurrency, bad files, hand edits, identity, DOCKET_NOW.

use std::process::Stdio;

use crate::util::TestEnv;

#[test]
fn every_action_is_one_commit_with_author_trailers_and_a_clean_status() {
    let env = TestEnv::new();
    let id = env.create("Discipline", &[]);
    let steps: Vec<Vec<&str>> = vec![
        vec!["assign", &id, "alice"],
        vec!["comment", &id, "-m", "hello"],
        vec!["escalate", &id, "--reason", "urgent"],
        vec!["set", &id, "priority=P1"],
        vec!["wait", &id, "--reason", "logs"],
        vec!["reopen", &id],
        vec!["resolve", &id, "--resolution", "done"],
        vec!["reject", &id, "--reason", "no"],
        vec!["resolve", &id, "--resolution", "done now"],
        vec!["accept", &id],
    ];
    let path = format!("cases/{}/{id}.toml", &id[3..5]);
    for step in steps {
        let before = env.commit_count();
        env.ok(&step);
        assert_eq!(env.commit_count(), before + 1, "{step:?} makes one commit");
        assert_eq!(env.status(), "", "{step:?} leaves git status clean");
        let action = step[0];
        let msg = env.git(&["log", "-1", "--format=%B"]);
        assert!(msg.starts_with(&format!("{action} {id}: ")), "{msg}");
        assert!(msg.contains(&format!("Docket-Case: {id}")), "{msg}");
        assert!(msg.contains(&format!("Docket-Action: {action}")), "{msg}");
        let author = env.git(&["log", "-1", "--format=%an <%ae>"]);
        assert_eq!(author.trim(), "Alice Martin <alice@example.com>");
        let files = env.git(&["show", "--name-only", "--format=", "HEAD"]);
        assert_eq!(files.trim(), path, "{step:?} touches only the case file");
    }
    let trailers = env.git(&[
        "log",
        "-1",
        "--format=%(trailers:key=Docket-Case,valueonly)",
    ]);
    assert_eq!(trailers.trim(), id);
}

#[test]
fn a_comment_adds_a_few_lines_to_the_diff() {
    let env = TestEnv::new();
    let id = env.create("Diff", &["--body", "first"]);
    env.ok(&["assign", &id, "alice"]);
    env.ok(&["comment", &id, "-m", "line one\nline two"]);
    let diff = env.git(&["diff", "HEAD~1", "--numstat"]);
    let (added, removed) = diff
        .split_whitespace()
        .take(2)
        .map(|n| n.parse::<usize>().unwrap())
        .fold((0, 0), |(a, _), n| if a == 0 { (n, 0) } else { (a, n) });
    assert!(added <= 14, "{diff}");
    assert!(removed <= 1, "only updated_at changes: {diff}");
}

#[test]
fn the_users_staged_and_unstaged_changes_survive_untouched() {
    let env = TestEnv::new();
    let id = env.create("Bystander", &[]);
    std::fs::write(env.dir.join("notes.md"), "draft\n").unwrap();
    env.git(&["add", "notes.md"]);
    std::fs::write(env.dir.join("notes.md"), "draft, edited\n").unwrap();
    std::fs::write(env.dir.join("docket.toml"), {
        let mut t = std::fs::read_to_string(env.dir.join("docket.toml")).unwrap();
        t.push_str("# my unsaved thought\n");
        t
    })
    .unwrap();
    std::fs::write(env.dir.join("scratch.txt"), "untracked\n").unwrap();
    let before = env.status();
    env.ok(&["comment", &id, "-m", "unrelated"]);
    assert_eq!(env.status(), before, "git status is exactly as before");
    let files = env.git(&["show", "--name-only", "--format=", "HEAD"]);
    assert!(
        !files.contains("notes.md") && !files.contains("docket.toml"),
        "{files}"
    );
    assert_eq!(
        env.git(&["show", ":notes.md"]),
        "draft\n",
        "the staged version stays staged"
    );
    assert_eq!(
        std::fs::read_to_string(env.dir.join("notes.md")).unwrap(),
        "draft, edited\n"
    );
}

#[test]
fn eight_concurrent_comments_on_one_case_all_land() {
    let env = TestEnv::new();
    let id = env.create("Busy", &[]);
    let before = env.commit_count();
    let children: Vec<_> = (0..8)
        .map(|i| {
            let mut cmd = env.std_docket(&["comment", &id, "-m", &format!("writer {i}")]);
            cmd.stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(env.commit_count(), before + 8);
    let case = env.show(&id);
    let bodies: Vec<&str> = case["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["body"].as_str())
        .collect();
    for i in 0..8 {
        assert!(
            bodies.contains(&format!("writer {i}").as_str()),
            "writer {i} lost"
        );
    }
    assert_eq!(env.status(), "");
    env.git(&["fsck", "--no-dangling"]);
}

#[test]
fn a_corrupt_case_file_is_named_while_list_still_shows_the_rest() {
    let env = TestEnv::new();
    let good = env.create("Good case", &[]);
    let bad = env.create("Bad case", &[]);
    let path = env.case_path(&bad);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("state = \"new\"", "state = new")).unwrap();
    let err = env.fails(&["show", &bad], 2);
    assert!(err.contains(&format!("{bad}.toml")), "{err}");
    assert!(err.contains("line 4"), "{err}");
    let out = env.docket(&["list"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains(&good) && !stdout.contains(&bad), "{stdout}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("{bad}.toml")) && stderr.contains("line 4"),
        "{stderr}"
    );
    // A schema violation (valid TOML, unknown state) is named too.
    std::fs::write(&path, text.replace("state = \"new\"", "state = \"limbo\"")).unwrap();
    let err = env.fails(&["show", &bad], 2);
    assert!(err.contains("limbo") && err.contains("line 4"), "{err}");
    let before = env.commit_count();
    env.fails(&["comment", &bad, "-m", "x"], 2);
    assert_eq!(env.commit_count(), before);
}

#[test]
fn a_hand_added_comment_and_unknown_key_survive_a_comment() {
    let env = TestEnv::new();
    let id = env.create("Hand edited", &[]);
    let path = env.case_path(&id);
    let text = std::fs::read_to_string(&path).unwrap();
    let edited = text.replace(
        "priority = \"P3\"\n",
        "# Agreed P3 with the account manager\npriority = \"P3\" # do not raise\nsentiment = \"calm\"\n",
    );
    std::fs::write(&path, &edited).unwrap();
    env.git(&["commit", "-qam", "hand edit"]);
    env.ok(&["comment", &id, "-m", "after the hand edit"]);
    let after = std::fs::read_to_string(&path).unwrap();
    assert!(after.contains("# Agreed P3 with the account manager\npriority = \"P3\" # do not raise\nsentiment = \"calm\"\n"), "{after}");
    assert!(after.contains("after the hand edit"));
    env.ok(&["set", &id, "priority=P2"]);
    let after = std::fs::read_to_string(&path).unwrap();
    assert!(
        after.contains("# Agreed P3 with the account manager\npriority = \"P2\" # do not raise"),
        "{after}"
    );
    assert!(after.contains("sentiment = \"calm\""));
}

#[test]
fn uncommitted_hand_edits_of_the_case_are_kept_too() {
    let env = TestEnv::new();
    let id = env.create("Edited, not committed", &[]);
    let path = env.case_path(&id);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, format!("# note\n{text}")).unwrap();
    env.ok(&["comment", &id, "-m", "x"]);
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .starts_with("# note\n")
    );
    assert_eq!(env.status(), "");
}

#[test]
fn a_missing_git_identity_is_refused_with_nothing_written() {
    let mut env = TestEnv::new();
    let id = env.create("Who?", &[]);
    let before = env.commit_count();
    let text = env.case_text(&id);
    env.identity = None;
    let err = env.fails(&["comment", &id, "-m", "anonymous"], 2);
    assert!(
        err.contains("no Git identity") && err.contains("user.name"),
        "{err}"
    );
    assert_eq!(err.lines().filter(|l| l.starts_with("error:")).count(), 1);
    assert_eq!(env.commit_count(), before);
    assert_eq!(env.case_text(&id), text);
    let err = env.fails(&["create", "--title", "x"], 2);
    assert!(err.contains("no Git identity"), "{err}");
    assert_eq!(env.status(), "");
    // init in a new folder writes nothing either.
    let fresh = env.tmp.path().join("fresh");
    env.fails(&["init", fresh.to_str().unwrap()], 2);
    assert!(!fresh.join(".git").exists() && !fresh.join("docket.toml").exists());
}

#[test]
fn the_identity_comes_from_git_config_when_the_environment_has_none() {
    let mut env = TestEnv::new();
    env.identity = None;
    env.git(&["config", "user.name", "Bob Okafor"]);
    env.git(&["config", "user.email", "bob@example.com"]);
    let id = env.create("Configured", &[]);
    assert_eq!(env.git(&["log", "-1", "--format=%an"]).trim(), "Bob Okafor");
    env.ok(&["comment", &id, "-m", "hi"]);
    let case = env.show(&id);
    assert_eq!(
        case["timeline"].as_array().unwrap().last().unwrap()["actor"],
        "bob"
    );
}

#[test]
fn a_merge_in_progress_is_refused() {
    let env = TestEnv::new();
    let id = env.create("Merging", &[]);
    std::fs::write(
        env.dir.join(".git/MERGE_HEAD"),
        env.git(&["rev-parse", "HEAD"]),
    )
    .unwrap();
    let before = env.commit_count();
    let err = env.fails(&["comment", &id, "-m", "x"], 2);
    assert!(err.contains("merge is in progress"), "{err}");
    assert_eq!(env.commit_count(), before);
}

#[test]
fn docket_now_dates_events_and_commits_and_a_bad_value_is_an_error() {
    let mut env = TestEnv::new();
    env.now = "2025-01-02T03:04:05+01:00".into();
    let id = env.create("Backdated", &[]);
    let case = env.show(&id);
    assert_eq!(case["created_at"], "2025-01-02T02:04:05Z");
    assert_eq!(case["timeline"][0]["at"], "2025-01-02T02:04:05Z");
    let date = env.git(&["log", "-1", "--format=%at"]);
    assert_eq!(date.trim(), "1735783445");
    env.now = "yesterday".into();
    let err = env.fails(&["list"], 2);
    assert!(err.contains("DOCKET_NOW"), "{err}");
}

#[test]
fn the_list_cache_follows_edits_made_behind_its_back() {
    let env = TestEnv::new();
    let id = env.create("Cached", &[]);
    assert_eq!(env.json(&["list"])[0]["title"], "Cached");
    let path = env.case_path(&id);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replace("title = \"Cached\"", "title = \"Edited by hand\""),
    )
    .unwrap();
    assert_eq!(env.json(&["list"])[0]["title"], "Edited by hand");
    std::fs::remove_file(&path).unwrap();
    assert_eq!(env.json(&["list"]).as_array().unwrap().len(), 0);
    // A damaged cache is rebuilt.
    let cache = env.dir.join(".git/docket/summaries.bin");
    std::fs::write(&cache, "garbage").unwrap();
    env.git(&["checkout", "--", "."]);
    assert_eq!(env.json(&["list"])[0]["title"], "Cached");
}

#[test]
fn the_index_stays_consistent_with_head_for_git_itself() {
    let env = TestEnv::new();
    // A plain Git commit writes a full cache-tree (TREE extension) into the index.
    std::fs::write(env.dir.join("notes.md"), "notes\n").unwrap();
    env.git(&["add", "notes.md"]);
    env.git(&["commit", "-qm", "notes"]);
    let mut ids = Vec::new();
    for i in 0..30 {
        ids.push(env.create(&format!("index check {i}"), &[]));
    }
    env.ok(&["comment", &ids[3], "-m", "touch"]);
    let head_tree = env.git(&["rev-parse", "HEAD^{tree}"]);
    assert_eq!(
        env.git(&["write-tree"]),
        head_tree,
        "the index holds exactly HEAD's tree"
    );
    assert_eq!(env.git(&["diff-index", "--cached", "HEAD"]), "");
    assert_eq!(env.status(), "");
    let staged = env.git(&[
        "ls-files",
        "-s",
        &format!("cases/{}/{}.toml", &ids[3][3..5], ids[3]),
    ]);
    let blob = env.git(&[
        "rev-parse",
        &format!("HEAD:cases/{}/{}.toml", &ids[3][3..5], ids[3]),
    ]);
    assert!(staged.contains(blob.trim()), "{staged} vs {blob}");
    // Git can keep working on that index: a plain commit after docket's.
    std::fs::write(env.dir.join("notes.md"), "more notes\n").unwrap();
    env.git(&["commit", "-qam", "more notes"]);
    assert_eq!(env.status(), "");
    env.git(&["fsck", "--no-dangling"]);
    let files = env.git(&["show", "--name-only", "--format=", "HEAD"]);
    assert_eq!(files.trim(), "notes.md");
}

#[test]
fn when_the_branch_cannot_move_the_file_is_restored_and_nothing_is_written() {
    let env = TestEnv::new();
    let id = env.create("Locked branch", &[]);
    let before = env.commit_count();
    let text = env.case_text(&id);
    let branch = env.git(&["symbolic-ref", "--short", "HEAD"]);
    // Another Git process holds the branch's lock.
    let lock = env
        .dir
        .join(format!(".git/refs/heads/{}.lock", branch.trim()));
    std::fs::write(&lock, "").unwrap();
    let err = env.fails(&["comment", &id, "-m", "will not land"], 2);
    assert!(err.contains("nothing was written"), "{err}");
    std::fs::remove_file(&lock).unwrap();
    assert_eq!(env.commit_count(), before);
    assert_eq!(env.case_text(&id), text, "the file is as it was");
    assert_eq!(env.status(), "");
    // A new case is removed again.
    std::fs::write(&lock, "").unwrap();
    env.fails(&["create", "--title", "Never"], 2);
    std::fs::remove_file(&lock).unwrap();
    assert_eq!(env.status(), "", "no stray case file");
    env.ok(&["comment", &id, "-m", "lands now"]);
    assert_eq!(env.commit_count(), before + 1);
}

/// Small case files, trees and commits are written as uncompressed loose objects by
/// docket itself, larger case files through libgit2, compressed: either way `git` reads
/// every object back as the file on disk, and `git fsck --strict` finds nothing wrong.
#[test]
fn every_object_a_write_makes_is_one_git_reads_back() {
    let env = TestEnv::new();
    let id = env.create("Objects of every size", &[]);
    env.ok(&["comment", &id, "-m", "short"]);
    let rel = env.case_rel(&id);
    let small = env.git(&["cat-file", "-p", &format!("HEAD:{rel}")]);
    assert_eq!(small, env.case_text(&id));
    assert!(small.len() < 4000, "{}", small.len());
    let long = "a long reply, ".repeat(500);
    env.ok(&["comment", &id, "-m", &long]);
    let large = env.git(&["cat-file", "-p", &format!("HEAD:{rel}")]);
    assert_eq!(large, env.case_text(&id));
    assert!(large.len() > 5000, "{}", large.len());
    assert_eq!(env.status(), "");
    env.git(&["fsck", "--strict", "--no-dangling"]);
    // And the history reads as before: each commit's tree holds the file it wrote.
    let log = env.git(&["log", "--format=%s", "--", &rel]);
    assert_eq!(log.lines().count(), 3, "{log}");
}
