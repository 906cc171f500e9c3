//! Drawing helpers shared by the render snapshot tests: the frame and its text come from
//! the app's test support (one place for builders), the style checks live here.

use ratatui::buffer::Buffer;

pub(super) use crate::tui::app::test_support::{draw, text};

/// The style drawn at the first occurrence of `needle` on the line that also holds `row`.
pub(super) fn style_of(buffer: &Buffer, row: &str, needle: &str) -> ratatui::style::Style {
    let screen = text(buffer);
    let (y, line) = screen
        .lines()
        .enumerate()
        .find(|(_, line)| line.contains(row) && line.contains(needle))
        .unwrap_or_else(|| panic!("no line with {row:?} and {needle:?}:\n{screen}"));
    let byte = line.find(needle).unwrap_or_default();
    // Column of the needle: box-drawing characters are several bytes but one cell.
    let x = line[..byte].chars().count();
    buffer[(
        u16::try_from(x).unwrap_or_default(),
        u16::try_from(y).unwrap_or_default(),
    )]
        .style()
}

/// Asserts that `style` (a drawn cell's) is `role`'s in the default theme: the same
/// foreground, the same background when the role sets one, and at least its modifiers.
/// Colours are compared one by one: `style == want.patch(style)` would take the colours
/// from `style` itself and compare only modifiers, so Warn and Crit (both bold) would pass
/// for each other and a role without modifiers (Muted) for anything.
pub(super) fn assert_role(style: ratatui::style::Style, role: crate::tui::theme::Role, what: &str) {
    let want = crate::tui::theme::Theme::default().style(role);
    assert_eq!(
        style.fg,
        Some(want.fg.unwrap_or(ratatui::style::Color::Reset)),
        "{what}: foreground of {role:?} expected, drawn {style:?}"
    );
    if let Some(bg) = want.bg {
        assert_eq!(
            style.bg,
            Some(bg),
            "{what}: background of {role:?} expected, drawn {style:?}"
        );
    }
    assert!(
        style.add_modifier.contains(want.add_modifier),
        "{what}: modifiers of {role:?} ({:?}) expected, drawn {style:?}",
        want.add_modifier
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::theme::Role;
    use ratatui::style::{Color, Modifier, Style};

    #[test]
    fn a_colour_check_can_fail() {
        let theme = crate::tui::theme::Theme::default();
        let crit = theme.style(Role::Crit);
        let warn = theme.style(Role::Warn);
        assert_ne!(crit.fg, warn.fg, "the default theme tells them apart");
        // Drawn cells carry a full style (fg, bg, modifiers).
        let drawn_warn = warn.bg(Color::Reset);
        assert_role(drawn_warn, Role::Warn, "warn as warn");
        let as_crit =
            std::panic::catch_unwind(|| assert_role(drawn_warn, Role::Crit, "warn as crit"));
        assert!(as_crit.is_err(), "Warn passed for Crit");
        let plain = Style::default()
            .fg(Color::Gray)
            .bg(Color::Reset)
            .add_modifier(Modifier::empty());
        let as_muted =
            std::panic::catch_unwind(|| assert_role(plain, Role::Muted, "text as muted"));
        assert!(as_muted.is_err(), "Text passed for Muted");
    }
}
