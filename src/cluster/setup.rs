//! Preparing a data directory: temp dir, server user, `initdb`, configuration files.

use std::fs::{self, DirBuilder, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::error::{ClusterError, io_err};

/// How to set up a [`Cluster`].
#[derive(Clone, Default)]
pub struct ClusterOptions {
    /// Directory holding `initdb` and `postgres` (see [`find_bindir`](super::find_bindir)).
    pub bindir: PathBuf,
    /// Extra postgresql.conf settings, appended after the defaults (so they win). Values
    /// are quoted for you.
    pub settings: Vec<(String, String)>,
    /// pg_hba.conf lines placed before the default trust lines (the first match wins).
    pub hba: Vec<String>,
    /// Files to write into the data dir: (relative name, contents, mode such as 0o600).
    pub files: Vec<(String, Vec<u8>, u32)>,
    /// Password for the `postgres` superuser (passed to initdb via `--pwfile`).
    pub superuser_password: Option<String>,
    /// Keep the cluster in this directory instead of a temp dir: it is created (initdb)
    /// when it holds no cluster yet, reused otherwise, and never deleted.
    pub keep: Option<PathBuf>,
    /// Start from a copy of this *stopped* data directory instead of running initdb (a
    /// standby made from a cleanly shut down primary: no `pg_basebackup` is needed, which
    /// the minimal server builds lack). The copy is the cluster's own and goes with it;
    /// the source's replication slots, pid file and signal files are left behind.
    pub copy_of: Option<PathBuf>,
}

impl ClusterOptions {
    /// Options with defaults and the given binary directory.
    pub fn new(bindir: impl Into<PathBuf>) -> Self {
        Self {
            bindir: bindir.into(),
            ..Self::default()
        }
    }
}

impl std::fmt::Debug for ClusterOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClusterOptions")
            .field("bindir", &self.bindir)
            .field("settings", &self.settings)
            .field("hba", &self.hba)
            .field(
                "files",
                &self.files.iter().map(|f| &f.0).collect::<Vec<_>>(),
            )
            .field(
                "superuser_password",
                &self.superuser_password.as_ref().map(|_| "***"),
            )
            .field("keep", &self.keep)
            .field("copy_of", &self.copy_of)
            .finish()
    }
}

/// The unprivileged account the server runs as when we are root (initdb and postgres
/// refuse to run as root).
#[derive(Debug, Clone, Copy)]
pub(super) struct RunAs {
    pub uid: u32,
    pub gid: u32,
}

/// `None` when we are not root (everything runs as ourselves), else `postgres`, else `nobody`.
pub(super) fn server_user() -> Result<Option<RunAs>, ClusterError> {
    if !nix::unistd::geteuid().is_root() {
        return Ok(None);
    }
    for name in ["postgres", "nobody"] {
        if let Ok(Some(user)) = nix::unistd::User::from_name(name) {
            return Ok(Some(RunAs {
                uid: user.uid.as_raw(),
                gid: user.gid.as_raw(),
            }));
        }
    }
    Err(ClusterError::NoServerUser)
}

/// A command that runs as `run_as` (if set) with `dir` as working directory: the caller's
/// cwd may not be accessible to the server user, and initdb wants a usable cwd.
pub(super) fn command(program: &Path, run_as: Option<RunAs>, dir: &Path) -> Command {
    let mut cmd = Command::new(program);
    cmd.current_dir(dir);
    if let Some(user) = run_as {
        // std also drops supplementary groups (setgroups(0)) when uid is set as root.
        cmd.uid(user.uid).gid(user.gid);
    }
    cmd
}

/// Creates a fresh private (0700) directory such as `/tmp/pgpulse-<pid>-<n>-<nanos>`.
pub(super) fn create_temp_dir() -> Result<PathBuf, ClusterError> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut base = std::env::temp_dir();
    // Unix socket paths are limited to ~107 bytes; the socket lives in this directory.
    if base.as_os_str().len() > 60 {
        base = PathBuf::from("/tmp");
    }
    let mut last_err = None;
    for _ in 0..16 {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or_default();
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = base.join(format!("pgpulse-{}-{n}-{nanos}", std::process::id()));
        match DirBuilder::new().mode(0o700).create(&path) {
            Ok(()) => {
                // The umask can only remove bits, but be explicit anyway.
                fs::set_permissions(&path, fs::Permissions::from_mode(0o700))
                    .map_err(io_err("setting permissions of", &path))?;
                return Ok(path);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last_err = Some(e),
            Err(e) => return Err(io_err("creating", &path)(e)),
        }
    }
    let e = last_err.unwrap_or_else(|| std::io::Error::other("no unique name"));
    Err(io_err("creating a temporary directory in", &base)(e))
}

