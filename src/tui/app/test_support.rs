//! The live view as tests drive it: an app as a test needs it, events fed as the event
//! loop feeds them (each followed by a frame, whether or not the loop would draw one:
//! paging and clicks go by what was drawn, and checks read the screen), the frame drawn into a `TestBackend`, and the
//! settings a test changes by hand. Snapshot, session and statement builders are in
//! [`crate::monitor::snapshot::test_support`]; this module re-exports them, so one import
//! brings every builder.
#![allow(dead_code)] // Shared by every test module; not each uses all.

use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;

pub(crate) use crate::monitor::snapshot::test_support::*;

use super::event::{Effect, Event};
use super::settings::Settings;
use super::shell::App;
use super::state::Mode;
use crate::monitor::snapshot::{Session, Snapshot};
use crate::tui::keymap::Keymap;
use crate::tui::screen::Screen;
use crate::tui::screens::state::{TableId, tables_of};
use crate::tui::screens::table::TableState;
use crate::tui::screens::table::{Cell, Column, Row, RowId, Severity, TableView};
use crate::tui::theme::Theme;

/// An app on `postgres@db1:5432/app`, polled every second, at the test epoch, before any
/// poll, on an 80x24 terminal.
pub(crate) fn new_app() -> App {
    App::new(
        "postgres@db1:5432/app".into(),
        Duration::from_secs(1),
        at(0),
        Keymap::default(),
        Theme::default(),
    )
}

