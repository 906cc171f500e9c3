//! What the user set: the config file (parsed and checked into plain values), where
//! pgpulse keeps its files (`directories`, with environment overrides for tests), and
//! logging to a file.
//!
//! Settings are plain data: thresholds, pools, key overrides and the theme's name come out
//! as numbers and strings, and the layers that use them build their own types from them
//! (`analysis` its thresholds, `tui` its keymap and theme).
//!
//! Layer rule: imports only `text`.

pub mod config;
pub mod logging;
pub mod paths;
