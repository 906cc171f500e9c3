//! Checks, right after the handshake, that the session settings sent as startup options
//! are in effect. A pooler that ignores the `options` startup parameter (PgBouncer with
//! `ignore_startup_parameters = options`) lets the connection through without them, and
//! a monitoring session without its timeouts and read-only default must not run.

use tokio_postgres::{Client, SimpleQueryMessage};

use super::failure::{AttemptError, classify};
use super::settings::SessionSettings;
use crate::pg::queries::SESSION_SETTINGS_SQL;
use crate::text::sanitize::sanitized;

/// `Ok` when every setting is what pgpulse asked for; otherwise which ones are not.
pub(super) async fn verify(
    client: &Client,
    settings: &SessionSettings,
) -> Result<(), AttemptError> {
    // The simple query protocol: a transaction-mode pooler would lose a prepared statement.
    let messages = client
        .simple_query(SESSION_SETTINGS_SQL)
        .await
        .map_err(|e| classify(&e))?;
    let actual: Vec<(String, String)> = messages
        .iter()
        .filter_map(|message| match message {
            SimpleQueryMessage::Row(row) => Some((
                row.get("name").unwrap_or_default().to_string(),
                row.get("setting").unwrap_or_default().to_string(),
            )),
            _ => None,
        })
        .collect();
    match mismatches(settings, &actual) {
        None => Ok(()),
        Some(detail) => Err(AttemptError::SettingsIgnored(detail)),
    }
}

/// The settings as `pg_settings` shows them (times in ms), by name.
fn expected(settings: &SessionSettings) -> [(&'static str, String); 4] {
    let on_off = if settings.read_only { "on" } else { "off" };
    [
        (
            "statement_timeout",
            settings.statement_timeout.as_millis().to_string(),
        ),
        (
            "lock_timeout",
            settings.lock_timeout.as_millis().to_string(),
        ),
        (
            "idle_in_transaction_session_timeout",
            settings
                .idle_in_transaction_session_timeout
                .as_millis()
                .to_string(),
        ),
        ("default_transaction_read_only", on_off.to_string()),
    ]
}

/// One line naming every setting that differs, or `None` when all took effect.
fn mismatches(settings: &SessionSettings, actual: &[(String, String)]) -> Option<String> {
    let wrong: Vec<String> = expected(settings)
        .into_iter()
        .filter_map(|(name, want)| {
            let got = actual.iter().find(|(n, _)| n == name).map(|(_, v)| v);
            let unit = if want.parse::<u64>().is_ok() {
                "ms"
            } else {
                ""
            };
            match got {
                Some(value) if *value == want => None,
                Some(value) => Some(format!(
                    "{name} is {}{unit}, not {want}{unit}",
                    sanitized(value)
                )),
                None => Some(format!("{name} is not readable")),
            }
        })
        .collect();
    (!wrong.is_empty()).then(|| {
        format!(
            "the session settings pgpulse sent did not take effect ({})",
            wrong.join("; ")
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn settings_that_took_effect_pass() {
        let actual = pairs(&[
            ("default_transaction_read_only", "on"),
            ("idle_in_transaction_session_timeout", "10000"),
            ("lock_timeout", "500"),
            ("statement_timeout", "2000"),
        ]);
        assert_eq!(
            mismatches(&SessionSettings::monitoring(None), &actual),
            None
        );
    }

    #[test]
    fn dropped_settings_are_named_with_what_was_asked() {
        // What a PgBouncer with ignore_startup_parameters = options hands over.
        let actual = pairs(&[
            ("default_transaction_read_only", "off"),
            ("idle_in_transaction_session_timeout", "0"),
            ("lock_timeout", "0"),
            ("statement_timeout", "0"),
        ]);
        let line = mismatches(&SessionSettings::monitoring(None), &actual);
        assert_eq!(
            line.as_deref(),
            Some(
                "the session settings pgpulse sent did not take effect (statement_timeout is \
                 0ms, not 2000ms; lock_timeout is 0ms, not 500ms; \
                 idle_in_transaction_session_timeout is 0ms, not 10000ms; \
                 default_transaction_read_only is off, not on)"
            )
        );
    }

    #[test]
    fn a_missing_row_is_a_mismatch_too() {
        let line = mismatches(&SessionSettings::monitoring(None), &[]).unwrap_or_default();
        assert!(line.contains("statement_timeout is not readable"), "{line}");
    }
}
