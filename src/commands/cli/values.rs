//! Value parsers for the numeric flags: each accepts exactly the range the config file
//! accepts for the same setting, and its error names that range (clap adds the flag and
//! the value). `nan`, `inf`, `1e309` and negative numbers are refused, never clamped.

use std::ops::RangeInclusive;
use std::time::Duration;

use crate::pg::open::STATEMENT_TIMEOUT_MS_RANGE;
use crate::settings::config::{FAST_REFRESH_RANGE, SLOW_REFRESH_RANGE};

/// `--refresh`: seconds, 0.5 to 60.
pub fn fast_refresh(text: &str) -> Result<Duration, String> {
    seconds(text, &FAST_REFRESH_RANGE)
}

/// `--slow-refresh`: seconds, 1 to 3600.
pub fn slow_refresh(text: &str) -> Result<Duration, String> {
    seconds(text, &SLOW_REFRESH_RANGE)
}

/// `--statement-timeout-ms`: whole milliseconds, 100 to 60000.
pub fn statement_timeout_ms(text: &str) -> Result<u64, String> {
    let range = STATEMENT_TIMEOUT_MS_RANGE;
    let allowed = format!(
        "give whole milliseconds from {} to {}",
        range.start(),
        range.end()
    );
    match text.trim().parse::<u64>() {
        Ok(ms) if range.contains(&ms) => Ok(ms),
        _ => Err(allowed),
    }
}

/// `record --max-size`: bytes, with an optional unit (B, KiB, MiB, GiB, TiB; KB, MB, GB,
/// TB are taken as the same powers of 1024), at least 1 MiB.
pub fn byte_size(text: &str) -> Result<u64, String> {
    let bad = || "give a size like 500MiB or 2GiB (at least 1MiB)".to_string();
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: u64 = number.parse().map_err(|_| bad())?;
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        "t" | "tb" | "tib" => 40,
        _ => return Err(bad()),
    };
    let bytes = number.checked_mul(1 << shift).ok_or_else(bad)?;
    if bytes < 1 << 20 {
        return Err(bad());
    }
    Ok(bytes)
}

/// `record --keep`: a whole number of minutes, hours or days (`90m`, `12h`, `7d`), at
/// least one minute.
pub fn age(text: &str) -> Result<Duration, String> {
    let bad = || "give an age like 90m, 12h or 7d".to_string();
    let text = text.trim();
    let Some((last, _)) = text.char_indices().last() else {
        return Err(bad());
    };
    let (number, unit) = text.split_at(last);
    let seconds: u64 = match unit {
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(bad()),
    };
    let number: u64 = number.parse().map_err(|_| bad())?;
    match number.checked_mul(seconds) {
        Some(total) if total > 0 => Ok(Duration::from_secs(total)),
        _ => Err(bad()),
    }
}

/// `pgpulse demo --rate`: operations per second, above 0 and up to 10000.
pub fn workload_rate(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(rate) if rate.is_finite() && rate > 0.0 && rate <= 10_000.0 => Ok(rate),
        _ => Err("give operations per second, above 0 up to 10000".into()),
    }
}

/// A number of seconds inside `range`.
fn seconds(text: &str, range: &RangeInclusive<Duration>) -> Result<Duration, String> {
    let allowed = format!(
        "give seconds from {} to {}",
        range.start().as_secs_f64(),
        range.end().as_secs_f64()
    );
    let value: f64 = text.trim().parse().map_err(|_| allowed.clone())?;
    // `is_finite` first: Duration::from_secs_f64 panics on NaN, infinity and negatives.
    if !value.is_finite() {
        return Err(allowed);
    }
    let lowest = range.start().as_secs_f64();
    let highest = range.end().as_secs_f64();
    if !(lowest..=highest).contains(&value) {
        return Err(allowed);
    }
    Ok(Duration::from_secs_f64(value))
}

/// `pgpulse report --sample`: 1 s to 10 min, as `10s`, `1m`.
pub fn report_sample(text: &str) -> Result<Duration, String> {
    bounded_duration(text, Duration::from_secs(1), Duration::from_secs(600))
}

/// `pgpulse report --window`: 1 min to 7 days, as `15m`, `1h`, `7d`.
pub fn report_window(text: &str) -> Result<Duration, String> {
    bounded_duration(
        text,
        Duration::from_secs(60),
        Duration::from_secs(7 * 86_400),
    )
}

fn bounded_duration(text: &str, min: Duration, max: Duration) -> Result<Duration, String> {
    let allowed = format!(
        "give a duration with a unit from {} to {} (e.g. 30s, 15m, 1h)",
        crate::text::format::duration(min),
        crate::text::format::duration(max)
    );
    match crate::settings::config::parse_duration(text) {
        Ok(d) if (min..=max).contains(&d) => Ok(d),
        _ => Err(allowed),
    }
}

/// A moment: `HH:MM[:SS]` (today, local time) or RFC 3339.
pub fn moment(text: &str) -> Result<std::time::SystemTime, String> {
    crate::text::when::parse_time_local(text).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_ages_take_units_and_refuse_the_rest() {
        assert_eq!(byte_size("1GiB"), Ok(1 << 30));
        assert_eq!(byte_size("500MB"), Ok(500 << 20));
        assert_eq!(byte_size("2g"), Ok(2 << 30));
        for bad in [
            "",
            "1",
            "1KiB",
            "GiB",
            "1.5GiB",
            "-1GiB",
            "1 parsec",
            "99999999999999TiB",
        ] {
            assert!(byte_size(bad).is_err(), "{bad}");
        }
        assert_eq!(age("7d"), Ok(Duration::from_secs(7 * 86_400)));
        assert_eq!(age("90m"), Ok(Duration::from_secs(5400)));
        for bad in ["", "0d", "7", "d", "1w", "7é", "-1h", "1.5h"] {
            assert!(age(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn refresh_accepts_its_range_and_refuses_everything_else() {
        let ok = [
            ("0.5", 500),
            ("1", 1000),
            ("60", 60_000),
            (" 2.5 ", 2500),
            ("1e1", 10_000),
        ];
        for (text, ms) in ok {
            assert_eq!(
                fast_refresh(text),
                Ok(Duration::from_millis(ms)),
                "{text:?}"
            );
        }
        for bad in [
            "nan", "NaN", "inf", "-inf", "-1", "0", "0.49", "60.01", "1e309", "", "1s", "abc",
        ] {
            assert_eq!(
                fast_refresh(bad),
                Err("give seconds from 0.5 to 60".to_string()),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn slow_refresh_has_the_config_files_range() {
        assert_eq!(slow_refresh("1"), Ok(Duration::from_secs(1)));
        assert_eq!(slow_refresh("3600"), Ok(Duration::from_secs(3600)));
        for bad in ["0.5", "3601", "nan", "-5", "1e309"] {
            assert_eq!(
                slow_refresh(bad),
                Err("give seconds from 1 to 3600".to_string()),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn statement_timeout_refuses_zero_and_out_of_range() {
        assert_eq!(statement_timeout_ms("2000"), Ok(2000));
        for bad in [
            "0",
            "99",
            "60001",
            "-1",
            "1.5",
            "nan",
            "18446744073709551616",
        ] {
            assert_eq!(
                statement_timeout_ms(bad),
                Err("give whole milliseconds from 100 to 60000".to_string()),
                "{bad:?}"
            );
        }
    }
}
