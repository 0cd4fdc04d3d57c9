//! The read cache behind `list`, `queue`, `mine`, `agents`, completions (`summaries.bin`),
//! `sla` (`clocks.bin`) and `report` (`report.bin`), in `.git/docket/`: parsed cases keyed
//! by content — each entry holds its file's Git blob id — with the file's stat data (size,
//! modification and change times, inode) as the fast path.
//!
//! A file whose stat data match its entry, and did not change at or after the cache's own
//! modification time (racily clean), is taken from the cache without being opened. For
//! any other file the blob id decides: taken from the Git index when the index entry's
//! stat data match the file (and that entry is not racily clean either), else by hashing
//! the file; an unchanged blob keeps its entry, so a cache restored into a fresh clone
//! (CI: `actions/cache` on `.git/docket/`) is valid for every unchanged case, and a `touch`
//! costs a hash, not a parse. Only files whose content changed are parsed, on every core.
//! A missing, damaged (checksum) or other-version cache is rebuilt; the cache is never
//! committed and never answers for a file it has not just stat'ed — or that a running
//! watcher (`docket watch`, see [`super::watch`]) says has not changed since the cache was
//! made: then only the files it names are stat'ed. `DOCKET_TRACE=cache` prints what each
//! refresh did.
//!
//! The encoding is derived (serde + postcard, behind an 8-byte version stamp) rather than
//! hand-written: measured side by side at 10,000 cases, `list --open` took the same time
//! as with the earlier hand-written codec (67.4 vs 67.7 ms), `sla` 1.01–1.07× as long,
//! and the files are 0.57× the size. JSON took about 5× as long to load. The entries
//! are read back by hand ([`read`]): the same bytes, fewer steps per field.

use serde::{Deserialize, Serialize};

use super::Casebook;
use super::cases::{BadCase, Stamp};
use super::watch::{Answer, Token};
use crate::core::case::{Actor, ActorKind, Case, Event, State, Text, Visibility};

mod read;

const MAGIC: &[u8; 8] = b"DKTCACHC";

struct Entry {
    path: String,
    stamp: Stamp,
    /// The Git blob id of the file's content: what makes an entry valid in another clone.
    blob: [u8; 20],
    /// Boxed: entries are moved around while the cache is read and merged.
    case: Box<Case>,
}

/// What the cache stores per file: derived (serde + postcard), so adding a field is one
/// line here and a new [`MAGIC`]. Times are whole seconds; custom field values are kept
/// as JSON text (a TOML value needs a self-describing format).
///
/// The key is written first (the first fields of a [`StoredRef`], in its order): a
/// restored cache's new stat data are written with it before the entry's unchanged case
/// bytes.
#[derive(Serialize, Deserialize)]
#[cfg_attr(test, derive(PartialEq, Debug))]
struct StoredKey<'a> {
    path: &'a str,
    blob: [u8; 20],
    size: u64,
    mtime_ns: i128,
    ino: u64,
    ctime_ns: i128,
}

/// An entry's case, after its key (postcard writes a struct's fields one after another,
/// so a key and then this read exactly what a [`StoredRef`] wrote).
#[cfg(test)]
#[derive(Deserialize, PartialEq, Debug, Clone)]
struct Stored {
    id: Text,
    title: Text,
    kind: Text,
    state: State,
    priority: Text,
    account: Option<Text>,
    contact: Option<Text>,
    assignee: Option<Text>,
    team: Option<Text>,
    parent: Option<Text>,
    resolution: Option<Text>,
    escalation_level: u32,
    csat: Option<u8>,
    tags: Vec<String>,
    created_at: i64,
    updated_at: i64,
    fields: Vec<(String, String)>,
    timeline: Vec<StoredEvent>,
}

#[derive(Deserialize)]
#[cfg_attr(test, derive(PartialEq, Debug, Clone))]
struct StoredEvent {
    id: Text,
    at: i64,
    actor: Text,
    actor_kind: ActorKind,
    kind: Text,
    visibility: Option<Visibility>,
    field: Option<Text>,
    from: Option<Text>,
    to: Option<Text>,
    team: Option<Text>,
    channel: Option<Text>,
    csat: Option<u8>,
}

/// [`Stored`] borrowed from an entry, for writing: the same fields in the same order, so
/// postcard writes the same bytes, without copying every string of every case first.
#[derive(Serialize)]
struct StoredRef<'a> {
    /// Written field by field, as if its fields were this struct's own.
    key: StoredKey<'a>,
    id: &'a str,
    title: &'a str,
    kind: &'a str,
    state: State,
    priority: &'a str,
    account: Option<&'a str>,
    contact: Option<&'a str>,
    assignee: Option<&'a str>,
    team: Option<&'a str>,
    parent: Option<&'a str>,
    resolution: Option<&'a str>,
    escalation_level: u32,
    csat: Option<u8>,
    tags: &'a [String],
    created_at: i64,
    updated_at: i64,
    fields: Vec<(&'a str, String)>,
    timeline: Vec<StoredEventRef<'a>>,
}

#[derive(Serialize)]
struct StoredEventRef<'a> {
    id: &'a str,
    at: i64,
    actor: &'a str,
    actor_kind: ActorKind,
    kind: &'a str,
    visibility: Option<Visibility>,
    field: Option<&'a str>,
    from: Option<&'a str>,
    to: Option<&'a str>,
    team: Option<&'a str>,
    channel: Option<&'a str>,
    csat: Option<u8>,
}

impl<'a> StoredKey<'a> {
    fn of(path: &'a str, stamp: Stamp, blob: [u8; 20]) -> StoredKey<'a> {
        StoredKey {
            path,
            blob,
            size: stamp.size,
            mtime_ns: stamp.mtime_ns,
            ino: stamp.ino,
            ctime_ns: stamp.ctime_ns,
        }
    }
}

impl<'a> StoredRef<'a> {
    fn of(path: &'a str, stamp: Stamp, blob: [u8; 20], c: &'a Case) -> StoredRef<'a> {
        StoredRef {
            key: StoredKey::of(path, stamp, blob),
            id: &c.id,
            title: &c.title,
            kind: &c.kind,
            state: c.state,
            priority: &c.priority,
            account: c.account.as_deref(),
            contact: c.contact.as_deref(),
            assignee: c.assignee.as_deref(),
            team: c.team.as_deref(),
            parent: c.parent.as_deref(),
            resolution: c.resolution.as_deref(),
            escalation_level: c.escalation_level,
            csat: c.csat,
            tags: &c.tags,
            created_at: c.created_at.timestamp(),
            updated_at: c.updated_at.timestamp(),
            fields: c
                .fields
                .iter()
                .map(|(k, v)| {
                    let json = serde_json::to_string(v).expect("a TOML value serialises");
                    (k.as_str(), json)
                })
                .collect(),
            timeline: c
                .timeline
                .iter()
                .map(|e| StoredEventRef {
                    id: &e.id,
                    at: e.at.timestamp(),
                    actor: &e.actor,
                    actor_kind: e.actor_kind,
                    kind: &e.kind,
                    visibility: e.visibility,
                    field: e.field.as_deref(),
                    from: e.from.as_deref(),
                    to: e.to.as_deref(),
                    team: e.team.as_deref(),
                    channel: e.channel.as_deref(),
                    csat: e.csat,
                })
                .collect(),
        }
    }
}

