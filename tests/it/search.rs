//! Issue 15: `docket search` (phrases, exclusions, filters, prefixes, accents, stems,
//! ranking, snippets, exit codes), its index kept up to date (after `comment`, after a
//! `git pull`, after the index is deleted or damaged), a corrupt case reported while the
//! rest are searched, `similar` with its precision fixture, `show --suggest`, and `kb`.

use serde_json::Value;

use crate::util::TestEnv;

/// Appends settings to docket.toml and commits them.
fn settings(env: &TestEnv, extra: &str) {
    let path = env.dir.join("docket.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text + extra).unwrap();
    env.git(&["commit", "-qam", "settings"]);
}

/// One ID, as the list a search returns.
pub fn one(id: &str) -> Vec<String> {
    vec![id.to_string()]
}

pub fn ids_of(v: &Value) -> Vec<String> {
    ids(v)
}

fn ids(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap().to_string())
        .collect()
}

/// Runs `docket search ARGS --format json`; exit 0 required.
fn search(env: &TestEnv, args: &[&str]) -> Vec<String> {
    let mut all = vec!["search"];
    all.extend(args);
    ids(&env.json(&all))
}

/// What the index update did, from `DOCKET_TRACE=search`.
fn trace(env: &TestEnv, query: &str) -> String {
    let mut cmd = env.std_docket(&["search", query, "--format", "json"]);
    cmd.env("DOCKET_TRACE", "search");
    let out = cmd.output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    err.lines()
        .find(|l| l.contains("search index:"))
        .unwrap_or_else(|| panic!("no trace line in {err}"))
        .to_string()
}

struct Book {
    env: TestEnv,
    card: String,
    refund: String,
    cafe: String,
    app: String,
}

/// A small casebook: a declined card (acme, open, with an internal note), a refund
/// (globex, resolved), a Spanish case with accents, an app crash (closed, phone).
fn book() -> Book {
    let env = TestEnv::new();
    settings(&env, "\n[search]\nlanguage = [\"english\", \"spanish\"]\n");
    let card = env.create(
        "Card declined at checkout",
        &[
            "--account",
            "acme",
            "--from",
            "customer",
            "--body",
            "My card was declined twice at the online shop",
            "--tag",
            "vip",
        ],
    );
    env.ok(&[
        "comment",
        &card,
        "--internal",
        "-m",
        "Fraud score looks high; keep an eye on the merchant",
    ]);
    let refund = env.create(
        "Refund for a cancelled subscription",
        &[
            "--account",
            "globex",
            "--from",
            "customer",
            "--body",
            "I cancelled but was charged again; I want a refund",
        ],
    );
    env.ok(&[
        "resolve",
        &refund,
        "--resolution",
        "Charge refunded to the card",
    ]);
    let cafe = env.create(
        "Tarjeta bloqueada en el café",
        &[
            "--from",
            "customer",
            "--body",
            "Mi tarjeta quedó bloqueada al pagar en un café. ¿Pueden desbloquearla?",
        ],
    );
    let app = env.create(
        "App crashes when adding a payee",
        &[
            "--from",
            "customer",
            "--channel",
            "phone",
            "--body",
            "The app crashes",
        ],
    );
    env.ok(&["resolve", &app, "--resolution", "Fixed in 5.2.1"]);
    env.ok(&["close", &app]);
    Book {
        env,
        card,
        refund,
        cafe,
        app,
    }
}

