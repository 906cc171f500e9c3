//! The Queries screen: `pg_stat_statements` in the interval (or since the reset) on top,
//! `query_performance_log` percentiles over a window below.

use std::collections::HashMap;
use std::sync::Arc;

use ratatui::layout::Rect;

use super::activity::collapse_spaces;
use super::empty::Empty;
use super::rows::{RowWriter, TableRows, cell};
use super::state::TableId;
use super::table::{Column, RowId, Severity, SortKey, TableView};
use crate::analysis::metrics::{DeltaStatus, StatementDelta, StatementTotals};
use crate::analysis::model::SectionId;
use crate::monitor::snapshot::{QueryLatency, StatementKey};
use crate::text::format;
use crate::tui::app::App;
use crate::tui::keymap::Action;
use crate::tui::layout;

/// The Queries screen as drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct QueriesView {
    pub statements: TableView,
    pub latency: TableView,
}

/// The view of the Queries screen in `body`.
pub fn view(app: &App, body: Rect) -> QueriesView {
    let (top, bottom) = layout::queries_split(body);
    let statements = StatementRows::new(app);
    let latency = LatencyRows::new(app);
    QueriesView {
        statements: super::tables::view(
            app,
            TableId::Statements,
            top,
            &statements,
            super::tables::focused(app, TableId::Statements),
        )
        .titled(statements_title(app), statements_message(app)),
        latency: super::tables::view(
            app,
            TableId::Latency,
            bottom,
            &latency,
            super::tables::focused(app, TableId::Latency),
        )
        .titled(latency_title(app), latency_message(app)),
    }
}

fn statements_title(app: &App) -> String {
    let mut title = if app.screens().cumulative() {
        "Statements: cumulative since stats reset".to_string()
    } else {
        format!("Statements: last {}", format::duration(app.refresh()))
    };
    if let Some(caps) = app
        .model()
        .snapshot()
        .and_then(|s| s.capabilities.as_deref())
        && !caps.sees_all_stats()
    {
        // Other roles' rows come without a query id: they cannot be shown.
        title.push_str(&format!(
            " · only {}'s own statements (GRANT pg_read_all_stats TO {})",
            caps.role,
            crate::pg::quote::quote_ident(&caps.role)
        ));
    }
    if let Some(stale) = app.stale(SectionId::Statements) {
        title.push_str(&stale.title_suffix(app.now()));
    }
    title.push_str(&super::governed::suffix(
        app,
        crate::monitor::snapshot::governed::GovernedSource::Statements,
    ));
    title
}

/// Why the statements table is empty, and how to fix it when that is possible.
fn statements_message(app: &App) -> String {
    let filtered = !app.screens().table(TableId::Statements).filter.is_empty();
    let why = match app.model().snapshot().map(|s| &s.statements) {
        None => Empty::FirstPoll,
        Some(Err(error)) => Empty::Section(error),
        Some(Ok(_)) if filtered => Empty::Filtered { what: "statement" },
        Some(Ok(_)) if app.screens().cumulative() => {
            Empty::Nothing("pg_stat_statements has no entries yet".into())
        }
        Some(Ok(_)) => Empty::Nothing(match app.model().statement_deltas().status {
            DeltaStatus::FirstPoll => "first poll: rates appear after the next refresh".into(),
            DeltaStatus::Reset(reason) => {
                format!("statistics were reset ({reason}): rates resume next refresh")
            }
            DeltaStatus::Ready(_) => {
                match app
                    .keymap()
                    .hint(Action::ToggleCumulative, "shows cumulative totals")
                {
                    Some(hint) => format!("no statement ran in this interval ({hint})"),
                    None => "no statement ran in this interval".into(),
                }
            }
            DeltaStatus::Unavailable => "pg_stat_statements is not available".into(),
        }),
    };
    why.message(app.keymap())
}

