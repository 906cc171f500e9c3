use super::*;

use crate::monitor::snapshot::maintenance::AutovacuumSettings;

const HOUR: Duration = Duration::from_secs(3600);
const DAY: Duration = Duration::from_secs(86_400);

/// A table with the server's default autovacuum settings and no activity.
fn table(reltuples: f64) -> TableMaintenance {
    TableMaintenance {
        relid: 16_384,
        schema: "public".into(),
        name: "t".into(),
        partitioned: false,
        n_live_tup: 0,
        n_dead_tup: 0,
        n_mod_since_analyze: 0,
        n_ins_since_vacuum: 0,
        last_vacuum: None,
        last_autovacuum: None,
        last_analyze: None,
        last_autoanalyze: None,
        vacuum_count: 0,
        autovacuum_count: 0,
        analyze_count: 0,
        autoanalyze_count: 0,
        xid_age: Some(1000),
        reltuples,
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

fn dead(t: &mut TableMaintenance, n: i64) {
    t.n_dead_tup = n;
}

#[test]
fn vacuum_is_due_by_the_servers_formula() {
    type Setup = fn(&mut TableMaintenance);
    let cases: &[(&str, f64, Setup, &[VacuumTrigger])] = &[
        ("under the base threshold", -1.0, |t| dead(t, 50), &[]),
        (
            "never vacuumed counts as 0 rows",
            -1.0,
            |t| dead(t, 51),
            &[VacuumTrigger::DeadTuples {
                dead: 51,
                threshold: 50.0,
            }],
        ),
        (
            "exactly at 50 + 0.2 * 10k",
            10_000.0,
            |t| dead(t, 2050),
            &[],
        ),
        (
            "just past it",
            10_000.0,
            |t| dead(t, 2051),
            &[VacuumTrigger::DeadTuples {
                dead: 2051,
                threshold: 2050.0,
            }],
        ),
        (
            "a table's own scale factor",
            10_000.0,
            |t| {
                t.autovacuum.vacuum_scale_factor = 0.01;
                dead(t, 151);
            },
            &[VacuumTrigger::DeadTuples {
                dead: 151,
                threshold: 150.0,
            }],
        ),
        (
            "18+: capped by the max threshold",
            1e9,
            |t| {
                t.autovacuum.vacuum_max_threshold = Some(100_000_000);
                dead(t, 100_000_001);
            },
            &[VacuumTrigger::DeadTuples {
                dead: 100_000_001,
                threshold: 1e8,
            }],
        ),
        (
            "inserts past 1000 + 0.2 * 10k",
            10_000.0,
            |t| t.n_ins_since_vacuum = 3001,
            &[VacuumTrigger::Inserts {
                inserted: 3001,
                threshold: 3000.0,
            }],
        ),
        (
            "insert-triggered vacuum off",
            10_000.0,
            |t| {
                t.autovacuum.vacuum_insert_threshold = -1;
                t.n_ins_since_vacuum = 1_000_000;
            },
            &[],
        ),
        (
            "18+: only the unfrozen quarter counts",
            10_000.0,
            |t| {
                (t.relpages, t.relallfrozen) = (100, Some(75));
                t.n_ins_since_vacuum = 1501;
            },
            &[VacuumTrigger::Inserts {
                inserted: 1501,
                threshold: 1500.0,
            }],
        ),
        (
            "relallfrozen above relpages is clamped",
            10_000.0,
            |t| {
                (t.relpages, t.relallfrozen) = (100, Some(150));
                t.n_ins_since_vacuum = 1001;
            },
            &[VacuumTrigger::Inserts {
                inserted: 1001,
                threshold: 1000.0,
            }],
        ),
        (
            "wraparound comes first",
            10_000.0,
            |t| {
                t.xid_age = Some(200_000_001);
                dead(t, 5000);
            },
            &[
                VacuumTrigger::Wraparound {
                    xid_age: 200_000_001,
                    freeze_max_age: 200_000_000,
                },
                VacuumTrigger::DeadTuples {
                    dead: 5000,
                    threshold: 2050.0,
                },
            ],
        ),
        (
            "partitioned parents are never vacuumed",
            0.0,
            |t| {
                t.partitioned = true;
                t.xid_age = None;
                dead(t, 5000);
            },
            &[],
        ),
    ];
    for (what, reltuples, setup, expected) in cases {
        let mut t = table(*reltuples);
        setup(&mut t);
        assert_eq!(autovacuum_verdict(&t).vacuum_due, *expected, "{what}");
    }
}

#[test]
fn analyze_is_due_past_its_threshold() {
    for (reltuples, changes, due) in [
        (10_000.0, 1050, false),
        (10_000.0, 1051, true),
        (-1.0, 51, true),
        (-1.0, 0, false),
    ] {
        let mut t = table(reltuples);
        t.n_mod_since_analyze = changes;
        let verdict = autovacuum_verdict(&t);
        assert_eq!(verdict.analyze_due, due, "{reltuples} {changes}");
        assert_eq!(verdict.changes_since_analyze, changes);
    }
}

#[test]
fn the_summary_says_when_autovacuum_will_not_act() {
    type Setup = fn(&mut TableMaintenance);
    let cases: &[(Setup, Option<&str>)] = &[
        (|_| {}, None),
        (
            |t| dead(t, 5000),
            Some("vacuum due (5.0k dead tuples > 50)"),
        ),
        (
            |t| {
                t.autovacuum.enabled = false;
                dead(t, 5000);
            },
            Some("vacuum due (5.0k dead tuples > 50) but autovacuum is off for this table"),
        ),
        (
            |t| {
                t.autovacuum.server_enabled = false;
                t.n_mod_since_analyze = 300;
            },
            Some("analyze due (300 changes > 50) but autovacuum is off on the server"),
        ),
        (
            |t| {
                t.autovacuum.enabled = false;
                t.xid_age = Some(250_000_000);
            },
            Some(
                "vacuum due (anti-wraparound: xid age 250.0M > 200.0M) \
                 (runs even with autovacuum off)",
            ),
        ),
        (
            |t| {
                t.autovacuum.enabled = false;
                t.n_ins_since_vacuum = 2000;
                t.n_mod_since_analyze = 2000;
            },
            Some(
                "vacuum due (2.0k inserts > 1.0k), analyze due (2.0k changes > 50) \
                 but autovacuum is off for this table",
            ),
        ),
    ];
    for (setup, expected) in cases {
        let mut t = table(-1.0);
        setup(&mut t);
        let verdict = autovacuum_verdict(&t);
        assert_eq!(verdict.summary().as_deref(), *expected, "{verdict:?}");
        assert_eq!(
            verdict.blocked(),
            expected.is_some_and(|s| s.contains(" but ")),
            "{verdict:?}"
        );
    }
}

#[test]
fn dead_ratio_is_dead_over_live_plus_dead() {
    for (live, dead, ratio) in [(0, 0, None), (75, 25, Some(0.25)), (0, 10, Some(1.0))] {
        let mut t = table(0.0);
        (t.n_live_tup, t.n_dead_tup) = (live, dead);
        assert_eq!(dead_ratio(&t), ratio, "{live} live, {dead} dead");
    }
}

#[test]
fn overdue_against_the_seed_schedule() {
    let now = SystemTime::UNIX_EPOCH + 100 * DAY;
    let ago = |d: Duration| Some(now - d);
    let schedule = MaintenanceSchedule::default();
    type Case = (
        &'static str,
        [Option<SystemTime>; 4],
        Option<Overdue>,
        Option<Overdue>,
    );
    // [last_vacuum, last_autovacuum, last_analyze, last_autoanalyze] → (vacuum, analyze)
    let cases: [Case; 6] = [
        (
            "never",
            [None; 4],
            Some(Overdue::Never),
            Some(Overdue::Never),
        ),
        ("recent", [ago(HOUR); 4], None, None),
        (
            "25 hours and 8 days",
            [None, ago(8 * DAY), ago(25 * HOUR), None],
            Some(Overdue::Since(8 * DAY)),
            Some(Overdue::Since(25 * HOUR)),
        ),
        (
            "the later of manual and auto counts",
            [ago(30 * DAY), ago(6 * DAY), ago(30 * DAY), ago(23 * HOUR)],
            None,
            None,
        ),
        (
            "exactly on schedule is not late",
            [ago(7 * DAY), None, None, ago(DAY)],
            None,
            None,
        ),
        (
            "a run in the future (clock skew) is recent",
            [Some(now + HOUR), None, Some(now + HOUR), None],
            None,
            None,
        ),
    ];
    let since = CountersSince::ClusterCreation(SystemTime::UNIX_EPOCH);
    for (what, [vacuum, autovacuum, analyze, autoanalyze], vacuum_late, analyze_late) in cases {
        let mut t = modified(table(0.0));
        t.last_vacuum = vacuum;
        t.last_autovacuum = autovacuum;
        t.last_analyze = analyze;
        t.last_autoanalyze = autoanalyze;
        assert_eq!(
            vacuum_overdue(&t, &schedule, now, since),
            vacuum_late,
            "{what}"
        );
        assert_eq!(
            analyze_overdue(&t, &schedule, now, since),
            analyze_late,
            "{what}"
        );
    }
}

/// `t` with dead tuples and changes since its last analyze: work for both.
fn modified(mut t: TableMaintenance) -> TableMaintenance {
    t.n_live_tup = 100;
    t.n_dead_tup = 10;
    t.n_mod_since_analyze = 30;
    t
}

#[test]
fn empty_and_unchanged_tables_are_never_overdue() {
    let now = SystemTime::UNIX_EPOCH + 100 * DAY;
    let schedule = MaintenanceSchedule::default();
    let since = CountersSince::ClusterCreation(SystemTime::UNIX_EPOCH);
    let empty = table(0.0);
    assert_eq!(vacuum_overdue(&empty, &schedule, now, since), None);
    assert_eq!(analyze_overdue(&empty, &schedule, now, since), None);
    // Analyzed and vacuumed long ago, untouched since: nothing to do.
    let mut quiet = table(5_000.0);
    quiet.n_live_tup = 5_000;
    quiet.last_vacuum = Some(now - 90 * DAY);
    quiet.last_analyze = Some(now - 90 * DAY);
    assert_eq!(vacuum_overdue(&quiet, &schedule, now, since), None);
    assert_eq!(analyze_overdue(&quiet, &schedule, now, since), None);
    // Rows inserted since the last vacuum (to mark visible and freeze) are work.
    quiet.n_ins_since_vacuum = 1;
    assert_eq!(
        vacuum_overdue(&quiet, &schedule, now, since),
        Some(Overdue::Since(90 * DAY))
    );
}

#[test]
fn no_run_after_a_stats_reset_is_not_never() {
    let now = SystemTime::UNIX_EPOCH + 100 * DAY;
    let schedule = MaintenanceSchedule::default();
    let t = modified(table(0.0));
    // Reset two hours ago: earlier runs are forgotten, nothing can be said yet.
    let recent = CountersSince::Reset(now - 2 * HOUR);
    assert_eq!(vacuum_overdue(&t, &schedule, now, recent), None);
    assert_eq!(analyze_overdue(&t, &schedule, now, recent), None);
    // Reset 30 hours ago: no analyze in 30 hours is late whatever came before.
    let older = CountersSince::Reset(now - 30 * HOUR);
    assert_eq!(vacuum_overdue(&t, &schedule, now, older), None);
    assert_eq!(
        analyze_overdue(&t, &schedule, now, older),
        Some(Overdue::NoneSinceReset(30 * HOUR))
    );
    // Unknown: no claim either way.
    let unknown = CountersSince::Unknown;
    assert_eq!(analyze_overdue(&t, &schedule, now, unknown), None);
}

#[test]
fn a_table_is_no_older_than_its_cluster() {
    let now = SystemTime::UNIX_EPOCH + 100 * DAY;
    let schedule = MaintenanceSchedule::default();
    let t = modified(table(0.0));
    // A cluster created an hour ago: "never" is true, but not a day or a week late.
    let young = CountersSince::ClusterCreation(now - HOUR);
    assert_eq!(vacuum_overdue(&t, &schedule, now, young), None);
    assert_eq!(analyze_overdue(&t, &schedule, now, young), None);
    let two_days = CountersSince::ClusterCreation(now - 2 * DAY);
    assert_eq!(vacuum_overdue(&t, &schedule, now, two_days), None);
    assert_eq!(
        analyze_overdue(&t, &schedule, now, two_days),
        Some(Overdue::Never)
    );
}

#[test]
fn partitioned_parents_are_not_due_for_vacuum_but_may_need_analyze() {
    let mut t = table(0.0);
    t.partitioned = true;
    let now = SystemTime::UNIX_EPOCH + 2 * DAY;
    let schedule = MaintenanceSchedule::default();
    let since = CountersSince::ClusterCreation(SystemTime::UNIX_EPOCH);
    assert_eq!(vacuum_overdue(&t, &schedule, now, since), None);
    // Autovacuum never analyzes them and their counters do not move.
    assert_eq!(
        analyze_overdue(&t, &schedule, now, since),
        Some(Overdue::Never)
    );
}

#[test]
fn wiped_live_counts_fall_back_to_the_catalog() {
    // After a crash restart: 20k rows known to the catalog, counters at 0, then 2k
    // updates. The table is 9 % dead, not 100 %.
    let mut t = table(20_000.0);
    t.n_dead_tup = 2_000;
    assert_eq!(live_estimate(&t), 20_000);
    assert!(live_is_estimated(&t));
    assert_eq!(dead_ratio(&t), Some(2_000.0 / 22_000.0));
    // Once vacuumed or analyzed since, the counter is the table's own measurement.
    t.last_autoanalyze = Some(SystemTime::UNIX_EPOCH);
    t.n_live_tup = 15_000;
    assert_eq!(live_estimate(&t), 15_000);
    assert!(!live_is_estimated(&t));
    // Never vacuumed (reltuples -1): the counter alone.
    let mut fresh = table(-1.0);
    fresh.n_live_tup = 10;
    assert_eq!(
        (live_estimate(&fresh), live_is_estimated(&fresh)),
        (10, false)
    );
}

#[test]
fn the_default_schedule_is_the_seeds() {
    let schedule = MaintenanceSchedule::default();
    assert_eq!(schedule.analyze_every, DAY);
    assert_eq!(schedule.vacuum_every, 7 * DAY);
}
