//! `pgpulse replay`: the live view's screens on a recording, with no server. The hour of
//! polls around the chosen time is loaded into history mode; playback shows the next
//! poll after the gap they were taken at (divided by the speed). Keys: `p` play/pause,
//! `+`/`-` speed, `n` the next alert, ←/→ one poll, Shift-←/→ one minute, `@` a time.

use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, SystemTime};

use crossterm::event::{Event as TermEvent, EventStream};
use futures_util::StreamExt;

use super::app::{App, Effect, Event};
use super::setup;
use crate::recording::Recording;
use crate::text::sanitize::sanitized;

/// How much of a recording is loaded: history mode's hour.
const LOADED: Duration = crate::recording::memory::KEEP;

/// What `pgpulse replay` was given.
pub struct ReplayOptions<'a> {
    pub path: &'a Path,
    pub at: Option<SystemTime>,
    pub theme: Option<&'a str>,
}

/// Opens the recording and plays it in the terminal until the user quits.
pub async fn run(options: &ReplayOptions<'_>) -> anyhow::Result<ExitCode> {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() {
        return Err(anyhow::anyhow!(
            "replay needs a terminal; for text output use `pgpulse recording info` or `pgpulse report --from`"
        ));
    }
    let recording = Recording::open(options.path)?;
    let Some((first, last)) = recording.time_range() else {
        return Err(anyhow::anyhow!(
            "{}: no snapshot in this recording",
            sanitized(&options.path.display().to_string())
        ));
    };
    // The hour around the chosen time (or the first hour), within the recording.
    let end = match options.at {
        Some(at) => (at + LOADED / 2).clamp(first, last),
        None => (first + LOADED).min(last),
    };
    let start = end.checked_sub(LOADED).unwrap_or(first).max(first);
    let mut damage = 0;
    let snapshots: Vec<_> = recording
        .snapshots_between(start, end)
        .filter_map(|s| s.map_err(|_| damage += 1).ok())
        .collect();
    if snapshots.is_empty() {
        return Err(anyhow::anyhow!(
            "{}: no snapshot could be decoded between {} and {} ({} record(s) failed to decode)",
            sanitized(&options.path.display().to_string()),
            crate::text::timefmt::rfc3339_millis(start),
            crate::text::timefmt::rfc3339_millis(end),
            damage
        ));
    }
    let target = recording
        .segments()
        .iter()
        .find_map(|s| s.header.as_ref())
        .map_or_else(|| "recording".to_string(), |h| sanitized(&h.server.target));
    let config_dir = crate::settings::paths::config_dir();
    let settings = setup::load_config(config_dir.as_deref())?;
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let theme = setup::theme(&settings, options.theme, no_color, config_dir.as_deref())?;
    let keymap = setup::keymap(&settings)?;
    let refresh = settings.refresh.fast;
    let mut app = App::new(target, refresh, first, keymap, theme)
        .with_config(settings)
        .with_read_only(true)
        .with_identity(String::new(), Some("REPLAY".into()));
    app.start_replay(snapshots, options.at);
    if recording.damage().len() + damage > 0 {
        app.warn(format!(
            "the recording is damaged in {} place(s): `pgpulse recording info` says where",
            recording.damage().len().max(damage)
        ));
    }

    let mut terminal = ratatui::init();
    if let Ok(size) = terminal.size() {
        app.update(Event::Resize(size.width, size.height));
    }
    let mut keys = EventStream::new();
    let outcome = loop {
        if app.frame_due() {
            let drawn = terminal.draw(|frame| {
                let view = app.frame_view(frame.area());
                let drawn = super::ui::render(frame, &view, app.theme());
                app.drawn(drawn);
                app.frame_drawn(view);
            });
            if let Err(e) = drawn {
                break Err(anyhow::anyhow!("drawing failed: {e}"));
            }
        }
        // Playing: the next poll after the recorded gap; paused: only keys.
        let due = app.replay_due();
        let event = tokio::select! {
            key = keys.next() => match key {
                Some(Ok(TermEvent::Key(key))) => Event::Key(key),
                Some(Ok(TermEvent::Resize(width, height))) => Event::Resize(width, height),
                Some(Ok(_)) => continue,
                Some(Err(e)) => break Err(anyhow::anyhow!("terminal input failed: {e}")),
                None => Event::Terminate,
            },
            () = sleep_or_forever(due) => {
                app.replay_advance();
                continue;
            }
        };
        let quit = app
            .update(event)
            .into_iter()
            .any(|effect| matches!(effect, Effect::Quit));
        if quit {
            break Ok(ExitCode::SUCCESS);
        }
    };
    ratatui::restore();
    outcome
}

async fn sleep_or_forever(due: Option<Duration>) {
    match due {
        Some(due) => tokio::time::sleep(due).await,
        None => std::future::pending().await,
    }
}
