//! How the binary's allocator (mimalloc, see `main.rs`) is set up.
//!
//! mimalloc hands memory a program has freed back to the system after 10 ms (its
//! `purge_delay`), one 64 KiB stretch at a time (`madvise(MADV_DONTNEED)`), and the next
//! allocation there takes fresh pages from the kernel again — each zeroed first, and on
//! these virtual machines a fresh page costs more than most work done in it. A warm `sla`
//! at 100,000 cases gave back 329 MB that way in 217 calls, splitting the 2 MB pages it
//! had been given. A docket command is short-lived: what it frees is better kept for its
//! own next allocations, and the system takes all of it back at exit.
//!
//! Measured (interleaved runs): warm `sla` at 100,000 cases, median 567 against 610 ms over
//! 20 runs each (0.93×), and the slowest run 728 against 934 ms (the runs that gave memory
//! back were the ones that stalled); earlier sets with `MIMALLOC_PURGE_DELAY=-1` set from
//! outside went 0.57×, 1.07× and 0.57×. Warm `list --format tsv` at 5,000 cases 0.95×,
//! `comment` 0.98× (0.93× the CPU time), `sla` at 10,000 unchanged.

/// mimalloc's `mi_option_purge_delay`: its place in `mi_option_e` of mimalloc 2.x (the
/// `libmimalloc-sys` crate names only options older than it). A test checks that the
/// option there has purge_delay's default, 10 ms.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Keeps freed memory for reuse for the rest of the process (unless the user set
/// `MIMALLOC_PURGE_DELAY` themselves). Call first thing in `main`.
pub fn keep_freed_memory() {
    if crate::vars::is_set("MIMALLOC_PURGE_DELAY") {
        return;
    }
    // SAFETY: sets the value of an option mimalloc reads each time it would purge; no
    // memory is touched.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, -1) };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn option_15_is_mimalloc_2_s_purge_delay() {
        // SAFETY: reading the version and an option's value.
        let (version, delay) = unsafe {
            (
                libmimalloc_sys::mi_version(),
                libmimalloc_sys::mi_option_get(PURGE_DELAY),
            )
        };
        assert!(
            (20_000..30_000).contains(&version),
            "mimalloc {version}: check PURGE_DELAY"
        );
        if !crate::vars::is_set("MIMALLOC_PURGE_DELAY") {
            assert_eq!(
                delay, 10,
                "option {PURGE_DELAY} is not purge_delay (10 ms by default)"
            );
        }
    }
}
