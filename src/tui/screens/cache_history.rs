//! The Cache screen's bottom band: the selected table's rows of
//! `database_statistics_snapshot` over the history window, as a hit-ratio chart and a
//! size (or row count) chart, with its growth per day.

use std::time::Duration;

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};

use super::empty::Empty;
use super::plot::{MIN_HEIGHT_FOR_LABELS, Panel, Plot, padded_bounds};
use super::state::TableId;
use super::table::{RowId, Severity};
use crate::analysis::tables::growth_per_day;
use crate::monitor::snapshot::SectionError;
use crate::monitor::snapshot::cache::{SnapshotHistory, SnapshotPoint};
use crate::text::format;
use crate::tui::app::App;
use crate::tui::keymap::Action;
use crate::tui::theme::Role;

/// The band as drawn: a box titled with the table and window, holding two charts or a
/// message.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryView {
    pub area: Rect,
    pub title: Line<'static>,
    pub body: HistoryBody,
}

/// What the band holds.
// One per frame: boxing the charts would only add an allocation.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum HistoryBody {
    /// Why there is no history to chart, and the fix.
    Message(Vec<Line<'static>>),
    /// The hit ratio on the left, the size (or rows) on the right; a chart without
    /// points says so instead.
    Charts([Result<Plot, Panel>; 2]),
}

/// The band in `area`; `listed` says whether the table above has rows to select.
pub fn view(app: &App, area: Rect, listed: bool) -> HistoryView {
    let theme = app.theme();
    let table = selected_table(app);
    let name = table
        .as_ref()
        .map_or("Table history", |t| t.qualified.as_str());
    let slow = app.model().slow();
    let message = |history: Option<&SnapshotHistory>, lines: Vec<String>| HistoryView {
        area,
        title: title(app, name, history, ""),
        body: HistoryBody::Message(
            lines
                .into_iter()
                .map(|l| Line::from(Span::styled(l, theme.style(Role::Muted))))
                .collect(),
        ),
    };
    let history = match slow.map(|slow| &slow.snapshot_history) {
        None => return message(None, vec![Empty::FirstSlowPoll.message(app.keymap())]),
        Some(Err(SectionError::Unavailable { reason, fix })) => {
            let mut lines = vec![format!("no history: {reason}")];
            if let Some(fix) = fix {
                lines.push(format!("fix: {fix}"));
            }
            return message(None, lines);
        }
        Some(Err(error @ SectionError::Failed(_))) => {
            let source = "database_statistics_snapshot";
            let read = Empty::CouldNotRead { source, error };
            return message(None, vec![read.message(app.keymap())]);
        }
        Some(Ok(history)) => history,
    };
    let Some(table) = table.as_ref() else {
        let line = if listed {
            "select a table above to see its history"
        } else {
            "no table listed above: no history to show"
        };
        return message(Some(history), vec![line.to_string()]);
    };
    let points = table_points(history, table);
    if points.is_empty() {
        let mut lines = vec![format!(
            "no snapshots of {} in the last {} in database_statistics_snapshot (rows are written by the application's snapshot job)",
            table.qualified,
            window_label(history.window)
        )];
        if history.truncated {
            lines.push(
                "(the history was cut at 20,000 rows: tables late in name order are missing)"
                    .into(),
            );
        }
        return message(Some(history), lines);
    }
    let growth = growth_per_day(&points).map(|g| {
        let sign = if g < 0.0 { "-" } else { "+" };
        format!(
            " · growth {sign}{}/day",
            format::bytes(g.abs().round() as i64)
        )
    });
    let title = title(app, name, Some(history), growth.as_deref().unwrap_or(""));
    // The outer box's border takes a cell on every side.
    let inner = Rect::new(
        area.x.saturating_add(1),
        area.y.saturating_add(1),
        area.width.saturating_sub(2),
        area.height.saturating_sub(2),
    );
    let now = slow.map_or(app.now(), |s| s.taken_at);
    let x = |p: &SnapshotPoint| -now.duration_since(p.at).unwrap_or_default().as_secs_f64();
    let window = history.window.as_secs_f64();
    let [left, right] =
        Layout::horizontal([Constraint::Ratio(1, 2), Constraint::Ratio(1, 2)]).areas(inner);
    let ratios: Vec<(f64, f64)> = points
        .iter()
        .filter_map(|p| Some((x(p), p.cache_hit_ratio?)))
        .collect();
    let ratio_title = match ratios.last() {
        Some(&(_, r)) => Line::from(vec![
            Span::styled(" hit ratio ", theme.style(Role::Title)),
            Span::styled(
                format::percent(Some(r)),
                theme.style(Severity::of_level(app.model().thresholds().cache_hit_level(r)).role()),
            ),
        ]),
        None => Line::from(Span::styled(" hit ratio -", theme.style(Role::Title))),
    };
    let ratio_chart = series(app, left, ratio_title, ratios, window, Kind::Ratio);
    let sizes: Vec<(f64, f64)> = points
        .iter()
        .filter_map(|p| Some((x(p), p.size_bytes? as f64)))
        .collect();
    // Writers that record only row counts still show how the table grows.
    let (values, kind) = if sizes.is_empty() {
        let rows = points
            .iter()
            .filter_map(|p| Some((x(p), p.rows? as f64)))
            .collect();
        (rows, Kind::Rows)
    } else {
        (sizes, Kind::Bytes)
    };
    let last = values.last().map_or("-".into(), |&(_, v)| kind.show(v));
    let size_title = Line::from(Span::styled(
        format!(" {} {last}", kind.name()),
        theme.style(Role::Title),
    ));
    let size_chart = series(app, right, size_title, values, window, kind);
    HistoryView {
        area,
        title,
        body: HistoryBody::Charts([ratio_chart, size_chart]),
    }
}

