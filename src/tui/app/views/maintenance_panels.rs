//! The Maintenance screen's smaller panels: commands running now, transaction ID
//! wraparound, and the scheduled task history.

use std::time::Duration;

use super::super::App;
use super::super::table::{Cell, Column, Row, RowId, Severity, SortKey};
use super::cells::{attention, cell, label, number, percent_cell, rank, text, warn_if};
use crate::monitor::snapshot::SlowTier;
use crate::monitor::snapshot::maintenance::{
    DatabaseWraparound, Progress, TableWraparound, TaskRun, TaskStatus, Wraparound,
};
use crate::text::format;

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

/// The slow tier of the newest poll, if there is one.
pub(super) fn slow(app: &App) -> Option<&SlowTier> {
    app.model.snapshot()?.slow.as_deref()
}

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
pub(super) fn percent_of(age: i64, limit: i64) -> f64 {
    if limit > 0 {
        age as f64 * 100.0 / limit as f64
    } else {
        0.0
    }
}

/// Running VACUUM / ANALYZE / CREATE INDEX, from the fast tier.
pub(super) fn progress(app: &App) -> (Vec<Column>, Vec<Row>, bool) {
    let columns = vec![
        Column::number("PID", 7, 0),
        Column::text("KIND", 12, 0),
        Column::text("DB", 10, 2),
        Column::text("RELATION", 17, 0),
        Column::text("DONE", 15, 0),
        // Last text column: it takes the width left, and phase details can be long.
        Column::text("PHASE", 14, 1),
        Column::number("ELAPSED", 7, 0),
    ];
    let Some(Ok(running)) = app.model.snapshot().map(|s| &s.progress) else {
        return (columns, vec![], false);
    };
    let rows = running.iter().map(progress_row).collect();
    (columns, rows, false)
}

