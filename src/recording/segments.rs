//! Segment files in a recording directory: their names (the UTC start time, so the name
//! order is the time order) and listing them oldest first.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// Every segment's name ends so.
pub const EXTENSION: &str = "pgrec";

/// A segment file found in a directory.
#[derive(Debug, Clone, PartialEq)]
pub struct FoundSegment {
    pub path: PathBuf,
    pub bytes: u64,
    /// When it was last written: its end, for retention.
    pub modified: SystemTime,
}

/// The segment files in `dir`, oldest first (other files are left alone).
pub fn list(dir: &Path) -> std::io::Result<Vec<FoundSegment>> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let is_segment = path.extension().is_some_and(|ext| ext == EXTENSION)
            && path
                .file_name()
                .and_then(|name| name.to_str())
                .is_some_and(|name| name.starts_with("pgpulse-"));
        if !is_segment {
            continue;
        }
        let metadata = entry.metadata()?;
        if !metadata.is_file() {
            continue;
        }
        found.push(FoundSegment {
            path,
            bytes: metadata.len(),
            modified: metadata.modified().unwrap_or(SystemTime::UNIX_EPOCH),
        });
    }
    found.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(found)
}

/// `pgpulse-20261206T030217.123Z.pgrec` in `dir`, with a counter when that name is taken.
pub fn unused_name(dir: &Path, started: SystemTime) -> PathBuf {
    let stamp: String = crate::text::timefmt::rfc3339_millis(started)
        .chars()
        .filter(|c| !matches!(c, '-' | ':'))
        .collect();
    let mut path = dir.join(format!("pgpulse-{stamp}.{EXTENSION}"));
    let mut n = 1;
    while path.exists() {
        path = dir.join(format!("pgpulse-{stamp}-{n}.{EXTENSION}"));
        n += 1;
    }
    path
}
