//! A throwaway PgBouncer in front of a [`Cluster`](super::Cluster) (`pgpulse demo`).
//!
//! Like the cluster, it runs under a small `sh` supervisor that stops PgBouncer and
//! removes its private temp dir when the [`Bouncer`] is dropped *or our process dies*
//! (the supervisor's stdin closes either way). PgBouncer refuses to run as root: as root
//! it runs as the cluster's unprivileged user. Blocking: call it off the async threads.

use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Stdio};
use std::time::{Duration, Instant};

use super::setup::{self, command};

/// Positional args: $1 pgbouncer binary, $2 its dir (config, log; removed at the end).
/// Replies `started <pid>` on stdout, then waits for EOF on stdin.
const SCRIPT: &str = r#"
bin=$1 dir=$2
trap '' PIPE
"$bin" "$dir/pgbouncer.ini" </dev/null >>"$dir/pgbouncer.out" 2>&1 &
pid=$!
cleanup() {
  kill -TERM "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  rm -rf "$dir"
}
trap 'cleanup; exit 0' TERM HUP INT
echo "started $pid"
while read -r line; do :; done
cleanup
"#;

/// How long PgBouncer gets to listen, and the supervisor to finish on drop.
const START_LIMIT: Duration = Duration::from_secs(10);
const STOP_LIMIT: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(25);

/// `pgbouncer` on `$PATH`, else `/usr/sbin/pgbouncer` (Debian's package puts it there,
/// outside a normal user's `$PATH`).
pub fn find_pgbouncer() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .unwrap_or_default();
    on_path
        .into_iter()
        .map(|dir| dir.join("pgbouncer"))
        .chain([PathBuf::from("/usr/sbin/pgbouncer")])
        .find(|candidate| candidate.is_file())
}

/// What the pooler serves.
#[derive(Debug, Clone)]
pub struct BouncerOptions {
    pub binary: PathBuf,
    /// The cluster's TCP port on 127.0.0.1.
    pub upstream_port: u16,
    /// The one database pooled, under its own name.
    pub dbname: String,
    /// The server user PgBouncer logs in as (trust on 127.0.0.1), also its admin.
    pub user: String,
    /// `pool_mode`: `session`, `transaction` or `statement`.
    pub pool_mode: &'static str,
    /// Server connections per pool.
    pub pool_size: u32,
    /// Run on each new server connection; PgBouncer 1.18 ignores the clients' `options`
    /// startup parameter (`ignore_startup_parameters = options`), so settings the
    /// clients send there are set here instead.
    pub connect_query: Option<String>,
}

/// A running PgBouncer on 127.0.0.1, stopped and removed on drop.
pub struct Bouncer {
    supervisor: Child,
    stdin: Option<ChildStdin>,
    pid: u32,
    dir: PathBuf,
    port: u16,
}

impl Bouncer {
    /// Starts PgBouncer and waits until it listens; retries when the chosen port was
    /// taken meanwhile.
    pub fn start(options: &BouncerOptions) -> Result<Bouncer, String> {
        let mut last = String::new();
        for _ in 0..3 {
            match Bouncer::start_once(options) {
                Ok(bouncer) => return Ok(bouncer),
                Err(log) if log.contains("in use") => last = log,
                Err(log) => return Err(log),
            }
        }
        Err(format!("PgBouncer found no free port: {last}"))
    }

