//! The index's SHA-1, resumed where the index first changes.
//!
//! The Git index ends with the SHA-1 of everything before it, so a write that changes one
//! entry must hash the whole file again: 4.4 MB at 50,000 cases, 2–3 ms here. But SHA-1
//! reads its input front to back, and its state after the first `n` blocks depends on
//! those blocks only. So docket keeps, beside the index it wrote, that state every
//! [`CHECKPOINT`] bytes (`.git/docket/index-sha1`, named by the index's own checksum), and
//! the next write starts hashing at the last checkpoint before its first changed byte:
//! half the file, on average, for a change to one random case. Measured at 50,000 cases
//! (median of 25 `comment`s, two sets): the index step took 4.0 and 4.5 ms against 5.7.
//!
//! The states are used only for the very index they were taken from (same checksum, same
//! length), so an index written by anyone else is hashed whole, and so is one written
//! when the file is missing or damaged (it has its own CRC-32). Indexes under
//! [`SUMS_MIN`] are hashed whole and keep no states: the file costs more to write than
//! the hashing it would save.

use std::path::{Path, PathBuf};

/// Bytes between kept states. A multiple of SHA-1's 64-byte block.
pub const CHECKPOINT: usize = 64 * 1024;

/// The smallest index whose states are kept (about 6,000 entries).
pub const SUMS_MIN: usize = 512 * 1024;

const MAGIC: &[u8; 4] = b"DKS1";

/// SHA-1's state before any input.
const H0: [u32; 5] = [
    0x6745_2301,
    0xEFCD_AB89,
    0x98BA_DCFE,
    0x1032_5476,
    0xC3D2_E1F0,
];

/// SHA-1 over a stream that can start from a state kept at a block boundary.
pub struct Sha1Stream {
    h: [u32; 5],
    /// Bytes hashed so far, including those behind a resumed state.
    len: u64,
    buf: [u8; 64],
    used: usize,
}

impl Sha1Stream {
    pub fn new() -> Sha1Stream {
        Sha1Stream::resume(H0, 0)
    }

    /// The hash of a stream whose first `len` bytes (a multiple of 64) left state `h`.
    pub fn resume(h: [u32; 5], len: u64) -> Sha1Stream {
        debug_assert_eq!(len % 64, 0);
        Sha1Stream {
            h,
            len,
            buf: [0; 64],
            used: 0,
        }
    }

    pub fn update(&mut self, mut data: &[u8]) {
        self.len += data.len() as u64;
        if self.used > 0 {
            let take = (64 - self.used).min(data.len());
            self.buf[self.used..self.used + take].copy_from_slice(&data[..take]);
            self.used += take;
            data = &data[take..];
            if self.used < 64 {
                return;
            }
            sha1::block_api::compress(&mut self.h, &[self.buf]);
            self.used = 0;
        }
        let (blocks, rest) = data.as_chunks::<64>();
        sha1::block_api::compress(&mut self.h, blocks);
        self.buf[..rest.len()].copy_from_slice(rest);
        self.used = rest.len();
    }

    /// The state, when the bytes so far fill whole blocks.
    pub fn state(&self) -> Option<[u32; 5]> {
        (self.used == 0).then_some(self.h)
    }

    pub fn finish(mut self) -> [u8; 20] {
        let bits = self.len.wrapping_mul(8);
        self.buf[self.used] = 0x80;
        self.buf[self.used + 1..].fill(0);
        if self.used >= 56 {
            sha1::block_api::compress(&mut self.h, &[self.buf]);
            self.buf.fill(0);
        }
        self.buf[56..].copy_from_slice(&bits.to_be_bytes());
        sha1::block_api::compress(&mut self.h, &[self.buf]);
        let mut out = [0u8; 20];
        for (chunk, word) in out.chunks_exact_mut(4).zip(self.h) {
            chunk.copy_from_slice(&word.to_be_bytes());
        }
        out
    }
}

