//! The confirmation dialog and the EXPLAIN output view: their keys, and the header badges
//! of the actions they started. (Their state is in `state`, with the rest of `App`'s.)

use crossterm::event::KeyEvent;

use super::event::Effect;
use super::shell::App;
use super::state::Mode;
use super::state::{Dialog, Purpose, Running};
use crate::tui::keymap::{Action, Context, is_interrupt};
use crate::tui::screens::state::TableId;

pub(super) fn on_key(app: &mut App, mut dialog: Dialog, key: KeyEvent) -> Vec<Effect> {
    let confirmed = match app.settings.keymap().action(Context::Dialog, &key) {
        // Overlays first: the quit key closes the dialog (sending nothing); only Ctrl-C
        // quits from here.
        Some(Action::Quit) if is_interrupt(&key) => return vec![Effect::Quit],
        Some(Action::Quit) => false,
        Some(Action::Confirm) => true,
        Some(Action::Accept) => dialog.yes_focused,
        Some(Action::Deny | Action::Back) => false,
        Some(Action::SwitchButton) => {
            dialog.yes_focused = !dialog.yes_focused;
            app.mode = Mode::Dialog(Box::new(dialog));
            return vec![];
        }
        // Any other key leaves the dialog open: a stray key must not decide.
        _ => return vec![],
    };
    app.mode = Mode::Normal;
    if !confirmed {
        app.set_status("cancelled: nothing was sent", false);
        return vec![];
    }
    match dialog.purpose {
        Purpose::Run(plan) => {
            let id = app.next_action_id;
            app.next_action_id += 1;
            let first = plan.steps.first();
            app.running.push(Running {
                id,
                kind: plan.kind,
                title: plan.kind.title().to_string(),
                sql: first.map(|s| s.sql.clone()).unwrap_or_default(),
                started: app.now,
                steps: plan.steps.len(),
                done: 0,
                backend_pid: None,
                waiting_for: vec![],
                stopping: false,
            });
            app.set_status(format!("{}: running…", plan.kind.title()), false);
            // Marks were for this action; keeping them would aim the next one at them too.
            app.screens.table_mut(TableId::Activity).marked.clear();
            app.order_tables();
            vec![Effect::RunAction {
                id,
                plan: Box::new(plan),
            }]
        }
        Purpose::Stop { id, title, .. } => {
            // The action may have ended while the dialog was open: then there is nothing to
            // stop, and nothing is sent (the next action must never receive this stop).
            match app.running.iter_mut().find(|r| r.id == id) {
                Some(running) => {
                    running.stopping = true;
                    app.set_status(format!("{title}: stopping…"), false);
                    vec![Effect::StopAction(id)]
                }
                None => {
                    app.set_status(
                        format!("{title} had already finished: nothing to stop"),
                        false,
                    );
                    vec![]
                }
            }
        }
    }
}

/// `x`: asks before stopping a running action (a stopped REINDEX CONCURRENTLY can leave an
/// invalid index behind, so this is never a silent Esc). With two in flight, the one that
/// started first: the dialog names it.
pub(super) fn ask_stop(app: &mut App) -> Vec<Effect> {
    match app.running.iter().min_by_key(|r| (r.started, r.id)) {
        Some(running) => {
            let dialog = Dialog::stop(running);
            app.mode = Mode::Dialog(Box::new(dialog));
        }
        None => app.set_status("no action is running", false),
    }
    vec![]
}

/// Keys in the EXPLAIN output view: scroll, copy, close.
pub(super) fn output_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    let Mode::Output { lines, .. } = &app.mode else {
        return vec![];
    };
    let last = u16::try_from(lines.len().saturating_sub(1)).unwrap_or(u16::MAX);
    let scroll = &mut app.output_scroll;
    match app.settings.keymap().action(Context::Detail, &key) {
        Some(Action::Quit) if is_interrupt(&key) => return vec![Effect::Quit],
        Some(Action::Down) => *scroll = scroll.saturating_add(1).min(last),
        Some(Action::Up) => *scroll = scroll.saturating_sub(1),
        Some(Action::PageDown) => *scroll = scroll.saturating_add(10).min(last),
        Some(Action::PageUp) => *scroll = scroll.saturating_sub(10),
        Some(Action::Top) => *scroll = 0,
        Some(Action::Bottom) => *scroll = last,
        Some(Action::Copy) => {
            let text = lines.join("\n");
            app.set_status("planned text and plan copied", false);
            return vec![Effect::Copy(text)];
        }
        Some(Action::Quit | Action::Back | Action::Detail | Action::Help) => {
            app.mode = Mode::Normal;
        }
        _ => {}
    }
    vec![]
}
