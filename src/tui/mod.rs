//! The terminal user interface: the application state and its `update` (`app`), the
//! renderers (`ui`), the screens and where things go on them, the keymap and the theme,
//! and the terminal's event loop.
//!
//! Layer rule: imports `text`, `settings`, `pg`, `cluster`, `monitor`, `analysis` and
//! `actions`; never `demo` or `commands`.

pub mod app;
mod frame_log;
pub mod keymap;
pub mod layout;
pub mod screen;
pub mod setup;
pub mod terminal;
pub mod theme;
pub mod ui;
