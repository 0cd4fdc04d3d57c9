//! The casebook benchmark: generates casebooks of 1,000 and 10,000 cases (100,000 with
//! `--full`) and measures, in the same run, the median latency of whole `docket`
//! processes next to the plain-Git way of doing the same, printing the ratios.
//!
//!     cargo bench --bench casebook                 # 1k and 10k
//!     cargo bench --bench casebook -- --full       # also 100k
//!     cargo bench --bench casebook -- --sizes 5000 --runs 31
//!
//! Compared:
//! - `docket comment ID -m …` and `docket create …` against `git add FILE && git commit`
//!   of the same kind of change (append to one case file) on the same repository;
//! - `docket list --open` and `docket sla` (warm cache, and cold) against a plain read of
//!   every case file (`rg` when installed, else `cat` through `find`);
//! - `docket queue`, `mine`, `agents` and `report` against the same plain read, and
//!   `docket route` over the unassigned tenth of the cases;
//! - `list --open` and `sla` in a fresh clone with the cache restored and without it;
//! - Fossil's tickets at the same size when `fossil` is installed (`ticket change …
//!   icomment` vs `comment`, `ticket show 0` vs `list --format tsv`, the latter pair also
//!   each after a pause, as commands typed seconds apart run), and next to them the floor
//!   no cache can spare: every case file and shard folder `lstat`ed once, in this process;
//! - `docket search` (full build, warm, after one comment) and `similar` against `rg -i`
//!   over the same files, and the similar-case precision on its fixture;
//! - `docket verify` over a history of 5 commits per case (first run, and second run from
//!   its cache) against `git log --name-only` over the same history.

#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    clippy::print_stdout
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use chrono::{Duration as Span, TimeZone, Utc};
use docket::core::case::{Actor, Visibility};
use docket::core::id;
use docket::core::lifecycle::{self, Ctx, NewCase, Transition, TransitionDetails};
use docket::store::casefile;

const BIN: &str = env!("CARGO_BIN_EXE_docket");

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

const TITLES: &[&str] = &[
    "Card declined at checkout",
    "Cannot log in after password reset",
    "Double charge on invoice",
    "Refund not received",
    "App crashes on upload",
    "Statement request",
    "Unrecognised transaction",
    "Address change",
];
const AGENTS: &[&str] = &["alice", "bob", "chen"];
const CHANNELS: &[&str] = &["email", "phone", "chat", "web"];
const PRIORITIES: &[&str] = &["P1", "P2", "P3", "P3", "P4"];
const TYPES: &[&str] = &["question", "incident", "problem", "request"];

fn git(dir: &Path, args: &[&str]) {
    let ok = Command::new("git")
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::null())
        .status()
        .expect("git is installed")
        .success();
    assert!(ok, "git {args:?} failed");
}

/// A case as a customer opens it (`i`-th of a casebook, at `start`).
fn customer_case(
    rng: &mut Rng,
    i: usize,
    start: chrono::DateTime<Utc>,
) -> docket::core::case::Case {
    let mut ctx = Ctx::new(Actor::customer("Customer"), start, rng.next());
    lifecycle::create(
        NewCase {
            id: id::generate("DK", rng.next()),
            title: format!("{} #{i}", rng.pick(TITLES)),
            kind: rng.pick(TYPES).into(),
            priority: rng.pick(PRIORITIES).into(),
            account: Some(format!("account-{}", rng.below(500))),
            contact: Some(format!("Contact {}", rng.below(2000))),
            tags: vec![],
            fields: Default::default(),
            body: Some("Hello,\nsomething is wrong with my account.\nPlease help.".into()),
            channel: rng.pick(CHANNELS).into(),
        },
        &mut ctx,
    )
    .unwrap()
}

/// Writes `n` cases with realistic timelines and commits them with plain Git (which also
/// fills the index, as a real clone would have it). Returns the case IDs.
fn generate(dir: &Path, n: usize) -> Vec<String> {
    let _ = std::fs::remove_dir_all(dir);
    let status = Command::new(BIN)
        .args(["init", dir.to_str().unwrap(), "--quiet"])
        .status()
        .unwrap();
    assert!(status.success());
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ n as u64);
    let base = Utc.with_ymd_and_hms(2026, 1, 1, 8, 0, 0).unwrap();
    let mut ids: Vec<String> = Vec::with_capacity(n);
    for i in 0..n {
        let start = base + Span::minutes(i as i64 * 17 % 400_000);
        let mut case = customer_case(&mut rng, i, start);
        let agent = rng.pick(AGENTS);
        let mut t = start;
        let mut step = |rng: &mut Rng| {
            t += Span::minutes(5 + rng.below(600) as i64);
            Ctx::new(Actor::agent(agent), t, rng.next())
        };
        // One case in ten waits unassigned in support's queue (what `route` works on).
        if i % 10 == 0 {
            case.team = Some("support".into());
            docket::core::merge::stamp_clocks(&mut case, 0);
            let path = dir.join(casefile::path_for(&case.id));
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, casefile::render_new(&case)).unwrap();
            ids.push(case.id.to_string());
            continue;
        }
        lifecycle::assign(&mut case, &mut step(&mut rng), Some((agent, None))).unwrap();
        for _ in 0..rng.below(4) {
            lifecycle::comment(
                &mut case,
                &mut step(&mut rng),
                "Thanks, we are looking into it and will get back to you.",
                "email",
                Visibility::Public,
            )
            .unwrap();
        }
        match rng.below(4) {
            0 => {}
            1 => lifecycle::transition(
                &mut case,
                &mut step(&mut rng),
                Transition::Wait,
                TransitionDetails {
                    reason: Some("Asked for details".into()),
                    ..Default::default()
                },
            )
            .unwrap(),
            _ => {
                let res = TransitionDetails {
                    resolution: Some("Fixed".into()),
                    ..Default::default()
                };
                lifecycle::transition(&mut case, &mut step(&mut rng), Transition::Resolve, res)
                    .unwrap();
                lifecycle::transition(
                    &mut case,
                    &mut step(&mut rng),
                    Transition::Close,
                    Default::default(),
                )
                .unwrap();
            }
        }
        // Every event docket writes carries its logical clock; so do these.
        docket::core::merge::stamp_clocks(&mut case, 0);
        let path = dir.join(casefile::path_for(&case.id));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, casefile::render_new(&case)).unwrap();
        ids.push(case.id.to_string());
    }
    // Room for everyone: the template's capacities (20) are for a small team.
    let agents = dir.join("agents.toml");
    let text = std::fs::read_to_string(&agents).unwrap();
    std::fs::write(&agents, text.replace("capacity = 20", "capacity = 100000")).unwrap();
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", "generated cases"]);
    ids
}

