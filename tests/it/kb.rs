//! Issue 15: the knowledge base — `kb new` (from a resolved case), `kb list`, `kb show`
//! (with the cases an article was sent to), `kb search`, `kb check` findings, `kb send`
//! (a customer-visible comment recording the article), and slug completion.

use serde_json::Value;

use crate::search::one;
use crate::util::TestEnv;

/// A casebook with a resolved case to write an article from.
fn setup() -> (TestEnv, String) {
    let env = TestEnv::new();
    let id = env.create(
        "Card declined at checkout",
        &[
            "--type",
            "incident",
            "--tag",
            "cards",
            "--from",
            "customer",
            "--body",
            "My card was declined twice at the online shop",
        ],
    );
    env.ok(&["comment", &id, "-m", "Checking your limits"]);
    env.ok(&[
        "resolve",
        &id,
        "--resolution",
        "Raised the daily online limit",
    ]);
    (env, id)
}

#[test]
fn kb_new_from_a_case_writes_one_commit() {
    let (env, id) = setup();
    let before = env.commit_count();
    let out = env.ok(&["kb", "new", "--from", &id]);
    assert_eq!(out.trim(), "card-declined-at-checkout");
    let text = std::fs::read_to_string(env.dir.join("kb/card-declined-at-checkout.md")).unwrap();
    assert!(
        text.starts_with("+++\ntitle = \"Card declined at checkout\""),
        "{text}"
    );
    assert!(text.contains("applies_to = [\"incident\"]"), "{text}");
    assert!(text.contains("tags = [\"cards\"]"), "{text}");
    assert!(text.contains("status = \"draft\""), "{text}");
    assert!(
        text.contains("My card was declined twice at the online shop"),
        "{text}"
    );
    assert!(text.contains("Raised the daily online limit"), "{text}");
    assert_eq!(env.commit_count(), before + 1);
    let msg = env.git(&["log", "-1", "--format=%B"]);
    assert!(msg.contains("Docket-Action: kb-new"), "{msg}");
    assert_eq!(env.status(), "", "git status stays clean");
    // The same slug again: refused, nothing written.
    let err = env.fails(&["kb", "new", "--from", &id], 2);
    assert!(
        err.contains("kb/card-declined-at-checkout.md exists"),
        "{err}"
    );
    assert_eq!(env.commit_count(), before + 1);
    // Without a title or a case; with a bad slug or type.
    env.fails(&["kb", "new"], 2);
    env.fails(&["kb", "new", "--title", "X", "--slug", "Bad Slug"], 2);
    env.fails(
        &["kb", "new", "--title", "X", "--applies-to", "nonsense"],
        2,
    );
    assert_eq!(env.commit_count(), before + 1);
    // The history verifies.
    env.ok(&["verify"]);
}

#[test]
fn list_show_and_search_articles() {
    let (env, _) = setup();
    env.ok(&[
        "kb",
        "new",
        "--title",
        "Reset a forgotten password",
        "--body",
        "Use the link on the login page; it expires after one hour.",
        "--publish",
    ]);
    env.ok(&[
        "kb",
        "new",
        "--title",
        "Fraud playbook",
        "--audience",
        "internal",
        "--body",
        "Freeze the card first.",
    ]);
    let list = env.json(&["kb", "list"]);
    let slugs: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["slug"].as_str().unwrap())
        .collect();
    assert_eq!(slugs, ["fraud-playbook", "reset-a-forgotten-password"]);
    assert_eq!(list[0]["audience"], "internal");
    assert_eq!(list[1]["status"], "published");
    let shown = env.json(&["kb", "show", "reset-a-forgotten-password"]);
    assert_eq!(shown["title"], "Reset a forgotten password");
    assert!(
        shown["body"]
            .as_str()
            .unwrap()
            .contains("expires after one hour")
    );
    assert_eq!(shown["cases"], serde_json::json!([]));
    let err = env.fails(&["kb", "show", "nope"], 2);
    assert!(
        err.contains("reset-a-forgotten-password"),
        "names the known ones: {err}"
    );
    // kb search: the search syntax, over articles only.
    let hits = env.json(&["kb", "search", "expiring link"]);
    assert_eq!(hits[0]["id"], "reset-a-forgotten-password");
    let hits = env.json(&["kb", "search", "freeze"]);
    assert_eq!(hits[0]["id"], "fraud-playbook");
    env.fails(&["kb", "search", "declined"], 1);
    // …and `docket search` finds cases, not articles.
    env.fails(&["search", "freeze"], 1);
}

