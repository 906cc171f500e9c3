//! `y`: the full text behind the selected row, for the clipboard (OSC 52).

use super::table::RowId;
use super::{App, Effect};
use crate::tui::keymap::Action;

/// The selected row's query text (or name) for the clipboard.
pub(super) fn copy_selected(app: &mut App) -> Vec<Effect> {
    let text = selected_text(app);
    match text {
        Some(text) if !text.is_empty() => {
            // A cached statement text is cut at 8 KiB: say so, a cut query pasted
            // somewhere is not the query.
            let cut = text.ends_with('…')
                && matches!(
                    app.focused_table().and_then(|(s, _)| s.selected_id.clone()),
                    Some(RowId::Statement(_))
                );
            let keys = (
                app.keymap.first_key(Action::Detail),
                app.keymap.first_key(Action::Copy),
            );
            let note = match keys {
                (Some(detail), Some(copy)) if cut => format!(
                    " (the text is cut: {detail} reads it whole, then {copy} copies all of it)"
                ),
                _ if cut => " (the text is cut: the detail view reads it whole)".to_string(),
                _ => String::new(),
            };
            app.set_status(
                format!("copied {} characters{note}", text.chars().count()),
                false,
            );
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
    let snapshot = app.model.snapshot()?;
    match id {
        // The exact text, line breaks and tabs kept (a `--` comment must not swallow the
        // next line once pasted); other controls escaped.
        RowId::Pid(pid) => snapshot
            .activity
            .as_ref()
            .ok()?
            .iter()
            .find(|s| s.pid == pid)
            .map(|s| {
                if s.raw_query.is_empty() {
                    s.query.clone()
                } else {
                    crate::text::sanitize::sanitize_multiline(&s.raw_query).into_owned()
                }
            }),
        RowId::Statement(key) => super::detail::statement_text(app, key),
        RowId::QueryHash(hash) => Some(hash),
        RowId::Name(name) => Some(name),
        RowId::Relation(oid) => snapshot
            .slow
            .as_ref()?
            .relation_name(oid)
            .map(|(schema, name)| format!("{schema}.{name}")),
    }
}
