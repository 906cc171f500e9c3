//! What happens to the app ([`Event`]) and what the event loop must do for it
//! ([`Effect`]): the vocabulary between `App::update` and the terminal's loop.

use std::time::SystemTime;

use crossterm::event::{KeyEvent, MouseEvent};

use crate::monitor::poller::PollerCommand;
use crate::monitor::snapshot::Snapshot;

/// How often the event loop's clock ticks ([`Event::Tick`]).
pub const TICK: std::time::Duration = std::time::Duration::from_secs(1);

/// Something that happened.
#[derive(Debug, Clone)]
pub enum Event {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Snapshot(Box<Snapshot>),
    /// The clock moved (ages and the STALE badge depend on it).
    Tick(SystemTime),
    /// The terminal's new size in columns and rows.
    Resize(u16, u16),
    /// SIGTERM / SIGHUP / SIGINT.
    Terminate,
    /// The action executor reports a step or the end of a plan.
    Executor(crate::actions::executor::ExecutorEvent),
    /// The poller answers the detail view's request (locks, counters, a definition).
    DetailFetched(Box<crate::monitor::poller::DetailFetched>),
}

/// Something the event loop must do.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Quit,
    Poller(PollerCommand),
    /// Put this text on the clipboard (OSC 52).
    Copy(String),
    /// Ring the terminal bell (a new critical alert, when `bell = true`).
    Bell,
    /// Run a confirmed action in its lane on the action connections.
    RunAction {
        id: crate::actions::executor::ActionId,
        plan: Box<crate::actions::Plan>,
    },
    /// Cancel this running action's statement on the server (nothing if it has ended).
    StopAction(crate::actions::executor::ActionId),
}