fn time(mut cmd: Command) -> Duration {
    cmd.stdout(Stdio::null()).stderr(Stdio::piped());
    let t = Instant::now();
    let out = cmd.output().expect("the command runs");
    let d = t.elapsed();
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    d
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn docket(dir: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(BIN);
    c.args(args).current_dir(dir);
    c
}

/// `docket watch` running for a casebook while some rows are timed; stopped when
/// dropped. Reads made while it runs look only at the files it says changed.
struct Watching(PathBuf);

impl Watching {
    /// Starts it and makes one `list` and one `sla` read, so the caches carry its token
    /// (the first read after it started looks at every file). `None`, with the reason
    /// printed, when it cannot run here.
    fn start(dir: &Path) -> Option<Watching> {
        let out = docket(dir, &["watch", "start"]).output().ok()?;
        if !out.status.success() {
            println!(
                "| docket watch | skipped: {} | | |",
                String::from_utf8_lossy(&out.stderr).trim()
            );
            return None;
        }
        let w = Watching(dir.to_path_buf());
        for args in [&["list", "--format", "tsv"][..], &["sla"]] {
            time(docket(dir, args));
        }
        Some(w)
    }
}

impl Drop for Watching {
    fn drop(&mut self) {
        let _ = docket(&self.0, &["watch", "stop"]).output();
    }
}

/// `docket sync` of a clone behind by 100 commits on 100 cases, with 100 local commits on
/// other cases and 10 on the same ones, next to a plain `git pull --no-rebase` of the
/// same repositories (without the merge driver). Returns both times and the cases merged.
fn sync_bench(dir: &Path, ids: &[String]) -> (Duration, Duration, usize) {
    let base = dir.with_extension("sync");
    let _ = std::fs::remove_dir_all(&base);
    std::fs::create_dir_all(&base).unwrap();
    let remote = base.join("remote.git");
    git(
        &base,
        &[
            "clone",
            "-q",
            "--bare",
            dir.to_str().unwrap(),
            remote.to_str().unwrap(),
        ],
    );
    let (a, b) = (base.join("a"), base.join("b"));
    for clone in [&a, &b] {
        time(docket(
            &base,
            &[
                "clone",
                remote.to_str().unwrap(),
                clone.to_str().unwrap(),
                "-q",
            ],
        ));
    }
    let comment = |clone: &Path, id: &str, text: &str| {
        time(docket(clone, &["comment", id, "-m", text, "-q"]));
    };
    for (i, id) in ids.iter().take(100).enumerate() {
        comment(&a, id, &format!("remote {i}"));
    }
    git(&a, &["push", "-q", "origin", "HEAD"]);
    for (i, id) in ids.iter().skip(100).take(100).enumerate() {
        comment(&b, id, &format!("local {i}"));
    }
    for (i, id) in ids.iter().take(10).enumerate() {
        comment(&b, id, &format!("local, same case {i}"));
    }
    let plain = base.join("plain");
    let mut cp = Command::new("cp");
    cp.args(["-a", b.to_str().unwrap(), plain.to_str().unwrap()]);
    time(cp);
    git(&plain, &["config", "--unset", "merge.docket.driver"]);
    let mut pull = Command::new("git");
    pull.args(["pull", "-q", "--no-rebase", "--no-edit", "origin", "main"])
        .current_dir(&plain)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let t = Instant::now();
    let _ = pull.status(); // conflicts: exit 1, by design of the comparison
    let pulled = t.elapsed();
    let synced = time(docket(&b, &["sync", "-q"]));
    let _ = std::fs::remove_dir_all(&base);
    (synced, pulled, 10)
}

/// A casebook of `n` cases with `commits` commits of docket-style history, written with
/// `git fast-import`: each case created in its own commit (the customer's first
/// message), then one comment commit after another by the agent its event names, each
/// at its event's time, with docket's trailers. Returns its folder.
fn history(dir: &Path, n: usize, commits: usize) -> PathBuf {
    use std::fmt::Write as _;
    use std::io::Write as _;
    let hist = dir.with_extension("history");
    let _ = std::fs::remove_dir_all(&hist);
    let status = Command::new(BIN)
        .args(["init", hist.to_str().unwrap(), "--quiet"])
        .status()
        .unwrap();
    assert!(status.success());
    let mut rng = Rng(7);
    let t0 = Utc
        .with_ymd_and_hms(2026, 6, 1, 8, 0, 0)
        .unwrap()
        .timestamp();
    let mut stream = String::new();
    let data = |s: &mut String, text: &str| {
        write!(s, "data {}\n{text}\n", text.len()).unwrap();
    };
    let commit = |s: &mut String,
                  at: i64,
                  who: (&str, &str),
                  message: &str,
                  path: &str,
                  text: &str,
                  first: bool| {
        s.push_str("commit refs/heads/main\n");
        writeln!(s, "author {} <{}> {at} +0000", who.0, who.1).unwrap();
        writeln!(s, "committer {} <{}> {at} +0000", who.0, who.1).unwrap();
        data(s, message);
        if first {
            s.push_str("from refs/heads/main^0\n");
        }
        writeln!(s, "M 100644 inline {path}").unwrap();
        data(s, text);
    };
    let mut ids = Vec::with_capacity(n);
    let mut texts = Vec::with_capacity(n);
    let mut at = t0;
    for i in 0..n {
        at += 60;
        let start = Utc.timestamp_opt(at, 0).unwrap();
        let case = customer_case(&mut rng, i, start);
        let text = casefile::render_new(&case);
        let path = casefile::path_for(&case.id);
        let message = format!(
            "create {}: {}\n\nDocket-Case: {}\nDocket-Action: create\n",
            case.id, case.title, case.id
        );
        commit(
            &mut stream,
            at,
            ("Alice Martin", "alice@example.com"),
            &message,
            &path,
            &text,
            i == 0,
        );
        ids.push(case.id);
        texts.push(text);
    }
    for i in n..commits {
        at += 60;
        let k = rng.below(ids.len() as u64) as usize;
        let id = &ids[k];
        let when = Utc
            .timestamp_opt(at, 0)
            .unwrap()
            .format("%Y-%m-%dT%H:%M:%SZ");
        let event = id::encode(rng.next(), 8);
        let agent = rng.pick(AGENTS);
        write!(
            texts[k],
            "\n[[timeline]]\nid = \"{event}\"\nat = {when}\nactor = \"{agent}\"\nkind = \"comment\"\nchannel = \"email\"\nvisibility = \"public\"\nbody = \"bench comment {i}\"\nclock = {i}\n"
        )
        .unwrap();
        let who = match agent {
            "alice" => ("Alice Martin", "alice@example.com"),
            "bob" => ("Bob Okafor", "bob@example.com"),
            _ => ("Chen Wei", "chen@example.com"),
        };
        let message = format!(
            "comment {id}: comment by {agent}\n\nDocket-Case: {id}\nDocket-Action: comment\n"
        );
        commit(
            &mut stream,
            at,
            who,
            &message,
            &casefile::path_for(id),
            &texts[k],
            false,
        );
    }
    let mut child = Command::new("git")
        .args(["fast-import", "--quiet", "--force"])
        .current_dir(&hist)
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stream.as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success());
    git(&hist, &["reset", "-q", "--hard", "main"]);
    hist
}

