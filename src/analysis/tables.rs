//! Hints about user tables from what the slow tier read: how fast a table grows (from the
//! statistics snapshots the application records) and whether it looks like it misses an
//! index (from its scan counts).

use std::time::SystemTime;

use crate::monitor::snapshot::cache::SnapshotPoint;
use crate::monitor::snapshot::indexes::TableScans;

const SECONDS_PER_DAY: f64 = 86_400.0;

/// Average rows per sequential scan above which a table looks like it misses an index.
/// Scanning a thousand rows to answer a query is what an index exists to avoid; below
/// that, sequential scans of small tables are often the planner's best choice.
const SEQ_ROWS_PER_SCAN_HINT: i64 = 1_000;

/// Growth of one table in bytes per day, between its earliest and latest point that
/// have a size. `None` with fewer than two such points or when they share one instant.
/// The points must belong to one table (see [`SnapshotHistory::tables`](crate::monitor::snapshot::cache::SnapshotHistory::tables)); their order
/// does not matter.
pub fn growth_per_day(points: &[SnapshotPoint]) -> Option<f64> {
    let sized = points
        .iter()
        .filter_map(|p| p.size_bytes.map(|size| (p.at, size)));
    let mut first: Option<(SystemTime, i64)> = None;
    let mut last: Option<(SystemTime, i64)> = None;
    let mut count = 0usize;
    for (at, size) in sized {
        count += 1;
        if first.is_none_or(|(t, _)| at < t) {
            first = Some((at, size));
        }
        if last.is_none_or(|(t, _)| at >= t) {
            last = Some((at, size));
        }
    }
    let ((t0, s0), (t1, s1)) = (first?, last?);
    let span = t1.duration_since(t0).ok()?.as_secs_f64();
    if count < 2 || span <= 0.0 {
        return None;
    }
    Some((s1 - s0) as f64 / span * SECONDS_PER_DAY)
}

/// Whether a table looks like it misses an index: its sequential scans return more
/// than 1,000 rows each on average (large reads, not lookups of a small table) and it
/// is scanned sequentially more often than through any index (so the existing
/// indexes, if any, do not serve most of its queries). A heuristic for where to look,
/// not proof: reporting queries that read the whole table match it too.
pub fn missing_index_hint(t: &TableScans) -> bool {
    t.seq_scan > 0
        && t.seq_tup_read / t.seq_scan > SEQ_ROWS_PER_SCAN_HINT
        && t.seq_scan > t.idx_scan
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    const HOUR: u64 = 3_600;

    fn point(hours: u64, size: Option<i64>) -> SnapshotPoint {
        SnapshotPoint {
            table_name: "learning_sessions".into(),
            at: SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000 + hours * HOUR),
            size_bytes: size,
            rows: None,
            cache_hit_ratio: None,
        }
    }

    #[test]
    fn growth_per_day_cases() {
        let cases: &[(&str, Vec<SnapshotPoint>, Option<f64>)] = &[
            ("no points", vec![], None),
            ("one point", vec![point(0, Some(100))], None),
            (
                "two points at the same instant",
                vec![point(5, Some(100)), point(5, Some(900))],
                None,
            ),
            (
                "one day, +1 MiB",
                vec![point(0, Some(0)), point(24, Some(1_048_576))],
                Some(1_048_576.0),
            ),
            (
                "half a day, +500 bytes: 1000 per day",
                vec![point(0, Some(1_000)), point(12, Some(1_500))],
                Some(1_000.0),
            ),
            (
                "shrinking after VACUUM FULL",
                vec![point(0, Some(4_000)), point(48, Some(2_000))],
                Some(-1_000.0),
            ),
            (
                "first and last count, not the middle",
                vec![
                    point(0, Some(0)),
                    point(12, Some(999_999)),
                    point(24, Some(10)),
                ],
                Some(10.0),
            ),
            (
                "points without a size are skipped",
                vec![point(0, None), point(24, Some(100)), point(48, Some(200))],
                Some(100.0),
            ),
            (
                "only one sized point",
                vec![point(0, None), point(24, Some(100))],
                None,
            ),
            (
                "order does not matter",
                vec![point(24, Some(300)), point(0, Some(100))],
                Some(200.0),
            ),
        ];
        for (what, points, expected) in cases {
            let got = growth_per_day(points);
            match (got, expected) {
                (Some(g), Some(e)) => assert!((g - e).abs() < 1e-6, "{what}: {g} != {e}"),
                _ => assert_eq!(got, *expected, "{what}"),
            }
        }
    }

    fn scans(seq_scan: i64, seq_tup_read: i64, idx_scan: i64) -> TableScans {
        TableScans {
            relid: 1,
            schema: "public".into(),
            table: "learning_sessions".into(),
            seq_scan,
            seq_tup_read,
            idx_scan,
            idx_tup_fetch: 0,
            has_indexes: idx_scan > 0,
            n_live_tup: seq_tup_read,
        }
    }

    #[test]
    fn missing_index_hint_cases() {
        let cases = [
            ("never scanned", scans(0, 0, 0), false),
            ("big reads, no index scans", scans(10, 50_000, 0), true),
            (
                "big reads, mostly index scans",
                scans(10, 50_000, 1_000),
                false,
            ),
            (
                "exactly 1000 rows per scan is not over",
                scans(10, 10_000, 0),
                false,
            ),
            (
                "small table scanned often",
                scans(10_000, 100_000, 0),
                false,
            ),
            ("as many index as seq scans", scans(10, 50_000, 10), false),
            ("one more seq than index scan", scans(11, 50_000, 10), true),
        ];
        for (what, table, expected) in cases {
            assert_eq!(missing_index_hint(&table), expected, "{what}");
        }
    }
}
