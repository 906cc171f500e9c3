//! The small types of the shell's state: what has the keyboard ([`Mode`]), the status
//! message, the confirmation dialog, the actions on their way and the detail view's
//! request. The shell itself ([`super::App`]) is in `shell`.

use crate::actions::executor::ActionId;
use crate::actions::{ActionKind, Plan};
use crate::monitor::collector::{DetailData, DetailRequest};

/// What has the keyboard.
#[derive(Debug, Clone, PartialEq)]
pub enum Mode {
    Normal,
    /// Typing a filter: the table filters live as it changes; Enter keeps it, Esc clears.
    Filter {
        input: String,
    },
    Help,
    Detail,
    /// The message log: recent status messages and errors, whole.
    Messages,
    /// A confirmation dialog has the keyboard.
    Dialog(Box<Dialog>),
    /// Typing the time to show in history mode (`@`): Enter goes, Esc cancels.
    JumpTo {
        input: String,
    },
    /// A read-only text view, e.g. an EXPLAIN plan.
    Output {
        title: String,
        lines: Vec<String>,
    },
}

/// A one-line message in the status line.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusMessage {
    pub text: String,
    pub is_error: bool,
}

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
    /// Asks whether to run `plan`.
    pub fn run(plan: Plan) -> Self {
        let yes_focused = !plan.kind.destructive();
        Self {
            purpose: Purpose::Run(plan),
            yes_focused,
        }
    }

    /// Asks whether to stop `running`.
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

/// A request of the open detail view and, once it came, its answer.
#[derive(Debug, Clone, PartialEq)]
pub struct DetailFetch {
    pub request: DetailRequest,
    /// `None` while the poller has not answered.
    pub answer: Option<Result<DetailData, String>>,
}
