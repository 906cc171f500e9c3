//! The capability probe: what this server and role let pgpulse see and do.
//!
//! Run once per connection; panels use it to pick SQL variants (by server version and by
//! the *installed* pg_stat_statements version) and to explain what they cannot show.

use std::time::SystemTime;

use tokio_postgres::Row;

use crate::pg::session::{MonitorSession, SessionError};
use crate::text::sanitize::sanitized;

use crate::pg::queries::CAPABILITIES_SQL;

/// What the probe found. Strings are sanitized.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Capabilities {
    pub server_version_num: i32,
    pub server_version: String,
    pub in_recovery: bool,
    pub role: String,
    pub database: String,
    pub is_superuser: bool,
    pub has_pg_monitor: bool,
    pub has_read_all_stats: bool,
    /// A member of `pg_read_all_stats` (maybe through `pg_monitor`) whether or not it
    /// inherits its privileges: a NOINHERIT member has the membership without the sight.
    pub member_of_read_all_stats: bool,
    pub has_signal_backend: bool,
    /// `pg_extension.extversion` in the connected database, when installed.
    pub pgss_installed_version: Option<String>,
    pub pgss_schema: Option<String>,
    /// The version `ALTER EXTENSION ... UPDATE` would move to.
    pub pgss_available_version: Option<String>,
    /// `None` when the role may not read it (needs pg_read_all_settings).
    pub shared_preload_libraries: Option<String>,
    /// pg_stat_statements' library is loaded (preloaded at server start).
    pub pgss_loaded: bool,
    pub track_io_timing: bool,
    /// `None` before PostgreSQL 14.
    pub compute_query_id: Option<String>,
    pub has_query_performance_log: bool,
    pub has_database_statistics_snapshot: bool,
    pub has_maintenance_task_log: bool,
    pub postmaster_start_time: SystemTime,
    /// Whether this connection is TLS-encrypted, and the protocol version.
    pub ssl: Option<bool>,
    pub ssl_version: Option<String>,
    pub backend_pid: i32,
}

impl Capabilities {
    /// Runs the probe on the session.
    pub async fn probe(session: &mut MonitorSession) -> Result<Self, SessionError> {
        let rows = session.query(CAPABILITIES_SQL, &[]).await?;
        let row = rows
            .first()
            .ok_or_else(|| SessionError::Query("capability probe returned no row".into()))?;
        Self::from_row(row).map_err(|e| SessionError::Query(sanitized(&e.to_string())))
    }

    fn from_row(row: &Row) -> Result<Self, tokio_postgres::Error> {
        let text = |name: &str| -> Result<String, tokio_postgres::Error> {
            Ok(sanitized(&row.try_get::<_, String>(name)?))
        };
        let opt_text = |name: &str| -> Result<Option<String>, tokio_postgres::Error> {
            Ok(row
                .try_get::<_, Option<String>>(name)?
                .map(|s| sanitized(&s)))
        };
        Ok(Self {
            server_version_num: row.try_get("server_version_num")?,
            server_version: text("server_version")?,
            in_recovery: row.try_get("in_recovery")?,
            role: text("role_name")?,
            database: text("database_name")?,
            is_superuser: row.try_get("is_superuser")?,
            has_pg_monitor: row.try_get("has_pg_monitor")?,
            has_read_all_stats: row.try_get("has_read_all_stats")?,
            member_of_read_all_stats: row.try_get("member_of_read_all_stats")?,
            has_signal_backend: row.try_get("has_signal_backend")?,
            pgss_installed_version: opt_text("pgss_installed_version")?,
            pgss_schema: opt_text("pgss_schema")?,
            pgss_available_version: opt_text("pgss_available_version")?,
            shared_preload_libraries: opt_text("shared_preload_libraries")?,
            pgss_loaded: row.try_get("pgss_loaded")?,
            track_io_timing: row.try_get("track_io_timing")?,
            compute_query_id: opt_text("compute_query_id")?,
            has_query_performance_log: row.try_get("has_query_performance_log")?,
            has_database_statistics_snapshot: row.try_get("has_database_statistics_snapshot")?,
            has_maintenance_task_log: row.try_get("has_maintenance_task_log")?,
            postmaster_start_time: row.try_get("postmaster_start_time")?,
            ssl: row.try_get("ssl")?,
            ssl_version: opt_text("ssl_version")?,
            backend_pid: row.try_get("backend_pid")?,
        })
    }

    /// Major version number (13, 14, ... 18).
    pub fn server_major(&self) -> i32 {
        self.server_version_num / 10_000
    }

    /// `15.18` / `18.4`: the version without distribution suffixes, for tight headers.
    pub fn short_version(&self) -> String {
        format!(
            "{}.{}",
            self.server_major(),
            self.server_version_num % 10_000
        )
    }

    /// Whether `pg_stat_statements` was preloaded: named in `shared_preload_libraries`
    /// (a list that may carry spaces and quotes) when the role can read it, else judged
    /// by the library's own settings being defined.
    pub fn pgss_preloaded(&self) -> bool {
        match &self.shared_preload_libraries {
            Some(list) => preload_list(list)
                .iter()
                .any(|lib| lib == "pg_stat_statements"),
            None => self.pgss_loaded,
        }
    }

