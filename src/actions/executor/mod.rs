//! The action executor: its own connections (opened on first use, never the monitoring
//! one), its own `lock_timeout` and `statement_timeout`, one statement per round trip, the
//! server's NOTICE/WARNING messages captured, and an explicit stop that cancels the running
//! statement on the server.
//!
//! Plans run in [`Lane`]s, each a task with its own connection: a cancel or terminate
//! never waits behind a VACUUM, and a REINDEX waiting for old transactions never holds up
//! an EXPLAIN. Within a lane, one plan at a time.
//!
//! Inside: `lanes` (the tasks) run plans with `steps` (what each step sends: signals,
//! snapshot, reset; `relations` and `explain` for the longer ones), which all talk to the
//! server through `connection`.
//!
//! [`Lane`]: crate::actions::Lane

mod connection;
mod explain;
mod holders;
mod lanes;
mod relations;
mod steps;

pub use connection::{APPLICATION_NAME, Executor, ExecutorConfig};
pub use lanes::{ActionId, ExecutorEvent, ExecutorHandle, for_live_view, spawn};
