//! Issue 17: the read cache is keyed by content (Git blob ids), so it survives a fresh
//! clone; a hand edit invalidates exactly its entry; a racily clean file is read again; a
//! damaged cache is rebuilt; and every answer equals a cache-less run.

use std::path::Path;

use crate::util::TestEnv;

/// A casebook with a few cases in several states.
pub(crate) fn casebook() -> (TestEnv, Vec<String>) {
    let env = TestEnv::new();
    let mut ids = Vec::new();
    for i in 0..12 {
        let id = env.create(
            &format!("Case number {i:02}"),
            &[
                "--from",
                "customer",
                "--body",
                "Please help",
                "--priority",
                "P2",
            ],
        );
        if i % 3 == 0 {
            env.ok(&["assign", &id, "alice"]);
        }
        if i % 4 == 0 {
            env.ok(&["resolve", &id, "--resolution", "Fixed"]);
        }
        ids.push(id);
    }
    (env, ids)
}

/// Runs docket in `dir` with `DOCKET_TRACE=topic`, which must succeed: (stdout, stderr).
pub(crate) fn run_traced(
    env: &TestEnv,
    dir: &Path,
    topic: &str,
    args: &[&str],
) -> (String, String) {
    let mut cmd = env.std_docket(args);
    cmd.current_dir(dir).env("DOCKET_TRACE", topic);
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// Runs docket in `dir` with `DOCKET_TRACE=cache`: (stdout, the cache trace lines).
pub(crate) fn traced(env: &TestEnv, dir: &Path, args: &[&str]) -> (String, String) {
    let (out, err) = run_traced(env, dir, "cache", args);
    let trace = err
        .lines()
        .filter(|l| l.starts_with("docket: cache"))
        .collect::<Vec<_>>()
        .join("\n");
    (out, trace)
}

pub(crate) fn field(trace: &str, name: &str) -> usize {
    let key = format!(" {name}=");
    let at = trace
        .find(&key)
        .unwrap_or_else(|| panic!("{name} in {trace}"))
        + key.len();
    trace[at..]
        .split(|c: char| !c.is_ascii_digit())
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

/// The answers of the read commands, as JSON text.
fn answers(env: &TestEnv, dir: &Path) -> Vec<String> {
    [
        &["list", "--format", "json"][..],
        &["list", "--open", "--format", "tsv"],
        &["sla", "--format", "json"],
        &["report", "--since", "2026-11-01", "--format", "json"],
        &["queue", "--team", "support", "--format", "json"],
        &["--as", "alice", "mine", "--format", "json"],
    ]
    .iter()
    .map(|args| traced(env, dir, args).0)
    .collect()
}

/// A clone of the test's casebook in the temporary folder, with the casebook's read
/// caches copied into its `.git/docket/` (what a CI job restoring its cache does).
pub(crate) fn clone_with_caches(env: &TestEnv, name: &str) -> std::path::PathBuf {
    let clone = env.tmp.path().join(name);
    env.git_in(
        env.tmp.path(),
        &[
            "clone",
            "-q",
            env.dir.to_str().unwrap(),
            clone.to_str().unwrap(),
        ],
    );
    let from = env.dir.join(".git/docket");
    let to = clone.join(".git/docket");
    std::fs::create_dir_all(&to).unwrap();
    for name in ["summaries.bin", "clocks.bin", "report.bin"] {
        std::fs::copy(from.join(name), to.join(name)).unwrap();
    }
    clone
}

#[test]
fn a_fresh_clone_with_a_copied_cache_parses_nothing() {
    let (env, ids) = casebook();
    let before = answers(&env, &env.dir);
    let clone = clone_with_caches(&env, "clone");
    let from = env.dir.join(".git/docket");
    let (_, trace) = traced(&env, &clone, &["list", "--format", "json"]);
    assert_eq!(field(&trace, "parsed"), 0, "{trace}");
    assert_eq!(field(&trace, "blob"), ids.len(), "{trace}");
    assert_eq!(field(&trace, "files"), ids.len(), "{trace}");
    // …and the next run is warm: every entry by its stat data.
    let (_, trace) = traced(&env, &clone, &["list", "--format", "json"]);
    assert_eq!(field(&trace, "stat"), ids.len(), "{trace}");
    assert_eq!(answers(&env, &clone), before);
    // A checkout whose files are older than its index (the usual case at scale: only the
    // files written in the index's last clock tick are racy): the blob ids come from the
    // index, and no file is even read.
    let clone2 = env.tmp.path().join("clone2");
    env.git_in(
        env.tmp.path(),
        &[
            "clone",
            "-q",
            env.dir.to_str().unwrap(),
            clone2.to_str().unwrap(),
        ],
    );
    let index = std::fs::File::options()
        .write(true)
        .open(clone2.join(".git/index"))
        .unwrap();
    index
        .set_modified(std::time::SystemTime::now() + std::time::Duration::from_secs(2))
        .unwrap();
    std::fs::create_dir_all(clone2.join(".git/docket")).unwrap();
    std::fs::copy(
        from.join("summaries.bin"),
        clone2.join(".git/docket/summaries.bin"),
    )
    .unwrap();
    let (_, trace) = traced(&env, &clone2, &["list", "--format", "json"]);
    assert_eq!(field(&trace, "index"), ids.len(), "{trace}");
    assert_eq!(field(&trace, "hashed"), 0, "{trace}");
    assert_eq!(field(&trace, "parsed"), 0, "{trace}");
}

#[test]
fn a_hand_edit_invalidates_exactly_that_entry() {
    let (env, ids) = casebook();
    traced(&env, &env.dir, &["list"]);
    let (_, trace) = traced(&env, &env.dir, &["list"]);
    assert_eq!(field(&trace, "stat"), ids.len(), "{trace}");
    let path = env.case_path(&ids[5]);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("Case number 05", "Edited by hand")).unwrap();
    let (out, trace) = traced(&env, &env.dir, &["list", "--format", "tsv"]);
    assert_eq!(field(&trace, "parsed"), 1, "{trace}");
    assert_eq!(field(&trace, "stat"), ids.len() - 1, "{trace}");
    assert!(out.contains("Edited by hand"), "{out}");
    // A touch changes stat data but not the content: read again, not parsed.
    let f = std::fs::File::options()
        .write(true)
        .open(env.case_path(&ids[7]))
        .unwrap();
    f.set_modified(std::time::SystemTime::now() + std::time::Duration::from_secs(5))
        .unwrap();
    let (_, trace) = traced(&env, &env.dir, &["list"]);
    assert_eq!(field(&trace, "parsed"), 0, "{trace}");
    assert_eq!(field(&trace, "blob"), 1, "{trace}");
}

#[test]
fn a_racily_clean_file_is_read_again() {
    let (env, ids) = casebook();
    traced(&env, &env.dir, &["list"]);
    let cache = env.dir.join(".git/docket/summaries.bin");
    let path = env.case_path(&ids[3]);
    let meta = std::fs::metadata(&path).unwrap();
    let mtime = meta.modified().unwrap();
    // Same size, same inode, and the modification time put back: only the content and
    // the kernel's change time differ. The cache was written in the same second.
    let text = std::fs::read_to_string(&path).unwrap();
    let edited = text.replace("Case number 03", "Case NUMBER 03");
    assert_eq!(edited.len(), text.len());
    std::fs::write(&path, &edited).unwrap();
    let f = std::fs::File::options().write(true).open(&path).unwrap();
    f.set_modified(mtime).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&cache)
        .unwrap()
        .set_modified(mtime)
        .unwrap();
    assert_eq!(std::fs::metadata(&path).unwrap().len(), meta.len());
    let (out, trace) = traced(&env, &env.dir, &["list", "--format", "tsv"]);
    assert!(out.contains("Case NUMBER 03"), "{out}\n{trace}");
    assert_eq!(field(&trace, "parsed"), 1, "{trace}");
}