/// Where the states of the index at `index` are kept.
pub fn path(index: &Path) -> PathBuf {
    index.with_file_name("docket").join("index-sha1")
}

/// The states kept for the index whose bytes are `index` (the state after each whole
/// [`CHECKPOINT`]), or none.
pub fn load(path: &Path, index: &[u8]) -> Vec<[u32; 5]> {
    let Ok(bytes) = std::fs::read(path) else {
        return Vec::new();
    };
    decode(&bytes, index).unwrap_or_default()
}

fn decode(bytes: &[u8], index: &[u8]) -> Option<Vec<[u32; 5]>> {
    let body = bytes.len().checked_sub(4)?;
    let crc = u32::from_le_bytes(bytes[body..].try_into().ok()?);
    if crc32fast::hash(&bytes[..body]) != crc || bytes.get(..4)? != MAGIC {
        return None;
    }
    let word = |at: usize| Some(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?));
    let sum = bytes.get(4..24)?;
    let len = u64::from_le_bytes(bytes.get(24..32)?.try_into().ok()?);
    let (checkpoint, count) = (word(32)? as usize, word(36)? as usize);
    if index.len() < 20
        || sum != &index[index.len() - 20..]
        || len != index.len() as u64
        || checkpoint != CHECKPOINT
        || count > (index.len() - 20) / CHECKPOINT
        || body != 40 + count * 20
    {
        return None;
    }
    (0..count)
        .map(|i| {
            let mut h = [0u32; 5];
            for (k, w) in h.iter_mut().enumerate() {
                *w = word(40 + i * 20 + k * 4)?;
            }
            Some(h)
        })
        .collect()
}

