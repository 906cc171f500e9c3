//! pgpulse: a live PostgreSQL dashboard for the terminal.
//!
//! The binary (`src/main.rs`) is a thin shell over these modules; `tests/` reaches them
//! through this crate. Each module is a layer, listed bottom first; a layer imports only
//! from the layers before it, and no two files import each other, directly or around a
//! loop (`tests/architecture` checks both on every `cargo test`).
//!
//! ```text
//! commands   the command line: cli, dispatch, doctor, snapshot, schema install
//! demo       `pgpulse demo`: a throwaway server with the seed's database and workload
//! tui        the live view: app state and update, renderers, layout, keymap, theme, loop
//! actions    cancel, terminate, VACUUM...: plans, their SQL, the executor, the journal
//! analysis   what the snapshots mean: rates, trees, flags, verdicts, alerts, last good
//! monitor    the poller and its collectors: SQL in, raw snapshots out
//! cluster    a throwaway local PostgreSQL (the demo and the live tests), downloaded if need be
//! pg         talking to PostgreSQL: conninfo, TLS, connect, session, probe, SQL registry
//! settings   the config file as plain values, where files live, logging
//! text       sanitising, formatting, timestamps: helpers for every layer
//! ```

pub mod actions;
pub mod analysis;
pub mod cluster;
pub mod commands;
pub mod demo;
pub mod monitor;
pub mod pg;
pub mod recording;
pub mod settings;
pub mod text;
pub mod tui;
