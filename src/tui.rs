//! The terminal side: set-up and restore (also on panic and on SIGTERM/SIGHUP), and the
//! event loop joining keys, snapshots and signals into `App::update`.

use std::process::ExitCode;
use std::time::{Duration, SystemTime};

use crossterm::event::{Event as TermEvent, EventStream};
use futures_util::StreamExt;
use tokio::signal::unix::{SignalKind, signal};

use crate::app::{App, Effect, Event};
use crate::cli::Cli;
use crate::commands::open_monitoring;
use crate::poller;
use crate::sanitize::sanitized;

/// Connects, then runs the live view until the user quits or a signal arrives.
pub async fn run(cli: &Cli) -> Result<ExitCode, String> {
    let refresh = Duration::from_secs_f64(cli.refresh.clamp(0.5, 60.0));
    // Connect before taking over the terminal, so password prompts and connection errors
    // appear as ordinary lines.
    let (session, caps) = open_monitoring(&cli.conn, cli.conninfo.clone()).await?;
    let target = sanitized(&session.params().display_target());
    let (mut snapshots, commands) = poller::spawn(session, caps, refresh);

    let mut terminate = signal(SignalKind::terminate()).map_err(|e| e.to_string())?;
    let mut hangup = signal(SignalKind::hangup()).map_err(|e| e.to_string())?;
    let mut interrupt = signal(SignalKind::interrupt()).map_err(|e| e.to_string())?;

    // ratatui::init installs a panic hook that restores the terminal before the message.
    let mut terminal = ratatui::init();
    let mut app = App::new(target, refresh, SystemTime::now());
    let mut keys = EventStream::new();
    let mut clock = tokio::time::interval(Duration::from_secs(1));
    let outcome = loop {
        if let Err(e) = terminal.draw(|frame| crate::ui::render(&app, frame)) {
            break Err(format!("drawing failed: {e}"));
        }
        let event = tokio::select! {
            key = keys.next() => match key {
                Some(Ok(TermEvent::Key(key))) => Event::Key(key),
                Some(Ok(TermEvent::Resize(..))) => Event::Resize,
                Some(Ok(_)) => continue,
                Some(Err(e)) => break Err(format!("terminal input failed: {e}")),
                None => Event::Terminate,
            },
            changed = snapshots.changed() => match changed {
                Ok(()) => match snapshots.borrow_and_update().clone() {
                    Some(snapshot) => Event::Snapshot(Box::new(snapshot)),
                    None => continue,
                },
                Err(_) => break Err("the poller stopped".into()),
            },
            _ = clock.tick() => Event::Tick(SystemTime::now()),
            _ = terminate.recv() => Event::Terminate,
            _ = hangup.recv() => Event::Terminate,
            _ = interrupt.recv() => Event::Terminate,
        };
        let mut quit = false;
        for effect in app.update(event) {
            match effect {
                Effect::Quit => quit = true,
                Effect::Poller(command) => {
                    let _ = commands.send(command);
                }
            }
        }
        if quit {
            break Ok(ExitCode::SUCCESS);
        }
    };
    ratatui::restore();
    outcome
}
