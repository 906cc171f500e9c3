//! Recognises pgpulse's own statements among `pg_stat_statements` texts, on every major.
//!
//! A stored text is the statement as first seen, *normalized*: constants become `$n`
//! (keywords parsed as constants too: `NULL`, `true`, `extract(epoch ...)`), PostgreSQL
//! 18 squashes a list of constants into `$n /*, ... */` and, above all, stores the text
//! without the leading comment, so the header comment of a `queries/` file cannot mark
//! it there. The statement's shape survives every version, though: both texts are cut
//! into tokens without comments, and a stored `$n` may stand for any constant-like token
//! of ours (or a run of them in a squashed list). Matching tokens, not characters, also
//! makes whitespace and the sanitizer's newline handling irrelevant.

use std::sync::OnceLock;

/// One lexical token; comments and whitespace are dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    /// An identifier or keyword, lower-cased (quoted identifiers keep their case).
    Word(String),
    /// A string, number or `$n` parameter: anything normalization may turn into `$n`.
    Value,
    /// Punctuation or an operator (`(`, `,`, `::`, `>=`, ...).
    Symbol(String),
}

/// Whether `text` (a `pg_stat_statements` text, sanitized or not) is one of the statements
/// in [`crate::pg::queries::ALL`].
pub fn is_own_statement(text: &str) -> bool {
    let stored = tokens(text);
    let Some(first) = stored.first() else {
        return false;
    };
    registry().iter().any(|ours| {
        // Cheap filters first: the same first token, and a plausible length (a squashed
        // list only makes the stored text shorter).
        ours.first() == Some(first) && stored.len() <= ours.len() && matches(&stored, ours)
    })
}

/// Whether `text` (a `pg_stat_statements` text) is one of `statements` (SQL as written in
/// `queries/`), by the same token match: what a check of "which of ours ran" needs on
/// every major, 18's comment-less texts included.
pub fn is_one_of(text: &str, statements: &[&str]) -> bool {
    let stored = tokens(text);
    !stored.is_empty()
        && statements.iter().any(|sql| {
            let ours = tokens(sql);
            stored.len() <= ours.len() && matches(&stored, &ours)
        })
}

/// The registry's statements, cut into tokens once.
fn registry() -> &'static [Vec<Token>] {
    static REGISTRY: OnceLock<Vec<Vec<Token>>> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        crate::pg::queries::ALL
            .iter()
            .map(|(_, sql)| tokens(sql))
            .collect()
    })
}

/// Whether the stored (normalized) tokens are our statement's.
fn matches(stored: &[Token], ours: &[Token]) -> bool {
    let (mut i, mut j) = (0, 0);
    while i < stored.len() {
        let Some(mine) = ours.get(j) else {
            return false;
        };
        if stored[i] != Token::Value {
            if stored[i] != *mine {
                return false;
            }
            i += 1;
            j += 1;
            continue;
        }
        // A constant of ours the server normalized: `-1` (the sign is part of it), a
        // keyword-constant, or a literal.
        j += match (mine, ours.get(j + 1)) {
            (Token::Symbol(minus), Some(Token::Value)) if minus == "-" => 2,
            (Token::Word(_) | Token::Value, _) => 1,
            _ => return false,
        };
        // PostgreSQL 18 squashes `IN ('r', 'm')` / `ARRAY[1, 2]` into one `$n`.
        let list_ends = matches!(stored.get(i + 1), Some(Token::Symbol(s)) if s == ")" || s == "]");
        if list_ends {
            while matches!(ours.get(j), Some(Token::Symbol(s)) if s == ",")
                && matches!(ours.get(j + 1), Some(Token::Value | Token::Word(_)))
            {
                j += 2;
            }
        }
        i += 1;
    }
    j == ours.len()
}

/// Characters that make up operators (`::` and `--`/`/*` are handled before).
const OPERATOR: &str = "+-*/<>=~!@#%^&|`?";

