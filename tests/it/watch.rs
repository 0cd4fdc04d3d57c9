//! `docket watch`: with a watcher running, a read looks only at the case files it names
//! (no `lstat` of the others), and every answer equals a run that looks at every file —
//! after hand edits, docket's own writes, files and shard folders made, removed, renamed,
//! replaced by links, broken and fixed; a killed, restarted or foreign watcher is never
//! believed.

use std::path::{Path, PathBuf};

use crate::cache::{casebook, clone_with_caches, field};
use crate::util::TestEnv;

/// A watcher started in `dir` for the test, stopped when dropped.
struct Watching<'a> {
    env: &'a TestEnv,
    dir: PathBuf,
    /// Its process, as `watch start` said.
    pid: Option<u32>,
}

impl<'a> Watching<'a> {
    fn start(env: &'a TestEnv, dir: &Path) -> Watching<'a> {
        let out = env
            .std_docket(&["watch", "start", "--format", "json"])
            .current_dir(dir)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "watch start: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["running"], true, "{v}");
        Watching {
            env,
            dir: dir.to_path_buf(),
            pid: v["pid"].as_u64().map(|p| p as u32),
        }
    }

    fn pid(&self) -> u32 {
        self.pid.unwrap_or_else(|| {
            let v = status(self.env, &self.dir).expect("a watcher runs");
            v["pid"].as_u64().unwrap() as u32
        })
    }

    /// Sends the watcher signal `sig` (`libc::SIGKILL`, `SIGSTOP`, …).
    fn signal(&self, sig: libc::c_int) {
        let pid = self.pid();
        // SAFETY: kill has no memory preconditions; the pid is the watcher's.
        let sent = unsafe { libc::kill(pid as libc::pid_t, sig) };
        assert_eq!(sent, 0, "signal {sig} to {pid}");
    }
}

impl Drop for Watching<'_> {
    fn drop(&mut self) {
        let _ = self
            .env
            .std_docket(&["watch", "stop"])
            .current_dir(&self.dir)
            .output();
    }
}

/// `docket watch status --format json`, or `None` when it says none runs (exit 1).
fn status(env: &TestEnv, dir: &Path) -> Option<serde_json::Value> {
    let out = env
        .std_docket(&["watch", "status", "--format", "json"])
        .current_dir(dir)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    match out.status.code() {
        Some(0) => {
            assert_eq!(v["running"], true);
            Some(v)
        }
        Some(1) => {
            assert_eq!(v["running"], false);
            None
        }
        c => panic!("watch status exited {c:?}"),
    }
}

