//! Tests of the test harness and of `pgpulse::cluster` itself.

use crate::common;

use std::path::Path;
use std::sync::Arc;

use nix::sys::signal::kill;
use nix::unistd::Pid;
use pgpulse::cluster::find_bindir;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use tokio_postgres::NoTls;

async fn show(client: &tokio_postgres::Client, setting: &str) -> String {
    let row = client
        .query_one(&format!("SHOW {setting}"), &[])
        .await
        .unwrap();
    row.get(0)
}

#[tokio::test]
async fn shared_server_preloads_pg_stat_statements() {
    let client = common::shared().superuser_client("postgres").await;
    let libs = show(&client, "shared_preload_libraries").await;
    assert!(libs.contains("pg_stat_statements"), "{libs}");
    let version: i32 = show(&client, "server_version_num").await.parse().unwrap();
    if version >= 140_000 {
        assert_eq!(show(&client, "compute_query_id").await, "on");
    } else {
        // 13 has no compute_query_id: pg_stat_statements computes its query ids itself.
        let missing = client.query_one("SHOW compute_query_id", &[]).await;
        let code = missing.err().and_then(|e| e.code().cloned());
        assert_eq!(
            code,
            Some(tokio_postgres::error::SqlState::UNDEFINED_OBJECT)
        );
    }
    // Room for every test's statements (see `common::shared`).
    assert_eq!(show(&client, "pg_stat_statements.max").await, "20000");
}

/// `PGPULSE_TEST_PG_MAJOR=N` (how CI runs every major) must run that major, not whatever
/// the machine has: otherwise a major's run could pass on another one unnoticed.
#[tokio::test]
async fn the_requested_major_is_the_one_running() {
    let client = common::shared().superuser_client("postgres").await;
    let version: i32 = show(&client, "server_version_num").await.parse().unwrap();
    match std::env::var("PGPULSE_TEST_PG_MAJOR") {
        Ok(major)
            if !major.is_empty()
                && std::env::var_os("PGPULSE_TEST_PGBIN").is_none_or(|p| p.is_empty()) =>
        {
            assert_eq!((version / 10_000).to_string(), major);
        }
        _ => assert!(
            version >= 130_000,
            "pgpulse supports 13 and later: {version}"
        ),
    }
}

#[tokio::test]
async fn shared_server_has_ssl_on() {
    let client = common::shared().superuser_client("postgres").await;
    assert_eq!(show(&client, "ssl").await, "on");
}

#[tokio::test]
async fn create_database_gives_distinct_connectable_databases() {
    let server = common::shared();
    let (a, b) = (
        server.create_database().await,
        server.create_database().await,
    );
    assert_ne!(a.name, b.name);
    for db in [&a, &b] {
        let row = db
            .client()
            .await
            .query_one("SELECT current_database()", &[])
            .await
            .unwrap();
        assert_eq!(row.get::<_, String>(0), db.name);
        let (client, conn) = tokio_postgres::connect(&db.conninfo(), NoTls)
            .await
            .unwrap();
        tokio::spawn(conn);
        client.simple_query("SELECT 1").await.unwrap();
    }
}

#[tokio::test]
async fn unix_socket_conninfo_connects() {
    let conninfo = common::shared().cluster().conninfo_socket("postgres");
    let (client, conn) = tokio_postgres::connect(&conninfo, NoTls).await.unwrap();
    tokio::spawn(conn);
    let row = client
        .query_one("SELECT inet_server_addr() IS NULL", &[])
        .await
        .unwrap();
    assert!(row.get::<_, bool>(0), "expected a unix-socket connection");
}

