//! Writing Git objects as loose files without zlib's compressor.
//!
//! A loose object is `objects/ab/cdef…`: the zlib stream of `<kind> <size>\0<data>`, named
//! by the SHA-1 of that text. Git reads any zlib stream there, including one of *stored*
//! (uncompressed) blocks, which is what `core.looseCompression = 0` writes. libgit2 always
//! compresses, at zlib's level 1, and each object costs it a compressor set up afresh (a
//! quarter of a megabyte of tables, cleared). Measured here, one object at a time:
//! the 1,024-entry `cases` tree (29.7 KB, mostly object ids, which do not compress: 24.3 KB
//! at level 1) took zlib 610–670 µs to compress against 74 µs stored through zlib; a
//! 1.6 KB case file through libgit2 took 250 µs to write, 150 µs stored through zlib.
//! The stream is built here (a two-byte header, stored blocks of up to 65,535 bytes, the
//! Adler-32 of the data), so no compressor is set up at all.
//!
//! Trees and commits are written this way whatever their size (trees are mostly ids;
//! commits are small). A blob is written this way up to [`STORED_BLOB_MAX`], one file
//! system block; a larger case file compresses well (a long case to a tenth), so larger
//! blobs go through libgit2, compressed. `git gc` packs and compresses every loose object
//! anyway.
//!
//! The file is written under a temporary name in its fan-out folder and renamed to its
//! final one: a reader (or a process killed halfway) sees the whole object or none. An
//! object that is already there is simply written again with the same bytes (every
//! object docket writes is new: a new case text, the trees above it, a commit), so no
//! lookup comes first. Read-only (0444) as Git and libgit2 make them; not flushed to disk
//! (neither does Git by default for loose objects, nor libgit2).

use std::io::Write;
use std::path::{Path, PathBuf};

use git2::{ObjectType, Oid, Repository};
use sha1::{Digest, Sha1};

use super::{Result, StoreError};

/// The largest blob written stored rather than compressed: what fits one 4 KiB block
/// with its header and the stream's framing.
pub const STORED_BLOB_MAX: usize = 4096 - 64;

/// The largest stored block zlib's format allows.
const BLOCK: usize = 65_535;

/// Writes loose objects into one repository's object folder.
pub struct Loose {
    objects: PathBuf,
}

impl Loose {
    /// The writer for `repo`'s object folder (shared by its worktrees).
    pub fn new(repo: &Repository) -> Loose {
        Loose {
            objects: repo.commondir().join("objects"),
        }
    }

    /// Writes a case file's blob: stored up to [`STORED_BLOB_MAX`], compressed by
    /// libgit2 above it.
    pub fn blob(&self, repo: &Repository, content: &[u8]) -> Result<Oid> {
        match content.len() <= STORED_BLOB_MAX {
            true => self.write(ObjectType::Blob, content),
            false => Ok(repo.blob(content)?),
        }
    }

    /// Writes `data` as an object of `kind` and returns its id.
    pub fn write(&self, kind: ObjectType, data: &[u8]) -> Result<Oid> {
        self.write_parts(kind, &[data])
    }

    /// Writes the object whose content is `parts` joined (a tree with one id replaced
    /// need not be copied whole first).
    pub fn write_parts(&self, kind: ObjectType, parts: &[&[u8]]) -> Result<Oid> {
        self.write_io(kind, parts)
            .map_err(|e| StoreError::io(&self.objects, e))
    }

    fn write_io(&self, kind: ObjectType, parts: &[&[u8]]) -> std::io::Result<Oid> {
        let len: usize = parts.iter().map(|p| p.len()).sum();
        let header = format!("{} {len}\0", kind_name(kind));
        let mut sha = Sha1::new();
        sha.update(header.as_bytes());
        let mut all = Vec::with_capacity(parts.len() + 1);
        all.push(header.as_bytes());
        for p in parts {
            sha.update(p);
            all.push(p);
        }
        let id: [u8; 20] = sha.finalize().into();
        let stream = stored_zlib(&all);
        let oid = Oid::from_bytes(&id).expect("a SHA-1 is 20 bytes");
        let hex = oid.to_string();
        let dir = self.objects.join(&hex[..2]);
        let path = dir.join(&hex[2..]);
        let tmp = match write_new(&dir, &stream) {
            Ok(tmp) => tmp,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                match std::fs::create_dir(&dir) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                    Err(e) => return Err(e),
                }
                write_new(&dir, &stream)?
            }
            Err(e) => return Err(e),
        };
        if let Err(e) = std::fs::rename(&tmp, &path) {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
        Ok(oid)
    }
}

