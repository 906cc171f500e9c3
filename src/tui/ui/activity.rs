//! Draws the Activity screen: sessions, in one of four modes, with the xmin horizon holder.
//!
//! ```text
//! ┌ Sessions: all (42) · oldest xmin: pid 4242 (1,234 xacts) ──────────────────────┐
//! │ PID   USER  DB  STATE   WAIT       QUERY AGE  QUERY                           │
//! │ 4242  app   db  active  Lock:tuple     12s    UPDATE accounts SET ...         │
//! └───────────────────────────────────────────────────────────────────────────────┘
//! ```

use ratatui::Frame;

use crate::tui::screens::activity::ActivityView;
use crate::tui::screens::drawn::DrawnTable;
use crate::tui::theme::Theme;

/// Draws `view`.
pub fn render(frame: &mut Frame, view: &ActivityView, theme: &Theme) -> Vec<DrawnTable> {
    vec![super::table::render(frame, &view.table, theme)]
}