/// A CI job's checkout: `list --open` and `sla` in a fresh clone with `.git/docket/`
/// restored from a cache (a first run: the restored entries' stat data are the other
/// clone's), and with no cache at all. Each run in the clone is followed by the warm
/// read (or the plain scan) in the original casebook it is compared with, so both see
/// the same load; the clone is flushed to disk first, so the kernel writing out the
/// checkout is not timed as part of docket's reads.
fn clone_rows(dir: &Path, scan_name: &str, scan: &dyn Fn() -> Duration) {
    let clone = dir.with_extension("clone");
    let _ = std::fs::remove_dir_all(&clone);
    // Through the transport (file://), not by copying .git/objects: a `git gc --auto`
    // started by the earlier commits may be packing the objects under a local copy.
    git(
        dir.parent().unwrap(),
        &[
            "clone",
            "-q",
            &format!("file://{}", dir.display()),
            clone.to_str().unwrap(),
        ],
    );
    let _ = Command::new("sync").status();
    // Each run starts from what a CI job restores (the other clone's caches: every
    // file's stat data differ, so the blob ids decide) or from nothing; median of seven.
    let restore = |with_cache: bool| {
        let _ = std::fs::remove_dir_all(clone.join(".git/docket"));
        if with_cache {
            std::fs::create_dir_all(clone.join(".git/docket")).unwrap();
            for f in ["summaries.bin", "clocks.bin"] {
                std::fs::copy(
                    dir.join(".git/docket").join(f),
                    clone.join(".git/docket").join(f),
                )
                .unwrap();
            }
        }
    };
    // (the clone's first runs, the runs they are compared with)
    let first = |with_cache: bool, args: &[&str]| {
        let (mut firsts, mut theirs) = (Vec::new(), Vec::new());
        for _ in 0..7 {
            restore(with_cache);
            firsts.push(time(docket(&clone, args)));
            theirs.push(if with_cache {
                time(docket(dir, args))
            } else {
                scan()
            });
        }
        (median(firsts), median(theirs))
    };
    let (list_restored, list) = first(true, &["list", "--open"]);
    let (sla_restored, sla) = first(true, &["sla"]);
    let (list_cold, scan_list) = first(false, &["list", "--open"]);
    let (sla_cold, scan_sla) = first(false, &["sla"]);
    let _ = std::fs::remove_dir_all(&clone);
    let r = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64();
    println!(
        "| list --open, fresh clone, cache restored (vs warm) | {} | {} | {:.2}× warm |",
        ms(list_restored),
        ms(list),
        r(list_restored, list)
    );
    println!(
        "| sla, fresh clone, cache restored (vs warm) | {} | {} | {:.2}× warm |",
        ms(sla_restored),
        ms(sla),
        r(sla_restored, sla)
    );
    println!(
        "| list --open, fresh clone, no cache (vs {scan_name}) | {} | {} | {:.2}× {scan_name}'s time |",
        ms(list_cold),
        ms(scan_list),
        r(list_cold, scan_list)
    );
    println!(
        "| sla, fresh clone, no cache (vs {scan_name}) | {} | {} | {:.2}× {scan_name}'s time |",
        ms(sla_cold),
        ms(scan_sla),
        r(sla_cold, scan_sla)
    );
}

