//! The help overlay (`?`), generated from the keymap for the current screen, so it always
//! shows the real bindings.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use crate::app::App;
use crate::keymap::Context;
use crate::theme::Role;

pub fn render(app: &App, frame: &mut Frame, body: Rect) {
    let theme = &app.theme;
    let entries = app.keymap.help(Context::Screen(app.screen));
    let mut lines = Vec::new();
    let mut group = "";
    for entry in &entries {
        if entry.group != group {
            group = entry.group;
            if !lines.is_empty() {
                lines.push(Line::from(""));
            }
            lines.push(Line::from(Span::styled(
                group.to_string(),
                theme.style(Role::Header),
            )));
        }
        lines.push(Line::from(vec![
            Span::styled(format!("  {:<14}", entry.keys), theme.style(Role::KeyHint)),
            Span::styled(entry.description.to_string(), theme.style(Role::Text)),
        ]));
    }
    let total = u16::try_from(lines.len()).unwrap_or(u16::MAX);
    // Wide terminals get two columns when one would not fit; narrow ones scroll (j/k).
    let two_columns = total + 2 > body.height && body.width >= 130;
    let (width, height) = if two_columns {
        (128, total.div_ceil(2) + 2)
    } else {
        (64, total + 2)
    };
    let area = super::centered(body, width, height);
    let scroll = app
        .help_scroll
        .min(total.saturating_sub(area.height.saturating_sub(2)));
    let hint = if total + 2 > area.height {
        " j/k scroll · ? or Esc closes "
    } else {
        " ? or Esc closes "
    };
    let block = Block::bordered()
        .border_style(theme.style(Role::BorderFocused))
        .title(Span::styled(
            format!(" Help: {} ", app.screen.title()),
            theme.style(Role::Title),
        ))
        .title_bottom(Span::styled(hint, theme.style(Role::Muted)));
    frame.render_widget(Clear, area);
    if two_columns {
        let inner = block.inner(area);
        frame.render_widget(block.style(theme.style(Role::Dialog)), area);
        let half = lines.len().div_ceil(2);
        let right = lines.split_off(half);
        let [left_area, right_area] = ratatui::layout::Layout::horizontal([
            ratatui::layout::Constraint::Percentage(50),
            ratatui::layout::Constraint::Percentage(50),
        ])
        .areas(inner);
        frame.render_widget(
            Paragraph::new(lines).style(theme.style(Role::Dialog)),
            left_area,
        );
        frame.render_widget(
            Paragraph::new(right).style(theme.style(Role::Dialog)),
            right_area,
        );
    } else {
        frame.render_widget(
            Paragraph::new(lines)
                .block(block)
                .style(theme.style(Role::Dialog))
                .scroll((scroll, 0)),
            area,
        );
    }
}
