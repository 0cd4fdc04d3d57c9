//! Atomic file writes and the casebook lock. The only place that creates temporary files
//! or takes file locks.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::{Result, StoreError};

/// Why a file is not read or written as a case file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileProblem {
    #[error(
        "not a regular file (a symbolic link, FIFO, device or folder); case files must be regular files inside the casebook"
    )]
    NotRegular,
    #[error(
        "{0} is not a folder of the casebook (a symbolic link or a file); case files must be regular files inside the casebook"
    )]
    Outside(String),
    #[error("larger than {0} MB")]
    TooLarge(u64),
    #[error("not UTF-8 text")]
    NotText,
    #[error("{0}")]
    Io(String),
}

/// A temporary file in `dir` holding `content`, readable like a case file (0644).
fn temp_with(dir: &Path, path: &Path, content: &[u8]) -> Result<tempfile::NamedTempFile> {
    std::fs::create_dir_all(dir).map_err(|e| io_error(dir, e))?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(".docket-").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o644));
    }
    let mut tmp = builder.tempfile_in(dir).map_err(|e| io_error(dir, e))?;
    tmp.write_all(content).map_err(|e| io_error(path, e))?;
    Ok(tmp)
}

/// Writes `content` to `path` through a temporary file in the same folder and a rename, so
/// a reader (or a crash) sees the old file or the new one, never half of one.
pub fn atomic_write(path: &Path, content: &[u8]) -> Result<()> {
    let dir = path.parent().expect("a file path has a parent folder");
    let tmp = temp_with(dir, path, content)?;
    tmp.persist(path).map_err(|e| io_error(path, e.error))?;
    Ok(())
}

/// Writes a cache file (rebuilt when missing or damaged): through a temporary file like
/// [`atomic_write`], but the old file is removed before the new one is renamed into
/// place. Renaming over an existing file makes ext4 start writing the new one to disk
/// at once (its `auto_da_alloc` guard for files replaced without `fsync`), which was a
/// tenth of a cold `list` at 10,000 cases; a cache needs no such guard, since one lost in
/// a power cut is rebuilt. A reader in between finds no cache and rebuilds it.
pub fn replace_cache(path: &Path, content: &[u8]) -> Result<()> {
    replace_cache_as_of(path, content, None)
}

/// [`replace_cache`], the new file dated `as_of` (its modification time) when given: the
/// time its content was taken from the files it describes. A cache whose entries are
/// judged racily clean against its own time (a file changed at or after it) may be
/// written well after its files were looked at, on a thread of its own; dated when they
/// were looked at, a file changed in between still counts as changed.
pub fn replace_cache_as_of(
    path: &Path,
    content: &[u8],
    as_of: Option<std::time::SystemTime>,
) -> Result<()> {
    let dir = path.parent().expect("a file path has a parent folder");
    sweep_stale_temps(dir);
    let tmp = temp_with(dir, path, content)?;
    if let Some(t) = as_of {
        tmp.as_file()
            .set_modified(t)
            .map_err(|e| io_error(path, e))?;
    }
    match std::fs::remove_file(path) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(io_error(path, e)),
    }
    tmp.persist(path).map_err(|e| io_error(path, e.error))?;
    Ok(())
}

/// A cache file's bytes: mapped from the page cache rather than read into fresh memory.
/// At 50,000 cases `clocks.bin` is 12 MB; reading it zeroed and filled 12 MB of new pages,
/// which on these virtual machines costs more than decoding them.
pub enum CacheBytes {
    Mapped(memmap2::Mmap),
    Read(Vec<u8>),
}

impl std::ops::Deref for CacheBytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            CacheBytes::Mapped(m) => m,
            CacheBytes::Read(v) => v,
        }
    }
}

/// The bytes of the cache file at `path`, with that file's own stat data (of the file
/// read, even if another process replaces it meanwhile).
pub fn read_cache(path: &Path) -> std::io::Result<(CacheBytes, std::fs::Metadata)> {
    use std::io::Read;
    let mut file = File::open(path)?;
    let meta = file.metadata()?;
    if meta.len() > 0 && meta.is_file() {
        // SAFETY: docket never changes a cache file in place: every cache is replaced by
        // renaming a new file over it ([`replace_cache`]), and this mapping keeps the old
        // one. Whatever the bytes are, they are only read, and checked (version stamp,
        // checksum) before anything is believed.
        if let Ok(m) = unsafe { memmap2::MmapOptions::new().populate().map(&file) } {
            return Ok((CacheBytes::Mapped(m), meta));
        }
    }
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)?;
    Ok((CacheBytes::Read(bytes), meta))
}

