//! The file system holding the data directory, and how full it is.
//!
//! Listing file systems reads the whole mount table and calls `statvfs` on every mount,
//! so the list is refreshed at most every [`LIST_REFRESH`]; in between only the one
//! file system that holds the data directory is re-measured (a single `statvfs`).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use sysinfo::{DiskRefreshKind, Disks};

use crate::monitor::snapshot::host::DiskUsage;

/// How often the mount table is read again (mounts rarely change under a running server).
pub const LIST_REFRESH: Duration = Duration::from_secs(30);

/// Index of the mount point that holds `dir`: the longest one that is a path prefix of
/// it, compared by components (`/data` holds `/data/pg` but not `/database`). Among equal
/// mount points the last wins: a later mount on the same point hides the earlier one.
pub fn holding_mount<'a>(mounts: impl IntoIterator<Item = &'a Path>, dir: &Path) -> Option<usize> {
    let mut best: Option<(usize, usize)> = None;
    for (index, mount) in mounts.into_iter().enumerate() {
        if !dir.starts_with(mount) {
            continue;
        }
        let depth = mount.components().count();
        if best.is_none_or(|(_, best_depth)| depth >= best_depth) {
            best = Some((index, depth));
        }
    }
    best.map(|(index, _)| index)
}

/// The data directory's file system, remembered between samples.
#[derive(Default)]
pub struct DataDisk {
    disks: Option<Disks>,
    listed_at: Option<Instant>,
    /// The directory `chosen` was picked for, and the index into the list.
    chosen: Option<(PathBuf, Option<usize>)>,
}

impl DataDisk {
    /// Size and free space of the file system holding `data_dir`, as of now.
    pub fn usage(&mut self, data_dir: &Path, now: Instant) -> Option<DiskUsage> {
        let storage = DiskRefreshKind::nothing().with_storage();
        let due = self
            .listed_at
            .is_none_or(|at| now.saturating_duration_since(at) >= LIST_REFRESH);
        if due {
            self.listed_at = Some(now);
            self.chosen = None;
            match &mut self.disks {
                Some(disks) => disks.refresh_specifics(true, storage),
                None => self.disks = Disks::new_with_refreshed_list_specifics(storage).ok(),
            }
        }
        let disks = self.disks.as_mut()?;
        let index = match &self.chosen {
            Some((dir, index)) if dir == data_dir => *index,
            _ => {
                let index = holding_mount(disks.iter().map(|d| d.mount_point()), data_dir);
                self.chosen = Some((data_dir.to_path_buf(), index));
                index
            }
        };
        let disk = disks.get_mut(index?)?;
        // Just listed means just measured: no second statvfs in the same sample.
        if !due {
            disk.refresh_specifics(storage);
        }
        Some(DiskUsage {
            mount_point: disk.mount_point().to_path_buf(),
            total: disk.total_space(),
            available: disk.available_space(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longest_mount_prefix_holds_the_directory() {
        let mounts = ["/", "/data", "/data/pg", "/database", "/data", "/boot/efi"];
        let cases = [
            ("/var/lib/postgresql/16/main", Some(0)),
            ("/data/pg/16/main", Some(2)),
            ("/data/pgsql", Some(4)),
            ("/data", Some(4)),
            ("/database/main", Some(3)),
            ("/databases/main", Some(0)),
        ];
        for (dir, want) in cases {
            let got = holding_mount(mounts.iter().map(Path::new), Path::new(dir));
            assert_eq!(got, want, "{dir}");
        }
    }

    #[test]
    fn no_mount_holds_a_relative_or_unlisted_path() {
        assert_eq!(holding_mount([Path::new("/data")], Path::new("/srv")), None);
        assert_eq!(holding_mount([Path::new("/")], Path::new("data")), None);
        assert_eq!(holding_mount([], Path::new("/data")), None);
    }

    #[test]
    fn a_real_directory_is_measured_on_the_file_system_sysinfo_lists_for_it() {
        let dir = std::env::temp_dir();
        let listed = Disks::new_with_refreshed_list_specifics(DiskRefreshKind::nothing());
        let expected = listed.ok().and_then(|disks| {
            let index = holding_mount(disks.iter().map(|d| d.mount_point()), &dir)?;
            disks.get(index).map(|d| d.mount_point().to_path_buf())
        });
        let mut disk = DataDisk::default();
        let now = Instant::now();
        let first = disk.usage(&dir, now);
        assert_eq!(first.as_ref().map(|d| d.mount_point.clone()), expected);
        // The cheap path (no new listing) measures the same file system again.
        let again = disk.usage(&dir, now + Duration::from_secs(1));
        assert_eq!(again.map(|d| d.mount_point), expected);
    }
}
