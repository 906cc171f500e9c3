//! `pgpulse doctor` run as a user would, against servers in different states.

mod common;

use std::process::{Command, Output};

/// Runs the real binary with an environment that cannot leak in from the machine.
fn doctor(conninfo: &str) -> Output {
    let home = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut command = Command::new(env!("CARGO_BIN_EXE_pgpulse"));
    command
        .args(["doctor", "-w", conninfo])
        .env("HOME", home.path())
        .env("PGPULSE_STATE_DIR", home.path())
        .env_remove("PGSERVICE")
        .env_remove("PGPASSWORD")
        .env_remove("PGSSLMODE");
    for (key, _) in std::env::vars() {
        if key.starts_with("PG") && key != "PGPULSE_TEST_PGBIN" {
            command.env_remove(key);
        }
    }
    command
        .output()
        .unwrap_or_else(|e| panic!("running pgpulse doctor: {e}"))
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
        .unwrap_or_else(|e| panic!("{e}"));
    let output = doctor(&format!("{} sslmode=require", db.conninfo()));
    let out = stdout(&output);
    assert!(output.status.success(), "{out}");
    assert_line(&out, "ok", "connected: PostgreSQL");
    assert!(out.contains("TLS"), "sslmode=require must show TLS: {out}");
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
        .unwrap_or_else(|e| panic!("{e}"));
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
