//! The local journal of every action pgpulse ran: one JSON object per line in
//! `journal.jsonl` in the data directory, readable only by its owner.
//!
//! Several pgpulse processes may append to the same file, so each entry is one
//! `write(2)` on an `O_APPEND` descriptor: the kernel positions each write at the end of
//! the file, and lines never interleave. Reading skips lines that do not parse, so a line
//! cut short by a crash costs that entry only.

use std::fs::{DirBuilder, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::os::unix::fs::{DirBuilderExt, FileExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{Outcome, StepReport};
use crate::text::timefmt::rfc3339_millis;

/// The journal's file name inside the data directory.
const FILE_NAME: &str = "journal.jsonl";

/// How much of the file's end [`Journal::recent`] reads: start-up must not slow down as
/// the journal grows, and a screenful of recent entries fits many times over.
const TAIL_BYTES: u64 = 1024 * 1024;

/// One action step as recorded. Never holds a password: `server` is the display target.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct JournalEntry {
    /// When the step finished, RFC 3339 UTC with milliseconds.
    pub time: String,
    /// The password-free target, `user@host:port/dbname`.
    pub server: String,
    /// The role the action ran as.
    pub role: String,
    /// [`super::ActionKind::name`].
    pub action: String,
    pub target: String,
    pub sql: String,
    pub outcome: Outcome,
    pub message: String,
    pub duration_ms: u64,
    pub notices: Vec<String>,
}

impl JournalEntry {
    /// The entry for one executed step. `server` must be a display target (no password).
    pub fn from_report(report: &StepReport, server: &str, role: &str) -> Self {
        Self {
            time: rfc3339_millis(report.finished_at),
            server: server.to_string(),
            role: role.to_string(),
            action: report.kind.name().to_string(),
            target: report.target.clone(),
            sql: report.sql.clone(),
            outcome: report.outcome,
            message: report.message.clone(),
            duration_ms: u64::try_from(report.duration.as_millis()).unwrap_or(u64::MAX),
            notices: report.notices.clone(),
        }
    }
}

/// The journal file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Journal {
    path: PathBuf,
}

