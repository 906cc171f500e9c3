//! The live view as a user reads it: an `App` like the terminal's, drawn by the
//! terminal's own `draw` into a `TestBackend`, as text.

use std::time::{Duration, SystemTime};

use pgpulse::tui::app::App;
use pgpulse::tui::keymap::Keymap;
use pgpulse::tui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::live::must;

/// An app titled "test" at a 1 s refresh, with the default keys and theme.
pub fn test_app() -> App {
    App::new(
        "test".into(),
        Duration::from_secs(1),
        SystemTime::now(),
        Keymap::default(),
        Theme::default(),
    )
}

/// Everything the terminal shows at `width` x `height`, one line per row.
pub fn screen_text(app: &App, width: u16, height: u16) -> String {
    let mut terminal = must(Terminal::new(TestBackend::new(width, height)), "terminal");
    must(
        terminal.draw(|f| {
            pgpulse::tui::terminal::draw(f, app);
        }),
        "draw",
    );
    let buffer = terminal.backend().buffer();
    (0..height)
        .map(|y| {
            (0..width)
                .map(|x| buffer[(x, y)].symbol())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}
