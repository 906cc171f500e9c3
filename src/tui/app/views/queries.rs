//! The Queries screen's tables: pg_stat_statements per statement, and the latency
//! percentiles from query_performance_log.

use super::super::App;
use super::super::table::{Column, Row, RowId, Severity, SortKey};
use super::cells::{cell, number};
use super::collapse_spaces;
use crate::text::format;

/// The statements table: interval deltas, or cumulative totals when toggled.
pub fn statements(app: &App) -> (Vec<Column>, Vec<Row>) {
    let texts = app
        .model
        .snapshot()
        .and_then(|s| s.statements.as_ref().ok())
        .map(|s| s.texts.clone());
    let query_text = |key| {
        texts.as_ref().and_then(|t| t.get(&key)).map_or_else(
            || "(text not fetched yet)".to_string(),
            |t| collapse_spaces(t),
        )
    };
    let p95_warn = app.model.thresholds().p95_latency_ms.warn;
    // pgpulse's own polling is not among the rows: `metrics` leaves it out.
    if app.cumulative {
        let columns = vec![
            Column::number("CALLS", 10, 1),
            Column::number("TOTAL ms", 11, 0),
            Column::number("MEAN ms", 9, 0),
            Column::number("ROWS", 10, 2),
            Column::number("HIT %", 7, 1),
            Column::number("TEMP BLK", 9, 3),
            Column::text("QUERY", 20, 0),
        ];
        let rows = app
            .model
            .statement_totals()
            .iter()
            .map(|t| {
                Row::new(
                    RowId::Statement(t.key),
                    vec![
                        number(Some(t.calls as f64), format::quantity, Severity::Normal),
                        number(Some(t.total_exec_time_ms), format::millis, Severity::Normal),
                        number(
                            t.mean_ms,
                            format::millis,
                            latency_severity(t.mean_ms, p95_warn),
                        ),
                        number(Some(t.rows as f64), format::quantity, Severity::Normal),
                        number(
                            t.shared_hit_ratio,
                            |r| format::percent(Some(r)),
                            Severity::Normal,
                        ),
                        number(Some(t.temp_blks as f64), format::quantity, Severity::Normal),
                        (cell(query_text(t.key)), SortKey::Missing),
                    ],
                )
            })
            .collect();
        return (columns, rows);
    }
    let columns = vec![
        Column::number("CALLS/s", 9, 0),
        Column::number("MEAN ms", 9, 0),
        Column::number("% TIME", 7, 0),
        Column::number("ROWS/s", 9, 2),
        Column::number("HIT %", 7, 1),
        Column::number("TEMP BLK", 9, 3),
        Column::text("QUERY", 20, 0),
    ];
    let rows = app
        .model
        .statement_deltas()
        .rows
        .iter()
        .map(|d| {
            Row::new(
                RowId::Statement(d.key),
                vec![
                    number(Some(d.calls_per_sec), format::quantity, Severity::Normal),
                    number(
                        d.mean_ms,
                        format::millis,
                        latency_severity(d.mean_ms, p95_warn),
                    ),
                    number(
                        Some(d.share_of_total_time),
                        |r| format::percent(Some(r)),
                        Severity::Normal,
                    ),
                    number(Some(d.rows_per_sec), format::quantity, Severity::Normal),
                    number(
                        d.shared_hit_ratio,
                        |r| format::percent(Some(r)),
                        Severity::Normal,
                    ),
                    number(Some(d.temp_blks as f64), format::quantity, Severity::Normal),
                    (cell(query_text(d.key)), SortKey::Missing),
                ],
            )
        })
        .collect();
    (columns, rows)
}

fn latency_severity(ms: Option<f64>, warn_ms: f64) -> Severity {
    match ms {
        Some(v) if v >= warn_ms => Severity::Warn,
        _ => Severity::Normal,
    }
}

/// The `query_performance_log` percentiles table.
pub fn latency(app: &App) -> (Vec<Column>, Vec<Row>) {
    let columns = vec![
        Column::text("QUERY HASH", 16, 0),
        Column::number("COUNT", 8, 0),
        Column::number("P50 ms", 8, 1),
        Column::number("P95 ms", 8, 0),
        Column::number("P99 ms", 8, 1),
        Column::number("MAX ms", 8, 2),
        Column::number("SLOW", 6, 0),
        Column::number("EXAM/RET", 9, 3),
    ];
    let Some(Ok(log)) = app
        .model
        .snapshot()
        .and_then(|s| s.slow.as_ref())
        .map(|slow| &slow.performance_log)
    else {
        return (columns, vec![]);
    };
    let p95_warn = app.model.thresholds().p95_latency_ms.warn;
    let rows = log
        .queries
        .iter()
        .map(|q| {
            let hash = q.query_hash.clone().unwrap_or_default();
            let ratio =
                (q.rows_returned > 0).then(|| q.rows_examined as f64 / q.rows_returned as f64);
            Row::new(
                RowId::QueryHash(hash.clone()),
                vec![
                    (cell(hash.clone()), SortKey::Text(hash)),
                    number(Some(q.count as f64), format::quantity, Severity::Normal),
                    number(Some(q.p50_ms), format::millis, Severity::Normal),
                    number(
                        Some(q.p95_ms),
                        format::millis,
                        latency_severity(Some(q.p95_ms), p95_warn),
                    ),
                    number(Some(q.p99_ms), format::millis, Severity::Normal),
                    number(Some(q.max_ms), format::millis, Severity::Normal),
                    number(
                        Some(q.slow_count as f64),
                        format::quantity,
                        if q.slow_count > 0 {
                            Severity::Warn
                        } else {
                            Severity::Normal
                        },
                    ),
                    number(ratio, |r| format!("{r:.1}x"), Severity::Normal),
                ],
            )
        })
        .collect();
    (columns, rows)
}
