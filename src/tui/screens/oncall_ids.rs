//! How the horizon panel's and the lock view's rows are identified, shared by their
//! sources (which write the ids) and the action keys (which find the holder or the
//! session behind a selected row). Kept apart from the sources because the action keys
//! live in `app/`, below the sources that read the app.

use crate::analysis::horizon::{Holder, Horizon};
use crate::analysis::locks::{LockEntry, LockGroup, LockView};
use crate::tui::screens::cells::RowId;

/// A holder's row: its label (`pid 42`, `prepared 'x'`, `slot s (logical)`), unique
/// among the holders of one poll.
pub fn holder_id(holder: &Holder) -> RowId {
    RowId::Name(holder.label())
}

/// The holder a row stands for.
pub fn holder_of<'a>(horizon: &'a Horizon, id: &RowId) -> Option<&'a Holder> {
    horizon.holders.iter().find(|h| holder_id(h) == *id)
}

/// A lock's row: the object, who, the mode, granted or awaited. A session holds several
/// modes on one object and locks on many: the pid alone is not unique.
pub fn lock_id(group: &LockGroup, entry: &LockEntry, granted: bool) -> RowId {
    let who = entry
        .pid
        .map_or_else(|| "prepared".to_string(), |pid| pid.to_string());
    let how = if granted { "holds" } else { "waits" };
    RowId::Name(format!(
        "{}\u{1f}{who}\u{1f}{}\u{1f}{how}",
        group.object, entry.mode
    ))
}

/// The lock entry a row stands for.
pub fn lock_of<'a>(view: &'a LockView, id: &RowId) -> Option<&'a LockEntry> {
    view.groups.iter().find_map(|group| {
        let holders = group.holders.iter().map(|e| (e, true));
        let waiters = group.waiters.iter().map(|e| (e, false));
        holders
            .chain(waiters)
            .find(|(entry, granted)| lock_id(group, entry, *granted) == *id)
            .map(|(entry, _)| entry)
    })
}
