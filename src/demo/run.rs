//! `pgpulse demo`: start the server, load the seed's database, run its workload, show the
//! dashboard (or, with `--no-tui`, print where to connect and wait), clean up on exit.

use std::process::ExitCode;
use std::time::Instant;

use tokio::signal::unix::{SignalKind, signal};

use super::replica;
use super::schema::{self, Scale};
use super::server::{self, DATABASE};
use super::workload::{self, WorkloadConfig};
use crate::cluster::Cluster;
use crate::cluster::bouncer::{self, Bouncer, BouncerOptions};
use crate::pg::conninfo::{self, Flags};
use crate::pg::open::ConnectOptions;
use crate::settings::config::Pool;
use crate::tui::terminal::LiveOptions;

/// What `pgpulse demo` was asked for (`pgpulse demo --help` says what each flag does);
/// the ranges were checked when the flags were parsed.
#[derive(Debug, Clone, Default)]
pub struct DemoOptions {
    /// The server binaries to use.
    pub pgbin: Option<std::path::PathBuf>,
    /// Never download a server; say how to install one instead.
    pub offline: bool,
    /// Keep the cluster in this directory instead of a temp dir.
    pub keep: Option<std::path::PathBuf>,
    /// Run the server and the workload only, no live view.
    pub no_tui: bool,
    /// Do not start the streaming standby.
    pub no_replica: bool,
    /// Workload connections.
    pub clients: Option<usize>,
    /// Workload operations per second.
    pub rate: Option<f64>,
    /// Users to generate.
    pub users: Option<i64>,
}

/// Runs the demo until the user quits; the cluster is gone (or kept) when this returns.
pub async fn run(cli: &LiveOptions, args: &DemoOptions) -> anyhow::Result<ExitCode> {
    let scale = scale(args)?;
    // From the very start, so a Ctrl-C or SIGTERM at any moment (even during the load, or
    // right after the conninfo is printed) stops the demo in order instead of killing it.
    let mut signals = Signals::new()?;
    let (pgbin, offline) = (args.pgbin.clone(), args.offline);
    // This may download a server: a Ctrl-C must not wait for it, so it runs on a thread of
    // its own (the runtime would wait for a blocking-pool task at exit; this thread just
    // ends with the process). The abandoned download's partial file is swept next run.
    let (found_tx, found_rx) = tokio::sync::oneshot::channel();
    std::thread::spawn(move || {
        // Nobody listens any more when the demo was stopped meanwhile.
        let _ = found_tx.send(server::find_pgbin(pgbin.as_deref(), offline));
    });
    let bindir = tokio::select! {
        found = found_rx => found
            .map_err(|_| anyhow::anyhow!("finding the server binaries: the search failed"))?
            .map_err(anyhow::Error::msg)?,
        () = signals.recv() => {
            say("stopped before a server was found");
            return Ok(ExitCode::SUCCESS);
        }
    };
    say(&format!("starting PostgreSQL from {}", bindir.display()));
    let keep = args.keep.clone();
    let cluster = tokio::task::spawn_blocking(move || server::start(bindir, keep))
        .await
        .map_err(|e| anyhow::anyhow!("starting the server: {e}"))?
        .map_err(anyhow::Error::msg)?;
    let conninfo = cluster.conninfo_tcp(DATABASE);
    say(&format!(
        "server listening on 127.0.0.1:{}, cluster in {}",
        cluster.port(),
        cluster.socket_dir().display()
    ));
    let (cluster, replica) = if args.no_replica {
        (cluster, None)
    } else {
        with_replica(cluster).await?
    };
    let bouncer = with_pgbouncer(&cluster).await?;
    let topology = Topology {
        replica: replica.as_ref().map(|r| r.conninfo_tcp(DATABASE)),
        pooled: bouncer
            .as_ref()
            .map(|b| b.conninfo(DATABASE, cluster.superuser())),
        console: bouncer
            .as_ref()
            .map(|b| b.conninfo("pgbouncer", cluster.superuser())),
    };
    let outcome = with_cluster(
        cli,
        args,
        &cluster,
        &conninfo,
        &topology,
        &scale,
        &mut signals,
    )
    .await;
    // PgBouncer first, then the standby: stopped before its upstream, it does not retry
    // a dead primary.
    if let Some(bouncer) = bouncer {
        tokio::task::spawn_blocking(move || drop(bouncer))
            .await
            .map_err(|e| anyhow::anyhow!("stopping PgBouncer: {e}"))?;
    }
    if let Some(replica) = replica {
        tokio::task::spawn_blocking(move || drop(replica))
            .await
            .map_err(|e| anyhow::anyhow!("stopping the standby: {e}"))?;
    }
    let place = cluster.socket_dir().display().to_string();
    let kept = args.keep.is_some();
    // Dropping the cluster stops the server and removes its directory (unless kept).
    tokio::task::spawn_blocking(move || drop(cluster))
        .await
        .map_err(|e| anyhow::anyhow!("stopping the server: {e}"))?;
    if kept {
        say(&format!("server stopped; the cluster is kept in {place}"));
    } else {
        say(&format!("server stopped and {place} removed"));
    }
    outcome
}

