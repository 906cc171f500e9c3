//! A throwaway local PostgreSQL cluster (tests and `pgpulse demo`).
//!
//! [`Cluster::start`] runs `initdb` into a fresh private temp dir, configures the server
//! (pg_stat_statements preloaded, durability off for speed, TCP on 127.0.0.1 and a unix
//! socket in the temp dir) and starts it under a small `sh` supervisor (see
//! the `supervisor` module) that stops the server and deletes the temp dir as soon as the
//! [`Cluster`] is dropped *or our process dies*, whichever comes first.
//!
//! When running as root, initdb and the server run as the `postgres` user (or `nobody`),
//! since PostgreSQL refuses to run as root.
//!
//! Everything here is blocking (`std::process`); call it from tests or before a tokio
//! runtime starts (or via `spawn_blocking`).
//!
//! Layer rule: may import `text`, `settings` and `pg` (it needs none of them today); the
//! monitor and everything above may use it, the demo and the live tests do.

mod bindir;
pub mod bouncer;
mod error;
mod ports;
pub mod provision;
mod setup;
mod supervisor;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

pub use bindir::{find_bindir, has_server_binaries};
pub use error::ClusterError;
pub use ports::free_port;
pub use setup::ClusterOptions;
use supervisor::Supervisor;

/// A running throwaway cluster. Stopping it (explicitly with [`Cluster::stop`] or by
/// dropping it) stops the server and removes its temp dir.
pub struct Cluster {
    dir: PathBuf,
    /// Whether `dir` is ours to delete (false for `keep`).
    owns_dir: bool,
    /// Whether initdb ran now (false when a kept cluster was reused).
    created: bool,
    data: PathBuf,
    bindir: PathBuf,
    port: u16,
    major: u32,
    sup: Mutex<Supervisor>,
}

