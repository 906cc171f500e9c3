//! The help overlay (`?`), generated from the keymap for the current screen, so it always
//! shows the real bindings. Descriptions wrap under themselves rather than being cut; wide
//! terminals get two columns (split between groups); what does not fit scrolls (j/k).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use crate::tui::app::App;
use crate::tui::keymap::{Action, Context};
use crate::tui::theme::Role;

/// The key column: two spaces of indent, the keys, two spaces.
const KEYS_WIDTH: usize = 14;
/// Between the two columns.
const GUTTER: u16 = 3;
/// Narrower than this, a column's descriptions wrap too much: one column it is.
const MIN_COLUMN: u16 = 56;

/// Where help goes in `body`, how many columns it has, and its lines per column.
struct HelpLayout {
    area: Rect,
    columns: Vec<Vec<Line<'static>>>,
}

/// The help lines wrapped to `width`, as groups (each group's lines together).
fn groups(app: &App, width: usize) -> Vec<Vec<Line<'static>>> {
    let theme = &app.theme;
    let entries = app.keymap.help(Context::Screen(app.screen));
    let keys_width = entries
        .iter()
        .map(|e| super::text::width(&e.keys))
        .max()
        .unwrap_or(0)
        .min(KEYS_WIDTH);
    let description_width = width.saturating_sub(keys_width + 4).max(10);
    let mut groups: Vec<Vec<Line<'static>>> = Vec::new();
    let mut current = "";
    for entry in &entries {
        if entry.group != current || groups.is_empty() {
            current = entry.group;
            groups.push(vec![Line::from(Span::styled(
                current.to_string(),
                theme.style(Role::Header),
            ))]);
        }
        let Some(group) = groups.last_mut() else {
            continue;
        };
        let keys = super::text::fit(&entry.keys, keys_width);
        for (index, piece) in super::text::wrap(entry.description, description_width)
            .into_iter()
            .enumerate()
        {
            let keys = if index == 0 { keys.as_str() } else { "" };
            group.push(Line::from(vec![
                Span::styled(
                    format!("  {keys:<keys_width$}  "),
                    theme.style(Role::KeyHint),
                ),
                Span::styled(piece, theme.style(Role::Text)),
            ]));
        }
    }
    groups
}

/// Groups joined with a blank line between them.
fn joined(groups: &[Vec<Line<'static>>]) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    for group in groups {
        if !lines.is_empty() {
            lines.push(Line::from(""));
        }
        lines.extend(group.iter().cloned());
    }
    lines
}

fn layout(app: &App, body: Rect) -> HelpLayout {
    let max_width = body.width.saturating_sub(4).max(20);
    // The widest line one column needs, descriptions unwrapped.
    let natural = groups(app, usize::from(u16::MAX))
        .iter()
        .flatten()
        .map(Line::width)
        .max()
        .unwrap_or(0);
    let natural = u16::try_from(natural).unwrap_or(u16::MAX);
    let single_width = natural.min(max_width.saturating_sub(2));
    let single = joined(&groups(app, usize::from(single_width)));
    let single_height = u16::try_from(single.len()).unwrap_or(u16::MAX);
    let two_fit = max_width >= 2 * MIN_COLUMN + GUTTER + 2;
    if single_height + 2 <= body.height || !two_fit {
        let area = super::overlay::centered(body, single_width + 2, single_height + 2);
        return HelpLayout {
            area,
            columns: vec![single],
        };
    }
    let column = natural.min((max_width - 2 - GUTTER) / 2);
    let groups = groups(app, usize::from(column));
    // Split between groups, where the two halves are closest in height.
    let total: usize = groups.iter().map(|g| g.len() + 1).sum();
    let mut split = 0;
    let mut left = 0;
    for (index, group) in groups.iter().enumerate() {
        if left + group.len().div_ceil(2) > total / 2 {
            break;
        }
        left += group.len() + 1;
        split = index + 1;
    }
    let left = joined(&groups[..split]);
    let right = joined(&groups[split..]);
    let height = u16::try_from(left.len().max(right.len())).unwrap_or(u16::MAX);
    let area = super::overlay::centered(body, 2 * column + GUTTER + 2, height + 2);
    HelpLayout {
        area,
        columns: vec![left, right],
    }
}

/// How far help can scroll and how many lines a page has.
pub(super) fn scroll_limit(app: &App, body: Rect) -> (u16, u16) {
    let layout = layout(app, body);
    let page = layout.area.height.saturating_sub(2);
    let total = layout.columns.iter().map(Vec::len).max().unwrap_or(0);
    let total = u16::try_from(total).unwrap_or(u16::MAX);
    (total.saturating_sub(page), page)
}

pub fn render(app: &App, frame: &mut Frame, body: Rect) {
    let theme = &app.theme;
    let layout = layout(app, body);
    super::overlay::cover(frame, body);
    let area = layout.area;
    let (limit, page) = scroll_limit(app, body);
    let scroll = app.help_scroll.min(limit);
    let keys = &app.keymap;
    let closes = [keys.first_key(Action::Help), keys.first_key(Action::Back)]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" or ");
    let hints: Vec<String> = [
        keys.pair_hint(Action::Down, Action::Up, "scroll")
            .filter(|_| limit > 0),
        (!closes.is_empty()).then(|| format!("{closes} closes")),
    ]
    .into_iter()
    .flatten()
    .collect();
    let hint = format!(" {} ", hints.join(" · "));
    let mut block = Block::bordered()
        .border_style(theme.style(Role::BorderFocused))
        .title(Span::styled(
            format!(" Help: {} ", app.screen.title()),
            theme.style(Role::Title),
        ))
        .title_bottom(Span::styled(hint, theme.style(Role::Muted)));
    let total = layout.columns.iter().map(Vec::len).max().unwrap_or(0);
    if let Some(position) = super::table::position(usize::from(scroll), usize::from(page), total) {
        block = block.title_bottom(
            Line::from(Span::styled(position, theme.style(Role::Muted))).right_aligned(),
        );
    }
    let inner = block.inner(area);
    frame.render_widget(block.style(theme.style(Role::Dialog)), area);
    let constraints: Vec<Constraint> = match layout.columns.len() {
        1 => vec![Constraint::Fill(1)],
        _ => vec![
            Constraint::Fill(1),
            Constraint::Length(GUTTER),
            Constraint::Fill(1),
        ],
    };
    let rects = Layout::horizontal(constraints).split(inner);
    for (lines, rect) in layout.columns.into_iter().zip(rects.iter().step_by(2)) {
        frame.render_widget(
            Paragraph::new(lines)
                .style(theme.style(Role::Dialog))
                .scroll((scroll, 0)),
            *rect,
        );
    }
}
