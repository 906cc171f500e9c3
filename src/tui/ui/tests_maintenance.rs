//! Render snapshots of the Maintenance screen at 80x24 and 160x48 from builder-made
//! snapshots, plus cell-style checks where colour carries the verdict.

use super::test_render::{assert_role, draw, style_of, text};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use ratatui::layout::Rect;

use crate::monitor::snapshot::maintenance::{
    AutovacuumSettings, DatabaseWraparound, Progress, ProgressKind, StatisticsSince,
    TableMaintenance, TableWraparound, TaskRun, TaskStatus, Wraparound,
};
use crate::monitor::snapshot::test_support::*;
use crate::monitor::snapshot::{SectionError, SlowTier, Snapshot};
use crate::pg::probe::sample_capabilities;
use crate::tui::app::{App, Event};
use crate::tui::keymap::Keymap;
use crate::tui::screen::Screen;
use crate::tui::screens::state::TableId;
use crate::tui::theme::{Role, Theme};

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];
const MINUTE: u64 = 60;
const HOUR: u64 = 3600;
const DAY: u64 = 86_400;
/// The poll time of every snapshot here: thirty days after the test epoch, so that ages of
/// a week or more stay after it.
const NOW: u64 = 30 * DAY;

/// `secs` seconds before the poll.
fn ago(secs: u64) -> SystemTime {
    at(NOW) - Duration::from_secs(secs)
}

/// A table with the server's default autovacuum settings, vacuumed and analyzed an hour
/// ago, with no dead tuples.
fn table(relid: u32, name: &str) -> TableMaintenance {
    TableMaintenance {
        relid,
        schema: "public".into(),
        name: name.into(),
        partitioned: false,
        n_live_tup: 0,
        n_dead_tup: 0,
        n_mod_since_analyze: 0,
        n_ins_since_vacuum: 0,
        last_vacuum: None,
        last_autovacuum: Some(ago(HOUR)),
        last_analyze: None,
        last_autoanalyze: Some(ago(HOUR)),
        vacuum_count: 0,
        autovacuum_count: 1,
        analyze_count: 0,
        autoanalyze_count: 1,
        xid_age: Some(1_000_000),
        reltuples: 0.0,
        relpages: 0,
        relallfrozen: None,
        autovacuum: AutovacuumSettings {
            server_enabled: true,
            enabled: true,
            vacuum_threshold: 50,
            vacuum_scale_factor: 0.2,
            vacuum_max_threshold: None,
            vacuum_insert_threshold: 1000,
            vacuum_insert_scale_factor: 0.2,
            analyze_threshold: 50,
            analyze_scale_factor: 0.1,
            freeze_max_age: 200_000_000,
            table_overrides: Vec::new(),
        },
    }
}

/// Fluent changes to a [`TableMaintenance`].
trait TableBuilder: Sized {
    /// Live and dead tuples; the planner's estimate follows the live count.
    fn tuples(self, live: i64, dead: i64) -> Self;
    fn modified(self, since_analyze: i64) -> Self;
    /// Last autovacuum `secs` before the poll, and how many vacuums (auto, manual) ran.
    fn vacuumed(self, secs: u64, auto: i64, manual: i64) -> Self;
    /// Last manual ANALYZE `secs` before the poll, and how many analyzes (auto, manual).
    fn analyzed(self, secs: u64, auto: i64, manual: i64) -> Self;
    fn xid_age(self, age: i32) -> Self;
    /// `ALTER TABLE ... SET (autovacuum_enabled = off)`.
    fn autovacuum_off(self) -> Self;
}

impl TableBuilder for TableMaintenance {
    fn tuples(mut self, live: i64, dead: i64) -> Self {
        (self.n_live_tup, self.n_dead_tup, self.reltuples) = (live, dead, live as f64);
        self
    }
    fn modified(mut self, since_analyze: i64) -> Self {
        self.n_mod_since_analyze = since_analyze;
        self
    }
    fn vacuumed(mut self, secs: u64, auto: i64, manual: i64) -> Self {
        self.last_autovacuum = Some(ago(secs));
        (self.autovacuum_count, self.vacuum_count) = (auto, manual);
        self
    }
    fn analyzed(mut self, secs: u64, auto: i64, manual: i64) -> Self {
        (self.last_analyze, self.last_autoanalyze) = (Some(ago(secs)), None);
        (self.autoanalyze_count, self.analyze_count) = (auto, manual);
        self
    }
    fn xid_age(mut self, age: i32) -> Self {
        self.xid_age = Some(age);
        self
    }
    fn autovacuum_off(mut self) -> Self {
        self.autovacuum.enabled = false;
        self.autovacuum.table_overrides = vec!["autovacuum_enabled"];
        self
    }
}

