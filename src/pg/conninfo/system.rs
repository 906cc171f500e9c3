//! [`Sources`] backed by the real process: environment, home directory, OS user and
//! file system.

use std::io;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use super::{ConnInfoError, ConnParams, FileContents, Flags, Sources, resolve};

fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// Reads a file with its mode bits; `Ok(None)` when it is missing or not a regular
/// file (libpq ignores a password file that is not a plain file).
fn read_file(path: &Path) -> io::Result<Option<FileContents>> {
    let metadata = match std::fs::metadata(path) {
        Ok(metadata) => metadata,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    if !metadata.is_file() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(path)?;
    Ok(Some(FileContents {
        text,
        mode: metadata.permissions().mode(),
    }))
}

fn path_exists(path: &Path) -> bool {
    path.exists()
}

fn home_dir() -> Option<PathBuf> {
    directories::BaseDirs::new()
        .map(|dirs| dirs.home_dir().to_path_buf())
        .or_else(|| env_var("HOME").filter(|h| !h.is_empty()).map(PathBuf::from))
}

/// The user name of the real uid (libpq's default `user`), else `$USER`.
fn os_user() -> String {
    nix::unistd::User::from_uid(nix::unistd::getuid())
        .ok()
        .flatten()
        .map(|user| user.name)
        .or_else(|| env_var("USER").filter(|u| !u.is_empty()))
        .unwrap_or_default()
}

/// [`Sources`] for this process: `std::env`, the home directory, the OS user name
/// and the real file system.
pub fn system_sources(flags: Flags, positional: Option<String>) -> Sources<'static> {
    Sources {
        flags,
        positional,
        env: &env_var,
        home: home_dir(),
        os_user: os_user(),
        read_file: &read_file,
        exists: &path_exists,
    }
}

/// Resolves the target for this process from its flags and positional argument.
pub fn resolve_from_process(
    flags: Flags,
    positional: Option<String>,
) -> Result<ConnParams, ConnInfoError> {
    resolve(&system_sources(flags, positional))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_files_with_their_mode() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("pgpass");
        std::fs::write(&path, "*:*:*:*:pw\n")?;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640))?;
        let contents = read_file(&path)?;
        assert_eq!(
            contents.map(|c| (c.text, c.mode & 0o777)),
            Some(("*:*:*:*:pw\n".to_owned(), 0o640))
        );
        assert!(read_file(&dir.path().join("missing"))?.is_none());
        // A directory is not a plain file.
        assert!(read_file(dir.path())?.is_none());
        assert!(path_exists(&path));
        assert!(!path_exists(&dir.path().join("missing")));
        Ok(())
    }

    #[test]
    fn process_sources_read_the_environment() {
        let sources = system_sources(Flags::default(), Some("mydb".to_owned()));
        assert_eq!((sources.env)("PATH"), std::env::var("PATH").ok());
        assert_eq!(sources.positional.as_deref(), Some("mydb"));
    }
}
