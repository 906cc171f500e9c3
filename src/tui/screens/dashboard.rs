//! The Dashboard: is the server healthy right now?
//!
//! ```text
//! ┌TPS──────┐┌MEAN ms──┐┌P95 ms───┐┌CACHE HIT┐   (tiles wrap to two rows at 80 columns)
//! │ 1.2k    ││ 3.21    ││ 45.1    ││ 99.2%   │
//!  last 5m: no deadlocks · 3 temp files, 12.0 MiB
//!  xmin horizon: oldest holder prepared 'nightly', 12m04s (1,234 xacts)
//! ┌ TPS 1.2k ────────┐┌ mean 3.21 ms ─────┐┌ cache hit 99.2% ─┐
//! │ ▂▃▅▇█▇▅▃▂▂▃▅▇    ││ ▁▁▂▁▁▃▁▁▁▂▁▁▁    ││ ██████████████  │
//! ┌ Alerts (1) ────────────────────────────────────────────────┐
//! ┌ Top offenders ─────────────────────────────────────────────┐
//! ```

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};

use super::kpi::{self, Tile};
use super::plot::{MIN_HEIGHT_FOR_LABELS, Panel, Plot, padded_bounds};
use super::table::Severity;
use super::wait_chart::{self, ChartSpec, StackedChart};
use crate::analysis::metrics::{Level, Series};
use crate::text::format;
use crate::tui::app::App;
use crate::tui::theme::Role;

