//! The Maintenance screen's smaller panels: commands running now, transaction ID
//! wraparound, and the scheduled task history.

use std::time::SystemTime;

use super::rows::{RowWriter, TableRows, cell, rank, warn_if};
use super::table::{Column, RowId, Severity, SortKey};
use crate::monitor::snapshot::maintenance::{
    DatabaseWraparound, Progress, TableWraparound, TaskRun, TaskStatus, Wraparound,
};
use crate::text::format;
use crate::tui::app::App;

/// Of a relation's `autovacuum_freeze_max_age`: at 50 % it is halfway to a forced
/// anti-wraparound vacuum (time to plan a `VACUUM (FREEZE)` at a quiet hour); at 90 % that
/// forced vacuum, which cannot be cancelled and runs even with autovacuum off, is close.
/// Busy servers routinely sit between 50 % and 75 % (`vacuum_freeze_table_age`, where
/// vacuums turn aggressive): Warn there is a reminder, not an emergency.
pub const FREEZE_WARN_PERCENT: f64 = 50.0;
pub const FREEZE_CRIT_PERCENT: f64 = 90.0;
/// Of the 2^31 hard limit, whatever `autovacuum_freeze_max_age` says (it may be set as high
/// as 2 billion, 93 % of the limit, where the levels above would fire far too late): 25 %
/// (about 537 million) means anti-wraparound vacuums are not keeping up; at 50 % only about
/// a billion XIDs remain before the server refuses writes.
pub const HARD_LIMIT_WARN_PERCENT: f64 = 25.0;
pub const HARD_LIMIT_CRIT_PERCENT: f64 = 50.0;

/// How close to wraparound an age is: the worse of its share of the freeze limit and of
/// the hard limit (see the constants above).
pub fn wraparound_severity(percent_of_freeze_max_age: f64, percent_of_hard_limit: f64) -> Severity {
    if percent_of_freeze_max_age >= FREEZE_CRIT_PERCENT
        || percent_of_hard_limit >= HARD_LIMIT_CRIT_PERCENT
    {
        Severity::Crit
    } else if percent_of_freeze_max_age >= FREEZE_WARN_PERCENT
        || percent_of_hard_limit >= HARD_LIMIT_WARN_PERCENT
    {
        Severity::Warn
    } else {
        Severity::Normal
    }
}

/// `age` as a percentage of `limit` (0 for a limit that is not positive).
pub fn percent_of(age: i64, limit: i64) -> f64 {
    if limit > 0 {
        age as f64 * 100.0 / limit as f64
    } else {
        0.0
    }
}

/// Running VACUUM / ANALYZE / CREATE INDEX, from the fast tier.
pub struct ProgressRows<'a> {
    running: &'a [Progress],
}

impl<'a> ProgressRows<'a> {
    /// The commands running at the newest poll.
    pub fn new(app: &'a App) -> Self {
        Self {
            running: app
                .model()
                .snapshot()
                .and_then(|s| s.progress.as_ref().ok())
                .map_or(&[], Vec::as_slice),
        }
    }
}

impl TableRows for ProgressRows<'_> {
    fn columns(&self) -> Vec<Column> {
        vec![
            Column::number("PID", 7, 0),
            Column::text("KIND", 12, 0),
            Column::text("DB", 10, 2),
            Column::text("RELATION", 17, 0),
            Column::text("DONE", 15, 0),
            // Last text column: it takes the width left, and phase details can be long.
            Column::text("PHASE", 14, 1),
            Column::number("ELAPSED", 7, 0),
        ]
    }

    fn len(&self) -> usize {
        self.running.len()
    }

    fn id(&self, index: usize) -> RowId {
        RowId::Pid(self.running[index].pid)
    }

    fn write(&self, index: usize, row: &mut RowWriter) {
        let p = &self.running[index];
        row.push(
            || SortKey::Number(f64::from(p.pid)),
            || cell(p.pid.to_string()),
        );
        row.text(Some(p.kind.label()));
        row.text(p.database.as_deref());
        row.text(Some(p.relation.as_str()));
        match p.percent {
            Some(percent) if percent.is_finite() => {
                row.push(|| SortKey::Number(percent), || cell(progress_bar(percent)));
            }
            // Phases without a known total (e.g. waiting for old snapshots).
            _ => row.text(None),
        }
        // The phase and its counters together (`scanning heap · heap 6.2k/10.0k blks`);
        // both are empty for another role's command.
        let phase = [p.phase.as_str(), p.detail.as_str()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" · ");
        row.text(Some(phase.as_str()).filter(|s| !s.is_empty()));
        row.age(p.started, Severity::Normal);
    }
}

