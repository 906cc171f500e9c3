//! Maintenance panel data: per-table vacuum/analyze state with the effective autovacuum
//! settings, transaction ID wraparound, running VACUUM/ANALYZE/CREATE INDEX progress,
//! and the history of the seed's scheduled tasks from `maintenance_task_log`.
//!
//! Judgements on these (due for autovacuum, overdue against the schedule) are pure
//! functions in [`crate::monitor::collector`] (`autovacuum_verdict`, `vacuum_overdue`, ...), so the
//! data here stays what the server said.

use std::time::{Duration, SystemTime};

/// The autovacuum settings in force for one table: the table's reloptions where set, the
/// server's settings otherwise, resolved the way autovacuum itself resolves them.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AutovacuumSettings {
    /// The server runs autovacuum at all (`autovacuum` and `track_counts` both on).
    pub server_enabled: bool,
    /// The table's `autovacuum_enabled` reloption (true when unset).
    pub enabled: bool,
    pub vacuum_threshold: i64,
    pub vacuum_scale_factor: f64,
    /// `autovacuum_vacuum_max_threshold` (PostgreSQL 18+); `None` before 18 or when -1
    /// (no cap).
    pub vacuum_max_threshold: Option<i64>,
    /// -1 disables insert-triggered vacuums.
    pub vacuum_insert_threshold: i64,
    pub vacuum_insert_scale_factor: f64,
    pub analyze_threshold: i64,
    pub analyze_scale_factor: f64,
    /// `autovacuum_freeze_max_age`, lowered by the table's reloption when set.
    pub freeze_max_age: i64,
    /// The reloptions that overrode a server setting (`autovacuum_vacuum_scale_factor`...).
    #[serde(deserialize_with = "known_overrides")]
    pub table_overrides: Vec<&'static str>,
}

/// Every reloption that can override a server setting (what `table_overrides` holds).
pub const OVERRIDABLE_RELOPTIONS: &[&str] = &[
    "autovacuum_enabled",
    "autovacuum_vacuum_threshold",
    "autovacuum_vacuum_scale_factor",
    "autovacuum_vacuum_max_threshold",
    "autovacuum_vacuum_insert_threshold",
    "autovacuum_vacuum_insert_scale_factor",
    "autovacuum_analyze_threshold",
    "autovacuum_analyze_scale_factor",
    "autovacuum_freeze_max_age",
];

/// A recording stores the names as text; they come back as the static names (a name this
/// version does not know is dropped rather than leaked).
fn known_overrides<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Vec<&'static str>, D::Error> {
    let names: Vec<String> = serde::Deserialize::deserialize(deserializer)?;
    Ok(names
        .iter()
        .filter_map(|name| {
            OVERRIDABLE_RELOPTIONS
                .iter()
                .find(|known| **known == name.as_str())
                .copied()
        })
        .collect())
}

/// Vacuum and analyze state of one user table (`pg_stat_user_tables` + `pg_class`).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TableMaintenance {
    pub relid: u32,
    pub schema: String,
    pub name: String,
    /// A partitioned parent: autovacuum never processes it (its partitions are tables).
    pub partitioned: bool,
    pub n_live_tup: i64,
    pub n_dead_tup: i64,
    pub n_mod_since_analyze: i64,
    pub n_ins_since_vacuum: i64,
    pub last_vacuum: Option<SystemTime>,
    pub last_autovacuum: Option<SystemTime>,
    pub last_analyze: Option<SystemTime>,
    pub last_autoanalyze: Option<SystemTime>,
    pub vacuum_count: i64,
    pub autovacuum_count: i64,
    pub analyze_count: i64,
    pub autoanalyze_count: i64,
    /// `age(relfrozenxid)` in transactions; `None` for partitioned tables (no relfrozenxid).
    pub xid_age: Option<i32>,
    /// The planner's row estimate; -1 (PostgreSQL 14+) when never vacuumed or analyzed.
    pub reltuples: f64,
    pub relpages: i32,
    /// `relallfrozen` (PostgreSQL 18+), which scales the insert threshold there.
    pub relallfrozen: Option<i32>,
    pub autovacuum: AutovacuumSettings,
}

