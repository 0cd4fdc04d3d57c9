//! Updating single entries of the Git index without rewriting it through libgit2.
//!
//! libgit2 reads the whole index into a hash map, validates every path and writes it back
//! with a collision-detecting SHA-1: about 14 ms at 10,000 entries and ten times that at
//! 100,000. A docket write changes one or two entries, so this module patches them into the
//! index bytes directly (format versions 2 and 3), invalidates only the cache-tree nodes on
//! their paths, drops the optional extensions whose offsets or bitmaps would go stale
//! (EOIE, IEOT, FSMN, UNTR; Git rebuilds them), and writes the result through
//! `index.lock` and a rename, exactly as Git does. Anything it does not handle (version 4,
//! a split or sparse index, conflict stages or extended flags on a path it must touch)
//! makes it return `Ok(false)`, and the caller uses libgit2 instead.

use std::io::Write;
use std::path::{Path, PathBuf};

use sha1::{Digest, Sha1};

mod sums;

/// One entry to write: the path inside the repository and the blob it now holds.
pub struct Update<'a> {
    pub path: &'a str,
    pub oid: [u8; 20],
}

const ENTRY_FIXED: usize = 62;

/// The shortest stretch of index to hash that is hashed on a thread of its own.
const PARALLEL_HASH_MIN: usize = 1 << 20;

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// The 62 fixed bytes of an entry (stat data, mode, blob id, flags) for a file on disk.
fn entry_head(file: &Path, oid: &[u8; 20], flags: u16) -> std::io::Result<[u8; ENTRY_FIXED]> {
    let meta = std::fs::symlink_metadata(file)?;
    let mut h = [0u8; ENTRY_FIXED];
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let mode: u32 = if meta.mode() & 0o111 != 0 {
            0o100755
        } else {
            0o100644
        };
        let fields: [u32; 10] = [
            meta.ctime() as u32,
            meta.ctime_nsec() as u32,
            meta.mtime() as u32,
            meta.mtime_nsec() as u32,
            meta.dev() as u32,
            meta.ino() as u32,
            mode,
            meta.uid(),
            meta.gid(),
            meta.size() as u32,
        ];
        for (i, f) in fields.iter().enumerate() {
            h[i * 4..i * 4 + 4].copy_from_slice(&f.to_be_bytes());
        }
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        return Err(std::io::Error::other(
            "direct index updates need a Unix system",
        ));
    }
    h[40..60].copy_from_slice(oid);
    h[60..62].copy_from_slice(&flags.to_be_bytes());
    Ok(h)
}

fn push_entry(out: &mut Vec<u8>, head: &[u8; ENTRY_FIXED], path: &[u8]) {
    let start = out.len();
    out.extend_from_slice(head);
    out.extend_from_slice(path);
    let len = ENTRY_FIXED + path.len();
    let padded = (len + 8) & !7;
    out.resize(start + padded, 0);
}

/// The Git index as the read cache consults it: each stage-0 entry's path, blob id and
/// the stat data Git recorded. Read directly (versions 2 and 3, checksum verified): the
/// read cache asks it about every file of a fresh clone, and libgit2's reader (a hash map
/// of every path, a collision-detecting SHA-1) took 80 ms of such a `list` at 10,000
/// cases. `None` for anything else (version 4, a split index, damage): ask libgit2.
pub struct IndexFile {
    bytes: Vec<u8>,
    /// Per entry: where it starts, where its name starts and how long the name is.
    entries: Vec<(usize, usize, usize)>,
}

/// What the index recorded about one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexStat {
    pub ctime_ns: i128,
    pub mtime_ns: i128,
    /// The low 32 bits, as Git keeps them.
    pub ino: u32,
    pub size: u32,
    pub oid: [u8; 20],
}

