//! The last hour of activity samples, folded into counts per (wait class, wait event,
//! statement, user, application): what a wait-load chart stacks and what its tables rank.
//! Built from the fast tier's `pg_stat_activity` rows, so it costs the server nothing.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use super::class::{WaitClass, is_sampled};
use super::interner::Interner;
use crate::monitor::snapshot::Session;

/// How long samples are kept: the live view's history.
pub const KEEP: Duration = Duration::from_secs(3600);
/// At most this many samples, whatever the refresh (an hour at 0.5 s).
const MAX_SAMPLES: usize = 7200;
/// Statement texts are kept this long at most (characters): enough to recognise one.
const TEXT_CHARS: usize = 160;

/// What a statement is grouped by: its query id (PostgreSQL 14+ with `compute_query_id`),
/// else its text.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum StatementIdentity {
    QueryId(i64),
    Text(Arc<str>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Dimensions {
    class: WaitClass,
    /// The wait event's name (empty on CPU).
    event: u32,
    statement: u32,
    user: u32,
    application: u32,
}

/// One poll's sampled sessions.
#[derive(Debug, Clone)]
struct Sample {
    at: SystemTime,
    /// Distinct dimensions with how many sessions had them.
    counts: Box<[(Dimensions, u32)]>,
    /// Sessions the role may not see (no `pg_read_all_stats`): whether they were active
    /// is unknown, so they are not counted, and the chart says how many there were.
    hidden: u32,
}

/// One row of a ranking: who or what, and the average number of active sessions it
/// accounts for over the range.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranked {
    pub label: Arc<str>,
    /// The wait class (for wait events; a statement's or user's most frequent one).
    pub class: WaitClass,
    pub average_sessions: f64,
    /// Share of the range's load, 0–1.
    pub share: f64,
}

/// The load over a range of time, and who made it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Breakdown {
    /// Polls sampled in the range.
    pub samples: usize,
    /// Sessions counted over all those polls (the chart's total × samples).
    pub sessions_sampled: u64,
    /// Average active sessions per class, in [`WaitClass::ALL`] order.
    pub by_class: [f64; WaitClass::COUNT],
    pub events: Vec<Ranked>,
    pub statements: Vec<Ranked>,
    pub users: Vec<Ranked>,
    pub applications: Vec<Ranked>,
}

impl Breakdown {
    /// Average active sessions over the range, all classes.
    pub fn average_sessions(&self) -> f64 {
        self.by_class.iter().sum()
    }
}

/// One column of the chart: the average active sessions per class over its slice of
/// time, `None` when no poll fell in it (pgpulse was not connected, or not running).
pub type Column = Option<[f64; WaitClass::COUNT]>;

/// The samples of the last hour.
#[derive(Debug, Clone, Default)]
pub struct WaitLoad {
    samples: VecDeque<Sample>,
    events: Interner<Arc<str>>,
    statements: Interner<StatementIdentity>,
    /// The text shown for each statement number (the first seen for a query id).
    statement_texts: HashMap<u32, Arc<str>>,
    names: Interner<Arc<str>>,
}

impl WaitLoad {
    /// Adds the sessions of a poll taken at `at`, dropping samples older than [`KEEP`].
    pub fn record(&mut self, at: SystemTime, sessions: &[Session]) {
        let mut counts: HashMap<Dimensions, u32> = HashMap::new();
        for session in sessions.iter().filter(|s| is_sampled(s)) {
            let dimensions = self.dimensions(session);
            *counts.entry(dimensions).or_default() += 1;
        }
        let mut counts: Vec<_> = counts.into_iter().collect();
        counts.sort_unstable_by_key(|(d, _)| (d.class, d.event, d.statement, d.user));
        // A clock stepped back: samples after `at` would be out of order, so they go.
        while self.samples.back().is_some_and(|last| last.at > at) {
            self.samples.pop_back();
        }
        let hidden = crate::analysis::metrics::hidden_sessions(sessions);
        self.samples.push_back(Sample {
            at,
            counts: counts.into_boxed_slice(),
            hidden: u32::try_from(hidden).unwrap_or(u32::MAX),
        });
        let oldest = at.checked_sub(KEEP).unwrap_or(SystemTime::UNIX_EPOCH);
        while self.samples.front().is_some_and(|s| s.at < oldest)
            || self.samples.len() > MAX_SAMPLES
        {
            self.samples.pop_front();
        }
        self.compact_when_mostly_unused();
    }

    /// The active sessions of the newest poll taken at or before `at`.
    pub fn sessions_at(&self, at: SystemTime) -> Option<u32> {
        let after = self.samples.partition_point(|s| s.at <= at);
        let sample = self.samples.get(after.checked_sub(1)?)?;
        Some(sample.counts.iter().map(|(_, n)| n).sum())
    }