#[test]
fn words_phrases_exclusions_prefixes_and_filters() {
    let b = book();
    let env = &b.env;
    // Words are stemmed: "refunds" finds "refund", "refunded".
    assert_eq!(search(env, &["refunds"]), one(&b.refund));
    // Every word must match.
    assert_eq!(search(env, &["card", "declined"]), one(&b.card));
    // An exact phrase: these words in this order, and not another form of them.
    assert_eq!(search(env, &["\"was declined\""]), one(&b.card));
    env.fails(&["search", "\"declined was\""], 1);
    env.fails(&["search", "\"was declines\""], 1);
    assert_eq!(search(env, &["declines"]), one(&b.card));
    // Exclusion.
    let cards = search(env, &["card"]);
    assert!(
        cards.contains(&b.card) && cards.contains(&b.refund),
        "{cards:?}"
    );
    assert_eq!(search(env, &["card -declined"]), one(&b.refund));
    let out = env.ok(&["search", "--", "card", "-declined"]);
    assert!(
        out.starts_with(&b.refund) && !out.contains(&b.card),
        "{out}"
    );
    // Field filters, in the query and as flags.
    assert_eq!(search(env, &["card account:acme"]), one(&b.card));
    assert_eq!(search(env, &["card", "--account", "ACME"]), one(&b.card));
    assert_eq!(search(env, &["card state:resolved"]), one(&b.refund));
    assert_eq!(
        search(env, &["card", "--state", "resolved"]),
        one(&b.refund)
    );
    assert_eq!(search(env, &["tag:vip"]), one(&b.card));
    assert_eq!(search(env, &["channel:phone"]), one(&b.app));
    assert_eq!(search(env, &["crashes"]), one(&b.app));
    env.fails(&["search", "crashes", "--open"], 1);
    // Prefixes.
    assert_eq!(search(env, &["subscr*"]), one(&b.refund));
    assert_eq!(search(env, &["account:glo*"]), one(&b.refund));
    // Resolutions are searched.
    assert_eq!(search(env, &["5.2.1"]), one(&b.app));
}

#[test]
fn accents_case_and_spanish_stems() {
    let b = book();
    let env = &b.env;
    assert_eq!(search(env, &["tarjeta"]), one(&b.cafe));
    assert_eq!(search(env, &["TARJETAS"]), one(&b.cafe), "Spanish plural");
    assert_eq!(search(env, &["cafe"]), one(&b.cafe), "cafe finds café");
    assert_eq!(search(env, &["quedo bloqueada"]), one(&b.cafe));
    assert_eq!(search(env, &["\"quedó bloqueada\""]), one(&b.cafe));
}

#[test]
fn internal_notes_are_searched_unless_excluded() {
    let b = book();
    let env = &b.env;
    assert_eq!(search(env, &["merchant"]), one(&b.card));
    env.fails(&["search", "merchant", "--no-internal"], 1);
}

#[test]
fn ranking_puts_the_title_match_and_more_matches_first() {
    let env = TestEnv::new();
    let body_only = env.create(
        "Question about my statement",
        &[
            "--from",
            "customer",
            "--body",
            "Also, a small printer question",
        ],
    );
    let title = env.create(
        "Printer driver for the printer in the office",
        &[
            "--from",
            "customer",
            "--body",
            "The printer prints blank pages",
        ],
    );
    let once = env.create(
        "Office move",
        &["--from", "customer", "--body", "We need the printer moved"],
    );
    let hits = env.json(&["search", "printer"]);
    assert_eq!(ids(&hits), [title.clone(), once.clone(), body_only.clone()]);
    let scores: Vec<f64> = hits
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["score"].as_f64().unwrap())
        .collect();
    assert!(
        scores[0] > scores[1] && scores[1] >= scores[2],
        "{scores:?}"
    );
    // --limit
    assert_eq!(
        ids(&env.json(&["search", "printer", "--limit", "1"])),
        [title]
    );
}

#[test]
fn snippets_json_tsv_and_table() {
    let b = book();
    let env = &b.env;
    let hits = env.json(&["search", "declined"]);
    let h = &hits[0];
    for key in [
        "id",
        "score",
        "state",
        "priority",
        "type",
        "assignee",
        "account",
        "title",
        "snippet",
        "highlights",
        "path",
    ] {
        assert!(h.get(key).is_some(), "{key} in {h}");
    }
    let snippet = h["snippet"].as_str().unwrap();
    assert!(snippet.contains("declined"), "{snippet}");
    let (from, to) = (
        h["highlights"][0][0].as_u64().unwrap() as usize,
        h["highlights"][0][1].as_u64().unwrap() as usize,
    );
    assert_eq!(&snippet[from..to], "declined");
    let tsv = env.ok(&["search", "declined", "--format", "tsv"]);
    let cols: Vec<&str> = tsv.lines().next().unwrap().split('\t').collect();
    assert_eq!(cols[0], b.card);
    assert_eq!(cols.len(), 5, "{tsv}");
    assert!(cols[4].contains("declined"));
    let table = env.ok(&["search", "declined"]);
    assert!(table.starts_with(&b.card), "{table}");
    assert!(table.lines().nth(1).unwrap().starts_with("    "), "{table}");
}

