//! Keys and mouse, mapped through the keymap to state changes and effects.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Rect;

use super::views::ActivityMode;
use super::{App, Effect, HISTORY_WINDOWS, LATENCY_WINDOWS, Mode, TableId};
use crate::monitor::poller::PollerCommand;
use crate::settings::config::{MAX_REFRESH, MIN_REFRESH};
use crate::tui::keymap::{Action, Context, is_interrupt};
use crate::tui::layout;
use crate::tui::screen::Screen;

pub(super) fn on_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    if key.kind == KeyEventKind::Release {
        return vec![];
    }
    match app.mode.clone() {
        Mode::Filter { input } => filter_key(app, key, input),
        Mode::Help => match app.keymap.action(Context::Help, &key) {
            Some(Action::Quit) if is_interrupt(&key) => vec![Effect::Quit],
            Some(action @ (Action::Down | Action::Up | Action::PageDown | Action::PageUp)) => {
                // Within what help has to show, so `k` after scrolling down moves at once.
                let (limit, page) = crate::tui::ui::overlay_scroll_limit(app);
                let scroll = app.help_scroll.min(limit);
                app.help_scroll = match action {
                    Action::Down => scroll.saturating_add(1),
                    Action::Up => scroll.saturating_sub(1),
                    Action::PageDown => scroll.saturating_add(page.max(1)),
                    _ => scroll.saturating_sub(page.max(1)),
                }
                .min(limit);
                vec![]
            }
            Some(Action::Top) => {
                app.help_scroll = 0;
                vec![]
            }
            Some(Action::Bottom) => {
                app.help_scroll = crate::tui::ui::overlay_scroll_limit(app).0;
                vec![]
            }
            Some(Action::Help | Action::Back | Action::Quit) | None => {
                app.mode = Mode::Normal;
                vec![]
            }
            Some(_) => vec![],
        },
        Mode::Detail => match app.keymap.action(Context::Detail, &key) {
            Some(Action::Quit) if is_interrupt(&key) => vec![Effect::Quit],
            Some(Action::Quit | Action::Back | Action::Detail) => {
                app.mode = Mode::Normal;
                vec![]
            }
            Some(
                action @ (Action::Up
                | Action::Down
                | Action::PageUp
                | Action::PageDown
                | Action::Top
                | Action::Bottom),
            ) => {
                scroll_overlay(app, action);
                vec![]
            }
            Some(action @ (Action::Copy | Action::Help | Action::MessageLog)) => {
                normal(app, action)
            }
            _ => vec![],
        },
        Mode::Messages => match app.keymap.action(Context::Detail, &key) {
            Some(Action::Quit) if is_interrupt(&key) => vec![Effect::Quit],
            Some(
                action @ (Action::Up
                | Action::Down
                | Action::PageUp
                | Action::PageDown
                | Action::Top
                | Action::Bottom),
            ) => {
                scroll_overlay(app, action);
                vec![]
            }
            // Overlays close with q as with Esc: q quits only from the plain screen.
            Some(Action::Back | Action::MessageLog | Action::Quit) => {
                app.mode = Mode::Normal;
                vec![]
            }
            _ => vec![],
        },
        Mode::Dialog(dialog) => super::dialog::on_key(app, *dialog, key),
        Mode::Output { .. } => super::dialog::output_key(app, key),
        Mode::Normal => match app.keymap.action(Context::Screen(app.screen), &key) {
            Some(action) => normal(app, action),
            None => vec![],
        },
    }
}

/// j/k, PgUp/PgDn, g/G in the detail view or the message log: scrolls within what the
/// view has to show (its last page at most), so `k` after `G` moves at once.
fn scroll_overlay(app: &mut App, action: Action) {
    let (limit, page) = crate::tui::ui::overlay_scroll_limit(app);
    let page = page.max(1);
    let scroll = app.overlay_scroll.min(limit);
    app.overlay_scroll = match action {
        Action::Down => scroll.saturating_add(1),
        Action::Up => scroll.saturating_sub(1),
        Action::PageDown => scroll.saturating_add(page),
        Action::PageUp => scroll.saturating_sub(page),
        Action::Top => 0,
        Action::Bottom => limit,
        _ => scroll,
    }
    .min(limit);
}

