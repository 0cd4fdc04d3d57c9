//! `docket watch`: a process that watches `cases/` and tells each read which case files
//! changed since the cache it holds was made — what Git's `core.fsmonitor` does for
//! `git status`. Without it, a warm read still `lstat`s every case file (the floor no
//! cache can lower: 1.6–2.8 µs each on these machines); with it, a read asks the watcher
//! once (one local socket round trip) and looks only at the files it names.
//!
//! How it stays right:
//! - The watcher (Linux inotify) records every change under `cases/` (a file written,
//!   truncated, created, deleted, renamed, its stat data changed; a shard folder created,
//!   deleted or renamed) with a sequence number. A reader's question carries a *token*
//!   (the watcher's random instance id and a sequence number) stored in its cache file;
//!   the answer names every path changed after it, and a new token.
//! - Before answering, the watcher reads the events the kernel had queued when the
//!   question was read (`FIONREAD`: a program changing files without pause cannot keep it
//!   from answering). inotify queues an event inside the system call that made the
//!   change, so a change that was complete when the reader asked is in the answer; one
//!   made later has a later number and is in the next answer. A reader asks *before* it
//!   looks at any file, and stores the token it got with the cache it writes; a reader
//!   that got no answer keeps the token of the cache it read (it looked at every file
//!   after that token was given, so every later change is still in the answer to it).
//! - The watcher answers "look at everything" when it cannot vouch: a token from another
//!   instance (restarted, or a cache copied from another clone) or from before it lost
//!   events (the kernel's queue overflowed), a `cases/` that is not the folder it watches
//!   (replaced, moved), or a token it has not issued. The reader then walks every file as
//!   without a watcher.
//! - The socket is in Linux's abstract namespace (no file to go stale; gone when the
//!   process ends), named after the user and the `cases/` folder's path; a reader only
//!   believes a watcher run by its own user (`SO_PEERCRED`). A watcher that does not
//!   answer within a quarter of a second is ignored (its queue full: at once).
//!
//! What it cannot see (as for Git's fsmonitor): a change through a memory mapping, a
//! change through a hard link from outside `cases/`, a change made on another machine to
//! a network file system (it refuses to start on one). `DOCKET_WATCH=0` makes a read ignore
//! a running watcher; `git config docket.watch true` makes a read start one when none runs.

// Without inotify only the client's "no watcher" side is built.
#![cfg_attr(not(target_os = "linux"), allow(dead_code))]

use std::path::Path;

/// What a reader's cache was made as of: the watcher instance it asked, and that
/// watcher's sequence number then. [`Token::NONE`] (no watcher was asked) is never
/// vouched for.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct Token {
    instance: [u8; 16],
    seq: u64,
}

impl Token {
    pub const NONE: Token = Token {
        instance: [0; 16],
        seq: 0,
    };
    pub const LEN: usize = 24;

    pub fn to_bytes(self) -> [u8; Token::LEN] {
        let mut b = [0; Token::LEN];
        b[..16].copy_from_slice(&self.instance);
        b[16..].copy_from_slice(&self.seq.to_le_bytes());
        b
    }

    pub fn from_bytes(b: &[u8; Token::LEN]) -> Token {
        let (instance, seq) = b.split_at(16);
        Token {
            instance: instance.try_into().expect("16 bytes"),
            seq: u64::from_le_bytes(seq.try_into().expect("8 bytes")),
        }
    }
}

/// A watcher's answer to "what changed since this token?".
#[derive(Debug, PartialEq, Eq)]
pub enum Answer {
    /// It cannot say: every file is to be looked at. The token vouches from now on.
    All(Token),
    /// These paths (relative to `cases/`): `shards` are folders to read again whole (made,
    /// removed, renamed), `files` are `shard/name` to look at again.
    Changed {
        token: Token,
        shards: Vec<String>,
        files: Vec<String>,
    },
}

/// What `docket watch status` reports.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Status {
    /// The watcher's process id.
    pub pid: u32,
    /// The `cases/` folder it watches.
    pub root: String,
    /// Folders watched (`cases/` and its shard folders).
    pub folders: u64,
    /// Changes recorded since it started.
    pub changes: u64,
    /// Questions answered since it started.
    pub answered: u64,
    /// Whole seconds since it started.
    pub uptime_secs: u64,
}

