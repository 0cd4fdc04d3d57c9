//! Issue 13: `docket verify` finds each kind of tampering in a real history, is clean on
//! docket's own histories, and reads only new commits on a second run.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::util::TestEnv;

/// `git` in the casebook with a chosen author and date (a hand edit, a forged commit).
pub fn git_as(env: &TestEnv, who: (&str, &str), date: &str, args: &[&str]) -> String {
    git_as_in(env, &env.dir, who, date, args)
}

pub fn git_as_in(
    env: &TestEnv,
    dir: &Path,
    who: (&str, &str),
    date: &str,
    args: &[&str],
) -> String {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("HOME", &env.home)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", env.home.join(".gitconfig"))
        .env("GIT_AUTHOR_NAME", who.0)
        .env("GIT_AUTHOR_EMAIL", who.1)
        .env("GIT_COMMITTER_NAME", who.0)
        .env("GIT_COMMITTER_EMAIL", who.1)
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .output()
        .expect("git is installed");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

pub const ALICE: (&str, &str) = ("Alice Martin", "alice@example.com");
pub const BOB: (&str, &str) = ("Bob Okafor", "bob@example.com");

/// `verify --format json` expecting exit `code`.
pub fn verify(env: &TestEnv, extra: &[&str], code: i32) -> Value {
    let mut args = vec!["verify"];
    args.extend_from_slice(extra);
    env.json_code(&args, code)
}

pub fn kinds(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap().to_string())
        .collect()
}

/// A casebook with one case that has a few events, all made by docket.
fn casebook() -> (TestEnv, String) {
    let env = TestEnv::new();
    let id = env.create(
        "Card declined",
        &["--from", "customer", "--body", "My card fails"],
    );
    env.ok(&["comment", &id, "-m", "We are looking into it"]);
    env.ok(&[
        "comment",
        &id,
        "--internal",
        "-m",
        "Checked the processor logs",
    ]);
    (env, id)
}

/// Rewrites the case file with `edit` and commits it with git (no docket trailers).
fn hand_commit(env: &TestEnv, id: &str, message: &str, edit: impl FnOnce(String) -> String) {
    let path = env.case_path(id);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, edit(text)).unwrap();
    git_as(
        env,
        ALICE,
        "2026-11-20T09:00:00Z",
        &["commit", "-qam", message],
    );
}

#[test]
fn docket_s_own_history_is_clean_and_a_second_run_reads_only_new_commits() {
    let (env, id) = casebook();
    env.ok(&["--as", "bob", "comment", &id, "-m", "Refund issued"]);
    env.ok(&["resolve", &id, "--resolution", "Card replaced"]);
    let first = verify(&env, &[], 0);
    assert_eq!(first["clean"], true);
    assert!(first["commits"].as_u64().unwrap() >= 6, "{first}");
    assert_eq!(first["commits_checked"], first["commits"]);
    assert_eq!(first["cases"], 1);
    let second = verify(&env, &[], 0);
    assert_eq!(second["commits_checked"], 0, "the cache answers: {second}");
    env.ok(&["comment", &id, "-m", "One more"]);
    let third = verify(&env, &[], 0);
    assert_eq!(third["commits_checked"], 1, "{third}");
    // A damaged cache is rebuilt, never believed.
    let cache = env.dir.join(".git/docket/verify.bin");
    let mut bytes = std::fs::read(&cache).unwrap();
    let n = bytes.len();
    bytes[n - 3] ^= 0xff;
    std::fs::write(&cache, bytes).unwrap();
    let rebuilt = verify(&env, &[], 0);
    assert_eq!(rebuilt["commits_checked"], rebuilt["commits"]);
}

