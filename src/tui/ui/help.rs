//! Draws the help overlay: one or two columns of the keymap's bindings in a box.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use crate::tui::screens::drawn::OverlayScroll;
use crate::tui::screens::help::{GUTTER, HelpView};
use crate::tui::theme::{Role, Theme};

/// Draws `view`; returns how far it scrolls.
pub fn render(frame: &mut Frame, view: &HelpView, theme: &Theme) -> OverlayScroll {
    let mut block = Block::bordered()
        .border_style(theme.style(Role::BorderFocused))
        .title(view.title.clone())
        .title_bottom(Span::styled(view.hint.clone(), theme.style(Role::Muted)));
    if let Some(position) = &view.position {
        block = block.title_bottom(
            Line::from(Span::styled(position.clone(), theme.style(Role::Muted))).right_aligned(),
        );
    }
    let inner = block.inner(view.area);
    frame.render_widget(block.style(theme.style(Role::Dialog)), view.area);
    let constraints: Vec<Constraint> = match view.columns.len() {
        1 => vec![Constraint::Fill(1)],
        _ => vec![
            Constraint::Fill(1),
            Constraint::Length(GUTTER),
            Constraint::Fill(1),
        ],
    };
    let rects = Layout::horizontal(constraints).split(inner);
    for (lines, rect) in view.columns.iter().zip(rects.iter().step_by(2)) {
        frame.render_widget(
            Paragraph::new(lines.clone())
                .style(theme.style(Role::Dialog))
                .scroll((view.scroll.first, 0)),
            *rect,
        );
    }
    view.scroll
}