    /// How many sessions the newest poll at or before `at` could not see.
    pub fn hidden_at(&self, at: SystemTime) -> u32 {
        let after = self.samples.partition_point(|s| s.at <= at);
        after
            .checked_sub(1)
            .and_then(|i| self.samples.get(i))
            .map_or(0, |s| s.hidden)
    }

    /// The time of the oldest and newest sample.
    pub fn span(&self) -> Option<(SystemTime, SystemTime)> {
        Some((self.samples.front()?.at, self.samples.back()?.at))
    }

    /// `columns` slices of `(from, to]`, each the average over the polls in it.
    pub fn columns(&self, from: SystemTime, to: SystemTime, columns: usize) -> Vec<Column> {
        let mut sums = vec![([0.0; WaitClass::COUNT], 0u32); columns];
        let Ok(span) = to.duration_since(from) else {
            return vec![None; columns];
        };
        if columns == 0 || span.is_zero() {
            return vec![None; columns];
        }
        for sample in self.in_range(from, to) {
            // A poll at the very end of a slice belongs to it: `(start, end]`.
            let offset = sample.at.duration_since(from).unwrap_or_default();
            let position = (offset.as_secs_f64() / span.as_secs_f64()) * columns as f64;
            // (Less a hair: a poll exactly on a boundary must not round up a slice.)
            let column = ((position - 1e-9).ceil() as usize).saturating_sub(1);
            let Some((sum, polls)) = sums.get_mut(column.min(columns - 1)) else {
                continue;
            };
            *polls += 1;
            for (dimensions, sessions) in &sample.counts {
                sum[dimensions.class.index()] += f64::from(*sessions);
            }
        }
        sums.into_iter()
            .map(|(sum, polls)| (polls > 0).then(|| sum.map(|s| s / f64::from(polls))))
            .collect()
    }

    /// The load over `(from, to]` and the `limit` largest contributors of each kind.
    pub fn breakdown(&self, from: SystemTime, to: SystemTime, limit: usize) -> Breakdown {
        let mut breakdown = Breakdown::default();
        let mut events: HashMap<(WaitClass, u32), u64> = HashMap::new();
        let mut statements: HashMap<u32, [u64; WaitClass::COUNT]> = HashMap::new();
        let mut users: HashMap<u32, [u64; WaitClass::COUNT]> = HashMap::new();
        let mut applications: HashMap<u32, [u64; WaitClass::COUNT]> = HashMap::new();
        let mut by_class = [0u64; WaitClass::COUNT];
        for sample in self.in_range(from, to) {
            breakdown.samples += 1;
            for (d, sessions) in &sample.counts {
                let n = u64::from(*sessions);
                let class = d.class.index();
                by_class[class] += n;
                *events.entry((d.class, d.event)).or_default() += n;
                statements.entry(d.statement).or_default()[class] += n;
                users.entry(d.user).or_default()[class] += n;
                applications.entry(d.application).or_default()[class] += n;
            }
        }
        breakdown.sessions_sampled = by_class.iter().sum();
        if breakdown.samples == 0 {
            return breakdown;
        }
        let polls = breakdown.samples as f64;
        let total = breakdown.sessions_sampled as f64;
        breakdown.by_class = by_class.map(|n| n as f64 / polls);
        let rank = |label: Arc<str>, class: WaitClass, n: u64| Ranked {
            label,
            class,
            average_sessions: n as f64 / polls,
            share: if total > 0.0 { n as f64 / total } else { 0.0 },
        };
        breakdown.events = top(
            events.into_iter().map(|((class, event), n)| {
                let name = self.events.get(event).cloned().unwrap_or_default();
                let label: Arc<str> = if name.is_empty() {
                    Arc::from(class.label())
                } else {
                    Arc::from(format!("{}:{name}", class.label()))
                };
                rank(label, class, n)
            }),
            limit,
        );
        let by_dominant = |label: Arc<str>, per_class: [u64; WaitClass::COUNT]| {
            let (dominant, _) = WaitClass::ALL
                .iter()
                .map(|c| (*c, per_class[c.index()]))
                .max_by_key(|(_, n)| *n)
                .unwrap_or((WaitClass::Cpu, 0));
            rank(label, dominant, per_class.iter().sum())
        };
        breakdown.statements = top(
            statements.into_iter().map(|(id, per_class)| {
                let text = self.statement_texts.get(&id).cloned().unwrap_or_default();
                by_dominant(text, per_class)
            }),
            limit,
        );
        breakdown.users = top(
            users.into_iter().map(|(id, per_class)| {
                by_dominant(self.names.get(id).cloned().unwrap_or_default(), per_class)
            }),
            limit,
        );
        breakdown.applications = top(
            applications.into_iter().map(|(id, per_class)| {
                by_dominant(self.names.get(id).cloned().unwrap_or_default(), per_class)
            }),
            limit,
        );
        breakdown
    }

