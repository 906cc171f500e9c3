//! Actions while others run, on a real server: a cancel or terminate is answered while a
//! VACUUM waits for its lock (signals have their own lane and connection); a REINDEX
//! CONCURRENTLY on a busy server waits for older transactions as long as the maintenance
//! timeout allows (not lock_timeout), while the App says on whom; when it gives up, the
//! invalid `_ccnew` it left is offered for DROP INDEX CONCURRENTLY, by OID.

use crate::common;

use std::time::Duration;

use common::actions::{
    Background, active_session, index_state, oid_of, relation_target, run, session_where,
    superuser_config,
};
use common::live::{WAIT, backend_pid, eventually, exec, finished, monitor_db, must};
use common::screen::test_app;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use pgpulse::actions::executor::{self, Executor, ExecutorEvent, ExecutorHandle};
use pgpulse::actions::{ActionKind, Outcome, StepReport, plan};
use pgpulse::monitor::poller::Poller;
use pgpulse::tui::app::{App, Effect, Event, Mode, Purpose};
use pgpulse::tui::screens::state::TableId;
use pgpulse::tui::screens::table::RowId;
use tokio::sync::mpsc::UnboundedReceiver;
use tokio_postgres::Client;

/// The next executor event, bounded.
async fn next_event(events: &mut UnboundedReceiver<ExecutorEvent>, what: &str) -> ExecutorEvent {
    let event = must(tokio::time::timeout(WAIT, events.recv()).await, what);
    event.unwrap_or_else(|| panic!("{what}: the executor stopped"))
}

/// Events until plan `id` is done; returns its step reports. Events of other plans are
/// kept in `others`.
async fn until_done(
    events: &mut UnboundedReceiver<ExecutorEvent>,
    id: u64,
    others: &mut Vec<ExecutorEvent>,
) -> Vec<StepReport> {
    let mut reports = Vec::new();
    loop {
        match next_event(events, &format!("plan {id} to end")).await {
            ExecutorEvent::Step { id: of, report } if of == id => reports.push(*report),
            ExecutorEvent::Done { id: of } if of == id => return reports,
            ExecutorEvent::Started { id: of, .. } if of == id => {}
            other => others.push(other),
        }
    }
}

/// The pid of the action connection running a statement that starts with `prefix`, once
/// it waits on a lock.
async fn waiting_action(client: &Client, prefix: &str) -> i32 {
    let sql = "SELECT pid FROM pg_stat_activity
                WHERE datname = current_database() AND application_name = $1
                  AND state = 'active' AND wait_event_type = 'Lock' AND query LIKE $2";
    let pattern = format!("{prefix}%");
    eventually(&format!("{prefix} to wait for a lock"), async || {
        let row = client
            .query_opt(sql, &[&executor::APPLICATION_NAME, &pattern])
            .await
            .map_err(|e| e.to_string())?;
        row.map(|r| r.get(0)).ok_or_else(|| "not waiting".into())
    })
    .await
}