/// Writes `bytes` to a new read-only file with a temporary name in `dir`.
fn write_new(dir: &Path, bytes: &[u8]) -> std::io::Result<PathBuf> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o444);
    }
    static COUNT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    loop {
        // `tmp_obj_`: what `git prune` clears when a killed process left one behind.
        let n = COUNT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let tmp = dir.join(format!("tmp_obj_docket_{}_{n}", std::process::id()));
        let mut file = match options.open(&tmp) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        };
        if let Err(e) = file.write_all(bytes) {
            drop(file);
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
        return Ok(tmp);
    }
}

fn kind_name(kind: ObjectType) -> &'static str {
    match kind {
        ObjectType::Blob => "blob",
        ObjectType::Tree => "tree",
        ObjectType::Commit => "commit",
        ObjectType::Tag => "tag",
        other => unreachable!("no loose object is written as {other:?}"),
    }
}

/// The zlib stream (RFC 1950) of `parts` joined, in stored deflate blocks (RFC 1951
/// section 3.2.4): no compression.
fn stored_zlib(parts: &[&[u8]]) -> Vec<u8> {
    let len: usize = parts.iter().map(|p| p.len()).sum();
    let blocks = len.div_ceil(BLOCK).max(1);
    let mut out = Vec::with_capacity(2 + len + blocks * 5 + 4);
    // CMF 0x78: deflate with a 32 KiB window; FLG 0x01: the lowest level, and the two
    // bytes a multiple of 31 as the format requires.
    out.extend_from_slice(&[0x78, 0x01]);
    let mut adler = Adler32::default();
    let mut left = len;
    let mut part = 0;
    let mut at = 0;
    for _ in 0..blocks {
        let size = left.min(BLOCK);
        left -= size;
        out.push(u8::from(left == 0)); // BFINAL on the last block; BTYPE 00, stored.
        out.extend_from_slice(&(size as u16).to_le_bytes());
        out.extend_from_slice(&(!(size as u16)).to_le_bytes());
        let mut need = size;
        while need > 0 {
            let p = parts[part];
            let take = (p.len() - at).min(need);
            out.extend_from_slice(&p[at..at + take]);
            adler.update(&p[at..at + take]);
            need -= take;
            at += take;
            if at == p.len() {
                part += 1;
                at = 0;
            }
        }
    }
    out.extend_from_slice(&adler.finish().to_be_bytes());
    out
}

/// Adler-32 (RFC 1950), summed in runs short enough that the sums cannot overflow.
struct Adler32 {
    a: u32,
    b: u32,
}

impl Default for Adler32 {
    fn default() -> Self {
        Adler32 { a: 1, b: 0 }
    }
}

impl Adler32 {
    const MOD: u32 = 65_521;
    /// The longest run before `b` could pass `u32::MAX`.
    const RUN: usize = 5_552;

    fn update(&mut self, bytes: &[u8]) {
        for run in bytes.chunks(Self::RUN) {
            for &byte in run {
                self.a += u32::from(byte);
                self.b += self.a;
            }
            self.a %= Self::MOD;
            self.b %= Self::MOD;
        }
    }

