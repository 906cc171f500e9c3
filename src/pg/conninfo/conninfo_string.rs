//! The `key=value` connection string, parsed the way libpq's `conninfo_parse` does.
//!
//! Pairs are separated by whitespace, and whitespace around `=` is allowed. A value
//! is either single-quoted (where `\'` and `\\` escape) or runs to the next
//! whitespace (where `\` escapes the next character). libpq quirks are kept on
//! purpose: a quoted value needs no whitespace after it (`a='x'b=y`), and after
//! `key=` blanks are skipped, so `host= port=1` sets host to `port=1`.

use super::ConnInfoError;
use super::keywords;

/// Characters C's `isspace` accepts (Rust's ASCII whitespace lacks vertical tab).
fn is_space(c: char) -> bool {
    c.is_ascii_whitespace() || c == '\x0b'
}

type Chars<'a> = std::iter::Peekable<std::str::Chars<'a>>;

/// Splits a connection string into `(keyword, value)` pairs in order of appearance.
///
/// A later duplicate overrides an earlier one when the caller collects the pairs.
pub(crate) fn parse(text: &str) -> Result<Vec<(&'static str, String)>, ConnInfoError> {
    let mut chars = text.chars().peekable();
    let mut pairs = Vec::new();
    // A stray word right after a secret is very likely the rest of an unquoted
    // password with a space in it, so it must not be echoed in the error.
    let mut after_secret = false;
    loop {
        skip_spaces(&mut chars);
        if chars.peek().is_none() {
            return Ok(pairs);
        }
        let mut name = String::new();
        while let Some(c) = chars.next_if(|c| *c != '=' && !is_space(*c)) {
            name.push(c);
        }
        skip_spaces(&mut chars);
        if chars.next_if_eq(&'=').is_none() {
            return Err(ConnInfoError::Syntax(if after_secret {
                "missing \"=\" after the word that follows a password \
                 (quote values that contain spaces)"
                    .to_owned()
            } else {
                format!("missing \"=\" after \"{name}\"")
            }));
        }
        skip_spaces(&mut chars);
        let value = if chars.next_if_eq(&'\'').is_some() {
            quoted(&mut chars)?
        } else {
            unquoted(&mut chars)
        };
        let Some(keyword) = keywords::canonical(&name) else {
            return Err(if after_secret {
                ConnInfoError::Syntax(
                    "unexpected keyword after a password (quote values that contain spaces)"
                        .to_owned(),
                )
            } else {
                ConnInfoError::UnknownOption(name)
            });
        };
        after_secret = keywords::is_secret(keyword);
        pairs.push((keyword, value));
    }
}

fn skip_spaces(chars: &mut Chars<'_>) {
    while chars.next_if(|c| is_space(*c)).is_some() {}
}

/// A value up to the next whitespace (which is consumed); `\x` stands for `x`.
fn unquoted(chars: &mut Chars<'_>) -> String {
    let mut value = String::new();
    while let Some(c) = chars.next() {
        if is_space(c) {
            break;
        }
        if c == '\\' {
            // A trailing lone backslash is dropped, as libpq does.
            if let Some(escaped) = chars.next() {
                value.push(escaped);
            }
        } else {
            value.push(c);
        }
    }
    value
}

/// A value after its opening quote, up to the closing quote; `\x` stands for `x`.
fn quoted(chars: &mut Chars<'_>) -> Result<String, ConnInfoError> {
    let mut value = String::new();
    loop {
        match chars.next() {
            None => {
                return Err(ConnInfoError::Syntax(
                    "unterminated quoted string".to_owned(),
                ));
            }
            Some('\'') => return Ok(value),
            Some('\\') => {
                if let Some(escaped) = chars.next() {
                    value.push(escaped);
                }
            }
            Some(c) => value.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pg::conninfo::error::ErrorCheck;

    #[test]
    fn parses_pairs() {
        let cases: &[(&str, &[(&str, &str)])] = &[
            ("", &[]),
            ("   ", &[]),
            ("dbname=sales", &[("dbname", "sales")]),
            (
                "host=localhost port=5433",
                &[("host", "localhost"), ("port", "5433")],
            ),
            (
                "  host =  db.example \t dbname= sales  ",
                &[("host", "db.example"), ("dbname", "sales")],
            ),
            ("password='it\\'s'", &[("password", "it's")]),
            ("password='a\\\\b c'", &[("password", "a\\b c")]),
            ("application_name=a\\ b", &[("application_name", "a b")]),
            ("options='-c geqo=off'", &[("options", "-c geqo=off")]),
            ("dbname=''", &[("dbname", "")]),
            ("dbname=", &[("dbname", "")]),
            ("host='x'port=1", &[("host", "x"), ("port", "1")]),
            ("host=a host=b", &[("host", "a"), ("host", "b")]),
            ("host= port=5", &[("host", "port=5")]),
            ("user=o'neil", &[("user", "o'neil")]),
        ];
        for (text, want) in cases {
            let got = parse(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
            let got: Vec<(&str, &str)> = got.iter().map(|(k, v)| (*k, v.as_str())).collect();
            assert_eq!(&got, want, "{text:?}");
        }
    }

    #[test]
    fn rejects_bad_strings() {
        let syntax = |e: &ConnInfoError| matches!(e, ConnInfoError::Syntax(_));
        let unknown =
            |e: &ConnInfoError| matches!(e, ConnInfoError::UnknownOption(n) if n == "bogus");
        let cases: &[(&str, &ErrorCheck)] = &[
            ("host", &syntax),
            ("host=x dbname", &syntax),
            (
                "host=x =y",
                &|e| matches!(e, ConnInfoError::UnknownOption(n) if n.is_empty()),
            ),
            ("dbname='sales", &syntax),
            ("password='abc\\'", &syntax),
            ("bogus=1", &unknown),
            ("host=x bogus = 'y'", &unknown),
        ];
        for (text, check) in cases {
            match parse(text) {
                Err(e) => assert!(check(&e), "{text:?}: {e:?}"),
                Ok(pairs) => panic!("{text:?} parsed as {pairs:?}"),
            }
        }
    }

    #[test]
    fn errors_never_echo_a_password() {
        let cases = [
            "password='s3cret",
            "password=my s3cret",
            "password=my s3cret=x",
            "sslpassword=my s3cret",
            "host=x password=my s3cret dbname=y",
        ];
        for text in cases {
            let e = parse(text)
                .err()
                .unwrap_or_else(|| panic!("{text:?} parsed"));
            assert!(!e.to_string().contains("s3cret"), "{text:?}: {e}");
            assert!(!format!("{e:?}").contains("s3cret"), "{text:?}: {e:?}");
        }
    }
}
