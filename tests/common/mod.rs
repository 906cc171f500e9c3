//! The test harness of the live tests (`tests/live/`, one binary) and of the log file's
//! test (`tests/logging_live.rs`, a binary of its own).
//!
//! A binary gets one shared server ([`shared`]) started lazily, on which every test
//! creates its own database ([`TestServer::create_database`]); tests that need their own
//! server (to restart, stop or freeze it, with other settings, or to judge server-wide
//! state) use [`start_server`]. Servers run with TLS on (certificates from a throwaway
//! CA), and with group roles `ssl_users` (must use TLS) and `password_users` (must use
//! scram-sha-256). Harness helpers panic with context on failure: tests must fail
//! loudly, never skip.
//!
//! Cleanup: the shared server lives in a `static` that is never dropped; the cluster's
//! supervisor notices our exit (its command pipe closes) and removes everything.
#![allow(dead_code)] // each test binary uses a different subset

pub mod actions;
pub mod binary;
pub mod bouncer;
pub mod live;
pub mod screen;
pub mod standby;

use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use pgpulse::cluster::{Cluster, ClusterOptions, find_bindir, provision};
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose,
};
use tokio_postgres::{Client, NoTls};

/// Bound on every harness connection or statement.
const TIMEOUT: Duration = Duration::from_secs(30);
/// Name of the CA certificate file written into the data dir.
const CA_FILE: &str = "ca.crt";

/// The PostgreSQL server binaries: `PGPULSE_TEST_PGBIN` if set; else, with
/// `PGPULSE_TEST_PG_MAJOR=N`, the pinned build of major N (downloaded once into the user
/// cache directory, as the demo does; how CI runs every major); else auto-detected; else
/// (no server installed) the demo's pinned build. Panics with installation instructions if
/// none can be had.
pub fn bindir() -> PathBuf {
    // Once per test binary: parallel tests must not each start a download.
    static BINDIR: OnceLock<PathBuf> = OnceLock::new();
    BINDIR.get_or_init(find_or_provision_bindir).clone()
}

fn find_or_provision_bindir() -> PathBuf {
    let explicit = std::env::var_os("PGPULSE_TEST_PGBIN")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from);
    if explicit.is_none()
        && let Some(major) = std::env::var("PGPULSE_TEST_PG_MAJOR")
            .ok()
            .filter(|m| !m.is_empty())
    {
        let version = major
            .parse()
            .ok()
            .and_then(provision::pinned_version)
            .unwrap_or_else(|| {
                panic!(
                    "PGPULSE_TEST_PG_MAJOR={major}: no pinned build of that major (have: {})",
                    provision::PINNED_VERSIONS.join(", ")
                )
            });
        return provision::provision_pinned(version, false)
            .unwrap_or_else(|e| panic!("PostgreSQL {version}: {e}"));
    }
    // As in the demo: act as if no server were installed (to test the fallback).
    let no_system = std::env::var_os("PGPULSE_NO_SYSTEM_PG").is_some_and(|v| !v.is_empty());
    if explicit.is_none() && no_system {
        return provision::provision_demo(false).unwrap_or_else(|e| panic!("{e}"));
    }
    match find_bindir(explicit.as_deref()) {
        Ok(dir) => dir,
        Err(not_found) if explicit.is_none() => provision::provision_demo(false)
            .unwrap_or_else(|e| panic!("{not_found}\nand provisioning one failed: {e}")),
        Err(e) => panic!("{e}"),
    }
}

/// The server shared by all tests of this test binary, which run in parallel threads.
/// Do not restart it, change server-wide settings or statistics on it, or judge its
/// server-wide state; use [`start_server`] for that (see `tests/live/main.rs`).
pub fn shared() -> &'static TestServer {
    static SHARED: OnceLock<TestServer> = OnceLock::new();
    // Every test's statements, and pgpulse's own in every test database, pile up in one
    // pg_stat_statements (about 2,200 entries after a whole run). Past `max` it evicts
    // the least used, which could drop a test's statements between running and reading
    // them: far more room than the run needs.
    SHARED.get_or_init(|| {
        start_server(|opts| {
            let max = ("pg_stat_statements.max".into(), "20000".into());
            opts.settings.push(max);
        })
    })
}