fn filter_key(app: &mut App, key: KeyEvent, mut input: String) -> Vec<Effect> {
    // Bound keys first (Enter, Esc, Ctrl-C by default); anything else is typed text.
    let action = app.keymap.action(Context::FilterPrompt, &key);
    match (action, key.code) {
        (Some(Action::Quit), _) => return vec![Effect::Quit],
        (Some(Action::Accept), _) => {
            app.mode = Mode::Normal;
            if let Some((state, model)) = app.focused_table() {
                state.select_index(model, 0);
            }
            app.scroll_tables_into_view();
            return vec![];
        }
        (Some(Action::Back), _) => {
            app.mode = Mode::Normal;
            input.clear();
        }
        (_, KeyCode::Backspace) => {
            input.pop();
            app.mode = Mode::Filter {
                input: input.clone(),
            };
        }
        (_, KeyCode::Char(c)) if !c.is_control() => {
            input.push(c);
            app.mode = Mode::Filter {
                input: input.clone(),
            };
        }
        _ => return vec![],
    }
    if let Some((state, _)) = app.focused_table() {
        state.filter = input;
    }
    app.rebuild_tables();
    // A capped list is searched on the server too: the filter finds every row.
    super::capped::search_effect(app)
}

fn normal(app: &mut App, action: Action) -> Vec<Effect> {
    match action {
        Action::Quit => return vec![Effect::Quit],
        Action::Help => {
            app.help_scroll = 0;
            app.mode = Mode::Help;
        }
        Action::Screen(screen) => return show_screen(app, screen),
        Action::NextScreen => return show_screen(app, cycle_screen(app.screen, true)),
        Action::PrevScreen => return show_screen(app, cycle_screen(app.screen, false)),
        Action::Up => move_selection(app, -1),
        Action::Down => move_selection(app, 1),
        Action::PageUp => move_selection(app, -page(app)),
        Action::PageDown => move_selection(app, page(app)),
        Action::Top => move_selection(app, isize::MIN / 2),
        Action::Bottom => move_selection(app, isize::MAX / 2),
        Action::Filter => {
            if let Some((state, _)) = app.focused_table() {
                let input = state.filter.clone();
                app.mode = Mode::Filter { input };
            }
        }
        Action::SortNext | Action::SortPrev => {
            if let Some((state, model)) = app.focused_table() {
                let columns = model.columns.len();
                state.cycle_sort(columns, action == Action::SortNext);
            }
            app.rebuild_tables();
        }
        Action::SortReverse => {
            if let Some((state, _)) = app.focused_table() {
                state.descending = !state.descending;
            }
            app.rebuild_tables();
        }
        Action::Detail => return super::detail::open(app),
        Action::MessageLog => {
            app.overlay_scroll = 0;
            app.mode = Mode::Messages;
        }
        Action::Back => {
            // One layer at a time: marks first (they aim cancel/terminate), then the filter.
            let marks = &mut app.tables.state_mut(TableId::Activity).marked;
            let mut had_filter = false;
            if app.screen == Screen::Activity && !marks.is_empty() {
                let count = marks.len();
                marks.clear();
                app.set_status(format!("{count} marks cleared"), false);
            } else if let Some((state, _)) = app.focused_table() {
                had_filter = !state.filter.is_empty();
                state.filter.clear();
            }
            app.rebuild_tables();
            if had_filter {
                return super::capped::search_effect(app);
            }
        }
        Action::Pause => {
            app.paused = !app.paused;
            let text = match app.keymap.first_key(Action::Pause) {
                Some(key) if app.paused => format!("paused: press {key} to resume"),
                None if app.paused => "paused".to_string(),
                _ => "resumed".to_string(),
            };
            app.set_status(text, false);
            return vec![Effect::Poller(PollerCommand::Pause(app.paused))];
        }
        Action::Reconnect if app.paused => {
            let keys = app.keymap.keys_for(Action::Pause).join("/");
            app.set_status(format!("paused: resume ({keys}) to reconnect"), false);
        }
        Action::Reconnect => {
            // While disconnected the status line shows the attempts: the next one, now,
            // is the answer.
            if app.model.last_error().is_none() && app.model.last_success().is_some() {
                app.set_status("already connected", false);
            }
            return vec![Effect::Poller(PollerCommand::Reconnect)];
        }
        Action::Faster | Action::Slower => return change_refresh(app, action == Action::Faster),
        Action::Mark if app.focused_table_id() == Some(TableId::Activity) => {
            if let Some((state, _)) = app.focused_table() {
                state.toggle_mark();
            }
            let count = app.tables.state(TableId::Activity).marked.len();
            let keys = |action| app.keymap.keys_for(action).join("/");
            let text = format!(
                "{count} marked: {}/{} act on them, {} clears",
                keys(Action::CancelBackend),
                keys(Action::TerminateBackend),
                keys(Action::Back)
            );
            app.set_status(text, false);
            app.rebuild_tables();
        }
        Action::Mark => {
            let keys = app.keymap.keys_for(action).join("/");
            app.set_status(
                format!("{keys} marks sessions on the Activity screen (for cancel/terminate)"),
                false,
            );
        }
        Action::Copy => return super::copy::copy_selected(app),
        Action::ToggleIdle if app.screen == Screen::Activity => {
            app.hide_idle = !app.hide_idle;
            app.rebuild_tables();
        }
        Action::CycleActivityMode if app.screen == Screen::Activity => {
            app.activity_mode = app.activity_mode.next();
            app.rebuild_tables();
        }
        Action::ToggleCumulative if app.screen == Screen::Queries => {
            app.cumulative = !app.cumulative;
            app.rebuild_tables();
        }
        Action::FocusNext if layout::tables_of(app.screen).len() > 1 => app.focus_next_table(),
        Action::WindowShorter | Action::WindowLonger if app.screen == Screen::Queries => {
            return change_window(app, action == Action::WindowLonger);
        }
        Action::WindowShorter | Action::WindowLonger if app.screen == Screen::Cache => {
            return change_history_window(app, action == Action::WindowLonger);
        }
        Action::CancelBackend
        | Action::TerminateBackend
        | Action::TerminateRootBlocker
        | Action::Vacuum
        | Action::Analyze
        | Action::Reindex
        | Action::Snapshot
        | Action::ResetStatements
        | Action::DropInvalidIndex
        | Action::Explain => return super::actions::open(app, action),
        Action::StopAction => return super::dialog::ask_stop(app),
        other => {
            let keys = app.keymap.keys_for(other).join("/");
            app.set_status(format!("{keys}: not available on this screen yet"), false);
        }
    }
    vec![]
}