/// Starts the streaming standby beside `cluster` (which is stopped and started again to
/// be copied). A standby that cannot start is reported and the demo goes on without it.
async fn with_replica(cluster: Cluster) -> anyhow::Result<(Cluster, Option<Cluster>)> {
    let admin = format!("{} dbname=postgres", cluster.conninfo_tcp("postgres"));
    let (client, connection) = tokio_postgres::connect(&admin, tokio_postgres::NoTls)
        .await
        .map_err(|e| anyhow::anyhow!("connecting to the demo server: {e}"))?;
    let driver = tokio::spawn(connection);
    let slot = client.batch_execute(replica::CREATE_SLOT_SQL).await;
    drop(client);
    driver.abort();
    if let Err(e) = slot {
        say(&format!("no standby: creating its slot failed: {e}"));
        return Ok((cluster, None));
    }
    say("starting a streaming standby (--no-replica skips it)");
    let (cluster, started) = tokio::task::spawn_blocking(move || {
        let started = replica::start(&cluster);
        (cluster, started)
    })
    .await
    .map_err(|e| anyhow::anyhow!("starting the standby: {e}"))?;
    match started {
        Ok(standby) => {
            say(&format!(
                "standby {} streams through slot {}: pgpulse \"{}\"",
                replica::REPLICA_NAME,
                replica::REPLICA_SLOT,
                standby.conninfo_tcp(DATABASE)
            ));
            say(&format!(
                "standby cluster in {}",
                standby.socket_dir().display()
            ));
            Ok((cluster, Some(standby)))
        }
        Err(e) => {
            say(&format!("no standby: {e}"));
            Ok((cluster, None))
        }
    }
}

/// Where the workload and the live view find the standby and PgBouncer, when running.
struct Topology {
    replica: Option<String>,
    /// The demo database through PgBouncer.
    pooled: Option<String>,
    /// PgBouncer's admin console, for the Pool screen.
    console: Option<String>,
}

/// Starts PgBouncer in front of `cluster` (session pooling, as the seed's) when a
/// `pgbouncer` binary is installed; otherwise says what the Pool screen misses. One that
/// cannot start is reported and the demo goes on without it.
async fn with_pgbouncer(cluster: &Cluster) -> anyhow::Result<Option<Bouncer>> {
    let Some(binary) = bouncer::find_pgbouncer() else {
        say(
            "no PgBouncer: the Pool screen's PgBouncer panel needs it; install it, e.g. \
             `sudo apt-get install pgbouncer` (Debian/Ubuntu) or `sudo dnf install pgbouncer` \
             (Fedora)",
        );
        return Ok(None);
    };
    let options = BouncerOptions {
        binary,
        upstream_port: cluster.port(),
        dbname: DATABASE.into(),
        user: cluster.superuser().into(),
        pool_mode: "session",
        // The seed's development pool, plus room for the jobs' sessions.
        pool_size: u32::try_from(workload::SEED_DEVELOPMENT_POOL_MAX).unwrap_or(10) * 2,
        connect_query: Some(workload::pooled_connect_query()),
    };
    let started = tokio::task::spawn_blocking(move || Bouncer::start(&options))
        .await
        .map_err(|e| anyhow::anyhow!("starting PgBouncer: {e}"))?;
    match started {
        Ok(bouncer) => {
            say(&format!(
                "PgBouncer (session pooling) on 127.0.0.1:{}, in {}: the user-activity clients go through it",
                bouncer.port(),
                bouncer.dir().display()
            ));
            Ok(Some(bouncer))
        }
        Err(e) => {
            say(&format!("no PgBouncer: {e}"));
            Ok(None)
        }
    }
}

