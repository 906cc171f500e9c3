//! The action executor against a real server, as a DBA would use it: cancel and terminate
//! hit exactly the session (and, for cancel, the query) that was on screen, never a reused
//! pid or the next query; maintenance runs on the relation by OID whatever its name; the
//! server's refusals and warnings reach the report; a stop cancels on the server; the
//! journal records each step without the password. EXPLAIN is in `explain.rs`, the
//! lanes and busy-server REINDEX in `action_lanes.rs`.

use crate::common;

use std::time::{Duration, SystemTime};

use common::actions::{
    Background, CancelCountingSession, active_session, config, conninfo_as, index_state, oid_of,
    relation_target, run, run_one, server_version, superuser_config,
};
use common::live::{WAIT, eventually, exec, finished, monitor, monitor_db, must};
use common::quote_ident;
use pgpulse::actions::executor::{self, Executor, ExecutorEvent};
use pgpulse::actions::journal::Journal;
use pgpulse::actions::{ActionKind, BackendTarget, Outcome, Plan, Step, Target, plan, sql};
use pgpulse::text::sanitize::sanitized;
use tokio_postgres::Client;

/// (vacuum_count, analyze_count, last_vacuum set, last_analyze set) of a table.
async fn maintenance_counts(client: &Client, table_oid: u32) -> (i64, i64, bool, bool) {
    let row = must(
        client
            .query_one(
                "SELECT vacuum_count, analyze_count, last_vacuum IS NOT NULL,
                        last_analyze IS NOT NULL
                   FROM pg_stat_user_tables WHERE relid = $1",
                &[&table_oid],
            )
            .await,
        "pg_stat_user_tables",
    );
    (row.get(0), row.get(1), row.get(2), row.get(3))
}

// ---------------------------------------------------------------------------------------
// Cancel and terminate
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn cancel_stops_the_running_query_of_the_session_on_screen() {
    let db = common::shared().create_database().await;
    let (mut session, caps) = monitor_db(&db).await;
    let victim = Background::start(db.client().await, "SELECT pg_sleep(60)").await;
    let on_screen = active_session(&mut session, &caps, victim.pid, "pg_sleep(60)").await;

    let plan = must(
        plan::signal(ActionKind::CancelBackend, &[&on_screen], None),
        "cancel plan",
    );
    let report = run_one(superuser_config(&db, caps.server_version_num), &plan).await;
    assert_eq!(report.outcome, Outcome::Ok, "{report:#?}");
    assert_eq!(report.message, format!("cancel sent to pid {}", victim.pid));
    assert_eq!(report.target, format!("pid {}", victim.pid));
    assert_eq!(
        finished(victim.task).await,
        Err("57014".into()),
        "the sleeping session sees 'canceling statement due to user request'"
    );
}

#[tokio::test]
async fn terminate_ends_the_session_and_a_second_terminate_finds_it_gone() {
    let db = common::shared().create_database().await;
    let (mut session, caps) = monitor_db(&db).await;
    let observer = db.client().await;
    let victim = Background::start(db.client().await, "SELECT pg_sleep(60)").await;
    let pid = victim.pid;
    let on_screen = active_session(&mut session, &caps, pid, "pg_sleep(60)").await;

    let plan = must(
        plan::signal(ActionKind::TerminateBackend, &[&on_screen], None),
        "terminate plan",
    );
    let mut executor = Executor::new(superuser_config(&db, caps.server_version_num));
    let reports = run(&mut executor, &plan).await;
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0].outcome, Outcome::Ok, "{reports:#?}");
    assert_eq!(reports[0].message, format!("pid {pid} terminated"));

    assert_eq!(
        finished(victim.task).await,
        Err("57P01".into()),
        "the session's client sees 'terminating connection due to administrator command'"
    );
    eventually(
        &format!("pid {pid} to leave pg_stat_activity"),
        async || {
            let row = observer
                .query_opt("SELECT state FROM pg_stat_activity WHERE pid = $1", &[&pid])
                .await
                .map_err(|e| e.to_string())?;
            match row {
                None => Ok(()),
                Some(row) => Err(format!(
                    "still there: {:?}",
                    row.get::<_, Option<String>>(0)
                )),
            }
        },
    )
    .await;

    // The same confirmed plan again (the screen had not refreshed yet): nothing to signal.
    let again = run(&mut executor, &plan).await;
    assert_eq!(again[0].outcome, Outcome::SessionEnded, "{again:#?}");
    assert!(
        again[0].message.starts_with("session ended"),
        "{}",
        again[0].message
    );
}

