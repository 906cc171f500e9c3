//! The Queries screen: `pg_stat_statements` in the interval (or cumulative) on top,
//! `query_performance_log` percentiles over a window below.
//!
//! ```text
//! ┌ Statements: last 1s (35) ─────────────────────────────────────────────┐
//! │ CALLS/s  MEAN ms  % TIME  ROWS/s  HIT %  TEMP BLK  QUERY              │
//! ├ Latency from query_performance_log, last 15m (12) ────────────────────┤
//! │ QUERY HASH  COUNT  P50 ms  P95 ms  P99 ms  MAX ms  SLOW  EXAM/RET     │
//! └───────────────────────────────────────────────────────────────────────┘
//! ```

use ratatui::Frame;
use ratatui::layout::Rect;

use super::table::{TableView, render_table};
use crate::analysis::metrics::DeltaStatus;
use crate::analysis::model::SectionId;
use crate::text::format;
use crate::tui::app::capped;
use crate::tui::app::{App, TableId};
use crate::tui::keymap::Action;
use crate::tui::layout;

/// `[ and ]`: the keys that shorten and lengthen the window.
fn window_keys(app: &App) -> Option<String> {
    Some(format!(
        "{} and {}",
        app.keymap.first_key(Action::WindowShorter)?,
        app.keymap.first_key(Action::WindowLonger)?
    ))
}

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let (top, bottom) = layout::queries_split(area);
    let statements_title = if app.cumulative {
        "Statements: cumulative since stats reset".to_string()
    } else {
        format!("Statements: last {}", format::duration(app.refresh))
    };
    let mut statements_title = statements_title;
    if let Some(caps) = app.model.snapshot().and_then(|s| s.capabilities.as_deref())
        && !caps.sees_all_stats()
    {
        // Other roles' rows come without a query id: they cannot be shown.
        statements_title.push_str(&format!(
            " · only {}'s own statements (GRANT pg_read_all_stats TO {})",
            caps.role,
            crate::pg::quote::quote_ident(&caps.role)
        ));
    }
    if let Some(stale) = app.stale(SectionId::Statements) {
        statements_title.push_str(&stale.title_suffix(app.now));
    }
    let statements_empty = statements_message(app);
    render_table(
        frame,
        top,
        app.tables.model(TableId::Statements),
        app.tables.state(TableId::Statements),
        &TableView {
            title: statements_title,
            focused: app.focused_table_id() == Some(TableId::Statements),
            empty_message: &statements_empty,
        },
        &app.theme,
    );
    let latency_empty = latency_message(app);
    render_table(
        frame,
        bottom,
        app.tables.model(TableId::Latency),
        app.tables.state(TableId::Latency),
        &TableView {
            title: latency_title(app),
            focused: app.focused_table_id() == Some(TableId::Latency),
            empty_message: &latency_empty,
        },
        &app.theme,
    );
}

/// Why the statements table is empty, and how to fix it when that is possible.
fn statements_message(app: &App) -> String {
    match app.model.snapshot().map(|s| &s.statements) {
        None => "waiting for the first poll…".into(),
        Some(Err(error)) => error.to_string(),
        Some(Ok(_)) if !app.tables.state(TableId::Statements).filter.is_empty() => {
            crate::tui::app::views::no_match("statement", &app.keymap)
        }
        Some(Ok(_)) if app.cumulative => "pg_stat_statements has no entries yet".into(),
        Some(Ok(_)) => match app.model.statement_deltas().status {
            DeltaStatus::FirstPoll => "first poll: rates appear after the next refresh".into(),
            DeltaStatus::Reset(reason) => {
                format!("statistics were reset ({reason}): rates resume next refresh")
            }
            DeltaStatus::Ready(_) => {
                match app
                    .keymap
                    .hint(Action::ToggleCumulative, "shows cumulative totals")
                {
                    Some(hint) => format!("no statement ran in this interval ({hint})"),
                    None => "no statement ran in this interval".into(),
                }
            }
            DeltaStatus::Unavailable => "pg_stat_statements is not available".into(),
        },
    }
}

/// The window, which hashes of how many (the cap is never silent), and the age of kept
/// rows.
fn latency_title(app: &App) -> String {
    let mut title = format!(
        "Latency from query_performance_log, last {}",
        format::duration(app.latency_window)
    );
    if let Some(cap) = capped::cap_title(app, TableId::Latency) {
        title.push_str(&format!(" · {cap}"));
    }
    if let Some(stale) = app.stale(SectionId::PerformanceLog) {
        title.push_str(&stale.title_suffix(app.now));
    }
    title
}

fn latency_message(app: &App) -> String {
    match app
        .model
        .snapshot()
        .and_then(|s| s.slow.as_ref())
        .map(|s| &s.performance_log)
    {
        None => "waiting for the first slow-tier poll…".into(),
        Some(Err(error)) => error.to_string(),
        Some(Ok(_)) if !app.tables.state(TableId::Latency).filter.is_empty() => {
            capped::no_match_message(app, TableId::Latency)
                .unwrap_or_else(|| crate::tui::app::views::no_match("query hash", &app.keymap))
        }
        Some(Ok(_)) => {
            let change = window_keys(app)
                .map(|keys| format!(" ({keys} change the window)"))
                .unwrap_or_default();
            format!(
                "no rows in query_performance_log in the last {}{change}",
                format::duration(app.latency_window)
            )
        }
    }
}
