//! `pgpulse demo`: a throwaway PostgreSQL with the seed's Personal Learning Assistant
//! schema, data and workload, and the dashboard on it.
//!
//! Layer rule: imports every layer below it (`text` up to `tui`, whose live view it
//! shows); never `commands`.

pub mod replica;
mod run;
pub mod schema;
pub mod server;
pub mod workload;

pub use run::{DemoOptions, run};
