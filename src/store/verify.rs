//! `docket verify` over Git: walks the commits of a range, hands each case file a commit
//! changed (and its versions in the parents) to `core::verify`, checks the case files of
//! the tip, and asks `git` about signatures when they are required.
//!
//! Only the commits that touched case files cost anything: the `cases` trees of a commit
//! and its parents are compared by id, then shard by shard. What each commit was found
//! to hold is kept in `.git/docket/verify.bin` by commit id (and the tip's files by blob
//! id), under a stamp of the settings the checks used, so a second run only reads the
//! commits it has not seen. Works in a bare repository too (the server hook).

use std::collections::HashMap;
use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::rc::Rc;

use chrono::{TimeZone, Utc};
use git2::{ObjectType, Oid, Repository, Tree};
use serde::{Deserialize, Serialize};

use super::{Casebook, Result, StoreError};
use crate::core::agents::Agents;
use crate::core::config::Config;
use crate::core::verify::{self as rules, CommitInfo, Finding, Kind, Version};

const MAGIC: &[u8; 8] = b"DKTVRFY2";

/// The settings the checks run under (from the casebook, or for the server hook from
/// the branch as it was before the push).
pub struct Settings {
    pub config: Config,
    pub agents: Agents,
    /// A stamp of the settings' text: a cache made under other settings is not used.
    pub stamp: u64,
}

impl Settings {
    pub fn from_texts(config: &str, agents: Option<&str>) -> Result<Settings> {
        let settings = |file: &str| {
            let file = std::path::PathBuf::from(file);
            move |source| StoreError::Settings { file, source }
        };
        let c = Config::parse(config).map_err(settings(super::CONFIG_FILE))?;
        let a = match agents {
            Some(t) => Agents::parse(t).map_err(settings(super::AGENTS_FILE))?,
            None => Agents::default(),
        };
        Ok(Settings {
            config: c,
            agents: a,
            stamp: stamp(&[config, agents.unwrap_or("")]),
        })
    }
}

fn stamp(parts: &[&str]) -> u64 {
    use std::hash::Hasher;
    let mut h = std::hash::DefaultHasher::new();
    for p in parts {
        h.write(p.as_bytes());
        h.write_u8(0);
    }
    h.finish()
}

/// What a run found, and how much it looked at.
#[derive(Debug, Default)]
pub struct Report {
    pub findings: Vec<Finding>,
    /// Commits in the range, and how many of them were checked in this run (the others
    /// came from the cache).
    pub commits: usize,
    pub commits_checked: usize,
    /// Case files in the tip.
    pub cases: usize,
    /// Commits where a shallow clone's history is cut (not checked).
    pub shallow_boundary: Vec<String>,
}

#[derive(Serialize, Deserialize, Default)]
struct Stored {
    stamp: u64,
    commits: HashMap<[u8; 20], Vec<Finding>>,
    /// Tip files: path → (blob, findings).
    files: HashMap<String, ([u8; 20], Vec<Finding>)>,
}

fn key(oid: Oid) -> [u8; 20] {
    oid.as_bytes().try_into().expect("a SHA-1 id")
}

/// What to check: the commits reachable from `tip` and not from any of `hide`, and the
/// case files of `tip` (those that differ from `since_tree`'s commit, when given).
pub struct Range {
    pub tip: Oid,
    pub hide: Vec<Oid>,
    pub since_tree: Option<Oid>,
}

