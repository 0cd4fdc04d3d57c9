//! Work split over the cores: the one place docket starts threads for a plain map.

/// `f` over `items`, split over the cores (one thread for a few), in order.
pub fn on_cores<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    on_cores_with(items, || (), |(), item| f(item))
}

/// [`on_cores`] with a state of each thread's own, made by `init` (a cache that is not
/// shared between threads, such as a calendar's computed days).
pub fn on_cores_with<T: Sync, R: Send, S>(
    items: &[T],
    init: impl Fn() -> S + Sync,
    f: impl Fn(&mut S, &T) -> R + Sync,
) -> Vec<R> {
    let threads = threads_for(items.len());
    if threads == 1 {
        let mut state = init();
        return items.iter().map(|item| f(&mut state, item)).collect();
    }
    let chunk = items.len().div_ceil(threads).max(1);
    let (f, init) = (&f, &init);
    std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| {
                s.spawn(move || {
                    let mut state = init();
                    part.iter()
                        .map(|item| f(&mut state, item))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a worker does not panic"))
            .collect()
    })
}

/// [`on_cores_with`] for work that gives up to `most` results per item: `f` pushes them
/// onto its thread's list, and the lists are joined in the items' order.
///
/// Memory touched for the first time is what these machines are slowest at (a fresh
/// 2 MB page costs about a millisecond), so: no list per item (at 50,000 cases `sla`
/// made one per open case, 38,000); each list is reserved for its most results up front, which
/// costs address space, not pages, where fewer come; and the first thread's list is
/// reserved for everything, so only the others' results are copied once.
pub fn flat_on_cores_with<T: Sync, R: Send, S>(
    items: &[T],
    most: usize,
    init: impl Fn() -> S + Sync,
    f: impl Fn(&mut S, &T, &mut Vec<R>) + Sync,
) -> Vec<R> {
    let run = |part: &[T], room: usize| {
        let (mut state, mut out) = (init(), Vec::with_capacity(room));
        for item in part {
            f(&mut state, item, &mut out);
        }
        out
    };
    // Reserved address space is not unlimited (a policy of a thousand SLAs): past this,
    // a list grows as lists do.
    let most_rows = (256usize << 20) / std::mem::size_of::<R>().max(1);
    let room_for = |n: usize| n.saturating_mul(most).min(most_rows);
    let all = room_for(items.len());
    let threads = threads_for(items.len());
    if threads == 1 {
        return run(items, all);
    }
    let chunk = items.len().div_ceil(threads).max(1);
    let run = &run;
    let parts: Vec<Vec<R>> = std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .enumerate()
            .map(|(k, part)| {
                let room = if k == 0 { all } else { room_for(part.len()) };
                s.spawn(move || run(part, room))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a worker does not panic"))
            .collect()
    });
    let mut parts = parts.into_iter();
    let mut out = parts.next().unwrap_or_default();
    for part in parts {
        out.extend(part);
    }
    out
}

/// Text made from `items` a block of `block` items at a time (`render` is given the
/// block's first item's place in `items`, the block and a buffer of `bytes` bytes, what a
/// block is expected to take), on every core, and handed
/// to `write` block by block in the items' order, on the calling thread (so `write` may
/// hold what cannot leave it, such as standard output). A list's rows are made from cases
/// spread over memory and the processor waits on each; two cores wait on two at once.
///
/// Output is never whole: at most [`BLOCKS_AHEAD`] blocks per thread are made but not yet
/// written, and their buffers are used again, so the memory touched stays a few blocks
/// whatever the length. The first error `write` returns stops the work and is returned.
/// Fewer than [`SERIAL_BELOW`] blocks are made on the calling thread, a block at a time.
pub fn write_in_order<T: Sync>(
    items: &[T],
    block: usize,
    bytes: usize,
    render: impl Fn(usize, &[T], &mut String) + Sync,
    mut write: impl FnMut(&str) -> std::io::Result<()>,
) -> std::io::Result<()> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let block = block.max(1);
    // One very wide row (a title of a megabyte) asks no more of every buffer than this.
    let bytes = bytes.min(1 << 20);
    let blocks = items.len().div_ceil(block);
    let threads = threads_for(items.len());
    let part = |i: usize| &items[i * block..((i + 1) * block).min(items.len())];
    if threads == 1 || blocks < SERIAL_BELOW {
        let mut buf = String::with_capacity(bytes);
        for i in 0..blocks {
            render(i * block, part(i), &mut buf);
            write(&buf)?;
            buf.clear();
        }
        return Ok(());
    }
    // A block is made only into a free buffer, and a buffer is free again once its block
    // is written: the buffers are the tokens that keep the threads at most `ahead`
    // blocks past the one written next. Blocks are taken in order, so the ones made but
    // not written are always among the `ahead` after it (and a slot each in `made`).
    let ahead = threads * BLOCKS_AHEAD;
    let (free_tx, free_rx) = std::sync::mpsc::sync_channel::<String>(ahead);
    // Made here, at the size a block is expected to take: a worker's first allocation
    // would take fresh memory of its own.
    for _ in 0..ahead {
        free_tx
            .send(String::with_capacity(bytes))
            .expect("room for every buffer");
    }
    let free_rx = std::sync::Mutex::new(free_rx);
    let (made_tx, made_rx) = std::sync::mpsc::channel::<(usize, std::thread::Result<String>)>();
    let next = AtomicUsize::new(0);
    let (render, part, next, free_rx) = (&render, &part, &next, &free_rx);
    let (result, panicked) = std::thread::scope(|s| {
        for _ in 0..threads {
            let made_tx = made_tx.clone();
            s.spawn(move || {
                loop {
                    // A poisoned lock only means another worker panicked; the scope
                    // passes that panic on.
                    let free = free_rx.lock().unwrap_or_else(|e| e.into_inner()).recv();
                    // No more buffers: written out, or stopped by an error.
                    let Ok(mut buf) = free else { break };
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= blocks {
                        break;
                    }
                    // A panic is passed to the writing thread, which stops the others
                    // (they would otherwise wait for buffers held by blocks after this one).
                    let made = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        render(i * block, part(i), &mut buf);
                        buf
                    }));
                    let failed = made.is_err();
                    if made_tx.send((i, made)).is_err() || failed {
                        break;
                    }
                }
            });
        }
        drop(made_tx);
        let mut made: Vec<Option<String>> = (0..ahead).map(|_| None).collect();
        let mut want = 0;
        let mut result = Ok(());
        let mut panicked = None;
        'written: while want < blocks {
            let Ok((i, buf)) = made_rx.recv() else { break };
            let buf = match buf {
                Ok(buf) => buf,
                Err(panic) => {
                    panicked = Some(panic);
                    break;
                }
            };
            made[i % ahead] = Some(buf);
            while let Some(mut buf) = made[want % ahead].take() {
                result = write(&buf);
                want += 1;
                if result.is_err() {
                    break 'written;
                }
                buf.clear();
                // The workers keep the receiving end until the scope ends.
                let _ = free_tx.send(buf);
            }
        }
        // No more buffers: the workers waiting for one stop.
        drop(free_tx);
        (result, panicked)
    });
    if let Some(panic) = panicked {
        std::panic::resume_unwind(panic);
    }
    result
}