#[cfg(test)]
impl Stored {
    /// Back to its case (what [`read::Reader::case`] reads straight from the bytes);
    /// `None` when a value is out of range.
    fn into_case(self) -> Option<Case> {
        let time = read::time;
        let mut fields = std::collections::BTreeMap::new();
        for (k, v) in self.fields {
            fields.insert(k, serde_json::from_str::<toml::Value>(&v).ok()?);
        }
        let mut timeline = Vec::with_capacity(self.timeline.len());
        for s in self.timeline {
            timeline.push(s.into_event()?);
        }
        Some(Case {
            id: self.id,
            title: self.title,
            kind: self.kind,
            state: self.state,
            priority: self.priority,
            account: self.account,
            contact: self.contact,
            assignee: self.assignee,
            team: self.team,
            escalation_level: self.escalation_level,
            parent: self.parent,
            tags: self.tags,
            resolution: self.resolution,
            csat: self.csat,
            created_at: time(self.created_at)?,
            updated_at: time(self.updated_at)?,
            fields,
            timeline,
        })
    }
}

impl Key {
    fn of(k: &StoredKey<'_>) -> Key {
        Key {
            blob: k.blob,
            stamp: Stamp {
                size: k.size,
                mtime_ns: k.mtime_ns,
                ino: k.ino,
                ctime_ns: k.ctime_ns,
            },
        }
    }
}

/// A checksum of the encoded entries: a flipped bit means a rebuild, not wrong rows.
/// CRC-32 (made for catching damage, and computed with the processor's carry-less
/// multiply: the SipHash used before took ~1 ms of every warm read of 10,000 cases) and
/// the body's length.
fn checksum(body: &[u8]) -> [u8; 8] {
    let mut sum = [0; 8];
    sum[..4].copy_from_slice(&crc32fast::hash(body).to_le_bytes());
    sum[4..].copy_from_slice(&(body.len() as u32).to_le_bytes());
    sum
}

/// A cache file's body, if it has this version stamp and its checksum holds.
pub(super) fn unseal<'a>(magic: &[u8; 8], bytes: &'a [u8]) -> Option<&'a [u8]> {
    let rest = bytes.strip_prefix(magic.as_slice())?;
    let (sum, body) = rest.split_first_chunk::<8>()?;
    (*sum == checksum(body)).then_some(body)
}

/// A cache file: version stamp, checksum, body.
pub(super) fn seal(magic: &[u8; 8], body: &[u8]) -> Vec<u8> {
    let mut out = sealing(magic, body.len());
    out.extend_from_slice(body);
    sealed(out)
}

/// A cache file's first bytes (version stamp, room for the checksum), with room for a
/// body of `capacity` bytes to be written after them: a body written here is sealed by
/// [`sealed`] without being copied (a copy of the 1.8 MB of 10,000 summaries into fresh
/// memory was ~1 ms of a restored clone's first read).
fn sealing(magic: &[u8; 8], capacity: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(16 + capacity);
    out.extend_from_slice(magic);
    out.extend_from_slice(&[0; 8]);
    out
}

/// The cache file begun by [`sealing`], its checksum filled in.
fn sealed(mut out: Vec<u8>) -> Vec<u8> {
    let sum = checksum(&out[16..]);
    out[8..16].copy_from_slice(&sum);
    out
}

/// The entries, or `None` for a cache of another version or a damaged one.
/// Entry by entry into a vector of the stored length (the same bytes as a `Vec<Stored>`;
/// no intermediate vector, no regrowth).
///
/// A body is: the watcher's token it was made as of ([`Token::NONE`] without one), the
/// entries (a count, then each), then the case files that could not be read, each as
/// (path, problem) (a watcher's answer does not name a file that did not change: a watched
/// read reports them from here until they change).
fn decode(bytes: &[u8]) -> Option<Decoded> {
    let body = unseal(MAGIC, bytes)?;
    let (token, rest) = body.split_first_chunk::<{ Token::LEN }>()?;
    let token = Token::from_bytes(token);
    let (count, rest): (usize, _) = postcard::take_from_bytes(rest).ok()?;
    // Every entry takes more than 32 bytes: a larger count is damage, not a reason to
    // reserve memory.
    let room = count.min(rest.len() / 32);
    let mut d = Decoded {
        token,
        paths: super::joined::Joined::with_capacity(room, room * 32),
        keys: Vec::with_capacity(room),
        cases: Vec::with_capacity(room),
        case_bytes: Vec::with_capacity(room),
        unreadable: Vec::new(),
    };
    let mut r = read::Reader { rest };
    for _ in 0..count {
        let key = r.key()?;
        // Where this entry's case bytes are in `body`.
        let start = body.len() - r.rest.len();
        let case = r.case()?;
        let end = body.len() - r.rest.len();
        d.paths.push(&[key.path]);
        d.keys.push(Key::of(&key));
        d.cases.push(case);
        d.case_bytes.push((start, end));
    }
    let (unreadable, rest): (Vec<(String, String)>, _) = postcard::take_from_bytes(r.rest).ok()?;
    d.unreadable = unreadable
        .into_iter()
        .map(|(path, problem)| BadCase { path, problem })
        .collect();
    rest.is_empty().then_some(d)
}

/// The watcher's token a cache file's bytes say it was made as of ([`Token::NONE`] for
/// anything that is not a cache of this version; a damaged one is found out when it is
/// decoded).
fn token_of(bytes: &[u8]) -> Token {
    bytes
        .strip_prefix(MAGIC.as_slice())
        .and_then(|rest| rest.get(8..8 + Token::LEN))
        .and_then(|t| t.try_into().ok())
        .map_or(Token::NONE, Token::from_bytes)
}

/// A cache file as read: its entries (`None`: damaged, or of another version), when it
/// was written (for the racy rule), and its bytes.
type Loaded = (Option<Decoded>, Option<i128>, super::fsutil::CacheBytes);

/// A cache file as read (if there is one), and the Git index when it was read too.
type LoadedWithIndex = (Option<Loaded>, Option<GitIndex>);

/// What a cache entry is keyed by (with its path, kept in [`Decoded::paths`]).
struct Key {
    stamp: Stamp,
    blob: [u8; 20],
}

/// A decoded cache: each file's key and, at the same place, its case and where the
/// case's bytes are in the cache's body.
struct Decoded {
    /// The watcher's token the cache was made as of.
    token: Token,
    /// Every entry's path, one after another (not a string each).
    paths: super::joined::Joined,
    keys: Vec<Key>,
    cases: Vec<Case>,
    case_bytes: Vec<(usize, usize)>,
    /// Case files that could not be read when the cache was made, and why.
    unreadable: Vec<BadCase>,
}

impl Decoded {
    fn path(&self, i: usize) -> &str {
        self.paths.get(i)
    }

    /// The cache again with each entry's key as it is now and its case bytes copied
    /// from `body` (the cache this was decoded from): what a restored cache whose files
    /// all kept their content is rewritten as, without encoding any case again.
    fn restamped(&self, body: &[u8], token: Token, unreadable: &[BadCase]) -> Vec<u8> {
        let mut out = sealing(MAGIC, body.len() + self.keys.len() * 8);
        out.extend_from_slice(&token.to_bytes());
        out = postcard::to_extend(&self.keys.len(), out).expect("the cache serialises");
        for (i, (k, &(start, end))) in self.keys.iter().zip(&self.case_bytes).enumerate() {
            let key = StoredKey::of(self.path(i), k.stamp, k.blob);
            out = postcard::to_extend(&key, out).expect("the cache serialises");
            out.extend_from_slice(&body[start..end]);
        }
        out = postcard::to_extend(&problems(unreadable), out).expect("the cache serialises");
        sealed(out)
    }