#[tokio::test]
async fn a_pid_now_used_by_another_session_is_not_signalled() {
    let db = common::shared().create_database().await;
    let (mut session, caps) = monitor_db(&db).await;
    let observer = db.client().await;
    let mut victim =
        CancelCountingSession::start(&observer, db.client().await, "reused_pid_cancels").await;
    let real = active_session(&mut session, &caps, victim.pid, "pg_sleep(60)").await;

    // What the screen showed was an earlier session with the same pid: same pid, another
    // backend_start. That is exactly what a reused pid looks like.
    let mut earlier = real.clone();
    earlier.backend_start = real
        .backend_start
        .and_then(|start| start.checked_sub(Duration::from_secs(1)));
    assert!(earlier.backend_start.is_some(), "{real:#?}");

    for kind in [ActionKind::CancelBackend, ActionKind::TerminateBackend] {
        let plan = must(plan::signal(kind, &[&earlier], None), "signal plan");
        let report = run_one(superuser_config(&db, caps.server_version_num), &plan).await;
        assert_eq!(report.outcome, Outcome::SessionEnded, "{report:#?}");
        assert!(report.outcome.is_failure());
        assert!(
            report.message.contains("session ended") && report.message.contains("nothing was sent"),
            "{}",
            report.message
        );
        victim
            .assert_no_signal_reached(&observer, &format!("{} of a reused pid", kind.name()))
            .await;
    }
    victim.end(&observer).await;
}

#[tokio::test]
async fn a_cancel_confirmed_after_the_query_on_screen_ended_does_not_hit_the_next_one() {
    let db = common::shared().create_database().await;
    let (mut session, caps) = monitor_db(&db).await;
    let observer = db.client().await;
    let client = db.client().await;
    let pid = common::live::backend_pid(&client).await;
    let first = tokio::spawn(async move {
        let outcome = client
            .batch_execute("SELECT pg_sleep(60) AS first_query")
            .await;
        (client, outcome)
    });
    let on_screen = active_session(&mut session, &caps, pid, "first_query").await;
    let plan = must(
        plan::signal(ActionKind::CancelBackend, &[&on_screen], None),
        "cancel plan",
    );
    assert!(
        plan.steps[0].sql.contains("AND query_start = '"),
        "the dialog's SQL names the query: {}",
        plan.steps[0].sql
    );

    // Before the DBA confirms, the first query ends and the session runs the next one.
    // Ended by pg_cancel_backend, one signal: a protocol cancel request has the
    // postmaster signal the backend and its process group, and the second SIGINT can
    // land in the next query, where it would be counted as pgpulse's.
    exec(&observer, &format!("SELECT pg_cancel_backend({pid})")).await;
    let (client, outcome) = must(
        must(
            tokio::time::timeout(WAIT, first).await,
            "the first query to end",
        ),
        "the first query's task",
    );
    assert!(
        outcome.is_err(),
        "the first query was cancelled by the test"
    );
    let mut next = CancelCountingSession::start(&observer, client, "next_query_cancels").await;
    assert_eq!(next.pid, pid, "the same session runs the next query");

    let report = run_one(superuser_config(&db, caps.server_version_num), &plan).await;
    assert_eq!(report.outcome, Outcome::QueryEnded, "{report:#?}");
    assert!(
        report.message.starts_with(&format!(
            "query already finished: pid {pid} now runs another query"
        )) && report.message.ends_with("nothing was sent"),
        "{}",
        report.message
    );
    next.assert_no_signal_reached(&observer, "a cancel of a finished query")
        .await;
    next.end(&observer).await;
}

// ---------------------------------------------------------------------------------------
// Maintenance on awkward names
// ---------------------------------------------------------------------------------------

