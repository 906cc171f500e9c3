//! The action keys end to end on a real server: the App (fed real polls) turns keys into
//! dialogs and confirmed plans, and every effect goes to the executor exactly as the live
//! view wires it (`executor::for_live_view`). In read-only mode the same keys must reach
//! the server with nothing at all: the check counts, on the server, every statement the
//! action connections' own role completed (pg_stat_statements by role, whatever the
//! statement) and every backend named `pgpulse actions`; the same script without
//! read-only is the control that shows the count sees them.

use crate::common;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use pgpulse::actions::executor::{self, ExecutorConfig, ExecutorEvent, ExecutorHandle};
use pgpulse::monitor::poller::{Poller, PollerConfig};
use pgpulse::tui::app::{App, Effect, Event, Mode};
use pgpulse::tui::screens::state::TableId;
use pgpulse::tui::screens::table::RowId;
use tokio::sync::mpsc::UnboundedReceiver;

use common::live::{WAIT, backend_pid, eventually, exec, monitor_db, must, spawn_sql};
use common::screen::test_app;

fn key(c: char) -> Event {
    Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

/// The executor the live view would have, and its events.
type Wiring = Option<(ExecutorHandle, UnboundedReceiver<ExecutorEvent>)>;

/// Presses `keys` on `screen` (a digit); each dialog that opens is confirmed with `y`.
/// Every effect goes where the live view sends it; a started action is awaited (its
/// events fed back to the App) before the next key. Returns how many plans were started.
async fn script(app: &mut App, wiring: &mut Wiring, screen: char, keys: &str) -> usize {
    let mut started = 0;
    app.update(key(screen));
    for c in keys.chars() {
        let mut effects = app.update(key(c));
        if matches!(app.mode(), Mode::Dialog(_)) {
            effects.extend(app.update(key('y')));
        }
        for effect in effects {
            let Effect::RunAction { id, plan } = effect else {
                continue;
            };
            started += 1;
            let Some((handle, events)) = wiring.as_mut() else {
                continue;
            };
            handle.run(id, *plan);
            loop {
                let event = tokio::time::timeout(WAIT, events.recv()).await;
                let event = must(event, "the action to end").unwrap_or_else(|| {
                    panic!("the executor stopped");
                });
                let done = event == ExecutorEvent::Done { id };
                app.update(Event::Executor(event));
                if done {
                    break;
                }
            }
        }
        // EXPLAIN opens its output view: back to the screen for the next key.
        if matches!(app.mode(), Mode::Output { .. }) {
            app.update(Event::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)));
        }
    }
    started
}

/// Statements the role completed anywhere on the server, and its backends named like
/// pgpulse's action connections. Independent of what the test saw being planned.
async fn sent_by(client: &tokio_postgres::Client, role: &str) -> (i64, i64) {
    let statements = must(
        client
            .query_one(
                "SELECT coalesce(sum(s.calls), 0)::int8 FROM pg_stat_statements s
                   JOIN pg_roles r ON r.oid = s.userid WHERE r.rolname = $1",
                &[&role],
            )
            .await,
        "counting the role's statements",
    );
    let backends = must(
        client
            .query_one(
                "SELECT count(*) FROM pg_stat_activity
                  WHERE usename = $1 AND application_name = $2",
                &[&role, &executor::APPLICATION_NAME],
            )
            .await,
        "counting action connections",
    );
    (statements.get(0), backends.get(0))
}

