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

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::drawn::OverlayScroll;
use crate::text::sanitize::sanitized;
use crate::tui::app::App;
use crate::tui::screens::table::RowId;
use crate::tui::theme::Role;

mod lines;
mod rows;
mod session;
mod statement;

/// The view's title and its lines, wrapped to `width` columns.
fn content(app: &App, width: usize) -> (String, Vec<Line<'static>>) {
    let theme = app.theme();
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
        .flat_map(|line| crate::tui::fit::wrap_line(line, width))
        .collect();
    (title, wrapped)
}

/// A read-only text overlay (the detail view, the message log, an EXPLAIN plan): a box
/// with a title, lines from `first` on, and its keys on the bottom border.
#[derive(Debug, Clone, PartialEq)]
pub struct TextOverlay {
    pub area: Rect,
    pub title: Line<'static>,
    /// ` Esc back · j/k scroll · y copy `, from the keymap.
    pub hint: String,
    /// `21–40 of 124` when it scrolls.
    pub position: Option<String>,
    /// Every line, already wrapped to the box.
    pub lines: Vec<Line<'static>>,
    pub scroll: OverlayScroll,
}

impl TextOverlay {
    /// `lines` in a box over the whole `body` (on a small terminal every line counts),
    /// scrolled to `wanted` at most as far as the last page.
    pub fn over(
        app: &App,
        body: Rect,
        title: &str,
        lines: Vec<Line<'static>>,
        wanted: u16,
        copies: Option<&str>,
    ) -> Self {
        let page = body.height.saturating_sub(2);
        let total = u16::try_from(lines.len()).unwrap_or(u16::MAX);
        let limit = total.saturating_sub(page);
        let first = wanted.min(limit);
        Self {
            area: body,
            title: Line::from(Span::styled(
                crate::tui::fit::fit(title, usize::from(body.width.saturating_sub(2))),
                app.theme().style(Role::Title),
            )),
            hint: super::overlay::hints(app.keymap(), lines.len() > usize::from(page), copies),
            position: super::table::position(usize::from(first), usize::from(page), lines.len()),
            lines,
            scroll: OverlayScroll { first, limit, page },
        }
    }
}

/// The detail view of the selected row over `body`.
pub fn view(app: &App, body: Rect) -> TextOverlay {
    let (title, lines) = content(app, usize::from(body.width.saturating_sub(2)));
    TextOverlay::over(app, body, &title, lines, app.overlay_scroll(), Some("copy"))
}

fn selected(app: &App) -> Option<RowId> {
    app.screens()
        .table(app.focused_table_id()?)
        .selected_id
        .clone()
}
