//! The detail view (Enter): everything about the selected row. Sessions add the locks they
//! hold and wait for; statements every counter of their extension version, with role and
//! database by name; indexes their definition (the three read once when the view opens).
//! Query texts keep their line breaks; everything wraps to the popup and scrolls (j/k,
//! PgUp/PgDn, g/G).
//!
//! ```text
//! ┌ session 4242 ────────────────────────────────────────────────────────────┐
//! │user app   db app   app learning-api   client 10.0.0.7                    │
//! │Locks when the view opened: 2 held, waits for 1                           │
//! │  waits  ShareLock          transaction 748 · since 10:00:01              │
//! │  held   RowExclusiveLock   public.learning_sessions                      │
//! │Query (exact text)                                                        │
//! │UPDATE learning_sessions                                                  │
//! │   SET completed = true -- from the app                                   │
//! │ WHERE user_id = $1                                                       │
//! └ Esc back · j/k scroll · y copy ───────────────────────────── 1–20 of 42 ─┘
//! ```

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use crate::text::sanitize::sanitized;
use crate::tui::app::App;
use crate::tui::app::table::RowId;
use crate::tui::theme::Role;

mod lines;
mod rows;
mod session;
mod statement;

/// The view takes the whole body: on a small terminal every line counts.
fn area(body: Rect) -> Rect {
    body
}

/// The view's title and its lines, wrapped to `width` columns.
fn content(app: &App, width: usize) -> (String, Vec<Line<'static>>) {
    let theme = &app.theme;
    let (title, lines) = match selected(app) {
        Some(RowId::Pid(pid)) => session::detail(app, pid, width),
        Some(RowId::Statement(key)) => statement::detail(app, key, width),
        Some(RowId::QueryHash(hash)) => (
            format!(" query_hash {} ", sanitized(&hash)),
            rows::latency_detail(app, &hash, theme),
        ),
        Some(id @ (RowId::Relation(_) | RowId::Name(_))) => rows::row_detail(app, &id),
        None => (" detail ".into(), vec![Line::from("nothing selected")]),
    };
    let wrapped = lines
        .iter()
        .flat_map(|line| super::text::wrap_line(line, width))
        .collect();
    (title, wrapped)
}

/// How far the view can scroll and how many lines a page has.
pub(super) fn scroll_limit(app: &App, body: Rect) -> (u16, u16) {
    let area = area(body);
    let page = area.height.saturating_sub(2);
    let (_, lines) = content(app, usize::from(area.width.saturating_sub(2)));
    let total = u16::try_from(lines.len()).unwrap_or(u16::MAX);
    (total.saturating_sub(page), page)
}

pub fn render(app: &App, frame: &mut Frame, body: Rect) {
    let theme = &app.theme;
    super::overlay::cover(frame, body);
    let area = area(body);
    let page = usize::from(area.height.saturating_sub(2));
    let (title, lines) = content(app, usize::from(area.width.saturating_sub(2)));
    let (limit, _) = scroll_limit(app, body);
    let scroll = app.overlay_scroll.min(limit);
    let hint = super::overlay::hints(&app.keymap, lines.len() > page, Some("copy"));
    let mut block = Block::bordered()
        .border_style(theme.style(Role::BorderFocused))
        .title(Span::styled(
            super::text::fit(&title, usize::from(area.width.saturating_sub(2))),
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

fn selected(app: &App) -> Option<RowId> {
    app.tables
        .state(app.focused_table_id()?)
        .selected_id
        .clone()
}