/// A read's outcome: exit code, stdout, stderr without trace lines; and the cache trace.
fn read(env: &TestEnv, dir: &Path, args: &[&str], watch: bool) -> ((i32, String, String), String) {
    let mut cmd = env.std_docket(args);
    cmd.current_dir(dir).env("DOCKET_TRACE", "cache");
    if !watch {
        cmd.env("DOCKET_WATCH", "0");
    }
    let out = cmd.output().unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    let (trace, rest): (Vec<&str>, Vec<&str>) =
        err.lines().partition(|l| l.starts_with("docket: "));
    (
        (
            out.status.code().unwrap(),
            String::from_utf8(out.stdout).unwrap(),
            rest.join("\n"),
        ),
        trace
            .into_iter()
            .filter(|l| l.starts_with("docket: cache"))
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

const READS: [&[&str]; 4] = [
    &["list", "--format", "json"],
    &["sla", "--format", "json"],
    &["report", "--since", "2026-11-01", "--format", "json"],
    &["search", "number", "--format", "json"],
];

/// Each read with the watcher, then the same with `DOCKET_WATCH=0` (every file looked
/// at): the answers must be equal, and the watched runs must have used the watcher's
/// answer (`watch=N`), unless `vouched` is false.
fn check(env: &TestEnv, step: &str, vouched: bool) {
    for args in READS {
        let (watched, trace) = read(env, &env.dir, args, true);
        let (walked, _) = read(env, &env.dir, args, false);
        if watched != walked {
            let (w, r) = (format!("{watched:?}"), format!("{walked:?}"));
            let at = w.bytes().zip(r.bytes()).take_while(|(a, b)| a == b).count();
            let from = at.saturating_sub(200);
            panic!(
                "{step}: {args:?}: the watched read differs\nwatched: …{}\nwalked:  …{}\n{trace}",
                &w[from..(at + 200).min(w.len())],
                &r[from..(at + 200).min(r.len())]
            );
        }
        let answered = trace.contains("watch=") && !trace.contains("watch=all");
        assert!(
            !trace.contains("watch=no"),
            "{step}: {args:?}: the watcher did not answer\n{trace}"
        );
        if vouched {
            assert!(answered, "{step}: {args:?}: not vouched for\n{trace}");
        }
    }
}

#[test]
fn a_watched_read_looks_only_at_what_changed() {
    let (env, ids) = casebook();
    let _w = Watching::start(&env, &env.dir);
    // The first read after the watcher started looks at everything (it cannot vouch for
    // a cache made without it) and stores the watcher's token.
    let ((code, _, _), trace) = read(&env, &env.dir, &["list"], true);
    assert_eq!(code, 0);
    assert!(trace.contains("watch=all"), "{trace}");
    // Then nothing is looked at, nothing parsed.
    let ((_, before, _), trace) = read(&env, &env.dir, &["list", "--format", "tsv"], true);
    assert_eq!(field(&trace, "watch"), 0, "{trace}");
    assert_eq!(field(&trace, "parsed"), 0, "{trace}");
    assert_eq!(field(&trace, "files"), ids.len(), "{trace}");
    // A hand edit in place (same file, same inode): that file alone is looked at.
    let path = env.case_path(&ids[5]);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("Case number 05", "Edited by hand")).unwrap();
    let ((_, out, _), trace) = read(&env, &env.dir, &["list", "--format", "tsv"], true);
    assert_eq!(field(&trace, "watch"), 1, "{trace}");
    assert_eq!(field(&trace, "parsed"), 1, "{trace}");
    assert!(out.contains("Edited by hand"), "{out}");
    assert_eq!(out, before.replace("Case number 05", "Edited by hand"));
    // …and the next read is back to none.
    let (_, trace) = read(&env, &env.dir, &["list"], true);
    assert_eq!(field(&trace, "watch"), 0, "{trace}");
    // docket's own write: that case is looked at.
    env.ok(&["comment", &ids[2], "-m", "hello"]);
    let (_, trace) = read(&env, &env.dir, &["list"], true);
    assert_eq!(field(&trace, "watch"), 1, "{trace}");
    // A read with DOCKET_WATCH=0 ignores the watcher, and the next watched read is still
    // vouched for.
    let (_, trace) = read(&env, &env.dir, &["list"], false);
    assert!(trace.contains("watch=no"), "{trace}");
    let (_, trace) = read(&env, &env.dir, &["list"], true);
    assert_eq!(field(&trace, "watch"), 0, "{trace}");
}

/// A small deterministic random sequence (the same on every run).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

#[test]
fn watched_reads_equal_reads_of_every_file_after_any_change() {
    let (env, mut ids) = casebook();
    let _w = Watching::start(&env, &env.dir);
    let cases = env.dir.join("cases");
    check(&env, "start", false);
    check(&env, "warm", true);
    let mut rng = Rng(17);
    let shards = |env: &TestEnv| -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(env.dir.join("cases"))
            .unwrap()
            .flatten()
            .filter(|e| e.file_type().unwrap().is_dir())
            .map(|e| e.file_name().into_string().unwrap())
            .collect();
        v.sort();
        v
    };
    for step in 0..36 {
        let id = ids[rng.below(ids.len())].clone();
        let path = env.case_path(&id);
        let what = match step % 12 {
            0 => {
                // A hand edit in place, same length.
                if let Ok(text) = std::fs::read_to_string(&path) {
                    std::fs::write(&path, text.replacen("Case", "CASE", 1)).unwrap();
                }
                "edit in place"
            }
            1 => {
                env.ok(&["comment", &id, "-m", &format!("step {step}")]);
                "docket comment"
            }
            2 => {
                ids.push(env.create(&format!("Made at step {step}"), &["--priority", "P1"]));
                "docket create"
            }
            3 => {
                let _ = std::fs::remove_file(&path);
                "file removed"
            }
            4 => {
                // A new shard folder holding a copy (the same ID twice).
                let dir = cases.join(format!("new{step}"));
                std::fs::create_dir(&dir).unwrap();
                if path.exists() {
                    std::fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
                }
                "new shard folder with a copy"
            }
            5 => {
                let all = shards(&env);
                let s = &all[rng.below(all.len())];
                std::fs::rename(cases.join(s), cases.join(format!("{s}-moved"))).unwrap();
                "shard folder renamed"
            }
            6 => {
                if path.exists() {
                    std::fs::write(&path, "id = [broken\n").unwrap();
                }
                "file broken"
            }
            7 => {
                // Everything back as Git has it (files restored, edits undone).
                env.git(&["checkout", "--", "cases"]);
                "git checkout -- cases"
            }
            8 => {
                if let Ok(f) = std::fs::File::options().write(true).open(&path) {
                    f.set_modified(
                        std::time::SystemTime::now() + std::time::Duration::from_secs(3),
                    )
                    .unwrap();
                }
                "touched"
            }
            9 => {
                // A shard folder replaced by a link to another: not followed.
                let all = shards(&env);
                let (a, b) = (&all[rng.below(all.len())], &all[rng.below(all.len())]);
                if a != b {
                    std::fs::rename(cases.join(a), env.dir.join(format!("aside-{step}"))).unwrap();
                    std::os::unix::fs::symlink(cases.join(b), cases.join(a)).unwrap();
                }
                "shard folder replaced by a link"
            }
            10 => {
                // Things that are not case files.
                let all = shards(&env);
                let s = cases.join(&all[rng.below(all.len())]);
                std::fs::write(s.join(".hidden.toml"), "x").unwrap();
                std::fs::write(s.join("notes.txt"), "x").unwrap();
                let _ = std::fs::create_dir(s.join(format!("sub{step}.toml")));
                std::fs::write(cases.join(format!("README{step}")), "x").unwrap();
                "not case files"
            }
            _ => {
                // Renamed within its folder.
                if path.exists() {
                    let to = path.with_file_name(format!("DK-RENAMED{step}.toml"));
                    std::fs::rename(&path, to).unwrap();
                }
                "file renamed"
            }
        };
        check(&env, &format!("step {step}: {what}"), true);
    }
}

