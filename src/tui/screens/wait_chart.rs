//! The wait-load chart: average active sessions over time, stacked by what they wait on
//! (CPU at the bottom), with a legend of the classes in view. The Dashboard shows a small
//! one; the Waits screen a tall one over the chosen window.

use std::time::{Duration, SystemTime};

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use crate::analysis::wait_load::{Column, WaitClass, WaitLoad};
use crate::tui::theme::{Role, Theme};

/// Eighths of a cell: the block characters' resolution.
const EIGHTHS: u32 = 8;

/// A stacked column chart, ready to draw.
#[derive(Debug, Clone, PartialEq)]
pub struct StackedChart {
    /// The box, border included.
    pub area: Rect,
    pub title: Line<'static>,
    /// One per column of the plot, oldest first: the bands bottom-up with their height
    /// in eighths of a cell; `None` where no poll fell (pgpulse was not connected).
    pub columns: Vec<Option<Vec<(Role, u16)>>>,
    /// The classes in view with their averages, drawn on the last row inside the box.
    pub legend: Option<Line<'static>>,
}

/// The colour of a wait class.
pub fn role_of(class: WaitClass) -> Role {
    match class {
        WaitClass::Cpu => Role::WaitCpu,
        WaitClass::IO => Role::WaitIo,
        WaitClass::Lock => Role::WaitLock,
        WaitClass::LWLock | WaitClass::BufferPin => Role::WaitLwlock,
        WaitClass::IPC => Role::WaitIpc,
        WaitClass::Client => Role::WaitClient,
        WaitClass::Timeout | WaitClass::Activity | WaitClass::Extension | WaitClass::Other => {
            Role::WaitOther
        }
    }
}

/// What the chart covers and how it is labelled.
pub struct ChartSpec<'a> {
    pub load: &'a WaitLoad,
    pub theme: &'a Theme,
    /// The end of the window (now, live).
    pub until: SystemTime,
    pub window: Duration,
    /// The fast tier's interval: a column is never narrower than one poll, or the chart
    /// would be combed with gaps.
    pub refresh: Duration,
    /// The words before the figures in the title (`load`, `Load by wait · 15m`).
    pub label: &'a str,
    pub legend: bool,
}

/// The chart of `spec` in `area` (border included).
pub fn chart(spec: &ChartSpec, area: Rect) -> StackedChart {
    let inner_width = usize::from(area.width.saturating_sub(2));
    let legend_rows = u16::from(spec.legend && area.height >= 5);
    let plot_rows = area.height.saturating_sub(2 + legend_rows);
    let from = spec.until.checked_sub(spec.window).unwrap_or(spec.until);
    let to = spec.until;
    let polls = (spec.window.as_secs_f64() / spec.refresh.as_secs_f64().max(0.001)) as usize;
    let slices = inner_width.min(polls.max(1));
    let sliced = bridged(spec.load.columns(from, to, slices));
    // Each slice spread over the columns it covers, so a slice keeps its width.
    let raw: Vec<_> = (0..inner_width)
        .map(|x| {
            sliced
                .get(x * slices / inner_width.max(1))
                .copied()
                .flatten()
        })
        .collect();
    let peak = raw
        .iter()
        .flatten()
        .map(|c| c.iter().sum::<f64>())
        .fold(0.0, f64::max);
    // A whole number of sessions at the top, so the height reads as a count.
    let top = peak.ceil().max(1.0);
    let columns = raw
        .iter()
        .map(|column| column.map(|c| bands(&c, top, plot_rows)))
        .collect();
    let breakdown = spec.load.breakdown(from, to, 0);
    // "now" is the newest poll's count, not the last column's average.
    let now = spec.load.sessions_at(spec.until).map(f64::from);
    let figures = match now {
        Some(now) => format!(
            "now {} · avg {} · peak {} sessions",
            sessions(now),
            sessions(breakdown.average_sessions()),
            sessions(peak)
        ),
        None => "no samples yet".to_string(),
    };
    // Hidden is not zero: sessions the role cannot see are not in the chart, and it says so
    // (first, so a narrow title keeps it over the averages).
    let hidden = spec.load.hidden_at(spec.until);
    let hidden = if hidden > 0 {
        format!(" · {hidden} hidden")
    } else {
        String::new()
    };
    let room = usize::from(area.width.saturating_sub(4));
    let title = crate::tui::fit::fit_title(&format!("{}{hidden} · {figures}", spec.label), room);
    StackedChart {
        area,
        title: Line::from(Span::styled(
            format!(" {title} "),
            spec.theme.style(Role::Title),
        )),
        columns,
        legend: (legend_rows > 0).then(|| legend(spec.theme, &breakdown.by_class, inner_width)),
    }
}

/// Slices about one poll wide get none or two when the polls drift a little: a lone empty
/// slice between two with polls takes their average, so the chart is not combed with
/// gaps. Two empty slices in a row are a real gap (no poll for that long) and stay.
fn bridged(mut slices: Vec<Column>) -> Vec<Column> {
    for i in 1..slices.len().saturating_sub(1) {
        if let (Some(before), None, Some(after)) = (slices[i - 1], slices[i], slices[i + 1]) {
            let mut mean = before;
            for (m, a) in mean.iter_mut().zip(after) {
                *m = (*m + a) / 2.0;
            }
            slices[i] = Some(mean);
        }
    }
    slices
}

/// The bands of one column bottom-up, in eighths of a cell out of `rows` cells for `top`
/// sessions. Rounded on the running total, so the bands add up to the column's height.
fn bands(column: &[f64; WaitClass::COUNT], top: f64, rows: u16) -> Vec<(Role, u16)> {
    let full = f64::from(u32::from(rows) * EIGHTHS);
    let mut below = 0.0;
    let mut drawn = 0u16;
    let mut out = Vec::new();
    for class in WaitClass::ALL {
        let value = column[class.index()];
        if value <= 0.0 {
            continue;
        }
        below += value;
        let height = ((below / top) * full).round().min(full) as u16;
        if height > drawn {
            out.push((role_of(class), height - drawn));
            drawn = height;
        }
    }
    out
}

/// `■ CPU 2.1  ■ Lock 0.8 …`: the classes with load in the window, largest first, as
/// many as fit whole in `width`.
fn legend(theme: &Theme, by_class: &[f64; WaitClass::COUNT], width: usize) -> Line<'static> {
    let mut classes: Vec<(WaitClass, f64)> = WaitClass::ALL
        .iter()
        .map(|c| (*c, by_class[c.index()]))
        .filter(|(_, v)| *v > 0.0)
        .collect();
    classes.sort_by(|a, b| b.1.total_cmp(&a.1));
    let mut spans = Vec::new();
    let mut used = 0;
    for (class, value) in classes {
        let text = format!("{} {}  ", class.label(), sessions(value));
        let needed = 2 + text.chars().count();
        if used + needed > width {
            break;
        }
        used += needed;
        spans.push(Span::styled("■ ", theme.style(role_of(class))));
        spans.push(Span::styled(text, theme.style(Role::Text)));
    }
    if spans.is_empty() {
        spans.push(Span::styled("no active sessions", theme.style(Role::Muted)));
    }
    Line::from(spans)
}

/// Average sessions with one decimal below ten, whole above; a load too small for one
/// decimal is `<0.1`, never `0.0`, which would read as none.
pub fn sessions(value: f64) -> String {
    if value > 0.0 && value < 0.05 {
        "<0.1".to_string()
    } else if value < 9.95 {
        format!("{value:.1}")
    } else {
        format!("{value:.0}")
    }
}
