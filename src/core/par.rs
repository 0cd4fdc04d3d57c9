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
    let threads = if items.len() < 64 {
        1
    } else {
        std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(8)
    };
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
        }
    }
}
