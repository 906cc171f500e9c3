//! What the user asks of the poller: pause, reconnect now, poll more or less often, read
//! another latency or history window, search a capped list on the server.

use super::event::Effect;
use super::shell::App;
use crate::monitor::poller::PollerCommand;
use crate::settings::config::{MAX_REFRESH, MIN_REFRESH};
use crate::tui::keymap::Action;
use crate::tui::screens::capped::{cap, capped_list};
use crate::tui::screens::state::{HISTORY_WINDOWS, LATENCY_WINDOWS, WAIT_WINDOWS};

/// `p`: pauses or resumes polling.
pub(super) fn pause(app: &mut App) -> Vec<Effect> {
    app.paused = !app.paused;
    let text = match app.settings.keymap().first_key(Action::Pause) {
        Some(key) if app.paused => format!("paused: press {key} to resume"),
        None if app.paused => "paused".to_string(),
        _ => "resumed".to_string(),
    };
    app.set_status(text, false);
    vec![Effect::Poller(PollerCommand::Pause(app.paused))]
}

/// `Ctrl-r`: tries to connect now instead of waiting for the next attempt.
pub(super) fn reconnect(app: &mut App) -> Vec<Effect> {
    if app.paused {
        let keys = app.settings.keymap().keys_for(Action::Pause).join("/");
        app.set_status(format!("paused: resume ({keys}) to reconnect"), false);
        return vec![];
    }
    // While disconnected the status line shows the attempts: the next one, now, is the
    // answer.
    if app.model.last_error().is_none() && app.model.last_success().is_some() {
        app.set_status("already connected", false);
    }
    vec![Effect::Poller(PollerCommand::Reconnect)]
}

/// `+`/`-`: halves or doubles the refresh interval, within its range.
pub(super) fn change_refresh(app: &mut App, faster: bool) -> Vec<Effect> {
    let next = if faster {
        app.refresh / 2
    } else {
        app.refresh * 2
    };
    app.refresh = next.clamp(MIN_REFRESH, MAX_REFRESH);
    app.model.set_refresh(app.refresh);
    app.model_settings.refresh = app.refresh;
    app.set_status(
        format!(
            "refresh every {}",
            crate::text::format::duration(app.refresh)
        ),
        false,
    );
    vec![Effect::Poller(PollerCommand::SetInterval(app.refresh))]
}

/// `[`/`]` on the Queries screen: the `query_performance_log` window.
pub(super) fn change_latency_window(app: &mut App, longer: bool) -> Vec<Effect> {
    let index = LATENCY_WINDOWS
        .iter()
        .position(|w| *w >= app.screens.latency_window())
        .unwrap_or(2);
    let next = if longer {
        (index + 1).min(LATENCY_WINDOWS.len() - 1)
    } else {
        index.saturating_sub(1)
    };
    let window = LATENCY_WINDOWS[next];
    app.screens.set_latency_window(window);
    app.set_status(
        format!("latency window {}", crate::text::format::duration(window)),
        false,
    );
    vec![Effect::Poller(PollerCommand::SetLatencyWindow(window))]
}

/// `[`/`]` on the Cache screen: the snapshot history window.
pub(super) fn change_history_window(app: &mut App, longer: bool) -> Vec<Effect> {
    let index = HISTORY_WINDOWS
        .iter()
        .position(|w| *w >= app.screens.history_window())
        .unwrap_or(0);
    let next = if longer {
        (index + 1).min(HISTORY_WINDOWS.len() - 1)
    } else {
        index.saturating_sub(1)
    };
    let window = HISTORY_WINDOWS[next];
    app.screens.set_history_window(window);
    app.set_status(
        format!(
            "snapshot history: last {}",
            crate::text::format::duration(window)
        ),
        false,
    );
    vec![Effect::Poller(PollerCommand::SetHistoryWindow(window))]
}

/// The effect that sends the focused table's filter to the poller, when the table is a
/// capped list that left rows out (a list read whole is filtered where it is, at no cost
/// to the server), or one answering an earlier search. The poller reads on its next
/// tick, not on every key; until the rows answering it arrive, the table says it is
/// searching.
pub(super) fn search_effect(app: &App) -> Vec<Effect> {
    let Some(id) = app.focused_table_id() else {
        return vec![];
    };
    let Some(list) = capped_list(id) else {
        return vec![];
    };
    let whole = cap(app, list).is_some_and(|cap| !cap.is_capped() && cap.search.is_none());
    if whole {
        return vec![];
    }
    let filter = app.screens.table(id).filter.clone();
    let text = (!filter.is_empty()).then_some(filter);
    vec![Effect::Poller(PollerCommand::Search(list, text))]
}

/// `[`/`]` on the Waits screen: the next shorter or longer window of the wait-load
/// history (read from memory: nothing to ask the server).
pub(super) fn change_wait_window(app: &mut App, longer: bool) -> Vec<Effect> {
    let index = WAIT_WINDOWS
        .iter()
        .position(|w| *w >= app.screens.wait_window())
        .unwrap_or(0);
    let next = if longer {
        (index + 1).min(WAIT_WINDOWS.len() - 1)
    } else {
        index.saturating_sub(1)
    };
    let window = WAIT_WINDOWS[next];
    app.screens.set_wait_window(window);
    app.set_status(
        format!("wait load: last {}", crate::text::format::duration(window)),
        false,
    );
    vec![]
}