/// A test table and its one index.
struct Rel {
    schema: &'static str,
    table: &'static str,
    index: String,
    table_oid: u32,
    index_oid: u32,
}

/// Names that break naive quoting, splitting or display. `MixedCase` exists in both
/// schemas, so an unqualified or wrongly qualified statement would hit the wrong one.
const AWKWARD: [(&str, &str); 8] = [
    ("public", "MixedCase"),
    ("public", "with space"),
    ("public", "a.b"),
    ("public", "has\"quote"),
    ("public", "select"),
    ("public", "übersicht_日本語"),
    ("public", "esc\x1bname"),
    ("Weird Schema", "MixedCase"),
];

async fn create_awkward(client: &Client) -> Vec<Rel> {
    exec(client, "CREATE SCHEMA \"Weird Schema\"").await;
    let mut rels = Vec::new();
    for (schema, table) in AWKWARD {
        let index = format!("{table}_i");
        let qualified = format!("{}.{}", quote_ident(schema), quote_ident(table));
        exec(
            client,
            &format!(
                "CREATE TABLE {qualified} (id int, body text) WITH (autovacuum_enabled = off);
                 INSERT INTO {qualified} SELECT g, 'row ' || g FROM generate_series(1, 200) g;
                 CREATE INDEX {} ON {qualified} (id);",
                quote_ident(&index)
            ),
        )
        .await;
        rels.push(Rel {
            schema,
            table,
            table_oid: oid_of(client, schema, table).await,
            index_oid: oid_of(client, schema, &index).await,
            index,
        });
    }
    rels
}

/// Waits until every table's counters are `expected(i)`: the ones done so far changed,
/// every other one untouched.
async fn counts_become(
    client: &Client,
    rels: &[Rel],
    what: &str,
    expected: impl Fn(usize) -> (i64, i64, bool, bool),
) {
    eventually(what, async || {
        let mut seen = Vec::new();
        for rel in rels {
            seen.push(maintenance_counts(client, rel.table_oid).await);
        }
        let want: Vec<_> = (0..rels.len()).map(&expected).collect();
        if seen == want {
            Ok(())
        } else {
            let names: Vec<String> = rels
                .iter()
                .map(|r| sanitized(&format!("{}.{}", r.schema, r.table)))
                .collect();
            Err(format!(
                "(vacuum_count, analyze_count, last_vacuum, last_analyze) of {names:?}: \
                 {seen:?}, wanted {want:?}"
            ))
        }
    })
    .await;
}