#[test]
fn the_demo_casebook_verifies_clean() {
    let env = TestEnv::bare();
    let dir = env.tmp.path().join("demo");
    env.ok(&["demo", dir.to_str().unwrap()]);
    let out = env
        .docket(&["verify", "--casebook", dir.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("verify: clean"));
    // The demo says so itself.
    let json = env.json(&["demo", env.tmp.path().join("demo2").to_str().unwrap()]);
    assert_eq!(json["verify"]["clean"], true, "{json}");
    assert!(json["verify"]["commits"].as_u64().unwrap() > 12);
}

#[test]
fn a_deleted_event_is_found_with_its_commit_case_and_file() {
    let (env, id) = casebook();
    hand_commit(&env, &id, "tidy up", |text| {
        // Drop the last event (the internal note).
        let cut = text.rfind("[[timeline]]").unwrap();
        text[..cut].to_string()
    });
    let head = env.git(&["rev-parse", "HEAD"]).trim().to_string();
    let r = verify(&env, &[], 1);
    let removed: Vec<&Value> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "event-removed")
        .collect();
    assert_eq!(removed.len(), 1, "{r}");
    assert_eq!(removed[0]["commit"], head.as_str());
    assert_eq!(removed[0]["case"], id.as_str());
    assert!(
        removed[0]["file"]
            .as_str()
            .unwrap()
            .ends_with(&format!("{id}.toml"))
    );
    assert!(removed[0]["event"].is_string());
    // The text form: one line per finding, exit 1.
    let out = env.docket(&["verify"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("event-removed: ") && text.contains(&head[..10]),
        "{text}"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("verify: 2 problems"));
}

#[test]
fn a_changed_event_is_found() {
    let (env, id) = casebook();
    hand_commit(&env, &id, "fix typo", |text| {
        text.replace("We are looking into it", "We fixed it already")
    });
    let r = verify(&env, &[], 1);
    assert!(kinds(&r).contains(&"event-changed".to_string()), "{r}");
    let f = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "event-changed")
        .unwrap();
    assert!(f["message"].as_str().unwrap().contains("body"), "{f}");
}

#[test]
fn a_hand_edit_without_trailers_is_listed_and_docket_s_own_hand_edit_path_is_not() {
    let (env, id) = casebook();
    hand_commit(&env, &id, "retitle", |text| {
        text.replace(
            "title = \"Card declined\"",
            "title = \"Card declined at checkout\"",
        )
    });
    let r = verify(&env, &[], 1);
    assert_eq!(kinds(&r), ["hand-edit"], "{r}");
    let f = &r["findings"][0];
    assert!(f["message"].as_str().unwrap().contains("retitle"), "{f}");

    // An uncommitted hand edit that docket commits along (Docket-Hand-Edit) is docket's.
    let (env, id) = casebook();
    let path = env.case_path(&id);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replace("priority = \"P3\"", "priority = \"P2\""),
    )
    .unwrap();
    env.ok(&["comment", &id, "-m", "Priority raised"]);
    verify(&env, &[], 0);
}

#[test]
fn an_event_by_someone_else_needs_a_docket_actor_trailer() {
    let (env, id) = casebook();
    // Bob commits an event that says alice wrote it, with docket-looking trailers.
    let path = env.case_path(&id);
    let text = std::fs::read_to_string(&path).unwrap();
    let forged = format!(
        "{text}\n[[timeline]]\nid = \"FORGED01\"\nat = 2026-11-20T09:00:00Z\nactor = \"alice\"\nkind = \"comment\"\nbody = \"Refund approved\"\n"
    );
    std::fs::write(&path, forged).unwrap();
    git_as(
        &env,
        BOB,
        "2026-11-20T09:00:00Z",
        &[
            "commit",
            "-qam",
            &format!("comment {id}: comment by alice\n\nDocket-Case: {id}\nDocket-Action: comment"),
        ],
    );
    let r = verify(&env, &[], 1);
    assert_eq!(kinds(&r), ["author-mismatch"], "{r}");
    let m = r["findings"][0]["message"].as_str().unwrap();
    assert!(
        m.contains("alice") && m.contains("Bob Okafor") && m.contains("Docket-Actor"),
        "{m}"
    );

    // `--as` writes the trailer that explains it.
    let (env, id) = casebook();
    env.ok(&["--as", "chen", "comment", &id, "-m", "Engineering looked"]);
    let body = env.git(&["log", "-1", "--format=%B"]);
    assert!(body.contains("Docket-Actor: chen"), "{body}");
    verify(&env, &[], 0);
}

