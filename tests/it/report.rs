//! Issue 16: `docket report` in every format, on the demo casebook and on a hand-made
//! one: JSON names, CSV that parses, Markdown tables, an HTML page that parses as XML with
//! its six SVG charts and no external references; a headless browser when installed.

use std::process::Command;

use serde_json::Value;

use crate::util::TestEnv;

/// A casebook with a few weeks of history: cases created, answered, resolved, closed.
fn casebook() -> TestEnv {
    let mut env = TestEnv::new();
    let day = |d: u32, h: u32| format!("2026-11-{d:02}T{h:02}:00:00Z");
    for (i, d) in [2u32, 5, 9, 12, 16, 19].into_iter().enumerate() {
        env.now = day(d, 9);
        let id = env.create(
            &format!("Case {i}"),
            &["--from", "customer", "--body", "Help", "--priority", "P2"],
        );
        env.now = day(d, 10);
        env.ok(&["comment", &id, "-m", "Looking into it"]);
        if i % 2 == 0 {
            env.now = day(d, 13);
            env.ok(&["resolve", &id, "--resolution", "Fixed"]);
            env.now = day(d, 15);
            env.ok(&["close", &id, "--csat", &(3 + i as u32 % 3).to_string()]);
        }
    }
    env.now = day(20, 9);
    env
}

#[test]
fn json_names_and_values() {
    let env = casebook();
    let r = env.json(&["report", "--since", "2026-11-01", "--until", "2026-11-20"]);
    for key in [
        "since", "until", "at", "by", "calendar", "total", "groups", "weekly",
    ] {
        assert!(r.get(key).is_some(), "{key} in {r}");
    }
    let t = &r["total"];
    assert_eq!(t["volume"]["created"], 6);
    assert_eq!(t["volume"]["resolved"], 3);
    assert_eq!(t["volume"]["closed"], 3);
    assert_eq!(t["first_response"]["count"], 6);
    assert_eq!(t["first_response"]["median_seconds"], 3600);
    assert_eq!(t["resolution"]["median_seconds"], 4 * 3600);
    assert_eq!(t["backlog"]["open"], 3);
    assert_eq!(t["quality"]["csat_responses"], 3);
    assert!(
        t["sla"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["sla"] == "p2-response")
    );
    // Weeks start on Monday: Oct 26, Nov 2, 9 and 16 touch Nov 1–20.
    assert_eq!(r["weekly"].as_array().unwrap().len(), 4);
    // --by, and --at reproduces an earlier view.
    let by = env.json(&[
        "report",
        "--since",
        "2026-11-01",
        "--until",
        "2026-11-20",
        "--by",
        "week",
    ]);
    assert_eq!(by["groups"].as_array().unwrap().len(), 3);
    let then = env.json(&[
        "report",
        "--since",
        "2026-11-01",
        "--until",
        "2026-11-10",
        "--at",
        "2026-11-10T00:00:00Z",
    ]);
    assert_eq!(then["total"]["volume"]["created"], 3);
    // Business time by a calendar; a bad one is named.
    let b = env.json(&[
        "report",
        "--since",
        "2026-11-01",
        "--until",
        "2026-11-20",
        "--calendar",
        "business",
    ]);
    assert!(b["total"]["first_response"]["business"]["median_seconds"].is_number());
    let err = env.fails(&["report", "--calendar", "mars"], 2);
    assert!(err.contains("mars"), "{err}");
    let err = env.fails(&["report", "--since", "yesterday"], 2);
    assert!(err.contains("--since"), "{err}");
    // Relative times count back from now; a period over 100 years is refused.
    let rel = env.json(&["report", "--since", "-2d", "--until", "-1d"]);
    assert_eq!(rel["since"], "2026-11-18T09:00:00Z");
    assert_eq!(rel["until"], "2026-11-19T09:00:00Z");
    let err = env.fails(&["report", "--since", "0001-01-01"], 2);
    assert!(err.contains("longer than 100 years"), "{err}");
}

#[test]
fn csv_parses_as_one_row_per_group_and_metric() {
    let env = casebook();
    let out = env.ok(&[
        "report",
        "--since",
        "2026-11-01",
        "--until",
        "2026-11-20",
        "--by",
        "priority",
        "--format",
        "csv",
    ]);
    let mut lines = out.lines();
    assert_eq!(lines.next(), Some("group,metric,value"));
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert!(rows.iter().all(|r| r.len() == 3), "{out}");
    assert!(rows.iter().any(|r| r == &["all", "created", "6"]), "{out}");
    assert!(rows.iter().any(|r| r == &["P2", "created", "6"]), "{out}");
}

#[test]
fn markdown_is_tables() {
    let env = casebook();
    let md = env.ok(&[
        "report",
        "--since",
        "2026-11-01",
        "--until",
        "2026-11-20",
        "--format",
        "markdown",
    ]);
    assert!(md.starts_with("## Support report"), "{md}");
    assert!(md.contains("| metric | value |\n|---|---|\n"));
    assert!(md.contains("| week | created | resolved | backlog |"));
    for line in md.lines().filter(|l| l.starts_with('|')) {
        assert!(line.ends_with('|'), "{line}");
    }
}