/// Many dead tuples (25 %) with autovacuum off; overdue for analyze; and a healthy one.
pub(super) fn three_tables() -> Vec<TableMaintenance> {
    vec![
        table(16_384, "learning_events")
            .tuples(120_000, 40_000)
            .modified(52_000)
            .vacuumed(9 * DAY + 2 * HOUR, 3, 0)
            .analyzed(20 * HOUR, 4, 1)
            .xid_age(120_000_000)
            .autovacuum_off(),
        table(16_390, "user_profiles")
            .tuples(8_200, 120)
            .modified(300)
            .vacuumed(2 * DAY, 40, 2)
            .analyzed(3 * DAY + 4 * HOUR, 0, 12),
        table(16_402, "content_items")
            .tuples(54_000, 900)
            .modified(1_200)
            .vacuumed(6 * HOUR, 210, 0)
            .analyzed(5 * HOUR, 180, 3),
    ]
}

pub(super) fn vacuum_at_62_percent() -> Progress {
    Progress {
        pid: 4242,
        kind: ProgressKind::Vacuum,
        database: Some("app".into()),
        relation: "learning_events".into(),
        phase: "scanning heap".into(),
        percent: Some(62.0),
        detail: "heap 6.2k/10.0k blks, dead items 1.2k".into(),
        started: Some(Duration::from_secs(12 * MINUTE + 4)),
    }
}

fn database(name: &str, xid_age: i32, mxid_age: i32) -> DatabaseWraparound {
    DatabaseWraparound {
        name: name.into(),
        xid_age,
        mxid_age,
        percent_of_freeze_max_age: f64::from(xid_age) * 100.0 / 200_000_000.0,
        percent_of_hard_limit: f64::from(xid_age) * 100.0 / 2_147_483_648.0,
    }
}

pub(super) fn oldest(relid: u32, name: &str, xid_age: i32, toast: bool) -> TableWraparound {
    TableWraparound {
        relid,
        schema: "public".into(),
        name: name.into(),
        toast,
        xid_age,
        freeze_max_age: 200_000_000,
        percent_of_freeze_max_age: f64::from(xid_age) * 100.0 / 200_000_000.0,
        percent_of_hard_limit: f64::from(xid_age) * 100.0 / 2_147_483_648.0,
    }
}

/// `app` at 91 % of freeze_max_age (crit), `postgres` at 55 % (warn), `template1` fine;
/// oldest first, as the collector orders them.
pub(super) fn wraparound(tables: Vec<TableWraparound>) -> Wraparound {
    Wraparound {
        freeze_max_age: 200_000_000,
        multixact_freeze_max_age: 400_000_000,
        databases: vec![
            database("app", 182_000_000, 3_500_000),
            database("postgres", 110_000_000, 2_000),
            database("template1", 12_000_000, 1_000),
        ],
        tables,
    }
}

fn run(name: &str, status: TaskStatus, started_secs: u64, took: Option<u64>) -> TaskRun {
    TaskRun {
        task_name: name.into(),
        status,
        started_at: ago(started_secs),
        finished_at: took.map(|t| ago(started_secs) + Duration::from_secs(t)),
        duration: took.map(Duration::from_secs),
        started_ago: Some(Duration::from_secs(started_secs)),
        rows_processed: took.map(|_| 1_250),
        detail: None,
        failures_7d: 0,
    }
}

/// A completed, a failed (twice this week) and a running task.
pub(super) fn task_runs() -> Vec<TaskRun> {
    let mut failed = run(
        "vacuum_analyze_tables",
        TaskStatus::Failed,
        DAY + 2 * HOUR,
        Some(130),
    );
    failed.detail = Some("canceling statement due to lock timeout".into());
    failed.failures_7d = 2;
    vec![
        run(
            "cleanup_expired_sessions",
            TaskStatus::Running,
            4 * MINUTE,
            None,
        ),
        run(
            "update_table_statistics",
            TaskStatus::Completed,
            3 * HOUR,
            Some(9 * MINUTE),
        ),
        failed,
    ]
}

fn snapshot(slow: SlowTier, progress: Vec<Progress>) -> Snapshot {
    let mut snapshot = snapshot_at(NOW).with_database(db(5));
    snapshot.capabilities = Some(Arc::new(sample_capabilities()));
    snapshot.progress = Ok(progress);
    snapshot.slow = Some(Arc::new(slow));
    snapshot
}

