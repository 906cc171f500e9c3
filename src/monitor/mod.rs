//! Watching the server: the poller task and its reconnect schedule, the collectors (SQL in,
//! raw rows out, one module per source), the raw snapshot types one poll produces, host
//! sampling for a local server, the PgBouncer admin console, and the detail view's
//! on-demand reads. Nothing here judges what it read: that is `analysis`.
//!
//! Layer rule: imports only `text`, `settings`, `pg` and `cluster`.

pub mod collector;
pub mod host;
pub mod poller;
pub mod snapshot;
