//! A check for render tests: draws an app at several terminal sizes and reports every
//! known label that is cut in the middle of a word or drawn over (an overlap shows as a
//! cut: `polled 5s ago` under an alert badge reads `polled 5 1 ALERT`), every title
//! that runs into its panel's corner, and every table cell cut without `…`.
//!
//! A label may appear whole, be left out, be cut where a word ends, or end in `…`; it may
//! not stop inside a word. Labels are what the app means to show in each region: tab
//! names on the tab line, header facts and badges on the header line, key hints and the
//! message on the status line, column titles, KPI tiles, help and dialog texts in the
//! body. Under an overlay only the overlay's own texts count: what it covers is hidden,
//! not cut.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::tui::app::test_support::{draw, text};
use crate::tui::app::{App, Event, Mode};
use crate::tui::keymap::Context;
use crate::tui::layout;
use crate::tui::screen::Screen;
use crate::tui::screens::frame::FrameView;
use crate::tui::screens::state::tables_of;
use crate::tui::screens::{self, sources};

/// The sizes every screen is checked at: the SSH minimum and the usual larger ones.
pub(super) const SIZES: [(u16, u16); 5] = [(80, 24), (100, 30), (120, 40), (160, 48), (200, 50)];

/// Characters that make up a word (a cut between two of them is mid-word).
fn in_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Where `label` appears cut mid-word in `line`, as a description; `allowed` are short
/// forms the app uses on purpose (`Dash` for `Dashboard`).
fn cut_in(
    line: &str,
    label: &str,
    allowed: &[&str],
    vocabulary: &std::collections::HashSet<String>,
) -> Option<String> {
    let line: Vec<char> = line.chars().collect();
    let label_chars: Vec<char> = label.chars().collect();
    let first = *label_chars.first()?;
    for start in 0..line.len() {
        if start > 0 && in_word(line[start - 1]) && in_word(first) {
            continue; // not at the start of a word
        }
        let matched = line[start..]
            .iter()
            .zip(&label_chars)
            .take_while(|(a, b)| a == b)
            .count();
        if matched == label_chars.len() || matched < 3 {
            continue;
        }
        if !(in_word(label_chars[matched - 1]) && in_word(label_chars[matched])) {
            continue; // cut where a word ends: a shorter form
        }
        let next = line.get(start + matched).copied();
        if next == Some('…') || next.is_some_and(in_word) {
            continue; // visibly cut, or another word that shares a start
        }
        let shown: String = label_chars[..matched].iter().collect();
        // A short form, or its first word (`Repl` of `Repl/WAL`).
        let short_word = |a: &&str| {
            a.strip_prefix(shown.as_str())
                .is_some_and(|rest| rest.chars().next().is_none_or(|c| !in_word(c)))
        };
        if allowed.iter().any(short_word) {
            continue;
        }
        // The screen's word is a whole word of some label (`ACT` of `CL ACT` is no cut
        // `ACTIVE`): it can be that word, not a cut.
        let last_word = shown
            .rsplit(|c: char| !in_word(c))
            .next()
            .unwrap_or_default();
        if last_word.chars().count() >= 2
            && last_word.chars().all(char::is_alphabetic)
            && vocabulary.contains(last_word)
        {
            continue;
        }
        let context: String = line[start..].iter().take(matched + 12).collect();
        return Some(format!("{label:?} cut to {shown:?} in {context:?}"));
    }
    None
}

/// Titles and bottom texts that run into a corner were cut by their panel.
fn corner_cuts(lines: &[String]) -> Vec<String> {
    let mut problems = Vec::new();
    for (y, line) in lines.iter().enumerate() {
        let chars: Vec<char> = line.chars().collect();
        for pair in chars.windows(2) {
            if in_word(pair[0]) && matches!(pair[1], '┐' | '┘') {
                problems.push(format!("line {y}: a title runs into its corner: {line:?}"));
                break;
            }
        }
    }
    problems
}

