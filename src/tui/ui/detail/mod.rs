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

use crate::monitor::collector::DetailData;
use crate::text::sanitize::{sanitize_multiline, sanitized};
use crate::tui::app::App;
use crate::tui::app::table::RowId;
use crate::tui::theme::{Role, Theme};

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
    super::cover(frame, body);
    let area = area(body);
    let page = usize::from(area.height.saturating_sub(2));
    let (title, lines) = content(app, usize::from(area.width.saturating_sub(2)));
    let (limit, _) = scroll_limit(app, body);
    let scroll = app.overlay_scroll.min(limit);
    let mut hints = vec!["Esc back".to_string()];
    if lines.len() > page {
        hints.push("j/k scroll".into());
    }
    hints.push("y copy".into());
    let hint = format!(" {} ", hints.join(" · "));
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

/// A `name value` pair; pairs on one line wrap between pairs, not inside them (no-break
/// spaces hold a pair together; they are drawn as spaces).
pub(super) fn field(theme: &Theme, name: &str, value: String) -> Vec<Span<'static>> {
    vec![
        Span::styled(format!("{name}\u{a0}"), theme.style(Role::Muted)),
        Span::styled(value.replace(' ', "\u{a0}"), theme.style(Role::Text)),
        Span::raw("   "),
    ]
}

pub(super) fn heading(theme: &Theme, text: String) -> Line<'static> {
    Line::from(Span::styled(text, theme.style(Role::Header)))
}

/// What the poller answered for the open view, if it is about this row.
pub(super) fn fetched(app: &App) -> Option<&Result<DetailData, String>> {
    app.detail.as_ref()?.answer.as_ref()
}

/// The text under a `Query` heading: as sent when it has line breaks of its own; laid out
/// by a formatter (whitespace only) when it is one line too long for the view.
pub(super) fn query_lines(
    theme: &Theme,
    text: &str,
    note: &str,
    width: usize,
) -> Vec<Line<'static>> {
    let one_long_line = !text.contains('\n') && super::text::width(text) > width;
    let (label, shown) = if one_long_line {
        (
            "Query (laid out for reading; y copies it as sent)",
            laid_out(text),
        )
    } else {
        ("Query (exact text)", text.to_string())
    };
    let mut lines = vec![heading(theme, format!("{label}{note}"))];
    // A line too long for the view goes on after `↪ `, so a wrap never reads as a line
    // break of the text.
    for source in shown.lines() {
        let fits = super::text::width(source) <= width && !source.contains('\t');
        let source = Line::from(Span::styled(source.to_string(), theme.style(Role::Text)));
        if fits {
            lines.push(source);
            continue;
        }
        let pieces = super::text::wrap_line(&source, width.saturating_sub(2).max(10));
        for (index, piece) in pieces.into_iter().enumerate() {
            if index == 0 {
                lines.push(piece);
            } else {
                let mut spans = vec![Span::styled("↪ ", theme.style(Role::Muted))];
                spans.extend(piece.spans);
                lines.push(Line::from(spans));
            }
        }
    }
    lines
}

/// One long line of SQL over several: sqlformat changes only whitespace here (keywords
/// keep their case). Its input is already display-safe, and its output is sanitized again
/// (keeping line breaks) all the same.
fn laid_out(text: &str) -> String {
    let options = sqlformat::FormatOptions {
        indent: sqlformat::Indent::Spaces(2),
        uppercase: None,
        ..sqlformat::FormatOptions::default()
    };
    let pretty = sqlformat::format(text, &sqlformat::QueryParams::None, &options);
    sanitize_multiline(&pretty).into_owned()
}