impl IndexFile {
    pub fn read(index_file: &Path) -> Option<IndexFile> {
        let bytes = std::fs::read(index_file).ok()?;
        if bytes.len() < 32 || &bytes[..4] != b"DIRC" {
            return None;
        }
        let version = be32(&bytes, 4)?;
        if version != 2 && version != 3 {
            return None;
        }
        let body_end = bytes.len() - 20;
        if Sha1::digest(&bytes[..body_end]).as_slice() != &bytes[body_end..] {
            return None;
        }
        let count = be32(&bytes, 8)? as usize;
        let mut entries = Vec::with_capacity(count.min(bytes.len() / ENTRY_FIXED));
        let mut at = 12;
        for _ in 0..count {
            let flags = bytes.get(at + 60..at + 62)?;
            let flags = u16::from_be_bytes([flags[0], flags[1]]);
            let extended = flags & 0x4000 != 0;
            let name_at = at + ENTRY_FIXED + if extended { 2 } else { 0 };
            let mut name_len = usize::from(flags & 0xFFF);
            if name_len == 0xFFF {
                name_len = bytes.get(name_at..body_end)?.iter().position(|b| *b == 0)?;
            }
            bytes.get(name_at..name_at + name_len)?;
            entries.push((at, name_at, name_len));
            at += (name_at - at + name_len + 8) & !7;
        }
        (at <= body_end).then_some(IndexFile { bytes, entries })
    }

    fn name(&self, i: usize) -> &[u8] {
        let (_, at, len) = self.entries[i];
        &self.bytes[at..at + len]
    }

    /// The stage-0 entry of `path` (inside the repository), if there is one.
    pub fn find(&self, path: &str) -> Option<IndexStat> {
        self.find_from(path, &mut 0)
    }