#[tokio::test]
async fn ssl_users_need_tls_and_the_ca_verifies_the_server() {
    let server = common::shared();
    server
        .create_role("tls_user", None, "IN ROLE ssl_users")
        .await;
    let base = format!(
        "host=localhost hostaddr=127.0.0.1 port={} user=tls_user dbname=postgres",
        server.port()
    );

    let plain = tokio_postgres::connect(&format!("{base} sslmode=disable"), NoTls).await;
    assert!(plain.is_err(), "hostnossl reject line did not apply");

    let ca = CertificateDer::from_pem_file(server.ca_cert_path()).unwrap();
    let mut roots = rustls::RootCertStore::empty();
    roots.add(ca).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let tls = tokio_postgres_rustls::MakeRustlsConnect::new(config);
    let (client, conn) = tokio_postgres::connect(&format!("{base} sslmode=require"), tls)
        .await
        .unwrap_or_else(|e| panic!("TLS connect: {e}\n{}", server.server_log()));
    tokio::spawn(conn);
    let row = client
        .query_one(
            "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
            &[],
        )
        .await
        .unwrap();
    assert!(row.get::<_, bool>(0));
}

#[tokio::test]
async fn password_users_need_their_password() {
    let server = common::shared();
    server
        .create_role("harness_pw_user", Some("s3cr'et"), "IN ROLE password_users")
        .await;
    let base = format!(
        "host=127.0.0.1 port={} user=harness_pw_user dbname=postgres sslmode=disable",
        server.port()
    );
    assert!(tokio_postgres::connect(&base, NoTls).await.is_err());
    let (client, conn) = tokio_postgres::connect(&format!("{base} password='s3cr\\'et'"), NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    client.simple_query("SELECT 1").await.unwrap();
    // Stored as scram on every major (13 would store md5 by default, which the
    // scram-sha-256 hba line refuses).
    let superuser = server.superuser_client("postgres").await;
    let sql = "SELECT rolpassword LIKE 'SCRAM-SHA-256$%' FROM pg_authid
               WHERE rolname = 'harness_pw_user'";
    assert!(
        superuser
            .query_one(sql, &[])
            .await
            .unwrap()
            .get::<_, bool>(0)
    );
}

#[tokio::test]
async fn private_server_is_gone_after_drop() {
    let server = common::start_server(|opts| {
        opts.settings
            .push(("shared_preload_libraries".into(), String::new()));
    });
    let client = server.superuser_client("postgres").await;
    assert_eq!(show(&client, "shared_preload_libraries").await, "");
    let dir = server.socket_dir().to_path_buf();
    let data = server.cluster().data_dir().to_path_buf();
    let pid = server.cluster().postmaster_pid().expect("postmaster pid");
    assert!(data.is_dir());
    drop(client);
    drop(server);
    assert!(!dir.exists(), "{} still exists", dir.display());
    assert!(
        kill(Pid::from_raw(pid as i32), None).is_err(),
        "postmaster {pid} still alive"
    );
}

#[tokio::test]
async fn restart_changes_pid_and_accepts_connections() {
    let server = common::start_server(|_| {});
    let before = server.cluster().postmaster_pid().expect("postmaster pid");
    let old = server.superuser_client("postgres").await;
    server.restart();
    let after = server.cluster().postmaster_pid().expect("postmaster pid");
    assert_ne!(before, after);
    assert!(
        old.simple_query("SELECT 1").await.is_err(),
        "old connection survived"
    );
    let client = server.superuser_client("postgres").await;
    client.simple_query("SELECT 1").await.unwrap();
    // A second restart works too (the supervisor loops).
    server.restart();
    assert_ne!(server.cluster().postmaster_pid(), Some(after));
    server.superuser_client("postgres").await;
}

#[test]
fn find_bindir_rejects_bogus_explicit_dir() {
    let err = find_bindir(Some(Path::new("/nonexistent/pgbin"))).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("apt-get install postgresql"), "{msg}");
    assert!(msg.contains("/nonexistent/pgbin"), "{msg}");
}

#[test]
fn find_bindir_finds_installed_binaries() {
    let dir = common::bindir();
    assert!(dir.join("initdb").is_file() && dir.join("postgres").is_file());
}
