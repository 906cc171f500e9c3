//! The Cache screen: is the working set in shared buffers, which tables go to disk, and
//! how the selected table's hit ratio and size evolved.
//!
//! ```text
//! ┌ Cache hit, all DBs ───┐┌ interval hit ratio, last 10m ──────────────────────┐
//! │ interval    99.2%     ││ ⠉⠉⠒⠒⠤⠤⣀⣀⠤⠤⠒⠒⠉⠉                                  │
//! │ cumulative  98.7%     ││                                                    │
//! ┌ Table cache hits since the stats reset (12) ───────────────────────────────┐
//! │ TABLE            HEAP HIT  IDX HIT  HEAP READ▼  HEAP SIZE  IDX SIZE  ROWS  │
//! ┌ public.orders, last 24h ([ ] change) · growth +1.2 MiB/day ─────────────────┐
//! │ hit ratio 97.1%                     size 1.2 GiB                           │
//! ```

mod chart;
mod history;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use self::chart::{Plot, padded_bounds, render_plot};
use super::table::{TableView, render_table};
use crate::analysis::metrics::{RateStatus, Series};
use crate::analysis::model::SectionId;
use crate::monitor::snapshot::SectionError;
use crate::text::format;
use crate::tui::app::capped;
use crate::tui::app::{App, TableId};
use crate::tui::layout;
use crate::tui::theme::Role;

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let bands = layout::cache_bands(area);
    let tiles_width = if area.width >= 120 { 34 } else { 26 };
    let [tiles, ratio_chart] =
        Layout::horizontal([Constraint::Length(tiles_width), Constraint::Min(10)])
            .areas(bands.summary);
    render_ratios(app, frame, tiles);
    render_ratio_chart(app, frame, ratio_chart);
    render_tables(app, frame, bands.table);
    history::render(app, frame, bands.history);
}

/// Interval and cumulative hit ratios of all databases, coloured by the thresholds.
fn render_ratios(app: &App, frame: &mut Frame, area: Rect) {
    let theme = &app.theme;
    let thresholds = &app.model.thresholds();
    let value = |ratio: Option<f64>, why: &str| -> Vec<Span<'static>> {
        match ratio {
            Some(r) => vec![Span::styled(
                format::percent(Some(r)),
                theme.style(Role::of_level(thresholds.cache_hit_level(r))),
            )],
            None => vec![
                Span::styled("-", theme.style(Role::Text)),
                Span::styled(format!(" {why}"), theme.style(Role::Muted)),
            ],
        }
    };
    let (interval, why) = match app.model.interval_metrics().as_ref().map(|m| &m.server) {
        Some(RateStatus::Ready(rates)) => (rates.cache_hit_ratio, "no block read"),
        Some(RateStatus::FirstPoll) => (None, "first poll"),
        Some(RateStatus::Reset(_)) => (None, "stats reset"),
        Some(RateStatus::Unavailable) => (None, "unavailable"),
        None => (None, "waiting"),
    };
    let label = |text: &str| Span::styled(format!("{text:<12}"), theme.style(Role::Muted));
    let limits = &thresholds.cache_hit_ratio;
    let mut target = format!("target ≥{}", whole_percent(limits.warn));
    if let Some(crit) = limits.crit {
        target.push_str(&format!(" · crit <{}", whole_percent(crit)));
    }
    let lines = vec![
        Line::from([vec![label("interval")], value(interval, why)].concat()),
        Line::from(
            [
                vec![label("cumulative")],
                value(app.model.figures().cumulative_cache_hit, "no data"),
            ]
            .concat(),
        ),
        Line::from(Span::styled(target, theme.style(Role::Muted))),
    ];
    let block = Block::bordered()
        .border_style(theme.style(Role::Border))
        .title(Span::styled(
            " Cache hit, all DBs ",
            theme.style(Role::Title),
        ));
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// `85%`, or `85.5%` when the configured threshold is not a whole percentage.
fn whole_percent(ratio: f64) -> String {
    let percent = ratio * 100.0;
    if (percent - percent.round()).abs() < 1e-9 {
        format!("{percent:.0}%")
    } else {
        format!("{percent:.1}%")
    }
}

/// The interval ratio over the in-memory history (ten minutes), zoomed to the data
/// while it is younger than a minute, as on the Dashboard.
fn render_ratio_chart(app: &App, frame: &mut Frame, area: Rect) {
    let theme = &app.theme;
    let points: Vec<(f64, f64)> = app.model.history().points(Series::CacheHitRatio).collect();
    let oldest = points.first().map_or(0.0, |&(x, _)| -x);
    let retention = app.model.history().retention().as_secs_f64();
    let window = oldest.max(60.0).min(retention);
    let title = format!(
        " interval hit ratio, last {} ",
        format::duration(std::time::Duration::from_secs_f64(window))
    );
    let block = Block::bordered()
        .border_style(theme.style(Role::Border))
        .title(Span::styled(title, theme.style(Role::Title)));
    if points.is_empty() {
        let why = "no interval yet: the ratio needs two polls with block requests between them";
        frame.render_widget(
            Paragraph::new(Span::styled(why, theme.style(Role::Muted)))
                .block(block)
                .wrap(ratatui::widgets::Wrap { trim: true }),
            area,
        );
        return;
    }
    let y_bounds = padded_bounds(&points, true);
    render_plot(
        frame,
        area,
        block,
        Plot {
            points: &points,
            role: Role::Chart1,
            x_bounds: [-window, 0.0],
            y_bounds,
            x_labels: [
                format!(
                    "-{}",
                    format::duration(std::time::Duration::from_secs_f64(window))
                ),
                "now".into(),
            ],
            y_labels: y_bounds.map(|v| format::percent(Some(v))),
        },
        theme,
    );
}

fn render_tables(app: &App, frame: &mut Frame, area: Rect) {
    let empty = tables_message(app);
    render_table(
        frame,
        area,
        app.tables.model(TableId::CacheTables),
        app.tables.state(TableId::CacheTables),
        &TableView {
            title: tables_title(app),
            focused: app.focused_table_id() == Some(TableId::CacheTables),
            empty_message: &empty,
        },
        &app.theme,
    );
}

/// What the table shows: which tables of how many (the cap is never silent), and
/// whether they are stale.
fn tables_title(app: &App) -> String {
    let mut title = "Table cache hits since the stats reset".to_string();
    if let Some(cap) = capped::cap_title(app, TableId::CacheTables) {
        title.push_str(&format!(" · {cap}"));
    }
    if let Some(stale) = app.stale(SectionId::TableCache) {
        title.push_str(&stale.title_suffix(app.now));
    }
    title.push_str(&format!(
        " · muted: under {} blocks",
        crate::tui::app::views::cache::MIN_BLOCKS_FOR_LEVEL
    ));
    title
}

/// Why the table is empty, and how to fix it when that is possible.
fn tables_message(app: &App) -> String {
    match app
        .model
        .snapshot()
        .and_then(|s| s.slow.as_ref())
        .map(|slow| &slow.table_cache)
    {
        None => "waiting for the first slow-tier poll…".into(),
        Some(Err(SectionError::Failed(line))) => {
            format!("pg_statio_user_tables could not be read: {line}")
        }
        Some(Err(error)) => error.to_string(),
        Some(Ok(_)) if !app.tables.state(TableId::CacheTables).filter.is_empty() => {
            capped::no_match_message(app, TableId::CacheTables)
                .unwrap_or_else(|| crate::tui::app::views::no_match("table", &app.keymap))
        }
        Some(Ok(_)) => "no user tables in this database: nothing to cache".into(),
    }
}
