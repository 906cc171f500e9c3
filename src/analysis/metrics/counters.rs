//! One monotonically increasing counter sampled twice, and the interval between samples.
//!
//! Every rate in pgpulse is `counter_delta / Interval`. Both halves refuse to produce a
//! number when the samples are not comparable, so callers never divide a cumulative value
//! or a reset counter by a time.

use std::time::{Duration, SystemTime};

use super::status::{RateStatus, ResetReason};
use crate::monitor::snapshot::Snapshot;

/// How much a cumulative counter grew between two samples.
///
/// `None` when it went backwards: the counter was reset (or the object re-created), so
/// the difference means nothing.
pub fn counter_delta(prev: i64, cur: i64) -> Option<i64> {
    if cur < prev {
        return None;
    }
    cur.checked_sub(prev)
}

/// [`counter_delta`] for cumulative times in milliseconds (`blk_read_time`, ...).
///
/// Also `None` when the difference is not finite (a NaN or infinite sample), so no NaN
/// ever leaks into a rate.
pub fn time_counter_delta(prev: f64, cur: f64) -> Option<f64> {
    let delta = cur - prev;
    (delta.is_finite() && delta >= 0.0).then_some(delta)
}

/// When a snapshot was taken: the server's clock when the server section is there
/// (immune to jumps of the client's clock), else the client's.
pub fn sample_time(snapshot: &Snapshot) -> SystemTime {
    match &snapshot.server {
        Ok(server) => server.now,
        Err(_) => snapshot.taken_at,
    }
}

/// Whether the postmaster restarted between the samples (which zeroes every counter).
///
/// Undecidable (so `false`) when either sample lacks the server section; the counters
/// going backwards catches that case.
pub fn server_restarted(prev: &Snapshot, cur: &Snapshot) -> bool {
    match (&prev.server, &cur.server) {
        (Ok(before), Ok(now)) => before.postmaster_start_time != now.postmaster_start_time,
        _ => false,
    }
}

/// A valid interval between two samples: positive and at most [`Interval::MAX`] long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interval {
    start: SystemTime,
    end: SystemTime,
    length: Duration,
}

impl Interval {
    /// Longer than this, a "rate" would be an average over a period nobody watched
    /// (a suspended laptop, a paused app): report no rate instead.
    pub const MAX: Duration = Duration::from_secs(3600);

    /// The interval from `start` to `end`, if it is a usable one.
    pub fn new(start: SystemTime, end: SystemTime) -> Result<Self, ResetReason> {
        match end.duration_since(start) {
            Ok(length) if !length.is_zero() && length <= Self::MAX => {
                Ok(Self { start, end, length })
            }
            _ => Err(ResetReason::IntervalOutOfRange),
        }
    }

    /// The interval between two snapshots of the same server.
    ///
    /// Uses the server's clock when both snapshots have it, else the client's (mixing the
    /// two would turn clock skew into interval length). A restart in between is reported
    /// first: it explains everything else that looks odd.
    pub fn between(prev: &Snapshot, cur: &Snapshot) -> Result<Self, ResetReason> {
        if server_restarted(prev, cur) {
            return Err(ResetReason::ServerRestart);
        }
        match (&prev.server, &cur.server) {
            (Ok(before), Ok(now)) => Self::new(before.now, now.now),
            _ => Self::new(prev.taken_at, cur.taken_at),
        }
    }

    /// When the previous sample was taken (on the clock the interval was measured with).
    pub fn start(&self) -> SystemTime {
        self.start
    }

    /// When the current sample was taken.
    pub fn end(&self) -> SystemTime {
        self.end
    }

    /// How long the interval is; never zero.
    pub fn length(&self) -> Duration {
        self.length
    }

    /// A count spread over the interval, per second.
    pub fn per_sec(&self, delta: i64) -> f64 {
        self.per_sec_f64(delta as f64)
    }

    /// An amount spread over the interval, per second; 0 for a non-finite amount.
    pub fn per_sec_f64(&self, delta: f64) -> f64 {
        // `length` is never zero, so this only guards against a non-finite input.
        let rate = delta / self.length.as_secs_f64();
        if rate.is_finite() { rate } else { 0.0 }
    }
}

/// Status of the statement deltas; when ready it carries the interval they cover.
pub type DeltaStatus = RateStatus<Interval>;

/// One section of two consecutive snapshots, ready to be compared.
pub(crate) struct SectionPair<'a, T> {
    pub prev: &'a T,
    pub cur: &'a T,
    pub interval: Interval,
}

