//! What a frame drew where, as the renderer reports it: the tab labels' ranges, each
//! table's rectangle, first row and rows per page, and how far the open overlay scrolls.
//! `update` reads it for mouse clicks and paging, so a click hits what was drawn and a
//! page is what fits; nothing computes the layout a second time.

use ratatui::layout::Rect;

use super::state::TableId;
use crate::tui::screen::Screen;

/// One table as drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DrawnTable {
    pub id: TableId,
    /// The table's rectangle, border included.
    pub area: Rect,
    /// The first row drawn (its position in the table's order).
    pub offset: usize,
    /// How many rows fit: a page.
    pub rows: usize,
}

impl DrawnTable {
    /// The row under the cell (`column`, `row`), if it is one of this table's drawn rows
    /// (border and header take the first two lines).
    pub fn row_at(&self, column: u16, row: u16) -> Option<usize> {
        let first = self.area.y + 2;
        let inside = column > self.area.x && column < self.area.right().saturating_sub(1);
        let rows = first..self.area.bottom().saturating_sub(1);
        (inside && rows.contains(&row)).then(|| self.offset + usize::from(row - first))
    }
}

/// Everything a frame drew that input needs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Drawn {
    /// The tab bar's line.
    pub tabs_row: u16,
    /// Each screen's tab label: from, to (exclusive) on the tab bar's line.
    pub tabs: Vec<(Screen, u16, u16)>,
    /// The tables drawn, in focus order.
    pub tables: Vec<DrawnTable>,
    /// The open overlay's (help, detail view, message log) scroll position, how far it
    /// scrolls and its page height; `None` without one.
    pub overlay: Option<OverlayScroll>,
}

/// Where an overlay is scrolled to, how far it can scroll, and how many lines a page has.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OverlayScroll {
    /// The first line shown.
    pub first: u16,
    pub limit: u16,
    pub page: u16,
}

impl Drawn {
    /// The screen whose tab label is at `column` on `row`.
    pub fn tab_at(&self, column: u16, row: u16) -> Option<Screen> {
        (row == self.tabs_row)
            .then(|| {
                self.tabs
                    .iter()
                    .find(|(_, from, to)| (*from..*to).contains(&column))
                    .map(|(screen, _, _)| *screen)
            })
            .flatten()
    }

    /// Table `id` as drawn.
    pub fn table(&self, id: TableId) -> Option<&DrawnTable> {
        self.tables.iter().find(|t| t.id == id)
    }
}