#[tokio::test]
async fn cancel_and_terminate_of_the_root_blocker_never_wait_behind_a_vacuum() {
    let db = common::shared().create_database().await;
    let (mut session, caps) = monitor_db(&db).await;
    let client = db.client().await;
    exec(
        &client,
        "CREATE TABLE queue_items (id int) WITH (autovacuum_enabled = off);",
    )
    .await;
    let queue = oid_of(&client, "public", "queue_items").await;
    // The root blocker: an idle transaction holding the table.
    let locker = db.client().await;
    let locker_pid = backend_pid(&locker).await;
    exec(
        &locker,
        "BEGIN; LOCK TABLE queue_items IN ACCESS EXCLUSIVE MODE",
    )
    .await;
    let mut config = superuser_config(&db, caps.server_version_num);
    config.lock_timeout = Duration::from_secs(600);
    let (handle, mut events) = executor::spawn(config);
    handle.run(
        1,
        plan::relation(
            ActionKind::VacuumAnalyze,
            relation_target(queue, "public", "queue_items"),
        ),
    );
    let vacuum_pid = waiting_action(&client, "VACUUM").await;

    // While the VACUUM waits: cancel another session's query. Answered at once.
    let sleeper = Background::start(db.client().await, "SELECT pg_sleep(60)").await;
    let on_screen = active_session(&mut session, &caps, sleeper.pid, "pg_sleep(60)").await;
    handle.run(
        2,
        must(
            plan::signal(ActionKind::CancelBackend, &[&on_screen], None),
            "cancel plan",
        ),
    );
    let mut vacuum_events = Vec::new();
    let cancel = until_done(&mut events, 2, &mut vacuum_events).await;
    assert_eq!(cancel[0].outcome, Outcome::Ok, "{cancel:#?}");
    assert_eq!(finished(sleeper.task).await, Err("57014".into()));
    assert_eq!(
        waiting_action(&client, "VACUUM").await,
        vacuum_pid,
        "the VACUUM keeps waiting on its own connection"
    );
    assert!(
        !vacuum_events
            .iter()
            .any(|e| matches!(e, ExecutorEvent::Step { id: 1, .. })),
        "{vacuum_events:#?}"
    );

    // Terminate the root blocker: answered too, and the VACUUM then gets its lock.
    let root = session_where(&mut session, &caps, locker_pid, |_| true).await;
    handle.run(
        3,
        must(
            plan::signal(
                ActionKind::TerminateBackend,
                &[&root],
                Some("root blocker".into()),
            ),
            "terminate plan",
        ),
    );
    let terminate = until_done(&mut events, 3, &mut vacuum_events).await;
    assert_eq!(terminate[0].outcome, Outcome::Ok, "{terminate:#?}");
    assert_eq!(terminate[0].message, format!("pid {locker_pid} terminated"));
    let mut ignored = Vec::new();
    let mut vacuum: Vec<StepReport> = vacuum_events
        .into_iter()
        .filter_map(|e| match e {
            ExecutorEvent::Step { id: 1, report } => Some(*report),
            _ => None,
        })
        .collect();
    if vacuum.is_empty() {
        vacuum = until_done(&mut events, 1, &mut ignored).await;
    }
    assert_eq!(vacuum[0].outcome, Outcome::Ok, "{vacuum:#?}");
}

/// An App on the Indexes screen of `db` with `index` selected, fed real polls until the
/// index and the session `pid` (with an open transaction) are on screen.
async fn indexes_app(poller: &mut Poller, index: u32, pid: i32) -> App {
    let mut app = test_app();
    app.update(Event::Resize(160, 48));
    eventually("the index and the open transaction on screen", async || {
        let snapshot = poller.poll_everything().await;
        let index_listed = snapshot
            .slow
            .as_ref()
            .and_then(|slow| slow.indexes.as_ref().ok())
            .is_some_and(|all| all.iter().any(|i| i.indexrelid == index));
        let open = snapshot
            .activity
            .as_ref()
            .is_ok_and(|all| all.iter().any(|s| s.pid == pid && s.xact_age.is_some()));
        app.update(Event::Snapshot(Box::new(snapshot)));
        if index_listed && open {
            Ok(())
        } else {
            Err(format!(
                "index listed: {index_listed}, transaction open: {open}"
            ))
        }
    })
    .await;
    app.update(Event::Key(KeyEvent::new(
        KeyCode::Char('6'),
        KeyModifiers::NONE,
    )));
    while app.focused_table_id() != Some(TableId::Indexes) {
        app.update(Event::Key(KeyEvent::new(
            KeyCode::Char('f'),
            KeyModifiers::NONE,
        )));
    }
    app.select(TableId::Indexes, RowId::Relation(index));
    app
}

