//! The monitoring session against a real server: its settings, and a frozen backend that
//! must not hang pgpulse.

use crate::common;

use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use pgpulse::monitor::collector::collect_server;
use pgpulse::pg::connect::SessionSettings;
use pgpulse::pg::conninfo::{self, Flags};
use pgpulse::pg::probe::Capabilities;
use pgpulse::pg::session::{MonitorSession, SessionError};

async fn session_for(db: &common::TestDb<'_>) -> MonitorSession {
    let params = conninfo::resolve_from_process(
        Flags::default(),
        Some(format!("{} sslmode=disable", db.conninfo())),
    )
    .unwrap();
    let settings = SessionSettings::monitoring(None);
    let deadline = MonitorSession::default_deadline(&settings);
    MonitorSession::new(params, settings, deadline)
}

#[tokio::test]
async fn the_monitoring_session_is_read_only_and_bounded() {
    let db = common::shared().create_database().await;
    let mut session = session_for(&db).await;
    let settings = [
        ("SHOW application_name", "pgpulse"),
        ("SHOW statement_timeout", "2s"),
        ("SHOW lock_timeout", "500ms"),
        ("SHOW idle_in_transaction_session_timeout", "10s"),
        ("SHOW default_transaction_read_only", "on"),
    ];
    for (sql, expected) in settings {
        let rows = session
            .query(sql, &[])
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
        let value: String = rows[0].get(0);
        assert_eq!(value, expected, "{sql}");
    }
    let write = session
        .query("CREATE TABLE must_not_exist (id int)", &[])
        .await;
    assert!(
        matches!(&write, Err(SessionError::Query(line)) if line.contains("25006")),
        "a write must fail as read-only: {write:?}"
    );
    // A server-side statement timeout leaves the connection usable.
    let slow = session.query("SELECT pg_sleep(5)", &[]).await;
    assert!(
        matches!(&slow, Err(SessionError::Query(line)) if line.contains("57014")),
        "{slow:?}"
    );
    assert!(collect_server(&mut session).await.is_ok());
    assert_eq!(session.connect_count(), 1);
}

#[tokio::test]
async fn rows_are_mapped_as_they_arrive_and_a_refused_row_leaves_the_session_usable() {
    let db = common::shared().create_database().await;
    let mut session = session_for(&db).await;
    // Enough rows to span many network reads.
    let sql = "SELECT i, repeat('x', 200) AS pad FROM generate_series(1, 20000) AS i";
    let mapped = session
        .query_map(sql, &[], |row| row.try_get::<_, i32>("i"))
        .await
        .expect("round trip")
        .expect("every row maps");
    assert_eq!(mapped.len(), 20_000);
    assert_eq!((mapped[0], mapped[19_999]), (1, 20_000), "in order");

    let mut seen = 0;
    let refused = session
        .query_map(sql, &[], |row| {
            seen += 1;
            let i: i32 = row.get("i");
            if i == 10 { Err(i) } else { Ok(i) }
        })
        .await
        .expect("round trip");
    assert_eq!(refused, Err(10));
    assert_eq!(seen, 10, "nothing is mapped after the refused row");
    // The rest of that answer was discarded: the next statement gets its own.
    assert!(collect_server(&mut session).await.is_ok());
    assert_eq!(session.connect_count(), 1);
}

/// Resumes a stopped process even when the test fails half-way.
struct ResumeOnDrop(Pid);

impl Drop for ResumeOnDrop {
    fn drop(&mut self) {
        let _ = kill(self.0, Signal::SIGCONT);
    }
}

#[tokio::test]
async fn a_frozen_backend_fails_the_poll_within_its_deadline_and_the_session_recovers() {
    let db = common::shared().create_database().await;
    let mut session = session_for(&db).await;
    let caps = Capabilities::probe(&mut session).await.unwrap();
    assert!(collect_server(&mut session).await.is_ok());

    let backend = Pid::from_raw(caps.backend_pid);
    kill(backend, Signal::SIGSTOP).unwrap_or_else(|e| panic!("SIGSTOP {backend}: {e}"));
    let resume = ResumeOnDrop(backend);

    // The outer bound only keeps a broken implementation from hanging the suite; the
    // session's own deadline (statement_timeout + 1 s = 3 s) must fire first.
    let deadline = MonitorSession::default_deadline(&SessionSettings::monitoring(None));
    let started = Instant::now();
    let frozen = tokio::time::timeout(Duration::from_secs(20), collect_server(&mut session))
        .await
        .expect("the poll hung on a frozen backend");
    let took = started.elapsed();
    let error = frozen.expect_err("a frozen backend cannot answer");
    assert!(error.to_string().contains("no answer within 3s"), "{error}");
    // Not before the deadline (the server's own statement_timeout cannot fire in a
    // stopped backend, so an earlier failure is something else), and not much after it:
    // the cancel request that follows is bounded by 2 s.
    assert!(
        took >= deadline,
        "failed after {took:?}, before the {deadline:?} deadline"
    );
    let margin = Duration::from_secs(3);
    assert!(
        took <= deadline + margin,
        "failed after {took:?}: the deadline is {deadline:?}"
    );

    drop(resume); // SIGCONT
    let recovered = tokio::time::timeout(Duration::from_secs(20), collect_server(&mut session))
        .await
        .expect("the poll hung after SIGCONT");
    let server = recovered.expect("the session must reconnect");
    assert!(server.max_connections > 0);
    assert_eq!(session.connect_count(), 2, "recovery is a fresh connection");
    let caps_after = Capabilities::probe(&mut session).await.unwrap();
    assert_ne!(caps_after.backend_pid, caps.backend_pid);
}

#[tokio::test]
async fn the_session_reconnects_after_a_server_restart() {
    let server = common::start_server(|_| {});
    let db = server.create_database().await;
    let mut session = session_for(&db).await;
    let before = Capabilities::probe(&mut session).await.unwrap();
    server.restart();
    // The first poll after a restart may see the dead connection; the next reconnects.
    let _ = collect_server(&mut session).await;
    let state = collect_server(&mut session).await.unwrap();
    assert!(state.max_connections > 0);
    let after = Capabilities::probe(&mut session).await.unwrap();
    assert!(after.postmaster_start_time > before.postmaster_start_time);
}
