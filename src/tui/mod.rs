//! The terminal user interface, in four parts: the app (`app`: the shell around the
//! model, its state and its one entry point `update`), what each screen shows (`screens`:
//! the per-screen state and view models), drawing (`ui`: renderers of those views), and
//! the terminal's event loop (`terminal`). Beside them: the screens' order (`screen`),
//! where things go (`layout`), fitting text into cells (`fit`), the keymap and the theme.
//!
//! Layer rule: imports `text`, `settings`, `pg`, `cluster`, `monitor`, `analysis` and
//! `actions`; never `demo` or `commands`.

pub mod app;
pub mod fit;
mod frame_log;
pub mod keymap;
pub mod layout;
pub mod replay;
pub mod screen;
pub mod screens;
pub mod setup;
pub mod terminal;
pub mod theme;
pub mod ui;
