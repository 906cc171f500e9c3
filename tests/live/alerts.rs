//! The incident alerts against a real server (issue 10, E): a real lock wait and a real
//! idle-in-transaction session raise their alerts (thresholds set low here), and a real
//! deadlock and a real temp file show on the Dashboard and raise the deadlock alert.

use crate::common;

use common::live::{
    LockWait, backend_pid, eventually, exec, finished, lock_wait, monitor_db, must, spawn_sql,
};
use common::screen::{screen_text, test_app};
use pgpulse::analysis::alerts::AlertKind;
use pgpulse::monitor::poller::{Poller, PollerConfig};
use pgpulse::settings::config::Config;
use pgpulse::tui::app::{App, Event};

fn app_with(thresholds: &str) -> App {
    let config = must(
        Config::from_toml(&format!("[thresholds]\n{thresholds}"), "test.toml"),
        "config",
    );
    test_app().with_config(config)
}

fn dashboard(app: &App) -> String {
    screen_text(app, 120, 40)
}

/// The active alert of `kind`, as (level, value).
fn alert(app: &App, kind: AlertKind) -> Option<(pgpulse::analysis::metrics::Level, String)> {
    app.model()
        .alerts()
        .active()
        .iter()
        .find(|a| a.kind == kind)
        .map(|a| (a.level, a.value.clone()))
}

#[tokio::test]
async fn a_real_lock_wait_and_an_idle_transaction_raise_their_alerts() {
    // A private server: the alerts judge every session of the server, and other tests'
    // lock waits and open transactions would raise (and hold) the same alerts.
    let server = common::start_server(|_| {});
    let db = server.create_database().await;
    let LockWait {
        holder,
        holder_pid,
        waiter_pid,
        waiter: waiting,
    } = lock_wait(&db, "held", "UPDATE held SET id = 1 WHERE id = 1").await;

    let mut app = app_with(
        "lock_wait_warn = \"1s\"\nlock_wait_crit = \"1m\"\n\
         idle_in_transaction_warn = \"1s\"\nidle_in_transaction_crit = \"1m\"",
    );
    let (session, caps) = monitor_db(&db).await;
    let mut poller = Poller::new(session, caps, PollerConfig::default());
    let (lock, idle) = eventually("both alerts", async || {
        app.update(Event::Snapshot(Box::new(poller.poll_everything().await)));
        let lock = alert(&app, AlertKind::LockWait);
        let idle = alert(&app, AlertKind::IdleInTransaction);
        match (lock, idle) {
            (Some(lock), Some(idle)) => Ok((lock, idle)),
            other => Err(format!("{other:?}; {:?}", app.model().alerts().active())),
        }
    })
    .await;
    let warn = pgpulse::analysis::metrics::Level::Warn;
    assert_eq!(lock.0, warn);
    assert!(lock.1.ends_with(&format!("(pid {waiter_pid})")), "{lock:?}");
    assert_eq!(idle.0, warn);
    assert!(idle.1.ends_with(&format!("(pid {holder_pid})")), "{idle:?}");
    let screen = dashboard(&app);
    assert!(screen.contains("WARN lock wait"), "{screen}");
    assert!(screen.contains("WARN idle in transaction"), "{screen}");

    // The holder commits: the waiter goes through and both alerts clear.
    exec(&holder, "COMMIT").await;
    assert_eq!(finished(waiting).await, Ok(()));
    eventually("the alerts to clear", async || {
        app.update(Event::Snapshot(Box::new(poller.poll_everything().await)));
        let left: Vec<_> = app
            .model()
            .alerts()
            .active()
            .iter()
            .map(|a| a.kind)
            .filter(|k| matches!(k, AlertKind::LockWait | AlertKind::IdleInTransaction))
            .collect();
        if left.is_empty() {
            Ok(())
        } else {
            Err(format!("{left:?}"))
        }
    })
    .await;
}

