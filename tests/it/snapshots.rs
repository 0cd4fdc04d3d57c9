//! The human output of `show`, `list`, `log`, `sla`, `sla explain` and `guide show`,
//! checked against snapshots (insta). IDs are seeded and paths normalised by `TestEnv`,
//! so the output is the same on every run; a change to a view shows up as a diff to
//! review (`cargo insta review`, or `INSTA_UPDATE=always cargo test` and `git diff`).

use crate::util::TestEnv;

/// A small casebook with a history over a working day: a customer's case that is
/// assigned, answered, changed and resolved, and a Japanese one that is escalated.
fn casebook() -> (TestEnv, String, String) {
    let mut env = TestEnv::new();
    env.now = "2026-11-20T09:00:00Z".into();
    let a = env.create(
        "Card declined at checkout",
        &[
            "--type",
            "incident",
            "--priority",
            "P2",
            "--account",
            "acme-retail",
            "--contact",
            "Jane Doe",
            "--from",
            "customer",
            "--channel",
            "email",
            "--body",
            "My card was declined twice.\nCan you check?",
        ],
    );
    env.now = "2026-11-20T09:10:00Z".into();
    let b = env.create(
        "カードが使えない",
        &[
            "--priority",
            "P1",
            "--account",
            "東京銀行",
            "--type",
            "incident",
        ],
    );
    env.now = "2026-11-20T09:20:00Z".into();
    env.ok(&["assign", &a, "alice"]);
    env.now = "2026-11-20T09:45:00Z".into();
    env.ok(&[
        "comment",
        &a,
        "-m",
        "The card hit its daily limit; raised for today.",
    ]);
    env.now = "2026-11-20T10:05:00Z".into();
    env.ok(&["set", &a, "priority=P1", "tags+=vip", "order_id=A-1234"]);
    env.now = "2026-11-20T11:30:00Z".into();
    env.ok(&[
        "escalate",
        &b,
        "-r",
        "Needs the card team",
        "--team",
        "fraud",
    ]);
    env.now = "2026-11-20T12:00:00Z".into();
    env.ok(&["resolve", &a, "-r", "Daily limit raised"]);
    env.now = "2026-11-20T15:00:00Z".into();
    (env, a, b)
}

#[test]
fn show_snapshot() {
    let (env, a, _) = casebook();
    insta::assert_snapshot!("show", env.ok(&["show", &a]));
}

#[test]
fn list_snapshot() {
    let (env, _, _) = casebook();
    insta::assert_snapshot!("list", env.ok(&["list"]));
    // On an 80-column terminal the account and update time give way to the titles.
    let narrow = env.docket(&["list"]).env("COLUMNS", "60").output().unwrap();
    insta::assert_snapshot!("list_narrow", String::from_utf8(narrow.stdout).unwrap());
}

#[test]
fn log_snapshot() {
    let (env, a, _) = casebook();
    insta::assert_snapshot!("log", env.ok(&["log", &a]));
}

#[test]
fn sla_snapshot() {
    let (env, a, _) = casebook();
    insta::assert_snapshot!("sla", env.ok(&["sla"]));
    insta::assert_snapshot!("sla_explain", env.ok(&["sla", "explain", &a]));
}

#[test]
fn guide_show_snapshot() {
    let env = TestEnv::new();
    insta::assert_snapshot!("guide_show", env.ok(&["guide", "show", "lost-card"]));
    insta::assert_snapshot!("guide_list", env.ok(&["guide", "list"]));
}

#[test]
fn demo_snapshot_names_its_folder_by_path() {
    let env = TestEnv::bare();
    let dir = env.tmp.path().join("demo");
    let out = env.ok(&["demo", dir.to_str().unwrap()]);
    let first = out.lines().next().unwrap_or("").to_string();
    insta::assert_snapshot!("demo_heading", env.normalize(&first));
}
