//! The one gate every server-supplied string passes before it is shown.
//!
//! Query text, relation and role names, error messages and notices can contain ESC, BEL,
//! C1 controls and bidi overrides; written raw, they can move the cursor, set the window
//! title or the clipboard (OSC 0/52), or make text read backwards. ratatui drops some
//! controls on its normal text path but still counts them in widths, so columns drift.
//! Everything is cleaned here, once, at the data boundary, before any width math.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Returns display-safe text: tabs, newlines and carriage returns become single spaces;
/// other C0/C1 controls, DEL and bidi/invisible formatting characters become visible
/// escapes such as `\x1b` or `\u{202e}`. Safe text is returned without copying.
pub fn sanitize(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\t' | '\n' | '\r' => out.push(' '),
            c if needs_escape(c) => push_escape(&mut out, c),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Display-safe text that keeps its line structure: newlines and tabs stay (a `--` comment
/// must not swallow the next line of a statement in the detail view or on the clipboard),
/// `\r\n` and a lone `\r` become `\n`; every other control and bidi/invisible formatting
/// character becomes a visible escape exactly as in [`sanitize`].
pub fn sanitize_multiline(text: &str) -> Cow<'_, str> {
    let keeps = |c: char| c == '\n' || c == '\t';
    if !text.chars().any(|c| needs_escape(c) && !keeps(c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push('\n');
            }
            c if keeps(c) => out.push(c),
            c if needs_escape(c) => push_escape(&mut out, c),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

fn push_escape(out: &mut String, c: char) {
    let code = u32::from(c);
    // Writing into a String cannot fail.
    let _ = if code <= 0xff {
        write!(out, "\\x{code:02x}")
    } else {
        write!(out, "\\u{{{code:04x}}}")
    };
}

/// Like [`sanitize`] but returns an owned `String`, for storing in snapshots.
pub fn sanitized(text: &str) -> String {
    sanitize(text).into_owned()
}

fn needs_escape(c: char) -> bool {
    c.is_control() || is_bidi_or_invisible_format(c)
}

/// Bidi embeddings/overrides/isolates, marks, and zero-width characters that can hide
/// or reorder text (Trojan Source, CVE-2021-42574).
fn is_bidi_or_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{061c}'
            | '\u{200b}'..='\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{feff}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multiline_keeps_lines_and_tabs_and_escapes_the_rest() {
        let cases: &[(&str, &str)] = &[
            ("select 1", "select 1"),
            ("select 1 -- why\nfrom t", "select 1 -- why\nfrom t"),
            ("a\tb\r\nc\rd", "a\tb\nc\nd"),
            ("\x1b]52;c;SGVsbG8=\x07\n", "\\x1b]52;c;SGVsbG8=\\x07\n"),
            ("x\u{9b}31m", "x\\x9b31m"),
            ("abc\u{202e}fed", "abc\\u{202e}fed"),
            ("übersicht_日本語", "übersicht_日本語"),
        ];
        for (input, expected) in cases {
            assert_eq!(sanitize_multiline(input), *expected, "input {input:?}");
        }
    }

    #[test]
    fn cleans_every_dangerous_class() {
        let cases: &[(&str, &str)] = &[
            ("select 1", "select 1"),
            ("a\tb\nc\r\nd", "a b c  d"),
            ("\x1b]52;c;SGVsbG8=\x07", "\\x1b]52;c;SGVsbG8=\\x07"),
            ("\x1b[2J", "\\x1b[2J"),
            ("x\u{9b}31m", "x\\x9b31m"),
            ("del\x7f", "del\\x7f"),
            ("abc\u{202e}fed", "abc\\u{202e}fed"),
            ("zero\u{200b}width", "zero\\u{200b}width"),
            ("übersicht_日本語", "übersicht_日本語"),
            ("nul\0byte", "nul\\x00byte"),
        ];
        for (input, expected) in cases {
            assert_eq!(sanitize(input), *expected, "input {input:?}");
        }
    }

    #[test]
    fn output_never_contains_a_control_character() {
        // Every code point in the ranges that matter, one at a time and mixed.
        let all: String = (0u32..0x3000).filter_map(char::from_u32).collect();
        let clean = sanitize(&all);
        assert!(!clean.chars().any(needs_escape), "{clean:?}");
    }

    #[test]
    fn safe_text_is_not_copied() {
        assert!(matches!(sanitize("plain"), Cow::Borrowed(_)));
    }
}
