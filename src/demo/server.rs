//! The demo's PostgreSQL: which binaries, and a cluster started with them.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::cluster::{Cluster, ClusterError, ClusterOptions, find_bindir, has_server_binaries};

/// The database the demo creates and opens.
pub const DATABASE: &str = "learning_assistant";

/// The server binaries: `--pgbin`, `$PGPULSE_PGBIN`, `pg_config --bindir`, then the newest
/// `/usr/lib/postgresql/*/bin` and `$PATH`. An explicit directory without the binaries is
/// an error, not a silent fallback.
pub fn find_pgbin(explicit: Option<&Path>) -> Result<PathBuf, String> {
    let from_env = std::env::var_os("PGPULSE_PGBIN").map(PathBuf::from);
    if let Some(dir) = explicit.map(Path::to_path_buf).or(from_env) {
        return find_bindir(Some(&dir)).map_err(|e| not_found(&e));
    }
    if let Some(dir) = pg_config_bindir().filter(|d| has_server_binaries(d)) {
        return Ok(dir);
    }
    find_bindir(None).map_err(|e| not_found(&e))
}

fn not_found(error: &ClusterError) -> String {
    match error {
        ClusterError::BinariesNotFound { looked_in } => format!(
            "PostgreSQL server binaries (initdb, postgres) not found in {looked_in}. Install \
             them, e.g. `sudo apt-get install postgresql postgresql-contrib` (Debian/Ubuntu) or \
             `sudo dnf install postgresql-server postgresql-contrib` (Fedora), or point \
             --pgbin / PGPULSE_PGBIN at their directory"
        ),
        other => other.to_string(),
    }
}

/// `pg_config --bindir`, when pg_config is installed (it names the binaries of the
/// development package's version, which may lack the server).
fn pg_config_bindir() -> Option<PathBuf> {
    let output = Command::new("pg_config").arg("--bindir").output().ok()?;
    if !output.status.success() {
        return None;
    }
    let text = String::from_utf8(output.stdout).ok()?;
    let dir = PathBuf::from(text.trim());
    dir.is_dir().then_some(dir)
}

/// Starts the cluster (blocking: run it off the async threads): pg_stat_statements
/// preloaded and track_io_timing on (the cluster's defaults), autovacuum a little keener
/// than the default so its work shows within a demo's minutes.
pub fn start(bindir: PathBuf, keep: Option<PathBuf>) -> Result<Cluster, String> {
    let mut options = ClusterOptions::new(bindir);
    options.keep = keep;
    // The standby streams over TCP from 127.0.0.1 (see `replica`).
    options.hba = vec!["host replication all 127.0.0.1/32 trust".into()];
    options.settings = vec![
        ("autovacuum_naptime".into(), "15s".into()),
        ("log_min_duration_statement".into(), "5s".into()),
        ("track_functions".into(), "all".into()),
    ];
    Cluster::start(options).map_err(|e| e.to_string())
}