/// Fossil's ticket tracker at the same size, when `fossil` is installed (the benchmark
/// installs nothing): `fossil ticket change … icomment` next to `docket comment`, and
/// `fossil ticket show 0` (every ticket) next to `docket list --format tsv`. Building
/// takes one `fossil ticket add` per ticket (about 7 ms each), so sizes above 10,000 are
/// skipped unless `DOCKET_BENCH_FOSSIL_ALL` is set or an earlier run's repository is
/// there: a built repository is kept in the benchmark folder (`fossil-N`) and used
/// again, with the comments earlier runs added to it. Each docket run is timed right next
/// to a Fossil run (alternating), so both see the same load: on these shared machines
/// a figure taken minutes apart can differ by half.
/// How many `list --format tsv` / `ticket show 0` pairs are run after a pause, and how
/// long each pause is (see [`fossil_rows`]).
const PAUSED_PAIRS: usize = 7;
const PAUSE: Duration = Duration::from_secs(3);

fn fossil_rows(base: &Path, casebook: &Path, ids: &[String], n: usize, runs: usize) {
    let has = Command::new("fossil")
        .arg("version")
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !has {
        println!(
            "| Fossil tickets | skipped: `fossil` is not installed (apt-get install fossil) | | |"
        );
        return;
    }
    let dir = base.join(format!("fossil-{n}"));
    // A repository built by an earlier run (every ticket added, the marker written last)
    // is used again: building takes one process per ticket, half an hour at 50,000.
    let built_before = std::fs::read_to_string(dir.join("built"))
        .ok()
        .and_then(|t| t.trim().parse::<f64>().ok());
    if built_before.is_none() && n > 10_000 && std::env::var_os("DOCKET_BENCH_FOSSIL_ALL").is_none()
    {
        println!(
            "| Fossil tickets | skipped at {n}: building takes one process per ticket (set DOCKET_BENCH_FOSSIL_ALL) | | |"
        );
        return;
    }
    let fossil = |args: &[&str]| {
        let mut c = Command::new("fossil");
        c.args(args).current_dir(dir.join("w")).env("USER", "bench");
        c
    };
    let mut rng = Rng(99);
    let built = match built_before {
        Some(secs) => Duration::from_secs_f64(secs),
        None => build_fossil(&dir, n, &mut rng, &fossil),
    };
    let by = if built_before.is_some() {
        " by an earlier run, kept"
    } else {
        ""
    };
    // As for docket's reads: the build's writes flushed before anything is timed.
    let _ = Command::new("sync").status();
    let out = fossil(&["ticket", "show", "0"]).output().unwrap();
    let uuids: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .skip(1)
        .filter_map(|l| l.split('\t').nth(1).map(String::from))
        .collect();
    // At least 21 pairs: a pair takes tens of milliseconds, and on these shared machines
    // a median of 7 or 11 moved by a fifth between runs of the same binaries.
    let runs = runs.max(21);
    let (mut comment, mut change) = (Vec::new(), Vec::new());
    // In pairs whose order alternates (docket first, then Fossil first): whatever one
    // process leaves behind for the next (caches, pages handed back to the host, the
    // file system's journal) falls on each side equally.
    for i in 0..runs {
        let id = &ids[rng.below(ids.len() as u64) as usize];
        let u = &uuids[rng.below(uuids.len() as u64) as usize];
        let mut ours = || {
            comment.push(time(docket(
                casebook,
                &[
                    "comment",
                    id,
                    "-m",
                    &format!("bench comment {i} next to Fossil"),
                ],
            )))
        };
        let theirs = || {
            time(fossil(&[
                "ticket",
                "change",
                u,
                "icomment",
                &format!("bench comment {i}"),
                "-q",
            ]))
        };
        if i % 2 == 0 {
            ours();
            change.push(theirs());
        } else {
            change.push(theirs());
            ours();
        }
    }
    let (mut list_tsv, mut show, mut floor) = (Vec::new(), Vec::new(), Vec::new());
    let checks = StatChecks::of(casebook);
    for i in 0..runs {
        let ours = || time(docket(casebook, &["list", "--format", "tsv"]));
        let theirs = || time(fossil(&["ticket", "show", "0"]));
        if i % 2 == 0 {
            list_tsv.push(ours());
            show.push(theirs());
        } else {
            show.push(theirs());
            list_tsv.push(ours());
        }
        floor.extend(checks.as_ref().map(StatChecks::time));
    }
    let (comment, change) = (median(comment), median(change));
    let (list_tsv, show) = (median(list_tsv), median(show));
    println!(
        "| comment vs fossil ticket change … icomment ({n} tickets, built{by} in {:.0} s) | {} | {} | {:.2}× Fossil's time |",
        built.as_secs_f64(),
        ms(comment),
        ms(change),
        comment.as_secs_f64() / change.as_secs_f64()
    );
    println!(
        "| list --format tsv vs fossil ticket show 0 (every ticket) | {} | {} | {:.2}× Fossil's time |",
        ms(list_tsv),
        ms(show),
        list_tsv.as_secs_f64() / show.as_secs_f64()
    );
    if let Some(checks) = &checks {
        let floor = median(floor);
        println!(
            "| … of which no cache can spare: {} `lstat` calls (every case file and shard folder), {} threads, in this process | {} | {} | {:.2}× Fossil's time |",
            checks.count(),
            checks.threads,
            ms(floor),
            ms(show),
            floor.as_secs_f64() / show.as_secs_f64()
        );
    }
    // The same pair a few times more, each run after a pause: long enough for these
    // virtual machines to hand the memory the last process freed back to the host
    // (`page_reporting`, two seconds after it is freed), as it is for a command typed
    // or run from cron seconds apart. Fresh memory then costs each process far more than
    // back to back (a 44 MB touch: 4.5 ms right after a free, 60–98 ms after a pause),
    // and docket uses more memory than Fossil.
    let (tsv_paused, show_paused) = tsv_and_show(casebook, &fossil, PAUSED_PAIRS, Some(PAUSE));
    println!(
        "| list --format tsv vs fossil ticket show 0, each run after a {} s pause ({PAUSED_PAIRS} pairs: memory handed back to the host) | {} | {} | {:.2}× Fossil's time |",
        PAUSE.as_secs(),
        ms(tsv_paused),
        ms(show_paused),
        tsv_paused.as_secs_f64() / show_paused.as_secs_f64()
    );
    // With `docket watch` running: the read looks at no file that did not change, so the
    // stat floor above is gone; the same pairs, back to back and after a pause.
    let Some(w) = Watching::start(casebook) else {
        return;
    };
    let (tsv, show) = tsv_and_show(casebook, &fossil, runs, None);
    let (tsv_paused, show_paused) = tsv_and_show(casebook, &fossil, PAUSED_PAIRS, Some(PAUSE));
    drop(w);
    println!(
        "| list --format tsv, with docket watch running, vs fossil ticket show 0 | {} | {} | {:.2}× Fossil's time |",
        ms(tsv),
        ms(show),
        tsv.as_secs_f64() / show.as_secs_f64()
    );
    println!(
        "| … the same, each run after a {} s pause ({PAUSED_PAIRS} pairs) | {} | {} | {:.2}× Fossil's time |",
        PAUSE.as_secs(),
        ms(tsv_paused),
        ms(show_paused),
        tsv_paused.as_secs_f64() / show_paused.as_secs_f64()
    );
}

