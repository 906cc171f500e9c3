//! What the screens put in boxes: a braille line chart with its bounds and labels
//! ([`Plot`]), and a bordered box of text lines ([`Panel`]).

use ratatui::layout::Rect;
use ratatui::text::Line;

use crate::tui::theme::Role;

/// A braille line chart, ready to draw.
#[derive(Debug, Clone, PartialEq)]
pub struct Plot {
    pub area: Rect,
    /// The box around it: its title and whether it has a border.
    pub title: Line<'static>,
    pub bordered: bool,
    /// `(x, y)` oldest first; x is seconds relative to "now" (≤ 0).
    pub points: Vec<(f64, f64)>,
    pub role: Role,
    pub x_bounds: [f64; 2],
    pub y_bounds: [f64; 2],
    /// Labels for the ends of each axis, when the chart has room for them.
    pub x_labels: Option<[String; 2]>,
    pub y_labels: Option<[String; 2]>,
    /// A single point is drawn as a dot (a line needs two).
    pub dot_when_single: bool,
}

/// Charts shorter than this get no axis labels: the plot itself matters more.
pub const MIN_HEIGHT_FOR_LABELS: u16 = 8;

/// A box of text lines.
#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    pub area: Rect,
    /// The title on the top border (empty for none).
    pub title: Line<'static>,
    /// The border's role; `None` draws no border.
    pub border: Option<Role>,
    pub lines: Vec<Line<'static>>,
    /// Whether long lines wrap (and whether wrapping trims their indent).
    pub wrap: Option<bool>,
}

impl Panel {
    /// A bordered box titled `title`.
    pub fn bordered(area: Rect, title: Line<'static>, lines: Vec<Line<'static>>) -> Self {
        Self {
            area,
            title,
            border: Some(Role::Border),
            lines,
            wrap: None,
        }
    }
}

/// The data's own y range with some headroom, so variation is visible; ratios stay
/// within 0–100 % and nothing goes below zero (sizes, rows and ratios never do).
pub fn padded_bounds(points: &[(f64, f64)], ratio: bool) -> [f64; 2] {
    let (min, max) = points
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &(_, v)| {
            (lo.min(v), hi.max(v))
        });
    if !min.is_finite() || !max.is_finite() {
        return [0.0, 1.0];
    }
    let span = (max - min).max(max.abs() * 0.05).max(1e-6);
    let (low, high) = ((min - span * 0.2).max(0.0), max + span * 0.2);
    if ratio {
        [low.min(0.999), high.min(1.0)]
    } else {
        [low, high]
    }
}
