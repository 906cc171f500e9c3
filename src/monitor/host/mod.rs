//! Host metrics for a server on this machine: CPU, load, memory, the data directory's
//! disk, and per-backend CPU and resident memory (DESIGN, *Activity*: "when the server is
//! local, per-backend CPU% and RSS").
//!
//! [`HostSampler::detect`] decides once, after connecting, whether the server is local;
//! the poller then calls [`HostSampler::sample`] once per fast-tier poll with the backend
//! pids it just read from `pg_stat_activity` while the Activity screen (the only view of
//! per-backend figures) is on view, and with none otherwise. Sampling reads `/proc`
//! synchronously: one small file per backend, a few milliseconds for 1,000 sessions.
//!
//! Cost is kept to the pids asked for, one `/proc/<pid>/stat` each ([`proc_stat`]), and
//! the mount table is re-read every 30 s at most.

mod cpu;
mod disk;
mod locality;
mod proc_stat;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use sysinfo::{Pid, ProcessRefreshKind, ProcessesToUpdate, System, UpdateKind};

use proc_stat::ProcStatReader;

pub use cpu::{CpuReading, CpuTracker};
pub use disk::{DataDisk, LIST_REFRESH, holding_mount};
pub use locality::{is_loopback_target, looks_like_postgres};

use crate::monitor::snapshot::host::{BackendUsage, HostSample};
use crate::pg::conninfo::ConnParams;

/// Samples this machine on behalf of one local server. Owned by the poller task; it is
/// `Send`, so it may also be moved into `spawn_blocking`.
pub struct HostSampler {
    /// CPU, memory: whole-machine figures.
    machine: System,
    /// The backends' `/proc/<pid>/stat`.
    backends: ProcStatReader,
    /// Effective CPU refreshes of `machine` so far, and the last one (see `sample`).
    cpu_refreshes: u32,
    cpu_refreshed_at: Option<Instant>,
    tracker: CpuTracker,
    /// The data directory: given explicitly, or a backend's working directory.
    data_dir: Option<PathBuf>,
    data_dir_explicit: bool,
    /// Last attempt to read a backend's working directory (it fails for another OS
    /// user's server without root, so it is retried only every [`LIST_REFRESH`]).
    cwd_tried_at: Option<Instant>,
    disk: DataDisk,
}

impl HostSampler {
    /// A sampler when the server behind `params` runs on this machine, else `None`.
    ///
    /// Local means: the connection goes to a Unix socket or a loopback address (judged
    /// from the text alone, no DNS), **and** `backend_pid` (this session's
    /// `pg_backend_pid()`) is a process here that looks like PostgreSQL. The second test
    /// catches a loopback port forwarded to another machine (an SSH tunnel, a container
    /// in its own pid namespace), unless a local PostgreSQL happens to own the same pid.
    pub fn detect(params: &ConnParams, backend_pid: i32) -> Option<HostSampler> {
        if !is_loopback_target(&params.host, params.hostaddr.as_deref()) {
            return None;
        }
        let pid = pid_of(backend_pid)?;
        let mut probe = System::new().ok()?;
        let kind = ProcessRefreshKind::nothing()
            .without_tasks()
            .with_exe(UpdateKind::OnlyIfNotSet)
            .with_cwd(UpdateKind::OnlyIfNotSet);
        probe.refresh_processes_specifics(ProcessesToUpdate::Some(&[pid]), true, kind);
        let process = probe.process(pid)?;
        if !looks_like_postgres(process.name(), process.exe()) {
            return None;
        }
        // A backend's working directory is the data directory: the postmaster changes
        // into it at startup and its children inherit it.
        let data_dir = process.cwd().map(Path::to_path_buf);
        let mut machine = System::new().ok()?;
        machine.refresh_cpu_usage();
        Some(HostSampler {
            machine,
            backends: ProcStatReader::default(),
            cpu_refreshes: 1,
            cpu_refreshed_at: Some(Instant::now()),
            tracker: CpuTracker::default(),
            cwd_tried_at: Some(Instant::now()),
            data_dir,
            data_dir_explicit: false,
            disk: DataDisk::default(),
        })
    }

    /// Uses `path` as the data directory from now on (e.g. `SHOW data_directory` when the
    /// role may read it), instead of guessing it from a backend's working directory.
    pub fn set_data_directory(&mut self, path: &Path) {
        // The server may report a path through a symlink; mounts are matched on the real
        // path. If it cannot be resolved (not ours to read), the path as given is the
        // best guess.
        let real = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        self.data_dir = Some(real);
        self.data_dir_explicit = true;
    }

