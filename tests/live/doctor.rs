//! `pgpulse doctor` run as a user would, against servers in different states.

use crate::common;

use std::process::Output;

use common::binary::pgpulse;
use common::live::must;

/// Runs the real binary with an environment that cannot leak in from the machine.
fn doctor(conninfo: &str) -> Output {
    let home = must(tempfile::tempdir(), "temp home");
    must(
        pgpulse(home.path(), &["doctor", "-w", conninfo]).output(),
        "running pgpulse doctor",
    )
}

/// Standard output, with standard error appended so a failed run explains itself.
fn stdout(output: &Output) -> String {
    let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
    if !output.stderr.is_empty() {
        text.push_str("\n[stderr] ");
        text.push_str(&String::from_utf8_lossy(&output.stderr));
    }
    text
}

fn assert_line(out: &str, status: &str, needle: &str) {
    assert!(
        out.lines()
            .any(|l| l.trim_start().starts_with(status) && l.contains(needle)),
        "expected a {status} line containing {needle:?} in:\n{out}"
    );
}

#[tokio::test]
async fn without_the_extension_doctor_gives_the_create_extension_fix() {
    let db = common::shared().create_database().await;
    let output = doctor(&format!("{} sslmode=disable", db.conninfo()));
    let out = stdout(&output);
    assert!(output.status.success(), "{out}");
    assert_line(
        &out,
        "ok",
        "pg_stat_statements is in shared_preload_libraries",
    );
    assert_line(&out, "FIX", "not installed in database");
    assert!(
        out.contains("fix: CREATE EXTENSION pg_stat_statements;"),
        "{out}"
    );
    assert_line(&out, "WARN", "query_performance_log");
    assert!(out.contains("pgpulse schema install"), "{out}");
}

#[tokio::test]
async fn with_the_extension_and_superuser_the_statistics_checks_pass() {
    let db = common::shared().create_database().await;
    db.client()
        .await
        .batch_execute("CREATE EXTENSION pg_stat_statements")
        .await
        .unwrap();
    let output = doctor(&format!("{} sslmode=require", db.conninfo()));
    let out = stdout(&output);
    assert!(output.status.success(), "{out}");
    // "no TLS" contains "TLS" too: the connected line must name the protocol version.
    assert_line(&out, "ok", ", TLS TLSv1.");
    assert!(!out.contains("no TLS"), "sslmode=require: {out}");
    assert_line(&out, "ok", "pg_stat_statements 1.");
    assert_line(&out, "ok", "superuser sees every session");
    assert!(!out.contains("FIX"), "{out}");
}

#[tokio::test]
async fn a_role_without_pg_monitor_is_told_the_grant() {
    let server = common::shared();
    let db = server.create_database().await;
    server.create_role("Plain Role", None, "").await;
    server
        .create_role("monitor_role", None, "IN ROLE pg_monitor")
        .await;
    let base = format!(
        "host=127.0.0.1 port={} dbname={} sslmode=disable",
        server.port(),
        db.name
    );

    let out = stdout(&doctor(&format!("{base} user='Plain Role'")));
    assert_line(&out, "FIX", "insufficient privilege");
    assert!(
        out.contains("fix: GRANT pg_monitor TO \"Plain Role\";"),
        "{out}"
    );
    assert!(
        out.contains("fix: GRANT pg_signal_backend TO \"Plain Role\";"),
        "{out}"
    );

    let out = stdout(&doctor(&format!("{base} user=monitor_role")));
    assert_line(&out, "ok", "pg_read_all_stats privileges");
}

#[tokio::test]
async fn a_server_without_the_preload_is_told_the_alter_system_and_restart() {
    let server = common::start_server(|opts| {
        opts.settings
            .push(("shared_preload_libraries".into(), String::new()));
    });
    let db = server.create_database().await;
    let out = stdout(&doctor(&format!("{} sslmode=disable", db.conninfo())));
    assert_line(&out, "FIX", "not in shared_preload_libraries");
    assert!(
        out.contains("fix: ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements';   -- then restart the server"),
        "{out}"
    );
}

