//! The connection service file (`pg_service.conf`), searched the way libpq's
//! `parseServiceInfo` searches it.
//!
//! The user file (`PGSERVICEFILE`, else `~/.pg_service.conf`) is read first; only if
//! it lacks the section is the system file `$PGSYSCONFDIR/pg_service.conf` read.
//! Like libpq, only lines inside the wanted section are checked, so a broken
//! section elsewhere in a shared file does not break every service.

use std::path::PathBuf;

use super::keywords::{self, Settings};
use super::{ConnInfoError, ReadFile};

/// Debian's libpq is built with this sysconfdir, so psql there looks here too.
pub(crate) const DEFAULT_SYSCONFDIR: &str = "/etc/postgresql-common";

/// Where to look for service definitions.
pub(crate) struct ServiceFiles {
    /// `PGSERVICEFILE` (or the `servicefile` keyword), else `~/.pg_service.conf`.
    pub user: Option<PathBuf>,
    /// `$PGSYSCONFDIR/pg_service.conf`.
    pub system: PathBuf,
}

/// The settings of service `name` from the first file that defines it.
pub(crate) fn load(
    name: &str,
    files: &ServiceFiles,
    read_file: &ReadFile<'_>,
) -> Result<Settings, ConnInfoError> {
    for path in files.user.iter().chain(std::iter::once(&files.system)) {
        let file_error = |reason: String| ConnInfoError::ServiceFile {
            file: path.display().to_string(),
            reason,
        };
        let contents = match read_file(path) {
            Ok(Some(contents)) => contents,
            // A missing file is normal: most people have neither.
            Ok(None) => continue,
            Err(e) => return Err(file_error(format!("could not read: {e}"))),
        };
        if let Some(settings) = section(&contents.text, name).map_err(file_error)? {
            return Ok(settings);
        }
    }
    Err(ConnInfoError::ServiceNotFound(name.to_owned()))
}

/// The `[name]` section's settings, `None` if the file has no such section. The error
/// text names the line; the caller adds the file name.
fn section(text: &str, name: &str) -> Result<Option<Settings>, String> {
    let mut found: Option<Settings> = None;
    for (index, raw) in text.lines().enumerate() {
        let line_number = index + 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(header) = line.strip_prefix('[') {
            if found.is_some() {
                // The next section ends ours.
                break;
            }
            // libpq's test: the name, then `]`; anything after the bracket is ignored.
            if header
                .strip_prefix(name)
                .is_some_and(|after| after.starts_with(']'))
            {
                found = Some(Settings::new());
            }
            continue;
        }
        let Some(settings) = found.as_mut() else {
            continue;
        };
        // Only the line number: the line itself may hold a password.
        let Some((key, value)) = line.split_once('=') else {
            return Err(format!(
                "syntax error on line {line_number} (expected key=value)"
            ));
        };
        let key = key.trim();
        if key == "service" {
            return Err(format!(
                "nested service specifications are not supported (line {line_number})"
            ));
        }
        let Some(keyword) = keywords::canonical(key) else {
            return Err(format!("unknown keyword \"{key}\" on line {line_number}"));
        };
        // libpq keeps the first value when a section repeats a key.
        settings
            .entry(keyword)
            .or_insert_with(|| value.trim().to_owned());
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pg::conninfo::FileContents;
    use std::collections::HashMap;
    use std::path::Path;

    type Section = Option<&'static [(&'static str, &'static str)]>;

    const FILE: &str = "\
# shared services
[other]
host=other.example
this line is broken

[prod]
 host = db.prod.example \r
port=6543
dbname=sales
host=ignored.example
password=a=b

[prod-replica]
host=replica.example
[nested]
service=prod
[typo]
hots=x
";

    #[test]
    fn finds_sections() {
        let cases: &[(&str, Section)] = &[
            (
                "prod",
                Some(&[
                    ("dbname", "sales"),
                    ("host", "db.prod.example"),
                    ("password", "a=b"),
                    ("port", "6543"),
                ]),
            ),
            ("prod-replica", Some(&[("host", "replica.example")])),
            ("missing", None),
            ("pro", None),
        ];
        for (name, want) in cases {
            let got = section(FILE, name).unwrap_or_else(|e| panic!("{name}: {e}"));
            let got: Option<Vec<(&str, &str)>> = got
                .as_ref()
                .map(|s| s.iter().map(|(k, v)| (*k, v.as_str())).collect());
            assert_eq!(got.as_deref(), *want, "{name}");
        }
    }

    #[test]
    fn reports_bad_lines_in_the_wanted_section() {
        let cases = [
            ("other", "syntax error on line 4 (expected key=value)"),
            (
                "nested",
                "nested service specifications are not supported (line 16)",
            ),
            ("typo", "unknown keyword \"hots\" on line 18"),
        ];
        for (name, want) in cases {
            assert_eq!(section(FILE, name), Err(want.to_owned()), "{name}");
        }
    }

    #[test]
    fn searches_user_file_then_system_file() {
        let user = PathBuf::from("/home/a/.pg_service.conf");
        let system = PathBuf::from("/etc/pg/pg_service.conf");
        let mut disk: HashMap<PathBuf, &str> = HashMap::new();
        disk.insert(user.clone(), "[both]\nhost=user\n[broken]\nx\n");
        disk.insert(system.clone(), "[both]\nhost=system\n[sys]\nhost=system\n");
        let read = |p: &Path| {
            Ok(disk.get(p).map(|text| FileContents {
                text: (*text).to_owned(),
                mode: 0o644,
            }))
        };
        let files = ServiceFiles {
            user: Some(user.clone()),
            system: system.clone(),
        };
        let host = |name: &str, files: &ServiceFiles| {
            load(name, files, &read).map(|s| s.get("host").cloned().unwrap_or_default())
        };
        assert_eq!(host("both", &files), Ok("user".to_owned()));
        assert_eq!(host("sys", &files), Ok("system".to_owned()));
        assert_eq!(
            host("nope", &files),
            Err(ConnInfoError::ServiceNotFound("nope".to_owned()))
        );
        assert_eq!(
            host("broken", &files),
            Err(ConnInfoError::ServiceFile {
                file: "/home/a/.pg_service.conf".to_owned(),
                reason: "syntax error on line 4 (expected key=value)".to_owned(),
            })
        );
        let no_user_file = ServiceFiles { user: None, system };
        assert_eq!(host("both", &no_user_file), Ok("system".to_owned()));
    }

    #[test]
    fn read_errors_name_the_file() {
        let read = |_: &Path| Err(std::io::Error::other("boom"));
        let files = ServiceFiles {
            user: Some(PathBuf::from("/x/svc.conf")),
            system: PathBuf::from("/etc/pg_service.conf"),
        };
        assert!(matches!(
            load("a", &files, &read),
            Err(ConnInfoError::ServiceFile { file, .. }) if file == "/x/svc.conf"
        ));
    }
}
