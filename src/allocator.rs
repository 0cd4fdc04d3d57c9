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

/// Has the kernel give this process 4 KiB pages, not 2 MB ones (Linux's
/// `PR_SET_THP_DISABLE`), unless the user set `MIMALLOC_ALLOW_THP` themselves. Call first
/// thing in `main`.
///
/// mimalloc asks for 2 MB pages (`madvise(MADV_HUGEPAGE)` on its arena), and each is
/// zeroed whole when first touched, however little of it is used. On these virtual
/// machines the guest hands memory freed for two seconds back to the host
/// (`page_reporting`), and touching such memory again costs far more than zeroing it: a
/// 44 MB touch took 4.4–4.9 ms right after another process freed memory, 59–98 ms after
/// a 3 s pause. A command typed or run from cron seconds after the last one meets the
/// slow case, and with 4 KiB pages it only pays for what it uses (`list --format tsv` at
/// 50,000 cases: 35 MB touched instead of 45; `comment`: 3.1 MB instead of 8.6).
///
/// Measured (each run after a 3 s pause, interleaved): `list --format tsv` 0.47× and
/// 1.09× the time at 5,000 cases in two sets, 0.63× at 10,000, 0.68–0.77× at 50,000;
/// `list --open` at 5,000 0.54×, at 10,000 0.81×; `sla` 0.63× at 10,000, 0.65× at 50,000;
/// `comment` unchanged (0.99× at 5,000, 1.03× at 50,000). Run back to back, with memory
/// just freed by the run before, 2 MB pages win where a read touches much memory (fewer,
/// larger page faults): `sla` 1.2× the time at 10,000 and 50,000, `list` 1.06× at 10,000
/// and 1.1× at 50,000; `list --format tsv` at 5,000 and `comment` unchanged.
///
/// Programs docket starts (git, hooks, a signing program) inherit the setting; they
/// mostly do not ask for 2 MB pages anyway.
pub fn small_pages() {
    if crate::vars::is_set("MIMALLOC_ALLOW_THP") {
        return;
    }
    #[cfg(target_os = "linux")]
    // SAFETY: a process-wide setting of how the kernel backs memory; no memory is touched.
    // A kernel without it refuses the call, and pages stay as they were.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(target_os = "linux")]
    fn small_pages_turns_2_mb_pages_off_for_the_process() {
        if crate::vars::is_set("MIMALLOC_ALLOW_THP") {
            return;
        }
        small_pages();
        let status = std::fs::read_to_string("/proc/self/status").unwrap();
        let thp = status
            .lines()
            .find_map(|l| l.strip_prefix("THP_enabled:"))
            .map(str::trim);
        // Kernels before 5.0 do not report it.
        if let Some(thp) = thp {
            assert_eq!(thp, "0", "{status}");
        }
    }

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
