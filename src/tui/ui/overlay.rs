//! What every overlay shares when drawn: the cleared body it is drawn on.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::Clear;

/// Clears the whole body for an overlay (help, detail, messages, output, a dialog):
/// nothing of the screen below shows around it, not even a cut word at its edge.
pub fn cover(frame: &mut Frame, body: Rect) {
    frame.render_widget(Clear, body);
}

use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use crate::tui::screens::detail::TextOverlay;
use crate::tui::screens::drawn::OverlayScroll;
use crate::tui::theme::{Role, Theme};

/// Draws a read-only text overlay (detail view, message log, EXPLAIN plan); returns how
/// far it scrolls.
pub fn render_text(frame: &mut Frame, view: &TextOverlay, theme: &Theme) -> OverlayScroll {
    let mut block = Block::bordered()
        .border_style(theme.style(Role::BorderFocused))
        .title(view.title.clone())
        .title_bottom(Span::styled(view.hint.clone(), theme.style(Role::Muted)));
    if let Some(position) = &view.position {
        block = block.title_bottom(
            Line::from(Span::styled(position.clone(), theme.style(Role::Muted))).right_aligned(),
        );
    }
    frame.render_widget(
        Paragraph::new(view.lines.clone())
            .block(block)
            .style(theme.style(Role::Dialog))
            .scroll((view.scroll.first, 0)),
        view.area,
    );
    view.scroll
}