/// When the statistics of the connected database's tables began (`statistics_since.sql`):
/// `pg_stat_reset()` and a crash restart wipe `last_vacuum`, `last_analyze` and the tuple
/// counters, so "no run recorded" means "never" only when they go back to the cluster's
/// creation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StatisticsSince {
    /// `pg_stat_database.stats_reset` of the connected database.
    pub database_reset: Option<SystemTime>,
    /// PostgreSQL 15+: `database_reset` is set only by `pg_stat_reset()`; before, also
    /// when the database's statistics were first created.
    pub database_reset_is_explicit: bool,
    /// `pg_stat_bgwriter.stats_reset`: initdb (15+) or the first start (13, 14), then a
    /// crash restart or an immediate shutdown.
    pub shared_reset: Option<SystemTime>,
    /// initdb's time, from the system identifier.
    pub cluster_created: SystemTime,
    pub postmaster_start: SystemTime,
}

impl StatisticsSince {
    /// Statistics set up within this time of initdb began with the cluster (a cluster is
    /// usually started right after initdb).
    pub const CREATION_GRACE: Duration = Duration::from_secs(3600);
    /// A server sets up its statistics within this time of starting (in milliseconds,
    /// usually); a later restart of them is a crash restart (or `pg_stat_reset_shared`).
    pub const STARTUP: Duration = Duration::from_secs(5);

    /// When the tables' counters began, if that was a reset or a crash restart rather
    /// than the cluster's creation: runs before then are forgotten.
    pub fn reset_at(&self) -> Option<SystemTime> {
        let early = self.cluster_created + Self::CREATION_GRACE;
        let shared = self
            .shared_reset
            .filter(|&at| at > early || at > self.postmaster_start + Self::STARTUP);
        let database = self
            .database_reset
            .filter(|&at| self.database_reset_is_explicit || at > early);
        shared.max(database)
    }
}

/// Transaction ID and multixact age of one database.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DatabaseWraparound {
    pub name: String,
    /// `age(datfrozenxid)`.
    pub xid_age: i32,
    /// `mxid_age(datminmxid)`.
    pub mxid_age: i32,
    /// `xid_age` as a percentage of `autovacuum_freeze_max_age` (over 100: autovacuum is
    /// already forcing anti-wraparound vacuums).
    pub percent_of_freeze_max_age: f64,
    /// `xid_age` as a percentage of 2^31, where the server stops assigning XIDs.
    pub percent_of_hard_limit: f64,
}

/// One of the connected database's relations with the oldest `relfrozenxid`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TableWraparound {
    /// The relation itself (the TOAST table's OID for a TOAST entry).
    pub relid: u32,
    /// Schema and name of the table; for a TOAST table, of the table that owns it.
    pub schema: String,
    pub name: String,
    /// The entry is the TOAST table of `schema.name`.
    pub toast: bool,
    pub xid_age: i32,
    /// The table's effective `autovacuum_freeze_max_age`.
    pub freeze_max_age: i64,
    pub percent_of_freeze_max_age: f64,
    pub percent_of_hard_limit: f64,
}

/// Wraparound: every database, and the oldest relations of the connected one.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Wraparound {
    /// Server setting `autovacuum_freeze_max_age`.
    pub freeze_max_age: i64,
    /// Server setting `autovacuum_multixact_freeze_max_age`.
    pub multixact_freeze_max_age: i64,
    /// Oldest first.
    pub databases: Vec<DatabaseWraparound>,
    /// At most 20, oldest first.
    pub tables: Vec<TableWraparound>,
}

/// What a backend is doing, by progress view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum ProgressKind {
    /// `pg_stat_progress_vacuum` (plain VACUUM and autovacuum; not VACUUM FULL).
    Vacuum,
    /// `pg_stat_progress_analyze`.
    Analyze,
    /// `pg_stat_progress_create_index` (CREATE INDEX and REINDEX).
    CreateIndex,
}

impl ProgressKind {
    /// The label shown in the panel.
    pub fn label(self) -> &'static str {
        match self {
            Self::Vacuum => "VACUUM",
            Self::Analyze => "ANALYZE",
            Self::CreateIndex => "CREATE INDEX",
        }
    }
}

