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

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

mod conninfo_string;
mod keywords;
mod layers;
mod pgpass;
mod resolver;
mod service;
mod system;
mod uri;
mod values;

#[cfg(test)]
mod test_support;

pub use system::{resolve_from_process, system_sources};

/// libpq's `sslmode`, all six of them (tokio-postgres alone knows three).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SslMode {
    Disable,
    Allow,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

impl SslMode {
    /// The libpq spelling (`verify-full`, ...), for messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Disable => "disable",
            Self::Allow => "allow",
            Self::Prefer => "prefer",
            Self::Require => "require",
            Self::VerifyCa => "verify-ca",
            Self::VerifyFull => "verify-full",
        }
    }
}

/// Where the server's certificate chain is checked against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RootCert {
    /// A PEM file with one or more CA certificates.
    File(PathBuf),
    /// The operating system's trust store (`sslrootcert=system`).
    System,
}

/// A server address: a TCP host name / IP, or a directory holding the Unix socket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Host {
    Tcp(String),
    /// Directory of the Unix-domain socket (`host` starting with `/`).
    Socket(PathBuf),
}

/// A password that never prints: `Debug` and `Display` are redacted.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    /// Wraps a secret.
    pub fn new(secret: impl Into<String>) -> Self {
        Self(secret.into())
    }
    /// The secret itself, for handing to the driver only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

impl fmt::Display for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// Where the password came from, for messages ("password from ~/.pgpass was rejected").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PasswordSource {
    Conninfo,
    Environment,
    ServiceFile,
    PassFile(PathBuf),
    Prompt,
}

/// The fully resolved connection target.
#[derive(Debug, Clone, PartialEq)]
pub struct ConnParams {
    pub host: Host,
    pub port: u16,
    pub user: String,
    pub dbname: String,
    pub password: Option<Password>,
    pub password_source: Option<PasswordSource>,
    pub sslmode: SslMode,
    /// `sslrootcert` when given, else `~/.postgresql/root.crt` when that file exists.
    pub sslrootcert: Option<RootCert>,
    /// `connect_timeout` (default 5 s, libpq's minimum of 2 s applies).
    pub connect_timeout: Duration,
    /// `application_name` / `PGAPPNAME`; `None` lets the caller choose (pgpulse uses "pgpulse").
    pub application_name: Option<String>,
    /// `options` / `PGOPTIONS`: extra `-c name=value` startup settings.
    pub options: Option<String>,
    /// `keepalives` (default on), `keepalives_idle` seconds.
    pub keepalives: bool,
    pub keepalives_idle: Option<Duration>,
    /// The service name used, if any.
    pub service: Option<String>,
    /// Non-fatal problems to show the user once (e.g. a group-readable pgpass file).
    pub warnings: Vec<String>,
}

/// Explicit command-line flags (`-h -p -U -d`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Flags {
    pub host: Option<String>,
    pub port: Option<String>,
    pub user: Option<String>,
    pub dbname: Option<String>,
}

/// Everything resolution reads from the outside world.
pub struct Sources<'a> {
    pub flags: Flags,
    /// The positional argument: a conninfo string (`host=x dbname=y`), a URI, or a bare
    /// database name (psql treats a word without `=` or `://` as a dbname).
    pub positional: Option<String>,
    /// Environment lookup (`std::env::var` in production, a map in tests).
    pub env: &'a dyn Fn(&str) -> Option<String>,
    /// The user's home directory (for `~/.pgpass`, `~/.pg_service.conf`, `~/.postgresql/`).
    pub home: Option<PathBuf>,
    /// The operating-system user name (default `user`).
    pub os_user: String,
    /// Reads a file; `Ok(None)` when it does not exist. Also returns the Unix mode bits
    /// so the pgpass permission rule can be checked.
    pub read_file: &'a dyn Fn(&std::path::Path) -> std::io::Result<Option<FileContents>>,
    /// Whether a path exists (socket files, default root.crt).
    pub exists: &'a dyn Fn(&std::path::Path) -> bool,
}

/// A file's text and its permission bits.
#[derive(Debug, Clone)]
pub struct FileContents {
    pub text: String,
    pub mode: u32,
}

/// Why a target could not be resolved. Messages never contain a password.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConnInfoError {
    #[error("invalid connection string: {0}")]
    Syntax(String),
    #[error("invalid URI: {0}")]
    Uri(String),
    #[error("invalid value for \"{key}\": \"{value}\" ({reason})")]
    BadValue {
        key: String,
        value: String,
        reason: String,
    },
    #[error("unknown connection option \"{0}\"")]
    UnknownOption(String),
    #[error("multiple hosts are not supported (got \"{0}\"); give one host")]
    MultipleHosts(String),
    #[error("definition of service \"{0}\" not found")]
    ServiceNotFound(String),
    #[error("service file \"{file}\": {reason}")]
    ServiceFile { file: String, reason: String },
}

impl ConnParams {
    /// A password-free one-line description of the target, such as
    /// `postgres@127.0.0.1:5432/mydb` or `postgres@/var/run/postgresql:5432/mydb`.
    pub fn display_target(&self) -> String {
        let host = match &self.host {
            // Brackets keep an IPv6 address apart from the port, as in a URI.
            Host::Tcp(name) if name.contains(':') => format!("[{name}]"),
            Host::Tcp(name) => name.clone(),
            Host::Socket(dir) => dir.display().to_string(),
        };
        format!("{}@{}:{}/{}", self.user, host, self.port, self.dbname)
    }

    /// The Unix socket file (`<dir>/.s.PGSQL.<port>`) for a socket host, else `None`.
    pub fn socket_path(&self) -> Option<PathBuf> {
        match &self.host {
            Host::Socket(dir) => Some(dir.join(format!(".s.PGSQL.{}", self.port))),
            Host::Tcp(_) => None,
        }
    }
}

/// Resolves the connection target from all sources, libpq's way.
pub fn resolve(sources: &Sources<'_>) -> Result<ConnParams, ConnInfoError> {
    resolver::resolve(sources)
}