#[test]
fn highlights_on_a_terminal_colour() {
    let b = book();
    let mut cmd = b
        .env
        .std_docket(&["search", "declined", "--color", "always"]);
    cmd.env_remove("NO_COLOR");
    let out = cmd.output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("\x1b[1;31mdeclined\x1b[0m"), "{text:?}");
}

#[test]
fn exit_codes_and_query_errors() {
    let b = book();
    let env = &b.env;
    env.ok(&["search", "card"]);
    let err = env.fails(&["search", "nothingmatchesthis"], 1);
    assert!(err.contains("No matches"), "{err}");
    let err = env.fails(&["search", "stat:open"], 2);
    assert!(err.contains("did you mean state"), "{err}");
    let err = env.fails(&["search", "state:opne"], 2);
    assert!(err.contains("opne"), "{err}");
    let err = env.fails(&["search", "\"unclosed"], 2);
    assert!(err.contains("not closed"), "{err}");
    env.fails(&["search", "priority:P9"], 2);
    // A word too long to be indexed matches nothing (not everything).
    env.fails(&["search", &"a".repeat(100_000)], 1);
    env.fails(&["search", &format!("card {}", "b".repeat(200))], 1);
    // JSON on no match: an empty list, exit 1.
    let v = env.json_code(&["search", "nothingmatchesthis"], 1);
    assert_eq!(v, serde_json::json!([]));
}

#[test]
fn the_index_follows_comments_pulls_and_deletion() {
    let b = book();
    let env = &b.env;
    search(env, &["card"]);
    // Nothing changed: nothing indexed.
    assert!(
        trace(env, "card").contains("indexed=0"),
        "{}",
        trace(env, "card")
    );
    // One comment: that case alone is indexed again, and found by its new words.
    env.ok(&[
        "comment",
        &b.cafe,
        "-m",
        "Hemos desbloqueado la tarjeta: zanahoria",
    ]);
    let t = trace(env, "zanahoria");
    assert!(
        t.contains("indexed=1") && t.contains("rebuilt=false"),
        "{t}"
    );
    assert_eq!(search(env, &["zanahoria"]), one(&b.cafe));
    // A hand edit without docket is picked up too.
    let path = env.case_path(&b.refund);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replace("Refund for a cancelled", "Kumquat refund for a cancelled"),
    )
    .unwrap();
    assert_eq!(search(env, &["kumquat"]), one(&b.refund));
    std::fs::write(&path, text).unwrap();
    env.fails(&["search", "kumquat"], 1);
    // A deleted index is rebuilt, with the same answers.
    std::fs::remove_dir_all(env.dir.join(".git/docket/search")).unwrap();
    let t = trace(env, "card");
    assert!(t.contains("rebuilt=true"), "{t}");
    assert_eq!(search(env, &["zanahoria"]), one(&b.cafe));
    // A damaged manifest or index is rebuilt, never believed.
    std::fs::write(env.dir.join(".git/docket/search/manifest.bin"), b"garbage").unwrap();
    assert!(trace(env, "card").contains("rebuilt=true"));
    let index = env.dir.join(".git/docket/search/index/meta.json");
    std::fs::write(&index, b"{not json").unwrap();
    assert!(trace(env, "card").contains("rebuilt=true"));
    assert_eq!(search(env, &["zanahoria"]), one(&b.cafe));
    // A case removed from the casebook leaves the index.
    env.git(&["rm", "-q", path.to_str().unwrap()]);
    env.git(&["commit", "-qm", "remove"]);
    env.fails(&["search", "subscription"], 1);
}

#[test]
fn a_pull_that_brings_new_cases_is_searched() {
    let b = book();
    let env = &b.env;
    let remote = env.tmp.path().join("remote.git");
    env.git(&["init", "-q", "--bare", remote.to_str().unwrap()]);
    env.git(&["remote", "add", "origin", remote.to_str().unwrap()]);
    env.git(&["push", "-q", "origin", "HEAD:main"]);
    search(env, &["card"]);
    // Another clone adds a case and pushes.
    let other = env.tmp.path().join("other");
    env.git_in(
        env.tmp.path(),
        &[
            "clone",
            "-q",
            "-b",
            "main",
            remote.to_str().unwrap(),
            other.to_str().unwrap(),
        ],
    );
    let mut cmd = env.std_docket(&["create", "--title", "Pomegranate delivery lost", "--quiet"]);
    cmd.current_dir(&other);
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let new_id = String::from_utf8(out.stdout).unwrap().trim().to_string();
    env.git_in(&other, &["push", "-q", "origin", "HEAD:main"]);
    // Plain git pull here; the next search finds it.
    env.git(&["pull", "-q", "--no-rebase", "origin", "main"]);
    assert_eq!(search(env, &["pomegranate"]), [new_id]);
    let t = trace(env, "pomegranate");
    assert!(t.contains("rebuilt=false"), "{t}");
}