/// Cuts SQL into tokens, leaving out comments (`--`, nested `/* */`) and whitespace.
fn tokens(sql: &str) -> Vec<Token> {
    let chars: Vec<char> = sql.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let next = chars.get(i + 1).copied();
        if c.is_whitespace() {
            i += 1;
        } else if c == '-' && next == Some('-') {
            while chars.get(i).is_some_and(|&c| c != '\n') {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            i = skip_block_comment(&chars, i);
        } else if c == '\'' {
            i = skip_quoted(&chars, i, '\'');
            out.push(Token::Value);
        } else if c == '"' {
            let end = skip_quoted(&chars, i, '"');
            out.push(Token::Word(chars[i..end].iter().collect()));
            i = end;
        } else if c == '$' && next.is_some_and(|n| n.is_ascii_digit()) {
            i += 1;
            while chars.get(i).is_some_and(char::is_ascii_digit) {
                i += 1;
            }
            out.push(Token::Value);
        } else if c.is_ascii_digit() || (c == '.' && next.is_some_and(|n| n.is_ascii_digit())) {
            i = skip_number(&chars, i);
            out.push(Token::Value);
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while chars
                .get(i)
                .is_some_and(|&c| c.is_alphanumeric() || c == '_' || c == '$')
            {
                i += 1;
            }
            // E'...', B'...', X'...', U&'...': a prefixed string is one constant.
            if chars.get(i) == Some(&'\'') && i - start == 1 {
                i = skip_quoted(&chars, i, '\'');
                out.push(Token::Value);
            } else {
                let word: String = chars[start..i].iter().collect();
                out.push(Token::Word(word.to_lowercase()));
            }
        } else if c == ':' && next == Some(':') {
            out.push(Token::Symbol("::".into()));
            i += 2;
        } else if OPERATOR.contains(c) {
            let start = i;
            while chars.get(i).is_some_and(|&c| OPERATOR.contains(c)) && !starts_comment(&chars, i)
            {
                i += 1;
            }
            // A comment right after an operator character: take that character alone.
            i = i.max(start + 1);
            out.push(Token::Symbol(chars[start..i].iter().collect()));
        } else {
            out.push(Token::Symbol(c.to_string()));
            i += 1;
        }
    }
    out
}

fn starts_comment(chars: &[char], i: usize) -> bool {
    matches!(
        (chars.get(i), chars.get(i + 1)),
        (Some('-'), Some('-')) | (Some('/'), Some('*'))
    )
}

/// Past a (nested) block comment starting at `i`; the end of the text if unterminated.
fn skip_block_comment(chars: &[char], mut i: usize) -> usize {
    let mut depth = 0usize;
    while i < chars.len() {
        match (chars[i], chars.get(i + 1)) {
            ('/', Some('*')) => {
                depth += 1;
                i += 2;
            }
            ('*', Some('/')) => {
                depth -= 1;
                i += 2;
                if depth == 0 {
                    return i;
                }
            }
            _ => i += 1,
        }
    }
    i
}

/// Past a quoted string or identifier starting at `i` (a doubled quote is part of it).
fn skip_quoted(chars: &[char], mut i: usize, quote: char) -> usize {
    i += 1;
    while i < chars.len() {
        if chars[i] == quote {
            if chars.get(i + 1) == Some(&quote) {
                i += 2;
                continue;
            }
            return i + 1;
        }
        i += 1;
    }
    i
}

