//! The Dashboard: is the server healthy right now?
//!
//! ```text
//! ┌TPS──────┐┌MEAN ms──┐┌P95 ms───┐┌CACHE HIT┐   (tiles wrap to two rows at 80 columns)
//! │ 1.2k    ││ 3.21    ││ 45.1    ││ 99.2%   │
//! ┌ TPS 1.2k ────────┐┌ mean 3.21 ms ─────┐┌ cache hit 99.2% ─┐
//! │ ▂▃▅▇█▇▅▃▂▂▃▅▇    ││ ▁▁▂▁▁▃▁▁▁▂▁▁▁    ││ ██████████████  │
//! ┌ Top offenders ─────────────────────────────────────────────┐
//! │ running  4242  4m02s  UPDATE accounts SET ...              │
//! │ stmt     35%   12 ms  SELECT * FROM ...                    │
//! │ blocked  4243  waits on 4242 for 12s                       │
//! ```

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Sparkline};

use crate::app::App;
use crate::app::kpi::{self, Tile};
use crate::app::views::collapse_spaces;
use crate::format;
use crate::metrics::{Level, Series};
use crate::theme::Role;

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let tiles = kpi::tiles(app);
    let per_row = usize::from((area.width / 18).max(1)).min(tiles.len());
    let tile_rows = tiles.len().div_ceil(per_row);
    let tiles_height = u16::try_from(tile_rows * 3).unwrap_or(6);
    let charts_height = if area.height >= 40 {
        12
    } else if area.height >= 30 {
        8
    } else {
        5
    };
    let [tiles_area, charts_area, offenders_area] = Layout::vertical([
        Constraint::Length(tiles_height),
        Constraint::Length(charts_height),
        Constraint::Min(3),
    ])
    .areas(area);
    render_tiles(app, frame, tiles_area, &tiles, per_row);
    render_charts(app, frame, charts_area);
    render_offenders(app, frame, offenders_area);
}

fn level_role(level: Option<Level>) -> Role {
    match level {
        Some(Level::Ok) => Role::Ok,
        Some(Level::Warn) => Role::Warn,
        Some(Level::Crit) => Role::Crit,
        None => Role::Text,
    }
}

fn render_tiles(app: &App, frame: &mut Frame, area: Rect, tiles: &[Tile], per_row: usize) {
    let theme = &app.theme;
    let rows =
        Layout::vertical(vec![Constraint::Length(3); tiles.len().div_ceil(per_row)]).split(area);
    for (row_index, chunk) in tiles.chunks(per_row).enumerate() {
        let Some(row_area) = rows.get(row_index) else {
            break;
        };
        let cells = Layout::horizontal(vec![Constraint::Ratio(1, per_row as u32); per_row])
            .split(*row_area);
        for (tile, cell) in chunk.iter().zip(cells.iter()) {
            let role = level_role(tile.level);
            let block = Block::bordered()
                .border_style(theme.style(
                    if matches!(tile.level, Some(Level::Warn | Level::Crit)) {
                        role
                    } else {
                        Role::Border
                    },
                ))
                .title(Span::styled(tile.label, theme.style(Role::Title)));
            let mut spans = vec![Span::styled(tile.value.clone(), theme.style(role))];
            if let Some(note) = tile.note {
                spans.push(Span::styled(format!(" {note}"), theme.style(Role::Muted)));
            }
            frame.render_widget(Paragraph::new(Line::from(spans)).block(block), *cell);
        }
    }
}

fn render_charts(app: &App, frame: &mut Frame, area: Rect) {
    let charts = [
        (Series::ServerTps, "TPS", Role::Chart1),
        (Series::MeanLatencyMs, "mean ms", Role::Chart2),
        (Series::CacheHitRatio, "cache hit", Role::Chart3),
    ];
    let areas = Layout::horizontal([Constraint::Ratio(1, 3); 3]).split(area);
    for ((series, label, role), chart_area) in charts.into_iter().zip(areas.iter()) {
        let points: Vec<f64> = app.derived.history.points(series).map(|(_, v)| v).collect();
        let last = points.last().copied();
        let shown = match (series, last) {
            (_, None) => "-".to_string(),
            (Series::CacheHitRatio, Some(v)) => format::percent(Some(v)),
            (Series::MeanLatencyMs, Some(v)) => format::millis(v),
            (_, Some(v)) => format::quantity(v),
        };
        let block = Block::bordered()
            .border_style(app.theme.style(Role::Border))
            .title(Span::styled(
                format!(" {label} {shown} "),
                app.theme.style(Role::Title),
            ));
        let inner_width = usize::from(chart_area.width.saturating_sub(2));
        let data = scaled(&points, series, inner_width);
        frame.render_widget(
            Sparkline::default()
                .block(block)
                .data(&data)
                .style(app.theme.style(role)),
            *chart_area,
        );
    }
}