/// `██████░░░░ 62%`: ten cells, each a tenth of the phase.
pub fn progress_bar(percent: f64) -> String {
    let percent = percent.clamp(0.0, 100.0);
    // Rounded down so a bar is full only when the phase is.
    let filled = (percent / 10.0).floor() as usize;
    format!(
        "{}{} {:.0}%",
        "█".repeat(filled),
        "░".repeat(10 - filled),
        percent.floor()
    )
}

/// One line of the wraparound panel: a database, or one of its oldest relations.
enum Aged<'a> {
    Database(&'a DatabaseWraparound),
    /// With the prefix that puts it under its database (`└ `), or none.
    Relation(&'a TableWraparound, &'static str),
}

/// Databases by age, oldest first, with the connected database's oldest relations listed
/// under it as a tree: the order is the meaning, so it is kept.
pub struct WraparoundRows<'a> {
    wrap: Option<&'a Wraparound>,
    lines: Vec<Aged<'a>>,
}

impl<'a> WraparoundRows<'a> {
    /// The ages of the slow tier on screen.
    pub fn new(app: &'a App) -> Self {
        let wrap = app.model().slow().and_then(|s| s.wraparound.as_ref().ok());
        let connected = app
            .model()
            .snapshot()
            .and_then(|s| s.capabilities.as_ref())
            .map(|c| c.database.as_str());
        let mut lines = Vec::new();
        if let Some(wrap) = wrap {
            // Both lists come oldest first from the collector.
            let mut placed = false;
            for database in &wrap.databases {
                lines.push(Aged::Database(database));
                if Some(database.name.as_str()) == connected {
                    lines.extend(wrap.tables.iter().map(|t| Aged::Relation(t, "└ ")));
                    placed = true;
                }
            }
            if !placed {
                // Not knowing which database they belong to, they are not drawn under one.
                lines.extend(wrap.tables.iter().map(|t| Aged::Relation(t, "")));
            }
        }
        Self { wrap, lines }
    }
}

impl TableRows for WraparoundRows<'_> {
    fn columns(&self) -> Vec<Column> {
        vec![
            Column::text("NAME", 16, 0),
            // Ages as a percentage of autovacuum_freeze_max_age and of the 2^31 hard limit.
            Column::number("XID AGE", 7, 0),
            Column::number("FREEZE", 6, 0),
            Column::number("LIMIT", 6, 1),
            Column::number("MXID", 6, 2),
        ]
    }

    fn len(&self) -> usize {
        self.lines.len()
    }

    fn id(&self, index: usize) -> RowId {
        match self.lines[index] {
            Aged::Database(d) => RowId::Name(d.name.clone()),
            Aged::Relation(t, _) => RowId::Relation(t.relid),
        }
    }

    fn fixed_order(&self) -> bool {
        true
    }

    fn write(&self, index: usize, row: &mut RowWriter) {
        match self.lines[index] {
            Aged::Database(d) => {
                row.label(&d.name, Severity::Normal);
                age_cells(
                    row,
                    d.xid_age,
                    d.percent_of_freeze_max_age,
                    d.percent_of_hard_limit,
                );
                let freeze_max = self.wrap.map_or(0, |w| w.multixact_freeze_max_age);
                let mxid_severity =
                    wraparound_severity(percent_of(i64::from(d.mxid_age), freeze_max), 0.0);
                row.number(Some(f64::from(d.mxid_age)), format::quantity, mxid_severity);
            }
            Aged::Relation(t, prefix) => {
                let name = if t.toast {
                    format!("{}.{} (TOAST)", t.schema, t.name)
                } else {
                    format!("{}.{}", t.schema, t.name)
                };
                row.push(
                    || SortKey::Text(name.clone()),
                    || cell(format!("{prefix}{name}")),
                );
                age_cells(
                    row,
                    t.xid_age,
                    t.percent_of_freeze_max_age,
                    t.percent_of_hard_limit,
                );
                // Multixact ages are read per database only.
                row.text(None);
            }
        }
    }
}

