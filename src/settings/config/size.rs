//! Sizes in the config file, written the way `postgresql.conf` writes them: a whole
//! number and a unit, `"512kB"`, `"64MB"`, `"1GB"`, `"1TB"`, with PostgreSQL's
//! 1024-based units (so `work_mem` and a temp-file limit read alike). Units are matched
//! without regard to case; `B` is bytes.

/// What a size looks like, for error messages.
pub const SIZE_FORMAT: &str =
    "a whole number followed by B, kB, MB, GB or TB, e.g. \"512MB\", \"1GB\"";

/// Units and their size in bytes, the two-letter ones first so `B` does not match `MB`.
const UNITS: [(&str, u64); 5] = [
    ("kB", 1 << 10),
    ("MB", 1 << 20),
    ("GB", 1 << 30),
    ("TB", 1 << 40),
    ("B", 1),
];

/// Parses `"1GB"`, `"512MB"`, `"8192B"`. The error says what was wrong.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let Some((digits, bytes_per_unit)) = UNITS.iter().find_map(|(unit, bytes)| {
        let split = text.len().checked_sub(unit.len())?;
        let (digits, suffix) = (text.get(..split)?, text.get(split..)?);
        suffix
            .eq_ignore_ascii_case(unit)
            .then_some((digits, *bytes))
    }) else {
        return Err("has no unit".into());
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err("is not a whole number with a unit".into());
    }
    digits
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(bytes_per_unit))
        .ok_or_else(|| "is too large".to_string())
}

/// Writes a size the way [`parse_size`] reads it, in the largest unit that divides it.
pub fn format_size(bytes: u64) -> String {
    let (unit, size) = UNITS
        .iter()
        .filter(|(_, size)| bytes.is_multiple_of(*size))
        .max_by_key(|(_, size)| *size)
        .copied()
        .unwrap_or(("B", 1));
    format!("{}{unit}", bytes / size)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_postgresql_units() {
        let cases = [
            ("1GB", 1 << 30),
            ("512MB", 512 << 20),
            ("64kB", 64 << 10),
            ("64KB", 64 << 10),
            ("2tb", 2 << 40),
            ("8192B", 8192),
            (" 1GB ", 1 << 30),
        ];
        for (text, want) in cases {
            assert_eq!(parse_size(text), Ok(want), "{text:?}");
        }
    }

    #[test]
    fn refuses_what_is_not_a_whole_number_with_a_unit() {
        let cases = [
            ("", "has no unit"),
            ("1024", "has no unit"),
            ("1 GB", "is not a whole number with a unit"),
            ("1.5GB", "is not a whole number with a unit"),
            ("-1GB", "is not a whole number with a unit"),
            ("GB", "is not a whole number with a unit"),
            ("1GiB", "is not a whole number with a unit"),
            ("99999999999TB", "is too large"),
        ];
        for (text, want) in cases {
            assert_eq!(parse_size(text), Err(want.to_string()), "{text:?}");
        }
    }

    #[test]
    fn formats_in_the_largest_exact_unit_and_reads_back() {
        for (bytes, text) in [(1 << 30, "1GB"), (1536 << 20, "1536MB"), (1000, "1000B")] {
            assert_eq!(format_size(bytes), text);
            assert_eq!(parse_size(text), Ok(bytes));
        }
    }
}
