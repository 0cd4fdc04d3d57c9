//! Issue 11: many clones, one remote. A local bare remote and three clones, one over
//! `git daemon` on 127.0.0.1; every clone converges to the same bytes.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::util::TestEnv;

/// A bare remote seeded from the test's casebook, and `n` more clones of it.
struct Team {
    env: TestEnv,
    remote: PathBuf,
    clones: Vec<PathBuf>,
}

impl Team {
    fn new(n: usize) -> Team {
        let env = TestEnv::new();
        let remote = env.tmp.path().join("remote.git");
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
        env.ok(&["sync"]);
        let mut clones = vec![env.dir.clone()];
        for i in 1..n {
            let dir = env.tmp.path().join(format!("clone{i}"));
            let out = env.ok(&[
                "clone",
                remote.to_str().unwrap(),
                dir.to_str().unwrap(),
                "-q",
            ]);
            assert!(out.trim().ends_with(&format!("clone{i}")), "{out}");
            clones.push(dir);
        }
        Team {
            env,
            remote,
            clones,
        }
    }

    /// `docket ARGS` in clone `i`.
    fn run(&self, i: usize, args: &[&str]) -> std::process::Output {
        self.env
            .std_docket(args)
            .current_dir(&self.clones[i])
            .output()
            .unwrap()
    }

