//! A table's autovacuum settings: its reloptions override the server's settings, resolved
//! the way autovacuum itself does (`relation_needs_vacanalyze` in autovacuum.c), so the
//! Maintenance panel judges each table by the numbers the server will use.

use crate::monitor::snapshot::maintenance::AutovacuumSettings;

/// The settings in force for a table whose `pg_class.reloptions` are `reloptions`
/// (`key=value` entries, e.g. `autovacuum_vacuum_scale_factor=0.01`), given the server's
/// settings. Values autovacuum would ignore (out of range, unparsable) leave the server's.
pub(crate) fn effective_settings(
    server: &AutovacuumSettings,
    reloptions: &[String],
) -> AutovacuumSettings {
    let mut out = server.clone();
    out.table_overrides.clear();
    for (key, value) in reloptions.iter().filter_map(|entry| entry.split_once('=')) {
        if let Some(name) = apply(&mut out, key, value) {
            out.table_overrides.push(name);
        }
    }
    out
}

/// A relation's `autovacuum_freeze_max_age`: its reloption can only lower the server's.
pub(crate) fn freeze_max_age(server: i64, reloptions: &[String]) -> i64 {
    reloptions
        .iter()
        .filter_map(|entry| entry.split_once('='))
        .filter(|(key, _)| *key == "autovacuum_freeze_max_age")
        .filter_map(|(_, value)| parse_int(value).filter(|v| *v >= 0))
        .fold(server, i64::min)
}

/// Applies one reloption; returns its name when it changed what is in force.
fn apply(out: &mut AutovacuumSettings, key: &str, value: &str) -> Option<&'static str> {
    // The same acceptance rules as autovacuum: thresholds and scale factors only when
    // >= 0; the insert threshold and the max threshold also take -1 (meaning "off"/"no
    // cap"); a table's freeze_max_age can only lower the server's.
    match key {
        "autovacuum_enabled" => {
            out.enabled = parse_bool(value)?;
            Some("autovacuum_enabled")
        }
        "autovacuum_vacuum_threshold" => {
            out.vacuum_threshold = parse_int(value).filter(|v| *v >= 0)?;
            Some("autovacuum_vacuum_threshold")
        }
        "autovacuum_vacuum_scale_factor" => {
            out.vacuum_scale_factor = parse_real(value).filter(|v| *v >= 0.0)?;
            Some("autovacuum_vacuum_scale_factor")
        }
        "autovacuum_vacuum_max_threshold" => {
            let cap = parse_int(value).filter(|v| *v >= -1)?;
            out.vacuum_max_threshold = (cap >= 0).then_some(cap);
            Some("autovacuum_vacuum_max_threshold")
        }
        "autovacuum_vacuum_insert_threshold" => {
            out.vacuum_insert_threshold = parse_int(value).filter(|v| *v >= -1)?;
            Some("autovacuum_vacuum_insert_threshold")
        }
        "autovacuum_vacuum_insert_scale_factor" => {
            out.vacuum_insert_scale_factor = parse_real(value).filter(|v| *v >= 0.0)?;
            Some("autovacuum_vacuum_insert_scale_factor")
        }
        "autovacuum_analyze_threshold" => {
            out.analyze_threshold = parse_int(value).filter(|v| *v >= 0)?;
            Some("autovacuum_analyze_threshold")
        }
        "autovacuum_analyze_scale_factor" => {
            out.analyze_scale_factor = parse_real(value).filter(|v| *v >= 0.0)?;
            Some("autovacuum_analyze_scale_factor")
        }
        "autovacuum_freeze_max_age" => {
            let age = parse_int(value).filter(|v| *v >= 0)?;
            out.freeze_max_age = out.freeze_max_age.min(age);
            Some("autovacuum_freeze_max_age")
        }
        _ => None,
    }
}

/// A boolean the way the server's `parse_bool` reads it: case-insensitive, any prefix of
/// `true`/`false`/`yes`/`no`, `on`/`off` (at least two letters), `1`/`0`.
fn parse_bool(text: &str) -> Option<bool> {
    let text = text.trim().to_ascii_lowercase();
    let prefix_of = |word: &str, min: usize| text.len() >= min && word.starts_with(&text);
    if prefix_of("true", 1) || prefix_of("yes", 1) || prefix_of("on", 2) || text == "1" {
        Some(true)
    } else if prefix_of("false", 1) || prefix_of("no", 1) || prefix_of("off", 2) || text == "0" {
        Some(false)
    } else {
        None
    }
}

/// An integer reloption; the server stores the text as written, so `50` or `50.0` may
/// appear (the server rounds the latter).
fn parse_int(text: &str) -> Option<i64> {
    let text = text.trim();
    text.parse::<i64>().ok().or_else(|| {
        let real = parse_real(text)?;
        // Rounded like the server; the range check keeps the cast exact.
        (real.abs() < 9.0e15).then(|| real.round() as i64)
    })
}

