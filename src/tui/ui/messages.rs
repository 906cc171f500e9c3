//! The message log overlay (`L`): every status message and poll error of this session,
//! newest first, whole (wrapped, never cut), with how long ago and how often it came.
//!
//! ```text
//! ┌ Messages (3) ────────────────────────────────────────────────────────────┐
//! │   12s ago  REINDEX CONCURRENTLY: canceling statement due to lock timeout; │
//! │            it left the invalid index public.orders_pkey_ccnew behind      │
//! │ 2m 3s ago  copied 48 characters                                           │
//! └ Esc back · j/k scroll ────────────────────────────────────────────────────┘
//! ```

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use crate::text::format;
use crate::tui::app::App;
use crate::tui::theme::Role;

/// The view takes the whole body: on a small terminal every line counts.
fn area(body: Rect) -> Rect {
    body
}

/// The log's lines for a popup `width` columns wide inside.
fn lines(app: &App, width: usize) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let ages: Vec<String> = app
        .messages
        .entries()
        .rev()
        .map(|m| {
            let age = app.now.duration_since(m.at).unwrap_or_default();
            format!("{} ago", format::duration(age))
        })
        .collect();
    let age_width = ages.iter().map(|a| a.chars().count()).max().unwrap_or(0);
    let text_width = width.saturating_sub(age_width + 2).max(10);
    let mut lines = Vec::new();
    for (message, age) in app.messages.entries().rev().zip(ages) {
        let role = if message.is_error {
            Role::Crit
        } else {
            Role::Text
        };
        let mut text = message.text.clone();
        if message.repeated > 1 {
            text.push_str(&format!(" (×{})", message.repeated));
        }
        for (index, piece) in super::text::wrap(&text, text_width).into_iter().enumerate() {
            let age = if index == 0 { age.as_str() } else { "" };
            lines.push(Line::from(vec![
                Span::styled(format!("{age:>age_width$}  "), theme.style(Role::Muted)),
                Span::styled(piece, theme.style(role)),
            ]));
        }
    }
    if lines.is_empty() {
        lines.push(Line::from(Span::styled(
            "no messages yet",
            theme.style(Role::Muted),
        )));
    }
    lines
}

/// How far the log can scroll and how many lines a page has.
pub(super) fn scroll_limit(app: &App, body: Rect) -> (u16, u16) {
    let area = area(body);
    let page = area.height.saturating_sub(2);
    let total = lines(app, usize::from(area.width.saturating_sub(2))).len();
    let total = u16::try_from(total).unwrap_or(u16::MAX);
    (total.saturating_sub(page), page)
}

pub fn render(app: &App, frame: &mut Frame, body: Rect) {
    let theme = &app.theme;
    super::overlay::cover(frame, body);
    let area = area(body);
    let page = usize::from(area.height.saturating_sub(2));
    let lines = lines(app, usize::from(area.width.saturating_sub(2)));
    let (limit, _) = scroll_limit(app, body);
    let scroll = app.overlay_scroll.min(limit);
    let hint = super::overlay::hints(&app.keymap, lines.len() > page, None);
    let mut block = Block::bordered()
        .border_style(theme.style(Role::BorderFocused))
        .title(Span::styled(
            format!(" Messages ({}) ", app.messages.len()),
            theme.style(Role::Title),
        ))
        .title_bottom(Span::styled(hint, theme.style(Role::Muted)));
    if let Some(position) = super::table::position(usize::from(scroll), page, lines.len()) {
        block = block.title_bottom(
            Line::from(Span::styled(position, theme.style(Role::Muted))).right_aligned(),
        );
    }
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .style(theme.style(Role::Dialog))
            .scroll((scroll, 0)),
        area,
    );
}