const MAGIC: &[u8; 4] = b"DKW1";
/// A reader's question: magic, `?`, `cases/`'s device and inode, token.
const ASK_LEN: usize = 4 + 1 + 16 + Token::LEN;
/// How long a reader waits for an answer before walking every file itself (a watcher
/// answers in well under a millisecond; one stopped with Ctrl-Z in a terminal costs each
/// read this much).
const PATIENCE: std::time::Duration = std::time::Duration::from_millis(250);

#[cfg(target_os = "linux")]
mod linux;
#[cfg(target_os = "linux")]
pub use linux::{Asked, Connection, Watcher, bind, connect, start, start_later, status, stop};

/// Without inotify there is no watcher: reads walk every file.
#[cfg(not(target_os = "linux"))]
pub struct Connection(std::convert::Infallible);

#[cfg(not(target_os = "linux"))]
impl Connection {
    pub fn ask(self, _since: Token) -> Option<Asked> {
        match self.0 {}
    }
}

#[cfg(not(target_os = "linux"))]
pub struct Asked(std::convert::Infallible);

#[cfg(not(target_os = "linux"))]
impl Asked {
    pub fn answer(self) -> Option<Answer> {
        match self.0 {}
    }
}

#[cfg(not(target_os = "linux"))]
pub fn connect(_cases: &Path) -> Option<Connection> {
    None
}

#[cfg(not(target_os = "linux"))]
pub fn start_later(_casebook: &Path) {}

#[cfg(not(target_os = "linux"))]
pub fn status(_cases: &Path) -> Option<Status> {
    None
}

#[cfg(not(target_os = "linux"))]
pub fn stop(_cases: &Path) -> bool {
    false
}

/// Without inotify there is no watcher to run.
#[cfg(not(target_os = "linux"))]
pub struct Watcher(std::convert::Infallible);

#[cfg(not(target_os = "linux"))]
impl Watcher {
    pub fn folders(&self) -> usize {
        match self.0 {}
    }

    pub fn run(self) -> super::Result<()> {
        match self.0 {}
    }
}

/// A watcher needs Linux's inotify.
#[cfg(not(target_os = "linux"))]
pub fn bind(cases: &Path) -> super::Result<Watcher> {
    Err(super::StoreError::Watch(format!(
        "{}: docket watch needs Linux (inotify); reads look at every file instead",
        cases.display()
    )))
}

#[cfg(not(target_os = "linux"))]
pub fn start(cases: &Path, _casebook: &Path) -> super::Result<(Status, bool)> {
    bind(cases).map(|w| match w.0 {})
}

/// The watcher a read should ask: this user's of `cases`, if one runs and
/// `DOCKET_WATCH` does not say no.
pub fn asked_for(cases: &Path) -> Option<Connection> {
    wanted().then(|| connect(cases)).flatten()
}

/// Whether reads should ask a watcher (`DOCKET_WATCH=0`, `off` or `false` says no).
pub fn wanted() -> bool {
    !crate::vars::get("DOCKET_WATCH")
        .is_some_and(|v| matches!(v.trim(), "0" | "off" | "false" | "no"))
}

/// The answer's bytes: magic, kind (`A`ll or `C`hanged), token, then each path followed
/// by a NUL (a shard folder's with a `/` at its end), then one more NUL: an answer cut
/// short (a watcher killed mid-answer) has no end and is not believed.
fn encode_answer(a: &Answer) -> Vec<u8> {
    let mut out = MAGIC.to_vec();
    match a {
        Answer::All(t) => {
            out.push(b'A');
            out.extend_from_slice(&t.to_bytes());
        }
        Answer::Changed {
            token,
            shards,
            files,
        } => {
            out.push(b'C');
            out.extend_from_slice(&token.to_bytes());
            for s in shards {
                out.extend_from_slice(s.as_bytes());
                out.extend_from_slice(b"/\0");
            }
            for f in files {
                out.extend_from_slice(f.as_bytes());
                out.push(0);
            }
        }
    }
    out.push(0);
    out
}

