//! At home in the shell: dynamic completion, man pages, help, colour, width, formats.

use std::process::Command;

use crate::util::TestEnv;

/// Asks docket for completions the way the bash script in completions/ does.
pub fn bash_complete(env: &TestEnv, words: &[&str]) -> Vec<String> {
    let index = (words.len() - 1).to_string();
    let mut args = vec!["--"];
    args.extend(words);
    let out = env
        .docket(&args)
        .env("COMPLETE", "bash")
        .env("_CLAP_COMPLETE_INDEX", &index)
        .env("_CLAP_COMPLETE_COMP_TYPE", "9")
        .env("_CLAP_COMPLETE_SPACE", "true")
        .env("_CLAP_IFS", "\n")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .split('\n')
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect()
}

#[test]
fn bash_completes_case_ids_from_the_casebook() {
    let env = TestEnv::new();
    let ids: Vec<String> = (0..5)
        .map(|i| env.create(&format!("case {i}"), &[]))
        .collect();
    let got = bash_complete(&env, &["docket", "show", ""]);
    for id in &ids {
        assert!(got.contains(id), "{id} missing from {got:?}");
    }
    // A prefix narrows the candidates.
    let prefix = &ids[0][..5];
    let got = bash_complete(&env, &["docket", "comment", prefix]);
    let expected: Vec<&String> = ids.iter().filter(|i| i.starts_with(prefix)).collect();
    assert!(!got.is_empty());
    assert!(got.iter().all(|g| g.starts_with(prefix)), "{got:?}");
    assert_eq!(got.len(), expected.len(), "{got:?}");
    // From a subfolder, and through DOCKET_DIR from elsewhere.
    let got = bash_complete(&env, &["docket", "log", ""]);
    assert!(got.contains(&ids[1]));
}

#[test]
fn completion_of_agents_and_configured_values() {
    let env = TestEnv::new();
    let id = env.create("x", &[]);
    assert_eq!(
        bash_complete(&env, &["docket", "assign", &id, "b"]),
        vec!["bob".to_string()]
    );
    let p = bash_complete(&env, &["docket", "list", "--priority", ""]);
    assert_eq!(p, vec!["P1", "P2", "P3", "P4"]);
    let s = bash_complete(&env, &["docket", "list", "--state", "aw"]);
    assert_eq!(s, vec!["awaiting-info"]);
    let t = bash_complete(&env, &["docket", "create", "--type", "inc"]);
    assert_eq!(t, vec!["incident"]);
    let c = bash_complete(&env, &["docket", "comment", &id, "--channel", "ph"]);
    assert_eq!(c, vec!["phone"]);
    let g = bash_complete(&env, &["docket", "guide", "show", "lo"]);
    assert_eq!(g, vec!["login-failure", "lost-card"]);
    let g = bash_complete(&env, &["docket", "guide", "run", &id, "bi"]);
    assert_eq!(g, vec!["billing-dispute"]);
    let t = bash_complete(&env, &["docket", "escalate", &id, "--team", "fr"]);
    assert_eq!(t, vec!["fraud"]);
    // A command's own flags and subcommands are offered too, its own flags before the
    // global ones (the completion scripts keep docket's order).
    let f = bash_complete(&env, &["docket", "list", "--so"]);
    assert_eq!(f, vec!["--sort"]);
    let all = bash_complete(&env, &["docket", "list", "--"]);
    let at = |flag: &str| all.iter().position(|c| c == flag);
    assert!(
        at("--state").is_some() && at("--state") < at("--casebook"),
        "{all:?}"
    );
    let k = bash_complete(&env, &["docket", "kb", "se"]);
    assert_eq!(k, vec!["search", "send"]);
    let e = bash_complete(&env, &["docket", "sla", "expl"]);
    assert_eq!(e, vec!["explain"]);
}

#[test]
fn fish_shows_titles_as_descriptions() {
    let env = TestEnv::new();
    let id = env.create("Printer on fire", &[]);
    let out = env
        .docket(&["--", "docket", "show", &id[..6]])
        .env("COMPLETE", "fish")
        .env("_CLAP_COMPLETE_INDEX", "2")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains(&format!("{id}\tPrinter on fire")), "{text:?}");
}

#[test]
fn completion_outside_a_casebook_fails_silently() {
    let env = TestEnv::bare();
    let got = bash_complete(&env, &["docket", "show", ""]);
    assert!(got.iter().all(|c| c.starts_with('-')), "{got:?}");
}