fn scale(args: &DemoOptions) -> anyhow::Result<Scale> {
    let mut scale = Scale::default();
    // The range was checked when the flag was parsed.
    if let Some(users) = args.users {
        scale.sessions = users * 10;
        scale.users = users;
    }
    Ok(scale)
}

async fn with_cluster(
    cli: &LiveOptions,
    args: &DemoOptions,
    cluster: &Cluster,
    conninfo: &str,
    topology: &Topology,
    scale: &Scale,
    signals: &mut Signals,
) -> anyhow::Result<ExitCode> {
    let admin = format!("{} dbname=postgres", cluster.conninfo_tcp("postgres"));
    tokio::select! {
        prepared = prepare_database(&admin, conninfo, scale, cluster.created()) => prepared?,
        () = signals.recv() => {
            say("stopped before the database was ready");
            return Ok(ExitCode::SUCCESS);
        }
    }
    let replica = topology.replica.as_deref();
    if let Some(replica) = replica {
        tokio::select! {
            () = replica_catch_up(conninfo, replica) => {}
            () = signals.recv() => {
                say("stopped before the standby had the database");
                return Ok(ExitCode::SUCCESS);
            }
        }
    }
    let params = conninfo::resolve_from_process(Flags::default(), Some(conninfo.to_string()))?;
    let mut config = WorkloadConfig::new(params);
    if let Some(replica) = replica {
        config.replica = Some(conninfo::resolve_from_process(
            Flags::default(),
            Some(replica.to_string()),
        )?);
    }
    // Both ranges were checked when the flags were parsed.
    if let Some(clients) = args.clients {
        config.clients = clients;
    }
    if let Some(rate) = args.rate {
        config.rate = rate;
    }
    if let Some(pooled) = &topology.pooled {
        config.pooled = Some(conninfo::resolve_from_process(
            Flags::default(),
            Some(pooled.clone()),
        )?);
    }
    let clients = config.clients;
    let workload = workload::spawn(config);
    say(&format!(
        "workload running: the seed's user-activity and content-delivery scenarios over {clients} connections"
    ));
    if replica.is_some() {
        say(&format!(
            "{:.0} % of the reads and the analytics report go to {} (the seed's read replicas), \
             the writes and the other reads to the primary",
            workload::READS_TO_REPLICA * 100.0,
            replica::REPLICA_NAME
        ));
    }
    let outcome = if args.no_tui {
        wait_for_signal(conninfo, signals).await
    } else {
        let conn = ConnectOptions {
            statement_timeout_ms: cli.conn.statement_timeout_ms,
            ..ConnectOptions::default()
        };
        let extras = crate::tui::terminal::Extras {
            badge: Some("DEMO".into()),
            pools: vec![Pool {
                // The seed's development pool, which the workload's connections form.
                name: "learning-assistant (development)".into(),
                application: "pla-demo-*".into(),
                max: u32::try_from(workload::SEED_DEVELOPMENT_POOL_MAX).unwrap_or(10),
            }],
            pgbouncer: topology.console.clone(),
        };
        crate::tui::terminal::run_on(cli, &conn, Some(conninfo.to_string()), extras).await
    };
    workload.stop().await;
    outcome
}

