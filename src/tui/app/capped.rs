//! Lists the server reads with a cap say so, and a filter typed on one searches the
//! server's whole set: a table outside the 500 largest is still found by its name.
//!
//! The filter is sent to the poller as the user types (it reads on its next tick, not on
//! every key); until the rows answering it arrive, the table says it is searching.

use super::{App, Effect, TableId};
use crate::analysis::model::SectionId;
use crate::monitor::poller::PollerCommand;
use crate::monitor::snapshot::{CappedList, ListCap};
use crate::text::format;

/// The capped list a table shows, if it is one.
pub fn capped_list(id: TableId) -> Option<CappedList> {
    match id {
        TableId::CacheTables => Some(CappedList::CacheTables),
        TableId::TableScans => Some(CappedList::TableScans),
        TableId::Maintenance => Some(CappedList::Maintenance),
        TableId::Wraparound => Some(CappedList::WraparoundTables),
        TableId::TaskHistory => Some(CappedList::TaskHistory),
        TableId::Latency => Some(CappedList::QueryHashes),
        _ => None,
    }
}

/// How the list's rows were chosen (`largest`) and what they are (`tables`).
fn words(list: CappedList) -> (&'static str, &'static str) {
    match list {
        CappedList::CacheTables => ("largest", "tables"),
        CappedList::TableScans => ("most read by seq scans", "tables"),
        CappedList::Maintenance => ("with most dead tuples", "tables"),
        CappedList::WraparoundTables => ("oldest", "relations"),
        CappedList::TaskHistory => ("first", "tasks"),
        CappedList::QueryHashes => ("slowest", "query hashes"),
    }
}

/// `tables` for any count but one, which is `table` (`query hashes` → `query hash`).
fn noun_for(count: i64, plural: &'static str) -> &'static str {
    if count != 1 {
        return plural;
    }
    plural
        .strip_suffix("es")
        .filter(|stem| stem.ends_with("sh"))
        .or_else(|| plural.strip_suffix('s'))
        .unwrap_or(plural)
}

/// How `list` was read, when it was.
fn cap(app: &App, list: CappedList) -> Option<&ListCap> {
    app.model.snapshot()?.slow.as_ref()?.caps.get(&list)
}

/// For the table's title: `500 largest of 1,513 tables`, `3 tables matching "pace"`, or
/// `searching all tables for "pace"…` until the server answered the filter; `None` for
/// a list read whole.
pub fn cap_title(app: &App, id: TableId) -> Option<String> {
    let list = capped_list(id)?;
    let (chosen, noun) = words(list);
    if search_pending(app, id) {
        let filter = &app.tables.state(id).filter;
        if filter.is_empty() {
            return Some(format!("reading all {noun}…"));
        }
        return Some(format!("searching all {noun} for \"{filter}\"…"));
    }
    let cap = cap(app, list)?;
    let total = format::thousands(cap.total);
    let matching = cap
        .search
        .as_deref()
        .map(|text| format!(" matching \"{text}\""))
        .unwrap_or_default();
    match (cap.is_capped(), matching.is_empty()) {
        (true, _) => Some(format!(
            "{} {chosen} of {total} {noun}{matching}",
            format::thousands(i64::try_from(cap.shown).unwrap_or(i64::MAX))
        )),
        (false, false) => Some(format!("{total} {}{matching}", noun_for(cap.total, noun))),
        (false, true) => None,
    }
}

/// Whether the table's filter has not been answered by the server yet (its rows are
/// still those of another search, or of none).
pub fn search_pending(app: &App, id: TableId) -> bool {
    let Some(list) = capped_list(id) else {
        return false;
    };
    let filter = app.tables.state(id).filter.as_str();
    let wanted = (!filter.is_empty()).then_some(filter);
    let cap = cap(app, list);
    // A list read whole is filtered here; the server is not asked.
    if cap.is_some_and(|cap| !cap.is_capped() && cap.search.is_none()) {
        return false;
    }
    let answered = cap.map(|cap| cap.search.as_deref());
    // Nothing read yet, or the read failed (kept rows keep their cap): no search runs.
    let reading = app.model.read_failure(section_of(list)).is_none();
    answered.is_some_and(|answered| answered != wanted) && reading
}

fn section_of(list: CappedList) -> SectionId {
    match list {
        CappedList::CacheTables => SectionId::TableCache,
        CappedList::TableScans => SectionId::TableScans,
        CappedList::Maintenance => SectionId::Maintenance,
        CappedList::WraparoundTables => SectionId::Wraparound,
        CappedList::TaskHistory => SectionId::TaskHistory,
        CappedList::QueryHashes => SectionId::PerformanceLog,
    }
}

/// Why a filtered capped table has no rows: still searching, or nothing on the server
/// matches (it searched every row).
pub fn no_match_message(app: &App, id: TableId) -> Option<String> {
    let list = capped_list(id)?;
    let (_, noun) = words(list);
    if search_pending(app, id) {
        return Some(format!("searching all {noun} on the server…"));
    }
    let cap = cap(app, list)?;
    let text = cap.search.as_deref()?;
    let clears = app
        .keymap
        .hint(crate::tui::keymap::Action::Back, "clears it")
        .map(|hint| format!("; {hint}"))
        .unwrap_or_default();
    Some(format!(
        "no {noun} match \"{text}\" on the server (all of them searched{clears})"
    ))
}

/// The effect that sends the focused table's filter to the poller, when the table is a
/// capped list that left rows out (a list read whole is filtered where it is, at no cost
/// to the server), or one answering an earlier search.
pub fn search_effect(app: &mut App) -> Vec<Effect> {
    let Some(id) = app.focused_table_id() else {
        return vec![];
    };
    let Some(list) = capped_list(id) else {
        return vec![];
    };
    let whole = cap(app, list).is_some_and(|cap| !cap.is_capped() && cap.search.is_none());
    if whole {
        return vec![];
    }
    let filter = app.tables.state(id).filter.clone();
    let text = (!filter.is_empty()).then_some(filter);
    vec![Effect::Poller(PollerCommand::Search(list, text))]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_is_singular() {
        assert_eq!(noun_for(1, "tables"), "table");
        assert_eq!(noun_for(1, "query hashes"), "query hash");
        assert_eq!(noun_for(0, "tables"), "tables");
        assert_eq!(noun_for(2, "relations"), "relations");
    }
}
