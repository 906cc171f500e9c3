//! The Cache screen: is the working set in shared buffers, which tables go to disk, and
//! how the selected table's hit ratio and size evolved.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};

use super::cache_history::{self, HistoryView};
use super::empty::Empty;
use super::plot::{MIN_HEIGHT_FOR_LABELS, Panel, Plot, padded_bounds};
use super::rows::{RowWriter, TableRows, cell};
use super::state::TableId;
use super::table::{Column, RowId, Severity, SortKey, TableView};
use crate::analysis::metrics::{RateStatus, Series, Thresholds};
use crate::analysis::model::SectionId;
use crate::monitor::snapshot::cache::TableCache;
use crate::text::format;
use crate::tui::app::App;
use crate::tui::layout;
use crate::tui::theme::Role;

/// Block requests (hits + reads) below which a hit ratio is shown muted rather than
/// judged: a small table read twice, once from disk, has a 50 % ratio that says nothing
/// about the cache, and colouring it red would send the DBA after noise.
pub const MIN_BLOCKS_FOR_LEVEL: i64 = 100;

/// The Cache screen as drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct CacheView {
    /// Interval and cumulative hit ratios of all databases.
    pub ratios: Panel,
    /// The interval ratio over ten minutes, or why there is none yet.
    pub ratio_chart: Result<Plot, Panel>,
    pub tables: TableView,
    pub history: HistoryView,
}

/// The view of the Cache screen in `body`.
pub fn view(app: &App, body: Rect) -> CacheView {
    let bands = layout::cache_bands(body);
    let tiles_width = if body.width >= 120 { 34 } else { 26 };
    let [tiles, ratio_chart] =
        Layout::horizontal([Constraint::Length(tiles_width), Constraint::Min(10)])
            .areas(bands.summary);
    let rows = CacheRows::new(app);
    let tables = super::tables::view(
        app,
        TableId::CacheTables,
        bands.table,
        &rows,
        super::tables::focused(app, TableId::CacheTables),
    )
    .titled(tables_title(app), tables_message(app));
    let history = cache_history::view(app, bands.history, !tables.rows.is_empty());
    CacheView {
        ratios: ratios(app, tiles),
        ratio_chart: ratio_chart_view(app, ratio_chart),
        tables,
        history,
    }
}

/// Interval and cumulative hit ratios of all databases, coloured by the thresholds.
fn ratios(app: &App, area: Rect) -> Panel {
    let theme = app.theme();
    let thresholds = app.model().thresholds();
    let value = |ratio: Option<f64>, why: &str| -> Vec<Span<'static>> {
        match ratio {
            Some(r) => vec![Span::styled(
                format::percent(Some(r)),
                theme.style(Severity::of_level(thresholds.cache_hit_level(r)).role()),
            )],
            None => vec![
                Span::styled("-", theme.style(Role::Text)),
                Span::styled(format!(" {why}"), theme.style(Role::Muted)),
            ],
        }
    };
    let (interval, why) = match app.model().interval_metrics().map(|m| &m.server) {
        Some(RateStatus::Ready(rates)) => (rates.cache_hit_ratio, "no block read"),
        Some(RateStatus::FirstPoll) => (None, "first poll"),
        Some(RateStatus::Reset(_)) => (None, "stats reset"),
        Some(RateStatus::Unavailable) => (None, "unavailable"),
        None => (None, "waiting"),
    };
    let label = |text: &str| Span::styled(format!("{text:<12}"), theme.style(Role::Muted));
    let lines = vec![
        Line::from([vec![label("interval")], value(interval, why)].concat()),
        Line::from(
            [
                vec![label("cumulative")],
                value(app.model().figures().cumulative_cache_hit, "no data"),
            ]
            .concat(),
        ),
        Line::from(Span::styled(target(thresholds), theme.style(Role::Muted))),
    ];
    Panel::bordered(
        area,
        Line::from(Span::styled(
            " Cache hit, all DBs ",
            theme.style(Role::Title),
        )),
        lines,
    )
}