/// Creates the demo database and loads it, unless a kept cluster already has it.
async fn prepare_database(
    admin: &str,
    conninfo: &str,
    scale: &Scale,
    created: bool,
) -> anyhow::Result<()> {
    let (client, connection) = tokio_postgres::connect(admin, tokio_postgres::NoTls)
        .await
        .map_err(|e| anyhow::anyhow!("connecting to the demo server: {e}"))?;
    let driver = tokio::spawn(connection);
    let exists = client
        .query_opt("SELECT 1 FROM pg_database WHERE datname = $1", &[&DATABASE])
        .await?
        .is_some();
    if exists && !created {
        say(&format!("reusing the kept database {DATABASE}"));
        driver.abort();
        return Ok(());
    }
    if !exists {
        client
            .batch_execute(&format!("CREATE DATABASE {DATABASE}"))
            .await?;
    }
    driver.abort();
    let (client, connection) = tokio_postgres::connect(conninfo, tokio_postgres::NoTls)
        .await
        .map_err(|e| anyhow::anyhow!("connecting to {DATABASE}: {e}"))?;
    let driver = tokio::spawn(connection);
    // The Queries screen reads pg_stat_statements through the extension's view.
    client
        .batch_execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        .await
        .map_err(|e| anyhow::anyhow!("creating pg_stat_statements: {e}"))?;
    say(&format!(
        "loading the Personal Learning Assistant database: {} users, {} learning sessions…",
        crate::text::format::thousands(scale.users),
        crate::text::format::thousands(scale.sessions)
    ));
    let started = Instant::now();
    let report = schema::load(&client, scale).await;
    driver.abort();
    let report = report.map_err(anyhow::Error::msg)?;
    say(&format!(
        "loaded {} tables in {:.1} s",
        report.tables,
        started.elapsed().as_secs_f64()
    ));
    Ok(())
}

/// The bound on [`replica_catch_up`].
const CATCH_UP_LIMIT: std::time::Duration = std::time::Duration::from_secs(30);

/// Waits (at most [`CATCH_UP_LIMIT`]) until the standby has replayed the freshly loaded
/// database, so the workload's first reads there do not fail on missing tables. Any
/// failure just ends the wait: the workload's clients retry on their own.
async fn replica_catch_up(primary: &str, replica: &str) {
    let wait = async {
        let (primary, connection) = tokio_postgres::connect(primary, tokio_postgres::NoTls)
            .await
            .ok()?;
        let primary_driver = tokio::spawn(connection);
        let (standby, connection) = tokio_postgres::connect(replica, tokio_postgres::NoTls)
            .await
            .ok()?;
        let standby_driver = tokio::spawn(connection);
        let target: String = primary
            // Where the WAL is inserted, not written: with asynchronous commits the load's
            // last commit may still be in the primary's WAL buffers.
            .query_one("SELECT pg_current_wal_insert_lsn()::text", &[])
            .await
            .ok()?
            .get(0);
        loop {
            let caught_up: bool = standby
                .query_one(
                    "SELECT coalesce(pg_last_wal_replay_lsn() >= $1::text::pg_lsn, false)",
                    &[&target],
                )
                .await
                .ok()?
                .get(0);
            if caught_up {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        primary_driver.abort();
        standby_driver.abort();
        Some(())
    };
    if tokio::time::timeout(CATCH_UP_LIMIT, wait).await.is_err() {
        say("the standby is still replaying the load; its first reads may fail and retry");
    }
}

/// `--no-tui`: print where to connect, then wait for Ctrl-C / SIGTERM / SIGHUP.
async fn wait_for_signal(conninfo: &str, signals: &mut Signals) -> anyhow::Result<ExitCode> {
    println!("{conninfo}");
    say(&format!(
        "connect with: psql \"{conninfo}\"   or: pgpulse \"{conninfo}\"; Ctrl-C stops the demo"
    ));
    signals.recv().await;
    say("stopping…");
    Ok(ExitCode::SUCCESS)
}

/// SIGTERM, SIGHUP and SIGINT, taken over from their default (die at once).
struct Signals {
    terminate: tokio::signal::unix::Signal,
    hangup: tokio::signal::unix::Signal,
    interrupt: tokio::signal::unix::Signal,
}

impl Signals {
    fn new() -> anyhow::Result<Self> {
        let listen = |kind| signal(kind).map_err(|e| anyhow::anyhow!("listening for signals: {e}"));
        Ok(Self {
            terminate: listen(SignalKind::terminate())?,
            hangup: listen(SignalKind::hangup())?,
            interrupt: listen(SignalKind::interrupt())?,
        })
    }

    async fn recv(&mut self) {
        tokio::select! {
            _ = self.terminate.recv() => {}
            _ = self.hangup.recv() => {}
            _ = self.interrupt.recv() => {}
        }
    }
}

/// Progress goes to stderr, so `--no-tui`'s stdout is just the conninfo.
fn say(line: &str) {
    eprintln!("pgpulse demo: {line}");
}