#[test]
fn a_killed_restarted_or_foreign_watcher_is_not_believed() {
    let (env, ids) = casebook();
    let w = Watching::start(&env, &env.dir);
    check(&env, "start", false);
    check(&env, "warm", true);
    // Killed: reads look at every file again, and see what changed meanwhile.
    w.signal(libc::SIGKILL);
    let until = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while status(&env, &env.dir).is_some() && std::time::Instant::now() < until {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(status(&env, &env.dir).is_none(), "the watcher is gone");
    let path = env.case_path(&ids[1]);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replace("Case number 01", "Changed while unwatched"),
    )
    .unwrap();
    let ((_, out, _), trace) = read(&env, &env.dir, &["list", "--format", "tsv"], true);
    assert!(trace.contains("watch=no"), "{trace}");
    assert!(out.contains("Changed while unwatched"), "{out}");
    // A new watcher does not vouch for the old one's tokens.
    let _w2 = Watching::start(&env, &env.dir);
    std::fs::write(&path, text.replace("Case number 01", "Changed again")).unwrap();
    let ((_, out, _), trace) = read(&env, &env.dir, &["list", "--format", "tsv"], true);
    assert!(trace.contains("watch=all"), "{trace}");
    assert!(out.contains("Changed again"), "{out}");
    check(&env, "restarted", false);
    check(&env, "restarted, warm", true);
    // A clone with this clone's cache copied in (a CI cache, or cp -r): its own watcher
    // has never given these tokens.
    let clone = clone_with_caches(&env, "clone");
    let _w3 = Watching::start(&env, &clone);
    let (_, trace) = read(&env, &clone, &["list"], true);
    assert!(trace.contains("watch=all"), "{trace}");
    // The clone has the committed title, not the hand edit.
    let ((_, out, _), _) = read(&env, &clone, &["list", "--format", "tsv"], true);
    assert!(out.contains("Case number 01"), "{out}");
    assert!(!out.contains("Changed again"), "{out}");
}