    /// The data directory in use, if known.
    pub fn data_directory(&self) -> Option<&Path> {
        self.data_dir.as_deref()
    }

    /// One sample of the machine, and of exactly the backends in `backend_pids` (pids
    /// that no longer exist are left out of [`HostSample::backends`]).
    pub fn sample(&mut self, backend_pids: &[i32]) -> HostSample {
        let now = Instant::now();
        let cpu_ratio = self.machine_cpu(now);
        self.machine.refresh_memory();
        let load = System::load_average()
            .ok()
            .map(|load| (load.one, load.five, load.fifteen));
        let backends = self.sample_backends(backend_pids, now);
        let data_disk = match &self.data_dir {
            Some(dir) => self.disk.usage(dir, now),
            None => None,
        };
        HostSample {
            cpu_ratio,
            load,
            memory_used: self.machine.used_memory(),
            memory_total: self.machine.total_memory(),
            swap_used: self.machine.used_swap(),
            swap_total: self.machine.total_swap(),
            data_disk,
            backends,
        }
    }

    /// Whole-machine CPU share since the previous effective refresh.
    fn machine_cpu(&mut self, now: Instant) -> Option<f64> {
        self.machine.refresh_cpu_usage();
        // sysinfo ignores a CPU refresh sooner than its minimum interval and keeps the
        // previous figure; count only the refreshes it really made. The first one
        // measures nothing (its figure spans the whole uptime), the second one does.
        let effective = self.cpu_refreshed_at.is_none_or(|at| {
            now.saturating_duration_since(at) >= sysinfo::MINIMUM_CPU_UPDATE_INTERVAL
        });
        if effective {
            self.cpu_refreshes = self.cpu_refreshes.saturating_add(1);
            self.cpu_refreshed_at = Some(now);
        }
        let usage = f64::from(self.machine.global_cpu_usage());
        let measured = self.cpu_refreshes >= 2 && !self.machine.cpus().is_empty();
        (measured && usage.is_finite()).then(|| (usage / 100.0).clamp(0.0, 1.0))
    }

    fn sample_backends(
        &mut self,
        backend_pids: &[i32],
        now: Instant,
    ) -> HashMap<i32, BackendUsage> {
        let find_cwd = self.wants_cwd(now);
        let mut readings = HashMap::with_capacity(backend_pids.len());
        let mut rss = HashMap::with_capacity(backend_pids.len());
        for &key in backend_pids {
            let Some(pid) = pid_of(key) else {
                continue;
            };
            let Some(stat) = self.backends.read(pid.as_u32()) else {
                continue;
            };
            if find_cwd && self.data_dir.is_none() {
                self.data_dir = std::fs::read_link(format!("/proc/{pid}/cwd")).ok();
            }
            readings.insert(key, stat.cpu_reading(now));
            rss.insert(key, stat.rss_bytes);
        }
        let cores = self.machine.cpus().len();
        let shares = self.tracker.update(&readings, cores);
        rss.into_iter()
            .map(|(pid, rss_bytes)| {
                let cpu_ratio = shares.get(&pid).copied().flatten();
                (
                    pid,
                    BackendUsage {
                        cpu_ratio,
                        rss_bytes,
                    },
                )
            })
            .collect()
    }

    /// Whether this sample should try to learn the data directory from a backend.
    fn wants_cwd(&mut self, now: Instant) -> bool {
        if self.data_dir.is_some() || self.data_dir_explicit {
            return false;
        }
        let due = self
            .cwd_tried_at
            .is_none_or(|at| now.saturating_duration_since(at) >= LIST_REFRESH);
        if due {
            self.cwd_tried_at = Some(now);
        }
        due
    }
}

/// A PostgreSQL pid (`int4`) as sysinfo's; pids are positive.
fn pid_of(pid: i32) -> Option<Pid> {
    u32::try_from(pid)
        .ok()
        .filter(|&p| p > 0)
        .map(Pid::from_u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sampler_can_move_to_a_blocking_thread() {
        fn assert_send<T: Send>() {}
        assert_send::<HostSampler>();
    }

    #[test]
    fn only_positive_pids_are_processes() {
        let cases = [(1, Some(1)), (4242, Some(4242)), (0, None), (-5, None)];
        for (pid, want) in cases {
            assert_eq!(pid_of(pid).map(Pid::as_u32), want, "{pid}");
        }
    }
}
