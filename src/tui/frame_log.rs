//! Benchmark hook, not a user feature: when `PGPULSE_BENCH_FRAMES=/path/file` is set,
//! the live view appends one line per frame drawn to that file,
//!
//! ```text
//! <unix_ns> draw_us=<n> after_key_us=<n or ->
//! ```
//!
//! `unix_ns` is when the draw finished (the frame was flushed to the terminal), `draw_us`
//! how long `Terminal::draw` took (render into the buffer, diff, write, flush), and
//! `after_key_us` the time from the first key event received since the previous frame to
//! the end of this one (`-` when no key arrived). `bench/run` reads it for per-frame render
//! time and key-to-frame latency. The variable is read once at start: unset, the loop pays
//! one `Option` check per frame. Lines are buffered and flushed when the live view ends.

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::Path;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The open frame log, or nothing when the variable is unset or the file cannot be opened
/// (a benchmark hook must never stop the live view).
pub(super) struct FrameLog {
    out: BufWriter<File>,
    key_at: Option<Instant>,
}

impl FrameLog {
    pub(super) fn from_env() -> Option<Self> {
        let path = std::env::var_os("PGPULSE_BENCH_FRAMES").filter(|p| !p.is_empty())?;
        Self::open(Path::new(&path))
    }

    fn open(path: &Path) -> Option<Self> {
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .ok()?;
        Some(Self {
            out: BufWriter::with_capacity(64 * 1024, file),
            key_at: None,
        })
    }

    /// A key event reached the loop; the next frame answers it (the first key counts when
    /// several arrive between two frames).
    pub(super) fn key(&mut self) {
        self.key_at.get_or_insert_with(Instant::now);
    }

    /// A frame was drawn in `took`.
    pub(super) fn frame(&mut self, took: Duration) {
        let unix_ns = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let _ = match self.key_at.take() {
            Some(at) => writeln!(
                self.out,
                "{unix_ns} draw_us={} after_key_us={}",
                took.as_micros(),
                at.elapsed().as_micros()
            ),
            None => writeln!(
                self.out,
                "{unix_ns} draw_us={} after_key_us=-",
                took.as_micros()
            ),
        };
    }
}

impl Drop for FrameLog {
    fn drop(&mut self) {
        let _ = self.out.flush();
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// bench/run parses these lines: the format is what is pinned, not any timing.
    #[test]
    fn one_line_per_frame_with_the_key_on_the_frame_after_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("frames.log");
        let mut log = FrameLog::open(&path).unwrap();
        log.frame(Duration::from_micros(1500));
        log.key();
        log.key();
        log.frame(Duration::from_micros(20));
        log.frame(Duration::from_micros(30));
        drop(log);
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<Vec<&str>> = text.lines().map(|l| l.split(' ').collect()).collect();
        assert_eq!(lines.len(), 3);
        for line in &lines {
            assert_eq!(line.len(), 3);
            assert!(line[0].parse::<u128>().unwrap() > 0);
        }
        assert_eq!(lines[0][1..], ["draw_us=1500", "after_key_us=-"]);
        assert_eq!(lines[1][1], "draw_us=20");
        let after_key = lines[1][2].strip_prefix("after_key_us=").unwrap();
        assert!(after_key.parse::<u128>().is_ok());
        assert_eq!(lines[2][1..], ["draw_us=30", "after_key_us=-"]);
    }
}
