//! PgBouncer's admin console against a real PgBouncer in front of the harness server: an
//! exhausted pool shows its waiting clients, and the console's quirks (simple query
//! protocol only, no startup options, admin users only) are handled.

mod common;

use common::live::{WAIT, eventually, exec, must};

use std::io::{BufRead, BufReader, Read};
use std::os::unix::fs::DirBuilderExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use pgpulse::collector::{PgBouncerClient, collect_pgbouncer};
use pgpulse::connect::{self, SessionSettings};
use pgpulse::conninfo::{self, Flags};
use pgpulse::snapshot::SectionError;
use pgpulse::snapshot::pool::PgBouncer;
use tokio_postgres::{Client, NoTls};

const PGBOUNCER: &str = "/usr/sbin/pgbouncer";
const ADMIN: &str = "pgbouncer_admin";

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
struct Bouncer {
    supervisor: Child,
    stdin: Option<ChildStdin>,
    pid: u32,
    dir: PathBuf,
    port: u16,
}

impl Bouncer {
    /// Starts PgBouncer with one pool, `app`, of a single server connection to `dbname`
    /// on the harness server; retries when the chosen port was taken meanwhile.
    fn start(upstream_port: u16, dbname: &str) -> Bouncer {
        let mut last = String::new();
        for _ in 0..3 {
            match Bouncer::start_once(upstream_port, dbname) {
                Ok(bouncer) => return bouncer,
                Err(log) if log.contains("in use") => last = log,
                Err(log) => panic!("PgBouncer did not start:\n{log}"),
            }
        }
        panic!("PgBouncer found no free port:\n{last}")
    }