/// Verifies `range` of `repo` for the casebook at `prefix` (`""` or `"sub/"`).
pub fn verify(
    repo: &Repository,
    prefix: &str,
    settings: &Settings,
    range: &Range,
    cache_dir: &Path,
) -> Result<Report> {
    let cache_file = cache_dir.join("verify.bin");
    let signed = settings.config.verify.require_signed;
    // Signature results depend on who is trusted: the allowed SSH signers are part of
    // the stamp (a changed file re-checks every commit).
    let signers = if signed {
        repo.config()
            .and_then(|c| c.get_path("gpg.ssh.allowedsignersfile"))
            .ok()
            .map(|p| {
                format!(
                    "{}\n{}",
                    p.display(),
                    std::fs::read_to_string(&p).unwrap_or_default()
                )
            })
            .unwrap_or_default()
    } else {
        String::new()
    };
    let run_stamp = stamp(&[
        &settings.stamp.to_string(),
        prefix,
        if signed { "signed" } else { "" },
        &signers,
    ]);
    let mut stored = load(&cache_file)
        .filter(|s| s.stamp == run_stamp)
        .unwrap_or_else(|| Stored {
            stamp: run_stamp,
            ..Stored::default()
        });
    let rules = rules::Rules {
        agents: &settings.agents,
        access: &settings.config.access,
        max_skew: settings.config.verify.max_skew(),
    };
    // Each commit's `cases` tree is read twice (as a commit's tree and as its child's
    // parent tree); libgit2 caches trees only up to 4 KiB, and a tree of 1,024 shard
    // folders is ~30 KiB: let the cache hold them, so each is read and hashed once.
    // SAFETY: a process-wide libgit2 setting, set before this thread reads objects and
    // with no other thread using libgit2.
    unsafe {
        let _ = git2::opts::set_cache_object_limit(ObjectType::Tree, 1 << 20);
    }
    // Objects are read by id and not re-hashed (a fifth of the first run's time): what
    // `verify` checks is what the commits say; that each object matches its id is what
    // `git fsck` checks (and `git index-pack` did when the objects were fetched).
    git2::opts::strict_hash_verification(false);
    let mut walk = repo.revwalk()?;
    walk.push(range.tip)?;
    for h in &range.hide {
        // A hidden commit the repository does not have hides nothing.
        let _ = walk.hide(*h);
    }
    let mut report = Report::default();
    let mut fresh: Vec<Oid> = Vec::new();
    let mut pending = Pending::default();
    let mut trees = Trees::default();
    let cases_dir = format!("{prefix}{}", super::CASES_DIR);
    // In a shallow clone the oldest commits have their parents cut off: what they changed
    // cannot be told, so they are the starting point, not checked.
    let boundary: Vec<Oid> = std::fs::read_to_string(repo.path().join("shallow"))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| Oid::from_str(l.trim()).ok())
        .collect();
    for oid in walk {
        let oid = oid?;
        report.commits += 1;
        if boundary.contains(&oid) {
            report.shallow_boundary.push(oid.to_string());
            continue;
        }
        if let Some(f) = stored.commits.get(&key(oid)) {
            report.findings.extend(f.iter().cloned());
            continue;
        }
        let found = check_commit(repo, &cases_dir, &rules, oid, &mut pending, &mut trees)?;
        fresh.push(oid);
        stored.commits.insert(key(oid), found);
    }
    report.commits_checked = fresh.len();
    if signed && !fresh.is_empty() {
        for (oid, f) in signatures(repo, &fresh)? {
            stored.commits.entry(key(oid)).or_default().push(f);
        }
    }
    for oid in &fresh {
        report
            .findings
            .extend(stored.commits[&key(*oid)].iter().cloned());
    }
    // The tip's case files as they stand.
    let tip_tree = repo.find_commit(range.tip)?.tree()?;
    let since_tree = match range.since_tree {
        Some(c) => Some(repo.find_commit(c)?.tree()?),
        None => None,
    };
    let mut files = HashMap::new();
    for (path, blob) in case_blobs(repo, &tip_tree, &cases_dir)? {
        report.cases += 1;
        if let Some(t) = &since_tree
            && t.get_path(Path::new(&path)).is_ok_and(|e| e.id() == blob)
        {
            continue;
        }
        let found = match stored.files.get(&path) {
            Some((b, f)) if *b == key(blob) => f.clone(),
            _ => {
                let version = parse_blob(repo, blob);
                let file = &path[prefix.len()..];
                let expected = super::casefile::path_for(rules::file_id(file));
                rules::check_file(file, &expected, &version)
            }
        };
        report.findings.extend(found.iter().cloned());
        files.insert(path, (key(blob), found));
    }
    stored.files = files;
    if report.commits_checked > 0 || !cache_file.exists() {
        save(&cache_file, &stored);
    }
    report
        .findings
        .sort_by(|a, b| (a.kind, &a.commit, &a.file).cmp(&(b.kind, &b.commit, &b.file)));
    Ok(report)
}

