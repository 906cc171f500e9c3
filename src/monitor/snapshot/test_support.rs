//! Builders for test data that read like the situation under test, e.g.
//! `snapshot_at(10).with_database(db(1).commits(100))` or `blocking_chain(3)`.
//!
//! Times are seconds after an arbitrary fixed epoch ([`at`]); counters start at zero.
#![allow(dead_code)] // Builders are shared by every test module; not each uses all.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use crate::monitor::snapshot::{
    DatabaseCounters, SectionError, ServerState, Session, Snapshot, StatementCounters,
    StatementKey, Statements, StatementsInfo, TableTotals,
};
// The vocabulary of sessions, for tests that set a state or a wait by hand.
pub(crate) use crate::monitor::snapshot::{BackendType, SessionState, WaitEventType};

/// `secs` seconds after the test epoch.
pub(crate) fn at(secs: u64) -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000 + secs)
}

fn unavailable() -> SectionError {
    SectionError::Failed("test: section missing".into())
}

/// A healthy server (started a day before the epoch) polled at `secs`, on both clocks.
pub(crate) fn snapshot_at(secs: u64) -> Snapshot {
    Snapshot {
        sequence: secs,
        taken_at: at(secs),
        poll_duration: Duration::from_millis(5),
        own_transactions: 0,
        capabilities: None,
        server: Ok(ServerState {
            now: at(secs),
            postmaster_start_time: at(0) - Duration::from_secs(86_400),
            in_recovery: false,
            max_connections: 100,
            superuser_reserved_connections: 3,
            reserved_connections: 0,
        }),
        activity: Ok(Vec::new()),
        databases: Ok(Vec::new()),
        statements: Ok(Statements {
            counters: Arc::new(Vec::new()),
            read_at: at(secs),
            info: None,
            texts: Arc::new(HashMap::new()),
            own: Arc::default(),
        }),
        progress: Ok(Vec::new()),
        horizon: Ok(Default::default()),
        locks: None,
        // A test of other panels: the replication sources say so rather than fail.
        replication: super::ReplicationSnapshot::failed(
            &crate::monitor::snapshot::SectionError::Unavailable {
                reason: "not read in this test".into(),
                fix: None,
            },
        ),
        pgbouncer: None,
        host: None,
        slow: None,
        reads: Default::default(),
    }
}

/// Fluent changes to a [`Snapshot`].
pub(crate) trait SnapshotBuilder: Sized {
    fn with_database(self, db: DatabaseCounters) -> Self;
    fn with_statement(self, statement: StatementCounters) -> Self;
    /// `pg_stat_statements_info.stats_reset` at `secs` (extension 1.9+).
    fn with_statements_reset_at(self, secs: u64) -> Self;
    fn with_sessions(self, sessions: Vec<Session>) -> Self;
    /// The postmaster (re)started at `secs`.
    fn restarted_at(self, secs: u64) -> Self;
    /// The client's clock read `secs` (the server's is unchanged).
    fn with_client_time(self, secs: u64) -> Self;
    fn without_server(self) -> Self;
    fn without_databases(self) -> Self;
    fn without_statements(self) -> Self;
    fn without_activity(self) -> Self;
}

impl SnapshotBuilder for Snapshot {
    fn with_database(mut self, db: DatabaseCounters) -> Self {
        if let Ok(dbs) = &mut self.databases {
            dbs.push(db);
        }
        self
    }

    fn with_statement(mut self, statement: StatementCounters) -> Self {
        if let Ok(statements) = &mut self.statements {
            Arc::make_mut(&mut statements.counters).push(statement);
        }
        self
    }

    fn with_statements_reset_at(mut self, secs: u64) -> Self {
        if let Ok(statements) = &mut self.statements {
            statements.info = Some(StatementsInfo {
                dealloc: 0,
                stats_reset: at(secs),
            });
        }
        self
    }

    fn with_sessions(mut self, sessions: Vec<Session>) -> Self {
        self.activity = Ok(sessions);
        self
    }

    fn restarted_at(mut self, secs: u64) -> Self {
        if let Ok(server) = &mut self.server {
            server.postmaster_start_time = at(secs);
        }
        self
    }

    fn with_client_time(mut self, secs: u64) -> Self {
        self.taken_at = at(secs);
        self
    }

    fn without_server(mut self) -> Self {
        self.server = Err(unavailable());
        self
    }

    fn without_databases(mut self) -> Self {
        self.databases = Err(unavailable());
        self
    }

    fn without_statements(mut self) -> Self {
        self.statements = Err(unavailable());
        self
    }

    fn without_activity(mut self) -> Self {
        self.activity = Err(unavailable());
        self
    }
}

