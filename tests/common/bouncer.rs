//! A real PgBouncer in front of a harness server, for the Pool screen's console tests and
//! for pointing pgpulse's main connection at a pooler. PgBouncer refuses to run as root:
//! as root it runs as `postgres` (or `nobody`), under a supervisor that stops it and
//! removes its directory when the guard drops or the test process dies.

use std::io::{BufRead, BufReader, Read};
use std::os::unix::fs::DirBuilderExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::live::{WAIT, must};

/// Where distributions install PgBouncer (Debian: sbin; Fedora: bin), after `$PATH`.
const PGBOUNCER_DIRS: [&str; 3] = ["/usr/sbin", "/usr/bin", "/usr/local/bin"];
/// The user named in `admin_users`.
pub const ADMIN: &str = "pgbouncer_admin";

/// Runs PgBouncer under `sh` as the supervisor: it reads its stdin until EOF, which
/// happens when the guard closes the pipe *or our process dies*, then stops PgBouncer
/// and removes the directory. Replies `started <pid>`.
const SUPERVISOR: &str = r#"
dir=$1 bin=$2
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

/// A PgBouncer listening on 127.0.0.1, stopped and removed on drop.
pub struct Bouncer {
    supervisor: Child,
    stdin: Option<ChildStdin>,
    pub pid: u32,
    pub dir: PathBuf,
    pub port: u16,
}

/// How the pool is run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PoolMode {
    Session,
    Transaction,
}

/// The PgBouncer binary: `$PGPULSE_TEST_PGBOUNCER`, else the first `pgbouncer` on
/// `$PATH` or in the distributions' directories. Missing, the test fails and says how to
/// get it: `scripts/test` installs it (as root or with sudo) before running anything.
fn pgbouncer_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("PGPULSE_TEST_PGBOUNCER").filter(|p| !p.is_empty()) {
        return PathBuf::from(path);
    }
    let path_dirs = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default();
    path_dirs
        .into_iter()
        .chain(PGBOUNCER_DIRS.iter().map(PathBuf::from))
        .map(|dir| dir.join("pgbouncer"))
        .find(|bin| bin.is_file())
        .unwrap_or_else(|| {
            panic!(
                "PgBouncer is not installed (the Pool screen's tests run a real one): run the \
                 suite with `scripts/test`, which installs it, or `apt-get install pgbouncer` / \
                 `dnf install pgbouncer`, or set PGPULSE_TEST_PGBOUNCER"
            )
        })
}

/// What a test changes in `pgbouncer.ini`.
#[derive(Debug, Clone, Copy)]
pub struct BouncerOptions {
    pub pool_mode: PoolMode,
    /// `ignore_startup_parameters`, e.g. `"options"`; empty leaves it unset.
    pub ignore_startup_parameters: &'static str,
}

impl Default for BouncerOptions {
    fn default() -> Self {
        Self {
            pool_mode: PoolMode::Session,
            ignore_startup_parameters: "",
        }
    }
}

impl Bouncer {
    /// Starts PgBouncer with one pool, `app`, of a single server connection to `dbname`
    /// on the harness server, in session mode; retries when the chosen port was taken
    /// meanwhile.
    pub fn start(upstream_port: u16, dbname: &str) -> Bouncer {
        Bouncer::start_with(upstream_port, dbname, BouncerOptions::default())
    }

    /// [`Bouncer::start`] with another pool mode or startup-parameter handling.
    pub fn start_with(upstream_port: u16, dbname: &str, options: BouncerOptions) -> Bouncer {
        let mut last = String::new();
        for _ in 0..3 {
            match Bouncer::start_once(upstream_port, dbname, options) {
                Ok(bouncer) => return bouncer,
                Err(log) if log.contains("in use") => last = log,
                Err(log) => panic!("PgBouncer did not start:\n{log}"),
            }
        }
        panic!("PgBouncer found no free port:\n{last}")
    }