fn encode(sum: &[u8; 20], len: usize, states: &[[u32; 5]]) -> Vec<u8> {
    let mut out = Vec::with_capacity(44 + states.len() * 20);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(sum);
    out.extend_from_slice(&(len as u64).to_le_bytes());
    out.extend_from_slice(&(CHECKPOINT as u32).to_le_bytes());
    out.extend_from_slice(&(states.len() as u32).to_le_bytes());
    for w in states.iter().flatten() {
        out.extend_from_slice(&w.to_le_bytes());
    }
    let crc = crc32fast::hash(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    out
}

/// Keeps `states` for the index of `len` bytes ending in `sum`. Written in place: a torn
/// file fails its CRC and is not used. A failure to write is no failure of the write
/// (the next one hashes the whole index).
pub fn save(path: &Path, sum: &[u8; 20], len: usize, states: &[[u32; 5]]) {
    if len < SUMS_MIN {
        if path.exists() {
            let _ = std::fs::remove_file(path);
        }
        return;
    }
    let _ = std::fs::write(path, encode(sum, len, states));
}

/// [`hash_into`], returning the states.
#[cfg(test)]
pub fn hash_from(
    parts: &[&[u8]],
    old_states: &[[u32; 5]],
    reuse: usize,
) -> ([u8; 20], Vec<[u32; 5]>) {
    let mut states = Vec::new();
    let sum = hash_into(parts, old_states, reuse, &mut states);
    (sum, states)
}

/// Hashes `parts` joined (the new index before its checksum) from `old_states`, the
/// states kept for the old index, of which the first `reuse` hold for the new one too
/// (its bytes up to `reuse` checkpoints are the old ones). Returns the SHA-1, and puts
/// the states of the new index at each checkpoint in `states` (emptied first): given the
/// room for them, nothing is allocated, so it can run on a thread that allocates nothing
/// (a thread's first allocation takes fresh memory of its own, a 2 MB page here).
pub fn hash_into(
    parts: &[&[u8]],
    old_states: &[[u32; 5]],
    reuse: usize,
    states: &mut Vec<[u32; 5]>,
) -> [u8; 20] {
    let reuse = reuse.min(old_states.len());
    states.clear();
    states.extend_from_slice(&old_states[..reuse]);
    let start = reuse * CHECKPOINT;
    let mut sha = match reuse {
        0 => Sha1Stream::new(),
        n => Sha1Stream::resume(states[n - 1], start as u64),
    };
    let mut at = 0;
    for part in parts {
        let end = at + part.len();
        if end <= start {
            at = end;
            continue;
        }
        let mut rest = &part[start.saturating_sub(at)..];
        at = at.max(start);
        while !rest.is_empty() {
            let take = (CHECKPOINT - at % CHECKPOINT).min(rest.len());
            sha.update(&rest[..take]);
            at += take;
            rest = &rest[take..];
            if at % CHECKPOINT == 0 {
                states.push(sha.state().expect("a checkpoint falls on a block boundary"));
            }
        }
    }
    sha.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use sha1::{Digest, Sha1};

    fn bytes(len: usize, seed: u8) -> Vec<u8> {
        (0..len)
            .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
            .collect()
    }

    #[test]
    fn the_stream_is_sha1_at_every_padding_length() {
        for len in (0..300).chain([CHECKPOINT - 1, CHECKPOINT, CHECKPOINT + 55]) {
            let data = bytes(len, 7);
            let mut s = Sha1Stream::new();
            // Fed in uneven pieces, across block edges.
            for piece in data.chunks(37) {
                s.update(piece);
            }
            assert_eq!(
                s.finish().as_slice(),
                Sha1::digest(&data).as_slice(),
                "{len}"
            );
        }
    }

    proptest! {
        /// Resuming from the states of an old index whose first bytes the new one
        /// shares gives the new index's SHA-1, and the states the new index would have
        /// had hashed whole.
        #[test]
        fn a_resumed_hash_is_the_whole_hash(
            len in 0usize..(6 * CHECKPOINT),
            change in 0usize..(6 * CHECKPOINT),
            grow in 0usize..3000,
            cut in 1usize..5000,
            seed in any::<u8>(),
        ) {
            let old = bytes(len, seed);
            let (_, old_states) = hash_from(&[&old], &[], 0);
            // The new index: the old one up to `change`, then different bytes.
            let change = change.min(len);
            let mut new = old[..change].to_vec();
            new.extend(bytes(len - change + grow, seed.wrapping_add(1)));
            let reuse = change / CHECKPOINT;
            let cut = cut.min(new.len());
            let (sum, states) = hash_from(&[&new[..cut], &new[cut..]], &old_states, reuse);
            let (whole, whole_states) = hash_from(&[&new], &[], 0);
            let digest = Sha1::digest(&new);
            prop_assert_eq!(sum.as_slice(), digest.as_slice());
            prop_assert_eq!(sum, whole);
            prop_assert_eq!(states, whole_states);
        }
    }

    #[test]
    fn states_are_kept_only_for_the_index_they_came_from() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("index-sha1");
        let mut index = bytes(SUMS_MIN + 3 * CHECKPOINT, 3);
        let (sum, states) = hash_from(&[&index], &[], 0);
        index.extend_from_slice(&sum);
        save(&path, &sum, index.len(), &states);
        assert_eq!(load(&path, &index), states);
        // Another index (another checksum, another length), a torn or damaged file.
        let mut other = index.clone();
        other[index.len() - 1] ^= 1;
        assert!(load(&path, &other).is_empty());
        assert!(load(&path, &index[1..]).is_empty());
        let good = std::fs::read(&path).unwrap();
        std::fs::write(&path, &good[..good.len() - 3]).unwrap();
        assert!(load(&path, &index).is_empty());
        let mut bad = good.clone();
        bad[50] ^= 1;
        std::fs::write(&path, &bad).unwrap();
        assert!(load(&path, &index).is_empty());
        // A small index keeps none, and clears what was kept.
        std::fs::write(&path, &good).unwrap();
        save(&path, &sum, SUMS_MIN - 1, &states);
        assert!(!path.exists());
    }
}