#[test]
fn a_damaged_cache_is_rebuilt_and_answers_equal_a_cacheless_run() {
    let (env, _) = casebook();
    let warm = answers(&env, &env.dir);
    let dir = env.dir.join(".git/docket");
    for name in ["summaries.bin", "clocks.bin", "report.bin"] {
        let p = dir.join(name);
        let mut bytes = std::fs::read(&p).unwrap();
        let last = bytes.len() - 2;
        bytes[last] ^= 0x5a;
        std::fs::write(&p, bytes).unwrap();
    }
    let (_, trace) = traced(&env, &env.dir, &["list"]);
    assert!(trace.contains("rebuilt=true"), "{trace}");
    assert_eq!(answers(&env, &env.dir), warm);
    // No cache at all: the same answers.
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(answers(&env, &env.dir), warm);
    // And after a write through docket, warm and cold agree again.
    let id = env.create("One more", &[]);
    env.ok(&["comment", &id, "-m", "hello"]);
    let warm = answers(&env, &env.dir);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(answers(&env, &env.dir), warm);
}

/// The `docket: listing` trace line: (shard folders, folders read).
fn listing(env: &TestEnv, args: &[&str]) -> (String, usize, usize) {
    let (out, err) = run_traced(env, &env.dir, "cache", args);
    let line = err
        .lines()
        .find(|l| l.starts_with("docket: listing:"))
        .unwrap_or_else(|| panic!("no listing trace in {err}"))
        .to_string();
    let (shards, read) = (field(&line, "shards"), field(&line, "read"));
    (out, shards, read)
}