    fn ok(&self, i: usize, args: &[&str]) -> String {
        let out = self.run(i, args);
        assert!(
            out.status.success(),
            "clone {i}: docket {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn git(&self, i: usize, args: &[&str]) -> String {
        self.env.git_in(&self.clones[i], args)
    }

    fn case_file(&self, i: usize, id: &str) -> Vec<u8> {
        let rel = self.env.case_path(id);
        let rel = rel.strip_prefix(&self.env.dir).unwrap();
        std::fs::read(self.clones[i].join(rel)).unwrap()
    }

    fn assert_clean(&self, i: usize) {
        assert_eq!(
            self.git(i, &["status", "--porcelain"]),
            "",
            "clone {i} is clean"
        );
        let fsck = Command::new("git")
            .args(["fsck", "--no-progress"])
            .current_dir(&self.clones[i])
            .output()
            .unwrap();
        assert!(
            fsck.status.success(),
            "{}",
            String::from_utf8_lossy(&fsck.stderr)
        );
        // Merged histories verify clean: no event lost or changed, authors and times hold.
        let out = self.run(i, &["verify"]);
        assert!(
            out.status.success(),
            "clone {i}: docket verify found:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn three_clones_converge_to_the_same_bytes_with_every_event() {
    let team = Team::new(3);
    let id = team.env.create("Shared case", &["--priority", "P3"]);
    team.ok(0, &["sync"]);
    team.ok(1, &["sync"]);
    team.ok(2, &["sync"]);
    // Concurrent comments, state changes and field edits on one case in all three.
    team.ok(0, &["comment", &id, "-m", "from clone 0"]);
    team.ok(0, &["set", &id, "priority=P1", "tags+=zero"]);
    team.ok(
        1,
        &["comment", &id, "-m", "from clone 1", "--from", "customer"],
    );
    team.ok(1, &["set", &id, "priority=P2", "tags+=one"]);
    team.ok(2, &["assign", &id, "alice"]);
    team.ok(2, &["comment", &id, "-m", "from clone 2"]);
    team.ok(2, &["set", &id, "order_id=A-7"]);
    for i in 0..3 {
        team.ok(i, &["sync"]);
        team.assert_clean(i);
    }
    for i in 0..3 {
        team.ok(i, &["sync"]);
        team.assert_clean(i);
    }
    let first = team.case_file(0, &id);
    assert_eq!(team.case_file(1, &id), first, "clone 1 has the same bytes");
    assert_eq!(team.case_file(2, &id), first, "clone 2 has the same bytes");
    let text = String::from_utf8(first).unwrap();
    for words in ["from clone 0", "from clone 1", "from clone 2"] {
        assert_eq!(text.matches(words).count(), 1, "{words} once");
    }
    assert!(
        text.contains("kind = \"merge\""),
        "the priority conflict is recorded"
    );
    let v: serde_json::Value =
        serde_json::from_str(&team.ok(0, &["show", &id, "--format", "json"])).unwrap();
    let tags = v["tags"].as_array().unwrap();
    assert!(
        tags.contains(&"zero".into()) && tags.contains(&"one".into()),
        "{tags:?}"
    );
    assert_eq!(v["assignee"], "alice");
    assert_eq!(v["fields"]["order_id"], "A-7");
    let log = team.git(0, &["log", "--format=%s%n%b", "-20"]);
    assert!(
        log.contains("sync: 1 case merged") && log.contains("Docket-Action: sync"),
        "{log}"
    );
}

#[test]
fn sync_reports_conflicts_for_scripts() {
    let team = Team::new(2);
    let id = team.env.create("Contested", &[]);
    team.ok(0, &["sync"]);
    team.ok(1, &["sync"]);
    team.ok(0, &["set", &id, "priority=P1"]);
    team.ok(1, &["set", &id, "priority=P4"]);
    team.ok(0, &["sync"]);
    let v: serde_json::Value =
        serde_json::from_str(&team.ok(1, &["sync", "--format", "json"])).unwrap();
    assert_eq!(v["merged"], serde_json::json!([id]));
    assert_eq!(v["conflicts"][0]["field"], "priority");
    assert_eq!(v["pushed"], true);
    assert_eq!(v["incoming"], serde_json::json!([id]));
}

#[test]
fn plain_git_pull_and_rebase_use_the_driver() {
    let team = Team::new(2);
    let id = team.env.create("Pulled", &[]);
    team.ok(0, &["sync"]);
    team.ok(1, &["sync"]);
    team.ok(0, &["comment", &id, "-m", "zero"]);
    team.ok(0, &["sync"]);
    team.ok(1, &["comment", &id, "-m", "one"]);
    team.git(
        1,
        &["pull", "-q", "--no-rebase", "--no-edit", "origin", "main"],
    );
    let text = String::from_utf8(team.case_file(1, &id)).unwrap();
    assert!(
        text.contains("zero") && text.contains("one") && !text.contains("<<<<<<<"),
        "{text}"
    );
    team.assert_clean(1);
    // And a rebase.
    team.ok(0, &["comment", &id, "-m", "two"]);
    team.ok(0, &["sync"]);
    team.ok(1, &["comment", &id, "-m", "three"]);
    team.git(1, &["pull", "-q", "--rebase", "origin", "main"]);
    let text = String::from_utf8(team.case_file(1, &id)).unwrap();
    assert!(
        text.contains("two") && text.contains("three") && !text.contains("<<<<<<<"),
        "{text}"
    );
    team.assert_clean(1);
}

#[test]
fn a_refused_push_is_fetched_merged_and_pushed_again() {
    let team = Team::new(3);
    let id = team.env.create("Raced", &[]);
    for i in 0..3 {
        team.ok(i, &["sync"]);
    }
    team.ok(0, &["comment", &id, "-m", "racer zero"]);
    team.ok(2, &["comment", &id, "-m", "racer two"]);
    // Clone 2 pushes while clone 0 is between its fetch and its push (a pre-push hook).
    let hook = team.clones[0].join(".git/hooks/pre-push");
    let exe = env!("CARGO_BIN_EXE_docket");
    std::fs::write(
        &hook,
        format!(
            "#!/bin/sh\nif [ ! -e .git/raced ]; then touch .git/raced; (unset GIT_DIR GIT_WORK_TREE; cd '{}' && '{exe}' sync -q) > .git/raced.log 2>&1; fi\nexit 0\n",
            team.clones[2].display()
        ),
    )
    .unwrap();
    make_executable(&hook);
    let v: serde_json::Value =
        serde_json::from_str(&team.ok(0, &["sync", "--format", "json"])).unwrap();
    let log = std::fs::read_to_string(team.clones[0].join(".git/raced.log")).unwrap_or_default();
    assert_eq!(v["pushed"], true);
    assert!(
        v["retries"].as_u64().unwrap() >= 1,
        "{v}\nthe racing sync said: {log}"
    );
    team.ok(2, &["sync"]);
    assert_eq!(team.case_file(0, &id), team.case_file(2, &id));
    let text = String::from_utf8(team.case_file(0, &id)).unwrap();
    assert!(text.contains("racer zero") && text.contains("racer two"));
}

fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn a_conflict_in_settings_stops_sync_with_the_clone_unchanged() {
    let team = Team::new(2);
    team.ok(0, &["sync"]);
    team.ok(1, &["sync"]);
    for (i, prefix) in [(0, "AA"), (1, "BB")] {
        let path = team.clones[i].join("docket.toml");
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(
            &path,
            text.replacen(
                "id_prefix = \"DK\"",
                &format!("id_prefix = \"{prefix}\""),
                1,
            ),
        )
        .unwrap();
        team.git(i, &["commit", "-qam", "prefix"]);
    }
    team.ok(0, &["sync"]);
    let head = team.git(1, &["rev-parse", "HEAD"]);
    let out = team.run(1, &["sync"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("docket.toml"), "{stderr}");
    assert_eq!(
        team.git(1, &["rev-parse", "HEAD"]),
        head,
        "the clone is as it was"
    );
    team.assert_clean(1);
    assert!(!team.clones[1].join(".git/MERGE_HEAD").exists());
}

#[test]
fn an_unreadable_case_version_falls_back_to_conflict_markers() {
    let team = Team::new(2);
    let id = team.env.create("Broken on one side", &[]);
    team.ok(0, &["sync"]);
    team.ok(1, &["sync"]);
    let rel = team.env.case_path(&id);
    let rel = rel
        .strip_prefix(&team.env.dir)
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    let path = team.clones[0].join(&rel);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replacen("title = ", "title = = ", 1)).unwrap();
    team.git(0, &["commit", "-qam", "broken by hand"]);
    team.ok(0, &["sync"]);
    team.ok(1, &["comment", &id, "-m", "fine here"]);
    let head = team.git(1, &["rev-parse", "HEAD"]);
    let out = team.run(1, &["sync"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains(&id));
    assert_eq!(
        team.git(1, &["rev-parse", "HEAD"]),
        head,
        "nothing was lost or merged"
    );
    team.assert_clean(1);
}

#[test]
fn sync_over_git_daemon() {
    let team = Team::new(1);
    let id = team.env.create("Over the wire", &[]);
    team.ok(0, &["sync"]);
    // A port that is free now (the kernel picks it), below nothing else of ours.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap();
    let log = team.env.tmp.path().join("daemon.log");
    let base = team.env.tmp.path();
    let mut daemon = Command::new("git")
        .args([
            "daemon",
            "--reuseaddr",
            "--export-all",
            "--enable=receive-pack",
            "--listen=127.0.0.1",
            &format!("--port={port}"),
            &format!("--base-path={}", base.display()),
        ])
        .arg("--verbose")
        .arg(base)
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn();
    let Ok(daemon) = daemon.as_mut() else {
        eprintln!("skipped: git daemon is not available");
        return;
    };
    // Wait for the daemon to listen.
    let ready = (0..100).any(|_| {
        std::thread::sleep(std::time::Duration::from_millis(50));
        std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
    });
    let url = format!("git://127.0.0.1:{port}/remote.git");
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        assert!(ready, "git daemon listens on {port}");
        let dir = base.join("wire");
        // The daemon may still be settling: try the clone a few times.
        let cloned = (0..5).any(|_| {
            let out = team
                .env
                .docket(&["clone", &url, dir.to_str().unwrap(), "-q"])
                .output()
                .unwrap();
            if !out.status.success() {
                let _ = std::fs::remove_dir_all(&dir);
                std::thread::sleep(std::time::Duration::from_millis(300));
            }
            out.status.success()
        });
        assert!(
            cloned,
            "clone over git://: {}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        // A connection reset by a busy machine is retried (sync leaves the clone as it
        // was on a failure, so running it again is safe).
        let run = |args: &[&str]| {
            let mut last = String::new();
            for _ in 0..3 {
                let out = team
                    .env
                    .std_docket(args)
                    .current_dir(&dir)
                    .output()
                    .unwrap();
                if out.status.success() {
                    return;
                }
                last = String::from_utf8_lossy(&out.stderr).to_string();
                std::thread::sleep(std::time::Duration::from_millis(300));
            }
            panic!("docket {args:?}: {last}");
        };
        run(&["comment", &id, "-m", "over git://"]);
        run(&["sync"]);
        team.ok(0, &["comment", &id, "-m", "from the file remote"]);
        team.ok(0, &["sync"]);
        run(&["sync"]);
        let rel = team.env.case_path(&id);
        let rel = rel.strip_prefix(&team.env.dir).unwrap().to_path_buf();
        assert_eq!(
            std::fs::read(dir.join(&rel)).unwrap(),
            team.case_file(0, &id)
        );
    }));
    let _ = daemon.kill();
    let _ = daemon.wait();
    assert!(
        result.is_ok(),
        "sync over git daemon failed; the daemon said:\n{}",
        std::fs::read_to_string(&log).unwrap_or_default()
    );
    let _ = team.remote;
}

#[test]
fn the_same_id_created_in_two_clones_is_re_identified_not_merged() {
    let team = Team::new(2);
    // The same seed in both clones: the same new ID (as a copied file would give).
    let create = |i: usize, title: &str| {
        let out = team
            .env
            .std_docket(&["create", "--title", title, "-q"])
            .current_dir(&team.clones[i])
            .env("DOCKET_RANDOM_SEED", "4242")
            .env("DOCKET_NOW", format!("2026-11-20T09:0{i}:00Z"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    };
    let a = create(0, "Alpha's case");
    let b = create(1, "Bravo's case");
    assert_eq!(a, b, "the test needs a clash");
    team.ok(0, &["sync"]);
    let v: serde_json::Value =
        serde_json::from_str(&team.ok(1, &["sync", "--format", "json"])).unwrap();
    let to = v["reidentified"][0]["to"].as_str().unwrap().to_string();
    assert_eq!(v["reidentified"][0]["from"], a.as_str());
    assert_ne!(to, a);
    team.ok(0, &["sync"]);
    for i in 0..2 {
        let list = team.ok(i, &["list", "--format", "tsv"]);
        assert!(list.contains(&a) && list.contains(&to), "clone {i}: {list}");
        assert!(
            list.contains("Alpha's case") && list.contains("Bravo's case"),
            "{list}"
        );
        team.assert_clean(i);
    }
    let show: serde_json::Value =
        serde_json::from_str(&team.ok(0, &["show", &to, "--format", "json"])).unwrap();
    assert_eq!(show["title"], "Bravo's case");
    assert!(
        show["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "reidentified")
    );
}

#[test]
fn sync_without_a_remote_or_with_a_broken_one_says_so_and_changes_nothing() {
    let env = TestEnv::new();
    let head = env.git(&["rev-parse", "HEAD"]);
    let err = env.fails(&["sync"], 2);
    assert!(
        err.contains("no remote named \"origin\"") && err.contains("git remote add"),
        "{err}"
    );
    env.git(&["remote", "add", "origin", "/nonexistent/casebook.git"]);
    let err = env.fails(&["sync"], 2);
    assert!(
        err.contains("does not appear to be a git repository"),
        "{err}"
    );
    assert!(err.contains("nothing was changed"), "{err}");
    assert_eq!(env.git(&["rev-parse", "HEAD"]), head);
    assert_eq!(env.status(), "");
}
