//! The action catalogue (cancel, terminate, VACUUM, ANALYZE, REINDEX, snapshot, reset,
//! EXPLAIN): what a confirmed action is ([`Plan`]), the SQL it sends ([`sql`]), the task
//! that runs it on its own connection ([`executor`]) and the local journal of everything
//! that was run ([`journal`]).
//!
//! Safety rules live here, not in the UI: targets carry their identity (pid **and**
//! `backend_start`, or an OID), never display text; every statement is sent alone; the
//! destructive ones default to No in the dialog.
//!
//! Layer rule: imports `text`, `settings`, `pg`, `cluster`, `monitor` (the sessions a plan
//! targets) and `analysis`; never `tui`, `demo` or `commands`.

pub mod availability;
pub mod executor;
pub mod holders;
pub mod journal;
pub mod plan;
pub mod sql;
pub mod statistics;

use std::time::{Duration, SystemTime};

/// What an action does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ActionKind {
    CancelBackend,
    TerminateBackend,
    VacuumAnalyze,
    Analyze,
    ReindexConcurrently,
    Snapshot,
    ResetStatements,
    Explain,
    /// `DROP INDEX CONCURRENTLY` of an invalid index (the `_ccnew` leftover of a failed
    /// REINDEX CONCURRENTLY); refused for a valid one.
    DropInvalidIndex,
    /// `ROLLBACK PREPARED` of a prepared transaction that holds the xmin horizon, in its
    /// own database.
    RollbackPrepared,
    /// `pg_drop_replication_slot` of an inactive slot (refused once it is active).
    DropSlot,
}

/// Where an action waits its turn. Each lane has its own connection and runs one plan at a
/// time, so a cancel or terminate never queues behind a ten-minute VACUUM or a REINDEX
/// waiting for old transactions, and an EXPLAIN stuck on a lock never holds up either.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lane {
    /// Cancel and terminate: a signal, answered at once.
    Signals,
    /// VACUUM, ANALYZE, REINDEX, DROP INDEX: one at a time, under the maintenance timeout.
    Maintenance,
    /// EXPLAIN, snapshot, pg_stat_statements reset: short statements.
    Statements,
}

impl Lane {
    pub const ALL: [Lane; 3] = [Lane::Signals, Lane::Maintenance, Lane::Statements];
}