/// Whether `needle` appears in `haystack` with no word character right before or after.
fn contains_word(haystack: &str, needle: &str) -> bool {
    haystack.match_indices(needle).any(|(at, _)| {
        let before = haystack[..at].chars().next_back();
        let after = haystack[at + needle.len()..].chars().next();
        !before.is_some_and(in_word) && !after.is_some_and(in_word)
    })
}

/// The visible cells of every table on the screen, drawn whole or cut with `…`. The
/// tables are the frame's view model: its rows are exactly the ones drawn.
fn cell_cuts(view: &FrameView, lines: &[String]) -> Vec<String> {
    let mut problems = Vec::new();
    for table in view.body.tables() {
        let rect = table.area;
        if rect.height < 4 || table.rows.is_empty() {
            continue;
        }
        let inside = |y: u16| -> String {
            lines
                .get(usize::from(y))
                .map(|l| {
                    l.chars()
                        .skip(usize::from(rect.x + 1))
                        .take(usize::from(rect.width.saturating_sub(2)))
                        .collect()
                })
                .unwrap_or_default()
        };
        let header = inside(rect.y + 1);
        for (k, row) in table.rows.iter().enumerate() {
            let drawn = inside(rect.y + 2 + u16::try_from(k).unwrap_or(0));
            for (column, cell) in table.columns.iter().zip(&row.cells) {
                let value = cell.text.trim();
                if value.is_empty() || !contains_word(&header, column.title) {
                    continue;
                }
                let whole = drawn.contains(value);
                let elided = (1..value.chars().count()).any(|n| {
                    let start: String = value.chars().take(n).collect();
                    drawn.contains(&format!("{start}…"))
                });
                if !whole && !elided {
                    problems.push(format!(
                        "{:?} {}: {value:?} cut without … in {drawn:?}",
                        table.id, column.title
                    ));
                }
            }
        }
    }
    problems
}

/// Whether an overlay covers part of the screen (what it covers is not cut, it is hidden).
fn overlay(mode: &Mode) -> bool {
    !matches!(
        mode,
        Mode::Normal | Mode::Filter { .. } | Mode::JumpTo { .. }
    )
}

/// What the screen itself shows in the body: column titles, KPI tiles.
fn screen_labels(app: &App) -> Vec<String> {
    let mut labels = Vec::new();
    for id in tables_of(app.screen()) {
        let (columns, _) = sources::table(app, *id);
        labels.extend(columns.iter().map(|c| c.title.to_string()));
    }
    if app.screen() == Screen::Dashboard {
        for tile in crate::tui::screens::kpi::tiles(app) {
            labels.push(tile.label.to_string());
            labels.extend(tile.note);
        }
    }
    labels
}

/// What the open overlay shows.
fn overlay_labels(app: &App) -> Vec<String> {
    let mut labels = Vec::new();
    match app.mode() {
        Mode::Help => {
            for entry in app.keymap().help(Context::Screen(app.screen())) {
                labels.push(entry.description.to_string());
                labels.push(entry.keys.clone());
            }
            labels.push("? or Esc closes".into());
        }
        Mode::Dialog(_) => {
            labels.extend(["[ Yes".to_string(), "[ No".to_string()]);
        }
        Mode::Detail | Mode::Messages => {
            labels.extend(["Esc back".to_string(), "y copy".to_string()]);
        }
        _ => {}
    }
    labels
}

