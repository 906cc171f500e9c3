//! Where to connect, resolved the way libpq (and so psql) resolves it.
//!
//! Sources, highest precedence first: explicit `-h -p -U -d` flags, the positional
//! conninfo string or `postgres://` URI, the service file section named by `service=`
//! or `PGSERVICE`, the `PG*` environment variables, then built-in defaults. (libpq
//! lets a service file override the environment: `conninfo_add_defaults` reads the
//! service before falling back to `getenv`.) The password, when none is given, comes
//! from the password file with libpq's matching rules.
//!
//! Everything here is pure: the environment, home directory and file system access
//! come in through [`Sources`], so every precedence rule is table-testable.

mod conninfo_string;
mod error;
mod keywords;
mod layers;
mod params;
mod pgpass;
mod resolver;
mod service;
mod sources;
mod system;
mod uri;
mod values;

#[cfg(test)]
mod test_support;

pub use error::ConnInfoError;
pub use params::{ConnParams, Flags, Host, Password, PasswordSource, RootCert, SslMode};
pub use resolver::resolve;
pub(crate) use sources::ReadFile;
pub use sources::{FileContents, Sources};
pub use system::{resolve_from_process, system_sources};
