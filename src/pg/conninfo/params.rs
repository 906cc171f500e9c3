//! What resolution produces: one server to connect to, with every setting libpq would
//! use, and the command line's flags it starts from.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

/// libpq's `sslmode`, all six of them (tokio-postgres alone knows three).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SslMode {
    /// Plain connection only.
    Disable,
    /// Plain first, TLS if the server insists.
    Allow,
    /// TLS first, plain if the server has no TLS (the default).
    Prefer,
    /// TLS; the certificate is checked only if a root certificate is available.
    Require,
    /// TLS with a certificate chain verified against the root certificates.
    VerifyCa,
    /// As `VerifyCa`, and the certificate must name the host.
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
    /// A host name or IP address (`hostaddr` when given).
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
    /// The conninfo string or URI (positional or `-d`).
    Conninfo,
    /// `PGPASSWORD`.
    Environment,
    /// The service file section.
    ServiceFile,
    /// A password file (`passfile`, `PGPASSFILE` or `~/.pgpass`).
    PassFile(PathBuf),
    /// Typed in by the user (set by the caller, never by [`resolve`]).
    Prompt,
}

/// The fully resolved connection target.
#[derive(Debug, Clone, PartialEq)]
pub struct ConnParams {
    /// Where to connect; without a host, the default Unix socket directory.
    pub host: Host,
    /// `hostaddr`: the numeric address actually connected to, when given; `host` is then
    /// the name the server certificate is verified against.
    pub hostaddr: Option<String>,
    /// The TCP port, which also names the Unix socket file (default 5432).
    pub port: u16,
    /// Database user (default: the operating-system user).
    pub user: String,
    /// Database name (default: the user name).
    pub dbname: String,
    /// The password, when one was given or found in the password file.
    pub password: Option<Password>,
    /// Where [`ConnParams::password`] came from.
    pub password_source: Option<PasswordSource>,
    /// `sslmode` (default `prefer`; `verify-full` with `sslrootcert=system`).
    pub sslmode: SslMode,
    /// `sslrootcert` when given, else `~/.postgresql/root.crt` when that file exists.
    pub sslrootcert: Option<RootCert>,
    /// `connect_timeout` (default 5 s, libpq's minimum of 2 s applies). Never zero:
    /// libpq's "0 = wait forever" becomes the 5 s default, so a connect cannot hang.
    pub connect_timeout: Duration,
    /// `application_name` / `PGAPPNAME`; `None` lets the caller choose (pgpulse uses "pgpulse").
    pub application_name: Option<String>,
    /// `options` / `PGOPTIONS`: extra `-c name=value` startup settings.
    pub options: Option<String>,
    /// `keepalives` (default on).
    pub keepalives: bool,
    /// `keepalives_idle` seconds; `None` leaves the system default.
    pub keepalives_idle: Option<Duration>,
    /// The service name used, if any.
    pub service: Option<String>,
    /// Non-fatal problems to show the user once (e.g. a group-readable pgpass file).
    pub warnings: Vec<String>,
}

/// Explicit command-line flags (`-h -p -U -d`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Flags {
    /// `-h`: host name, IP address or socket directory.
    pub host: Option<String>,
    /// `-p`.
    pub port: Option<String>,
    /// `-U`.
    pub user: Option<String>,
    /// `-d`: a database name, or a whole conninfo string / URI (expanded like psql).
    pub dbname: Option<String>,
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
