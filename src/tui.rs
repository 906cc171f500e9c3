//! The terminal side: set-up and restore (also on panic and on SIGTERM/SIGHUP), and the
//! event loop joining keys, mouse, snapshots and signals into `App::update`.

use std::io::Write;
use std::process::ExitCode;
use std::time::{Duration, SystemTime};

use crossterm::event::{DisableMouseCapture, EnableMouseCapture, Event as TermEvent, EventStream};
use futures_util::StreamExt;
use tokio::signal::unix::{SignalKind, signal};

use crate::app::{App, Effect, Event};
use crate::cli::Cli;
use crate::commands::open_monitoring;
use crate::keymap::Keymap;
use crate::poller::{self, PollerConfig};
use crate::sanitize::sanitized;
use crate::theme;

/// Connects, then runs the live view until the user quits or a signal arrives.
pub async fn run(cli: &Cli) -> Result<ExitCode, String> {
    let refresh = Duration::from_secs_f64(cli.refresh.clamp(0.5, 60.0));
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let theme_name = theme::effective_theme_name(cli.theme.as_deref(), no_color);
    let theme = theme::load_theme(theme_name, crate::settings::config_dir().as_deref())
        .map_err(|e| e.to_string())?;
    let keymap = Keymap::default();
    // Connect before taking over the terminal, so password prompts and connection errors
    // appear as ordinary lines.
    let (session, caps) = open_monitoring(&cli.conn, cli.conninfo.clone()).await?;
    let target = sanitized(&session.params().display_target());
    let config = PollerConfig {
        fast: refresh,
        slow: Duration::from_secs_f64(cli.slow_refresh.clamp(1.0, 3600.0)),
        ..PollerConfig::default()
    };
    let (mut snapshots, commands) = poller::spawn(session, caps, config);

    let mut terminate = signal(SignalKind::terminate()).map_err(|e| e.to_string())?;
    let mut hangup = signal(SignalKind::hangup()).map_err(|e| e.to_string())?;
    let mut interrupt = signal(SignalKind::interrupt()).map_err(|e| e.to_string())?;

    // ratatui::init installs a panic hook that restores the terminal before the message;
    // ours also releases the mouse first.
    let mut terminal = ratatui::init();
    let mouse = !cli.no_mouse;
    if mouse {
        let _ = crossterm::execute!(std::io::stdout(), EnableMouseCapture);
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let _ = crossterm::execute!(std::io::stdout(), DisableMouseCapture);
            previous(info);
        }));
    }
    let mut app = App::new(target, refresh, SystemTime::now(), keymap, theme);
    if let Ok(size) = terminal.size() {
        app.update(Event::Resize(size.width, size.height));
    }
    let mut keys = EventStream::new();
    let mut clock = tokio::time::interval(Duration::from_secs(1));
    let outcome = loop {
        if let Err(e) = terminal.draw(|frame| crate::ui::render(&app, frame)) {
            break Err(format!("drawing failed: {e}"));
        }
        let event = tokio::select! {
            key = keys.next() => match key {
                Some(Ok(TermEvent::Key(key))) => Event::Key(key),
                Some(Ok(TermEvent::Mouse(mouse))) => Event::Mouse(mouse),
                Some(Ok(TermEvent::Resize(width, height))) => Event::Resize(width, height),
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
                Effect::Copy(text) => copy_to_clipboard(&text),
            }
        }
        if quit {
            break Ok(ExitCode::SUCCESS);
        }
    };
    if mouse {
        let _ = crossterm::execute!(std::io::stdout(), DisableMouseCapture);
    }
    ratatui::restore();
    outcome
}

/// OSC 52: the terminal (also over SSH and inside tmux with `set-clipboard on`) puts the
/// text on the clipboard. The text was sanitized at the data boundary and is base64-encoded
/// in the escape, so it cannot break out of it.
fn copy_to_clipboard(text: &str) {
    let mut stdout = std::io::stdout();
    let _ = crossterm::execute!(
        stdout,
        crossterm::clipboard::CopyToClipboard::to_clipboard_from(text)
    );
    let _ = stdout.flush();
}
