//! Rows for the Maintenance screen: each user table's vacuum/analyze state judged by the
//! server's autovacuum formula and by the schedule, running maintenance commands,
//! transaction ID wraparound, and the seed's scheduled task history.
//!
//! The judgements themselves live in [`crate::collector`] (`autovacuum_verdict`,
//! `vacuum_overdue`...); this module only turns them into words and colours.

use std::time::{Duration, SystemTime};

use super::super::table::{Cell, Column, Row, RowId, Severity, SortKey};
use super::super::{App, TableId};
use super::{cell, number, text};
use crate::collector::{
    AutovacuumVerdict, MaintenanceSchedule, XID_HARD_LIMIT, analyze_overdue, autovacuum_verdict,
    dead_ratio, vacuum_overdue,
};
use crate::format;
use crate::metrics::Level;
use crate::snapshot::SlowTier;
use crate::snapshot::maintenance::{
    DatabaseWraparound, Progress, TableMaintenance, TableWraparound, TaskRun, TaskStatus,
    Wraparound,
};

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

/// The Progress table's elapsed column: longest running first is the useful order. (The
/// Maintenance and Task history tables need no entry: their column 0 is the attention
/// rank, which the default sort, column 0 largest first, already picks.)
pub const PROGRESS_DEFAULT_SORT: usize = 6;

/// Columns and rows of one of this screen's tables; `true` keeps the rows' order.
pub fn build(app: &App, id: TableId) -> (Vec<Column>, Vec<Row>, bool) {
    match id {
        TableId::Progress => progress(app),
        TableId::Wraparound => wraparound(app),
        TableId::TaskHistory => task_history(app),
        _ => tables(app),
    }
}

/// The schedule from the configuration file, in the rules' own type.
pub fn schedule(app: &App) -> MaintenanceSchedule {
    MaintenanceSchedule {
        analyze_every: app.config.schedule.analyze_every,
        vacuum_every: app.config.schedule.vacuum_every,
    }
}

fn slow(app: &App) -> Option<&SlowTier> {
    app.latest.as_ref()?.slow.as_deref()
}

/// Crit, Warn or neither, as the rank the attention column sorts by.
fn rank(severity: Severity) -> u8 {
    match severity {
        Severity::Crit => 2,
        Severity::Warn => 1,
        Severity::Normal | Severity::Muted => 0,
    }
}

fn severity_of(level: Level) -> Severity {
    match level {
        Level::Crit => Severity::Crit,
        Level::Warn => Severity::Warn,
        Level::Ok => Severity::Normal,
    }
}