#[tokio::test]
async fn maintenance_acts_on_awkwardly_named_relations_by_oid_and_on_nothing_else() {
    let db = common::shared().create_database().await;
    let client = db.client().await;
    let version = server_version(&client).await;
    let rels = create_awkward(&client).await;
    counts_become(&client, &rels, "fresh tables", |_| (0, 0, false, false)).await;
    let mut executor = Executor::new(superuser_config(&db, version));

    for (done, rel) in rels.iter().enumerate() {
        let display = relation_target(rel.table_oid, rel.schema, rel.table);
        let plan = plan::relation(ActionKind::VacuumAnalyze, display);
        let reports = run(&mut executor, &plan).await;
        let report = &reports[0];
        assert_eq!(report.outcome, Outcome::Ok, "{report:#?}");
        assert_eq!(report.message, "VACUUM (ANALYZE) done");
        assert!(report.notices.is_empty(), "{report:#?}");
        assert_eq!(
            report.sql,
            format!(
                "VACUUM (ANALYZE) {}.{}",
                quote_ident(rel.schema),
                quote_ident(rel.table)
            ),
            "built from the real names read by OID, not from the display text"
        );
        counts_become(
            &client,
            &rels,
            &format!("VACUUM (ANALYZE) of {}", report.target),
            |i| {
                if i <= done {
                    (1, 1, true, true)
                } else {
                    (0, 0, false, false)
                }
            },
        )
        .await;
    }
    let quoted = rels
        .iter()
        .find(|r| r.table == "has\"quote")
        .map(|r| relation_target(r.table_oid, r.schema, r.table));
    let quoted = quoted.unwrap_or_else(|| panic!("has\"quote not created"));
    assert_eq!(
        run(&mut executor, &plan::relation(ActionKind::Analyze, quoted)).await[0].sql,
        "ANALYZE \"public\".\"has\"\"quote\""
    );
    counts_become(&client, &rels, "ANALYZE of has\"quote", |i| {
        (
            1,
            if rels[i].table == "has\"quote" { 2 } else { 1 },
            true,
            true,
        )
    })
    .await;

    for (done, rel) in rels.iter().enumerate() {
        if rel.table == "has\"quote" {
            continue;
        }
        let plan = plan::relation(
            ActionKind::Analyze,
            relation_target(rel.table_oid, rel.schema, rel.table),
        );
        let report = &run(&mut executor, &plan).await[0];
        assert_eq!(report.outcome, Outcome::Ok, "{report:#?}");
        assert_eq!(report.message, "ANALYZE done");
        assert_eq!(
            report.sql,
            format!(
                "ANALYZE {}.{}",
                quote_ident(rel.schema),
                quote_ident(rel.table)
            )
        );
        counts_become(
            &client,
            &rels,
            &format!("ANALYZE of {}", report.target),
            |i| {
                let analyzed = i <= done || rels[i].table == "has\"quote";
                (1, if analyzed { 2 } else { 1 }, true, true)
            },
        )
        .await;
    }

    for rel in &rels {
        let mut before = Vec::new();
        for other in &rels {
            before.push(index_state(&client, other.schema, &other.index).await);
        }
        let plan = plan::relation(
            ActionKind::ReindexConcurrently,
            relation_target(rel.index_oid, rel.schema, &rel.index),
        );
        let report = &run(&mut executor, &plan).await[0];
        assert_eq!(report.outcome, Outcome::Ok, "{report:#?}");
        assert_eq!(report.message, "REINDEX CONCURRENTLY done");
        assert_eq!(
            report.sql,
            format!(
                "REINDEX INDEX CONCURRENTLY {}.{}",
                quote_ident(rel.schema),
                quote_ident(&rel.index)
            )
        );
        for (other, before) in rels.iter().zip(before) {
            let Some((old_oid, old_file, _)) = before else {
                panic!("index {:?} missing before the reindex", other.index);
            };
            let after = index_state(&client, other.schema, &other.index).await;
            let Some((oid, file, valid)) = after else {
                panic!("index {:?} gone after the reindex", other.index);
            };
            assert!(valid, "{:?} is invalid after the reindex", other.index);
            if std::ptr::eq(other, rel) {
                assert_ne!(oid, old_oid, "REINDEX CONCURRENTLY builds a new index");
                assert_ne!(file, old_file, "{:?} was not rebuilt", other.index);
            } else {
                assert_eq!(
                    (oid, file),
                    (old_oid, old_file),
                    "reindexing {:?} touched {:?}",
                    rel.index,
                    other.index
                );
            }
        }
        let leftovers = must(
            client
                .query_one(
                    "SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                      WHERE i.indrelid = $1",
                    &[&rel.table_oid],
                )
                .await,
            "indexes of the table",
        );
        assert_eq!(
            leftovers.get::<_, i64>(0),
            1,
            "no _ccnew/_ccold left on {:?}",
            rel.table
        );
    }
}

#[tokio::test]
async fn a_vacuum_of_a_relation_that_is_no_table_is_refused_before_sending_anything() {
    let db = common::shared().create_database().await;
    let client = db.client().await;
    let version = server_version(&client).await;
    exec(
        &client,
        "CREATE TABLE t (id int) WITH (autovacuum_enabled = off); CREATE INDEX t_i ON t (id);",
    )
    .await;
    let index = oid_of(&client, "public", "t_i").await;
    let table = oid_of(&client, "public", "t").await;
    let mut executor = Executor::new(superuser_config(&db, version));

    let on_index = run(
        &mut executor,
        &plan::relation(
            ActionKind::VacuumAnalyze,
            relation_target(index, "public", "t_i"),
        ),
    )
    .await;
    assert_eq!(on_index[0].outcome, Outcome::Error, "{on_index:#?}");
    assert!(
        on_index[0].message.contains("cannot act on") && on_index[0].message.contains("relkind i"),
        "{}",
        on_index[0].message
    );
    let on_table = run(
        &mut executor,
        &plan::relation(
            ActionKind::ReindexConcurrently,
            relation_target(table, "public", "t"),
        ),
    )
    .await;
    assert_eq!(on_table[0].outcome, Outcome::Error, "{on_table:#?}");

    exec(&client, "DROP TABLE t").await;
    let gone = run(
        &mut executor,
        &plan::relation(ActionKind::Analyze, relation_target(table, "public", "t")),
    )
    .await;
    assert_eq!(gone[0].outcome, Outcome::Error, "{gone:#?}");
    assert_eq!(
        gone[0].message,
        format!("relation with OID {table} no longer exists")
    );
}