    fn entries(self) -> Vec<Entry> {
        let paths: Vec<String> = (0..self.keys.len())
            .map(|i| self.path(i).to_string())
            .collect();
        self.keys
            .into_iter()
            .zip(self.cases)
            .zip(paths)
            .map(|((k, case), path)| Entry {
                path,
                stamp: k.stamp,
                blob: k.blob,
                case: Box::new(case),
            })
            .collect()
    }

    /// When the cache has an entry for exactly these files (same paths, each readable):
    /// the files whose stat data do not prove their entry (changed, or racily clean), with
    /// their new stat data. `None` otherwise.
    fn unproven(
        &self,
        files: &super::cases::CaseFiles,
        written: Option<i128>,
    ) -> Option<Vec<(usize, Stamp)>> {
        if self.keys.len() != files.len() {
            return None;
        }
        let mut out = Vec::new();
        for (i, (k, (path, st))) in self.keys.iter().zip(files.iter()).enumerate() {
            if self.path(i) != path {
                return None;
            }
            let st = st.as_ref().ok()?;
            let racy = written.is_none_or(|w| k.stamp.mtime_ns >= w);
            if *st != k.stamp || racy {
                out.push((i, *st));
            }
        }
        Some(out)
    }

    /// [`Decoded::unproven`] for a watcher's answer, looking only at the files it names
    /// (and how many it looked at): `None` when the files are not exactly the entries'
    /// and the unreadable ones' any more (a shard folder named, a file named that has no
    /// entry or is gone or unreadable).
    #[cfg(target_os = "linux")]
    fn as_answered(
        &self,
        root: &super::fsutil::Folder,
        shards: &[String],
        named: &[String],
        written: Option<i128>,
    ) -> (Option<Vec<(usize, Stamp)>>, usize) {
        if !shards.is_empty() {
            return (None, 0);
        }
        let prefix = format!("{}/", super::CASES_DIR);
        // An entry's (shard, name): the walk's order, which the entries are in.
        let key = |i: usize| {
            self.path(i)
                .strip_prefix(prefix.as_str())
                .and_then(|p| p.split_once('/'))
                .unwrap_or_default()
        };
        let find = |shard: &str, name: &str| {
            let (mut lo, mut hi) = (0, self.keys.len());
            while lo < hi {
                let mid = lo + (hi - lo) / 2;
                if key(mid) < (shard, name) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            (lo < self.keys.len() && key(lo) == (shard, name)).then_some(lo)
        };
        // The named files' entries and their stat data now.
        let mut now: Vec<(usize, Stamp)> = Vec::new();
        let mut looked = 0;
        for p in named {
            let Some((shard, name)) = p.split_once('/') else {
                return (None, looked);
            };
            if !super::cases::is_case_file_name(name) {
                continue;
            }
            let Some(i) = find(shard, name) else {
                return (None, looked);
            };
            looked += 1;
            match root.lstat(&[shard, "/", name]) {
                Ok((st, false)) => now.push((i, st)),
                _ => return (None, looked),
            }
        }
        now.sort_unstable_by_key(|(i, _)| *i);
        // As `unproven` has it: changed, or racily clean (checked as without a watcher).
        let mut out = Vec::new();
        let mut now = now.into_iter().peekable();
        for (i, k) in self.keys.iter().enumerate() {
            let mut st = k.stamp;
            while let Some((_, s)) = now.next_if(|(j, _)| *j == i) {
                st = s;
            }
            if st != k.stamp || written.is_none_or(|w| k.stamp.mtime_ns >= w) {
                out.push((i, st));
            }
        }
        (Some(out), looked)
    }
}

/// The bytes of a `Vec<Stored>`, written entry by entry from borrowed fields.
#[cfg(test)]
fn encode(entries: &[Entry]) -> Vec<u8> {
    encode_each(
        Token::NONE,
        entries.len(),
        entries
            .iter()
            .map(|e| StoredRef::of(&e.path, e.stamp, e.blob, &e.case)),
        &[],
    )
}

/// The unreadable files as stored: (path, problem).
fn problems(unreadable: &[BadCase]) -> Vec<(&str, &str)> {
    unreadable
        .iter()
        .map(|b| (b.path.as_str(), b.problem.as_str()))
        .collect()
}

/// A cache file (see [`decode`] for its layout).
fn encode_each<'a>(
    token: Token,
    count: usize,
    stored: impl Iterator<Item = StoredRef<'a>>,
    unreadable: &[BadCase],
) -> Vec<u8> {
    let mut body = sealing(MAGIC, Token::LEN + count * 256);
    body.extend_from_slice(&token.to_bytes());
    body = postcard::to_extend(&count, body).expect("the cache serialises");
    for s in stored {
        body = postcard::to_extend(&s, body).expect("the cache serialises");
    }
    body = postcard::to_extend(&problems(unreadable), body).expect("the cache serialises");
    sealed(body)
}

/// An event with what clocks need: time, actor kind, kind, visibility, field, from, to,
/// team (no id, actor name, body, reason or extra keys).
fn lite_event(e: &Event) -> Event {
    let mut l = Event::new(
        String::new(),
        e.at,
        &Actor {
            name: String::new(),
            kind: e.actor_kind,
        },
        &e.kind,
    );
    l.visibility = e.visibility;
    l.field = e.field.clone();
    l.from = e.from.clone();
    l.to = e.to.clone();
    l.team = e.team.clone();
    l
}

impl Casebook {
    /// Summaries (cases without their timelines) of every case in ID order, and the files
    /// that could not be read. Uses and refreshes the cache.
    pub fn summaries(&self) -> super::Result<(Vec<Case>, Vec<BadCase>)> {
        self.cached("summaries.bin", |mut c: Case| {
            c.timeline = Vec::new();
            c
        })
    }

    /// Every case, with the timeline events clocks need for open cases (no ids, actor
    /// names, bodies, reasons or extra keys; closed and cancelled cases carry none: read
    /// their files when asked for them), for `docket sla`. A cache of its own, so `list`
    /// does not pay for timelines.
    pub fn clock_cases(&self) -> super::Result<(Vec<Case>, Vec<BadCase>)> {
        self.cached("clocks.bin", |mut c: Case| {
            let timeline = std::mem::take(&mut c.timeline);
            if c.state.is_open() {
                c.timeline = timeline.iter().map(lite_event).collect();
            }
            c
        })
    }

    /// Every case with the timeline events `report` needs (times, kinds, actor kinds,
    /// visibility, state changes, fields, teams, channels, CSAT; no ids, names, bodies or
    /// reasons), from `.git/docket/report.bin`.
    pub fn report_cases(&self) -> super::Result<(Vec<Case>, Vec<BadCase>)> {
        self.cached("report.bin", |mut c: Case| {
            let timeline = std::mem::take(&mut c.timeline);
            c.timeline = timeline
                .iter()
                .map(|e| {
                    let mut l = lite_event(e);
                    l.channel = e.channel.clone();
                    l.csat = e.csat;
                    l
                })
                .collect();
            c
        })
    }

