//! What provisioning tells the user on stderr: a redrawn bar on a terminal, a few plain
//! lines otherwise (a log or CI keeps every line, so a bar's redraws would flood it).

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

/// How progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgressStyle {
    /// One line redrawn in place.
    Bar,
    /// A line at each quarter.
    Lines,
    /// Nothing (tests).
    Quiet,
}

impl ProgressStyle {
    /// A bar when stderr is a terminal, plain lines otherwise.
    pub fn for_stderr() -> Self {
        if std::io::stderr().is_terminal() {
            ProgressStyle::Bar
        } else {
            ProgressStyle::Lines
        }
    }
}

/// Reports one download's progress.
pub struct Progress {
    style: ProgressStyle,
    total: Option<u64>,
    last_draw: Option<Instant>,
    /// The last quarter reported in `Lines` style.
    last_quarter: u64,
}

/// Redraws at most this often: a fast download would otherwise spend its time drawing.
const REDRAW: Duration = Duration::from_millis(100);
const BAR_WIDTH: u64 = 30;

impl Progress {
    pub fn new(style: ProgressStyle, total: Option<u64>) -> Self {
        Progress {
            style,
            total,
            last_draw: None,
            last_quarter: 0,
        }
    }

    /// A line of its own (what is downloaded, what was verified), named as pgpulse's
    /// like its other messages: the demo's output interleaves with the server's.
    pub fn say(&self, line: &str) {
        if self.style != ProgressStyle::Quiet {
            eprintln!("pgpulse: {line}");
        }
    }

    /// `done` bytes are in.
    pub fn update(&mut self, done: u64) {
        match self.style {
            ProgressStyle::Quiet => {}
            ProgressStyle::Bar => {
                if self.last_draw.is_some_and(|t| t.elapsed() < REDRAW) {
                    return;
                }
                self.last_draw = Some(Instant::now());
                let mut err = std::io::stderr().lock();
                // Errors drawing progress are not worth failing a download for.
                let _ = write!(err, "\r{}", bar_line(done, self.total));
                let _ = err.flush();
            }
            ProgressStyle::Lines => {
                let Some(total) = self.total.filter(|t| *t > 0) else {
                    return;
                };
                let quarter = done.min(total) * 4 / total;
                if quarter > self.last_quarter && quarter < 4 {
                    self.last_quarter = quarter;
                    eprintln!("  {}% ({})", quarter * 25, megabytes(done));
                }
            }
        }
    }

    /// The download ended (either way): the bar's line is finished.
    pub fn finish(&mut self, done: u64) {
        if self.style == ProgressStyle::Bar {
            self.last_draw = None;
            self.update(done);
            eprintln!();
        }
    }
}

/// `[#########---------]  45%  10.1/22.4 MB`, or a byte count when the size is unknown.
pub fn bar_line(done: u64, total: Option<u64>) -> String {
    match total.filter(|t| *t > 0) {
        Some(total) => {
            let done = done.min(total);
            let filled = done * BAR_WIDTH / total;
            format!(
                "[{}{}] {:>3}%  {}/{}",
                "#".repeat(filled as usize),
                "-".repeat((BAR_WIDTH - filled) as usize),
                done * 100 / total,
                megabytes_bare(done),
                megabytes(total)
            )
        }
        None => format!("{} downloaded", megabytes(done)),
    }
}

/// `22.4 MB`.
pub fn megabytes(bytes: u64) -> String {
    format!("{} MB", megabytes_bare(bytes))
}

fn megabytes_bare(bytes: u64) -> String {
    format!("{:.1}", bytes as f64 / 1_000_000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bar_shows_share_and_sizes() {
        assert_eq!(
            bar_line(11_200_000, Some(22_400_000)),
            "[###############---------------]  50%  11.2/22.4 MB"
        );
        assert_eq!(
            bar_line(30, Some(10)),
            "[##############################] 100%  0.0/0.0 MB"
        );
        assert_eq!(bar_line(1_500_000, None), "1.5 MB downloaded");
    }
}