/// How old a temporary file must be before it counts as left behind by a killed process
/// (and not one another process is writing right now).
const STALE_TEMP: std::time::Duration = std::time::Duration::from_secs(600);

/// Removes docket's temporary files (`.docket-*.tmp`) older than [`STALE_TEMP`] from
/// `dir`: what a process killed while writing a cache there left. A cache folder holds a
/// few files, so this is one short folder read per cache write.
fn sweep_stale_temps(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        if !(name.starts_with(".docket-") && name.ends_with(".tmp")) {
            continue;
        }
        let stale = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > STALE_TEMP);
        if stale {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// Puts the file `from` in place of the existing file `to` atomically, as a rename does:
/// a reader of `to` sees the old file or the new one, never neither. On Linux the two
/// names are exchanged (`renameat2` with `RENAME_EXCHANGE`) and the old file, now at
/// `from`, is then removed: a rename over an existing file makes ext4 write the new one
/// out at once (`auto_da_alloc`), which for a 9 MB Git index took 7–10 ms here, the
/// exchange 0.1 ms. Where exchanging is not supported (another system, a file system
/// without it, no `to` yet), a plain rename. Like a rename without `fsync`, this guards
/// against a killed process, not a power cut.
pub fn replace_by_exchange(from: &Path, to: &Path) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::ffi::OsStrExt;
        let c = |p: &Path| std::ffi::CString::new(p.as_os_str().as_bytes());
        if let (Ok(a), Ok(b)) = (c(from), c(to)) {
            // SAFETY: two NUL-terminated paths relative to the working folder; the call
            // only renames.
            let r = unsafe {
                libc::syscall(
                    libc::SYS_renameat2,
                    libc::AT_FDCWD,
                    a.as_ptr(),
                    libc::AT_FDCWD,
                    b.as_ptr(),
                    libc::RENAME_EXCHANGE,
                )
            };
            if r == 0 {
                // `to` is the new file; the old one is left at `from`.
                return std::fs::remove_file(from);
            }
        }
    }
    std::fs::rename(from, to)
}

/// [`atomic_write`] with the temporary file made in `tmp_dir` (under `.git/`, where
/// `git status` does not see it if docket is killed), renamed into place; falls back to
/// the file's own folder when `tmp_dir` is on another file system.
pub fn atomic_write_via(tmp_dir: &Path, path: &Path, content: &[u8]) -> Result<()> {
    let dir = path.parent().expect("a file path has a parent folder");
    std::fs::create_dir_all(dir).map_err(|e| io_error(dir, e))?;
    match temp_with(tmp_dir, path, content)?.persist(path) {
        Ok(_) => Ok(()),
        Err(e) if e.error.kind() == std::io::ErrorKind::CrossesDevices => {
            atomic_write(path, content)
        }
        Err(e) => Err(io_error(path, e.error)),
    }
}

/// Writes a command's output file (`report -o FILE`): a new or regular file is replaced
/// atomically; a device, pipe or link (`/dev/stdout`, a FIFO) is written through, never
/// replaced; a folder is refused.
pub fn write_output(path: &Path, content: &[u8]) -> Result<()> {
    use std::io::Write as _;
    let meta = std::fs::symlink_metadata(path);
    match meta {
        Ok(m) if m.is_dir() => Err(io_error(
            path,
            std::io::Error::new(std::io::ErrorKind::IsADirectory, "is a folder"),
        )),
        Ok(m) if !m.is_file() => {
            let mut f = std::fs::OpenOptions::new()
                .write(true)
                .truncate(true)
                .open(path)
                .map_err(|e| io_error(path, e))?;
            f.write_all(content).map_err(|e| io_error(path, e))
        }
        _ => atomic_write(&absolute(path)?, content),
    }
}

pub fn io_error(path: &Path, e: std::io::Error) -> StoreError {
    StoreError::io(path, e)
}

/// An exclusive lock held for the life of the value (released on drop, also on a crash,
/// since the kernel drops the lock with the process).
pub struct Lock {
    _file: File,
}