/// One running maintenance command.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Progress {
    pub pid: i32,
    pub kind: ProgressKind,
    pub database: Option<String>,
    /// `relid::regclass` text (quoted, schema-qualified when needed) in the connected
    /// database, the bare OID in others, `<insufficient privilege>` when hidden.
    pub relation: String,
    /// The view's phase (`scanning heap`, ...); empty when hidden.
    pub phase: String,
    /// 0..=100, of the blocks (or tuples) the current phase has to go through.
    pub percent: Option<f64>,
    /// Phase-specific counters, e.g. `index vacuum 2/5, dead items 1.2k`.
    pub detail: String,
    /// Since the command's statement started (server clock).
    pub started: Option<Duration>,
}

/// Status of a `maintenance_task_log` run.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum TaskStatus {
    Running,
    Completed,
    Failed,
    /// A value the table's CHECK constraint would not allow (a modified table).
    Other(String),
}

impl TaskStatus {
    /// From the column's text (sanitized for `Other`).
    pub fn parse(text: &str) -> Self {
        match text {
            "running" => Self::Running,
            "completed" => Self::Completed,
            "failed" => Self::Failed,
            other => Self::Other(crate::text::sanitize::sanitized(other)),
        }
    }

    /// The text as stored.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Running => "running",
            Self::Completed => "completed",
            Self::Failed => "failed",
            Self::Other(text) => text,
        }
    }
}

/// The latest run of one scheduled task, with its recent failures.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TaskRun {
    pub task_name: String,
    pub status: TaskStatus,
    pub started_at: SystemTime,
    pub finished_at: Option<SystemTime>,
    /// `finished_at - started_at`; `None` while running.
    pub duration: Option<Duration>,
    /// Since `started_at` (server clock).
    pub started_ago: Option<Duration>,
    pub rows_processed: Option<i64>,
    pub detail: Option<String>,
    /// Failed runs of this task started in the last 7 days.
    pub failures_7d: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn task_status_round_trips_and_cleans_unknown_values() {
        for (text, status) in [
            ("running", TaskStatus::Running),
            ("completed", TaskStatus::Completed),
            ("failed", TaskStatus::Failed),
            ("skipped", TaskStatus::Other("skipped".into())),
        ] {
            assert_eq!(TaskStatus::parse(text), status);
            assert_eq!(status.as_str(), text);
        }
        assert_eq!(
            TaskStatus::parse("x\x1b[2J"),
            TaskStatus::Other("x\\x1b[2J".into())
        );
    }

    #[test]
    fn a_reset_is_told_from_the_cluster_s_own_start() {
        let at = |secs: u64| SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000 + secs);
        let since = |database, explicit, shared, started| StatisticsSince {
            database_reset: database,
            database_reset_is_explicit: explicit,
            shared_reset: shared,
            cluster_created: at(0),
            postmaster_start: at(started),
        };
        // initdb (15+) or the first start (13, 14) set the shared reset time, and 13/14
        // stamp a database's statistics when they are created.
        assert_eq!(since(None, true, Some(at(0)), 5).reset_at(), None);
        assert_eq!(since(Some(at(30)), false, Some(at(6)), 5).reset_at(), None);
        assert_eq!(since(None, true, None, 5).reset_at(), None);
        // A crash restart, even in the cluster's first minutes; one a day later; a
        // restart after an immediate shutdown weeks later.
        assert_eq!(since(None, true, Some(at(30)), 5).reset_at(), Some(at(30)));
        assert_eq!(
            since(None, true, Some(at(86_400)), 5).reset_at(),
            Some(at(86_400))
        );
        assert_eq!(
            since(None, true, Some(at(2_000_001)), 2_000_000).reset_at(),
            Some(at(2_000_001))
        );
        // pg_stat_reset() of this database (15+: whenever it happens).
        assert_eq!(
            since(Some(at(90)), true, Some(at(0)), 5).reset_at(),
            Some(at(90))
        );
        // A clean restart keeps the statistics: the old times stay.
        assert_eq!(since(None, true, Some(at(0)), 900_000).reset_at(), None);
    }
}
