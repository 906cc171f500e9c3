//! `pgpulse demo`: a throwaway PostgreSQL with the seed's Personal Learning Assistant
//! schema, data and workload, and the dashboard on it.

mod run;
pub mod schema;
pub mod server;
pub mod workload;

pub use run::run;
