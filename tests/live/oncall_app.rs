//! The horizon panel end to end: the App, fed real polls, names a forgotten prepared
//! transaction as the holder of the xmin horizon on the Maintenance screen (drawn into a
//! `TestBackend`), and `E` → the dialog (on No) → `y` rolls it back through the executor
//! the live view wires: the prepared transaction is gone from the server.

use crate::common;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use pgpulse::actions::executor::{self, ExecutorConfig, ExecutorEvent};
use pgpulse::monitor::poller::{Poller, PollerConfig};
use pgpulse::tui::app::{Effect, Event, Mode};
use pgpulse::tui::screens::state::TableId;
use pgpulse::tui::screens::table::RowId;

use common::live::{WAIT, eventually, exec, monitor_db, must};
use common::screen::{screen_text, test_app};

fn key(c: char) -> Event {
    Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

/// A private server: prepared transactions need `max_prepared_transactions` > 0, and the
/// horizon's holders are server-wide (another test's sessions would be listed too).
#[tokio::test]
async fn a_prepared_holder_is_shown_and_rolled_back_through_the_dialog() {
    let server = common::start_server(|opts| {
        opts.settings
            .push(("max_prepared_transactions".into(), "5".into()));
    });
    let db = server.create_database().await;
    let client = db.client().await;
    exec(
        &client,
        "CREATE TABLE orders (id int, n int) WITH (autovacuum_enabled = false);
         INSERT INTO orders SELECT g, 0 FROM generate_series(1, 100) g;
         BEGIN; INSERT INTO orders VALUES (0, 0); PREPARE TRANSACTION 'forgotten_export';",
    )
    .await;

    let (session, caps) = monitor_db(&db).await;
    let version = caps.server_version_num;
    let mut poller = Poller::new(session, caps, PollerConfig::default());
    let mut app = test_app();
    app.update(Event::Resize(120, 40));
    app.update(key('7'));
    // The horizon panel is the second table of the Maintenance screen.
    app.update(key('f'));
    assert_eq!(app.focused_table_id(), Some(TableId::Horizon));
    let label = "prepared 'forgotten_export'";
    eventually("the prepared transaction listed as a holder", async || {
        let snapshot = poller.poll_everything().await;
        app.update(Event::Snapshot(Box::new(snapshot)));
        let listed = app
            .model()
            .horizon()
            .is_some_and(|h| h.holders.iter().any(|holder| holder.label() == label));
        if listed {
            Ok(())
        } else {
            Err("not yet".into())
        }
    })
    .await;
    let screen = screen_text(&app, 120, 40);
    assert!(screen.contains("Why can't VACUUM clean?"), "{screen}");
    let line = screen
        .lines()
        .find(|l| l.contains("forgotten_export"))
        .unwrap_or_else(|| panic!("the gid is not drawn:\n{screen}"));
    assert!(line.contains("prepared"), "{line}");

    app.select(TableId::Horizon, RowId::Name(label.into()));
    app.update(key('E'));
    let Mode::Dialog(dialog) = app.mode().clone() else {
        panic!("no dialog: {screen}");
    };
    assert!(
        !dialog.yes_focused,
        "ROLLBACK PREPARED is destructive: focus on No"
    );
    let dialog_screen = screen_text(&app, 120, 40);
    assert!(
        dialog_screen.contains("ROLLBACK PREPARED 'forgotten_export'"),
        "{dialog_screen}"
    );
    let effects = app.update(key('y'));
    let Some(Effect::RunAction { id, plan }) = effects
        .into_iter()
        .find(|e| matches!(e, Effect::RunAction { .. }))
    else {
        panic!("confirming sent no action");
    };
    let params = must(
        pgpulse::pg::conninfo::resolve_from_process(
            pgpulse::pg::conninfo::Flags::default(),
            Some(format!("{} sslmode=disable", server.conninfo("postgres"))),
        ),
        "action conninfo",
    );
    let (handle, mut events) =
        executor::for_live_view(false, ExecutorConfig::new(params, version)).expect("executor");
    handle.run(id, *plan);
    loop {
        let event = must(
            tokio::time::timeout(WAIT, events.recv()).await,
            "the action to end",
        )
        .expect("the executor stopped");
        let done = event == ExecutorEvent::Done { id };
        app.update(Event::Executor(event));
        if done {
            break;
        }
    }
    let left: i64 = must(
        client
            .query_one(
                "SELECT count(*) FROM pg_prepared_xacts WHERE gid = 'forgotten_export'",
                &[],
            )
            .await,
        "counting prepared xacts",
    )
    .get(0);
    assert_eq!(left, 0, "the prepared transaction is still there");
}
