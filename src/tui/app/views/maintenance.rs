//! Rows for the Maintenance screen: each user table's vacuum/analyze state judged by the
//! server's autovacuum formula and by the schedule, running maintenance commands,
//! transaction ID wraparound, and the seed's scheduled task history.
//!
//! The judgements themselves live in [`crate::analysis::maintenance_rules`]
//! (`autovacuum_verdict`, `vacuum_overdue`...); this module only turns them into words and
//! colours.

use std::time::SystemTime;

use super::super::table::{Cell, Column, Row, RowId, Severity, SortKey};
use super::super::{App, TableId};
use super::cells::{attention, label, number, percent_cell, rank, severity_of, text, warn_if};
use super::maintenance_panels as panels;
pub use super::maintenance_panels::progress_bar;
pub use super::maintenance_panels::{
    FREEZE_CRIT_PERCENT, FREEZE_WARN_PERCENT, HARD_LIMIT_CRIT_PERCENT, HARD_LIMIT_WARN_PERCENT,
};
use super::maintenance_panels::{percent_of, slow, wraparound_severity};
use crate::analysis::maintenance_rules::{
    AutovacuumVerdict, CountersSince, MaintenanceSchedule, analyze_overdue, autovacuum_verdict,
    dead_ratio, live_estimate, live_is_estimated, vacuum_overdue,
};
use crate::monitor::collector::XID_HARD_LIMIT;
use crate::monitor::snapshot::maintenance::TableMaintenance;
use crate::text::format;

/// The Progress table's elapsed column: longest running first is the useful order. (The
/// Maintenance and Task history tables need no entry: their column 0 is the attention
/// rank, which the default sort, column 0 largest first, already picks.)
pub const PROGRESS_DEFAULT_SORT: usize = 6;

/// Columns and rows of one of this screen's tables; `true` keeps the rows' order.
pub fn build(app: &App, id: TableId) -> (Vec<Column>, Vec<Row>, bool) {
    match id {
        TableId::Progress => panels::progress(app),
        TableId::Wraparound => panels::wraparound(app),
        TableId::TaskHistory => panels::task_history(app),
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

/// How far back the tables' last runs go: "never" or "none since the reset".
pub fn counters_since(app: &App) -> CountersSince {
    slow(app).map_or(CountersSince::Unknown, |s| {
        CountersSince::from_section(&s.statistics_since)
    })
}

/// The Maintenance table: one row per user table, worst first.
fn tables(app: &App) -> (Vec<Column>, Vec<Row>, bool) {
    let longest = app
        .model
        .snapshot()
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
    let since = counters_since(app);
    let mut judged: Vec<(Severity, i64, Row)> = list
        .iter()
        .map(|table| table_row(app, table, &schedule, since))
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
    since: CountersSince,
) -> (Severity, i64, Row) {
    let now = app.now;
    let verdict = autovacuum_verdict(table);
    let vacuum_late = vacuum_overdue(table, schedule, now, since).is_some();
    let analyze_late = analyze_overdue(table, schedule, now, since).is_some();
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
        severity_of(app.model.thresholds().dead_tuple_level(r))
    });
    let name = format!("{}.{}", table.schema, table.name);
    let row = Row::new(
        RowId::Relation(table.relid),
        vec![
            attention(worst),
            label(&name, Severity::Normal),
            live(table),
            count(table.n_dead_tup),
            number(ratio, |r| format::percent(Some(r)), dead_severity),
            count(table.n_mod_since_analyze),
            last_run(
                table.last_vacuum.max(table.last_autovacuum),
                now,
                vacuum_late,
                since,
            ),
            last_run(
                table.last_analyze.max(table.last_autoanalyze),
                now,
                analyze_late,
                since,
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

/// Live tuples; `~1.2M` (muted) when the counter was wiped by a stats reset or crash
/// restart and the catalog's estimate stands in (never a false 0).
fn live(table: &TableMaintenance) -> (Cell, SortKey) {
    let rows = live_estimate(table);
    if live_is_estimated(table) {
        number(
            Some(rows as f64),
            |n| format!("~{}", format::quantity(n)),
            Severity::Muted,
        )
    } else {
        count(rows)
    }
}

/// The later of the manual and automatic runs as an age. Without a recorded run:
/// `never` (sorted as the oldest) when the statistics go back to the cluster's creation;
/// `>3h02m` when they began at a stats reset or crash restart that long ago (none since,
/// earlier runs forgotten); `-` when that is unknown. Warn-coloured when overdue.
fn last_run(
    last: Option<SystemTime>,
    now: SystemTime,
    overdue: bool,
    since: CountersSince,
) -> (Cell, SortKey) {
    let Some(when) = last else {
        let severity = warn_if(overdue).max(Severity::Muted);
        let (text, sort) = match since {
            CountersSince::ClusterCreation(_) => ("never".to_string(), f64::MAX),
            CountersSince::Reset(at) => {
                let ago = now.duration_since(at).unwrap_or_default();
                (format!(">{}", format::age(ago)), ago.as_secs_f64())
            }
            CountersSince::Unknown => ("-".to_string(), f64::MAX),
        };
        return (Cell { text, severity }, SortKey::Number(sort));
    };
    // A run "in the future" (clock skew with the server) just happened.
    super::cells::age(
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
        use crate::analysis::maintenance_rules::{AutovacuumOff, VacuumTrigger};
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
