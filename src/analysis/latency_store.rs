//! The latency window kept client-side: per (time bucket, query hash) histograms from the
//! incremental reads of `query_performance_log` (`monitor::snapshot::latency`), merged into
//! the count, mean, p50/p95/p99, max, slow count and rows per hash and overall that the
//! Queries table and the dashboard's p95 tile show (`PerformanceLog`, as the whole-window
//! query gave them).
//!
//! Exact: count, mean, max, slow count, rows. Approximate: the percentiles, from the
//! histogram (0..31 ms exact, then buckets 4% wide): within [`PERCENTILE_ERROR`] of
//! `percentile_cont` over the same rows. The window is whole time buckets: those from the
//! bucket holding `now - window` on (up to one bucket more than the window).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use crate::monitor::snapshot::latency::{
    EXACT_BELOW_MS, LOG_FACTOR, LatencyRead, histogram_bucket,
};
use crate::monitor::snapshot::{ListCap, PerformanceLog, QueryLatency};

/// Relative error bound of a merged percentile: half a log bucket, sqrt(1.04) - 1.
pub const PERCENTILE_ERROR: f64 = 0.0199;

/// At most this many hashes are listed (slowest p95 first), as the whole-window query did.
pub const HASH_CAP: usize = 200;

/// At most this many hashes are kept per time bucket with their own histogram; the
/// rest of a bucket (the hashes whose slowest execution in the bucket was the fastest)
/// is folded into one cell that only the overall row counts. The memory of the window is
/// then bounded by buckets × this, however many distinct hashes the application logs,
/// and the listed 200 slowest are the same unless thousands of hashes are slower.
pub const KEPT_HASHES: usize = 2_000;

/// One (time bucket, hash): sums and a sparse histogram.
#[derive(Debug, Clone, Default, PartialEq)]
struct Cell {
    count: i64,
    sum_ms: f64,
    max_ms: f64,
    slow_count: i64,
    rows_examined: i64,
    rows_returned: i64,
    histogram: Vec<(u16, u32)>,
}

impl Cell {
    fn add(&mut self, other: &Cell) {
        self.count += other.count;
        self.sum_ms += other.sum_ms;
        self.max_ms = self.max_ms.max(other.max_ms);
        self.slow_count += other.slow_count;
        self.rows_examined += other.rows_examined;
        self.rows_returned += other.rows_returned;
        self.histogram.extend_from_slice(&other.histogram);
    }

    /// Sorts and folds the histogram's repeated buckets (after [`Cell::add`]s).
    fn fold(&mut self) {
        self.histogram.sort_unstable_by_key(|(h, _)| *h);
        self.histogram.dedup_by(|next, kept| {
            if next.0 == kept.0 {
                kept.1 = kept.1.saturating_add(next.1);
                true
            } else {
                false
            }
        });
    }

    fn latency(&self, query_hash: Option<String>) -> QueryLatency {
        QueryLatency {
            query_hash,
            count: self.count,
            mean_ms: if self.count > 0 {
                self.sum_ms / self.count as f64
            } else {
                0.0
            },
            p50_ms: percentile(&self.histogram, 0.5, self.max_ms),
            p95_ms: percentile(&self.histogram, 0.95, self.max_ms),
            p99_ms: percentile(&self.histogram, 0.99, self.max_ms),
            max_ms: self.max_ms,
            slow_count: self.slow_count,
            rows_examined: self.rows_examined,
            rows_returned: self.rows_returned,
        }
    }
}

/// The buckets of the window, keyed by time bucket then hash.
#[derive(Debug, Default)]
pub struct LatencyStore {
    width_s: i64,
    buckets: BTreeMap<i64, HashMap<Arc<str>, Cell>>,
    /// Per time bucket, the hashes beyond [`KEPT_HASHES`] folded together.
    folded: BTreeMap<i64, Folded>,
    /// Hash texts, stored once.
    names: HashSet<Arc<str>>,
}

/// The hashes of one time bucket beyond [`KEPT_HASHES`]: one cell, and how many.
#[derive(Debug, Default)]
struct Folded {
    cell: Cell,
    hashes: usize,
}

impl LatencyStore {
    /// Folds one read in: every bucket from `read.from_bucket` on is replaced by the read's
    /// (a re-read overlap is never counted twice), buckets before the window are dropped.
    pub fn absorb(&mut self, read: &LatencyRead) {
        if read.width_s != self.width_s {
            self.buckets.clear();
            self.folded.clear();
            self.width_s = read.width_s;
        }
        self.buckets.split_off(&read.from_bucket);
        self.buckets = self.buckets.split_off(&read.window_bucket);
        self.folded.split_off(&read.from_bucket);
        self.folded = self.folded.split_off(&read.window_bucket);
        for row in &read.buckets {
            if row.bucket < read.window_bucket {
                continue;
            }
            let name = self.name(&row.query_hash);
            let cell = Cell {
                count: row.count,
                sum_ms: row.sum_ms,
                max_ms: row.max_ms,
                slow_count: row.slow_count,
                rows_examined: row.rows_examined,
                rows_returned: row.rows_returned,
                histogram: row.histogram.clone(),
            };
            self.buckets
                .entry(row.bucket)
                .or_default()
                .entry(name)
                .or_default()
                .add(&cell);
        }
        self.fold_beyond_cap(read.from_bucket);
        // Hashes no longer in any bucket are forgotten.
        let live: HashSet<&Arc<str>> = self.buckets.values().flat_map(HashMap::keys).collect();
        let kept: HashSet<Arc<str>> = self
            .names
            .iter()
            .filter(|n| live.contains(n))
            .cloned()
            .collect();
        self.names = kept;
    }