/// Starts a private server with the harness defaults, after `custom` adjusted the options
/// (e.g. `opts.settings.push(("shared_preload_libraries".into(), "".into()))`).
/// It is stopped and deleted when the returned value is dropped.
pub fn start_server(custom: impl FnOnce(&mut ClusterOptions)) -> TestServer {
    let tls = TlsFiles::generate();
    let mut opts = ClusterOptions::new(bindir());
    opts.settings = vec![
        // The hba lines below demand scram-sha-256 of `password_users`: their passwords
        // must be stored that way, which is the default from 14 only (13 stores md5).
        ("password_encryption".into(), "scram-sha-256".into()),
        ("ssl".into(), "on".into()),
        ("ssl_cert_file".into(), "server.crt".into()),
        ("ssl_key_file".into(), "server.key".into()),
    ];
    opts.hba = [
        "hostssl all +ssl_users 127.0.0.1/32 trust",
        "hostnossl all +ssl_users 127.0.0.1/32 reject",
        "host all +password_users 127.0.0.1/32 scram-sha-256",
        "local all +password_users scram-sha-256",
    ]
    .map(String::from)
    .to_vec();
    opts.files = vec![
        ("server.crt".into(), tls.server_cert.into_bytes(), 0o644),
        ("server.key".into(), tls.server_key.into_bytes(), 0o600),
        (CA_FILE.into(), tls.ca_cert.clone().into_bytes(), 0o644),
    ];
    custom(&mut opts);
    let cluster = Cluster::start(opts).unwrap_or_else(|e| panic!("starting test server: {e}"));
    let server = TestServer {
        ca_cert_path: cluster.data_dir().join(CA_FILE),
        ca_cert_pem: tls.ca_cert,
        cluster,
    };
    let setup = "CREATE ROLE ssl_users NOLOGIN; CREATE ROLE password_users NOLOGIN;";
    let conninfo = server.conninfo("postgres");
    block_on_side_thread(async move {
        let client = connect(&conninfo).await?;
        client.batch_execute(setup).await.map_err(|e| e.to_string())
    })
    .unwrap_or_else(|e| server.fail("creating harness roles", e));
    server
}

/// A harness server: a [`Cluster`] plus TLS material and async helpers.
pub struct TestServer {
    cluster: Cluster,
    ca_cert_path: PathBuf,
    ca_cert_pem: String,
}

/// A database created for one test (never dropped: it dies with the cluster).
pub struct TestDb<'a> {
    /// The database name.
    pub name: String,
    /// The server it lives on.
    pub server: &'a TestServer,
}

impl TestDb<'_> {
    /// TCP conninfo for this database as the superuser, sslmode disabled.
    pub fn conninfo(&self) -> String {
        self.server.conninfo(&self.name)
    }

    /// A superuser client connected to this database.
    pub async fn client(&self) -> Client {
        self.server.superuser_client(&self.name).await
    }
}

impl TestServer {
    /// The underlying cluster (pid, data dir, conninfo variants...).
    pub fn cluster(&self) -> &Cluster {
        &self.cluster
    }

    /// The TCP port.
    pub fn port(&self) -> u16 {
        self.cluster.port()
    }

    /// The TCP host, `127.0.0.1`.
    pub fn host(&self) -> &str {
        "127.0.0.1"
    }

    /// The unix socket directory.
    pub fn socket_dir(&self) -> &Path {
        self.cluster.socket_dir()
    }

    /// PEM file of the CA that signed the server certificate (SAN `localhost`, `127.0.0.1`).
    /// It lives inside the cluster's temp dir so it is cleaned up with it, even for the
    /// never-dropped shared server.
    pub fn ca_cert_path(&self) -> &Path {
        &self.ca_cert_path
    }

    /// The CA certificate as PEM text.
    pub fn ca_cert_pem(&self) -> &str {
        &self.ca_cert_pem
    }

    /// TCP conninfo as the superuser, sslmode disabled.
    pub fn conninfo(&self, db: &str) -> String {
        self.cluster.conninfo_tcp(db)
    }

    /// The server log, for failure messages.
    pub fn server_log(&self) -> String {
        self.cluster.server_log()
    }

    /// Fast restart; returns once the server accepts connections again.
    pub fn restart(&self) {
        if let Err(e) = self.cluster.restart() {
            panic!("restarting test server: {e}");
        }
    }

    /// Fast-stops the server (its port then refuses connections); [`TestServer::start`]
    /// brings it back on the same port.
    pub fn stop(&self) {
        if let Err(e) = self.cluster.stop_server() {
            panic!("stopping test server: {e}");
        }
    }

    /// Starts the server stopped by [`TestServer::stop`] (or by a smart shutdown);
    /// returns once it accepts connections.
    pub fn start(&self) {
        if let Err(e) = self.cluster.start_server() {
            panic!("starting test server again: {e}");
        }
    }

    /// Asks the postmaster for a smart shutdown (SIGTERM): it refuses new connections
    /// with "the database system is shutting down" until its last client leaves, then
    /// stops.
    pub fn begin_smart_shutdown(&self) {
        let pid = self
            .cluster
            .postmaster_pid()
            .unwrap_or_else(|| self.fail("smart shutdown", "no postmaster.pid".into()));
        let pid = nix::unistd::Pid::from_raw(pid as i32);
        if let Err(e) = nix::sys::signal::kill(pid, nix::sys::signal::SIGTERM) {
            self.fail("smart shutdown", e.to_string());
        }
    }