#[test]
fn completions_command_prints_the_committed_scripts() {
    let env = TestEnv::bare();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for (shell, file) in [
        ("bash", "docket.bash"),
        ("zsh", "_docket"),
        ("fish", "docket.fish"),
        ("elvish", "docket.elv"),
        ("powershell", "_docket.ps1"),
    ] {
        let printed = env.ok(&["completions", shell]);
        let committed = std::fs::read_to_string(root.join("completions").join(file)).unwrap();
        assert_eq!(printed, committed, "{shell}");
        assert!(
            printed.contains("COMPLETE"),
            "{shell} calls back into docket"
        );
    }
}

#[test]
fn man_pages_have_the_sections_a_reader_expects_and_render() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let main = std::fs::read_to_string(root.join("man/docket.1")).unwrap();
    for section in [
        ".TH DOCKET 1",
        ".SH NAME",
        ".SH SYNOPSIS",
        ".SH OPTIONS",
        ".SH SUBCOMMANDS",
        ".SH FILES",
        ".SH ENVIRONMENT",
        ".SH \"EXIT STATUS\"",
    ] {
        assert!(main.contains(section), "docket.1 lacks {section}");
    }
    for sub in ["create", "list", "comment", "show", "log", "resolve"] {
        let page = std::fs::read_to_string(root.join(format!("man/docket-{sub}.1"))).unwrap();
        let title = format!(".TH DOCKET-{} 1", sub.to_uppercase());
        assert!(page.contains(&title), "{sub}");
        assert!(
            page.contains("DOCKET_NOW") && page.contains("EXIT STATUS"),
            "{sub}"
        );
    }
    let create = std::fs::read_to_string(root.join("man/docket-create.1")).unwrap();
    assert!(create.contains(".SH EXAMPLES"));
    if Command::new("man")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
    {
        let out = Command::new("man")
            .args(["-l", root.join("man/docket.1").to_str().unwrap()])
            .env("MANPAGER", "cat")
            .env("PAGER", "cat")
            .env("MANWIDTH", "100")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("EXIT STATUS") && text.contains("DOCKET_NOW"),
            "{text}"
        );
        assert!(!text.contains(".SH"), "roff leaked into the rendered page");
    }
}

#[test]
fn every_command_and_flag_has_a_one_line_help() {
    use clap::CommandFactory;
    let mut cmd = docket::cli::Cli::command();
    // Built as help and completion build it: global arguments reach every command.
    cmd.build();
    let mut missing = Vec::new();
    let mut checked = 0;
    // Every command, nested ones (`guide run`, `sla explain`) too.
    fn check(c: &clap::Command, name: &str, missing: &mut Vec<String>, checked: &mut usize) {
        for arg in c.get_arguments() {
            if arg.get_id() == "help" || arg.get_id() == "version" {
                continue;
            }
            *checked += 1;
            if arg.get_help().is_none() {
                missing.push(format!("{name} {}", arg.get_id()));
            }
        }
        for sub in c.get_subcommands().filter(|s| s.get_name() != "help") {
            let name = format!("{name} {}", sub.get_name());
            if sub.get_about().is_none() {
                missing.push(name.clone());
            }
            check(sub, &name, missing, checked);
        }
    }
    check(&cmd, "docket", &mut missing, &mut checked);
    assert!(
        checked > 300,
        "only {checked} arguments seen: not every command was built"
    );
    assert!(missing.is_empty(), "no help for: {missing:?}");
}

#[test]
fn help_works_as_a_command_and_as_a_flag_with_examples() {
    let env = TestEnv::bare();
    let a = env.ok(&["help", "create"]);
    let b = env.ok(&["create", "--help"]);
    assert_eq!(a, b);
    assert!(a.contains("Examples:") && a.contains("--title"), "{a}");
    assert!(env.ok(&["-h"]).contains("list"));
}

#[test]
fn version_reports_the_commit_when_built_from_a_checkout() {
    let env = TestEnv::bare();
    let v = env.ok(&["--version"]);
    assert!(
        v.starts_with(&format!("docket {}", env!("CARGO_PKG_VERSION"))),
        "{v}"
    );
    let root = env!("CARGO_MANIFEST_DIR");
    if let Ok(out) = Command::new("git")
        .args(["-C", root, "rev-parse", "--short=7", "HEAD"])
        .output()
        && out.status.success()
    {
        assert!(v.contains("commit "), "{v}");
    }
}

