//! The detail view's on-demand reads against a real server (issue 10, C1): the locks a
//! session holds and waits for, a statement's every counter with its whole text and
//! names, an index's definition; and the way they travel (poller command → detail
//! sink → App → screen). Run against each supported major with `PGPULSE_TEST_PGBIN`.

use crate::common;

use common::live::{backend_pid, eventually, exec, finished, monitor_db, must, spawn_sql};
use common::screen::{screen_text, test_app};
use pgpulse::monitor::collector::detail::{IndexDetail, SessionDetail, StatementDetail};
use pgpulse::monitor::collector::{DetailData, DetailRequest};
use pgpulse::monitor::poller::{Poller, PollerCommand, PollerConfig};
use pgpulse::monitor::snapshot::StatementKey;
use pgpulse::tui::app::{Effect, Event};
use pgpulse::tui::screen::Screen;
use pgpulse::tui::screens::state::TableId;
use pgpulse::tui::screens::table::RowId;

fn session_detail(answer: Result<DetailData, String>) -> SessionDetail {
    match answer {
        Ok(DetailData::Session(detail)) => detail,
        other => panic!("not a session detail: {other:?}"),
    }
}

/// A holder of an ACCESS EXCLUSIVE lock on a table with an awkward name, and a session
/// waiting for it: the waiter's detail names the lock it waits for, schema-qualified and
/// quoted; the holder's lists what it holds; a pid whose backend_start changed is
/// recognised as another session.
#[tokio::test]
async fn a_waiting_session_shows_the_lock_it_waits_for_and_the_holder_what_it_holds() {
    let db = common::shared().create_database().await;
    let setup = db.client().await;
    exec(
        &setup,
        "CREATE SCHEMA \"Learning\"; CREATE TABLE \"Learning\".\"Sessions\" (id int)",
    )
    .await;
    let holder = db.client().await;
    let holder_pid = backend_pid(&holder).await;
    exec(
        &holder,
        "BEGIN; LOCK TABLE \"Learning\".\"Sessions\" IN ACCESS EXCLUSIVE MODE",
    )
    .await;
    let waiter = db.client().await;
    let waiter_pid = backend_pid(&waiter).await;
    let waiting = spawn_sql(
        waiter,
        "SELECT count(*) FROM \"Learning\".\"Sessions\"".into(),
    );

    let (session, caps) = monitor_db(&db).await;
    let mut poller = Poller::new(session, caps, PollerConfig::default());
    let snapshot = eventually("the waiter to wait on the lock", async || {
        let snapshot = poller.poll_everything().await;
        let waits = snapshot
            .activity
            .as_ref()
            .ok()
            .and_then(|s| s.iter().find(|s| s.pid == waiter_pid))
            .is_some_and(|s| s.blocked_by == [holder_pid]);
        if waits {
            Ok(snapshot)
        } else {
            Err("not waiting yet".into())
        }
    })
    .await;
    let start_of = |pid: i32| {
        snapshot
            .activity
            .as_ref()
            .ok()
            .and_then(|s| s.iter().find(|s| s.pid == pid))
            .and_then(|s| s.backend_start)
    };

    let waiter_detail = session_detail(
        poller
            .fetch_detail(DetailRequest::Session {
                pid: waiter_pid,
                backend_start: start_of(waiter_pid),
            })
            .await,
    );
    assert!(waiter_detail.same_session);
    let awaited: Vec<_> = waiter_detail.locks.iter().filter(|l| !l.granted).collect();
    assert_eq!(awaited.len(), 1, "{waiter_detail:#?}");
    assert_eq!(awaited[0].mode, "AccessShareLock");
    assert_eq!(awaited[0].object, "\"Learning\".\"Sessions\"");
    assert!(waiter_detail.query_size_limit.is_some_and(|l| l >= 100));

    let holder_detail = session_detail(
        poller
            .fetch_detail(DetailRequest::Session {
                pid: holder_pid,
                backend_start: start_of(holder_pid),
            })
            .await,
    );
    assert!(
        holder_detail.locks.iter().any(|l| l.granted
            && l.mode == "AccessExclusiveLock"
            && l.object == "\"Learning\".\"Sessions\""),
        "{holder_detail:#?}"
    );
    assert!(
        holder_detail
            .locks
            .iter()
            .any(|l| l.locktype == "virtualxid" && l.object.starts_with("virtual transaction ")),
        "{holder_detail:#?}"
    );

    // The same pid with another backend_start is another session: say so.
    let reused = session_detail(
        poller
            .fetch_detail(DetailRequest::Session {
                pid: holder_pid,
                backend_start: Some(std::time::UNIX_EPOCH),
            })
            .await,
    );
    assert!(!reused.same_session, "{reused:#?}");

    exec(&holder, "ROLLBACK").await;
    must(
        finished(waiting).await,
        "the waiter reads once the lock is gone",
    );
}