/// Every problem of the current view at `width` x `height`, one line each.
pub(super) fn view_problems(app: &mut App, width: u16, height: u16, extra: &[&str]) -> Vec<String> {
    app.update(Event::Resize(width, height));
    let buffer: Buffer = draw(app, width, height);
    let screen = text(&buffer);
    let lines: Vec<String> = screen.lines().map(str::to_string).collect();
    let areas_of = Rect::new(0, 0, width, height);
    let areas = layout::areas(areas_of);
    let mut problems = Vec::new();
    let mut screen_body = screen_labels(app);
    screen_body.extend(extra.iter().map(|s| s.to_string()));
    let body = if overlay(app.mode()) {
        overlay_labels(app)
    } else {
        screen_body.clone()
    };
    let mut status = screens::status::labels(app);
    status.extend(app.status().as_ref().map(|s| s.text.clone()));
    status.extend(app.model().last_error().map(str::to_string));
    let tab_names: Vec<String> = Screen::ALL.iter().map(|s| s.title().to_string()).collect();
    let header = screens::header::labels(app);
    let vocabulary = [&body, &screen_body, &status, &tab_names, &header]
        .into_iter()
        .flatten()
        .flat_map(|label| label.split(|c: char| !in_word(c)).map(str::to_string))
        .collect();
    let mut check = |region: &str, y: u16, labels: &[String], allowed: &[&str]| {
        let Some(line) = lines.get(usize::from(y)) else {
            return;
        };
        for label in labels {
            if let Some(cut) = cut_in(line, label, allowed, &vocabulary) {
                problems.push(format!("{region}: {cut}"));
            }
        }
    };
    let short: Vec<&str> = Screen::ALL
        .iter()
        .map(|s| layout::short_title(*s))
        .collect();
    check("tabs", areas.tabs.y, &tab_names, &short);
    check("header", areas.header.y, &header, &[]);
    check("status", areas.status.y, &status, &[]);
    for y in areas.body.y..areas.body.bottom() {
        check("body", y, &body, &[]);
    }
    problems.extend(corner_cuts(&lines));
    if *app.mode() == Mode::Normal {
        problems.extend(cell_cuts(&app.view(areas_of), &lines));
    }
    problems
        .into_iter()
        .map(|p| {
            format!(
                "{width}x{height} {:?} {:?}: {p}",
                app.screen(),
                mode_name(app.mode())
            )
        })
        .collect()
}

fn mode_name(mode: &Mode) -> &'static str {
    match mode {
        Mode::Normal => "screen",
        Mode::Filter { .. } => "filter",
        Mode::JumpTo { .. } => "time prompt",
        Mode::Help => "help",
        Mode::Detail => "detail",
        Mode::Messages => "messages",
        Mode::Dialog(_) => "dialog",
        Mode::Output { .. } => "output",
    }
}

/// The problems of the current view at every size in [`SIZES`].
pub(super) fn problems(app: &mut App, extra: &[&str]) -> Vec<String> {
    SIZES
        .iter()
        .flat_map(|&(width, height)| view_problems(app, width, height, extra))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_label_cut_inside_a_word_is_found_and_word_boundaries_pass() {
        let none = std::collections::HashSet::new();
        let cut_in =
            |line: &str, label: &str, allowed: &[&str]| cut_in(line, label, allowed, &none);
        assert!(cut_in(" 1 Dashb   2 Activ", "Dashboard", &[]).is_some());
        assert!(cut_in(" 1 Dash  2 Act", "Dashboard", &["Dash"]).is_none());
        assert!(cut_in("  polled 5 1 ALERT ", "polled 5s ago", &[]).is_some());
        assert!(cut_in("  polled 5s  1 ALERT ", "polled 5s ago", &[]).is_none());
        assert!(
            cut_in(
                "Scheduled task history · f: actions journ┐",
                "f: actions journal",
                &[]
            )
            .is_some()
        );
        assert!(cut_in("p pause + f no answer", "+ faster", &[]).is_some());
        assert!(cut_in("learning_sessio…", "learning_sessions", &[]).is_none());
        assert!(cut_in("ACTIVITY", "ACTIVE", &[]).is_none());
        let known = ["ACT".to_string()].into_iter().collect();
        assert!(super::cut_in("CL ACT CL WAIT", "ACTIVE", &[], &known).is_none());
    }

    #[test]
    fn a_title_in_the_corner_is_found() {
        assert_eq!(
            corner_cuts(&["┌ Scheduled task history · f: actions journ┐".into()]).len(),
            1
        );
        assert!(corner_cuts(&["┌ Sessions (3) ───┐".into()]).is_empty());
    }
}
