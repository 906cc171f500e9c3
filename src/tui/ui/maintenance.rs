//! The Maintenance screen: every user table's vacuum/analyze state, the commands running
//! now, transaction ID wraparound, and the seed's scheduled task history.
//!
//! ```text
//! ┌ Vacuum & analyze · schedule: analyze 1d, vacuum 7d (3) ──────────────────────┐
//! │!▼ TABLE                       DEAD DEAD % LAST VAC  LAST AN STATUS           │
//! │!! public.learning_events     40.0k  25.0%    9d02h   20h00m DUE, AV OFF · OVE│
//! └──────────────────────────────────────────────────────────────────────────────┘
//! ┌ Running VACUUM / ANALYZE / CREATE INDEX (1) ─────────────────────────────────┐
//! │   4242 VACUUM       learning_events   ██████░░░░ 62%  scanning heap ·  12m04s│
//! └──────────────────────────────────────────────────────────────────────────────┘
//! ┌ Wraparound · freeze 200.0M (6) ──┐┌ Scheduled task history (3) ──────────────┐
//! │app                  182.0M  91.0%││!! vacuum_analyze_tables    failed        │
//! │└ public.learning_e  120.0M  60.0%││   update_table_statistics  completed     │
//! └──────────────────────────────────┘└──────────────────────────────────────────┘
//! ```

use ratatui::Frame;
use ratatui::layout::Rect;

use super::table::{TableView, render_table};
use crate::analysis::maintenance_rules::CountersSince;
use crate::analysis::model::SectionId;
use crate::monitor::snapshot::{CappedList, Section, SectionError, SlowTier};
use crate::text::format;
use crate::text::timefmt;
use crate::tui::app::capped;
use crate::tui::app::{App, TableId};
use crate::tui::keymap::Action;
use crate::tui::layout;

/// Draws the four panels, each with the reason (and the fix) when it has no rows.
pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let shared_slot = area.width < layout::JOURNAL_SIDE_BY_SIDE;
    for (id, rect) in layout::maintenance_table_areas(area, app.focused_table_id()) {
        let (title, empty) = match id {
            TableId::Maintenance => (tables_title(app), tables_message(app)),
            TableId::Progress => (
                "Running VACUUM / ANALYZE / CREATE INDEX".to_string(),
                progress_message(app),
            ),
            TableId::Wraparound => (wraparound_title(app, rect.width), wraparound_message(app)),
            TableId::Journal => (journal_title(app, shared_slot), journal_message(app)),
            _ => (tasks_title(app, shared_slot), tasks_message(app)),
        };
        render_table(
            frame,
            rect,
            app.tables.model(id),
            app.tables.state(id),
            &TableView {
                title,
                focused: app.focused_table_id() == Some(id),
                empty_message: &empty,
            },
            &app.theme,
        );
    }
}

fn journal_title(app: &App, shared_slot: bool) -> String {
    let failures = app
        .journal
        .iter()
        .filter(|e| e.outcome.is_failure())
        .count();
    let mut title = "Actions journal".to_string();
    if failures > 0 {
        title.push_str(&format!(" · {failures} not ok"));
    }
    if shared_slot && let Some(key) = app.keymap.first_key(Action::FocusNext) {
        title.push_str(&format!(" · {key}: next panel"));
    }
    title
}

fn journal_message(app: &App) -> String {
    if app.read_only {
        "read-only mode: no action can run".into()
    } else if !app.tables.state(TableId::Journal).filter.is_empty() {
        crate::tui::app::views::no_match("action", &app.keymap)
    } else {
        match app.keymap.hint(Action::Help, "lists the action keys") {
            Some(hint) => format!("no action run on this server yet ({hint})"),
            None => "no action run on this server yet".into(),
        }
    }
}

fn slow(app: &App) -> Option<&SlowTier> {
    app.model.snapshot()?.slow.as_deref()
}

/// The schedule the overdue words are judged against, and autovacuum being off on the
/// server (every table's "due" then waits for a manual VACUUM).
fn tables_title(app: &App) -> String {
    let schedule = crate::tui::app::views::maintenance::schedule(app);
    let mut title = "Vacuum & analyze".to_string();
    let server_off = slow(app)
        .and_then(|s| s.maintenance.as_ref().ok())
        .and_then(|tables| tables.first())
        .is_some_and(|t| !t.autovacuum.server_enabled);
    if server_off {
        title.push_str(" · AUTOVACUUM OFF on the server");
    }
    // A stats reset or crash restart forgot the runs before it: say since when "no run"
    // holds (the cells read `>3h02m`, no run in that long, rather than `never`). Before
    // the schedule: a narrow title keeps its start.
    let reset = crate::tui::app::views::maintenance::counters_since(app);
    if let CountersSince::Reset(at) = reset {
        title.push_str(&format!(
            " · stats reset {}",
            timefmt::utc_clock(at, app.now)
        ));
    }
    // With the reset shown, the schedule goes without its label: 80 columns hold both.
    let label = if matches!(reset, CountersSince::Reset(_)) {
        ""
    } else {
        "schedule: "
    };
    with_cap_and_age(
        app,
        &mut title,
        TableId::Maintenance,
        SectionId::Maintenance,
    );
    title.push_str(&format!(
        " · {label}analyze {}, vacuum {}",
        format::duration(schedule.analyze_every),
        format::duration(schedule.vacuum_every)
    ));
    title
}