fn load(path: &Path) -> Option<Stored> {
    let bytes = std::fs::read(path).ok()?;
    let body = super::cache::unseal(MAGIC, &bytes)?;
    postcard::from_bytes(body).ok()
}

/// A cache that cannot be written only costs the next run its time.
fn save(path: &Path, stored: &Stored) {
    if let Ok(body) = postcard::to_stdvec(stored) {
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let _ = super::fsutil::replace_cache(path, &super::cache::seal(MAGIC, &body));
    }
}

fn parse_blob(repo: &Repository, blob: Oid) -> Version {
    let b = repo
        .find_blob(blob)
        .map_err(|e| rules::Unreadable(e.message().to_string()))?;
    let text =
        std::str::from_utf8(b.content()).map_err(|_| rules::Unreadable("not UTF-8 text".into()))?;
    super::casefile::parse(text).map_err(|e| rules::Unreadable(e.to_string()))
}

/// The `cases` subtree of a commit's tree, if any.
fn cases_tree<'r>(
    repo: &'r Repository,
    root: &Tree<'_>,
    cases_dir: &str,
) -> Result<Option<Tree<'r>>> {
    match root.get_path(Path::new(cases_dir)) {
        Ok(e) if e.kind() == Some(ObjectType::Tree) => Ok(Some(repo.find_tree(e.id())?)),
        _ => Ok(None),
    }
}

/// Every `*.toml` blob under the `cases` folder, by full path.
fn case_blobs(repo: &Repository, root: &Tree<'_>, cases_dir: &str) -> Result<Vec<(String, Oid)>> {
    let mut out = Vec::new();
    if let Some(t) = cases_tree(repo, root, cases_dir)? {
        t.walk(git2::TreeWalkMode::PreOrder, |dir, e| {
            if e.kind() == Some(ObjectType::Blob)
                && let Ok(name) = e.name()
                && name.ends_with(".toml")
            {
                out.push((format!("{cases_dir}/{dir}{name}"), e.id()));
            }
            git2::TreeWalkResult::Ok
        })?;
    }
    Ok(out)
}

/// Git's order of tree entries: by name, a folder's name as if it ended in `/`.
fn git_order(a: &git2::TreeEntry<'_>, b: &git2::TreeEntry<'_>) -> std::cmp::Ordering {
    let slash = |e: &git2::TreeEntry<'_>| (e.kind() == Some(ObjectType::Tree)).then_some(b'/');
    let (x, y) = (a.name_bytes(), b.name_bytes());
    x.iter()
        .copied()
        .chain(slash(a))
        .cmp(y.iter().copied().chain(slash(b)))
}