/// The window, which hashes of how many (the cap is never silent), and the age of kept
/// rows.
fn latency_title(app: &App) -> String {
    let mut title = format!(
        "Latency from query_performance_log, last {}",
        format::duration(app.screens().latency_window())
    );
    if let Some(cap) = super::capped::cap_title(app, TableId::Latency) {
        title.push_str(&format!(" · {cap}"));
    }
    // The client keeps a bounded number of hashes per minute: say when more were logged.
    let folded = app
        .model()
        .slow()
        .and_then(|slow| slow.performance_log.as_ref().ok())
        .map_or(0, |log| log.folded_hashes);
    if folded > 0 {
        title.push_str(&format!(
            " · {}+ more hashes in the overall row only",
            format::thousands(i64::try_from(folded).unwrap_or(i64::MAX))
        ));
    }
    if let Some(stale) = app.stale(SectionId::PerformanceLog) {
        title.push_str(&stale.title_suffix(app.now()));
    }
    title.push_str(&super::governed::suffix(
        app,
        crate::monitor::snapshot::governed::GovernedSource::Latency,
    ));
    title
}

/// `[ and ]`: the keys that shorten and lengthen the window.
fn window_keys(app: &App) -> Option<String> {
    Some(format!(
        "{} and {}",
        app.keymap().first_key(Action::WindowShorter)?,
        app.keymap().first_key(Action::WindowLonger)?
    ))
}

fn latency_message(app: &App) -> String {
    let section = app.model().slow().map(|s| &s.performance_log);
    if section.is_some_and(|s| s.is_ok())
        && !app.screens().table(TableId::Latency).filter.is_empty()
    {
        return super::capped::no_match_message(app, TableId::Latency)
            .unwrap_or_else(|| super::empty::no_match("query hash", app.keymap()));
    }
    super::empty::of_section(section, true, None, || {
        let change = window_keys(app)
            .map(|keys| format!(" ({keys} change the window)"))
            .unwrap_or_default();
        format!(
            "no rows in query_performance_log in the last {}{change}",
            format::duration(app.screens().latency_window())
        )
    })
    .message(app.keymap())
}

/// The statements table: interval deltas, or totals since the reset when toggled.
/// pgpulse's own polling is not among the rows: the model leaves it out.
pub struct StatementRows<'a> {
    kind: Statements<'a>,
    texts: Option<&'a Arc<HashMap<StatementKey, Arc<str>>>>,
    p95_warn: f64,
}

enum Statements<'a> {
    Interval(&'a [StatementDelta]),
    Cumulative(&'a [StatementTotals]),
}

impl<'a> StatementRows<'a> {
    /// The rows the Queries screen's toggle asks for.
    pub fn new(app: &'a App) -> Self {
        let model = app.model();
        Self {
            kind: if app.screens().cumulative() {
                Statements::Cumulative(model.statement_totals())
            } else {
                Statements::Interval(&model.statement_deltas().rows)
            },
            texts: model
                .snapshot()
                .and_then(|s| s.statements.as_ref().ok())
                .map(|s| &s.texts),
            p95_warn: model.thresholds().p95_latency_ms.warn,
        }
    }

    fn query_text(&self, key: StatementKey) -> String {
        self.texts.and_then(|t| t.get(&key)).map_or_else(
            || "(text not fetched yet)".to_string(),
            |t| collapse_spaces(t),
        )
    }
}

impl TableRows for StatementRows<'_> {
    fn columns(&self) -> Vec<Column> {
        match self.kind {
            Statements::Cumulative(_) => vec![
                Column::number("CALLS", 10, 1),
                Column::number("TOTAL ms", 11, 0),
                Column::number("MEAN ms", 9, 0),
                Column::number("ROWS", 10, 2),
                Column::number("HIT %", 7, 1),
                Column::number("TEMP BLK", 9, 3),
                Column::text("QUERY", 20, 0),
            ],
            Statements::Interval(_) => vec![
                Column::number("CALLS/s", 9, 0),
                Column::number("MEAN ms", 9, 0),
                Column::number("% TIME", 7, 0),
                Column::number("ROWS/s", 9, 2),
                Column::number("HIT %", 7, 1),
                Column::number("TEMP BLK", 9, 3),
                Column::text("QUERY", 20, 0),
            ],
        }
    }

    fn len(&self) -> usize {
        match self.kind {
            Statements::Interval(rows) => rows.len(),
            Statements::Cumulative(rows) => rows.len(),
        }
    }

    fn id(&self, index: usize) -> RowId {
        match self.kind {
            Statements::Interval(rows) => RowId::Statement(rows[index].key),
            Statements::Cumulative(rows) => RowId::Statement(rows[index].key),
        }
    }

    fn write(&self, index: usize, row: &mut RowWriter) {
        let key = match self.kind {
            Statements::Cumulative(rows) => {
                let t = &rows[index];
                row.number(Some(t.calls as f64), format::quantity, Severity::Normal);
                row.number(Some(t.total_exec_time_ms), format::millis, Severity::Normal);
                row.number(
                    t.mean_ms,
                    format::millis,
                    latency_severity(t.mean_ms, self.p95_warn),
                );
                row.number(Some(t.rows as f64), format::quantity, Severity::Normal);
                row.ratio(t.shared_hit_ratio, Severity::Normal);
                row.number(Some(t.temp_blks as f64), format::quantity, Severity::Normal);
                t.key
            }
            Statements::Interval(rows) => {
                let d = &rows[index];
                row.number(Some(d.calls_per_sec), format::quantity, Severity::Normal);
                row.number(
                    d.mean_ms,
                    format::millis,
                    latency_severity(d.mean_ms, self.p95_warn),
                );
                row.ratio(Some(d.share_of_total_time), Severity::Normal);
                row.number(Some(d.rows_per_sec), format::quantity, Severity::Normal);
                row.ratio(d.shared_hit_ratio, Severity::Normal);
                row.number(Some(d.temp_blks as f64), format::quantity, Severity::Normal);
                d.key
            }
        };
        row.push(|| SortKey::Missing, || cell(self.query_text(key)));
    }
}

