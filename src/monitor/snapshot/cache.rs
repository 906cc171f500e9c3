//! Cache screen data: per-table buffer hits and reads with lock-free size estimates, and
//! the per-table history the application records in `database_statistics_snapshot`.

use std::time::{Duration, SystemTime};

/// Buffer-cache counters of one user table (`pg_statio_user_tables`, cumulative since
/// the last stats reset) with size estimates from `pg_class.relpages`.
///
/// Sizes are estimates as of the table's last VACUUM, ANALYZE or CREATE INDEX: reading
/// the catalog never waits for a lock, unlike `pg_total_relation_size()`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TableCache {
    pub relid: u32,
    pub schema: String,
    pub table: String,
    /// Heap blocks found in shared buffers / read from the OS (or disk).
    pub heap_blks_hit: i64,
    pub heap_blks_read: i64,
    /// Blocks of all the table's indexes.
    pub idx_blks_hit: i64,
    pub idx_blks_read: i64,
    /// Blocks of the TOAST table and its index; 0 when there is none.
    pub toast_blks_hit: i64,
    pub toast_blks_read: i64,
    /// `relpages × block_size` of the heap.
    pub heap_bytes: i64,
    /// Sum of `relpages × block_size` over the table's indexes.
    pub index_bytes: i64,
    /// `relpages × block_size` of the TOAST table; 0 when there is none.
    pub toast_bytes: i64,
    /// `pg_class.reltuples`. `None` when never vacuumed or analyzed (PostgreSQL 14+
    /// stores −1 then; 13 stores 0, which shows as `Some(0)`).
    pub row_estimate: Option<i64>,
}

impl TableCache {
    /// Heap hits / (hits + reads); `None` before the first heap block was requested.
    pub fn heap_hit_ratio(&self) -> Option<f64> {
        hit_ratio(self.heap_blks_hit, self.heap_blks_read)
    }

    /// Index hits / (hits + reads) over the table's indexes; `None` when unused.
    pub fn index_hit_ratio(&self) -> Option<f64> {
        hit_ratio(self.idx_blks_hit, self.idx_blks_read)
    }

    /// Heap, index and TOAST blocks together, as the database-level ratio counts them.
    pub fn total_hit_ratio(&self) -> Option<f64> {
        hit_ratio(
            self.heap_blks_hit + self.idx_blks_hit + self.toast_blks_hit,
            self.heap_blks_read + self.idx_blks_read + self.toast_blks_read,
        )
    }

    /// Estimated heap + indexes + TOAST size in bytes.
    pub fn total_bytes(&self) -> i64 {
        self.heap_bytes
            .saturating_add(self.index_bytes)
            .saturating_add(self.toast_bytes)
    }
}

/// `hit / (hit + read)`, `None` when nothing was requested (no ratio, rather than 0 %
/// or 100 %, which would both be alarming or reassuring for no reason).
fn hit_ratio(hit: i64, read: i64) -> Option<f64> {
    let total = hit.saturating_add(read);
    (total > 0).then(|| hit as f64 / total as f64)
}

/// One row of `database_statistics_snapshot`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SnapshotPoint {
    /// As the writer recorded it (sanitized); not necessarily schema-qualified.
    pub table_name: String,
    /// `snapshot_date` (timestamp without time zone) read in the session's time zone.
    pub at: SystemTime,
    pub size_bytes: Option<i64>,
    pub rows: Option<i64>,
    /// 0..=1 (the column stores a percentage).
    pub cache_hit_ratio: Option<f64>,
}

/// The statistics history over a window, ordered by table name, then time.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SnapshotHistory {
    pub window: Duration,
    pub points: Vec<SnapshotPoint>,
    /// More rows than the cap were in the window: tables late in name order are cut.
    pub truncated: bool,
}

impl SnapshotHistory {
    /// The points of each table, one slice per table, in name order.
    pub fn tables(&self) -> impl Iterator<Item = &[SnapshotPoint]> {
        self.points.chunk_by(|a, b| a.table_name == b.table_name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(heap: (i64, i64), idx: (i64, i64)) -> TableCache {
        TableCache {
            relid: 1,
            schema: "public".into(),
            table: "t".into(),
            heap_blks_hit: heap.0,
            heap_blks_read: heap.1,
            idx_blks_hit: idx.0,
            idx_blks_read: idx.1,
            toast_blks_hit: 0,
            toast_blks_read: 0,
            heap_bytes: 8192,
            index_bytes: 16384,
            toast_bytes: 0,
            row_estimate: None,
        }
    }

    #[test]
    fn hit_ratios_need_requests() {
        let t = table((87, 13), (0, 0));
        assert_eq!(t.heap_hit_ratio(), Some(0.87));
        assert_eq!(t.index_hit_ratio(), None, "no index block requested");
        assert_eq!(t.total_hit_ratio(), Some(0.87));
        assert_eq!(t.total_bytes(), 24576);
    }

    #[test]
    fn history_splits_per_table() {
        let point = |name: &str| SnapshotPoint {
            table_name: name.into(),
            at: SystemTime::UNIX_EPOCH,
            size_bytes: None,
            rows: None,
            cache_hit_ratio: None,
        };
        let history = SnapshotHistory {
            window: Duration::from_secs(60),
            points: vec![point("a"), point("a"), point("b")],
            truncated: false,
        };
        let sizes: Vec<usize> = history.tables().map(<[_]>::len).collect();
        assert_eq!(sizes, [2, 1]);
    }
}
