//! The confirmation dialog and the EXPLAIN output view: their state and their keys.

use crossterm::event::KeyEvent;

use super::{App, Effect, Mode, TableId};
use crate::actions::executor::ActionId;
use crate::actions::{ActionKind, Plan};
use crate::tui::keymap::{Action, Context};

/// What the dialog asks.
#[derive(Debug, Clone, PartialEq)]
pub enum Purpose {
    /// Run this plan.
    Run(Plan),
    /// Stop the running action `id` (cancels its statement on the server).
    Stop {
        id: ActionId,
        title: String,
        sql: String,
    },
}

/// A confirmation dialog. Destructive actions open with No focused.
#[derive(Debug, Clone, PartialEq)]
pub struct Dialog {
    pub purpose: Purpose,
    pub yes_focused: bool,
}

impl Dialog {
    pub fn run(plan: Plan) -> Self {
        let yes_focused = !plan.kind.destructive();
        Self {
            purpose: Purpose::Run(plan),
            yes_focused,
        }
    }

    pub fn stop(running: &Running) -> Self {
        Self {
            purpose: Purpose::Stop {
                id: running.id,
                title: running.title.clone(),
                sql: running.sql.clone(),
            },
            yes_focused: false,
        }
    }
}

/// An action on its way: shown in the header until the executor says it is done. Each
/// lane runs one at a time, so a signal can be in flight while a VACUUM runs.
#[derive(Debug, Clone, PartialEq)]
pub struct Running {
    pub id: ActionId,
    pub kind: ActionKind,
    pub title: String,
    pub sql: String,
    pub started: std::time::SystemTime,
    pub steps: usize,
    pub done: usize,
    /// The server process running it, once the executor has said.
    pub backend_pid: Option<i32>,
    /// Whom it waits for on a lock, at the last poll (a REINDEX CONCURRENTLY waits for
    /// every older transaction).
    pub waiting_for: Vec<i32>,
    /// A stop was confirmed: the header says so until the executor reports.
    pub stopping: bool,
}

/// One header badge per running action, e.g. ` RUNNING REINDEX CONCURRENTLY 1m 2s · waits
/// for pid 4242 · x stops `: with a signal in flight beside a VACUUM, both show. The stop
/// key is named on the action it would stop.
pub fn running_badges(app: &App) -> Vec<String> {
    let stops = app
        .running
        .iter()
        .min_by_key(|r| (r.started, r.id))
        .map(|r| r.id);
    let stop = app.keymap.keys_for(Action::StopAction).join("/");
    app.running
        .iter()
        .map(|running| {
            let took = app.now.duration_since(running.started).unwrap_or_default();
            let verb = if running.stopping {
                "STOPPING"
            } else {
                "RUNNING"
            };
            let mut badge = format!(
                " {verb} {} {}",
                running.title,
                crate::text::format::duration(took)
            );
            if let Some(first) = running.waiting_for.first() {
                badge.push_str(&format!(" · waits for pid {first}"));
            }
            if stops == Some(running.id) && !running.stopping {
                badge.push_str(&format!(" · {stop} stops"));
            }
            badge.push(' ');
            badge
        })
        .collect()
}

pub(super) fn on_key(app: &mut App, mut dialog: Dialog, key: KeyEvent) -> Vec<Effect> {
    let confirmed = match app.keymap.action(Context::Dialog, &key) {
        // Overlays first: the quit key closes the dialog (sending nothing); only Ctrl-C
        // quits from here.
        Some(Action::Quit) if super::input::is_interrupt(&key) => return vec![Effect::Quit],
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
            app.tables.state_mut(TableId::Activity).marked.clear();
            app.rebuild_tables();
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
    match app.keymap.action(Context::Detail, &key) {
        Some(Action::Quit) if super::input::is_interrupt(&key) => return vec![Effect::Quit],
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
