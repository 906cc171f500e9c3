//! What every detail is made of: `name value` fields, headings, what the poller answered
//! for the open view, and a query's text laid out for reading.

use ratatui::text::{Line, Span};

use crate::monitor::collector::DetailData;
use crate::text::sanitize::sanitize_multiline;
use crate::tui::app::App;
use crate::tui::theme::{Role, Theme};

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
    app.detail()?.answer.as_ref()
}

/// The text under a `Query` heading: as sent when it has line breaks of its own; laid out
/// by a formatter (whitespace only) when it is one line too long for the view.
pub(super) fn query_lines(
    theme: &Theme,
    text: &str,
    note: &str,
    width: usize,
) -> Vec<Line<'static>> {
    let one_long_line = !text.contains('\n') && crate::tui::fit::width(text) > width;
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
        let fits = crate::tui::fit::width(source) <= width && !source.contains('\t');
        let source = Line::from(Span::styled(source.to_string(), theme.style(Role::Text)));
        if fits {
            lines.push(source);
            continue;
        }
        let pieces = crate::tui::fit::wrap_line(&source, width.saturating_sub(2).max(10));
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
