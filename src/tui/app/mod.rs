//! The live view's state and its one entry point, `App::update(Event) -> Vec<Effect>`.
//! No IO and no tokio in here: tests drive it by feeding events.
//!
//! [`App`] is four parts: the shell (`shell`: screen, mode, size, clock, status line,
//! overlays, actions on their way, what the last frame drew), the model
//! ([`crate::analysis::model::Model`], fed by `Model::absorb`), what the user chose on each
//! screen ([`crate::tui::screens::state::ScreenStates`]) and the settings (`settings`).
//! The updates (`input`, `mouse`, `dialog`, `actions`, `copy`, `detail`,
//! `executor_events`) are what `update` dispatches to.

mod actions;
mod copy;
mod detail;
mod dialog;
mod event;
mod executor_events;
mod history;
mod history_state;
mod input;
mod messages;
mod mouse;
mod navigate;
mod polling;
mod redraw;
mod redraw_check;
mod settings;
mod shell;
mod state;
#[cfg(test)]
pub(crate) mod test_support;
#[cfg(test)]
pub(crate) mod test_support_oncall;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_action_lanes;
#[cfg(test)]
mod tests_actions;
#[cfg(test)]
mod tests_history;
#[cfg(test)]
mod tests_oncall;
#[cfg(test)]
mod tests_redraw;
mod update;

pub use detail::statement_text;
pub use event::{Effect, Event, TICK};
pub use executor_events::JOURNAL_KEPT;
pub use messages::{LoggedMessage, MessageLog};
pub use settings::Settings;
pub use shell::App;
pub use state::{DetailFetch, Dialog, Mode, Purpose, Running, StatusMessage};