/// The case files that differ between two `cases` trees: path → (old blob, new blob).
/// Tree entries are sorted, so one lockstep pass over both finds what differs, with no
/// map, no sort and no copy of the entries.
fn changed(
    repo: &Repository,
    old: Option<&Tree<'_>>,
    new: Option<&Tree<'_>>,
    base: &str,
    out: &mut HashMap<String, (Option<Oid>, Option<Oid>)>,
) -> Result<()> {
    if old.map(|t| t.id()) == new.map(|t| t.id()) {
        return Ok(());
    }
    let (mut i, mut j) = (0, 0);
    loop {
        let (a, b) = (old.and_then(|t| t.get(i)), new.and_then(|t| t.get(j)));
        let (x, y) = match (a, b) {
            (None, None) => break,
            (Some(x), None) => {
                i += 1;
                (Some(x), None)
            }
            (None, Some(y)) => {
                j += 1;
                (None, Some(y))
            }
            (Some(x), Some(y)) => match git_order(&x, &y) {
                std::cmp::Ordering::Equal => {
                    i += 1;
                    j += 1;
                    (Some(x), Some(y))
                }
                std::cmp::Ordering::Less => {
                    i += 1;
                    (Some(x), None)
                }
                std::cmp::Ordering::Greater => {
                    j += 1;
                    (None, Some(y))
                }
            },
        };
        if x.as_ref().map(|e| e.id()) == y.as_ref().map(|e| e.id()) {
            continue;
        }
        let name = String::from_utf8_lossy(
            x.as_ref()
                .or(y.as_ref())
                .expect("one side is there")
                .name_bytes(),
        )
        .into_owned();
        let tree_of = |v: Option<&git2::TreeEntry<'_>>| -> Result<Option<Tree<'_>>> {
            match v {
                Some(e) if e.kind() == Some(ObjectType::Tree) => Ok(Some(repo.find_tree(e.id())?)),
                _ => Ok(None),
            }
        };
        let blob_of = |v: Option<&git2::TreeEntry<'_>>| match v {
            Some(e) if e.kind() == Some(ObjectType::Blob) && name.ends_with(".toml") => {
                Some(e.id())
            }
            _ => None,
        };
        let (tx, ty) = (tree_of(x.as_ref())?, tree_of(y.as_ref())?);
        if tx.is_some() || ty.is_some() {
            changed(
                repo,
                tx.as_ref(),
                ty.as_ref(),
                &format!("{base}{name}/"),
                out,
            )?;
        }
        let (bx, by) = (blob_of(x.as_ref()), blob_of(y.as_ref()));
        if bx.is_some() || by.is_some() {
            // A name that is a folder on one side and a file on the other: both changed.
            let entry = out.entry(format!("{base}{name}")).or_insert((None, None));
            entry.0 = entry.0.or(bx);
            entry.1 = entry.1.or(by);
        }
    }
    Ok(())
}

/// The `cases` trees of the last commit's parents, by root tree: the walk reads each
/// commit's tree right after reading it as its child's parent.
#[derive(Default)]
struct Trees<'r> {
    by_root: HashMap<Oid, Option<Tree<'r>>>,
    keep: Vec<Oid>,
}

impl<'r> Trees<'r> {
    fn cases(
        &mut self,
        repo: &'r Repository,
        root: Oid,
        cases_dir: &str,
    ) -> Result<Option<Tree<'r>>> {
        if let Some(t) = self.by_root.get(&root) {
            return Ok(t.clone());
        }
        let t = cases_tree(repo, &repo.find_tree(root)?, cases_dir)?;
        self.by_root.insert(root, t.clone());
        self.keep.push(root);
        Ok(t)
    }

    /// Forgets every tree but the last few read (the parents of the commit just read).
    fn forget_old(&mut self) {
        if self.keep.len() > 8 {
            let old: Vec<Oid> = self.keep.drain(..self.keep.len() - 4).collect();
            for o in old {
                self.by_root.remove(&o);
            }
        }
    }
}

/// Parsed versions waiting for the older commit that wrote them: the walk goes from new
/// to old, so a version read as a commit's "before" is the "after" of a commit still to
/// come; kept until then, each blob is parsed once.
#[derive(Default)]
struct Pending(HashMap<Oid, Rc<Version>>);

impl Pending {
    fn keep(&mut self, repo: &Repository, blob: Oid) -> Rc<Version> {
        self.0
            .entry(blob)
            .or_insert_with(|| Rc::new(parse_blob(repo, blob)))
            .clone()
    }

    fn take(&mut self, repo: &Repository, blob: Oid) -> Rc<Version> {
        self.0
            .remove(&blob)
            .unwrap_or_else(|| Rc::new(parse_blob(repo, blob)))
    }
}

