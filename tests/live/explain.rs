//! EXPLAIN against a real server, on every supported major (CI runs this module on 13–18):
//! it plans exactly the text the dialog showed, even when the session has moved on; a
//! normalized statement (`$1`) gets a generic plan on 16+ and a clear refusal before;
//! and it never runs anything but EXPLAIN: not a second statement hidden in the text, not
//! a text starting with ANALYZE, not with pgpulse's privileges.

use crate::common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use common::actions::{
    Background, CancelCountingSession, active_session, assert_same_query, connect_with,
    conninfo_as, run, run_one, server_version, session_state, session_where, superuser_config,
    table_exists,
};
use common::live::{backend_pid, eventually, exec, monitor_db, must};
use pgpulse::actions::executor::Executor;
use pgpulse::actions::{ActionKind, Outcome, Plan, StatementTarget, Step, Target, plan, sql};
use pgpulse::text::sanitize::sanitized;
use tokio_postgres::Client;

/// The pg_stat_statements entry of this database whose text is `text`.
async fn statement(client: &Client, text: &str) -> StatementTarget {
    eventually(&format!("{text:?} in pg_stat_statements"), async || {
        let row = client
            .query_opt(
                "SELECT s.userid, s.dbid, s.queryid, s.query FROM pg_stat_statements s
                  JOIN pg_database d ON d.oid = s.dbid AND d.datname = current_database()
                  WHERE s.query = $1",
                &[&text],
            )
            .await
            .map_err(|e| e.to_string())?;
        let row = row.ok_or("not there yet")?;
        Ok(StatementTarget {
            userid: row.get(0),
            dbid: row.get(1),
            queryid: row.get(2),
            text: sanitized(&row.get::<_, String>(3)),
        })
    })
    .await
}

/// Tables the busy session reads, one per statement of its loop.
const LOOP_TABLES: usize = 20;
/// EXPLAINs taken of the busy session, each of the text on screen at that moment.
const EXPLAINS: usize = 20;

#[tokio::test]
async fn explain_of_a_busy_session_plans_the_text_that_was_on_screen() {
    let db = common::shared().create_database().await;
    let (mut session, caps) = monitor_db(&db).await;
    let owner = db.client().await;
    for i in 0..LOOP_TABLES {
        exec(
            &owner,
            &format!("CREATE TABLE loop_t{i} (id int); INSERT INTO loop_t{i} VALUES (1);"),
        )
        .await;
    }
    // An OLTP-like session: a different short statement every few milliseconds.
    let busy = db.client().await;
    let pid = backend_pid(&busy).await;
    let running = Arc::new(AtomicBool::new(true));
    let keep_going = Arc::clone(&running);
    let looping = tokio::spawn(async move {
        let mut i = 0usize;
        while keep_going.load(Ordering::Relaxed) {
            let text = format!(
                "SELECT count(*), pg_sleep(0.002) FROM loop_t{}",
                i % LOOP_TABLES
            );
            busy.simple_query(&text).await?;
            i += 1;
        }
        Ok::<usize, tokio_postgres::Error>(i)
    });

    let mut executor = Executor::new(superuser_config(&db, caps.server_version_num));
    let mut planned_as_shown = 0;
    let mut mismatches = Vec::new();
    for _ in 0..EXPLAINS {
        let on_screen = session_where(&mut session, &caps, pid, |s| {
            s.raw_query.contains("FROM loop_t")
        })
        .await;
        let plan = must(
            plan::explain_session(&on_screen, caps.server_version_num),
            "explain plan",
        );
        let reports = run(&mut executor, &plan).await;
        let report = &reports[0];
        assert_eq!(report.outcome, Outcome::Ok, "{report:#?}");
        // The table the screen showed, e.g. `loop_t7`.
        let shown_table = on_screen
            .raw_query
            .rsplit(' ')
            .next()
            .unwrap_or_default()
            .to_string();
        let plans_shown = report.output.iter().any(|l| {
            l.ends_with(&format!("on {shown_table}")) || l.contains(&format!("on {shown_table} "))
        });
        if report.planned.as_deref() == Some(on_screen.raw_query.as_str())
            && report.sql == plan.steps[0].sql
            && plans_shown
        {
            planned_as_shown += 1;
        } else {
            mismatches.push(format!(
                "on screen {:?}, planned {:?}: {:?}",
                on_screen.raw_query, report.planned, report.output
            ));
        }
    }
    running.store(false, Ordering::Relaxed);
    let statements = must(
        must(
            tokio::time::timeout(common::live::WAIT, looping).await,
            "the loop to stop",
        ),
        "the loop",
    );
    let statements = must(statements, "the busy session's statements");
    assert!(
        statements > EXPLAINS,
        "the session moved on between EXPLAINs ({statements} statements)"
    );
    assert_eq!(
        planned_as_shown, EXPLAINS,
        "EXPLAINs that planned the dialog's text: {planned_as_shown} of {EXPLAINS}: {mismatches:#?}"
    );
}