fn app_with(snapshot: Snapshot) -> App {
    let mut app = App::new(
        "postgres@db1:5432/app".into(),
        Duration::from_secs(1),
        at(NOW),
        Keymap::default(),
        Theme::default(),
    );
    app.set_screen(Screen::Maintenance);
    app.update(Event::Snapshot(Box::new(snapshot)));
    app
}

pub(super) fn normal_app() -> App {
    app_with(normal_app_snapshot())
}

/// The poll behind [`normal_app`]: three tables, one command running, wraparound ages and
/// the task history.
pub(super) fn normal_app_snapshot() -> Snapshot {
    snapshot(
        SlowTier {
            maintenance: Ok(Arc::new(three_tables())),
            statistics_since: Ok(statistics_since(None)),
            wraparound: Ok(wraparound(vec![
                oldest(16_384, "learning_events", 120_000_000, false),
                oldest(16_395, "user_profiles", 95_000_000, true),
                oldest(16_402, "content_items", 30_000_000, false),
            ])),
            task_history: Ok(task_runs()),
            ..SlowTier::not_polled(at(NOW))
        },
        vec![vacuum_at_62_percent()],
    )
}

fn assert_sizes(name: &str, app: &mut App) {
    for (width, height) in SIZES {
        app.update(Event::Resize(width, height));
        let rendered = text(&draw(app, width, height));
        insta::assert_snapshot!(format!("{name}_maintenance_{width}x{height}"), rendered);
    }
}

#[test]
fn normal() {
    assert_sizes("normal", &mut normal_app());
}

/// Statistics kept since initdb, or restarted `reset` seconds before the poll.
fn statistics_since(reset: Option<u64>) -> StatisticsSince {
    StatisticsSince {
        database_reset: None,
        database_reset_is_explicit: true,
        shared_reset: Some(reset.map_or(at(0), ago)),
        cluster_created: at(0),
        postmaster_start: at(60),
    }
}

/// Three hours after a crash restart: the wiped tables show no run "since the reset",
/// never "never"; the one with 2,000 updates since is not all dead (the catalog still
/// knows its 20,000 rows); nothing is called OVERDUE on counters three hours old.
#[test]
fn after_a_crash_restart() {
    let wiped = |relid, name: &str| TableMaintenance {
        last_autovacuum: None,
        last_autoanalyze: None,
        autovacuum_count: 0,
        autoanalyze_count: 0,
        ..table(relid, name)
    };
    let mut updated = wiped(16_384, "learning_events");
    (
        updated.reltuples,
        updated.n_dead_tup,
        updated.n_mod_since_analyze,
    ) = (20_000.0, 2_000, 2_000);
    let mut empty = wiped(16_390, "empty_table");
    empty.reltuples = -1.0;
    let mut vacuumed_since = table(16_402, "content_items")
        .tuples(54_000, 900)
        .modified(1_200);
    (
        vacuumed_since.last_autoanalyze,
        vacuumed_since.autoanalyze_count,
    ) = (None, 0);
    let mut app = app_with(snapshot(
        SlowTier {
            maintenance: Ok(Arc::new(vec![updated, empty, vacuumed_since])),
            statistics_since: Ok(statistics_since(Some(3 * HOUR))),
            wraparound: Ok(wraparound(vec![])),
            task_history: Ok(vec![]),
            ..SlowTier::not_polled(at(NOW))
        },
        vec![],
    ));
    assert_sizes("after_a_crash_restart", &mut app);
    let screen = text(&draw(&mut app, 160, 48));
    assert!(!screen.contains("never"), "{screen}");
    assert!(screen.contains("stats reset"), "{screen}");
    assert!(!screen.contains("OVERDUE"), "{screen}");
    assert!(screen.contains("~20.0k"), "{screen}");
}

#[test]
fn empty() {
    let mut app = app_with(snapshot(
        SlowTier {
            maintenance: Ok(Arc::new(vec![])),
            wraparound: Ok(wraparound(vec![])),
            task_history: Ok(vec![]),
            ..SlowTier::not_polled(at(NOW))
        },
        vec![],
    ));
    assert_sizes("empty", &mut app);
    let screen = text(&draw(&mut app, 160, 48));
    assert!(
        screen.contains("no VACUUM, ANALYZE or CREATE INDEX running"),
        "{screen}"
    );
}

