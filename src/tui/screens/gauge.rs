//! Text gauges, `label ████████░░░░ used/max percent`, with their columns aligned over
//! several rows. Drawn with characters rather than ratatui's `Gauge`, whose filled part
//! is a background colour: the `mono` theme has no colours, so it would vanish.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::table::Severity;
use crate::analysis::metrics::Level;
use crate::text::format;
use crate::tui::theme::{Role, Theme};

/// One gauge row: `label ██████░░░░ count percent note`.
pub struct Gauge {
    pub label: String,
    /// `used/max`.
    pub count: String,
    pub ratio: f64,
    pub level: Level,
    /// Shown after the percentage when the line has room.
    pub note: String,
}

/// Gauge rows with their columns aligned: labels, bars filling the width, counts and
/// percentages. Notes are dropped when they would squeeze the bars too much.
pub fn gauge_lines(theme: &Theme, gauges: &[Gauge], width: usize) -> Vec<Line<'static>> {
    let longest = |text: fn(&Gauge) -> String| {
        gauges
            .iter()
            .map(|g| text(g).chars().count())
            .max()
            .unwrap_or(0)
    };
    // Labels may take two fifths of the line: pool names are often long, and the bar
    // still gets the larger part.
    let label_width = longest(|g| g.label.clone()).min(width * 2 / 5);
    let count_width = longest(|g| g.count.clone());
    let percent_width = longest(|g| format::percent(Some(g.ratio)));
    let note_width = longest(|g| g.note.clone());
    let fixed = label_width + 1 + 1 + count_width + 1 + percent_width;
    // Notes only when the bar keeps at least 20 cells: the bar is the point.
    let show_notes = note_width > 0 && width >= fixed + 2 + note_width + 20;
    let bar_width = width.saturating_sub(fixed + if show_notes { 2 + note_width } else { 0 });
    gauges
        .iter()
        .map(|gauge| {
            let role = Severity::of_level(gauge.level).role();
            let mut spans = vec![Span::styled(
                format!(
                    "{:<label_width$} ",
                    format::truncate(&gauge.label, label_width)
                ),
                theme.style(Role::Text),
            )];
            spans.extend(bar(theme, gauge.ratio, gauge.level, bar_width));
            spans.push(Span::styled(
                format!(
                    " {:>count_width$} {:>percent_width$}",
                    gauge.count,
                    format::percent(Some(gauge.ratio))
                ),
                theme.style(role),
            ));
            if show_notes {
                spans.push(Span::styled(
                    format!("  {}", gauge.note),
                    theme.style(Role::Muted),
                ));
            }
            Line::from(spans)
        })
        .collect()
}

/// `████████░░░░`: the filled part in the gauge role tinted by the level, the rest in
/// the empty-gauge role. Past 100 % the bar is simply full.
fn bar(theme: &Theme, ratio: f64, level: Level, width: usize) -> Vec<Span<'static>> {
    let ratio = if ratio.is_finite() {
        ratio.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let mut filled = ((ratio * width as f64).round() as usize).min(width);
    // Some use must not look like none.
    if ratio > 0.0 && filled == 0 {
        filled = width.min(1);
    }
    vec![
        Span::styled("█".repeat(filled), fill_style(theme, level)),
        Span::styled("░".repeat(width - filled), theme.style(Role::GaugeEmpty)),
    ]
}

/// The gauge style with the level's colour. Only the colour: the level's other
/// attributes (the `mono` theme's crit is reversed) would make block characters look
/// empty, and the numbers after the bar carry the level in full anyway.
fn fill_style(theme: &Theme, level: Level) -> Style {
    let gauge = theme.style(Role::Gauge);
    match (level, theme.style(Severity::of_level(level).role()).fg) {
        (Level::Ok, _) | (_, None) => gauge,
        (_, Some(colour)) => gauge.fg(colour),
    }
}
