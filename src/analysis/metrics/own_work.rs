//! pgpulse's own transactions, taken out of the server's TPS.
//!
//! Every poll is a handful of transactions in the connected database (each prepare and
//! each statement of the monitoring session ends one): on an idle server they would be all
//! the TPS there is. The session counts them ([`Snapshot::own_transactions`]) and they are
//! taken out of the interval's commits and rollbacks. The server's counters show a
//! backend's transactions late (flushed when it goes idle, at most once a second; before
//! PostgreSQL 15 through the statistics collector), so transactions run but not visible
//! yet are carried to the next interval instead of being subtracted from someone else's.
//! The carry never exceeds what pgpulse ran in the last [`CARRIED_INTERVALS`] intervals
//! (the lag is at most a second plus one interval, and the shortest refresh is half a
//! second): a transaction that never shows (a lost connection) cannot hide the
//! application's work for long.
//!
//! [`Snapshot::own_transactions`]: crate::monitor::snapshot::Snapshot::own_transactions

use super::database::DatabaseRates;
use super::status::RateStatus;

/// How many intervals pgpulse's own transactions may take to show in the counters.
pub const CARRIED_INTERVALS: usize = 4;

/// What of pgpulse's own transactions is still to be taken out of the server's counts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OwnTransactions {
    /// Run, but not yet seen in the server's counters.
    carried: u64,
    /// pgpulse's transactions in the last intervals, this one last (the carry's cap).
    recent: [u64; CARRIED_INTERVALS],
}

impl OwnTransactions {
    /// Takes the `own` transactions pgpulse ran since the previous read of the counters
    /// (on the first, all it ran so far) out of the connected `database`'s and the
    /// `server`'s rates. Returns how many were taken out.
    pub fn take_out(
        &mut self,
        own: u64,
        database: &mut RateStatus<DatabaseRates>,
        server: &mut RateStatus<DatabaseRates>,
    ) -> u64 {
        self.recent.rotate_left(1);
        self.recent[CARRIED_INTERVALS - 1] = own;
        let cap = self
            .recent
            .iter()
            .fold(0u64, |sum, n| sum.saturating_add(*n));
        let pending = self.carried.saturating_add(own).min(cap);
        // pgpulse's transactions all land in the connected database.
        let Some(seen) = database.ready().map(transactions) else {
            self.carried = pending;
            return 0;
        };
        let taken = seen.min(pending);
        self.carried = pending - taken;
        for rates in [database, server] {
            if let RateStatus::Ready(rates) = rates {
                remove(rates, taken);
            }
        }
        taken
    }
}

/// Commits and rollbacks in the interval of `rates`.
fn transactions(rates: &DatabaseRates) -> u64 {
    let count = (rates.tps * rates.interval.as_secs_f64()).round();
    if count.is_finite() && count > 0.0 {
        count as u64
    } else {
        0
    }
}

/// Removes `count` transactions from the rates: commits first (pgpulse's statements
/// commit unless they fail), then rollbacks; never below zero.
fn remove(rates: &mut DatabaseRates, count: u64) {
    let seconds = rates.interval.as_secs_f64();
    if seconds <= 0.0 || count == 0 {
        return;
    }
    let per_sec = count as f64 / seconds;
    let from_commits = per_sec.min(rates.commits_per_sec);
    rates.commits_per_sec -= from_commits;
    rates.rollbacks_per_sec = (rates.rollbacks_per_sec - (per_sec - from_commits)).max(0.0);
    rates.tps = (rates.commits_per_sec + rates.rollbacks_per_sec).max(0.0);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::metrics::database_rates;
    use crate::monitor::snapshot::test_support::*;

    /// Rates of an interval of `secs` seconds with `commits` commits.
    fn rates(secs: u64, commits: i64) -> RateStatus<DatabaseRates> {
        let prev = snapshot_at(0).with_database(db(1).commits(1_000));
        let cur = snapshot_at(secs).with_database(db(1).commits(1_000 + commits));
        database_rates(Some(&prev), &cur, 1)
    }

    fn tps(status: &RateStatus<DatabaseRates>) -> f64 {
        status.ready().map_or(f64::NAN, |r| r.tps)
    }

    #[test]
    fn an_idle_server_shows_no_transactions_even_when_they_are_seen_late() {
        let mut own = OwnTransactions::default();
        // 8 run per second; the server shows 3, then the other 5 with the next 8, ...
        for (ran, seen) in [(8, 3), (8, 13), (8, 8), (8, 0), (8, 16)] {
            let (mut database, mut server) = (rates(1, seen), rates(1, seen));
            own.take_out(ran, &mut database, &mut server);
            assert_eq!((tps(&database), tps(&server)), (0.0, 0.0), "{ran} {seen}");
        }
    }

    #[test]
    fn the_application_s_transactions_stay() {
        let mut own = OwnTransactions::default();
        let (mut database, mut server) = (rates(2, 208), rates(2, 308));
        assert_eq!(own.take_out(8, &mut database, &mut server), 8);
        assert_eq!((tps(&database), tps(&server)), (100.0, 150.0));
        let rates = database
            .ready()
            .map(|r| (r.commits_per_sec, r.rollbacks_per_sec));
        assert_eq!(rates, Some((100.0, 0.0)));
    }

    #[test]
    fn what_never_shows_is_not_carried_for_long() {
        let mut own = OwnTransactions::default();
        // 10 run and never seen (say, the connection dropped before they were flushed).
        own.take_out(10, &mut rates(1, 0), &mut rates(1, 0));
        for _ in 1..CARRIED_INTERVALS {
            own.take_out(0, &mut rates(1, 0), &mut rates(1, 0));
        }
        // Then the application's 10 transactions are all its own.
        let (mut database, mut server) = (rates(1, 10), rates(1, 10));
        own.take_out(0, &mut database, &mut server);
        assert_eq!(tps(&database), 10.0);
    }

    #[test]
    fn what_ran_before_the_first_rates_comes_out_of_them() {
        let mut own = OwnTransactions::default();
        let (mut first, mut also_first) = (RateStatus::FirstPoll, RateStatus::FirstPoll);
        assert_eq!(own.take_out(4, &mut first, &mut also_first), 0);
        // The 4 not seen yet come out of the next interval.
        let (mut database, mut server) = (rates(1, 6), rates(1, 6));
        assert_eq!(own.take_out(0, &mut database, &mut server), 4);
        assert_eq!(tps(&database), 2.0);
    }
}