fn progress_row(p: &Progress) -> Row {
    // The phase and its counters together (`scanning heap · heap 6.2k/10.0k blks`); both
    // are empty for another role's command.
    let phase = [p.phase.as_str(), p.detail.as_str()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" · ");
    let done = match p.percent {
        Some(percent) if percent.is_finite() => {
            (cell(progress_bar(percent)), SortKey::Number(percent))
        }
        // Phases without a known total (e.g. waiting for old snapshots).
        _ => text(None),
    };
    Row::new(
        RowId::Pid(p.pid),
        vec![
            (cell(p.pid.to_string()), SortKey::Number(f64::from(p.pid))),
            text(Some(p.kind.label())),
            text(p.database.as_deref()),
            text(Some(p.relation.as_str())),
            done,
            text(Some(phase.as_str()).filter(|s| !s.is_empty())),
            age(p.started),
        ],
    )
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

fn age(value: Option<Duration>) -> (Cell, SortKey) {
    super::cells::age(value, Severity::Normal)
}

/// Databases by age, oldest first, with the connected database's oldest relations listed
/// under it as a tree: the order is the meaning, so it is kept.
pub(super) fn wraparound(app: &App) -> (Vec<Column>, Vec<Row>, bool) {
    let columns = vec![
        Column::text("NAME", 16, 0),
        // Ages as a percentage of autovacuum_freeze_max_age and of the 2^31 hard limit.
        Column::number("XID AGE", 7, 0),
        Column::number("FREEZE", 6, 0),
        Column::number("LIMIT", 6, 1),
        Column::number("MXID", 6, 2),
    ];
    let Some(Ok(wrap)) = slow(app).map(|s| &s.wraparound) else {
        return (columns, vec![], true);
    };
    let connected = app
        .model
        .snapshot()
        .and_then(|s| s.capabilities.as_ref())
        .map(|c| c.database.as_str());
    // Both lists come oldest first from the collector.
    let mut rows = Vec::new();
    let mut placed = false;
    for database in &wrap.databases {
        rows.push(database_row(wrap, database));
        if Some(database.name.as_str()) == connected {
            rows.extend(wrap.tables.iter().map(|t| relation_row(t, "└ ")));
            placed = true;
        }
    }
    if !placed {
        // Not knowing which database they belong to, they are not drawn under one.
        rows.extend(wrap.tables.iter().map(|t| relation_row(t, "")));
    }
    (columns, rows, true)
}

fn database_row(wrap: &Wraparound, d: &DatabaseWraparound) -> Row {
    let mxid_severity = wraparound_severity(
        percent_of(i64::from(d.mxid_age), wrap.multixact_freeze_max_age),
        0.0,
    );
    let mut cells = vec![label(&d.name, Severity::Normal)];
    cells.extend(age_cells(
        d.xid_age,
        d.percent_of_freeze_max_age,
        d.percent_of_hard_limit,
    ));
    cells.push(number(
        Some(f64::from(d.mxid_age)),
        format::quantity,
        mxid_severity,
    ));
    Row::new(RowId::Name(d.name.clone()), cells)
}

/// XID age and its share of the freeze and hard limits, each coloured by its own level
/// (the age by the worse of both).
fn age_cells(xid_age: i32, of_freeze: f64, of_hard_limit: f64) -> [(Cell, SortKey); 3] {
    let severity = wraparound_severity(of_freeze, of_hard_limit);
    [
        number(Some(f64::from(xid_age)), format::quantity, severity),
        percent_cell(of_freeze, wraparound_severity(of_freeze, 0.0)),
        percent_cell(of_hard_limit, wraparound_severity(0.0, of_hard_limit)),
    ]
}

fn relation_row(t: &TableWraparound, prefix: &str) -> Row {
    let name = if t.toast {
        format!("{}.{} (TOAST)", t.schema, t.name)
    } else {
        format!("{}.{}", t.schema, t.name)
    };
    let mut cells = vec![(cell(format!("{prefix}{name}")), SortKey::Text(name))];
    cells.extend(age_cells(
        t.xid_age,
        t.percent_of_freeze_max_age,
        t.percent_of_hard_limit,
    ));
    // Multixact ages are read per database only.
    cells.push(text(None));
    Row::new(RowId::Relation(t.relid), cells)
}

/// The latest run of each scheduled task, failing ones first.
pub(super) fn task_history(app: &App) -> (Vec<Column>, Vec<Row>, bool) {
    let columns = vec![
        Column::number("!", 2, 0),
        Column::text("TASK", 24, 0),
        Column::text("STATUS", 9, 0),
        Column::number("FAIL 7d", 7, 1),
        Column::number("LAST RUN", 8, 2),
        Column::number("DURATION", 8, 3),
        Column::number("ROWS", 7, 4),
        Column::text("DETAIL", 12, 5),
    ];
    let Some(Ok(runs)) = slow(app).map(|s| &s.task_history) else {
        return (columns, vec![], false);
    };
    let mut judged: Vec<(Severity, Row)> = runs.iter().map(|run| task_row(app, run)).collect();
    // Stable sort: by name (the query's order) within each attention rank.
    judged.sort_by_key(|(severity, _)| std::cmp::Reverse(rank(*severity)));
    (
        columns,
        judged.into_iter().map(|(_, row)| row).collect(),
        false,
    )
}

fn task_row(app: &App, run: &TaskRun) -> (Severity, Row) {
    let status_severity = match run.status {
        TaskStatus::Failed => Severity::Crit,
        // Not a value the table allows: someone changed it by hand.
        TaskStatus::Other(_) => Severity::Warn,
        TaskStatus::Running | TaskStatus::Completed => Severity::Normal,
    };
    let failures_severity = warn_if(run.failures_7d > 0);
    let worst = status_severity.max(failures_severity);
    // Measured on the app's clock like the table ages, so it keeps moving between slow
    // polls; a start "in the future" (clock skew) counts as just now.
    let ago = app.now.duration_since(run.started_at).unwrap_or_default();
    let row = Row::new(
        RowId::Name(run.task_name.clone()),
        vec![
            attention(worst),
            label(&run.task_name, Severity::Normal),
            label(run.status.as_str(), status_severity),
            number(
                Some(run.failures_7d as f64),
                format::quantity,
                failures_severity,
            ),
            age(Some(ago)),
            age(run.duration),
            number(
                run.rows_processed.map(|n| n as f64),
                format::quantity,
                Severity::Normal,
            ),
            text(
                run.detail
                    .as_deref()
                    .map(str::trim)
                    .filter(|d| !d.is_empty()),
            ),
        ],
    );
    (worst, row)
}
