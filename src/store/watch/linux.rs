//! The watcher on Linux: inotify on `cases/` and each shard folder, a socket in the
//! abstract namespace, one thread answering one question at a time.

use std::collections::{BTreeMap, HashMap};
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::linux::net::SocketAddrExt;
use std::os::unix::net::{SocketAddr, UnixListener, UnixStream};
use std::path::{Path, PathBuf};

use super::{ASK_LEN, Answer, MAGIC, PATIENCE, Status, Token};
use crate::store::{Result, StoreError};

/// What a shard folder's watch reports: a file written, truncated, made, removed,
/// renamed, its stat data changed; the folder itself removed or renamed.
const FILE_EVENTS: u32 = libc::IN_MODIFY
    | libc::IN_ATTRIB
    | libc::IN_CLOSE_WRITE
    | libc::IN_CREATE
    | libc::IN_DELETE
    | libc::IN_MOVED_FROM
    | libc::IN_MOVED_TO
    | libc::IN_DELETE_SELF
    | libc::IN_MOVE_SELF
    | libc::IN_DONT_FOLLOW
    | libc::IN_ONLYDIR;

/// Why a watcher cannot go on watching.
#[derive(Debug, thiserror::Error)]
enum Trouble {
    #[error("cannot watch {}: {}", if .folder.is_empty() { "it".to_string() } else { format!("{}/", .folder) }, limit(.source))]
    Watch {
        /// The shard folder, or empty for `cases/` itself.
        folder: String,
        source: std::io::Error,
    },
    #[error("it is no longer a folder")]
    NotAFolder,
    #[error("cannot read it: {0}")]
    Read(std::io::Error),
    #[error("inotify: {0}")]
    Inotify(std::io::Error),
}

/// A watch refused, said so that the user knows what to raise.
fn limit(e: &std::io::Error) -> String {
    match e.raw_os_error() {
        Some(libc::ENOSPC) => {
            "the inotify watch limit is reached (raise it: sysctl fs.inotify.max_user_watches)"
                .into()
        }
        _ => e.to_string(),
    }
}

/// The kind of network or user-space file system `path` is on, if it is one (inotify
/// sees only the changes made through this machine's kernel).
fn remote_file_system(path: &Path) -> Option<&'static str> {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).ok()?;
    let mut st = std::mem::MaybeUninit::<libc::statfs>::uninit();
    // SAFETY: a NUL-terminated path and room for the result, read only on success.
    let st = unsafe {
        if libc::statfs(c.as_ptr(), st.as_mut_ptr()) != 0 {
            return None;
        }
        st.assume_init()
    };
    // The magic numbers of linux/magic.h (and FUSE's, CIFS's and SMB2's own).
    match st.f_type as u64 {
        0x6969 => Some("NFS"),
        0x517B | 0xFF53_4D42 | 0xFE53_4D42 => Some("SMB/CIFS"),
        0x6573_5546 => Some("FUSE"),
        0x0102_1997 => Some("9P"),
        0x00C3_6400 => Some("Ceph"),
        0x5346_414F => Some("AFS"),
        0x0BD0_0BD0 => Some("Lustre"),
        0x4750_4653 => Some("GPFS"),
        _ => None,
    }
}

fn address(cases: &Path) -> std::io::Result<SocketAddr> {
    SocketAddr::from_abstract_name(super::socket_name(cases).as_bytes())
}

/// The process id and user at the other end of a local socket.
fn peer(s: &UnixStream) -> Option<(u32, u32)> {
    let mut cred = libc::ucred {
        pid: 0,
        uid: 0,
        gid: 0,
    };
    let mut len = std::mem::size_of::<libc::ucred>() as libc::socklen_t;
    // SAFETY: a connected socket and room for a ucred, whose size is passed.
    let ok = unsafe {
        libc::getsockopt(
            s.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_PEERCRED,
            (&raw mut cred).cast(),
            &mut len,
        )
    } == 0;
    (ok && len as usize == std::mem::size_of::<libc::ucred>())
        .then_some((cred.pid as u32, cred.uid))
}