// ---------------------------------------------------------------------------------------
// Privileges
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn a_non_owners_vacuum_reads_as_a_failure_with_the_servers_warning() {
    let server = common::shared();
    let db = server.create_database().await;
    let client = db.client().await;
    let version = server_version(&client).await;
    server.create_role("not_the_owner", None, "").await;
    exec(
        &client,
        "CREATE TABLE accounts (id int) WITH (autovacuum_enabled = off);
         INSERT INTO accounts SELECT generate_series(1, 10);",
    )
    .await;
    let oid = oid_of(&client, "public", "accounts").await;
    let mut executor = Executor::new(config(conninfo_as(&db, "not_the_owner", None), version));

    for (kind, verb) in [
        (ActionKind::VacuumAnalyze, "vacuum"),
        (ActionKind::Analyze, "analyze"),
    ] {
        let plan = plan::relation(kind, relation_target(oid, "public", "accounts"));
        let report = &run(&mut executor, &plan).await[0];
        assert_eq!(report.outcome, Outcome::Warning, "{report:#?}");
        assert!(
            report.outcome.is_failure(),
            "a skipped VACUUM is no success"
        );
        assert!(
            report.message.contains("skipping") && denied_to(&report.message, verb, version),
            "{}",
            report.message
        );
        assert!(
            report
                .notices
                .iter()
                .any(|n| n.starts_with("WARNING: ") && denied_to(n, verb, version)),
            "{:?}",
            report.notices
        );
    }
    assert_eq!(
        maintenance_counts(&client, oid).await,
        (0, 0, false, false),
        "nothing was vacuumed or analyzed"
    );
}

#[tokio::test]
async fn cancelling_another_roles_query_without_pg_signal_backend_is_refused() {
    let server = common::shared();
    let db = server.create_database().await;
    server
        .create_role("stats_reader", None, "IN ROLE pg_read_all_stats")
        .await;
    server.create_role("busy_user", None, "").await;
    let observer = db.client().await;
    let mut victim = CancelCountingSession::start(
        &observer,
        common::actions::connect_with(&conninfo_as(&db, "busy_user", None)).await,
        "refused_cancels",
    )
    .await;

    // The role sees the other session's details (pg_read_all_stats), so the plan is
    // built; only the signal is refused.
    let (mut session, caps) = monitor(conninfo_as(&db, "stats_reader", None)).await;
    let on_screen = active_session(&mut session, &caps, victim.pid, "pg_sleep(60)").await;
    let plan = must(
        plan::signal(ActionKind::CancelBackend, &[&on_screen], None),
        "cancel plan",
    );
    let report = run_one(
        config(
            conninfo_as(&db, "stats_reader", None),
            caps.server_version_num,
        ),
        &plan,
    )
    .await;
    assert_eq!(report.outcome, Outcome::Error, "{report:#?}");
    assert!(
        report.message.contains("permission denied") || report.message.contains("must be a member"),
        "the server's reason: {}",
        report.message
    );
    assert!(report.message.contains("42501"), "{}", report.message);
    assert!(!report.message.contains('\n'), "{:?}", report.message);
    victim
        .assert_no_signal_reached(&observer, "a refused cancel")
        .await;
    victim.end(&observer).await;
}

