//! Finding, resolving and reading case files.

use std::path::PathBuf;

use super::{CASES_DIR, Casebook, casefile};
use super::{Result, StoreError};
use crate::core::case::Case;
use crate::core::id;

/// The largest case file docket reads (a generous bound: a case with thousands of long
/// comments is well under a megabyte).
pub const MAX_CASE_FILE: u64 = 8 * 1024 * 1024;

/// A case as read from its file: the text (for format-preserving rewrites) and the model.
pub struct CaseFile {
    /// Path inside the casebook, `cases/<shard>/<ID>.toml`.
    pub path: String,
    pub text: String,
    pub case: Case,
}

/// A case file that could not be read, reported without stopping the others.
#[derive(Debug, Clone)]
pub struct BadCase {
    pub path: String,
    pub problem: String,
}

impl std::fmt::Display for BadCase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.problem)
    }
}

impl Casebook {
    pub fn abs(&self, path: &str) -> PathBuf {
        self.dir.join(path)
    }

    /// Every case file in the casebook (path inside the casebook, in path order) with its
    /// stat data: an `lstat` per file, on every core. Shard folders unchanged since the
    /// last run are not read again (see [`super::listing`]).
    pub fn case_files(&self) -> Result<Vec<(String, std::io::Result<Stamp>)>> {
        let walk = self.case_walk(true)?;
        std::thread::scope(|s| {
            for _ in 1..walk.threads {
                s.spawn(|| walk.work());
            }
            walk.work();
        });
        Ok(walk.finish().into_vec())
    }