/// The `!!` / `!` gutter: the row's worst judgement, sorted on as a number.
fn attention(severity: Severity) -> (Cell, SortKey) {
    let text = match rank(severity) {
        2 => "!!",
        1 => "!",
        _ => "",
    };
    (
        Cell {
            text: text.into(),
            severity,
        },
        SortKey::Number(f64::from(rank(severity))),
    )
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
fn percent_of(age: i64, limit: i64) -> f64 {
    if limit > 0 {
        age as f64 * 100.0 / limit as f64
    } else {
        0.0
    }
}

fn percent_cell(value: f64, severity: Severity) -> (Cell, SortKey) {
    number(Some(value), |p| format!("{p:.1}%"), severity)
}

/// Text sorted as itself, in a colour.
fn label(text: &str, severity: Severity) -> (Cell, SortKey) {
    (
        Cell {
            text: text.to_string(),
            severity,
        },
        SortKey::Text(text.to_string()),
    )
}

fn warn_if(condition: bool) -> Severity {
    if condition {
        Severity::Warn
    } else {
        Severity::Normal
    }
}

/// The Maintenance table: one row per user table, worst first.
fn tables(app: &App) -> (Vec<Column>, Vec<Row>, bool) {
    let longest = app
        .latest
        .as_ref()
        .and_then(|s| s.slow.as_ref())
        .and_then(|slow| slow.maintenance.as_ref().ok())
        .and_then(|list| {
            list.iter()
                .map(|t| t.schema.chars().count() + t.name.chars().count() + 1)
                .max()
        })
        .unwrap_or(0);
    let columns = vec![
        Column::number("!", 2, 0),
        Column::fitted("TABLE", longest, 24, 0),
        Column::number("LIVE", 7, 2),
        Column::number("DEAD", 7, 0),
        Column::number("DEAD %", 6, 0),
        Column::number("MODS", 7, 3),
        Column::number("LAST VAC", 8, 1),
        Column::number("LAST AN", 8, 1),
        Column::number("VACS", 5, 4),
        Column::number("ANS", 5, 4),
        Column::number("XID %", 6, 1),
        Column::text("STATUS", 12, 0),
    ];
    let Some(Ok(list)) = slow(app).map(|s| &s.maintenance) else {
        return (columns, vec![], false);
    };
    let schedule = schedule(app);
    let mut judged: Vec<(Severity, i64, Row)> = list
        .iter()
        .map(|table| table_row(app, table, &schedule))
        .collect();
    // Sorting is stable: pre-ordering by dead tuples makes them the tie-break under the
    // attention column, the default sort.
    judged.sort_by(|a, b| rank(b.0).cmp(&rank(a.0)).then(b.1.cmp(&a.1)));
    let rows = judged.into_iter().map(|(_, _, row)| row).collect();
    (columns, rows, false)
}

/// One table's row, with its attention severity and dead tuples (the default order).
fn table_row(
    app: &App,
    table: &TableMaintenance,
    schedule: &MaintenanceSchedule,
) -> (Severity, i64, Row) {
    let now = app.now;
    let verdict = autovacuum_verdict(table);
    let vacuum_late = vacuum_overdue(table, schedule, now).is_some();
    let analyze_late = analyze_overdue(table, schedule, now).is_some();
    let (status, status_severity) = status(&verdict, vacuum_late, analyze_late);
    // Partitioned parents have no relfrozenxid of their own.
    let xid = table.xid_age.map(|age| {
        let age = i64::from(age);
        let of_freeze = percent_of(age, table.autovacuum.freeze_max_age);
        let severity = wraparound_severity(of_freeze, percent_of(age, XID_HARD_LIMIT));
        (of_freeze, severity)
    });
    // Muted ranks like Normal, so the plain maximum is the worst judgement.
    let worst = status_severity.max(xid.map_or(Severity::Normal, |(_, s)| s));
    let ratio = dead_ratio(table);
    let dead_severity = ratio.map_or(Severity::Normal, |r| {
        severity_of(app.derived.thresholds.dead_tuple_level(r))
    });
    let name = format!("{}.{}", table.schema, table.name);
    let row = Row::new(
        RowId::Relation(table.relid),
        vec![
            attention(worst),
            label(&name, Severity::Normal),
            count(table.n_live_tup),
            count(table.n_dead_tup),
            number(ratio, |r| format::percent(Some(r)), dead_severity),
            count(table.n_mod_since_analyze),
            last_run(
                table.last_vacuum.max(table.last_autovacuum),
                now,
                vacuum_late,
            ),
            last_run(
                table.last_analyze.max(table.last_autoanalyze),
                now,
                analyze_late,
            ),
            count(table.vacuum_count.saturating_add(table.autovacuum_count)),
            count(table.analyze_count.saturating_add(table.autoanalyze_count)),
            match xid {
                Some((percent, severity)) => percent_cell(percent, severity),
                None => text(None),
            },
            label(&status, status_severity),
        ],
    );
    (worst, table.n_dead_tup, row)
}

fn count(value: i64) -> (Cell, SortKey) {
    number(Some(value as f64), format::quantity, Severity::Normal)
}

/// The later of the manual and automatic runs as an age; `never` sorts as the oldest.
/// Warn-coloured when the schedule says it is overdue.
fn last_run(last: Option<SystemTime>, now: SystemTime, overdue: bool) -> (Cell, SortKey) {
    let Some(when) = last else {
        let never = Cell {
            text: "never".into(),
            severity: warn_if(overdue).max(Severity::Muted),
        };
        return (never, SortKey::Number(f64::MAX));
    };
    // A run "in the future" (clock skew with the server) just happened.
    super::age(
        Some(now.duration_since(when).unwrap_or_default()),
        warn_if(overdue),
    )
}

/// Short words for the status column, worst first (a narrow column cuts the end), and
/// the worst severity among them.
fn status(
    verdict: &AutovacuumVerdict,
    vacuum_late: bool,
    analyze_late: bool,
) -> (String, Severity) {
    use Severity::{Crit, Muted, Warn};
    let vacuum_due = !verdict.vacuum_due.is_empty();
    let due = match (verdict.blocked(), vacuum_due, verdict.analyze_due) {
        // The formula says autovacuum should run, but it is off for the table or server.
        (true, ..) => Some(("DUE, AV OFF", Crit)),
        (false, true, true) => Some(("VAC+AN DUE", Warn)),
        (false, true, false) => Some(("VACUUM DUE", Warn)),
        (false, false, true) => Some(("ANALYZE DUE", Warn)),
        (false, false, false) => None,
    };
    let late = match (vacuum_late, analyze_late) {
        (true, true) => Some(("OVERDUE vac+an", Warn)),
        (true, false) => Some(("OVERDUE vac", Warn)),
        (false, true) => Some(("OVERDUE an", Warn)),
        (false, false) => None,
    };
    let words: Vec<(&str, Severity)> = due.into_iter().chain(late).collect();
    match words.iter().map(|(_, severity)| *severity).max() {
        Some(worst) => {
            let text: Vec<&str> = words.iter().map(|(word, _)| *word).collect();
            (text.join(" · "), worst)
        }
        None if verdict.off.is_some() => ("av off".into(), Muted),
        None => ("ok".into(), Muted),
    }
}

/// Running VACUUM / ANALYZE / CREATE INDEX, from the fast tier.
fn progress(app: &App) -> (Vec<Column>, Vec<Row>, bool) {
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
    let Some(Ok(running)) = app.latest.as_ref().map(|s| &s.progress) else {
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
    super::age(value, Severity::Normal)
}

/// Databases by age, oldest first, with the connected database's oldest relations listed
/// under it as a tree: the order is the meaning, so it is kept.
fn wraparound(app: &App) -> (Vec<Column>, Vec<Row>, bool) {
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
        .latest
        .as_ref()
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
fn task_history(app: &App) -> (Vec<Column>, Vec<Row>, bool) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_bars_fill_by_tenths() {
        for (percent, expected) in [
            (0.0, "░░░░░░░░░░ 0%"),
            (62.4, "██████░░░░ 62%"),
            (99.9, "█████████░ 99%"),
            (100.0, "██████████ 100%"),
            (140.0, "██████████ 100%"),
        ] {
            assert_eq!(progress_bar(percent), expected, "{percent}");
        }
    }

    #[test]
    fn status_words_put_the_worst_first() {
        use crate::collector::{AutovacuumOff, VacuumTrigger};
        let verdict = |vacuum: bool, analyze: bool, off: Option<AutovacuumOff>| AutovacuumVerdict {
            vacuum_threshold: 50.0,
            insert_threshold: None,
            analyze_threshold: 50.0,
            changes_since_analyze: 0,
            vacuum_due: if vacuum {
                vec![VacuumTrigger::DeadTuples {
                    dead: 99,
                    threshold: 50.0,
                }]
            } else {
                vec![]
            },
            analyze_due: analyze,
            off,
        };
        let off = Some(AutovacuumOff::Server);
        for (verdict, vacuum_late, analyze_late, expected) in [
            (
                verdict(false, false, None),
                false,
                false,
                ("ok", Severity::Muted),
            ),
            (
                verdict(false, false, off),
                false,
                false,
                ("av off", Severity::Muted),
            ),
            (
                verdict(true, false, None),
                false,
                false,
                ("VACUUM DUE", Severity::Warn),
            ),
            (
                verdict(false, true, None),
                false,
                true,
                ("ANALYZE DUE · OVERDUE an", Severity::Warn),
            ),
            (
                verdict(true, true, None),
                false,
                false,
                ("VAC+AN DUE", Severity::Warn),
            ),
            (
                verdict(true, false, off),
                true,
                false,
                ("DUE, AV OFF · OVERDUE vac", Severity::Crit),
            ),
            (
                verdict(false, false, None),
                true,
                true,
                ("OVERDUE vac+an", Severity::Warn),
            ),
        ] {
            let got = status(&verdict, vacuum_late, analyze_late);
            assert_eq!((got.0.as_str(), got.1), expected);
        }
    }

    #[test]
    fn wraparound_levels_take_the_worse_of_both_limits() {
        for (freeze, hard, expected) in [
            (10.0, 1.0, Severity::Normal),
            (50.0, 5.0, Severity::Warn),
            (90.0, 8.0, Severity::Crit),
            // freeze_max_age set near its 2 billion maximum: the hard limit speaks.
            (30.0, 27.0, Severity::Warn),
            (55.0, 51.0, Severity::Crit),
        ] {
            assert_eq!(
                wraparound_severity(freeze, hard),
                expected,
                "{freeze} {hard}"
            );
        }
    }
}