fn check_commit<'r>(
    repo: &'r Repository,
    cases_dir: &str,
    rules: &rules::Rules<'_>,
    oid: Oid,
    pending: &mut Pending,
    trees: &mut Trees<'r>,
) -> Result<Vec<Finding>> {
    let commit = repo.find_commit(oid)?;
    let new_cases = trees.cases(repo, commit.tree_id(), cases_dir)?;
    let parents: Vec<git2::Commit> = commit.parents().collect();
    let mut parent_cases = Vec::with_capacity(parents.len().max(1));
    for p in &parents {
        parent_cases.push(trees.cases(repo, p.tree_id(), cases_dir)?);
    }
    trees.forget_old();
    if parents.is_empty() {
        parent_cases.push(None);
    }
    // Every file that differs from some parent.
    let base = format!("{cases_dir}/");
    let mut per_parent = Vec::with_capacity(parent_cases.len());
    let mut paths: Vec<String> = Vec::new();
    for pc in &parent_cases {
        let mut diff = HashMap::new();
        changed(repo, pc.as_ref(), new_cases.as_ref(), &base, &mut diff)?;
        paths.extend(diff.keys().cloned());
        per_parent.push(diff);
    }
    paths.sort();
    paths.dedup();
    if paths.is_empty() {
        return Ok(Vec::new());
    }
    let author = commit.author();
    let time = Utc
        .timestamp_opt(author.when().seconds(), 0)
        .single()
        .unwrap_or_default();
    let id = oid.to_string();
    let info = CommitInfo {
        id: &id,
        author_name: author.name().unwrap_or(""),
        author_email: author.email().unwrap_or(""),
        time,
        message: commit.message().unwrap_or(""),
        merge: parents.len() > 1,
    };
    let strip = |p: &str| {
        p.strip_prefix(cases_dir)
            .map(|r| format!("{}{r}", super::CASES_DIR))
    };
    // Each file's version here and in each parent (unchanged from a parent: the same).
    // (file, its version here, its versions in each parent)
    type Versions = (String, Option<Rc<Version>>, Vec<Option<Rc<Version>>>);
    let mut versions: Vec<Versions> = Vec::new();
    for path in &paths {
        let file = strip(path).unwrap_or_else(|| path.clone());
        let after_blob = new_cases
            .as_ref()
            .and_then(|t| t.get_path(Path::new(&path[base.len()..])).ok())
            .filter(|e| e.kind() == Some(ObjectType::Blob))
            .map(|e| e.id());
        let after = after_blob.map(|b| pending.take(repo, b));
        let befores = per_parent
            .iter()
            .map(|diff| {
                let blob = match diff.get(path) {
                    Some((old, _)) => *old,
                    None => after_blob,
                };
                blob.map(|b| pending.keep(repo, b))
            })
            .collect();
        versions.push((file, after, befores));
    }
    // A case that moved to a new file in this commit (re-identified) is one case: the
    // new file's earlier versions are the old file's, and the old file is not deleted.
    let events_of = |v: &Option<Rc<Version>>| -> Vec<crate::core::case::Text> {
        match v.as_deref() {
            Some(Ok(c)) => c.timeline.iter().map(|e| e.id.clone()).collect(),
            _ => Vec::new(),
        }
    };
    let mut moved_from: HashMap<usize, usize> = HashMap::new();
    for (i, (_, after, befores)) in versions.iter().enumerate() {
        if after.is_none() || befores.iter().any(Option::is_some) {
            continue;
        }
        let ids = events_of(after);
        let source = versions.iter().position(|(_, a, b)| {
            a.is_none()
                && b.iter().flatten().any(
                    |v| matches!(&**v, Ok(c) if c.timeline.iter().any(|e| ids.contains(&e.id))),
                )
        });
        if let Some(j) = source {
            moved_from.insert(i, j);
        }
    }
    let sources: Vec<usize> = moved_from.values().copied().collect();
    let mut out = Vec::new();
    let mut touched = Vec::new();
    for (i, (file, after, befores)) in versions.iter().enumerate() {
        touched.push(file.clone());
        if sources.contains(&i) {
            continue;
        }
        let befores = match moved_from.get(&i) {
            Some(&j) => &versions[j].2,
            None => befores,
        };
        let refs: Vec<Option<&Version>> = befores.iter().map(|b| b.as_deref()).collect();
        out.extend(rules::check_change(
            rules,
            &info,
            file,
            &refs,
            after.as_deref(),
        ));
    }
    out.extend(rules::check_trailers(&info, &touched));
    Ok(out)
}

