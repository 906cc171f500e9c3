//! Keys, mapped through the keymap to what they do in the mode that has the keyboard:
//! an overlay (help, detail view, message log, dialog, output), the filter prompt, or
//! the screen.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind};

use super::event::Effect;
use super::shell::App;
use super::state::Mode;
use super::{actions, copy, detail, dialog, navigate, polling};
use crate::tui::keymap::{Action, Context, is_interrupt};
use crate::tui::screen::Screen;
use crate::tui::screens::drawn::OverlayScroll;
use crate::tui::screens::state::TableId;

pub(super) fn on_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    if key.kind == KeyEventKind::Release {
        return vec![];
    }
    let keymap = app.settings.keymap();
    match app.mode.clone() {
        Mode::Filter { input } => filter_key(app, key, input),
        Mode::JumpTo { input } => jump_key(app, key, input),
        Mode::Help => match keymap.action(Context::Help, &key) {
            Some(Action::Quit) if is_interrupt(&key) => vec![Effect::Quit],
            Some(
                action @ (Action::Down
                | Action::Up
                | Action::PageDown
                | Action::PageUp
                | Action::Top
                | Action::Bottom),
            ) => {
                app.help_scroll = scrolled(app.help_scroll, overlay_scroll(app), action);
                vec![]
            }
            Some(Action::Help | Action::Back | Action::Quit) | None => {
                app.mode = Mode::Normal;
                vec![]
            }
            Some(_) => vec![],
        },
        Mode::Detail => match keymap.action(Context::Detail, &key) {
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
                app.overlay_scroll = scrolled(app.overlay_scroll, overlay_scroll(app), action);
                vec![]
            }
            Some(action @ (Action::Copy | Action::Help | Action::MessageLog)) => {
                normal(app, action)
            }
            _ => vec![],
        },
        Mode::Messages => match keymap.action(Context::Detail, &key) {
            Some(Action::Quit) if is_interrupt(&key) => vec![Effect::Quit],
            Some(
                action @ (Action::Up
                | Action::Down
                | Action::PageUp
                | Action::PageDown
                | Action::Top
                | Action::Bottom),
            ) => {
                app.overlay_scroll = scrolled(app.overlay_scroll, overlay_scroll(app), action);
                vec![]
            }
            // Overlays close with q as with Esc: q quits only from the plain screen.
            Some(Action::Back | Action::MessageLog | Action::Quit) => {
                app.mode = Mode::Normal;
                vec![]
            }
            _ => vec![],
        },
        Mode::Dialog(open) => dialog::on_key(app, *open, key),
        Mode::Output { .. } => dialog::output_key(app, key),
        Mode::Normal => match keymap.action(Context::Screen(app.screen), &key) {
            Some(action) => normal(app, action),
            None => vec![],
        },
    }
}

/// How the open overlay was drawn last; before its first frame, as far as it may go (the
/// frame stops it at its last page).
fn overlay_scroll(app: &App) -> OverlayScroll {
    app.drawn.overlay.unwrap_or(OverlayScroll {
        first: 0,
        limit: u16::MAX,
        page: 10,
    })
}

/// j/k, PgUp/PgDn, g/G in an overlay: scrolls within what it has to show (its last page
/// at most), so `k` after `G` moves at once.
fn scrolled(current: u16, drawn: OverlayScroll, action: Action) -> u16 {
    let page = drawn.page.max(1);
    let scroll = current.min(drawn.limit);
    match action {
        Action::Down => scroll.saturating_add(1),
        Action::Up => scroll.saturating_sub(1),
        Action::PageDown => scroll.saturating_add(page),
        Action::PageUp => scroll.saturating_sub(page),
        Action::Top => 0,
        Action::Bottom => drawn.limit,
        _ => scroll,
    }
    .min(drawn.limit)
}

