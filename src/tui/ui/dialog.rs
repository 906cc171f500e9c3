//! Draws the confirmation dialog: the exact SQL, the target, the lock it takes, and
//! Yes/No with the real keys from the keymap.
//!
//! ```text
//! ┌ Terminate session ───────────────────────────────────────────────┐
//! │ Target  pid 4242 · psql · alice · query running 2m 3s            │
//! │         select pg_sleep(600)                                     │
//! │ Lock    none (sends a signal to the backend)                     │
//! │ SQL     SELECT pg_catalog.pg_terminate_backend(pid) FROM ...     │
//! │                  [ Yes  y ]   [ No  n ]     Enter: focused · Esc │
//! └──────────────────────────────────────────────────────────────────┘
//! ```

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};
use ratatui::widgets::{Block, Paragraph};

use crate::tui::screens::dialog::DialogView;
use crate::tui::theme::{Role, Theme};

/// Draws `view`.
pub fn render(frame: &mut Frame, view: &DialogView, theme: &Theme) {
    let border = if view.danger {
        Role::Danger
    } else {
        Role::BorderFocused
    };
    let block = Block::bordered()
        .border_style(theme.style(border))
        .title(view.title.clone());
    let inner = block.inner(view.area);
    frame.render_widget(block.style(theme.style(Role::Dialog)), view.area);
    let [text_area, buttons_area] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(1)]).areas(inner);
    frame.render_widget(
        Paragraph::new(view.lines.clone()).style(theme.style(Role::Dialog)),
        text_area,
    );
    frame.render_widget(
        Paragraph::new(view.buttons.clone()).style(theme.style(Role::Dialog)),
        buttons_area,
    );
}
