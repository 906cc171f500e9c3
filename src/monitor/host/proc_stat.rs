//! A backend's CPU time, start time and resident memory from its `/proc/<pid>/stat`
//! alone.
//!
//! sysinfo reads three files per process for the same figures (`status` for the thread
//! group, `stat`, `statm`) plus a directory handle, and `status` is the costliest file the
//! kernel formats. With 1,000 sessions sampled every second that was most of pgpulse's
//! CPU time; one `stat` per backend, into a reused buffer, is a third of the system calls.

use std::io::Read;

use super::cpu::CpuReading;

/// A `stat` line is 300 bytes or so; one read takes it whole.
const STAT_CHUNK: usize = 1024;

/// What one read of `/proc/<pid>/stat` gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProcStat {
    /// User plus system CPU time, in milliseconds.
    pub cpu_ms: u64,
    /// Start time in clock ticks after boot: the same pid with another value is a new
    /// process.
    pub start_ticks: u64,
    /// Resident memory, in bytes.
    pub rss_bytes: u64,
}

/// Reads `/proc/<pid>/stat` files with one buffer and the machine's clock tick and page
/// size, asked once.
#[derive(Debug)]
pub struct ProcStatReader {
    buf: Vec<u8>,
    path: String,
    ticks_per_s: u64,
    page_bytes: u64,
}

impl Default for ProcStatReader {
    fn default() -> Self {
        use nix::unistd::{SysconfVar, sysconf};
        let ask = |var, fallback: u64| {
            sysconf(var)
                .ok()
                .flatten()
                .and_then(|v| u64::try_from(v).ok())
                .filter(|&v| v > 0)
                .unwrap_or(fallback)
        };
        Self {
            buf: vec![0; STAT_CHUNK],
            path: String::with_capacity(24),
            // USER_HZ is 100 on every Linux architecture; 4 KiB pages on most.
            ticks_per_s: ask(SysconfVar::CLK_TCK, 100),
            page_bytes: ask(SysconfVar::PAGE_SIZE, 4096),
        }
    }
}

impl ProcStatReader {
    /// The figures of `pid`, or `None` when it has exited (or is not ours to read).
    pub fn read(&mut self, pid: u32) -> Option<ProcStat> {
        use std::fmt::Write;
        self.path.clear();
        write!(self.path, "/proc/{pid}/stat").ok()?;
        let mut file = std::fs::File::open(&self.path).ok()?;
        // Plain reads into the buffer: `read_to_end` asks for the file's size and
        // position first (two more system calls per backend), and a proc file has none.
        let mut filled = 0;
        loop {
            if filled == self.buf.len() {
                self.buf.resize(filled + STAT_CHUNK, 0);
            }
            match file.read(&mut self.buf[filled..]).ok()? {
                0 => break,
                n => filled += n,
            }
        }
        let fields = parse(&self.buf[..filled])?;
        Some(ProcStat {
            cpu_ms: fields
                .cpu_ticks
                .saturating_mul(1_000)
                .checked_div(self.ticks_per_s)?,
            start_ticks: fields.start_ticks,
            rss_bytes: fields.rss_pages.saturating_mul(self.page_bytes),
        })
    }
}

impl ProcStat {
    /// As a reading for [`super::CpuTracker`], taken `at`.
    pub fn cpu_reading(&self, at: std::time::Instant) -> CpuReading {
        CpuReading {
            cpu_ms: self.cpu_ms,
            start_time: self.start_ticks,
            at,
        }
    }
}

/// The raw fields pgpulse uses, in the units of the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Fields {
    cpu_ticks: u64,
    start_ticks: u64,
    rss_pages: u64,
}

/// Parses a `stat` line: `pid (comm) state ppid ...`. The command name may hold spaces
/// and parentheses, so the fields are counted from its *last* closing parenthesis.
fn parse(line: &[u8]) -> Option<Fields> {
    let close = line.iter().rposition(|&b| b == b')')?;
    let rest = std::str::from_utf8(line.get(close + 1..)?).ok()?;
    // After the name, field 3 (state) is the first; utime is field 14, stime 15,
    // starttime 22, rss 24 (proc(5)).
    let mut fields = rest.split_ascii_whitespace();
    let mut nth =
        |field: usize, after: usize| -> Option<u64> { fields.nth(field - after - 1)?.parse().ok() };
    let utime = nth(14, 2)?;
    let stime = nth(15, 14)?;
    let start_ticks = nth(22, 15)?;
    let rss_pages = nth(24, 22)?;
    Some(Fields {
        cpu_ticks: utime.saturating_add(stime),
        start_ticks,
        rss_pages,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_counted_after_the_last_parenthesis() {
        // A backend whose title holds spaces and a parenthesis, as PostgreSQL's do not,
        // but any process name may.
        let line = b"4242 (postgres: a) b) S 1 4242 4242 0 -1 4194560 5 0 0 0 \
                     120 30 0 0 20 0 1 0 987654 226000000 3100 18446744073709551615 1 1 0 0 0 0\n";
        assert_eq!(
            parse(line),
            Some(Fields {
                cpu_ticks: 150,
                start_ticks: 987_654,
                rss_pages: 3_100,
            })
        );
        assert_eq!(parse(b"4242 (cut"), None);
        assert_eq!(parse(b"4242 (x) S 1 2 3"), None);
    }

    #[test]
    fn this_process_reads_as_running_and_resident() {
        let mut reader = ProcStatReader::default();
        let me = reader.read(std::process::id()).expect("our own stat");
        assert!(me.rss_bytes > 0);
        assert!(me.start_ticks > 0);
        assert_eq!(reader.read(0), None);
    }
}
