//! Issue 10: hostile input and hostile surroundings. Each test is named after the defect
//! it guards (`regression_issue_10_…`).

use crate::util::TestEnv;

/// Runs docket and asserts it did not panic (exit 101) and exited `code`.
fn exits(env: &TestEnv, args: &[&str], code: i32) -> String {
    let out = env.docket(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(
        !stderr.contains("panicked"),
        "docket {args:?} panicked: {stderr}"
    );
    assert_eq!(out.status.code(), Some(code), "docket {args:?}: {stderr}");
    stderr
}

fn edit_config(env: &TestEnv, from: &str, to: &str) {
    let path = env.dir.join("docket.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "docket.toml has {from:?}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn regression_issue_10_non_ascii_ids_are_unknown_not_a_panic() {
    let env = TestEnv::new();
    env.create("A case", &[]);
    for q in ["aé", "日本", "é", "DK-日本", "../cases"] {
        let err = exits(&env, &["show", q], 2);
        assert!(err.contains("no case matches"), "{q}: {err}");
    }
}

#[test]
fn regression_issue_10_overflowing_durations_are_errors_not_panics() {
    let env = TestEnv::new();
    let id = env.create("A case", &[]);
    edit_config(
        &env,
        "autoclose_after = \"7d\"",
        "autoclose_after = \"999999999999999d\"",
    );
    let err = exits(&env, &["show", &id], 2);
    assert!(
        err.contains("autoclose_after") && err.contains("docket.toml"),
        "{err}"
    );
    env.git(&["checkout", "docket.toml"]);

    let text = std::fs::read_to_string(env.dir.join("docket.toml")).unwrap();
    let first_target = text.lines().find(|l| l.starts_with("target = ")).unwrap();
    edit_config(&env, first_target, "target = \"99999999999999w\"");
    let err = exits(&env, &["sla"], 2);
    assert!(err.contains("target") && err.contains("100 years"), "{err}");
    env.git(&["checkout", "docket.toml"]);

    let err = exits(&env, &["sla", "--at", "+99999999w"], 2);
    assert!(err.contains("--at"), "{err}");
}

#[test]
fn regression_issue_10_guide_check_reports_a_huge_timeout() {
    let env = TestEnv::new();
    let guide = "title = \"T\"\nstart = \"o\"\n[nodes.o]\noutcome = \"x\"\nactions = [ { check = \"true\", timeout = \"99999999999999w\" } ]\n";
    std::fs::write(env.dir.join("guides/huge.toml"), guide).unwrap();
    let out = env.docket(&["guide", "check"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("guides/huge.toml:3: timeout"), "{stdout}");
}

#[test]
fn regression_issue_10_docket_now_outside_git_dates_is_refused() {
    let mut env = TestEnv::new();
    for now in ["1960-01-01T00:00:00Z", "2200-01-01T00:00:00Z"] {
        env.now = now.into();
        let before = env.commit_count();
        let err = exits(&env, &["create", "--title", "Time travel"], 2);
        assert!(err.contains("DOCKET_NOW") && err.contains("1970"), "{err}");
        assert_eq!(env.commit_count(), before, "nothing was written");
    }
}

#[test]
fn regression_issue_10_terminal_escapes_in_case_text_are_shown_escaped() {
    let env = TestEnv::new();
    let title = "T\u{1b}]0;pwned\u{7}\u{1b}[2J";
    let body = "hello \u{1b}[31mred\u{1b}[0m\rover\u{202E}txt";
    let id = env.create(
        title,
        &[
            "--priority",
            "P1",
            "--body",
            body,
            "--account",
            "ac\u{1b}[8mme",
        ],
    );
    env.ok(&["comment", &id, "-m", "agent says \u{1b}[1mbold"]);
    for args in [
        vec!["list"],
        vec!["show", id.as_str()],
        vec!["log", id.as_str()],
        vec!["sla"],
        vec!["sla", "explain", id.as_str()],
    ] {
        let out = env.docket(&args).env("COLUMNS", "200").output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{args:?}");
        assert!(
            !text.contains('\u{1b}'),
            "{args:?} printed a raw escape: {text:?}"
        );
        assert!(
            !text.contains('\u{7}') && !text.contains('\r'),
            "{args:?}: {text:?}"
        );
        assert!(!text.contains('\u{202E}'), "{args:?}: {text:?}");
        if args[0] != "sla" {
            assert!(
                text.contains("\\u{1b}"),
                "{args:?} shows the escape: {text}"
            );
        }
    }
    // Status lines on stderr are escaped too.
    let out = env.docket(&["create", "--title", title]).output().unwrap();
    assert!(!String::from_utf8_lossy(&out.stderr).contains('\u{1b}'));
    // JSON keeps the exact text.
    let v = env.show(&id);
    assert_eq!(v["title"], title);
    assert_eq!(v["timeline"][0]["body"], body);
}

/// Runs docket with a time limit: a FIFO or /dev/zero must not hang it.
fn exits_within(env: &TestEnv, args: &[&str], code: i32) -> (String, String) {
    use wait_timeout::ChildExt;
    let mut child = env
        .std_docket(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let status = child
        .wait_timeout(std::time::Duration::from_secs(20))
        .unwrap();
    if status.is_none() {
        let _ = child.kill();
        panic!("docket {args:?} hung");
    }
    let out = child.wait_with_output().unwrap();
    let (so, se) = (
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    );
    assert_eq!(out.status.code(), Some(code), "docket {args:?}: {se}");
    (so, se)
}

#[test]
fn regression_issue_10_case_files_must_be_regular_files_inside_the_casebook() {
    let env = TestEnv::new();
    let good = env.create("A good case", &[]);
    // A case-shaped file outside the repository, reached through a link.
    let outside = env.tmp.path().join("secret.toml");
    let victim = env.create("Victim", &[]);
    std::fs::copy(env.case_path(&victim), &outside).unwrap();
    std::fs::remove_file(env.case_path(&victim)).unwrap();
    std::os::unix::fs::symlink(&outside, env.case_path(&victim)).unwrap();
    // A link to /dev/zero, a FIFO and a folder, all named like case files.
    let shard = env.case_path(&good).parent().unwrap().to_path_buf();
    std::os::unix::fs::symlink("/dev/zero", shard.join("DK-ZZZZZZZ1.toml")).unwrap();
    let fifo = shard.join("DK-ZZZZZZZ2.toml");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    std::fs::create_dir(shard.join("DK-ZZZZZZZ3.toml")).unwrap();
    // A shard folder that is a link to elsewhere.
    let elsewhere = env.tmp.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    std::fs::copy(&outside, elsewhere.join("DK-YY000001.toml")).unwrap();
    std::os::unix::fs::symlink(&elsewhere, env.dir.join("cases/YY")).unwrap();

    let (stdout, stderr) = exits_within(&env, &["list", "--format", "tsv"], 2);
    assert!(
        stdout.contains(&good),
        "the good case is still listed: {stdout}"
    );
    assert!(
        !stdout.contains("Victim") && !stdout.contains("DK-YY000001"),
        "{stdout}"
    );
    assert!(
        stderr.contains(&victim) && stderr.contains("not a regular file"),
        "{stderr}"
    );
    assert!(
        stderr.contains("DK-ZZZZZZZ1") && stderr.contains("DK-ZZZZZZZ2"),
        "{stderr}"
    );
    exits_within(&env, &["sla"], 2);
    let (_, err) = exits_within(&env, &["show", &victim], 2);
    assert!(err.contains("not a regular file"), "{err}");
    let before = env.commit_count();
    exits_within(&env, &["comment", &victim, "-m", "hello"], 2);
    assert_eq!(
        env.commit_count(),
        before,
        "nothing was committed through the link"
    );
    let secret = std::fs::read_to_string(&outside).unwrap();
    assert!(
        !secret.contains("hello"),
        "the outside file was not written"
    );
}

#[test]
fn regression_issue_10_an_oversized_case_file_is_an_error_row() {
    let env = TestEnv::new();
    let good = env.create("Good", &[]);
    let big = env.create("Big", &[]);
    let mut text = std::fs::read_to_string(env.case_path(&big)).unwrap();
    text.push_str(&format!("\n# {}\n", "x".repeat(9 * 1024 * 1024)));
    std::fs::write(env.case_path(&big), text).unwrap();
    let (stdout, stderr) = exits_within(&env, &["list", "--format", "tsv"], 2);
    assert!(stdout.contains(&good), "{stdout}");
    assert!(
        stderr.contains(&big) && stderr.contains("larger than 8 MB"),
        "{stderr}"
    );
}

#[test]
fn regression_issue_10_init_refuses_a_bare_repository() {
    let env = TestEnv::bare();
    let bare = env.tmp.path().join("shared.git");
    env.git_in(
        env.tmp.path(),
        &["init", "-q", "--bare", bare.to_str().unwrap()],
    );
    let err = exits(&env, &["init", bare.to_str().unwrap()], 2);
    assert!(
        err.contains("bare Git repository") && err.contains("clone"),
        "{err}"
    );
    assert!(!bare.join(".git").exists() && !bare.join("docket.toml").exists());
}

#[test]
fn regression_issue_10_a_repository_of_another_user_names_safe_directory() {
    let env = TestEnv::new();
    // Needs root to give the casebook to another user; otherwise say why and stop.
    let chown = std::process::Command::new("chown")
        .args(["-R", "65534:65534", env.dir.to_str().unwrap()])
        .output()
        .unwrap();
    if !chown.status.success() {
        eprintln!("skipped: cannot chown the casebook (not root)");
        return;
    }
    let err = exits(&env, &["list"], 2);
    assert!(err.contains("not owned by current user"), "{err}");
    assert!(err.contains("safe.directory"), "{err}");
}

#[test]
fn regression_issue_10_a_damaged_cache_is_rebuilt_not_believed() {
    let env = TestEnv::new();
    let a = env.create("Alpha", &[]);
    let b = env.create("Bravo", &[]);
    let before = env.ok(&["list", "--format", "tsv", "--sort", "id"]);
    let cache = env.dir.join(".git/docket/summaries.bin");
    let mut bytes = std::fs::read(&cache).unwrap();
    // Flip a bit inside an ID.
    let at = bytes
        .windows(a.len())
        .position(|w| w == a.as_bytes())
        .expect("the cache holds the ID");
    bytes[at + 5] ^= 0x01;
    std::fs::write(&cache, &bytes).unwrap();
    let after = env.ok(&["list", "--format", "tsv", "--sort", "id"]);
    assert_eq!(after, before, "a damaged cache is rebuilt from the files");
    assert!(after.contains(&a) && after.contains(&b));
}

#[test]
fn regression_issue_10_duplicate_event_ids_name_both_events() {
    let env = TestEnv::new();
    let id = env.create("Twice", &["--body", "first words"]);
    env.ok(&["comment", &id, "-m", "second words"]);
    let path = env.case_path(&id);
    let text = std::fs::read_to_string(&path).unwrap();
    let ids: Vec<String> = text
        .lines()
        .filter_map(|l| l.strip_prefix("id = \""))
        .map(|l| l.trim_end_matches('"').to_string())
        .collect();
    // ids[0] is the case's; make the comment's event id equal the creation's.
    let dup = text.replace(
        &format!("id = \"{}\"", ids[2]),
        &format!("id = \"{}\"", ids[1]),
    );
    std::fs::write(&path, dup).unwrap();
    let err = exits(&env, &["show", &id], 2);
    assert!(
        err.contains("have the same id") && err.contains(&ids[1]),
        "{err}"
    );
}

#[test]
fn regression_issue_10_hand_over_cycles_are_found_and_never_half_applied() {
    let env = TestEnv::new();
    for (name, to) in [("hand-a", "hand-b"), ("hand-b", "hand-a")] {
        let text = format!(
            "title = \"{name}\"\nstart = \"o\"\n[nodes.o]\noutcome = \"on to {to}\"\nactions = [ {{ tag = \"{name}\" }}, {{ guide = \"{to}\" }} ]\n"
        );
        std::fs::write(env.dir.join(format!("guides/{name}.toml")), text).unwrap();
    }
    let out = env.docket(&["guide", "check"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("hand-a → hand-b → hand-a"), "{stdout}");
    let id = env.create("Loop", &[]);
    let before = env.commit_count();
    let err = exits(&env, &["guide", "run", &id, "hand-a"], 2);
    assert!(
        err.contains("cycle") && err.contains("nothing was written"),
        "{err}"
    );
    assert_eq!(env.commit_count(), before, "no commit at all");
}

#[test]
fn regression_issue_10_a_chain_of_guides_is_one_commit() {
    let env = TestEnv::new();
    std::fs::write(
        env.dir.join("guides/first.toml"),
        "title = \"First\"\nstart = \"o\"\n[nodes.o]\noutcome = \"to second\"\nactions = [ { tag = \"one\" }, { guide = \"second\" } ]\n",
    )
    .unwrap();
    std::fs::write(
        env.dir.join("guides/second.toml"),
        "title = \"Second\"\nstart = \"o\"\n[nodes.o]\noutcome = \"done\"\nactions = [ { tag = \"two\" } ]\n",
    )
    .unwrap();
    let id = env.create("Chain", &[]);
    let before = env.commit_count();
    env.ok(&["guide", "run", &id, "first"]);
    assert_eq!(env.commit_count(), before + 1);
    let subject = env.git(&["log", "-1", "--format=%s"]);
    assert!(subject.contains("first → o, second → o"), "{subject}");
    let tags = env.show(&id)["tags"].clone();
    assert_eq!(tags, serde_json::json!(["one", "two"]));
}

fn allow_commands(env: &TestEnv) {
    let path = env.dir.join("docket.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let text = if text.contains("allow_commands = false") {
        text.replace("allow_commands = false", "allow_commands = true")
    } else {
        format!("{text}\n[guides]\nallow_commands = true\n")
    };
    std::fs::write(&path, text).unwrap();
}

fn check_guide(env: &TestEnv, action: &str) {
    let text = format!(
        "title = \"C\"\nstart = \"o\"\n[nodes.o]\noutcome = \"checked\"\nactions = [ {action} ]\n"
    );
    std::fs::write(env.dir.join("guides/c.toml"), text).unwrap();
}

#[test]
fn regression_issue_10_check_timeouts_reach_grandchildren_and_hold_no_lock() {
    let env = TestEnv::new();
    allow_commands(&env);
    check_guide(&env, "{ check = \"sleep 25\", shell = true, timeout = 2 }");
    let id = env.create("Slow check", &[]);
    let other = env.create("Someone else's case", &[]);
    let start = std::time::Instant::now();
    let run = env
        .std_docket(&["guide", "run", &id, "c"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(500));
    // While the check runs, another case can be written at once.
    let t = std::time::Instant::now();
    env.ok(&["comment", &other, "-m", "not blocked"]);
    assert!(
        t.elapsed() < std::time::Duration::from_secs(2),
        "{:?}",
        t.elapsed()
    );
    let out = run.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        start.elapsed() < std::time::Duration::from_secs(15),
        "{:?}",
        start.elapsed()
    );
    let timeline = env.show(&id)["timeline"].clone();
    let check = timeline
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "check")
        .unwrap();
    assert_eq!(check["status"], "timed out after 2s");
}

#[test]
fn regression_issue_10_a_chatty_check_is_drained_and_keeps_its_status() {
    let env = TestEnv::new();
    allow_commands(&env);
    check_guide(
        &env,
        "{ check = \"head -c 300000 /dev/zero | tr '\\\\\\\\0' x; echo done >&2\", shell = true, timeout = 20 }",
    );
    let id = env.create("Chatty check", &[]);
    env.ok(&["guide", "run", &id, "c"]);
    let timeline = env.show(&id)["timeline"].clone();
    let check = timeline
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "check")
        .unwrap();
    assert_eq!(
        check["status"],
        "exit 0",
        "{}",
        check["body"].as_str().unwrap_or("").len()
    );
    let body = check["body"].as_str().unwrap();
    assert!(
        body.len() >= 64 * 1024 && body.len() <= 2 * 64 * 1024 + 16,
        "{}",
        body.len()
    );
    assert!(body.ends_with("done"), "stderr is kept too");
}

#[test]
fn regression_issue_10_typos_in_settings_are_named_with_the_closest_key() {
    let env = TestEnv::new();
    let id = env.create("Typo victim", &["--priority", "P2"]);
    // An SLA typo: `sla` fails clearly; a case it does not touch stays usable.
    let text = std::fs::read_to_string(env.dir.join("docket.toml")).unwrap();
    let first_target = text.lines().find(|l| l.starts_with("target = ")).unwrap();
    edit_config(
        &env,
        first_target,
        &format!("{first_target}\nwarn_At = [50]"),
    );
    let line = std::fs::read_to_string(env.dir.join("docket.toml"))
        .unwrap()
        .lines()
        .position(|l| l.starts_with("warn_At"))
        .unwrap()
        + 1;
    let err = exits(&env, &["sla"], 2);
    assert!(
        err.contains("docket.toml")
            && err.contains(&format!("line {line}"))
            && err.contains("unknown key warn_At in [[sla]]")
            && err.contains("did you mean warn_at?"),
        "{err}"
    );
    let out = env
        .docket(&["comment", &id, "-m", "still works"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let warning = String::from_utf8_lossy(&out.stderr);
    assert!(
        warning.contains("warning:") && warning.contains("warn_At"),
        "{warning}"
    );
    env.ok(&["show", &id]);
    env.git(&["checkout", "docket.toml"]);
    // Elsewhere in docket.toml a typo stops every command.
    edit_config(&env, "autoclose_after", "autoclose_aftr");
    let err = exits(&env, &["show", &id], 2);
    assert!(err.contains("did you mean autoclose_after?"), "{err}");
    env.git(&["checkout", "docket.toml"]);
    // agents.toml too.
    let agents = std::fs::read_to_string(env.dir.join("agents.toml")).unwrap();
    std::fs::write(
        env.dir.join("agents.toml"),
        agents.replacen("email =", "emial =", 1),
    )
    .unwrap();
    let err = exits(&env, &["list"], 2);
    assert!(
        err.contains("agents.toml") && err.contains("did you mean email?"),
        "{err}"
    );
    env.git(&["checkout", "agents.toml"]);
    // And guides: `guide check` names it, `guide run` refuses it.
    let guide = "title = \"T\"\nstart = \"a\"\n[nodes.a]\ninput = \"When?\"\nfield = \"last_seen\"\nrequried = true\nnext = \"o\"\n[nodes.o]\noutcome = \"x\"\n";
    std::fs::write(env.dir.join("guides/typo.toml"), guide).unwrap();
    let out = env.docket(&["guide", "check"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout.contains("guides/typo.toml:6: unknown key requried") && stdout.contains("required"),
        "{stdout}"
    );
    let err = exits(
        &env,
        &["guide", "run", &id, "typo", "--answer", "a=today"],
        2,
    );
    assert!(err.contains("requried"), "{err}");
}

/// Mangled case files: truncated, wrong types, duplicate keys, a 10 MB string, deep
/// nesting, binary junk. Each is an error naming the file (exit 2, no panic), nothing is
/// written to it, and every other case is still listed.
#[test]
fn regression_issue_10_mangled_case_files_are_named_never_a_panic() {
    let env = TestEnv::new();
    let good = env.create("Good neighbour", &[]);
    let victim = env.create("Victim", &["--body", "some words"]);
    env.ok(&["comment", &victim, "-m", "more words"]);
    let path = env.case_path(&victim);
    let original = std::fs::read_to_string(&path).unwrap();
    let mut variants: Vec<(String, String)> = Vec::new();
    for cut in [
        1,
        10,
        original.len() / 3,
        original.len() / 2,
        original.len() - 5,
    ] {
        variants.push((format!("truncated at {cut}"), original[..cut].to_string()));
    }
    variants.push((
        "title as a number".into(),
        original.replacen("title = \"Victim\"", "title = 7", 1),
    ));
    variants.push((
        "state unknown".into(),
        original.replacen("state = \"open\"", "state = \"lost\"", 1),
    ));
    variants.push((
        "duplicate key".into(),
        original.replacen("title = ", "title = \"a\"\ntitle = ", 1),
    ));
    variants.push((
        "timeline not a list".into(),
        format!("timeline = 3\n{original}"),
    ));
    variants.push((
        "a 10 MB title".into(),
        original.replacen("Victim", &"v".repeat(10 << 20), 1),
    ));
    variants.push((
        "deep nesting".into(),
        format!(
            "{original}\n[deep]\nx = {}1{}\n",
            "[".repeat(50_000),
            "]".repeat(50_000)
        ),
    ));
    variants.push((
        "binary junk".into(),
        String::from_utf8_lossy(&[0u8, 159, 146, 150, 255, 1, 2]).into_owned(),
    ));
    variants.push(("empty".into(), String::new()));
    variants.push((
        "bad time".into(),
        original.replacen("created_at = \"", "created_at = \"yesterday", 1),
    ));
    let commits = env.commit_count();
    for (what, text) in &variants {
        std::fs::write(&path, text).unwrap();
        let out = env.docket(&["list", "--format", "tsv"]).output().unwrap();
        let (stdout, stderr) = (
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
        );
        assert_eq!(out.status.code(), Some(2), "{what}: {stderr}");
        assert!(!stderr.contains("panicked"), "{what}: {stderr}");
        assert!(stdout.contains(&good), "{what}: the good case is listed");
        assert!(
            stderr.contains(&format!("{victim}.toml")),
            "{what}: {stderr}"
        );
        assert!(
            stderr.lines().count() <= 3,
            "{what}: one line per problem: {stderr}"
        );
        let err = exits(&env, &["comment", &victim, "-m", "refused"], 2);
        assert!(err.contains(&victim), "{what}: {err}");
        assert_eq!(
            std::fs::read(&path).unwrap(),
            text.as_bytes(),
            "{what}: untouched"
        );
        assert_eq!(env.commit_count(), commits, "{what}: nothing committed");
    }
    std::fs::write(&path, &original).unwrap();
    env.ok(&["comment", &victim, "-m", "repaired"]);
}

/// Mangled settings: each is an error naming the file, exit 2, no panic.
#[test]
fn regression_issue_10_mangled_settings_are_named_never_a_panic() {
    let env = TestEnv::new();
    let id = env.create("Case", &[]);
    for file in ["docket.toml", "agents.toml", "guides/lost-card.toml"] {
        let path = env.dir.join(file);
        let original = std::fs::read_to_string(&path).unwrap();
        let cuts = [
            1,
            original.len() / 3,
            original.len() / 2,
            original.len() - 3,
        ];
        let mut variants: Vec<String> = cuts.iter().map(|c| original[..*c].to_string()).collect();
        variants.push(format!("{original}\n[[[\n"));
        variants.push(original.replace(" = \"", " = 5 #\""));
        variants.push(format!(
            "x = {}1{}\n{original}",
            "[".repeat(20_000),
            "]".repeat(20_000)
        ));
        let mut refused = 0;
        for text in variants {
            std::fs::write(&path, &text).unwrap();
            let args: Vec<&str> = if file.starts_with("guides") {
                vec!["guide", "run", &id, "lost-card", "--answer", "kind=Lost"]
            } else {
                vec!["show", &id]
            };
            let out = env.docket(&args).output().unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(!stderr.contains("panicked"), "{file}: {stderr}");
            // Some cuts are still valid TOML (a comment, defaults); the others are errors.
            if out.status.code() != Some(0) {
                refused += 1;
                assert_eq!(out.status.code(), Some(2), "{file} {text:.60}: {stderr}");
                assert!(
                    stderr.contains(file.rsplit('/').next().unwrap()),
                    "{file}: {stderr}"
                );
            }
        }
        assert!(refused >= 3, "{file}: only {refused} variants were refused");
        std::fs::write(&path, &original).unwrap();
    }
}
