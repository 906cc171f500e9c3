//! What can go wrong finding, creating, starting or restarting a cluster.

use std::path::Path;

/// Errors from finding, creating, starting or restarting a cluster.
#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    /// No directory with `initdb` and `postgres` was found.
    #[error(
        "PostgreSQL server binaries not found (looked in {looked_in}): install them with \
         `apt-get install postgresql postgresql-contrib`, or point PGPULSE_TEST_PGBIN/--pgbin \
         at a directory containing initdb and postgres"
    )]
    BinariesNotFound {
        /// The places searched.
        looked_in: String,
    },
    /// Running as root, but neither a `postgres` nor a `nobody` user exists to run the server.
    #[error(
        "running as root and no unprivileged `postgres` or `nobody` user exists to run the server as"
    )]
    NoServerUser,
    /// A filesystem or process operation failed.
    #[error("{context}: {source}")]
    Io {
        /// What we were doing, e.g. "writing /tmp/x/data/server.key".
        context: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// `initdb` failed.
    #[error("initdb failed ({status}):\n{output}")]
    Initdb {
        /// Exit status, or why it was stopped.
        status: String,
        /// Its combined stdout and stderr.
        output: String,
    },
    /// The data directory was not as expected.
    #[error("unexpected cluster state: {0}")]
    Config(String),
    /// The server did not start (or restart) and accept connections.
    #[error(
        "PostgreSQL server failed to {action}: {reason}\n--- tail of server.log ---\n{log_tail}"
    )]
    Server {
        /// "start" or "restart".
        action: &'static str,
        /// What went wrong.
        reason: String,
        /// The last lines of the server log.
        log_tail: String,
    },
}

/// Builds the error-mapping closure for an I/O operation on `path`.
pub(super) fn io_err(
    what: &'static str,
    path: &Path,
) -> impl FnOnce(std::io::Error) -> ClusterError {
    let context = format!("{what} {}", path.display());
    move |source| ClusterError::Io { context, source }
}