    /// The walk behind [`Casebook::case_files`], for threads to share: the stored listing
    /// and the shard folders to look at. Any thread with nothing better to do calls
    /// [`CaseWalk::work`] (the cache's decoder does when it is done).
    ///
    /// `stamped`: stat each file. Without (a cache rebuilt from nothing, whose every file
    /// is read anyway and stat'ed when it is opened) the files carry [`Stamp::UNKNOWN`]:
    /// at 10,000 cases that is 10,000 `lstat` calls a cold run does not make.
    pub(super) fn case_walk(&self, stamped: bool) -> Result<CaseWalk> {
        use super::listing::{DirStamp, Listing};
        let root = self.dir.join(CASES_DIR);
        let listing_path = self.private_dir().join("listing.bin");
        let none = |root: PathBuf| CaseWalk {
            root,
            stamped,
            #[cfg(unix)]
            root_dir: None,
            now: 0,
            root_stamp: None,
            fresh_root: false,
            old: Listing::default(),
            shards: Vec::new(),
            listing_path: None,
            threads: 1,
            next: std::sync::atomic::AtomicUsize::new(0),
            done: std::sync::Mutex::new(Vec::new()),
        };
        if self.check_inside(&format!("{CASES_DIR}/x")).is_err() {
            return Ok(none(root));
        }
        // Taken before any folder is looked at: a change after it gets a later time.
        let now = super::listing::now_ns();
        let root_meta = match std::fs::symlink_metadata(&root) {
            Ok(m) if m.is_dir() => m,
            Ok(_) => return Ok(none(root)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(none(root)),
            Err(e) => return Err(StoreError::io(&root, e)),
        };
        let old = Listing::load(&listing_path);
        let root_stamp = DirStamp::of(&root_meta, now);
        // Shard folders that are links (or files) are not read; see check_inside.
        let stored_names = old.shard_names(&root_stamp);
        let fresh_root = stored_names.is_none();
        let shards = match stored_names {
            Some(names) => names,
            None => sorted_subdirs(&root)?
                .into_iter()
                .map(crate::core::case::Text::from)
                .collect(),
        };
        crate::vars::mark("listing read");
        let threads = if shards.len() < 8 {
            1
        } else {
            crate::core::par::cores()
        };
        // Opened only when the listing answers for `cases/` (otherwise every folder is
        // read anyway); not through a link, as check_inside requires.
        #[cfg(unix)]
        let root_dir = match fresh_root {
            true => None,
            false => super::fsutil::Folder::open(None, &root),
        };
        Ok(CaseWalk {
            #[cfg(unix)]
            root_dir,
            root,
            stamped,
            now,
            root_stamp: Some(root_stamp),
            fresh_root,
            old,
            shards,
            listing_path: Some(listing_path),
            threads,
            next: std::sync::atomic::AtomicUsize::new(0),
            done: std::sync::Mutex::new(Vec::new()),
        })
    }

    fn shard_paths(&self, shard: &str) -> Result<Vec<String>> {
        let dir = self.dir.join(CASES_DIR).join(shard);
        Ok(sorted_dir(&dir)?
            .into_iter()
            .filter(|n| is_case_file_name(n))
            .map(|n| format!("{CASES_DIR}/{shard}/{n}"))
            .collect())
    }

    /// Resolves what the user typed (a full ID or any unique prefix, case-insensitive) to
    /// a case ID. Only the shard folders the prefix can point to are read.
    pub fn resolve_id(&self, query: &str) -> Result<String> {
        let q = id::normalize_query(query);
        if q.is_empty() {
            return Err(StoreError::EmptyId);
        }
        if !id::is_plausible_query(&q) {
            return Err(StoreError::NoCase(query.to_string()));
        }
        if id::is_valid(&self.config.id_prefix, &q) && self.abs(&casefile::path_for(&q)).is_file() {
            return Ok(q);
        }
        let rand = match q.rsplit_once('-') {
            Some((p, r)) if p.eq_ignore_ascii_case(&self.config.id_prefix) => r.to_string(),
            Some(_) => String::new(),
            None => q.clone(),
        };
        let shards: Vec<String> = if let Some(shard) = rand.get(..2) {
            vec![shard.to_string()]
        } else {
            sorted_dir(&self.dir.join(CASES_DIR))?
                .into_iter()
                .filter(|s| s.starts_with(&rand))
                .collect()
        };
        let mut found = Vec::new();
        for shard in shards {
            for path in self.shard_paths(&shard)? {
                let id = file_id(&path);
                if id::matches(id, &q) {
                    found.push(id.to_string());
                }
            }
        }
        match found.len() {
            1 => Ok(found.remove(0)),
            0 => Err(StoreError::NoCase(query.to_string())),
            count => Err(StoreError::Ambiguous {
                query: query.to_string(),
                count,
                shown: found.into_iter().take(10).collect(),
            }),
        }
    }

    /// Reads and parses one case file; the error names the file, line and problem.
    pub fn read_case_file(&self, path: &str) -> std::result::Result<CaseFile, BadCase> {
        let bad = |problem: String| BadCase {
            path: path.to_string(),
            problem,
        };
        self.check_inside(path).map_err(|e| bad(e.to_string()))?;
        parse_file(&self.abs(path), path)
    }

    /// Refuses a path inside the casebook whose folders are not real folders of it (a
    /// symbolic link to elsewhere): docket never follows a link out of the casebook.
    pub fn check_inside(&self, path: &str) -> std::result::Result<(), super::fsutil::FileProblem> {
        let mut dir = self.dir.clone();
        let parts: Vec<&str> = path.split('/').collect();
        for part in &parts[..parts.len().saturating_sub(1)] {
            dir.push(part);
            match std::fs::symlink_metadata(&dir) {
                Ok(m) if m.file_type().is_symlink() || !m.is_dir() => {
                    let rel = dir.strip_prefix(&self.dir).unwrap_or(&dir);
                    return Err(super::fsutil::FileProblem::Outside(
                        rel.display().to_string(),
                    ));
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Resolves `query` and reads that case.
    pub fn load_case(&self, query: &str) -> Result<CaseFile> {
        let id = self.resolve_id(query)?;
        self.read_case_file(&casefile::path_for(&id))
            .map_err(StoreError::BadCase)
    }
}

/// What the summary cache keys a file by: size, modification time (ns) and inode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    pub size: u64,
    pub mtime_ns: i128,
    pub ino: u64,
    /// The inode change time: set by the kernel on every write, so a file written again
    /// with its old size and modification time restored still shows as changed (Git
    /// compares it too).
    pub ctime_ns: i128,
}

impl Stamp {
    /// What a walk that does not stat files gives each (see [`Casebook::case_walk`]):
    /// never the stat data of a file (no file has a negative size or times this early).
    pub const UNKNOWN: Stamp = Stamp {
        size: u64::MAX,
        mtime_ns: i128::MIN,
        ino: 0,
        ctime_ns: i128::MIN,
    };

    pub fn of(meta: &std::fs::Metadata) -> Stamp {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            Stamp {
                size: meta.size(),
                mtime_ns: i128::from(meta.mtime()) * 1_000_000_000 + i128::from(meta.mtime_nsec()),
                ino: meta.ino(),
                ctime_ns: i128::from(meta.ctime()) * 1_000_000_000 + i128::from(meta.ctime_nsec()),
            }
        }
        #[cfg(not(unix))]
        {
            let mtime_ns = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos() as i128);
            Stamp {
                size: meta.len(),
                mtime_ns,
                ino: 0,
                ctime_ns: 0,
            }
        }
    }
}

/// Reads and parses the case file at `abs` (named `path` in messages), once its folders
/// were checked.
pub(super) fn parse_file(
    abs: &std::path::Path,
    path: &str,
) -> std::result::Result<CaseFile, BadCase> {
    let bad = |problem: String| BadCase {
        path: path.to_string(),
        problem,
    };
    let text = super::fsutil::read_regular(abs, MAX_CASE_FILE).map_err(|e| bad(e.to_string()))?;
    parse_text(text, path)
}

/// Parses the text of the case file `path` (named in messages).
pub(super) fn parse_text(text: String, path: &str) -> std::result::Result<CaseFile, BadCase> {
    let bad = |problem: String| BadCase {
        path: path.to_string(),
        problem,
    };
    let case = casefile::parse(&text).map_err(|e| bad(e.to_string()))?;
    let expected = file_id(path);
    if case.id != expected {
        return Err(bad(format!(
            "id {:?} does not match the file name ({expected})",
            case.id
        )));
    }
    Ok(CaseFile {
        path: path.to_string(),
        text,
        case,
    })
}

/// Whether a name in a shard folder is one a read takes for a case file: `*.toml`, not
/// hidden (docket's temporary files are `.docket-*`). The walk, the listing, a watcher and
/// a watched read all go by this.
pub(super) fn is_case_file_name(name: &str) -> bool {
    name.ends_with(".toml") && !name.starts_with('.')
}

/// The ID a case file's name says it holds.
pub fn file_id(path: &str) -> &str {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.strip_suffix(".toml").unwrap_or(name)
}

/// The real subfolders of `dir` (not links), sorted; the type comes with the directory
/// listing itself, so this costs no `stat` per entry.
fn sorted_subdirs(dir: &std::path::Path) -> Result<Vec<String>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(StoreError::io(dir, e)),
    };
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| e.file_name().into_string().ok())
        .collect();
    names.sort();
    Ok(names)
}