    /// A superuser client (TCP, no TLS) to `db`; its connection task is spawned.
    pub async fn superuser_client(&self, db: &str) -> Client {
        connect(&self.conninfo(db))
            .await
            .unwrap_or_else(|e| self.fail(&format!("connecting to {db}"), e))
    }

    /// Creates a fresh, uniquely named database (no extensions installed).
    pub async fn create_database(&self) -> TestDb<'_> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let name = format!("t_{n}_{}", std::process::id());
        self.execute(&format!("CREATE DATABASE {}", quote_ident(&name)))
            .await;
        TestDb { name, server: self }
    }

    /// Creates a LOGIN role, with a password if given; `extra` is appended verbatim
    /// (e.g. `"IN ROLE password_users"`). Roles are server-wide: on the shared server,
    /// `name` must be one no other test of the binary uses.
    pub async fn create_role(&self, name: &str, password: Option<&str>, extra: &str) {
        let password = password
            .map(|p| format!(" PASSWORD {}", quote_literal(p)))
            .unwrap_or_default();
        let sql = format!("CREATE ROLE {} LOGIN{password} {extra}", quote_ident(name));
        if let Err(e) = self.try_execute(&sql).await {
            let hint = "(role names are server-wide: on the shared server each test needs \
                        names no other test of the binary uses)";
            self.fail(&sql, format!("{e} {hint}"));
        }
    }

    async fn execute(&self, sql: &str) {
        if let Err(e) = self.try_execute(sql).await {
            self.fail(sql, e);
        }
    }

    async fn try_execute(&self, sql: &str) -> Result<(), String> {
        let client = self.superuser_client("postgres").await;
        match tokio::time::timeout(TIMEOUT, client.batch_execute(sql)).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(e.to_string()),
            Err(_) => Err("timed out".into()),
        }
    }

    fn fail(&self, what: &str, err: String) -> ! {
        panic!("{what}: {err}\n--- server log ---\n{}", self.server_log())
    }
}

/// Connects without TLS (bounded) and spawns the connection task.
async fn connect(conninfo: &str) -> Result<Client, String> {
    let (client, connection) =
        tokio::time::timeout(TIMEOUT, tokio_postgres::connect(conninfo, NoTls))
            .await
            .map_err(|_| format!("connecting with {conninfo:?} timed out"))?
            .map_err(|e| format!("connecting with {conninfo:?}: {e}"))?;
    tokio::spawn(connection);
    Ok(client)
}

/// Runs `fut` to completion on a private runtime in another thread, so it works both from
/// plain tests and from inside a `#[tokio::test]` runtime (where `block_on` would panic).
fn block_on_side_thread<T: Send + 'static>(
    fut: impl Future<Output = Result<T, String>> + Send + 'static,
) -> Result<T, String> {
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        rt.block_on(async { tokio::time::timeout(TIMEOUT, fut).await })
            .map_err(|_| "timed out".to_string())?
    })
    .join()
    .unwrap_or_else(|_| Err("harness thread panicked".into()))
}

/// PEM texts for the server's TLS setup.
struct TlsFiles {
    ca_cert: String,
    server_cert: String,
    server_key: String,
}

impl TlsFiles {
    /// A CA (CA:TRUE) and a server leaf it signed (CA:FALSE, SAN localhost + 127.0.0.1,
    /// serverAuth). A single self-signed CA:TRUE cert would be rejected by rustls/webpki.
    fn generate() -> TlsFiles {
        const FAILED: &str = "generating test certificates";
        let ca_key = KeyPair::generate().expect(FAILED);
        let mut ca = CertificateParams::new(Vec::<String>::new()).expect(FAILED);
        ca.distinguished_name
            .push(DnType::CommonName, "pgpulse test CA");
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let ca = CertifiedIssuer::self_signed(ca, ca_key).expect(FAILED);

        let key = KeyPair::generate().expect(FAILED);
        let sans = vec!["localhost".to_string(), "127.0.0.1".to_string()];
        let mut leaf = CertificateParams::new(sans).expect(FAILED);
        leaf.distinguished_name
            .push(DnType::CommonName, "localhost");
        leaf.is_ca = IsCa::ExplicitNoCa;
        leaf.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        leaf.use_authority_key_identifier_extension = true;
        let leaf = leaf.signed_by(&key, &ca).expect(FAILED);
        TlsFiles {
            ca_cert: ca.pem(),
            server_cert: leaf.pem(),
            server_key: key.serialize_pem(),
        }
    }
}

/// `"name"` with embedded quotes doubled.
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// `'text'` with embedded quotes doubled (standard_conforming_strings is on).
pub fn quote_literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}
