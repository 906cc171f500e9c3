//! Talking to PostgreSQL: where to connect (libpq's resolution), TLS, connecting, the
//! monitoring session with its deadlines, the capability probe, quoting, the SQL registry
//! (`queries/`), recognising pgpulse's own statements, opening the monitoring connection
//! the way the command line asks, and installing the monitoring tables.
//!
//! Layer rule: imports only `text` and `settings`.

pub mod connect;
pub mod conninfo;
pub mod open;
pub mod own_statements;
pub mod probe;
pub mod queries;
pub mod quote;
pub mod schema;
pub mod session;
pub mod tls;