    fn start_once(options: &BouncerOptions) -> Result<Bouncer, String> {
        let run_as = setup::server_user().map_err(|e| e.to_string())?;
        let dir = setup::create_temp_dir().map_err(|e| e.to_string())?;
        let port = super::free_port().map_err(|e| e.to_string())?;
        let connect_query = options
            .connect_query
            .as_deref()
            .map(|query| format!(" connect_query='{}'", query.replace('\'', "''")))
            .unwrap_or_default();
        let ini = format!(
            "[databases]\n\
             {db} = host=127.0.0.1 port={upstream} dbname={db} user={user}{connect_query}\n\
             [pgbouncer]\n\
             listen_addr = 127.0.0.1\n\
             listen_port = {port}\n\
             unix_socket_dir =\n\
             auth_type = trust\n\
             auth_file = {dir}/userlist.txt\n\
             admin_users = {user}\n\
             stats_users = {user}\n\
             pool_mode = {mode}\n\
             default_pool_size = {size}\n\
             max_client_conn = 200\n\
             ignore_startup_parameters = options,extra_float_digits\n\
             logfile = {dir}/pgbouncer.log\n",
            db = options.dbname,
            upstream = options.upstream_port,
            user = options.user,
            mode = options.pool_mode,
            size = options.pool_size,
            dir = dir.display(),
        );
        // With auth_type = trust the user names must still be in the auth file.
        let users = format!("\"{}\" \"\"\n", options.user);
        let written = std::fs::write(dir.join("pgbouncer.ini"), ini)
            .and_then(|()| std::fs::write(dir.join("userlist.txt"), users));
        if let Err(e) = written {
            let _ = std::fs::remove_dir_all(&dir);
            return Err(format!(
                "writing PgBouncer's config in {}: {e}",
                dir.display()
            ));
        }
        if let Some(user) = run_as
            && let Err(e) = setup::chown_recursive(&dir, user)
        {
            let _ = std::fs::remove_dir_all(&dir);
            return Err(e.to_string());
        }
        let mut cmd = command(Path::new("/bin/sh"), run_as, &dir);
        cmd.arg("-c")
            .arg(SCRIPT)
            .arg("pgbouncer-supervisor")
            .arg(&options.binary)
            .arg(&dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            // Its own process group, like the server's: a Ctrl-C reaches us, and we stop it.
            .process_group(0);
        let mut supervisor = match cmd.spawn() {
            Ok(child) => child,
            Err(e) => {
                let _ = std::fs::remove_dir_all(&dir);
                return Err(format!("starting PgBouncer's supervisor: {e}"));
            }
        };
        let stdin = supervisor.stdin.take();
        let mut first = String::new();
        if let Some(stdout) = supervisor.stdout.take() {
            let _ = BufReader::new(stdout).read_line(&mut first);
        }
        let pid = first
            .strip_prefix("started ")
            .and_then(|pid| pid.trim().parse().ok())
            .unwrap_or(0);
        let bouncer = Bouncer {
            supervisor,
            stdin,
            pid,
            dir,
            port,
        };
        bouncer.wait_listening()?;
        Ok(bouncer)
    }

    /// Until a TCP connect works, or PgBouncer's log says why it never will.
    fn wait_listening(&self) -> Result<(), String> {
        let deadline = Instant::now() + START_LIMIT;
        loop {
            if std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return Ok(());
            }
            let exited = self.pid == 0 || !super::supervisor::process_alive(self.pid);
            if exited || Instant::now() >= deadline {
                let log = self.log();
                let tail: Vec<&str> = log.lines().rev().take(5).collect();
                let tail: Vec<&str> = tail.into_iter().rev().collect();
                return Err(format!("PgBouncer did not start: {}", tail.join(" / ")));
            }
            std::thread::sleep(POLL);
        }
    }

    /// Its log and its stderr, for failure messages (empty if unreadable).
    fn log(&self) -> String {
        ["pgbouncer.log", "pgbouncer.out"]
            .iter()
            .filter_map(|name| std::fs::read(self.dir.join(name)).ok())
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
            .collect::<Vec<_>>()
            .join("\n")
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// A client's conninfo for `dbname` through the pooler, as `user`.
    pub fn conninfo(&self, dbname: &str, user: &str) -> String {
        format!(
            "host=127.0.0.1 port={} user={} dbname={} sslmode=disable",
            self.port,
            super::conninfo_quote(user),
            super::conninfo_quote(dbname)
        )
    }
}

impl Drop for Bouncer {
    /// Closes the supervisor's stdin (it stops PgBouncer and removes the dir) and waits,
    /// bounded; on timeout kills both and removes the dir itself.
    fn drop(&mut self) {
        drop(self.stdin.take());
        let deadline = Instant::now() + STOP_LIMIT;
        loop {
            match self.supervisor.try_wait() {
                Ok(Some(_)) => return,
                Ok(None) if Instant::now() < deadline => std::thread::sleep(POLL),
                _ => break,
            }
        }
        tracing::warn!("PgBouncer's supervisor did not stop in time; killing it");
        let _ = self.supervisor.kill();
        let _ = self.supervisor.wait();
        if self.pid != 0 && super::supervisor::process_alive(self.pid) {
            let pid = nix::unistd::Pid::from_raw(self.pid as i32);
            let _ = nix::sys::signal::kill(pid, nix::sys::signal::SIGKILL);
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
