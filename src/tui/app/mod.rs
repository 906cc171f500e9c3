//! The application: its state ([`App`]) and its one entry point,
//! `App::update(Event) -> Vec<Effect>`. No IO and no tokio in here: tests drive it by
//! feeding events.
//!
//! Inside, from the bottom: `event` (the vocabulary in and out), `table`/`tables` (every
//! table's model and the user's state of it), `state` (the `App` struct and what the
//! whole app asks of it), the view models the renderers read (`views`, `kpi`, `capped`,
//! `detail`), and the updates (`input`, `dialog`, `actions`, `copy`, `executor_events`)
//! that `update` dispatches to.

mod actions;
pub mod capped;
mod copy;
pub mod detail;
pub mod dialog;
mod event;
mod executor_events;
mod input;
pub mod kpi;
pub mod messages;
mod state;
pub mod table;
mod tables;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_action_lanes;
#[cfg(test)]
mod tests_actions;
mod update;
pub mod views;

pub use event::{Effect, Event};
pub use executor_events::JOURNAL_KEPT;
pub use state::{App, HISTORY_WINDOWS, LATENCY_WINDOWS, Mode, StatusMessage};
pub use tables::{TableId, Tables};
