//! doctor's checks of the monitoring tables: present, readable by this role (not merely
//! visible), and indexed for the read pgpulse does on every slow poll, with that read
//! run once and timed so a missing index comes with its measured cost.

use std::time::{Duration, Instant};

use tokio_postgres::Row;

use super::{Check, Status};
use crate::monitor::poller::PollerConfig;
use crate::pg::queries::{
    CACHE_SNAPSHOT_HISTORY_SQL, DOCTOR_MONITORING_TABLES_SQL, PERFORMANCE_LOG_SQL,
};
use crate::pg::quote::quote_ident;
use crate::pg::session::{MonitorSession, SessionError};
use crate::text::format;
use crate::text::sanitize::sanitized;

/// What the catalogs say about one monitoring table.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct TableFacts {
    pub name: String,
    pub present: bool,
    /// `schema.table`, quoted where needed.
    pub qualified: Option<String>,
    pub readable: bool,
    /// `reltuples`; negative when never vacuumed or analyzed.
    pub estimated_rows: i64,
    /// The leading key columns the collector's read needs; `None`: no index expected.
    pub index_columns: Option<Vec<String>>,
    pub valid_index: Option<String>,
    /// An invalid leftover of a failed concurrent build on those columns.
    pub invalid_index: Option<String>,
}

/// How long the collector's read of the table took, run once by doctor.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum ReadCost {
    Took {
        elapsed: Duration,
        what: &'static str,
    },
    /// The monitoring session's statement_timeout cancelled it.
    TimedOut {
        what: &'static str,
    },
    Failed(String),
    /// Not run: the role may not read the table.
    NotMeasured,
}

/// The index `pgpulse schema install` creates for each table's read (same names).
fn index_name(table: &str) -> Option<&'static str> {
    match table {
        "query_performance_log" => Some("query_performance_log_executed_at_idx"),
        "database_statistics_snapshot" => Some("database_statistics_snapshot_table_date_idx"),
        _ => None,
    }
}

/// Every monitoring table's checks, reading the catalogs and running each collector's
/// read once on the monitoring session (read-only, with its statement_timeout).
pub async fn table_checks(session: &mut MonitorSession, role: &str) -> Result<Vec<Check>, String> {
    let rows = session
        .query(DOCTOR_MONITORING_TABLES_SQL, &[])
        .await
        .map_err(|e| format!("reading the monitoring tables' catalog entries: {e}"))?;
    let mut checks = Vec::new();
    for row in &rows {
        let facts = facts_from(row).map_err(|e| sanitized(&e.to_string()))?;
        let cost = if facts.present && facts.readable {
            measure(session, &facts.name).await
        } else {
            ReadCost::NotMeasured
        };
        checks.extend(judge(&facts, &cost, role));
    }
    Ok(checks)
}

fn facts_from(row: &Row) -> Result<TableFacts, tokio_postgres::Error> {
    let text = |name: &str| -> Result<Option<String>, tokio_postgres::Error> {
        Ok(row
            .try_get::<_, Option<String>>(name)?
            .map(|s| sanitized(&s)))
    };
    Ok(TableFacts {
        name: sanitized(&row.try_get::<_, String>("table_name")?),
        present: row.try_get("present")?,
        qualified: text("qualified_name")?,
        readable: row.try_get("readable")?,
        estimated_rows: row.try_get("estimated_rows")?,
        index_columns: row.try_get("index_columns")?,
        valid_index: text("valid_index")?,
        invalid_index: text("invalid_index")?,
    })
}

/// Runs the read the slow tier does, with the default window, and times it.
async fn measure(session: &mut MonitorSession, table: &str) -> ReadCost {
    let defaults = PollerConfig::default();
    let started = Instant::now();
    let (what, outcome) = match table {
        "query_performance_log" => {
            let window = defaults.latency_window.as_secs_f64();
            let threshold = defaults.slow_query_threshold.as_secs_f64() * 1000.0;
            // No search: every query hash, as the Queries screen reads it.
            let search: Option<&str> = None;
            let rows = session
                .query(PERFORMANCE_LOG_SQL, &[&window, &threshold, &search])
                .await;
            ("the last 15 min", rows)
        }
        "database_statistics_snapshot" => {
            let window = defaults.history_window.as_secs_f64();
            let rows = session.query(CACHE_SNAPSHOT_HISTORY_SQL, &[&window]).await;
            ("the last 24 h", rows)
        }
        _ => return ReadCost::NotMeasured,
    };
    match outcome {
        Ok(_) => ReadCost::Took {
            elapsed: started.elapsed(),
            what,
        },
        Err(SessionError::Query(line)) if line.contains("57014") => ReadCost::TimedOut { what },
        Err(error) => ReadCost::Failed(error.to_string()),
    }
}

