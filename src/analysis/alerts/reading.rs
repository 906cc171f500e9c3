//! What a rule that fired reports.

use crate::analysis::metrics::Level;

/// A rule that fired: how bad, the value now, and the limit it crossed (`≥ 30s`).
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    /// `Warn` or `Crit`, never `Ok`.
    pub level: Level,
    /// The current value, formatted (`72.4%`, `41s (pid 4242)`).
    pub value: String,
    /// The limit of `level`, with its comparison (`< 85.0%`, `≥ 30s`).
    pub threshold: String,
}
