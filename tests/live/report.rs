//! `pgpulse report` run as a user would: the real binary against a server with a lock
//! chain and a runaway query, in JSON (checked against the committed schema) and Markdown,
//! with the exit status cron reads.

use crate::common;

use std::process::Output;

use common::binary::pgpulse;
use common::live::{LockWait, backend_pid, eventually, exec, finished, lock_wait, must, spawn_sql};

/// Runs `pgpulse report` with a config whose long-running-query limits are 1 s / 2 s, in
/// an environment that cannot leak in from the machine.
fn report(conninfo: &str, format: &str) -> Output {
    let home = must(tempfile::tempdir(), "temp home");
    must(
        std::fs::write(
            home.path().join("config.toml"),
            "[thresholds]\nquery_warn = \"1s\"\nquery_crit = \"2s\"\n",
        ),
        "config file",
    );
    let args = [
        "report", "-w", conninfo, "--sample", "2s", "--format", format,
    ];
    must(
        pgpulse(home.path(), &args).output(),
        "running pgpulse report",
    )
}

#[tokio::test]
async fn the_report_names_the_lock_chain_and_exits_3_on_a_critical_alert() {
    // A private server: the report covers every database's sessions.
    let server = common::start_server(|_| {});
    let db = server.create_database().await;
    let LockWait {
        holder,
        holder_pid: root,
        waiter_pid: waiter,
        waiter: waiter_task,
    } = lock_wait(&db, "hot", "UPDATE hot SET id = 1 WHERE id = 1").await;
    let sleeper_client = db.client().await;
    let sleeper = backend_pid(&sleeper_client).await;
    let sleeper_task = spawn_sql(sleeper_client, "SELECT pg_sleep(60)".into());
    // The query has run past the 2 s critical limit before the report starts.
    let watcher = db.client().await;
    eventually("the sleeper past 3 s and the waiter waiting", async || {
        let row = must(
            watcher
                .query_one(
                    "SELECT count(*) FILTER (WHERE pid = $1 AND now() - query_start > '3s')
                          + count(*) FILTER (WHERE pid = $2 AND wait_event_type = 'Lock')
                     FROM pg_stat_activity",
                    &[&sleeper, &waiter],
                )
                .await,
            "activity",
        );
        let ready: i64 = row.get(0);
        if ready == 2 {
            Ok(())
        } else {
            Err(format!("{ready} of 2 ready"))
        }
    })
    .await;

    let output = report(&db.conninfo(), "json");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(3),
        "critical alert active; stderr: {stderr}"
    );
    let json: serde_json::Value = must(serde_json::from_slice(&output.stdout), "JSON output");
    let schema: serde_json::Value = must(
        serde_json::from_str(include_str!("../../schemas/report.schema.json")),
        "schema",
    );
    let validator = must(
        jsonschema::options()
            .should_validate_formats(true)
            .build(&schema),
        "validator",
    );
    let errors: Vec<String> = validator
        .iter_errors(&json)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}\n{json:#}");
    let chain: Vec<(i64, i64)> = json["blocking"]
        .as_array()
        .unwrap_or(&Vec::new())
        .iter()
        .map(|b| {
            (
                b["pid"].as_i64().unwrap_or(0),
                b["depth"].as_i64().unwrap_or(-1),
            )
        })
        .collect();
    assert_eq!(
        chain,
        [(i64::from(root), 0), (i64::from(waiter), 1)],
        "{json:#}"
    );
    let critical = json["alerts"].as_array().is_some_and(|alerts| {
        alerts
            .iter()
            .any(|a| a["level"] == "critical" && a["metric"] == "long-running query")
    });
    assert!(critical, "{json:#}");
    let events = json["wait_load"]["events"].to_string();
    assert!(events.contains("Lock:transactionid"), "{events}");
    assert!(events.contains("Timeout:PgSleep"), "{events}");
    assert_eq!(json["source"]["kind"], "live");

    let output = report(&db.conninfo(), "markdown");
    let markdown = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(3), "{markdown}");
    assert!(
        markdown.starts_with("# pgpulse incident report: "),
        "{markdown}"
    );
    assert!(markdown.contains("CRITICAL: "), "{markdown}");
    assert!(markdown.contains(&format!("| ↳ {waiter} |")), "{markdown}");

    exec(&holder, "ROLLBACK").await;
    exec(&watcher, &format!("SELECT pg_cancel_backend({sleeper})")).await;
    let _ = finished(waiter_task).await;
    let _ = finished(sleeper_task).await;
}
