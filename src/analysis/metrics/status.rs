//! Whether a rate could be computed for this interval, and if not, why.

use std::fmt;

/// The outcome of a rate computation: a value, or the honest reason there is none.
#[derive(Debug, Clone, PartialEq)]
pub enum RateStatus<T> {
    /// Both samples are comparable; the value covers the interval between them.
    Ready(T),
    /// No previous sample of this section yet: rates need two.
    FirstPoll,
    /// The counters cannot be compared across this interval; the next one will be fine.
    Reset(ResetReason),
    /// The section (or the object asked for) is missing from the current snapshot.
    Unavailable,
}

impl<T> RateStatus<T> {
    /// The value, when ready.
    pub fn ready(&self) -> Option<&T> {
        match self {
            Self::Ready(value) => Some(value),
            _ => None,
        }
    }

    /// Converts the value, keeping any other status as it is.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> RateStatus<U> {
        match self {
            Self::Ready(value) => RateStatus::Ready(f(value)),
            Self::FirstPoll => RateStatus::FirstPoll,
            Self::Reset(reason) => RateStatus::Reset(reason),
            Self::Unavailable => RateStatus::Unavailable,
        }
    }
}

/// Why an interval's counters cannot be turned into rates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResetReason {
    /// `pg_postmaster_start_time()` changed: every counter started again from zero.
    ServerRestart,
    /// A `stats_reset` timestamp changed (`pg_stat_reset()`, `pg_stat_statements_reset()`).
    StatsReset,
    /// A counter is lower than before without any other explanation.
    CounterWentBackwards,
    /// The object did not exist in the previous sample: its counters are cumulative.
    NewObject,
    /// The interval is zero, negative (clock went back) or longer than
    /// [`Interval::MAX`](super::counters::Interval::MAX).
    IntervalOutOfRange,
}

impl fmt::Display for ResetReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::ServerRestart => "server restarted",
            Self::StatsReset => "statistics were reset",
            Self::CounterWentBackwards => "counters went backwards",
            Self::NewObject => "new since the previous poll",
            Self::IntervalOutOfRange => "poll interval out of range",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn map_keeps_non_ready_statuses() {
        let reset: RateStatus<i32> = RateStatus::Reset(ResetReason::StatsReset);
        assert_eq!(
            reset.map(|v| v * 2),
            RateStatus::Reset(ResetReason::StatsReset)
        );
        assert_eq!(RateStatus::Ready(2).map(|v| v * 2), RateStatus::Ready(4));
        assert_eq!(RateStatus::<i32>::FirstPoll.ready(), None);
    }

    #[test]
    fn reasons_read_like_a_status_line() {
        assert_eq!(ResetReason::ServerRestart.to_string(), "server restarted");
    }
}