/// `Wraparound · freeze 200.0M · 20 oldest of 157 relations`; in a narrow panel the cap
/// keeps its place and the setting (in every row's FREEZE %) makes way.
fn wraparound_title(app: &App, width: u16) -> String {
    let mut title = match slow(app).and_then(|s| s.wraparound.as_ref().ok()) {
        Some(wrap) => format!(
            "Wraparound · freeze {}",
            format::quantity(wrap.freeze_max_age as f64)
        ),
        None => "Wraparound".into(),
    };
    with_cap_and_age(app, &mut title, TableId::Wraparound, SectionId::Wraparound);
    // Border, spaces and the `(24)` row count around the title.
    let room = usize::from(width).saturating_sub(10);
    let cap = slow(app).and_then(|s| s.caps.get(&CappedList::WraparoundTables));
    if title.chars().count() > room
        && let Some(cap) = cap.filter(|cap| cap.is_capped() && cap.search.is_none())
    {
        title = format!(
            "Wraparound · oldest {}/{}",
            cap.shown,
            format::thousands(cap.total)
        );
    }
    title
}

fn tasks_title(app: &App, shared_slot: bool) -> String {
    let mut title = "Scheduled task history".to_string();
    with_cap_and_age(
        app,
        &mut title,
        TableId::TaskHistory,
        SectionId::TaskHistory,
    );
    if shared_slot && let Some(key) = app.keymap.first_key(Action::FocusNext) {
        title.push_str(&format!(" · {key}: journal"));
    }
    title
}

/// ` · 20 oldest of 1,513 relations · stale 12s`: a capped list says so, a kept one
/// says how old it is.
fn with_cap_and_age(app: &App, title: &mut String, id: TableId, section: SectionId) {
    if let Some(cap) = capped::cap_title(app, id) {
        title.push_str(&format!(" · {cap}"));
    }
    if let Some(stale) = app.stale(section) {
        title.push_str(&stale.title_suffix(app.now));
    }
}

/// A section that failed: its reason, with the fix on a line of its own.
fn error_message(error: &SectionError) -> String {
    match error {
        SectionError::Unavailable {
            reason,
            fix: Some(fix),
        } => format!("{reason}\nfix: {fix}"),
        other => other.to_string(),
    }
}

/// Why a slow-tier table has no rows: not polled yet, failed or unavailable (with the
/// fix), filtered out, or really empty (`empty` says why that can be).
fn slow_message<T>(
    app: &App,
    id: TableId,
    section: impl Fn(&SlowTier) -> &Section<T>,
    empty: String,
) -> String {
    let Some(snapshot) = app.model.snapshot() else {
        return "waiting for the first poll…".into();
    };
    let Some(slow) = snapshot.slow.as_deref() else {
        return "waiting for the first slow-tier poll…".into();
    };
    match section(slow) {
        Err(error) => error_message(error),
        Ok(_) if !app.tables.state(id).filter.is_empty() => capped::no_match_message(app, id)
            .unwrap_or_else(|| crate::tui::app::views::no_match("row", &app.keymap)),
        Ok(_) => empty,
    }
}

fn tables_message(app: &App) -> String {
    let database = app
        .model
        .snapshot()
        .and_then(|s| s.capabilities.as_ref())
        .map_or_else(
            || "this database".to_string(),
            |c| format!("database \"{}\"", c.database),
        );
    slow_message(
        app,
        TableId::Maintenance,
        |s| &s.maintenance,
        format!(
            "no user tables in {database}: pgpulse lists the database it is connected to \
             (-d chooses another)"
        ),
    )
}

fn progress_message(app: &App) -> String {
    match app.model.snapshot().map(|s| &s.progress) {
        None => "waiting for the first poll…".into(),
        Some(Err(error)) => error_message(error),
        Some(Ok(_)) if !app.tables.state(TableId::Progress).filter.is_empty() => {
            crate::tui::app::views::no_match("command", &app.keymap)
        }
        Some(Ok(_)) => "no VACUUM, ANALYZE or CREATE INDEX running".into(),
    }
}

fn wraparound_message(app: &App) -> String {
    slow_message(
        app,
        TableId::Wraparound,
        |s| &s.wraparound,
        "the server reported no database".into(),
    )
}

fn tasks_message(app: &App) -> String {
    slow_message(
        app,
        TableId::TaskHistory,
        |s| &s.task_history,
        "maintenance_task_log has no runs yet: the scheduled maintenance tasks log each run \
         there"
            .into(),
    )
}