fn sorted_dir(dir: &std::path::Path) -> Result<Vec<String>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(StoreError::io(dir, e)),
    };
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().into_string().ok())
        .collect();
    names.sort();
    Ok(names)
}

/// One shard as the walk found it.
struct ShardRead {
    dir: super::listing::DirStamp,
    /// The stored listing's shard that still holds, or `None` when the folder was read
    /// again (`fresh`).
    stored: Option<usize>,
    fresh: Vec<String>,
    /// Each file's stat data, in name order.
    stamps: Vec<std::io::Result<Stamp>>,
}

/// Every case file the walk found, in path order, with its stat data. The paths are kept
/// one after another in one string (not a string each).
#[derive(Default)]
pub(super) struct CaseFiles {
    paths: super::joined::Joined,
    stamps: Vec<std::io::Result<Stamp>>,
}

impl CaseFiles {
    pub(super) fn with_capacity(count: usize) -> CaseFiles {
        CaseFiles {
            paths: super::joined::Joined::with_capacity(count, count * 32),
            stamps: Vec::with_capacity(count),
        }
    }

    /// Adds the file whose path is `parts` joined (files are added in path order).
    pub(super) fn push(&mut self, parts: &[&str], stamp: std::io::Result<Stamp>) {
        self.paths.push(parts);
        self.stamps.push(stamp);
    }

