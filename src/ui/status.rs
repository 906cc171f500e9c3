//! The status line: the keys that matter on this screen, the last message or error, and
//! how long the last poll took.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::{App, Mode};
use crate::keymap::{Action, Screen};
use crate::theme::Role;

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let theme = &app.theme;
    if let Mode::Filter { input } = &app.mode {
        let line = Line::from(vec![
            Span::styled(" filter /", theme.style(Role::Filter)),
            Span::styled(input.clone(), theme.style(Role::Filter)),
            Span::styled("▏", theme.style(Role::Filter)),
            Span::styled(
                format!(
                    "  {} keep · {} clear",
                    app.keymap.keys_for(Action::Accept).join("/"),
                    app.keymap.keys_for(Action::Back).join("/")
                ),
                theme.style(Role::Muted),
            ),
        ]);
        frame.render_widget(
            Paragraph::new(line).style(theme.style(Role::StatusLine)),
            area,
        );
        return;
    }
    let mut hints = Vec::new();
    for action in hint_actions(app.screen) {
        let keys = app.keymap.keys_for(*action);
        let Some(key) = keys.first() else { continue };
        hints.push(Span::styled(format!(" {key}"), theme.style(Role::KeyHint)));
        hints.push(Span::styled(
            format!(" {}", hint_label(*action)),
            theme.style(Role::StatusLine),
        ));
    }
    let message = match (&app.status, &app.last_error) {
        (_, Some(error)) => Span::styled(format!(" {error} "), theme.style(Role::Crit)),
        (Some(status), None) if status.is_error => {
            Span::styled(format!(" {} ", status.text), theme.style(Role::Crit))
        }
        (Some(status), None) => Span::styled(format!(" {} ", status.text), theme.style(Role::Text)),
        (None, None) => Span::raw(""),
    };
    let poll = app
        .latest
        .as_ref()
        .map(|s| format!(" poll {}ms ", s.poll_duration.as_millis()))
        .unwrap_or_default();
    let message_width = message.width() as u16;
    // A lost or missing connection ("waiting for server: ..., attempt 3, next in 4s")
    // matters more than the key hints: it may take the whole line.
    let message_room = if app.last_error.is_some() {
        area.width
    } else {
        area.width / 2
    };
    let [hint_area, message_area, poll_area] = Layout::horizontal([
        Constraint::Fill(1),
        Constraint::Length(message_width.min(message_room)),
        Constraint::Length(poll.chars().count() as u16),
    ])
    .areas(area);
    frame.render_widget(
        Paragraph::new(Line::from(hints)).style(theme.style(Role::StatusLine)),
        hint_area,
    );
    frame.render_widget(
        Paragraph::new(Line::from(message)).style(theme.style(Role::StatusLine)),
        message_area,
    );
    frame.render_widget(
        Paragraph::new(Span::styled(poll, theme.style(Role::Muted)))
            .style(theme.style(Role::StatusLine)),
        poll_area,
    );
}

fn hint_actions(screen: Screen) -> &'static [Action] {
    match screen {
        Screen::Activity => &[
            Action::Help,
            Action::Filter,
            Action::CycleActivityMode,
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
        Screen::Pool | Screen::Indexes | Screen::Maintenance => &[
            Action::Help,
            Action::Filter,
            Action::FocusNext,
            Action::Detail,
            Action::SortNext,
            Action::Quit,
        ],
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