/// The checks every rate starts with, in the order that explains the most: the current
/// section is missing (`Unavailable`), there is no previous one (`FirstPoll`, also when
/// the previous poll failed to read it), the server restarted, the interval is unusable.
pub(crate) fn section_pair<'a, T, U>(
    prev: Option<&'a Snapshot>,
    cur: &'a Snapshot,
    section: fn(&Snapshot) -> Option<&T>,
) -> Result<SectionPair<'a, T>, RateStatus<U>> {
    let cur_section = section(cur).ok_or(RateStatus::Unavailable)?;
    let prev = prev.ok_or(RateStatus::FirstPoll)?;
    let prev_section = section(prev).ok_or(RateStatus::FirstPoll)?;
    let interval = Interval::between(prev, cur).map_err(RateStatus::Reset)?;
    Ok(SectionPair {
        prev: prev_section,
        cur: cur_section,
        interval,
    })
}

/// `part / (part + other)`: the share of `part`, as in hits / (hits + reads).
///
/// `None` when there is nothing to share (both zero) or the inputs are negative, so a
/// ratio is never NaN or outside `0..=1`.
pub(crate) fn share(part: i64, other: i64) -> Option<f64> {
    if part < 0 || other < 0 {
        return None;
    }
    // Summed as floats: two huge counters must not overflow.
    ratio(part as f64, part as f64 + other as f64)
}

/// `numerator / denominator` for non-negative amounts (a mean, a share of a total).
///
/// `None` when the denominator is not positive or the result would not be finite.
pub(crate) fn ratio(numerator: f64, denominator: f64) -> Option<f64> {
    let ratio = numerator / denominator;
    (numerator >= 0.0 && denominator > 0.0 && ratio.is_finite()).then_some(ratio)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::monitor::snapshot::test_support::*;

    #[test]
    fn a_counter_that_grew_gives_its_growth() {
        assert_eq!(counter_delta(100, 150), Some(50));
        assert_eq!(counter_delta(100, 100), Some(0));
    }

    #[test]
    fn a_counter_that_went_backwards_gives_nothing() {
        assert_eq!(counter_delta(150, 100), None);
        assert_eq!(time_counter_delta(10.0, 9.5), None);
    }

    #[test]
    fn extreme_counters_never_overflow() {
        assert_eq!(counter_delta(i64::MIN, i64::MAX), None);
        assert_eq!(counter_delta(0, i64::MAX), Some(i64::MAX));
    }

    #[test]
    fn non_finite_times_give_nothing() {
        assert_eq!(time_counter_delta(f64::NAN, 1.0), None);
        assert_eq!(time_counter_delta(1.0, f64::INFINITY), None);
        assert_eq!(time_counter_delta(-f64::MAX, f64::MAX), None);
        assert_eq!(time_counter_delta(1.0, 3.5), Some(2.5));
    }

    #[test]
    fn the_interval_uses_the_server_clock_when_both_samples_have_it() {
        // The client's clock jumped an hour ahead between polls; the server's did not.
        let prev = snapshot_at(0);
        let cur = snapshot_at(2).with_client_time(3602);
        let interval = Interval::between(&prev, &cur);
        assert_eq!(interval.map(|i| i.length()), Ok(Duration::from_secs(2)));
    }

    #[test]
    fn the_interval_falls_back_to_the_client_clock() {
        let prev = snapshot_at(0).without_server();
        let cur = snapshot_at(5);
        assert_eq!(
            Interval::between(&prev, &cur).map(|i| i.length()),
            Ok(Duration::from_secs(5))
        );
    }

    #[test]
    fn zero_negative_and_overlong_intervals_are_out_of_range() {
        let out = Err(ResetReason::IntervalOutOfRange);
        assert_eq!(Interval::between(&snapshot_at(10), &snapshot_at(10)), out);
        assert_eq!(Interval::between(&snapshot_at(10), &snapshot_at(4)), out);
        assert_eq!(Interval::between(&snapshot_at(0), &snapshot_at(3601)), out);
        assert!(Interval::between(&snapshot_at(0), &snapshot_at(3600)).is_ok());
    }

    #[test]
    fn a_restart_is_reported_before_the_interval() {
        let prev = snapshot_at(10);
        let cur = snapshot_at(10).restarted_at(5);
        assert!(server_restarted(&prev, &cur));
        assert_eq!(
            Interval::between(&prev, &cur),
            Err(ResetReason::ServerRestart)
        );
    }

    #[test]
    fn rates_are_per_second_and_finite() {
        let Ok(interval) = Interval::new(at(0), at(4)) else {
            panic!("a 4 s interval is valid");
        };
        assert_eq!(interval.per_sec(100), 25.0);
        assert_eq!(interval.per_sec_f64(f64::NAN), 0.0);
        assert!(interval.per_sec(i64::MAX).is_finite());
    }

    #[test]
    fn shares_and_ratios_of_nothing_are_none() {
        assert_eq!(share(0, 0), None);
        assert_eq!(share(-1, 5), None);
        assert_eq!(share(3, 1), Some(0.75));
        assert_eq!(share(i64::MAX, i64::MAX), Some(0.5));
        assert_eq!(ratio(f64::NAN, 1.0), None);
        assert_eq!(ratio(f64::INFINITY, 1.0), None);
        assert_eq!(ratio(1.0, 0.0), None);
    }
}