#[test]
fn unchanged_shard_folders_are_not_read_again_but_every_change_is_seen() {
    let (env, ids) = casebook();
    // Folder stat data count only once settled (two seconds older than the listing):
    // before that, every folder is read on every run.
    let (_, shards, read) = listing(&env, &["list"]);
    assert_eq!(read, shards);
    std::thread::sleep(std::time::Duration::from_millis(2100));
    listing(&env, &["list"]);
    let (_, shards, read) = listing(&env, &["list", "--format", "tsv"]);
    assert!(shards > 1);
    assert_eq!(read, 0, "settled folders are not read again");

    // A case file removed by hand: its folder changed, so it is read again.
    let path = env.case_path(&ids[4]);
    let aside = env.tmp.path().join("aside.toml");
    std::fs::rename(&path, &aside).unwrap();
    let (out, _, read) = listing(&env, &["list", "--format", "tsv"]);
    assert_eq!(read, 1);
    assert!(!out.contains(&ids[4]), "{out}");
    // …and put back.
    std::fs::rename(&aside, &path).unwrap();
    let (out, _, read) = listing(&env, &["list", "--format", "tsv"]);
    assert_eq!(read, 1);
    assert!(out.contains(&ids[4]), "{out}");

    // An edit in place changes no folder: the file's own stat data show it.
    std::thread::sleep(std::time::Duration::from_millis(2100));
    listing(&env, &["list"]);
    let path = env.case_path(&ids[6]);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("Case number 06", "Changed in place")).unwrap();
    let (out, _, read) = listing(&env, &["list", "--format", "tsv"]);
    assert_eq!(read, 0);
    assert!(out.contains("Changed in place"), "{out}");

    // A damaged listing is read as none: every folder is read, the answer is the same.
    let file = env.dir.join(".git/docket/listing.bin");
    let mut bytes = std::fs::read(&file).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x55;
    std::fs::write(&file, bytes).unwrap();
    let (again, shards, read) = listing(&env, &["list", "--format", "tsv"]);
    assert_eq!(read, shards);
    assert_eq!(again, out);
}