/// The medians of `pairs` runs of `docket list --format tsv` and of `fossil ticket show
/// 0`, in pairs whose order alternates, each run after `pause` when one is given: long
/// enough for these virtual machines to hand the memory the last process freed back to
/// the host (`page_reporting`, two seconds after it is freed), as it is for a command
/// typed or run from cron seconds apart.
fn tsv_and_show(
    casebook: &Path,
    fossil: &impl Fn(&[&str]) -> Command,
    pairs: usize,
    pause: Option<Duration>,
) -> (Duration, Duration) {
    let (mut tsv, mut show) = (Vec::new(), Vec::new());
    let pause = || {
        if let Some(p) = pause {
            std::thread::sleep(p);
        }
    };
    for i in 0..pairs {
        let ours = || time(docket(casebook, &["list", "--format", "tsv"]));
        let theirs = || time(fossil(&["ticket", "show", "0"]));
        pause();
        if i % 2 == 0 {
            tsv.push(ours());
            pause();
            show.push(theirs());
        } else {
            show.push(theirs());
            pause();
            tsv.push(ours());
        }
    }
    (median(tsv), median(show))
}

/// The check a warm read cannot leave out: every case file's stat data (an edit in place
/// changes no folder's) and every shard folder's (a case file added by hand changes only
/// its folder), taken the way docket's walk takes them — `lstat` relative to the open
/// `cases/` folder, shards shared among as many threads — but in this process, with the
/// names already known. A floor under `list --format tsv`, whatever its cache holds.
struct StatChecks {
    root: std::fs::File,
    /// Per shard folder: the folder itself, then `shard/name` for each case file in it.
    shards: Vec<Vec<std::ffi::CString>>,
    threads: usize,
}

impl StatChecks {
    fn of(casebook: &Path) -> Option<StatChecks> {
        let cases = casebook.join("cases");
        let names = |dir: &Path| -> Vec<String> {
            let mut v: Vec<String> = std::fs::read_dir(dir)
                .map(|r| {
                    r.filter_map(|e| e.ok()?.file_name().into_string().ok())
                        .collect()
                })
                .unwrap_or_default();
            v.sort();
            v
        };
        let shards: Vec<Vec<std::ffi::CString>> = names(&cases)
            .into_iter()
            .filter(|s| cases.join(s).is_dir())
            .map(|s| {
                let files: Vec<String> = names(&cases.join(&s))
                    .into_iter()
                    .filter(|n| n.ends_with(".toml"))
                    .map(|n| format!("{s}/{n}"))
                    .collect();
                std::iter::once(s)
                    .chain(files)
                    .filter_map(|p| std::ffi::CString::new(p).ok())
                    .collect()
            })
            .collect();
        let threads = match shards.len() {
            0..8 => 1,
            _ => std::thread::available_parallelism().map_or(1, |n| n.get().min(8)),
        };
        Some(StatChecks {
            root: std::fs::File::open(&cases).ok()?,
            shards,
            threads,
        })
    }

    fn count(&self) -> usize {
        self.shards.iter().map(Vec::len).sum()
    }

    /// One pass: every path `lstat`ed once, threads started and joined included.
    fn time(&self) -> Duration {
        use std::os::fd::AsRawFd;
        let fd = self.root.as_raw_fd();
        let start = Instant::now();
        std::thread::scope(|s| {
            for t in 0..self.threads {
                s.spawn(move || {
                    let mut st = std::mem::MaybeUninit::<libc::stat>::uninit();
                    for shard in self.shards.iter().skip(t).step_by(self.threads) {
                        for path in shard {
                            // SAFETY: `path` is NUL-terminated and `st` is room for one
                            // `stat`; the result is not read.
                            unsafe {
                                libc::fstatat(
                                    fd,
                                    path.as_ptr(),
                                    st.as_mut_ptr(),
                                    libc::AT_SYMLINK_NOFOLLOW,
                                )
                            };
                        }
                    }
                });
            }
        });
        start.elapsed()
    }
}

/// Builds a Fossil repository of `n` tickets in `dir` (removed first), one `fossil ticket
/// add` each, and marks it built (with the time it took) for later runs to use again.
fn build_fossil(
    dir: &Path,
    n: usize,
    rng: &mut Rng,
    fossil: &dyn Fn(&[&str]) -> Command,
) -> Duration {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir.join("w")).unwrap();
    let t = Instant::now();
    let mut c = fossil(&["init", "t.fossil", "-A", "bench"]);
    c.current_dir(dir);
    time(c);
    time(fossil(&["open", "../t.fossil"]));
    for i in 0..n {
        let title = format!("{} #{i}", rng.pick(TITLES));
        time(fossil(&[
            "ticket",
            "add",
            "title",
            &title,
            "status",
            "Open",
            "type",
            "Code_Defect",
            "comment",
            "The customer wrote in",
            "-q",
        ]));
    }
    let built = t.elapsed();
    std::fs::write(dir.join("built"), format!("{}\n", built.as_secs_f64())).unwrap();
    built
}

