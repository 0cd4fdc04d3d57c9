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

/// How many threads for `n` items: one for a few, else one per core (at most eight).
fn threads_for(n: usize) -> usize {
    if n < 64 {
        1
    } else {
        std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(8)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