fn parse_real(text: &str) -> Option<f64> {
    text.trim().parse::<f64>().ok().filter(|v| v.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server() -> AutovacuumSettings {
        AutovacuumSettings {
            server_enabled: true,
            enabled: true,
            vacuum_threshold: 50,
            vacuum_scale_factor: 0.2,
            vacuum_max_threshold: Some(100_000_000),
            vacuum_insert_threshold: 1000,
            vacuum_insert_scale_factor: 0.2,
            analyze_threshold: 50,
            analyze_scale_factor: 0.1,
            freeze_max_age: 200_000_000,
            table_overrides: Vec::new(),
        }
    }

    fn with(options: &[&str]) -> AutovacuumSettings {
        let options: Vec<String> = options.iter().map(|s| s.to_string()).collect();
        effective_settings(&server(), &options)
    }

    /// A reloption and what must hold once it is applied.
    type Case = (&'static str, fn(&AutovacuumSettings) -> bool);

    #[test]
    fn reloptions_override_the_server_settings() {
        let cases: &[Case] = &[
            ("autovacuum_enabled=false", |s| !s.enabled),
            ("autovacuum_enabled=off", |s| !s.enabled),
            ("autovacuum_enabled=F", |s| !s.enabled),
            ("autovacuum_enabled=true", |s| s.enabled),
            ("autovacuum_vacuum_threshold=500", |s| {
                s.vacuum_threshold == 500
            }),
            ("autovacuum_vacuum_scale_factor=0.01", |s| {
                s.vacuum_scale_factor == 0.01
            }),
            ("autovacuum_vacuum_max_threshold=5000", |s| {
                s.vacuum_max_threshold == Some(5000)
            }),
            ("autovacuum_vacuum_max_threshold=-1", |s| {
                s.vacuum_max_threshold.is_none()
            }),
            ("autovacuum_vacuum_insert_threshold=-1", |s| {
                s.vacuum_insert_threshold == -1
            }),
            ("autovacuum_vacuum_insert_scale_factor=0", |s| {
                s.vacuum_insert_scale_factor == 0.0
            }),
            ("autovacuum_analyze_threshold=10", |s| {
                s.analyze_threshold == 10
            }),
            ("autovacuum_analyze_scale_factor=0.05", |s| {
                s.analyze_scale_factor == 0.05
            }),
            ("autovacuum_freeze_max_age=100000000", |s| {
                s.freeze_max_age == 100_000_000
            }),
        ];
        for (option, holds) in cases {
            let settings = with(&[option]);
            assert!(holds(&settings), "{option}: {settings:?}");
            let key = option.split('=').next().unwrap_or_default();
            assert_eq!(settings.table_overrides, vec![key], "{option}");
        }
    }

    #[test]
    fn what_autovacuum_would_ignore_leaves_the_server_setting() {
        for option in [
            "fillfactor=70",
            "autovacuum_vacuum_threshold=-1",
            "autovacuum_vacuum_scale_factor=abc",
            "autovacuum_enabled=maybe",
            "autovacuum_enabled=o",
            "autovacuum_analyze_scale_factor=NaN",
            "toast.autovacuum_enabled=false",
            "no equals sign",
        ] {
            assert_eq!(with(&[option]), server(), "{option}");
        }
    }

    #[test]
    fn a_table_can_only_lower_freeze_max_age() {
        assert_eq!(
            with(&["autovacuum_freeze_max_age=500000000"]).freeze_max_age,
            200_000_000
        );
    }

    #[test]
    fn several_options_apply_together() {
        let settings = with(&[
            "fillfactor=90",
            "autovacuum_enabled=false",
            "autovacuum_vacuum_scale_factor=0.01",
        ]);
        assert!(!settings.enabled);
        assert_eq!(settings.vacuum_scale_factor, 0.01);
        assert_eq!(settings.vacuum_threshold, 50);
        assert_eq!(
            settings.table_overrides,
            vec!["autovacuum_enabled", "autovacuum_vacuum_scale_factor"]
        );
    }

    #[test]
    fn booleans_and_integers_read_like_the_server() {
        for (text, expected) in [
            ("true", Some(true)),
            ("tr", Some(true)),
            ("YES", Some(true)),
            ("on", Some(true)),
            ("1", Some(true)),
            ("false", Some(false)),
            ("n", Some(false)),
            ("of", Some(false)),
            ("0", Some(false)),
            ("o", None),
            ("", None),
            ("truth", None),
        ] {
            assert_eq!(parse_bool(text), expected, "{text:?}");
        }
        for (text, expected) in [
            ("50", Some(50)),
            (" 7 ", Some(7)),
            ("50.4", Some(50)),
            ("-1", Some(-1)),
            ("x", None),
            ("1e300", None),
        ] {
            assert_eq!(parse_int(text), expected, "{text:?}");
        }
    }
}
