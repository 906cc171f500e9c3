//! Render snapshots of the Pool screen at 80x24 and 160x48 from builder-made snapshots,
//! plus cell-style checks where colour carries the verdict.

use crate::tui::app::test_support::{draw, text};
use std::time::Duration;

use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};

use crate::monitor::snapshot::pgbouncer::{BouncerList, BouncerPool, BouncerStats, PgBouncer};
use crate::monitor::snapshot::test_support::*;
use crate::monitor::snapshot::{SectionError, Session, Snapshot};
use crate::settings::config::Pool;
use crate::tui::app::{App, Event};
use crate::tui::keymap::Keymap;
use crate::tui::screen::Screen;
use crate::tui::screens::state::TableId;
use crate::tui::theme::{Role, Theme};

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];
const PROD: &str = "learning-assistant-production";

/// The cell where `needle` starts on the first line that contains `on_line` too.
fn find(buffer: &Buffer, on_line: &str, needle: &str) -> (u16, u16) {
    let screen = text(buffer);
    for (y, line) in screen.lines().enumerate() {
        if line.contains(on_line)
            && let Some(byte) = line.find(needle)
        {
            let x = line[..byte].chars().count();
            return (u16::try_from(x).unwrap_or(0), u16::try_from(y).unwrap_or(0));
        }
    }
    panic!("no line with {on_line:?} and {needle:?}:\n{screen}");
}

/// The cell is drawn with `role`'s colours and at least its modifiers.
fn assert_role(buffer: &Buffer, (x, y): (u16, u16), role: Role) {
    let cell = &buffer[(x, y)];
    super::test_render::assert_role(
        cell.style(),
        role,
        &format!("{:?} at {x},{y}", cell.symbol()),
    );
}

fn new_app() -> App {
    let mut app = App::new(
        "postgres@db1:5432/app".into(),
        Duration::from_secs(1),
        at(0),
        Keymap::default(),
        Theme::default(),
    );
    app.set_screen(Screen::Pool);
    app
}

fn feed(app: &mut App, snapshot: Snapshot) {
    app.update(Event::Snapshot(Box::new(snapshot)));
    // The screen's default sort (largest first by TOTAL, CL WAIT), which
    // `views::default_sort` will give these tables once it delegates to the Pool view.
    for &id in crate::tui::screens::state::tables_of(Screen::Pool) {
        app.change_table(id, |t| t.sort_column = Some(id.default_sort()));
    }
}

fn client(pid: i32, application: &str, state: &str) -> Session {
    Session {
        application: application.into(),
        state: Some(SessionState::parse(state)),
        ..session(pid)
    }
}

/// Nine production sessions (one idle in a transaction for over a minute, one waiting
/// on a lock) and two psql sessions of a DBA from another host.
pub(super) fn sessions() -> Vec<Session> {
    let mut sessions: Vec<Session> = (201..=205).map(|pid| client(pid, PROD, "active")).collect();
    sessions.push(client(206, PROD, "idle"));
    sessions.push(client(207, PROD, "idle"));
    sessions.push(Session {
        state_age: Some(Duration::from_secs(95)),
        ..client(208, PROD, "idle in transaction").xact_age(150)
    });
    sessions.push(Session {
        application: PROD.into(),
        ..session(209).blocked_by(&[208])
    });
    for (pid, state) in [(301, "active"), (302, "idle")] {
        sessions.push(Session {
            user: Some("dba".into()),
            client: Some("10.0.0.7".into()),
            ..client(pid, "psql", state)
        });
    }
    sessions.push(session(401).backend_type("autovacuum worker"));
    sessions
}

