//! Per-panel render snapshots: each renderer fed a view model built by hand, with no app,
//! no model and no snapshot behind it. They pin what a renderer does with what it is
//! given (cutting, aligning, colouring, the empty message); the full-screen snapshots in
//! the other test files pin how the screens put the panels together.

use ratatui::layout::Rect;
use ratatui::text::Line;

use super::test_render::{assert_role, style_of};
use crate::tui::app::test_support::{paint, table_view, text};
use crate::tui::layout;
use crate::tui::screen::Screen;
use crate::tui::screens::frame::TabsView;
use crate::tui::screens::plot::Panel;
use crate::tui::screens::table::Severity;
use crate::tui::theme::{Role, Theme};

fn three_rows() -> [(&'static str, &'static str, Severity); 3] {
    [
        ("public.learning_events", "25.0%", Severity::Crit),
        ("public.user_profiles", "12.0%", Severity::Warn),
        ("public.content_items", "1.0%", Severity::Normal),
    ]
}

#[test]
fn a_table_panel_draws_its_rows_sort_marker_and_severities() {
    let view = table_view(Rect::new(0, 0, 44, 7), "Dead tuples", &three_rows(), true);
    let buffer = paint(44, 7, |frame| {
        super::table::render(frame, &view, &Theme::default());
    });
    insta::assert_snapshot!("panel_table_44x7", text(&buffer));
    // The selected (first) row is highlighted; the others keep their severity's role.
    assert_role(
        style_of(&buffer, "content_items", "1.0%"),
        Role::Text,
        "normal value",
    );
}

#[test]
fn a_narrow_table_panel_cuts_names_with_an_ellipsis_and_keeps_the_count() {
    let view = table_view(Rect::new(0, 0, 24, 6), "Dead tuples", &three_rows(), false);
    let buffer = paint(24, 6, |frame| {
        super::table::render(frame, &view, &Theme::default());
    });
    let screen = text(&buffer);
    insta::assert_snapshot!("panel_table_narrow_24x6", screen);
    assert!(screen.contains("(3)"), "the count stays: {screen}");
    assert_role(
        style_of(&buffer, "public.learn", "25.0%"),
        Role::Crit,
        "crit value, unfocused",
    );
}

#[test]
fn an_empty_table_panel_says_why() {
    let view = table_view(Rect::new(0, 0, 44, 5), "Dead tuples", &[], true);
    let buffer = paint(44, 5, |frame| {
        super::table::render(frame, &view, &Theme::default());
    });
    insta::assert_snapshot!("panel_table_empty_44x5", text(&buffer));
}

#[test]
fn a_text_panel_draws_its_title_and_lines() {
    let panel = Panel::bordered(
        Rect::new(0, 0, 30, 5),
        Line::from(" Connections "),
        vec![
            Line::from("active 3 · idle 12"),
            Line::from("max_connections 100"),
        ],
    );
    let buffer = paint(30, 5, |frame| {
        super::panel::render_panel(frame, &panel, &Theme::default());
    });
    insta::assert_snapshot!("panel_text_30x5", text(&buffer));
}

#[test]
fn the_tab_bar_falls_back_to_short_names_and_reports_its_ranges() {
    for width in [80, 60, 30] {
        let area = Rect::new(0, 0, width, 1);
        let view = TabsView {
            tabs: layout::tab_spans(area),
            active: Screen::Queries,
        };
        let mut drawn = Vec::new();
        let buffer = paint(width, 1, |frame| {
            drawn = super::chrome::render_tabs(frame, area, &view, &Theme::default());
        });
        insta::assert_snapshot!(format!("panel_tabs_{width}"), text(&buffer));
        assert_eq!(drawn.len(), Screen::ALL.len());
        let (_, from, _) = drawn[2];
        assert_role(
            buffer[(from, 0)].style(),
            Role::TabActive,
            "the screen on view",
        );
    }
}
