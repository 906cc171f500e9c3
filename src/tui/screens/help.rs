//! The help overlay (`?`), generated from the keymap for the current screen, so it always
//! shows the real bindings. Descriptions wrap under themselves rather than being cut; wide
//! terminals get two columns (split between groups); what does not fit scrolls (j/k).

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::drawn::OverlayScroll;
use crate::tui::app::App;
use crate::tui::fit;
use crate::tui::keymap::{Action, Context};
use crate::tui::theme::Role;

/// The key column: two spaces of indent, the keys, two spaces.
const KEYS_WIDTH: usize = 14;
/// Between the two columns.
pub const GUTTER: u16 = 3;
/// Narrower than this, a column's descriptions wrap too much: one column it is.
const MIN_COLUMN: u16 = 56;

/// Where help goes in `body`, how many columns it has, and its lines per column.
struct HelpLayout {
    area: Rect,
    columns: Vec<Vec<Line<'static>>>,
}

/// The help lines wrapped to `width`, as groups (each group's lines together).
fn groups(app: &App, width: usize) -> Vec<Vec<Line<'static>>> {
    let theme = app.theme();
    let entries = app.keymap().help(Context::Screen(app.screen()));
    let in_recovery = app.model().in_recovery().unwrap_or(false);
    let keys_width = entries
        .iter()
        .map(|e| fit::width(&e.keys))
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
        let keys = fit::fit(&entry.keys, keys_width);
        let description = match off_here(entry.action, in_recovery) {
            Some(off) => format!("{} ({off})", entry.description),
            None => entry.description.to_string(),
        };
        let role = if off_here(entry.action, in_recovery).is_some() {
            Role::Muted
        } else {
            Role::Text
        };
        for (index, piece) in fit::wrap(&description, description_width)
            .into_iter()
            .enumerate()
        {
            let keys = if index == 0 { keys.as_str() } else { "" };
            group.push(Line::from(vec![
                Span::styled(
                    format!("  {keys:<keys_width$}  "),
                    theme.style(Role::KeyHint),
                ),
                Span::styled(piece, theme.style(role)),
            ]));
        }
    }
    groups
}

/// Why an action key does nothing on this server, as help says it (read-only mode is
/// said by the header's badge, for every action at once).
fn off_here(action: Action, in_recovery: bool) -> Option<String> {
    use crate::actions::ActionKind;
    use crate::actions::availability::availability;
    let kind = match action {
        // Ending a holder writes only for a prepared transaction.
        Action::EndHolder => ActionKind::RollbackPrepared,
        _ => action.action_kind()?,
    };
    let reason = availability(kind, in_recovery).reason()?;
    Some(if action == Action::EndHolder {
        format!("ROLLBACK PREPARED off: {reason}")
    } else {
        format!("off: {reason}")
    })
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

/// Help as drawn: a box centred in the body, one or two columns of lines.
#[derive(Debug, Clone, PartialEq)]
pub struct HelpView {
    pub area: Rect,
    pub title: Line<'static>,
    /// ` j/k scroll · ? or Esc closes `, from the keymap.
    pub hint: String,
    /// `21–40 of 124` when it scrolls.
    pub position: Option<String>,
    pub columns: Vec<Vec<Line<'static>>>,
    pub scroll: OverlayScroll,
}

/// Help over `body`, for the current screen.
pub fn view(app: &App, body: Rect) -> HelpView {
    let theme = app.theme();
    let layout = layout(app, body);
    let page = layout.area.height.saturating_sub(2);
    let total = layout.columns.iter().map(Vec::len).max().unwrap_or(0);
    let limit = u16::try_from(total)
        .unwrap_or(u16::MAX)
        .saturating_sub(page);
    let first = app.help_scroll().min(limit);
    let keys = app.keymap();
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
    HelpView {
        area: layout.area,
        title: Line::from(Span::styled(
            format!(" Help: {} ", app.screen().title()),
            theme.style(Role::Title),
        )),
        hint: format!(" {} ", hints.join(" · ")),
        position: super::table::position(usize::from(first), usize::from(page), total),
        columns: layout.columns,
        scroll: OverlayScroll { first, limit, page },
    }
}