#[test]
fn missing_sources() {
    let mut app = app_with(snapshot(
        SlowTier {
            maintenance: Err(SectionError::Failed(
                "canceling statement due to statement timeout".into(),
            )),
            wraparound: Ok(wraparound(vec![])),
            task_history: Err(SectionError::Unavailable {
                reason: "table maintenance_task_log not found in the search path".into(),
                fix: Some("pgpulse schema install".into()),
            }),
            ..SlowTier::not_polled(at(NOW))
        },
        vec![],
    ));
    assert_sizes("missing_sources", &mut app);
    let screen = text(&draw(&mut app, 160, 48));
    for expected in [
        "canceling statement due to statement timeout",
        "maintenance_task_log not found",
        "fix: pgpulse schema install",
    ] {
        assert!(screen.contains(expected), "{expected}:\n{screen}");
    }
}

#[test]
fn waiting_for_the_slow_tier() {
    let mut snapshot = snapshot(SlowTier::not_polled(at(NOW)), vec![]);
    snapshot.slow = None;
    let mut app = app_with(snapshot);
    let screen = text(&draw(&mut app, 80, 24));
    assert!(
        screen.contains("waiting for the first slow-tier poll"),
        "{screen}"
    );
}

#[test]
fn verdicts_are_coloured_by_severity() {
    let mut app = normal_app();
    // Focus elsewhere: the selection highlight would hide the colours of the first row.
    app.set_focus(Screen::Maintenance, 1);
    let buffer = draw(&mut app, 160, 48);
    assert_role(
        style_of(&buffer, "learning_events", "DUE, AV OFF"),
        Role::Crit,
        "due with autovacuum off",
    );
    assert_role(
        style_of(&buffer, "learning_events", "25.0%"),
        Role::Crit,
        "25 % dead tuples",
    );
    assert_role(
        style_of(&buffer, "user_profiles", "OVERDUE an"),
        Role::Warn,
        "overdue for analyze",
    );
    assert_role(
        style_of(&buffer, "vacuum_analyze_tables", "failed"),
        Role::Crit,
        "failed task",
    );
}

#[test]
fn worst_tables_come_first_then_the_most_dead_tuples() {
    let app = normal_app();
    let (_, rows) = app.table(TableId::Maintenance);
    let names: Vec<&str> = rows
        .iter()
        .filter_map(|r| r.cells.get(1).map(|c| c.text.as_str()))
        .collect();
    // Crit, then the warn, then the healthy table.
    assert_eq!(
        names,
        [
            "public.learning_events",
            "public.user_profiles",
            "public.content_items"
        ]
    );
}

#[test]
fn wraparound_lists_the_connected_databases_tables_under_it() {
    let app = normal_app();
    let (_, rows) = app.table(TableId::Wraparound);
    let names: Vec<&str> = rows
        .iter()
        .filter_map(|r| r.cells.first().map(|c| c.text.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            "app",
            "└ public.learning_events",
            "└ public.user_profiles (TOAST)",
            "└ public.content_items",
            "postgres",
            "template1"
        ]
    );
}

#[test]
fn panels_tile_the_body_at_any_size() {
    for (width, height) in [(80, 24), (160, 48), (200, 60), (60, 12), (20, 5)] {
        let body = Rect::new(0, 2, width, height);
        let areas = crate::tui::layout::maintenance_table_areas(body, None);
        let mut expected = crate::tui::screens::state::tables_of(Screen::Maintenance).to_vec();
        if width < 140 {
            // Narrow: the journal shares the task history's slot and shows when focused.
            expected.retain(|id| *id != TableId::Journal);
            let focused = crate::tui::layout::maintenance_table_areas(body, Some(TableId::Journal));
            assert_eq!(focused.last().map(|(id, _)| *id), Some(TableId::Journal));
            assert_eq!(
                focused.last().map(|(_, r)| *r),
                areas.last().map(|(_, r)| *r)
            );
        }
        assert_eq!(
            areas.iter().map(|(id, _)| *id).collect::<Vec<_>>(),
            expected,
            "focus order"
        );
        for (i, (_, a)) in areas.iter().enumerate() {
            assert_eq!(a.intersection(body), *a, "{width}x{height}: inside");
            for (_, b) in &areas[i + 1..] {
                assert!(!a.intersects(*b), "{width}x{height}: {a:?} overlaps {b:?}");
            }
        }
        // Drawing at the smallest sizes must not panic either.
        draw(&mut normal_app(), width, height + 3);
    }
}