/// Presses `key` and confirms the dialog it opens; returns the started plan's id after
/// handing it to the executor, and the dialog's note.
fn confirm(app: &mut App, key: char, handle: &ExecutorHandle) -> (u64, Option<String>) {
    app.update(Event::Key(KeyEvent::new(
        KeyCode::Char(key),
        KeyModifiers::NONE,
    )));
    let note = match app.mode() {
        Mode::Dialog(dialog) => match &dialog.purpose {
            Purpose::Run(plan) => plan.note.clone(),
            Purpose::Stop { .. } => None,
        },
        other => panic!("{key} opened no dialog ({other:?}): {:?}", app.status()),
    };
    let effects = app.update(Event::Key(KeyEvent::new(
        KeyCode::Char('y'),
        KeyModifiers::NONE,
    )));
    match effects.into_iter().next() {
        Some(Effect::RunAction { id, plan }) => {
            handle.run(id, *plan);
            (id, note)
        }
        other => panic!("no action started: {other:?}"),
    }
}

/// A table with an index, and an open writing transaction on it.
async fn busy_table(db: &common::TestDb<'_>) -> (Client, u32, Client, i32) {
    let client = db.client().await;
    exec(
        &client,
        "CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
         CREATE TABLE scores (id int, points int) WITH (autovacuum_enabled = off);
         INSERT INTO scores SELECT g, g FROM generate_series(1, 1000) g;
         CREATE INDEX scores_points_idx ON scores (points);
         ANALYZE scores;",
    )
    .await;
    let index = oid_of(&client, "public", "scores_points_idx").await;
    let writer = db.client().await;
    let writer_pid = backend_pid(&writer).await;
    exec(&writer, "BEGIN; INSERT INTO scores VALUES (0, 0)").await;
    (client, index, writer, writer_pid)
}

#[tokio::test]
async fn reindex_concurrently_waits_for_an_old_transaction_and_says_on_whom() {
    let db = common::shared().create_database().await;
    let (client, index, writer, writer_pid) = busy_table(&db).await;
    let (session, caps) = monitor_db(&db).await;
    let mut config = superuser_config(&db, caps.server_version_num);
    // A lock_timeout far shorter than the wait: it must not cut it.
    config.lock_timeout = Duration::from_millis(200);
    config.maintenance_timeout = Duration::from_secs(60);
    let mut poller = Poller::new(
        session,
        caps,
        pgpulse::monitor::poller::PollerConfig::default(),
    );
    let mut app = indexes_app(&mut poller, index, writer_pid).await;
    let (handle, mut events) = executor::spawn(config);

    let (id, note) = confirm(&mut app, 'R', &handle);
    let note = note.unwrap_or_default();
    assert!(
        note.contains(&format!(
            "the oldest open now: pid {writer_pid} (idle in transaction"
        )),
        "the dialog names the oldest open transaction: {note}"
    );
    let backend = match next_event(&mut events, "the REINDEX to start").await {
        event @ ExecutorEvent::Started { backend_pid, .. } => {
            app.update(Event::Executor(event));
            backend_pid
        }
        other => panic!("{other:?}"),
    };
    // The App, fed real polls, says on whom the REINDEX waits.
    eventually("the status to say on whom the REINDEX waits", async || {
        app.update(Event::Snapshot(Box::new(poller.poll_everything().await)));
        let status = app.status().map(|s| s.text.clone()).unwrap_or_default();
        let badges = pgpulse::tui::screens::header::running_badges(&app);
        if status.contains(&format!(
            "REINDEX CONCURRENTLY waits for pid {writer_pid} (idle in transaction"
        )) && badges
            .iter()
            .any(|b| b.contains(&format!("waits for pid {writer_pid}")))
        {
            Ok(())
        } else {
            Err(format!("status {status:?}, badges {badges:?}"))
        }
    })
    .await;
    // On the server: still waiting for the writer's transaction, long past lock_timeout.
    eventually("the REINDEX to wait past lock_timeout", async || {
        let row = client
            .query_one(
                "SELECT wait_event, now() - query_start > interval '1 second'
                   FROM pg_stat_activity WHERE pid = $1",
                &[&backend],
            )
            .await
            .map_err(|e| e.to_string())?;
        match (
            row.get::<_, Option<String>>(0).as_deref(),
            row.get::<_, bool>(1),
        ) {
            (Some("virtualxid"), true) => Ok(()),
            other => Err(format!("{other:?}")),
        }
    })
    .await;
    assert!(
        events.try_recv().is_err(),
        "the REINDEX ended while the old transaction was open"
    );

    exec(&writer, "ROLLBACK").await;
    let reports = until_done(&mut events, id, &mut Vec::new()).await;
    assert_eq!(reports[0].outcome, Outcome::Ok, "{reports:#?}");
    assert_eq!(reports[0].message, "REINDEX CONCURRENTLY done");
    let count = must(
        client
            .query_one(
                "SELECT count(*) FROM pg_index WHERE indrelid = 'scores'::regclass",
                &[],
            )
            .await,
        "indexes of scores",
    );
    assert_eq!(count.get::<_, i64>(0), 1, "no _ccnew left");
}