/// The selected row of the Cache table, as the names history rows may use.
struct SelectedTable {
    table: String,
    qualified: String,
}

fn selected_table(app: &App) -> Option<SelectedTable> {
    let Some(RowId::Relation(relid)) = app.screens().table(TableId::CacheTables).selected_id else {
        return None;
    };
    let slow = app.model().slow()?;
    let table = slow
        .table_cache
        .as_ref()
        .ok()?
        .iter()
        .find(|t| t.relid == relid)?;
    Some(SelectedTable {
        table: table.table.clone(),
        qualified: format!("{}.{}", table.schema, table.table),
    })
}

/// The table's points: the writer may record names bare or schema-qualified. Points
/// come ordered by name, then time, so each name is one contiguous run.
fn table_points(history: &SnapshotHistory, table: &SelectedTable) -> Vec<SnapshotPoint> {
    let mut points: Vec<SnapshotPoint> = history
        .tables()
        .filter(|run| {
            run.first()
                .is_some_and(|p| p.table_name == table.table || p.table_name == table.qualified)
        })
        .flatten()
        .cloned()
        .collect();
    points.sort_by_key(|p| p.at);
    points
}

/// What a chart's values are, for bounds and labels.
#[derive(Clone, Copy)]
enum Kind {
    Ratio,
    Bytes,
    Rows,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Self::Ratio => "hit ratio",
            Self::Bytes => "size",
            Self::Rows => "rows",
        }
    }

    /// Labels for the ends of the y axis, precise enough to differ: a table growing
    /// from 1.20 to 1.25 GiB must not read "1.2 GiB" at both ends.
    fn axis_labels(self, bounds: [f64; 2]) -> [String; 2] {
        let [low, high] = bounds;
        match self {
            Self::Ratio => bounds.map(|v| format::percent(Some(v))),
            Self::Rows => bounds.map(format::quantity),
            Self::Bytes => {
                const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
                let unit = (0..UNITS.len())
                    .rev()
                    .find(|&u| high.abs() >= 1024_f64.powi(u as i32))
                    .unwrap_or(0);
                let scale = 1024_f64.powi(unit as i32);
                let label =
                    |v: f64, decimals: usize| format!("{:.decimals$} {}", v / scale, UNITS[unit]);
                let decimals = (1..=3)
                    .find(|&d| label(low, d) != label(high, d))
                    .unwrap_or(3);
                [label(low, decimals), label(high, decimals)]
            }
        }
    }

    fn show(self, value: f64) -> String {
        match self {
            Self::Ratio => format::percent(Some(value)),
            Self::Bytes => format::bytes(value.round() as i64),
            Self::Rows => format::quantity(value),
        }
    }
}

/// One half of the band: the chart, or why it has no points.
fn series(
    app: &App,
    area: Rect,
    title: Line<'static>,
    points: Vec<(f64, f64)>,
    window: f64,
    kind: Kind,
) -> Result<Plot, Panel> {
    if points.is_empty() {
        let text = format!("no {} recorded for this table", kind.name());
        return Err(Panel {
            area,
            title,
            border: None,
            lines: vec![Line::from(Span::styled(
                text,
                app.theme().style(Role::Muted),
            ))],
            wrap: None,
        });
    }
    let y_bounds = padded_bounds(&points, matches!(kind, Kind::Ratio));
    let labels = area.height >= MIN_HEIGHT_FOR_LABELS;
    Ok(Plot {
        area,
        title,
        bordered: false,
        points,
        role: match kind {
            Kind::Ratio => Role::Chart1,
            Kind::Bytes | Kind::Rows => Role::Chart2,
        },
        x_bounds: [-window, 0.0],
        y_bounds,
        x_labels: labels.then(|| {
            [
                format!("{} ago", window_label(Duration::from_secs_f64(window))),
                "now".into(),
            ]
        }),
        y_labels: labels.then(|| kind.axis_labels(y_bounds)),
        dot_when_single: true,
    })
}

/// `24h`, `7d`, `30d`: the history windows as the `[`/`]` keys name them.
fn window_label(window: Duration) -> String {
    if window == Duration::from_secs(86_400) {
        "24h".into()
    } else {
        format::duration(window)
    }
}

/// The band's title: which table, which window (and the one asked for when `[`/`]`
/// changed it and the next slow poll has not read it yet), then `extra`.
fn title(app: &App, name: &str, history: Option<&SnapshotHistory>, extra: &str) -> Line<'static> {
    let asked = app.screens().history_window();
    let shown = history.map_or(asked, |h| h.window);
    let keymap = app.keymap();
    let change = match (
        keymap.first_key(Action::WindowShorter),
        keymap.first_key(Action::WindowLonger),
    ) {
        (Some(shorter), Some(longer)) => format!(" ({shorter} {longer} change)"),
        _ => String::new(),
    };
    let mut title = format!(" {name}, last {}{change}", window_label(shown));
    if shown != asked {
        title.push_str(&format!(" · {} on the next slow poll", window_label(asked)));
    }
    title.push_str(extra);
    title.push(' ');
    Line::from(Span::styled(title, app.theme().style(Role::Title)))
}