#[test]
fn a_connection_failure_exits_non_zero_with_one_line_and_no_password() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap();
    let output = doctor(&format!(
        "host=127.0.0.1 port={port} user=x password=hunter2-secret dbname=y sslmode=disable"
    ));
    assert!(!output.status.success());
    let err = String::from_utf8_lossy(&output.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("pgpulse: could not connect to"), "{err}");
    assert!(!err.contains("hunter2"), "{err}");
    assert!(output.stdout.is_empty());
}

#[tokio::test]
async fn a_plain_connection_is_reported_as_no_tls() {
    let db = common::shared().create_database().await;
    let out = stdout(&doctor(&format!("{} sslmode=disable", db.conninfo())));
    let connected = out
        .lines()
        .find(|l| l.contains("connected: PostgreSQL"))
        .unwrap_or_else(|| panic!("no connected line: {out}"));
    assert!(connected.ends_with(", no TLS"), "{connected}");
}

/// Creates the seed's query_performance_log without any index, with `rows` rows spread
/// over the last hour, analyzed.
async fn unindexed_log(client: &tokio_postgres::Client, rows: i64) {
    let ddl = pgpulse::pg::schema::STATEMENTS
        .iter()
        .filter(|(file, _)| file.starts_with("01_") || file.starts_with("02_"))
        .map(|(_, sql)| format!("{sql};"))
        .collect::<String>();
    common::live::exec(client, &ddl).await;
    common::live::exec(
        client,
        &format!(
            "INSERT INTO query_performance_log (query_hash, execution_time_ms, executed_at)
             SELECT 'q' || (g % 50), g % 300, now()::timestamp - (g % 3600) * interval '1 second'
             FROM generate_series(1, {rows}) g;
             ANALYZE query_performance_log;"
        ),
    )
    .await;
}

#[tokio::test]
async fn a_missing_index_is_a_fix_with_the_create_index_and_the_measured_read() {
    let db = common::shared().create_database().await;
    let client = db.client().await;
    unindexed_log(&client, 200_000).await;
    let conninfo = format!("{} sslmode=disable", db.conninfo());

    let out = stdout(&doctor(&conninfo));
    assert_line(
        &out,
        "FIX",
        "table query_performance_log has no index on (executed_at), ~200,000 rows: one read of the last 15 min takes ",
    );
    let summary = out
        .lines()
        .find(|l| l.contains("has no index on (executed_at)"))
        .unwrap_or_default();
    let measured = summary
        .rsplit_once("takes ")
        .and_then(|(_, cost)| cost.strip_suffix(" ms"))
        .and_then(|ms| ms.replace(',', "").parse::<f64>().ok());
    assert!(
        measured.is_some_and(|ms| ms > 0.0),
        "no measured cost in {summary:?}"
    );
    assert!(
        out.contains(
            "fix: CREATE INDEX CONCURRENTLY query_performance_log_executed_at_idx ON public.query_performance_log (executed_at);"
        ),
        "{out}"
    );

    // The fix, as given, closes the gap.
    common::live::exec(
        &client,
        "CREATE INDEX CONCURRENTLY query_performance_log_executed_at_idx ON public.query_performance_log (executed_at)",
    )
    .await;
    let out = stdout(&doctor(&conninfo));
    assert_line(
        &out,
        "ok",
        "table query_performance_log readable, indexed on (executed_at) by public.query_performance_log_executed_at_idx; one read of the last 15 min takes ",
    );
    assert!(!out.contains("has no index"), "{out}");
}

#[tokio::test]
async fn a_role_that_cannot_read_a_monitoring_table_is_told_the_grant() {
    let server = common::shared();
    let db = server.create_database().await;
    let client = db.client().await;
    common::live::exec(&client, &pgpulse::pg::schema::script()).await;
    server
        .create_role("No Select", None, "IN ROLE pg_monitor")
        .await;
    let out = stdout(&doctor(&format!(
        "host=127.0.0.1 port={} dbname={} user='No Select' sslmode=disable",
        server.port(),
        db.name
    )));
    for table in [
        "query_performance_log",
        "database_statistics_snapshot",
        "maintenance_task_log",
    ] {
        assert_line(
            &out,
            "FIX",
            &format!("table {table} is there but role \"No Select\" may not read it"),
        );
        assert!(
            out.contains(&format!(
                "fix: GRANT SELECT ON public.{table} TO \"No Select\";"
            )),
            "{out}"
        );
        assert!(!out.contains(&format!("ok   table {table}")), "{out}");
    }
}