/// A connection to this user's watcher of `cases`, if one runs.
fn connected(cases: &Path) -> Option<UnixStream> {
    let s = connect_now(&super::socket_name(cases)).ok()?;
    // SAFETY: geteuid has no preconditions and cannot fail.
    let me = unsafe { libc::geteuid() };
    if peer(&s)?.1 != me {
        return None;
    }
    s.set_read_timeout(Some(PATIENCE)).ok()?;
    s.set_write_timeout(Some(PATIENCE)).ok()?;
    Some(s)
}

/// A connection to the abstract socket `name`, made without waiting: a listener that
/// does not accept (stopped, or someone else's holding the name) fills its queue, and a
/// blocking `connect` would then wait forever; this one gives up (`EAGAIN`) at once.
fn connect_now(name: &str) -> std::io::Result<UnixStream> {
    let name = name.as_bytes();
    // SAFETY: a socket made here and owned by the stream returned (or closed by it on
    // failure); the address is a zeroed sockaddr_un whose path starts with a NUL (the
    // abstract namespace) followed by `name`, its length passed exactly.
    unsafe {
        let fd = libc::socket(
            libc::AF_UNIX,
            libc::SOCK_STREAM | libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC,
            0,
        );
        if fd < 0 {
            return Err(std::io::Error::last_os_error());
        }
        let s = UnixStream::from_raw_fd(fd);
        let mut addr: libc::sockaddr_un = std::mem::zeroed();
        addr.sun_family = libc::AF_UNIX as libc::sa_family_t;
        if name.len() + 1 > addr.sun_path.len() {
            return Err(std::io::Error::from(std::io::ErrorKind::InvalidInput));
        }
        for (i, b) in name.iter().enumerate() {
            addr.sun_path[i + 1] = *b as libc::c_char;
        }
        let len = std::mem::size_of::<libc::sa_family_t>() + 1 + name.len();
        if libc::connect(
            s.as_raw_fd(),
            (&raw const addr).cast(),
            len as libc::socklen_t,
        ) != 0
        {
            return Err(std::io::Error::last_os_error());
        }
        s.set_nonblocking(false)?;
        Ok(s)
    }
}

/// `cases/`'s device and inode (not through a link), as a reader sees it.
fn folder_id(cases: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::symlink_metadata(cases).ok()?;
    m.is_dir().then(|| (m.dev(), m.ino()))
}

/// A reader's connection to its watcher.
pub struct Connection {
    socket: UnixStream,
    cases: PathBuf,
}

/// The watcher of `cases` (the casebook's `cases/` folder, absolute), if one of this
/// user's runs. Without one this costs a failed `connect` (a few microseconds).
pub fn connect(cases: &Path) -> Option<Connection> {
    Some(Connection {
        socket: connected(cases)?,
        cases: cases.to_path_buf(),
    })
}

impl Connection {
    /// Asks what changed since `since`; the answer is read by [`Asked::answer`] (the
    /// reader decodes its cache meanwhile). `None` when the question cannot be sent.
    pub fn ask(mut self, since: Token) -> Option<Asked> {
        let q = question(folder_id(&self.cases)?, since);
        self.socket.write_all(&q).ok()?;
        Some(Asked(self.socket))
    }
}

/// A reader's question: what changed in the `cases/` with this device and inode since
/// `since`?
fn question((dev, ino): (u64, u64), since: Token) -> Vec<u8> {
    let mut q = Vec::with_capacity(ASK_LEN);
    q.extend_from_slice(MAGIC);
    q.push(b'?');
    q.extend_from_slice(&dev.to_le_bytes());
    q.extend_from_slice(&ino.to_le_bytes());
    q.extend_from_slice(&since.to_bytes());
    q
}

/// A question sent, its answer still to be read.
pub struct Asked(UnixStream);

impl Asked {
    /// The answer; `None` when the watcher does not answer properly within a second (the
    /// reader then looks at every file).
    pub fn answer(mut self) -> Option<Answer> {
        let mut answer = Vec::new();
        self.0.read_to_end(&mut answer).ok()?;
        super::decode_answer(&answer)
    }
}

