//! The cost governor: how often each governed source may be read so that pgpulse's own
//! server time stays within a budget (default 60 ms per 30 s).
//!
//! The fast essentials always run at the fast interval; their measured cost per second
//! is taken off the budget first. What is left is shared among the governed sources by
//! water-filling: each source wants `cost / desired interval` of server time per second;
//! the sources on view are served first, then the hidden ones, each getting at most an
//! equal share ("level") of what remains, so cheap sources keep their tier and only the
//! costly ones are spaced out (interval = cost / share). A source is never read less
//! often than every [`VISIBLE_MAX`] on view and [`HIDDEN_MAX`] hidden (alerts need it),
//! even when that overspends.
//!
//! Costs are server time as well as the poller can tell from the client: each read's
//! round trips less the network's share, estimated as the quickest recent round trip of
//! a trivial statement ([`NetworkFloor`]) times the round trips the read made. When the
//! essentials alone exceed the budget, the governed sources still get a third of it
//! (the essentials' cost is not theirs to pay for, and a panel read every 10 min helps
//! nobody).
//!
//! Bursts (the first reads at start-up, a screen opened for the first time reads its
//! sources at once, a refresh asked by an action) go through a token bucket that starts
//! empty: the reads after them wait while it is in debt, so a burst is paid back instead
//! of adding to the window's total, and the hidden sources' first reads are spread out
//! at start-up. A screen opened again is not a burst: it shows what was read before
//! until its schedule and the bucket allow a read.
//!
//! Pure: times and costs come in as arguments, nothing here reads a clock.

use std::time::{Duration, Instant};

use crate::monitor::snapshot::governed::{GovernedRead, GovernedSource, ReadPlan};

/// What the budget is counted per (the benchmark's window, and the "per 30 s").
pub const BUDGET_WINDOW: Duration = Duration::from_secs(30);
/// The longest interval of a source on view.
pub const VISIBLE_MAX: Duration = Duration::from_secs(120);
/// The longest interval of a hidden source (its alerts and a later visit need it).
pub const HIDDEN_MAX: Duration = Duration::from_secs(600);
/// Weight of the newest read in the smoothed cost.
const SMOOTHING: f64 = 0.3;
/// The share of the budget the governed sources keep however much the essentials cost.
const GOVERNED_FLOOR_SHARE: f64 = 1.0 / 3.0;
/// How many recent trivial round trips the network floor is the quickest of.
const FLOOR_SAMPLES: usize = 30;

/// The network's share of a round trip: the quickest of the recent round trips of a
/// trivial statement (the fast tier's server state).
#[derive(Debug, Clone, Default)]
pub struct NetworkFloor {
    recent: std::collections::VecDeque<Duration>,
}

impl NetworkFloor {
    pub fn observe(&mut self, round_trip: Duration) {
        if self.recent.len() == FLOOR_SAMPLES {
            self.recent.pop_front();
        }
        self.recent.push_back(round_trip);
    }

    /// The server's share of `elapsed` over `round_trips` round trips.
    pub fn server_time(&self, elapsed: Duration, round_trips: u64) -> Duration {
        let floor = self.recent.iter().min().copied().unwrap_or_default();
        let network = floor.saturating_mul(u32::try_from(round_trips).unwrap_or(u32::MAX));
        elapsed.saturating_sub(network)
    }
}

#[derive(Debug, Clone, Copy, Default)]
struct SourceState {
    desired: Duration,
    visible: bool,
    /// Smoothed cost of one read, seconds.
    cost: Option<f64>,
    last_read: Option<Instant>,
    /// Reads so far: a rate needs two before its panel shows anything.
    reads: u32,
    /// Read at the next poll, whatever the schedule (opened, refreshed, searched).
    forced: bool,
}

/// The governor's state between polls.
#[derive(Debug, Clone)]
pub struct Governor {
    budget: Duration,
    fast: Duration,
    /// Smoothed cost of one fast-tier poll, seconds.
    fixed_cost: Option<f64>,
    sources: [SourceState; 7],
    /// Server time the hidden sources may still spend (seconds; negative: in debt).
    tokens: f64,
    tokens_at: Option<Instant>,
    /// When the first poll asked what is due.
    first_poll: Option<Instant>,
}

fn smooth(previous: Option<f64>, sample: f64) -> f64 {
    match previous {
        Some(before) => before + SMOOTHING * (sample - before),
        None => sample,
    }
}