#[tokio::test]
async fn explain_of_a_normalized_statement_uses_a_generic_plan_on_16_and_later() {
    let db = common::shared().create_database().await;
    let client = db.client().await;
    let version = server_version(&client).await;
    exec(
        &client,
        "CREATE EXTENSION pg_stat_statements;
         CREATE TABLE items (id int PRIMARY KEY, name text);
         INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 10000) g;
         ANALYZE items;",
    )
    .await;
    // Two parameters, the way an application driver sends them (extended protocol).
    must(
        client
            .query(
                "SELECT name FROM items WHERE id = $1 AND name <> $2",
                &[&7i32, &"x"],
            )
            .await,
        "parameterized query",
    );
    let normalized = statement(
        &client,
        "SELECT name FROM items WHERE id = $1 AND name <> $2",
    )
    .await;
    let built = plan::explain_statement(normalized.clone(), version);
    if version < 160_000 {
        let reason = built.err().unwrap_or_default();
        assert!(
            reason.contains("GENERIC_PLAN")
                && reason.contains("16")
                && reason.contains(&format!("is {}", version / 10_000)),
            "{reason}"
        );
        // Even a plan built elsewhere is checked again by the executor.
        let forced = Plan {
            kind: ActionKind::Explain,
            steps: vec![Step {
                sql: sql::explain(&normalized.text, true),
                target: Target::Statement(normalized),
            }],
            note: None,
        };
        let report = run_one(superuser_config(&db, version), &forced).await;
        assert_eq!(report.outcome, Outcome::Error, "{report:#?}");
        assert!(report.message.contains("16"), "{}", report.message);
        assert!(report.output.is_empty());
    } else {
        let plan = must(built, "explain plan");
        assert_eq!(
            plan.steps[0].sql,
            "EXPLAIN (GENERIC_PLAN, ANALYZE false) SELECT name FROM items WHERE id = $1 AND name <> $2"
        );
        let report = run_one(superuser_config(&db, version), &plan).await;
        assert_eq!(report.outcome, Outcome::Ok, "{report:#?}");
        assert_eq!(report.sql, plan.steps[0].sql);
        // A generic plan keeps the parameters: nothing was folded into a constant.
        assert!(
            report
                .output
                .iter()
                .any(|l| l.contains("items_pkey") && !l.contains("NULL"))
                && report.output.iter().any(|l| l.contains("(id = $1)"))
                && report.output.iter().any(|l| l.contains("$2")),
            "{:?}",
            report.output
        );
    }

    // Without placeholders the statement is planned on every major.
    exec(&client, "SELECT count(*) FROM items").await;
    let plain = statement(&client, "SELECT count(*) FROM items").await;
    let plan = must(plan::explain_statement(plain, version), "explain plan");
    let report = run_one(superuser_config(&db, version), &plan).await;
    assert_eq!(report.outcome, Outcome::Ok, "{report:#?}");
    assert_eq!(
        report.sql,
        "EXPLAIN (ANALYZE false) SELECT count(*) FROM items"
    );
    assert!(
        report.output.iter().any(|l| l.contains("on items")),
        "{:?}",
        report.output
    );
}

#[tokio::test]
async fn explain_of_a_session_running_a_prepared_statement_uses_a_generic_plan_on_16() {
    let db = common::shared().create_database().await;
    let (mut session, caps) = monitor_db(&db).await;
    let version = caps.server_version_num;
    let app = db.client().await;
    let pid = backend_pid(&app).await;
    let observer = db.client().await;
    // A driver's prepared statement: pg_stat_activity shows `$1`, not the value.
    let sleeping = tokio::spawn(async move {
        app.query("SELECT pg_sleep($1::float8) AS driver_query", &[&60f64])
            .await
            .map(|_| ())
    });
    let on_screen = active_session(&mut session, &caps, pid, "driver_query").await;
    assert!(on_screen.raw_query.contains("$1"), "{on_screen:#?}");
    let built = plan::explain_session(&on_screen, version);
    if version < 160_000 {
        let reason = built.err().unwrap_or_default();
        assert!(reason.contains("GENERIC_PLAN"), "{reason}");
    } else {
        let plan = must(built, "explain plan");
        let report = run_one(superuser_config(&db, version), &plan).await;
        assert_eq!(report.outcome, Outcome::Ok, "{report:#?}");
        assert!(
            report.output.iter().any(|l| l.starts_with("Result")),
            "{:?}",
            report.output
        );
    }
    exec(&observer, &format!("SELECT pg_cancel_backend({pid})")).await;
    let ended = must(
        tokio::time::timeout(common::live::WAIT, sleeping).await,
        "the prepared statement to end",
    );
    assert!(must(ended, "its task").is_err(), "it was cancelled");
}

