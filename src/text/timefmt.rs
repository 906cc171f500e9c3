//! UTC timestamps as text, without a date crate: for SQL literals that must match a
//! `timestamptz` to the microsecond, and for the journal.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// `2026-11-26 18:00:00.123456+00`: PostgreSQL reads it back as the same `timestamptz`.
pub fn sql_timestamptz(at: SystemTime) -> String {
    let (date, time, micros) = parts(at);
    format!("{date} {time}.{micros:06}+00")
}

/// `2026-11-26T18:00:00.123Z` (RFC 3339, milliseconds).
pub fn rfc3339_millis(at: SystemTime) -> String {
    let (date, time, micros) = parts(at);
    format!("{date}T{time}.{:03}Z", micros / 1000)
}

/// `05:07 UTC` when `at` is within a day before `now`, else its date, `2026-12-06`: a
/// moment in a title, as precise as a reader needs it.
pub fn utc_clock(at: SystemTime, now: SystemTime) -> String {
    let (date, time, _) = parts(at);
    let recent = now
        .duration_since(at)
        .is_ok_and(|ago| ago < Duration::from_secs(86_400));
    if recent {
        format!("{} UTC", &time[..time.len().min(5)])
    } else {
        date
    }
}

fn parts(at: SystemTime) -> (String, String, u32) {
    // Negative offsets (before 1970) are signed microseconds from the epoch.
    let micros: i128 = match at.duration_since(UNIX_EPOCH) {
        Ok(after) => i128::try_from(after.as_micros()).unwrap_or(i128::MAX),
        Err(before) => -i128::try_from(before.duration().as_micros()).unwrap_or(i128::MAX),
    };
    let seconds = micros.div_euclid(1_000_000);
    let fraction = u32::try_from(micros.rem_euclid(1_000_000)).unwrap_or(0);
    let days = seconds.div_euclid(86_400);
    let second_of_day = seconds.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    let date = format!("{year:04}-{month:02}-{day:02}");
    let time = format!(
        "{:02}:{:02}:{:02}",
        second_of_day / 3600,
        second_of_day / 60 % 60,
        second_of_day % 60
    );
    (date, time, fraction)
}

/// Howard Hinnant's `civil_from_days`: days since 1970-01-01 to (year, month, day).
fn civil_from_days(days: i128) -> (i128, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i128::from(month <= 2);
    (
        year,
        u32::try_from(month).unwrap_or(1),
        u32::try_from(day).unwrap_or(1),
    )
}

/// Microseconds → `SystemTime`, for tests and parsing.
pub fn from_unix_micros(micros: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_micros(micros)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_instants() {
        assert_eq!(sql_timestamptz(UNIX_EPOCH), "1970-01-01 00:00:00.000000+00");
        // 2026-11-26 18:00:00.123456 UTC
        let at = from_unix_micros(1_795_716_000_123_456);
        assert_eq!(sql_timestamptz(at), "2026-11-26 18:00:00.123456+00");
        assert_eq!(rfc3339_millis(at), "2026-11-26T18:00:00.123Z");
        // Leap day.
        let leap = from_unix_micros(951_782_400_000_000);
        assert_eq!(sql_timestamptz(leap), "2000-02-29 00:00:00.000000+00");
        let before = UNIX_EPOCH - Duration::from_micros(1);
        assert_eq!(sql_timestamptz(before), "1969-12-31 23:59:59.999999+00");
    }
}