pub(super) fn bouncer() -> PgBouncer {
    let pool =
        |database: &str, user: &str, mode: &str, counts: [i64; 5], maxwait_ms: u64| BouncerPool {
            database: database.into(),
            user: user.into(),
            cl_active: counts[0],
            cl_waiting: counts[1],
            sv_active: counts[2],
            sv_idle: counts[3],
            sv_used: counts[4],
            maxwait: Duration::from_millis(maxwait_ms),
            pool_mode: mode.into(),
        };
    let stats = |database: &str, query_us: u64| BouncerStats {
        database: database.into(),
        avg_query_time: Duration::from_micros(query_us),
        avg_xact_time: Duration::from_micros(query_us * 3),
        avg_wait_time: Duration::from_micros(query_us / 2),
        total_query_count: 123_456,
    };
    let list = |name: &str, items: i64| BouncerList {
        name: name.into(),
        items,
    };
    PgBouncer {
        pools: vec![
            pool("app", "app_user", "transaction", [12, 3, 10, 0, 0], 2_500),
            pool("app", "report", "session", [2, 0, 1, 1, 0], 0),
            pool("pgbouncer", "pgbouncer", "statement", [1, 0, 0, 0, 0], 0),
        ],
        stats: vec![stats("app", 4_200), stats("pgbouncer", 0)],
        lists: vec![
            list("databases", 2),
            list("users", 3),
            list("peers", 0),
            list("pools", 3),
            list("peer_pools", 0),
            list("free_clients", 38),
            list("used_clients", 15),
            list("login_clients", 0),
            list("free_servers", 5),
            list("used_servers", 11),
            list("dns_names", 0),
        ],
    }
}

/// The production pool of ten is 90 % used (a warning), the development one is empty.
pub(super) fn pools() -> Vec<Pool> {
    vec![
        Pool {
            name: "learning-assistant (prod)".into(),
            application: PROD.into(),
            max: 10,
        },
        Pool {
            name: "learning-assistant (dev)".into(),
            application: "learning-assistant-development".into(),
            max: 10,
        },
    ]
}

fn normal_app() -> App {
    let mut app = new_app().with_config(crate::settings::config::Config {
        pools: pools(),
        ..crate::settings::config::Config::default()
    });
    let mut snapshot = snapshot_at(10).with_sessions(sessions());
    snapshot.pgbouncer = Some(Ok(bouncer()));
    feed(&mut app, snapshot);
    app
}

fn assert_sizes(name: &str, app: &mut App) {
    for (width, height) in SIZES {
        app.update(Event::Resize(width, height));
        let rendered = text(&draw(app, width, height));
        insta::assert_snapshot!(format!("pool_{name}_{width}x{height}"), rendered);
    }
}

#[test]
fn normal() {
    let mut app = normal_app();
    assert_sizes("normal", &mut app);
}

#[test]
fn normal_with_pgbouncer_focused_on_a_small_terminal() {
    let mut app = normal_app();
    app.set_focus(Screen::Pool, 4);
    app.update(Event::Resize(80, 24));
    let buffer = draw(&mut app, 80, 24);
    insta::assert_snapshot!("pool_pgbouncer_focused_80x24", text(&buffer));
    let screen = text(&buffer);
    assert!(screen.contains("app_user"), "{screen}");
    assert!(screen.contains("By application (2)"), "{screen}");
}

#[test]
fn empty() {
    let mut app = new_app();
    feed(&mut app, snapshot_at(10));
    assert_sizes("empty", &mut app);
    let screen = text(&draw(&mut app, 160, 48));
    assert!(screen.contains("[[pools]]"), "{screen}");
    assert!(
        screen.contains("conninfo = \"host=127.0.0.1 port=6432 dbname=pgbouncer user=pgbouncer\""),
        "{screen}"
    );
    assert!(screen.contains("~/.config/pgpulse/config.toml"), "{screen}");
}

#[test]
fn pgbouncer_failed() {
    let mut app = new_app().with_config(crate::settings::config::Config {
        pools: pools(),
        ..crate::settings::config::Config::default()
    });
    let mut snapshot = snapshot_at(10).with_sessions(sessions());
    snapshot.pgbouncer = Some(Err(SectionError::Failed(
        "connection to 127.0.0.1:6432 refused".into(),
    )));
    feed(&mut app, snapshot);
    assert_sizes("pgbouncer_failed", &mut app);
    let screen = text(&draw(&mut app, 160, 48));
    assert!(
        screen.contains("PgBouncer could not be read: connection to 127.0.0.1:6432 refused"),
        "{screen}"
    );
}

#[test]
fn a_pool_at_90_percent_is_a_warning() {
    let mut app = normal_app();
    for (width, height) in SIZES {
        let buffer = draw(&mut app, width, height);
        let percent = find(&buffer, "learning-assistant (prod)", "90.0%");
        assert_role(&buffer, percent, Role::Warn);
        // The bar starts after the label (on wide screens the server's bar comes first).
        let (x, y) = find(&buffer, "learning-assistant (prod)", "(prod) █");
        let bar = (x + 7, y);
        assert_eq!(buffer[bar].symbol(), "█");
        assert_eq!(
            buffer[bar].fg,
            Theme::default()
                .style(Role::Warn)
                .fg
                .unwrap_or(Color::Reset),
            "the bar takes the warning colour"
        );
        // The empty development pool stays within its threshold.
        let dev = find(&buffer, "learning-assistant (dev)", "0.0%");
        assert_role(&buffer, dev, Role::Ok);
    }
}

