//! Screen 8 against a real primary with a streaming standby: the app built from pgpulse's
//! own polls of each server, the Replication & WAL screen drawn into a `TestBackend`,
//! and what a DBA would look for on it: on the primary the standby by its application
//! name with a lag; on the standby its upstream, receive and replay positions, and a
//! header that says standby.

use crate::common;

use std::time::Duration;

use common::live::{eventually, exec, monitor};
use common::screen::screen_text;
use common::standby::{STANDBY_NAME, STANDBY_SLOT, start_topology};
use pgpulse::monitor::poller::{Poller, PollerConfig};
use pgpulse::tui::app::{App, Event};
use pgpulse::tui::keymap::Keymap;
use pgpulse::tui::screen::Screen;
use pgpulse::tui::theme::Theme;

/// An app watching `server`, with its poller.
async fn watch(server: &common::TestServer) -> (App, Poller) {
    let (session, caps) = monitor(format!("{} sslmode=disable", server.conninfo("postgres"))).await;
    let poller = Poller::new(session, caps, PollerConfig::default());
    let mut app = App::new(
        format!("postgres@127.0.0.1:{}", server.port()),
        Duration::from_secs(1),
        std::time::SystemTime::now(),
        Keymap::default(),
        Theme::default(),
    );
    app.show(Screen::Replication);
    (app, poller)
}

/// One poll fed to the app, as the event loop does.
async fn poll(app: &mut App, poller: &mut Poller) {
    let snapshot = poller.poll_everything().await;
    app.update(Event::Snapshot(Box::new(snapshot)));
}

#[tokio::test]
async fn screen_8_shows_the_standby_on_the_primary_and_the_upstream_on_the_standby() {
    let topology = start_topology(|_| {});
    let primary = topology.primary_client().await;
    exec(&primary, "CREATE TABLE screen8 (x int)").await;
    topology.wait_replayed().await;

    let (mut app, mut poller) = watch(&topology.primary).await;
    eventually(
        "the standby with a lag on the primary's screen 8",
        async || {
            exec(&primary, "INSERT INTO screen8 VALUES (1)").await;
            poll(&mut app, &mut poller).await;
            tokio::time::sleep(Duration::from_millis(200)).await;
            poll(&mut app, &mut poller).await;
            let wide = screen_text(&app, 160, 48);
            let row = wide
                .lines()
                .find(|l| l.contains(STANDBY_NAME) && l.contains("streaming"))
                .ok_or_else(|| wide.clone())?;
            // The replay lag (`0ms` when caught up, never `-` for a streaming standby)
            // and the slot by name.
            if !(row.contains("ms") || row.contains('s')) || !wide.contains(STANDBY_SLOT) {
                return Err(wide);
            }
            if !wide.contains("WAL ") || !wide.contains("/s") {
                return Err(format!("no WAL rate:\n{wide}"));
            }
            let header = wide.lines().nth(1).unwrap_or_default();
            if !header.contains("1 standby") {
                return Err(format!("header: {header}"));
            }
            Ok(())
        },
    )
    .await;
    let narrow = screen_text(&app, 80, 24);
    assert!(narrow.contains(STANDBY_NAME), "80x24:\n{narrow}");
    assert!(narrow.contains("8 Repl/WAL"), "the tab:\n{narrow}");

    let (mut app, mut poller) = watch(&topology.standby).await;
    let upstream = format!("127.0.0.1:{}", topology.primary.port());
    eventually(
        "upstream, receive and replay on the standby's screen 8",
        async || {
            exec(&primary, "INSERT INTO screen8 VALUES (2)").await;
            poll(&mut app, &mut poller).await;
            let wide = screen_text(&app, 160, 48);
            let header = wide.lines().nth(1).unwrap_or_default().to_string();
            let wanted = [
                format!("upstream {upstream}"),
                "received ".to_string(),
                "replayed ".to_string(),
                "replay lag".to_string(),
                "receiver streaming".to_string(),
            ];
            if wanted.iter().any(|w| !wide.contains(w.as_str())) {
                return Err(wide);
            }
            if !header.contains("standby") || !header.contains(&upstream) {
                return Err(format!("header: {header}"));
            }
            Ok(())
        },
    )
    .await;
    let narrow = screen_text(&app, 80, 24);
    let header = narrow.lines().nth(1).unwrap_or_default();
    assert!(header.contains("standby"), "80x24 header: {header}");
    assert!(narrow.contains("replay lag"), "80x24:\n{narrow}");

    // Paused replay: prominent on the standby's header and panel.
    topology.pause_replay().await;
    eventually("REPLAY PAUSED on the standby", async || {
        exec(&primary, "INSERT INTO screen8 VALUES (3)").await;
        poll(&mut app, &mut poller).await;
        let narrow = screen_text(&app, 80, 24);
        let header = narrow.lines().nth(1).unwrap_or_default();
        if header.contains("REPLAY PAUSED")
            && narrow
                .lines()
                .nth(3)
                .is_some_and(|l| l.contains("REPLAY PAUSED"))
        {
            Ok(())
        } else {
            Err(narrow)
        }
    })
    .await;
    topology.resume_replay().await;
}
