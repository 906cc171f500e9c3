//! The log file as a DBA finds it after an outage: readable by its owner only, with every
//! failed reconnect and its reason, and never the password. (Its own test binary, not a
//! module of `tests/live/`: the log subscriber it installs is process-wide, and there it
//! would also record, and be read for, every other test's reconnects.)

// Test code: a panic with the error is the failure report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::os::unix::fs::PermissionsExt;
use std::time::Duration;

use common::live::{WAIT, must};
use pgpulse::monitor::poller::{Poller, PollerConfig, spawn_poller};
use pgpulse::pg::open::{ConnectOptions, LiveStart, open_monitoring_or_wait};

#[tokio::test]
async fn failed_reconnects_are_logged_with_their_reason_in_a_private_file() {
    let state = must(tempfile::tempdir(), "state dir");
    let file = state.path().join("pgpulse.log");
    // A log left by an older version, readable by everyone.
    must(std::fs::write(&file, "earlier run\n"), "old log");
    must(
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)),
        "widening the old log",
    );
    assert!(
        pgpulse::settings::logging::init(&file),
        "logging did not start"
    );

    let server = common::start_server(|_| {});
    let db = server.create_database().await;
    // The password is not needed (trust) but must never reach the log.
    let conninfo = format!("{} sslmode=disable password=hunter2-secret", db.conninfo());
    server.stop();
    let conn = ConnectOptions {
        no_password: true,
        ..ConnectOptions::default()
    };
    let start = must(
        open_monitoring_or_wait(&conn, Some(conninfo)).await,
        "start",
    );
    let LiveStart::Waiting(session, first) = start else {
        panic!("the server is down");
    };
    let config = PollerConfig {
        fast: Duration::from_millis(100),
        ..PollerConfig::default()
    };
    let (snapshots, _commands) = spawn_poller(Poller::waiting(session, config, &first));
    let attempt_3 = async {
        loop {
            let seen = snapshots.take().is_some_and(|s| {
                s.server
                    .as_ref()
                    .is_err_and(|e| e.to_string().contains("attempt 3,"))
            });
            if seen || snapshots.changed().await.is_err() {
                break;
            }
        }
    };
    must(
        tokio::time::timeout(WAIT, attempt_3).await,
        "waiting for attempt 3",
    );
    server.start();
    let connected = async {
        loop {
            let ok = snapshots.take().is_some_and(|s| s.server.is_ok());
            if ok || snapshots.changed().await.is_err() {
                break;
            }
        }
    };
    must(
        tokio::time::timeout(Duration::from_secs(15), connected).await,
        "reconnecting",
    );
    // Each line is written as it is logged: nothing to flush.

    let mode = must(std::fs::metadata(&file), "log metadata")
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o600, "the log names servers, roles and errors");
    let log = must(std::fs::read_to_string(&file), "reading the log");
    assert!(log.starts_with("earlier run\n"), "appended, not truncated");
    for attempt in 1..=3 {
        let line = log
            .lines()
            .find(|l| l.contains(&format!("connection attempt {attempt} failed")))
            .unwrap_or_else(|| panic!("attempt {attempt} not logged:\n{log}"));
        assert!(line.contains("Connection refused"), "no reason: {line}");
    }
    assert!(
        log.contains("connected after "),
        "the recovery is logged too:\n{log}"
    );
    assert!(
        !log.contains("hunter2"),
        "the password reached the log:\n{log}"
    );
}
