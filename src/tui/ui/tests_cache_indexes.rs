//! Render snapshots of the Cache and Indexes screens at 80x24 and 160x48 from
//! builder-made slow tiers (normal, no user tables, missing sources), plus cell-style
//! checks where colour carries the meaning.

use super::test_render::{assert_role, draw, style_of, text};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use crate::analysis::index_flags::{IndexFlags, flag_indexes};
use crate::monitor::snapshot::cache::{SnapshotHistory, SnapshotPoint, TableCache};
use crate::monitor::snapshot::indexes::{IndexInfo, TableScans};
use crate::monitor::snapshot::test_support::*;
use crate::monitor::snapshot::{SectionError, SlowTier, Snapshot};
use crate::tui::app::{App, Event};
use crate::tui::keymap::Keymap;
use crate::tui::screen::Screen;
use crate::tui::screens::state::TableId;
use crate::tui::screens::table::{RowId, TableState};
use crate::tui::theme::{Role, Theme};
use crossterm::event::KeyCode;

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];
const SCREENS: [Screen; 2] = [Screen::Cache, Screen::Indexes];
const HOUR: u64 = 3_600;
const MIB: i64 = 1_048_576;

/// A fresh app whose three tables use the screens' default sorts (set here too, so the
/// snapshots do not depend on the tables' defaults in `TableId::default_sort`).
fn new_app() -> App {
    let mut app = App::new(
        "postgres@db1:5432/app".into(),
        Duration::from_secs(1),
        at(0),
        Keymap::default(),
        Theme::default(),
    );
    for id in [TableId::CacheTables, TableId::Indexes, TableId::TableScans] {
        app.change_table(id, |t| *t = TableState::sorted_by(id.default_sort()));
    }
    app
}

fn table(relid: u32, name: &str, heap: (i64, i64), idx: (i64, i64)) -> TableCache {
    TableCache {
        relid,
        schema: "public".into(),
        table: name.into(),
        heap_blks_hit: heap.0,
        heap_blks_read: heap.1,
        idx_blks_hit: idx.0,
        idx_blks_read: idx.1,
        toast_blks_hit: 0,
        toast_blks_read: 0,
        heap_bytes: 8_192,
        index_bytes: 16_384,
        toast_bytes: 0,
        row_estimate: None,
    }
}

fn table_cache() -> Vec<TableCache> {
    vec![
        TableCache {
            heap_bytes: 1_228 * MIB,
            index_bytes: 310 * MIB,
            row_estimate: Some(12_400_000),
            // 60 % from the cache over a million blocks: critical.
            ..table(
                16_401,
                "learning_sessions",
                (600_000, 400_000),
                (90_000, 1_000),
            )
        },
        TableCache {
            heap_bytes: 80 * MIB,
            index_bytes: 24 * MIB,
            toast_blks_hit: 5_000,
            toast_blks_read: 100,
            row_estimate: Some(1_500_000),
            ..table(16_402, "users", (990_000, 10_000), (500_000, 500))
        },
        TableCache {
            heap_bytes: 300 * MIB,
            toast_bytes: 40 * MIB,
            toast_blks_hit: 2_000,
            toast_blks_read: 2_000,
            row_estimate: Some(86_000),
            ..table(16_403, "adaptive_content", (78_000, 22_000), (0, 0))
        },
        // 50 % of six blocks: muted, it means nothing.
        table(16_404, "tiny_lookup", (3, 3), (40, 0)),
    ]
}

/// Hourly points over the last day (the slow tier is read at `at(0)`).
fn history() -> SnapshotHistory {
    let point = |name: &str, hours_ago: u64, size: i64, ratio: f64| SnapshotPoint {
        table_name: name.into(),
        at: at(0) - Duration::from_secs(hours_ago * HOUR),
        size_bytes: Some(size),
        rows: Some(size / 100),
        cache_hit_ratio: Some(ratio),
    };
    let mut points: Vec<SnapshotPoint> = (0..24)
        .rev()
        .map(|h| {
            let ratio = 0.72 - 0.005 * (23 - h) as f64 + if h % 3 == 0 { 0.02 } else { 0.0 };
            point(
                "learning_sessions",
                h,
                1_200 * MIB + (23 - h as i64) * 2 * MIB,
                ratio,
            )
        })
        .collect();
    points.extend(
        (0..24)
            .rev()
            .map(|h| point("public.users", h, 80 * MIB, 0.99)),
    );
    SnapshotHistory {
        window: Duration::from_secs(86_400),
        points,
        truncated: false,
    }
}