fn decode_answer(bytes: &[u8]) -> Option<Answer> {
    let rest = bytes.strip_prefix(MAGIC.as_slice())?;
    let (&kind, rest) = rest.split_first()?;
    let (token, rest) = rest.split_first_chunk::<{ Token::LEN }>()?;
    let token = Token::from_bytes(token);
    let body = rest.strip_suffix(b"\0")?;
    match kind {
        b'A' if body.is_empty() => Some(Answer::All(token)),
        b'C' => {
            let (mut shards, mut files) = (Vec::new(), Vec::new());
            if !body.is_empty() {
                let body = body.strip_suffix(b"\0")?;
                for p in body.split(|b| *b == 0) {
                    let p = std::str::from_utf8(p).ok()?;
                    // Only names the watcher could have sent: a shard, or shard/name.
                    if p.is_empty() || p.starts_with('/') || p.contains("//") {
                        return None;
                    }
                    match p.strip_suffix('/') {
                        Some(s) if !s.contains('/') => shards.push(s.to_string()),
                        Some(_) => return None,
                        None if p.split('/').count() == 2 => files.push(p.to_string()),
                        None => return None,
                    }
                }
            }
            Some(Answer::Changed {
                token,
                shards,
                files,
            })
        }
        _ => None,
    }
}

/// The socket's name: the user and a digest of the `cases/` folder's path (a watcher per
/// clone, per user).
#[cfg(target_os = "linux")]
fn socket_name(cases: &Path) -> String {
    use sha1::Digest;
    use std::os::unix::ffi::OsStrExt;
    let digest = sha1::Sha1::digest(cases.as_os_str().as_bytes());
    let hex: String = digest[..10].iter().map(|b| format!("{b:02x}")).collect();
    // SAFETY: geteuid has no preconditions and cannot fail.
    let uid = unsafe { libc::geteuid() };
    format!("docket-watch/{uid}/{hex}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_and_answers_round_trip() {
        let t = Token {
            instance: [7; 16],
            seq: 1234,
        };
        assert_eq!(Token::from_bytes(&t.to_bytes()), t);
        for a in [
            Answer::All(t),
            Answer::Changed {
                token: t,
                shards: vec![],
                files: vec![],
            },
            Answer::Changed {
                token: t,
                shards: vec!["0a".into(), "ff".into()],
                files: vec!["0b/DK-1.toml".into(), "0b/.x".into()],
            },
        ] {
            let bytes = encode_answer(&a);
            assert_eq!(decode_answer(&bytes), Some(a));
            // Cut short anywhere: not believed.
            for cut in 0..bytes.len() {
                assert_eq!(decode_answer(&bytes[..cut]), None, "cut at {cut}");
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn any_answer_round_trips_and_no_cut_one_is_believed(
            shards in proptest::collection::vec("[a-z0-9é-]{1,6}", 0..6),
            files in proptest::collection::vec("[a-z0-9]{1,4}/[A-Za-z0-9 .é-]{1,16}", 0..6),
            instance in proptest::array::uniform16(0u8..),
            seq in 0u64..,
            all in proptest::bool::ANY,
        ) {
            let token = Token { instance, seq };
            let a = if all {
                Answer::All(token)
            } else {
                Answer::Changed { token, shards, files }
            };
            let bytes = encode_answer(&a);
            proptest::prop_assert_eq!(decode_answer(&bytes), Some(a));
            for cut in 0..bytes.len() {
                proptest::prop_assert_eq!(decode_answer(&bytes[..cut]), None);
            }
        }
    }

    #[test]
    fn answers_with_paths_it_could_not_have_sent_are_not_believed() {
        let t = Token::NONE;
        for bad in ["/etc/", "a/b/c", "a//b", "a/b/"] {
            let mut bytes = MAGIC.to_vec();
            bytes.push(b'C');
            bytes.extend_from_slice(&t.to_bytes());
            bytes.extend_from_slice(bad.as_bytes());
            bytes.extend_from_slice(b"\0\0");
            assert_eq!(decode_answer(&bytes), None, "{bad}");
        }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn each_folder_and_user_has_its_own_socket() {
        let a = socket_name(Path::new("/srv/a/cases"));
        let b = socket_name(Path::new("/srv/b/cases"));
        assert_ne!(a, b);
        assert_eq!(a, socket_name(Path::new("/srv/a/cases")));
        assert!(a.len() < 100, "{a}");
    }
}
