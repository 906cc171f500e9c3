//! Why a connection target could not be resolved.

/// Why a target could not be resolved. Messages never contain a password.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConnInfoError {
    /// A malformed `key=value` string (missing `=`, unterminated quote).
    #[error("invalid connection string: {0}")]
    Syntax(String),
    /// A malformed `postgresql://` URI; the message names the part, not its text.
    #[error("invalid URI: {0}")]
    Uri(String),
    /// A value that does not parse or is not supported. `value` is `***` for secrets.
    #[error("invalid value for \"{key}\": \"{value}\" ({reason})")]
    BadValue {
        /// The keyword.
        key: String,
        /// The offending value, or `***` for `password` / `sslpassword`.
        value: String,
        /// Why it was refused.
        reason: String,
    },
    /// A keyword libpq does not know (or pgpulse does not accept).
    #[error("unknown connection option \"{0}\"")]
    UnknownOption(String),
    /// A host, hostaddr or port list: pgpulse connects to exactly one server.
    #[error("multiple hosts are not supported (got \"{0}\"); give one host")]
    MultipleHosts(String),
    /// No service file defines the requested service.
    #[error("definition of service \"{0}\" not found")]
    ServiceNotFound(String),
    /// A service file could not be read or has a bad line in the wanted section.
    #[error("service file \"{file}\": {reason}")]
    ServiceFile {
        /// The file's path.
        file: String,
        /// What is wrong, with the line number.
        reason: String,
    },
}

/// A predicate over an error, for tables of failing cases (the parsers' tests and the
/// resolver's).
#[cfg(test)]
pub(crate) type ErrorCheck<'a> = dyn Fn(&ConnInfoError) -> bool + 'a;