impl Governor {
    /// A governor for `budget` per [`BUDGET_WINDOW`], with the fast tier every `fast`.
    pub fn new(budget: Duration, fast: Duration) -> Self {
        Self {
            budget,
            fast,
            fixed_cost: None,
            sources: [SourceState::default(); 7],
            // No credit at start: the first reads are paid back before the next ones.
            tokens: 0.0,
            tokens_at: None,
            first_poll: None,
        }
    }

    fn state(&self, source: GovernedSource) -> &SourceState {
        &self.sources[source as usize]
    }

    fn state_mut(&mut self, source: GovernedSource) -> &mut SourceState {
        &mut self.sources[source as usize]
    }

    pub fn set_fast(&mut self, fast: Duration) {
        self.fast = fast;
    }

    /// How often `source` would be read without the budget.
    pub fn set_desired(&mut self, source: GovernedSource, desired: Duration) {
        self.state_mut(source).desired = desired;
    }

    /// The sources on view from now on (`true`: one that came into view is due now).
    ///
    /// A screen opened for the first time shows at once: a source on view that has
    /// nothing on screen yet is read at the next poll whatever the budget (see
    /// [`Governor::due`]). A screen opened again shows what was read before, with its
    /// age, and is read by its schedule on view: at once when that read is older than
    /// its interval on view and the budget is not in debt, else when the budget allows.
    /// Forcing those reads instead would let visiting the screens in turn spend the
    /// budget many times over (each visit re-reading every per-relation list); the
    /// refresh key still reads the screen now.
    pub fn set_visible(&mut self, visible: &[GovernedSource], now: Instant) -> bool {
        let mut opened = Vec::new();
        for source in GovernedSource::ALL {
            let on = visible.contains(&source);
            let state = self.state_mut(source);
            if on && !state.visible {
                opened.push(source);
            }
            state.visible = on;
        }
        self.refill(now);
        let plan = self.plan();
        let affordable = self.tokens >= 0.0;
        opened.into_iter().any(|source| {
            let state = self.state(source);
            match state.last_read {
                None => true,
                Some(at) => {
                    affordable
                        && now.saturating_duration_since(at) + self.fast / 2
                            >= plan.get(source).interval
                }
            }
        })
    }

    /// Reads `source` at the next poll whatever its schedule.
    pub fn force(&mut self, source: GovernedSource) {
        self.state_mut(source).forced = true;
    }

    /// A fast-tier poll cost `cost` (its round trips).
    pub fn record_fast(&mut self, cost: Duration) {
        self.fixed_cost = Some(smooth(self.fixed_cost, cost.as_secs_f64()));
    }

    /// `source` was read at `at`, its round trip took `cost`.
    pub fn record(&mut self, source: GovernedSource, cost: Duration, at: Instant) {
        self.refill(at);
        self.tokens -= cost.as_secs_f64();
        let state = self.state_mut(source);
        state.cost = Some(smooth(state.cost, cost.as_secs_f64()));
        state.last_read = Some(at);
        state.reads = state.reads.saturating_add(1);
        state.forced = false;
    }

    /// Server time per second left to the governed sources.
    fn spare_rate(&self) -> f64 {
        let budget = self.budget.as_secs_f64() / BUDGET_WINDOW.as_secs_f64();
        let fixed = self.fixed_cost.unwrap_or(0.0) / self.fast.as_secs_f64().max(1e-3);
        (budget - fixed).max(budget * GOVERNED_FLOOR_SHARE)
    }

    fn refill(&mut self, now: Instant) {
        if let Some(before) = self.tokens_at {
            let elapsed = now.saturating_duration_since(before).as_secs_f64();
            let cap = self.budget.as_secs_f64();
            self.tokens = (self.tokens + elapsed * self.spare_rate()).min(cap);
        }
        // A debt larger than two windows' budget is forgiven: the hidden sources wait
        // at most that long for a burst.
        self.tokens = self.tokens.max(-2.0 * self.budget.as_secs_f64());
        self.tokens_at = Some(now);
    }

