//! The summary cache behind `list`: parsed case summaries keyed by each file's stat data
//! (size, modification time in nanoseconds, inode), kept in `.git/docket/summaries.json`.
//!
//! docket replaces case files by rename, so every write gives a new inode; a hand edit
//! changes size or mtime. A file whose stat data differs is parsed again; a missing or
//! unreadable cache is rebuilt. The files are the truth: the cache never answers for a
//! file it has not just stat'ed, and it is never committed.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::Casebook;
use super::cases::BadCase;
use crate::core::case::Case;

const VERSION: u32 = 1;

#[derive(Serialize, Deserialize, Clone, PartialEq, Eq)]
struct Stamp {
    size: u64,
    mtime_ns: i128,
    ino: u64,
}

#[derive(Serialize, Deserialize)]
struct Entry {
    stamp: Stamp,
    case: Case,
}

#[derive(Serialize, Deserialize, Default)]
struct CacheFile {
    version: u32,
    entries: HashMap<String, Entry>,
}

fn stamp(meta: &std::fs::Metadata) -> Stamp {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Stamp {
            size: meta.size(),
            mtime_ns: i128::from(meta.mtime()) * 1_000_000_000 + i128::from(meta.mtime_nsec()),
            ino: meta.ino(),
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
        }
    }
}

impl Casebook {
    /// Summaries (cases without their timelines) of every case, and the files that could
    /// not be read. Uses and refreshes the cache.
    pub fn summaries(&self) -> crate::error::Result<(Vec<Case>, Vec<BadCase>)> {
        let cache_path = self.private_dir().join("summaries.json");
        let mut cache: CacheFile = std::fs::read(&cache_path)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<CacheFile>(&bytes).ok())
            .filter(|c| c.version == VERSION)
            .unwrap_or_default();
        let paths = self.case_paths()?;
        let mut dirty = cache.entries.len() != paths.len();
        let mut fresh: HashMap<String, Entry> = HashMap::with_capacity(paths.len());
        let mut bad = Vec::new();
        for path in paths {
            let meta = match std::fs::metadata(self.abs(&path)) {
                Ok(m) => m,
                Err(e) => {
                    bad.push(BadCase {
                        path,
                        problem: e.to_string(),
                    });
                    continue;
                }
            };
            let st = stamp(&meta);
            if let Some(entry) = cache.entries.remove(&path)
                && entry.stamp == st
            {
                fresh.insert(path, entry);
                continue;
            }
            dirty = true;
            match self.read_case_file(&path) {
                Ok(file) => {
                    fresh.insert(
                        path,
                        Entry {
                            stamp: st,
                            case: file.case.summary(),
                        },
                    );
                }
                Err(b) => bad.push(b),
            }
        }
        if dirty {
            let out = CacheFile {
                version: VERSION,
                entries: fresh,
            };
            if let Ok(bytes) = serde_json::to_vec(&out) {
                // A cache that cannot be written only costs speed next time.
                let _ = super::fsutil::atomic_write(&cache_path, &bytes);
            }
            fresh = out.entries;
        }
        let mut cases: Vec<Case> = fresh.into_values().map(|e| e.case).collect();
        cases.sort_by(|a, b| a.id.cmp(&b.id));
        Ok((cases, bad))
    }
}
