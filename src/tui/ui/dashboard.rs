//! The Dashboard: is the server healthy right now?
//!
//! ```text
//! ┌TPS──────┐┌MEAN ms──┐┌P95 ms───┐┌CACHE HIT┐   (tiles wrap to two rows at 80 columns)
//! │ 1.2k    ││ 3.21    ││ 45.1    ││ 99.2%   │
//!  last 5m: no deadlocks · 3 temp files, 12.0 MiB
//! ┌ TPS 1.2k ────────┐┌ mean 3.21 ms ─────┐┌ cache hit 99.2% ─┐
//! │ ▂▃▅▇█▇▅▃▂▂▃▅▇    ││ ▁▁▂▁▁▃▁▁▁▂▁▁▁    ││ ██████████████  │
//! ┌ Top offenders ─────────────────────────────────────────────┐
//! │ running  4242  4m02s  UPDATE accounts SET ...              │
//! │ stmt     35%   12 ms  SELECT * FROM ...                    │
//! │ blocked  4243  waits on 4242 for 12s                       │
//! ```

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Block, Chart, Dataset, GraphType, Paragraph};

use crate::analysis::metrics::{Level, Series};
use crate::analysis::model::SectionId;
use crate::monitor::snapshot::{BackendType, SessionState};
use crate::text::format;
use crate::tui::app::App;
use crate::tui::app::kpi::{self, Tile};
use crate::tui::app::views::collapse_spaces;
use crate::tui::theme::Role;

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
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
    let unjudged = app.model.unjudged().cloned();
    let alerts = app.model.alerts().active().len() + usize::from(unjudged.is_some());
    let alerts_height = if alerts == 0 {
        0
    } else {
        u16::try_from(alerts.min(6)).unwrap_or(6) + 2
    };
    let [
        tiles_area,
        events_area,
        charts_area,
        alerts_area,
        offenders_area,
    ] = Layout::vertical([
        Constraint::Length(tiles_height),
        Constraint::Length(1),
        Constraint::Length(charts_height),
        Constraint::Length(alerts_height),
        Constraint::Min(3),
    ])
    .areas(area);
    render_tiles(app, frame, tiles_area, &tiles, per_row);
    frame.render_widget(Paragraph::new(super::recent_events::line(app)), events_area);
    render_charts(app, frame, charts_area);
    if alerts > 0 {
        render_alerts(app, frame, alerts_area);
    }
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
            if let Some(note) = &tile.note {
                // The note gives way on a word boundary; a single long word keeps its
                // start and shows it is cut.
                let room = usize::from(cell.width.saturating_sub(2))
                    .saturating_sub(super::text::width(&tile.value) + 1);
                let note = super::text::fit_words(note, room)
                    .filter(|n| n.contains(' '))
                    .unwrap_or_else(|| super::text::fit(note, room));
                if !note.is_empty() {
                    spans.push(Span::styled(format!(" {note}"), theme.style(Role::Muted)));
                }
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
    // Zoom to the data while the history is young (at least a minute), up to retention.
    let oldest = [
        Series::ServerTps,
        Series::MeanLatencyMs,
        Series::CacheHitRatio,
    ]
    .into_iter()
    .filter_map(|series| app.model.history().points(series).next())
    .map(|(x, _)| -x)
    .fold(0.0, f64::max);
    let window = oldest
        .max(60.0)
        .min(app.model.history().retention().as_secs_f64());
    for ((series, label, role), chart_area) in charts.into_iter().zip(areas.iter()) {
        let points: Vec<(f64, f64)> = app.model.history().points(series).collect();
        let shown = match (series, points.last()) {
            (_, None) => "-".to_string(),
            (Series::CacheHitRatio, Some(&(_, v))) => format::percent(Some(v)),
            (Series::MeanLatencyMs, Some(&(_, v))) => format::millis(v),
            (_, Some(&(_, v))) => format::quantity(v),
        };
        // A narrow chart keeps its label and shows its value only if it fits whole.
        let room = usize::from(chart_area.width.saturating_sub(4));
        let title = super::text::fit_title(&format!("{label} · {shown}"), room).replace(" · ", " ");
        let block = Block::bordered()
            .border_style(app.theme.style(Role::Border))
            .title(Span::styled(
                format!(" {title} "),
                app.theme.style(Role::Title),
            ));
        let (low, high) = y_bounds(&points, series);
        // Axis labels only where there is room for them next to the plot.
        let labels = chart_area.height >= 8;
        let y_axis = if labels {
            Axis::default()
                .bounds([low, high])
                .labels([
                    Line::from(axis_label(series, low)),
                    Line::from(axis_label(series, high)),
                ])
                .style(app.theme.style(Role::Muted))
        } else {
            Axis::default().bounds([low, high])
        };
        let x_axis = Axis::default().bounds([-window, 0.0]);
        let dataset = Dataset::default()
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(app.theme.style(role))
            .data(&points);
        frame.render_widget(
            Chart::new(vec![dataset])
                .block(block)
                .x_axis(x_axis)
                .y_axis(y_axis),
            *chart_area,
        );
    }
}

