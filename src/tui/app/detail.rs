//! The detail view: opening it on the selected row and asking the poller for what the
//! polled data does not have (a session's locks, a statement's every counter and whole
//! text, an index's definition), keeping the answer, and the statement text it shows.

use super::event::Effect;
use super::shell::App;
use super::state::DetailFetch;
use super::state::Mode;
use crate::monitor::collector::{DetailData, DetailRequest};
use crate::monitor::poller::PollerCommand;
use crate::tui::screens::state::TableId;
use crate::tui::screens::table::RowId;

/// Enter: opens the detail view of the selected row, at its top, and asks the poller for
/// what the polled data does not have.
pub(super) fn open(app: &mut App) -> Vec<Effect> {
    let Some(id) = app.focused_table_id() else {
        return vec![];
    };
    let Some(row) = app.screens.table(id).selected_id.clone() else {
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
                .model
                .snapshot()?
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
        app.model
            .snapshot()?
            .statements
            .as_ref()
            .ok()?
            .texts
            .get(&key)
            .map(ToString::to_string)
    })
}
