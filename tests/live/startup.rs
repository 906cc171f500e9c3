//! Starting the live view when the server is not there yet: down, shutting down or full
//! means "open and wait" (the screen says why, which attempt, when the next one comes),
//! and pgpulse connects on its own once it can; a wrong password or an unknown database
//! still ends with one line before the terminal is taken.

use crate::common;

use std::time::{Duration, SystemTime};

use common::live::{WAIT, must};
use common::screen::screen_text;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use pgpulse::monitor::poller::{
    Poller, PollerCommand, PollerConfig, SnapshotReceiver, spawn_poller,
};
use pgpulse::monitor::snapshot::Snapshot;
use pgpulse::pg::open::{ConnectOptions, LiveStart, open_monitoring_or_wait};
use pgpulse::tui::app::{App, Effect, Event};
use pgpulse::tui::keymap::Keymap;
use pgpulse::tui::theme::Theme;

fn no_prompt() -> ConnectOptions {
    ConnectOptions {
        no_password: true,
        ..ConnectOptions::default()
    }
}

fn fast() -> PollerConfig {
    PollerConfig {
        fast: Duration::from_millis(100),
        ..PollerConfig::default()
    }
}

async fn next_where(
    snapshots: &mut SnapshotReceiver,
    what: &str,
    bound: Duration,
    wanted: impl Fn(&Snapshot) -> bool,
) -> Snapshot {
    let deadline = tokio::time::Instant::now() + bound;
    let mut last = None;
    loop {
        if let Some(snapshot) = snapshots.take() {
            if wanted(&snapshot) {
                return snapshot;
            }
            last = Some(format!("{:?}", snapshot.server));
        }
        match tokio::time::timeout_at(deadline, snapshots.changed()).await {
            Ok(Ok(())) => {}
            Ok(Err(_)) => panic!("the poller stopped while waiting for {what}"),
            Err(_) => panic!("waited {bound:?} for {what}; last: {last:?}"),
        }
    }
}

fn server_error(snapshot: &Snapshot) -> String {
    snapshot
        .server
        .as_ref()
        .err()
        .map(ToString::to_string)
        .unwrap_or_default()
}

fn app() -> App {
    App::new(
        "postgres@127.0.0.1/app".into(),
        Duration::from_millis(100),
        SystemTime::now(),
        Keymap::default(),
        Theme::default(),
    )
}

#[tokio::test]
async fn a_server_down_at_start_is_waited_for_on_screen_and_connected_when_it_comes_up() {
    let server = common::start_server(|_| {});
    let db = server.create_database().await;
    let conninfo = format!("{} sslmode=disable", db.conninfo());
    server.stop();

    let start = must(
        open_monitoring_or_wait(&no_prompt(), Some(conninfo)).await,
        "a stopped server is no reason to exit",
    );
    let LiveStart::Waiting(session, first) = start else {
        panic!("the server is down: the live view must wait");
    };
    let (mut snapshots, commands) = spawn_poller(Poller::waiting(session, fast(), &first));
    let waiting = next_where(&mut snapshots, "a waiting snapshot", WAIT, |s| {
        server_error(s).starts_with("waiting for server: ")
    })
    .await;
    assert!(
        server_error(&waiting)
            .starts_with("waiting for server: connection refused, attempt 1, next in "),
        "{}",
        server_error(&waiting)
    );
    assert!(waiting.capabilities.is_none(), "nothing probed yet");

    // What the DBA sees: the reason, the attempt and when the next one comes.
    let mut app = app();
    app.update(Event::Snapshot(Box::new(waiting)));
    let wide = screen_text(&app, 160, 48);
    assert!(
        wide.contains("waiting for server: connection refused, attempt 1, next in "),
        "{wide}"
    );
    let narrow = screen_text(&app, 80, 24);
    assert!(
        narrow.contains("waiting for server: connection refused, attempt 1, next in "),
        "at 80x24 too: {narrow}"
    );

    // ctrl-r: the next attempt now, not after the backoff (at least 3 s after attempt 3).
    next_where(&mut snapshots, "attempt 3", Duration::from_secs(15), |s| {
        server_error(s).contains(", attempt 3, ")
    })
    .await;
    let effects = app.update(Event::Key(KeyEvent::new(
        KeyCode::Char('r'),
        KeyModifiers::CONTROL,
    )));
    assert_eq!(effects, vec![Effect::Poller(PollerCommand::Reconnect)]);
    must(commands.send(PollerCommand::Reconnect), "reconnect now");
    next_where(
        &mut snapshots,
        "attempt 4 right away",
        Duration::from_secs(2),
        |s| server_error(s).contains(", attempt 4, "),
    )
    .await;

    server.start();
    let connected = next_where(
        &mut snapshots,
        "a good poll",
        Duration::from_secs(15),
        |s| s.server.is_ok() && s.activity.is_ok(),
    )
    .await;
    let caps = connected
        .capabilities
        .clone()
        .expect("probed once connected");
    assert!(caps.server_version_num >= 130_000);
    app.update(Event::Snapshot(Box::new(connected)));
    let wide = screen_text(&app, 160, 48);
    assert!(!wide.contains("waiting for server"), "{wide}");
    assert!(
        wide.contains(&format!("PG {}", caps.short_version())),
        "{wide}"
    );
}

