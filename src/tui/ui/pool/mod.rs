//! The Pool screen: who holds the server's connection slots, how full the configured
//! application pools are, and what PgBouncer says about its own pools.
//!
//! Wide terminals (120 columns and more):
//!
//! ```text
//! ┌ Connections · max_connections 100 − 3 … ┐┌ Application pools (2) ───────────────────┐
//! │server ██████░░░░░░░░░░░░░░░  12/97 12.4%││prod ███████████████████░░░░  45/50 90.0%│
//! │active 3  idle 5  idle in txn 1  …       ││dev  ███░░░░░░░░░░░░░░░░░░░░   1/10 10.0%│
//! │longest idle in txn pid 4245 · open 2m…  ││                                          │
//! ┌ By application (4) ────┐┌ By user (2) ───────┐┌ By client address (3) ┐
//! │APPLICATION  TOTAL▼  ...││USER  TOTAL▼  ...   ││CLIENT  TOTAL▼  ...    │
//! ┌ PgBouncer pools (3) ───────────────────────────────────────────────────────────┐
//! │DATABASE USER CL ACT CL WAIT▼ SV ACT SV IDLE SV USED MAXWAIT s AVG Q ms MODE    │
//! └─ lists: pools 3 · used_clients 12 · free_clients 38 … ─────────────────────────┘
//! ```
//!
//! Narrow terminals put the pool gauges under the server's in one panel and stack the
//! tables; when they do not all fit, the focused one is expanded and the others shrink
//! to a one-line summary (`f` moves the focus, and with it the expanded table).

mod gauge;
mod summary;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::table::{TableView, render_table};
use crate::monitor::snapshot::pgbouncer::PgBouncer;
use crate::tui::app::table::TableModel;
use crate::tui::app::{App, TableId};
use crate::tui::keymap::Action;
use crate::tui::layout;
use crate::tui::theme::Role;

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let regions = layout::pool_regions(area, app.focused_table_id());
    match regions.pools {
        Some(pools) => {
            summary::render_server(app, frame, regions.summary);
            summary::render_pools(app, frame, pools, regions.pool_lines);
        }
        None => summary::render_merged(app, frame, regions.summary, regions.pool_lines),
    }
    for (id, rect) in regions.tables {
        // A table needs border, header and a row; with less it is a summary line.
        if rect.height < 4 {
            render_collapsed(app, frame, id, rect);
        } else {
            render_pool_table(app, frame, id, rect);
        }
    }
}

fn render_pool_table(app: &App, frame: &mut Frame, id: TableId, area: Rect) {
    let model = app.tables.model(id);
    let mut state = app.tables.state(id).clone();
    // The stored offset was computed for the rectangles of `table_areas`, which may be
    // smaller than this one: never hide rows above while leaving lines empty below.
    let visible = layout::table_rows(area).max(1);
    state.offset = state.offset.min(model.rows.len().saturating_sub(visible));
    let empty = empty_message(app, id);
    render_table(
        frame,
        area,
        model,
        &state,
        &TableView {
            title: table_title(id),
            focused: app.focused_table_id() == Some(id),
            empty_message: &empty,
        },
        &app.theme,
    );
    if id == TableId::PgBouncerPools
        && let Some(bouncer) = bouncer(app)
    {
        render_lists(app, frame, area, bouncer);
    }
}

/// `SHOW LISTS` totals on the bottom border of the PgBouncer table.
fn render_lists(app: &App, frame: &mut Frame, area: Rect, bouncer: &PgBouncer) {
    if bouncer.lists.is_empty() || area.height < 3 || area.width < 6 {
        return;
    }
    let room = usize::from(area.width - 4);
    let text = format!(
        " lists: {} ",
        lists_summary(bouncer, room.saturating_sub(9))
    );
    let width = u16::try_from(text.chars().count())
        .unwrap_or(u16::MAX)
        .min(area.width - 4);
    let line = Rect::new(area.x + 2, area.bottom() - 1, width, 1);
    frame.render_widget(
        Paragraph::new(Span::styled(text, app.theme.style(Role::Muted))),
        line,
    );
}

/// The lists that say how full PgBouncer is first, then the others it reports; empty
/// lists outside the first group (peers, DNS) are left out. Whole items only, as many
/// as fit in `width`.
fn lists_summary(bouncer: &PgBouncer, width: usize) -> String {
    const FIRST: [&str; 8] = [
        "pools",
        "used_clients",
        "free_clients",
        "login_clients",
        "used_servers",
        "free_servers",
        "databases",
        "users",
    ];
    let first = FIRST
        .iter()
        .filter_map(|name| bouncer.lists.iter().find(|l| l.name == *name));
    let rest = bouncer
        .lists
        .iter()
        .filter(|l| !FIRST.contains(&l.name.as_str()) && l.items != 0);
    let mut text = String::new();
    for list in first.chain(rest) {
        let item = format!(
            "{} {}",
            list.name,
            crate::text::format::thousands(list.items)
        );
        let separator = if text.is_empty() { "" } else { " · " };
        if text.chars().count() + separator.len() + item.chars().count() > width {
            break;
        }
        text.push_str(separator);
        text.push_str(&item);
    }
    text
}

