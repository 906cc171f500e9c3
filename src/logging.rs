//! Logging to a file, never to the terminal the TUI owns.

use std::path::{Path, PathBuf};

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;

/// The default log file: `$PGPULSE_STATE_DIR/pgpulse.log`, else the platform state (or
/// data) directory from `directories`.
pub fn default_log_file() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("PGPULSE_STATE_DIR") {
        return Some(PathBuf::from(dir).join("pgpulse.log"));
    }
    let dirs = directories::ProjectDirs::from("", "", "pgpulse")?;
    let dir = dirs.state_dir().unwrap_or_else(|| dirs.data_local_dir());
    Some(dir.join("pgpulse.log"))
}

/// Starts file logging; the level comes from `PGPULSE_LOG` (default `info`). Returns the
/// guard that flushes on drop, or `None` when the file cannot be opened (pgpulse then runs
/// without a log rather than failing).
pub fn init(file: &Path) -> Option<WorkerGuard> {
    let dir = file.parent()?;
    std::fs::create_dir_all(dir).ok()?;
    let name = file.file_name()?;
    let appender = tracing_appender::rolling::never(dir, name);
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter = EnvFilter::try_from_env("PGPULSE_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init()
        .ok()?;
    Some(guard)
}
