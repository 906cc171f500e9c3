//! Render snapshots of the on-call panels: the horizon panel with a holder of every kind,
//! the lock view (exact waits, and estimated ones as on PG 13), the per-database table,
//! a standby's Maintenance note and the Dashboard's horizon line; each panel alone, fed
//! its view model, at 80 and 160 columns, and the screens it sits on at 80x24.

use ratatui::layout::Rect;

use super::test_render::{assert_role, draw, style_of, text};
use crate::monitor::snapshot::Snapshot;
use crate::monitor::snapshot::horizon::HorizonHolders;
use crate::tui::app::App;
use crate::tui::app::test_support::*;
use crate::tui::app::test_support_oncall::*;
use crate::tui::screen::Screen;
use crate::tui::screens::state::TableId;
use crate::tui::screens::table::TableView;
use crate::tui::theme::{Role, Theme};

const NOW: u64 = 30 * 86_400;

fn app_on(screen: Screen, snapshots: Vec<Snapshot>, width: u16, height: u16) -> App {
    let mut app = new_app();
    resize(&mut app, width, height);
    for snapshot in snapshots {
        feed(&mut app, snapshot);
    }
    app.show(screen);
    app
}

/// Table `id` of the screen on view, as its view model says, drawn alone in `area`.
fn panel(app: &App, id: TableId, area: Rect) -> String {
    let body = Rect::new(0, 0, area.width, 44);
    let tables: Vec<TableView> = match crate::tui::screens::frame::body_view(app, body) {
        crate::tui::screens::frame::BodyView::Maintenance(view) => view.tables,
        crate::tui::screens::frame::BodyView::Activity(view) => vec![view.table],
        crate::tui::screens::frame::BodyView::Pool(view) => view
            .tables
            .into_iter()
            .filter_map(|t| match t {
                crate::tui::screens::pool::PoolTable::Whole { table, .. } => Some(table),
                crate::tui::screens::pool::PoolTable::Collapsed { .. } => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    let mut table = tables
        .into_iter()
        .find(|t| t.id == id)
        .unwrap_or_else(|| panic!("{id:?} not on view"));
    table.area = area;
    text(&paint(area.width, area.height, |frame| {
        super::table::render(frame, &table, &Theme::default());
    }))
}

/// Every line of `screen` that holds `word` has it whole (not cut into `wor…`).
fn assert_whole(screen: &str, words: &[&str]) {
    for word in words {
        assert!(screen.contains(word), "{word:?} missing or cut:\n{screen}");
    }
}

#[test]
fn the_horizon_panel_lists_every_kind_of_holder_oldest_first() {
    let app = app_on(
        Screen::Maintenance,
        vec![with_holders(NOW, every_kind_of_holder(NOW))],
        160,
        48,
    );
    for width in [80, 160] {
        let screen = panel(&app, TableId::Horizon, Rect::new(0, 0, width, 7));
        insta::assert_snapshot!(format!("horizon_panel_{width}x7"), screen);
        assert_whole(
            &screen,
            &[
                "analytics_cdc",
                "nightly_export_42",
                "replica_1",
                "pid 4242",
            ],
        );
        let kinds: Vec<&str> = screen
            .lines()
            .filter_map(|l| l.trim_start_matches('│').split_whitespace().next())
            .filter(|w| ["slot", "prepared", "standby", "backend"].contains(w))
            .collect();
        assert_eq!(
            kinds,
            ["slot", "prepared", "standby", "backend"],
            "{screen}"
        );
    }
}

#[test]
fn the_maintenance_screen_shows_the_horizon_panel_at_80x24() {
    let mut snapshot = with_holders(NOW, every_kind_of_holder(NOW));
    snapshot.slow = super::tests_maintenance::normal_app_snapshot().slow;
    let mut app = app_on(Screen::Maintenance, vec![snapshot], 80, 24);
    let buffer = draw(&mut app, 80, 24);
    let screen = text(&buffer);
    insta::assert_snapshot!("horizon_maintenance_80x24", screen);
    // The tables' dead tuples are kept by the oldest holder of user tables (the slot's
    // catalog_xmin holds only the catalogs): the prepared transaction.
    assert!(screen.contains("held: prepared"), "{screen}");
    assert!(!screen.contains("held: prepar…"), "cut mid-word: {screen}");
    // The detail view names the holder in full.
    press(&mut app, crossterm::event::KeyCode::Enter);
    let detail = text(&draw(&mut app, 80, 24));
    assert!(
        detail.contains("HELD BY   prepared 'nightly_export_42'"),
        "{detail}"
    );
    assert!(screen.contains("Why can't VACUUM clean?"), "{screen}");
    // The prepared transaction has held for 40 minutes: past the warn line.
    assert_role(
        style_of(&buffer, "nightly_export", "40m00s"),
        Role::Warn,
        "an old holder",
    );
}

#[test]
fn the_lock_view_groups_by_object_waited_on_first() {
    for (estimated, name) in [(false, "locks"), (true, "locks_estimated")] {
        let mut snapshot = with_holders(NOW, HorizonHolders::default());
        snapshot.locks = Some(Ok(lock_chain(estimated)));
        let mut app = app_on(Screen::Activity, vec![], 80, 24);
        press(&mut app, crossterm::event::KeyCode::Char('l'));
        feed(&mut app, snapshot);
        for (width, height) in [(80, 24), (160, 48)] {
            resize(&mut app, width, height);
            let screen = text(&draw(&mut app, width, height));
            insta::assert_snapshot!(format!("{name}_activity_{width}x{height}"), screen);
            assert_whole(&screen, &["public.orders", "AccessExclusive", "4301"]);
            assert_eq!(screen.contains("≈42s"), estimated, "{screen}");
            assert_eq!(screen.contains("≈ wait estimated"), estimated, "{screen}");
        }
    }
}

#[test]
fn the_per_database_table_marks_the_connected_one() {
    let (first, second) = three_databases();
    let mut app = app_on(Screen::Pool, vec![first, second], 160, 48);
    let screen = panel(&app, TableId::PoolDatabases, Rect::new(0, 0, 80, 7));
    insta::assert_snapshot!("databases_panel_80x7", screen);
    assert_whole(
        &screen,
        &["app", "postgres", "reports", "●", "3.0 GiB", "…"],
    );
    let wide = text(&draw(&mut app, 160, 48));
    insta::assert_snapshot!("databases_pool_160x48", wide);
    resize(&mut app, 80, 24);
    let narrow = text(&draw(&mut app, 80, 24));
    insta::assert_snapshot!("databases_pool_80x24", narrow);
    assert!(narrow.contains("By database (3)"), "{narrow}");
}

#[test]
fn a_standby_says_vacuum_runs_on_the_primary_and_flags_nothing() {
    let snapshot = super::tests_maintenance::normal_app_snapshot();
    let mut app = app_on(Screen::Maintenance, vec![on_a_standby(snapshot)], 80, 24);
    for (width, height) in [(80, 24), (160, 48)] {
        resize(&mut app, width, height);
        let screen = text(&draw(&mut app, width, height));
        insta::assert_snapshot!(format!("standby_maintenance_{width}x{height}"), screen);
        assert!(!screen.contains("OVERDUE"), "{screen}");
        assert!(!screen.contains("DUE"), "{screen}");
        assert!(
            screen.contains("VACUUM and ANALYZE run on the primary"),
            "{screen}"
        );
    }
}

#[test]
fn a_standby_with_no_holder_does_not_promise_that_vacuum_can_clean() {
    let snapshot = super::tests_maintenance::normal_app_snapshot();
    let mut app = app_on(Screen::Dashboard, vec![on_a_standby(snapshot)], 80, 24);
    let screen = text(&draw(&mut app, 80, 24));
    assert!(
        screen.contains("xmin horizon: nothing here holds it back (VACUUM runs on the primary)"),
        "{screen}"
    );
    assert!(!screen.contains("VACUUM can clean"), "{screen}");
}

#[test]
fn the_dashboard_names_the_oldest_holder_and_still_fits_80x24() {
    let mut app = app_on(
        Screen::Dashboard,
        vec![with_holders(NOW, every_kind_of_holder(NOW))],
        80,
        24,
    );
    let buffer = draw(&mut app, 80, 24);
    let screen = text(&buffer);
    insta::assert_snapshot!("horizon_dashboard_80x24", screen);
    assert!(
        screen
            .contains("xmin horizon: oldest holder slot analytics_cdc (logical) (3,100,000 xacts)"),
        "{screen}"
    );
    assert_role(
        style_of(&buffer, "xmin horizon", "slot analytics_cdc"),
        Role::Warn,
        "3.1M transactions back",
    );
    assert!(
        screen.contains("Top offenders"),
        "the offenders keep their panel: {screen}"
    );
}