/// The directory of a kept cluster (`pgpulse demo --keep DIR`): created private (0700) when
/// missing; an existing one is used as it is. Returned absolute, since the server and the
/// socket path need it from any working directory.
pub(super) fn create_kept_dir(dir: &Path) -> Result<PathBuf, ClusterError> {
    if !dir.exists() {
        DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(io_err("creating", dir))?;
    }
    fs::canonicalize(dir).map_err(io_err("resolving", dir))
}

/// `chown -R` (without following symlinks), so the server user owns everything we wrote.
pub(super) fn chown_recursive(path: &Path, user: RunAs) -> Result<(), ClusterError> {
    std::os::unix::fs::lchown(path, Some(user.uid), Some(user.gid))
        .map_err(io_err("changing owner of", path))?;
    let meta = fs::symlink_metadata(path).map_err(io_err("inspecting", path))?;
    if meta.is_dir() {
        for entry in fs::read_dir(path).map_err(io_err("listing", path))? {
            let entry = entry.map_err(io_err("listing", path))?;
            chown_recursive(&entry.path(), user)?;
        }
    }
    Ok(())
}

/// Writes `contents` to `path` with exactly `mode`.
pub(super) fn write_file(path: &Path, contents: &[u8], mode: u32) -> Result<(), ClusterError> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(io_err("creating", parent))?;
    }
    fs::write(path, contents).map_err(io_err("writing", path))?;
    fs::set_permissions(path, fs::Permissions::from_mode(mode))
        .map_err(io_err("setting permissions of", path))
}

/// Runs `initdb` into `<dir>/data`, bounded in time. Output goes to `<dir>/initdb.log`
/// (a file rather than a pipe, so polling for exit cannot deadlock on a full pipe).
pub(super) fn initdb(
    opts: &ClusterOptions,
    dir: &Path,
    data: &Path,
    run_as: Option<RunAs>,
) -> Result<(), ClusterError> {
    let log_path = dir.join("initdb.log");
    let log = fs::File::create(&log_path).map_err(io_err("creating", &log_path))?;
    let log2 = log.try_clone().map_err(io_err("duplicating", &log_path))?;
    let mut cmd = command(&opts.bindir.join("initdb"), run_as, dir);
    cmd.arg("-D")
        .arg(data)
        .args(["-U", "postgres", "-E", "UTF8", "--locale=C"])
        .args(["--auth-local=trust", "--auth-host=trust", "-N"])
        .stdin(Stdio::null())
        .stdout(log)
        .stderr(log2);
    let pwfile = dir.join("pwfile");
    if let Some(password) = &opts.superuser_password {
        write_file(&pwfile, password.as_bytes(), 0o600)?;
        if let Some(user) = run_as {
            chown_recursive(&pwfile, user)?;
        }
        cmd.arg(format!("--pwfile={}", pwfile.display()));
    }
    let program = opts.bindir.join("initdb");
    let mut child = cmd.spawn().map_err(io_err("running", &program))?;
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        match child.try_wait().map_err(io_err("waiting for", &program))? {
            Some(status) => break Some(status),
            None if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            None => std::thread::sleep(Duration::from_millis(25)),
        }
    };
    // Never leave the password lying around longer than needed.
    let _ = fs::remove_file(&pwfile);
    match status {
        Some(s) if s.success() => Ok(()),
        other => Err(ClusterError::Initdb {
            status: other.map_or_else(|| "timed out after 120 s".into(), |s| s.to_string()),
            output: fs::read_to_string(&log_path).unwrap_or_default(),
        }),
    }
}

/// What a copied data directory must not take from its source: the running server's pid
/// file and options, and recovery signals. `pg_replslot` is created empty (the source's
/// slots belong to the source, as with `pg_basebackup`).
const NOT_COPIED: &[&str] = &[
    "postmaster.pid",
    "postmaster.opts",
    "standby.signal",
    "recovery.signal",
];

/// Copies the stopped data directory `from` into `to` (which must not exist), keeping
/// file modes (the server refuses a data dir readable by others). Symlinks (a moved
/// `pg_wal`, tablespaces) are not supported: the harness and the demo never make them.
pub(super) fn copy_data_dir(from: &Path, to: &Path) -> Result<(), ClusterError> {
    copy_tree(from, to, true)
}