/// A key without modifiers.
pub(crate) fn key(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

/// `event` as the event loop feeds it: updated, then a frame drawn at the app's size
/// (the loop draws only when `App::frame_due`; tests draw every time, so a check sees
/// the screen whatever the redraw rule says).
pub(crate) fn step(app: &mut App, event: Event) -> Vec<Effect> {
    let effects = app.update(event);
    let (width, height) = app.size();
    draw(app, width, height);
    effects
}

/// A key press (and the frame after it).
pub(crate) fn press(app: &mut App, code: KeyCode) -> Vec<Effect> {
    step(app, key(code))
}

/// Each character typed as a key press.
pub(crate) fn chars(app: &mut App, text: &str) -> Vec<Effect> {
    text.chars()
        .flat_map(|c| press(app, KeyCode::Char(c)))
        .collect()
}

/// A poll (and the frame after it).
pub(crate) fn feed(app: &mut App, snapshot: Snapshot) {
    step(app, Event::Snapshot(Box::new(snapshot)));
}

/// The terminal resized (and the frame after it).
pub(crate) fn resize(app: &mut App, width: u16, height: u16) {
    step(app, Event::Resize(width, height));
}

/// The frame drawn into a `TestBackend` of this size; the app learns what was drawn,
/// as it does after every frame of the event loop.
pub(crate) fn draw(app: &mut App, width: u16, height: u16) -> Buffer {
    let mut terminal =
        Terminal::new(TestBackend::new(width, height)).unwrap_or_else(|e| panic!("{e}"));
    terminal
        .draw(|frame| {
            let view = app.frame_view(frame.area());
            let drawn = crate::tui::ui::render(frame, &view, app.theme());
            app.drawn(drawn);
            app.frame_drawn(view);
        })
        .unwrap_or_else(|e| panic!("{e}"));
    terminal.backend().buffer().clone()
}

/// The buffer's text, one line per row, trailing spaces trimmed.
pub(crate) fn text(buffer: &Buffer) -> String {
    let area = buffer.area;
    (0..area.height)
        .map(|y| {
            (0..area.width)
                .map(|x| buffer[(x, y)].symbol())
                .collect::<String>()
                .trim_end()
                .to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// What `paint` draws into a `TestBackend` of this size: a panel's renderer fed a view
/// model built by hand, without an app.
pub(crate) fn paint(width: u16, height: u16, paint: impl FnOnce(&mut ratatui::Frame)) -> Buffer {
    let mut terminal =
        Terminal::new(TestBackend::new(width, height)).unwrap_or_else(|e| panic!("{e}"));
    terminal.draw(paint).unwrap_or_else(|e| panic!("{e}"));
    terminal.backend().buffer().clone()
}

/// A table view as a screen's view model would hold it: `rows` are (name, value,
/// severity of the value), already the window that fits; the first is selected when
/// `focused`, sorted by the value, largest first.
pub(crate) fn table_view(
    area: ratatui::layout::Rect,
    title: &str,
    rows: &[(&str, &str, Severity)],
    focused: bool,
) -> TableView {
    let columns = vec![Column::text("NAME", 10, 0), Column::number("VALUE", 8, 0)];
    let rows: Vec<Row> = rows
        .iter()
        .enumerate()
        .map(|(i, (name, value, severity))| Row {
            id: RowId::Name((*name).to_string()),
            cells: vec![
                Cell {
                    text: (*name).to_string(),
                    severity: Severity::Normal,
                },
                Cell {
                    text: (*value).to_string(),
                    severity: *severity,
                },
            ],
            depth: 0,
            marked: i == 1,
        })
        .collect();
    TableView {
        id: TableId::Maintenance,
        area,
        title: title.to_string(),
        count: format!(" ({})", rows.len()),
        focused,
        empty: "nothing to show: every table is fine".to_string(),
        columns,
        selected: (focused && !rows.is_empty()).then_some(0),
        rows,
        offset: 0,
        sort: Some((1, true)),
        position: None,
    }
}

/// A client session running `query` for `secs` seconds.
pub(crate) fn running(pid: i32, secs: u64, query: &str) -> Session {
    let mut s = session(pid);
    s.state = Some(SessionState::Active);
    s.query_age = Some(Duration::from_secs(secs));
    s.xact_age = Some(Duration::from_secs(secs));
    s.query = query.into();
    s
}

/// What a test sets by hand where a user would press keys whose side effects (a fetch,
/// a poller command) the test does not want.
impl App {
    /// Shows `screen`, ordering its tables (the poller is not told).
    pub(crate) fn set_screen(&mut self, screen: Screen) {
        self.screen = screen;
        self.order_tables();
    }

    /// Gives the keyboard to `mode` (an overlay opened without what opening it sends).
    pub(crate) fn set_mode(&mut self, mode: Mode) {
        self.mode = mode;
    }

    /// Draws with `theme`.
    pub(crate) fn set_theme(&mut self, theme: Theme) {
        self.settings.set_theme(theme);
    }

    /// Changes table `id`'s state (sort, selection...) and orders it again.
    pub(crate) fn change_table(&mut self, id: TableId, change: impl FnOnce(&mut TableState)) {
        change(self.screens.table_mut(id));
        if id.screen() == self.screen {
            self.order_table(id);
        }
    }

    /// Table `id`'s state.
    pub(crate) fn table_state(&self, id: TableId) -> &TableState {
        self.screens.table(id)
    }

    /// Gives the focus to `screen`'s table number `index` (focus order).
    pub(crate) fn set_focus(&mut self, screen: Screen, index: usize) {
        if let Some(id) = tables_of(screen).get(index) {
            self.screens.focus_on(*id);
        }
    }

    /// Moves the focus to the next table of the screen on view (`f`, without the frame).
    pub(crate) fn focus_next_table(&mut self) {
        self.screens.focus_next(self.screen);
    }

    /// Pauses or resumes polling (what `p` does, without telling the poller).
    pub(crate) fn set_paused(&mut self, paused: bool) {
        self.paused = paused;
    }

    /// Scrolls help to its line `line`.
    pub(crate) fn set_help_scroll(&mut self, line: u16) {
        self.help_scroll = line;
    }

    /// The settings, to change by hand (target, role, badge, configuration).
    pub(crate) fn settings_mut(&mut self) -> &mut Settings {
        &mut self.settings
    }

    /// The status line's text (empty without one).
    pub(crate) fn status_text(&self) -> String {
        self.status
            .as_ref()
            .map(|s| s.text.clone())
            .unwrap_or_default()
    }
}