    fn start_once(
        upstream_port: u16,
        dbname: &str,
        options: BouncerOptions,
    ) -> Result<Bouncer, String> {
        let run_as = unprivileged_user();
        let dir = private_dir();
        let port = free_port();
        let pool_mode = match options.pool_mode {
            PoolMode::Session => "session",
            PoolMode::Transaction => "transaction",
        };
        let ignore = match options.ignore_startup_parameters {
            "" => String::new(),
            list => format!("ignore_startup_parameters = {list}\n"),
        };
        let ini = format!(
            "[databases]\n\
             app = host=127.0.0.1 port={upstream_port} dbname={dbname} user=postgres\n\
             [pgbouncer]\n\
             listen_addr = 127.0.0.1\n\
             listen_port = {port}\n\
             unix_socket_dir =\n\
             auth_type = trust\n\
             auth_file = {dir}/userlist.txt\n\
             admin_users = {ADMIN}\n\
             pool_mode = {pool_mode}\n\
             default_pool_size = 1\n\
             max_client_conn = 20\n\
             {ignore}\
             logfile = {dir}/pgbouncer.log\n",
            dir = dir.display()
        );
        // With auth_type = trust the user names must still be in the auth file.
        let users = format!("\"postgres\" \"\"\n\"{ADMIN}\" \"\"\n");
        must(
            std::fs::write(dir.join("pgbouncer.ini"), ini),
            "writing pgbouncer.ini",
        );
        must(
            std::fs::write(dir.join("userlist.txt"), users),
            "writing userlist.txt",
        );
        let mut command = Command::new("/bin/sh");
        command
            .arg("-c")
            .arg(SUPERVISOR)
            .arg("pgbouncer-supervisor")
            .arg(&dir)
            .arg(pgbouncer_binary())
            .current_dir(&dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        if let Some((uid, gid)) = run_as {
            // PgBouncer refuses to run as root; the dir and its files become theirs.
            for path in ["", "pgbouncer.ini", "userlist.txt"] {
                let owned = std::os::unix::fs::chown(dir.join(path), Some(uid), Some(gid));
                must(owned, "handing the temp dir to the PgBouncer user");
            }
            command.uid(uid).gid(gid);
        }
        let mut supervisor = must(command.spawn(), "starting the PgBouncer supervisor");
        let stdin = supervisor.stdin.take();
        let mut reply = String::new();
        if let Some(stdout) = supervisor.stdout.take() {
            // The script echoes before anything can block; EOF if sh itself failed.
            let _ = BufReader::new(stdout).read_line(&mut reply);
        }
        let pid = reply
            .trim()
            .strip_prefix("started ")
            .and_then(|p| p.parse().ok());
        let mut bouncer = Bouncer {
            supervisor,
            stdin,
            pid: pid.unwrap_or(0),
            dir,
            port,
        };
        if pid.is_none() {
            return Err(format!("unexpected supervisor reply {reply:?}"));
        }
        bouncer.wait_ready()?;
        Ok(bouncer)
    }

    /// Waits (bounded) until PgBouncer accepts TCP connections; its log if it exits.
    fn wait_ready(&mut self) -> Result<(), String> {
        let deadline = Instant::now() + WAIT;
        let address = std::net::SocketAddr::from(([127, 0, 0, 1], self.port));
        loop {
            if !Path::new(&format!("/proc/{}", self.pid)).exists() || self.zombie() {
                return Err(self.log());
            }
            if std::net::TcpStream::connect_timeout(&address, Duration::from_secs(1)).is_ok() {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(format!("not listening after {WAIT:?}\n{}", self.log()));
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    fn zombie(&self) -> bool {
        std::fs::read_to_string(format!("/proc/{}/stat", self.pid))
            .map(|stat| stat.contains(") Z"))
            .unwrap_or(true)
    }

    /// PgBouncer's log and output, for failure messages.
    pub fn log(&self) -> String {
        let mut text = String::new();
        for name in ["pgbouncer.log", "pgbouncer.out"] {
            if let Ok(mut file) = std::fs::File::open(self.dir.join(name)) {
                let _ = file.read_to_string(&mut text);
            }
        }
        text
    }

    /// A conninfo to PgBouncer.
    pub fn conninfo(&self, user: &str, dbname: &str) -> String {
        format!(
            "host=127.0.0.1 port={} user={user} dbname={dbname} sslmode=disable",
            self.port
        )
    }
}

impl Drop for Bouncer {
    fn drop(&mut self) {
        // Closing the pipe is the stop command; wait for the supervisor, bounded.
        drop(self.stdin.take());
        let deadline = Instant::now() + WAIT;
        while Instant::now() < deadline {
            match self.supervisor.try_wait() {
                Ok(Some(_)) | Err(_) => break,
                Ok(None) => std::thread::sleep(Duration::from_millis(25)),
            }
        }
        if !matches!(self.supervisor.try_wait(), Ok(Some(_))) {
            let _ = self.supervisor.kill();
            let _ = self.supervisor.wait();
            if self.pid != 0 {
                let pid = nix::unistd::Pid::from_raw(self.pid as i32);
                let _ = nix::sys::signal::kill(pid, nix::sys::signal::SIGKILL);
            }
        }
        if self.dir.exists() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// `(uid, gid)` of `postgres`, else `nobody`, when we are root; `None` otherwise.
fn unprivileged_user() -> Option<(u32, u32)> {
    if !nix::unistd::geteuid().is_root() {
        return None;
    }
    let user = ["postgres", "nobody"]
        .into_iter()
        .find_map(|name| nix::unistd::User::from_name(name).ok().flatten());
    match user {
        Some(user) => Some((user.uid.as_raw(), user.gid.as_raw())),
        None => panic!("running as root and no postgres or nobody user exists"),
    }
}

/// A fresh 0700 directory under /tmp.
fn private_dir() -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("pgpulse-bouncer-{}-{n}", std::process::id()));
    let created = std::fs::DirBuilder::new().mode(0o700).create(&dir);
    must(created, "creating the PgBouncer temp dir");
    dir
}

/// A port that was free a moment ago, below the ephemeral range like the servers'
/// ([`Bouncer::start`] retries if it is taken).
fn free_port() -> u16 {
    must(pgpulse::cluster::free_port(), "a free port")
}