/// The checklist lines for one table.
pub(super) fn judge(facts: &TableFacts, cost: &ReadCost, role: &str) -> Vec<Check> {
    let table = &facts.name;
    if !facts.present {
        return vec![Check::gap(
            Status::Warn,
            format!("table {table} not found in the search path (its panel part stays empty)"),
            "pgpulse schema install   (add --dry-run to see the DDL first)",
        )];
    }
    let qualified = facts.qualified.as_deref().unwrap_or(table);
    let mut checks = Vec::new();
    if !facts.readable {
        checks.push(Check::gap(
            Status::Fix,
            format!(
                "table {table} is there but role {} may not read it (its panel part stays empty)",
                quote_ident(role)
            ),
            format!("GRANT SELECT ON {qualified} TO {};", quote_ident(role)),
        ));
    }
    let rows = match facts.estimated_rows {
        n if n < 0 => "rows not yet counted (never analyzed)".to_string(),
        n => format!("~{} rows", format::thousands(n)),
    };
    let (Some(columns), Some(index)) = (&facts.index_columns, index_name(table)) else {
        if facts.readable {
            checks.push(Check::ok(format!(
                "table {table} present and readable ({rows})"
            )));
        }
        return checks;
    };
    let columns = columns.join(", ");
    if let Some(existing) = &facts.valid_index {
        if facts.readable {
            checks.push(Check::ok(format!(
                "table {table} readable, indexed on ({columns}) by {existing}{}",
                cost_words(cost, "; ")
            )));
        }
        return checks;
    }
    let create = format!("CREATE INDEX CONCURRENTLY {index} ON {qualified} ({columns});");
    let fix = match &facts.invalid_index {
        Some(invalid) => format!("DROP INDEX CONCURRENTLY {invalid}; {create}"),
        None => create,
    };
    let leftover = match &facts.invalid_index {
        Some(invalid) => format!(" ({invalid} is an invalid leftover of a failed build)"),
        None => String::new(),
    };
    let cost = match cost {
        ReadCost::NotMeasured => "; the read was not measured (no SELECT privilege)".to_string(),
        other => cost_words(other, ": "),
    };
    checks.push(Check::gap(
        Status::Fix,
        format!("table {table} has no index on ({columns}){leftover}, {rows}{cost}"),
        fix,
    ));
    checks
}

/// "one read of the last 15 min takes 412 ms", after `lead`; empty when not measured.
fn cost_words(cost: &ReadCost, lead: &str) -> String {
    match cost {
        ReadCost::Took { elapsed, what } => format!(
            "{lead}one read of {what} takes {}",
            format::millis_unit(elapsed.as_secs_f64() * 1000.0)
        ),
        ReadCost::TimedOut { what } => format!(
            "{lead}one read of {what} did not finish within the monitoring statement_timeout"
        ),
        ReadCost::Failed(line) => format!("{lead}its read failed: {line}"),
        ReadCost::NotMeasured => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log_table() -> TableFacts {
        TableFacts {
            name: "query_performance_log".into(),
            present: true,
            qualified: Some("public.query_performance_log".into()),
            readable: true,
            estimated_rows: 2_000_000,
            index_columns: Some(vec!["executed_at".into()]),
            valid_index: None,
            invalid_index: None,
        }
    }

    fn took(ms: u64) -> ReadCost {
        ReadCost::Took {
            elapsed: Duration::from_millis(ms),
            what: "the last 15 min",
        }
    }

    #[test]
    fn a_missing_index_is_a_fix_with_the_exact_statement_and_the_measured_cost() {
        let checks = judge(&log_table(), &took(412), "monitor");
        assert_eq!(checks.len(), 1, "{checks:?}");
        assert_eq!(checks[0].status, Status::Fix);
        assert_eq!(
            checks[0].summary,
            "table query_performance_log has no index on (executed_at), ~2,000,000 rows: one \
             read of the last 15 min takes 412 ms"
        );
        assert_eq!(
            checks[0].fix.as_deref(),
            Some(
                "CREATE INDEX CONCURRENTLY query_performance_log_executed_at_idx ON \
                 public.query_performance_log (executed_at);"
            )
        );
    }

    #[test]
    fn an_invalid_leftover_is_dropped_first() {
        let mut facts = log_table();
        facts.invalid_index = Some("public.query_performance_log_executed_at_idx".into());
        let checks = judge(&facts, &took(5), "monitor");
        let fix = checks[0].fix.as_deref().unwrap_or_default();
        assert!(
            fix.starts_with(
                "DROP INDEX CONCURRENTLY public.query_performance_log_executed_at_idx; CREATE INDEX CONCURRENTLY"
            ),
            "{fix}"
        );
    }

    #[test]
    fn an_unreadable_table_is_a_fix_with_the_grant_not_ok_present() {
        let mut facts = log_table();
        facts.readable = false;
        facts.valid_index = Some("public.query_performance_log_executed_at_idx".into());
        let checks = judge(&facts, &ReadCost::NotMeasured, "Plain Role");
        assert_eq!(checks.len(), 1, "{checks:?}");
        assert_eq!(checks[0].status, Status::Fix);
        assert_eq!(
            checks[0].fix.as_deref(),
            Some("GRANT SELECT ON public.query_performance_log TO \"Plain Role\";")
        );
    }

    #[test]
    fn a_readable_indexed_table_is_ok_with_its_read_time() {
        let mut facts = log_table();
        facts.valid_index = Some("public.query_performance_log_executed_at_idx".into());
        let checks = judge(&facts, &took(3), "monitor");
        assert_eq!(checks.len(), 1);
        assert_eq!(checks[0].status, Status::Ok);
        assert!(
            checks[0]
                .summary
                .ends_with("one read of the last 15 min takes 3.00 ms"),
            "{}",
            checks[0].summary
        );
    }

    #[test]
    fn an_absent_table_points_to_schema_install() {
        let facts = TableFacts {
            present: false,
            qualified: None,
            readable: false,
            ..log_table()
        };
        let checks = judge(&facts, &ReadCost::NotMeasured, "monitor");
        assert_eq!(checks[0].status, Status::Warn);
        assert!(
            checks[0]
                .fix
                .as_deref()
                .is_some_and(|f| f.starts_with("pgpulse schema install"))
        );
    }
}
