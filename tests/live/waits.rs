//! Wait-load history against a real server: the sessions pg_stat_activity shows active
//! are what the Waits screen counts, poll by poll, by the event they wait on.

use crate::common;

use std::time::Duration;

use common::live::{LockWait, eventually, exec, finished, lock_wait, monitor_db, must, spawn_sql};
use common::screen::{screen_text, test_app};
use pgpulse::analysis::wait_load::WaitClass;
use pgpulse::monitor::poller::{Poller, PollerConfig};
use pgpulse::monitor::snapshot::{BackendType, SessionState};
use pgpulse::tui::app::Event;
use pgpulse::tui::screen::Screen;

#[tokio::test]
async fn the_wait_chart_counts_every_active_session_sampled_by_its_wait() {
    // A private server: the history counts every database's sessions.
    let server = common::start_server(|_| {});
    let db = server.create_database().await;
    // Two sessions queue for the row (Lock:transactionid); one sleeps (Timeout:PgSleep).
    let update = "UPDATE hot SET id = 1 WHERE id = 1";
    let LockWait { holder, waiter, .. } = lock_wait(&db, "hot", update).await;
    let mut tasks = vec![waiter];
    tasks.push(spawn_sql(
        db.client().await,
        format!("SET lock_timeout = '60s'; {update}"),
    ));
    let sleeper = db.client().await;
    tasks.push(spawn_sql(sleeper, "SELECT pg_sleep(30)".into()));

    let (session, caps) = monitor_db(&db).await;
    let mut poller = Poller::new(session, caps, PollerConfig::default());
    let mut app = test_app();
    // Count what pg_stat_activity said each poll, independently of the history.
    let mut active_per_poll = Vec::new();
    eventually("three sessions waiting", async || {
        let snapshot = poller.poll_everything().await;
        let active = snapshot
            .activity
            .as_ref()
            .map(|sessions| {
                sessions
                    .iter()
                    .filter(|s| {
                        s.state == Some(SessionState::Active)
                            && s.backend_type == BackendType::ClientBackend
                    })
                    .count()
            })
            .unwrap_or(0);
        active_per_poll.push(active);
        app.update(Event::Snapshot(Box::new(snapshot)));
        if active == 3 {
            Ok(())
        } else {
            Err(format!("{active} active"))
        }
    })
    .await;
    for _ in 0..3 {
        let snapshot = poller.poll_everything().await;
        let active = snapshot.activity.as_ref().map_or(0, |s| {
            s.iter()
                .filter(|s| {
                    s.state == Some(SessionState::Active)
                        && s.backend_type == BackendType::ClientBackend
                })
                .count()
        });
        active_per_poll.push(active);
        app.update(Event::Snapshot(Box::new(snapshot)));
    }

    let load = app.model().wait_load();
    let (oldest, newest) = load.span().unwrap_or_else(|| panic!("no samples"));
    let breakdown = load.breakdown(oldest - Duration::from_secs(1), newest, 10);
    assert_eq!(breakdown.samples, active_per_poll.len());
    assert_eq!(
        breakdown.sessions_sampled,
        active_per_poll.iter().sum::<usize>() as u64,
        "the chart's totals are the active sessions of every poll: {active_per_poll:?}"
    );
    // The newest poll saw two lock waiters (the first on the holder's transaction, the
    // second queued behind it for the row) and one sleeper, and nothing on CPU.
    let recent = load.breakdown(newest - Duration::from_millis(1), newest, 10);
    assert_eq!(recent.by_class[WaitClass::Lock.index()], 2.0, "{recent:?}");
    assert_eq!(
        recent.by_class[WaitClass::Timeout.index()],
        1.0,
        "{recent:?}"
    );
    assert_eq!(recent.average_sessions(), 3.0, "{recent:?}");
    let events: Vec<&str> = recent.events.iter().map(|r| &*r.label).collect();
    assert!(events.contains(&"Lock:transactionid"), "{events:?}");
    assert!(events.contains(&"Timeout:PgSleep"), "{events:?}");

    app.show(Screen::Waits);
    app.update(Event::Resize(120, 40));
    let screen = screen_text(&app, 120, 40);
    assert!(screen.contains("Lock:transactionid"), "{screen}");
    assert!(screen.contains("UPDATE hot SET id"), "{screen}");

    exec(&holder, "ROLLBACK").await;
    must(
        db.client()
            .await
            .query(
                "SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(30)'",
                &[],
            )
            .await,
        "cancel the sleeper",
    );
    for task in tasks {
        let _ = finished(task).await;
    }
}