fn filter_key(app: &mut App, key: KeyEvent, mut input: String) -> Vec<Effect> {
    // Bound keys first (Enter, Esc, Ctrl-C by default); anything else is typed text.
    let action = app.settings.keymap().action(Context::FilterPrompt, &key);
    match (action, key.code) {
        (Some(Action::Quit), _) => return vec![Effect::Quit],
        (Some(Action::Accept), _) => {
            app.mode = Mode::Normal;
            navigate::select_first(app);
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
    navigate::set_filter(app, input);
    // A capped list is searched on the server too: the filter finds every row.
    polling::search_effect(app)
}

fn normal(app: &mut App, action: Action) -> Vec<Effect> {
    match action {
        Action::Quit => return vec![Effect::Quit],
        Action::Help => {
            app.help_scroll = 0;
            app.mode = Mode::Help;
        }
        Action::Screen(screen) => return navigate::show_screen(app, screen),
        Action::NextScreen => return navigate::show_screen(app, cycle_screen(app.screen, true)),
        Action::PrevScreen => {
            return navigate::show_screen(app, cycle_screen(app.screen, false));
        }
        Action::Up => navigate::move_selection(app, -1),
        Action::Down => navigate::move_selection(app, 1),
        Action::PageUp => navigate::move_selection(app, -navigate::page(app)),
        Action::PageDown => navigate::move_selection(app, navigate::page(app)),
        Action::Top => navigate::move_selection(app, isize::MIN / 2),
        Action::Bottom => navigate::move_selection(app, isize::MAX / 2),
        Action::Filter => {
            if let Some(id) = app.focused_table_id() {
                let input = app.screens.table(id).filter.clone();
                app.mode = Mode::Filter { input };
            }
        }
        Action::SortNext | Action::SortPrev => {
            navigate::cycle_sort(app, action == Action::SortNext);
        }
        Action::SortReverse => navigate::reverse_sort(app),
        Action::Detail => return detail::open(app),
        Action::MessageLog => {
            app.overlay_scroll = 0;
            app.mode = Mode::Messages;
        }
        // Esc leaves history mode first, before it clears marks and filters.
        Action::Back if app.in_history() => app.leave_history(),
        Action::Back => return navigate::back(app),
        Action::HistoryBack => app.history_step(1),
        Action::HistoryForward => app.history_step(-1),
        Action::HistoryMinuteBack => app.history_minutes(1),
        Action::HistoryMinuteForward => app.history_minutes(-1),
        Action::HistoryJump => {
            app.mode = Mode::JumpTo {
                input: String::new(),
            };
        }
        Action::Pause if app.replay().is_some() => app.replay_toggle(),
        Action::Faster | Action::Slower if app.replay().is_some() => {
            app.replay_speed(action == Action::Faster);
        }
        Action::NextAlert => app.next_alert(),
        Action::Pause => return polling::pause(app),
        Action::Reconnect => return polling::reconnect(app),
        Action::Faster | Action::Slower => {
            return polling::change_refresh(app, action == Action::Faster);
        }
        Action::Mark if app.focused_table_id() == Some(TableId::Activity) => navigate::mark(app),
        Action::Mark => {
            let keys = app.settings.keymap().keys_for(action).join("/");
            app.set_status(
                format!("{keys} marks sessions on the Activity screen (for cancel/terminate)"),
                false,
            );
        }
        Action::Copy => return copy::copy_selected(app),
        Action::ToggleIdle if app.screen == Screen::Activity => {
            app.screens.toggle_idle();
            app.order_tables();
        }
        Action::CycleActivityMode if app.screen == Screen::Activity => {
            let next = app.screens.activity_mode().next();
            app.screens.set_activity_mode(next);
            app.order_tables();
        }
        Action::ToggleLocks if app.screen == Screen::Activity => {
            return navigate::toggle_locks(app);
        }
        Action::ToggleCumulative if app.screen == Screen::Queries => {
            app.screens.toggle_cumulative();
            app.order_tables();
        }
        Action::FocusNext if crate::tui::screens::state::tables_of(app.screen).len() > 1 => {
            app.screens.focus_next(app.screen);
        }
        Action::WindowShorter | Action::WindowLonger if app.screen == Screen::Queries => {
            return polling::change_latency_window(app, action == Action::WindowLonger);
        }
        Action::WindowShorter | Action::WindowLonger if app.screen == Screen::Cache => {
            return polling::change_history_window(app, action == Action::WindowLonger);
        }
        Action::WindowShorter | Action::WindowLonger if app.screen == Screen::Waits => {
            return polling::change_wait_window(app, action == Action::WindowLonger);
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
        | Action::EndHolder
        | Action::Explain => return actions::open(app, action),
        Action::StopAction => return dialog::ask_stop(app),
        other => {
            let keys = app.settings.keymap().keys_for(other).join("/");
            app.set_status(format!("{keys}: not available on this screen yet"), false);
        }
    }
    vec![]
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

/// The time prompt of history mode: characters edit, Enter jumps, Esc cancels.
fn jump_key(app: &mut App, key: KeyEvent, mut input: String) -> Vec<Effect> {
    let action = app.settings.keymap().action(Context::FilterPrompt, &key);
    match (action, key.code) {
        (Some(Action::Quit), _) => return vec![Effect::Quit],
        (Some(Action::Back), _) => app.mode = Mode::Normal,
        (Some(Action::Accept), _) => {
            app.mode = Mode::Normal;
            match crate::text::when::parse_time_local(&input) {
                Ok(at) => app.history_jump(at),
                Err(error) => app.set_status(error.to_string(), true),
            }
        }
        (_, KeyCode::Backspace) => {
            input.pop();
            app.mode = Mode::JumpTo { input };
        }
        (_, KeyCode::Char(c)) if !c.is_control() && input.chars().count() < 40 => {
            input.push(c);
            app.mode = Mode::JumpTo { input };
        }
        _ => {}
    }
    vec![]
}
