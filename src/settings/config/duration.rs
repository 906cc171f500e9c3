//! Durations in the config file: a whole number and a unit, `"500ms"`, `"2s"`, `"15m"`,
//! `"1h"`, `"7d"`. One unit per value keeps the format obvious to read and to write; a
//! duration between units is written in the smaller one (`"90s"`, `"36h"`).

use std::time::Duration;

/// What a duration looks like, for error messages.
pub const DURATION_FORMAT: &str =
    "a whole number followed by ms, s, m, h or d, e.g. \"500ms\", \"15s\", \"15m\", \"7d\"";

/// Units and their length in milliseconds. `ms` comes before `m` and `s` so the longest
/// suffix is tried first.
const UNITS: [(&str, u64); 5] = [
    ("ms", 1),
    ("s", 1_000),
    ("m", 60_000),
    ("h", 3_600_000),
    ("d", 86_400_000),
];

/// Parses `"500ms"`, `"2s"`, `"15m"`, `"1h"`, `"7d"`. Surrounding spaces are allowed, a
/// sign, a fraction or a space before the unit is not. The error says what was wrong.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let Some((digits, millis_per_unit)) = UNITS
        .iter()
        .find_map(|(unit, millis)| text.strip_suffix(unit).map(|digits| (digits, *millis)))
    else {
        return Err("has no unit".into());
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err("is not a whole number with a unit".into());
    }
    let millis = digits
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(millis_per_unit))
        .ok_or_else(|| "is too long".to_string())?;
    Ok(Duration::from_millis(millis))
}

/// Writes a duration the way [`parse_duration`] reads it, in the largest unit that
/// divides it exactly: 90 s -> `"90s"`, 7 days -> `"7d"`. Below a millisecond is dropped.
pub fn format_duration(duration: Duration) -> String {
    let millis = u64::try_from(duration.as_millis()).unwrap_or(u64::MAX);
    if millis == 0 {
        return "0s".into();
    }
    let (unit, size) = UNITS
        .iter()
        .rev()
        .find(|(_, size)| millis % size == 0)
        .copied()
        .unwrap_or(("ms", 1));
    format!("{}{unit}", millis / size)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_unit() {
        let cases = [
            ("500ms", Duration::from_millis(500)),
            ("2s", Duration::from_secs(2)),
            ("15m", Duration::from_secs(15 * 60)),
            ("1h", Duration::from_secs(3600)),
            ("7d", Duration::from_secs(7 * 86_400)),
            ("0s", Duration::ZERO),
            (" 30s ", Duration::from_secs(30)),
            ("0100ms", Duration::from_millis(100)),
        ];
        for (text, want) in cases {
            assert_eq!(parse_duration(text), Ok(want), "{text:?}");
        }
    }

    #[test]
    fn refuses_what_is_not_a_whole_number_with_a_unit() {
        let cases = [
            ("", "has no unit"),
            ("15", "has no unit"),
            ("5 s", "is not a whole number with a unit"),
            ("1.5s", "is not a whole number with a unit"),
            ("-2s", "is not a whole number with a unit"),
            ("+2s", "is not a whole number with a unit"),
            ("s", "is not a whole number with a unit"),
            ("2sec", "has no unit"),
            ("2S", "has no unit"),
            ("1x", "has no unit"),
            ("99999999999999999999d", "is too long"),
            ("999999999999999d", "is too long"),
        ];
        for (text, want) in cases {
            assert_eq!(parse_duration(text), Err(want.to_string()), "{text:?}");
        }
    }

    #[test]
    fn formats_in_the_largest_exact_unit_and_reads_back() {
        let cases = [
            (Duration::from_millis(500), "500ms"),
            (Duration::from_secs(1), "1s"),
            (Duration::from_secs(90), "90s"),
            (Duration::from_secs(15 * 60), "15m"),
            (Duration::from_secs(3600), "1h"),
            (Duration::from_secs(36 * 3600), "36h"),
            (Duration::from_secs(7 * 86_400), "7d"),
            (Duration::ZERO, "0s"),
        ];
        for (duration, want) in cases {
            assert_eq!(format_duration(duration), want);
            assert_eq!(parse_duration(want), Ok(duration));
        }
    }
}