#[test]
fn a_corrupt_case_is_reported_and_the_rest_are_searched() {
    let b = book();
    let env = &b.env;
    search(env, &["card"]);
    let path = env.case_path(&b.refund);
    std::fs::write(&path, "this is = = not toml").unwrap();
    let out = env
        .docket(&["search", "card", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let hits: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        ids(&hits),
        one(&b.card),
        "the old text of the bad file is not served"
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&format!("{}.toml", b.refund)), "{err}");
}

#[test]
fn access_rules_hide_internal_notes_from_search() {
    let env = TestEnv::new();
    settings(
        &env,
        "\n[[access]]\nname = \"outsourced\"\nteam = \"outsourced\"\naccounts = [\"acme*\"]\ninternal_notes = false\n",
    );
    let path = env.dir.join("agents.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text + "\n[agents.olga]\nname = \"Olga\"\nemail = \"olga@example.com\"\nteam = \"outsourced\"\n\n[teams.outsourced]\n",
    )
    .unwrap();
    env.git(&["commit", "-qam", "olga"]);
    let id = env.create("Card declined", &["--account", "acme"]);
    env.ok(&["comment", &id, "--internal", "-m", "secret walnut"]);
    assert_eq!(search(&env, &["walnut"]), one(&id));
    env.fails(&["--as", "olga", "search", "walnut"], 1);
}

#[test]
fn custom_fields_and_guide_transcripts_are_searched() {
    let env = TestEnv::new();
    settings(
        &env,
        "\n[fields.contract]\ntype = \"text\"\ndescription = \"Contract\"\n",
    );
    let id = env.create("Order question", &[]);
    env.ok(&["set", &id, "contract=AB-7781"]);
    assert_eq!(search(&env, &["AB-7781"]), one(&id));
    assert_eq!(search(&env, &["contract:ab-7781"]), one(&id));
    env.fails(&["search", "contract:zz-1"], 1);
    // A guide run's transcript: its questions, the answers and the outcome.
    let login = env.create("Cannot log in", &["--type", "incident"]);
    env.ok(&[
        "guide",
        "run",
        &login,
        "login-failure",
        "--answer",
        "message=Invalid credentials",
        "--answer",
        "reset-recent=Yes",
    ]);
    assert_eq!(
        search(&env, &["\"synchronised to the mobile app\""]),
        one(&login)
    );
    assert_eq!(search(&env, &["\"customer tries to log in\""]), one(&login));
}

