//! A fake outside world for resolution tests: environment map, in-memory files.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

pub(crate) use super::error::ErrorCheck;
use super::{ConnInfoError, ConnParams, FileContents, Flags, Sources, resolve};

/// The home directory of the fake user `alice`.
pub(crate) const HOME: &str = "/home/alice";

/// An environment, file system and user to resolve against.
pub(crate) struct World {
    env: HashMap<String, String>,
    files: HashMap<PathBuf, FileContents>,
    existing: HashSet<PathBuf>,
    home: Option<PathBuf>,
    os_user: String,
}

impl World {
    /// User `alice`, home `/home/alice`, empty environment, no files.
    pub(crate) fn new() -> Self {
        Self {
            env: HashMap::new(),
            files: HashMap::new(),
            existing: HashSet::new(),
            home: Some(PathBuf::from(HOME)),
            os_user: "alice".to_owned(),
        }
    }

    pub(crate) fn env(mut self, pairs: &[(&str, &str)]) -> Self {
        for (name, value) in pairs {
            self.env.insert((*name).to_owned(), (*value).to_owned());
        }
        self
    }

    /// Adds files with mode 0600; `~/` in a path stands for [`HOME`].
    pub(crate) fn files(mut self, files: &[(&str, &str)]) -> Self {
        for (path, text) in files {
            self = self.file_with_mode(path, text, 0o100600);
        }
        self
    }

    pub(crate) fn file_with_mode(mut self, path: &str, text: &str, mode: u32) -> Self {
        self.files.insert(
            expand(path),
            FileContents {
                text: text.to_owned(),
                mode,
            },
        );
        self
    }

    /// Marks paths (socket files, directories) as existing.
    pub(crate) fn existing(mut self, paths: &[&str]) -> Self {
        self.existing.extend(paths.iter().map(|p| expand(p)));
        self
    }

    pub(crate) fn without_home(mut self) -> Self {
        self.home = None;
        self
    }

    pub(crate) fn os_user(mut self, name: &str) -> Self {
        self.os_user = name.to_owned();
        self
    }

    pub(crate) fn resolve(
        &self,
        flags: Flags,
        positional: Option<&str>,
    ) -> Result<ConnParams, ConnInfoError> {
        let env = |name: &str| self.env.get(name).cloned();
        let read_file = |path: &Path| Ok(self.files.get(path).cloned());
        let exists = |path: &Path| self.existing.contains(path) || self.files.contains_key(path);
        resolve(&Sources {
            flags,
            positional: positional.map(str::to_owned),
            env: &env,
            home: self.home.clone(),
            os_user: self.os_user.clone(),
            read_file: &read_file,
            exists: &exists,
        })
    }

    /// Resolves a positional argument with no flags, panicking on error.
    pub(crate) fn params(&self, positional: Option<&str>) -> ConnParams {
        self.resolve(Flags::default(), positional)
            .unwrap_or_else(|e| panic!("{positional:?}: {e}"))
    }
}

fn expand(path: &str) -> PathBuf {
    match path.strip_prefix("~/") {
        Some(rest) => Path::new(HOME).join(rest),
        None => PathBuf::from(path),
    }
}

/// `Flags` from `-h -p -U -d` values.
pub(crate) fn flags(
    host: Option<&str>,
    port: Option<&str>,
    user: Option<&str>,
    dbname: Option<&str>,
) -> Flags {
    Flags {
        host: host.map(str::to_owned),
        port: port.map(str::to_owned),
        user: user.map(str::to_owned),
        dbname: dbname.map(str::to_owned),
    }
}