#[test]
fn data_on_stdout_messages_on_stderr_quiet_and_json_print_no_messages() {
    let env = TestEnv::new();
    let id = env.create("Streams", &[]);
    let out = env.docket(&["comment", &id, "-m", "hi"]).output().unwrap();
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains(&id));
    let out = env
        .docket(&["comment", &id, "-m", "hi", "--quiet"])
        .output()
        .unwrap();
    assert!(out.stdout.is_empty() && out.stderr.is_empty());
    let out = env
        .docket(&["comment", &id, "-m", "hi", "--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["id"], id.as_str());
}

#[test]
fn tsv_is_one_record_per_line_with_an_optional_header() {
    let env = TestEnv::new();
    let a = env.create("First", &[]);
    let b = env.create("Second\tcase", &[]);
    let tsv = env.ok(&["list", "--format", "tsv", "--sort", "id"]);
    let lines: Vec<&str> = tsv.lines().collect();
    assert_eq!(lines.len(), 2);
    let mut ids = vec![a.clone(), b.clone()];
    ids.sort();
    for (line, id) in lines.iter().zip(&ids) {
        assert!(line.starts_with(&format!("{id}\t")), "{line}");
        assert_eq!(
            line.split('\t').count(),
            8,
            "tabs in titles are flattened: {line}"
        );
    }
    let with = env.ok(&["list", "--format", "tsv", "--header"]);
    assert!(with.starts_with("id\tpriority\tstate\t"));
    let one = env.ok(&["show", &a, "--format", "tsv"]);
    assert!(one.starts_with(&format!("{a}\t")) && one.lines().count() == 1);
}

/// Runs `docket ARGS` in a real pseudo-terminal of `cols` columns (util-linux `script`).
fn in_tty(env: &TestEnv, cols: u16, extra_env: &[(&str, &str)], args: &str) -> String {
    let bin = env!("CARGO_BIN_EXE_docket");
    let inner = format!("stty cols {cols} rows 40; {bin} {args}");
    let cmd: Command = env.std_docket(&[]);
    let mut script = Command::new("script");
    script
        .args(["-qec", &inner, "/dev/null"])
        .current_dir(&env.dir);
    for (k, v) in cmd.get_envs() {
        match v {
            Some(v) => script.env(k, v),
            None => script.env_remove(k),
        };
    }
    script.env_remove("NO_COLOR").env("TERM", "xterm");
    for (k, v) in extra_env {
        script.env(k, v);
    }
    let out = script.output().expect("`script` (util-linux) is installed");
    String::from_utf8_lossy(&out.stdout).replace('\r', "")
}

#[test]
fn colour_and_width_follow_the_terminal() {
    let env = TestEnv::new();
    let long =
        "A very long title that goes on and on about a printer that will not print anything at all";
    let id = env.create(long, &["--priority", "P1"]);
    // Piped: no colour, titles whole.
    let piped = env.ok(&["list"]);
    assert!(!piped.contains('\x1b') && piped.contains(long));
    // Forced colour when piped.
    let forced = env.ok(&["list", "--color", "always"]);
    assert!(forced.contains("\x1b[1;31mP1\x1b[0m"), "{forced:?}");
    // A real terminal: colour on, table fitted to 70 columns with an ellipsis.
    let tty = in_tty(&env, 70, &[], "list");
    assert!(tty.contains('\x1b'), "{tty:?}");
    assert!(tty.contains(&id));
    for line in tty.lines() {
        let plain = strip_ansi(line);
        assert!(plain.chars().count() <= 70, "too wide: {plain:?}");
    }
    assert!(tty.contains('…'));
    // NO_COLOR turns colour off on a terminal; --color never too.
    let no = in_tty(&env, 70, &[("NO_COLOR", "1")], "list");
    assert!(!no.contains('\x1b') && no.contains(&id), "{no:?}");
    let never = in_tty(&env, 70, &[], "list --color never");
    assert!(!never.contains('\x1b'));
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for d in chars.by_ref() {
                if d == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn comment_opens_the_editor_on_a_terminal_when_no_text_is_given() {
    use expectrl::Expect;
    let env = TestEnv::new();
    let id = env.create("Editor", &[]);
    let mut cmd = env.std_docket(&["comment", &id]);
    cmd.env(
        "EDITOR",
        "sh -c 'sleep 0.05; printf \"Written in the editor\\nsecond line\\n\" > \"$1\"' editor",
    );
    let mut s = expectrl::Session::spawn(cmd).expect("a pseudo-terminal");
    s.set_expect_timeout(Some(std::time::Duration::from_secs(20)));
    s.expect(expectrl::Eof).unwrap();
    let case = env.show(&id);
    let last = case["timeline"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["kind"], "comment");
    assert_eq!(last["body"], "Written in the editor\nsecond line");
}

/// `docket list | head -1`: when the reader goes away, docket stops quietly with exit 0,
/// in every format (JSON included).
#[test]
fn a_closed_pipe_ends_quietly_in_every_format() {
    let env = TestEnv::new();
    // Enough JSON (about 100 kB) that the writer outlives the pipe buffer.
    for i in 0..200 {
        env.create(
            &format!("Case number {i} with a title long enough to fill pipes"),
            &[],
        );
    }
    for format in ["table", "json", "tsv"] {
        let script = format!(
            "{} list --format {format} | head -c 1 >/dev/null; echo \"${{PIPESTATUS[0]}}\"",
            env!("CARGO_BIN_EXE_docket")
        );
        let mut cmd = std::process::Command::new("bash");
        cmd.arg("-c").arg(&script);
        let out = env.run_with_env(cmd);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("error"), "{format}: {stderr}");
        assert_eq!(
            String::from_utf8_lossy(&out.stdout).trim(),
            "0",
            "{format}: {stderr}"
        );
    }
}

/// Each command offers only the formats it prints: help, completion and the parser agree.
#[test]
fn each_command_offers_only_the_formats_it_prints() {
    let env = TestEnv::new();
    let id = env.create("Printer on fire", &[]);
    let formats = |words: &[&str]| {
        let mut got = bash_complete(&env, words);
        got.sort();
        got
    };
    assert_eq!(
        formats(&["docket", "list", "--format", ""]),
        ["json", "table", "tsv"]
    );
    assert_eq!(
        formats(&["docket", "escalate", &id, "--format", ""]),
        ["json", "table"]
    );
    assert_eq!(
        formats(&["docket", "sla", "--format", ""]),
        ["csv", "github", "json", "junit", "markdown", "table", "tsv"]
    );
    assert_eq!(
        formats(&["docket", "guide", "show", "lost-card", "--format", ""]),
        ["dot", "json", "table"]
    );
    let help = env.ok(&["escalate", "--help"]);
    assert!(
        help.contains("table") && !help.contains("junit") && !help.contains("dot"),
        "{help}"
    );
    let err = env.fails(&["escalate", &id, "-r", "x", "--format", "junit"], 2);
    assert!(
        err.contains("invalid value 'junit'") && err.contains("table, json"),
        "{err}"
    );
    // Nothing was written by the refused command.
    assert_eq!(env.show(&id)["escalation_level"], 0);
    // Before the command, as 0.1 allowed, --format still applies to it.
    let v: serde_json::Value =
        serde_json::from_str(&env.ok(&["--format", "json", "list"])).unwrap();
    assert_eq!(v[0]["id"], id.as_str());
}

/// Issue 12 #17: the editor opens on a template that names the case, its title, the
/// visibility and how to abort; `#` lines are dropped.
#[test]
fn regression_issue_12_the_editor_template_names_the_case() {
    use expectrl::Expect;
    let env = TestEnv::new();
    let id = env.create("Printer on fire", &[]);
    let seen = env.tmp.path().join("seen.txt");
    let mut cmd = env.std_docket(&["comment", &id, "--internal"]);
    cmd.env(
        "EDITOR",
        format!(
            "sh -c 'cp \"$1\" {}; printf \"Checked the toner\\n\" >> \"$1\"' editor",
            seen.display()
        ),
    );
    let mut s = expectrl::Session::spawn(cmd).expect("a pseudo-terminal");
    s.set_expect_timeout(Some(std::time::Duration::from_secs(20)));
    s.expect(expectrl::Eof).unwrap();
    let template = std::fs::read_to_string(&seen).unwrap();
    assert!(
        template.contains(&format!("# Comment on {id}: Printer on fire")),
        "{template}"
    );
    assert!(
        template.contains("internal work note") && template.contains("Lines starting with '#'"),
        "{template}"
    );
    let case = env.show(&id);
    let last = case["timeline"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["body"], "Checked the toner");
    assert_eq!(last["visibility"], "internal");
}

/// Issue 12 #15: the man pages pass `mandoc -T lint` without warnings (style notes
/// aside), and pages exist for the nested commands they reference.
#[test]
fn regression_issue_12_man_pages_lint_clean() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("man");
    for page in [
        "docket-guide-run.1",
        "docket-sla-explain.1",
        "docket-sync.1",
    ] {
        assert!(root.join(page).exists(), "{page}");
    }
    let pages: Vec<std::path::PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    let out = match Command::new("mandoc")
        .args(["-T", "lint", "-W", "warning"])
        .args(&pages)
        .output()
    {
        Ok(o) => o,
        Err(_) => {
            eprintln!("skipped: mandoc is not installed (apt-get install mandoc)");
            return;
        }
    };
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.trim().is_empty(), "mandoc -T lint:\n{text}");
}