#[test]
fn a_replaced_cases_folder_is_looked_at_whole() {
    let (env, ids) = casebook();
    let _w = Watching::start(&env, &env.dir);
    check(&env, "start", false);
    check(&env, "warm", true);
    let cases = env.dir.join("cases");
    let aside = env.dir.join("cases-old");
    std::fs::rename(&cases, &aside).unwrap();
    env.git(&["checkout", "--", "cases"]);
    let path = env.case_path(&ids[4]);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("Case number 04", "In the new folder")).unwrap();
    let ((_, out, _), trace) = read(&env, &env.dir, &["list", "--format", "tsv"], true);
    assert!(out.contains("In the new folder"), "{out}\n{trace}");
    assert!(trace.contains("watch=all"), "{trace}");
    // Watched again: the new folder's changes are seen.
    check(&env, "new cases/", false);
    check(&env, "new cases/, warm", true);
    std::fs::write(&path, text.replace("Case number 04", "Edited there")).unwrap();
    check(&env, "edit in the new cases/", true);
    std::fs::remove_dir_all(&aside).unwrap();
}

#[test]
fn start_stop_and_status_say_what_runs() {
    let (env, _) = casebook();
    // None runs: status exits 1 (JSON says so), stop is not an error.
    assert!(status(&env, &env.dir).is_none());
    let stop = env.json(&["watch", "stop"]);
    assert_eq!(stop["stopped"], false);
    let first = env.json(&["watch", "start"]);
    assert_eq!(first["started"], true, "{first}");
    assert!(first["folders"].as_u64().unwrap() >= 2, "{first}");
    let again = env.json(&["watch", "start"]);
    assert_eq!(again["started"], false, "{again}");
    assert_eq!(again["pid"], first["pid"]);
    // A second foreground watcher is refused, naming the one that runs.
    let err = env.fails(&["watch", "run"], 2);
    assert!(err.contains("already runs"), "{err}");
    assert!(err.contains(&first["pid"].to_string()), "{err}");
    let s = status(&env, &env.dir).unwrap();
    assert_eq!(s["pid"], first["pid"]);
    assert!(s["root"].as_str().unwrap().ends_with("cases"), "{s}");
    let stop = env.json(&["watch", "stop"]);
    assert_eq!(stop["stopped"], true);
    assert!(status(&env, &env.dir).is_none());
    // Human text on stdout for status; messages on stderr.
    let out = env.docket(&["watch", "status"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("no watcher runs"),
        "{out:?}"
    );
}

#[test]
fn the_watcher_ends_when_its_casebook_is_removed() {
    let (env, _) = casebook();
    let w = Watching::start(&env, &env.dir);
    let pid = w.pid();
    std::mem::forget(w);
    std::fs::remove_dir_all(&env.dir).unwrap();
    let alive = || Path::new(&format!("/proc/{pid}")).exists() && !zombie(pid);
    let until = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while alive() && std::time::Instant::now() < until {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(!alive(), "the watcher {pid} still runs");
}

fn zombie(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| {
        s.rsplit(')')
            .next()
            .is_some_and(|r| r.trim_start().starts_with('Z'))
    })
}

#[test]
fn a_casebook_moved_away_and_another_put_in_its_place_is_watched_afresh() {
    let (env, _) = casebook();
    let _w = Watching::start(&env, &env.dir);
    check(&env, "start", false);
    check(&env, "warm", true);
    // The casebook folder renamed (no event reaches a watch of cases/), and a clone put
    // where it was.
    let moved = env.tmp.path().join("moved");
    std::fs::rename(&env.dir, &moved).unwrap();
    env.git_in(
        env.tmp.path(),
        &[
            "clone",
            "-q",
            moved.to_str().unwrap(),
            env.dir.to_str().unwrap(),
        ],
    );
    // The watcher of that path now watches the new folder, and vouches for it.
    assert!(status(&env, &env.dir).is_some());
    check(&env, "the clone in its place", false);
    let id = env.create("Made in the clone", &[]);
    let path = env.case_path(&id);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replace("Made in the clone", "Edited in the clone"),
    )
    .unwrap();
    check(&env, "edited in the clone", true);
    let ((_, out, _), _) = read(&env, &env.dir, &["list", "--format", "tsv"], true);
    assert!(out.contains("Edited in the clone"), "{out}");
    std::fs::remove_dir_all(&moved).unwrap();
}

