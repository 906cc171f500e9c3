//! Drawing helpers shared by the render snapshot tests.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;

use crate::app::App;

/// The whole screen drawn into a `TestBackend` of this size.
pub(super) fn draw(app: &App, width: u16, height: u16) -> Buffer {
    let mut terminal =
        Terminal::new(TestBackend::new(width, height)).unwrap_or_else(|e| panic!("{e}"));
    terminal
        .draw(|frame| super::render(app, frame))
        .unwrap_or_else(|e| panic!("{e}"));
    terminal.backend().buffer().clone()
}

/// The buffer's text, one line per row, trailing spaces trimmed.
pub(super) fn text(buffer: &Buffer) -> String {
    let area = buffer.area;
    (0..area.height)
        .map(|y| {
            (0..area.width)
                .map(|x| buffer[(x, y)].symbol())
                .collect::<String>()
                .trim_end()
                .to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

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