#[tokio::test]
async fn a_reindex_that_gives_up_offers_to_drop_exactly_the_invalid_index_it_left() {
    let db = common::shared().create_database().await;
    let (client, index, writer, writer_pid) = busy_table(&db).await;
    let (session, caps) = monitor_db(&db).await;
    let version = caps.server_version_num;
    let mut config = superuser_config(&db, version);
    config.lock_timeout = Duration::from_millis(200);
    config.maintenance_timeout = Duration::from_secs(1);
    let mut poller = Poller::new(
        session,
        caps,
        pgpulse::monitor::poller::PollerConfig::default(),
    );
    let mut app = indexes_app(&mut poller, index, writer_pid).await;
    let (handle, mut events) = executor::spawn(config);

    let (id, _) = confirm(&mut app, 'R', &handle);
    let reports = loop {
        let event = next_event(&mut events, "the REINDEX to give up").await;
        let done = event == ExecutorEvent::Done { id };
        app.update(Event::Executor(event.clone()));
        if done {
            break app.journal().to_vec();
        }
    };
    let message = &reports[reports.len() - 1].message;
    // The maintenance timeout ended it, not the 200 ms lock_timeout.
    assert!(
        message.contains("57014") && message.contains("statement timeout"),
        "{message}"
    );
    assert!(
        message.contains("left invalid index \"public\".\"scores_points_idx_ccnew\""),
        "{message}"
    );
    let status = app.status().map(|s| s.text.clone()).unwrap_or_default();
    assert!(
        status.starts_with(
            "REINDEX CONCURRENTLY failed, D drops its leftover public.scores_points_idx_ccnew"
        ),
        "{status}"
    );
    let leftover = oid_of(&client, "public", "scores_points_idx_ccnew").await;
    exec(&writer, "ROLLBACK").await;

    // D: the dialog names exactly that index, by OID; Yes drops it and nothing else.
    let (drop, _) = confirm(&mut app, 'D', &handle);
    let dropped = until_done(&mut events, drop, &mut Vec::new()).await;
    assert_eq!(dropped[0].outcome, Outcome::Ok, "{dropped:#?}");
    assert_eq!(
        dropped[0].sql,
        "DROP INDEX CONCURRENTLY \"public\".\"scores_points_idx_ccnew\""
    );
    assert_eq!(
        index_state(&client, "public", "scores_points_idx_ccnew").await,
        None
    );
    let original = index_state(&client, "public", "scores_points_idx").await;
    assert!(
        matches!(original, Some((oid, _, true)) if oid == index),
        "the original index is untouched: {original:?}"
    );
    assert_ne!(leftover, index);

    // A valid index is never dropped by this action, whatever the plan says.
    let mut executor = Executor::new(superuser_config(&db, version));
    let refused = run(
        &mut executor,
        &plan::drop_invalid_index(relation_target(index, "public", "scores_points_idx")),
    )
    .await;
    assert_eq!(refused[0].outcome, Outcome::Error, "{refused:#?}");
    assert!(
        refused[0].message.ends_with("is valid now: not dropped"),
        "{}",
        refused[0].message
    );
    assert!(
        index_state(&client, "public", "scores_points_idx")
            .await
            .is_some()
    );
}