#[test]
fn docket_trace_time_names_the_phases_of_a_read_and_a_write() {
    let (env, ids) = casebook();
    let phases = |args: &[&str]| -> Vec<String> {
        run_traced(&env, &env.dir, "time", args)
            .1
            .lines()
            .filter_map(|l| l.strip_prefix("docket: time: "))
            .map(|l| {
                // `PHASE 12.3 ms`, then the memory in use where the system says.
                let l = l.split(" (").next().unwrap();
                assert!(l.ends_with(" ms"), "{l}");
                l.rsplitn(3, ' ').nth(2).unwrap().to_string()
            })
            .collect()
    };
    let read = phases(&["list"]);
    for phase in ["start", "files stat'ed", "cache merged", "written", "done"] {
        assert!(read.iter().any(|p| p == phase), "{phase} in {read:?}");
    }
    let write = phases(&["comment", &ids[0], "-m", "traced"]);
    for phase in [
        "case read",
        "blobs and trees written",
        "branch moved",
        "done",
    ] {
        assert!(write.iter().any(|p| p == phase), "{phase} in {write:?}");
    }
    // Without the variable, nothing is printed.
    let out = env.std_docket(&["list"]).output().unwrap();
    assert!(!String::from_utf8_lossy(&out.stderr).contains("docket: time:"));
}

/// The entry of `rel` in a version 2 Git index: (its offset, its length).
fn index_entry(bytes: &[u8], rel: &str) -> (usize, usize) {
    let count = u32::from_be_bytes(bytes[8..12].try_into().unwrap()) as usize;
    let mut at = 12;
    for _ in 0..count {
        let flags = u16::from_be_bytes([bytes[at + 60], bytes[at + 61]]);
        assert_eq!(flags & 0x4000, 0, "no extended flags in a test index");
        let len = usize::from(flags & 0xFFF);
        let size = (62 + len + 8) & !7;
        if &bytes[at + 62..at + 62 + len] == rel.as_bytes() {
            return (at, size);
        }
        at += size;
    }
    panic!("{rel} is not in the index");
}

/// Git's racy-clean rule survives docket's own index rewrite: an index entry whose
/// stat data still match its file but whose blob does not (a same-size edit made in the
/// clock second the index was written) was suspect to Git only because its time was not
/// before the index's. docket writes a newer index on its next write, which would lift
/// that suspicion: `git status` would call the edited file clean, and the read cache
/// would take the stale blob from the index. docket smudges such entries as Git does.
#[test]
fn a_racily_clean_index_entry_stays_changed_after_docket_rewrites_the_index() {
    use sha1::Digest;
    let (env, ids) = casebook();
    traced(&env, &env.dir, &["list"]);
    let path = env.case_path(&ids[1]);
    let rel = env.case_rel(&ids[1]);
    // An edit in place, same size: the content changes, the inode does not.
    let text = std::fs::read_to_string(&path).unwrap();
    let edited = text.replace("Case number 01", "Case NUMBER 01");
    assert_eq!(edited.len(), text.len());
    std::fs::write(&path, &edited).unwrap();
    // Ten seconds back, so docket's next index is written in a later second.
    let then = std::time::SystemTime::now() - std::time::Duration::from_secs(10);
    std::fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(then)
        .unwrap();
    // The index as Git leaves it when the edit falls in the second of its write: the
    // entry has the file's stat data as they are now and the old blob, and the index
    // file's time is that same second.
    let index_file = env.dir.join(".git/index");
    let mut bytes = std::fs::read(&index_file).unwrap();
    let (at, _) = index_entry(&bytes, &rel);
    let meta = std::fs::symlink_metadata(&path).unwrap();
    {
        use std::os::unix::fs::MetadataExt;
        let fields = [
            (0, meta.ctime() as u32),
            (1, meta.ctime_nsec() as u32),
            (2, meta.mtime() as u32),
            (3, meta.mtime_nsec() as u32),
            (5, meta.ino() as u32),
            (9, meta.size() as u32),
        ];
        for (k, v) in fields {
            bytes[at + k * 4..at + k * 4 + 4].copy_from_slice(&v.to_be_bytes());
        }
    }
    let body = bytes.len() - 20;
    let sum = sha1::Sha1::digest(&bytes[..body]);
    bytes[body..].copy_from_slice(&sum);
    std::fs::write(&index_file, &bytes).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&index_file)
        .unwrap()
        .set_modified(then)
        .unwrap();
    let git_status = |env: &TestEnv| {
        let out = std::process::Command::new("git")
            .args(["status", "--porcelain"])
            .current_dir(&env.dir)
            .env("GIT_OPTIONAL_LOCKS", "0")
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    assert!(git_status(&env).contains(&rel), "Git sees the racy edit");
    // docket writes another case: the index is rewritten, now.
    env.ok(&["comment", &ids[2], "-m", "elsewhere"]);
    let bytes = std::fs::read(&index_file).unwrap();
    let (at, _) = index_entry(&bytes, &rel);
    assert_eq!(&bytes[at + 36..at + 40], &[0; 4], "the entry is smudged");
    assert!(git_status(&env).contains(&rel), "Git still sees the edit");
    // The read cache does not take the index's stale blob either.
    let (out, _) = traced(&env, &env.dir, &["list", "--format", "tsv"]);
    assert!(out.contains("Case NUMBER 01"), "{out}");
    // An entry that is not racy, or racy but unchanged, is left as it was.
    let before = std::fs::read(&index_file).unwrap();
    let (at, size) = index_entry(&before, &rel);
    let other_rel = env.case_rel(&ids[5]);
    let (oat, osize) = index_entry(&before, &other_rel);
    env.ok(&["comment", &ids[2], "-m", "again"]);
    let after = std::fs::read(&index_file).unwrap();
    let (at2, size2) = index_entry(&after, &rel);
    assert_eq!(&before[at..at + size], &after[at2..at2 + size2]);
    let (oat2, osize2) = index_entry(&after, &other_rel);
    assert_eq!(&before[oat..oat + osize], &after[oat2..oat2 + osize2]);
}