fn latency_severity(ms: Option<f64>, warn_ms: f64) -> Severity {
    match ms {
        Some(v) if v >= warn_ms => Severity::Warn,
        _ => Severity::Normal,
    }
}

/// The `query_performance_log` percentiles table.
pub struct LatencyRows<'a> {
    queries: &'a [QueryLatency],
    p95_warn: f64,
}

impl<'a> LatencyRows<'a> {
    /// The query hashes of the window read last.
    pub fn new(app: &'a App) -> Self {
        Self {
            queries: app
                .model()
                .slow()
                .and_then(|slow| slow.performance_log.as_ref().ok())
                .map_or(&[], |log| log.queries.as_slice()),
            p95_warn: app.model().thresholds().p95_latency_ms.warn,
        }
    }
}

impl TableRows for LatencyRows<'_> {
    fn columns(&self) -> Vec<Column> {
        vec![
            Column::text("QUERY HASH", 16, 0),
            Column::number("COUNT", 8, 0),
            Column::number("P50 ms", 8, 1),
            Column::number("P95 ms", 8, 0),
            Column::number("P99 ms", 8, 1),
            Column::number("MAX ms", 8, 2),
            Column::number("SLOW", 6, 0),
            Column::number("EXAM/RET", 9, 3),
        ]
    }

    fn len(&self) -> usize {
        self.queries.len()
    }

    fn id(&self, index: usize) -> RowId {
        RowId::QueryHash(self.queries[index].query_hash.clone().unwrap_or_default())
    }

    fn write(&self, index: usize, row: &mut RowWriter) {
        let q = &self.queries[index];
        let hash = q.query_hash.as_deref().unwrap_or_default();
        row.push(|| SortKey::Text(hash.to_string()), || cell(hash));
        row.number(Some(q.count as f64), format::quantity, Severity::Normal);
        row.number(Some(q.p50_ms), format::millis, Severity::Normal);
        row.number(
            Some(q.p95_ms),
            format::millis,
            latency_severity(Some(q.p95_ms), self.p95_warn),
        );
        row.number(Some(q.p99_ms), format::millis, Severity::Normal);
        row.number(Some(q.max_ms), format::millis, Severity::Normal);
        row.number(
            Some(q.slow_count as f64),
            format::quantity,
            if q.slow_count > 0 {
                Severity::Warn
            } else {
                Severity::Normal
            },
        );
        let ratio = (q.rows_returned > 0).then(|| q.rows_examined as f64 / q.rows_returned as f64);
        row.number(ratio, |r| format!("{r:.1}x"), Severity::Normal);
    }
}