/// The Dashboard as drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct DashboardView {
    /// The KPI tiles, `per_row` to a row.
    pub tiles: Vec<Tile>,
    pub tiles_area: Rect,
    pub per_row: usize,
    /// Deadlocks and temp files over the alert window.
    pub recent_events: (Rect, Line<'static>),
    /// The oldest holder of the xmin horizon.
    pub horizon: (Rect, Line<'static>),
    /// TPS, mean latency and cache hit ratio over ten minutes.
    pub charts: Vec<Plot>,
    /// Active sessions by wait class over the same minutes.
    pub load: StackedChart,
    /// The active alerts, when there are any.
    pub alerts: Option<Panel>,
    pub offenders: Vec<Panel>,
}

/// The view of the Dashboard in `body`.
pub fn view(app: &App, area: Rect) -> DashboardView {
    let tiles = kpi::tiles(app);
    let per_row = usize::from((area.width / 18).max(1)).min(tiles.len());
    let tile_rows = tiles.len().div_ceil(per_row);
    let tiles_height = u16::try_from(tile_rows * 3).unwrap_or(6);
    // On a small terminal the charts give the recent-events line its row, so the top
    // offenders (blocked sessions!) keep theirs.
    let charts_height = if area.height >= 40 {
        12
    } else if area.height >= 30 {
        8
    } else {
        4
    };
    // Active alerts get their own panel, as tall as the list (up to 6 lines), and a line
    // for the rules that cannot see every session.
    let alerts =
        app.model().alerts().active().len() + usize::from(app.model().unjudged().is_some());
    let alerts_height = if alerts == 0 {
        0
    } else {
        u16::try_from(alerts.min(6)).unwrap_or(6) + 2
    };
    let [
        tiles_area,
        events_area,
        horizon_area,
        charts_area,
        alerts_area,
        offenders_area,
    ] = Layout::vertical([
        Constraint::Length(tiles_height),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(charts_height),
        Constraint::Length(alerts_height),
        Constraint::Min(3),
    ])
    .areas(area);
    let [line_charts_area, load_area] =
        Layout::horizontal([Constraint::Ratio(3, 4), Constraint::Ratio(1, 4)]).areas(charts_area);
    DashboardView {
        tiles,
        tiles_area,
        per_row,
        recent_events: (events_area, super::recent_events::line(app)),
        horizon: (
            horizon_area,
            crate::tui::fit::fit_line(
                super::horizon::dashboard_line(app),
                usize::from(horizon_area.width),
            ),
        ),
        charts: charts(app, line_charts_area),
        load: load_chart(app, load_area, chart_window(app)),
        alerts: (alerts > 0).then(|| alerts_panel(app, alerts_area)),
        offenders: super::offenders::panels(app, offenders_area),
    }
}

/// The three charts, zoomed to the data while the history is young (at least a minute),
/// up to the retention.
fn charts(app: &App, area: Rect) -> Vec<Plot> {
    let theme = app.theme();
    let history = app.model().history();
    let charts = [
        (Series::ServerTps, "TPS", Role::Chart1),
        (Series::MeanLatencyMs, "mean ms", Role::Chart2),
        (Series::CacheHitRatio, "cache hit", Role::Chart3),
    ];
    let areas = Layout::horizontal([Constraint::Ratio(1, 3); 3]).split(area);
    let window = chart_window(app).as_secs_f64();
    charts
        .into_iter()
        .zip(areas.iter())
        .map(|((series, label, role), chart_area)| {
            let points: Vec<(f64, f64)> = history.points(series).collect();
            let shown = match (series, points.last()) {
                (_, None) => "-".to_string(),
                (Series::CacheHitRatio, Some(&(_, v))) => format::percent(Some(v)),
                (Series::MeanLatencyMs, Some(&(_, v))) => format::millis(v),
                (_, Some(&(_, v))) => format::quantity(v),
            };
            // A narrow chart keeps its label and shows its value only if it fits whole.
            let room = usize::from(chart_area.width.saturating_sub(4));
            let joined = format!("{label} {shown}");
            let title = if joined.chars().count() <= room {
                joined
            } else {
                crate::tui::fit::fit_title(&format!("{label} · {shown}"), room).replace(" · ", " ")
            };
            let y_bounds = padded_bounds(&points, series == Series::CacheHitRatio);
            Plot {
                area: *chart_area,
                title: Line::from(Span::styled(format!(" {title} "), theme.style(Role::Title))),
                bordered: true,
                points,
                role,
                x_bounds: [-window, 0.0],
                y_bounds,
                x_labels: None,
                // Axis labels only where there is room for them next to the plot.
                y_labels: (chart_area.height >= MIN_HEIGHT_FOR_LABELS)
                    .then(|| y_bounds.map(|v| axis_label(series, v))),
                dot_when_single: false,
            }
        })
        .collect()
}

/// The charts' window: the history so far (at least a minute), up to the retention.
fn chart_window(app: &App) -> std::time::Duration {
    let history = app.model().history();
    let oldest = [
        Series::ServerTps,
        Series::MeanLatencyMs,
        Series::CacheHitRatio,
    ]
    .iter()
    .filter_map(|series| history.points(*series).next())
    .map(|(x, _)| -x)
    .fold(0.0, f64::max);
    std::time::Duration::from_secs_f64(oldest.max(60.0).min(history.retention().as_secs_f64()))
}

/// Active sessions stacked by what they wait on, over the charts' window.
fn load_chart(app: &App, area: Rect, window: std::time::Duration) -> StackedChart {
    wait_chart::chart(
        &ChartSpec {
            load: app.wait_load(),
            theme: app.theme(),
            until: app.now(),
            window,
            refresh: app.refresh(),
            label: "load",
            legend: true,
        },
        area,
    )
}

fn axis_label(series: Series, value: f64) -> String {
    match series {
        Series::CacheHitRatio => format::percent(Some(value)),
        Series::MeanLatencyMs => format::millis(value),
        _ => format::quantity(value),
    }
}

/// Active alerts: level, metric, value against its threshold, and since when. An alert
/// held from before a failed read shows its value muted and how old it is instead.
fn alerts_panel(app: &App, area: Rect) -> Panel {
    let theme = app.theme();
    let alerts = app.model().alerts();
    let width = usize::from(area.width.saturating_sub(2));
    let mut lines: Vec<Line> = alerts
        .active()
        .iter()
        .map(|alert| {
            let (label, role) = match alert.level {
                Level::Crit => ("CRIT", Role::Crit),
                _ => ("WARN", Role::Warn),
            };
            let since = app.now().duration_since(alert.since).unwrap_or_default();
            let (value_role, when, when_role) = if alert.stale {
                let age = app
                    .now()
                    .duration_since(alert.confirmed)
                    .unwrap_or_default();
                let age = format::duration(std::time::Duration::from_secs(age.as_secs()));
                (Role::Muted, format!("  stale {age}"), Role::Warn)
            } else {
                (
                    role,
                    format!("  for {}", format::duration(since)),
                    Role::Muted,
                )
            };
            Line::from(vec![
                Span::styled(format!("{label} "), theme.style(role)),
                Span::styled(
                    format!("{:<24}", alert.kind.label()),
                    theme.style(Role::Text),
                ),
                Span::styled(format!("{:>10}", alert.value), theme.style(value_role)),
                Span::styled(
                    format!("  threshold {}", alert.threshold),
                    theme.style(Role::Muted),
                ),
                Span::styled(when, theme.style(when_role)),
            ])
        })
        .map(|line| crate::tui::fit::fit_line(line, width))
        .collect();
    let count = lines.len();
    if let Some(blind) = app.model().unjudged() {
        let kinds: Vec<&str> = blind.kinds.iter().map(|k| k.label()).collect();
        lines.push(crate::tui::fit::fit_line(
            Line::from(vec![
                Span::styled("  ?  ", theme.style(Role::Warn)),
                Span::styled(
                    format!(
                        "not judged ({} sessions hidden from this role): ",
                        blind.hidden_sessions
                    ),
                    theme.style(Role::Muted),
                ),
                Span::styled(kinds.join(", "), theme.style(Role::Text)),
            ]),
            width,
        ));
    }
    Panel {
        border: Some(Severity::of_level(alerts.worst()).role()),
        ..Panel::bordered(
            area,
            Line::from(Span::styled(
                format!(" Alerts ({count}) "),
                theme.style(Role::Title),
            )),
            lines,
        )
    }
}
