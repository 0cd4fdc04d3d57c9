//! Which case files there are, without reading every shard folder again:
//! `.git/docket/listing.bin` keeps each shard's file names next to the folder's stat data.
//!
//! A folder's modification and change times move whenever an entry is created, removed or
//! renamed in it (POSIX), so a shard folder whose stat data match the stored ones holds the
//! same names and is not read; only changed shards are. Stored stat data are trusted only
//! when they were *settled* when stored — older than the listing by [`SETTLE_NS`] — so a
//! change within the file system's timestamp granularity of the read (a racily clean
//! folder, as Git calls it for files) is never missed: such a folder is read again on
//! every run until it settles, and the listing is then rewritten.
//!
//! Every case file is still stat'ed: an edit in place changes no folder, only the file's
//! own stat data show it. Measured at 10,000 cases (1,024 shard folders): a stat per
//! folder instead of an open, two `getdents` and a close saves ~3,100 system calls per run;
//! a warm `list --open` takes 0.90× the time and 0.84× the CPU time (median of 31
//! interleaved runs). A shard folder the listing answers for is not opened at all: it and
//! its files are stat'ed relative to the open `cases/` folder (`fstatat` of `ab` and
//! `ab/<name>`), one call each. Against opening, `fstat`ing and closing each folder: 0.85× the
//! time at 5,000 cases (warm `list --format tsv`, 41 interleaved runs: 23.8 ms against
//! 28.1 ms), 0.95× the CPU time at 10,000. A folder read again is opened, and its files stat'ed relative to it.
//!
//! The names are stored one after another in one string with their end offsets (format
//! `DKTLIST3`): loading the listing of 10,000 cases makes a few allocations instead of one
//! per name, and the walk hands out the paths the same way ([`super::cases::CaseFiles`]).
//! Warm `list --format tsv` at 10,000 cases: 0.88× the time of a string per name
//! (interleaved medians).

use serde::{Deserialize, Serialize};

use super::cases::Stamp;
use crate::core::case::Text;

const MAGIC: &[u8; 8] = b"DKTLIST3";

/// Folder stat data older than this (by the clock, when stored) are settled: any later
/// change gets a later time. Two seconds cover coarse kernel clocks and file systems
/// with whole-second (or FAT's two-second) times.
const SETTLE_NS: i128 = 2_000_000_000;

/// A folder's stat data as the listing keeps them.
#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Eq, Debug)]
pub(super) struct DirStamp {
    mtime_ns: i128,
    ctime_ns: i128,
    ino: u64,
    /// Older than the listing by [`SETTLE_NS`] when stored: then (and only then) equal
    /// stat data prove equal contents.
    settled: bool,
}

impl DirStamp {
    pub(super) fn of(meta: &std::fs::Metadata, now_ns: i128) -> DirStamp {
        DirStamp::from_stamp(Stamp::of(meta), now_ns)
    }

    pub(super) fn from_stamp(s: Stamp, now_ns: i128) -> DirStamp {
        DirStamp {
            mtime_ns: s.mtime_ns,
            ctime_ns: s.ctime_ns,
            ino: s.ino,
            settled: s.mtime_ns.max(s.ctime_ns) < now_ns - SETTLE_NS,
        }
    }

    /// Whether `self` (stored) answers for a folder now showing `now`.
    fn holds_for(&self, now: &DirStamp) -> bool {
        self.settled
            && self.mtime_ns == now.mtime_ns
            && self.ctime_ns == now.ctime_ns
            && self.ino == now.ino
    }
}

/// The shard folders and their case file names. The names are kept one after another in
/// one string (not a string each): loading the listing of 10,000 cases is then a few
/// allocations, not 11,000.
#[derive(Serialize, Deserialize, Default, PartialEq, Debug)]
pub(super) struct Listing {
    /// The `cases/` folder: its shard folders are `shards`' names.
    pub(super) root: Option<DirStamp>,
    pub(super) shards: Vec<Shard>,
    /// Every shard's file names, shard after shard.
    names: super::joined::Joined,
}

#[derive(Serialize, Deserialize, Clone, PartialEq, Debug)]
pub(super) struct Shard {
    pub(super) name: Text,
    pub(super) dir: DirStamp,
    /// Its case file names (`*.toml`, not hidden, sorted) are the listing's names from
    /// `first`, `count` of them.
    first: u32,
    count: u32,
}

impl Listing {
    /// A listing of no shard folders yet, for a `cases/` folder with these stat data.
    pub(super) fn new(root: Option<DirStamp>) -> Listing {
        Listing {
            root,
            ..Listing::default()
        }
    }

    /// The stored listing, or an empty one when it is missing, damaged, of another
    /// version or inconsistent (then every folder is read).
    pub(super) fn load(path: &std::path::Path) -> Listing {
        super::fsutil::read_cache(path)
            .ok()
            .and_then(|(bytes, _)| {
                let body = super::cache::unseal(MAGIC, &bytes)?;
                let (listing, rest): (Listing, _) = postcard::take_from_bytes(body).ok()?;
                (rest.is_empty() && listing.consistent()).then_some(listing)
            })
            .unwrap_or_default()
    }