impl ActionKind {
    /// The name written to the journal.
    pub fn name(self) -> &'static str {
        match self {
            ActionKind::CancelBackend => "cancel",
            ActionKind::TerminateBackend => "terminate",
            ActionKind::VacuumAnalyze => "vacuum-analyze",
            ActionKind::Analyze => "analyze",
            ActionKind::ReindexConcurrently => "reindex-concurrently",
            ActionKind::Snapshot => "snapshot",
            ActionKind::ResetStatements => "reset-statements",
            ActionKind::Explain => "explain",
            ActionKind::DropInvalidIndex => "drop-invalid-index",
            ActionKind::RollbackPrepared => "rollback-prepared",
            ActionKind::DropSlot => "drop-slot",
        }
    }

    /// The lane the action runs in.
    pub fn lane(self) -> Lane {
        match self {
            // Ending what holds the horizon is answered at once, like a signal: it must
            // not queue behind a VACUUM that waits for that very holder.
            ActionKind::CancelBackend
            | ActionKind::TerminateBackend
            | ActionKind::RollbackPrepared
            | ActionKind::DropSlot => Lane::Signals,
            ActionKind::VacuumAnalyze
            | ActionKind::Analyze
            | ActionKind::ReindexConcurrently
            | ActionKind::DropInvalidIndex => Lane::Maintenance,
            ActionKind::Snapshot | ActionKind::ResetStatements | ActionKind::Explain => {
                Lane::Statements
            }
        }
    }

    /// The dialog's title.
    pub fn title(self) -> &'static str {
        match self {
            ActionKind::CancelBackend => "Cancel query",
            ActionKind::TerminateBackend => "Terminate session",
            ActionKind::VacuumAnalyze => "VACUUM (ANALYZE)",
            ActionKind::Analyze => "ANALYZE",
            ActionKind::ReindexConcurrently => "REINDEX CONCURRENTLY",
            ActionKind::Snapshot => "Statistics snapshot",
            ActionKind::ResetStatements => "Reset pg_stat_statements",
            ActionKind::Explain => "EXPLAIN",
            ActionKind::DropInvalidIndex => "DROP INDEX CONCURRENTLY",
            ActionKind::RollbackPrepared => "ROLLBACK PREPARED",
            ActionKind::DropSlot => "Drop replication slot",
        }
    }

    /// Destructive actions lose work or data someone else has: the dialog defaults to No.
    pub fn destructive(self) -> bool {
        matches!(
            self,
            ActionKind::CancelBackend
                | ActionKind::TerminateBackend
                | ActionKind::ReindexConcurrently
                | ActionKind::ResetStatements
                | ActionKind::DropInvalidIndex
                | ActionKind::RollbackPrepared
                | ActionKind::DropSlot
        )
    }

    /// Maintenance runs under the long statement timeout (10 min by default).
    pub fn is_maintenance(self) -> bool {
        self.lane() == Lane::Maintenance
    }

    /// The CONCURRENTLY commands wait for every older transaction (virtualxid locks) as
    /// part of their work: `lock_timeout` would cut that wait and leave an invalid index,
    /// so only the maintenance timeout bounds them.
    pub fn waits_for_old_transactions(self) -> bool {
        matches!(
            self,
            ActionKind::ReindexConcurrently | ActionKind::DropInvalidIndex
        )
    }

    /// The lock the statement takes, as the dialog states it.
    pub fn lock(self) -> &'static str {
        match self {
            ActionKind::CancelBackend | ActionKind::TerminateBackend => {
                "none (sends a signal to the backend)"
            }
            ActionKind::VacuumAnalyze | ActionKind::Analyze => {
                "SHARE UPDATE EXCLUSIVE on the table (blocks DDL, other VACUUM/ANALYZE, autovacuum)"
            }
            ActionKind::ReindexConcurrently => {
                "SHARE UPDATE EXCLUSIVE on the index and its table (reads and writes go on)"
            }
            ActionKind::Snapshot => {
                "ROW EXCLUSIVE on database_statistics_snapshot; ACCESS SHARE on each table read"
            }
            ActionKind::ResetStatements => "none (clears pg_stat_statements for everyone)",
            ActionKind::Explain => "ACCESS SHARE on the tables planned (read-only transaction)",
            ActionKind::DropInvalidIndex => {
                "SHARE UPDATE EXCLUSIVE on the table and the index (reads and writes go on); \
                 waits for transactions using the table"
            }
            ActionKind::RollbackPrepared => {
                "releases every lock the prepared transaction holds; its changes are lost"
            }
            ActionKind::DropSlot => {
                "none; the slot's retained WAL is freed at the next checkpoint and its \
                 consumer can never resume from it"
            }
        }
    }
}

/// A backend, identified by pid and `backend_start` (a pid can be reused).
#[derive(Debug, Clone, PartialEq)]
pub struct BackendTarget {
    pub pid: i32,
    pub backend_start: SystemTime,
    pub user: Option<String>,
    pub application: String,
    /// How long its current query has been running, at the last poll.
    pub query_age: Option<Duration>,
    /// When the query on screen started: a cancel reaches only that query, never the one
    /// the session runs next.
    pub query_start: Option<SystemTime>,
    /// Sanitized query text, for the dialog.
    pub query: String,
    /// The query text exactly as the server showed it: what EXPLAIN plans.
    pub raw_query: String,
}

/// A table or an index, identified by OID. The names are sanitized display text: the
/// executor reads the real names by OID when it runs.
#[derive(Debug, Clone, PartialEq)]
pub struct RelationTarget {
    pub oid: u32,
    pub schema: String,
    pub name: String,
    pub size_bytes: Option<i64>,
    /// For an index: its table.
    pub table: Option<String>,
}

/// A prepared transaction, identified by its gid **and** the time it was prepared (a gid
/// can be reused once the first one ended).
#[derive(Debug, Clone, PartialEq)]
pub struct PreparedTarget {
    /// Exact: what `ROLLBACK PREPARED` names, as a literal. Never displayed.
    pub raw_gid: String,
    /// Sanitized, for the dialog.
    pub gid: String,
    /// Exact: the database it must be rolled back in (it cannot be from another one).
    pub raw_database: String,
    /// Sanitized, for the dialog.
    pub database: String,
    pub owner: Option<String>,
    pub prepared: SystemTime,
    /// How far it holds the horizon back, in transactions, at the last poll.
    pub xid_age: i32,
}

