//! `pgpulse doctor`: the capability probe as a checklist, with the exact fix for each gap.

pub mod budget;
pub mod tables;

use std::fmt::Write as _;

use crate::pg::probe::{Capabilities, preload_list};
use crate::pg::quote::{quote_ident, quote_literal};

/// How a check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Ok,
    /// Works, but a panel or action is degraded.
    Warn,
    /// A panel cannot be filled until this is fixed.
    Fix,
}

/// One line of the checklist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub status: Status,
    pub summary: String,
    /// The exact SQL or command that closes the gap.
    pub fix: Option<String>,
}

impl Check {
    fn ok(summary: impl Into<String>) -> Self {
        Self {
            status: Status::Ok,
            summary: summary.into(),
            fix: None,
        }
    }
    fn gap(status: Status, summary: impl Into<String>, fix: impl Into<String>) -> Self {
        Self {
            status,
            summary: summary.into(),
            fix: Some(fix.into()),
        }
    }
}

/// The oldest pg_stat_statements version pgpulse reads (PostgreSQL 13's).
const MIN_PGSS: (u32, u32) = (1, 8);

/// Every check the capability probe answers, in the order a DBA would fix them; the
/// monitoring tables' checks ([`table_checks`]) follow them.
pub fn checks(caps: &Capabilities) -> Vec<Check> {
    let mut list = vec![connection_check(caps)];
    list.push(stats_privilege_check(caps));
    list.push(signal_privilege_check(caps));
    list.push(preload_check(caps));
    list.push(extension_check(caps));
    list.push(io_timing_check(caps));
    if let Some(check) = query_id_check(caps) {
        list.push(check);
    }
    list
}

fn connection_check(caps: &Capabilities) -> Check {
    let role_kind = if caps.is_superuser {
        " (superuser)"
    } else {
        ""
    };
    let tls = match (caps.ssl, &caps.ssl_version) {
        (Some(true), Some(version)) => format!("TLS {version}"),
        (Some(true), None) => "TLS".to_string(),
        _ => "no TLS".to_string(),
    };
    let state = if caps.in_recovery {
        "standby"
    } else {
        "primary"
    };
    Check::ok(format!(
        "connected: PostgreSQL {} ({state}), database {}, role {}{role_kind}, {tls}",
        caps.server_version, caps.database, caps.role
    ))
}

fn stats_privilege_check(caps: &Capabilities) -> Check {
    if caps.is_superuser {
        Check::ok("statistics visibility: superuser sees every session and query text")
    } else if caps.has_read_all_stats {
        Check::ok(
            "statistics visibility: pg_read_all_stats privileges (via pg_monitor or directly)",
        )
    } else {
        Check::gap(
            Status::Fix,
            "statistics visibility: other roles' sessions and query texts show as <insufficient privilege>",
            format!("GRANT pg_monitor TO {};", quote_ident(&caps.role)),
        )
    }
}

fn signal_privilege_check(caps: &Capabilities) -> Check {
    if caps.is_superuser || caps.has_signal_backend {
        Check::ok("cancel/terminate: allowed for non-superuser sessions")
    } else {
        Check::gap(
            Status::Warn,
            "cancel/terminate: only this role's own sessions (no pg_signal_backend)",
            format!("GRANT pg_signal_backend TO {};", quote_ident(&caps.role)),
        )
    }
}

fn preload_check(caps: &Capabilities) -> Check {
    if caps.pgss_preloaded() {
        return Check::ok("pg_stat_statements is in shared_preload_libraries");
    }
    let Some(current) = &caps.shared_preload_libraries else {
        return Check::gap(
            Status::Fix,
            "pg_stat_statements is not preloaded (Queries panel empty)",
            "add pg_stat_statements to shared_preload_libraries (ALTER SYSTEM SET, as a superuser), then restart the server",
        );
    };
    let mut libraries = preload_list(current);
    libraries.push("pg_stat_statements".into());
    Check::gap(
        Status::Fix,
        "pg_stat_statements is not in shared_preload_libraries (Queries panel empty)",
        format!(
            "ALTER SYSTEM SET shared_preload_libraries = {};   -- then restart the server",
            quote_literal(&libraries.join(","))
        ),
    )
}

fn extension_check(caps: &Capabilities) -> Check {
    let database = quote_ident(&caps.database);
    let Some(installed) = caps.pgss_installed_version.as_deref() else {
        let where_to = if caps.in_recovery {
            " on the primary"
        } else {
            ""
        };
        return Check::gap(
            Status::Fix,
            format!("extension pg_stat_statements is not installed in database {database}"),
            format!(
                "CREATE EXTENSION pg_stat_statements;   -- as a superuser, in {database}{where_to}"
            ),
        );
    };
    let available = caps.pgss_available_version.as_deref().unwrap_or("?");
    match caps.pgss_version() {
        Some(version) if version < MIN_PGSS => Check::gap(
            Status::Fix,
            format!("pg_stat_statements {installed} is older than 1.8, which pgpulse needs"),
            "ALTER EXTENSION pg_stat_statements UPDATE;",
        ),
        _ if caps.pgss_outdated() => Check::gap(
            Status::Warn,
            format!(
                "pg_stat_statements {installed} installed, {available} available (server upgraded without updating the extension)"
            ),
            "ALTER EXTENSION pg_stat_statements UPDATE;",
        ),
        _ => Check::ok(format!("pg_stat_statements {installed} installed")),
    }
}

fn io_timing_check(caps: &Capabilities) -> Check {
    if caps.track_io_timing {
        Check::ok("track_io_timing is on (block read/write times available)")
    } else {
        Check::gap(
            Status::Warn,
            "track_io_timing is off (no I/O time per statement)",
            "ALTER SYSTEM SET track_io_timing = on; SELECT pg_reload_conf();",
        )
    }
}

fn query_id_check(caps: &Capabilities) -> Option<Check> {
    let setting = caps.compute_query_id.as_deref()?;
    Some(match setting {
        "off" => Check::gap(
            Status::Warn,
            "compute_query_id is off (sessions cannot be linked to statements)",
            "ALTER SYSTEM SET compute_query_id = 'auto'; SELECT pg_reload_conf();",
        ),
        other => Check::ok(format!("compute_query_id is {other}")),
    })
}

/// The checklist as text for the terminal; every string in it is already sanitized.
pub fn render(target: &str, checks: &[Check]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "pgpulse doctor: {target}");
    for check in checks {
        let label = match check.status {
            Status::Ok => "  ok ",
            Status::Warn => "  WARN",
            Status::Fix => "  FIX ",
        };
        let _ = writeln!(out, "{label:<6} {}", check.summary);
        if let Some(fix) = &check.fix {
            let _ = writeln!(out, "         fix: {fix}");
        }
    }
    let gaps = checks.iter().filter(|c| c.status != Status::Ok).count();
    let _ = match gaps {
        0 => writeln!(out, "All checks passed."),
        n => writeln!(out, "{n} gap(s) found; each fix is above."),
    };
    out
}