fn copy_tree(from: &Path, to: &Path, top: bool) -> Result<(), ClusterError> {
    let meta = fs::symlink_metadata(from).map_err(io_err("inspecting", from))?;
    DirBuilder::new()
        .mode(meta.permissions().mode() & 0o7777)
        .create(to)
        .map_err(io_err("creating", to))?;
    if from.file_name().is_some_and(|n| n == "pg_replslot") {
        return Ok(());
    }
    for entry in fs::read_dir(from).map_err(io_err("listing", from))? {
        let entry = entry.map_err(io_err("listing", from))?;
        let name = entry.file_name();
        if top && NOT_COPIED.iter().any(|skip| name == *skip) {
            continue;
        }
        let (source, target) = (entry.path(), to.join(&name));
        let kind = entry.file_type().map_err(io_err("inspecting", &source))?;
        if kind.is_dir() {
            copy_tree(&source, &target, false)?;
        } else if kind.is_file() {
            // fs::copy keeps the permission bits.
            fs::copy(&source, &target).map_err(io_err("copying", &source))?;
        } else {
            return Err(ClusterError::Config(format!(
                "cannot copy {}: only plain files and directories are supported",
                source.display()
            )));
        }
    }
    Ok(())
}

/// The server's major version from `PG_VERSION` ("15", or "9.6" for old servers -> 9).
pub(super) fn server_major(data: &Path) -> Result<u32, ClusterError> {
    let path = data.join("PG_VERSION");
    let text = fs::read_to_string(&path).map_err(io_err("reading", &path))?;
    let major = text.trim().split('.').next().and_then(|m| m.parse().ok());
    major.ok_or_else(|| ClusterError::Config(format!("unexpected PG_VERSION contents {text:?}")))
}

/// A postgresql.conf string literal: backslashes are escapes in that file, quotes double.
pub(super) fn conf_quote(value: &str) -> String {
    format!("'{}'", value.replace('\\', "\\\\").replace('\'', "''"))
}

/// Appends our settings and then the caller's to postgresql.conf (later lines win),
/// rewrites pg_hba.conf (caller's lines first: the first matching line wins), and writes
/// the caller's extra files.
pub(super) fn configure(
    opts: &ClusterOptions,
    dir: &Path,
    data: &Path,
    port: u16,
    major: u32,
) -> Result<(), ClusterError> {
    let socket_dir = dir.to_string_lossy();
    let mut conf = String::from("\n# ---- added by pgpulse::cluster ----\n");
    let mut settings: Vec<(&str, String)> = vec![
        ("port", port.to_string()),
        ("listen_addresses", conf_quote("127.0.0.1")),
        ("unix_socket_directories", conf_quote(&socket_dir)),
        ("shared_preload_libraries", conf_quote("pg_stat_statements")),
        ("fsync", "off".into()),
        ("synchronous_commit", "off".into()),
        ("full_page_writes", "off".into()),
        ("max_connections", "100".into()),
        ("logging_collector", "off".into()),
        ("track_io_timing", "on".into()),
    ];
    if major >= 14 {
        settings.push(("compute_query_id", "on".into()));
    }
    for (key, value) in &settings {
        conf.push_str(&format!("{key} = {value}\n"));
    }
    for (key, value) in &opts.settings {
        conf.push_str(&format!("{key} = {}\n", conf_quote(value)));
    }
    let conf_path = data.join("postgresql.conf");
    OpenOptions::new()
        .append(true)
        .open(&conf_path)
        .and_then(|mut f| f.write_all(conf.as_bytes()))
        .map_err(io_err("appending to", &conf_path))?;

    let mut hba: String = opts.hba.iter().map(|line| format!("{line}\n")).collect();
    hba.push_str("local all all trust\n");
    hba.push_str("host all all 127.0.0.1/32 trust\n");
    hba.push_str("host all all ::1/128 trust\n");
    write_file(&data.join("pg_hba.conf"), hba.as_bytes(), 0o600)?;

    for (name, contents, mode) in &opts.files {
        write_file(&data.join(name), contents, *mode)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_escapes_quotes_and_backslashes() {
        assert_eq!(conf_quote("it's"), "'it''s'");
        assert_eq!(conf_quote(r"a\b"), r"'a\\b'");
    }
}