/// Signature findings for `commits`, from one `git log` (`%G?`: the rules of
/// `git verify-commit`, gpg or ssh with `gpg.ssh.allowedSignersFile`).
fn signatures(repo: &Repository, commits: &[Oid]) -> Result<Vec<(Oid, Finding)>> {
    let mut child = Command::new("git")
        .arg("--git-dir")
        .arg(repo.path())
        .args([
            "log",
            "--no-walk=unsorted",
            "--stdin",
            "--format=%H%x1f%G?%x1f%GK%x1f%GS",
        ])
        .env("GIT_TERMINAL_PROMPT", "0")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| StoreError::GitCommand {
            what: "git log (signatures)".into(),
            message: format!("{e} (is git installed?)"),
        })?;
    let mut input = String::with_capacity(commits.len() * 41);
    for c in commits {
        input.push_str(&c.to_string());
        input.push('\n');
    }
    let mut stdin = child.stdin.take().expect("piped");
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child
        .wait_with_output()
        .map_err(|e| StoreError::GitCommand {
            what: "git log (signatures)".into(),
            message: e.to_string(),
        })?;
    let _ = writer.join();
    if !out.status.success() {
        return Err(StoreError::GitCommand {
            what: "git log (signatures)".into(),
            message: String::from_utf8_lossy(&out.stderr).trim().to_string(),
        });
    }
    let mut found = Vec::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let parts: Vec<&str> = line.split('\x1f').collect();
        let [h, status, key, signer] = parts[..] else {
            continue;
        };
        let Ok(oid) = Oid::from_str(h) else { continue };
        let signer = signer.trim();
        let (kind, message) = match status {
            "G" => continue,
            // A good OpenPGP signature by a key of unknown trust: `git verify-commit`
            // accepts it. An SSH key without a principal in the allowed signers is anyone's.
            "U" if !signer.is_empty() => continue,
            "U" => (
                Kind::BadSignature,
                format!("signed by SSH key {key}, which gpg.ssh.allowedSignersFile does not list"),
            ),
            "N" => (
                Kind::Unsigned,
                "the commit is not signed, and verify.require_signed is on".to_string(),
            ),
            "B" => (
                Kind::BadSignature,
                "the signature does not verify (the commit was changed after it was signed)".into(),
            ),
            "X" | "Y" => (
                Kind::BadSignature,
                format!("the signature (or the key of {signer}) has expired"),
            ),
            "R" => (
                Kind::BadSignature,
                format!("the key that signed it ({signer}) is revoked"),
            ),
            _ => (
                Kind::BadSignature,
                "the signature cannot be checked (key unknown: for SSH add it to gpg.ssh.allowedSignersFile, for OpenPGP import it)".into(),
            ),
        };
        found.push((
            oid,
            Finding {
                kind,
                commit: Some(h.to_string()),
                case: None,
                file: None,
                event: None,
                message,
            },
        ));
    }
    Ok(found)
}

impl Casebook {
    /// Verifies the history of HEAD (from `since`, a revision, when given).
    pub fn verify(&self, since: Option<&str>) -> Result<Report> {
        let tip = match self.repo.head() {
            Ok(h) => h.peel_to_commit()?.id(),
            Err(_) => return Ok(Report::default()),
        };
        let mut hide = Vec::new();
        if let Some(rev) = since {
            let obj = self
                .repo
                .revparse_single(rev)
                .map_err(|_| StoreError::UnknownRevision(rev.to_string()))?;
            hide.push(obj.peel_to_commit()?.id());
        }
        let read = |name: &str| std::fs::read_to_string(self.dir.join(name)).ok();
        let settings = Settings {
            config: self.config.clone(),
            agents: self.agents.clone(),
            stamp: stamp(&[
                &read(super::CONFIG_FILE).unwrap_or_default(),
                &read(super::AGENTS_FILE).unwrap_or_default(),
            ]),
        };
        verify(
            &self.repo,
            &self.prefix,
            &settings,
            &Range {
                tip,
                since_tree: hide.first().copied(),
                hide,
            },
            &self.private_dir(),
        )
    }
}

