//! The Maintenance screen's main table: each user table's vacuum/analyze state judged by
//! the server's autovacuum formula and by the schedule, worst first.
//!
//! The judgements themselves live in [`crate::analysis::maintenance_rules`]
//! (`autovacuum_verdict`, `vacuum_overdue`...); this module only turns them into words and
//! colours.

use std::time::SystemTime;

use super::maintenance_panels::{percent_of, wraparound_severity};
use super::rows::{RowWriter, TableRows, rank, warn_if};
use super::table::{Cell, Column, RowId, Severity, SortKey};
use crate::analysis::horizon::{HolderKind, Horizon};
use crate::analysis::maintenance_rules::{
    AutovacuumVerdict, CountersSince, MaintenanceSchedule, dead_ratio, live_estimate,
    live_is_estimated,
};
use crate::analysis::metrics::Thresholds;
use crate::analysis::standby::MaintenanceJudge;
use crate::monitor::collector::XID_HARD_LIMIT;
use crate::monitor::snapshot::maintenance::TableMaintenance;
use crate::text::format;
use crate::tui::app::App;

/// The schedule from the configuration file, in the rules' own type.
pub fn schedule(app: &App) -> MaintenanceSchedule {
    let schedule = &app.settings().config().schedule;
    MaintenanceSchedule {
        analyze_every: schedule.analyze_every,
        vacuum_every: schedule.vacuum_every,
    }
}

/// How far back the tables' last runs go: "never" or "none since the reset".
pub fn counters_since(app: &App) -> CountersSince {
    app.model().slow().map_or(CountersSince::Unknown, |s| {
        CountersSince::from_section(&s.statistics_since)
    })
}

/// One row per user table, worst first, then most dead tuples.
pub struct MaintenanceRows<'a> {
    tables: &'a [TableMaintenance],
    /// The verdicts, as this server allows them (none on a standby).
    judge: MaintenanceJudge,
    since: CountersSince,
    /// Who keeps the tables' dead tuples.
    horizon: Option<&'a Horizon>,
    thresholds: &'a Thresholds,
    now: SystemTime,
}

/// One table's judgement: what its row says.
struct Judged {
    vacuum_late: bool,
    analyze_late: bool,
    /// The holder keeping its dead tuples, in full (`prepared 'nightly_export'`).
    held_by: Option<String>,
    status: String,
    status_severity: Severity,
    /// The XID age as a percentage of the table's freeze limit, and its severity.
    xid: Option<(f64, Severity)>,
    /// The worst of all, for the attention column.
    worst: Severity,
}

impl<'a> MaintenanceRows<'a> {
    /// The tables of the slow tier on screen, judged at `app.now()`.
    pub fn new(app: &'a App) -> Self {
        Self {
            tables: app
                .model()
                .slow()
                .and_then(|s| s.maintenance.as_ref().ok())
                .map_or(&[], |v| v.as_slice()),
            judge: app.model().maintenance_judge(schedule(app)),
            since: counters_since(app),
            horizon: app.model().horizon(),
            thresholds: app.model().thresholds(),
            now: app.now(),
        }
    }

    fn judge(&self, table: &TableMaintenance) -> Judged {
        let vacuum_late = self.judge.vacuum_overdue(table, self.now).is_some();
        let analyze_late = self.judge.analyze_overdue(table, self.now).is_some();
        let (mut status, mut status_severity) = match self.judge.autovacuum_verdict(table) {
            Some(verdict) => status(&verdict, vacuum_late, analyze_late),
            // A standby: its tables are vacuumed on the primary (the note says so).
            None => ("on primary".into(), Severity::Muted),
        };
        // Why the dead tuples stay, first: VACUUM cannot help until the holder ends.
        // (A standby's own holders keep nothing: its tables are cleaned on the primary.)
        let horizon = self.horizon.filter(|_| self.judge.note().is_none());
        let held = horizon.and_then(|h| h.held_back(table));
        let held_by = held.map(|held| held.holder.label());
        if let Some(held) = held {
            // The kind fits the narrow column whole; the detail view names the holder.
            let by = format!("held: {}", held_word(&held.holder.kind));
            status = if status_severity == Severity::Muted {
                by
            } else {
                format!("{by} · {status}")
            };
            status_severity = status_severity.max(Severity::Warn);
        }
        // Partitioned parents have no relfrozenxid of their own.
        let xid = table.xid_age.map(|age| {
            let age = i64::from(age);
            let of_freeze = percent_of(age, table.autovacuum.freeze_max_age);
            let severity = wraparound_severity(of_freeze, percent_of(age, XID_HARD_LIMIT));
            (of_freeze, severity)
        });
        // Muted ranks like Normal, so the plain maximum is the worst judgement.
        let worst = status_severity.max(xid.map_or(Severity::Normal, |(_, s)| s));
        Judged {
            vacuum_late,
            analyze_late,
            held_by,
            status,
            status_severity,
            xid,
            worst,
        }
    }
}