/// Switches screens and tells the poller, which reads some costly sources only for the
/// screen that shows them.
fn show_screen(app: &mut App, screen: Screen) -> Vec<Effect> {
    if app.screen == screen {
        return vec![];
    }
    app.screen = screen;
    vec![Effect::Poller(PollerCommand::Watch(screen.slow_group()))]
}

fn cycle_screen(current: Screen, forward: bool) -> Screen {
    let all = Screen::ALL;
    let index = all.iter().position(|s| *s == current).unwrap_or(0);
    let next = if forward {
        (index + 1) % all.len()
    } else {
        (index + all.len() - 1) % all.len()
    };
    all[next]
}

fn page(app: &App) -> isize {
    let areas = layout::areas(Rect::new(0, 0, app.size.0, app.size.1));
    let focused = app.focused_table_id();
    let rows = layout::table_areas(app.screen, areas.body, focused)
        .into_iter()
        .find(|(id, _)| Some(*id) == focused)
        .map_or(10, |(_, rect)| layout::table_rows(rect));
    isize::try_from(rows.max(1)).unwrap_or(10)
}

fn move_selection(app: &mut App, delta: isize) {
    if let Some((state, model)) = app.focused_table() {
        state.move_by(model, delta);
    }
    app.scroll_tables_into_view();
}

