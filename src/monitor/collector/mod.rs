//! Collectors: one module per source, each owning its SQL (`queries/*.sql`, picked by
//! server version and, for `pg_stat_statements`, by the *installed* extension version)
//! and mapping rows into the plain structs of [`crate::monitor::snapshot`] by column name.
//!
//! Every collector returns a [`Section`], so one failing source degrades only its panel:
//! [`SectionError::Failed`] when a round trip failed, [`SectionError::Unavailable`] with
//! the exact fix when the source is missing or unreadable.
//!
//! Tiers (the poller decides when each runs):
//! - fast (every refresh): [`collect_server`], [`collect_activity`],
//!   [`collect_databases`], [`collect_statements`] (counters without text; texts only
//!   for new statements);
//! - slow (every ~15 s, costlier or slow-moving): [`collect_performance_log`],
//!   [`collect_table_totals`].

mod activity;
pub mod cache;
mod database;
pub mod detail;
pub mod indexes;
mod maintenance;
mod maintenance_reloptions;
mod performance_log;
mod pgbouncer;
mod progress;
mod server;
mod statement_texts;
mod statements;
mod tables;
mod task_history;
mod wraparound;

use std::time::Duration;

pub use activity::collect_activity;
pub use cache::{
    collect_snapshot_history, collect_table_cache, collect_table_cache_capped, growth_per_day,
};
pub use database::collect_databases;
pub use detail::{DetailData, DetailRequest, fetch_detail};
pub use indexes::{
    collect_indexes, collect_table_scans, collect_table_scans_capped, missing_index_hint,
};
pub use maintenance::{
    collect_statistics_since, collect_table_maintenance, collect_table_maintenance_capped,
};
pub use performance_log::{collect_performance_log, collect_performance_log_capped};
pub use pgbouncer::{PgBouncerClient, collect_pgbouncer};
pub use progress::collect_progress;
pub use server::collect_server;
pub use statement_texts::StatementTextCache;
pub use statements::collect_statements;
pub use tables::collect_table_totals;
pub use task_history::{collect_task_history, collect_task_history_capped};
pub use wraparound::{XID_HARD_LIMIT, collect_wraparound, collect_wraparound_capped};

use crate::monitor::snapshot::SectionError;
use crate::pg::session::SessionError;
use crate::text::sanitize::sanitized;

/// How a capped query's rows were read: `column` (a `count(*) OVER ()`) on any row is
/// the number before the LIMIT; no row means none matched.
fn list_cap(
    rows: &[tokio_postgres::Row],
    column: &str,
    shown: usize,
    search: Option<&str>,
) -> Result<crate::monitor::snapshot::ListCap, SectionError> {
    let total = match rows.first() {
        Some(row) => row.try_get(column).map_err(bad_row)?,
        None => 0,
    };
    Ok(crate::monitor::snapshot::ListCap {
        shown,
        total,
        search: search.map(str::to_string),
    })
}

/// A failed round trip: its Display is already one sanitized line.
fn query_failed(error: SessionError) -> SectionError {
    SectionError::Failed(error.to_string())
}

/// A row that does not have the expected shape (a column missing or of another type).
fn bad_row(error: tokio_postgres::Error) -> SectionError {
    SectionError::Failed(sanitized(&format!("unexpected row: {error}")))
}

/// Seconds measured on the server as a duration; NULL, negative (clock adjustments,
/// `query_start` of a backend that has not run anything yet) and NaN give `None`.
fn seconds(value: Option<f64>) -> Option<Duration> {
    value.and_then(|s| Duration::try_from_secs_f64(s).ok())
}

/// The SQLSTATE of a server error. The session reports server errors as
/// `"{severity} {sqlstate}: {message}"`; the code is the second word.
fn sqlstate(error: &SessionError) -> Option<&str> {
    match error {
        SessionError::Query(line) => line
            .split(' ')
            .nth(1)
            .and_then(|word| word.strip_suffix(':'))
            .filter(|code| code.len() == 5),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_reject_what_is_not_an_age() {
        assert_eq!(seconds(Some(1.5)), Some(Duration::from_millis(1500)));
        assert_eq!(seconds(Some(0.0)), Some(Duration::ZERO));
        assert_eq!(seconds(Some(-0.2)), None);
        assert_eq!(seconds(Some(f64::NAN)), None);
        assert_eq!(seconds(None), None);
    }

    #[test]
    fn sqlstate_is_read_from_server_errors_only() {
        let undefined = SessionError::Query(
            "ERROR 42883: function pg_stat_statements(showtext => boolean) does not exist".into(),
        );
        assert_eq!(sqlstate(&undefined), Some("42883"));
        assert_eq!(sqlstate(&SessionError::Lost("ERROR 42883: x".into())), None);
        assert_eq!(sqlstate(&SessionError::Query("odd message".into())), None);
    }
}