#[tokio::test]
async fn a_server_shutting_down_or_full_is_waited_for() {
    let server = common::start_server(|opts| {
        opts.settings.push(("max_connections".into(), "4".into()));
        opts.settings
            .push(("superuser_reserved_connections".into(), "1".into()));
    });
    let db = server.create_database().await;
    server.create_role("app_user", None, "").await;
    let as_app_user = format!(
        "host=127.0.0.1 port={} user=app_user dbname={} sslmode=disable",
        server.port(),
        db.name
    );
    // Too many clients: the three slots for ordinary roles are taken.
    let mut holders = Vec::new();
    for _ in 0..3 {
        let (client, connection) = must(
            tokio_postgres::connect(&as_app_user, tokio_postgres::NoTls).await,
            "taking a slot",
        );
        tokio::spawn(connection);
        holders.push(client);
    }
    let full = must(
        open_monitoring_or_wait(&no_prompt(), Some(as_app_user.clone())).await,
        "a full server is no reason to exit",
    );
    let LiveStart::Waiting(_, error) = full else {
        panic!("every slot is taken: the live view must wait");
    };
    assert!(
        error.to_string().contains("53300")
            || error.to_string().contains("too many clients")
            || error.to_string().contains("reserved"),
        "{error}"
    );
    drop(holders);

    // Shutting down: a smart shutdown waits for its last client, refusing new ones. The
    // holders' backends exit a moment after their clients close: wait for a slot.
    let superuser = common::live::eventually("a slot once the holders are gone", async || {
        let (client, connection) = tokio_postgres::connect(
            &format!("{} sslmode=disable", db.conninfo()),
            tokio_postgres::NoTls,
        )
        .await
        .map_err(|e| e.to_string())?;
        tokio::spawn(connection);
        Ok(client)
    })
    .await;
    must(superuser.simple_query("SELECT 1").await, "the last client");
    server.begin_smart_shutdown();
    let stopping =
        common::live::eventually(
            "new connections refused",
            async || match open_monitoring_or_wait(
                &no_prompt(),
                Some(format!("{} sslmode=disable", db.conninfo())),
            )
            .await
            {
                Ok(LiveStart::Waiting(_, error)) if error.to_string().contains("shutting down") => {
                    Ok(error)
                }
                Ok(LiveStart::Waiting(_, error)) => Err(error.to_string()),
                Ok(LiveStart::Ready(..)) => Err("still accepting".into()),
                Err(line) => panic!("shutting down must be waited for, not exit: {line}"),
            },
        )
        .await;
    assert!(
        stopping
            .to_string()
            .contains("the database system is shutting down"),
        "{stopping}"
    );
    drop(superuser);
    server.start();
}

#[tokio::test]
async fn errors_that_waiting_cannot_fix_end_in_one_line() {
    let server = common::shared();
    let db = server.create_database().await;
    server
        .create_role("pw_user", Some("right-password"), "IN ROLE password_users")
        .await;
    let cases = [
        (
            format!(
                "host=127.0.0.1 port={} user=pw_user password=hunter2-secret dbname={} sslmode=disable",
                server.port(),
                db.name
            ),
            "password authentication failed",
        ),
        (
            format!(
                "host=127.0.0.1 port={} user=postgres dbname=no_such_db sslmode=disable",
                server.port()
            ),
            "does not exist",
        ),
        (
            format!(
                "host=127.0.0.1 port={} user=postgres dbname={} sslmode=verify-full sslrootcert=/nonexistent/root.crt",
                server.port(),
                db.name
            ),
            "root.crt",
        ),
    ];
    for (conninfo, expected) in cases {
        match open_monitoring_or_wait(&no_prompt(), Some(conninfo.clone())).await {
            Err(error) => {
                let line = error.to_string();
                assert!(line.contains(expected), "{conninfo}: {line}");
                assert_eq!(line.lines().count(), 1, "{line}");
                assert!(!line.contains("hunter2"), "{line}");
            }
            Ok(_) => panic!("{conninfo}: must end with one line, not wait"),
        }
    }
}