/// A replication slot, by name (unique on the server) and type.
#[derive(Debug, Clone, PartialEq)]
pub struct SlotTarget {
    /// Slot names are `[a-z0-9_]`: exact and display-safe.
    pub name: String,
    /// `physical` or `logical`: the drop is refused if a slot of that name is now of the
    /// other type (dropped and re-created).
    pub slot_type: String,
    /// The WAL it keeps, at the last poll: what the dialog shows is freed.
    pub retained_wal_bytes: Option<i64>,
    /// Its database (logical slots).
    pub database: Option<String>,
}

/// A pg_stat_statements entry, identified by its key.
#[derive(Debug, Clone, PartialEq)]
pub struct StatementTarget {
    pub userid: u32,
    pub dbid: u32,
    pub queryid: i64,
    /// Sanitized text, for the dialog.
    pub text: String,
}

/// What an action acts on.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    Backend(BackendTarget),
    Relation(RelationTarget),
    Statement(StatementTarget),
    Prepared(PreparedTarget),
    Slot(SlotTarget),
    /// The current database (snapshot) or the whole server (reset).
    Server,
}

impl Target {
    /// One line for the journal and the status line.
    pub fn describe(&self) -> String {
        match self {
            Target::Backend(b) => format!("pid {}", b.pid),
            Target::Relation(r) => format!("{}.{}", r.schema, r.name),
            Target::Statement(s) => format!("queryid {}", s.queryid),
            Target::Prepared(p) => format!("prepared transaction '{}' in {}", p.gid, p.database),
            Target::Slot(s) => format!("{} slot {}", s.slot_type, s.name),
            Target::Server => "server".to_string(),
        }
    }
}

/// One statement of a plan: a target and the exact SQL shown in the dialog.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub target: Target,
    pub sql: String,
}

/// A confirmed-or-to-confirm action: everything the dialog shows and the executor runs.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub kind: ActionKind,
    pub steps: Vec<Step>,
    /// An extra line for the dialog, e.g. "releases 3 waiting sessions".
    pub note: Option<String>,
}

/// How a step ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    Ok,
    /// The statement succeeded but the server warned: reads as a failure (a non-owner's
    /// VACUUM "succeeds" with only a warning).
    Warning,
    Error,
    /// The pid now belongs to another session, or is gone: nothing was sent to it.
    SessionEnded,
    /// Stopped by the user.
    Cancelled,
    /// The session is still there but the query on screen has finished: nothing was sent
    /// (a cancel would have hit the next query).
    QueryEnded,
}

impl Outcome {
    pub fn is_failure(self) -> bool {
        !matches!(self, Outcome::Ok)
    }
}

/// What the executor reports for each step.
#[derive(Debug, Clone, PartialEq)]
pub struct StepReport {
    pub kind: ActionKind,
    pub target: String,
    pub sql: String,
    pub outcome: Outcome,
    /// One line: what happened, in the server's words when it refused.
    pub message: String,
    pub duration: Duration,
    pub notices: Vec<String>,
    /// EXPLAIN output lines (sanitized).
    pub output: Vec<String>,
    /// EXPLAIN: the exact text that was planned (raw; sanitize before display).
    pub planned: Option<String>,
    /// Invalid indexes this step left behind (a failed REINDEX CONCURRENTLY's `_ccnew`),
    /// by OID with display-safe names: what `DROP INDEX CONCURRENTLY` is offered for.
    pub left_invalid: Vec<RelationTarget>,
    pub finished_at: SystemTime,
}

impl StepReport {
    /// A report of `kind` on `target` that has not run yet: outcome Ok, nothing said.
    pub fn new(kind: ActionKind, target: String, sql: String) -> Self {
        Self {
            kind,
            target,
            sql,
            outcome: Outcome::Ok,
            message: String::new(),
            duration: Duration::ZERO,
            notices: vec![],
            output: vec![],
            planned: None,
            left_invalid: vec![],
            finished_at: SystemTime::now(),
        }
    }
}
