//! The frame around every screen: the tab bar, the header line and the status line.
//!
//! ```text
//! ┌ 1 Dashboard │ 2 Activity │ 3 Queries ...            tabs      (1 line)
//! │ postgres@host:5432/db  PG 15.18 primary  up 3d ...  header    (1 line)
//! │ body: the current screen                                      (rest)
//! └ keys for this screen · last error · poll 12ms       status    (1 line)
//! ```

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::tui::screen::Screen;
use crate::tui::screens::frame::TabsView;
use crate::tui::screens::header::HeaderView;
use crate::tui::screens::status::StatusView;
use crate::tui::theme::{Role, Theme};

/// Draws the tab bar; returns each screen's label range.
pub fn render_tabs(
    frame: &mut Frame,
    area: Rect,
    view: &TabsView,
    theme: &Theme,
) -> Vec<(Screen, u16, u16)> {
    let spans: Vec<Span> = view
        .tabs
        .iter()
        .map(|(screen, label, _, _)| {
            let role = if *screen == view.active {
                Role::TabActive
            } else {
                Role::TabInactive
            };
            Span::styled(label.clone(), theme.style(role))
        })
        .collect();
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
    view.tabs
        .iter()
        .map(|(screen, _, from, to)| (*screen, *from, *to))
        .collect()
}

/// Draws the header: facts on the left, badges on the right.
pub fn render_header(frame: &mut Frame, area: Rect, view: &HeaderView) {
    let [left, right] =
        Layout::horizontal([Constraint::Fill(1), Constraint::Length(view.badges_width)])
            .areas(area);
    frame.render_widget(Paragraph::new(view.facts.clone()), left);
    frame.render_widget(Paragraph::new(view.badges.clone()), right);
}

/// Draws the status line.
pub fn render_status(frame: &mut Frame, area: Rect, view: &StatusView, theme: &Theme) {
    let line_style = theme.style(Role::StatusLine);
    match view {
        StatusView::Filter(line) => {
            frame.render_widget(Paragraph::new(line.clone()).style(line_style), area);
        }
        StatusView::Line {
            hints,
            message,
            poll,
        } => {
            let message_width = message.as_ref().map_or(0, Span::width);
            let [hint_area, message_area, poll_area] = Layout::horizontal([
                Constraint::Fill(1),
                Constraint::Length(u16::try_from(message_width).unwrap_or(u16::MAX)),
                Constraint::Length(u16::try_from(crate::tui::fit::width(poll)).unwrap_or(u16::MAX)),
            ])
            .areas(area);
            frame.render_widget(Paragraph::new(hints.clone()).style(line_style), hint_area);
            if let Some(message) = message {
                frame.render_widget(
                    Paragraph::new(Line::from(message.clone())).style(line_style),
                    message_area,
                );
            }
            frame.render_widget(
                Paragraph::new(Span::styled(poll.clone(), theme.style(Role::Muted)))
                    .style(line_style),
                poll_area,
            );
        }
    }
}