/// `docket search` (full build, warm, after one comment) and `similar`, next to `rg -i`
/// over the same files.
fn search_rows(dir: &Path, ids: &[String], runs: usize, has_rg: bool) {
    let word = "declined";
    let _ = std::fs::remove_dir_all(dir.join(".git/docket/search"));
    let build = time(docket(dir, &["search", word]));
    let scan = median(
        (0..runs)
            .map(|_| {
                let mut c = if has_rg {
                    Command::new("rg")
                } else {
                    let mut g = Command::new("grep");
                    g.arg("-r");
                    g
                };
                c.args(["-i", word, "cases"]).current_dir(dir);
                time(c)
            })
            .collect(),
    );
    let scan_name = if has_rg { "rg -i" } else { "grep -ri" };
    let warm = median(
        (0..runs)
            .map(|_| time(docket(dir, &["search", word])))
            .collect(),
    );
    // The same with `docket watch` running: the index's update looks only at the case
    // files that changed.
    let watched = Watching::start(dir).map(|w| {
        time(docket(dir, &["search", word]));
        let t = median(
            (0..runs)
                .map(|_| time(docket(dir, &["search", word])))
                .collect(),
        );
        drop(w);
        t
    });
    let mut rng = Rng(7);
    let after_comment = median(
        (0..runs.min(11))
            .map(|i| {
                let id = &ids[rng.below(ids.len() as u64) as usize];
                time(docket(
                    dir,
                    &["comment", id, "-m", &format!("search bench {i}")],
                ));
                time(docket(dir, &["search", word]))
            })
            .collect(),
    );
    let similar = median(
        (0..runs)
            .map(|_| {
                let id = &ids[rng.below(ids.len() as u64) as usize];
                time(docket(dir, &["similar", id]))
            })
            .collect(),
    );
    println!(
        "| search {word}, full index build (no index yet) | {} | | |",
        ms(build)
    );
    println!(
        "| search {word}, warm (vs {scan_name} {word} cases/) | {} | {} | {:.2}× {scan_name}'s time |",
        ms(warm),
        ms(scan),
        warm.as_secs_f64() / scan.as_secs_f64()
    );
    if let Some(watched) = watched {
        println!(
            "| search {word}, warm, with docket watch running (vs {scan_name}) | {} | {} | {:.2}× {scan_name}'s time |",
            ms(watched),
            ms(scan),
            watched.as_secs_f64() / scan.as_secs_f64()
        );
    }
    println!(
        "| search after one comment (index updated first) | {} | | +{:.1} ms over warm |",
        ms(after_comment),
        (after_comment.as_secs_f64() - warm.as_secs_f64()) * 1000.0
    );
    println!(
        "| similar ID, warm (vs {scan_name}) | {} | {} | {:.2}× {scan_name}'s time |",
        ms(similar),
        ms(scan),
        similar.as_secs_f64() / scan.as_secs_f64()
    );
}

