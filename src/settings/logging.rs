//! Logging to a file, never to the terminal the TUI owns.

use std::fs::{File, OpenOptions};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use std::sync::Mutex;

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

/// Starts file logging; the level comes from `PGPULSE_LOG` (default `info`). `false`
/// when the file cannot be opened (pgpulse then runs without a log rather than failing).
///
/// Each line is written to the file as it is logged, unbuffered: at `info` that is a
/// few lines a minute, so a writer thread (and its malloc arena) would cost more than it
/// saves, and nothing waits in a buffer when a panic aborts the process.
pub fn init(file: &Path) -> bool {
    let Ok(log) = open_private(file) else {
        return false;
    };
    let filter = EnvFilter::try_from_env("PGPULSE_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_writer(Mutex::new(log))
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init()
        .is_ok()
}

/// Opens the log for appending, readable by its owner only: it names servers, roles and
/// the errors they gave. The directory is created 0700; a log left by an older version
/// with wider permissions is narrowed to 0600.
pub fn open_private(file: &Path) -> std::io::Result<File> {
    if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
    }
    let log = OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(file)?;
    log.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    Ok(log)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).map_or(0, |m| m.permissions().mode() & 0o777)
    }

    #[test]
    fn the_log_is_created_private_and_an_old_wide_one_is_narrowed() {
        let Ok(dir) = tempfile::tempdir() else {
            panic!("temp dir");
        };
        let fresh = dir.path().join("state/pgpulse.log");
        assert!(open_private(&fresh).is_ok());
        assert_eq!(mode(&fresh), 0o600);
        assert_eq!(mode(dir.path().join("state").as_path()), 0o700);

        let old = dir.path().join("old.log");
        assert!(std::fs::write(&old, "earlier line\n").is_ok());
        assert!(std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o644)).is_ok());
        assert!(open_private(&old).is_ok());
        assert_eq!(mode(&old), 0o600);
        let kept = std::fs::read_to_string(&old).unwrap_or_default();
        assert_eq!(kept, "earlier line\n", "appends, never truncates");
    }
}
