//! `y`: the full text behind the selected row, for the clipboard (OSC 52).

use super::table::RowId;
use super::{App, Effect};

/// The selected row's query text (or name) for the clipboard.
pub(super) fn copy_selected(app: &mut App) -> Vec<Effect> {
    let text = selected_text(app);
    match text {
        Some(text) if !text.is_empty() => {
            app.set_status(format!("copied {} characters", text.chars().count()), false);
            vec![Effect::Copy(text)]
        }
        _ => {
            app.set_status("nothing selected to copy", false);
            vec![]
        }
    }
}

/// The full text behind the selected row: a session's query, a statement's text, a hash.
pub fn selected_text(app: &mut App) -> Option<String> {
    let id = app.focused_table()?.0.selected_id.clone()?;
    let snapshot = app.latest.as_ref()?;
    match id {
        RowId::Pid(pid) => snapshot
            .activity
            .as_ref()
            .ok()?
            .iter()
            .find(|s| s.pid == pid)
            .map(|s| s.query.clone()),
        RowId::Statement(key) => snapshot.statements.as_ref().ok()?.texts.get(&key).cloned(),
        RowId::QueryHash(hash) => Some(hash),
        RowId::Name(name) => Some(name),
        RowId::Relation(oid) => snapshot
            .slow
            .as_ref()?
            .relation_name(oid)
            .map(|(schema, name)| format!("{schema}.{name}")),
    }
}
