//! pgpulse: a live PostgreSQL dashboard for the terminal.
//!
//! The binary (`src/main.rs`) is a thin shell over these modules; `tests/` reaches them
//! through this crate.

pub mod actions;
pub mod alerts;
pub mod app;
pub mod cli;
pub mod cluster;
pub mod collector;
pub mod commands;
pub mod config;
pub mod connect;
pub mod conninfo;
pub mod demo;
pub mod doctor;
pub mod format;
pub mod host;
pub mod keymap;
pub mod layout;
pub mod logging;
pub mod metrics;
pub mod own_statements;
pub mod poller;
pub mod probe;
pub mod queries;
pub mod quote;
pub mod sanitize;
pub mod schema;
pub mod session;
pub mod settings;
pub mod snapshot;
pub mod theme;
pub mod timefmt;
pub mod tls;
pub mod tui;
pub mod ui;