#[test]
fn a_new_casebook_without_cases_can_be_watched() {
    let env = TestEnv::new();
    assert!(!env.dir.join("cases").exists());
    let _w = Watching::start(&env, &env.dir);
    let ((code, out, _), _) = read(&env, &env.dir, &["list", "--format", "tsv"], true);
    assert_eq!((code, out.as_str()), (0, ""));
    let id = env.create("The first case", &[]);
    let ((_, out, _), trace) = read(&env, &env.dir, &["list", "--format", "tsv"], true);
    assert!(out.contains(&id), "{out}");
    assert!(!trace.contains("watch=no"), "{trace}");
    check(&env, "one case", false);
    check(&env, "one case, warm", true);
    // Outside a casebook: an error naming what to do.
    let err = env
        .std_docket(&["watch", "start"])
        .current_dir(env.tmp.path())
        .output()
        .unwrap();
    assert_eq!(err.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&err.stderr).contains("not in a casebook"),
        "{err:?}"
    );
}

#[test]
fn with_docket_watch_set_a_read_starts_the_watcher() {
    let (env, ids) = casebook();
    // Stopped at the end, however the test ends.
    let _w = Watching {
        env: &env,
        dir: env.dir.clone(),
        pid: None,
    };
    let ((_, before, _), trace) = read(&env, &env.dir, &["list", "--format", "tsv"], true);
    assert!(trace.contains("watch=no"), "{trace}");
    assert!(status(&env, &env.dir).is_none(), "not without docket.watch");
    env.git(&["config", "docket.watch", "true"]);
    // This read looks at every file and starts one in the background…
    let ((_, out, _), trace) = read(&env, &env.dir, &["list", "--format", "tsv"], true);
    assert!(trace.contains("watch=no"), "{trace}");
    assert_eq!(out, before);
    let until = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while status(&env, &env.dir).is_none() && std::time::Instant::now() < until {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(status(&env, &env.dir).is_some(), "a watcher was started");
    // …which the next reads use.
    check(&env, "started by a read", false);
    check(&env, "warm", true);
    let path = env.case_path(&ids[0]);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("Case number 00", "Seen by the watcher")).unwrap();
    let ((_, out, _), trace) = read(&env, &env.dir, &["list", "--format", "tsv"], true);
    assert_eq!(field(&trace, "watch"), 1, "{trace}");
    assert!(out.contains("Seen by the watcher"), "{out}");
    // DOCKET_WATCH=0 neither uses one nor starts one.
    env.ok(&["watch", "stop"]);
    let (_, trace) = read(&env, &env.dir, &["list"], false);
    assert!(trace.contains("watch=no"), "{trace}");
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert!(status(&env, &env.dir).is_none());
}

#[test]
fn a_stopped_watcher_costs_a_read_a_moment_not_its_answer() {
    let (env, ids) = casebook();
    let w = Watching::start(&env, &env.dir);
    check(&env, "start", false);
    // Stopped (Ctrl-Z in the terminal it runs in): it cannot answer.
    w.signal(libc::SIGSTOP);
    let path = env.case_path(&ids[2]);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replace("Case number 02", "Changed while it was stopped"),
    )
    .unwrap();
    let started = std::time::Instant::now();
    for _ in 0..3 {
        let ((code, out, _), trace) = read(&env, &env.dir, &["list", "--format", "tsv"], true);
        assert_eq!(code, 0);
        assert!(trace.contains("watch=no"), "{trace}");
        assert!(out.contains("Changed while it was stopped"), "{out}");
    }
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    w.signal(libc::SIGCONT);
    // Going again, it answers with what changed meanwhile.
    check(&env, "continued", true);
}

#[test]
fn files_changing_without_pause_do_not_keep_the_watcher_from_answering() {
    let (env, ids) = casebook();
    let _w = Watching::start(&env, &env.dir);
    check(&env, "start", false);
    // A program rewriting two files in turn, as fast as it can (alternating, so the
    // kernel cannot fold its events into one).
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (a, b) = (
        env.case_path(&ids[0]).with_file_name("busy-a.toml"),
        env.case_path(&ids[1]).with_file_name("busy-b.toml"),
    );
    let busy = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut n = 0u64;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let _ = std::fs::write(if n.is_multiple_of(2) { &a } else { &b }, n.to_string());
                n += 1;
            }
        })
    };
    std::thread::sleep(std::time::Duration::from_millis(100));
    for i in 0..3 {
        let ((_, _, _), trace) = read(&env, &env.dir, &["list", "--format", "tsv"], true);
        assert!(
            !trace.contains("watch=no") && !trace.contains("watch=all"),
            "read {i}: {trace}"
        );
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    busy.join().unwrap();
    check(&env, "after the busy program", true);
}