/// A cache write killed half-way leaves its temporary file next to the caches; the next
/// cache write removes it once it is old enough not to be another process's write in
/// progress.
#[test]
fn temporary_files_left_by_a_killed_cache_write_are_swept() {
    let (env, ids) = casebook();
    traced(&env, &env.dir, &["list"]);
    let dir = env.dir.join(".git/docket");
    let stale = dir.join(".docket-killed.tmp");
    let fresh = dir.join(".docket-inflight.tmp");
    std::fs::write(&stale, "half a cache").unwrap();
    std::fs::write(&fresh, "a cache being written").unwrap();
    std::fs::File::options()
        .write(true)
        .open(&stale)
        .unwrap()
        .set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(3600))
        .unwrap();
    // A change, so the next read writes its cache.
    env.ok(&["comment", &ids[0], "-m", "changes the cache"]);
    let (_, trace) = traced(&env, &env.dir, &["list"]);
    assert_eq!(field(&trace, "parsed"), 1, "{trace}");
    assert!(!stale.exists(), "the stale temporary file is gone");
    assert!(
        fresh.exists(),
        "a recent one may be another process's write"
    );
}

#[test]
fn every_file_docket_writes_is_read_in_one_pass_and_a_hand_written_one_as_toml() {
    let (env, ids) = casebook();
    // Every kind of event docket writes (each with its logical clock).
    env.ok(&["comment", &ids[1], "-m", "A first line\nand a second"]);
    env.ok(&["comment", &ids[1], "--internal", "-m", "it's 'quoted'"]);
    env.ok(&["escalate", &ids[2], "--reason", "Customer is waiting"]);
    env.ok(&["set", &ids[2], "priority=P1", "tags+=vip"]);
    env.ok(&["wait", &ids[5], "--reason", "Asked for logs"]);
    env.ok(&["resolve", &ids[7], "--resolution", "Replaced the card"]);
    env.ok(&["close", &ids[7], "--csat", "4"]);
    env.ok(&["cancel", &ids[10]]);
    let text = std::fs::read_to_string(env.case_path(&ids[1])).unwrap();
    assert!(text.contains("clock = "), "{text}");
    let (_, trace) = traced(&env, &env.dir, &["list", "--format", "json"]);
    assert!(field(&trace, "parsed") > 0, "{trace}");
    // A rebuilt cache reads every file again: none of docket's own needs `toml`.
    std::fs::remove_dir_all(env.dir.join(".git/docket")).unwrap();
    let (fast, trace) = traced(&env, &env.dir, &["list", "--format", "json"]);
    assert_eq!(field(&trace, "parsed"), ids.len(), "{trace}");
    assert_eq!(field(&trace, "general"), 0, "{trace}");
    // A file a person wrote (a comment line) is read by the general reader, the same.
    let path = env.case_path(&ids[3]);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, format!("# checked by hand\n{text}")).unwrap();
    std::fs::remove_dir_all(env.dir.join(".git/docket")).unwrap();
    let (again, trace) = traced(&env, &env.dir, &["list", "--format", "json"]);
    assert_eq!(field(&trace, "general"), 1, "{trace}");
    assert_eq!(again, fast);
}