impl Lock {
    fn open(path: &Path) -> Result<File> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| io_error(dir, e))?;
        }
        std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path)
            .map_err(|e| io_error(path, e))
    }

    /// Takes the lock on `path` if it is free; `None` when another process holds it.
    pub fn try_acquire(path: &Path) -> Result<Option<Lock>> {
        let file = Lock::open(path)?;
        match file.try_lock() {
            Ok(()) => Ok(Some(Lock { _file: file })),
            Err(std::fs::TryLockError::WouldBlock) => Ok(None),
            Err(std::fs::TryLockError::Error(e)) => Err(io_error(path, e)),
        }
    }

    /// Waits for and takes the lock on `path`: concurrent docket writers serialise here.
    pub fn acquire(path: &Path) -> Result<Lock> {
        let file = Lock::open(path)?;
        file.lock().map_err(|e| io_error(path, e))?;
        Ok(Lock { _file: file })
    }
}

/// Reads a file that must be a regular file (not a symbolic link, FIFO, device or
/// folder) of at most `max` bytes, as UTF-8.
pub fn read_regular(path: &Path, max: u64) -> std::result::Result<String, FileProblem> {
    use std::io::Read;
    let io = |e: std::io::Error| FileProblem::Io(e.to_string());
    // The file opened must be the one checked (not swapped for a link in between). A
    // docket writer replacing the file by rename between the two looks the same: check
    // again (up to 100 times), before calling it anything but a regular file.
    let mut attempt = 0;
    let (file, opened) = loop {
        attempt += 1;
        let meta = std::fs::symlink_metadata(path).map_err(io)?;
        if !meta.file_type().is_file() {
            return Err(FileProblem::NotRegular);
        }
        if meta.len() > max {
            return Err(FileProblem::TooLarge(max / (1024 * 1024)));
        }
        let file = File::open(path).map_err(io)?;
        let opened = file.metadata().map_err(io)?;
        if !opened.is_file() {
            return Err(FileProblem::NotRegular);
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            if opened.ino() != meta.ino() || opened.dev() != meta.dev() {
                if attempt < 100 {
                    continue;
                }
                return Err(FileProblem::NotRegular);
            }
        }
        break (file, opened);
    };
    let too_large = FileProblem::TooLarge(max / (1024 * 1024));
    let mut bytes = Vec::with_capacity(opened.len().min(max) as usize);
    file.take(max + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > max {
        return Err(too_large);
    }
    String::from_utf8(bytes).map_err(|_| FileProblem::NotText)
}

/// A folder opened without following a link, to read the files in it by name: the
/// cold read of a casebook opens `cases/`, then each shard folder inside it, then each
/// file inside that, every step refusing a link — so a file read is inside the casebook
/// with no separate check of its folders (two `stat`s per file) and no window between
/// check and read. Four system calls per file (open, `fstat`, read, close) instead of
/// nine.
#[cfg(unix)]
pub struct Folder(File);

#[cfg(unix)]
impl Folder {
    /// The folder `name` inside `parent` (or at the path `name`), not following a link;
    /// `None` when it is a link, a file or missing.
    pub fn open(parent: Option<&Folder>, name: &Path) -> Option<Folder> {
        use std::os::fd::{AsRawFd, FromRawFd};
        use std::os::unix::ffi::OsStrExt;
        let c = std::ffi::CString::new(name.as_os_str().as_bytes()).ok()?;
        let at = parent.map_or(libc::AT_FDCWD, |p| p.0.as_raw_fd());
        // SAFETY: a valid folder descriptor (or AT_FDCWD) and a NUL-terminated name; the
        // descriptor returned is owned by the File made from it.
        let fd = unsafe {
            libc::openat(
                at,
                c.as_ptr(),
                libc::O_RDONLY | libc::O_DIRECTORY | libc::O_NOFOLLOW | libc::O_CLOEXEC,
            )
        };
        // SAFETY: a descriptor just opened and not owned elsewhere.
        (fd >= 0).then(|| Folder(unsafe { File::from_raw_fd(fd) }))
    }

    /// The regular file `name` in this folder as text, at most `max` bytes; a link, FIFO,
    /// device or folder is refused without being followed or waited on.
    pub fn read_regular(&self, name: &str, max: u64) -> std::result::Result<String, FileProblem> {
        self.read_regular_stamped(name, max).map(|(text, _)| text)
    }

    /// [`Folder::read_regular`], with the stat data of the file read (taken from the open
    /// file before it is read: the same as an `lstat` of its name then).
    pub fn read_regular_stamped(
        &self,
        name: &str,
        max: u64,
    ) -> std::result::Result<(String, super::cases::Stamp), FileProblem> {
        use std::io::Read;
        use std::os::fd::{AsRawFd, FromRawFd};
        let io = |e: std::io::Error| FileProblem::Io(e.to_string());
        let c = std::ffi::CString::new(name).map_err(|_| FileProblem::NotRegular)?;
        // SAFETY: as in `open`. O_NONBLOCK: opening a FIFO must not wait for a writer.
        let fd = unsafe {
            libc::openat(
                self.0.as_raw_fd(),
                c.as_ptr(),
                libc::O_RDONLY | libc::O_NOFOLLOW | libc::O_CLOEXEC | libc::O_NONBLOCK,
            )
        };
        if fd < 0 {
            let e = std::io::Error::last_os_error();
            // A link (O_NOFOLLOW) is not a regular file.
            return Err(if e.raw_os_error() == Some(libc::ELOOP) {
                FileProblem::NotRegular
            } else {
                io(e)
            });
        }
        // SAFETY: a descriptor just opened and not owned elsewhere.
        let file = unsafe { File::from_raw_fd(fd) };
        let meta = file.metadata().map_err(io)?;
        if !meta.is_file() {
            return Err(FileProblem::NotRegular);
        }
        if meta.len() > max {
            return Err(FileProblem::TooLarge(max / (1024 * 1024)));
        }
        // One `read` asks for a byte more than the file holds: getting exactly its size
        // back is the end of a regular file (a read falls short only there), so the
        // second `read` that would only see the end is saved — one system call per file
        // of a cold run. Anything else (the file grew or shrank meanwhile, a short read
        // on an odd file system) reads on to the end as before.
        let size = meta.len() as usize;
        let mut bytes = vec![0u8; size + 1];
        let n = loop {
            match (&file).read(&mut bytes) {
                Ok(n) => break n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(io(e)),
            }
        };
        bytes.truncate(n);
        if n != size {
            (&file)
                .take(max + 1 - n as u64)
                .read_to_end(&mut bytes)
                .map_err(io)?;
        }
        if bytes.len() as u64 > max {
            return Err(FileProblem::TooLarge(max / (1024 * 1024)));
        }
        let text = String::from_utf8(bytes).map_err(|_| FileProblem::NotText)?;
        Ok((text, super::cases::Stamp::of(&meta)))
    }

    /// The names in this folder (read once, from the start: a folder is listed right
    /// after it is opened), straight from `getdents64` on the open folder rather than by
    /// opening it again by path.
    #[cfg(target_os = "linux")]
    pub fn names(&self) -> std::io::Result<Vec<String>> {
        use std::mem::MaybeUninit;
        use std::os::fd::AsRawFd;
        /// Room for a shard folder's records in one call (about 40 bytes per name), not
        /// zeroed first: only what the kernel wrote is read. (A zeroed 32 KB buffer per
        /// folder was 32 MB of zeroing for the 1,024 folders of 10,000 cases.)
        #[repr(align(8))]
        struct Records([MaybeUninit<u8>; 8 * 1024]);
        let mut names = Vec::new();
        let mut buf = Records([MaybeUninit::uninit(); 8 * 1024]);
        loop {
            // SAFETY: an open folder descriptor and a buffer of the length given; the
            // kernel writes at most that many bytes.
            let n = unsafe {
                libc::syscall(
                    libc::SYS_getdents64,
                    self.0.as_raw_fd(),
                    buf.0.as_mut_ptr(),
                    buf.0.len(),
                )
            };
            if n < 0 {
                return Err(std::io::Error::last_os_error());
            }
            if n == 0 {
                return Ok(names);
            }
            // SAFETY: the kernel wrote the first `n` bytes (at most the buffer's length).
            let buf: &[u8] = unsafe {
                std::slice::from_raw_parts(buf.0.as_ptr().cast::<u8>(), n.min(8 * 1024) as usize)
            };
            // Each record: inode (8), offset (8), record length (2), type (1), name
            // (NUL-terminated), padding.
            let mut at = 0usize;
            let end = buf.len();
            while at + 19 <= end {
                let len = usize::from(u16::from_ne_bytes([buf[at + 16], buf[at + 17]]));
                if len == 0 || at + len > end {
                    break;
                }
                let name = &buf[at + 19..at + len];
                let name = &name[..name.iter().position(|b| *b == 0).unwrap_or(name.len())];
                if name != b"."
                    && name != b".."
                    && let Ok(name) = std::str::from_utf8(name)
                {
                    names.push(name.to_string());
                }
                at += len;
            }
        }
    }

    /// The folder's own stat data.
    pub fn metadata(&self) -> std::io::Result<std::fs::Metadata> {
        self.0.metadata()
    }

    /// The stat data of `name` in this folder, not following a link (`lstat` relative to
    /// the open folder: one name looked up, not every folder of the path).
    pub fn stamp(&self, name: &str) -> std::io::Result<super::cases::Stamp> {
        self.lstat(&[name]).map(|(stamp, _)| stamp)
    }

    /// `lstat` of the path made of `parts` (joined as they are, e.g. `["ab", "/",
    /// "name"]`) relative to this folder: its stat data and whether it is a folder. The
    /// last name is not followed; the name is built on the stack (no allocation per
    /// file). A path with a NUL or longer than 255 bytes is refused.
    pub fn lstat(&self, parts: &[&str]) -> std::io::Result<(super::cases::Stamp, bool)> {
        use std::os::fd::AsRawFd;
        let invalid = || std::io::Error::from(std::io::ErrorKind::InvalidInput);
        let mut c = [0u8; 256];
        let mut len = 0;
        for part in parts {
            let bytes = part.as_bytes();
            if len + bytes.len() >= c.len() || bytes.contains(&0) {
                return Err(invalid());
            }
            c[len..len + bytes.len()].copy_from_slice(bytes);
            len += bytes.len();
        }
        let mut st = std::mem::MaybeUninit::<libc::stat>::uninit();
        // SAFETY: a valid folder descriptor, a NUL-terminated name (the buffer is zeroed
        // past `len`, and `len` < its length) and room for the result, which is read only
        // when the call succeeded.
        let st = unsafe {
            if libc::fstatat(
                self.0.as_raw_fd(),
                c.as_ptr().cast(),
                st.as_mut_ptr(),
                libc::AT_SYMLINK_NOFOLLOW,
            ) != 0
            {
                return Err(std::io::Error::last_os_error());
            }
            st.assume_init()
        };
        let ns = |s: i64, n: i64| i128::from(s) * 1_000_000_000 + i128::from(n);
        let stamp = super::cases::Stamp {
            size: st.st_size as u64,
            mtime_ns: ns(st.st_mtime, st.st_mtime_nsec),
            ino: st.st_ino,
            ctime_ns: ns(st.st_ctime, st.st_ctime_nsec),
        };
        Ok((stamp, st.st_mode & libc::S_IFMT == libc::S_IFDIR))
    }
}

/// An absolute, normalised path (symlinks resolved when the path exists).
pub fn absolute(path: &Path) -> Result<PathBuf> {
    match path.canonicalize() {
        Ok(p) => Ok(p),
        Err(_) => std::path::absolute(path).map_err(|e| io_error(path, e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cache_read_is_the_file_as_it_was_even_when_replaced_meanwhile() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.bin");
        let old: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, &old).unwrap();
        let (bytes, meta) = read_cache(&path).unwrap();
        assert!(matches!(bytes, CacheBytes::Mapped(_)));
        assert_eq!(meta.len(), 200_000);
        // docket replaces a cache by renaming a new file over it.
        replace_cache(&path, b"new").unwrap();
        assert_eq!(&bytes[..], &old[..]);
        assert_eq!(&read_cache(&path).unwrap().0[..], b"new");
        // Dated when its content was taken, not when it was written.
        let then =
            std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000);
        replace_cache_as_of(&path, b"dated", Some(then)).unwrap();
        let (bytes, meta) = read_cache(&path).unwrap();
        assert_eq!(
            (&bytes[..], meta.modified().unwrap()),
            (&b"dated"[..], then)
        );
        // Empty, missing, or a folder: nothing to believe, and no panic.
        std::fs::write(&path, b"").unwrap();
        assert!(read_cache(&path).unwrap().0.is_empty());
        assert!(read_cache(&dir.path().join("missing")).is_err());
        assert!(read_cache(dir.path()).is_err());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_folder_lists_every_name_once_however_many() {
        let dir = tempfile::tempdir().unwrap();
        // More than one read's worth of names (32 KB), a hidden one and a subfolder.
        let mut expected: Vec<String> = (0..1500)
            .map(|i| format!("DK-{i:05}-{}.toml", "x".repeat(20)))
            .collect();
        for n in &expected {
            std::fs::write(dir.path().join(n), "").unwrap();
        }
        std::fs::write(dir.path().join(".hidden"), "").unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        expected.push(".hidden".into());
        expected.push("sub".into());
        expected.sort();
        let folder = Folder::open(None, dir.path()).unwrap();
        let mut names = folder.names().unwrap();
        names.sort();
        assert_eq!(names, expected);
    }

    #[cfg(unix)]
    #[test]
    fn read_regular_reads_every_byte_of_any_size_and_refuses_too_large() {
        let dir = tempfile::tempdir().unwrap();
        let folder = Folder::open(None, dir.path()).unwrap();
        for size in [0usize, 1, 7, 4095, 4096, 4097, 100_000] {
            let text: String = (0..size).map(|i| (b'a' + (i % 26) as u8) as char).collect();
            std::fs::write(dir.path().join("f.toml"), &text).unwrap();
            assert_eq!(
                folder.read_regular("f.toml", 1 << 20).unwrap(),
                text,
                "{size}"
            );
            // Exactly at the limit is read; a byte over it is refused.
            assert_eq!(folder.read_regular("f.toml", size as u64).unwrap(), text);
            if size > 0 {
                assert!(matches!(
                    folder.read_regular("f.toml", size as u64 - 1),
                    Err(FileProblem::TooLarge(_))
                ));
            }
        }
        std::fs::create_dir(dir.path().join("d.toml")).unwrap();
        assert!(matches!(
            folder.read_regular("d.toml", 1 << 20),
            Err(FileProblem::NotRegular)
        ));
    }

    #[cfg(unix)]
    #[test]
    fn lstat_through_a_folder_matches_the_file_and_never_follows_the_last_link() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("ab")).unwrap();
        let file = dir.path().join("ab").join("DK-AB000001.toml");
        std::fs::write(&file, "title = \"x\"\n").unwrap();
        std::os::unix::fs::symlink(&file, dir.path().join("ab").join("link.toml")).unwrap();
        let folder = Folder::open(None, dir.path()).unwrap();

        let (stamp, is_dir) = folder.lstat(&["ab", "/", "DK-AB000001.toml"]).unwrap();
        let meta = std::fs::symlink_metadata(&file).unwrap();
        assert!(!is_dir);
        assert_eq!(stamp, super::super::cases::Stamp::of(&meta));
        assert_eq!(stamp.size, 12);
        let (_, is_dir) = folder.lstat(&["ab"]).unwrap();
        assert!(is_dir);
        // The link itself, not the file it points to.
        let (link, _) = folder.lstat(&["ab/link.toml"]).unwrap();
        assert_ne!(link.ino, meta.ino());
        // A missing file, a NUL in the name and a name longer than a path can be here
        // are errors, not a panic.
        assert!(folder.lstat(&["ab/none.toml"]).is_err());
        assert!(folder.lstat(&["ab/\0x"]).is_err());
        assert!(folder.lstat(&["ab/", &"x".repeat(300)]).is_err());
        assert_eq!(
            folder.stamp("ab").unwrap(),
            folder.lstat(&["ab"]).unwrap().0
        );
    }

    #[test]
    fn replace_by_exchange_puts_the_new_file_in_place_and_leaves_no_other() {
        let dir = tempfile::tempdir().unwrap();
        let (new, target) = (dir.path().join("index.lock"), dir.path().join("index"));
        std::fs::write(&target, "old").unwrap();
        std::fs::write(&new, "new").unwrap();
        replace_by_exchange(&new, &target).unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new");
        assert!(!new.exists(), "the old file is removed");
        // No file to replace yet: a plain rename.
        let fresh = dir.path().join("fresh");
        std::fs::write(&new, "first").unwrap();
        replace_by_exchange(&new, &fresh).unwrap();
        assert_eq!(std::fs::read_to_string(&fresh).unwrap(), "first");
        assert!(!new.exists());
    }

    /// A file replaced by rename (what every docket write does) while it is read is still
    /// a regular file: the reader sees the old or the new content, never an error.
    #[test]
    fn a_file_replaced_while_it_is_read_is_still_regular() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("case.toml");
        std::fs::write(&path, "a").unwrap();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let writer = {
            let (path, stop) = (path.clone(), stop.clone());
            std::thread::spawn(move || {
                let mut i = 0u64;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    i += 1;
                    atomic_write(&path, if i.is_multiple_of(2) { b"a" } else { b"b" }).unwrap();
                    std::thread::sleep(std::time::Duration::from_micros(20));
                }
            })
        };
        for _ in 0..3000 {
            let text = read_regular(&path, 1024).unwrap();
            assert!(text == "a" || text == "b", "{text:?}");
        }
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        writer.join().unwrap();
    }
}
