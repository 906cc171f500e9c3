//! The reconnect schedule: after a failed connection attempt, when to try again (about
//! 1, 2, 4, 8, then at most 10 s), and the status line that says so ("waiting for
//! server: connection refused, attempt 3, next in 4s").

use std::time::{Duration, Instant, SystemTime};

use crate::pg::session::SessionError;

/// Why the last connection attempt failed, in the words the status line uses.
#[derive(Debug, Clone, Default)]
pub(super) struct AttemptFailure {
    /// The short reason when the server is worth waiting for (down, starting, full).
    waiting: Option<String>,
    /// The whole one-line error otherwise.
    line: String,
}

impl AttemptFailure {
    pub(super) fn of(error: &SessionError) -> Self {
        let waiting = match error {
            SessionError::Connect(connect) => connect.wait_reason().map(str::to_string),
            _ => None,
        };
        Self {
            waiting,
            line: error.to_string(),
        }
    }
}

/// Capped exponential backoff with jitter for reconnect attempts: about 1 s, 2 s, 4 s,
/// 8 s, then 10 s at most, so a server that comes back is seen within 10 s.
#[derive(Debug, Default)]
pub(super) struct Backoff {
    /// Failed attempts in a row.
    pub(super) failures: u32,
    next_attempt: Option<Instant>,
    last: AttemptFailure,
}

impl Backoff {
    const CAP: Duration = Duration::from_secs(10);

    pub(super) fn failed(&mut self, failure: AttemptFailure) {
        self.failures += 1;
        self.next_attempt = Some(Instant::now() + Self::wait_after(self.failures));
        self.last = failure;
    }

    /// The wait after `failures` failed attempts: the step (1, 2, 4, 8, 10, 10 ... s)
    /// less up to a quarter, so many pgpulse instances don't reconnect in lockstep and
    /// the wait never exceeds the cap.
    fn wait_after(failures: u32) -> Duration {
        let step = Duration::from_secs(1 << failures.clamp(1, 5).saturating_sub(1)).min(Self::CAP);
        let nanos = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        step.mul_f64(0.75 + f64::from(nanos % 1000) / 4000.0)
    }

    pub(super) fn remaining(&self) -> Option<Duration> {
        let next = self.next_attempt?;
        let now = Instant::now();
        (next > now).then(|| next - now)
    }

    /// Try at the next poll (the user asked), counting on from the failures so far.
    pub(super) fn skip_wait(&mut self) {
        self.next_attempt = None;
    }

    /// "waiting for server: connection refused, attempt 3, next in 4s", or the whole
    /// error for a failure that waiting alone will not fix.
    pub(super) fn describe(&self) -> String {
        let next = match self.remaining() {
            Some(wait) => format!("next in {}", crate::text::format::duration(wait)),
            None => "next now".to_string(),
        };
        match &self.last.waiting {
            Some(reason) => format!(
                "waiting for server: {reason}, attempt {}, {next}",
                self.failures
            ),
            None => format!("{} (attempt {}, {next})", self.last.line, self.failures),
        }
    }

    pub(super) fn reset(&mut self) {
        self.failures = 0;
        self.next_attempt = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_to_a_ten_second_cap_and_resets() {
        let mut backoff = Backoff::default();
        let mut waits = vec![];
        for _ in 0..8 {
            backoff.failed(AttemptFailure::default());
            waits.push(backoff.remaining().unwrap_or_default());
        }
        let steps = [1, 2, 4, 8, 10, 10, 10, 10].map(Duration::from_secs);
        for (wait, step) in waits.iter().zip(steps) {
            assert!(*wait <= step && *wait >= step.mul_f64(0.74), "{waits:?}");
        }
        backoff.reset();
        assert_eq!(backoff.remaining(), None);
    }

    #[test]
    fn waiting_says_why_which_attempt_and_when_the_next_is() {
        let mut backoff = Backoff::default();
        for _ in 0..3 {
            backoff.failed(AttemptFailure {
                waiting: Some("connection refused".into()),
                line: "could not connect to x: Connection refused".into(),
            });
        }
        let line = backoff.describe();
        assert!(
            line.starts_with("waiting for server: connection refused, attempt 3, next in "),
            "{line}"
        );
        backoff.skip_wait();
        assert_eq!(
            backoff.describe(),
            "waiting for server: connection refused, attempt 3, next now"
        );
        backoff.failed(AttemptFailure {
            waiting: None,
            line: "could not connect to x: FATAL: password authentication failed".into(),
        });
        assert!(
            backoff.describe().starts_with(
                "could not connect to x: FATAL: password authentication failed (attempt 4, next in "
            ),
            "{}",
            backoff.describe()
        );
    }
}
