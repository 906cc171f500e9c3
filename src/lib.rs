//! pgpulse: a live PostgreSQL dashboard for the terminal.
//!
//! The binary (`src/main.rs`) is a thin shell over these modules; `tests/` reaches them
//! through this crate. Each module is a layer, and a layer imports only from the layers
//! listed before it (`tests/architecture` checks this, and that no two files import each
//! other, directly or around a loop).

pub mod actions;
pub mod analysis;
pub mod cluster;
pub mod commands;
pub mod demo;
pub mod monitor;
pub mod pg;
pub mod settings;
pub mod text;
pub mod tui;