/// Issue 12 #13: the README's tour runs verbatim in a fresh shell with `docket` installed
/// (on PATH), every line succeeding.
#[test]
fn regression_issue_12_the_readme_tour_runs_verbatim() {
    let env = TestEnv::bare();
    let readme = include_str!("../../README.md");
    let start = readme
        .find("## A two-minute tour")
        .expect("the README has a tour");
    let block = &readme[start..];
    let code_start = block.find("```sh\n").unwrap() + 6;
    let code = &block[code_start..code_start + block[code_start..].find("```").unwrap()];
    let bin = env.tmp.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_docket"), bin.join("docket")).unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut cmd = Command::new("bash");
    cmd.arg("-e").arg("-c").arg(code).env("PATH", path);
    let mut cmd = {
        let mut c = cmd;
        env.prepare(&mut c);
        // A fresh shell: real time and real randomness.
        c.env_remove("DOCKET_NOW").env_remove("DOCKET_RANDOM_SEED");
        c
    };
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "the tour failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let case_dir = env.tmp.path().join("support");
    assert!(case_dir.join("docket.toml").exists());
}

/// Issue 12 #15 and #10: a command's help shows its own options first and the global ones
/// under their own heading; `--csat five` says what a score is.
#[test]
fn regression_issue_12_help_groups_global_options_and_csat_says_1_to_5() {
    let env = TestEnv::new();
    let help = env.ok(&["escalate", "--help"]);
    let own = help.find("--reason").unwrap();
    let global = help
        .find("Global options:")
        .expect("a heading for global options");
    assert!(
        own < global && help[global..].contains("--casebook"),
        "{help}"
    );
    assert!(!help[..global].contains("--casebook"), "{help}");
    let id = env.create("Scored", &[]);
    let err = env.fails(&["close", &id, "--csat", "five"], 2);
    assert!(
        err.contains("whole number from 1 (bad) to 5 (great)"),
        "{err}"
    );
}