    fn finish(&self) -> u32 {
        (self.b << 16) | self.a
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo() -> (tempfile::TempDir, Repository) {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        (dir, repo)
    }

    #[test]
    fn adler32_matches_the_rfc_example_and_long_runs() {
        let mut a = Adler32::default();
        a.update(b"Wikipedia");
        assert_eq!(a.finish(), 0x11E6_0398);
        // Past one run of sums, against the definition computed the slow way.
        let data: Vec<u8> = (0..200_000u32).map(|i| (i * 7 + i / 13) as u8).collect();
        let (mut x, mut y) = (1u64, 0u64);
        for &b in &data {
            x = (x + u64::from(b)) % 65_521;
            y = (y + x) % 65_521;
        }
        let mut a = Adler32::default();
        a.update(&data[..12_345]);
        a.update(&data[12_345..]);
        assert_eq!(u64::from(a.finish()), (y << 16) | x);
    }

    /// Every size around the block boundary, the empty object and the largest stored blob:
    /// the id is libgit2's, and libgit2 (inflating the stored stream) reads back the bytes.
    #[test]
    fn objects_written_stored_read_back_through_libgit2_with_its_ids() {
        let (_dir, repo) = repo();
        let loose = Loose::new(&repo);
        let sizes = [
            0,
            1,
            100,
            STORED_BLOB_MAX,
            BLOCK - 20,
            BLOCK,
            BLOCK + 1,
            3 * BLOCK + 7,
        ];
        for size in sizes {
            let data: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
            let id = loose.write(ObjectType::Blob, &data).unwrap();
            assert_eq!(
                id,
                Oid::hash_object(ObjectType::Blob, &data).unwrap(),
                "{size}"
            );
            let odb = repo.odb().unwrap();
            let back = odb.read(id).unwrap();
            assert_eq!(back.kind(), ObjectType::Blob);
            assert_eq!(back.data(), &data[..], "{size}");
            // Written again (as every write may be): still there, still the same.
            assert_eq!(loose.write(ObjectType::Blob, &data).unwrap(), id);
            assert_eq!(repo.find_blob(id).unwrap().content(), &data[..]);
        }
        // Read-only like Git's own, and no temporary file left behind.
        let id = loose.write(ObjectType::Blob, b"x").unwrap();
        let hex = id.to_string();
        let path = repo.path().join("objects").join(&hex[..2]).join(&hex[2..]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o222, 0, "{mode:o}");
        }
        for fan in std::fs::read_dir(repo.path().join("objects")).unwrap() {
            let fan = fan.unwrap().path();
            if fan.is_dir() {
                for f in std::fs::read_dir(&fan).unwrap() {
                    let name = f.unwrap().file_name();
                    assert!(!name.to_string_lossy().starts_with("tmp_"), "{name:?}");
                }
            }
        }
    }

    /// A tree and a commit written stored are what `git` itself reads and checks.
    #[test]
    fn git_fsck_accepts_stored_trees_and_commits() {
        let (dir, repo) = repo();
        let loose = Loose::new(&repo);
        let blob = loose.write(ObjectType::Blob, b"hello\n").unwrap();
        let mut tree = Vec::new();
        tree.extend_from_slice(b"100644 a.txt\0");
        tree.extend_from_slice(blob.as_bytes());
        let tree = loose.write(ObjectType::Tree, &tree).unwrap();
        let commit = format!(
            "tree {tree}\nauthor A <a@example.com> 1700000000 +0000\ncommitter A <a@example.com> 1700000000 +0000\n\nOne\n"
        );
        let commit = loose.write(ObjectType::Commit, commit.as_bytes()).unwrap();
        repo.reference("refs/heads/main", commit, true, "test")
            .unwrap();
        let git = |args: &[&str]| {
            std::process::Command::new("git")
                .args(args)
                .current_dir(dir.path())
                .output()
                .unwrap()
        };
        let fsck = git(&["fsck", "--strict", "--no-dangling"]);
        assert!(
            fsck.status.success(),
            "{}",
            String::from_utf8_lossy(&fsck.stderr)
        );
        let show = git(&["show", "main:a.txt"]);
        assert_eq!(show.stdout, b"hello\n");
        assert_eq!(
            git(&["rev-parse", "main^{tree}"]).stdout,
            format!("{tree}\n").as_bytes()
        );
    }
}