/// The y range: the data's own range with some headroom, so variation is visible; ratios
/// stay within 0–100 %.
fn y_bounds(points: &[(f64, f64)], series: Series) -> (f64, f64) {
    let (min, max) = points
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &(_, v)| {
            (lo.min(v), hi.max(v))
        });
    if !min.is_finite() || !max.is_finite() {
        return (0.0, 1.0);
    }
    let span = (max - min).max(max.abs() * 0.05).max(1e-6);
    let (low, high) = ((min - span * 0.2).max(0.0), max + span * 0.2);
    match series {
        Series::CacheHitRatio => (low.min(0.999), high.min(1.0)),
        _ => (low, high),
    }
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
fn render_alerts(app: &App, frame: &mut Frame, area: Rect) {
    let theme = &app.theme;
    let mut lines: Vec<Line> = app
        .model
        .alerts()
        .active()
        .iter()
        .map(|alert| {
            let (label, role) = match alert.level {
                Level::Crit => ("CRIT", Role::Crit),
                _ => ("WARN", Role::Warn),
            };
            let since = app.now.duration_since(alert.since).unwrap_or_default();
            let (value_role, when, when_role) = if alert.stale {
                let age = app.now.duration_since(alert.confirmed).unwrap_or_default();
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
        .map(|line| super::text::fit_line(line, usize::from(area.width.saturating_sub(2))))
        .collect();
    let count = lines.len();
    if let Some(blind) = app.model.unjudged().cloned() {
        let kinds: Vec<&str> = blind.kinds.iter().map(|k| k.label()).collect();
        let width = usize::from(area.width.saturating_sub(2));
        lines.push(super::text::fit_line(
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
    let block = Block::bordered()
        .border_style(theme.style(level_role(Some(app.model.alerts().worst()))))
        .title(Span::styled(
            format!(" Alerts ({count}) "),
            theme.style(Role::Title),
        ));
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

fn render_offenders(app: &App, frame: &mut Frame, area: Rect) {
    let theme = &app.theme;
    let kinds: [(&str, &str, OffenderLines, SectionId); 3] = [
        (
            "running",
            "Slowest running queries",
            running_lines,
            SectionId::Activity,
        ),
        (
            "stmt",
            "Top statements in the interval",
            statement_lines,
            SectionId::Statements,
        ),
        (
            "blocked",
            "Blocked sessions",
            blocked_lines,
            SectionId::Activity,
        ),
    ];
    let inner_height = usize::from(area.height.saturating_sub(2)).max(1);
    let hidden = hidden_line(app);
    // Wide terminals get one panel per kind; narrow ones share a panel, a label per line.
    if area.width >= 150 {
        let columns = Layout::horizontal([Constraint::Ratio(1, 3); 3]).split(area);
        for ((label, title, lines_of, section), column) in kinds.into_iter().zip(columns.iter()) {
            let width = usize::from(column.width.saturating_sub(2));
            let mut lines = lines_of(app, inner_height, None);
            // What the role cannot see is not "none": said once, in the running panel.
            match (&hidden, label) {
                (Some(_), "running") => {
                    let mut with_hidden = hidden_lines(app);
                    with_hidden.append(&mut lines);
                    lines = with_hidden;
                }
                (Some(_), "blocked") if lines.is_empty() => lines.push(Line::from(Span::styled(
                    "none among the visible sessions",
                    theme.style(Role::Muted),
                ))),
                (_, "stmt") if lines.is_empty() && !sees_all_stats(app) => {
                    lines.push(Line::from(Span::styled(
                        "none of this role's; other roles' are hidden",
                        theme.style(Role::Muted),
                    )));
                }
                _ if lines.is_empty() => {
                    lines.push(Line::from(Span::styled("none", theme.style(Role::Muted))));
                }
                _ => {}
            }
            let lines: Vec<Line> = lines
                .into_iter()
                .map(|line| super::text::fit_line(line, width))
                .collect();
            let stale = stale_suffix(app, section);
            let block = Block::bordered()
                .border_style(theme.style(Role::Border))
                .title(Span::styled(
                    format!(" {title}{stale} "),
                    theme.style(Role::Title),
                ));
            frame.render_widget(Paragraph::new(lines).block(block), *column);
        }
        return;
    }
    let per_kind = (inner_height / 3).max(1);
    let width = usize::from(area.width.saturating_sub(2));
    let mut lines: Vec<Line> = hidden.clone().into_iter().collect();
    lines.extend(
        kinds
            .into_iter()
            .flat_map(|(label, _, lines_of, _)| lines_of(app, per_kind, Some(label))),
    );
    let mut lines: Vec<Line> = lines
        .into_iter()
        .map(|line| super::text::fit_line(line, width))
        .collect();
    if lines.is_empty() {
        lines.push(Line::from(Span::styled(
            "nothing running, no statement activity, nobody blocked",
            theme.style(Role::Muted),
        )));
    }
    let stale = stale_suffix(app, SectionId::Activity);
    let block = Block::bordered()
        .border_style(theme.style(Role::Border))
        .title(Span::styled(
            format!(" Top offenders{stale} "),
            theme.style(Role::Title),
        ));
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// Whether the role sees other roles' statements (their `pg_stat_statements` rows come
/// without a query id otherwise).
fn sees_all_stats(app: &App) -> bool {
    app.model
        .snapshot()
        .and_then(|s| s.capabilities.as_ref())
        .is_none_or(|caps| caps.sees_all_stats())
}

/// ` · stale 12s` when the section on screen is from an earlier poll.
fn stale_suffix(app: &App, section: SectionId) -> String {
    app.stale(section)
        .map(|stale| stale.title_suffix(app.now))
        .unwrap_or_default()
}

/// `hidden   24 sessions: GRANT pg_read_all_stats TO "mon"` when the role cannot see
/// into other roles' sessions: they may be running, waiting or blocking.
fn hidden_line(app: &App) -> Option<Line<'static>> {
    let blind = app.model.unjudged().cloned()?;
    let fix = blind
        .fix
        .unwrap_or_else(|| "GRANT pg_read_all_stats".into());
    Some(Line::from(vec![
        Span::styled(format!("{:<9}", "hidden"), app.theme.style(Role::KeyHint)),
        Span::styled(
            format!("{} sessions: {fix}", blind.hidden_sessions),
            app.theme.style(Role::Warn),
        ),
    ]))
}

/// The same on two lines, for a narrow panel of its own.
fn hidden_lines(app: &App) -> Vec<Line<'static>> {
    let Some(blind) = app.model.unjudged().cloned() else {
        return vec![];
    };
    let fix = blind
        .fix
        .unwrap_or_else(|| "GRANT pg_read_all_stats".into());
    let warn = app.theme.style(Role::Warn);
    vec![
        Line::from(Span::styled(
            format!("{} sessions hidden from this role:", blind.hidden_sessions),
            warn,
        )),
        Line::from(Span::styled(fix, warn)),
    ]
}

/// Up to `limit` lines of one kind of offender, each prefixed with `label` if given.
type OffenderLines = fn(&App, usize, Option<&'static str>) -> Vec<Line<'static>>;

fn labelled(
    app: &App,
    label: Option<&'static str>,
    mut spans: Vec<Span<'static>>,
) -> Line<'static> {
    if let Some(label) = label {
        spans.insert(
            0,
            Span::styled(format!("{label:<9}"), app.theme.style(Role::KeyHint)),
        );
    }
    Line::from(spans)
}

fn running_lines(app: &App, limit: usize, label: Option<&'static str>) -> Vec<Line<'static>> {
    let Some(Ok(sessions)) = app.model.snapshot().map(|s| &s.activity) else {
        return vec![];
    };
    let mut running: Vec<_> = sessions
        .iter()
        .filter(|s| {
            s.state == Some(SessionState::Active) && s.backend_type == BackendType::ClientBackend
        })
        .filter_map(|s| s.query_age.map(|age| (age, s)))
        .collect();
    running.sort_by_key(|r| std::cmp::Reverse(r.0));
    running
        .into_iter()
        .take(limit)
        .map(|(age, session)| {
            let role = level_role(Some(app.model.thresholds().running_query_level(age)));
            labelled(
                app,
                label,
                vec![
                    Span::styled(
                        format!("{:>7} {:>7}  ", session.pid, format::age(age)),
                        app.theme.style(role),
                    ),
                    Span::styled(collapse_spaces(&session.query), app.theme.style(Role::Text)),
                ],
            )
        })
        .collect()
}

fn statement_lines(app: &App, limit: usize, label: Option<&'static str>) -> Vec<Line<'static>> {
    let texts = app
        .model
        .snapshot()
        .and_then(|s| s.statements.as_ref().ok())
        .map(|s| s.texts.clone());
    let text_of = |key| texts.as_ref().and_then(|t| t.get(&key));
    app.model
        .statement_deltas()
        .rows
        .iter()
        // pgpulse's own polling is not among the rows (see `analysis::metrics::statement_deltas`).
        .take(limit)
        .map(|delta| {
            let text = text_of(delta.key)
                .map_or_else(|| "(text not fetched yet)".into(), |t| collapse_spaces(t));
            labelled(
                app,
                label,
                vec![
                    Span::styled(
                        format!(
                            "{:>7} {:>7}  ",
                            format::percent(Some(delta.share_of_total_time)),
                            delta.mean_ms.map_or("-".into(), format::millis)
                        ),
                        app.theme.style(Role::Text),
                    ),
                    Span::styled(text, app.theme.style(Role::Text)),
                ],
            )
        })
        .collect()
}

fn blocked_lines(app: &App, limit: usize, label: Option<&'static str>) -> Vec<Line<'static>> {
    let Some(Ok(sessions)) = app.model.snapshot().map(|s| &s.activity) else {
        return vec![];
    };
    let mut blocked: Vec<_> = sessions
        .iter()
        .filter(|s| !s.blocked_by.is_empty())
        .collect();
    blocked.sort_by_key(|s| std::cmp::Reverse(s.query_age));
    blocked
        .into_iter()
        .take(limit)
        .map(|session| {
            let by = session
                .blocked_by
                .iter()
                .map(i32::to_string)
                .collect::<Vec<_>>()
                .join(",");
            labelled(
                app,
                label,
                vec![
                    Span::styled(
                        format!(
                            "{:>7} waits on {by} for {}  ",
                            session.pid,
                            session.query_age.map_or("-".into(), format::age)
                        ),
                        app.theme.style(Role::Crit),
                    ),
                    Span::styled(collapse_spaces(&session.query), app.theme.style(Role::Text)),
                ],
            )
        })
        .collect()
}
