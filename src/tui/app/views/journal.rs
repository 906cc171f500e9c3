//! The actions journal table (Maintenance screen): what pgpulse ran on this server, newest
//! first, failures in red.

use super::super::App;
use super::super::table::{Cell, Column, Row, RowId, Severity, SortKey};
use super::cells::{number, text};
use crate::actions::Outcome;
use crate::actions::journal::JournalEntry;

pub fn build(app: &App) -> (Vec<Column>, Vec<Row>, bool) {
    let longest_target = app
        .journal
        .iter()
        .map(|e| e.target.chars().count())
        .max()
        .unwrap_or(0);
    let columns = vec![
        Column::text("UTC", 8, 1),
        Column::text("ACTION", 10, 2),
        Column::fitted("TARGET", longest_target, 12, 0),
        Column::text("OUTCOME", 8, 0),
        Column::number("TOOK", 6, 3),
        Column::text("MESSAGE", 24, 0),
    ];
    let rows = app
        .journal
        .iter()
        .enumerate()
        .rev()
        .map(|(index, entry)| row(index, entry))
        .collect();
    (columns, rows, true)
}

fn row(index: usize, entry: &JournalEntry) -> Row {
    let severity = match entry.outcome {
        Outcome::Ok => Severity::Normal,
        Outcome::SessionEnded | Outcome::QueryEnded | Outcome::Cancelled => Severity::Warn,
        Outcome::Warning | Outcome::Error => Severity::Crit,
    };
    let outcome = outcome_name(entry.outcome);
    Row::new(
        // Entries have no identity of their own; their position in the journal is one.
        RowId::Name(format!("journal#{index}")),
        vec![
            text(Some(&short_time(&entry.time))),
            text(Some(&entry.action)),
            text(Some(&entry.target)),
            (
                Cell {
                    text: outcome.to_string(),
                    severity,
                },
                SortKey::Text(outcome.to_string()),
            ),
            number(
                Some(entry.duration_ms as f64),
                crate::text::format::millis,
                Severity::Normal,
            ),
            text(Some(&entry.message)),
        ],
    )
}

pub fn outcome_name(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Ok => "ok",
        Outcome::Warning => "WARNING",
        Outcome::Error => "ERROR",
        Outcome::SessionEnded => "ended",
        Outcome::QueryEnded => "finished",
        Outcome::Cancelled => "stopped",
    }
}

/// `2026-11-26T18:05:12.123Z` → `18:05:12` (the detail view shows the whole time).
fn short_time(rfc3339: &str) -> String {
    rfc3339.get(11..19).unwrap_or(rfc3339).to_string()
}
