//! Draws the Cache screen: is the working set in shared buffers, which tables go to disk,
//! and how the selected table's hit ratio and size evolved.
//!
//! ```text
//! ┌ Cache hit, all DBs ───┐┌ interval hit ratio, last 10m ──────────────────────┐
//! │ interval    99.2%     ││ ⠉⠉⠒⠒⠤⠤⣀⣀⠤⠤⠒⠒⠉⠉                                  │
//! │ cumulative  98.7%     ││                                                    │
//! ┌ Table cache hits since the stats reset (12) ───────────────────────────────┐
//! │ TABLE            HEAP HIT  IDX HIT  HEAP READ▼  HEAP SIZE  IDX SIZE  ROWS  │
//! ┌ public.orders, last 24h ([ ] change) · growth +1.2 MiB/day ─────────────────┐
//! │ hit ratio 97.1%                     size 1.2 GiB                           │
//! ```

use ratatui::Frame;
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::panel::{render_panel, render_plot};
use crate::tui::screens::cache::CacheView;
use crate::tui::screens::cache_history::{HistoryBody, HistoryView};
use crate::tui::screens::drawn::DrawnTable;
use crate::tui::theme::{Role, Theme};

/// Draws `view`.
pub fn render(frame: &mut Frame, view: &CacheView, theme: &Theme) -> Vec<DrawnTable> {
    render_panel(frame, &view.ratios, theme);
    match &view.ratio_chart {
        Ok(plot) => render_plot(frame, plot, theme),
        Err(why) => render_panel(frame, why, theme),
    }
    let drawn = super::table::render(frame, &view.tables, theme);
    render_history(frame, &view.history, theme);
    vec![drawn]
}

/// The selected table's history band: two charts, or why there are none.
fn render_history(frame: &mut Frame, view: &HistoryView, theme: &Theme) {
    let block = Block::bordered()
        .border_style(theme.style(Role::Border))
        .title(view.title.clone());
    match &view.body {
        HistoryBody::Message(lines) => frame.render_widget(
            Paragraph::new(lines.clone())
                .block(block)
                .wrap(Wrap { trim: false }),
            view.area,
        ),
        HistoryBody::Charts(charts) => {
            frame.render_widget(block, view.area);
            for chart in charts {
                match chart {
                    Ok(plot) => render_plot(frame, plot, theme),
                    Err(why) => render_panel(frame, why, theme),
                }
            }
        }
    }
}
