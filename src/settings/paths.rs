//! Where pgpulse keeps its files: `$PGPULSE_CONFIG_DIR`, else the platform config dir
//! (`~/.config/pgpulse`); `$PGPULSE_DATA_DIR`, else the platform data dir
//! (`~/.local/share/pgpulse`).

use std::path::PathBuf;

/// The configuration directory (user themes live in `themes/` inside it).
pub fn config_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("PGPULSE_CONFIG_DIR") {
        return Some(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("", "", "pgpulse").map(|dirs| dirs.config_dir().to_path_buf())
}

/// The data directory (the action journal lives here). Data, not config: the journal is
/// written by pgpulse and must survive a user replacing their config directory.
pub fn data_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("PGPULSE_DATA_DIR") {
        return Some(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("", "", "pgpulse").map(|dirs| dirs.data_dir().to_path_buf())
}