#[test]
fn kb_check_reports_header_link_and_type_problems() {
    let (env, _) = setup();
    env.ok(&[
        "kb",
        "new",
        "--title",
        "Good one",
        "--body",
        "See [other](kb:good-one).",
    ]);
    env.ok(&["kb", "check"]);
    let kb = env.dir.join("kb");
    std::fs::write(
        kb.join("broken-link.md"),
        "+++\ntitle = \"Links\"\napplies_to = [\"incidnet\"]\n+++\n\nSee [missing](missing-article.md) and [web](https://example.com/x.md).\n",
    )
    .unwrap();
    std::fs::write(
        kb.join("bad-header.md"),
        "+++\ntitle = \"T\"\nstatuss = \"draft\"\n+++\n",
    )
    .unwrap();
    std::fs::write(kb.join("no-header.md"), "# Just markdown\n").unwrap();
    let out = env.docket(&["kb", "check"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("kb/broken-link.md: body line 1: the link to \"missing-article\""),
        "{text}"
    );
    assert!(
        text.contains("kb/broken-link.md: applies_to names \"incidnet\""),
        "{text}"
    );
    assert!(
        text.contains("kb/bad-header.md: line 3: unknown key statuss"),
        "{text}"
    );
    assert!(text.contains("kb/no-header.md: line 1"), "{text}");
    assert!(!text.contains("good-one"), "{text}");
    let v = env.json_code(&["kb", "check"], 1);
    assert_eq!(v["findings"].as_array().unwrap().len(), 4, "{v}");
    assert_eq!(v["articles"], 4);
    // kb list reports the bad files and lists the rest (exit 2).
    let out = env
        .docket(&["kb", "list", "--format", "tsv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stdout).contains("good-one"));
}

#[test]
fn kb_send_comments_records_the_article_and_show_lists_the_case() {
    let (env, solved) = setup();
    env.ok(&[
        "kb",
        "new",
        "--from",
        &solved,
        "--slug",
        "declined",
        "--body",
        "Raise your limit.",
    ]);
    let open = env.create(
        "Card declined again",
        &["--from", "customer", "--body", "Declined!"],
    );
    // A draft is not sent (nothing written), unless forced.
    let before = env.commit_count();
    let err = env.fails(&["kb", "send", &open, "declined"], 2);
    assert!(err.contains("draft"), "{err}");
    assert_eq!(env.commit_count(), before);
    env.fails(&["kb", "send", &open, "nope"], 2);
    // Publish it (a reviewed edit through Git), then send.
    let path = env.dir.join("kb/declined.md");
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("status = \"draft\"", "status = \"published\"");
    std::fs::write(&path, text).unwrap();
    env.git(&["commit", "-qam", "publish"]);
    let case: Value = env.json(&["kb", "send", &open, "declined", "--channel", "chat"]);
    let last = case["timeline"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["kind"], "comment");
    assert_eq!(last["visibility"], "public");
    assert_eq!(last["channel"], "chat");
    assert_eq!(last["article"], "declined");
    assert!(last["body"].as_str().unwrap().contains("Raise your limit."));
    let msg = env.git(&["log", "-1", "--format=%s"]);
    assert!(msg.starts_with(&format!("kb-send {open}")), "{msg}");
    let shown = env.json(&["kb", "show", "declined"]);
    assert_eq!(shown["cases"][0]["id"], open.as_str());
    assert!(env.ok(&["kb", "show", "declined"]).contains(&open));
    assert_eq!(
        crate::search::ids_of(&env.json(&["search", "article:declined"])),
        one(&open)
    );
    env.ok(&["verify"]);
}

#[test]
fn kb_send_links_to_the_base_url_and_refuses_internal_articles() {
    let (env, _) = setup();
    let path = env.dir.join("docket.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text + "\n[kb]\nbase_url = \"https://help.example.com/kb\"\n",
    )
    .unwrap();
    env.git(&["commit", "-qam", "kb url"]);
    env.ok(&[
        "kb",
        "new",
        "--title",
        "Limits",
        "--body",
        "Long text",
        "--publish",
    ]);
    env.ok(&[
        "kb",
        "new",
        "--title",
        "Secret",
        "--body",
        "x",
        "--publish",
        "--audience",
        "internal",
    ]);
    let id = env.create("Limit?", &[]);
    let case = env.json(&["kb", "send", &id, "limits"]);
    let body = case["timeline"].as_array().unwrap().last().unwrap()["body"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        body.contains("https://help.example.com/kb/limits"),
        "{body}"
    );
    assert!(!body.contains("Long text"), "{body}");
    let err = env.fails(&["kb", "send", &id, "secret"], 2);
    assert!(err.contains("internal"), "{err}");
    // A bad base_url is a settings error.
    std::fs::write(
        &path,
        std::fs::read_to_string(&path)
            .unwrap()
            .replace("https://help", "help"),
    )
    .unwrap();
    let err = env.fails(&["kb", "list"], 2);
    assert!(err.contains("kb.base_url"), "{err}");
}

#[test]
fn completion_offers_article_slugs() {
    let (env, _) = setup();
    env.ok(&["kb", "new", "--title", "Reset password", "--body", "x"]);
    env.ok(&["kb", "new", "--title", "Refund policy", "--body", "x"]);
    let got = crate::shell::bash_complete(&env, &["docket", "kb", "show", ""]);
    assert!(
        got.iter().any(|g| g.starts_with("reset-password")),
        "{got:?}"
    );
    assert!(
        got.iter().any(|g| g.starts_with("refund-policy")),
        "{got:?}"
    );
    let got = crate::shell::bash_complete(&env, &["docket", "kb", "send", "DK-X", "res"]);
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].starts_with("reset-password"));
}

#[test]
fn a_settings_typo_in_search_is_named() {
    let env = TestEnv::new();
    let path = env.dir.join("docket.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.clone() + "\n[search]\nlanguage = \"klingon\"\n").unwrap();
    let err = env.fails(&["search", "x"], 2);
    assert!(err.contains("klingon"), "{err}");
    std::fs::write(&path, text + "\n[search]\nlanguages = \"english\"\n").unwrap();
    let err = env.fails(&["search", "x"], 2);
    assert!(err.contains("did you mean language"), "{err}");
}

#[test]
fn kb_new_opens_the_editor_on_a_terminal() {
    use expectrl::Expect;
    let (env, id) = setup();
    let run = |editor: &str, args: &[&str]| {
        let mut cmd = env.std_docket(args);
        cmd.env("EDITOR", editor);
        let mut s = expectrl::Session::spawn(cmd).expect("a pseudo-terminal");
        s.set_expect_timeout(Some(std::time::Duration::from_secs(20)));
        s.expect(expectrl::Eof).unwrap();
    };
    // The editor gets the article as it would be written and may change any of it.
    run(
        "sh -c 'sleep 0.05; sed -i \"s/Raised the daily online limit/Raised it in the editor/\" \"$1\"' editor",
        &["kb", "new", "--from", &id],
    );
    let text = std::fs::read_to_string(env.dir.join("kb/card-declined-at-checkout.md")).unwrap();
    assert!(text.contains("Raised it in the editor"), "{text}");
    // An article the editor broke is refused: nothing written.
    let before = env.commit_count();
    run(
        "sh -c 'sleep 0.05; printf \"no header\\n\" > \"$1\"' editor",
        &["kb", "new", "--title", "Broken"],
    );
    assert_eq!(env.commit_count(), before);
    assert!(!env.dir.join("kb/broken.md").exists());
}