impl Cluster {
    /// Creates, configures and starts a cluster, waiting until it accepts connections.
    /// Retries with another port (up to 3 tries) if the chosen port was taken meanwhile.
    pub fn start(opts: ClusterOptions) -> Result<Cluster, ClusterError> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            match Self::start_once(&opts) {
                Err(ClusterError::Server { log_tail, .. })
                    if attempt < 3 && log_tail.contains("already in use") =>
                {
                    tracing::debug!("port taken while starting test cluster; retrying");
                }
                other => return other,
            }
        }
    }

    fn start_once(opts: &ClusterOptions) -> Result<Cluster, ClusterError> {
        let run_as = setup::server_user()?;
        let port = free_port()?;
        let (dir, owns_dir) = match &opts.keep {
            Some(dir) => (setup::create_kept_dir(dir)?, false),
            None => (setup::create_temp_dir()?, true),
        };
        // Until the supervisor owns the dir, removing it on failure is our job.
        let guard = DirGuard(owns_dir.then(|| dir.clone()));
        let data = dir.join("data");
        if let Some(user) = run_as {
            setup::chown_recursive(&dir, user)?;
        }
        if let Some(source) = &opts.copy_of
            && !data.join("PG_VERSION").is_file()
        {
            setup::copy_data_dir(source, &data)?;
        }
        let created = !data.join("PG_VERSION").is_file();
        if created {
            setup::initdb(opts, &dir, &data, run_as)?;
        }
        let major = setup::server_major(&data)?;
        setup::configure(opts, &dir, &data, port, major)?;
        if let Some(user) = run_as {
            setup::chown_recursive(&dir, user)?;
        }
        let sup = Supervisor::spawn(&opts.bindir, &dir, &data, run_as, owns_dir)?;
        guard.disarm();
        let cluster = Cluster {
            dir,
            owns_dir,
            created,
            data,
            bindir: opts.bindir.clone(),
            port,
            major,
            sup: Mutex::new(sup),
        };
        cluster.await_reply("start", "started ")?;
        Ok(cluster)
    }

    /// Reads the supervisor's `<expect><pid>` reply, then waits until that server is ready.
    fn await_reply(&self, action: &'static str, expect: &str) -> Result<(), ClusterError> {
        let mut sup = self.lock();
        let result = sup.read_pid(expect).and_then(|pid| {
            supervisor::wait_ready(&mut sup, &self.data, self.port, self.major, pid)
        });
        result.map_err(|reason| self.server_error(action, reason))
    }

    /// Fast-stops the server and starts it again on the same port and data dir; returns
    /// once it accepts connections. Existing connections are terminated.
    pub fn restart(&self) -> Result<(), ClusterError> {
        self.lock()
            .send("restart")
            .map_err(|reason| self.server_error("restart", reason))?;
        self.await_reply("restart", "ok ")
    }

    /// Fast-stops the server (clients are disconnected, new ones refused) and keeps its
    /// data dir and port for [`Cluster::start_server`]; returns once it has exited.
    pub fn stop_server(&self) -> Result<(), ClusterError> {
        let mut sup = self.lock();
        let stopped = sup.send("stop").and_then(|()| sup.read_line("stopped"));
        drop(sup);
        stopped.map_err(|reason| self.server_error("stop", reason))
    }

    /// Starts the server again after [`Cluster::stop_server`] (or after it stopped on its
    /// own), on the same port and data dir; returns once it accepts connections.
    pub fn start_server(&self) -> Result<(), ClusterError> {
        self.lock()
            .send("start")
            .map_err(|reason| self.server_error("start", reason))?;
        self.await_reply("start", "ok ")
    }

    /// The TCP port the server listens on (127.0.0.1 only).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The directory holding the server's unix socket (use it as `host`).
    pub fn socket_dir(&self) -> &Path {
        &self.dir
    }

    /// Whether this start created the cluster (initdb) rather than reusing a kept one.
    pub fn created(&self) -> bool {
        self.created
    }

    /// The data directory.
    pub fn data_dir(&self) -> &Path {
        &self.data
    }

    /// The binary directory the cluster was created with.
    pub fn bindir(&self) -> &Path {
        &self.bindir
    }

    /// The superuser role name, `postgres`.
    pub fn superuser(&self) -> &str {
        "postgres"
    }

    /// libpq-style connection string over TCP as the superuser, e.g.
    /// `host=127.0.0.1 port=5433 user=postgres dbname=x sslmode=disable`.
    pub fn conninfo_tcp(&self, dbname: &str) -> String {
        format!(
            "host=127.0.0.1 port={} user=postgres dbname={} sslmode=disable",
            self.port,
            conninfo_quote(dbname)
        )
    }

    /// libpq-style connection string over the unix socket as the superuser.
    pub fn conninfo_socket(&self, dbname: &str) -> String {
        format!(
            "host={} port={} user=postgres dbname={}",
            conninfo_quote(&self.dir.to_string_lossy()),
            self.port,
            conninfo_quote(dbname)
        )
    }

    /// The current postmaster's pid (from `postmaster.pid`), if the server is running.
    pub fn postmaster_pid(&self) -> Option<u32> {
        let text = std::fs::read_to_string(self.data.join("postmaster.pid")).ok()?;
        text.lines().next()?.trim().parse().ok()
    }

    /// The whole server log, for failure messages (empty if unreadable).
    pub fn server_log(&self) -> String {
        std::fs::read(self.dir.join("server.log"))
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default()
    }

    /// Stops the server and removes the temp dir (what dropping does, made explicit).
    pub fn stop(self) {}

    fn lock(&self) -> MutexGuard<'_, Supervisor> {
        // A panic while holding the lock leaves nothing half-updated that matters here.
        self.sup.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn server_error(&self, action: &'static str, reason: String) -> ClusterError {
        let log = self.server_log();
        let lines: Vec<&str> = log.lines().collect();
        let log_tail = lines[lines.len().saturating_sub(30)..].join("\n");
        ClusterError::Server {
            action,
            reason,
            log_tail,
        }
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let sup = self.sup.get_mut().unwrap_or_else(|e| e.into_inner());
        sup.shutdown(self.owns_dir.then_some(self.dir.as_path()));
    }
}

/// Removes a temp dir on drop unless disarmed (for failures before the supervisor exists).
struct DirGuard(Option<PathBuf>);

impl DirGuard {
    fn disarm(mut self) {
        self.0 = None;
    }
}

impl Drop for DirGuard {
    fn drop(&mut self) {
        if let Some(dir) = self.0.take() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// Quotes a conninfo value when needed (`'...'` with `\` and `'` backslash-escaped).
fn conninfo_quote(value: &str) -> String {
    if !value.is_empty() && !value.contains(|c: char| c.is_whitespace() || c == '\'' || c == '\\') {
        return value.to_string();
    }
    format!("'{}'", value.replace('\\', "\\\\").replace('\'', "\\'"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conninfo_values_are_quoted_when_needed() {
        assert_eq!(conninfo_quote("db"), "db");
        assert_eq!(conninfo_quote("my db"), "'my db'");
        assert_eq!(conninfo_quote("it's"), r"'it\'s'");
        assert_eq!(conninfo_quote(""), "''");
    }
}