/// Database `datid` with every counter at zero.
pub(crate) fn db(datid: u32) -> DatabaseCounters {
    DatabaseCounters {
        datid,
        name: format!("db{datid}"),
        backends: 0,
        xact_commit: 0,
        xact_rollback: 0,
        blks_read: 0,
        blks_hit: 0,
        tup_returned: 0,
        tup_fetched: 0,
        tup_inserted: 0,
        tup_updated: 0,
        tup_deleted: 0,
        temp_files: 0,
        temp_bytes: 0,
        deadlocks: 0,
        conflicts: 0,
        blk_read_time_ms: 0.0,
        blk_write_time_ms: 0.0,
        stats_reset: None,
    }
}

/// Fluent changes to a [`DatabaseCounters`].
pub(crate) trait DatabaseBuilder: Sized {
    fn commits(self, n: i64) -> Self;
    fn rollbacks(self, n: i64) -> Self;
    fn blocks(self, hit: i64, read: i64) -> Self;
    fn tuples(self, returned: i64, fetched: i64) -> Self;
    fn writes(self, inserted: i64, updated: i64, deleted: i64) -> Self;
    fn temp_bytes(self, n: i64) -> Self;
    fn temp_files(self, n: i64) -> Self;
    fn deadlocks(self, n: i64) -> Self;
    fn read_time_ms(self, ms: f64) -> Self;
    fn stats_reset_at(self, secs: u64) -> Self;
}

impl DatabaseBuilder for DatabaseCounters {
    fn commits(mut self, n: i64) -> Self {
        self.xact_commit = n;
        self
    }
    fn rollbacks(mut self, n: i64) -> Self {
        self.xact_rollback = n;
        self
    }
    fn blocks(mut self, hit: i64, read: i64) -> Self {
        (self.blks_hit, self.blks_read) = (hit, read);
        self
    }
    fn tuples(mut self, returned: i64, fetched: i64) -> Self {
        (self.tup_returned, self.tup_fetched) = (returned, fetched);
        self
    }
    fn writes(mut self, inserted: i64, updated: i64, deleted: i64) -> Self {
        (self.tup_inserted, self.tup_updated, self.tup_deleted) = (inserted, updated, deleted);
        self
    }
    fn temp_bytes(mut self, n: i64) -> Self {
        self.temp_bytes = n;
        self
    }
    fn temp_files(mut self, n: i64) -> Self {
        self.temp_files = n;
        self
    }
    fn deadlocks(mut self, n: i64) -> Self {
        self.deadlocks = n;
        self
    }
    fn read_time_ms(mut self, ms: f64) -> Self {
        self.blk_read_time_ms = ms;
        self
    }
    fn stats_reset_at(mut self, secs: u64) -> Self {
        self.stats_reset = Some(at(secs));
        self
    }
}

/// The key of statement `queryid` (user 10, database 1, top level).
pub(crate) fn key(queryid: i64) -> StatementKey {
    StatementKey {
        userid: 10,
        dbid: 1,
        queryid,
        toplevel: true,
    }
}

/// Statement `queryid` with every counter at zero and no `stats_since` (before 1.11).
pub(crate) fn stmt(queryid: i64) -> StatementCounters {
    StatementCounters {
        key: key(queryid),
        calls: 0,
        total_exec_time_ms: 0.0,
        total_plan_time_ms: 0.0,
        rows: 0,
        shared_blks_hit: 0,
        shared_blks_read: 0,
        temp_blks_read: 0,
        temp_blks_written: 0,
        shared_blk_read_time_ms: 0.0,
        shared_blk_write_time_ms: 0.0,
        stats_since: None,
    }
}

/// Fluent changes to a [`StatementCounters`].
pub(crate) trait StatementBuilder: Sized {
    fn calls(self, n: i64) -> Self;
    fn exec_ms(self, ms: f64) -> Self;
    fn rows(self, n: i64) -> Self;
    fn blocks(self, hit: i64, read: i64) -> Self;
    fn temp(self, read: i64, written: i64) -> Self;
    fn io_ms(self, read: f64, write: f64) -> Self;
    /// `stats_since` at `secs` (extension 1.11+).
    fn since(self, secs: u64) -> Self;
    fn nested(self) -> Self;
}