#[tokio::test]
async fn terminating_a_superusers_session_without_superuser_gives_the_reason_in_one_line() {
    let server = common::shared();
    let db = server.create_database().await;
    server
        .create_role(
            "signaller",
            None,
            "IN ROLE pg_signal_backend, pg_read_all_stats",
        )
        .await;
    let observer = db.client().await;
    let mut victim =
        CancelCountingSession::start(&observer, db.client().await, "refused_terminates").await;
    let (mut session, caps) = monitor(conninfo_as(&db, "signaller", None)).await;
    let on_screen = active_session(&mut session, &caps, victim.pid, "pg_sleep(60)").await;

    let plan = must(
        plan::signal(ActionKind::TerminateBackend, &[&on_screen], None),
        "terminate plan",
    );
    let report = run_one(
        config(conninfo_as(&db, "signaller", None), caps.server_version_num),
        &plan,
    )
    .await;
    assert_eq!(report.outcome, Outcome::Error, "{report:#?}");
    assert!(
        // "must be a superuser" before 16, "the SUPERUSER attribute" from 16.
        report.message.to_lowercase().contains("superuser"),
        "the server's reason: {}",
        report.message
    );
    assert!(!report.message.contains('\n'), "{:?}", report.message);
    victim
        .assert_no_signal_reached(&observer, "a refused terminate")
        .await;
    victim.end(&observer).await;
}

// ---------------------------------------------------------------------------------------
// Timeouts and stop
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn a_timed_out_reindex_concurrently_names_the_invalid_index_it_left() {
    let db = common::shared().create_database().await;
    let client = db.client().await;
    let version = server_version(&client).await;
    exec(
        &client,
        "CREATE TABLE scores (id int, points int) WITH (autovacuum_enabled = off);
         INSERT INTO scores SELECT g, g FROM generate_series(1, 100) g;
         CREATE INDEX \"has\"\"quote_idx\" ON scores (points);",
    )
    .await;
    let index = oid_of(&client, "public", "has\"quote_idx").await;

    // An open writer makes REINDEX CONCURRENTLY wait after it committed the new, still
    // invalid index; the maintenance timeout then leaves that index behind.
    let writer = db.client().await;
    exec(&writer, "BEGIN; INSERT INTO scores VALUES (0, 0)").await;
    let mut config = superuser_config(&db, version);
    config.maintenance_timeout = Duration::from_secs(1);
    let plan = plan::relation(
        ActionKind::ReindexConcurrently,
        relation_target(index, "public", "has\"quote_idx"),
    );
    let report = run_one(config, &plan).await;
    exec(&writer, "ROLLBACK").await;

    assert_eq!(report.outcome, Outcome::Error, "{report:#?}");
    assert!(
        report.message.contains("57014") && report.message.contains("statement timeout"),
        "{}",
        report.message
    );
    assert!(
        report
            .message
            .contains("left invalid index \"public\".\"has\"\"quote_idx_ccnew\"")
            && report.message.contains("DROP INDEX CONCURRENTLY"),
        "{}",
        report.message
    );
    assert!(!report.message.contains('\n'), "{:?}", report.message);
    let leftover = index_state(&client, "public", "has\"quote_idx_ccnew").await;
    assert!(
        matches!(leftover, Some((_, _, false))),
        "the named leftover exists and is invalid: {leftover:?}"
    );
    let original = index_state(&client, "public", "has\"quote_idx").await;
    assert!(
        matches!(original, Some((oid, _, true)) if oid == index),
        "the original index is untouched: {original:?}"
    );
}