fn skip_number(chars: &[char], mut i: usize) -> usize {
    while let Some(&c) = chars.get(i) {
        let exponent_sign = (c == '+' || c == '-') && matches!(chars.get(i - 1), Some('e' | 'E'));
        if c.is_ascii_alphanumeric() || c == '.' || c == '_' || exponent_sign {
            i += 1;
        } else {
            break;
        }
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pg::queries;

    #[test]
    fn own_statements_are_recognised_by_their_header() {
        assert!(is_own_statement(queries::ACTIVITY_SQL));
        // Texts are kept with their line breaks, so a `--` line ends where it should.
        let sanitized = crate::text::sanitize::sanitize_multiline(queries::STATEMENTS_1_9_SQL);
        assert!(is_own_statement(&sanitized));
        assert!(!is_own_statement("SELECT 1"));
        assert!(!is_own_statement(
            "-- an application's own comment\nSELECT 1"
        ));
    }

    /// What PostgreSQL 18 stored for one of pgpulse's statements (copied from a server):
    /// no header comment, constants numbered, `IN ('r', 'm')` squashed, `epoch` and NULL
    /// turned into parameters.
    const STORED_18_SERVER_STATE: &str = "SELECT\n    now()                                                            AS now,\n    pg_postmaster_start_time()                                       AS postmaster_start_time,\n    pg_is_in_recovery()                                              AS in_recovery,\n    current_setting($1)::int                          AS max_connections,\n    current_setting($2)::int           AS superuser_reserved_connections,\n    coalesce(current_setting($3, $4)::int, $5)  AS reserved_connections";

    #[test]
    fn a_stored_text_is_told_apart_among_a_few_statements() {
        let body: String = queries::SERVER_STATE_SQL
            .lines()
            .filter(|l| !l.starts_with("--"))
            .collect::<Vec<_>>()
            .join("\n");
        let fast = [queries::SERVER_STATE_SQL, queries::DATABASE_COUNTERS_SQL];
        assert!(is_one_of(&body, &fast), "{body}");
        assert!(!is_one_of(&body, &[queries::CACHE_TABLES_SQL]));
        assert!(!is_one_of("", &fast));
    }

    #[test]
    fn statements_stored_without_their_header_comment_are_recognised() {
        let body: String = queries::CACHE_TABLES_SQL
            .lines()
            .filter(|l| !l.starts_with("--"))
            .collect::<Vec<_>>()
            .join("\n")
            .replace("IN ('r', 'm')", "IN ($1 /*, ... */)")
            .replace(
                "NOT IN ('pg_catalog', 'information_schema')",
                "NOT IN ($2 /*, ... */)",
            )
            .replace("'^pg_toast'", "$3")
            .replace("LIMIT 500", "LIMIT $4")
            .replace("THEN NULL", "THEN $8")
            .replace("< 0", "< $7");
        assert!(is_own_statement(&body), "{body}");
        let activity = queries::ACTIVITY_SQL
            .replace("extract(epoch", "extract($5")
            .replace("'{}'::int[]", "$12::int[]")
            .replace("= -1", "= $2");
        assert!(is_own_statement(&activity));
        // Versions that keep the comment, and texts as the text cache keeps them.
        assert!(is_own_statement(queries::ACTIVITY_SQL));
        assert!(is_own_statement(
            &crate::text::sanitize::sanitize_multiline(queries::STATEMENTS_1_9_SQL)
        ));
    }

    #[test]
    fn other_statements_are_not_ours() {
        for text in [
            "SELECT 1",
            "-- an application's own comment\nSELECT 1",
            "",
            // The shape of one of ours with another table: not ours.
            &STORED_18_SERVER_STATE.replace("pg_is_in_recovery", "my_function"),
            // A prefix of ours is not ours either.
            "SELECT\n    now() AS now, pg_postmaster_start_time() AS postmaster_start_time",
            "SELECT * FROM users WHERE id = $1",
        ] {
            assert!(!is_own_statement(text), "{text}");
        }
        let longer = format!("{STORED_18_SERVER_STATE} FROM pg_class");
        assert!(!is_own_statement(&longer));
    }

    #[test]
    fn comments_and_literals_do_not_change_the_shape() {
        let a = tokens("SELECT /* x /* nested */ y */ 'it''s', -1.5e-3, E'\\n' -- end\n FROM t");
        let b = tokens("select $1, $2, $3 from T");
        assert_eq!(a.len(), b.len() + 1, "{a:?}");
        assert!(matches(&b, &a));
        assert_eq!(tokens("a::int>=b"), tokens("a :: int >= b"));
    }

    #[test]
    fn every_registry_statement_matches_itself() {
        for (name, sql) in queries::ALL {
            assert!(is_own_statement(sql), "{name}");
        }
    }

    #[test]
    fn the_stored_18_text_is_recognised() {
        assert!(is_own_statement(STORED_18_SERVER_STATE));
    }
}
