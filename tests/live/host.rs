//! Host sampling against the harness server, which runs on this machine: local detection
//! over TCP loopback and the Unix socket, per-backend CPU and RSS of a really busy
//! backend, and the data directory's disk.

use crate::common;

use common::live::{backend_pid, eventually, finished, must, spawn_sql};

use std::time::Duration;

use pgpulse::monitor::host::HostSampler;
use pgpulse::pg::conninfo::{self, ConnParams, Flags};
use tokio_postgres::{Client, NoTls};

fn params(conninfo: &str) -> ConnParams {
    must(
        conninfo::resolve_from_process(Flags::default(), Some(conninfo.into())),
        "resolving conninfo",
    )
}

/// Waits until `pid` runs a statement (so the samples below see it burn CPU).
async fn until_active(client: &Client, pid: i32) {
    eventually("the busy backend to be active", async || {
        let row = client
            .query_one("SELECT state FROM pg_stat_activity WHERE pid = $1", &[&pid])
            .await
            .map_err(|e| e.to_string())?;
        let state: Option<String> = row.get(0);
        match state.as_deref() {
            Some("active") => Ok(()),
            other => Err(format!("state {other:?}")),
        }
    })
    .await;
}

#[tokio::test]
async fn a_local_server_is_sampled_down_to_each_backend() {
    let server = common::shared();
    let db = server.create_database().await;
    let monitor = db.client().await;
    let monitor_pid = backend_pid(&monitor).await;
    let tcp = params(&db.conninfo());
    assert_eq!(tcp.host, conninfo::Host::Tcp("127.0.0.1".into()));
    let mut sampler = HostSampler::detect(&tcp, monitor_pid)
        .unwrap_or_else(|| panic!("a 127.0.0.1 server with backend {monitor_pid} is local"));

    let busy = db.client().await;
    let busy_pid = backend_pid(&busy).await;
    let cancel = busy.cancel_token();
    let sql = "SELECT count(*) FROM generate_series(1, 50000000)";
    let task = spawn_sql(busy, sql.into());
    until_active(&monitor, busy_pid).await;

    let pids = [monitor_pid, busy_pid];
    let first = sampler.sample(&pids);
    let busy_first = first.backends.get(&busy_pid).copied();
    let busy_first = busy_first.unwrap_or_else(|| panic!("busy pid sampled: {first:#?}"));
    assert_eq!(
        busy_first.cpu_ratio, None,
        "one reading is no CPU share yet"
    );
    assert!(busy_first.rss_bytes > 0);
    // CPU shares are CPU time over wall time between two readings: sleeping through an
    // interval is what is being measured, not a wait for some condition.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let second = sampler.sample(&pids);

    let busy_now = second.backends.get(&busy_pid).copied();
    let busy_now = busy_now.unwrap_or_else(|| panic!("busy pid sampled: {second:#?}"));
    assert!(
        busy_now.cpu_ratio.is_some_and(|r| r > 0.0),
        "a backend counting 50M rows uses CPU: {busy_now:?}"
    );
    assert!(busy_now.rss_bytes > 0);
    let monitor_now = second.backends.get(&monitor_pid);
    assert!(
        monitor_now.is_some_and(|b| b.cpu_ratio.is_some() && b.rss_bytes > 0),
        "{second:#?}"
    );
    assert!(second.cpu_ratio.is_some_and(|r| (0.0..=1.0).contains(&r)));
    assert!(second.memory_total > 0 && second.memory_used <= second.memory_total);
    if cfg!(target_os = "linux") {
        assert!(second.load.is_some(), "Linux reports load averages");
    }

    if nix::unistd::geteuid().is_root() {
        // The server runs as another OS user; only root may read its working directory.
        let data_dir = must(
            std::fs::canonicalize(server.cluster().data_dir()),
            "data dir",
        );
        assert_eq!(sampler.data_directory(), Some(data_dir.as_path()));
        let disk = second
            .data_disk
            .unwrap_or_else(|| panic!("{} is on a listed file system", data_dir.display()));
        assert!(data_dir.starts_with(&disk.mount_point), "{disk:?}");
        assert!(disk.total > 0 && disk.available <= disk.total, "{disk:?}");
    }

    must(
        cancel.cancel_query(NoTls).await,
        "cancelling the busy query",
    );
    assert_eq!(finished(task).await, Err("57014".into()), "query_canceled");
}

#[tokio::test]
async fn a_unix_socket_connection_is_local() {
    let server = common::shared();
    let client = server.superuser_client("postgres").await;
    let pid = backend_pid(&client).await;
    let socket = params(&server.cluster().conninfo_socket("postgres"));
    assert!(
        matches!(socket.host, conninfo::Host::Socket(_)),
        "{socket:?}"
    );
    assert!(HostSampler::detect(&socket, pid).is_some());
}

#[tokio::test]
async fn a_remote_host_is_decided_from_its_name_alone() {
    let server = common::shared();
    let client = server.superuser_client("postgres").await;
    // A real PostgreSQL backend on this machine: only the host name can make it remote.
    let pid = backend_pid(&client).await;
    let remote = params("host=db.example.com port=5432 user=app dbname=app");
    assert!(HostSampler::detect(&remote, pid).is_none());
    let forwarded = params(&format!(
        "host=db.example.com hostaddr=10.0.0.7 port={} user=postgres dbname=postgres",
        server.port()
    ));
    assert!(HostSampler::detect(&forwarded, pid).is_none());
}

#[tokio::test]
async fn a_loopback_pid_that_is_not_postgres_is_not_local() {
    let server = common::shared();
    let tcp = params(&server.conninfo("postgres"));
    // This test process is on loopback's machine but is no PostgreSQL backend, as with a
    // port forwarded to another machine whose backend pid means nothing here.
    let own = i32::try_from(std::process::id()).unwrap_or(i32::MAX);
    assert!(HostSampler::detect(&tcp, own).is_none());
    assert!(HostSampler::detect(&tcp, 0).is_none());
}