fn html(env: &TestEnv) -> String {
    let path = env.tmp.path().join("report.html");
    env.ok(&[
        "report",
        "--since",
        "2026-11-01",
        "--until",
        "2026-11-20",
        "--format",
        "html",
        "-o",
        path.to_str().unwrap(),
    ]);
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn html_is_one_self_contained_page_with_six_svg_charts() {
    let env = casebook();
    let page = html(&env);
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..roxmltree::ParsingOptions::default()
    };
    let doc =
        roxmltree::Document::parse_with_options(&page, options).expect("the page parses as XML");
    let figures: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("figure"))
        .collect();
    let ids: Vec<&str> = figures.iter().filter_map(|f| f.attribute("id")).collect();
    assert_eq!(
        ids,
        [
            "weekly",
            "backlog",
            "first-response",
            "resolution",
            "sla",
            "csat"
        ]
    );
    for f in &figures {
        let svg = f
            .children()
            .find(|n| n.has_tag_name("svg"))
            .expect("an svg chart");
        let shapes = svg
            .descendants()
            .filter(|n| n.is_element() && !n.has_tag_name("text"))
            .count();
        assert!(shapes > 5, "chart {:?} draws something", f.attribute("id"));
    }
    // No scripts, no external resources (the SVG namespace is a name, not a fetch).
    assert!(
        doc.descendants()
            .all(|n| !n.has_tag_name("script") && !n.has_tag_name("link"))
    );
    for n in doc.descendants() {
        for a in n.attributes() {
            if matches!(a.name(), "href" | "src") {
                panic!("external reference {}={}", a.name(), a.value());
            }
        }
    }
    assert!(!page.contains("@import") && !page.contains("url("));
}

#[test]
fn the_html_report_renders_in_a_headless_browser_when_one_is_installed() {
    let browser = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|b| {
            Command::new(b)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        });
    let Some(browser) = browser else {
        eprintln!(
            "skipped: no headless browser (apt-get install chromium) to render the HTML report"
        );
        return;
    };
    let env = casebook();
    html(&env);
    let path = env.tmp.path().join("report.html");
    let out = Command::new(browser)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--dump-dom"])
        .arg(format!("file://{}", path.display()))
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&out.stdout);
    assert_eq!(dom.matches("<svg").count(), 6, "{dom}");
    // And it paints: a screenshot of the page is an image with the charts in it.
    let shot = env.tmp.path().join("report.png");
    let out = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--window-size=1000,2600",
        ])
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", path.display()))
        .output()
        .unwrap();
    let png = std::fs::read(&shot)
        .unwrap_or_else(|_| panic!("no screenshot: {}", String::from_utf8_lossy(&out.stderr)));
    assert!(png.starts_with(b"\x89PNG"), "a PNG");
    // A blank page compresses to a few kilobytes; six charts with text do not.
    assert!(png.len() > 30_000, "the screenshot is {} bytes", png.len());
}

#[test]
fn the_demo_casebook_reports() {
    let env = TestEnv::bare();
    let dir = env.tmp.path().join("demo");
    env.ok(&["demo", dir.to_str().unwrap()]);
    let out = env
        .docket(&[
            "report",
            "--format",
            "json",
            "--casebook",
            dir.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    // The default 30 days hold every case of the story, spread over several weeks.
    assert_eq!(r["total"]["volume"]["created"], 16);
    let weeks_with_cases = r["weekly"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["created"].as_u64().unwrap() > 0)
        .count();
    assert!(weeks_with_cases >= 4, "{r}");
    assert!(r["total"]["quality"]["csat_responses"].as_u64().unwrap() > 0);
}

#[test]
fn output_goes_to_a_relative_file_a_device_or_refuses_a_folder() {
    let env = casebook();
    env.ok(&["report", "--format", "json", "-o", "r.json"]);
    let v: Value =
        serde_json::from_str(&std::fs::read_to_string(env.dir.join("r.json")).unwrap()).unwrap();
    assert!(v["total"].is_object());
    // A device is written through, never replaced.
    env.ok(&["report", "-o", "/dev/null"]);
    assert!(!std::fs::symlink_metadata("/dev/null").unwrap().is_file());
    let err = env.fails(&["report", "-o", env.tmp.path().to_str().unwrap()], 2);
    assert!(err.contains("folder"), "{err}");
}

#[test]
fn the_report_cache_never_answers_for_a_changed_case() {
    let env = casebook();
    let args = ["report", "--since", "2026-11-01", "--until", "2026-11-21"];
    let before = env.json(&args);
    assert!(env.dir.join(".git/docket/report.bin").exists());
    let open = env.json(&["list", "--open"]);
    let id = open
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["state"] == "open")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    env.ok(&["resolve", &id, "--resolution", "Done"]);
    let after = env.json(&args);
    let n = |r: &Value| r["total"]["volume"]["resolved"].as_u64().unwrap();
    assert_eq!(n(&after), n(&before) + 1);
    // A damaged cache is rebuilt, never believed.
    std::fs::write(env.dir.join(".git/docket/report.bin"), b"DKTCACH7garbage").unwrap();
    assert_eq!(env.json(&args), after);
}

#[test]
fn what_happened_just_now_is_in_the_default_period() {
    let env = TestEnv::new();
    let id = env.create("Right now", &["--from", "customer", "--body", "hi"]);
    env.ok(&["comment", &id, "-m", "Hello"]);
    let r = env.json(&["report"]);
    assert_eq!(r["total"]["volume"]["created"], 1, "{r}");
    assert_eq!(r["total"]["first_response"]["count"], 1);
}
