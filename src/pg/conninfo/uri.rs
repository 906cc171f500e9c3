//! `postgresql://[user[:password]@][host][:port][/dbname][?param=value&...]`, parsed
//! the way libpq's `conninfo_uri_parse_options` does.
//!
//! Every component is percent-decoded; a host such as `%2Fvar%2Frun%2Fpostgresql`
//! decodes to a socket directory, which the resolver recognises by its leading `/`.
//! Error messages describe the faulty component but never quote it, because the
//! URI may carry a password.

use super::ConnInfoError;
use super::keywords;

const PREFIXES: [&str; 2] = ["postgresql://", "postgres://"];

/// Whether `text` is a URI rather than a `key=value` string or a database name.
pub(crate) fn is_uri(text: &str) -> bool {
    PREFIXES.iter().any(|prefix| text.starts_with(prefix))
}

fn uri_error(reason: &str) -> ConnInfoError {
    ConnInfoError::Uri(reason.to_owned())
}

/// Splits a URI into `(keyword, value)` pairs in order; query parameters come last,
/// so they override the same setting given in the URI's main part.
pub(crate) fn parse(text: &str) -> Result<Vec<(&'static str, String)>, ConnInfoError> {
    let rest = PREFIXES
        .iter()
        .find_map(|prefix| text.strip_prefix(prefix))
        .ok_or_else(|| uri_error("missing \"postgresql://\" prefix"))?;
    let mut pairs = Vec::new();

    // libpq looks for the credentials designator only up to the first `/`.
    let rest = match rest.find(['@', '/']) {
        Some(at) if rest[at..].starts_with('@') => {
            userinfo(&rest[..at], &mut pairs)?;
            &rest[at + 1..]
        }
        _ => rest,
    };

    let (netloc_end, rest) = netloc(rest, &mut pairs)?;
    let query = match netloc_end {
        Some('/') => {
            let (path, query) = match rest.split_once('?') {
                Some((path, query)) => (path, Some(query)),
                None => (rest, None),
            };
            // An empty path sets nothing, so PGDATABASE still applies.
            if !path.is_empty() {
                pairs.push(("dbname", decode(path, "database name")?));
            }
            query
        }
        Some(_) => Some(rest),
        None => None,
    };
    if let Some(query) = query {
        params(query, &mut pairs)?;
    }
    Ok(pairs)
}