    /// [`IndexFile::find`] for paths asked in sorted order: `from` is where the last
    /// search ended, and the next one steps on from there (entries are read in order,
    /// not jumped between: 10,000 lookups for a restored clone went from ~2 ms of
    /// binary searches to a pass over the index). Any order still finds every entry:
    /// a path before `from` is searched for over the whole index.
    pub fn find_from(&self, path: &str, from: &mut usize) -> Option<IndexStat> {
        let path = path.as_bytes();
        let len = self.entries.len();
        // Entries are sorted by name, then stage: the first with this name is stage 0 if
        // any is.
        let mut lo = (*from).min(len);
        if lo > 0 && self.name(lo - 1) >= path {
            lo = 0;
        }
        // A few steps forward, then a binary search over the rest.
        let mut steps = 0;
        while lo < len && steps < 8 && self.name(lo) < path {
            lo += 1;
            steps += 1;
        }
        let mut hi = len;
        if steps == 8 {
            while lo < hi {
                let mid = (lo + hi) / 2;
                if self.name(mid) < path {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
        }
        let i = lo;
        *from = i;
        if i >= self.entries.len() || self.name(i) != path {
            return None;
        }
        let (at, _, _) = self.entries[i];
        let b = &self.bytes;
        let flags = u16::from_be_bytes([b[at + 60], b[at + 61]]);
        if (flags >> 12) & 3 != 0 {
            return None;
        }
        let word = |k: usize| be32(b, at + k * 4).unwrap_or(0);
        let ns = |s: u32, n: u32| i128::from(s) * 1_000_000_000 + i128::from(n);
        let mut oid = [0u8; 20];
        oid.copy_from_slice(&b[at + 40..at + 60]);
        Some(IndexStat {
            ctime_ns: ns(word(0), word(1)),
            mtime_ns: ns(word(2), word(3)),
            ino: word(5),
            size: word(9),
            oid,
        })
    }
}

/// Git's `index.lock`, held while docket prepares the new index and moves the branch:
/// the index is read only after the lock is taken (so a concurrent `git add` is never
/// undone), written into the lock file, and renamed into place by [`IndexLock::commit`]
/// only once the branch has moved. Dropped without a commit, the lock file is removed and
/// the index is as it was.
pub struct IndexLock {
    index: PathBuf,
    lock: PathBuf,
    file: Option<std::fs::File>,
    done: bool,
}

/// How taking `index.lock` went.
pub enum Acquired {
    Locked(IndexLock),
    /// Someone else (a `git` process) holds it.
    Busy(PathBuf),
}

impl IndexLock {
    /// Takes `index.lock` next to `index_file`, waiting up to `wait` for another process
    /// to release it.
    pub fn acquire(index_file: &Path, wait: std::time::Duration) -> std::io::Result<Acquired> {
        let lock = index_file.with_extension("lock");
        let start = std::time::Instant::now();
        loop {
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&lock)
            {
                Ok(file) => {
                    return Ok(Acquired::Locked(IndexLock {
                        index: index_file.to_path_buf(),
                        lock,
                        file: Some(file),
                        done: false,
                    }));
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    if start.elapsed() >= wait {
                        return Ok(Acquired::Busy(lock));
                    }
                    std::thread::sleep(std::time::Duration::from_millis(10));
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Reads the index (under the lock) and writes the patched one into the lock file.
    /// `Ok(false)`: the index uses something this writer does not handle (nothing written).
    /// The index is mapped, not copied, and written out as it is read: the unchanged
    /// stretches go from the mapping to the lock file (an index of 100,000 entries is
    /// 9 MB; copying it twice through fresh memory took a third of a `comment`).
    pub fn prepare(&mut self, workdir: &Path, updates: &[Update<'_>]) -> std::io::Result<bool> {
        let index = match std::fs::File::open(&self.index) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
            Err(e) => return Err(e),
        };
        if index.metadata()?.len() < 32 {
            return Ok(false);
        }
        // Mapped whole at once (`MAP_POPULATE`) rather than page fault by page fault as
        // the walk, the writer and the hasher reach it: `comment` at 50,000 cases
        // 0.97× the time (31 interleaved runs, three times).
        // SAFETY: the mapping is only read, while docket holds `index.lock`: Git and
        // libgit2 replace the index by renaming a new file over it (this mapping keeps
        // the old one) and never change it in place.
        let bytes = unsafe { memmap2::MmapOptions::new().populate().map(&index)? };
        let racy_from = index
            .metadata()?
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok());
        let Some(pieces) = rewrite(&bytes, workdir, updates, racy_from)? else {
            return Ok(false);
        };
        let file = self
            .file
            .as_mut()
            .expect("the lock file is open until commit");
        let parts: Vec<&[u8]> = pieces
            .iter()
            .map(|piece| match piece {
                Piece::Old(range) => &bytes[range.clone()],
                Piece::New(new) => new.as_slice(),
            })
            .collect();
        let sums_file = sums::path(&self.index);
        let old_states = match bytes.len() >= sums::SUMS_MIN {
            true => sums::load(&sums_file, &bytes),
            false => Vec::new(),
        };
        let reuse = first_change(&bytes, &pieces) / sums::CHECKPOINT;
        // A large stretch to hash is hashed on another thread while the index is written:
        // at 50,000 cases the write of the 4.4 MB takes ~1.5 ms and the hash (resumed)
        // ~0.8 ms. A short one is not worth the thread. The hasher is given the room for
        // its states: a thread's first allocation takes fresh memory of its own, and
        // without it `comment` took 1.1× the time at 50,000 cases, 1.1–1.4× at 10,000
        // (31 interleaved runs, twice each).
        let mut out = std::io::BufWriter::with_capacity(64 * 1024, file);
        let len = parts.iter().map(|p| p.len()).sum::<usize>();
        let mut states = Vec::with_capacity(len / sums::CHECKPOINT + 1);
        let sum = if len.saturating_sub(reuse * sums::CHECKPOINT) >= PARALLEL_HASH_MIN {
            let (written, sum) = std::thread::scope(|s| {
                let hashing = s.spawn(|| sums::hash_into(&parts, &old_states, reuse, &mut states));
                let written = parts.iter().try_for_each(|part| out.write_all(part));
                (written, hashing.join().expect("hashing does not panic"))
            });
            written?;
            sum
        } else {
            let sum = sums::hash_into(&parts, &old_states, reuse, &mut states);
            parts.iter().try_for_each(|part| out.write_all(part))?;
            sum
        };
        out.write_all(&sum)?;
        out.flush()?;
        sums::save(&sums_file, &sum, len + sum.len(), &states);
        Ok(true)
    }

    /// Renames the prepared lock file over the index.
    pub fn commit(mut self) -> std::io::Result<()> {
        self.file.take();
        super::fsutil::replace_by_exchange(&self.lock, &self.index)?;
        self.done = true;
        Ok(())
    }
}

impl Drop for IndexLock {
    fn drop(&mut self) {
        if !self.done {
            self.file.take();
            let _ = std::fs::remove_file(&self.lock);
        }
    }
}

/// Rewrites the index at `index_file` with `updates` (stat data read from `workdir`)
/// under its lock, at once. Returns `Ok(false)` when the index uses something this writer
/// does not handle, or when the lock is held by someone else.
pub fn update(index_file: &Path, workdir: &Path, updates: &[Update<'_>]) -> std::io::Result<bool> {
    let mut lock = match IndexLock::acquire(index_file, std::time::Duration::from_secs(1))? {
        Acquired::Locked(l) => l,
        Acquired::Busy(_) => return Ok(false),
    };
    if !lock.prepare(workdir, updates)? {
        return Ok(false);
    }
    lock.commit()?;
    Ok(true)
}

/// A stretch of the new index: unchanged bytes of the old one, or new bytes.
enum Piece {
    Old(std::ops::Range<usize>),
    New(Vec<u8>),
}

/// Where the new index (`pieces`) first differs from the old one (`old`): everything
/// before holds the old bytes at their old places.
fn first_change(old: &[u8], pieces: &[Piece]) -> usize {
    let mut at = 0;
    for piece in pieces {
        match piece {
            Piece::Old(range) if range.start != at => return at,
            Piece::Old(range) => at += range.len(),
            Piece::New(new) => {
                let same = new
                    .iter()
                    .zip(old.get(at..).unwrap_or_default())
                    .take_while(|(a, b)| a == b)
                    .count();
                if same < new.len() {
                    return at + same;
                }
                at += new.len();
            }
        }
    }
    at
}

/// The new index as pieces, adjacent unchanged stretches joined into one.
#[derive(Default)]
struct Pieces(Vec<Piece>);

impl Pieces {
    fn old(&mut self, range: std::ops::Range<usize>) {
        if let Some(Piece::Old(last)) = self.0.last_mut()
            && last.end == range.start
        {
            last.end = range.end;
            return;
        }
        self.0.push(Piece::Old(range));
    }

    /// The new bytes at the end, to append to.
    fn new_bytes(&mut self) -> &mut Vec<u8> {
        if !matches!(self.0.last(), Some(Piece::New(_))) {
            self.0.push(Piece::New(Vec::new()));
        }
        match self.0.last_mut() {
            Some(Piece::New(v)) => v,
            _ => unreachable!("a new piece was just pushed"),
        }
    }
}

/// The index `bytes` with `updates` applied, as pieces (without the checksum); `None`
/// when the index uses something this writer does not handle.
///
/// `racy_from`: the old index's modification time (`None`: unknown, every entry is
/// treated as racy). An entry whose file changed in that second or later is *racily
/// clean* to Git, which compares times by the second (unless built with `USE_NSEC`): a
/// change made later in that second (same size, same inode) leaves its stat data equal,
/// so Git reads such entries with suspicion, because their time is not before the
/// index's. A rewritten index has a later time and would lift that suspicion. So, as
/// Git does when it writes an index (`ce_smudge_racily_clean_entry`), such an entry whose
/// file no longer holds its blob is *smudged*: its recorded size set to 0, which Git and
/// docket's read cache take as "changed". See [`smudge`] for which files are read.
fn rewrite(
    bytes: &[u8],
    workdir: &Path,
    updates: &[Update<'_>],
    racy_from: Option<std::time::Duration>,
) -> std::io::Result<Option<Vec<Piece>>> {
    if bytes.len() < 32 || &bytes[..4] != b"DIRC" {
        return Ok(None);
    }
    let version = be32(bytes, 4).unwrap_or(0);
    if version != 2 && version != 3 {
        return Ok(None);
    }
    let count = be32(bytes, 8).unwrap_or(0) as usize;
    let body_end = bytes.len() - 20;
    let mut pending: Vec<&Update<'_>> = updates.iter().collect();
    pending.sort_by(|a, b| a.path.cmp(b.path));
    let mut out = Pieces::default();
    // The header, with the new count set at the end.
    out.new_bytes().extend_from_slice(&bytes[..12]);
    let mut new_count = count;
    let mut at = 12;
    let new_head = |u: &Update<'_>| {
        let flags = u.path.len().min(0xFFF) as u16;
        entry_head(&workdir.join(u.path), &u.oid, flags)
    };
    for _ in 0..count {
        let Some(flags) = bytes.get(at + 60..at + 62) else {
            return Ok(None);
        };
        let flags = u16::from_be_bytes([flags[0], flags[1]]);
        let extended = flags & 0x4000 != 0;
        let name_at = at + ENTRY_FIXED + if extended { 2 } else { 0 };
        let mut name_len = usize::from(flags & 0xFFF);
        if name_len == 0xFFF {
            let Some(nul) = bytes[name_at..body_end].iter().position(|b| *b == 0) else {
                return Ok(None);
            };
            name_len = nul;
        }
        let Some(name) = bytes.get(name_at..name_at + name_len) else {
            return Ok(None);
        };
        let size = (name_at - at + name_len + 8) & !7;
        let stage = (flags >> 12) & 3;
        // Insert the pending paths that sort before this entry.
        while let Some(u) = pending.first().copied() {
            if u.path.as_bytes() < name {
                push_entry(out.new_bytes(), &new_head(u)?, u.path.as_bytes());
                new_count += 1;
                pending.remove(0);
            } else {
                break;
            }
        }
        if let Some(u) = pending.first().copied()
            && u.path.as_bytes() == name
        {
            if stage != 0 || extended {
                return Ok(None);
            }
            push_entry(out.new_bytes(), &new_head(u)?, name);
            pending.remove(0);
        } else {
            if at + size > body_end {
                return Ok(None);
            }
            let mtime = be32(bytes, at + 8).unwrap_or(0);
            let racy = racy_from.is_none_or(|from| u64::from(mtime) >= from.as_secs());
            let entry = &bytes[at..at + size];
            match racy && stage == 0 {
                true if smudge(workdir, entry, name, racy_from) => {
                    let new = out.new_bytes();
                    let start = new.len();
                    new.extend_from_slice(entry);
                    new[start + 36..start + 40].fill(0);
                }
                _ => out.old(at..at + size),
            }
        }
        at += size;
    }
    for u in pending {
        push_entry(out.new_bytes(), &new_head(u)?, u.path.as_bytes());
        new_count += 1;
    }
    match out.0.first_mut() {
        Some(Piece::New(header)) => {
            header[8..12].copy_from_slice(&(new_count as u32).to_be_bytes())
        }
        _ => unreachable!("the header is the first piece"),
    }
    // Extensions: keep TREE (invalidated along the touched paths) and REUC; drop the
    // optional caches that would go stale; give up on required (lower-case) ones.
    while at + 8 <= body_end {
        let sig = &bytes[at..at + 4];
        let size = be32(bytes, at + 4).unwrap_or(0) as usize;
        let Some(data) = bytes.get(at + 8..at + 8 + size) else {
            return Ok(None);
        };
        if sig[0].is_ascii_lowercase() {
            return Ok(None);
        }
        match sig {
            b"TREE" => {
                let Some(tree) = invalidate_tree(data, updates) else {
                    return Ok(None);
                };
                let new = out.new_bytes();
                new.extend_from_slice(b"TREE");
                new.extend_from_slice(&(tree.len() as u32).to_be_bytes());
                new.extend_from_slice(&tree);
            }
            b"REUC" => out.old(at..at + 8 + size),
            _ => {}
        }
        at += 8 + size;
    }
    if at != body_end {
        return Ok(None);
    }
    Ok(Some(out.0))
}

/// Whether an entry that is racily clean by the second (its 62 fixed bytes first) must
/// be smudged, its file looked at the way that reads the fewest files:
/// - stat data that differ by the second (size, either time, inode): Git sees the change
///   anyway; left as it is;
/// - equal by the second but not to the nanosecond: the file changed after the entry was
///   recorded, and Git, comparing seconds, would not see it; smudged, unread;
/// - equal to the nanosecond, and the file's time before the old index's own (to the
///   nanosecond): the file was last changed before that index was written, so it holds
///   the entry's blob (Git's rule with `USE_NSEC`); left as it is. A bulk checkout, whose
///   every file falls in the index's second, is not read again on each write;
/// - equal to the nanosecond and not before the index: the file is read and hashed, and
///   smudged when it no longer holds the entry's blob.
///
/// A file that is not a plain file, cannot be read or is over 64 MiB is smudged unread (a
/// smudged entry only makes Git look at the file again); a missing one is left.
fn smudge(
    workdir: &Path,
    entry: &[u8],
    name: &[u8],
    index_written: Option<std::time::Duration>,
) -> bool {
    let Ok(name) = std::str::from_utf8(name) else {
        return true;
    };
    let word = |k: usize| be32(entry, k * 4).unwrap_or(0);
    let file = workdir.join(name);
    let Ok(meta) = std::fs::symlink_metadata(&file) else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let by_second = meta.ctime() as u32 == word(0)
            && meta.mtime() as u32 == word(2)
            && meta.ino() as u32 == word(5)
            && meta.size() as u32 == word(9);
        if !by_second {
            return false;
        }
        if meta.ctime_nsec() as u32 != word(1) || meta.mtime_nsec() as u32 != word(3) {
            return true;
        }
    }
    let mtime = std::time::Duration::new(u64::from(word(2)), word(3));
    if index_written.is_some_and(|w| mtime < w) {
        return false;
    }
    // Not a plain file, or too large to read whole here: smudged, for Git to look at.
    let mode = word(6);
    if mode & 0o170000 != 0o100000 || !meta.is_file() || meta.len() > 64 << 20 {
        return true;
    }
    let Ok(content) = std::fs::read(&file) else {
        return true;
    };
    super::cache::blob_of(&content).as_slice() != &entry[40..60]
}

/// The cache-tree extension with every node on the touched paths marked invalid.
fn invalidate_tree(data: &[u8], updates: &[Update<'_>]) -> Option<Vec<u8>> {
    let dirs: Vec<Vec<&str>> = updates
        .iter()
        .map(|u| {
            let mut parts: Vec<&str> = u.path.split('/').collect();
            parts.pop();
            parts
        })
        .collect();
    let mut out = Vec::with_capacity(data.len());
    let mut pos = 0;
    // The open nodes from the root down, with how many children each has still to come.
    let mut stack: Vec<(String, usize)> = Vec::new();
    while pos < data.len() {
        let nul = data[pos..].iter().position(|b| *b == 0)? + pos;
        let name = std::str::from_utf8(&data[pos..nul]).ok()?.to_string();
        let nl = data[nul..].iter().position(|b| *b == b'\n')? + nul;
        let header = std::str::from_utf8(&data[nul + 1..nl]).ok()?;
        let (entries, subtrees) = header.split_once(' ')?;
        let entries: i64 = entries.parse().ok()?;
        let subtrees: usize = subtrees.parse().ok()?;
        let mut next = nl + 1;
        let oid = if entries >= 0 {
            let oid = data.get(next..next + 20)?;
            next += 20;
            Some(oid)
        } else {
            None
        };
        // Pre-order: drop finished nodes; the top of the stack is now the parent.
        while let Some((_, 0)) = stack.last() {
            stack.pop();
        }
        let is_root = stack.is_empty();
        let path: Vec<&str> = stack
            .iter()
            .skip(1)
            .map(|(n, _)| n.as_str())
            .chain((!is_root).then_some(name.as_str()))
            .collect();
        let touched = dirs.iter().any(|d| d.starts_with(&path));
        out.extend_from_slice(name.as_bytes());
        out.push(0);
        match oid {
            Some(oid) if !touched => {
                out.extend_from_slice(format!("{entries} {subtrees}\n").as_bytes());
                out.extend_from_slice(oid);
            }
            _ => out.extend_from_slice(format!("-1 {subtrees}\n").as_bytes()),
        }
        if let Some(parent) = stack.last_mut() {
            parent.1 = parent.1.checked_sub(1)?;
        }
        stack.push((name, subtrees));
        pos = next;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The direct reader sees what libgit2 sees, entry by entry; a damaged index is none.
    #[test]
    #[allow(clippy::disallowed_types, clippy::disallowed_methods)]
    fn index_entries_read_directly_match_libgit2() {
        let dir = tempfile::tempdir().unwrap();
        let repo = git2::Repository::init(dir.path()).unwrap();
        let mut paths = Vec::new();
        for i in 0..40 {
            let rel = format!("cases/{:02}/DK-{i:08}.toml", i % 7);
            let file = dir.path().join(&rel);
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(&file, format!("id = {i}\n").repeat(i + 1)).unwrap();
            paths.push(rel);
        }
        // A long name (padding differs with the length).
        let long = format!("cases/{}.toml", "x".repeat(240));
        std::fs::write(dir.path().join(&long), "long").unwrap();
        paths.push(long);
        let mut index = repo.index().unwrap();
        for p in &paths {
            index.add_path(Path::new(p)).unwrap();
        }
        index.write().unwrap();
        let file = dir.path().join(".git/index");
        let direct = IndexFile::read(&file).expect("a version 2 index");
        let index = repo.index().unwrap();
        for p in &paths {
            let e = index.get_path(Path::new(p), 0).unwrap();
            let got = direct.find(p).unwrap_or_else(|| panic!("{p}"));
            assert_eq!(&got.oid[..], e.id.as_bytes());
            assert_eq!(got.size, e.file_size);
            assert_eq!(got.ino, e.ino);
            let ns = |t: git2::IndexTime| {
                i128::from(t.seconds() as u32) * 1_000_000_000 + i128::from(t.nanoseconds())
            };
            assert_eq!(got.mtime_ns, ns(e.mtime));
            assert_eq!(got.ctime_ns, ns(e.ctime));
        }
        assert_eq!(direct.find("cases/00/DK-nope.toml"), None);
        assert_eq!(direct.find("cases"), None);
        // Asked in any order, with one cursor carried from search to search (sorted is
        // the fast case, anything else must still find every entry): libgit2's answer.
        let mut asked: Vec<String> = paths.clone();
        asked.extend(["a", "cases/00/DK-nope.toml", "cases/06/zz.toml", "zzz"].map(String::from));
        let mut runner = proptest::test_runner::TestRunner::default();
        runner
            .run(
                &(
                    proptest::collection::vec(proptest::sample::select(asked), 0..80),
                    proptest::bool::ANY,
                ),
                |(mut queries, sort)| {
                    if sort {
                        queries.sort();
                    }
                    let mut from = 0;
                    for q in &queries {
                        let want = index.get_path(Path::new(q), 0).map(|e| e.id);
                        let got = direct.find_from(q, &mut from).map(|e| e.oid);
                        proptest::prop_assert_eq!(
                            got.map(|o| o.to_vec()),
                            want.map(|o| o.as_bytes().to_vec()),
                            "{}",
                            q
                        );
                    }
                    Ok(())
                },
            )
            .unwrap();
        // One flipped bit: the checksum fails, nothing is believed.
        let mut bytes = std::fs::read(&file).unwrap();
        bytes[40] ^= 1;
        std::fs::write(&file, &bytes).unwrap();
        assert!(IndexFile::read(&file).is_none());
    }

    /// An index large enough to keep SHA-1 states (and to be hashed on a thread of its
    /// own when the change is early in it), updated again and again at places early and
    /// late in it, each time with the states of the write before: every
    /// result is an index `git` and libgit2 accept, with the entry changed. After a
    /// rewrite by someone else (libgit2 here), the kept states are not used for it.
    #[test]
    fn updates_resumed_from_kept_states_write_valid_indexes() {
        let dir = tempfile::tempdir().unwrap();
        let repo = git2::Repository::init(dir.path()).unwrap();
        let mut index = repo.index().unwrap();
        let blob = repo.blob(b"unchanged").unwrap();
        let n = 14_000;
        for i in 0..n {
            let path = format!("cases/{:02X}/DK-{i:08}.toml", i % 256);
            let entry = git2::IndexEntry {
                ctime: git2::IndexTime::new(0, 0),
                mtime: git2::IndexTime::new(0, 0),
                dev: 0,
                ino: 0,
                mode: 0o100644,
                uid: 0,
                gid: 0,
                file_size: 9,
                id: blob,
                flags: path.len() as u16,
                flags_extended: 0,
                path: path.into_bytes(),
            };
            index.add(&entry).unwrap();
        }
        index.write().unwrap();
        let file = dir.path().join(".git/index");
        assert!(std::fs::metadata(&file).unwrap().len() as usize > sums::SUMS_MIN);
        let kept = sums::path(&file);
        std::fs::create_dir_all(kept.parent().unwrap()).unwrap();
        for (round, i) in [13_999, 3, 7_000, 3, 12_500, 120, 13_999]
            .into_iter()
            .enumerate()
        {
            if round == 4 {
                // Someone else writes the index: the states kept are for another file.
                std::fs::write(dir.path().join("a.txt"), "new").unwrap();
                let mut index = repo.index().unwrap();
                index.read(true).unwrap();
                index.add_path(Path::new("a.txt")).unwrap();
                index.write().unwrap();
                assert!(sums::load(&kept, &std::fs::read(&file).unwrap()).is_empty());
            }
            let path = format!("cases/{:02X}/DK-{i:08}.toml", i % 256);
            let text = format!("round {round}\n");
            std::fs::create_dir_all(dir.path().join(&path).parent().unwrap()).unwrap();
            std::fs::write(dir.path().join(&path), &text).unwrap();
            let oid = git2::Oid::hash_object(git2::ObjectType::Blob, text.as_bytes()).unwrap();
            let mut id = [0u8; 20];
            id.copy_from_slice(oid.as_bytes());
            assert!(
                update(
                    &file,
                    dir.path(),
                    &[Update {
                        path: &path,
                        oid: id
                    }]
                )
                .unwrap()
            );
            let bytes = std::fs::read(&file).unwrap();
            assert!(!sums::load(&kept, &bytes).is_empty(), "round {round}");
            let direct = IndexFile::read(&file).expect("the checksum holds");
            assert_eq!(direct.find(&path).unwrap().oid, id);
            let mut index = repo.index().unwrap();
            index.read(true).unwrap();
            assert_eq!(index.len(), n + usize::from(round >= 4));
            assert_eq!(index.get_path(Path::new(&path), 0).unwrap().id, oid);
        }
        let verify = std::process::Command::new("git")
            .args(["ls-files", "--stage", "cases/00/DK-00000000.toml"])
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(
            verify.status.success(),
            "{}",
            String::from_utf8_lossy(&verify.stderr)
        );
        assert!(String::from_utf8_lossy(&verify.stdout).contains(&blob.to_string()));
    }

    fn node(name: &str, entries: i64, subtrees: usize, oid: u8) -> Vec<u8> {
        let mut v = name.as_bytes().to_vec();
        v.push(0);
        v.extend_from_slice(format!("{entries} {subtrees}\n").as_bytes());
        if entries >= 0 {
            v.extend_from_slice(&[oid; 20]);
        }
        v
    }

    #[test]
    fn only_the_nodes_on_the_touched_path_are_invalidated() {
        // root { cases { 4F, 7Q }, guides }
        let data = [
            node("", 5, 2, 1),
            node("cases", 3, 2, 2),
            node("4F", 1, 0, 3),
            node("7Q", 2, 0, 4),
            node("guides", 1, 0, 5),
        ]
        .concat();
        let out = invalidate_tree(
            &data,
            &[Update {
                path: "cases/7Q/DK-7Q000000.toml",
                oid: [9; 20],
            }],
        )
        .unwrap();
        let expected = [
            node("", -1, 2, 0),
            node("cases", -1, 2, 0),
            node("4F", 1, 0, 3),
            node("7Q", -1, 0, 0),
            node("guides", 1, 0, 5),
        ]
        .concat();
        assert_eq!(out, expected);
    }

    #[test]
    fn a_damaged_cache_tree_is_refused() {
        let data = node("", 5, 2, 1);
        assert!(invalidate_tree(&data[..data.len() - 3], &[]).is_none());
    }
}