/// The watcher of `cases`, if one of this user's runs.
pub fn status(cases: &Path) -> Option<Status> {
    let mut s = connected(cases)?;
    let mut q = MAGIC.to_vec();
    q.push(b's');
    s.write_all(&q).ok()?;
    let mut answer = Vec::new();
    s.read_to_end(&mut answer).ok()?;
    let text = std::str::from_utf8(answer.strip_prefix(MAGIC.as_slice())?).ok()?;
    let mut f = text.split('\0');
    let mut num = || f.next()?.parse::<u64>().ok();
    let (pid, folders, changes, answered, uptime_secs) = (num()?, num()?, num()?, num()?, num()?);
    Some(Status {
        pid: u32::try_from(pid).ok()?,
        root: cases.display().to_string(),
        folders,
        changes,
        answered,
        uptime_secs,
    })
}

/// Asks the watcher of `cases` to stop and waits (up to 5 s) until it has; whether one
/// was running.
pub fn stop(cases: &Path) -> bool {
    let Some(mut s) = connected(cases) else {
        return false;
    };
    let mut q = MAGIC.to_vec();
    q.push(b'x');
    let _ = s.write_all(&q);
    let mut answer = Vec::new();
    let _ = s.read_to_end(&mut answer);
    // Gone when nothing listens on its name any more: a new watcher can start at once.
    // (Connecting without waiting: one that does not accept is not waited on for ever.)
    let name = super::socket_name(cases);
    let until = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while std::time::Instant::now() < until {
        if connect_now(&name).is_err_and(|e| e.raw_os_error() == Some(libc::ECONNREFUSED)) {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    true
}

/// A watcher, its socket bound and every folder watched: [`Watcher::run`] answers.
pub struct Watcher {
    cases: PathBuf,
    /// `cases/`'s device and inode when it was watched.
    root_id: (u64, u64),
    inotify: OwnedFd,
    listener: UnixListener,
    /// Each watch: `None` for `cases/` itself, else the shard folder's name.
    watches: HashMap<i32, Option<String>>,
    instance: [u8; 16],
    seq: u64,
    /// Tokens from before this sequence number are not vouched for (events were lost).
    epoch: u64,
    /// Each changed path's last change, and the same by sequence number.
    last: HashMap<String, u64>,
    log: BTreeMap<u64, String>,
    started: std::time::Instant,
    changes: u64,
    answered: u64,
    /// Since when `cases/` is missing (removed, or renamed away), if it is: it is looked
    /// for again every [`LOOK_AGAIN`]; every question is answered "all" meanwhile.
    lost: Option<std::time::Instant>,
}

/// How often a missing `cases/` is looked for, and for how long (a checkout can remove
/// and write it back); the watcher ends at once when the casebook folder is gone.
const LOOK_AGAIN: std::time::Duration = std::time::Duration::from_millis(100);
const GIVE_UP: std::time::Duration = std::time::Duration::from_secs(10);

/// A new inotify instance (non-blocking, closed on exec).
fn new_inotify() -> std::io::Result<OwnedFd> {
    // SAFETY: no preconditions; the descriptor returned is owned by the OwnedFd.
    let fd = unsafe { libc::inotify_init1(libc::IN_NONBLOCK | libc::IN_CLOEXEC) };
    if fd < 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: a descriptor just made and not owned elsewhere.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// Binds the watcher's socket for `cases` (the casebook's `cases/` folder, absolute) and
/// watches it and every shard folder in it.
pub fn bind(cases: &Path) -> Result<Watcher> {
    let fail = |what: String| StoreError::Watch(format!("{}: {what}", cases.display()));
    // A casebook without a case yet has no cases/: made now, so there is a folder to
    // watch (empty, it changes nothing in Git).
    if std::fs::symlink_metadata(cases).is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound) {
        let _ = std::fs::create_dir(cases);
    }
    let root_id = folder_id(cases)
        .ok_or_else(|| fail("not a folder (docket watch watches a casebook's cases/)".into()))?;
    if let Some(kind) = remote_file_system(cases) {
        return Err(fail(format!(
            "it is on a {kind} file system, where changes made on other machines raise no event; reads there look at every file"
        )));
    }
    let listener = match UnixListener::bind_addr(&address(cases).map_err(|e| fail(e.to_string()))?)
    {
        Ok(l) => l,
        Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {
            return Err(match status(cases) {
                Some(s) => StoreError::WatchRunning(s.pid),
                None => fail(
                    "another process holds this folder's watcher socket and does not answer (a watcher stopped with Ctrl-Z, or another user's process); reads here look at every file"
                        .into(),
                ),
            });
        }
        Err(e) => return Err(fail(format!("cannot listen: {e}"))),
    };
    listener
        .set_nonblocking(true)
        .map_err(|e| fail(e.to_string()))?;
    let inotify = new_inotify().map_err(|e| fail(format!("inotify: {e}")))?;
    let mut instance = [0u8; 16];
    getrandom::fill(&mut instance).map_err(|e| fail(format!("no random numbers: {e}")))?;
    let mut w = Watcher {
        cases: cases.to_path_buf(),
        root_id,
        inotify,
        listener,
        watches: HashMap::new(),
        instance,
        seq: 1,
        epoch: 1,
        last: HashMap::new(),
        log: BTreeMap::new(),
        started: std::time::Instant::now(),
        changes: 0,
        answered: 0,
        lost: None,
    };
    w.watch_all().map_err(|e| fail(e.to_string()))?;
    Ok(w)
}

impl Watcher {
    /// How many folders are watched.
    pub fn folders(&self) -> usize {
        self.watches.len()
    }

    /// Watches `cases/` and every shard folder in it (again, after events were lost or
    /// `cases/` was replaced).
    ///
    /// With a new inotify instance: the old one is closed with whatever it still had
    /// queued (removing its watches one by one would queue an event per folder, enough to
    /// overflow a small queue again).
    fn watch_all(&mut self) -> std::result::Result<(), Trouble> {
        self.inotify = new_inotify().map_err(Trouble::Inotify)?;
        self.watches.clear();
        let root_mask = libc::IN_CREATE
            | libc::IN_DELETE
            | libc::IN_MOVED_FROM
            | libc::IN_MOVED_TO
            | libc::IN_ATTRIB
            | libc::IN_DELETE_SELF
            | libc::IN_MOVE_SELF
            | libc::IN_DONT_FOLLOW
            | libc::IN_ONLYDIR;
        let wd = self
            .add(&self.cases.clone(), root_mask)
            .map_err(|source| Trouble::Watch {
                folder: String::new(),
                source,
            })?;
        self.watches.insert(wd, None);
        self.root_id = folder_id(&self.cases).ok_or(Trouble::NotAFolder)?;
        let entries = std::fs::read_dir(&self.cases).map_err(Trouble::Read)?;
        for e in entries.flatten() {
            if !e.file_type().is_ok_and(|t| t.is_dir()) {
                continue;
            }
            let Ok(name) = e.file_name().into_string() else {
                continue;
            };
            self.watch_shard(&name).map_err(|source| Trouble::Watch {
                folder: name.clone(),
                source,
            })?;
        }
        Ok(())
    }

    fn add(&self, path: &Path, mask: u32) -> std::io::Result<i32> {
        use std::os::unix::ffi::OsStrExt;
        let c = std::ffi::CString::new(path.as_os_str().as_bytes())
            .map_err(|_| std::io::Error::from(std::io::ErrorKind::InvalidInput))?;
        // SAFETY: our inotify descriptor and a NUL-terminated path.
        let wd = unsafe { libc::inotify_add_watch(self.inotify.as_raw_fd(), c.as_ptr(), mask) };
        if wd < 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok(wd)
    }

    /// Watches shard folder `name` (not through a link). A folder that vanished first
    /// is not an error: its removal is a change already recorded.
    fn watch_shard(&mut self, name: &str) -> std::io::Result<()> {
        match self.add(&self.cases.join(name), FILE_EVENTS) {
            Ok(wd) => {
                self.watches.insert(wd, Some(name.to_string()));
                Ok(())
            }
            Err(e)
                if matches!(
                    e.raw_os_error(),
                    Some(libc::ENOENT | libc::ENOTDIR | libc::ELOOP)
                ) =>
            {
                Ok(())
            }
            Err(e) => Err(e),
        }
    }

    fn changed(&mut self, path: String) {
        self.seq += 1;
        self.changes += 1;
        if let Some(before) = self.last.insert(path.clone(), self.seq) {
            self.log.remove(&before);
        }
        self.log.insert(self.seq, path);
    }

    /// Nothing before now is vouched for: after lost events, or `cases/` replaced.
    fn forget(&mut self) {
        self.seq += 1;
        self.epoch = self.seq;
        self.last.clear();
        self.log.clear();
    }

    /// Reads every queued event. `Err` when `cases/` is gone and cannot be watched again.
    ///
    /// Only the events queued when it is called (a question's changes were all queued
    /// before it was read): a program changing files without pause cannot keep the
    /// watcher from answering.
    fn drain(&mut self) -> std::result::Result<(), Trouble> {
        #[repr(align(8))]
        struct Buf([u8; 64 * 1024]);
        let mut buf = Buf([0; 64 * 1024]);
        let mut rewatch = false;
        let mut queued: libc::c_int = 0;
        // SAFETY: our inotify descriptor and room for the byte count FIONREAD writes.
        if unsafe { libc::ioctl(self.inotify.as_raw_fd(), libc::FIONREAD, &mut queued) } != 0 {
            queued = libc::c_int::MAX;
        }
        let mut taken: usize = 0;
        while taken < queued.max(1) as usize {
            // SAFETY: our inotify descriptor and a buffer of the length given.
            let n = unsafe {
                libc::read(
                    self.inotify.as_raw_fd(),
                    buf.0.as_mut_ptr().cast(),
                    buf.0.len(),
                )
            };
            if n < 0 {
                let e = std::io::Error::last_os_error();
                match e.kind() {
                    std::io::ErrorKind::WouldBlock => break,
                    std::io::ErrorKind::Interrupted => continue,
                    _ => return Err(Trouble::Inotify(e)),
                }
            }
            let bytes = &buf.0[..n as usize];
            taken += bytes.len();
            let mut at = 0;
            let head = std::mem::size_of::<libc::inotify_event>();
            while at + head <= bytes.len() {
                // SAFETY: the kernel wrote a whole event here (header, then `len` bytes
                // of name); read unaligned to be safe.
                let ev: libc::inotify_event =
                    unsafe { std::ptr::read_unaligned(bytes[at..].as_ptr().cast()) };
                let name_bytes = &bytes[at + head..(at + head + ev.len as usize).min(bytes.len())];
                let name = &name_bytes[..name_bytes
                    .iter()
                    .position(|b| *b == 0)
                    .unwrap_or(name_bytes.len())];
                at += head + ev.len as usize;
                if ev.mask & libc::IN_Q_OVERFLOW != 0 {
                    rewatch = true;
                    continue;
                }
                let Some(whose) = self.watches.get(&ev.wd).cloned() else {
                    continue;
                };
                // Names that are not Unicode are not case files (the walk skips them).
                let name = std::str::from_utf8(name).ok();
                match (whose, name) {
                    // cases/ itself removed or renamed: watched again from its path.
                    (None, _) if ev.mask & (libc::IN_DELETE_SELF | libc::IN_MOVE_SELF) != 0 => {
                        rewatch = true;
                    }
                    (None, Some(n)) if !n.is_empty() => {
                        if ev.mask & libc::IN_ISDIR != 0
                            && ev.mask & (libc::IN_CREATE | libc::IN_MOVED_TO) != 0
                        {
                            self.watch_shard(n).map_err(|source| Trouble::Watch {
                                folder: n.to_string(),
                                source,
                            })?;
                        }
                        self.changed(format!("{n}/"));
                    }
                    (None, _) => {}
                    (Some(shard), _) if ev.mask & libc::IN_IGNORED != 0 => {
                        self.watches.remove(&ev.wd);
                        self.changed(format!("{shard}/"));
                    }
                    (Some(shard), _)
                        if ev.mask & (libc::IN_DELETE_SELF | libc::IN_MOVE_SELF) != 0 =>
                    {
                        self.changed(format!("{shard}/"));
                    }
                    // Only names a read would take for case files: not docket's own
                    // temporary files (a new name per write, which would pile up here).
                    (Some(shard), Some(n)) if crate::store::cases::is_case_file_name(n) => {
                        self.changed(format!("{shard}/{n}"));
                    }
                    (Some(_), _) => {}
                }
            }
        }
        if rewatch {
            self.rewatch()?;
        }
        Ok(())
    }

    /// Watches `cases/` again from its path (after lost events, or it was replaced);
    /// nothing before is vouched for. A missing `cases/` is looked for again later
    /// (see [`Watcher::lost`]); `Err` when the casebook folder itself is gone or
    /// `cases/` stayed missing for [`GIVE_UP`].
    fn rewatch(&mut self) -> std::result::Result<(), Trouble> {
        self.forget();
        match self.watch_all() {
            Ok(()) => {
                self.lost = None;
                Ok(())
            }
            Err(e) => {
                let parent_gone = self.cases.parent().is_some_and(|p| !p.exists());
                let since = *self.lost.get_or_insert_with(std::time::Instant::now);
                self.root_id = (0, 0);
                if parent_gone || since.elapsed() > GIVE_UP || self.cases.exists() {
                    return Err(e);
                }
                Ok(())
            }
        }
    }

    /// Whether `cases/`'s path still leads to the folder watched (a folder above it can
    /// be renamed without an event here, and another casebook put in its place): if not,
    /// the path is watched again and nothing before is vouched for.
    fn still_there(&mut self) -> std::result::Result<(), Trouble> {
        if self.lost.is_none() && folder_id(&self.cases) != Some(self.root_id) {
            self.rewatch()?;
        }
        Ok(())
    }

    fn answer(&mut self, q: &[u8]) -> Answer {
        let token = Token {
            instance: self.instance,
            seq: self.seq,
        };
        let dev = u64::from_le_bytes(q[5..13].try_into().expect("8 bytes"));
        let ino = u64::from_le_bytes(q[13..21].try_into().expect("8 bytes"));
        let since = Token::from_bytes(q[21..].try_into().expect("a token"));
        if (dev, ino) != self.root_id
            || self.lost.is_some()
            || since.instance != self.instance
            || since.seq < self.epoch
            || since.seq > self.seq
        {
            return Answer::All(token);
        }
        let (mut shards, mut files) = (Vec::new(), Vec::new());
        for p in self.log.range(since.seq + 1..).map(|(_, p)| p) {
            match p.strip_suffix('/') {
                Some(s) => shards.push(s.to_string()),
                None => files.push(p.clone()),
            }
        }
        Answer::Changed {
            token,
            shards,
            files,
        }
    }

    /// Answers questions until asked to stop or until `cases/` is gone.
    pub fn run(mut self) -> Result<()> {
        let cases = self.cases.clone();
        let fail = |what: Trouble| StoreError::Watch(format!("{}: {what}", cases.display()));
        loop {
            let mut fds = [
                libc::pollfd {
                    fd: self.inotify.as_raw_fd(),
                    events: libc::POLLIN,
                    revents: 0,
                },
                libc::pollfd {
                    fd: self.listener.as_raw_fd(),
                    events: libc::POLLIN,
                    revents: 0,
                },
            ];
            let wait = match self.lost {
                Some(_) => LOOK_AGAIN.as_millis() as i32,
                None => -1,
            };
            // SAFETY: two valid pollfd records.
            let n = unsafe { libc::poll(fds.as_mut_ptr(), 2, wait) };
            if n < 0 {
                let e = std::io::Error::last_os_error();
                if e.kind() == std::io::ErrorKind::Interrupted {
                    continue;
                }
                return Err(fail(Trouble::Inotify(e)));
            }
            if self.lost.is_some() {
                self.rewatch().map_err(fail)?;
            }
            if fds[0].revents != 0 {
                self.drain().map_err(fail)?;
            }
            if fds[1].revents == 0 {
                continue;
            }
            let Ok((mut s, _)) = self.listener.accept() else {
                continue;
            };
            // Only this user's processes are answered.
            // SAFETY: geteuid has no preconditions and cannot fail.
            let me = unsafe { libc::geteuid() };
            if peer(&s).is_none_or(|(_, uid)| uid != me) {
                continue;
            }
            let _ = s.set_nonblocking(false);
            let _ = s.set_read_timeout(Some(PATIENCE));
            let _ = s.set_write_timeout(Some(PATIENCE));
            let mut q = [0u8; ASK_LEN];
            if s.read_exact(&mut q[..5]).is_err() || &q[..4] != MAGIC {
                continue;
            }
            match q[4] {
                b'?' => {
                    if s.read_exact(&mut q[5..]).is_err() {
                        continue;
                    }
                    self.still_there().map_err(fail)?;
                    // Every change made before the question is queued by now.
                    self.drain().map_err(fail)?;
                    let a = self.answer(&q);
                    self.answered += 1;
                    let _ = s.write_all(&super::encode_answer(&a));
                }
                b's' => {
                    self.still_there().map_err(fail)?;
                    self.drain().map_err(fail)?;
                    let text = format!(
                        "{}\0{}\0{}\0{}\0{}",
                        std::process::id(),
                        self.watches.len(),
                        self.changes,
                        self.answered,
                        self.started.elapsed().as_secs()
                    );
                    let mut out = MAGIC.to_vec();
                    out.extend_from_slice(text.as_bytes());
                    let _ = s.write_all(&out);
                }
                b'x' => {
                    let _ = s.write_all(MAGIC);
                    return Ok(());
                }
                _ => {}
            }
        }
    }
}

/// `docket --casebook DIR watch run --quiet` in a session of its own (no SIGHUP when this
/// terminal closes, no Ctrl-C of this shell's jobs), its stderr to `stderr`.
fn spawn(casebook: &Path, stderr: std::process::Stdio) -> std::io::Result<std::process::Child> {
    use std::os::unix::process::CommandExt;
    let mut c = std::process::Command::new(std::env::current_exe()?);
    c.arg("--casebook")
        .arg(casebook)
        .args(["watch", "run", "--quiet"])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(stderr);
    // SAFETY: setsid is async-signal-safe and touches no memory of this process.
    unsafe {
        c.pre_exec(|| {
            libc::setsid();
            Ok(())
        });
    }
    c.spawn()
}

/// Starts a watcher for `casebook` in the background without waiting for it (a read
/// with `docket.watch` set and none running); a watcher that cannot start ends quietly.
pub fn start_later(casebook: &Path) {
    let _ = spawn(casebook, std::process::Stdio::null());
}

/// Starts a watcher of `cases` in the background (a process of its own session, running
/// `docket --casebook DIR watch run`) and waits until it answers; `(status, false)` when
/// one was running already.
pub fn start(cases: &Path, casebook: &Path) -> Result<(Status, bool)> {
    if let Some(s) = status(cases) {
        return Ok((s, false));
    }
    let fail = |what: String| StoreError::Watch(format!("{}: {what}", cases.display()));
    let mut child = spawn(casebook, std::process::Stdio::piped())
        .map_err(|e| fail(format!("cannot start: {e}")))?;
    let until = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        if let Some(s) = status(cases) {
            return Ok((s, true));
        }
        if let Ok(Some(_)) = child.try_wait() {
            let mut err = String::new();
            if let Some(mut e) = child.stderr.take() {
                let _ = e.read_to_string(&mut err);
            }
            // Another `watch start` won the race: that watcher is this casebook's.
            if let Some(s) = status(cases) {
                return Ok((s, false));
            }
            let err = err.trim().trim_start_matches("docket: error: ");
            return Err(match err.is_empty() {
                true => fail("the watcher ended at once".into()),
                false => StoreError::Watch(err.trim_start_matches("docket watch: ").to_string()),
            });
        }
        if std::time::Instant::now() > until {
            let _ = child.kill();
            return Err(fail("the watcher did not answer within 20 s".into()));
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn changed(token: Token, shards: &[&str], files: &[&str]) -> Answer {
        Answer::Changed {
            token,
            shards: shards.iter().map(|s| s.to_string()).collect(),
            files: files.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn only_tokens_it_gave_since_it_lost_nothing_are_vouched_for() {
        let dir = tempfile::tempdir().unwrap();
        let cases = dir.path().join("cases");
        std::fs::create_dir_all(cases.join("aa")).unwrap();
        let mut w = bind(&cases).unwrap();
        assert_eq!(w.folders(), 2);
        let id = folder_id(&cases).unwrap();
        let ask = |w: &mut Watcher, since: Token| w.answer(&question(id, since));
        let Answer::All(t0) = ask(&mut w, Token::NONE) else {
            panic!("a cache made without the watcher is not vouched for");
        };
        assert_eq!(ask(&mut w, t0), changed(t0, &[], &[]));
        w.changed("aa/x.toml".into());
        w.changed("bb/".into());
        w.changed("aa/x.toml".into());
        let Answer::Changed { token: t1, .. } = ask(&mut w, t0) else {
            panic!("changes since a token it gave");
        };
        assert_eq!(ask(&mut w, t0), changed(t1, &["bb"], &["aa/x.toml"]));
        assert_eq!(ask(&mut w, t1), changed(t1, &[], &[]));
        // A token it never gave, or another watcher's, or for another cases/.
        let later = Token {
            seq: t1.seq + 5,
            ..t1
        };
        assert!(matches!(ask(&mut w, later), Answer::All(_)));
        let other = Token {
            instance: [9; 16],
            ..t1
        };
        assert!(matches!(ask(&mut w, other), Answer::All(_)));
        assert!(matches!(
            w.answer(&question((id.0, id.1 + 1), t1)),
            Answer::All(_)
        ));
        // Events lost (the kernel's queue overflowed): nothing before is vouched for.
        w.forget();
        assert!(matches!(ask(&mut w, t1), Answer::All(_)));
        let Answer::All(t2) = ask(&mut w, t0) else {
            panic!("all");
        };
        assert_eq!(ask(&mut w, t2), changed(t2, &[], &[]));
    }

    #[test]
    fn the_kernels_events_become_the_paths_a_read_looks_at() {
        let dir = tempfile::tempdir().unwrap();
        let cases = dir.path().join("cases");
        std::fs::create_dir_all(cases.join("aa")).unwrap();
        std::fs::write(cases.join("aa/DK-1.toml"), "x").unwrap();
        let mut w = bind(&cases).unwrap();
        let id = folder_id(&cases).unwrap();
        let Answer::All(t0) = w.answer(&question(id, Token::NONE)) else {
            panic!("all");
        };
        // An edit in place, docket's temporary file renamed over a case, a new shard
        // folder with a file in it, something that is not a case file.
        std::fs::write(cases.join("aa/DK-1.toml"), "y").unwrap();
        std::fs::write(cases.join("aa/.docket-x.tmp"), "z").unwrap();
        std::fs::rename(cases.join("aa/.docket-x.tmp"), cases.join("aa/DK-2.toml")).unwrap();
        std::fs::create_dir(cases.join("bb")).unwrap();
        std::fs::write(cases.join("aa/notes.txt"), "n").unwrap();
        w.drain().unwrap();
        std::fs::write(cases.join("bb/DK-3.toml"), "x").unwrap();
        w.drain().unwrap();
        let Answer::Changed {
            token,
            mut shards,
            mut files,
        } = w.answer(&question(id, t0))
        else {
            panic!("changes");
        };
        shards.sort();
        files.sort();
        assert_eq!(shards, ["bb"]);
        assert_eq!(files, ["aa/DK-1.toml", "aa/DK-2.toml", "bb/DK-3.toml"]);
        assert_eq!(w.folders(), 3, "the new shard folder is watched");
        // cases/ replaced: watched again from its path; nothing before is vouched for.
        std::fs::rename(&cases, dir.path().join("old")).unwrap();
        std::fs::create_dir(&cases).unwrap();
        w.drain().unwrap();
        let new = folder_id(&cases).unwrap();
        assert!(matches!(w.answer(&question(new, token)), Answer::All(_)));
        assert_eq!(w.folders(), 1);
    }
}
