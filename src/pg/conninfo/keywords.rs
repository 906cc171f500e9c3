//! The connection keywords pgpulse accepts, and the `PG*` variables behind them.
//!
//! libpq rejects an unknown keyword wherever it appears (conninfo string, URI query
//! parameter, service file), so every parser checks names against this one list.
//! Names are matched exactly: libpq keywords are case-sensitive.

use std::collections::BTreeMap;

/// Settings from one source, keyed by the keyword's canonical (`'static`) name.
pub(crate) type Settings = BTreeMap<&'static str, String>;

/// Every accepted keyword and the environment variable libpq falls back to for it.
///
/// Keywords pgpulse accepts only for compatibility (TLS client certificates,
/// GSSAPI, `requiressl`, ...) are listed too, so that a psql connection string
/// keeps working; the resolver validates or ignores them.
const KEYWORDS: &[(&str, Option<&str>)] = &[
    ("host", Some("PGHOST")),
    ("hostaddr", Some("PGHOSTADDR")),
    ("port", Some("PGPORT")),
    ("user", Some("PGUSER")),
    ("password", Some("PGPASSWORD")),
    ("passfile", Some("PGPASSFILE")),
    ("dbname", Some("PGDATABASE")),
    ("service", Some("PGSERVICE")),
    // PostgreSQL 18 added the keyword; older libpq only reads PGSERVICEFILE.
    ("servicefile", Some("PGSERVICEFILE")),
    ("sslmode", Some("PGSSLMODE")),
    ("sslrootcert", Some("PGSSLROOTCERT")),
    ("connect_timeout", Some("PGCONNECT_TIMEOUT")),
    ("application_name", Some("PGAPPNAME")),
    ("fallback_application_name", None),
    ("options", Some("PGOPTIONS")),
    ("keepalives", None),
    ("keepalives_idle", None),
    ("keepalives_interval", None),
    ("keepalives_count", None),
    ("target_session_attrs", Some("PGTARGETSESSIONATTRS")),
    ("sslcert", None),
    ("sslkey", None),
    ("sslpassword", None),
    ("channel_binding", None),
    ("gssencmode", None),
    ("sslcompression", None),
    ("requiressl", None),
];

/// The canonical name of a known keyword, or `None` for an unknown one.
pub(crate) fn canonical(name: &str) -> Option<&'static str> {
    KEYWORDS
        .iter()
        .find(|(keyword, _)| *keyword == name)
        .map(|(keyword, _)| *keyword)
}

/// `(keyword, environment variable)` for every keyword that has a variable.
pub(crate) fn env_vars() -> impl Iterator<Item = (&'static str, &'static str)> {
    KEYWORDS
        .iter()
        .filter_map(|(keyword, var)| var.map(|var| (*keyword, var)))
}

/// Keywords whose values must never be shown in a message.
pub(crate) fn is_secret(keyword: &str) -> bool {
    matches!(keyword, "password" | "sslpassword")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_matches_exact_names_only() {
        let cases = [
            ("host", Some("host")),
            ("sslrootcert", Some("sslrootcert")),
            ("HOST", None),
            ("hostx", None),
            ("", None),
        ];
        for (name, want) in cases {
            assert_eq!(canonical(name), want, "{name:?}");
        }
    }

    #[test]
    fn env_vars_cover_the_documented_variables() {
        let vars: Vec<&str> = env_vars().map(|(_, var)| var).collect();
        for var in [
            "PGHOST",
            "PGHOSTADDR",
            "PGPORT",
            "PGUSER",
            "PGPASSWORD",
            "PGPASSFILE",
            "PGDATABASE",
            "PGSERVICE",
            "PGSERVICEFILE",
            "PGSSLMODE",
            "PGSSLROOTCERT",
            "PGCONNECT_TIMEOUT",
            "PGAPPNAME",
            "PGOPTIONS",
            "PGTARGETSESSIONATTRS",
        ] {
            assert!(vars.contains(&var), "{var}");
        }
    }
}
