//! Fitting text into a number of terminal columns: display widths (a wide character
//! takes two columns), cutting with a visible `…`, and wrapping on word boundaries. Every
//! piece of text that may not fit goes through here, so nothing is cut silently or in the
//! middle of a word where a word boundary would do.

use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// How many terminal columns `text` takes.
pub fn width(text: &str) -> usize {
    text.width()
}

/// `text` if it fits in `columns`, else its start and `…` (a cut is always visible).
pub fn fit(text: &str, columns: usize) -> String {
    if width(text) <= columns {
        return text.to_string();
    }
    if columns == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > columns - 1 {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// The longest start of `text` that fits in `columns` and ends at a word boundary, with
/// `…` after it when something was left out; `None` when not even the first word fits.
pub fn fit_words(text: &str, columns: usize) -> Option<String> {
    if width(text) <= columns {
        return Some(text.to_string());
    }
    let mut best = None;
    for (index, c) in text.char_indices() {
        if c == ' ' {
            let head = text[..index].trim_end();
            if !head.is_empty() && width(head) < columns {
                best = Some(format!("{head}…"));
            } else {
                break;
            }
        }
    }
    best
}

/// Lines of at most `columns` columns, broken at spaces; a word longer than a line is
/// split where it must be (a query without spaces still shows whole, over several lines).
/// Leading spaces of the text are kept, so an indented line stays indented.
pub fn wrap(text: &str, columns: usize) -> Vec<String> {
    let columns = columns.max(1);
    if width(text) <= columns {
        return vec![text.to_string()];
    }
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut line_width = 0;
    for word in split_keeping_spaces(text) {
        let word_width = width(word);
        if line_width + word_width > columns && line_width > 0 {
            lines.push(std::mem::take(&mut line).trim_end().to_string());
            line_width = 0;
            if word.trim().is_empty() {
                continue; // the space at a break is the break
            }
        }
        if word_width > columns {
            for c in word.chars() {
                let w = c.width().unwrap_or(0);
                if line_width + w > columns {
                    lines.push(std::mem::take(&mut line));
                    line_width = 0;
                }
                line.push(c);
                line_width += w;
            }
        } else {
            line.push_str(word);
            line_width += word_width;
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// A title of ` · `-separated parts in `columns`: whole parts are left out from the end
/// first (`Actions journal · 2 not ok · f: next panel` loses its hint before its count),
/// then words, then characters with `…`.
pub fn fit_title(title: &str, columns: usize) -> String {
    if width(title) <= columns {
        return title.to_string();
    }
    let parts: Vec<&str> = title.split(" · ").collect();
    for keep in (1..parts.len()).rev() {
        let shorter = parts[..keep].join(" · ");
        if width(&shorter) <= columns {
            return shorter;
        }
    }
    let first = parts.first().copied().unwrap_or(title);
    fit_words(first, columns).unwrap_or_else(|| fit(first, columns))
}

/// A styled line cut to `columns` with `…` at the end when it is wider (each span keeps
/// its style): for one-line panels whose last part is free text (a query, an error).
pub fn fit_line(line: Line<'static>, columns: usize) -> Line<'static> {
    if line.width() <= columns {
        return line;
    }
    let mut left = columns;
    let mut spans = Vec::new();
    for span in line.spans {
        let span_width = width(&span.content);
        if span_width < left {
            left -= span_width;
            spans.push(span);
            continue;
        }
        // The line goes on after this span: it ends here, with `…` in its last column
        // (mid-word if need be: in a query or an error, more text says more).
        let mut cut = String::new();
        let mut used = 0;
        for c in span.content.chars() {
            let w = c.width().unwrap_or(0);
            if used + w + 1 > left {
                break;
            }
            cut.push(c);
            used += w;
        }
        if left > 0 {
            cut.push('…');
        }
        spans.push(Span::styled(cut, span.style));
        break;
    }
    Line::from(spans).style(line.style)
}

/// A styled line wrapped like [`wrap`]: each piece keeps its span's style. Tabs become
/// spaces to the next multiple of four columns first (ratatui would drop them); a no-break
/// space (U+00A0) holds two words together and is drawn as a space.
pub fn wrap_line(line: &Line<'static>, columns: usize) -> Vec<Line<'static>> {
    let columns = columns.max(1);
    // Words (and runs of spaces) as styled pieces: a word may span several spans (a
    // field's name and value are one word when no space separates them).
    let mut words: Vec<Vec<(String, Style)>> = Vec::new();
    let mut column = 0;
    let mut last_was_space = true;
    for span in &line.spans {
        let expanded = expand_tabs(&span.content, &mut column);
        for piece in split_keeping_spaces(&expanded) {
            let space = piece.starts_with(' ');
            match words.last_mut() {
                Some(word) if !space && !last_was_space => {
                    word.push((piece.to_string(), span.style));
                }
                _ => words.push(vec![(piece.to_string(), span.style)]),
            }
            last_was_space = space;
        }
    }
    let mut lines = Vec::new();
    let mut current: Vec<Span<'static>> = Vec::new();
    let mut used = 0;
    for word in words {
        let word_width: usize = word.iter().map(|(piece, _)| width(piece)).sum();
        let blank = word.iter().all(|(piece, _)| piece.trim().is_empty());
        if used + word_width > columns && used > 0 {
            lines.push(finish(&mut current, line.style));
            used = 0;
            if blank {
                continue; // the space at a break is the break
            }
        }
        for (piece, style) in word {
            let piece_width = width(&piece);
            if used + piece_width <= columns {
                used += piece_width;
                current.push(Span::styled(piece, style));
                continue;
            }
            // Longer than a line: split where it must be.
            for c in piece.chars() {
                let w = c.width().unwrap_or(0);
                if used + w > columns && used > 0 {
                    lines.push(finish(&mut current, line.style));
                    used = 0;
                }
                match current.last_mut() {
                    Some(last) if last.style == style && used > 0 => {
                        last.content.to_mut().push(c);
                    }
                    _ => current.push(Span::styled(c.to_string(), style)),
                }
                used += w;
            }
        }
    }
    if !current.is_empty() || lines.is_empty() {
        lines.push(finish(&mut current, line.style));
    }
    for line in &mut lines {
        for span in &mut line.spans {
            if span.content.contains('\u{a0}') {
                span.content = span.content.replace('\u{a0}', " ").into();
            }
        }
    }
    lines
}

/// The spans of one wrapped line, without the spaces it ended on.
fn finish(current: &mut Vec<Span<'static>>, style: Style) -> Line<'static> {
    while current.last().is_some_and(|s| s.content.trim().is_empty()) {
        current.pop();
    }
    Line::from(std::mem::take(current)).style(style)
}

/// `text` with each tab replaced by spaces up to the next multiple of four columns;
/// `column` is where the text starts and is advanced past it.
fn expand_tabs(text: &str, column: &mut usize) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c == '\t' {
            let spaces = 4 - *column % 4;
            out.extend(std::iter::repeat_n(' ', spaces));
            *column += spaces;
        } else {
            out.push(c);
            *column += c.width().unwrap_or(0);
        }
    }
    out
}

/// Words and the runs of spaces between them, in order.
fn split_keeping_spaces(text: &str) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut in_space = None;
    for (index, c) in text.char_indices() {
        let space = c == ' ';
        if in_space.is_some_and(|was| was != space) {
            pieces.push(&text[start..index]);
            start = index;
        }
        in_space = Some(space);
    }
    if start < text.len() {
        pieces.push(&text[start..]);
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_cuts_visibly_and_counts_wide_characters() {
        assert_eq!(fit("public.learning_events", 30), "public.learning_events");
        assert_eq!(fit("public.learning_events", 12), "public.lear…");
        assert_eq!(fit("日本語の表", 6), "日本…");
        assert_eq!(fit("abc", 0), "");
    }

    #[test]
    fn fit_line_cuts_the_last_span_that_does_not_fit() {
        let line = Line::from(vec![Span::raw("CRIT "), Span::raw("no answer within 3s")]);
        assert_eq!(
            fit_line(line.clone(), 40).to_string(),
            "CRIT no answer within 3s"
        );
        assert_eq!(fit_line(line.clone(), 12).to_string(), "CRIT no ans…");
        assert_eq!(fit_line(line, 5).to_string(), "CRIT…");
    }

    #[test]
    fn titles_lose_whole_parts_first() {
        let title = "Actions journal · 2 not ok · f: next panel";
        assert_eq!(fit_title(title, 60), title);
        assert_eq!(fit_title(title, 30), "Actions journal · 2 not ok");
        assert_eq!(fit_title(title, 16), "Actions journal");
        assert_eq!(fit_title(title, 12), "Actions…");
    }

    #[test]
    fn fit_words_stops_at_a_word_boundary() {
        assert_eq!(
            fit_words("polled 5s ago", 13).as_deref(),
            Some("polled 5s ago")
        );
        assert_eq!(
            fit_words("polled 5s ago", 11).as_deref(),
            Some("polled 5s…")
        );
        assert_eq!(fit_words("polled 5s ago", 8).as_deref(), Some("polled…"));
        assert_eq!(fit_words("polled 5s ago", 6), None);
    }

    #[test]
    fn styled_lines_wrap_by_word_and_keep_styles_and_tabs() {
        let bold = Style::default().add_modifier(ratatui::style::Modifier::BOLD);
        let line = Line::from(vec![
            Span::styled("user ", bold),
            Span::raw("app   db learning_assistant"),
        ]);
        let lines = wrap_line(&line, 12);
        let texts: Vec<String> = lines.iter().map(ToString::to_string).collect();
        assert_eq!(texts, ["user app", "db", "learning_ass", "istant"]);
        assert_eq!(lines[0].spans[0].style, bold);
        let tabbed = wrap_line(&Line::from("\tSELECT\t1"), 40);
        assert_eq!(tabbed[0].to_string(), "    SELECT  1");
        // A name and its value in two spans stay together.
        let fields = Line::from(vec![
            Span::styled("app\u{a0}", bold),
            Span::raw("pla-jobs"),
            Span::raw("   "),
            Span::styled("client\u{a0}", bold),
            Span::raw("127.0.0.1"),
        ]);
        let texts: Vec<String> = wrap_line(&fields, 20)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(texts, ["app pla-jobs", "client 127.0.0.1"]);
    }

    #[test]
    fn wrap_breaks_at_spaces_and_splits_only_overlong_words() {
        assert_eq!(
            wrap("SELECT a, b FROM learning_sessions", 12),
            ["SELECT a, b", "FROM", "learning_ses", "sions"]
        );
        assert_eq!(wrap("  indented text", 40), ["  indented text"]);
        assert_eq!(wrap("", 10), [""]);
        assert!(wrap("a b c d e f", 3).iter().all(|l| width(l) <= 3));
    }
}