/// The newest `width` points as integers for the sparkline. Ratios are shown over the
/// 50–100 % range, where cache hit ratios live, so a drop is visible.
fn scaled(points: &[f64], series: Series, width: usize) -> Vec<u64> {
    let start = points.len().saturating_sub(width);
    points[start..]
        .iter()
        .map(|v| match series {
            Series::CacheHitRatio => ((v - 0.5).max(0.0) * 2000.0) as u64,
            _ => (v.max(0.0) * 100.0) as u64,
        })
        .collect()
}

fn render_offenders(app: &App, frame: &mut Frame, area: Rect) {
    let theme = &app.theme;
    let block = Block::bordered()
        .border_style(theme.style(Role::Border))
        .title(Span::styled(" Top offenders ", theme.style(Role::Title)));
    let inner_height = usize::from(area.height.saturating_sub(2));
    let per_kind = (inner_height / 3).max(1);
    let mut lines: Vec<Line> = Vec::new();
    let label = |text: &'static str| Span::styled(format!("{text:<9}"), theme.style(Role::KeyHint));

    let thresholds = &app.derived.thresholds;
    if let Some(Ok(sessions)) = app.latest.as_ref().map(|s| &s.activity) {
        let mut running: Vec<_> = sessions
            .iter()
            .filter(|s| s.state.as_deref() == Some("active") && s.backend_type == "client backend")
            .filter_map(|s| s.query_age.map(|age| (age, s)))
            .collect();
        running.sort_by_key(|r| std::cmp::Reverse(r.0));
        for (age, session) in running.into_iter().take(per_kind) {
            let role = level_role(Some(thresholds.running_query_level(age)));
            lines.push(Line::from(vec![
                label("running"),
                Span::styled(
                    format!("{:>7} {:>7}  ", session.pid, format::age(age)),
                    theme.style(role),
                ),
                Span::styled(collapse_spaces(&session.query), theme.style(Role::Text)),
            ]));
        }
    }
    let texts = app
        .latest
        .as_ref()
        .and_then(|s| s.statements.as_ref().ok())
        .map(|s| s.texts.clone());
    let own = |key| {
        texts
            .as_ref()
            .and_then(|t| t.get(&key))
            .is_some_and(|t| crate::queries::is_own_statement(t))
    };
    for delta in app
        .derived
        .statements
        .rows
        .iter()
        .filter(|d| !own(d.key))
        .take(per_kind)
    {
        let text = texts
            .as_ref()
            .and_then(|t| t.get(&delta.key))
            .map_or_else(|| "(text not fetched yet)".into(), |t| collapse_spaces(t));
        lines.push(Line::from(vec![
            label("stmt"),
            Span::styled(
                format!(
                    "{:>7} {:>7}  ",
                    format::percent(Some(delta.share_of_total_time)),
                    delta.mean_ms.map_or("-".into(), format::millis)
                ),
                theme.style(Role::Text),
            ),
            Span::styled(text, theme.style(Role::Text)),
        ]));
    }
    if let Some(Ok(sessions)) = app.latest.as_ref().map(|s| &s.activity) {
        let mut blocked: Vec<_> = sessions
            .iter()
            .filter(|s| !s.blocked_by.is_empty())
            .collect();
        blocked.sort_by_key(|s| std::cmp::Reverse(s.query_age));
        for session in blocked.iter().take(per_kind) {
            let by = session
                .blocked_by
                .iter()
                .map(i32::to_string)
                .collect::<Vec<_>>()
                .join(",");
            lines.push(Line::from(vec![
                label("blocked"),
                Span::styled(
                    format!(
                        "{:>7} waits on {by} for {}  ",
                        session.pid,
                        session.query_age.map_or("-".into(), format::age)
                    ),
                    theme.style(Role::Crit),
                ),
                Span::styled(collapse_spaces(&session.query), theme.style(Role::Text)),
            ]));
        }
    }
    if lines.is_empty() {
        lines.push(Line::from(Span::styled(
            "nothing running, no statement activity, nobody blocked",
            theme.style(Role::Muted),
        )));
    }
    frame.render_widget(
        Paragraph::new(lines).block(block).style(Style::default()),
        area,
    );
}