#[tokio::test]
async fn stop_cancels_a_blocked_vacuum_on_the_server_and_skips_the_rest_of_the_plan() {
    let db = common::shared().create_database().await;
    let client = db.client().await;
    let version = server_version(&client).await;
    exec(
        &client,
        "CREATE TABLE queue_items (id int) WITH (autovacuum_enabled = off);
         CREATE TABLE other_items (id int) WITH (autovacuum_enabled = off);",
    )
    .await;
    let queue = oid_of(&client, "public", "queue_items").await;
    let other = oid_of(&client, "public", "other_items").await;
    let locker = db.client().await;
    exec(
        &locker,
        "BEGIN; LOCK TABLE queue_items IN ACCESS EXCLUSIVE MODE",
    )
    .await;

    let mut config = superuser_config(&db, version);
    config.lock_timeout = Duration::from_secs(600);
    let (handle, mut events) = executor::spawn(config);
    let target = |oid, name| Step {
        sql: sql::vacuum_analyze("public", name),
        target: Target::Relation(relation_target(oid, "public", name)),
    };
    handle.run(
        1,
        Plan {
            kind: ActionKind::VacuumAnalyze,
            steps: vec![target(queue, "queue_items"), target(other, "other_items")],
            note: None,
        },
    );

    let blocked = "SELECT pid FROM pg_stat_activity
                    WHERE datname = current_database() AND application_name = 'pgpulse actions'
                      AND state = 'active' AND wait_event_type = 'Lock'
                      AND query LIKE 'VACUUM%'";
    let pid: i32 = eventually("the VACUUM to wait for the lock", async || {
        let row = client
            .query_opt(blocked, &[])
            .await
            .map_err(|e| e.to_string())?;
        row.map(|r| r.get(0)).ok_or_else(|| "not waiting".into())
    })
    .await;

    assert!(handle.stop(1), "plan 1 is running: the stop is sent");
    let mut reports = Vec::new();
    loop {
        let event = tokio::time::timeout(WAIT, events.recv()).await;
        match must(event, "the stopped plan to report") {
            Some(ExecutorEvent::Started { .. }) => {}
            Some(ExecutorEvent::Step { report, .. }) => reports.push(*report),
            Some(ExecutorEvent::Done { .. }) => break,
            None => panic!("the executor task ended"),
        }
    }
    assert_eq!(reports.len(), 2, "{reports:#?}");
    assert_eq!(reports[0].outcome, Outcome::Cancelled, "{reports:#?}");
    assert!(
        reports[0].message.starts_with("stopped") && reports[0].message.contains("57014"),
        "{}",
        reports[0].message
    );
    assert_eq!(reports[1].outcome, Outcome::Cancelled);
    assert_eq!(reports[1].message, "not run: the action was stopped");

    // The blocked VACUUM is gone from the server; the connection stays for the next action.
    eventually("the executor's session to be idle", async || {
        let row = client
            .query_opt(
                "SELECT state, wait_event_type FROM pg_stat_activity WHERE pid = $1",
                &[&pid],
            )
            .await
            .map_err(|e| e.to_string())?;
        let state = row.map(|r| (r.get::<_, Option<String>>(0), r.get::<_, Option<String>>(1)));
        match state {
            Some((Some(s), Some(w))) if s == "idle" && w == "Client" => Ok(()),
            other => Err(format!("{other:?}")),
        }
    })
    .await;
    exec(&locker, "ROLLBACK").await;
    assert_eq!(maintenance_counts(&client, queue).await.0, 0);
    assert_eq!(
        maintenance_counts(&client, other).await.0,
        0,
        "the second step was not run"
    );

    // The executor goes on with the next plan; a late stop of plan 1 does not reach it.
    handle.run(
        2,
        plan::relation(
            ActionKind::VacuumAnalyze,
            relation_target(queue, "public", "queue_items"),
        ),
    );
    assert!(!handle.stop(1), "plan 1 has ended: nothing to stop");
    let report = loop {
        let event = must(
            tokio::time::timeout(WAIT, events.recv()).await,
            "the next plan",
        );
        match event {
            Some(ExecutorEvent::Step { id: 2, report }) => break report,
            Some(ExecutorEvent::Started { id: 2, .. }) => {}
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(report.outcome, Outcome::Ok, "{report:#?}");
}

// ---------------------------------------------------------------------------------------
// Journal
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn every_step_is_journaled_as_one_json_line_without_the_password() {
    const PASSWORD: &str = "Jour-nal_pw-5eb1c7";
    let server = common::shared();
    let db = server.create_database().await;
    let client = db.client().await;
    let version = server_version(&client).await;
    server
        .create_role("journal_user", Some(PASSWORD), "IN ROLE password_users")
        .await;
    exec(
        &client,
        "CREATE TABLE ledger (id int) WITH (autovacuum_enabled = off);
         ALTER TABLE ledger OWNER TO journal_user;
         CREATE TABLE not_mine (id int) WITH (autovacuum_enabled = off);",
    )
    .await;
    let ledger = oid_of(&client, "public", "ledger").await;
    let not_mine = oid_of(&client, "public", "not_mine").await;

    let dir = must(tempfile::tempdir(), "temp dir");
    let path = dir.path().join("journal.jsonl");
    let mut config = config(conninfo_as(&db, "journal_user", Some(PASSWORD)), version);
    config.journal = Some(Journal::at(&path));
    let mut executor = Executor::new(config);

    let analyze = plan::relation(
        ActionKind::Analyze,
        relation_target(ledger, "public", "ledger"),
    );
    let gone = Plan {
        kind: ActionKind::CancelBackend,
        steps: vec![Step {
            sql: sql::signal_backend(false, i32::MAX, SystemTime::now()),
            target: Target::Backend(BackendTarget {
                pid: i32::MAX,
                backend_start: SystemTime::now(),
                user: Some("someone".into()),
                application: "app".into(),
                query_age: None,
                query_start: None,
                query: "SELECT 1".into(),
                raw_query: "SELECT 1".into(),
            }),
        }],
        note: None,
    };
    let vacuum = plan::relation(
        ActionKind::VacuumAnalyze,
        relation_target(not_mine, "public", "not_mine"),
    );
    let mut reports = Vec::new();
    for plan in [&analyze, &gone, &vacuum] {
        reports.extend(run(&mut executor, plan).await);
    }
    let outcomes: Vec<Outcome> = reports.iter().map(|r| r.outcome).collect();
    assert_eq!(
        outcomes,
        [Outcome::Ok, Outcome::SessionEnded, Outcome::Warning],
        "{reports:#?}"
    );

    let text = must(std::fs::read_to_string(&path), "reading the journal");
    assert!(
        !text.contains(PASSWORD),
        "the journal holds the password: {text}"
    );
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    let keys = [
        "action",
        "duration_ms",
        "message",
        "notices",
        "outcome",
        "role",
        "server",
        "sql",
        "target",
        "time",
    ];
    let expected = [
        ("analyze", "ok"),
        ("cancel", "session-ended"),
        ("vacuum-analyze", "warning"),
    ];
    for ((line, report), (action, outcome)) in lines.iter().zip(&reports).zip(expected) {
        let value: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        let mut found: Vec<&str> = value
            .as_object()
            .map(|o| o.keys().map(String::as_str).collect())
            .unwrap_or_default();
        found.sort_unstable();
        assert_eq!(found, keys, "{line}");
        assert_eq!(value["action"], action, "{line}");
        assert_eq!(value["outcome"], outcome, "{line}");
        assert_eq!(value["role"], "journal_user", "{line}");
        assert_eq!(value["sql"], report.sql.as_str(), "{line}");
        assert_eq!(value["message"], report.message.as_str(), "{line}");
        assert_eq!(value["target"], report.target.as_str(), "{line}");
        let server = value["server"].as_str().unwrap_or_default();
        assert!(
            server.contains("journal_user") && server.contains(&db.name),
            "{line}"
        );
        assert!(value["duration_ms"].is_u64(), "{line}");
        assert!(
            value["time"].as_str().is_some_and(|t| t.ends_with('Z')),
            "{line}"
        );
        let notices: Vec<&str> = value["notices"]
            .as_array()
            .map(|a| a.iter().filter_map(|n| n.as_str()).collect())
            .unwrap_or_default();
        assert_eq!(notices, report.notices, "{line}");
    }
    assert!(
        denied_to(lines[2], "vacuum", version),
        "the warning is journaled: {}",
        lines[2]
    );
    assert_eq!(Journal::at(&path).recent(10).len(), 3);
}

/// Whether `message` is the server's refusal to `verb` a table the role does not own, as
/// that major words it: "skipping \"t\" --- only table or database owner can vacuum it"
/// before 16, "permission denied to vacuum \"t\", skipping it" from 16 (which also lets
/// MAINTAIN holders through, on 17).
fn denied_to(message: &str, verb: &str, server_version_num: i32) -> bool {
    if server_version_num >= 160_000 {
        message.contains(&format!("permission denied to {verb} "))
            && message.contains("skipping it")
    } else {
        message.contains(&format!("only table or database owner can {verb} it"))
    }
}
