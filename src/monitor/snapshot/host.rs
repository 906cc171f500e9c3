//! What the machine running a *local* server looked like at one poll: CPU, memory, the
//! disk holding the data directory, and each backend's CPU and resident memory.
//!
//! Filled by [`crate::monitor::host::HostSampler`] only when the server runs on this machine; a
//! remote server has no host section at all (never zeros that look like an idle host).

use std::collections::HashMap;
use std::path::PathBuf;

/// One host sample.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct HostSample {
    /// Busy share of all cores together, `0..=1`; `None` on the first sample (a CPU
    /// share needs two readings some time apart).
    pub cpu_ratio: Option<f64>,
    /// Load average over 1, 5 and 15 minutes; `None` where the OS does not report it.
    pub load: Option<(f64, f64, f64)>,
    /// Memory in use (total minus available), in bytes.
    pub memory_used: u64,
    /// Physical memory, in bytes.
    pub memory_total: u64,
    /// Swap in use, in bytes.
    pub swap_used: u64,
    /// Swap configured, in bytes (0 without swap).
    pub swap_total: u64,
    /// The file system holding the data directory; `None` when the data directory is
    /// unknown (another OS user's server, without root) or on no listed file system.
    pub data_disk: Option<DiskUsage>,
    /// Per backend pid, for the pids asked for that still exist on this machine.
    pub backends: HashMap<i32, BackendUsage>,
}

/// Space on the file system holding the data directory.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DiskUsage {
    /// Where the file system is mounted.
    pub mount_point: PathBuf,
    /// Size in bytes.
    pub total: u64,
    /// Bytes an unprivileged user could still write: the server does not run as root,
    /// so space reserved for root is as good as full for it.
    pub available: u64,
}

impl DiskUsage {
    /// Share of the file system that is unavailable, `0..=1`; `None` for a file system
    /// that reports no size (pseudo file systems).
    pub fn used_ratio(&self) -> Option<f64> {
        if self.total == 0 {
            return None;
        }
        let used = self.total.saturating_sub(self.available);
        Some(used as f64 / self.total as f64)
    }
}

/// What one backend process costs the machine.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct BackendUsage {
    /// CPU time per wall time since the previous sample, as a fraction of one core (a
    /// backend with parallel workers shows the workers as their own pids). `None` on the
    /// first sample of this pid.
    pub cpu_ratio: Option<f64>,
    /// Resident memory in bytes. It includes the pages of `shared_buffers` this backend
    /// has touched, so backends' RSS overlap and must not be summed.
    pub rss_bytes: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn used_ratio_counts_space_reserved_for_root_as_used() {
        let cases = [
            (100, 100, Some(0.0)),
            (100, 10, Some(0.9)),
            (100, 0, Some(1.0)),
            // statvfs can report more available than total on odd file systems.
            (100, 150, Some(0.0)),
            (0, 0, None),
        ];
        for (total, available, want) in cases {
            let disk = DiskUsage {
                mount_point: PathBuf::from("/"),
                total,
                available,
            };
            assert_eq!(disk.used_ratio(), want, "{total} / {available}");
        }
    }
}