    /// Parses the files of `todo` (in order) with `keep` applied, split over the cores;
    /// each with its blob id.
    fn parse_many(&self, todo: &[&str], keep: &(impl Fn(Case) -> Case + Sync)) -> Vec<Parsed> {
        #[cfg(unix)]
        if let Some(parsed) = self.parse_by_folder(todo, keep) {
            return parsed;
        }
        let checked: Vec<_> = todo
            .iter()
            .map(|path| (*path, self.check_inside(path).map(|()| self.abs(path))))
            .collect();
        crate::core::par::on_cores(&checked, |(path, abs)| match abs {
            Ok(abs) => {
                // Taken before the read: a change after it shows as changed next time.
                let stamp = std::fs::symlink_metadata(abs).map(|m| Stamp::of(&m));
                super::cases::parse_file(abs, path).and_then(|f| match stamp {
                    Ok(st) => Ok((blob_of(f.text.as_bytes()), keep(f.case), st)),
                    Err(e) => Err(BadCase {
                        path: path.to_string(),
                        problem: e.to_string(),
                    }),
                })
            }
            Err(e) => Err(BadCase {
                path: path.to_string(),
                problem: e.to_string(),
            }),
        })
    }

    /// [`Casebook::parse_many`] through open folders (see [`super::fsutil::Folder`]): the
    /// files grouped by shard, each shard folder opened once. `None` when a path is not
    /// `cases/<shard>/<file>` or `cases/` cannot be opened as a folder (then each file is
    /// checked and read by path, which names the problem).
    #[cfg(unix)]
    fn parse_by_folder(
        &self,
        todo: &[&str],
        keep: &(impl Fn(Case) -> Case + Sync),
    ) -> Option<Vec<Parsed>> {
        use super::fsutil::{FileProblem, Folder};
        // Each shard with its files (name, path): runs of `todo` in its order, so the
        // groups' results one after another are in `todo`'s order.
        type Files<'a> = Vec<(&'a str, &'a str)>;
        let mut groups: Vec<(&str, Files<'_>)> = Vec::new();
        for path in todo {
            let rest = path.strip_prefix(super::CASES_DIR)?.strip_prefix('/')?;
            let (shard, name) = rest.split_once('/')?;
            if name.contains('/') || shard.is_empty() || name.is_empty() {
                return None;
            }
            match groups.last_mut() {
                Some((s, files)) if *s == shard => files.push((name, path)),
                _ => groups.push((shard, vec![(name, path)])),
            }
        }
        let cases = Folder::open(None, &self.dir.join(super::CASES_DIR))?;
        // Into one list per thread, joined once (not a list per shard, then a list of
        // every result by place, then the answer: at 50,000 cases each copy of the parsed
        // summaries was ~20 MB of fresh memory).
        let most = groups
            .iter()
            .map(|(_, files)| files.len())
            .max()
            .unwrap_or(0);
        let parsed = crate::core::par::flat_on_cores_with(
            &groups,
            most,
            || (),
            |(), (shard, files), out| {
                let folder = Folder::open(Some(&cases), std::path::Path::new(shard));
                for (name, path) in files {
                    let bad = |problem: String| BadCase {
                        path: path.to_string(),
                        problem,
                    };
                    let read = match &folder {
                        Some(f) => f
                            .read_regular_stamped(name, super::cases::MAX_CASE_FILE)
                            .map_err(|e| bad(e.to_string())),
                        None => Err(bad(FileProblem::Outside(format!(
                            "{}/{shard}",
                            super::CASES_DIR
                        ))
                        .to_string())),
                    };
                    out.push(read.and_then(|(text, stamp)| {
                        super::cases::parse_text(text, path)
                            .map(|f| (blob_of(f.text.as_bytes()), keep(f.case), stamp))
                    }));
                }
            },
        );
        Some(parsed)
    }

    /// The blob id of each file of `todo`: from the Git index when its entry's stat data
    /// (size, modification and change times, inode) match the file and the entry is not
    /// racily clean (the file's time not before the index's own, Git's rule), else by
    /// hashing the file. `None`: unreadable.
    fn blob_ids(
        &self,
        todo: &[(&str, Stamp)],
        read: Option<GitIndex>,
        trace: &mut Trace,
    ) -> Vec<Option<[u8; 20]>> {
        let GitIndex {
            direct,
            written: index_written,
        } = read.unwrap_or_else(|| GitIndex::read(&self.repo.path().join("index")));
        let libgit2 = if direct.is_none() {
            self.repo.index().ok()
        } else {
            None
        };
        // `todo` is in path order: each lookup steps on from the last.
        let from = std::cell::RefCell::new(0);
        let lookup = |path: &str| -> Option<super::index::IndexStat> {
            let full = if self.prefix.is_empty() {
                std::borrow::Cow::Borrowed(path)
            } else {
                std::borrow::Cow::Owned(format!("{}{path}", self.prefix))
            };
            if let Some(ix) = &direct {
                return ix.find_from(&full, &mut from.borrow_mut());
            }
            let e = libgit2
                .as_ref()?
                .get_path(std::path::Path::new(full.as_ref()), 0)?;
            let ns = |t: git2::IndexTime| {
                i128::from(t.seconds() as u32) * 1_000_000_000 + i128::from(t.nanoseconds())
            };
            let mut oid = [0u8; 20];
            oid.copy_from_slice(e.id.as_bytes());
            Some(super::index::IndexStat {
                ctime_ns: ns(e.ctime),
                mtime_ns: ns(e.mtime),
                ino: e.ino,
                size: e.file_size,
                oid,
            })
        };
        let mut out = vec![None; todo.len()];
        let mut hash: Vec<(usize, &str)> = Vec::new();
        for (i, (path, stamp)) in todo.iter().enumerate() {
            // Git's rule: stat data equal to the file's, and not racily clean.
            let trusted = lookup(path).filter(|e| {
                u64::from(e.size) == stamp.size
                    && e.mtime_ns == stamp.mtime_ns
                    && e.ctime_ns == stamp.ctime_ns
                    && u64::from(e.ino) == stamp.ino & 0xffff_ffff
                    && index_written.is_some_and(|w| e.mtime_ns < w)
                    // A smudged entry (size 0, not the empty blob): changed, as Git reads it.
                    && (e.size != 0 || e.oid == EMPTY_BLOB)
            });
            match trusted {
                Some(e) => {
                    out[i] = Some(e.oid);
                    trace.by_index += 1;
                }
                None => hash.push((i, path)),
            }
        }
        let checked: Vec<_> = hash
            .iter()
            .map(|(i, path)| (*i, self.check_inside(path).ok().map(|()| self.abs(path))))
            .collect();
        let hashed = crate::core::par::on_cores(&checked, |(i, abs)| {
            let text =
                super::fsutil::read_regular(abs.as_ref()?, super::cases::MAX_CASE_FILE).ok()?;
            Some((*i, blob_of(text.as_bytes())))
        });
        for (i, blob) in hashed.into_iter().flatten() {
            out[i] = Some(blob);
            trace.hashed += 1;
        }
        out
    }

    /// Every case file, listed and stat'ed on every core while the cache is read and
    /// decoded (unless `preloaded` already was); with the Git index when a fresh clone's
    /// files will need it.
    fn walk_and_load(
        &self,
        stamped: bool,
        preloaded: Option<Loaded>,
        cache_path: &std::path::Path,
        index_path: &std::path::Path,
    ) -> super::Result<(super::cases::CaseFiles, LoadedWithIndex)> {
        let walk: std::sync::OnceLock<super::Result<super::cases::CaseWalk>> =
            std::sync::OnceLock::new();
        let loaded = std::thread::scope(|s| {
            let loader = s.spawn(|| {
                let load = || {
                    let (bytes, meta) = super::fsutil::read_cache(cache_path).ok()?;
                    // Entries whose file changed at the cache's own modification time or
                    // later are racily clean: file times come from a coarse clock (a
                    // second on some file systems), so their stat data do not prove their
                    // content.
                    let written = Some(Stamp::of(&meta).mtime_ns);
                    let entries = decode(&bytes);
                    crate::vars::mark("cache decoded");
                    Some((entries, written, bytes))
                };
                let loaded = match preloaded {
                    Some(p) => Some(p),
                    None => load(),
                };
                // Where the listing did not answer (a fresh clone with a restored cache),
                // every file's stat data are new and their blob ids will be asked of the
                // Git index: read it now, while the folders are still being read.
                let fresh = matches!(walk.get(), Some(Ok(w)) if w.fresh_root);
                let index = (fresh && matches!(loaded, Some((Some(_), _, _))))
                    .then(|| GitIndex::read(index_path));
                if let Some(Ok(w)) = walk.get() {
                    super::cases::CaseWalk::work(w);
                }
                (loaded, index)
            });
            if let Ok(w) = walk.get_or_init(|| self.case_walk(stamped)) {
                for _ in 2..w.threads {
                    s.spawn(|| w.work());
                }
                w.work();
            }
            loader.join().expect("the cache decoder does not panic")
        });
        let files = match walk.into_inner() {
            Some(w) => w?.finish(),
            None => super::cases::CaseFiles::default(),
        };
        Ok((files, loaded))
    }

    /// The case files as a watcher's answer makes them, and how many were looked at:
    /// each cache entry's file as its entry says, unless the answer names it or its
    /// shard folder; those, and the files that could not be read when the cache was
    /// made, looked at again (as the walk would: a shard folder listed, not through a
    /// link; a file `lstat`ed in it), `root` being the open `cases/` folder.
    ///
    /// The entries are `count` of them, entry `i` being `entry(i)` (path and stat data),
    /// in the walk's order; `unreadable` the paths that could not be read.
    #[cfg(target_os = "linux")]
    pub(super) fn files_as_answered<'e>(
        &self,
        root: &super::fsutil::Folder,
        (count, entry): (usize, impl Fn(usize) -> (&'e str, Stamp)),
        unreadable: &[&str],
        shards: &[String],
        files: &[String],
    ) -> (super::cases::CaseFiles, usize) {
        use super::fsutil::Folder;
        use std::collections::{BTreeMap, BTreeSet};
        let prefix = format!("{}/", super::CASES_DIR);
        let prefix = prefix.as_str();
        // (shard, name) of a path inside `cases/`: the walk's order.
        let split = |p: &'_ str| -> Option<(String, String)> {
            let (shard, name) = p.split_once('/')?;
            Some((shard.to_string(), name.to_string()))
        };
        let shards: BTreeSet<&str> = shards.iter().map(String::as_str).collect();
        let mut look: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let unreadable = unreadable.iter().filter_map(|p| p.strip_prefix(prefix));
        for p in files.iter().map(String::as_str).chain(unreadable) {
            if let Some((shard, name)) = split(p)
                && !shards.contains(shard.as_str())
                && super::cases::is_case_file_name(&name)
                && !name.contains('/')
            {
                look.entry(shard).or_default().insert(name);
            }
        }
        // What was looked at, in the walk's order.
        let mut fresh: Vec<(String, String, std::io::Result<Stamp>)> = Vec::new();
        for shard in &shards {
            let Some(folder) = Folder::open(Some(root), std::path::Path::new(shard)) else {
                continue;
            };
            let Ok(mut names) = folder.names() else {
                continue;
            };
            names.retain(|n| super::cases::is_case_file_name(n));
            names.sort_unstable();
            for n in names {
                let st = folder.stamp(&n);
                fresh.push((shard.to_string(), n, st));
            }
        }
        for (shard, names) in &look {
            let Some(folder) = Folder::open(Some(root), std::path::Path::new(shard)) else {
                continue;
            };
            for n in names {
                match folder.stamp(n) {
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    st => fresh.push((shard.clone(), n.clone(), st)),
                }
            }
        }
        fresh.sort_unstable_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
        let looked = fresh.len();
        // Merged with the entries the answer leaves as they were.
        let mut out = super::cases::CaseFiles::with_capacity(count + looked);
        let mut fresh = fresh.into_iter().peekable();
        for i in 0..count {
            let (path, stamp) = entry(i);
            // (Every entry's path is `cases/<shard>/<name>`.)
            let Some((shard, name)) = path.strip_prefix(prefix).and_then(|p| p.split_once('/'))
            else {
                continue;
            };
            if shards.contains(shard) || look.get(shard).is_some_and(|n| n.contains(name)) {
                continue;
            }
            while let Some((s, n, st)) =
                fresh.next_if(|(s, n, _)| (s.as_str(), n.as_str()) < (shard, name))
            {
                out.push(&[prefix, &s, "/", &n], st);
            }
            out.push(&[path], Ok(stamp));
        }
        for (s, n, st) in fresh {
            out.push(&[prefix, &s, "/", &n], st);
        }
        (out, looked)
    }

    fn cached(
        &self,
        file: &str,
        keep: impl Fn(Case) -> Case + Sync,
    ) -> super::Result<(Vec<Case>, Vec<BadCase>)> {
        // A cache still being written by this process is finished first.
        self.pending.wait();
        // Before any file is looked at: the time a cache written from what this run sees
        // is dated (see replace_cache_as_of).
        let as_of = Some(std::time::SystemTime::now());
        let cache_path = self.private_dir().join(file);
        let index_path = self.repo.path().join("index");
        let mut trace = Trace::default();
        // With no cache at all every file is parsed, and stat'ed as it is opened: the
        // walk only lists them.
        let stamped = std::fs::symlink_metadata(&cache_path).is_ok();
        // With a watcher running (`docket watch`), it is asked what changed since the
        // cache was made, before any file is looked at; the cache this run writes is
        // made as of its answer's token. Only the files it names are looked at.
        //
        // Without an answer, a cache written now keeps the token of the cache read: every
        // file was looked at after that token was given, so whatever changed since it is
        // still in the watcher's answer to it (a `DOCKET_WATCH=0` run leaves the watcher
        // useful to the next).
        let mut token = None;
        let mut preloaded = None;
        // What the watcher named: shard folders and files (inside `cases/`).
        let mut answer: Option<(Vec<String>, Vec<String>)> = None;
        let wanted = super::watch::wanted();
        let watcher = wanted
            .then(|| super::watch::connect(&self.cases_dir()))
            .flatten();
        // `git config docket.watch true`: a watcher is started for this clone when none
        // runs (as Git starts its fsmonitor daemon); this read looks at every file.
        if watcher.is_none() && wanted && self.watch_configured() {
            super::watch::start_later(&self.dir);
        }
        if let Some(watcher) = watcher {
            // (With no cache yet, the token is still asked for: the cache built now is
            // made as of it.)
            let read = stamped
                .then(|| super::fsutil::read_cache(&cache_path).ok())
                .flatten();
            let since = read.as_ref().map_or(Token::NONE, |(b, _)| token_of(b));
            // The cache is decoded while the watcher answers.
            let asked = watcher.ask(since);
            let load = read.map(|(bytes, meta)| {
                let d = decode(&bytes);
                crate::vars::mark("cache decoded");
                (d, Some(Stamp::of(&meta).mtime_ns), bytes)
            });
            let decoded = matches!(&load, Some((Some(_), _, _)));
            match asked.and_then(super::watch::Asked::answer) {
                Some(Answer::Changed {
                    token: now,
                    shards,
                    files,
                }) => {
                    token = Some(now);
                    if decoded {
                        answer = Some((shards, files));
                    }
                }
                Some(Answer::All(now)) => {
                    token = Some(now);
                    trace.watch = Watched::All;
                }
                None => {}
            }
            crate::vars::mark("watcher asked");
            preloaded = load;
        }
        let keep_token = |d: &Decoded| token.unwrap_or(d.token);
        // With an answer, the files are the cache's entries and what the answer names
        // (looked at below); otherwise every file, walked.
        #[cfg(target_os = "linux")]
        let root = answer
            .as_ref()
            .and_then(|_| super::fsutil::Folder::open(None, &self.cases_dir()));
        #[cfg(not(target_os = "linux"))]
        let root: Option<()> = None;
        if root.is_none() {
            answer = None;
        }
        let (files, (loaded, mut index)) = match (&answer, preloaded) {
            (Some(_), preloaded) => (None, (preloaded, None)),
            (None, preloaded) => {
                let (f, l) = self.walk_and_load(stamped, preloaded, &cache_path, &index_path)?;
                (Some(f), l)
            }
        };
        crate::vars::mark("cache read and files stat'ed");
        let (decoded, written, bytes) = match loaded {
            // A cache that appeared after the walk began (another process wrote it) is
            // not compared with files that carry no stat data: rebuilt.
            Some((Some(d), written, bytes)) if stamped => (Some(d), written, Some(bytes)),
            _ => {
                trace.rebuilt = true;
                (None, None, None)
            }
        };
        // The same files as the cache's entries: the usual warm run (every entry proven by
        // its stat data, or not named by the watcher) or a fresh clone with a restored
        // cache (stat data all new, blobs the same) is answered with the decoded cases as
        // they are.
        let mut decoded = decoded;
        let unproven = match (decoded.as_ref(), &files, &answer, &root) {
            (Some(d), Some(f), _, _) => d.unproven(f, written),
            #[cfg(target_os = "linux")]
            (Some(d), None, Some((shards, named)), Some(root)) => {
                let (unproven, looked) = d.as_answered(root, shards, named, written);
                trace.watch = Watched::Looked(looked);
                unproven
            }
            _ => None,
        };
        if let Some(d) = decoded.as_mut()
            && let Some(unproven) = unproven
        {
            let blobs = if unproven.is_empty() {
                Vec::new()
            } else {
                let todo: Vec<(&str, Stamp)> =
                    unproven.iter().map(|(i, st)| (d.path(*i), *st)).collect();
                self.blob_ids(&todo, index.take(), &mut trace)
            };
            let same = unproven
                .iter()
                .zip(&blobs)
                .all(|((i, _), b)| *b == Some(d.keys[*i].blob));
            if same {
                for (i, st) in &unproven {
                    d.keys[*i].stamp = *st;
                }
                // Walked, the files were exactly the entries: none is unreadable now.
                // Answered, the unreadable ones did not change: as the cache has them.
                let bad = match files {
                    Some(_) => Vec::new(),
                    None => d.unreadable.clone(),
                };
                trace.files = d.keys.len() + bad.len();
                trace.by_stat = d.keys.len() - unproven.len();
                trace.by_blob = unproven.len();
                let cases = std::mem::take(&mut d.cases);
                // New stat data, a watcher's new token (without which it would be asked
                // about the same changes again next time), unreadable files gone.
                let token = keep_token(d);
                if (!unproven.is_empty() || token != d.token || bad.len() != d.unreadable.len())
                    && let Some(bytes) = bytes
                {
                    // Rewritten while the command goes on (it is waited for before the
                    // casebook is dropped, and before any cache is read again): a restored
                    // clone's first read no longer waits for it. A cache that cannot be
                    // written only costs speed next time.
                    let d = decoded.take().expect("decoded above");
                    let unreadable = bad.clone();
                    self.pending.spawn(move || {
                        if let Some(body) = unseal(MAGIC, &bytes) {
                            let _ = super::fsutil::replace_cache_as_of(
                                &cache_path,
                                &d.restamped(body, token, &unreadable),
                                as_of,
                            );
                        }
                    });
                }
                trace.print(file);
                crate::vars::mark("cache merged");
                return Ok((cases, bad));
            }
            // Some content changed: the general merge below (which asks again).
            trace = Trace {
                watch: trace.watch,
                rebuilt: trace.rebuilt,
                ..Trace::default()
            };
        }
        // The files, when the watcher answered: its answer made into the whole list.
        let files = match files {
            Some(f) => f,
            None => match (decoded.as_ref(), &answer, &root) {
                #[cfg(target_os = "linux")]
                (Some(d), Some((shards, named)), Some(root)) => {
                    let entries = (d.keys.len(), |i| (d.path(i), d.keys[i].stamp));
                    let unreadable: Vec<&str> =
                        d.unreadable.iter().map(|b| b.path.as_str()).collect();
                    let (f, looked) =
                        self.files_as_answered(root, entries, &unreadable, shards, named);
                    trace.watch = Watched::Looked(looked);
                    f
                }
                // (Not reached: an answer is only used with a decoded cache.)
                _ => {
                    self.walk_and_load(stamped, None, &cache_path, &index_path)?
                        .0
                }
            },
        };
        let cached_token = decoded.as_ref().map(|d| d.token);
        let token = decoded
            .as_ref()
            .map_or(token.unwrap_or(Token::NONE), keep_token);
        // Files that could not be read last time: read again (to be reported again), but
        // not a reason to write the cache again when they still cannot be.
        let mut old_unreadable: Vec<(String, String)> = decoded
            .as_ref()
            .map(|d| {
                d.unreadable
                    .iter()
                    .map(|b| (b.path.clone(), b.problem.clone()))
                    .collect()
            })
            .unwrap_or_default();
        old_unreadable.sort_unstable();
        let cached = decoded.map(Decoded::entries).unwrap_or_default();
        let mut dirty = cached_token != Some(token);
        // What the cache answers for by stat data; the rest is checked by blob id.
        let mut slots: Vec<Slot> = Vec::with_capacity(files.len());
        let mut bad = Vec::new();
        let mut old = cached.into_iter().peekable();
        for (path, meta) in files.iter() {
            // Skip cached entries for files that are gone.
            while old.next_if(|e| e.path.as_str() < path).is_some() {
                dirty = true;
            }
            let st = match meta {
                Ok(st) => *st,
                Err(e) => {
                    bad.push(BadCase {
                        path: path.to_string(),
                        problem: e.to_string(),
                    });
                    continue;
                }
            };
            let path = path.to_string();
            let before = old.next_if(|e| e.path == path);
            let racy = |e: &Entry| written.is_none_or(|w| e.stamp.mtime_ns >= w);
            match before {
                Some(entry) if entry.stamp == st && !racy(&entry) => {
                    trace.by_stat += 1;
                    slots.push(Slot::Hit(entry));
                }
                Some(entry) => {
                    dirty = true;
                    slots.push(Slot::Check(path, st, Some(entry)));
                }
                // Nothing to compare with: parse it.
                None => {
                    dirty |= old_unreadable
                        .binary_search_by(|(p, _)| p.as_str().cmp(&path))
                        .is_err();
                    slots.push(Slot::Parse(path, st));
                }
            }
        }
        if old.next().is_some() {
            dirty = true;
        }
        // Learn the blob ids of the others; an unchanged blob keeps its entry.
        let todo: Vec<(&str, Stamp)> = slots
            .iter()
            .filter_map(|s| match s {
                Slot::Check(p, st, _) => Some((p.as_str(), *st)),
                _ => None,
            })
            .collect();
        let blobs = if todo.is_empty() {
            Vec::new()
        } else {
            self.blob_ids(&todo, index.take(), &mut trace)
        };
        crate::vars::mark("blob ids known");
        let mut blobs = blobs.into_iter();
        for slot in slots.iter_mut() {
            if let Slot::Check(path, st, before) = slot {
                let blob = blobs.next().flatten();
                match before.take() {
                    Some(mut e) if blob == Some(e.blob) => {
                        e.stamp = *st;
                        trace.by_blob += 1;
                        *slot = Slot::Hit(e);
                    }
                    _ => *slot = Slot::Parse(std::mem::take(path), *st),
                }
            }
        }
        // Parse what changed on every core (a cold run parses every file).
        let todo: Vec<&str> = slots
            .iter()
            .filter_map(|s| match s {
                Slot::Parse(p, _) => Some(p.as_str()),
                _ => None,
            })
            .collect();
        trace.parsed = todo.len();
        let parsed = self.parse_many(&todo, &keep);
        crate::vars::mark("changed files parsed");
        // Each entry's key and its case side by side: the cases are the answer as they
        // are (not boxed for the merge and moved out again: at 50,000 cases each copy was
        // 17 MB of fresh memory).
        let mut keys: Vec<(String, Stamp, [u8; 20])> = Vec::with_capacity(slots.len());
        let mut cases: Vec<Case> = Vec::with_capacity(slots.len());
        let mut parsed = parsed.into_iter();
        for slot in slots {
            match slot {
                Slot::Hit(entry) => {
                    keys.push((entry.path, entry.stamp, entry.blob));
                    cases.push(*entry.case);
                }
                Slot::Parse(path, stamp) => match parsed.next() {
                    Some(Ok((blob, case, read))) => {
                        // Unstat'ed by the walk: the stat data of the file read.
                        let stamp = if stamp == Stamp::UNKNOWN { read } else { stamp };
                        keys.push((path, stamp, blob));
                        cases.push(case);
                    }
                    Some(Err(b)) => bad.push(b),
                    None => {}
                },
                Slot::Check(..) => {}
            }
        }
        trace.files = cases.len() + bad.len();
        let mut unreadable = problems(&bad);
        unreadable.sort_unstable();
        dirty |= !unreadable
            .iter()
            .map(|(p, w)| (*p, *w))
            .eq(old_unreadable.iter().map(|(p, w)| (p.as_str(), w.as_str())));
        if dirty || trace.rebuilt {
            let body = encode_each(
                token,
                cases.len(),
                keys.iter()
                    .zip(&cases)
                    .map(|((path, stamp, blob), case)| StoredRef::of(path, *stamp, *blob, case)),
                &bad,
            );
            crate::vars::mark("cache encoded");
            // Written while the command goes on (waited for before the next cache read and
            // before the casebook is dropped). A cache that cannot be written only costs
            // speed next time.
            self.pending.spawn(move || {
                let _ = super::fsutil::replace_cache_as_of(&cache_path, &body, as_of);
            });
        }
        crate::vars::mark("cache merged");
        trace.print(file);
        // In path order, which is ID order.
        Ok((cases, bad))
    }
}

/// A changed file as parsed: its blob id, its case and the stat data of the file read;
/// or why it could not be read.
type Parsed = std::result::Result<([u8; 20], Case, Stamp), BadCase>;

/// Cache files being written on threads of their own while a command goes on; each is
/// waited for before the next cache read and when the casebook is dropped (so before the
/// process ends: a cache is never left half-written by docket itself).
#[derive(Default)]
pub(super) struct Pending(std::sync::Mutex<Vec<std::thread::JoinHandle<()>>>);

impl Pending {
    /// Begins `work` on a thread of its own. When no thread can be made (a process or
    /// memory limit), the work is dropped: a cache not rewritten only costs speed next time.
    fn spawn(&self, work: impl FnOnce() + Send + 'static) {
        if let Ok(handle) = std::thread::Builder::new().spawn(work) {
            self.0
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(handle);
        }
    }

