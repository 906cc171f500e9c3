//! Draws the Pool screen: who holds the server's connection slots, how full the
//! configured application pools are, and what PgBouncer says about its own pools.
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

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::panel::render_panel;
use crate::tui::screens::drawn::DrawnTable;
use crate::tui::screens::pool::{PoolTable, PoolView};
use crate::tui::theme::{Role, Theme};

/// Draws `view`.
pub fn render(frame: &mut Frame, view: &PoolView, theme: &Theme) -> Vec<DrawnTable> {
    render_panel(frame, &view.summary, theme);
    if let Some(pools) = &view.pools {
        render_panel(frame, pools, theme);
    }
    let mut drawn = Vec::new();
    for table in &view.tables {
        match table {
            PoolTable::Whole { table, lists } => {
                drawn.push(super::table::render(frame, table, theme));
                if let Some(lists) = lists {
                    render_lists(frame, table.area, lists, theme);
                }
            }
            PoolTable::Collapsed {
                id,
                area,
                title,
                hint,
            } => {
                let mut block = Block::new()
                    .borders(Borders::TOP)
                    .border_style(theme.style(Role::Border))
                    .title(title.clone());
                if let Some(hint) = hint {
                    block = block.title_top(
                        Line::from(Span::styled(hint.clone(), theme.style(Role::Muted)))
                            .right_aligned(),
                    );
                }
                frame.render_widget(block, *area);
                drawn.push(DrawnTable {
                    id: *id,
                    area: *area,
                    offset: 0,
                    rows: 1,
                });
            }
        }
    }
    drawn
}

/// `SHOW LISTS` totals on the bottom border of the PgBouncer table.
fn render_lists(frame: &mut Frame, area: Rect, text: &str, theme: &Theme) {
    let width = u16::try_from(text.chars().count())
        .unwrap_or(u16::MAX)
        .min(area.width.saturating_sub(4));
    let line = Rect::new(area.x + 2, area.bottom().saturating_sub(1), width, 1);
    frame.render_widget(
        Paragraph::new(Span::styled(text.to_string(), theme.style(Role::Muted))),
        line,
    );
}
