//! The actions journal table (Maintenance screen): what pgpulse ran on this server, newest
//! first, failures in red.

use super::rows::{RowWriter, TableRows};
use super::table::{Column, RowId, Severity};
use crate::actions::Outcome;
use crate::actions::journal::JournalEntry;
use crate::tui::app::App;

/// The journal's entries, newest first.
pub struct JournalRows<'a> {
    entries: &'a [JournalEntry],
}

impl<'a> JournalRows<'a> {
    /// This session's actions and the journal file's.
    pub fn new(app: &'a App) -> Self {
        Self {
            entries: app.journal(),
        }
    }
}

impl TableRows for JournalRows<'_> {
    fn columns(&self) -> Vec<Column> {
        let longest_target = self
            .entries
            .iter()
            .map(|e| e.target.chars().count())
            .max()
            .unwrap_or(0);
        vec![
            Column::text("UTC", 8, 1),
            Column::text("ACTION", 10, 2),
            Column::fitted("TARGET", longest_target, 12, 0),
            Column::text("OUTCOME", 8, 0),
            Column::number("TOOK", 6, 3),
            Column::text("MESSAGE", 24, 0),
        ]
    }

    fn len(&self) -> usize {
        self.entries.len()
    }

    /// Entries have no identity of their own; their position in the journal is one.
    fn id(&self, index: usize) -> RowId {
        RowId::Name(format!("journal#{index}"))
    }

    fn base_order(&self) -> Vec<usize> {
        (0..self.entries.len()).rev().collect()
    }

    fn fixed_order(&self) -> bool {
        true
    }

    fn write(&self, index: usize, row: &mut RowWriter) {
        let entry = &self.entries[index];
        let severity = match entry.outcome {
            Outcome::Ok => Severity::Normal,
            Outcome::SessionEnded | Outcome::QueryEnded | Outcome::Cancelled => Severity::Warn,
            Outcome::Warning | Outcome::Error => Severity::Crit,
        };
        row.text(Some(&short_time(&entry.time)));
        row.text(Some(&entry.action));
        row.text(Some(&entry.target));
        row.label(outcome_name(entry.outcome), severity);
        row.number(
            Some(entry.duration_ms as f64),
            crate::text::format::millis,
            Severity::Normal,
        );
        row.text(Some(&entry.message));
    }
}

/// The outcome in the journal's words.
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