#[tokio::test]
async fn a_real_deadlock_and_temp_file_show_on_the_dashboard() {
    // A private server: deadlocks and temp files are counted over every database, and
    // the window must start with none.
    let server = common::start_server(|_| {});
    let db = server.create_database().await;
    let first = db.client().await;
    exec(
        &first,
        "CREATE TABLE crossed (id int PRIMARY KEY, v int); INSERT INTO crossed VALUES (1, 0), (2, 0)",
    )
    .await;
    let mut app = app_with("");
    let (session, caps) = monitor_db(&db).await;
    let mut poller = Poller::new(session, caps, PollerConfig::default());
    // Two polls before: the window starts with no deadlock and no temp file.
    for _ in 0..2 {
        app.update(Event::Snapshot(Box::new(poller.poll_everything().await)));
    }
    let before = app.model().alerts().recent_events();
    assert_eq!(before.map(|t| (t.deadlocks, t.temp_files)), Some((0, 0)));
    assert!(dashboard(&app).contains("no deadlocks · no temp files"));

    // A deadlock: each session holds one row and asks for the other's.
    let second = db.client().await;
    exec(&first, "BEGIN; UPDATE crossed SET v = 1 WHERE id = 1").await;
    exec(
        &second,
        "SET deadlock_timeout = '100ms'; BEGIN; UPDATE crossed SET v = 1 WHERE id = 2",
    )
    .await;
    let blocked = spawn_sql(first, "UPDATE crossed SET v = 2 WHERE id = 2".into());
    let common_pid = backend_pid(&second).await;
    eventually("the first session to wait", async || {
        app.update(Event::Snapshot(Box::new(poller.poll_everything().await)));
        let sessions = app
            .model()
            .snapshot()
            .and_then(|s| s.activity.as_ref().ok());
        match sessions.map(|s| s.iter().any(|s| s.lock_wait_age.is_some())) {
            Some(true) => Ok(()),
            _ => Err("nobody waits yet".into()),
        }
    })
    .await;
    let victim = second
        .batch_execute("UPDATE crossed SET v = 2 WHERE id = 1")
        .await
        .err()
        .and_then(|e| e.as_db_error().map(|db| db.code().code().to_string()));
    assert_eq!(
        victim.as_deref(),
        Some("40P01"),
        "pid {common_pid} is the deadlock's victim"
    );
    exec(&second, "ROLLBACK").await;
    assert_eq!(finished(blocked).await, Ok(()));
    // A temp file: a sort far larger than work_mem.
    exec(
        &second,
        "SET work_mem = '64kB'; \
         SELECT count(*) FROM (SELECT g FROM generate_series(1, 100000) g ORDER BY g DESC) s",
    )
    .await;

    let recent = eventually("the deadlock and the temp file in the window", async || {
        app.update(Event::Snapshot(Box::new(poller.poll_everything().await)));
        match app.model().alerts().recent_events() {
            Some(t) if t.deadlocks >= 1 && t.temp_files >= 1 => Ok(t),
            other => Err(format!("{other:?}")),
        }
    })
    .await;
    assert_eq!(recent.deadlocks, 1, "{recent:?}");
    assert!(recent.temp_bytes > 64 * 1024, "{recent:?}");
    let (level, value) = alert(&app, AlertKind::Deadlocks)
        .unwrap_or_else(|| panic!("no deadlock alert: {:?}", app.model().alerts().active()));
    assert_eq!(
        (level, value.as_str()),
        (pgpulse::analysis::metrics::Level::Warn, "1 in 5m")
    );
    let screen = dashboard(&app);
    assert!(screen.contains(": 1 deadlock, newest "), "{screen}");
    let files = if recent.temp_files == 1 {
        "1 temp file, ".to_string()
    } else {
        format!("{} temp files, ", recent.temp_files)
    };
    assert!(screen.contains(&files), "{screen}");
    assert!(screen.contains("WARN deadlocks"), "{screen}");
}