/// A valid, plain btree index of `table` on `columns` (attribute numbers).
fn index(oid: u32, table: &str, name: &str, scans: i64, size: i64, columns: &[i16]) -> IndexInfo {
    // The table oids of `table_scans`, so an index and its table's scans agree.
    let table_relid = match table {
        "learning_sessions" => 16_401,
        "users" => 16_402,
        _ => 16_403,
    };
    IndexInfo {
        indexrelid: oid,
        table_relid,
        schema: "public".into(),
        table: table.into(),
        name: name.into(),
        access_method: "btree".into(),
        idx_scan: scans,
        idx_tup_read: scans * 3,
        idx_tup_fetch: scans * 2,
        size_bytes: size,
        is_unique: false,
        is_primary: false,
        is_valid: true,
        is_ready: true,
        backs_constraint: false,
        key_columns: columns.len(),
        columns: columns.to_vec(),
        opclasses: vec![1978; columns.len()],
        collations: vec![0; columns.len()],
        options: vec![0; columns.len()],
        expressions: None,
        predicate: None,
    }
}

fn index_list() -> (Vec<IndexInfo>, HashMap<u32, IndexFlags>) {
    let list = vec![
        IndexInfo {
            is_unique: true,
            is_primary: true,
            backs_constraint: true,
            ..index(
                16_501,
                "learning_sessions",
                "learning_sessions_pkey",
                9_000_000,
                260 * MIB,
                &[1],
            )
        },
        index(
            16_502,
            "learning_sessions",
            "learning_sessions_user_idx",
            1_200_000,
            90 * MIB,
            &[2],
        ),
        index(
            16_503,
            "learning_sessions",
            "learning_sessions_user_idx1",
            0,
            90 * MIB,
            &[2],
        ),
        index(16_504, "users", "users_email_idx", 40, 30 * MIB, &[3]),
        index(
            16_505,
            "users",
            "users_email_name_idx",
            800_000,
            42 * MIB,
            &[3, 4],
        ),
        IndexInfo {
            is_unique: true,
            backs_constraint: true,
            ..index(16_506, "users", "users_login_key", 350_000, 20 * MIB, &[5])
        },
        IndexInfo {
            is_valid: false,
            ..index(
                16_507,
                "adaptive_content",
                "adaptive_content_topic_idx",
                0,
                12 * MIB,
                &[2],
            )
        },
        IndexInfo {
            is_valid: false,
            ..index(
                16_508,
                "adaptive_content",
                "adaptive_content_pkey_ccnew",
                0,
                6 * MIB,
                &[1],
            )
        },
        index(16_509, "users", "users_last_login_idx", 0, 18 * MIB, &[6]),
    ];
    let flags = HashMap::from([
        (
            16_503,
            IndexFlags {
                unused: true,
                duplicate_of: Some(16_502),
                ..IndexFlags::default()
            },
        ),
        (
            16_504,
            IndexFlags {
                redundant_prefix_of: Some(16_505),
                ..IndexFlags::default()
            },
        ),
        (
            16_507,
            IndexFlags {
                invalid: true,
                ..IndexFlags::default()
            },
        ),
        (
            16_508,
            IndexFlags {
                invalid: true,
                ccnew_leftover: true,
                ..IndexFlags::default()
            },
        ),
        (
            16_509,
            IndexFlags {
                unused: true,
                ..IndexFlags::default()
            },
        ),
    ]);
    (list, flags)
}

fn scans(relid: u32, name: &str, seq: (i64, i64), idx_scan: Option<i64>, live: i64) -> TableScans {
    TableScans {
        relid,
        schema: "public".into(),
        table: name.into(),
        seq_scan: seq.0,
        seq_tup_read: seq.1,
        idx_scan: idx_scan.unwrap_or(0),
        idx_tup_fetch: idx_scan.unwrap_or(0) * 2,
        has_indexes: idx_scan.is_some(),
        n_live_tup: live,
    }
}

fn table_scans() -> Vec<TableScans> {
    vec![
        scans(
            16_401,
            "learning_sessions",
            (1_200, 60_000_000),
            Some(900),
            12_400_000,
        ),
        scans(16_410, "audit_log", (300, 9_000_000), None, 30_000),
        scans(16_402, "users", (40, 200_000), Some(10_000_000), 1_500_000),
        scans(16_404, "tiny_lookup", (50_000, 250_000), Some(0), 5),
    ]
}

