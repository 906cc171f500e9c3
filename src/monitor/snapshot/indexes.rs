//! Indexes screen data: usage and definition of every user index, what is wrong with
//! them, and the tables that are read by sequential scans.

/// One user index: usage counters (`pg_stat_user_indexes`, cumulative since the last
/// stats reset), a lock-free size estimate and its definition as catalog node trees,
/// enough to tell duplicates apart without deparsing.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct IndexInfo {
    pub indexrelid: u32,
    pub table_relid: u32,
    pub schema: String,
    pub table: String,
    pub name: String,
    /// `btree`, `hash`, `gin`, `gist`, `brin`, ...
    pub access_method: String,
    pub idx_scan: i64,
    pub idx_tup_read: i64,
    pub idx_tup_fetch: i64,
    /// `relpages × block_size` as of the index's last VACUUM, ANALYZE or build.
    pub size_bytes: i64,
    pub is_unique: bool,
    pub is_primary: bool,
    /// `indisvalid`: false after a failed CREATE INDEX / REINDEX CONCURRENTLY. Such an
    /// index is still maintained on every write but never used by queries.
    pub is_valid: bool,
    /// `indisready`: whether inserts maintain it.
    pub is_ready: bool,
    /// A constraint names it in `pg_constraint.conindid` (primary key, unique,
    /// exclusion, or a foreign key referencing it): it cannot simply be dropped.
    pub backs_constraint: bool,
    /// `indnkeyatts`: the first `key_columns` of `columns` are keys, the rest INCLUDE.
    pub key_columns: usize,
    /// `indkey`: table column numbers, 0 for an expression.
    pub columns: Vec<i16>,
    /// `indclass`, `indcollation`, `indoption`: one per key column.
    pub opclasses: Vec<u32>,
    pub collations: Vec<u32>,
    pub options: Vec<i16>,
    /// `indexprs` / `indpred` as node-tree text with parse locations removed: equal
    /// texts mean equal definitions. For comparison, not for display.
    pub expressions: Option<String>,
    pub predicate: Option<String>,
}

impl IndexInfo {
    /// Whether the index has INCLUDE columns.
    pub fn has_include_columns(&self) -> bool {
        self.columns.len() > self.key_columns
    }
}

/// How one user table is read (`pg_stat_user_tables`), for the missing-index hint.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TableScans {
    pub relid: u32,
    pub schema: String,
    pub table: String,
    pub seq_scan: i64,
    /// Rows returned by sequential scans.
    pub seq_tup_read: i64,
    /// 0 when the table has no index.
    pub idx_scan: i64,
    pub idx_tup_fetch: i64,
    /// Whether the table has any index (the view's idx_scan is NULL when not).
    pub has_indexes: bool,
    pub n_live_tup: i64,
}

impl TableScans {
    /// Rows per sequential scan on average; `None` before the first one.
    pub fn rows_per_seq_scan(&self) -> Option<f64> {
        (self.seq_scan > 0).then(|| self.seq_tup_read as f64 / self.seq_scan as f64)
    }
}