fn change_refresh(app: &mut App, faster: bool) -> Vec<Effect> {
    let next = if faster {
        app.refresh / 2
    } else {
        app.refresh * 2
    };
    app.refresh = next.clamp(MIN_REFRESH, MAX_REFRESH);
    app.model.set_refresh(app.refresh);
    app.set_status(
        format!(
            "refresh every {}",
            crate::text::format::duration(app.refresh)
        ),
        false,
    );
    vec![Effect::Poller(PollerCommand::SetInterval(app.refresh))]
}

fn change_window(app: &mut App, longer: bool) -> Vec<Effect> {
    let index = LATENCY_WINDOWS
        .iter()
        .position(|w| *w >= app.latency_window)
        .unwrap_or(2);
    let next = if longer {
        (index + 1).min(LATENCY_WINDOWS.len() - 1)
    } else {
        index.saturating_sub(1)
    };
    app.latency_window = LATENCY_WINDOWS[next];
    app.set_status(
        format!(
            "latency window {}",
            crate::text::format::duration(app.latency_window)
        ),
        false,
    );
    vec![Effect::Poller(PollerCommand::SetLatencyWindow(
        app.latency_window,
    ))]
}

fn change_history_window(app: &mut App, longer: bool) -> Vec<Effect> {
    let index = HISTORY_WINDOWS
        .iter()
        .position(|w| *w >= app.history_window)
        .unwrap_or(0);
    let next = if longer {
        (index + 1).min(HISTORY_WINDOWS.len() - 1)
    } else {
        index.saturating_sub(1)
    };
    app.history_window = HISTORY_WINDOWS[next];
    app.set_status(
        format!(
            "snapshot history: last {}",
            crate::text::format::duration(app.history_window)
        ),
        false,
    );
    vec![Effect::Poller(PollerCommand::SetHistoryWindow(
        app.history_window,
    ))]
}

pub(super) fn on_mouse(app: &mut App, mouse: MouseEvent) -> Vec<Effect> {
    let areas = layout::areas(Rect::new(0, 0, app.size.0, app.size.1));
    match mouse.kind {
        MouseEventKind::ScrollDown => move_selection(app, 3),
        MouseEventKind::ScrollUp => move_selection(app, -3),
        MouseEventKind::Down(MouseButton::Left) if mouse.row == areas.tabs.y => {
            if let Some((screen, _, _, _)) = layout::tab_spans(areas.tabs)
                .into_iter()
                .find(|(_, _, from, to)| (*from..*to).contains(&mouse.column))
            {
                app.mode = Mode::Normal;
                return show_screen(app, screen);
            }
        }
        MouseEventKind::Down(MouseButton::Left) => click_row(app, areas.body, mouse),
        _ => {}
    }
    vec![]
}

fn click_row(app: &mut App, body: Rect, mouse: MouseEvent) {
    let tables = layout::tables_of(app.screen);
    for (id, rect) in layout::table_areas(app.screen, body, app.focused_table_id()) {
        // Border and header take the first two lines of a table.
        let first_row = rect.y + 2;
        let inside = mouse.column > rect.x && mouse.column < rect.right().saturating_sub(1);
        if inside && mouse.row >= first_row && mouse.row < rect.bottom().saturating_sub(1) {
            if let Some(index) = tables.iter().position(|t| *t == id) {
                app.focus.insert(app.screen, index);
            }
            let (state, model) = app.tables.pair_mut(id);
            let row = state.offset + usize::from(mouse.row - first_row);
            if row < model.rows.len() {
                state.select_index(model, row);
            }
            return;
        }
    }
}

impl ActivityMode {
    /// all → active → waiting → blocking tree → all.
    pub fn next(self) -> Self {
        match self {
            Self::All => Self::Active,
            Self::Active => Self::Waiting,
            Self::Waiting => Self::BlockingTree,
            Self::BlockingTree => Self::All,
        }
    }
}