/// Issue 12 #11: people read local time with its offset (like `git log`); `--utc` or
/// `TZ=UTC` shows UTC and the header says so; JSON stays UTC.
#[test]
fn regression_issue_12_times_are_local_with_their_offset_or_utc() {
    let env = TestEnv::new();
    let id = env.create("Timed", &[]);
    let local = env
        .docket(&["list"])
        .env("TZ", "Europe/Madrid")
        .output()
        .unwrap();
    let local = String::from_utf8_lossy(&local.stdout).to_string();
    assert!(local.contains("2026-11-20 10:00 +0100"), "{local}");
    let show = env
        .docket(&["show", &id])
        .env("TZ", "Europe/Madrid")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&show.stdout).contains("2026-11-20 10:00:00 +0100"));
    let utc = env
        .docket(&["list", "--utc"])
        .env("TZ", "Europe/Madrid")
        .output()
        .unwrap();
    let utc = String::from_utf8_lossy(&utc.stdout).to_string();
    assert!(
        utc.contains("UPDATED (UTC)") && utc.contains("2026-11-20 09:00"),
        "{utc}"
    );
    assert!(env.ok(&["list"]).contains("UPDATED (UTC)"), "TZ=UTC");
    let json = env
        .docket(&["show", &id, "--format", "json"])
        .env("TZ", "Europe/Madrid")
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&json.stdout).contains("\"created_at\": \"2026-11-20T09:00:00Z\"")
    );
}

/// Issue 12 #7: the CI recipes cache the installed binary and leave no placeholder
/// unexplained.
#[test]
fn regression_issue_12_ci_recipes_cache_docket_and_explain_the_url() {
    let readme = include_str!("../../README.md");
    let start = readme.find("### A CI job that fails on breaches").unwrap();
    let recipes = &readme[start..start + readme[start..].find("## Guided decisions").unwrap()];
    assert!(!recipes.contains("OWNER"), "no bare placeholder");
    assert!(
        recipes.contains("Replace `DOCKET_GIT_URL`"),
        "the placeholder is explained"
    );
    assert!(recipes.contains("actions/cache@") && recipes.contains("~/.cargo/bin/docket"));
    assert!(recipes.contains("key: docket-v1, paths: [.cargo/bin/]"));
    // Issue 17: both recipes keep docket's read cache between runs, per branch.
    assert!(recipes.contains("path: .git/docket") && recipes.contains("github.ref_name"));
    assert!(recipes.contains("paths: [.git/docket/]") && recipes.contains("CI_COMMIT_REF_SLUG"));
    assert!(
        recipes.contains("command -v docket ||"),
        "installs only when not cached"
    );
    assert!(
        recipes.matches("--new-since").count() >= 2,
        "both recipes fail once per breach"
    );
}
