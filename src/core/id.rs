//! Case IDs: `<PREFIX>-<8 Crockford base32 characters>`, e.g. `DK-4F7QX2MA`.
//!
//! The random part carries 40 bits, so clones that create cases without talking to each
//! other do not collide in practice (about 1 in 200 for two clones adding 100,000 cases
//! each, and a local collision is retried). Crockford's alphabet has no I, L, O or U, so
//! IDs are easy to read aloud and to type. The first two characters pick the shard folder
//! (32 × 32 = 1,024 shards), which keeps every directory and tree small.

/// Crockford's base32 alphabet.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Length of the random part of an ID.
pub const RANDOM_LEN: usize = 8;

/// Builds an ID from the casebook prefix and 40 random bits (the low 40 bits of `random`).
pub fn generate(prefix: &str, random: u64) -> String {
    let mut out = String::with_capacity(prefix.len() + 1 + RANDOM_LEN);
    if !prefix.is_empty() {
        out.push_str(prefix);
        out.push('-');
    }
    out.push_str(&encode(random, RANDOM_LEN));
    out
}

/// Encodes the low `len * 5` bits of `value`, most significant first.
pub fn encode(value: u64, len: usize) -> String {
    (0..len)
        .rev()
        .map(|i| ALPHABET[((value >> (i * 5)) & 31) as usize] as char)
        .collect()
}

/// The random part of an ID (what follows the last `-`).
pub fn random_part(id: &str) -> &str {
    id.rsplit_once('-').map(|(_, r)| r).unwrap_or(id)
}

/// The shard folder of an ID: the first two characters of its random part.
pub fn shard(id: &str) -> String {
    let r = random_part(id);
    r.chars().take(2).collect::<String>().to_ascii_uppercase()
}

/// Whether `id` is valid for a casebook with `prefix`.
pub fn is_valid(prefix: &str, id: &str) -> bool {
    let rest = if prefix.is_empty() {
        id
    } else {
        match id.strip_prefix(prefix).and_then(|r| r.strip_prefix('-')) {
            Some(r) => r,
            None => return false,
        }
    };
    rest.len() == RANDOM_LEN && rest.bytes().all(|b| ALPHABET.contains(&b))
}

/// Normalises what a user typed: upper case, and Crockford's look-alikes (I, L → 1, O → 0)
/// in the random part.
pub fn normalize_query(query: &str) -> String {
    let upper = query.trim().to_ascii_uppercase();
    match upper.rsplit_once('-') {
        Some((p, r)) => format!("{p}-{}", fix_lookalikes(r)),
        None => upper,
    }
}

fn fix_lookalikes(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'I' | 'L' => '1',
            'O' => '0',
            c => c,
        })
        .collect()
}

/// Whether a (normalised) query could name any case at all: letters, digits and `-`.
/// Anything else (`aé`, `日本`, `../x`) matches nothing, without touching the disk.
pub fn is_plausible_query(query: &str) -> bool {
    !query.is_empty()
        && query
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// Whether `query` (already normalised) names `id`: a prefix of the whole ID or of its
/// random part, case-insensitive, like a short Git hash.
pub fn matches(id: &str, query: &str) -> bool {
    if query.is_empty() {
        return false;
    }
    id.starts_with(query)
        || random_part(id).starts_with(query)
        || (!query.contains('-') && random_part(id).starts_with(&fix_lookalikes(query)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generates_prefixed_ids_of_fixed_length() {
        let id = generate("DK", 0x12_3456_789A);
        assert_eq!(id.len(), 3 + RANDOM_LEN);
        assert!(id.starts_with("DK-"));
        assert!(is_valid("DK", &id));
    }

    #[test]
    fn different_random_bits_give_different_ids() {
        assert_ne!(generate("DK", 1), generate("DK", 2));
        assert_eq!(generate("DK", 0), "DK-00000000");
        assert_eq!(generate("DK", 31), "DK-0000000Z");
    }

    #[test]
    fn shard_is_first_two_random_characters() {
        assert_eq!(shard("DK-4F7QX2MA"), "4F");
        assert_eq!(shard("4F7QX2MA"), "4F");
    }

    #[test]
    fn validity_checks_prefix_alphabet_and_length() {
        assert!(is_valid("DK", "DK-4F7QX2MA"));
        assert!(!is_valid("DK", "XX-4F7QX2MA"));
        assert!(!is_valid("DK", "DK-4F7QX2M"));
        assert!(!is_valid("DK", "DK-4F7QX2MU"));
    }

    #[test]
    fn prefixes_match_whole_id_or_random_part_case_insensitively() {
        let id = "DK-4F7QX2MA";
        assert!(matches(id, &normalize_query("dk-4f")));
        assert!(matches(id, &normalize_query("4f7")));
        assert!(matches(id, &normalize_query("DK-4F7QX2MA")));
        assert!(!matches(id, &normalize_query("4G")));
        assert!(!matches(id, &normalize_query("")));
    }

    #[test]
    fn lookalike_letters_are_read_as_digits() {
        assert!(matches("DK-10ABCDEF", &normalize_query("dk-io")));
        assert!(matches("DK-10ABCDEF", &normalize_query("lo")));
    }

    #[test]
    fn only_letters_digits_and_dashes_can_name_a_case() {
        assert!(is_plausible_query(&normalize_query("dk-4f")));
        for q in ["aé", "日本", "../x", "DK-4F/..", "", "4F 7Q"] {
            assert!(!is_plausible_query(&normalize_query(q)), "{q:?}");
        }
    }

    proptest::proptest! {
        /// Normalising and matching never panic, and a match is always plausible.
        #[test]
        fn any_query_normalises_and_matches_without_panicking(q in "\\PC{0,16}") {
            let n = normalize_query(&q);
            let hit = matches("DK-4F7QX2MA", &n);
            proptest::prop_assert!(!hit || is_plausible_query(&n) || n.contains('-'));
            let _ = shard(&n);
        }
    }
}
