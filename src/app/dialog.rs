//! The confirmation dialog and the EXPLAIN output view: their state and their keys.

use crossterm::event::KeyEvent;

use super::{App, Effect, Mode, TableId};
use crate::actions::Plan;
use crate::keymap::{Action, Context};

/// What the dialog asks.
#[derive(Debug, Clone, PartialEq)]
pub enum Purpose {
    /// Run this plan.
    Run(Plan),
    /// Stop the running action (cancels its statement on the server).
    Stop { title: String, sql: String },
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

    pub fn stop(title: String, sql: String) -> Self {
        Self {
            purpose: Purpose::Stop { title, sql },
            yes_focused: false,
        }
    }
}

/// The action on its way: shown in the header until the executor says it is done.
#[derive(Debug, Clone, PartialEq)]
pub struct Running {
    pub title: String,
    pub sql: String,
    pub started: std::time::SystemTime,
    pub steps: usize,
    pub done: usize,
}

pub(super) fn on_key(app: &mut App, mut dialog: Dialog, key: KeyEvent) -> Vec<Effect> {
    let confirmed = match app.keymap.action(Context::Dialog, &key) {
        Some(Action::Quit) => return vec![Effect::Quit],
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
            let first = plan.steps.first();
            app.running = Some(Running {
                title: plan.kind.title().to_string(),
                sql: first.map(|s| s.sql.clone()).unwrap_or_default(),
                started: app.now,
                steps: plan.steps.len(),
                done: 0,
            });
            app.set_status(format!("{}: running…", plan.kind.title()), false);
            // Marks were for this action; keeping them would aim the next one at them too.
            app.tables.state_mut(TableId::Activity).marked.clear();
            app.rebuild_tables();
            vec![Effect::RunAction(Box::new(plan))]
        }
        Purpose::Stop { title, .. } => {
            app.set_status(format!("{title}: stopping…"), false);
            vec![Effect::StopAction]
        }
    }
}

/// `x`: asks before stopping the running action (a stopped REINDEX CONCURRENTLY can leave
/// an invalid index behind, so this is never a silent Esc).
pub(super) fn ask_stop(app: &mut App) -> Vec<Effect> {
    match &app.running {
        Some(running) => {
            let dialog = Dialog::stop(running.title.clone(), running.sql.clone());
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
        Some(Action::Quit) => return vec![Effect::Quit],
        Some(Action::Down) => *scroll = scroll.saturating_add(1).min(last),
        Some(Action::Up) => *scroll = scroll.saturating_sub(1),
        Some(Action::PageDown) => *scroll = scroll.saturating_add(10).min(last),
        Some(Action::PageUp) => *scroll = scroll.saturating_sub(10),
        Some(Action::Top) => *scroll = 0,
        Some(Action::Bottom) => *scroll = last,
        Some(Action::Copy) => {
            let text = lines.join("\n");
            app.set_status("plan copied", false);
            return vec![Effect::Copy(text)];
        }
        Some(Action::Back | Action::Detail | Action::Help) => app.mode = Mode::Normal,
        _ => {}
    }
    vec![]
}