#[tokio::test]
async fn explain_of_a_running_query_plans_it_without_running_it() {
    let db = common::shared().create_database().await;
    let (mut session, caps) = monitor_db(&db).await;
    let observer = db.client().await;
    let victim = Background::start(db.client().await, "SELECT pg_sleep(60)").await;
    let on_screen = active_session(&mut session, &caps, victim.pid, "pg_sleep(60)").await;
    let before = match session_state(&observer, victim.pid).await {
        Some((start, query, _)) => (start, query),
        None => panic!("pid {} is gone", victim.pid),
    };

    let plan = must(
        plan::explain_session(&on_screen, caps.server_version_num),
        "explain plan",
    );
    // Bounded by WAIT: a run of the 60 s sleep could not finish in time.
    let report = run_one(superuser_config(&db, caps.server_version_num), &plan).await;
    assert_eq!(report.outcome, Outcome::Ok, "{report:#?}");
    assert_eq!(report.sql, "EXPLAIN (ANALYZE false) SELECT pg_sleep(60)");
    assert_eq!(report.planned.as_deref(), Some("SELECT pg_sleep(60)"));
    assert!(
        report.output.iter().any(|l| l.starts_with("Result"))
            && !report.output.iter().any(|l| l.contains("actual time")),
        "{:?}",
        report.output
    );
    assert_same_query(&observer, victim.pid, before, "EXPLAIN of a running query").await;
    assert_eq!(victim.cancel().await, Err("57014".into()));
}

#[tokio::test]
async fn explain_never_runs_a_second_statement_hidden_in_the_query_text() {
    let db = common::shared().create_database().await;
    let (mut session, caps) = monitor_db(&db).await;
    let client = db.client().await;
    // One simple-protocol string: pg_stat_activity shows all of it while the sleep runs.
    // The cancel at the end aborts the whole string, so the session itself never gets to
    // the CREATE either.
    let victim = Background::start(
        db.client().await,
        "SELECT pg_sleep(60) /* x */; CREATE TABLE should_not_exist_by_explain ()",
    )
    .await;
    let on_screen = active_session(&mut session, &caps, victim.pid, "should_not_exist").await;

    let plan = must(
        plan::explain_session(&on_screen, caps.server_version_num),
        "explain plan",
    );
    let report = run_one(superuser_config(&db, caps.server_version_num), &plan).await;
    assert_eq!(report.outcome, Outcome::Error, "{report:#?}");
    assert!(
        report.message.contains("multiple commands"),
        "the extended protocol refuses the second statement: {}",
        report.message
    );
    assert!(
        !table_exists(&client, "should_not_exist_by_explain").await,
        "EXPLAIN ran the CREATE TABLE"
    );
    assert_eq!(victim.cancel().await, Err("57014".into()));
    assert!(!table_exists(&client, "should_not_exist_by_explain").await);
}

