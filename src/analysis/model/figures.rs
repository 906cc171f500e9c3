//! The single numbers the Dashboard's tiles and the screens' summary lines show, computed
//! once per absorbed snapshot from what is on screen.

use std::collections::HashMap;

use crate::analysis::index_flags::IndexFlags;
use crate::analysis::metrics::{cumulative_cache_hit_ratio, dead_tuple_ratio, index_usage_ratio};
use crate::monitor::snapshot::{DatabaseCounters, Snapshot};

/// Ratios over the whole database (or server), `None` where there is nothing to divide.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Figures {
    /// Index scans among all scans of the user tables.
    pub index_usage: Option<f64>,
    /// Dead tuples among all tuples of the user tables.
    pub dead_tuples: Option<f64>,
    /// Hits over all block requests of every database since their stats resets.
    pub cumulative_cache_hit: Option<f64>,
    /// How many indexes carry each flag.
    pub flagged_indexes: IndexFlagCounts,
}

/// How many indexes are unused, duplicate, a redundant prefix, or invalid.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IndexFlagCounts {
    pub unused: usize,
    pub duplicate: usize,
    pub prefix: usize,
    /// Invalid, `_ccnew` leftovers included.
    pub invalid: usize,
}

impl IndexFlagCounts {
    /// Whether no index is flagged at all.
    pub fn none(&self) -> bool {
        *self == Self::default()
    }
}

impl Figures {
    /// The figures of the snapshot on screen.
    pub(super) fn of(shown: &Snapshot, flags: &HashMap<u32, IndexFlags>) -> Self {
        let totals = shown
            .slow
            .as_deref()
            .and_then(|slow| slow.table_totals.as_ref().ok());
        Self {
            index_usage: totals.and_then(index_usage_ratio),
            dead_tuples: totals.and_then(dead_tuple_ratio),
            cumulative_cache_hit: shown
                .databases
                .as_deref()
                .ok()
                .and_then(cumulative_cache_hit),
            flagged_indexes: IndexFlagCounts {
                unused: flags.values().filter(|f| f.unused).count(),
                duplicate: flags.values().filter(|f| f.duplicate_of.is_some()).count(),
                prefix: flags
                    .values()
                    .filter(|f| f.redundant_prefix_of.is_some())
                    .count(),
                invalid: flags
                    .values()
                    .filter(|f| f.invalid || f.ccnew_leftover)
                    .count(),
            },
        }
    }
}

/// Every database's counters summed, judged by the same function as one database.
fn cumulative_cache_hit(databases: &[DatabaseCounters]) -> Option<f64> {
    let first = databases.first()?;
    let total = databases.iter().fold(
        DatabaseCounters {
            blks_hit: 0,
            blks_read: 0,
            ..first.clone()
        },
        |mut sum, db| {
            sum.blks_hit = sum.blks_hit.saturating_add(db.blks_hit);
            sum.blks_read = sum.blks_read.saturating_add(db.blks_read);
            sum
        },
    );
    cumulative_cache_hit_ratio(&total)
}