/// The similar-case fixture: (topic, title, body).
pub fn fixture() -> Vec<(String, String, String)> {
    let text = include_str!("../fixtures/similar.toml");
    let v: toml::Value = toml::from_str(text).unwrap();
    v["case"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["topic"].as_str().unwrap().to_string(),
                c["title"].as_str().unwrap().to_string(),
                c["body"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn similar_finds_the_same_topic_in_the_top_three_for_80_percent() {
    let env = TestEnv::new();
    settings(
        &env,
        "\n[search]\nlanguage = [\"english\", \"spanish\", \"french\"]\n",
    );
    let cases = fixture();
    assert!(cases.len() >= 60);
    let topics: std::collections::BTreeSet<&str> = cases.iter().map(|c| c.0.as_str()).collect();
    assert!(topics.len() >= 6);
    let mut topic_of = std::collections::HashMap::new();
    let mut ids = Vec::new();
    for (topic, title, body) in &cases {
        let id = env.create(title, &["--from", "customer", "--body", body]);
        env.ok(&["resolve", &id, "--resolution", &format!("Solved ({topic})")]);
        topic_of.insert(id.clone(), topic.clone());
        ids.push(id);
    }
    let mut good = 0;
    let mut misses = Vec::new();
    for id in &ids {
        let v = env.json(&["similar", id, "--limit", "3"]);
        let top: Vec<&str> = v["cases"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap())
            .collect();
        assert!(!top.contains(&id.as_str()), "a case is not like itself");
        if top.iter().any(|t| topic_of[*t] == topic_of[id]) {
            good += 1;
        } else {
            misses.push(id.clone());
        }
    }
    let precision = good as f64 / ids.len() as f64;
    eprintln!(
        "similar: top-3 precision {good}/{} = {precision:.2}",
        ids.len()
    );
    assert!(
        precision >= 0.8,
        "precision {precision:.2}; misses {misses:?}"
    );
}

#[test]
fn similar_lists_resolutions_articles_and_guides() {
    let mut env = TestEnv::new();
    let old = env.create(
        "Card declined at checkout",
        &[
            "--from",
            "customer",
            "--body",
            "My card was declined at the shop",
        ],
    );
    env.now = "2026-11-20T12:30:00Z".into();
    env_resolve(&env, &old, "Raised the daily online limit");
    let open = env.create(
        "card declined online",
        &[
            "--from",
            "customer",
            "--body",
            "my card gets declined when I pay online",
        ],
    );
    let unrelated = env.create(
        "Printer jam",
        &["--from", "customer", "--body", "paper stuck"],
    );
    env.ok(&["resolve", &unrelated, "--resolution", "Cleared"]);
    env.ok(&[
        "kb",
        "new",
        "--title",
        "Card declined online",
        "--body",
        "Raise the online limit in the app.",
        "--publish",
        "--applies-to",
        "incident",
    ]);
    let v = env.json(&["similar", &open]);
    assert_eq!(v["cases"][0]["id"], old.as_str());
    assert_eq!(v["cases"][0]["resolution"], "Raised the daily online limit");
    assert_eq!(v["cases"][0]["resolution_seconds"], 3 * 3600 + 1800);
    assert!(
        !v["cases"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == open.as_str()),
        "open cases are not suggested"
    );
    assert_eq!(v["articles"][0]["slug"], "card-declined-online");
    // The guides of the case's type (the template's: login-failure applies to questions
    // and incidents, lost-card to incidents, billing-dispute to neither).
    let guides: Vec<&str> = v["guides"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["name"].as_str().unwrap())
        .collect();
    let expected: &[&str] = match env.show(&open)["type"].as_str().unwrap() {
        "incident" => &["login-failure", "lost-card"],
        "question" => &["login-failure"],
        other => panic!("type {other}"),
    };
    assert_eq!(guides, expected);
    let text = env.ok(&["similar", &open]);
    assert!(
        text.contains("Similar resolved cases:") && text.contains("took 3h 30m"),
        "{text}"
    );
    // show --suggest: the case, then the suggestions.
    let shown = env.ok(&["show", &open, "--suggest"]);
    assert!(
        shown.find("card declined online").unwrap()
            < shown.find("Similar resolved cases:").unwrap()
    );
    let j = env.json(&["show", &open, "--suggest"]);
    assert_eq!(j["id"], open.as_str());
    assert_eq!(j["suggestions"]["cases"][0]["id"], old.as_str());
    env.fails(&["similar", "DK-NOPE"], 2);
}

#[test]
fn similar_holds_while_a_case_is_updated_again_and_again() {
    // Each update replaces the case's document; the old ones still count in a word's
    // document frequency until segments merge (tantivy's likeness scoring asserted on it).
    let env = TestEnv::new();
    let old = env.create(
        "card declined",
        &["--from", "customer", "--body", "card declined card"],
    );
    env.ok(&["resolve", &old, "--resolution", "limit raised"]);
    let open = env.create(
        "card declined online",
        &["--from", "customer", "--body", "card declined"],
    );
    for i in 0..4 {
        env.ok(&[
            "comment",
            &open,
            "--from",
            "customer",
            "-m",
            &format!("card {i}"),
        ]);
        let v = env.json(&["similar", &open]);
        assert_eq!(v["cases"][0]["id"], old.as_str());
    }
}

fn env_resolve(env: &TestEnv, id: &str, resolution: &str) {
    env.ok(&["resolve", id, "--resolution", resolution]);
}