    fn start_once(upstream_port: u16, dbname: &str) -> Result<Bouncer, String> {
        let run_as = unprivileged_user();
        let dir = private_dir();
        let port = free_port();
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
             pool_mode = session\n\
             default_pool_size = 1\n\
             max_client_conn = 20\n\
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
            .arg(PGBOUNCER)
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
    fn log(&self) -> String {
        let mut text = String::new();
        for name in ["pgbouncer.log", "pgbouncer.out"] {
            if let Ok(mut file) = std::fs::File::open(self.dir.join(name)) {
                let _ = file.read_to_string(&mut text);
            }
        }
        text
    }

    /// A conninfo to PgBouncer.
    fn conninfo(&self, user: &str, dbname: &str) -> String {
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

/// A port that was free a moment ago ([`Bouncer::start`] retries if it is taken).
fn free_port() -> u16 {
    let listener = must(
        std::net::TcpListener::bind(("127.0.0.1", 0)),
        "probe socket",
    );
    must(listener.local_addr(), "probe socket").port()
}

/// A plain client through PgBouncer (tokio-postgres sends no startup options).
async fn bouncer_client(conninfo: &str) -> Result<Client, String> {
    let (client, connection) = tokio::time::timeout(WAIT, tokio_postgres::connect(conninfo, NoTls))
        .await
        .map_err(|_| "connecting through PgBouncer timed out".to_owned())?
        .map_err(|e| e.to_string())?;
    tokio::spawn(connection);
    Ok(client)
}

fn admin(bouncer: &Bouncer, user: &str) -> PgBouncerClient {
    must(
        PgBouncerClient::from_conninfo(&bouncer.conninfo(user, "pgbouncer")),
        "resolving the console conninfo",
    )
}

#[tokio::test]
async fn an_exhausted_pool_shows_its_waiting_clients() {
    let db = common::shared().create_database().await;
    let bouncer = Bouncer::start(common::shared().port(), &db.name);
    let through_bouncer = bouncer.conninfo("postgres", "app");

    // Client 1 takes the pool's only server connection and keeps it in a transaction.
    let holder = must(bouncer_client(&through_bouncer).await, "client 1");
    exec(&holder, "BEGIN; SELECT 1").await;
    // Client 2 must wait for it.
    let waiter = tokio::spawn({
        let conninfo = through_bouncer.clone();
        async move {
            let client = bouncer_client(&conninfo).await?;
            let rows = client.simple_query("SELECT 2").await;
            rows.map(|_| ()).map_err(|e| e.to_string())
        }
    });

    let mut console = admin(&bouncer, ADMIN);
    let seen: PgBouncer = eventually("a client waiting in pool app", async || {
        let bouncer = collect_pgbouncer(&mut console)
            .await
            .map_err(|e| e.to_string())?;
        let waiting = bouncer
            .pools
            .iter()
            .any(|p| p.database == "app" && p.cl_waiting >= 1 && p.sv_active == 1);
        if waiting {
            Ok(bouncer)
        } else {
            Err(format!("{bouncer:#?}"))
        }
    })
    .await;

    let pool = seen.pools.iter().find(|p| p.database == "app");
    let pool = pool.unwrap_or_else(|| panic!("pool app listed: {seen:#?}"));
    assert_eq!(pool.user, "postgres");
    assert_eq!(pool.pool_mode, "session");
    assert_eq!(pool.cl_active, 1, "the holder: {seen:#?}");
    assert_eq!(pool.sv_idle, 0);
    assert!(seen.stats.iter().any(|s| s.database == "app"), "{seen:#?}");
    let lists: Vec<(&str, i64)> = seen
        .lists
        .iter()
        .map(|l| (l.name.as_str(), l.items))
        .collect();
    assert!(
        lists
            .iter()
            .any(|(name, items)| *name == "pools" && *items >= 1),
        "{lists:?}"
    );
    assert!(console.is_connected(), "one console connection is reused");

    // In session pooling the server connection is freed when its client leaves; then
    // the waiting client gets it.
    exec(&holder, "COMMIT").await;
    drop(holder);
    match tokio::time::timeout(WAIT, waiter).await {
        Ok(Ok(outcome)) => must(outcome, "client 2's query"),
        Ok(Err(join)) => panic!("client 2 panicked: {join}"),
        Err(_) => panic!("client 2 still waiting after {WAIT:?}\n{}", bouncer.log()),
    }
    let stats_after = must(collect_pgbouncer(&mut console).await, "second poll");
    let app = stats_after.pools.iter().find(|p| p.database == "app");
    assert_eq!(app.map(|p| p.cl_waiting), Some(0), "{stats_after:#?}");
}

#[tokio::test]
async fn a_user_without_console_rights_is_told_how_to_get_them() {
    let db = common::shared().create_database().await;
    let bouncer = Bouncer::start(common::shared().port(), &db.name);
    let mut console = admin(&bouncer, "postgres");
    match collect_pgbouncer(&mut console).await {
        Err(SectionError::Unavailable { reason, fix }) => {
            assert!(
                reason.contains("does not let user \"postgres\""),
                "{reason}"
            );
            assert_eq!(
                fix.as_deref(),
                Some(
                    "add the user to admin_users or stats_users in pgbouncer.ini and reload PgBouncer"
                )
            );
        }
        other => panic!("expected the section to be unavailable, got {other:?}"),
    }
}

#[tokio::test]
async fn pgpulse_sessions_startup_options_are_refused_by_pgbouncer() {
    // Why the console has its own connection code: connect::connect always sends
    // `options=-c statement_timeout=...`, which PgBouncer 1.18 refuses.
    let db = common::shared().create_database().await;
    let bouncer = Bouncer::start(common::shared().port(), &db.name);
    let params = must(
        conninfo::resolve_from_process(
            Flags::default(),
            Some(bouncer.conninfo(ADMIN, "pgbouncer")),
        ),
        "resolving",
    );
    let refused = connect::connect(&params, &SessionSettings::monitoring(None), None).await;
    let message = refused.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        message.contains("unsupported startup parameter: options"),
        "{message:?}"
    );
}

#[tokio::test]
async fn a_postgres_server_is_not_mistaken_for_the_console() {
    let db = common::shared().create_database().await;
    let mut console = must(PgBouncerClient::from_conninfo(&db.conninfo()), "resolving");
    match collect_pgbouncer(&mut console).await {
        Err(SectionError::Unavailable { reason, fix }) => {
            assert!(
                reason.contains("is not a PgBouncer admin console"),
                "{reason}"
            );
            assert!(fix.is_some_and(|f| f.contains("dbname=pgbouncer")));
        }
        other => panic!("expected the section to be unavailable, got {other:?}"),
    }
}

#[test]
fn stopping_the_guard_stops_pgbouncer_and_removes_its_files() {
    let runtime = must(
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build(),
        "runtime",
    );
    let db = runtime.block_on(common::shared().create_database());
    let bouncer = Bouncer::start(common::shared().port(), &db.name);
    let (pid, dir) = (bouncer.pid, bouncer.dir.clone());
    assert!(Path::new(&format!("/proc/{pid}")).exists());
    drop(bouncer);
    let gone = !Path::new(&format!("/proc/{pid}")).exists() || {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        stat.contains(") Z") || stat.is_empty()
    };
    assert!(gone, "PgBouncer {pid} still running");
    assert!(!dir.exists(), "{} removed", dir.display());
}
