//! The status line: the keys that matter on this screen, the last message or error, and
//! how long the last poll took.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::tui::app::{App, Mode};
use crate::tui::fit;
use crate::tui::keymap::Action;
use crate::tui::screen::Screen;
use crate::tui::theme::Role;

/// The status line as drawn.
#[derive(Debug, Clone, PartialEq)]
pub enum StatusView {
    /// Typing a filter: the prompt takes the whole line.
    Filter(Line<'static>),
    /// Key hints on the left, the newest message, the last poll's time on the right.
    Line {
        hints: Line<'static>,
        message: Option<Span<'static>>,
        poll: String,
    },
}

/// The status line for a line `width` columns wide.
pub fn view(app: &App, width: u16) -> StatusView {
    let theme = app.theme();
    let keymap = app.keymap();
    if let Mode::Filter { input } = app.mode() {
        return StatusView::Filter(Line::from(vec![
            Span::styled(" filter /", theme.style(Role::Filter)),
            Span::styled(input.clone(), theme.style(Role::Filter)),
            Span::styled("▏", theme.style(Role::Filter)),
            Span::styled(
                format!(
                    "  {} keep · {} clear",
                    keymap.keys_for(Action::Accept).join("/"),
                    keymap.keys_for(Action::Back).join("/")
                ),
                theme.style(Role::Muted),
            ),
        ]));
    }
    if let Mode::JumpTo { input } = app.mode() {
        return StatusView::Filter(Line::from(vec![
            Span::styled(" go to ", theme.style(Role::Filter)),
            Span::styled(input.clone(), theme.style(Role::Filter)),
            Span::styled("▏", theme.style(Role::Filter)),
            Span::styled(
                format!(
                    "  HH:MM[:SS] today or RFC 3339 · {} go · {} cancel",
                    keymap.keys_for(Action::Accept).join("/"),
                    keymap.keys_for(Action::Back).join("/")
                ),
                theme.style(Role::Muted),
            ),
        ]));
    }
    // A failed poll ("waiting for server: connection refused, attempt 3, next in 4s")
    // matters more than the key hints and the poll time: it may take the whole line.
    let failing = app.model().last_error().is_some();
    let poll = app
        .model()
        .snapshot()
        .filter(|_| !failing)
        .map(|s| format!(" poll {}ms ", s.poll_duration.as_millis()))
        .unwrap_or_default();
    let width = usize::from(width);
    let hints = hints(app);
    // The message comes first: it is what just happened. It leaves room for the first
    // hint (help), and when it does not fit it shows its start, `…` and the key of the
    // message log, where it can be read whole.
    let first_hint = hints.first().filter(|_| !failing).map_or(0, |(w, _)| *w);
    let room = width.saturating_sub(fit::width(&poll) + first_hint);
    let message = message(app).map(|(text, style)| {
        let whole = format!(" {text} ");
        if fit::width(&whole) <= room {
            return Span::styled(whole, style);
        }
        let log = keymap
            .keys_for(Action::MessageLog)
            .first()
            .map(|key| format!(" {key} log "))
            .unwrap_or_default();
        let start = fit::fit(&format!(" {text}"), room.saturating_sub(fit::width(&log)));
        Span::styled(format!("{start}{log}"), style)
    });
    let message_width = message.as_ref().map_or(0, |m| m.width());
    let mut hint_room = width.saturating_sub(fit::width(&poll) + message_width);
    let mut shown = Vec::new();
    for (hint_width, spans) in hints {
        // Whole hints only, in their order: a key without its word is worse than none.
        if hint_width > hint_room {
            break;
        }
        hint_room -= hint_width;
        shown.extend(spans);
    }
    StatusView::Line {
        hints: Line::from(shown),
        message,
        poll,
    }
}

/// The last error, else the last message, with its style.
fn message(app: &App) -> Option<(String, Style)> {
    let theme = app.theme();
    match (app.status(), app.model().last_error()) {
        (_, Some(error)) => Some((error.to_string(), theme.style(Role::Crit))),
        (Some(status), None) if status.is_error => {
            Some((status.text.clone(), theme.style(Role::Crit)))
        }
        (Some(status), None) => Some((status.text.clone(), theme.style(Role::Text))),
        (None, None) => None,
    }
}

/// The screen's key hints, each with its width: ` ? help`.
fn hints(app: &App) -> Vec<(usize, Vec<Span<'static>>)> {
    let theme = app.theme();
    hint_actions(app.screen())
        .iter()
        .filter_map(|action| {
            let key = app.keymap().first_key(*action)?;
            let key = format!(" {key}");
            let label = format!(" {}", hint_label(*action));
            let width = fit::width(&key) + fit::width(&label);
            Some((
                width,
                vec![
                    Span::styled(key, theme.style(Role::KeyHint)),
                    Span::styled(label, theme.style(Role::StatusLine)),
                ],
            ))
        })
        .collect()
}

/// Every hint of the screen as `key label` (for the layout checks in tests).
#[cfg(test)]
pub(crate) fn labels(app: &App) -> Vec<String> {
    hints(app)
        .into_iter()
        .map(|(_, spans)| {
            spans
                .iter()
                .map(|s| s.content.as_ref())
                .collect::<String>()
                .trim()
                .to_string()
        })
        .collect()
}

fn hint_actions(screen: Screen) -> &'static [Action] {
    match screen {
        Screen::Activity => &[
            Action::Help,
            Action::Filter,
            Action::CycleActivityMode,
            Action::ToggleLocks,
            Action::ToggleIdle,
            Action::Detail,
            Action::SortNext,
            Action::Quit,
        ],
        Screen::Queries => &[
            Action::Help,
            Action::Filter,
            Action::ToggleCumulative,
            Action::FocusNext,
            Action::WindowLonger,
            Action::Detail,
            Action::Quit,
        ],
        Screen::Pool | Screen::Indexes | Screen::Maintenance | Screen::Replication => &[
            Action::Help,
            Action::Filter,
            Action::FocusNext,
            Action::Detail,
            Action::SortNext,
            Action::Quit,
        ],
        Screen::Waits => &[Action::Help, Action::WindowLonger, Action::Quit],
        Screen::Cache => &[
            Action::Help,
            Action::Filter,
            Action::WindowLonger,
            Action::Detail,
            Action::SortNext,
            Action::Quit,
        ],
        Screen::Dashboard => &[
            Action::Help,
            Action::NextScreen,
            Action::Pause,
            Action::Faster,
            Action::Quit,
        ],
    }
}

fn hint_label(action: Action) -> &'static str {
    match action {
        Action::Help => "help",
        Action::Filter => "filter",
        Action::CycleActivityMode => "mode",
        Action::ToggleIdle => "idle",
        Action::ToggleLocks => "locks",
        Action::Detail => "detail",
        Action::SortNext => "sort",
        Action::ToggleCumulative => "interval/total",
        Action::FocusNext => "table",
        Action::WindowLonger => "window",
        Action::NextScreen => "screen",
        Action::Pause => "pause",
        Action::Faster => "faster",
        Action::Quit => "quit",
        _ => "",
    }
}