    pub(super) fn len(&self) -> usize {
        self.paths.len()
    }

    /// The path of file `i` inside the casebook, `cases/<shard>/<name>`.
    pub(super) fn path(&self, i: usize) -> &str {
        self.paths.get(i)
    }

    pub(super) fn iter(&self) -> impl Iterator<Item = (&str, &std::io::Result<Stamp>)> {
        (0..self.len()).map(|i| (self.path(i), &self.stamps[i]))
    }

    pub(super) fn into_vec(self) -> Vec<(String, std::io::Result<Stamp>)> {
        let paths: Vec<String> = (0..self.len()).map(|i| self.path(i).to_string()).collect();
        paths.into_iter().zip(self.stamps).collect()
    }
}

/// The shared walk over the case files (see [`Casebook::case_walk`]).
pub(super) struct CaseWalk {
    root: PathBuf,
    /// Whether each file is stat'ed (see [`Casebook::case_walk`]).
    stamped: bool,
    /// `cases/` itself, open (not through a link), when the stored listing answers for
    /// it: the shards it names are stat'ed relative to it.
    #[cfg(unix)]
    root_dir: Option<super::fsutil::Folder>,
    now: i128,
    root_stamp: Option<super::listing::DirStamp>,
    /// The stored listing did not answer for `cases/` (a fresh clone, a first run, shards
    /// added or removed): every folder is read, and files' stat data are likely new.
    pub(super) fresh_root: bool,
    old: super::listing::Listing,
    shards: Vec<crate::core::case::Text>,
    /// Where the listing is stored; `None` when there is nothing to walk.
    listing_path: Option<PathBuf>,
    /// How many threads are worth starting (the cores, or one for a small casebook).
    pub(super) threads: usize,
    next: std::sync::atomic::AtomicUsize,
    done: std::sync::Mutex<Vec<(usize, Option<ShardRead>)>>,
}

impl CaseWalk {
    /// Takes the next shard folder, until none are left.
    pub(super) fn work(&self) {
        use std::sync::atomic::Ordering;
        let mut mine = Vec::new();
        loop {
            let i = self.next.fetch_add(1, Ordering::Relaxed);
            let Some(shard) = self.shards.get(i) else {
                break;
            };
            mine.push((i, self.read_shard(shard)));
        }
        if !mine.is_empty() {
            // A poisoned lock only means another walker panicked; its shards are missing
            // and `finish` is never reached.
            let mut done = self.done.lock().unwrap_or_else(|e| e.into_inner());
            done.extend(mine);
        }
    }