#[test]
fn waiting_pgbouncer_clients_are_critical() {
    let mut app = normal_app();
    let buffer = draw(&mut app, 160, 48);
    let (header_x, _) = find(&buffer, "DATABASE", "CL WAIT");
    let (_, row_y) = find(&buffer, "app_user", "app_user");
    // Right-aligned under its right-aligned title ("CL WAIT▼", sorted by it).
    let x = header_x + u16::try_from("CL WAIT▼".chars().count()).unwrap_or(0) - 1;
    assert_eq!(buffer[(x, row_y)].symbol(), "3");
    assert_role(&buffer, (x, row_y), Role::Crit);
    let (_, report_y) = find(&buffer, "report", "report");
    assert_eq!(buffer[(x, report_y)].symbol(), "0");
    assert_role(&buffer, (x, report_y), Role::Text);
}

#[test]
fn the_idle_transaction_over_a_minute_is_a_warning() {
    let mut app = normal_app();
    let buffer = draw(&mut app, 80, 24);
    let pid = find(&buffer, "longest idle in txn", "pid 208");
    assert_role(&buffer, pid, Role::Warn);
}

#[test]
fn gauges_stay_visible_in_every_theme() {
    for name in crate::tui::theme::builtin_names() {
        let mut app = normal_app();
        app.set_theme(crate::tui::theme::load_theme(name, None).unwrap_or_else(|e| panic!("{e}")));
        let buffer = draw(&mut app, 80, 24);
        let bar = find(&buffer, "learning-assistant (prod)", "█");
        // A reversed block character would look empty.
        assert!(
            !buffer[bar].modifier.contains(Modifier::REVERSED),
            "{name}: reversed gauge"
        );
    }
}

#[test]
fn pool_rows_are_named_for_the_detail_view_and_copying() {
    let app = normal_app();
    let ids: Vec<_> = app
        .table(TableId::PoolApplications)
        .1
        .iter()
        .map(|r| r.id.clone())
        .collect();
    assert_eq!(
        ids,
        [
            crate::tui::screens::table::RowId::Name(PROD.into()),
            crate::tui::screens::table::RowId::Name("psql".into()),
        ]
    );
    let first = app
        .table(TableId::PgBouncerPools)
        .1
        .first()
        .map(|r| r.id.clone());
    assert_eq!(
        first,
        Some(crate::tui::screens::table::RowId::Name(
            "app/app_user".into()
        )),
        "the pool with waiting clients comes first"
    );
}

#[test]
fn any_size_and_focus_renders_without_panicking() {
    let mut app = normal_app();
    for focus in 0..4 {
        app.set_focus(Screen::Pool, focus);
        for width in [1, 10, 40, 79, 119, 120, 200] {
            for height in [1, 4, 8, 12, 20, 30, 60] {
                app.update(Event::Resize(width, height));
                let screen = text(&draw(&mut app, width, height));
                assert!(!screen.is_empty());
            }
        }
    }
}

#[test]
fn the_expanded_table_follows_the_focus_on_short_terminals() {
    let body = ratatui::layout::Rect::new(0, 2, 80, 21);
    for &focused in crate::tui::screens::state::tables_of(Screen::Pool) {
        let areas = crate::tui::layout::pool_regions(body, Some(focused)).tables;
        let tallest = areas.iter().max_by_key(|(_, rect)| rect.height);
        assert_eq!(tallest.map(|(id, _)| *id), Some(focused));
        assert!(
            areas
                .iter()
                .all(|(id, rect)| *id == focused || rect.height == 1)
        );
    }
    // With room for all, every table is drawn in full whatever the focus.
    let tall = ratatui::layout::Rect::new(0, 2, 80, 45);
    let areas = crate::tui::layout::pool_regions(tall, Some(TableId::PoolClients)).tables;
    assert!(areas.iter().all(|(_, rect)| rect.height >= 6), "{areas:?}");
}