/// Below this many blocks [`write_in_order`] starts no thread: a `list` table of 2,753
/// rows (6 blocks of 512) took 1.25× as long to write on two cores as on one, and 5,510
/// rows 1.07× the whole command's time; 50,000 rows 0.83×.
pub const SERIAL_BELOW: usize = 16;

/// How many blocks each thread may make past the one [`write_in_order`] writes next.
pub const BLOCKS_AHEAD: usize = 2;

/// How many threads for `n` items: one for a few, else one per core (at most eight).
fn threads_for(n: usize) -> usize {
    if n < 64 { 1 } else { cores() }
}

/// The cores this process may use (at most eight), asked once: the standard library
/// reads the cgroup's CPU quota each time (four files on Linux), and a read asked
/// twice per run.
pub fn cores() -> usize {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| {
        std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(8)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each item as a line, as `write_in_order` is given it.
    fn lines(first: usize, part: &[usize], buf: &mut String) {
        for (k, i) in part.iter().enumerate() {
            assert_eq!(first + k, *i, "the block's first item's place");
            buf.push_str(&i.to_string());
            buf.push('\n');
        }
    }

    #[test]
    fn blocks_are_written_in_order_and_never_too_many_ahead() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let threads = threads_for(10_000);
        for (n, block) in [
            (0usize, 7usize),
            (1, 7),
            (27, 7),
            (28, 7),
            (29, 7),
            (111, 7),
            (112, 7),
            (113, 7),
            (1000, 1),
            (9000, 512),
            (5001, 64),
        ] {
            let items: Vec<usize> = (0..n).collect();
            let expected: String = items.iter().map(|i| format!("{i}\n")).collect();
            // Blocks made and blocks written: made but unwritten never exceeds the buffers.
            let (made, written) = (AtomicUsize::new(0), AtomicUsize::new(0));
            let mut out = String::new();
            let mut writes = 0;
            write_in_order(
                &items,
                block,
                16,
                |first, part, buf| {
                    assert!(
                        buf.is_empty(),
                        "a buffer is cleared before it is used again"
                    );
                    assert!(
                        buf.capacity() >= 16,
                        "a buffer comes with the room asked for"
                    );
                    let ahead =
                        made.fetch_add(1, Ordering::SeqCst) + 1 - written.load(Ordering::SeqCst);
                    assert!(ahead <= threads * BLOCKS_AHEAD, "{ahead} blocks made ahead");
                    lines(first, part, buf);
                },
                |text| {
                    written.fetch_add(1, Ordering::SeqCst);
                    writes += 1;
                    out.push_str(text);
                    Ok(())
                },
            )
            .unwrap();
            assert_eq!(out, expected, "{n} items in blocks of {block}");
            assert_eq!(writes, n.div_ceil(block), "one write per block");
        }
    }

    #[test]
    fn the_first_write_error_stops_the_work_and_is_returned() {
        let items: Vec<usize> = (0..100_000).collect();
        let mut writes = 0;
        let err = write_in_order(&items, 10, 64, lines, |_| {
            writes += 1;
            match writes {
                3 => Err(std::io::Error::from(std::io::ErrorKind::BrokenPipe)),
                _ => Ok(()),
            }
        })
        .unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::BrokenPipe);
        assert_eq!(writes, 3, "nothing is written after the error");
    }

    #[test]
    fn a_panic_while_making_a_block_is_passed_on_not_waited_for() {
        let items: Vec<usize> = (0..100_000).collect();
        let caught = std::panic::catch_unwind(|| {
            write_in_order(
                &items,
                10,
                64,
                |first, part, buf| {
                    assert!(part[0] != 500, "block 50 fails");
                    lines(first, part, buf);
                },
                |_| Ok(()),
            )
        });
        assert!(caught.is_err(), "the panic reaches the caller");
    }

    #[test]
    fn results_keep_the_order_of_the_items() {
        for n in [0usize, 1, 63, 64, 65, 1000, 1001] {
            let items: Vec<usize> = (0..n).collect();
            let out = on_cores(&items, |i| i * 2);
            assert_eq!(
                out,
                items.iter().map(|i| i * 2).collect::<Vec<_>>(),
                "{n} items"
            );
            // Each thread's state is its own: a count of the items it saw so far.
            let seen = on_cores_with(
                &items,
                || 0usize,
                |count, i| {
                    *count += 1;
                    (*i, *count)
                },
            );
            assert_eq!(seen.iter().map(|(i, _)| *i).collect::<Vec<_>>(), items);
            assert!(seen.iter().all(|(_, c)| *c >= 1 && *c <= n));
            // Any number of results per item, joined in the items' order.
            let flat = flat_on_cores_with(
                &items,
                2,
                || (),
                |(), i, out| out.extend(std::iter::repeat_n(*i, i % 3)),
            );
            let expected: Vec<usize> = items
                .iter()
                .flat_map(|i| std::iter::repeat_n(*i, i % 3))
                .collect();
            assert_eq!(flat, expected, "{n} items, flat");
            // However many results an item may give, nothing is reserved beyond reason.
            let flat = flat_on_cores_with(&items, usize::MAX, || (), |(), i, out| out.push(*i));
            assert_eq!(flat, items, "{n} items, any most");
        }
    }
}