/// A statement with line breaks, a `--` comment and a 10 KiB comment (over the 8 KiB the
/// cache keeps): the detail reads its whole text exactly, its counters and its names.
#[tokio::test]
async fn a_statement_detail_has_the_whole_text_every_counter_and_names() {
    let db = common::shared().create_database().await;
    let client = db.client().await;
    exec(
        &client,
        "CREATE EXTENSION pg_stat_statements; CREATE TABLE learners (id int PRIMARY KEY)",
    )
    .await;
    let padding = "x".repeat(10 * 1024);
    let text = format!("SELECT id -- the learner\n\tFROM learners /* {padding} */\nWHERE id = $1");
    let statement = must(client.prepare(&text).await, "prepare");
    for i in 0..5 {
        must(client.query(&statement, &[&i]).await, "run");
    }
    let (session, caps) = monitor_db(&db).await;
    let mut poller = Poller::new(session, caps, PollerConfig::default());
    // The detail opens from the Queries screen, which reads every statement's text.
    poller.watch(
        Some(pgpulse::monitor::poller::SlowGroup::Queries),
        std::time::Instant::now(),
    );
    let snapshot = poller.poll_everything().await;
    let statements = must(
        snapshot.statements.as_ref().map_err(|e| e.to_string()),
        "statements",
    );
    let (key, cached): (StatementKey, String) = statements
        .texts
        .iter()
        .find(|(_, t)| t.starts_with("SELECT id -- the learner"))
        .map(|(k, t)| (*k, t.to_string()))
        .unwrap_or_else(|| panic!("statement not found in {:?}", statements.texts.keys()));
    assert!(cached.ends_with('…'), "the cached text is cut at 8 KiB");

    let detail: StatementDetail = match poller.fetch_detail(DetailRequest::Statement(key)).await {
        Ok(DetailData::Statement(detail)) => detail,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        detail.text.as_deref(),
        Some(text.as_str()),
        "the whole text, exactly"
    );
    let role = must(
        client.query_one("SELECT current_user::text", &[]).await,
        "role",
    )
    .get::<_, String>(0);
    assert_eq!(detail.role.as_deref(), Some(role.as_str()));
    assert_eq!(detail.database.as_deref(), Some(db.name.as_str()));
    assert_eq!(detail.counter("calls"), Some(5.0));
    // The harness does not turn planning tracking on: its zeros must read as "not counted".
    assert_eq!(detail.track_planning, Some(false));
    for column in [
        "stddev_exec_time",
        "max_exec_time",
        "shared_blks_hit",
        "wal_bytes",
        "plans",
    ] {
        assert!(detail.counter(column).is_some(), "{column}: {detail:#?}");
    }
}