    /// Whether the role sees other roles' query texts and session details.
    pub fn sees_all_stats(&self) -> bool {
        self.is_superuser || self.has_read_all_stats
    }

    /// The statement that lets this role see other roles' sessions and statements: a
    /// grant, or for a NOINHERIT member, inheriting what it already has.
    pub fn stats_visibility_fix(&self) -> String {
        let role = crate::pg::quote::quote_ident(&self.role);
        if !self.member_of_read_all_stats {
            format!("GRANT pg_read_all_stats TO {role}")
        } else if self.server_major() >= 16 {
            format!("GRANT pg_read_all_stats TO {role} WITH INHERIT TRUE")
        } else {
            format!("ALTER ROLE {role} INHERIT")
        }
    }

    /// The installed extension version as (major, minor), e.g. (1, 10).
    pub fn pgss_version(&self) -> Option<(u32, u32)> {
        self.pgss_installed_version
            .as_deref()
            .and_then(parse_ext_version)
    }

    /// True when `ALTER EXTENSION pg_stat_statements UPDATE` would change something.
    pub fn pgss_outdated(&self) -> bool {
        match (
            self.pgss_version(),
            self.pgss_available_version
                .as_deref()
                .and_then(parse_ext_version),
        ) {
            (Some(installed), Some(available)) => installed < available,
            _ => false,
        }
    }
}

/// Splits `shared_preload_libraries` the way the server does: commas, optional spaces,
/// optional double quotes.
pub fn preload_list(setting: &str) -> Vec<String> {
    setting
        .split(',')
        .map(|lib| lib.trim().trim_matches('"').to_string())
        .filter(|lib| !lib.is_empty())
        .collect()
}

/// "1.10" → (1, 10). Compared numerically: 1.9 < 1.10.
pub fn parse_ext_version(version: &str) -> Option<(u32, u32)> {
    let (major, minor) = version.split_once('.')?;
    Some((major.parse().ok()?, minor.parse().ok()?))
}

/// A typical superuser's capabilities on PostgreSQL 15, for tests to adjust.
#[cfg(test)]
pub(crate) fn sample_capabilities() -> Capabilities {
    Capabilities {
        server_version_num: 150_018,
        server_version: "15.18 (Debian 15.18-0+deb12u1)".into(),
        in_recovery: false,
        role: "postgres".into(),
        database: "app".into(),
        is_superuser: true,
        has_pg_monitor: true,
        has_read_all_stats: true,
        member_of_read_all_stats: true,
        has_signal_backend: true,
        pgss_installed_version: Some("1.10".into()),
        pgss_schema: Some("public".into()),
        pgss_available_version: Some("1.10".into()),
        shared_preload_libraries: Some("pg_stat_statements".into()),
        pgss_loaded: true,
        track_io_timing: true,
        compute_query_id: Some("auto".into()),
        has_query_performance_log: true,
        has_database_statistics_snapshot: true,
        has_maintenance_task_log: true,
        postmaster_start_time: SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000),
        ssl: Some(false),
        ssl_version: None,
        backend_pid: 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_visibility_fix_fits_the_role() {
        let mut caps = sample_capabilities();
        caps.role = "Mon".into();
        caps.member_of_read_all_stats = false;
        assert_eq!(
            caps.stats_visibility_fix(),
            "GRANT pg_read_all_stats TO \"Mon\""
        );
        // A NOINHERIT member: granting again changes nothing before 16.
        caps.member_of_read_all_stats = true;
        assert_eq!(caps.stats_visibility_fix(), "ALTER ROLE \"Mon\" INHERIT");
        caps.server_version_num = 160_004;
        assert_eq!(
            caps.stats_visibility_fix(),
            "GRANT pg_read_all_stats TO \"Mon\" WITH INHERIT TRUE"
        );
    }

    #[test]
    fn short_version_drops_the_distribution_suffix() {
        assert_eq!(sample_capabilities().short_version(), "15.18");
        let mut caps = sample_capabilities();
        caps.server_version_num = 180_004;
        assert_eq!(caps.short_version(), "18.4");
    }

    #[test]
    fn preload_is_judged_by_the_loaded_library_when_the_list_is_hidden() {
        let mut caps = sample_capabilities();
        caps.shared_preload_libraries = None;
        assert!(caps.pgss_preloaded());
        caps.pgss_loaded = false;
        assert!(!caps.pgss_preloaded());
    }

    #[test]
    fn outdated_extension_is_detected_numerically() {
        let mut caps = sample_capabilities();
        caps.pgss_installed_version = Some("1.9".into());
        caps.pgss_available_version = Some("1.10".into());
        assert!(caps.pgss_outdated());
    }

    #[test]
    fn extension_versions_compare_numerically() {
        assert!(parse_ext_version("1.9") < parse_ext_version("1.10"));
        assert_eq!(parse_ext_version("1.11"), Some((1, 11)));
        assert_eq!(parse_ext_version("x"), None);
    }

    #[test]
    fn preload_list_handles_spaces_and_quotes() {
        assert_eq!(
            preload_list(" auto_explain, \"pg_stat_statements\" ,"),
            vec!["auto_explain", "pg_stat_statements"]
        );
        assert!(preload_list("").is_empty());
    }
}
