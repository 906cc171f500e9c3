//! `pgpulse recording info PATH`: what a recording holds, for a person and for tests.

use std::path::Path;
use std::process::ExitCode;

use crate::recording::Recording;
use crate::text::sanitize::sanitized;
use crate::text::timefmt::rfc3339_millis;

/// Prints the segments, time range, record count, bytes and damage. Exit status 0, or 1
/// when the recording cannot be opened; damage alone is reported, not an error.
pub fn run(path: &Path) -> anyhow::Result<ExitCode> {
    let recording = Recording::open(path)?;
    print!("{}", render(&recording));
    Ok(ExitCode::SUCCESS)
}

/// The report as text.
pub fn render(recording: &Recording) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let range = |range: Option<(std::time::SystemTime, std::time::SystemTime)>| match range {
        Some((first, last)) => format!("{} .. {}", rfc3339_millis(first), rfc3339_millis(last)),
        None => "no records".to_string(),
    };
    let bytes: u64 = recording.segments().iter().map(|s| s.bytes).sum();
    let first = recording.segments().iter().find_map(|s| s.header.as_ref());
    let _ = writeln!(
        out,
        "server: {} ({})",
        first.map_or(String::new(), |h| sanitized(&h.server.target)),
        first
            .and_then(|h| h.server.server_version.as_deref())
            .map_or("version unknown".to_string(), sanitized)
    );
    let _ = writeln!(out, "time: {}", range(recording.time_range()));
    let _ = writeln!(
        out,
        "records: {}, segments: {}, bytes: {bytes}",
        recording.records(),
        recording.segments().len()
    );
    for segment in recording.segments() {
        let _ = writeln!(
            out,
            "segment {}: {} records, {} bytes, {}",
            sanitized(&segment.path.display().to_string()),
            segment.records(),
            segment.bytes,
            range(segment.time_range())
        );
    }
    let damage = recording.damage();
    if damage.is_empty() {
        let _ = writeln!(out, "damage: none");
    }
    for damage in damage {
        let _ = writeln!(out, "damage: {}", sanitized(&damage.to_string()));
    }
    out
}