#[test]
fn a_broken_file_is_reported_by_watched_reads_without_being_read_again() {
    let (env, ids) = casebook();
    let _w = Watching::start(&env, &env.dir);
    check(&env, "start", false);
    let path = env.case_path(&ids[6]);
    let good = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, "id = [broken\n").unwrap();
    // The read after the change parses it (and reports it)…
    let ((code, _, err), trace) = read(&env, &env.dir, &["list", "--format", "tsv"], true);
    assert_eq!(code, 2, "{err}");
    assert_eq!(field(&trace, "parsed"), 1, "{trace}");
    // …the next ones report it from the cache: nothing looked at, nothing parsed.
    for _ in 0..2 {
        let (watched, trace) = read(&env, &env.dir, &["list", "--format", "tsv"], true);
        assert_eq!(field(&trace, "watch"), 0, "{trace}");
        assert_eq!(field(&trace, "parsed"), 0, "{trace}");
        let (walked, _) = read(&env, &env.dir, &["list", "--format", "tsv"], false);
        assert_eq!(watched, walked);
        assert!(watched.2.contains(&env.case_rel(&ids[6])), "{}", watched.2);
    }
    check(&env, "broken", true);
    // Fixed: read again, and no longer reported.
    std::fs::write(&path, good).unwrap();
    let ((code, out, err), _) = read(&env, &env.dir, &["list", "--format", "tsv"], true);
    assert_eq!((code, err.as_str()), (0, ""));
    assert!(out.contains(&ids[6]), "{out}");
    check(&env, "fixed", true);
    // Removed while broken: no longer reported either.
    std::fs::write(&path, "id = [broken\n").unwrap();
    check(&env, "broken again", true);
    std::fs::remove_file(&path).unwrap();
    let ((code, _, err), _) = read(&env, &env.dir, &["list", "--format", "tsv"], true);
    assert_eq!((code, err.as_str()), (0, ""));
    check(&env, "removed", true);
}

#[test]
fn a_watcher_that_lost_events_does_not_vouch_for_anything_before() {
    let (env, ids) = casebook();
    // The kernel queues this many events per watcher, drops what does not fit and says so
    // (IN_Q_OVERFLOW), as for a checkout of many thousands of files.
    let limit: usize = std::fs::read_to_string("/proc/sys/fs/inotify/max_queued_events")
        .ok()
        .and_then(|t| t.trim().parse().ok())
        .unwrap_or(16384);
    if limit > 200_000 {
        println!("skipped: the inotify queue holds {limit} events, too many to fill here");
        return;
    }
    let w = Watching::start(&env, &env.dir);
    check(&env, "start", false);
    check(&env, "warm", true);
    // While it is busy (stopped here, so that it reads nothing until all is done), more
    // events than its queue holds — two other files in a shard folder written in turn,
    // each write queuing at least one event the kernel cannot fold into the last one queued
    // (as many writes as the queue holds events, and some) — and then the
    // case files changed: theirs are the events dropped.
    w.signal(libc::SIGSTOP);
    let shard = env.case_path(&ids[0]).parent().unwrap().to_path_buf();
    for n in 0..limit + 100 {
        let name = if n % 2 == 0 {
            "busy-a.txt"
        } else {
            "busy-b.txt"
        };
        std::fs::write(shard.join(name), b"x").unwrap();
    }
    for (i, id) in ids.iter().enumerate() {
        let path = env.case_path(id);
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(
            &path,
            text.replace("Case number", &format!("Overflowed {i}")),
        )
        .unwrap();
    }
    w.signal(libc::SIGCONT);
    let ((_, out, _), trace) = read(&env, &env.dir, &["list", "--format", "tsv"], true);
    assert!(trace.contains("watch=all"), "{trace}");
    for i in 0..ids.len() {
        assert!(out.contains(&format!("Overflowed {i}")), "{out}");
    }
    check(&env, "after lost events", false);
    // Watched again from then on.
    check(&env, "watched again", true);
    let path = env.case_path(&ids[0]);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("Overflowed 0", "One more")).unwrap();
    let ((_, out, _), trace) = read(&env, &env.dir, &["list", "--format", "tsv"], true);
    assert_eq!(field(&trace, "watch"), 1, "{trace}");
    assert!(out.contains("One more"), "{out}");
    drop(w);
}