#[test]
fn a_cache_rebuilt_from_nothing_keys_each_file_by_the_stat_data_it_was_read_with() {
    let (env, ids) = casebook();
    let before = answers(&env, &env.dir);
    // No cache at all: the walk only lists the files; each is stat'ed as it is read.
    std::fs::remove_dir_all(env.dir.join(".git/docket")).unwrap();
    let (_, trace) = traced(&env, &env.dir, &["list", "--format", "json"]);
    assert!(trace.contains("rebuilt=true"), "{trace}");
    assert_eq!(field(&trace, "parsed"), ids.len(), "{trace}");
    // Those stat data are the files' own: the next run takes every entry by them.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let (_, trace) = traced(&env, &env.dir, &["list", "--format", "json"]);
    assert_eq!(field(&trace, "stat"), ids.len(), "{trace}");
    assert_eq!(field(&trace, "parsed"), 0, "{trace}");
    // An edit by hand is still seen, and only that file is read again.
    let path = env.case_path(&ids[2]);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("Case number 02", "Renamed by hand")).unwrap();
    let (out, trace) = traced(&env, &env.dir, &["list", "--format", "json"]);
    assert_eq!(field(&trace, "parsed"), 1, "{trace}");
    assert!(out.contains("Renamed by hand"), "{out}");
    std::fs::write(&path, text).unwrap();
    assert_eq!(answers(&env, &env.dir), before);
}

/// A case file that cannot be read is reported by every read, but does not make every
/// read write the whole cache again; fixed, it is in the cache.
#[test]
fn a_broken_file_is_reported_every_time_without_rewriting_the_cache() {
    use std::os::unix::fs::MetadataExt;
    let (env, ids) = casebook();
    let path = env.case_path(&ids[4]);
    let good = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, "id = [broken\n").unwrap();
    let cache = env.dir.join(".git/docket/summaries.bin");
    let list = |env: &TestEnv| {
        let mut cmd = env.std_docket(&["list", "--format", "tsv"]);
        cmd.env("DOCKET_TRACE", "cache");
        cmd.output().unwrap()
    };
    let first = list(&env);
    assert_eq!(first.status.code(), Some(2));
    let written = std::fs::metadata(&cache).unwrap();
    for _ in 0..2 {
        let again = list(&env);
        assert_eq!(again.status.code(), Some(2));
        assert_eq!(again.stdout, first.stdout);
        let err = String::from_utf8_lossy(&again.stderr);
        assert!(err.contains(&env.case_rel(&ids[4])), "{err}");
        assert!(err.contains("parsed=1"), "{err}");
        let now = std::fs::metadata(&cache).unwrap();
        assert_eq!(
            (now.ino(), now.mtime_nsec(), now.mtime()),
            (written.ino(), written.mtime_nsec(), written.mtime()),
            "the cache was written again"
        );
    }
    std::fs::write(&path, good).unwrap();
    let fixed = list(&env);
    assert_eq!(fixed.status.code(), Some(0));
    let (_, trace) = traced(&env, &env.dir, &["list"]);
    assert_eq!(field(&trace, "parsed"), 0, "{trace}");
    assert_eq!(field(&trace, "stat"), ids.len(), "{trace}");
}
