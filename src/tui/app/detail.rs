//! The detail view's state: which row it shows, what it asked the poller for (a session's
//! locks, a statement's every counter and whole text, an index's definition) and the
//! answer, and how far it is scrolled.

use super::table::RowId;
use super::{App, Effect, Mode, TableId};
use crate::monitor::collector::{DetailData, DetailRequest};
use crate::monitor::poller::PollerCommand;
use crate::tui::keymap::Action;

/// A request of the open detail view and, once it came, its answer.
#[derive(Debug, Clone, PartialEq)]
pub struct DetailFetch {
    pub request: DetailRequest,
    /// `None` while the poller has not answered.
    pub answer: Option<Result<DetailData, String>>,
}

/// Enter: opens the detail view of the selected row, at its top, and asks the poller for
/// what the polled data does not have.
pub(super) fn open(app: &mut App) -> Vec<Effect> {
    let Some(id) = app.focused_table_id() else {
        return vec![];
    };
    let Some(row) = app.tables.state(id).selected_id.clone() else {
        return vec![];
    };
    app.mode = Mode::Detail;
    app.overlay_scroll = 0;
    app.detail = request_for(app, id, &row).map(|request| DetailFetch {
        request,
        answer: None,
    });
    match &app.detail {
        Some(fetch) => vec![Effect::Poller(PollerCommand::FetchDetail(fetch.request))],
        None => vec![],
    }
}

/// What the detail of this row needs from the server, if anything.
fn request_for(app: &App, table: TableId, row: &RowId) -> Option<DetailRequest> {
    match (table, row) {
        (_, RowId::Pid(pid)) => {
            let session = app
                .latest
                .as_ref()?
                .activity
                .as_ref()
                .ok()?
                .iter()
                .find(|s| s.pid == *pid)?;
            Some(DetailRequest::Session {
                pid: *pid,
                backend_start: session.backend_start,
            })
        }
        (_, RowId::Statement(key)) => Some(DetailRequest::Statement(*key)),
        (TableId::Indexes, RowId::Relation(oid)) => Some(DetailRequest::Index(*oid)),
        _ => None,
    }
}

/// Keeps the poller's answer if the view still shows what it was asked for.
pub(super) fn on_fetched(
    app: &mut App,
    request: DetailRequest,
    answer: Result<DetailData, String>,
) {
    if let Some(fetch) = app.detail.as_mut()
        && fetch.request == request
    {
        fetch.answer = Some(answer);
    }
}

/// j/k, PgUp/PgDn, g/G in the detail view or the message log: scrolls within what the
/// view has to show (its last page at most), so `k` after `G` moves at once.
pub(super) fn scroll(app: &mut App, action: Action) {
    let (limit, page) = crate::tui::ui::overlay_scroll_limit(app);
    let page = page.max(1);
    let scroll = app.overlay_scroll.min(limit);
    app.overlay_scroll = match action {
        Action::Down => scroll.saturating_add(1),
        Action::Up => scroll.saturating_sub(1),
        Action::PageDown => scroll.saturating_add(page),
        Action::PageUp => scroll.saturating_sub(page),
        Action::Top => 0,
        Action::Bottom => limit,
        _ => scroll,
    }
    .min(limit);
}

/// The statement text the detail view shows and `y` copies: the whole text when the
/// poller has read it, else the cached one (cut at 8 KiB, ending in `…`).
pub fn statement_text(app: &App, key: crate::monitor::snapshot::StatementKey) -> Option<String> {
    let fetched = app.detail.as_ref().and_then(|fetch| match &fetch.answer {
        Some(Ok(DetailData::Statement(detail)))
            if fetch.request == DetailRequest::Statement(key) =>
        {
            detail.text.clone()
        }
        _ => None,
    });
    fetched.or_else(|| {
        app.latest
            .as_ref()?
            .statements
            .as_ref()
            .ok()?
            .texts
            .get(&key)
            .cloned()
    })
}
