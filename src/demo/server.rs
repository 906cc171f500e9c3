//! The demo's PostgreSQL: which binaries, and a cluster started with them.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::cluster::{
    Cluster, ClusterError, ClusterOptions, find_bindir, has_server_binaries, provision,
};

/// The database the demo creates and opens.
pub const DATABASE: &str = "learning_assistant";

/// The server binaries: `--pgbin`, `$PGPULSE_PGBIN`, `pg_config --bindir`, the newest
/// `/usr/lib/postgresql/*/bin` and `$PATH`; when none has them, a pinned build downloaded
/// into the cache (or found there from an earlier run), unless `offline`. An explicit
/// directory without the binaries is an error, not a silent fallback (a typo should be
/// noticed); an empty `PGPULSE_PGBIN` counts as unset. `PGPULSE_NO_SYSTEM_PG=1` skips the
/// system's servers.
///
/// Blocking (it may download): run it off the async threads.
pub fn find_pgbin(explicit: Option<&Path>, offline: bool) -> Result<PathBuf, String> {
    let from_env = std::env::var_os("PGPULSE_PGBIN")
        .filter(|dir| !dir.is_empty())
        .map(PathBuf::from);
    if let Some(dir) = explicit.map(Path::to_path_buf).or(from_env) {
        return find_bindir(Some(&dir)).map_err(|e| not_found(&e));
    }
    // Set by tests (and to try the download on a machine that has a server): act as if
    // none were installed.
    if std::env::var_os("PGPULSE_NO_SYSTEM_PG").is_some_and(|v| !v.is_empty()) {
        return provision::provision_demo(offline).map_err(|e| e.to_string());
    }
    if let Some(dir) = pg_config_bindir().filter(|d| has_server_binaries(d)) {
        return Ok(dir);
    }
    match find_bindir(None) {
        Ok(dir) => Ok(dir),
        Err(ClusterError::BinariesNotFound { .. }) => {
            provision::provision_demo(offline).map_err(|e| e.to_string())
        }
        Err(other) => Err(other.to_string()),
    }
}

fn not_found(error: &ClusterError) -> String {
    match error {
        ClusterError::BinariesNotFound { looked_in } => format!(
            "PostgreSQL server binaries (initdb, postgres) not found in {looked_in}: point \
             --pgbin / PGPULSE_PGBIN at their directory, or unset PGPULSE_PGBIN to let the \
             demo find or download one"
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