    /// Every governed source's interval and cost as the budget sets them now.
    pub fn plan(&self) -> ReadPlan {
        let mut plan = ReadPlan::new(self.budget, BUDGET_WINDOW);
        plan.fixed_per_window = Duration::from_secs_f64(
            (self.fixed_cost.unwrap_or(0.0) / self.fast.as_secs_f64().max(1e-3)
                * BUDGET_WINDOW.as_secs_f64())
            .min(1e6),
        );
        let mut spare = self.spare_rate();
        for visible in [true, false] {
            let group: Vec<GovernedSource> = GovernedSource::ALL
                .into_iter()
                .filter(|s| self.state(*s).visible == visible)
                .collect();
            let wants: Vec<f64> = group
                .iter()
                .map(|s| {
                    let state = self.state(*s);
                    state.cost.unwrap_or(0.0) / state.desired.as_secs_f64().max(1e-3)
                })
                .collect();
            let (shares, used) = water_fill(&wants, spare);
            spare = (spare - used).max(0.0);
            let max = if visible { VISIBLE_MAX } else { HIDDEN_MAX };
            for ((source, want), share) in group.iter().zip(&wants).zip(shares) {
                let state = self.state(*source);
                let interval = if share >= *want {
                    state.desired
                } else if share <= 0.0 {
                    max.max(state.desired)
                } else {
                    let needed = state.cost.unwrap_or(0.0) / share;
                    Duration::from_secs_f64(needed.min(max.as_secs_f64())).max(state.desired)
                };
                plan.set(
                    *source,
                    GovernedRead {
                        interval,
                        desired: state.desired,
                        cost: state.cost.map(Duration::from_secs_f64),
                    },
                );
            }
        }
        plan
    }

    /// The sources to read at the poll of `now`, on view first.
    ///
    /// A source on view that has nothing on screen yet, or was asked for (opened,
    /// refreshed, searched), is read now whatever the budget. Every other read also
    /// waits while the bucket is in debt, the hidden ones for a positive balance, each
    /// read charged its cost in turn: so the first reads at start-up, or of a screen
    /// opened, are paid back before the next ones. No source waits past its bound
    /// ([`VISIBLE_MAX`], [`HIDDEN_MAX`]; counted from the first poll for a source never
    /// read).
    pub fn due(&mut self, now: Instant) -> Vec<GovernedSource> {
        self.refill(now);
        let first_poll = *self.first_poll.get_or_insert(now);
        let plan = self.plan();
        let mut order = GovernedSource::ALL.to_vec();
        order.sort_by_key(|s| !self.state(*s).visible);
        let mut tokens = self.tokens;
        let mut due = Vec::new();
        for source in order {
            let state = self.state(source);
            // Polls come every `fast`, give or take the time a poll takes: a source is
            // read at the poll nearest its schedule, not the one after.
            let age = now.saturating_duration_since(state.last_read.unwrap_or(first_poll))
                + self.fast / 2;
            let bound = if state.visible {
                VISIBLE_MAX
            } else {
                HIDDEN_MAX
            };
            // A source that follows the refresh is read at every poll, however the polls
            // bunch up after a slow one.
            let interval = plan.get(source).interval;
            let scheduled = state.last_read.is_none() || age >= interval || interval <= self.fast;
            let affordable = if state.visible {
                tokens >= 0.0
            } else {
                tokens > 0.0
            };
            // Until its panel can show something: one read, or two for the statements
            // (their figures are rates between reads; one read alone shows nothing, and
            // "no statement activity" would be false).
            let shown_after = if source == GovernedSource::Statements {
                2
            } else {
                1
            };
            let now_or_never = state.forced || (state.visible && state.reads < shown_after);
            if now_or_never || age >= bound.max(state.desired) || (scheduled && affordable) {
                tokens -= state.cost.unwrap_or(self.budget.as_secs_f64() / 4.0);
                due.push(source);
            }
        }
        due
    }
}

/// Shares `supply` among demands: each gets its demand or an equal level, whichever is
/// smaller, the level set so the shares add up to the supply (or every demand met).
/// Returns the shares, in the demands' order, and what they add up to.
fn water_fill(wants: &[f64], supply: f64) -> (Vec<f64>, f64) {
    let total: f64 = wants.iter().sum();
    if total <= supply {
        return (wants.to_vec(), total);
    }
    let mut sorted: Vec<f64> = wants.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mut left = supply;
    let mut level = 0.0;
    for (i, want) in sorted.iter().enumerate() {
        let others = (sorted.len() - i) as f64;
        if want * others <= left {
            left -= want;
        } else {
            level = left / others;
            break;
        }
    }
    let shares: Vec<f64> = wants.iter().map(|w| w.min(level)).collect();
    (shares, supply)
}

#[cfg(test)]
#[path = "governor_tests.rs"]
mod tests;
