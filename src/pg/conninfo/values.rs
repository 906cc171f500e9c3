//! Parsing and checking individual setting values.

use std::net::IpAddr;
use std::time::Duration;

use super::keywords;
use super::{ConnInfoError, SslMode};

/// libpq's `DEF_PGPORT`.
pub(crate) const DEFAULT_PORT: u16 = 5432;

/// Used when `connect_timeout` is unset, zero or negative.
///
/// libpq reads zero or a negative value as "wait forever". A monitoring dashboard
/// must never hang on an unreachable server, so pgpulse uses this default instead.
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// libpq raises `connect_timeout=1` to 2 s (a 1 s timeout could fire almost at once
/// because of rounding); we do the same.
const MIN_CONNECT_TIMEOUT: Duration = Duration::from_secs(2);

/// A `BadValue` error that never shows the value of a secret keyword.
pub(crate) fn bad_value(key: &str, value: &str, reason: &str) -> ConnInfoError {
    let value = if keywords::is_secret(key) {
        "***"
    } else {
        value
    };
    ConnInfoError::BadValue {
        key: key.to_owned(),
        value: value.to_owned(),
        reason: reason.to_owned(),
    }
}

/// An integer the way libpq's `parse_int_param` reads one: surrounding whitespace
/// is allowed, anything else is not.
pub(crate) fn integer(key: &str, value: &str) -> Result<i64, ConnInfoError> {
    value
        .trim()
        .parse()
        .map_err(|_| bad_value(key, value, "not an integer"))
}

/// A TCP port, 1 to 65535.
pub(crate) fn port(value: &str) -> Result<u16, ConnInfoError> {
    let number = integer("port", value)?;
    u16::try_from(number)
        .ok()
        .filter(|port| *port > 0)
        .ok_or_else(|| bad_value("port", value, "must be between 1 and 65535"))
}

/// One of libpq's six `sslmode` names.
pub(crate) fn sslmode(value: &str) -> Result<SslMode, ConnInfoError> {
    Ok(match value {
        "disable" => SslMode::Disable,
        "allow" => SslMode::Allow,
        "prefer" => SslMode::Prefer,
        "require" => SslMode::Require,
        "verify-ca" => SslMode::VerifyCa,
        "verify-full" => SslMode::VerifyFull,
        _ => {
            return Err(bad_value(
                "sslmode",
                value,
                "expected disable, allow, prefer, require, verify-ca or verify-full",
            ));
        }
    })
}

/// `connect_timeout` in seconds; see [`DEFAULT_CONNECT_TIMEOUT`] for 0 and below.
pub(crate) fn connect_timeout(value: Option<&str>) -> Result<Duration, ConnInfoError> {
    let Some(value) = value else {
        return Ok(DEFAULT_CONNECT_TIMEOUT);
    };
    let seconds = integer("connect_timeout", value)?;
    Ok(match u64::try_from(seconds) {
        Ok(0) | Err(_) => DEFAULT_CONNECT_TIMEOUT,
        Ok(seconds) => Duration::from_secs(seconds).max(MIN_CONNECT_TIMEOUT),
    })
}

/// `keepalives`: any integer; zero turns keepalives off. On by default.
pub(crate) fn keepalives(value: Option<&str>) -> Result<bool, ConnInfoError> {
    match value {
        None => Ok(true),
        Some(value) => Ok(integer("keepalives", value)? != 0),
    }
}

/// `keepalives_idle` in seconds. Zero keeps the system default (the kernel refuses a
/// zero idle time, which would make libpq fail the connection instead).
pub(crate) fn keepalives_idle(value: Option<&str>) -> Result<Option<Duration>, ConnInfoError> {
    let Some(value) = value else {
        return Ok(None);
    };
    match u64::try_from(integer("keepalives_idle", value)?) {
        Ok(0) => Ok(None),
        Ok(seconds) => Ok(Some(Duration::from_secs(seconds))),
        Err(_) => Err(bad_value("keepalives_idle", value, "must not be negative")),
    }
}

/// `hostaddr` must be a numeric IPv4 or IPv6 address, as libpq requires.
pub(crate) fn hostaddr(value: &str) -> Result<&str, ConnInfoError> {
    value
        .parse::<IpAddr>()
        .map(|_| value)
        .map_err(|_| bad_value("hostaddr", value, "not a numeric IP address"))
}

/// `target_session_attrs`: pgpulse connects to one host, so only `any` makes sense.
pub(crate) fn target_session_attrs(value: &str) -> Result<(), ConnInfoError> {
    if value == "any" {
        Ok(())
    } else {
        Err(bad_value(
            "target_session_attrs",
            value,
            "not supported: pgpulse connects to a single host, only \"any\" is accepted",
        ))
    }
}

