//! Numeric flags as a user mistypes them: one error line that names the flag, the value
//! and the allowed range, exit code 2, never a panic, and nothing attempted before.

// Test code: a panic with the error is the failure report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

fn pgpulse(args: &[&str]) -> (Option<i32>, String) {
    let home = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_pgpulse"))
        .args(args)
        .env("HOME", home.path())
        .env("PGPULSE_STATE_DIR", home.path())
        .output()
        .expect("running pgpulse");
    assert!(output.stdout.is_empty(), "{args:?} printed to stdout");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn out_of_range_values_are_one_line_naming_flag_value_and_range() {
    let cases: &[(&[&str], &str, &str)] = &[
        (
            &["--refresh", "nan"],
            "'--refresh <SECONDS>'",
            "from 0.5 to 60",
        ),
        (
            &["--refresh", "inf"],
            "'--refresh <SECONDS>'",
            "from 0.5 to 60",
        ),
        (
            &["--refresh", "-1"],
            "'--refresh <SECONDS>'",
            "from 0.5 to 60",
        ),
        (
            &["--refresh", "1e309"],
            "'--refresh <SECONDS>'",
            "from 0.5 to 60",
        ),
        (
            &["--refresh", "0.1"],
            "'--refresh <SECONDS>'",
            "from 0.5 to 60",
        ),
        (
            &["--slow-refresh", "0"],
            "'--slow-refresh <SECONDS>'",
            "from 1 to 3600",
        ),
        (
            &["--slow-refresh", "nan"],
            "'--slow-refresh <SECONDS>'",
            "from 1 to 3600",
        ),
        (
            &["--statement-timeout-ms", "0"],
            "'--statement-timeout-ms <MS>'",
            "from 100 to 60000",
        ),
        (
            &["--statement-timeout-ms", "-5"],
            "'--statement-timeout-ms <MS>'",
            "from 100 to 60000",
        ),
        (
            &["doctor", "--refresh", "nan"],
            "'--refresh <SECONDS>'",
            "from 0.5 to 60",
        ),
        (
            &["--refresh", "5", "--slow-refresh", "2"],
            "'--slow-refresh <SECONDS>'",
            "at least 5",
        ),
        (&["demo", "--clients", "0"], "'--clients <N>'", "1..=50"),
        (
            &["demo", "--rate", "nan"],
            "'--rate <OPS>'",
            "above 0 up to 10000",
        ),
        (
            &["demo", "--users", "-3"],
            "'--users <N>'",
            "100..=10000000",
        ),
    ];
    for (args, flag, range) in cases {
        let (code, err) = pgpulse(args);
        let value = args[args.len() - 1];
        assert_eq!(code, Some(2), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: one line, got:\n{err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        for needle in [*flag, &format!("'{value}'"), *range] {
            assert!(
                err.contains(needle),
                "{args:?}: {needle:?} missing from {err}"
            );
        }
    }
}