impl StatementBuilder for StatementCounters {
    fn calls(mut self, n: i64) -> Self {
        self.calls = n;
        self
    }
    fn exec_ms(mut self, ms: f64) -> Self {
        self.total_exec_time_ms = ms;
        self
    }
    fn rows(mut self, n: i64) -> Self {
        self.rows = n;
        self
    }
    fn blocks(mut self, hit: i64, read: i64) -> Self {
        (self.shared_blks_hit, self.shared_blks_read) = (hit, read);
        self
    }
    fn temp(mut self, read: i64, written: i64) -> Self {
        (self.temp_blks_read, self.temp_blks_written) = (read, written);
        self
    }
    fn io_ms(mut self, read: f64, write: f64) -> Self {
        (self.shared_blk_read_time_ms, self.shared_blk_write_time_ms) = (read, write);
        self
    }
    fn since(mut self, secs: u64) -> Self {
        self.stats_since = Some(at(secs));
        self
    }
    fn nested(mut self) -> Self {
        self.key.toplevel = false;
        self
    }
}

/// An idle client backend `pid` that blocks nobody and waits for nobody.
pub(crate) fn session(pid: i32) -> Session {
    Session {
        pid,
        leader_pid: None,
        user: Some("app".into()),
        database: Some("db1".into()),
        application: "test".into(),
        client: Some("local".into()),
        backend_type: BackendType::ClientBackend,
        state: Some(SessionState::Idle),
        wait_event_type: None,
        wait_event: None,
        backend_start: Some(at(0)),
        backend_age: Duration::from_secs(60),
        xact_age: None,
        query_age: None,
        state_age: None,
        xmin_age: None,
        query_id: None,
        query_start: None,
        query: String::new(),
        raw_query: String::new(),
        blocked_by: Vec::new(),
        lock_wait_age: None,
    }
}

/// Fluent changes to a [`Session`].
pub(crate) trait SessionBuilder: Sized {
    fn blocked_by(self, pids: &[i32]) -> Self;
    fn xact_age(self, secs: u64) -> Self;
    fn xmin_age(self, age: i32) -> Self;
    fn backend_type(self, kind: &str) -> Self;
}

impl SessionBuilder for Session {
    fn blocked_by(mut self, pids: &[i32]) -> Self {
        self.blocked_by = pids.to_vec();
        self.state = Some(SessionState::Active);
        self.wait_event_type = Some(WaitEventType::Lock);
        self
    }
    fn xact_age(mut self, secs: u64) -> Self {
        self.xact_age = Some(Duration::from_secs(secs));
        self
    }
    fn xmin_age(mut self, age: i32) -> Self {
        self.xmin_age = Some(age);
        self
    }
    fn backend_type(mut self, kind: &str) -> Self {
        self.backend_type = BackendType::parse(kind);
        self
    }
}

/// Pid 100 blocks 101, which blocks 102, ... `depth` waiters below the root.
pub(crate) fn blocking_chain(depth: usize) -> Vec<Session> {
    let root = session(100).xact_age(60);
    let waiters = (1..=depth).map(|i| {
        let pid = 100 + i as i32;
        session(pid).blocked_by(&[pid - 1])
    });
    std::iter::once(root).chain(waiters).collect()
}

/// Table totals for the connected database.
pub(crate) fn tables(seq_scan: i64, idx_scan: i64, live: i64, dead: i64) -> TableTotals {
    TableTotals {
        seq_scan,
        idx_scan,
        live_tuples: live,
        dead_tuples: dead,
    }
}

/// A user table `public.t` with `dead` dead tuples, never vacuumed, default autovacuum
/// settings.
pub(crate) fn maintained_table(
    dead: i64,
) -> crate::monitor::snapshot::maintenance::TableMaintenance {
    use crate::monitor::snapshot::maintenance::{AutovacuumSettings, TableMaintenance};
    TableMaintenance {
        relid: 16_384,
        schema: "public".into(),
        name: "t".into(),
        partitioned: false,
        n_live_tup: 100,
        n_dead_tup: dead,
        n_mod_since_analyze: 0,
        n_ins_since_vacuum: 0,
        last_vacuum: None,
        last_autovacuum: None,
        last_analyze: None,
        last_autoanalyze: None,
        vacuum_count: 0,
        autovacuum_count: 0,
        analyze_count: 0,
        autoanalyze_count: 0,
        xid_age: Some(1000),
        reltuples: 100.0,
        relpages: 1,
        relallfrozen: None,
        autovacuum: AutovacuumSettings {
            server_enabled: true,
            enabled: true,
            vacuum_threshold: 50,
            vacuum_scale_factor: 0.2,
            vacuum_max_threshold: None,
            vacuum_insert_threshold: 1000,
            vacuum_insert_scale_factor: 0.2,
            analyze_threshold: 50,
            analyze_scale_factor: 0.1,
            freeze_max_age: 200_000_000,
            table_overrides: Vec::new(),
        },
    }
}