    /// Each name's stat data by `stat`, or [`Stamp::UNKNOWN`] for all when this walk does
    /// not stat files.
    fn stamps<'n>(
        &self,
        names: impl Iterator<Item = &'n str>,
        stat: impl Fn(&str) -> std::io::Result<Stamp>,
    ) -> Vec<std::io::Result<Stamp>> {
        match self.stamped {
            true => names.map(stat).collect(),
            false => names.map(|_| Ok(Stamp::UNKNOWN)).collect(),
        }
    }

    fn read_shard(&self, shard: &str) -> Option<ShardRead> {
        use super::listing::DirStamp;
        // A shard whose folder the listing still answers for is never opened: the folder
        // and each of its files are stat'ed relative to the open `cases/` folder (no
        // path built, one system call each). Opening, `fstat`ing and closing every shard
        // folder instead was 3 calls per folder, 3,000 of them at 10,000 cases.
        #[cfg(unix)]
        if let Some(root) = &self.root_dir {
            let (stamp, is_dir) = root.lstat(&[shard]).ok()?;
            if !is_dir {
                return None;
            }
            let dir = DirStamp::from_stamp(stamp, self.now);
            if let Some(i) = self.old.holding(shard, &dir) {
                let stamps = self.stamps(self.old.names(i), |name| {
                    root.lstat(&[shard, "/", name]).map(|(s, _)| s)
                });
                return Some(ShardRead {
                    dir,
                    stored: Some(i),
                    fresh: Vec::new(),
                    stamps,
                });
            }
        }
        let folder = self.root.join(shard);
        // Through the open folder (not a link: see check_inside), each file's stat data
        // cost one name's lookup instead of the whole path's.
        #[cfg(unix)]
        let open = super::fsutil::Folder::open(None, &folder)?;
        #[cfg(unix)]
        let meta = open.metadata().ok()?;
        #[cfg(not(unix))]
        let meta = std::fs::symlink_metadata(&folder)
            .ok()
            .filter(|m| m.is_dir())?;
        let dir = DirStamp::of(&meta, self.now);
        let stored = self.old.holding(shard, &dir);
        let mut fresh = Vec::new();
        if stored.is_none() {
            #[cfg(target_os = "linux")]
            let all = open.names().ok()?;
            #[cfg(not(target_os = "linux"))]
            let all: Vec<String> = std::fs::read_dir(&folder)
                .ok()?
                .filter_map(|e| e.ok()?.file_name().into_string().ok())
                .collect();
            fresh = all.into_iter().filter(|n| is_case_file_name(n)).collect();
            fresh.sort_unstable();
        }
        let stamp = |name: &str| {
            #[cfg(unix)]
            return open.stamp(name);
            #[cfg(not(unix))]
            return std::fs::symlink_metadata(folder.join(name)).map(|m| Stamp::of(&m));
        };
        let stamps = match stored {
            Some(i) => self.stamps(self.old.names(i), stamp),
            None => self.stamps(fresh.iter().map(String::as_str), stamp),
        };
        Some(ShardRead {
            dir,
            stored,
            fresh,
            stamps,
        })
    }

    /// Every file found, in path order; stores the listing when it changed. Call when
    /// every walker is done.
    pub(super) fn finish(self) -> CaseFiles {
        use super::listing::Listing;
        let mut read = self.done.into_inner().unwrap_or_else(|e| e.into_inner());
        let Some(listing_path) = self.listing_path else {
            return CaseFiles::default();
        };
        read.sort_unstable_by_key(|(i, _)| *i);
        let mut listing = Listing::new(self.root_stamp);
        // Sized first: growing 50,000 stamps and paths by doubling copies them into
        // memory touched for the first time, the costliest thing a read does here.
        let count: usize = read
            .iter()
            .filter_map(|(_, r)| r.as_ref())
            .map(|r| r.stamps.len())
            .sum();
        let mut files = CaseFiles {
            paths: super::joined::Joined::with_capacity(count, count * 32),
            stamps: Vec::with_capacity(count),
        };
        let mut reread = 0;
        // Every folder held what the stored listing says, with the same stat data: the
        // listing is not built again only to be found equal (50,000 names).
        let same = !self.fresh_root
            && self.old.root == self.root_stamp
            && read.len() == self.old.shards.len()
            && read.iter().all(|(i, r)| {
                r.as_ref()
                    .is_some_and(|r| r.stored == Some(*i) && self.old.shards[*i].dir == r.dir)
            });
        for (i, r) in read {
            let Some(r) = r else { continue };
            let shard = self.shards[i].as_str();
            let names: Vec<&str> = match r.stored {
                Some(s) => self.old.names(s).collect(),
                None => {
                    reread += 1;
                    r.fresh.iter().map(String::as_str).collect()
                }
            };
            for name in &names {
                files.paths.push(&[CASES_DIR, "/", shard, "/", name]);
            }
            if !same {
                listing.push(shard, r.dir, names);
            }
            files.stamps.extend(r.stamps);
        }
        crate::vars::mark("files stat'ed");
        crate::vars::trace_line(
            "cache",
            format_args!(
                "listing: shards={} read={reread}",
                if same { &self.old } else { &listing }.shards.len()
            ),
        );
        if !same && listing != self.old {
            listing.save(&listing_path);
        }
        files
    }
}
