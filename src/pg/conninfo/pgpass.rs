//! The password file (`~/.pgpass`), matched the way libpq's `passwordFromFile` does.
//!
//! Each line is `hostname:port:database:username:password`; `#` starts a comment
//! line; a field that is exactly `*` matches anything; `\:` and `\\` escape in any
//! field. The first matching line wins.

use std::path::Path;

use super::ReadFile;

/// What a password file line is matched against.
pub(crate) struct Target<'a> {
    /// Accepted host field values: the host as given, or for a Unix socket both
    /// `localhost` and the socket directory.
    pub hosts: &'a [String],
    /// The port as a decimal string.
    pub port: &'a str,
    pub dbname: &'a str,
    pub user: &'a str,
}

/// Looks the password up in the file at `path`.
///
/// A missing or unreadable file is silently skipped, as in libpq. A file readable
/// by group or others is skipped with libpq's warning pushed onto `warnings`.
pub(crate) fn lookup(
    path: &Path,
    target: &Target<'_>,
    read_file: &ReadFile<'_>,
    warnings: &mut Vec<String>,
) -> Option<String> {
    let contents = read_file(path).ok().flatten()?;
    if contents.mode & 0o077 != 0 {
        warnings.push(format!(
            "WARNING: password file \"{}\" has group or world access; \
             permissions should be u=rw (0600) or less",
            path.display()
        ));
        return None;
    }
    find(&contents.text, target)
}

/// The password of the first line matching `target`. An empty password counts as
/// none, since libpq discards it too.
pub(crate) fn find(text: &str, target: &Target<'_>) -> Option<String> {
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .find_map(|line| matching_password(line.trim_end_matches('\r'), target))
        .filter(|password| !password.is_empty())
}

fn matching_password(line: &str, target: &Target<'_>) -> Option<String> {
    let fields = split_fields(line);
    // Four fields to match, then the password; a shorter line never matches.
    let [host, port, dbname, user, password, ..] = fields.as_slice() else {
        return None;
    };
    let host_ok = host.wildcard || target.hosts.contains(&host.text);
    let ok = host_ok
        && port.matches(target.port)
        && dbname.matches(target.dbname)
        && user.matches(target.user);
    ok.then(|| password.text.clone())
}

/// One `:`-separated field with its escapes undone.
struct Field {
    text: String,
    /// The field was exactly an unescaped `*`.
    wildcard: bool,
}

impl Field {
    fn new(text: String, escaped: bool) -> Self {
        let wildcard = !escaped && text == "*";
        Self { text, wildcard }
    }

    fn matches(&self, value: &str) -> bool {
        self.wildcard || self.text == value
    }
}