impl Journal {
    /// A journal at an explicit path (tests, or a caller that chose its own place).
    pub fn at(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    /// `journal.jsonl` in [`crate::settings::paths::data_dir`]; `None` when there is no home.
    pub fn default_location() -> Option<Self> {
        crate::settings::paths::data_dir().map(|dir| Self::at(dir.join(FILE_NAME)))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one entry as one line, creating the directory (0700) and the file (0600)
    /// when missing: the journal holds SQL and query text, which can hold secrets.
    pub fn append(&self, entry: &JournalEntry) -> io::Result<()> {
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            DirBuilder::new().recursive(true).mode(0o700).create(dir)?;
        }
        let file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .mode(0o600)
            .open(&self.path)?;
        let mut line = Vec::with_capacity(512);
        // A crash mid-write leaves a line without its newline; starting a new line keeps
        // this entry from being glued to (and lost with) that fragment.
        if !ends_with_newline(&file)? {
            line.push(b'\n');
        }
        let mut serializer = serde_json::Serializer::with_formatter(&mut line, TerminalSafe);
        entry.serialize(&mut serializer).map_err(io::Error::other)?;
        line.push(b'\n');
        // One write_all of the whole line: with O_APPEND a regular-file write is placed
        // at the end as a unit, so concurrent processes' lines do not interleave.
        (&file).write_all(&line)
    }

    /// Up to `limit` of the newest entries, oldest first. Reads only the last MiB of the
    /// file; lines that do not parse are skipped; a missing file is an empty journal.
    pub fn recent(&self, limit: usize) -> Vec<JournalEntry> {
        let tail = match read_tail(&self.path) {
            Ok(tail) => tail,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Vec::new(),
            Err(e) => {
                tracing::warn!(
                    "reading the journal {}: {e}",
                    crate::text::sanitize::sanitized(&self.path.display().to_string())
                );
                return Vec::new();
            }
        };
        let entries: Vec<JournalEntry> = tail
            .split(|&b| b == b'\n')
            .filter_map(|line| serde_json::from_slice(line).ok())
            .collect();
        let skip = entries.len().saturating_sub(limit);
        entries.into_iter().skip(skip).collect()
    }
}

/// Whether the file is empty or its last byte is a newline.
fn ends_with_newline(file: &File) -> io::Result<bool> {
    let len = file.metadata()?.len();
    if len == 0 {
        return Ok(true);
    }
    let mut last = [0u8; 1];
    file.read_exact_at(&mut last, len - 1)?;
    Ok(last[0] == b'\n')
}

/// The file's last [`TAIL_BYTES`], starting at a line boundary.
fn read_tail(path: &Path) -> io::Result<Vec<u8>> {
    let mut file = File::open(path)?;
    let len = file.metadata()?.len();
    if len <= TAIL_BYTES {
        let mut all = Vec::new();
        file.read_to_end(&mut all)?;
        return Ok(all);
    }
    // Start one byte early: if that byte is a newline, the tail starts on a whole line
    // and only that byte is dropped; otherwise the partial first line is.
    file.seek(SeekFrom::Start(len - TAIL_BYTES - 1))?;
    let mut tail = Vec::new();
    file.take(TAIL_BYTES + 1).read_to_end(&mut tail)?;
    let start = tail
        .iter()
        .position(|&b| b == b'\n')
        .map_or(tail.len(), |i| i + 1);
    Ok(tail.split_off(start))
}

/// serde_json escapes C0 controls but writes DEL and C1 controls (U+0080–U+009F, which
/// include the 8-bit CSI a terminal may obey) raw. `cat journal.jsonl` must not drive the
/// terminal, so those are written as `\u` escapes too. Bidi marks are left readable: they
/// cannot send commands, and pgpulse sanitizes whatever it shows.
struct TerminalSafe;

impl serde_json::ser::Formatter for TerminalSafe {
    fn write_string_fragment<W>(&mut self, writer: &mut W, fragment: &str) -> io::Result<()>
    where
        W: ?Sized + Write,
    {
        let mut rest = fragment;
        while let Some(at) = rest.find(char::is_control) {
            writer.write_all(&rest.as_bytes()[..at])?;
            let c = rest[at..].chars().next().unwrap_or_default();
            write!(writer, "\\u{:04x}", u32::from(c))?;
            rest = &rest[at + c.len_utf8()..];
        }
        writer.write_all(rest.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;
    use std::time::Duration;

    use super::*;
    use crate::actions::ActionKind;
    use crate::text::timefmt::from_unix_micros;

    fn report(n: u64, sql: &str) -> StepReport {
        StepReport {
            kind: ActionKind::VacuumAnalyze,
            target: format!("public.table_{n}"),
            sql: sql.to_string(),
            outcome: Outcome::Warning,
            message: "skipping \"t\" --- only table or database owner can vacuum it".into(),
            duration: Duration::from_micros(1_234_567 + n),
            notices: vec!["WARNING: skipping".into()],
            output: vec!["not journaled".into()],
            planned: None,
            left_invalid: vec![],
            finished_at: from_unix_micros(1_795_716_000_123_456 + n * 1_000),
        }
    }

    fn entry(n: u64) -> JournalEntry {
        JournalEntry::from_report(
            &report(n, &format!("VACUUM (ANALYZE) public.table_{n}")),
            "alice@db1:5432/app",
            "alice",
        )
    }

    fn journal() -> (tempfile::TempDir, Journal) {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let journal = Journal::at(dir.path().join("nested/dir").join(FILE_NAME));
        (dir, journal)
    }

    fn append(journal: &Journal, entry: &JournalEntry) {
        journal
            .append(entry)
            .unwrap_or_else(|e| panic!("append: {e}"));
    }

    fn contents(journal: &Journal) -> Vec<u8> {
        std::fs::read(journal.path()).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn from_report_takes_every_field() {
        let e = entry(0);
        assert_eq!(e.time, "2026-11-26T18:00:00.123Z");
        assert_eq!(e.action, "vacuum-analyze");
        assert_eq!(e.duration_ms, 1_234);
        assert_eq!(e.outcome, Outcome::Warning);
        assert_eq!(e.target, "public.table_0");
        assert_eq!(e.notices, ["WARNING: skipping"]);
    }

    #[test]
    fn entries_round_trip_newest_last() {
        let (_dir, journal) = journal();
        assert!(journal.recent(10).is_empty(), "missing file is empty");
        let written: Vec<JournalEntry> = (0..5).map(entry).collect();
        for e in &written {
            append(&journal, e);
        }
        assert_eq!(journal.recent(10), written);
        assert_eq!(journal.recent(2), written[3..]);
        assert!(journal.recent(0).is_empty());
    }

    #[test]
    fn each_append_is_one_json_line() {
        let (_dir, journal) = journal();
        for n in 0..3 {
            append(&journal, &entry(n));
        }
        let text = String::from_utf8(contents(&journal)).unwrap_or_else(|e| panic!("{e}"));
        assert!(text.ends_with('\n'));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "{text}");
        for line in lines {
            let value: serde_json::Value =
                serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
            assert!(value.is_object(), "{line}");
        }
    }

    #[test]
    fn lines_that_do_not_parse_are_skipped() {
        let (_dir, journal) = journal();
        append(&journal, &entry(0));
        let mut file = OpenOptions::new()
            .append(true)
            .open(journal.path())
            .unwrap_or_else(|e| panic!("{e}"));
        file.write_all(b"not json\n{\"time\":\"x\"}\n\xff\xfe\n")
            .unwrap_or_else(|e| panic!("{e}"));
        append(&journal, &entry(1));
        // A crash mid-append: the last line is cut short, without its newline.
        file.write_all(b"{\"time\":\"2026-11-26T18:00:00.123Z\",\"serv")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(journal.recent(10), [entry(0), entry(1)]);
        // The next append starts a new line instead of gluing onto the fragment.
        append(&journal, &entry(2));
        assert_eq!(journal.recent(10), [entry(0), entry(1), entry(2)]);
    }

    #[test]
    fn the_file_is_readable_by_its_owner_only() {
        let (_dir, journal) = journal();
        append(&journal, &entry(0));
        let mode = std::fs::metadata(journal.path())
            .unwrap_or_else(|e| panic!("{e}"))
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{mode:o}");
    }

    #[test]
    fn control_characters_are_escaped_in_the_file_and_survive() {
        let (_dir, journal) = journal();
        let nasty = "SELECT '\x1b]52;c;SGVsbG8=\x07\x1b[2J\u{9b}31m\x7f\u{202e}'\n-- x";
        let mut e = JournalEntry::from_report(&report(0, nasty), "a@h:5432/d", "a");
        e.target = "public.\"\x1bname\"".into();
        append(&journal, &e);
        let bytes = contents(&journal);
        for raw in [&[0x1b][..], &[0x07], &[0x7f], "\u{9b}".as_bytes()] {
            assert!(
                !bytes.windows(raw.len()).any(|w| w == raw),
                "raw {raw:x?} in {}",
                String::from_utf8_lossy(&bytes)
            );
        }
        assert_eq!(bytes.iter().filter(|&&b| b == b'\n').count(), 1);
        assert_eq!(journal.recent(1), [e]);
    }

    #[test]
    fn an_entry_has_exactly_the_documented_keys_and_no_password() {
        let value = serde_json::to_value(entry(0)).unwrap_or_else(|e| panic!("{e}"));
        let mut keys: Vec<&str> = value
            .as_object()
            .map(|o| o.keys().map(String::as_str).collect())
            .unwrap_or_default();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "action",
                "duration_ms",
                "message",
                "notices",
                "outcome",
                "role",
                "server",
                "sql",
                "target",
                "time"
            ]
        );
        assert_eq!(value["outcome"], "warning");
        assert_eq!(value["server"], "alice@db1:5432/app");
        assert!(!value.to_string().to_lowercase().contains("password"));
    }

    #[test]
    fn only_the_end_of_a_large_journal_is_read() {
        let (_dir, journal) = journal();
        let big = "x".repeat(10_000);
        let written: Vec<JournalEntry> = (0..150)
            .map(|n| JournalEntry::from_report(&report(n, &big), "a@h:5432/d", "a"))
            .collect();
        for e in &written {
            append(&journal, e);
        }
        assert!(contents(&journal).len() as u64 > TAIL_BYTES);
        let read = journal.recent(usize::MAX);
        assert!(read.len() < written.len(), "read {}", read.len());
        assert!(
            read.len() >= 90,
            "a MiB holds ~100 of these: {}",
            read.len()
        );
        assert_eq!(read[..], written[written.len() - read.len()..]);
    }
}
