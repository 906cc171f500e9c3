//! The Maintenance screen as drawn: every user table's vacuum/analyze state, the
//! commands running now, transaction ID wraparound, the seed's scheduled task history
//! and the journal of the actions pgpulse ran, each with the reason (and the fix) when it
//! has no rows.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};

use super::empty::Empty;
use super::journal::JournalRows;
use super::maintenance::MaintenanceRows;
use super::maintenance_panels::{ProgressRows, TaskRows, WraparoundRows};
use super::rows::TableRows;
use super::state::TableId;
use super::table::TableView;
use crate::analysis::maintenance_rules::CountersSince;
use crate::analysis::model::SectionId;
use crate::monitor::snapshot::{CappedList, Section, SlowTier};
use crate::text::format;
use crate::text::timefmt;
use crate::tui::app::App;
use crate::tui::fit;
use crate::tui::keymap::Action;
use crate::tui::layout;
use crate::tui::theme::Role;

/// The Maintenance screen as drawn: its tables, in focus order (on narrow terminals the
/// task history and the journal share a slot, and only the focused one is drawn).
#[derive(Debug, Clone, PartialEq)]
pub struct MaintenanceView {
    pub tables: Vec<TableView>,
    /// On a standby, why nothing is judged (vacuum runs on the primary), on the lines
    /// above the tables.
    pub note: Option<(Rect, Vec<Line<'static>>)>,
}

/// The view of the Maintenance screen in `body`.
pub fn view(app: &App, body: Rect) -> MaintenanceView {
    let (note, body) = standby_note(app, body);
    let shared_slot = body.width < layout::JOURNAL_SIDE_BY_SIDE;
    let tables = layout::maintenance_table_areas(body, app.focused_table_id())
        .into_iter()
        .map(|(id, rect)| {
            let (title, empty) = match id {
                TableId::Maintenance => (tables_title(app), tables_message(app)),
                TableId::Horizon => (super::horizon::title(app), super::horizon::empty(app)),
                TableId::Progress => (
                    "Running VACUUM / ANALYZE / CREATE INDEX".to_string(),
                    progress_message(app),
                ),
                TableId::Wraparound => (wraparound_title(app, rect.width), wraparound_message(app)),
                TableId::Journal => (journal_title(app, shared_slot), journal_message(app)),
                _ => (tasks_title(app, shared_slot), tasks_message(app)),
            };
            let rows = rows_of(app, id);
            super::tables::view(
                app,
                id,
                rect,
                rows.as_ref(),
                super::tables::focused(app, id),
            )
            .titled(title, empty)
        })
        .collect();
    MaintenanceView { tables, note }
}

/// On a standby: the note, wrapped to the width (two lines at most), and the body left
/// under it.
fn standby_note(app: &App, body: Rect) -> (Option<(Rect, Vec<Line<'static>>)>, Rect) {
    let judge = app
        .model()
        .maintenance_judge(super::maintenance::schedule(app));
    let Some(note) = judge.note() else {
        return (None, body);
    };
    let style = app.theme().style(Role::Warn);
    let lines: Vec<Line<'static>> = fit::wrap(note, usize::from(body.width.saturating_sub(1)))
        .into_iter()
        .take(2)
        .map(|line| Line::from(Span::styled(format!(" {line}"), style)))
        .collect();
    let height = u16::try_from(lines.len()).unwrap_or(2);
    let [note_area, rest] =
        Layout::vertical([Constraint::Length(height), Constraint::Min(0)]).areas(body);
    (Some((note_area, lines)), rest)
}

/// The rows of one of the Maintenance screen's tables.
pub fn rows_of<'a>(app: &'a App, id: TableId) -> Box<dyn TableRows + 'a> {
    match id {
        TableId::Progress => Box::new(ProgressRows::new(app)),
        TableId::Wraparound => Box::new(WraparoundRows::new(app)),
        TableId::TaskHistory => Box::new(TaskRows::new(app)),
        TableId::Journal => Box::new(JournalRows::new(app)),
        TableId::Horizon => Box::new(super::horizon::HorizonRows::new(app)),
        _ => Box::new(MaintenanceRows::new(app)),
    }
}

fn journal_title(app: &App, shared_slot: bool) -> String {
    let failures = app
        .journal()
        .iter()
        .filter(|e| e.outcome.is_failure())
        .count();
    let mut title = "Actions journal".to_string();
    if failures > 0 {
        title.push_str(&format!(" · {failures} not ok"));
    }
    if shared_slot && let Some(key) = app.keymap().first_key(Action::FocusNext) {
        title.push_str(&format!(" · {key}: next panel"));
    }
    title
}