fn split_fields(line: &str) -> Vec<Field> {
    let mut fields = Vec::new();
    let mut text = String::new();
    let mut escaped = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            ':' => fields.push(Field::new(
                std::mem::take(&mut text),
                std::mem::take(&mut escaped),
            )),
            '\\' => {
                escaped = true;
                // A lone backslash at the end of the line stays literal.
                text.push(chars.next().unwrap_or('\\'));
            }
            c => text.push(c),
        }
    }
    fields.push(Field::new(text, escaped));
    fields
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pg::conninfo::FileContents;
    use std::path::PathBuf;

    /// name, hosts, port, dbname, user, expected password
    type Row = (
        &'static str,
        Vec<String>,
        &'static str,
        &'static str,
        &'static str,
        Option<&'static str>,
    );

    fn tcp(host: &str) -> Vec<String> {
        vec![host.to_owned()]
    }

    fn socket(dir: &str) -> Vec<String> {
        vec!["localhost".to_owned(), dir.to_owned()]
    }

    #[test]
    fn matches_lines_like_libpq() {
        let file = "\
# host:port:db:user:password
db.example:5432:sales:alice:exact
*:5432:*:bob:wild\\:card\\\\pw
\\:\\:1:5433:*:*:ipv6
localhost:*:*:carol:local
/tmp:*:*:dave:tmpdir
short:5432:sales:alice
*:*:*:erin:first
*:*:*:erin:second
*:*:*:frank:
\\*:*:*:gina:literal-star
*:*:*:hank:pw:extra
";
        let cases: &[Row] = &[
            (
                "exact",
                tcp("db.example"),
                "5432",
                "sales",
                "alice",
                Some("exact"),
            ),
            (
                "db differs",
                tcp("db.example"),
                "5432",
                "other",
                "alice",
                None,
            ),
            (
                "port is text",
                tcp("db.example"),
                "05432",
                "sales",
                "alice",
                None,
            ),
            (
                "wildcards + escapes",
                tcp("x"),
                "5432",
                "any",
                "bob",
                Some("wild:card\\pw"),
            ),
            ("wrong port", tcp("x"), "5433", "any", "bob", None),
            (
                "escaped colons in host",
                tcp("::1"),
                "5433",
                "d",
                "u",
                Some("ipv6"),
            ),
            (
                "socket is localhost",
                socket("/var/run/postgresql"),
                "5432",
                "d",
                "carol",
                Some("local"),
            ),
            (
                "tcp localhost",
                tcp("localhost"),
                "5432",
                "d",
                "carol",
                Some("local"),
            ),
            (
                "socket dir entry",
                socket("/tmp"),
                "5432",
                "d",
                "dave",
                Some("tmpdir"),
            ),
            ("tcp host not a dir", tcp("db"), "5432", "d", "dave", None),
            (
                "first match wins",
                tcp("h"),
                "1",
                "d",
                "erin",
                Some("first"),
            ),
            ("empty password", tcp("h"), "1", "d", "frank", None),
            ("escaped star is literal", tcp("h"), "1", "d", "gina", None),
            (
                "escaped star matches *",
                tcp("*"),
                "1",
                "d",
                "gina",
                Some("literal-star"),
            ),
            (
                "password ends at colon",
                tcp("h"),
                "1",
                "d",
                "hank",
                Some("pw"),
            ),
            ("no match", tcp("h"), "1", "d", "nobody", None),
            (
                "comment is not a host",
                tcp("# host"),
                "port",
                "db",
                "user",
                None,
            ),
        ];
        for (name, hosts, port, dbname, user, want) in cases {
            let target = Target {
                hosts,
                port,
                dbname,
                user,
            };
            assert_eq!(find(file, &target).as_deref(), *want, "{name}");
        }
    }

    #[test]
    fn handles_crlf() {
        let hosts = tcp("h");
        let target = Target {
            hosts: &hosts,
            port: "5432",
            dbname: "d",
            user: "u",
        };
        assert_eq!(find("h:5432:d:u:pw\r\n", &target).as_deref(), Some("pw"));
    }

    #[test]
    fn skips_insecure_files_with_libpq_warning() {
        let hosts = tcp("h");
        let target = Target {
            hosts: &hosts,
            port: "5432",
            dbname: "d",
            user: "u",
        };
        let path = PathBuf::from("/home/a/.pgpass");
        let cases: &[(u32, Option<&str>, bool)] = &[
            (0o100600, Some("pw"), false),
            (0o100400, Some("pw"), false),
            (0o100640, None, true),
            (0o100604, None, true),
            (0o100700, Some("pw"), false),
        ];
        for (mode, want, warned) in cases {
            let read = |_: &Path| {
                Ok(Some(FileContents {
                    text: "*:*:*:*:pw\n".to_owned(),
                    mode: *mode,
                }))
            };
            let mut warnings = Vec::new();
            let got = lookup(&path, &target, &read, &mut warnings);
            assert_eq!(got.as_deref(), *want, "{mode:o}");
            let expected: Vec<String> = if *warned {
                vec![
                    "WARNING: password file \"/home/a/.pgpass\" has group or world access; \
                     permissions should be u=rw (0600) or less"
                        .to_owned(),
                ]
            } else {
                Vec::new()
            };
            assert_eq!(warnings, expected, "{mode:o}");
        }
    }

    #[test]
    fn missing_or_unreadable_files_are_silent() {
        let hosts = tcp("h");
        let target = Target {
            hosts: &hosts,
            port: "5432",
            dbname: "d",
            user: "u",
        };
        let missing = |_: &Path| Ok(None);
        let broken = |_: &Path| Err(std::io::Error::other("denied"));
        let readers: [&ReadFile<'_>; 2] = [&missing, &broken];
        for read in readers {
            let mut warnings = Vec::new();
            assert_eq!(lookup(Path::new("/p"), &target, read, &mut warnings), None);
            assert!(warnings.is_empty());
        }
    }
}