impl TableRows for MaintenanceRows<'_> {
    fn columns(&self) -> Vec<Column> {
        let longest = self
            .tables
            .iter()
            .map(|t| t.schema.chars().count() + t.name.chars().count() + 1)
            .max()
            .unwrap_or(0);
        vec![
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
        ]
    }

    fn len(&self) -> usize {
        self.tables.len()
    }

    fn id(&self, index: usize) -> RowId {
        RowId::Relation(self.tables[index].relid)
    }

    /// Sorting is stable: pre-ordering by dead tuples makes them the tie-break under the
    /// attention column, the default sort.
    fn base_order(&self) -> Vec<usize> {
        let mut order: Vec<(u8, i64, usize)> = self
            .tables
            .iter()
            .enumerate()
            .map(|(index, table)| (rank(self.judge(table).worst), table.n_dead_tup, index))
            .collect();
        order.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)));
        order.into_iter().map(|(_, _, index)| index).collect()
    }

    fn write(&self, index: usize, row: &mut RowWriter) {
        let table = &self.tables[index];
        let judged = self.judge(table);
        let ratio = dead_ratio(table);
        let dead_severity = ratio.map_or(Severity::Normal, |r| {
            Severity::judged(self.thresholds.dead_tuple_level(r))
        });
        row.attention(judged.worst);
        let name = format!("{}.{}", table.schema, table.name);
        row.label(&name, Severity::Normal);
        live(row, table);
        row.count(table.n_dead_tup);
        row.ratio(ratio, dead_severity);
        row.count(table.n_mod_since_analyze);
        last_run(
            row,
            table.last_vacuum.max(table.last_autovacuum),
            self.now,
            judged.vacuum_late,
            self.since,
        );
        last_run(
            row,
            table.last_analyze.max(table.last_autoanalyze),
            self.now,
            judged.analyze_late,
            self.since,
        );
        row.count(table.vacuum_count.saturating_add(table.autovacuum_count));
        row.count(table.analyze_count.saturating_add(table.autoanalyze_count));
        match judged.xid {
            Some((percent, severity)) => row.percent(percent, severity),
            None => row.text(None),
        }
        row.label(&judged.status, judged.status_severity);
    }
}

/// The holder keeping the dead tuples of the table `relid` in full (`prepared
/// 'nightly_export'`), for the detail view: the status column names only its kind.
pub fn held_by(app: &App, relid: u32) -> Option<String> {
    let rows = MaintenanceRows::new(app);
    let table = rows.tables.iter().find(|t| t.relid == relid)?;
    rows.judge(table).held_by
}

/// The kind of holder in a word or two: `pid 4242`, `prepared`, `slot`, `standby`.
fn held_word(kind: &HolderKind) -> String {
    match kind {
        HolderKind::Backend { pid, .. } => format!("pid {pid}"),
        HolderKind::Prepared { .. } => "prepared".into(),
        HolderKind::Slot { .. } => "slot".into(),
        HolderKind::Standby { .. } => "standby".into(),
    }
}

/// Live tuples; `~1.2M` (muted) when the counter was wiped by a stats reset or crash
/// restart and the catalog's estimate stands in (never a false 0).
fn live(row: &mut RowWriter, table: &TableMaintenance) {
    let rows = live_estimate(table);
    if live_is_estimated(table) {
        row.number(
            Some(rows as f64),
            |n| format!("~{}", format::quantity(n)),
            Severity::Muted,
        );
    } else {
        row.count(rows);
    }
}

/// The later of the manual and automatic runs as an age. Without a recorded run:
/// `never` (sorted as the oldest) when the statistics go back to the cluster's creation;
/// `>3h02m` when they began at a stats reset or crash restart that long ago (none since,
/// earlier runs forgotten); `-` when that is unknown. Warn-coloured when overdue.
fn last_run(
    row: &mut RowWriter,
    last: Option<SystemTime>,
    now: SystemTime,
    overdue: bool,
    since: CountersSince,
) {
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
        row.push(|| SortKey::Number(sort), || Cell { text, severity });
        return;
    };
    // A run "in the future" (clock skew with the server) just happened.
    row.age(
        Some(now.duration_since(when).unwrap_or_default()),
        warn_if(overdue),
    );
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
    use crate::tui::screens::maintenance_panels::progress_bar;

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