/// A table without room for rows: its title and a summary on one rule line.
fn render_collapsed(app: &App, frame: &mut Frame, id: TableId, area: Rect) {
    let theme = &app.theme;
    let model = app.tables.model(id);
    let mut spans = vec![Span::styled(
        format!(" {} ({}) ", table_title(id), model.rows.len()),
        theme.style(Role::Title),
    )];
    spans.extend(collapsed_summary(app, id, model));
    let hint = app
        .keymap
        .keys_for(Action::FocusNext)
        .first()
        .map(|key| format!(" {key} expands "));
    // The summary gives way to the hint (never drawn under it) and shows it is cut.
    let room =
        usize::from(area.width).saturating_sub(hint.as_deref().map_or(0, super::text::width) + 1);
    let mut block = Block::new()
        .borders(Borders::TOP)
        .border_style(theme.style(Role::Border))
        .title(super::text::fit_line(Line::from(spans), room));
    if let Some(hint) = hint {
        block = block
            .title_top(Line::from(Span::styled(hint, theme.style(Role::Muted))).right_aligned());
    }
    frame.render_widget(block, area);
}

/// What a collapsed table would show first: the biggest rows, or why it is empty.
fn collapsed_summary(app: &App, id: TableId, model: &TableModel) -> Vec<Span<'static>> {
    let theme = &app.theme;
    if id == TableId::PgBouncerPools
        && let Some(bouncer) = bouncer(app)
        && !model.rows.is_empty()
    {
        let waiting: i64 = bouncer.pools.iter().map(|p| p.cl_waiting).sum();
        let role = if waiting > 0 { Role::Crit } else { Role::Muted };
        return vec![Span::styled(
            format!(" {waiting} clients waiting "),
            theme.style(role),
        )];
    }
    if model.rows.is_empty() {
        let message = empty_message(app, id);
        let first = message.lines().next().unwrap_or_default().to_string();
        let role = if bouncer_failed(app) && id == TableId::PgBouncerPools {
            Role::Crit
        } else {
            Role::Muted
        };
        return vec![Span::styled(format!(" {first} "), theme.style(role))];
    }
    let items: Vec<String> = model
        .rows
        .iter()
        .take(8)
        .map(|row| {
            let cell = |i: usize| row.cells.get(i).map_or("", |c| c.text.as_str());
            format!("{} {}", cell(0), cell(1))
        })
        .collect();
    vec![Span::styled(
        format!(" {} ", items.join(" · ")),
        theme.style(Role::Text),
    )]
}

fn table_title(id: TableId) -> String {
    match id {
        TableId::PoolApplications => "By application".into(),
        TableId::PoolUsers => "By user".into(),
        TableId::PoolClients => "By client address".into(),
        TableId::PgBouncerPools => "PgBouncer pools".into(),
        _ => String::new(),
    }
}

/// PgBouncer's answer, when it is configured and was read.
fn bouncer(app: &App) -> Option<&PgBouncer> {
    app.model.snapshot()?.pgbouncer.as_ref()?.as_ref().ok()
}

fn bouncer_failed(app: &App) -> bool {
    app.model
        .snapshot()
        .and_then(|s| s.pgbouncer.as_ref())
        .is_some_and(|section| section.is_err())
}

/// Why a table is empty, and how to fix it when that is possible.
fn empty_message(app: &App, id: TableId) -> String {
    let filtered = !app.tables.state(id).filter.is_empty();
    if id == TableId::PgBouncerPools {
        return match app.model.snapshot().map(|s| &s.pgbouncer) {
            None => "waiting for the first poll…".into(),
            Some(None) => format!(
                "No PgBouncer configured. To see its pools, add to {}:\n\
                 [pgbouncer]\n\
                 conninfo = \"host=127.0.0.1 port=6432 dbname=pgbouncer user=pgbouncer\"\n\
                 (that user must be in PgBouncer's admin_users or stats_users)",
                summary::CONFIG_PATH
            ),
            Some(Some(Err(error))) => format!("PgBouncer could not be read: {error}"),
            Some(Some(Ok(_))) if filtered => crate::tui::app::views::no_match("pool", &app.keymap),
            Some(Some(Ok(_))) => "PgBouncer reports no pools (SHOW POOLS is empty)".into(),
        };
    }
    match summary::no_usage_reason(app) {
        (reason, _) if app.model.pool_usage().is_none() => reason,
        _ if filtered => crate::tui::app::views::no_match("row", &app.keymap),
        _ => "no client connections (pgpulse's own session is not counted)".into(),
    }
}
