//! The Pool screen's per-database table: every database's connections, TPS, cache hit
//! ratio, temp bytes, deadlocks, recovery conflicts and size, the one pgpulse is
//! connected to marked `●`. On the Pool screen because connections per database are one
//! more breakdown of who holds the server's slots, next to those by application, user and
//! client (and the Dashboard has no row to spare at 80x24).

use super::empty::Empty;
use super::rows::{RowWriter, TableRows, cell, warn_if};
use super::table::{Column, RowId, Severity, SortKey};
use crate::analysis::databases::DatabaseRow;
use crate::analysis::metrics::Thresholds;
use crate::text::format;
use crate::tui::app::App;

/// The connected database's mark.
const CONNECTED: &str = "●";

/// One row per database, as the model computed them.
pub struct DatabaseRows<'a> {
    rows: &'a [DatabaseRow],
    thresholds: &'a Thresholds,
}

impl<'a> DatabaseRows<'a> {
    /// The databases of the newest poll.
    pub fn new(app: &'a App) -> Self {
        Self {
            rows: app.model().databases(),
            thresholds: app.model().thresholds(),
        }
    }
}

impl TableRows for DatabaseRows<'_> {
    fn columns(&self) -> Vec<Column> {
        let longest = self
            .rows
            .iter()
            .map(|r| crate::tui::fit::width(&r.name))
            .max()
            .unwrap_or(0);
        // The mark first: the name is the last text column, which takes the spare width,
        // so the numbers line up on the right as in the other Pool tables.
        vec![
            Column::text(CONNECTED, 1, 0),
            Column::fitted("DATABASE", longest, 14, 0),
            Column::number("CONN", 5, 0),
            Column::number("TPS", 7, 0),
            Column::number("HIT", 6, 0),
            Column::number("TEMP/s", 9, 1),
            Column::number("DEADLOCKS", 9, 2),
            Column::number("CONFLICTS", 9, 3),
            Column::number("SIZE", 9, 0),
        ]
    }

    fn len(&self) -> usize {
        self.rows.len()
    }

    fn id(&self, index: usize) -> RowId {
        RowId::Name(self.rows[index].name.clone())
    }

    fn write(&self, index: usize, row: &mut RowWriter) {
        let db = &self.rows[index];
        row.push(
            || SortKey::Number(f64::from(u8::from(db.connected))),
            || cell(if db.connected { CONNECTED } else { "" }),
        );
        row.label(&db.name, Severity::Normal);
        row.count(i64::from(db.connections));
        row.number(db.tps, format::quantity, Severity::Normal);
        cache_hit(row, db, self.thresholds);
        row.number(
            db.temp_bytes_per_sec,
            |b| format::bytes(b as i64),
            warn_if(db.temp_bytes_per_sec.is_some_and(|b| b > 0.0)),
        );
        // Totals since the statistics began; new ones in the interval colour them.
        row.number(
            Some(db.deadlocks as f64),
            format::quantity,
            warn_if(db.new_deadlocks.is_some_and(|n| n > 0)),
        );
        row.number(
            Some(db.conflicts as f64),
            format::quantity,
            warn_if(db.new_conflicts.is_some_and(|n| n > 0)),
        );
        match db.size_bytes {
            Some(bytes) => row.bytes(bytes),
            // Sizes are read on the slow tier: not yet, or not allowed.
            None => row.push(
                || SortKey::Missing,
                || super::table::Cell {
                    text: "…".into(),
                    severity: Severity::Muted,
                },
            ),
        }
    }
}

/// The interval's hit ratio, judged by the cache thresholds; when the interval read
/// nothing, the cumulative one in muted `~98.0%` (never a false 0 or 100).
fn cache_hit(row: &mut RowWriter, db: &DatabaseRow, thresholds: &Thresholds) {
    match (db.cache_hit, db.cache_hit_cumulative) {
        (Some(ratio), _) => row.ratio(
            Some(ratio),
            Severity::judged(thresholds.cache_hit_level(ratio)),
        ),
        (None, Some(ratio)) => row.number(
            Some(ratio),
            |r| format!("~{}", format::percent(Some(r))),
            Severity::Muted,
        ),
        (None, None) => row.text(None),
    }
}

/// Why the table has no rows.
pub fn empty(app: &App) -> String {
    match app.model().snapshot().map(|s| &s.databases) {
        None => Empty::FirstPoll.message(app.keymap()),
        Some(Err(error)) => Empty::CouldNotRead {
            source: "pg_stat_database",
            error,
        }
        .message(app.keymap()),
        Some(Ok(_)) => super::empty::no_match("database", app.keymap()),
    }
}