    /// Every name range inside the names, every name on a character boundary and a name
    /// the walk itself would have kept (`*.toml`, not hidden); no name leads out of its
    /// folder (they are looked up inside it).
    fn consistent(&self) -> bool {
        self.names.consistent()
            && self.names.iter().all(super::cases::is_case_file_name)
            && !self.names.text().bytes().any(|b| b == b'/' || b == 0)
            && self.shards.iter().all(|s| {
                (s.first as usize)
                    .checked_add(s.count as usize)
                    .is_some_and(|e| e <= self.names.len())
            })
    }

    pub(super) fn save(&self, path: &std::path::Path) {
        let body = postcard::to_stdvec(self).expect("the listing serialises");
        // A listing that cannot be written only costs a read of every folder next time.
        let _ = super::fsutil::replace_cache(path, &super::cache::seal(MAGIC, &body));
    }

    /// Adds a shard folder with its names (sorted), after the ones already added.
    pub(super) fn push<'a>(
        &mut self,
        name: &str,
        dir: DirStamp,
        names: impl IntoIterator<Item = &'a str>,
    ) {
        let first = self.names.len();
        for n in names {
            self.names.push(&[n]);
        }
        self.shards.push(Shard {
            name: name.into(),
            dir,
            first: first as u32,
            count: (self.names.len() - first) as u32,
        });
    }

    /// The file names of `shard` (an index into `shards`).
    pub(super) fn names(&self, shard: usize) -> impl Iterator<Item = &str> + '_ {
        let s = &self.shards[shard];
        let first = s.first as usize;
        (first..first + s.count as usize).map(move |i| self.names.get(i))
    }

    /// The stored shard names, if the `cases/` folder still holds the same entries.
    pub(super) fn shard_names(&self, root: &DirStamp) -> Option<Vec<Text>> {
        let stored = self.root.as_ref()?;
        stored
            .holds_for(root)
            .then(|| self.shards.iter().map(|s| s.name.clone()).collect())
    }

    /// Which stored shard answers for `shard`, if its folder still holds the same entries.
    pub(super) fn holding(&self, shard: &str, dir: &DirStamp) -> Option<usize> {
        let i = self
            .shards
            .binary_search_by(|s| s.name.as_str().cmp(shard))
            .ok()?;
        self.shards[i].dir.holds_for(dir).then_some(i)
    }
}

/// The clock file times are compared with, in nanoseconds since the epoch.
pub(super) fn now_ns() -> i128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as i128)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp(mtime_ns: i128, settled: bool) -> DirStamp {
        DirStamp {
            mtime_ns,
            ctime_ns: mtime_ns,
            ino: 7,
            settled,
        }
    }

    #[test]
    fn only_settled_equal_stamps_answer() {
        let mut listing = Listing {
            root: Some(stamp(10, true)),
            ..Listing::default()
        };
        listing.push("0a", stamp(20, true), ["DK-0A.toml", "DK-0A2.toml"]);
        listing.push("0b", stamp(30, false), ["DK-0B.toml"]);
        assert_eq!(
            listing.shard_names(&stamp(10, true)),
            Some(vec![Text::from("0a"), Text::from("0b")])
        );
        assert_eq!(listing.shard_names(&stamp(11, true)), None);
        assert_eq!(listing.holding("0a", &stamp(20, true)), Some(0));
        let names: Vec<&str> = listing.names(0).collect();
        assert_eq!(names, ["DK-0A.toml", "DK-0A2.toml"]);
        assert_eq!(listing.names(1).collect::<Vec<_>>(), ["DK-0B.toml"]);
        assert_eq!(listing.holding("0a", &stamp(21, true)), None);
        // Racily clean when stored: read again even though the stamps are equal.
        assert_eq!(listing.holding("0b", &stamp(30, true)), None);
        assert_eq!(listing.holding("0c", &stamp(30, true)), None);
    }

    #[test]
    fn a_listing_whose_ranges_do_not_fit_is_not_believed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("listing.bin");
        let mut listing = Listing::default();
        listing.push("0a", stamp(20, true), ["DK-0A.toml"]);
        listing.shards[0].count = 2;
        listing.save(&path);
        assert_eq!(Listing::load(&path), Listing::default());
        listing.shards[0].count = 1;
        listing.save(&path);
        assert_eq!(Listing::load(&path), listing);
        // Names the walk would never have stored: not believed either.
        for name in ["..", "../DK-0A.toml", ".DK-0A.toml", "DK-0A.txt"] {
            let mut odd = Listing::default();
            odd.push("0a", stamp(20, true), [name]);
            odd.save(&path);
            assert_eq!(Listing::load(&path), Listing::default(), "{name}");
        }
    }

    #[test]
    fn a_damaged_listing_is_empty() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("listing.bin");
        let listing = Listing {
            root: Some(stamp(10, true)),
            ..Listing::default()
        };
        listing.save(&path);
        assert_eq!(Listing::load(&path), listing);
        let mut bytes = std::fs::read(&path).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        super::super::fsutil::atomic_write(&path, &bytes).unwrap();
        assert_eq!(Listing::load(&path), Listing::default());
    }
}
