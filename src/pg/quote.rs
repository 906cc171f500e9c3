//! SQL quoting done on the client, for text pgpulse shows or sends.

/// Quotes an identifier the way `quote_ident` would when quoting is needed; here it is
/// always quoted, which is always correct: `has"quote` → `"has""quote"`. Never split a
/// qualified name on `.`: quote each part separately.
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Quotes a string literal (`'` doubled). Standard-conforming strings are on by default
/// since PostgreSQL 9.1, so backslashes need no escaping.
pub fn quote_literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers() {
        let cases = [
            ("MixedCase", "\"MixedCase\""),
            ("a.b", "\"a.b\""),
            ("has\"quote", "\"has\"\"quote\""),
            ("select", "\"select\""),
            ("übersicht_日本語", "\"übersicht_日本語\""),
        ];
        for (input, expected) in cases {
            assert_eq!(quote_ident(input), expected);
        }
    }

    #[test]
    fn literals() {
        assert_eq!(quote_literal("it's"), "'it''s'");
        assert_eq!(
            quote_literal("a,pg_stat_statements"),
            "'a,pg_stat_statements'"
        );
    }
}
