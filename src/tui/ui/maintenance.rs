//! Draws the Maintenance screen: every user table's vacuum/analyze state, the commands
//! running now, transaction ID wraparound, the scheduled task history and the journal.
//!
//! ```text
//! ┌ Vacuum & analyze · schedule: analyze 1d, vacuum 7d (3) ──────────────────────┐
//! │!▼ TABLE                       DEAD DEAD % LAST VAC  LAST AN STATUS           │
//! │!! public.learning_events     40.0k  25.0%    9d02h   20h00m DUE, AV OFF · OVE│
//! └──────────────────────────────────────────────────────────────────────────────┘
//! ┌ Why can't VACUUM clean? · xmin horizon holders · E ends one (2) ─────────────┐
//! │KIND     HOLDER          XACTS    HELD STATE / OWNER DETAILS                   │
//! │prepared forgotten_tx    1,234  12m04s owner app     prepared at 2026-…         │
//! └──────────────────────────────────────────────────────────────────────────────┘
//! ┌ Running VACUUM / ANALYZE / CREATE INDEX (1) ─────────────────────────────────┐
//! │   4242 VACUUM       learning_events   ██████░░░░ 62%  scanning heap ·  12m04s│
//! └──────────────────────────────────────────────────────────────────────────────┘
//! ┌ Wraparound · freeze 200.0M (6) ──┐┌ Scheduled task history (3) ──────────────┐
//! │app                  182.0M  91.0%││!! vacuum_analyze_tables    failed        │
//! │└ public.learning_e  120.0M  60.0%││   update_table_statistics  completed     │
//! └──────────────────────────────────┘└──────────────────────────────────────────┘
//! ```

use ratatui::Frame;
use ratatui::widgets::Paragraph;

use crate::tui::screens::drawn::DrawnTable;
use crate::tui::screens::maintenance_view::MaintenanceView;
use crate::tui::theme::Theme;

/// Draws `view`.
pub fn render(frame: &mut Frame, view: &MaintenanceView, theme: &Theme) -> Vec<DrawnTable> {
    if let Some((area, lines)) = &view.note {
        frame.render_widget(Paragraph::new(lines.clone()), *area);
    }
    view.tables
        .iter()
        .map(|table| super::table::render(frame, table, theme))
        .collect()
}
