//! Everything resolution reads from the outside world (flags, environment, home
//! directory, OS user, files), passed in so every precedence rule is table-testable.

use std::path::PathBuf;

use super::params::Flags;

/// Everything resolution reads from the outside world.
pub struct Sources<'a> {
    /// The explicit flags, which beat every other source.
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

/// How [`Sources::read_file`] is called by the parsers.
pub(crate) type ReadFile<'a> =
    dyn Fn(&std::path::Path) -> std::io::Result<Option<FileContents>> + 'a;

/// A file's text and its permission bits.
#[derive(Debug, Clone)]
pub struct FileContents {
    /// The file's contents.
    pub text: String,
    /// `st_mode` (type and permission bits).
    pub mode: u32,
}