#[test]
fn a_backdated_event_is_flagged_and_the_limit_is_configurable() {
    let (env, id) = casebook();
    let path = env.case_path(&id);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        format!("{text}\n[[timeline]]\nid = \"BACKDATE\"\nat = 2026-11-20T07:00:00Z\nactor = \"alice\"\nkind = \"comment\"\nbody = \"Answered long ago\"\n"),
    )
    .unwrap();
    git_as(
        &env,
        ALICE,
        "2026-11-20T09:00:00Z",
        &[
            "commit",
            "-qam",
            &format!("comment {id}: x\n\nDocket-Case: {id}\nDocket-Action: comment"),
        ],
    );
    let r = verify(&env, &[], 1);
    assert_eq!(kinds(&r), ["backdated"], "{r}");
    let m = r["findings"][0]["message"].as_str().unwrap();
    assert!(
        m.contains("2h 0m before its commit") && m.contains("10m"),
        "{m}"
    );
    // A casebook that allows three hours of skew accepts it.
    let config = env.dir.join("docket.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("\n[verify]\nmax_skew = \"3h\"\n");
    std::fs::write(&config, text).unwrap();
    git_as(
        &env,
        ALICE,
        "2026-11-20T09:00:00Z",
        &["commit", "-qam", "allow skew"],
    );
    verify(&env, &[], 0);
    // A bad value is named.
    let mut text = std::fs::read_to_string(&config).unwrap();
    text = text.replace("\"3h\"", "\"soon\"");
    std::fs::write(&config, text).unwrap();
    let err = env.fails(&["verify"], 2);
    assert!(err.contains("verify.max_skew"), "{err}");
}

#[test]
fn a_deleted_case_file_and_a_file_in_the_wrong_place_are_found() {
    let (env, id) = casebook();
    let other = env.create("Second case", &[]);
    let src = env.case_path(&other);
    let dst = src.with_file_name("DK-WRONG.toml");
    std::fs::rename(&src, &dst).unwrap();
    env.git(&["add", "-A"]);
    git_as(
        &env,
        ALICE,
        "2026-11-20T09:00:00Z",
        &["commit", "-qm", "rename"],
    );
    let r = verify(&env, &[], 1);
    let k = kinds(&r);
    // Its events are all still there (a rename), so not a deletion: a hand edit, and a
    // file whose name is not its ID.
    assert!(k.contains(&"wrong-path".to_string()), "{r}");
    assert!(k.contains(&"hand-edit".to_string()), "{r}");
    assert!(!k.contains(&"case-deleted".to_string()), "{r}");
    env.git(&["rm", "-q", env.case_path(&id).to_str().unwrap()]);
    git_as(
        &env,
        ALICE,
        "2026-11-20T09:00:00Z",
        &["commit", "-qm", "delete"],
    );
    let r = verify(&env, &[], 1);
    let deleted: Vec<&Value> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "case-deleted")
        .collect();
    assert_eq!(deleted.len(), 1, "{r}");
    assert_eq!(deleted[0]["case"], id.as_str());
}

#[test]
fn since_checks_only_what_came_after_a_revision() {
    let (env, id) = casebook();
    hand_commit(&env, &id, "old hand edit", |t| {
        t.replace("Card declined", "Card declined!")
    });
    let base = env.git(&["rev-parse", "HEAD"]).trim().to_string();
    env.ok(&["comment", &id, "-m", "New and fine"]);
    let r = verify(&env, &["--since", &base], 0);
    assert_eq!(r["commits"], 1, "{r}");
    let err = env.fails(&["verify", "--since", "no-such-rev"], 2);
    assert!(err.contains("no-such-rev"), "{err}");
}