    fn in_range(&self, from: SystemTime, to: SystemTime) -> impl Iterator<Item = &Sample> {
        // Half-open at the start, so the last minute at one poll a second is 60 polls.
        self.samples
            .iter()
            .filter(move |s| s.at > from && s.at <= to)
    }

    fn dimensions(&mut self, session: &Session) -> Dimensions {
        let class = WaitClass::of_wait(session.wait_event_type.as_ref());
        let event_name = match (&class, &session.wait_event) {
            (WaitClass::Cpu, _) | (_, None) => "",
            (_, Some(event)) => event.as_str(),
        };
        let statement = match session.query_id {
            Some(id) if id != 0 => self.statements.id(&StatementIdentity::QueryId(id)),
            _ => self
                .statements
                .id(&StatementIdentity::Text(shortened(&session.query))),
        };
        self.statement_texts
            .entry(statement)
            .or_insert_with(|| shortened(&session.query));
        Dimensions {
            class,
            event: self.events.id_of_str(event_name),
            statement,
            user: self.names.id_of_str(session.user.as_deref().unwrap_or("")),
            application: self.names.id_of_str(&session.application),
        }
    }

    /// Drops the statements, names and events no sample names once they are more than
    /// half of what is stored (and more than a few thousand): memory stays proportional
    /// to the hour kept, not to how long pgpulse ran.
    fn compact_when_mostly_unused(&mut self) {
        const FLOOR: usize = 4096;
        if self.statements.len() < FLOOR && self.names.len() < FLOOR && self.events.len() < FLOOR {
            return;
        }
        let mut statements = vec![false; self.statements.len()];
        let mut names = vec![false; self.names.len()];
        let mut events = vec![false; self.events.len()];
        for (d, _) in self.samples.iter().flat_map(|s| s.counts.iter()) {
            mark(&mut statements, d.statement);
            mark(&mut names, d.user);
            mark(&mut names, d.application);
            mark(&mut events, d.event);
        }
        let live = |used: &[bool]| used.iter().filter(|u| **u).count();
        if live(&statements) * 2 > statements.len()
            && live(&names) * 2 > names.len()
            && live(&events) * 2 > events.len()
        {
            return;
        }
        let statement_map = self.statements.retain(&statements);
        let name_map = self.names.retain(&names);
        let event_map = self.events.retain(&events);
        self.statement_texts = std::mem::take(&mut self.statement_texts)
            .into_iter()
            .filter_map(|(id, text)| Some((remapped(&statement_map, id)?, text)))
            .collect();
        for sample in &mut self.samples {
            for (d, _) in sample.counts.iter_mut() {
                // Every number here was marked used above, so each one has a new number.
                d.statement = remapped(&statement_map, d.statement).unwrap_or(d.statement);
                d.user = remapped(&name_map, d.user).unwrap_or(d.user);
                d.application = remapped(&name_map, d.application).unwrap_or(d.application);
                d.event = remapped(&event_map, d.event).unwrap_or(d.event);
            }
        }
    }
}

fn mark(used: &mut [bool], id: u32) {
    if let Some(slot) = used.get_mut(id as usize) {
        *slot = true;
    }
}

fn remapped(map: &[Option<u32>], id: u32) -> Option<u32> {
    map.get(id as usize).copied().flatten()
}

/// The `limit` largest, largest first; ties by label so the order is stable.
fn top(rows: impl Iterator<Item = Ranked>, limit: usize) -> Vec<Ranked> {
    let mut rows: Vec<Ranked> = rows.collect();
    rows.sort_by(|a, b| {
        b.average_sessions
            .total_cmp(&a.average_sessions)
            .then_with(|| a.label.cmp(&b.label))
    });
    rows.truncate(limit);
    rows
}

/// The first [`TEXT_CHARS`] characters of a statement (already one sanitized line), its
/// runs of spaces (the line breaks and indentation of a formatted query) made one.
fn shortened(text: &str) -> Arc<str> {
    let mut out = String::with_capacity(text.len().min(TEXT_CHARS * 4));
    let mut chars = 0;
    for word in text.split_whitespace() {
        if chars >= TEXT_CHARS {
            out.push('…');
            return Arc::from(out);
        }
        if !out.is_empty() {
            out.push(' ');
            chars += 1;
        }
        for c in word.chars() {
            if chars >= TEXT_CHARS {
                out.push('…');
                return Arc::from(out);
            }
            out.push(c);
            chars += 1;
        }
    }
    Arc::from(out)
}