fn journal_message(app: &App) -> String {
    if app.settings().read_only() {
        "read-only mode: no action can run".into()
    } else if !app.screens().table(TableId::Journal).filter.is_empty() {
        super::empty::no_match("action", app.keymap())
    } else {
        match app.keymap().hint(Action::Help, "lists the action keys") {
            Some(hint) => format!("no action run on this server yet ({hint})"),
            None => "no action run on this server yet".into(),
        }
    }
}

/// The schedule the overdue words are judged against, and autovacuum being off on the
/// server (every table's "due" then waits for a manual VACUUM).
fn tables_title(app: &App) -> String {
    let schedule = super::maintenance::schedule(app);
    let mut title = "Vacuum & analyze".to_string();
    let server_off = app
        .model()
        .slow()
        .and_then(|s| s.maintenance.as_ref().ok())
        .and_then(|tables| tables.first())
        .is_some_and(|t| !t.autovacuum.server_enabled);
    if server_off {
        title.push_str(" · AUTOVACUUM OFF on the server");
    }
    // A stats reset or crash restart forgot the runs before it: say since when "no run"
    // holds (the cells read `>3h02m`, no run in that long, rather than `never`). Before
    // the schedule: a narrow title keeps its start.
    let reset = super::maintenance::counters_since(app);
    if let CountersSince::Reset(at) = reset {
        title.push_str(&format!(
            " · stats reset {}",
            timefmt::utc_clock(at, app.now())
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
    let mut title = match app.model().slow().and_then(|s| s.wraparound.as_ref().ok()) {
        Some(wrap) => format!(
            "Wraparound · freeze {}",
            format::quantity(wrap.freeze_max_age as f64)
        ),
        None => "Wraparound".into(),
    };
    with_cap_and_age(app, &mut title, TableId::Wraparound, SectionId::Wraparound);
    // Border, spaces and the `(24)` row count around the title.
    let room = usize::from(width).saturating_sub(10);
    let cap = app
        .model()
        .slow()
        .and_then(|s| s.caps.get(&CappedList::WraparoundTables));
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
    if shared_slot && let Some(key) = app.keymap().first_key(Action::FocusNext) {
        title.push_str(&format!(" · {key}: journal"));
    }
    title
}

/// ` · 20 oldest of 1,513 relations · stale 12s`: a capped list says so, a kept one
/// says how old it is.
fn with_cap_and_age(app: &App, title: &mut String, id: TableId, section: SectionId) {
    if let Some(cap) = super::capped::cap_title(app, id) {
        title.push_str(&format!(" · {cap}"));
    }
    if let Some(stale) = app.stale(section) {
        title.push_str(&stale.title_suffix(app.now()));
    }
    title.push_str(&super::governed::suffix(
        app,
        crate::monitor::snapshot::governed::GovernedSource::Maintenance,
    ));
}

/// Why a slow-tier table has no rows: not polled yet, failed or unavailable (with the
/// fix), filtered out, or really empty (`empty` says why that can be).
fn slow_message<T>(
    app: &App,
    id: TableId,
    section: impl Fn(&SlowTier) -> &Section<T>,
    empty: String,
) -> String {
    let Some(snapshot) = app.model().snapshot() else {
        return Empty::FirstPoll.message(app.keymap());
    };
    let Some(slow) = snapshot.slow.as_deref() else {
        return Empty::FirstSlowPoll.message(app.keymap());
    };
    match section(slow) {
        Err(error) => Empty::SectionWithFix(error).message(app.keymap()),
        Ok(_) if !app.screens().table(id).filter.is_empty() => {
            super::capped::no_match_message(app, id)
                .unwrap_or_else(|| super::empty::no_match("row", app.keymap()))
        }
        Ok(_) => empty,
    }
}

fn tables_message(app: &App) -> String {
    let database = app
        .model()
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
    match app.model().snapshot().map(|s| &s.progress) {
        None => Empty::FirstPoll.message(app.keymap()),
        Some(Err(error)) => Empty::SectionWithFix(error).message(app.keymap()),
        Some(Ok(_)) if !app.screens().table(TableId::Progress).filter.is_empty() => {
            super::empty::no_match("command", app.keymap())
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