    /// Folds the hashes beyond [`KEPT_HASHES`] of each bucket read (from `from` on):
    /// those with the fastest slowest execution go, so the slow ones stay listed.
    fn fold_beyond_cap(&mut self, from: i64) {
        for (bucket, cells) in self.buckets.range_mut(from..) {
            if cells.len() <= KEPT_HASHES {
                continue;
            }
            let mut by_max: Vec<(f64, Arc<str>)> = cells
                .iter()
                .map(|(name, cell)| (cell.max_ms, Arc::clone(name)))
                .collect();
            by_max.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
            let folded = self.folded.entry(*bucket).or_default();
            for (_, name) in by_max.drain(KEPT_HASHES..) {
                if let Some(cell) = cells.remove(&name) {
                    folded.cell.add(&cell);
                    folded.hashes += 1;
                }
            }
            folded.cell.fold();
            cells.shrink_to_fit();
        }
    }

    /// How many hashes the window holds only in the overall row (most in one bucket:
    /// at least that many distinct hashes were left out of the list).
    pub fn folded_hashes(&self) -> usize {
        self.folded.values().map(|f| f.hashes).max().unwrap_or(0)
    }

    fn name(&mut self, hash: &str) -> Arc<str> {
        if let Some(name) = self.names.get(hash) {
            return Arc::clone(name);
        }
        let name: Arc<str> = Arc::from(hash);
        self.names.insert(Arc::clone(&name));
        name
    }

    /// How many (time bucket, hash) cells are kept.
    pub fn cells(&self) -> usize {
        self.buckets.values().map(HashMap::len).sum()
    }

    /// The window as the Queries table and the p95 tile read it, as of `read` (its window,
    /// threshold and search): the hashes containing the search text (case-insensitively),
    /// slowest p95 first, at most [`HASH_CAP`], with how many matched; the overall row over
    /// every hash.
    pub fn summary(&self, read: &LatencyRead) -> (PerformanceLog, ListCap) {
        let mut per_hash: HashMap<&Arc<str>, Cell> = HashMap::new();
        let mut overall = Cell::default();
        for cells in self.buckets.range(read.window_bucket..).map(|(_, c)| c) {
            for (name, cell) in cells {
                per_hash.entry(name).or_default().add(cell);
                overall.add(cell);
            }
        }
        for (_, folded) in self.folded.range(read.window_bucket..) {
            overall.add(&folded.cell);
        }
        overall.fold();
        let needle = read.search.as_deref().map(str::to_lowercase);
        let mut queries: Vec<QueryLatency> = per_hash
            .into_iter()
            .filter(|(name, _)| {
                needle
                    .as_deref()
                    .is_none_or(|n| name.to_lowercase().contains(n))
            })
            .map(|(name, mut cell)| {
                cell.fold();
                cell.latency(Some(name.to_string()))
            })
            .collect();
        queries.sort_by(|a, b| {
            b.p95_ms
                .total_cmp(&a.p95_ms)
                .then_with(|| a.query_hash.cmp(&b.query_hash))
        });
        let total = queries.len() as i64;
        queries.truncate(HASH_CAP);
        let cap = ListCap {
            shown: queries.len(),
            total,
            search: read.search.clone(),
        };
        let log = PerformanceLog {
            window: read.window,
            slow_threshold: read.slow_threshold,
            queries,
            overall: (overall.count > 0).then(|| overall.latency(None)),
            folded_hashes: self.folded_hashes(),
        };
        (log, cap)
    }
}

/// The value standing for histogram bucket `h`: the bucket's integer itself below 32 ms,
/// else the geometric middle of the whole ms values the bucket holds.
fn representative(h: u16) -> f64 {
    if i64::from(h) < EXACT_BELOW_MS {
        return f64::from(h);
    }
    let k = f64::from(h) - EXACT_BELOW_MS as f64;
    let first = smallest_in(
        h,
        (EXACT_BELOW_MS as f64 * LOG_FACTOR.powf(k)).ceil() as i64,
    );
    let next = smallest_in(
        h.saturating_add(1),
        (EXACT_BELOW_MS as f64 * LOG_FACTOR.powf(k + 1.0)).ceil() as i64,
    );
    let last = (next - 1).max(first);
    ((first as f64) * (last as f64)).sqrt()
}

/// The smallest whole ms in bucket `h`, near `guess` (floating point may be one off).
fn smallest_in(h: u16, guess: i64) -> i64 {
    let mut v = guess.max(EXACT_BELOW_MS);
    while v > EXACT_BELOW_MS && histogram_bucket(v - 1) >= h {
        v -= 1;
    }
    while histogram_bucket(v) < h {
        v += 1;
    }
    v
}

/// `percentile_cont(p)` from a sorted, folded histogram: the values at the two ranks around
/// p·(n−1), interpolated linearly, each read as its bucket's representative (at most `max`).
fn percentile(histogram: &[(u16, u32)], p: f64, max: f64) -> f64 {
    let n: u64 = histogram.iter().map(|(_, c)| u64::from(*c)).sum();
    if n == 0 {
        return 0.0;
    }
    let position = p * (n - 1) as f64;
    let low = position.floor() as u64;
    let high = position.ceil() as u64;
    let at = |rank: u64| -> f64 {
        let mut seen = 0u64;
        for (h, c) in histogram {
            seen += u64::from(*c);
            if rank < seen {
                return representative(*h).min(max);
            }
        }
        max
    };
    let (a, b) = (at(low), at(high));
    a + (b - a) * (position - low as f64)
}

#[cfg(test)]
#[path = "latency_store_tests.rs"]
mod tests;
