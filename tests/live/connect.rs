//! Connecting to a real server: every sslmode against a TLS server with a test CA, and the
//! one-line errors for a wrong password, an unknown host, a refused port and a bad URI.

use crate::common;

use std::path::Path;

use pgpulse::pg::connect::{self, ConnectError, Connected, SessionSettings};
use pgpulse::pg::conninfo::{self, ConnParams, FileContents, Flags, Sources};

/// Resolves a conninfo string with no environment, no home directory and no files, so
/// the machine running the tests cannot influence the result.
fn isolated(conninfo: &str) -> ConnParams {
    isolated_with_env(conninfo, &[])
}

fn isolated_with_env(conninfo: &str, env: &[(&str, String)]) -> ConnParams {
    let env: Vec<(String, String)> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    let lookup = move |key: &str| env.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
    let read_file = |path: &Path| -> std::io::Result<Option<FileContents>> {
        use std::os::unix::fs::PermissionsExt;
        match std::fs::read_to_string(path) {
            Ok(text) => Ok(Some(FileContents {
                text,
                mode: std::fs::metadata(path)?.permissions().mode(),
            })),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    };
    let exists = |path: &Path| path.exists();
    let sources = Sources {
        flags: Flags::default(),
        positional: Some(conninfo.to_string()),
        env: &lookup,
        home: None,
        os_user: "nobody".into(),
        read_file: &read_file,
        exists: &exists,
    };
    conninfo::resolve(&sources).unwrap_or_else(|e| panic!("resolving {conninfo:?}: {e}"))
}

async fn open(params: &ConnParams) -> Result<Connected, ConnectError> {
    connect::connect(params, &SessionSettings::monitoring(None), None).await
}

/// What `pg_stat_ssl` says about this very connection.
async fn encrypted(connected: &Connected) -> bool {
    let row = connected
        .client
        .query_one(
            "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
            &[],
        )
        .await
        .expect("pg_stat_ssl");
    row.get(0)
}

fn base(host: &str) -> String {
    let server = common::shared();
    format!(
        "host={host} port={} user=postgres dbname=postgres",
        server.port()
    )
}

fn ca() -> String {
    common::shared().ca_cert_path().display().to_string()
}

#[tokio::test]
async fn every_sslmode_behaves_like_libpq() {
    let ca = ca();
    // (conninfo suffix, host, expect encrypted)
    let cases: &[(&str, &str, bool)] = &[
        ("sslmode=disable", "127.0.0.1", false),
        ("sslmode=allow", "127.0.0.1", false),
        ("sslmode=prefer", "127.0.0.1", true),
        ("sslmode=require", "127.0.0.1", true),
        (
            &format!("sslmode=verify-ca sslrootcert='{ca}'"),
            "127.0.0.1",
            true,
        ),
        (
            &format!("sslmode=verify-full sslrootcert='{ca}'"),
            "localhost",
            true,
        ),
        (
            &format!("sslmode=verify-full sslrootcert='{ca}'"),
            "127.0.0.1",
            true,
        ),
    ];
    for (suffix, host, want_tls) in cases {
        let conninfo = format!("{} {suffix}", base(host));
        let connected = open(&isolated(&conninfo))
            .await
            .unwrap_or_else(|e| panic!("{conninfo}: {e}"));
        assert_eq!(encrypted(&connected).await, *want_tls, "{conninfo}");
    }
}

#[tokio::test]
async fn verify_full_rejects_a_wrong_host_name_and_verify_ca_accepts_it() {
    let ca = ca();
    let port = common::shared().port();
    // hostaddr connects to the test server while the certificate is checked against
    // `host`, so no name resolution (and no traffic) leaves the machine.
    let wrong = format!(
        "host=db.wrong-name.test hostaddr=127.0.0.1 port={port} user=postgres dbname=postgres sslrootcert='{ca}'"
    );
    let err = open(&isolated(&format!("{wrong} sslmode=verify-full")))
        .await
        .err()
        .expect("verify-full must reject a certificate for another name");
    let line = err.to_string();
    assert!(!line.contains('\n'), "{line}");
    assert!(line.to_lowercase().contains("certificate"), "{line}");

    let connected = open(&isolated(&format!("{wrong} sslmode=verify-ca")))
        .await
        .expect("verify-ca ignores the host name");
    assert!(encrypted(&connected).await);
}

#[tokio::test]
async fn verify_modes_reject_a_server_signed_by_another_ca() {
    let dir = tempfile::tempdir().unwrap();
    let other_ca = dir.path().join("other-ca.crt");
    let key = rcgen::KeyPair::generate().unwrap();
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let cert = params.self_signed(&key).unwrap();
    std::fs::write(&other_ca, cert.pem()).unwrap();
    for mode in ["verify-ca", "verify-full"] {
        let conninfo = format!(
            "{} sslmode={mode} sslrootcert='{}'",
            base("localhost"),
            other_ca.display()
        );
        assert!(
            open(&isolated(&conninfo)).await.is_err(),
            "{mode} trusted an unknown CA"
        );
    }
}

#[tokio::test]
async fn verify_ca_without_a_root_certificate_says_which_file_is_missing() {
    let conninfo = format!(
        "{} sslmode=verify-ca sslrootcert=/nonexistent/root.crt",
        base("localhost")
    );
    let line = open(&isolated(&conninfo))
        .await
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(line.contains("/nonexistent/root.crt"), "{line}");
}

#[tokio::test]
async fn allow_falls_back_to_tls_when_the_server_refuses_plain_and_disable_does_not() {
    let server = common::shared();
    server
        .create_role("tls_only", None, "IN ROLE ssl_users")
        .await;
    let conninfo = format!(
        "host=127.0.0.1 port={} user=tls_only dbname=postgres",
        server.port()
    );
    let connected = open(&isolated(&format!("{conninfo} sslmode=allow")))
        .await
        .expect("allow must retry with TLS");
    assert!(encrypted(&connected).await);
    let line = open(&isolated(&format!("{conninfo} sslmode=disable")))
        .await
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(line.contains("pg_hba.conf"), "{line}");
}

#[tokio::test]
async fn wrong_password_is_one_line_without_the_password() {
    let server = common::shared();
    server
        .create_role(
            "pw_alice",
            Some("correct-horse-battery"),
            "IN ROLE password_users",
        )
        .await;
    let base = format!(
        "host=127.0.0.1 port={} user=pw_alice dbname=postgres sslmode=disable",
        server.port()
    );
    let secret = "Wr0ng-Pa55word-xyzzy";
    let line = open(&isolated(&format!("{base} password={secret}")))
        .await
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(line.contains("password authentication failed"), "{line}");
    assert!(!line.contains(secret) && !line.contains('\n'), "{line}");

    let ok = open(&isolated(&format!("{base} password=correct-horse-battery"))).await;
    assert!(ok.is_ok(), "the right password must work");

    let missing = open(&isolated(&base)).await.err();
    assert!(
        matches!(missing, Some(ConnectError::PasswordNeeded { .. })),
        "no password known: the caller must be told so it can prompt: {missing:?}"
    );
}

#[tokio::test]
async fn pgpass_supplies_the_password_and_is_ignored_when_world_readable() {
    use std::os::unix::fs::PermissionsExt;
    let server = common::shared();
    server
        .create_role(
            "pw_bob",
            Some("from-the-passfile"),
            "IN ROLE password_users",
        )
        .await;
    let dir = tempfile::tempdir().unwrap();
    let passfile = dir.path().join("pgpass");
    std::fs::write(
        &passfile,
        format!(
            "# test\n127.0.0.1:{}:*:pw_bob:from-the-passfile\n",
            server.port()
        ),
    )
    .unwrap();
    let conninfo = format!(
        "host=127.0.0.1 port={} user=pw_bob dbname=postgres sslmode=disable",
        server.port()
    );
    let env = [("PGPASSFILE", passfile.display().to_string())];

    std::fs::set_permissions(&passfile, std::fs::Permissions::from_mode(0o600)).unwrap();
    let params = isolated_with_env(&conninfo, &env);
    assert!(params.warnings.is_empty(), "{:?}", params.warnings);
    open(&params).await.expect("pgpass at 0600 must be used");

    std::fs::set_permissions(&passfile, std::fs::Permissions::from_mode(0o644)).unwrap();
    let params = isolated_with_env(&conninfo, &env);
    assert!(
        params
            .warnings
            .iter()
            .any(|w| w.contains("has group or world access")),
        "{:?}",
        params.warnings
    );
    assert!(matches!(
        open(&params).await,
        Err(ConnectError::PasswordNeeded { .. })
    ));
}

#[tokio::test]
async fn unreachable_targets_fail_in_one_clear_line() {
    // A port nothing listens on: bind, note it, release it.
    let refused_port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap();
    // A label longer than 63 bytes is rejected by the resolver before any DNS packet is
    // sent, so this test sends no traffic off the machine.
    let unknown_host = format!("{}.invalid", "a".repeat(70));
    let cases = [
        (
            format!(
                "host=127.0.0.1 port={refused_port} user=x dbname=y password=s3cr3t-pw sslmode=disable connect_timeout=2"
            ),
            "refused",
        ),
        (
            format!(
                "host={unknown_host} port=5432 user=x dbname=y password=s3cr3t-pw sslmode=disable connect_timeout=2"
            ),
            "lookup",
        ),
    ];
    for (conninfo, expect) in cases {
        let line = open(&isolated(&conninfo))
            .await
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(line.to_lowercase().contains(expect), "{conninfo}: {line}");
        assert!(line.starts_with("could not connect to"), "{line}");
        assert!(
            !line.contains("s3cr3t-pw") && !line.contains('\n'),
            "{line}"
        );
    }
}

#[tokio::test]
async fn a_bad_uri_is_rejected_without_echoing_the_password() {
    let cases = [
        "postgres://alice:s3cr3t-pw@localhost:notaport/db",
        "postgresql://alice:s3cr3t%ZZpw@localhost/db",
        "postgres://alice:s3cr3t-pw@localhost/db?nosuchoption=1",
    ];
    for uri in cases {
        let lookup = |_: &str| None;
        let read_file = |_: &Path| Ok(None);
        let exists = |_: &Path| false;
        let sources = Sources {
            flags: Flags::default(),
            positional: Some(uri.into()),
            env: &lookup,
            home: None,
            os_user: "nobody".into(),
            read_file: &read_file,
            exists: &exists,
        };
        let line = conninfo::resolve(&sources)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(!line.is_empty(), "{uri} must be rejected");
        assert!(!line.contains("s3cr3t") && !line.contains('\n'), "{line}");
    }
}
