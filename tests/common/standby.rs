//! A real replication topology for the live tests: a primary and a streaming standby
//! attached through a physical replication slot.
//!
//! The minimal server builds used for most majors (`initdb`, `pg_ctl`, `postgres` only)
//! have no `pg_basebackup`, so the standby is made the version-independent way: create
//! the slot (reserving WAL now), cleanly stop the primary, start a cluster from a copy of
//! its data dir (`ClusterOptions::copy_of`) with `standby.signal`, `primary_conninfo` and
//! `primary_slot_name`, and start the primary again. The standby then streams from the
//! primary's shutdown checkpoint on. Both run under the cluster supervisor (as an
//! unprivileged user when we are root) and are removed when the [`Topology`] is dropped.
//!
//! Every wait here is bounded and waits for a condition read from the servers.

use std::time::{Duration, Instant};

use pgpulse::cluster::{Cluster, ClusterOptions};
use tokio_postgres::Client;

use super::{TestServer, bindir, block_on_side_thread, connect, start_server};

/// The standby's `application_name` (what `pg_stat_replication` shows).
pub const STANDBY_NAME: &str = "standby1";
/// The physical slot the standby streams through.
pub const STANDBY_SLOT: &str = "standby1_slot";
/// The bound on every wait of this module (within the harness's 30 s bound on a whole
/// setup step): the first connection of a standby can take a retry interval or two.
const WAIT: Duration = Duration::from_secs(20);
const POLL: Duration = Duration::from_millis(50);

/// A primary and its streaming standby (dropped: both stopped and removed).
pub struct Topology {
    /// Field order matters: the standby is dropped (stopped) first.
    pub standby: TestServer,
    pub primary: TestServer,
}

/// Starts a primary (wal_level `logical`, so logical slots work too; prepared
/// transactions on; `replication` connections trusted from 127.0.0.1) after `custom`
/// adjusted its options, then a standby streaming from it through [`STANDBY_SLOT`] with
/// `hot_standby_feedback` on (the primary sees its xmin, as in production). Returns once
/// the standby streams.
pub fn start_topology(custom: impl FnOnce(&mut ClusterOptions)) -> Topology {
    let primary = start_server(|opts| {
        for (key, value) in [
            ("wal_level", "logical"),
            ("max_wal_senders", "10"),
            ("max_replication_slots", "10"),
            ("max_prepared_transactions", "10"),
            // Checkpoints only when a test asks for one (timed ones would blur counts).
            ("checkpoint_timeout", "1h"),
        ] {
            opts.settings.push((key.into(), value.into()));
        }
        opts.hba
            .push("host replication all 127.0.0.1/32 trust".into());
        custom(opts);
    });
    let slot = format!("SELECT pg_create_physical_replication_slot('{STANDBY_SLOT}', true)");
    let conninfo = primary.conninfo("postgres");
    block_on_side_thread(async move {
        let client = connect(&conninfo).await?;
        client.batch_execute(&slot).await.map_err(|e| e.to_string())
    })
    .unwrap_or_else(|e| primary.fail("creating the standby's slot", e));
    // A clean (fast) shutdown writes a shutdown checkpoint: the copy is consistent.
    primary.stop();
    let standby = start_standby(&primary);
    primary.start();
    let topology = Topology { standby, primary };
    let (p, s) = (
        topology.primary.conninfo("postgres"),
        topology.standby.conninfo("postgres"),
    );
    block_on_side_thread(async move {
        let primary = connect(&p).await?;
        let standby = connect(&s).await?;
        wait_streaming_clients(&primary, &standby).await
    })
    .unwrap_or_else(|e| topology.fail("waiting for the standby to stream", e));
    topology
}

/// A cluster started from a copy of the stopped `primary`'s data dir, as its standby.
fn start_standby(primary: &TestServer) -> TestServer {
    let mut opts = ClusterOptions::new(bindir());
    opts.copy_of = Some(primary.cluster().data_dir().to_path_buf());
    let upstream = format!(
        "host=127.0.0.1 port={} user=postgres application_name={STANDBY_NAME} sslmode=disable",
        primary.port()
    );
    for (key, value) in [
        ("primary_conninfo", upstream.as_str()),
        ("primary_slot_name", STANDBY_SLOT),
        ("hot_standby", "on"),
        ("hot_standby_feedback", "on"),
        // The primary is down while the standby starts: retry soon, not after 5 s.
        ("wal_retrieve_retry_interval", "200ms"),
        // Replies often, so the primary's lag columns follow quickly.
        ("wal_receiver_status_interval", "1s"),
    ] {
        opts.settings.push((key.into(), value.into()));
    }
    opts.files = vec![("standby.signal".into(), Vec::new(), 0o600)];
    let cluster = Cluster::start(opts).unwrap_or_else(|e| {
        panic!(
            "starting the standby: {e}\n--- primary log ---\n{}",
            primary.server_log()
        )
    });
    TestServer {
        ca_cert_path: cluster.data_dir().join(super::CA_FILE),
        ca_cert_pem: primary.ca_cert_pem().to_string(),
        cluster,
    }
}

impl Topology {
    /// A superuser client on the primary.
    pub async fn primary_client(&self) -> Client {
        self.primary.superuser_client("postgres").await
    }

    /// A superuser client on the standby.
    pub async fn standby_client(&self) -> Client {
        self.standby.superuser_client("postgres").await
    }