/// `user[:password]`; the password runs to the `@`, so it may contain `:`.
fn userinfo(text: &str, pairs: &mut Vec<(&'static str, String)>) -> Result<(), ConnInfoError> {
    let (user, password) = match text.split_once(':') {
        Some((user, password)) => (user, Some(password)),
        None => (text, None),
    };
    if !user.is_empty() {
        pairs.push(("user", decode(user, "user name")?));
    }
    if let Some(password) = password.filter(|p| !p.is_empty()) {
        pairs.push(("password", decode(password, "password")?));
    }
    Ok(())
}

/// `host[:port]` or `[ipv6][:port]`. Returns the character that ended it (`/` or `?`,
/// `None` at the end of the URI) and the text after that character.
fn netloc<'a>(
    text: &'a str,
    pairs: &mut Vec<(&'static str, String)>,
) -> Result<(Option<char>, &'a str), ConnInfoError> {
    let (host, rest) = if let Some(inner) = text.strip_prefix('[') {
        let close = inner
            .find(']')
            .ok_or_else(|| uri_error("missing \"]\" after the IPv6 host address"))?;
        if close == 0 {
            return Err(uri_error("empty IPv6 host address"));
        }
        let rest = &inner[close + 1..];
        if !rest.is_empty() && !rest.starts_with([':', '/', '?', ',']) {
            return Err(uri_error(
                "unexpected character after the IPv6 host address (expected \":\" or \"/\")",
            ));
        }
        (&inner[..close], rest)
    } else {
        let end = text.find([':', '/', '?', ',']).unwrap_or(text.len());
        (&text[..end], &text[end..])
    };

    let (port, rest) = match rest.strip_prefix(':') {
        Some(after) => {
            let end = after.find(['/', '?', ',']).unwrap_or(after.len());
            (Some(&after[..end]), &after[end..])
        }
        None => (None, rest),
    };

    if rest.starts_with(',') {
        // The host list, without credentials: everything up to the path or query.
        let list_end = text.find(['/', '?']).unwrap_or(text.len());
        return Err(ConnInfoError::MultipleHosts(text[..list_end].to_owned()));
    }
    if !host.is_empty() {
        pairs.push(("host", decode(host, "host")?));
    }
    if let Some(port) = port.filter(|p| !p.is_empty()) {
        let port = decode(port, "port")?;
        // Checked here rather than later so that a mangled URI (say, a password with
        // an unencoded `/`) cannot surface part of the password as a "port" value.
        if !port.bytes().all(|b| b.is_ascii_digit()) {
            return Err(uri_error("invalid port number"));
        }
        pairs.push(("port", port));
    }

    let mut chars = rest.chars();
    let end = chars.next();
    Ok((end, chars.as_str()))
}

/// `name=value` pairs separated by `&`; a trailing `&` is allowed, as in libpq.
fn params(query: &str, pairs: &mut Vec<(&'static str, String)>) -> Result<(), ConnInfoError> {
    let mut rest = query;
    while !rest.is_empty() {
        let (param, next) = rest.split_once('&').unwrap_or((rest, ""));
        rest = next;
        let Some((name, value)) = param.split_once('=') else {
            return Err(uri_error("missing \"=\" in a query parameter"));
        };
        if value.contains('=') {
            return Err(uri_error("extra \"=\" in a query parameter"));
        }
        let name = decode(name, "query parameter name")?;
        let value = decode(value, "query parameter value")?;
        // libpq's JDBC compatibility: `ssl=true` means `sslmode=require`.
        if name == "ssl" && value == "true" {
            pairs.push(("sslmode", "require".to_owned()));
            continue;
        }
        let keyword = keywords::canonical(&name).ok_or(ConnInfoError::UnknownOption(name))?;
        pairs.push((keyword, value));
    }
    Ok(())
}

/// Percent-decodes one component; `what` names it in the error message.
fn decode(text: &str, what: &str) -> Result<String, ConnInfoError> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'%' {
            out.push(bytes[i]);
            i += 1;
            continue;
        }
        let byte = bytes
            .get(i + 1..i + 3)
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .filter(|hex| hex.bytes().all(|b| b.is_ascii_hexdigit()))
            .and_then(|hex| u8::from_str_radix(hex, 16).ok())
            .ok_or_else(|| ConnInfoError::Uri(format!("invalid percent-encoding in {what}")))?;
        // libpq refuses %00: it would cut the C string short.
        if byte == 0 {
            return Err(ConnInfoError::Uri(format!("forbidden %00 in {what}")));
        }
        out.push(byte);
        i += 3;
    }
    String::from_utf8(out)
        .map_err(|_| ConnInfoError::Uri(format!("{what} is not valid UTF-8 after decoding")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pg::conninfo::error::ErrorCheck;

    #[test]
    fn recognises_uris() {
        let cases = [
            ("postgresql://h", true),
            ("postgres://h", true),
            ("postgresql:///db", true),
            ("postgre://h", false),
            ("POSTGRESQL://h", false),
            ("host=h", false),
            ("mydb", false),
        ];
        for (text, want) in cases {
            assert_eq!(is_uri(text), want, "{text:?}");
        }
    }

    #[test]
    fn parses_components() {
        let cases: &[(&str, &[(&str, &str)])] = &[
            ("postgresql://", &[]),
            ("postgresql:///", &[]),
            ("postgres://db.example", &[("host", "db.example")]),
            (
                "postgresql://alice@db.example:5433/sales?sslmode=require&application_name=x",
                &[
                    ("user", "alice"),
                    ("host", "db.example"),
                    ("port", "5433"),
                    ("dbname", "sales"),
                    ("sslmode", "require"),
                    ("application_name", "x"),
                ],
            ),
            (
                "postgres://us%65r:p%40ss@host/db",
                &[
                    ("user", "user"),
                    ("password", "p@ss"),
                    ("host", "host"),
                    ("dbname", "db"),
                ],
            ),
            (
                "postgresql://u:pw:with:colons@h",
                &[("user", "u"), ("password", "pw:with:colons"), ("host", "h")],
            ),
            ("postgresql://:pw@h", &[("password", "pw"), ("host", "h")]),
            ("postgresql://u:@h", &[("user", "u"), ("host", "h")]),
            (
                "postgresql://[::1]:5433/db",
                &[("host", "::1"), ("port", "5433"), ("dbname", "db")],
            ),
            ("postgresql://[::1]", &[("host", "::1")]),
            (
                "postgresql://%2Fvar%2Frun%2Fpostgresql/db",
                &[("host", "/var/run/postgresql"), ("dbname", "db")],
            ),
            (
                "postgresql:///db?host=/tmp",
                &[("dbname", "db"), ("host", "/tmp")],
            ),
            ("postgresql://h:/db", &[("host", "h"), ("dbname", "db")]),
            (
                "postgresql://h/?dbname=x",
                &[("host", "h"), ("dbname", "x")],
            ),
            (
                "postgresql://h/my%20db",
                &[("host", "h"), ("dbname", "my db")],
            ),
            (
                "postgresql://h?ssl=true",
                &[("host", "h"), ("sslmode", "require")],
            ),
            (
                "postgresql://h?port=6000&",
                &[("host", "h"), ("port", "6000")],
            ),
            (
                "postgresql://h?application_name=a%26b%3Dc",
                &[("host", "h"), ("application_name", "a&b=c")],
            ),
            (
                "postgresql://h/caf%C3%A9",
                &[("host", "h"), ("dbname", "café")],
            ),
        ];
        for (text, want) in cases {
            let got = parse(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
            let got: Vec<(&str, &str)> = got.iter().map(|(k, v)| (*k, v.as_str())).collect();
            assert_eq!(&got, want, "{text:?}");
        }
    }

    #[test]
    fn rejects_bad_uris_without_leaking_the_password() {
        let uri = |e: &ConnInfoError| matches!(e, ConnInfoError::Uri(_));
        let multiple = |e: &ConnInfoError| matches!(e, ConnInfoError::MultipleHosts(_));
        let cases: &[(&str, &ErrorCheck)] = &[
            (
                "postgresql://u:s3cr%zzet@h/db",
                &|e| matches!(e, ConnInfoError::Uri(m) if m == "invalid percent-encoding in password"),
            ),
            ("postgresql://u:s3cret%4@h/db", &uri),
            ("postgresql://u:s3cret%00@h/db", &uri),
            ("postgresql://u:s3cret%FF@h/db", &uri),
            (
                "postgresql://%zz:s3cret@h/db",
                &|e| matches!(e, ConnInfoError::Uri(m) if m.contains("user name")),
            ),
            ("postgresql://u:s3cret@h/d%zzb", &uri),
            (
                "postgresql://u:s3cret@h/db?bogus=1",
                &|e| matches!(e, ConnInfoError::UnknownOption(n) if n == "bogus"),
            ),
            ("postgresql://u:s3cret@h/db?host", &uri),
            ("postgresql://u:s3cret@h/db?password=a=b", &uri),
            ("postgresql://u:s3cret@h/db?port=1&&host=h", &uri),
            ("postgresql://u:s3cret@h/db?%zz=1", &uri),
            ("postgresql://u:s3cret@[::1/db", &uri),
            ("postgresql://u:s3cret@[]/db", &uri),
            ("postgresql://u:s3cret@[::1]x/db", &uri),
            ("postgresql://u:s3cret@h:54x2/db", &uri),
            // An unencoded `/` in the password turns part of it into a "port".
            ("postgresql://u:s3c/ret@h/db", &uri),
            ("postgresql://u:s3cret@h1,h2/db", &multiple),
            ("postgresql://u:s3cret@h1:5432,h2:5433/db", &multiple),
            ("postgresql://u:s3cret@[::1],[::2]/db", &multiple),
        ];
        for (text, check) in cases {
            match parse(text) {
                Err(e) => {
                    assert!(check(&e), "{text:?}: {e:?}");
                    let shown = format!("{e} {e:?}");
                    assert!(!shown.contains("s3c"), "{text:?}: {shown}");
                    assert!(!shown.contains("postgresql://"), "{text:?}: {shown}");
                }
                Ok(pairs) => panic!("{text:?} parsed as {pairs:?}"),
            }
        }
    }

    #[test]
    fn multiple_hosts_error_names_the_host_list() {
        let e = parse("postgresql://u:pw@h1,h2:5433/db").err();
        assert_eq!(
            e,
            Some(ConnInfoError::MultipleHosts("h1,h2:5433".to_owned()))
        );
    }
}