/// The App flags the indexes itself (`Derived::absorb`): the fixture's flags are what
/// the screens must show, so they must be what the flagging finds.
#[test]
fn the_fixture_flags_are_what_flag_indexes_finds() {
    let (list, flags) = index_list();
    let found: HashMap<u32, IndexFlags> = flag_indexes(&list)
        .into_iter()
        .filter(|(_, f)| f.any())
        .collect();
    assert_eq!(found, flags);
}

pub(super) fn normal_tier() -> SlowTier {
    let (list, _) = index_list();
    SlowTier {
        table_totals: Ok(tables(3_000_000, 21_000_000, 14_000_000, 90_000)),
        table_cache: Ok(Arc::new(table_cache())),
        snapshot_history: Ok(history()),
        indexes: Ok(Arc::new(list)),
        table_scans: Ok(Arc::new(table_scans())),
        ..SlowTier::not_polled(at(0))
    }
}

/// Polls one second apart for half a minute; the hit ratio wobbles between 93 % and
/// 97 % so the ten-minute chart has a shape.
fn feed_polls(app: &mut App, tier: SlowTier) {
    let tier = Arc::new(tier);
    let (mut hit, mut read) = (90_000_i64, 1_000_i64);
    for t in 0..30 {
        hit += 9_300 + 100 * (t as i64 % 5);
        read += 500;
        let mut snapshot: Snapshot = snapshot_at(t)
            .with_database(db(5).commits(1_000 + 250 * t as i64).blocks(hit, read))
            .with_database(db(6).blocks(5_000, 4_000));
        snapshot.capabilities = Some(Arc::new(crate::pg::probe::sample_capabilities()));
        snapshot.slow = Some(Arc::clone(&tier));
        app.update(Event::Snapshot(Box::new(snapshot)));
    }
}

fn app_with(tier: SlowTier) -> App {
    let mut app = new_app();
    feed_polls(&mut app, tier);
    app
}

fn assert_screens(name: &str, app: &mut App) {
    for screen in SCREENS {
        app.set_screen(screen);
        for (width, height) in SIZES {
            app.update(Event::Resize(width, height));
            let rendered = text(&draw(app, width, height));
            insta::assert_snapshot!(
                format!("{name}_{}_{width}x{height}", screen.title().to_lowercase()),
                rendered
            );
        }
    }
}

#[test]
fn normal() {
    let mut app = app_with(normal_tier());
    assert_screens("normal", &mut app);
    app.set_screen(Screen::Cache);
    let screen = text(&draw(&mut app, 160, 48));
    for expected in [
        "learning_sessions, last 24h",
        "growth +48.0 MiB/day",
        "60.0%",
    ] {
        assert!(screen.contains(expected), "{expected}:\n{screen}");
    }
    app.set_screen(Screen::Indexes);
    let screen = text(&draw(&mut app, 160, 48));
    for expected in [
        "UNUSED",
        "DUP of learning_sessions_user_idx",
        "PREFIX of users_email_name_idx",
        "INVALID",
        "_ccnew leftover",
        "87.5%",
        "likely: 50.0k/scan",
        "no index",
    ] {
        assert!(screen.contains(expected), "{expected}:\n{screen}");
    }
}

#[test]
fn empty_database() {
    let mut app = app_with(SlowTier {
        table_totals: Ok(tables(0, 0, 0, 0)),
        table_cache: Ok(Arc::new(vec![])),
        snapshot_history: Ok(SnapshotHistory {
            window: Duration::from_secs(86_400),
            points: vec![],
            truncated: false,
        }),
        indexes: Ok(Arc::new(vec![])),
        table_scans: Ok(Arc::new(vec![])),
        ..SlowTier::not_polled(at(0))
    });
    assert_screens("empty", &mut app);
}

#[test]
fn missing_sources() {
    let mut tier = normal_tier();
    tier.snapshot_history = Err(SectionError::Unavailable {
        reason: "table database_statistics_snapshot not found in the search path".into(),
        fix: Some("pgpulse schema install".into()),
    });
    tier.indexes = Err(SectionError::Failed(
        "canceling statement due to statement timeout".into(),
    ));
    let mut app = app_with(tier);
    assert_screens("missing_source", &mut app);
    app.set_screen(Screen::Cache);
    let screen = text(&draw(&mut app, 160, 48));
    assert!(screen.contains("fix: pgpulse schema install"), "{screen}");
}

#[test]
fn a_table_without_history_says_how_to_record_it() {
    let mut app = app_with(normal_tier());
    app.set_screen(Screen::Cache);
    app.change_table(TableId::CacheTables, |t| {
        t.selected_id = Some(RowId::Relation(16_403))
    });
    let screen = text(&draw(&mut app, 160, 48));
    assert!(
        screen.contains(
            "no snapshots of public.adaptive_content in the last 24h in database_statistics_snapshot (rows are written by the application's snapshot job)"
        ),
        "{screen}"
    );
}