/// The similar-case precision on the fixture of tests/fixtures/similar.toml: for each
/// case held out, whether a case of its topic is in `similar`'s top three.
fn similar_precision(base: &Path) -> (usize, usize) {
    let v: toml::Value = toml::from_str(include_str!("../tests/fixtures/similar.toml")).unwrap();
    let dir = base.join("similar-fixture");
    let _ = std::fs::remove_dir_all(&dir);
    let ok = Command::new(BIN)
        .args(["init", dir.to_str().unwrap(), "-q"])
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(ok.success());
    let config = dir.join("docket.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        text + "\n[search]\nlanguage = [\"english\", \"spanish\", \"french\"]\n",
    )
    .unwrap();
    git(&dir, &["commit", "-qam", "languages"]);
    let mut topic_of = std::collections::HashMap::new();
    let mut ids = Vec::new();
    for c in v["case"].as_array().unwrap() {
        let (topic, title, body) = (
            c["topic"].as_str().unwrap(),
            c["title"].as_str().unwrap(),
            c["body"].as_str().unwrap(),
        );
        let out = docket(
            &dir,
            &[
                "create", "--title", title, "--from", "customer", "--body", body, "-q",
            ],
        )
        .output()
        .unwrap();
        let id = String::from_utf8(out.stdout).unwrap().trim().to_string();
        time(docket(&dir, &["resolve", &id, "--resolution", "solved"]));
        topic_of.insert(id.clone(), topic.to_string());
        ids.push(id);
    }
    let mut good = 0;
    for id in &ids {
        let out = docket(&dir, &["similar", id, "--limit", "3", "--format", "json"])
            .output()
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        if v["cases"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| topic_of[c["id"].as_str().unwrap()] == topic_of[id])
        {
            good += 1;
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    (good, ids.len())
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

struct Args {
    sizes: Vec<usize>,
    runs: usize,
    dir: PathBuf,
    /// Keep the generated history (`--keep`) to profile `verify` on it.
    keep: bool,
    /// Skip the verify history and sync rows (`--no-history`), for large sizes.
    no_history: bool,
}

fn args() -> Args {
    let mut a = Args {
        sizes: vec![1_000, 10_000],
        runs: 21,
        dir: std::env::temp_dir().join("docket-bench"),
        keep: false,
        no_history: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--full" => a.sizes = vec![1_000, 10_000, 100_000],
            "--sizes" => {
                a.sizes = it
                    .next()
                    .expect("--sizes N,N")
                    .split(',')
                    .map(|s| s.parse().expect("a number"))
                    .collect()
            }
            "--runs" => a.runs = it.next().expect("--runs N").parse().expect("a number"),
            "--keep" => a.keep = true,
            "--no-history" => a.no_history = true,
            "--dir" => a.dir = PathBuf::from(it.next().expect("--dir DIR")),
            _ => {} // cargo bench passes --bench
        }
    }
    a
}

fn main() {
    let a = args();
    // SAFETY: single-threaded at this point; the children inherit the identity.
    unsafe {
        std::env::set_var("GIT_AUTHOR_NAME", "Bench");
        std::env::set_var("GIT_AUTHOR_EMAIL", "bench@example.com");
        std::env::set_var("GIT_COMMITTER_NAME", "Bench");
        std::env::set_var("GIT_COMMITTER_EMAIL", "bench@example.com");
        std::env::remove_var("DOCKET_NOW");
        std::env::remove_var("DOCKET_DIR");
    }
    let has_rg = Command::new("rg")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    println!(
        "docket casebook benchmark: median of {} runs per figure\n",
        a.runs
    );
    std::fs::create_dir_all(&a.dir).unwrap();
    let (good, all) = similar_precision(&a.dir);
    println!(
        "similar: top-3 precision on tests/fixtures/similar.toml: {good}/{all} = {:.0}% (target 80%)\n",
        100.0 * good as f64 / all as f64
    );
    for &n in &a.sizes {
        let dir = a.dir.join(format!("cases-{n}"));
        let t = Instant::now();
        let ids = generate(&dir, n);
        println!(
            "## {n} cases (generated and committed in {:.1} s)",
            t.elapsed().as_secs_f64()
        );
        // The generated casebook's writes flushed, so that the kernel writing them out
        // in the background is not timed as part of the first writes below; and the
        // clock past the second of the generated index, whose files are racily clean in
        // it until an index is written in a later second: a write in that second checks
        // each of them (as Git does), ~20 ms at 5,000 files, once.
        let _ = Command::new("sync").status();
        std::thread::sleep(std::time::Duration::from_millis(1100));

        let mut rng = Rng(42);
        let comment = median(
            (0..a.runs)
                .map(|i| {
                    let id = &ids[rng.below(ids.len() as u64) as usize];
                    time(docket(
                        &dir,
                        &["comment", id, "-m", &format!("bench comment {i}")],
                    ))
                })
                .collect(),
        );
        let create = median(
            (0..a.runs)
                .map(|i| {
                    time(docket(
                        &dir,
                        &["create", "--title", &format!("bench case {i}")],
                    ))
                })
                .collect(),
        );
        let git_commit = median(
            (0..a.runs)
                .map(|i| {
                    let id = &ids[rng.below(ids.len() as u64) as usize];
                    let rel = casefile::path_for(id);
                    let mut text = std::fs::read_to_string(dir.join(&rel)).unwrap();
                    text.push_str(&format!("\n# plain git edit {i}\n"));
                    std::fs::write(dir.join(&rel), text).unwrap();
                    let mut add = Command::new("git");
                    add.args(["add", &rel]).current_dir(&dir);
                    let mut commit = Command::new("git");
                    commit
                        .args(["commit", "-q", "-m", &format!("plain {i}")])
                        .current_dir(&dir);
                    time(add) + time(commit)
                })
                .collect(),
        );
        // Cold: no cache. Warm: the cache from the previous run.
        // Cold: no cache and no stored listing of the shard folders.
        let cold = |cache: &str, args: &[&str]| {
            median(
                (0..a.runs.min(5))
                    .map(|_| {
                        let _ = std::fs::remove_file(dir.join(".git/docket").join(cache));
                        let _ = std::fs::remove_file(dir.join(".git/docket/listing.bin"));
                        time(docket(&dir, args))
                    })
                    .collect(),
            )
        };
        // The writes above (and generating the casebook) leave megabytes of dirty pages;
        // the kernel writing them out in the background would be timed as part of the
        // first reads. Flush them first, so every read row measures reading.
        let _ = Command::new("sync").status();
        let list_cold = cold("summaries.bin", &["list", "--open"]);
        let sla_cold = cold("clocks.bin", &["sla"]);
        let scan_once = || {
            if has_rg {
                let mut c = Command::new("rg");
                c.args(["-c", "^state", "cases"]).current_dir(&dir);
                time(c)
            } else {
                let mut c = Command::new("sh");
                c.args(["-c", "find cases -name '*.toml' -exec cat {} + > /dev/null"])
                    .current_dir(&dir);
                time(c)
            }
        };
        // Warm reads and the scan they are compared with, run by run (so both see the
        // same load from outside: these machines are shared).
        let (mut lists, mut slas, mut scans) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..a.runs {
            lists.push(time(docket(&dir, &["list", "--open"])));
            slas.push(time(docket(&dir, &["sla"])));
            scans.push(scan_once());
        }
        let (list, sla, scan) = (median(lists), median(slas), median(scans));
        // The same with `docket watch` running: no file is looked at that did not change.
        let watched = Watching::start(&dir).map(|w| {
            let (mut lists, mut slas, mut scans) = (Vec::new(), Vec::new(), Vec::new());
            for _ in 0..a.runs {
                lists.push(time(docket(&dir, &["list", "--open"])));
                slas.push(time(docket(&dir, &["sla"])));
                scans.push(scan_once());
            }
            drop(w);
            (median(lists), median(slas), median(scans))
        });
        let ratio = |a: Duration, b: Duration| b.as_secs_f64() / a.as_secs_f64();
        let scan_name = if has_rg {
            "rg over cases/"
        } else {
            "cat over cases/"
        };
        println!("| operation | docket | plain | ratio |");
        println!("|---|---|---|---|");
        println!(
            "| comment (vs git add && git commit) | {} | {} | {:.1}× faster |",
            ms(comment),
            ms(git_commit),
            ratio(comment, git_commit)
        );
        println!(
            "| create (vs git add && git commit) | {} | {} | {:.1}× faster |",
            ms(create),
            ms(git_commit),
            ratio(create, git_commit)
        );
        // Reads: docket's time as a share of the scan's (issue 17's targets in the row).
        let share = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64();
        println!(
            "| list --open, warm cache (vs {scan_name}; target ≤ 0.5×) | {} | {} | {:.2}× {scan_name}'s time |",
            ms(list),
            ms(scan),
            share(list, scan)
        );
        if let Some((list, _, scan)) = watched {
            println!(
                "| list --open, warm cache, with docket watch running (vs {scan_name}) | {} | {} | {:.2}× {scan_name}'s time |",
                ms(list),
                ms(scan),
                share(list, scan)
            );
        }
        println!(
            "| list --open, cold: no cache, no listing (vs {scan_name}; target ≤ 3×) | {} | {} | {:.2}× {scan_name}'s time |",
            ms(list_cold),
            ms(scan),
            share(list_cold, scan)
        );
        println!(
            "| sla (every open case's clocks), warm cache (vs {scan_name}; target ≤ 1×) | {} | {} | {:.2}× {scan_name}'s time |",
            ms(sla),
            ms(scan),
            share(sla, scan)
        );
        if let Some((_, sla, scan)) = watched {
            println!(
                "| sla, warm cache, with docket watch running (vs {scan_name}) | {} | {} | {:.2}× {scan_name}'s time |",
                ms(sla),
                ms(scan),
                share(sla, scan)
            );
        }
        println!(
            "| sla, cold: no cache, no listing (vs {scan_name}; target ≤ 3×) | {} | {} | {:.2}× {scan_name}'s time |",
            ms(sla_cold),
            ms(scan),
            share(sla_cold, scan)
        );
        clone_rows(&dir, scan_name, &scan_once);
        fossil_rows(&a.dir, &dir, &ids, n, a.runs);
        let queue = median(
            (0..a.runs)
                .map(|_| time(docket(&dir, &["queue", "--team", "support"])))
                .collect(),
        );
        let mine = median(
            (0..a.runs)
                .map(|_| time(docket(&dir, &["--as", "alice", "mine"])))
                .collect(),
        );
        let agents = median(
            (0..a.runs)
                .map(|_| time(docket(&dir, &["agents"])))
                .collect(),
        );
        let report = median(
            (0..a.runs.min(7))
                .map(|_| time(docket(&dir, &["report", "--since", "2026-01-01"])))
                .collect(),
        );
        let report_html = median(
            (0..a.runs.min(7))
                .map(|_| {
                    time(docket(
                        &dir,
                        &[
                            "report",
                            "--since",
                            "2026-01-01",
                            "--format",
                            "html",
                            "-o",
                            "report.html",
                        ],
                    ))
                })
                .collect(),
        );
        println!(
            "| report since 2026-01-01 (vs {scan_name}) | {} | {} | {:.2}× |",
            ms(report),
            ms(scan),
            ratio(report, scan)
        );
        println!(
            "| report --format html (vs {scan_name}) | {} | {} | {:.2}× |",
            ms(report_html),
            ms(scan),
            ratio(report_html, scan)
        );
        search_rows(&dir, &ids, a.runs, has_rg);
        let unassigned = n / 10;
        let route = time(docket(&dir, &["route", "-q"]));
        println!(
            "| queue --team support ({unassigned} unassigned + the team's cases) (vs {scan_name}) | {} | {} | {:.2}× |",
            ms(queue),
            ms(scan),
            ratio(queue, scan)
        );
        println!(
            "| mine (alice's open cases) (vs {scan_name}) | {} | {} | {:.2}× |",
            ms(mine),
            ms(scan),
            ratio(mine, scan)
        );
        println!(
            "| agents (loads from every case) (vs {scan_name}) | {} | {} | {:.2}× |",
            ms(agents),
            ms(scan),
            ratio(agents, scan)
        );
        println!(
            "| route: {unassigned} unassigned cases ranked and assigned, one commit | {} | | |",
            ms(route)
        );
        if a.no_history {
            println!();
            continue;
        }
        let commits = 5 * n;
        let t = Instant::now();
        let hist = history(&dir, n, commits);
        let made = t.elapsed();
        let _ = std::fs::remove_file(hist.join(".git/docket/verify.bin"));
        let verify_cold = time(docket(&hist, &["verify", "-q"]));
        let verify_warm = median(
            (0..a.runs.min(7))
                .map(|_| time(docket(&hist, &["verify", "-q"])))
                .collect(),
        );
        let log = median(
            (0..a.runs.min(7))
                .map(|_| {
                    let mut c = Command::new("git");
                    c.args(["log", "--name-only", "--format=%H"])
                        .current_dir(&hist);
                    time(c)
                })
                .collect(),
        );
        println!(
            "| verify, first run ({commits} commits, history made in {:.1} s) (vs git log --name-only) | {} | {} | {:.2}× |",
            made.as_secs_f64(),
            ms(verify_cold),
            ms(log),
            verify_cold.as_secs_f64() / log.as_secs_f64()
        );
        println!(
            "| verify, second run (cache) (vs git log --name-only) | {} | {} | {:.2}× |",
            ms(verify_warm),
            ms(log),
            verify_warm.as_secs_f64() / log.as_secs_f64()
        );
        if !a.keep {
            let _ = std::fs::remove_dir_all(&hist);
        }
        let (sync, pull, merged) = sync_bench(&dir, &ids);
        println!(
            "| sync: 100 commits in, 110 out, {merged} cases merged (vs git pull --no-rebase, which leaves them in conflict and pushes nothing) | {} | {} | {:.2}× ({:.1} ms per merged case) |",
            ms(sync),
            ms(pull),
            sync.as_secs_f64() / pull.as_secs_f64(),
            (sync.as_secs_f64() - pull.as_secs_f64()).max(0.0) * 1000.0 / merged.max(1) as f64
        );
        println!();
    }
}
