//! What every collector shares: a failed round trip or a row of the wrong shape as the
//! section's error, ages measured on the server as durations, the SQLSTATE of a server
//! error, and the cap of a capped read.

use std::time::Duration;

use crate::monitor::snapshot::{Section, SectionError};
use crate::pg::session::SessionError;
use crate::text::sanitize::sanitized;

/// How a capped query's rows were read: `column` (a `count(*) OVER ()`) on any row is
/// the number before the LIMIT; no row means none matched.
pub(super) fn list_cap(
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
pub(super) fn query_failed(error: SessionError) -> SectionError {
    SectionError::Failed(error.to_string())
}

/// A row that does not have the expected shape (a column missing or of another type).
pub(super) fn bad_row(error: tokio_postgres::Error) -> SectionError {
    SectionError::Failed(sanitized(&format!("unexpected row: {error}")))
}

/// Seconds measured on the server as a duration; NULL and NaN give `None`.
///
/// Ages are `now() - <timestamp>`, and `now()` is the start of the poll's transaction: a
/// query that began between that instant and the moment the view was read comes out a
/// few milliseconds negative. It began just now, so it reads 0 (on a busy server that is
/// most fast statements, and a missing age would hide them from "oldest first"). Far
/// negative values only come from clock adjustments and stay unknown.
pub(super) fn seconds(value: Option<f64>) -> Option<Duration> {
    /// Larger than any poll takes to read its views; smaller than a clock step.
    const JUST_NOW_S: f64 = -60.0;
    match value {
        Some(s) if (JUST_NOW_S..0.0).contains(&s) => Some(Duration::ZERO),
        other => other.and_then(|s| Duration::try_from_secs_f64(s).ok()),
    }
}

/// The SQLSTATE of a server error. The session reports server errors as
/// `"{severity} {sqlstate}: {message}"`; the code is the second word.
pub(super) fn sqlstate(error: &SessionError) -> Option<&str> {
    match error {
        SessionError::Query(line) => line
            .split(' ')
            .nth(1)
            .and_then(|word| word.strip_suffix(':'))
            .filter(|code| code.len() == 5),
        _ => None,
    }
}

/// A text column, sanitized (names and hosts come from the server and its clients).
pub(super) fn opt_text(row: &tokio_postgres::Row, name: &str) -> Section<Option<String>> {
    Ok(row
        .try_get::<_, Option<&str>>(name)
        .map_err(bad_row)?
        .map(sanitized))
}

/// A byte count read as float8 (the SQL casts numeric LSN distances and sums so they
/// need no numeric decoding): rounded, saturating; NULL and NaN give `None`.
pub(super) fn bytes(value: Option<f64>) -> Option<i64> {
    // `as` saturates at the i64 bounds, which no real WAL distance reaches.
    value.filter(|v| v.is_finite()).map(|v| v.round() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_reject_what_is_not_an_age() {
        assert_eq!(seconds(Some(1.5)), Some(Duration::from_millis(1500)));
        assert_eq!(seconds(Some(0.0)), Some(Duration::ZERO));
        // Began after the poll's now(): just now.
        assert_eq!(seconds(Some(-0.2)), Some(Duration::ZERO));
        // A clock step backwards: unknown.
        assert_eq!(seconds(Some(-3600.0)), None);
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