/// One line a `pre-receive` hook reads: `OLD NEW REF`.
pub struct RefUpdate {
    pub old: String,
    pub new: String,
    pub name: String,
}

/// The server hook: verifies each pushed branch range (the commits not on the server
/// yet) under the settings the branch had before the push, so a push cannot loosen its
/// own check. Runs in the repository of `GIT_DIR` (with the push's quarantine object
/// directories, as `git receive-pack` sets them). Returns the findings and status notes.
pub fn pre_receive(updates: &[RefUpdate]) -> Result<(Report, Vec<String>)> {
    let repo = Repository::open_from_env()?;
    let zero = Oid::ZERO_SHA1;
    let mut existing = Vec::new();
    for r in repo.references()? {
        let r = r?;
        if let Ok(c) = r.peel_to_commit() {
            existing.push(c.id());
        }
    }
    let mut total = Report::default();
    let mut notes = Vec::new();
    for u in updates {
        let parse =
            // Full object ids only (a short one would be read as a prefix padded with zeros).
            |s: &str| {
                let full = matches!(s.len(), 40 | 64) && s.bytes().all(|b| b.is_ascii_hexdigit());
                full.then(|| Oid::from_str(s).ok())
                    .flatten()
                    .ok_or_else(|| StoreError::UnknownRevision(s.to_string()))
            };
        let (old, new) = (parse(&u.old)?, parse(&u.new)?);
        if new == zero || !u.name.starts_with("refs/heads/") {
            continue;
        }
        let old = (old != zero).then_some(old);
        let Some((prefix, settings)) = settings_at(&repo, old.unwrap_or(new))? else {
            notes.push(format!(
                "docket: {}: no docket.toml in the pushed tree; not a casebook, accepted",
                u.name
            ));
            continue;
        };
        let range = Range {
            tip: new,
            hide: existing.clone(),
            since_tree: old,
        };
        let report = verify(
            &repo,
            &prefix,
            &settings,
            &range,
            &repo.path().join("docket"),
        )?;
        total.commits += report.commits;
        total.commits_checked += report.commits_checked;
        total.cases = total.cases.max(report.cases);
        total.shallow_boundary.extend(report.shallow_boundary);
        total.findings.extend(report.findings);
    }
    Ok((total, notes))
}

/// The casebook settings in a commit's tree (`prefix` is where docket.toml is: the
/// root, or the one folder holding it), for the server hook.
pub fn settings_at(repo: &Repository, commit: Oid) -> Result<Option<(String, Settings)>> {
    let tree = repo.find_commit(commit)?.tree()?;
    let text = |path: &str| -> Option<String> {
        let e = tree.get_path(Path::new(path)).ok()?;
        let b = repo.find_blob(e.id()).ok()?;
        String::from_utf8(b.content().to_vec()).ok()
    };
    let mut prefixes = vec![String::new()];
    for e in tree.iter() {
        if e.kind() == Some(ObjectType::Tree)
            && let Ok(n) = e.name()
        {
            prefixes.push(format!("{n}/"));
        }
    }
    for prefix in prefixes {
        if let Some(config) = text(&format!("{prefix}{}", super::CONFIG_FILE)) {
            let agents = text(&format!("{prefix}{}", super::AGENTS_FILE));
            let settings = Settings::from_texts(&config, agents.as_deref())?;
            return Ok(Some((prefix, settings)));
        }
    }
    Ok(None)
}