#[test]
fn hit_ratios_are_coloured_only_with_enough_blocks() {
    let mut app = app_with(normal_tier());
    app.set_screen(Screen::Cache);
    // Select another row: the selection's highlight would cover the colour checked.
    app.change_table(TableId::CacheTables, |t| {
        t.selected_id = Some(RowId::Relation(16_402))
    });
    let buffer = draw(&mut app, 160, 48);
    assert_role(
        style_of(&buffer, "public.learning_sessions", "60.0%"),
        Role::Crit,
        "60.0%",
    );
    assert_role(
        style_of(&buffer, "public.adaptive_content", "78.0%"),
        Role::Warn,
        "78.0%",
    );
    assert_role(
        style_of(&buffer, "public.tiny_lookup", "50.0%"),
        Role::Muted,
        "50.0%",
    );
}

#[test]
fn invalid_indexes_are_critical_and_other_flags_warn() {
    let mut app = app_with(normal_tier());
    app.set_screen(Screen::Indexes);
    // Focus the other table: the focused one highlights its selected row.
    app.set_focus(Screen::Indexes, 1);
    let buffer = draw(&mut app, 160, 48);
    assert_role(
        style_of(&buffer, "adaptive_content_topic_idx", "INVALID"),
        Role::Crit,
        "INVALID",
    );
    assert_role(
        style_of(&buffer, "_pkey_ccnew", "_ccnew leftover"),
        Role::Crit,
        "_ccnew leftover",
    );
    assert_role(
        style_of(&buffer, "users_last_login_idx", "UNUSED"),
        Role::Warn,
        "UNUSED",
    );
}

#[test]
fn flagged_indexes_come_first_then_the_largest() {
    let app = app_with(normal_tier());
    let names: Vec<String> = app
        .table(TableId::Indexes)
        .1
        .iter()
        .map(|r| r.cells[1].text.clone())
        .collect();
    assert_eq!(
        names,
        [
            "adaptive_content_topic_idx",
            "adaptive_content_pkey_ccnew",
            "learning_sessions_user_idx1",
            "users_email_idx",
            "users_last_login_idx",
            "learning_sessions_pkey",
            "learning_sessions_user_idx",
            "users_email_name_idx",
            "users_login_key",
        ]
    );
}

/// A database with more tables than the Cache screen reads: the title says which of how
/// many; typing a filter asks the poller to search them all and says so until the answer
/// comes; then the title says what matched.
#[test]
fn a_capped_table_list_says_so_and_searches_the_server() {
    use crate::monitor::poller::PollerCommand;
    use crate::monitor::snapshot::{CappedList, ListCap};
    let cap = |shown, total, search: Option<&str>| ListCap {
        shown,
        total,
        search: search.map(str::to_string),
    };
    let mut tier = normal_tier();
    tier.caps
        .insert(CappedList::CacheTables, cap(3, 1_513, None));
    let mut app = app_with(tier.clone());
    app.set_screen(Screen::Cache);
    app.update(Event::Resize(160, 48));
    let screen = text(&draw(&mut app, 160, 48));
    assert!(screen.contains("3 largest of 1,513 tables"), "{screen}");

    let mut effects = press(&mut app, KeyCode::Char('/'));
    for c in "needle".chars() {
        effects.extend(press(&mut app, KeyCode::Char(c)));
    }
    assert_eq!(
        effects.last(),
        Some(&crate::tui::app::Effect::Poller(PollerCommand::Search(
            CappedList::CacheTables,
            Some("needle".into())
        )))
    );
    let screen = text(&draw(&mut app, 160, 48));
    assert!(
        screen.contains("searching all tables for \"needle\"…")
            && screen.contains("searching all tables on the server…"),
        "{screen}"
    );
    // The poller's answer: the one table whose name matches, out of all of them.
    tier.caps
        .insert(CappedList::CacheTables, cap(0, 0, Some("needle")));
    tier.table_cache = Ok(Arc::new(vec![]));
    feed_polls(&mut app, tier);
    let screen = text(&draw(&mut app, 160, 48));
    assert!(
        screen.contains("no tables match \"needle\" on the server (all of them searched"),
        "{screen}"
    );
}

fn press(app: &mut App, code: KeyCode) -> Vec<crate::tui::app::Effect> {
    app.update(Event::Key(crossterm::event::KeyEvent::new(
        code,
        crossterm::event::KeyModifiers::NONE,
    )))
}
