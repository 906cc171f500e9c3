//! Locating the PostgreSQL server binaries (`initdb`, `postgres`).

use std::path::{Path, PathBuf};

use super::error::ClusterError;

/// Where Debian/Ubuntu install one directory per major version.
const DEBIAN_ROOT: &str = "/usr/lib/postgresql";

/// Finds a directory holding the PostgreSQL server binaries `initdb` and `postgres`.
///
/// * `explicit` (from `PGPULSE_TEST_PGBIN` or `--pgbin`) is used as is when it holds both
///   binaries; when it does not, that is an error rather than a silent fallback, so a typo
///   is noticed.
/// * Otherwise the newest `/usr/lib/postgresql/<major>/bin` (compared numerically, so
///   9.6 < 13 < 18), then any directory on `$PATH` holding both binaries.
///
/// The error's message tells the user how to install the binaries.
pub fn find_bindir(explicit: Option<&Path>) -> Result<PathBuf, ClusterError> {
    if let Some(dir) = explicit {
        return if has_server_binaries(dir) {
            Ok(dir.to_path_buf())
        } else {
            Err(ClusterError::BinariesNotFound {
                looked_in: dir.display().to_string(),
            })
        };
    }
    let mut versioned: Vec<(Vec<u32>, PathBuf)> = std::fs::read_dir(DEBIAN_ROOT)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = parse_version(entry.file_name().to_str()?)?;
            Some((version, entry.path().join("bin")))
        })
        .collect();
    // Newest first; Vec<u32> compares component-wise, i.e. numerically.
    versioned.sort_by(|a, b| b.0.cmp(&a.0));
    let on_path = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default();
    versioned
        .into_iter()
        .map(|(_, dir)| dir)
        .chain(on_path)
        .find(|dir| has_server_binaries(dir))
        .ok_or_else(|| ClusterError::BinariesNotFound {
            looked_in: format!("{DEBIAN_ROOT}/<version>/bin and $PATH"),
        })
}

/// `"15"` -> `[15]`, `"9.6"` -> `[9, 6]`; anything else is not a version directory.
fn parse_version(name: &str) -> Option<Vec<u32>> {
    name.split('.').map(|part| part.parse().ok()).collect()
}

/// Whether `dir` holds `postgres` and `initdb`.
pub fn has_server_binaries(dir: &Path) -> bool {
    dir.join("postgres").is_file() && dir.join("initdb").is_file()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_sort_numerically() {
        let mut v = vec![
            parse_version("9.6"),
            parse_version("18"),
            parse_version("13"),
        ];
        v.sort();
        assert_eq!(v, vec![Some(vec![9, 6]), Some(vec![13]), Some(vec![18])]);
        assert_eq!(parse_version("main"), None);
    }
}