/// Runs every action key once through the App and the live view's wiring, on `server`;
/// the actions connect as `role` (a superuser of its own, so its statements can be told
/// apart). Returns the plans started and what the server saw from `role`.
async fn run_script(
    server: &common::TestServer,
    read_only: bool,
    role: &str,
) -> (usize, (i64, i64)) {
    server.create_role(role, None, "SUPERUSER").await;
    let db = server.create_database().await;
    let owner = db.client().await;
    exec(
        &owner,
        "CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
         CREATE TABLE orders (id int PRIMARY KEY, note text) WITH (autovacuum_enabled = off);
         INSERT INTO orders SELECT g, 'n' FROM generate_series(1, 100) g;",
    )
    .await;
    pgpulse::pg::schema::install(&must(
        pgpulse::pg::conninfo::resolve_from_process(
            pgpulse::pg::conninfo::Flags::default(),
            Some(format!("{} sslmode=disable", db.conninfo())),
        ),
        "conninfo",
    ))
    .await
    .expect("schema install");
    // A session to point cancel/terminate/EXPLAIN at.
    let sleeper = db.client().await;
    let sleeper_pid = backend_pid(&sleeper).await;
    let _sleeping = spawn_sql(sleeper, "SELECT pg_sleep(30)".into());

    let (session, caps) = monitor_db(&db).await;
    let version = caps.server_version_num;
    let params = must(
        pgpulse::pg::conninfo::resolve_from_process(
            pgpulse::pg::conninfo::Flags::default(),
            Some(format!(
                "host=127.0.0.1 port={} dbname={} user={role} sslmode=disable",
                server.port(),
                db.name
            )),
        ),
        "action conninfo",
    );
    let mut poller = Poller::new(session, caps, PollerConfig::default());
    let mut app = test_app().with_read_only(read_only);
    app.update(Event::Resize(160, 48));
    eventually("the sleeper and the tables on screen", async || {
        let snapshot = poller.poll_everything().await;
        let seen = snapshot.activity.as_ref().is_ok_and(|all| {
            all.iter().any(|s| {
                s.pid == sleeper_pid && s.state.as_ref().is_some_and(|st| st.as_str() == "active")
            })
        }) && snapshot.slow.is_some();
        app.update(Event::Snapshot(Box::new(snapshot)));
        if seen { Ok(()) } else { Err("not yet".into()) }
    })
    .await;
    let mut wiring = executor::for_live_view(read_only, ExecutorConfig::new(params, version));
    // The server is shared with other tests: aim at the sleeper, never at the first row.
    app.select(TableId::Activity, RowId::Pid(sleeper_pid));
    let mut started = script(&mut app, &mut wiring, '2', "ce").await;
    started += script(&mut app, &mut wiring, '3', "X").await;
    started += script(&mut app, &mut wiring, '7', "va").await;
    started += script(&mut app, &mut wiring, '6', "R").await;
    started += script(&mut app, &mut wiring, '1', "S").await;
    // Terminate last: it ends the sleeper.
    assert_eq!(
        app.screens().table(TableId::Activity).selected_id,
        Some(RowId::Pid(sleeper_pid)),
        "the selection must still be the sleeper"
    );
    started += script(&mut app, &mut wiring, '2', "K").await;
    // pg_stat_statements entries are written when each statement ends: already done.
    (started, sent_by(&owner, role).await)
}

#[tokio::test]
async fn read_only_mode_sends_no_statement() {
    let server = common::shared();
    let (plans, (statements, connections)) = run_script(server, true, "actions_read_only").await;
    assert_eq!(plans, 0, "read-only mode confirmed actions");
    assert_eq!(
        statements, 0,
        "read-only mode: the action role completed statements on the server"
    );
    assert_eq!(connections, 0, "read-only mode opened an action connection");
}

#[tokio::test]
async fn the_same_keys_without_read_only_do_send_them() {
    // A private server: `X` really resets pg_stat_statements, for every database, which
    // would wipe the statements other tests are counting on the shared server.
    let server = common::start_server(|_| {});
    let (plans, (statements, connections)) = run_script(&server, false, "actions_writable").await;
    // c, e, X, v, a, R, S, K: every key found its target.
    assert_eq!(
        plans, 8,
        "every action key should have produced one confirmed plan"
    );
    assert!(
        statements >= 8,
        "only {statements} statements of the action role reached pg_stat_statements"
    );
    assert!(
        connections >= 1,
        "the lanes keep their action connections open"
    );
}