/// XID age and its share of the freeze and hard limits, each coloured by its own level
/// (the age by the worse of both).
fn age_cells(row: &mut RowWriter, xid_age: i32, of_freeze: f64, of_hard_limit: f64) {
    let severity = wraparound_severity(of_freeze, of_hard_limit);
    row.number(Some(f64::from(xid_age)), format::quantity, severity);
    row.percent(of_freeze, wraparound_severity(of_freeze, 0.0));
    row.percent(of_hard_limit, wraparound_severity(0.0, of_hard_limit));
}

/// The latest run of each scheduled task, failing ones first.
pub struct TaskRows<'a> {
    runs: &'a [TaskRun],
    now: SystemTime,
}

impl<'a> TaskRows<'a> {
    /// The task history of the slow tier on screen; ages at `app.now()`.
    pub fn new(app: &'a App) -> Self {
        Self {
            runs: app
                .model()
                .slow()
                .and_then(|s| s.task_history.as_ref().ok())
                .map_or(&[], Vec::as_slice),
            now: app.now(),
        }
    }
}

/// A run's status colour, its failures' colour, and the worse of both.
fn task_severities(run: &TaskRun) -> (Severity, Severity, Severity) {
    let status = match run.status {
        TaskStatus::Failed => Severity::Crit,
        // Not a value the table allows: someone changed it by hand.
        TaskStatus::Other(_) => Severity::Warn,
        TaskStatus::Running | TaskStatus::Completed => Severity::Normal,
    };
    let failures = warn_if(run.failures_7d > 0);
    (status, failures, status.max(failures))
}

impl TableRows for TaskRows<'_> {
    fn columns(&self) -> Vec<Column> {
        vec![
            Column::number("!", 2, 0),
            Column::text("TASK", 24, 0),
            Column::text("STATUS", 9, 0),
            Column::number("FAIL 7d", 7, 1),
            Column::number("LAST RUN", 8, 2),
            Column::number("DURATION", 8, 3),
            Column::number("ROWS", 7, 4),
            Column::text("DETAIL", 12, 5),
        ]
    }

    fn len(&self) -> usize {
        self.runs.len()
    }

    fn id(&self, index: usize) -> RowId {
        RowId::Name(self.runs[index].task_name.clone())
    }

    /// Stable: by name (the query's order) within each attention rank.
    fn base_order(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.runs.len()).collect();
        order.sort_by_key(|&index| std::cmp::Reverse(rank(task_severities(&self.runs[index]).2)));
        order
    }

    fn write(&self, index: usize, row: &mut RowWriter) {
        let run = &self.runs[index];
        let (status, failures, worst) = task_severities(run);
        // Measured on the app's clock like the table ages, so it keeps moving between slow
        // polls; a start "in the future" (clock skew) counts as just now.
        let ago = self.now.duration_since(run.started_at).unwrap_or_default();
        row.attention(worst);
        row.label(&run.task_name, Severity::Normal);
        row.label(run.status.as_str(), status);
        row.number(Some(run.failures_7d as f64), format::quantity, failures);
        row.age(Some(ago), Severity::Normal);
        row.age(run.duration, Severity::Normal);
        row.number(
            run.rows_processed.map(|n| n as f64),
            format::quantity,
            Severity::Normal,
        );
        row.text(
            run.detail
                .as_deref()
                .map(str::trim)
                .filter(|d| !d.is_empty()),
        );
    }
}
