//! The action keys end to end on a real server: the App (fed real polls) turns keys into
//! dialogs and confirmed plans, the executor runs them. In read-only mode the same keys
//! send nothing, which pg_stat_statements confirms; the same script without read-only is
//! the control that shows the check would see the statements.

mod common;

use std::time::{Duration, SystemTime};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use pgpulse::actions::executor::{Executor, ExecutorConfig};
use pgpulse::app::table::RowId;
use pgpulse::app::{App, Effect, Event, Mode, TableId};
use pgpulse::keymap::Keymap;
use pgpulse::poller::{Poller, PollerConfig};
use pgpulse::theme::Theme;
use tokio::sync::mpsc;

use common::live::{backend_pid, eventually, exec, monitor_db, must, spawn_sql};

/// The statements an action sends, as pg_stat_statements records them.
const ACTION_PATTERNS: &str = "query ~* '^(VACUUM|ANALYZE|REINDEX|EXPLAIN)' \
     OR query ILIKE '%pg_cancel_backend%' OR query ILIKE '%pg_terminate_backend%' \
     OR query ILIKE 'INSERT INTO database_statistics_snapshot%' \
     OR query ILIKE '%pg_stat_statements_reset%'";

fn key(c: char) -> Event {
    Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

/// Presses `keys` on `screen` (a digit); each action key is confirmed with `y` when a
/// dialog opens. Returns the confirmed plans' effects.
fn script(app: &mut App, screen: char, keys: &str) -> Vec<Effect> {
    let mut effects = app.update(key(screen));
    for c in keys.chars() {
        effects.extend(app.update(key(c)));
        if matches!(app.mode, Mode::Dialog(_)) {
            effects.extend(app.update(key('y')));
        }
        // One action at a time: pretend it finished so the next key is not refused.
        app.running = None;
    }
    effects
}

async fn action_statements(client: &tokio_postgres::Client) -> i64 {
    let sql = format!(
        "SELECT count(*) FROM pg_stat_statements s \
         JOIN pg_database d ON d.oid = s.dbid AND d.datname = current_database() \
         WHERE {ACTION_PATTERNS}"
    );
    let row = must(
        client.query_one(&sql, &[]).await,
        "counting action statements",
    );
    row.get(0)
}

async fn run_script(read_only: bool) -> (usize, i64) {
    let db = common::shared().create_database().await;
    let owner = db.client().await;
    exec(
        &owner,
        "CREATE TABLE orders (id int PRIMARY KEY, note text) WITH (autovacuum_enabled = off);
         INSERT INTO orders SELECT g, 'n' FROM generate_series(1, 100) g;",
    )
    .await;
    pgpulse::schema::install(&must(
        pgpulse::conninfo::resolve_from_process(
            pgpulse::conninfo::Flags::default(),
            Some(format!("{} sslmode=disable", db.conninfo())),
        ),
        "conninfo",
    ))
    .await
    .unwrap_or_else(|e| panic!("schema install: {e}"));
    // A session to point cancel/terminate/EXPLAIN at.
    let sleeper = db.client().await;
    let sleeper_pid = backend_pid(&sleeper).await;
    let _sleeping = spawn_sql(sleeper, "SELECT pg_sleep(30)".into());
    exec(&owner, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements").await;

    let (session, caps) = monitor_db(&db).await;
    let version = caps.server_version_num;
    let params = session.params().clone();
    let mut poller = Poller::new(session, caps, PollerConfig::default());
    let mut app = App::new(
        "test".into(),
        Duration::from_secs(1),
        SystemTime::now(),
        Keymap::default(),
        Theme::default(),
    );
    app.read_only = read_only;
    app.update(Event::Resize(160, 48));
    eventually("the sleeper on screen", async || {
        let snapshot = poller.poll_once().await;
        let seen = snapshot.activity.as_ref().is_ok_and(|all| {
            all.iter()
                .any(|s| s.pid == sleeper_pid && s.state.as_deref() == Some("active"))
        });
        app.update(Event::Snapshot(Box::new(snapshot)));
        if seen { Ok(()) } else { Err("not yet".into()) }
    })
    .await;
    // The server is shared with other tests: aim at the sleeper, never at the first row.
    app.tables.state_mut(TableId::Activity).selected_id = Some(RowId::Pid(sleeper_pid));
    let mut effects = script(&mut app, '2', "ce");
    effects.extend(script(&mut app, '3', "X"));
    effects.extend(script(&mut app, '7', "va"));
    effects.extend(script(&mut app, '6', "R"));
    effects.extend(script(&mut app, '1', "S"));
    // Terminate last: it ends the sleeper.
    assert_eq!(
        app.tables.state(TableId::Activity).selected_id,
        Some(RowId::Pid(sleeper_pid)),
        "the selection must still be the sleeper"
    );
    effects.extend(script(&mut app, '2', "K"));
    let plans: Vec<_> = effects
        .into_iter()
        .filter_map(|e| match e {
            Effect::RunAction(plan) => Some(plan),
            _ => None,
        })
        .collect();
    let mut executor = Executor::new(ExecutorConfig::new(params, version));
    let (_stop_tx, mut stop) = mpsc::unbounded_channel();
    for plan in &plans {
        executor.run(plan, &mut stop).await;
    }
    // pg_stat_statements entries are written when each statement ends: already done.
    (plans.len(), action_statements(&owner).await)
}

#[tokio::test]
async fn read_only_mode_sends_no_statement() {
    let (plans, sent) = run_script(true).await;
    assert_eq!(plans, 0, "read-only mode confirmed actions");
    assert_eq!(
        sent, 0,
        "read-only mode sent action statements to the server"
    );
}

#[tokio::test]
async fn the_same_keys_without_read_only_do_send_them() {
    let (plans, sent) = run_script(false).await;
    // c, e, X, v, a, R, S, K: every key found its target.
    assert_eq!(
        plans, 8,
        "every action key should have produced one confirmed plan"
    );
    assert!(
        sent >= 5,
        "only {sent} action statements reached pg_stat_statements"
    );
}