    /// Waits for every write begun so far.
    pub(super) fn wait(&self) {
        let handles = std::mem::take(&mut *self.0.lock().unwrap_or_else(|e| e.into_inner()));
        for h in handles {
            // A write that panicked only costs speed next time.
            let _ = h.join();
        }
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        self.wait();
    }
}

/// The Git index, read for the blob ids it vouches for.
struct GitIndex {
    direct: Option<super::index::IndexFile>,
    /// The index file's modification time (its entries' racy-clean limit).
    written: Option<i128>,
}

impl GitIndex {
    fn read(index_path: &std::path::Path) -> GitIndex {
        GitIndex {
            written: std::fs::metadata(index_path)
                .ok()
                .map(|m| Stamp::of(&m).mtime_ns),
            // Read directly when docket can (versions 2 and 3), else through libgit2.
            direct: super::index::IndexFile::read(index_path),
        }
    }
}

/// A file's place in a cache refresh.
enum Slot {
    /// The cached entry holds.
    Hit(Entry),
    /// Stat data differ (or are racy): compare blob ids with the old entry.
    Check(String, Stamp, Option<Entry>),
    /// To be parsed.
    Parse(String, Stamp),
}

/// Whether a watcher answered, printed as `watch=`.
#[derive(Default, Clone, Copy)]
enum Watched {
    /// None runs (or `DOCKET_WATCH=0`): `no`.
    #[default]
    No,
    /// It could not vouch for the cache: every file looked at (`all`).
    All,
    /// It named changes: this many files looked at.
    Looked(usize),
}

/// What a cache refresh did, printed with `DOCKET_TRACE=cache` (tests and benchmarks).
#[derive(Default)]
struct Trace {
    watch: Watched,
    rebuilt: bool,
    files: usize,
    by_stat: usize,
    by_blob: usize,
    by_index: usize,
    hashed: usize,
    parsed: usize,
}

impl Trace {
    fn print(&self, file: &str) {
        crate::vars::trace_line(
            "cache",
            format_args!(
                "cache {file}: watch={} files={} stat={} blob={} index={} hashed={} parsed={} general={} rebuilt={}",
                match self.watch {
                    Watched::No => "no".to_string(),
                    Watched::All => "all".to_string(),
                    Watched::Looked(n) => n.to_string(),
                },
                self.files,
                self.by_stat,
                self.by_blob,
                self.by_index,
                self.hashed,
                self.parsed,
                super::casefile::GENERAL_READS.load(std::sync::atomic::Ordering::Relaxed),
                self.rebuilt
            ),
        );
    }
}

/// The blob id of empty content.
const EMPTY_BLOB: [u8; 20] = [
    0xe6, 0x9d, 0xe2, 0x9b, 0xb2, 0xd1, 0xd6, 0x43, 0x4b, 0x8b, 0x29, 0xae, 0x77, 0x5a, 0xd8, 0xc2,
    0xe4, 0x8c, 0x53, 0x91,
];

/// The Git blob id of `content` (what `git hash-object` prints), with the plain SHA-1 of
/// the `sha1` crate: libgit2's collision-detecting SHA-1 was a tenth of a cold `list`.
pub(super) fn blob_of(content: &[u8]) -> [u8; 20] {
    use sha1::Digest;
    let mut h = sha1::Sha1::new();
    h.update(format!("blob {}\0", content.len()).as_bytes());
    h.update(content);
    h.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::DateTime;

    #[test]
    fn blob_ids_are_gits() {
        assert_eq!(blob_of(b""), EMPTY_BLOB);
        let text = b"hello\n";
        let git = git2::Oid::hash_object(git2::ObjectType::Blob, text).unwrap();
        assert_eq!(blob_of(text).as_slice(), git.as_bytes());
        assert_eq!(
            git.to_string(),
            "ce013625030ba8dba906f756967f9e9ca394464a",
            "git hash-object of hello"
        );
    }

    #[test]
    fn entries_round_trip_and_damage_is_detected() {
        let text = crate::store::casefile::render_new(&Case {
            id: "DK-00000001".into(),
            title: "Round trip".into(),
            kind: "incident".into(),
            state: State::AwaitingInfo,
            priority: "P2".into(),
            account: Some("acme".into()),
            contact: None,
            assignee: Some("alice".into()),
            team: None,
            escalation_level: 2,
            parent: None,
            tags: vec!["a".into(), "b".into()],
            resolution: None,
            csat: Some(4),
            created_at: DateTime::from_timestamp(1_700_000_000, 0).unwrap(),
            updated_at: DateTime::from_timestamp(1_700_000_100, 0).unwrap(),
            fields: [("n".to_string(), toml::Value::Integer(3))].into(),
            timeline: vec![{
                let mut e = Event::new(
                    "EV000001",
                    DateTime::from_timestamp(1_700_000_050, 0).unwrap(),
                    &Actor::agent("alice"),
                    "set",
                );
                e.field = Some("priority".into());
                e.from = Some("P3".into());
                e.to = Some("P2".into());
                e.visibility = Some(Visibility::Internal);
                e
            }],
        });
        let case = crate::store::casefile::parse(&text).unwrap();
        let entry = Entry {
            path: "cases/00/DK-00000001.toml".into(),
            blob: [7; 20],
            stamp: Stamp {
                size: 10,
                mtime_ns: -5,
                ino: 7,
                ctime_ns: 3,
            },
            case: Box::new(case.clone()),
        };
        let bytes = encode(std::slice::from_ref(&entry));
        // A restored cache (new stat data, same content) is rewritten by copying each
        // case's bytes: exactly what encoding it afresh writes.
        let mut restored = decode(&bytes).unwrap();
        let later = Stamp {
            size: 10,
            mtime_ns: 1_800_000_000_123_456_789,
            ino: 123_456,
            ctime_ns: 1_800_000_000_987_654_321,
        };
        restored.keys[0].stamp = later;
        let body = unseal(MAGIC, &bytes).unwrap();
        let afresh = encode(&[Entry {
            stamp: later,
            ..entry
        }]);
        assert_eq!(restored.restamped(body, Token::NONE, &[]), afresh);
        let back = decode(&bytes).unwrap().entries();
        assert_eq!(*back[0].case, case);
        assert!(
            back[0].stamp
                == Stamp {
                    size: 10,
                    mtime_ns: -5,
                    ino: 7,
                    ctime_ns: 3,
                }
        );
        assert!(decode(&bytes[..bytes.len() - 1]).is_none());
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(decode(&longer).is_none(), "trailing bytes are damage too");
        let mut flipped = bytes.clone();
        let last = flipped.len() - 3;
        flipped[last] ^= 0x10;
        assert!(
            decode(&flipped).is_none(),
            "a flipped bit is caught by the checksum"
        );
        let mut older = bytes.clone();
        older[7] = b'5';
        assert!(
            decode(&older).is_none(),
            "another version's cache is rebuilt"
        );
        assert!(decode(b"garbage").is_none());
    }

    fn text() -> impl proptest::strategy::Strategy<Value = String> {
        // Short and long (inline and not), ASCII and not.
        proptest::string::string_regex("[a-zA-Z0-9 é\u{1F600}-]{0,40}").unwrap()
    }

    fn opt() -> impl proptest::strategy::Strategy<Value = Option<String>> {
        proptest::option::of(text())
    }

    proptest::proptest! {
        /// The hand-written reader reads what serde wrote exactly as serde's own reader
        /// does: every field of every entry, and no more bytes.
        #[test]
        fn the_hand_reader_agrees_with_serdes(
            (id, title, account, assignee) in (text(), text(), opt(), opt()),
            (state, level, csat, created) in (0usize..6, proptest::prelude::any::<u32>(),
                proptest::option::of(proptest::prelude::any::<u8>()),
                -5_000_000_000i64..50_000_000_000),
            (tags, resolution) in (proptest::collection::vec(text(), 0..3), opt()),
            events in proptest::collection::vec(
                (text(), text(), 0usize..3, opt(), opt(), proptest::prelude::any::<bool>()),
                0..3,
            ),
            stamp in (proptest::prelude::any::<u64>(), proptest::prelude::any::<i128>(),
                proptest::prelude::any::<u64>(), proptest::prelude::any::<i128>()),
            blob in proptest::prelude::any::<[u8; 20]>(),
        ) {
            let at = |t: i64| DateTime::from_timestamp(t, 0).unwrap();
            let kinds = [ActorKind::Agent, ActorKind::Customer, ActorKind::System];
            let timeline = events
                .into_iter()
                .map(|(actor, kind, k, from, to, internal)| {
                    let mut e = Event::new(
                        "EV000001",
                        at(created),
                        &Actor { name: actor, kind: kinds[k] },
                        &kind,
                    );
                    e.from = from.map(Into::into);
                    e.to = to.map(Into::into);
                    e.visibility = internal.then_some(Visibility::Internal);
                    e.csat = csat;
                    e
                })
                .collect();
            let case = Case {
                id: id.into(),
                title: title.into(),
                kind: "incident".into(),
                state: State::ALL[state],
                priority: "P2".into(),
                account: account.map(Into::into),
                contact: None,
                assignee: assignee.map(Into::into),
                team: Some("support".into()),
                escalation_level: level,
                parent: None,
                tags,
                resolution: resolution.map(Into::into),
                csat,
                created_at: at(created),
                updated_at: at(created + 60),
                fields: [("n".to_string(), toml::Value::Integer(3))].into(),
                timeline,
            };
            let (size, mtime_ns, ino, ctime_ns) = stamp;
            let stamp = Stamp { size, mtime_ns, ino, ctime_ns };
            let path = "cases/00/DK-00000001.toml";
            let bytes = postcard::to_stdvec(&StoredRef::of(path, stamp, blob, &case)).unwrap();
            let (key, after): (StoredKey, _) = postcard::take_from_bytes(&bytes).unwrap();
            let (stored, rest): (Stored, _) = postcard::take_from_bytes(after).unwrap();
            proptest::prop_assert!(rest.is_empty());
            let mut r = read::Reader { rest: &bytes };
            proptest::prop_assert_eq!(r.key(), Some(key));
            proptest::prop_assert_eq!(r.stored(), Some(stored.clone()));
            proptest::prop_assert!(r.rest.is_empty());
            // And straight into a case: the same case, from the same bytes.
            let mut r = read::Reader { rest: &bytes };
            r.key();
            let direct = r.case();
            proptest::prop_assert!(r.rest.is_empty());
            let via_stored = stored.into_case();
            proptest::prop_assert_eq!(direct.as_ref(), via_stored.as_ref());
            proptest::prop_assert_eq!(direct.as_ref(), Some(&case));
            // Cut anywhere, the entry is not read (and nothing panics).
            for cut in [1, bytes.len() / 2, bytes.len() - 1] {
                let mut r = read::Reader { rest: &bytes[..cut] };
                proptest::prop_assert!(r.key().is_none() || r.stored().is_none());
                let mut r = read::Reader { rest: &bytes[..cut] };
                proptest::prop_assert!(r.key().is_none() || r.case().is_none());
            }
        }
    }
}
