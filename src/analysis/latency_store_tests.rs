use std::time::Duration;

use super::*;
use crate::monitor::snapshot::latency::{LatencyBucket, LatencyRead};

/// `percentile_cont` as PostgreSQL computes it.
fn exact(values: &[i64], p: f64) -> f64 {
    let mut v = values.to_vec();
    v.sort_unstable();
    let pos = p * (v.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    v[lo] as f64 + (v[hi] - v[lo]) as f64 * (pos - lo as f64)
}

/// What the SQL returns for these (bucket, hash, ms) rows.
fn rows(logged: &[(i64, &str, i64)], threshold_ms: i64) -> Vec<LatencyBucket> {
    let mut cells: BTreeMap<(i64, String), Vec<i64>> = BTreeMap::new();
    for (bucket, hash, ms) in logged {
        cells
            .entry((*bucket, hash.to_string()))
            .or_default()
            .push(*ms);
    }
    cells
        .into_iter()
        .map(|((bucket, hash), ms)| {
            let mut histogram: BTreeMap<u16, u32> = BTreeMap::new();
            for v in &ms {
                *histogram.entry(histogram_bucket(*v)).or_default() += 1;
            }
            LatencyBucket {
                bucket,
                query_hash: hash,
                count: ms.len() as i64,
                sum_ms: ms.iter().sum::<i64>() as f64,
                max_ms: *ms.iter().max().unwrap() as f64,
                slow_count: ms.iter().filter(|v| **v > threshold_ms).count() as i64,
                rows_examined: 10 * ms.len() as i64,
                rows_returned: ms.len() as i64,
                histogram: histogram.into_iter().collect(),
            }
        })
        .collect()
}

fn read(
    sequence: u64,
    window_bucket: i64,
    from_bucket: i64,
    buckets: Vec<LatencyBucket>,
) -> LatencyRead {
    LatencyRead {
        sequence,
        window: Duration::from_secs(900),
        slow_threshold: Duration::from_secs(5),
        width_s: 60,
        window_bucket,
        from_bucket,
        now_bucket: buckets
            .iter()
            .map(|b| b.bucket)
            .max()
            .unwrap_or(from_bucket),
        full: sequence == 1,
        buckets,
        search: None,
    }
}

/// A spread of latencies: many fast, a long tail (deterministic).
fn latencies(n: usize, seed: u64) -> Vec<i64> {
    let mut x = seed;
    (0..n)
        .map(|_| {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let u = (x >> 11) as f64 / (1u64 << 53) as f64;
            (2.0 * (1.0 / (1.0 - u * 0.999)).powf(1.6)) as i64 * (1 + (x % 7) as i64)
        })
        .collect()
}

fn close(approx: f64, exact: f64) -> bool {
    (approx - exact).abs() <= PERCENTILE_ERROR * exact.abs() + 1e-9
}

#[test]
fn merged_percentiles_are_within_the_bound_of_percentile_cont() {
    for seed in 1..20 {
        let values = latencies(2_000 + seed as usize * 37, seed);
        let logged: Vec<(i64, &str, i64)> = values
            .iter()
            .enumerate()
            .map(|(i, v)| {
                (
                    100 + (i % 15) as i64,
                    if i % 3 == 0 { "a" } else { "b" },
                    *v,
                )
            })
            .collect();
        let mut store = LatencyStore::default();
        let r = read(1, 100, 100, rows(&logged, 5_000));
        store.absorb(&r);
        let (log, cap) = store.summary(&r);
        let overall = log.overall.unwrap();
        assert_eq!(overall.count, values.len() as i64);
        assert_eq!(overall.max_ms, *values.iter().max().unwrap() as f64);
        let mean = values.iter().sum::<i64>() as f64 / values.len() as f64;
        assert!((overall.mean_ms - mean).abs() < 1e-9);
        assert_eq!(
            overall.slow_count,
            values.iter().filter(|v| **v > 5_000).count() as i64
        );
        for (p, got) in [
            (0.5, overall.p50_ms),
            (0.95, overall.p95_ms),
            (0.99, overall.p99_ms),
        ] {
            assert!(
                close(got, exact(&values, p)),
                "seed {seed} p{p}: {got} vs {}",
                exact(&values, p)
            );
        }
        assert_eq!(cap.total, 2);
        for q in &log.queries {
            let mine: Vec<i64> = logged
                .iter()
                .filter(|(_, h, _)| Some(*h) == q.query_hash.as_deref())
                .map(|(_, _, v)| *v)
                .collect();
            assert_eq!(q.count, mine.len() as i64);
            assert!(close(q.p95_ms, exact(&mine, 0.95)));
        }
        assert!(log.queries[0].p95_ms >= log.queries[1].p95_ms);
    }
}

#[test]
fn small_integer_latencies_are_exact() {
    let values: Vec<i64> = (0..500).map(|i| i % 30).collect();
    let logged: Vec<(i64, &str, i64)> = values.iter().map(|v| (5, "q", *v)).collect();
    let mut store = LatencyStore::default();
    let r = read(1, 0, 0, rows(&logged, 5_000));
    store.absorb(&r);
    let overall = store.summary(&r).0.overall.unwrap();
    assert_eq!(overall.p50_ms, exact(&values, 0.5));
    assert_eq!(overall.p95_ms, exact(&values, 0.95));
    assert_eq!(overall.p99_ms, exact(&values, 0.99));
}

#[test]
fn an_overlapping_read_replaces_its_buckets_instead_of_adding() {
    let mut store = LatencyStore::default();
    let first = read(
        1,
        100,
        100,
        rows(&[(100, "a", 10), (101, "a", 20), (102, "a", 30)], 5_000),
    );
    store.absorb(&first);
    // The next read starts one bucket before the high-water mark (102): 101 and 102 come
    // again, with a late row in 101 and a new one in 103.
    let next = read(
        2,
        100,
        101,
        rows(
            &[
                (101, "a", 20),
                (101, "a", 25),
                (102, "a", 30),
                (103, "a", 40),
            ],
            5_000,
        ),
    );
    store.absorb(&next);
    let overall = store.summary(&next).0.overall.unwrap();
    assert_eq!(overall.count, 5);
    assert_eq!(overall.max_ms, 40.0);
    assert_eq!(overall.mean_ms, 125.0 / 5.0);
}

#[test]
fn buckets_before_the_window_are_evicted_and_a_new_width_starts_over() {
    let mut store = LatencyStore::default();
    store.absorb(&read(
        1,
        100,
        100,
        rows(&[(100, "old", 10), (110, "new", 20)], 5_000),
    ));
    let later = read(2, 105, 110, rows(&[(110, "new", 20)], 5_000));
    store.absorb(&later);
    let (log, cap) = store.summary(&later);
    assert_eq!(log.overall.unwrap().count, 1);
    assert_eq!(cap.total, 1);
    assert_eq!(store.cells(), 1);
    assert_eq!(store.names.len(), 1);
    let mut wider = read(3, 0, 0, rows(&[(1, "x", 5)], 5_000));
    wider.width_s = 120;
    store.absorb(&wider);
    assert_eq!(store.summary(&wider).0.overall.unwrap().count, 1);
}

#[test]
fn an_empty_window_has_no_overall_row() {
    let mut store = LatencyStore::default();
    let r = read(1, 100, 100, Vec::new());
    store.absorb(&r);
    let (log, cap) = store.summary(&r);
    assert_eq!(log.overall, None);
    assert!(log.queries.is_empty());
    assert_eq!(cap.total, 0);
}

#[test]
fn the_list_is_searched_over_every_hash_and_capped_at_200() {
    let names: Vec<String> = (0..250).map(|i| format!("hash_{i:03}")).collect();
    let logged: Vec<(i64, &str, i64)> = names
        .iter()
        .enumerate()
        .map(|(i, n)| (1, n.as_str(), i as i64))
        .collect();
    let mut store = LatencyStore::default();
    let mut r = read(1, 0, 0, rows(&logged, 5_000));
    store.absorb(&r);
    let (log, cap) = store.summary(&r);
    assert_eq!((cap.shown, cap.total), (200, 250));
    assert!(cap.is_capped());
    assert_eq!(log.queries[0].query_hash.as_deref(), Some("hash_249"));
    r.search = Some("HASH_01".into());
    let (log, cap) = store.summary(&r);
    assert_eq!((cap.shown, cap.total), (10, 10));
    assert_eq!(
        log.overall.unwrap().count,
        250,
        "the overall row covers every hash"
    );
}

#[test]
fn hashes_beyond_the_kept_number_count_in_the_overall_row_only_and_the_title_can_say_so() {
    // One minute with KEPT_HASHES + 5 distinct hashes, hash i once at i ms: the five
    // fastest are folded.
    let names: Vec<String> = (0..KEPT_HASHES + 5).map(|i| format!("h{i:05}")).collect();
    let logged: Vec<(i64, &str, i64)> = names
        .iter()
        .enumerate()
        .map(|(i, name)| (100, name.as_str(), 1 + i as i64))
        .collect();
    let mut store = LatencyStore::default();
    let first = read(1, 90, 90, rows(&logged, 5_000));
    store.absorb(&first);
    assert_eq!(store.cells(), KEPT_HASHES);
    assert_eq!(store.folded_hashes(), 5);
    let (log, cap) = store.summary(&first);
    assert_eq!(log.overall.map(|o| o.count), Some(logged.len() as i64));
    assert_eq!(log.folded_hashes, 5);
    assert_eq!(cap.total, KEPT_HASHES as i64);
    let slowest = format!("h{:05}", KEPT_HASHES + 4);
    assert_eq!(log.queries[0].query_hash.as_deref(), Some(slowest.as_str()));
    // The minute leaves the window: nothing is folded any more.
    let later = read(2, 200, 200, rows(&[(200, "a", 3)], 5_000));
    store.absorb(&later);
    assert_eq!(store.folded_hashes(), 0);
    assert_eq!(store.summary(&later).0.overall.map(|o| o.count), Some(1));
}