    /// Waits until the primary lists the standby as streaming and the standby's WAL
    /// receiver says so too.
    pub async fn wait_streaming(&self) {
        let (primary, standby) = (self.primary_client().await, self.standby_client().await);
        if let Err(e) = wait_streaming_clients(&primary, &standby).await {
            self.fail("waiting for the standby to stream", e);
        }
    }

    /// Waits until the standby has replayed everything the primary had written when
    /// this was called. The *insert* position: the harness runs with
    /// `synchronous_commit = off`, so a commit may not be written out yet (the WAL
    /// writer does so within `wal_writer_delay`, and the standby gets it then).
    pub async fn wait_replayed(&self) {
        let (primary, standby) = (self.primary_client().await, self.standby_client().await);
        let target: String = primary
            .query_one("SELECT pg_current_wal_insert_lsn()::text", &[])
            .await
            .unwrap_or_else(|e| self.fail("reading the primary's LSN", e.to_string()))
            .get(0);
        let sql = "SELECT coalesce(pg_last_wal_replay_lsn() >= $1::text::pg_lsn, false)";
        let caught_up = bounded(&format!("replay up to {target}"), async || {
            let row = standby.query_one(sql, &[&target]).await;
            match row.map(|r| r.get::<_, bool>(0)) {
                Ok(true) => Ok(()),
                Ok(false) => Err("behind".into()),
                Err(e) => Err(e.to_string()),
            }
        })
        .await;
        if let Err(e) = caught_up {
            self.fail("waiting for replay", e);
        }
    }

    /// Pauses WAL replay on the standby and waits until it is paused (14+ says
    /// `paused` once recovery actually stopped; 13 has only the request flag).
    pub async fn pause_replay(&self) {
        let standby = self.standby_client().await;
        self.run(&standby, "SELECT pg_wal_replay_pause()").await;
        let sql = if self.standby_major() >= 14 {
            "SELECT pg_get_wal_replay_pause_state() = 'paused'"
        } else {
            "SELECT pg_is_wal_replay_paused()"
        };
        let paused = bounded("replay paused", async || {
            match standby.query_one(sql, &[]).await.map(|r| r.get(0)) {
                Ok(true) => Ok(()),
                Ok(false) => Err("not paused yet".into()),
                Err(e) => Err(e.to_string()),
            }
        })
        .await;
        if let Err(e) = paused {
            self.fail("pausing replay", e);
        }
    }

    /// Resumes WAL replay on the standby.
    pub async fn resume_replay(&self) {
        let standby = self.standby_client().await;
        self.run(&standby, "SELECT pg_wal_replay_resume()").await;
    }

    /// Fast-stops the standby (its slot on the primary goes inactive).
    pub fn stop_standby(&self) {
        self.standby.stop();
    }

    /// Starts the stopped standby again (it reconnects through its slot).
    pub fn start_standby(&self) {
        self.standby.start();
    }

    /// The standby's major version.
    pub fn standby_major(&self) -> u32 {
        major_of(&self.standby)
    }

    async fn run(&self, client: &Client, sql: &str) {
        if let Err(e) = client.batch_execute(sql).await {
            self.fail(sql, e.to_string());
        }
    }

    /// Panics with both servers' logs.
    pub fn fail(&self, what: &str, err: String) -> ! {
        panic!(
            "{what}: {err}\n--- primary log ---\n{}\n--- standby log ---\n{}",
            self.primary.server_log(),
            self.standby.server_log()
        )
    }
}

/// The major version of a harness server, from its data dir.
pub fn major_of(server: &TestServer) -> u32 {
    let path = server.cluster().data_dir().join("PG_VERSION");
    std::fs::read_to_string(&path)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("reading {}", path.display()))
}

async fn wait_streaming_clients(primary: &Client, standby: &Client) -> Result<(), String> {
    // A plain loop rather than [`bounded`]: this future must be `Send` (it runs on the
    // harness's side thread), which an async closure borrowing the clients is not.
    let sender = "SELECT count(*) FROM pg_stat_replication \
                  WHERE application_name = $1 AND state = 'streaming'";
    let receiver = "SELECT count(*) FROM pg_stat_wal_receiver WHERE status = 'streaming'";
    let deadline = Instant::now() + WAIT;
    loop {
        let on_primary = primary.query_one(sender, &[&STANDBY_NAME]).await;
        let on_standby = standby.query_one(receiver, &[]).await;
        let seen = match (on_primary, on_standby) {
            (Ok(p), Ok(s)) => (p.get::<_, i64>(0), s.get::<_, i64>(0)),
            (Err(e), _) | (_, Err(e)) => return Err(e.to_string()),
        };
        if seen == (1, 1) {
            return Ok(());
        }
        if Instant::now() >= deadline {
            return Err(format!(
                "waited {WAIT:?} for the standby streaming; (senders, receivers) streaming: {seen:?}"
            ));
        }
        tokio::time::sleep(POLL).await;
    }
}

/// Retries `attempt` every [`POLL`] until it succeeds; after [`WAIT`] the last error.
async fn bounded(
    what: &str,
    mut attempt: impl AsyncFnMut() -> Result<(), String>,
) -> Result<(), String> {
    let deadline = Instant::now() + WAIT;
    loop {
        match attempt().await {
            Ok(()) => return Ok(()),
            Err(last) if Instant::now() >= deadline => {
                return Err(format!("waited {WAIT:?} for {what}; last seen: {last}"));
            }
            Err(_) => tokio::time::sleep(POLL).await,
        }
    }
}