/// `target ≥85% · crit <70%`.
fn target(thresholds: &Thresholds) -> String {
    let limits = &thresholds.cache_hit_ratio;
    let mut target = format!("target ≥{}", whole_percent(limits.warn));
    if let Some(crit) = limits.crit {
        target.push_str(&format!(" · crit <{}", whole_percent(crit)));
    }
    target
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
fn ratio_chart_view(app: &App, area: Rect) -> Result<Plot, Panel> {
    let theme = app.theme();
    let history = app.model().history();
    let points: Vec<(f64, f64)> = history.points(Series::CacheHitRatio).collect();
    let oldest = points.first().map_or(0.0, |&(x, _)| -x);
    let window = oldest.max(60.0).min(history.retention().as_secs_f64());
    let title = Line::from(Span::styled(
        format!(
            " interval hit ratio, last {} ",
            format::duration(std::time::Duration::from_secs_f64(window))
        ),
        theme.style(Role::Title),
    ));
    if points.is_empty() {
        let why = "no interval yet: the ratio needs two polls with block requests between them";
        return Err(Panel {
            wrap: Some(true),
            ..Panel::bordered(
                area,
                title,
                vec![Line::from(Span::styled(why, theme.style(Role::Muted)))],
            )
        });
    }
    let y_bounds = padded_bounds(&points, true);
    let labels = area.height >= MIN_HEIGHT_FOR_LABELS;
    Ok(Plot {
        area,
        title,
        bordered: true,
        points,
        role: Role::Chart1,
        x_bounds: [-window, 0.0],
        y_bounds,
        x_labels: labels.then(|| {
            [
                format!(
                    "-{}",
                    format::duration(std::time::Duration::from_secs_f64(window))
                ),
                "now".into(),
            ]
        }),
        y_labels: labels.then(|| y_bounds.map(|v| format::percent(Some(v)))),
        dot_when_single: true,
    })
}

/// What the table shows: which tables of how many (the cap is never silent), and
/// whether they are stale.
fn tables_title(app: &App) -> String {
    let mut title = "Table cache hits since the stats reset".to_string();
    if let Some(cap) = super::capped::cap_title(app, TableId::CacheTables) {
        title.push_str(&format!(" · {cap}"));
    }
    if let Some(stale) = app.stale(SectionId::TableCache) {
        title.push_str(&stale.title_suffix(app.now()));
    }
    title.push_str(&super::governed::suffix(
        app,
        crate::monitor::snapshot::governed::GovernedSource::Cache,
    ));
    title.push_str(&format!(" · muted: under {MIN_BLOCKS_FOR_LEVEL} blocks"));
    title
}

/// Why the table is empty, and how to fix it when that is possible.
fn tables_message(app: &App) -> String {
    let why = match app.model().slow().map(|slow| &slow.table_cache) {
        None => Empty::FirstSlowPoll,
        Some(Err(error @ crate::monitor::snapshot::SectionError::Failed(_))) => {
            Empty::CouldNotRead {
                source: "pg_statio_user_tables",
                error,
            }
        }
        Some(Err(error)) => Empty::Section(error),
        Some(Ok(_)) if !app.screens().table(TableId::CacheTables).filter.is_empty() => {
            return super::capped::no_match_message(app, TableId::CacheTables)
                .unwrap_or_else(|| super::empty::no_match("table", app.keymap()));
        }
        Some(Ok(_)) => Empty::Nothing("no user tables in this database: nothing to cache".into()),
    };
    why.message(app.keymap())
}

/// Buffer-cache hits and reads of every user table the slow tier read from
/// `pg_statio_user_tables`, with size and row estimates.
pub struct CacheRows<'a> {
    tables: &'a [TableCache],
    thresholds: &'a Thresholds,
}

impl<'a> CacheRows<'a> {
    /// The tables of the slow tier on screen.
    pub fn new(app: &'a App) -> Self {
        Self {
            tables: app
                .model()
                .slow()
                .and_then(|slow| slow.table_cache.as_ref().ok())
                .map_or(&[], |v| v.as_slice()),
            thresholds: app.model().thresholds(),
        }
    }

    /// A hit ratio judged by the cache thresholds once enough blocks were requested.
    fn ratio(&self, row: &mut RowWriter, ratio: Option<f64>, blocks: i64) {
        let severity = match ratio {
            Some(r) if blocks >= MIN_BLOCKS_FOR_LEVEL => {
                Severity::judged(self.thresholds.cache_hit_level(r))
            }
            _ => Severity::Muted,
        };
        row.ratio(ratio, severity);
    }
}

impl TableRows for CacheRows<'_> {
    fn columns(&self) -> Vec<Column> {
        vec![
            Column::text("TABLE", 16, 0),
            Column::number("HEAP HIT", 9, 0),
            Column::number("IDX HIT", 8, 1),
            Column::number("TOAST HIT", 10, 3),
            Column::number("HEAP READ", 10, 1),
            Column::number("HEAP SIZE", 10, 1),
            Column::number("IDX SIZE", 9, 2),
            Column::number("ROWS", 8, 2),
        ]
    }

    fn len(&self) -> usize {
        self.tables.len()
    }

    fn id(&self, index: usize) -> RowId {
        RowId::Relation(self.tables[index].relid)
    }

    fn write(&self, index: usize, row: &mut RowWriter) {
        let t = &self.tables[index];
        let name = || format!("{}.{}", t.schema, t.table);
        row.push(|| SortKey::Text(name()), || cell(name()));
        self.ratio(
            row,
            t.heap_hit_ratio(),
            t.heap_blks_hit.saturating_add(t.heap_blks_read),
        );
        self.ratio(
            row,
            t.index_hit_ratio(),
            t.idx_blks_hit.saturating_add(t.idx_blks_read),
        );
        let toast_blocks = t.toast_blks_hit.saturating_add(t.toast_blks_read);
        let toast_ratio = (toast_blocks > 0).then(|| t.toast_blks_hit as f64 / toast_blocks as f64);
        self.ratio(row, toast_ratio, toast_blocks);
        row.number(
            Some(t.heap_blks_read as f64),
            format::quantity,
            Severity::Normal,
        );
        row.bytes(t.heap_bytes);
        row.bytes(t.index_bytes);
        row.number(
            t.row_estimate.map(|r| r as f64),
            format::quantity,
            Severity::Normal,
        );
    }
}
