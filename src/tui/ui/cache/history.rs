//! The Cache screen's bottom band: the selected table's rows of
//! `database_statistics_snapshot` over the history window, as a hit-ratio chart and a
//! size (or row count) chart, with its growth per day.

use std::time::Duration;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::chart::{Plot, padded_bounds, render_plot};
use crate::analysis::tables::growth_per_day;
use crate::monitor::snapshot::SectionError;
use crate::monitor::snapshot::cache::{SnapshotHistory, SnapshotPoint};
use crate::text::format;
use crate::tui::app::table::RowId;
use crate::tui::app::{App, TableId};
use crate::tui::keymap::Action;
use crate::tui::theme::Role;

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let theme = &app.theme;
    let table = selected_table(app);
    let name = table
        .as_ref()
        .map_or("Table history", |t| t.qualified.as_str());
    let slow = app.model.snapshot().and_then(|s| s.slow.as_ref());
    let history = match slow.map(|slow| &slow.snapshot_history) {
        None => {
            return message(
                app,
                frame,
                area,
                name,
                None,
                &["waiting for the first slow-tier poll…".into()],
            );
        }
        Some(Err(SectionError::Unavailable { reason, fix })) => {
            let mut lines = vec![format!("no history: {reason}")];
            if let Some(fix) = fix {
                lines.push(format!("fix: {fix}"));
            }
            return message(app, frame, area, name, None, &lines);
        }
        Some(Err(SectionError::Failed(line))) => {
            let lines = [format!(
                "database_statistics_snapshot could not be read: {line}"
            )];
            return message(app, frame, area, name, None, &lines);
        }
        Some(Ok(history)) => history,
    };
    let Some(table) = table.as_ref() else {
        let listed = !app.tables.model(TableId::CacheTables).rows.is_empty();
        let lines = [if listed {
            "select a table above to see its history"
        } else {
            "no table listed above: no history to show"
        }
        .to_string()];
        return message(app, frame, area, name, Some(history), &lines);
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
        return message(app, frame, area, name, Some(history), &lines);
    }
    let growth = growth_per_day(&points).map(|g| {
        let sign = if g < 0.0 { "-" } else { "+" };
        format!(
            " · growth {sign}{}/day",
            format::bytes(g.abs().round() as i64)
        )
    });
    let block = outer_block(app, name, Some(history), growth.as_deref().unwrap_or(""));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let now = slow.map_or(app.now, |s| s.taken_at);
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
                theme.style(Role::of_level(app.model.thresholds().cache_hit_level(r))),
            ),
        ]),
        None => Line::from(Span::styled(" hit ratio -", theme.style(Role::Title))),
    };
    series(app, frame, left, ratio_title, &ratios, window, Kind::Ratio);
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
    let title = Line::from(Span::styled(
        format!(" {} {last}", kind.name()),
        theme.style(Role::Title),
    ));
    series(app, frame, right, title, &values, window, kind);
}

/// The selected row of the Cache table, as the names history rows may use.
struct SelectedTable {
    table: String,
    qualified: String,
}

fn selected_table(app: &App) -> Option<SelectedTable> {
    let Some(RowId::Relation(relid)) = app.tables.state(TableId::CacheTables).selected_id else {
        return None;
    };
    let slow = app.model.snapshot()?.slow.as_ref()?;
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

fn series(
    app: &App,
    frame: &mut Frame,
    area: Rect,
    title: Line<'static>,
    points: &[(f64, f64)],
    window: f64,
    kind: Kind,
) {
    let theme = &app.theme;
    let block = Block::new().title(title);
    if points.is_empty() {
        let text = format!("no {} recorded for this table", kind.name());
        frame.render_widget(
            Paragraph::new(Span::styled(text, theme.style(Role::Muted))).block(block),
            area,
        );
        return;
    }
    let y_bounds = padded_bounds(points, matches!(kind, Kind::Ratio));
    render_plot(
        frame,
        area,
        block,
        Plot {
            points,
            role: match kind {
                Kind::Ratio => Role::Chart1,
                Kind::Bytes | Kind::Rows => Role::Chart2,
            },
            x_bounds: [-window, 0.0],
            y_bounds,
            x_labels: [
                format!("{} ago", window_label(Duration::from_secs_f64(window))),
                "now".into(),
            ],
            y_labels: kind.axis_labels(y_bounds),
        },
        theme,
    );
}

/// `24h`, `7d`, `30d`: the history windows as the `[`/`]` keys name them.
fn window_label(window: Duration) -> String {
    if window == Duration::from_secs(86_400) {
        "24h".into()
    } else {
        format::duration(window)
    }
}

/// The band's frame: which table, which window (and the one asked for when `[`/`]`
/// changed it and the next slow poll has not read it yet), then `extra`.
fn outer_block<'a>(
    app: &App,
    name: &str,
    history: Option<&SnapshotHistory>,
    extra: &str,
) -> Block<'a> {
    let shown = history.map_or(app.history_window, |h| h.window);
    let change = match (
        app.keymap.first_key(Action::WindowShorter),
        app.keymap.first_key(Action::WindowLonger),
    ) {
        (Some(shorter), Some(longer)) => format!(" ({shorter} {longer} change)"),
        _ => String::new(),
    };
    let mut title = format!(" {name}, last {}{change}", window_label(shown));
    if shown != app.history_window {
        title.push_str(&format!(
            " · {} on the next slow poll",
            window_label(app.history_window)
        ));
    }
    title.push_str(extra);
    title.push(' ');
    Block::bordered()
        .border_style(app.theme.style(Role::Border))
        .title(Span::styled(title, app.theme.style(Role::Title)))
}

/// The band with a message instead of charts: why there is no history, and the fix.
fn message(
    app: &App,
    frame: &mut Frame,
    area: Rect,
    name: &str,
    history: Option<&SnapshotHistory>,
    lines: &[String],
) {
    let text: Vec<Line> = lines
        .iter()
        .map(|l| Line::from(Span::styled(l.clone(), app.theme.style(Role::Muted))))
        .collect();
    frame.render_widget(
        Paragraph::new(text)
            .block(outer_block(app, name, history, ""))
            .wrap(Wrap { trim: false }),
        area,
    );
}