/// `gssencmode`: accepted for compatibility, but GSSAPI encryption cannot be provided.
pub(crate) fn gssencmode(value: &str) -> Result<(), ConnInfoError> {
    match value {
        "disable" | "prefer" => Ok(()),
        "require" => Err(bad_value(
            "gssencmode",
            value,
            "GSSAPI encryption is not supported by pgpulse",
        )),
        _ => Err(bad_value(
            "gssencmode",
            value,
            "expected disable, prefer or require",
        )),
    }
}

/// `channel_binding`: checked for a valid value; returns whether `require` was asked
/// for, which pgpulse does not enforce.
pub(crate) fn channel_binding_required(value: &str) -> Result<bool, ConnInfoError> {
    match value {
        "disable" | "prefer" => Ok(false),
        "require" => Ok(true),
        _ => Err(bad_value(
            "channel_binding",
            value,
            "expected disable, prefer or require",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports() {
        let cases = [
            ("5432", Some(5432)),
            (" 6000 ", Some(6000)),
            ("+1", Some(1)),
            ("65535", Some(65535)),
            ("0", None),
            ("65536", None),
            ("-1", None),
            ("54x", None),
            ("", None),
        ];
        for (text, want) in cases {
            assert_eq!(port(text).ok(), want, "{text:?}");
        }
    }

    #[test]
    fn sslmodes() {
        let cases = [
            ("disable", Some(SslMode::Disable)),
            ("allow", Some(SslMode::Allow)),
            ("prefer", Some(SslMode::Prefer)),
            ("require", Some(SslMode::Require)),
            ("verify-ca", Some(SslMode::VerifyCa)),
            ("verify-full", Some(SslMode::VerifyFull)),
            ("verify_full", None),
            ("REQUIRE", None),
        ];
        for (text, want) in cases {
            assert_eq!(sslmode(text).ok(), want, "{text:?}");
            if let Some(mode) = want {
                assert_eq!(mode.as_str(), text);
            }
        }
    }

    #[test]
    fn connect_timeouts() {
        let cases = [
            (None, Some(5)),
            (Some("10"), Some(10)),
            (Some(" 30 "), Some(30)),
            (Some("2"), Some(2)),
            (Some("1"), Some(2)),
            (Some("0"), Some(5)),
            (Some("-3"), Some(5)),
            (Some("1.5"), None),
            (Some("ten"), None),
        ];
        for (text, want) in cases {
            let got = connect_timeout(text).ok().map(|d| d.as_secs());
            assert_eq!(got, want, "{text:?}");
        }
    }

    #[test]
    fn keepalive_settings() {
        let on_off = [
            (None, Some(true)),
            (Some("1"), Some(true)),
            (Some("0"), Some(false)),
            (Some("7"), Some(true)),
            (Some("yes"), None),
        ];
        for (text, want) in on_off {
            assert_eq!(keepalives(text).ok(), want, "{text:?}");
        }
        let idle = [
            (None, Some(None)),
            (Some("60"), Some(Some(60))),
            (Some("0"), Some(None)),
            (Some("-1"), None),
            (Some("x"), None),
        ];
        for (text, want) in idle {
            let got = keepalives_idle(text).ok().map(|d| d.map(|d| d.as_secs()));
            assert_eq!(got, want, "{text:?}");
        }
    }

    #[test]
    fn compatibility_keywords() {
        assert!(target_session_attrs("any").is_ok());
        for value in ["read-write", "primary", "bogus"] {
            assert!(target_session_attrs(value).is_err(), "{value}");
        }
        for (value, ok) in [
            ("disable", true),
            ("prefer", true),
            ("require", false),
            ("x", false),
        ] {
            assert_eq!(gssencmode(value).is_ok(), ok, "{value}");
        }
        let binding = [
            ("disable", Some(false)),
            ("prefer", Some(false)),
            ("require", Some(true)),
            ("x", None),
        ];
        for (value, want) in binding {
            assert_eq!(channel_binding_required(value).ok(), want, "{value}");
        }
        for (value, ok) in [("127.0.0.1", true), ("::1", true), ("db.example", false)] {
            assert_eq!(hostaddr(value).is_ok(), ok, "{value}");
        }
    }

    #[test]
    fn secrets_are_redacted_in_bad_values() {
        for key in ["password", "sslpassword"] {
            let e = bad_value(key, "s3cret", "whatever");
            assert!(!e.to_string().contains("s3cret"), "{e}");
            assert!(!format!("{e:?}").contains("s3cret"), "{e:?}");
        }
        let e = bad_value("port", "x", "r");
        assert!(e.to_string().contains("\"x\""), "{e}");
    }
}
