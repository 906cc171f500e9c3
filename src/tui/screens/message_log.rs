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

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::detail::TextOverlay;
use crate::text::format;
use crate::tui::app::App;
use crate::tui::theme::Role;

/// The message log over `body`.
pub fn view(app: &App, body: Rect) -> TextOverlay {
    let lines = lines(app, usize::from(body.width.saturating_sub(2)));
    let title = format!(" Messages ({}) ", app.messages().len());
    TextOverlay::over(app, body, &title, lines, app.overlay_scroll(), None)
}

/// The log's lines for a popup `width` columns wide inside.
fn lines(app: &App, width: usize) -> Vec<Line<'static>> {
    let theme = app.theme();
    let ages: Vec<String> = app
        .messages()
        .entries()
        .rev()
        .map(|m| {
            let age = app.now().duration_since(m.at).unwrap_or_default();
            format!("{} ago", format::duration(age))
        })
        .collect();
    let age_width = ages.iter().map(|a| a.chars().count()).max().unwrap_or(0);
    let text_width = width.saturating_sub(age_width + 2).max(10);
    let mut lines = Vec::new();
    for (message, age) in app.messages().entries().rev().zip(ages) {
        let role = if message.is_error {
            Role::Crit
        } else {
            Role::Text
        };
        let mut text = message.text.clone();
        if message.repeated > 1 {
            text.push_str(&format!(" (×{})", message.repeated));
        }
        for (index, piece) in crate::tui::fit::wrap(&text, text_width)
            .into_iter()
            .enumerate()
        {
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
