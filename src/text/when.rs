//! The one way a moment is typed on the command line and in the UI: `HH:MM[:SS]` (today,
//! local time) or an RFC 3339 timestamp (`2026-12-06T03:02:17Z`, `...+01:00`). Replay,
//! history mode and the report all parse it here, so they agree on what a time means.

use std::time::SystemTime;

use jiff::ZonedDateTime as Zoned;
use jiff::civil::Time;

/// Why a typed time was not understood; the message names both accepted forms.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{0}` is not a time: give HH:MM[:SS] (today, local time) or RFC 3339 (2026-12-06T03:02:17Z)"
)]
pub struct BadTime(pub String);

/// `text` as a moment, with `now` giving "today" and the local time zone.
pub fn parse_time(text: &str, now: &Zoned) -> Result<SystemTime, BadTime> {
    let text = text.trim();
    let bad = || BadTime(crate::text::sanitize::sanitized(text));
    if text.contains('T') || text.contains('t') || text.contains(' ') && text.len() > 8 {
        let at: jiff::Timestamp = text.parse().map_err(|_| bad())?;
        return SystemTime::try_from(at).map_err(|_| bad());
    }
    let time = clock(text).ok_or_else(bad)?;
    let zoned = now
        .date()
        .to_datetime(time)
        .to_zoned_datetime(now.time_zone().clone())
        .map_err(|_| bad())?;
    SystemTime::try_from(zoned.timestamp()).map_err(|_| bad())
}

/// `HH:MM:SS` of `at` in the system's time zone (what `parse_time` reads back today).
pub fn local_clock(at: SystemTime) -> String {
    match jiff::Timestamp::try_from(at) {
        Ok(at) => at
            .to_zoned_datetime(jiff::tz::TimeZone::system())
            .strftime("%H:%M:%S")
            .to_string(),
        Err(_) => "??:??:??".to_string(),
    }
}

/// `text` as a moment, today in the system's time zone.
pub fn parse_time_local(text: &str) -> Result<SystemTime, BadTime> {
    parse_time(text, &Zoned::now())
}

/// `HH:MM` or `HH:MM:SS`, nothing else (no fractions, no 24:00).
fn clock(text: &str) -> Option<Time> {
    let mut parts = text.split(':');
    let mut field = |max: i8| -> Option<Option<i8>> {
        match parts.next() {
            None => Some(None),
            Some(part)
                if (1..=2).contains(&part.len()) && part.bytes().all(|b| b.is_ascii_digit()) =>
            {
                let value: i8 = part.parse().ok()?;
                (value <= max).then_some(Some(value))
            }
            Some(_) => None,
        }
    };
    let hour = field(23)??;
    let minute = field(59)??;
    let second = field(59)?.unwrap_or(0);
    if parts.next().is_some() {
        return None;
    }
    Time::new(hour, minute, second, 0).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::tz::{Offset, TimeZone};
    use std::time::{Duration, UNIX_EPOCH};

    /// 2026-12-06 14:00:00 UTC, seen from UTC+02:00.
    fn now() -> Zoned {
        let at = jiff::Timestamp::from_second(1_796_565_600).unwrap();
        at.to_zoned_datetime(TimeZone::fixed(Offset::constant(2)))
    }

    fn unix(at: SystemTime) -> u64 {
        at.duration_since(UNIX_EPOCH).unwrap().as_secs()
    }

    #[test]
    fn a_clock_time_is_today_in_the_local_zone() {
        // 16:00 local on that day is 14:00 UTC.
        assert_eq!(unix(parse_time("16:00", &now()).unwrap()), 1_796_565_600);
        let with_seconds = parse_time("16:00:17", &now()).unwrap();
        assert_eq!(unix(with_seconds), 1_796_565_617);
        assert_eq!(
            parse_time("03:02", &now()).unwrap() + Duration::from_secs(12 * 3600 + 58 * 60),
            parse_time("16:00", &now()).unwrap()
        );
    }

    #[test]
    fn rfc3339_is_taken_as_written() {
        let at = parse_time("2026-12-06T14:00:05Z", &now()).unwrap();
        assert_eq!(unix(at), 1_796_565_605);
        let offset = parse_time("2026-12-06T16:00:05+02:00", &now()).unwrap();
        assert_eq!(offset, at);
    }

    #[test]
    fn anything_else_says_which_forms_are_accepted() {
        for text in [
            "",
            "25:00",
            "12:60",
            "12",
            "12:00:00:00",
            "noon",
            "1:2:3x",
            "2026-13-01T00:00:00Z",
        ] {
            let error = parse_time(text, &now()).unwrap_err().to_string();
            assert!(
                error.contains("HH:MM[:SS]") && error.contains("RFC 3339"),
                "{text}: {error}"
            );
        }
    }
}