/// A bare remote with `docket hook pre-receive` installed, seeded from `env`'s casebook.
fn guarded_remote(env: &TestEnv) -> std::path::PathBuf {
    let remote = env.tmp.path().join("guarded.git");
    env.git_in(
        env.tmp.path(),
        &[
            "init",
            "-q",
            "--bare",
            "-b",
            "main",
            remote.to_str().unwrap(),
        ],
    );
    env.git(&["remote", "add", "origin", remote.to_str().unwrap()]);
    env.git(&["push", "-q", "origin", "HEAD:main"]);
    let hook = remote.join("hooks").join("pre-receive");
    std::fs::write(
        &hook,
        format!(
            "#!/bin/sh\nexec '{}' hook pre-receive\n",
            env!("CARGO_BIN_EXE_docket")
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();
    remote
}

fn push(env: &TestEnv) -> std::process::Output {
    let mut cmd = Command::new("git");
    cmd.args(["push", "origin", "HEAD:main"]);
    env.prepare(&mut cmd);
    cmd.output().unwrap()
}

fn remote_main(env: &TestEnv, remote: &Path) -> String {
    env.git_in(remote, &["rev-parse", "main"])
        .trim()
        .to_string()
}

#[test]
fn the_pre_receive_hook_accepts_docket_s_commits_and_refuses_tampering() {
    let (env, id) = casebook();
    let remote = guarded_remote(&env);
    env.ok(&["comment", &id, "-m", "Allowed change"]);
    let out = push(&env);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let accepted = env.git(&["rev-parse", "HEAD"]).trim().to_string();
    assert_eq!(remote_main(&env, &remote), accepted);

    // Deleting an event by hand: refused with the finding, the remote ref unchanged.
    hand_commit(&env, &id, "tidy up", |text| {
        let cut = text.rfind("[[timeline]]").unwrap();
        text[..cut].to_string()
    });
    let out = push(&env);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("event-removed") && err.contains("push refused"),
        "{err}"
    );
    assert!(err.contains(&id), "{err}");
    assert_eq!(
        remote_main(&env, &remote),
        accepted,
        "the remote ref did not move"
    );

    // A new branch is checked against what the server has: refused the same way.
    let mut cmd = Command::new("git");
    cmd.args(["push", "origin", "HEAD:refs/heads/feature"]);
    env.prepare(&mut cmd);
    let out = cmd.output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("event-removed"));
    let branches = env.git_in(&remote, &["branch", "--list", "feature"]);
    assert_eq!(branches.trim(), "", "the branch was not created");

    // Put right (the event back, as a new commit): the pushed range still holds the
    // removal, so it stays refused until the bad commit is dropped from the branch.
    env.git(&["reset", "-q", "--hard", &accepted]);
    env.ok(&["comment", &id, "-m", "After the reset"]);
    let out = push(&env);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_pre_receive_hook_enforces_access_rules_from_the_server_s_settings() {
    let (env, id) = casebook();
    // chen (engineering) may only comment on acme cases.
    let config = env.dir.join("docket.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("\n[[access]]\nname = \"engineering reads\"\nteam = \"engineering\"\naccounts = [\"acme*\"]\nallow = [\"comment\"]\n");
    std::fs::write(&config, text).unwrap();
    git_as(
        &env,
        ALICE,
        "2026-11-20T09:00:00Z",
        &["commit", "-qam", "access rules"],
    );
    env.ok(&["set", &id, "account=acme-bank"]);
    let remote = guarded_remote(&env);
    let before = remote_main(&env, &remote);
    // chen resolves by hand with a forged docket commit (docket itself would refuse).
    let path = env.case_path(&id);
    let text = std::fs::read_to_string(&path).unwrap();
    let text = text.replacen("state = \"open\"", "state = \"resolved\"", 1)
        + "\n[[timeline]]\nid = \"RESOLVE1\"\nat = 2026-11-20T09:00:00Z\nactor = \"chen\"\nkind = \"state\"\nfrom = \"open\"\nto = \"resolved\"\n";
    std::fs::write(&path, text).unwrap();
    git_as(
        &env,
        ("Chen Wei", "chen@example.com"),
        "2026-11-20T09:00:00Z",
        &[
            "commit",
            "-qam",
            &format!("resolve {id}: x\n\nDocket-Case: {id}\nDocket-Action: resolve"),
        ],
    );
    let r = verify(&env, &[], 1);
    assert_eq!(kinds(&r), ["access"], "{r}");
    assert!(
        r["findings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("access rule \"engineering reads\""),
        "{r}"
    );
    let out = push(&env);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("access:"), "{err}");
    assert_eq!(remote_main(&env, &remote), before);
}

#[test]
fn a_shallow_clone_verifies_from_where_its_history_is_cut() {
    let (env, id) = casebook();
    env.ok(&["comment", &id, "-m", "Later"]);
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
        .docket(&[
            "verify",
            "--format",
            "json",
            "--casebook",
            shallow.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["clean"], true);
    assert_eq!(r["shallow_boundary"].as_array().unwrap().len(), 1, "{r}");
    assert_eq!(r["commits"], 2);
    let out = env
        .docket(&["verify", "--casebook", shallow.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("shallow clone"));
}