#[tokio::test]
async fn explain_never_turns_a_query_text_starting_with_analyze_into_explain_analyze() {
    let server = common::shared();
    let db = server.create_database().await;
    let (mut session, caps) = monitor_db(&db).await;
    let observer = db.client().await;
    server.create_role("prankster", None, "").await;
    // A superuser's session that the unprivileged role could never terminate itself.
    let mut bystander =
        CancelCountingSession::start(&observer, db.client().await, "bystander_signals").await;

    // The role sends a statement that fails to parse. Its session is idle now, but
    // pg_stat_activity keeps the text as its query: `EXPLAIN <text>` would read
    // `EXPLAIN ANALYZE SELECT pg_terminate_backend(...)`, which runs the SELECT with the
    // privileges of pgpulse's role.
    let prankster = connect_with(&conninfo_as(&db, "prankster", None)).await;
    let pid = backend_pid(&prankster).await;
    let text = format!("ANALYZE SELECT pg_terminate_backend({})", bystander.pid);
    let failed = prankster.batch_execute(&text).await;
    let code = failed
        .err()
        .and_then(|e| e.as_db_error().map(|d| d.code().code().to_string()));
    assert_eq!(
        code.as_deref(),
        Some("42601"),
        "a syntax error for the role"
    );
    let on_screen = session_where(&mut session, &caps, pid, |s| {
        s.query.contains("pg_terminate_backend")
    })
    .await;

    // The safe answers: the builder refuses, or the executor refuses or only plans.
    if let Ok(plan) = plan::explain_session(&on_screen, caps.server_version_num) {
        let report = run_one(superuser_config(&db, caps.server_version_num), &plan).await;
        let executed = report.output.iter().any(|l| l.contains("actual time"));
        assert!(
            !executed && !report.sql.starts_with("EXPLAIN ANALYZE"),
            "EXPLAIN of the idle session's text ran it as {:?} (the dialog's note says {:?})\n\
             {report:#?}",
            report.sql,
            plan.note
        );
    }
    // Checked on the server: the bystander was neither terminated nor cancelled.
    bystander
        .assert_no_signal_reached(&observer, "EXPLAIN of another session's text")
        .await;
    bystander.end(&observer).await;
}

#[tokio::test]
async fn explain_plans_as_the_role_that_ran_the_query() {
    let server = common::shared();
    let db = server.create_database().await;
    let (mut session, caps) = monitor_db(&db).await;
    let owner = db.client().await;
    server.create_role("planned_role", None, "").await;
    // An IMMUTABLE function is evaluated while planning: whose rights it runs with shows
    // in the folded constant of the plan's filter.
    exec(
        &owner,
        "CREATE TABLE people (name text);
         GRANT SELECT ON people TO planned_role;
         CREATE FUNCTION whoami() RETURNS text IMMUTABLE LANGUAGE sql AS 'SELECT current_user::text';",
    )
    .await;
    let role_client = connect_with(&conninfo_as(&db, "planned_role", None)).await;
    let running = Background::start(
        role_client,
        "SELECT pg_sleep(60) FROM (SELECT 1) one LEFT JOIN people ON people.name = whoami()",
    )
    .await;
    let on_screen = active_session(&mut session, &caps, running.pid, "whoami()").await;
    let before = match session_state(&owner, running.pid).await {
        Some((start, query, _)) => (start, query),
        None => panic!("pid {} is gone", running.pid),
    };
    let plan = must(
        plan::explain_session(&on_screen, caps.server_version_num),
        "explain plan",
    );
    let report = run_one(superuser_config(&db, caps.server_version_num), &plan).await;
    assert_eq!(report.outcome, Outcome::Ok, "{report:#?}");
    assert!(
        report
            .output
            .iter()
            .any(|l| l.contains("'planned_role'::text")),
        "the planner must have folded whoami() as planned_role, not as pgpulse's superuser: {:?}",
        report.output
    );
    assert!(
        report.message.contains("planned as role planned_role"),
        "{}",
        report.message
    );
    assert_same_query(
        &owner,
        running.pid,
        before,
        "EXPLAIN of another role's query",
    )
    .await;
    assert_eq!(running.cancel().await, Err("57014".into()));
}

#[tokio::test]
async fn explain_refuses_a_session_text_the_server_may_have_cut() {
    let db = common::shared().create_database().await;
    let (mut session, caps) = monitor_db(&db).await;
    // Longer than track_activity_query_size (1024 bytes by default): pg_stat_activity
    // keeps a prefix, which could parse as another statement.
    let padding = "x".repeat(1200);
    let victim = Background::start(
        db.client().await,
        &format!("SELECT pg_sleep(60), '{padding}' AS long_text"),
    )
    .await;
    let on_screen = active_session(&mut session, &caps, victim.pid, "pg_sleep(60)").await;
    let plan = must(
        plan::explain_session(&on_screen, caps.server_version_num),
        "explain plan",
    );
    let report = run_one(superuser_config(&db, caps.server_version_num), &plan).await;
    assert_eq!(report.outcome, Outcome::Error, "{report:#?}");
    assert!(
        report.message.contains("may be cut")
            && report.message.contains("track_activity_query_size"),
        "{}",
        report.message
    );
    assert!(report.output.is_empty() && report.planned.is_none());
    assert_eq!(victim.cancel().await, Err("57014".into()));
}
