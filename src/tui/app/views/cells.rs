//! How a value becomes a table cell: its text, the key it sorts by and its colour; `-`
//! (sorted last) when there is no value.

use std::time::Duration;

use super::super::table::{Cell, Severity, SortKey};
use crate::analysis::metrics::Level;
use crate::text::format;

pub(super) fn cell(text: impl Into<String>) -> Cell {
    Cell {
        text: text.into(),
        severity: Severity::Normal,
    }
}

pub(super) fn text(value: Option<&str>) -> (Cell, SortKey) {
    match value {
        Some(v) => (cell(v), SortKey::Text(v.to_string())),
        None => (
            Cell {
                text: "-".into(),
                severity: Severity::Muted,
            },
            SortKey::Missing,
        ),
    }
}

pub(super) fn number(
    value: Option<f64>,
    shown: impl FnOnce(f64) -> String,
    severity: Severity,
) -> (Cell, SortKey) {
    match value {
        Some(v) if v.is_finite() => (
            Cell {
                text: shown(v),
                severity,
            },
            SortKey::Number(v),
        ),
        _ => (
            Cell {
                text: "-".into(),
                severity: Severity::Muted,
            },
            SortKey::Missing,
        ),
    }
}

pub(super) fn age(value: Option<Duration>, severity: Severity) -> (Cell, SortKey) {
    number(
        value.map(|d| d.as_secs_f64()),
        |s| format::age(Duration::from_secs_f64(s)),
        severity,
    )
}

/// Crit, Warn or neither, as the rank the attention column sorts by.
pub(super) fn rank(severity: Severity) -> u8 {
    match severity {
        Severity::Crit => 2,
        Severity::Warn => 1,
        Severity::Normal | Severity::Muted => 0,
    }
}

pub(super) fn severity_of(level: Level) -> Severity {
    match level {
        Level::Crit => Severity::Crit,
        Level::Warn => Severity::Warn,
        Level::Ok => Severity::Normal,
    }
}

/// The `!!` / `!` gutter: the row's worst judgement, sorted on as a number.
pub(super) fn attention(severity: Severity) -> (Cell, SortKey) {
    let text = match rank(severity) {
        2 => "!!",
        1 => "!",
        _ => "",
    };
    (
        Cell {
            text: text.into(),
            severity,
        },
        SortKey::Number(f64::from(rank(severity))),
    )
}

pub(super) fn percent_cell(value: f64, severity: Severity) -> (Cell, SortKey) {
    number(Some(value), |p| format!("{p:.1}%"), severity)
}

/// Text sorted as itself, in a colour.
pub(super) fn label(text: &str, severity: Severity) -> (Cell, SortKey) {
    (
        Cell {
            text: text.to_string(),
            severity,
        },
        SortKey::Text(text.to_string()),
    )
}

pub(super) fn warn_if(condition: bool) -> Severity {
    if condition {
        Severity::Warn
    } else {
        Severity::Normal
    }
}
