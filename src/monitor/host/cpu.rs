//! Per-process CPU share from cumulative CPU time, computed here rather than taken from
//! sysinfo's `cpu_usage()`: that one is relative to the last refresh of *all* CPU times,
//! whereas pgpulse refreshes only the backends it was asked about, each at its own
//! pace, and must say "unknown" (not 0 %) for a pid seen once.

use std::collections::HashMap;
use std::time::{Duration, Instant};

/// Below this interval the kernel's 10 ms tick granularity dominates the reading; a
/// shorter interval keeps the previous share and measures over a longer one next time.
pub const MIN_INTERVAL: Duration = Duration::from_millis(200);

/// One reading of a process's cumulative CPU time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CpuReading {
    /// User plus system CPU time since the process started, in milliseconds.
    pub cpu_ms: u64,
    /// Process start time (clock ticks after boot): a different value under the same
    /// pid means the pid was reused by a new process.
    pub start_time: u64,
    /// When the reading was taken.
    pub at: Instant,
}

/// What is remembered of one pid between samples.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Track {
    /// The reading the next share is measured from.
    base: CpuReading,
    /// The last share measured, as a fraction of one core.
    ratio: Option<f64>,
}

/// The CPU share of each tracked pid, kept across samples.
#[derive(Debug, Default)]
pub struct CpuTracker {
    tracks: HashMap<i32, Track>,
}

impl CpuTracker {
    /// Records the readings of this sample and returns each pid's share of one core,
    /// capped at `cores`. Pids not in `readings` are forgotten, so a pid that comes back
    /// starts over with `None`.
    pub fn update(
        &mut self,
        readings: &HashMap<i32, CpuReading>,
        cores: usize,
    ) -> HashMap<i32, Option<f64>> {
        let max = cores.max(1) as f64;
        self.tracks.retain(|pid, _| readings.contains_key(pid));
        readings
            .iter()
            .map(|(&pid, &reading)| {
                let track = advance(self.tracks.get(&pid).copied(), reading, max);
                self.tracks.insert(pid, track);
                (pid, track.ratio)
            })
            .collect()
    }

    /// The pids tracked since the last [`CpuTracker::update`].
    pub fn pids(&self) -> impl Iterator<Item = i32> + '_ {
        self.tracks.keys().copied()
    }
}

fn advance(previous: Option<Track>, now: CpuReading, max: f64) -> Track {
    let fresh = Track {
        base: now,
        ratio: None,
    };
    let Some(previous) = previous else {
        return fresh;
    };
    if previous.base.start_time != now.start_time {
        return fresh;
    }
    let elapsed = now.at.saturating_duration_since(previous.base.at);
    if elapsed < MIN_INTERVAL {
        return previous;
    }
    // CPU time never goes backwards for one process; saturate rather than trust it.
    let cpu = now.cpu_ms.saturating_sub(previous.base.cpu_ms) as f64;
    let ratio = (cpu / elapsed.as_millis() as f64).clamp(0.0, max);
    Track {
        base: now,
        ratio: Some(ratio),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reading(origin: Instant, at_ms: u64, cpu_ms: u64, start_time: u64) -> CpuReading {
        CpuReading {
            cpu_ms,
            start_time,
            at: origin + Duration::from_millis(at_ms),
        }
    }

    #[test]
    fn a_share_needs_two_readings_far_enough_apart() {
        let t0 = Instant::now();
        let first = reading(t0, 0, 1_000, 7);
        // (previous reading, current reading, expected share)
        let cases = [
            (None, first, None),
            (Some(first), reading(t0, 1_000, 1_500, 7), Some(0.5)),
            (Some(first), reading(t0, 250, 1_250, 7), Some(1.0)),
            (Some(first), reading(t0, 1_000, 1_000, 7), Some(0.0)),
            // Parallel or multi-threaded: more than one core, capped at the core count.
            (Some(first), reading(t0, 1_000, 3_000, 7), Some(2.0)),
            (Some(first), reading(t0, 1_000, 9_000, 7), Some(4.0)),
            // Pid reused by another process: start over.
            (Some(first), reading(t0, 1_000, 1_500, 8), None),
            // CPU time going backwards is not believed.
            (Some(first), reading(t0, 1_000, 10, 7), Some(0.0)),
            // Too soon: nothing measured yet.
            (Some(first), reading(t0, 100, 1_100, 7), None),
        ];
        for (i, (previous, now, want)) in cases.into_iter().enumerate() {
            let previous = previous.map(|base| Track { base, ratio: None });
            assert_eq!(advance(previous, now, 4.0).ratio, want, "case {i}");
        }
    }

    #[test]
    fn too_soon_keeps_the_last_share_and_its_base() {
        let t0 = Instant::now();
        let measured = Track {
            base: reading(t0, 1_000, 1_500, 7),
            ratio: Some(0.5),
        };
        let soon = advance(Some(measured), reading(t0, 1_050, 1_550, 7), 4.0);
        assert_eq!(soon, measured);
        let later = advance(Some(soon), reading(t0, 2_000, 2_500, 7), 4.0);
        assert_eq!(later.ratio, Some(1.0));
    }

    #[test]
    fn tracker_forgets_pids_that_are_no_longer_sampled() {
        let t0 = Instant::now();
        let mut tracker = CpuTracker::default();
        let both = HashMap::from([(1, reading(t0, 0, 0, 1)), (2, reading(t0, 0, 0, 2))]);
        assert_eq!(
            tracker.update(&both, 2),
            HashMap::from([(1, None), (2, None)])
        );
        let one = HashMap::from([(1, reading(t0, 500, 250, 1))]);
        assert_eq!(tracker.update(&one, 2), HashMap::from([(1, Some(0.5))]));
        assert_eq!(tracker.pids().collect::<Vec<_>>(), vec![1]);
        // Pid 2 is back: its old base is gone, so no share from a stale reading.
        let again = HashMap::from([
            (1, reading(t0, 1_000, 500, 1)),
            (2, reading(t0, 1_000, 900, 2)),
        ]);
        let shares = tracker.update(&again, 2);
        assert_eq!(shares.get(&2), Some(&None));
        assert_eq!(shares.get(&1), Some(&Some(0.5)));
    }
}