#[tokio::test]
async fn an_index_detail_has_its_definition_and_constraint() {
    let db = common::shared().create_database().await;
    let client = db.client().await;
    exec(
        &client,
        "CREATE TABLE learners (id int PRIMARY KEY, email text);
         CREATE INDEX learners_email_lower ON learners (lower(email)) WHERE email IS NOT NULL",
    )
    .await;
    let oid = |name: &str| {
        let client = &client;
        let name = name.to_string();
        async move {
            must(
                client
                    .query_one("SELECT $1::text::regclass::oid", &[&name])
                    .await,
                "oid",
            )
            .get::<_, u32>(0)
        }
    };
    let (session, caps) = monitor_db(&db).await;
    let mut poller = Poller::new(session, caps, PollerConfig::default());
    let partial = match poller
        .fetch_detail(DetailRequest::Index(oid("learners_email_lower").await))
        .await
    {
        Ok(DetailData::Index(detail)) => detail,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        partial,
        IndexDetail {
            definition: Some(
                "CREATE INDEX learners_email_lower ON public.learners USING btree (lower(email)) \
                 WHERE (email IS NOT NULL)"
                    .into()
            ),
            constraint: None,
            valid: Some(true),
        }
    );
    let primary = match poller
        .fetch_detail(DetailRequest::Index(oid("learners_pkey").await))
        .await
    {
        Ok(DetailData::Index(detail)) => detail,
        other => panic!("{other:?}"),
    };
    assert_eq!(primary.constraint.as_deref(), Some("PRIMARY KEY (id)"));
}

/// The whole way: Enter on the Activity screen asks the poller, the answer arrives on the
/// detail sink, and the screen shows the locks.
#[tokio::test]
async fn enter_asks_the_poller_and_the_screen_shows_its_answer() {
    let db = common::shared().create_database().await;
    let setup = db.client().await;
    exec(&setup, "CREATE TABLE learners (id int)").await;
    let holder = db.client().await;
    let holder_pid = backend_pid(&holder).await;
    exec(&holder, "BEGIN; LOCK TABLE learners IN SHARE MODE").await;

    let (session, caps) = monitor_db(&db).await;
    let (sink, mut details) = tokio::sync::mpsc::unbounded_channel();
    let poller = Poller::new(session, caps, PollerConfig::default()).with_detail_sink(sink);
    let (snapshots, commands) = pgpulse::monitor::poller::spawn_poller(poller);
    let mut app = test_app();
    app.update(Event::Resize(120, 40));
    app.show(Screen::Activity);
    eventually("the holder in a snapshot", async || {
        must(
            tokio::time::timeout(common::live::WAIT, snapshots.changed()).await,
            "snapshot",
        )
        .map_err(|e| e.to_string())?;
        let snapshot = snapshots.take();
        if let Some(snapshot) = snapshot {
            app.update(Event::Snapshot(Box::new(snapshot)));
        }
        let listed = app
            .table(TableId::Activity)
            .1
            .iter()
            .any(|r| r.id == RowId::Pid(holder_pid));
        if listed {
            Ok(())
        } else {
            Err("not listed yet".into())
        }
    })
    .await;
    app.select(TableId::Activity, RowId::Pid(holder_pid));
    let effects = app.update(Event::Key(crossterm::event::KeyEvent::new(
        crossterm::event::KeyCode::Enter,
        crossterm::event::KeyModifiers::NONE,
    )));
    for effect in effects {
        if let Effect::Poller(command @ PollerCommand::FetchDetail(_)) = effect {
            must(commands.send(command), "send");
        }
    }
    let answer = must(
        tokio::time::timeout(common::live::WAIT, details.recv()).await,
        "the detail answer",
    )
    .expect("the poller stopped");
    app.update(Event::DetailFetched(Box::new(answer)));
    let screen = screen_text(&app, 120, 40);
    assert!(screen.contains("Locks when the view opened: "), "{screen}");
    assert!(screen.contains("ShareLock"), "{screen}");
    assert!(screen.contains("public.learners (relation)"), "{screen}");
    exec(&holder, "ROLLBACK").await;
}
