use std::time::Duration;

use super::*;

fn parse(text: &str) -> Config {
    match Config::from_toml(text, "test.toml") {
        Ok(config) => config,
        Err(e) => panic!("{e}"),
    }
}

fn error(text: &str) -> String {
    match Config::from_toml(text, "test.toml") {
        Ok(config) => panic!("expected an error, got {config:#?}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn the_shipped_default_file_is_the_built_in_default() {
    let parsed = Config::from_toml(default_config_text(), "default.toml");
    assert_eq!(
        parsed.map(|c| Config { file: None, ..c }),
        Ok(Config::default())
    );
}

/// That `[thresholds]` defaults are the metrics' and the alerts' own is checked where those
/// are defined (`analysis`).
#[test]
fn the_default_thresholds_are_the_seed_thresholds() {
    assert_eq!(
        Config::default().extra_thresholds(),
        ExtraThresholds {
            disk_crit: 0.90,
            cpu_warn: 0.80,
        }
    );
    // Reserved for the Replication screen: still read with the seed's value.
    assert_eq!(
        Config::default().threshold_settings.replication_lag_crit,
        Duration::from_secs(30)
    );
}

#[test]
fn the_valid_fixture_sets_every_table() {
    let text = include_str!("../../../tests/fixtures/config/valid.toml");
    let config = match Config::from_toml(text, "valid.toml") {
        Ok(config) => config,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(config.file.as_deref(), Some("valid.toml"));
    assert_eq!(config.theme.as_deref(), Some("light"));
    assert!(config.read_only && config.bell);
    assert_eq!(
        config.refresh,
        Refresh {
            fast: Duration::from_millis(500),
            slow: Duration::from_secs(30),
            latency_window: Duration::from_secs(3600),
            slow_query: Duration::from_secs(2),
            server_budget: Duration::from_millis(200),
        }
    );
    let t = &config.threshold_settings;
    assert_eq!(t.p95_latency_ms, 250.5);
    assert_eq!(
        (t.query_warn, t.query_crit),
        (Duration::from_secs(10), Duration::from_secs(60))
    );
    assert_eq!((t.cache_hit_warn, t.cache_hit_crit), (0.9, 0.8));
    assert_eq!((t.utilisation_warn, t.utilisation_crit), (0.75, 0.9));
    assert_eq!(t.index_usage_warn, 0.95);
    assert_eq!((t.dead_tuples_warn, t.dead_tuples_crit), (0.05, 0.15));
    assert_eq!(
        config.extra_thresholds(),
        ExtraThresholds {
            disk_crit: 0.85,
            cpu_warn: 0.7,
        }
    );
    assert_eq!(
        (t.lock_wait_warn, t.lock_wait_crit),
        (Duration::from_secs(2), Duration::from_secs(20))
    );
    assert_eq!(
        (t.idle_in_transaction_warn, t.idle_in_transaction_crit),
        (Duration::from_secs(30), Duration::from_secs(120))
    );
    assert_eq!((t.deadlocks_warn, t.deadlocks_crit), (2, 3));
    assert_eq!(t.temp_bytes_warn, 256 << 20);
    assert_eq!(t.events_window, Duration::from_secs(600));
    assert_eq!(
        config.threshold_settings.replication_lag_crit,
        Duration::from_secs(10),
        "a file written for an older pgpulse still loads"
    );
    assert_eq!(
        config.schedule,
        Schedule {
            analyze_every: Duration::from_secs(12 * 3600),
            vacuum_every: Duration::from_secs(3 * 86_400),
        }
    );
    assert_eq!(
        config.pools,
        [
            Pool {
                name: "learning-assistant (prod)".into(),
                application: "learning-assistant-production".into(),
                max: 50,
            },
            Pool {
                name: "learning-assistant-dev*".into(),
                application: "learning-assistant-dev*".into(),
                max: 10,
            },
        ]
    );
    assert_eq!(
        config.pgbouncer.as_ref().map(|t| t.conninfo.as_str()),
        Some("host=127.0.0.1 port=6432 dbname=pgbouncer user=pgbouncer")
    );
    let targets: Vec<(&str, &str)> = config
        .targets
        .iter()
        .map(|(name, t)| (name.as_str(), t.conninfo.as_str()))
        .collect();
    assert_eq!(
        targets,
        [
            ("prod", "host=db1 dbname=app"),
            ("replica", "postgres://monitor@db2/app")
        ]
    );
}

#[test]
fn each_invalid_fixture_says_what_is_wrong_and_how_to_fix_it() {
    let cases = [
        (
            "unknown-key.toml",
            include_str!("../../../tests/fixtures/config/unknown-key.toml"),
            "unknown-key.toml: unknown key \"refresh.fsat\" (use one of: fast, slow, \
             latency_window, slow_query, server_budget)",
        ),
        (
            "bad-duration.toml",
            include_str!("../../../tests/fixtures/config/bad-duration.toml"),
            "bad-duration.toml: refresh.slow = \"2 minutes\" is not a whole number with a unit \
             (use a whole number followed by ms, s, m, h or d, e.g. \"500ms\", \"15s\", \"15m\", \
             \"7d\")",
        ),
        (
            "negative-max.toml",
            include_str!("../../../tests/fixtures/config/negative-max.toml"),
            "negative-max.toml: pools[1].max = -50 is not a pool size (use a whole number of \
             connections from 1 up, e.g. max = 50)",
        ),
        (
            "threshold-range.toml",
            include_str!("../../../tests/fixtures/config/threshold-range.toml"),
            "threshold-range.toml: thresholds.cache_hit_warn = 85 is out of range (use a \
             fraction from 0 to 1: 85 % is 0.85)",
        ),
    ];
    for (file, text, want) in cases {
        let got = Config::from_toml(text, file).map_err(|e| e.to_string());
        assert_eq!(got, Err(want.to_owned()), "{file}");
    }
}

#[test]
fn bad_values_name_the_key_and_quote_the_value() {
    let cases = [
        (
            "read_only = \"yes\"",
            "test.toml: read_only = \"yes\" is not true or false (write read_only = true or \
             read_only = false, without quotes)",
        ),
        (
            "[refresh]\nfast = 2",
            "test.toml: refresh.fast = 2 is not a duration (write it as a string: a whole number \
             followed by ms, s, m, h or d, e.g. \"500ms\", \"15s\", \"15m\", \"7d\")",
        ),
        (
            "[refresh]\nfast = \"100ms\"",
            "test.toml: refresh.fast = \"100ms\" is out of range (use a duration from \"500ms\" \
             to \"1m\")",
        ),
        (
            "[refresh]\nfast = \"10s\"\nslow = \"5s\"",
            "test.toml: refresh.slow = \"5s\" is shorter than refresh.fast (10s) (make the slow \
             tier at least as long as the fast one)",
        ),
        (
            "[thresholds]\ncache_hit_crit = 0.9",
            "test.toml: thresholds.cache_hit_crit = 0.9 crosses thresholds.cache_hit_warn (its \
             default) (the critical level must be the lower one, or equal to the warning level)",
        ),
        (
            "[thresholds]\nutilisation_warn = 0.99",
            "test.toml: thresholds.utilisation_warn = 0.99 crosses thresholds.utilisation_crit \
             (its default) (the critical level must be the higher one, or equal to the warning \
             level)",
        ),
        (
            "[thresholds]\nquery_warn = \"1m\"\nquery_crit = \"10s\"",
            "test.toml: thresholds.query_crit = \"10s\" crosses thresholds.query_warn (\"1m\") \
             (the critical level must be the higher one, or equal to the warning level)",
        ),
        (
            "[thresholds]\nlock_wait_warn = \"2m\"",
            "test.toml: thresholds.lock_wait_warn = \"2m\" crosses thresholds.lock_wait_crit \
             (its default) (the critical level must be the higher one, or equal to the warning \
             level)",
        ),
        (
            "[thresholds]\ndeadlocks_warn = 0",
            "test.toml: thresholds.deadlocks_warn = 0 is out of range (use a whole number from 1 \
             to 1000000, e.g. deadlocks_warn = 1)",
        ),
        (
            "[thresholds]\ndeadlocks_crit = 2.5",
            "test.toml: thresholds.deadlocks_crit = 2.5 is not a whole number (use a whole number \
             from 1 to 1000000, e.g. deadlocks_crit = 5)",
        ),
        (
            "[thresholds]\ntemp_bytes_warn = 1024",
            "test.toml: thresholds.temp_bytes_warn = 1024 is not a size (write it as a string: a \
             whole number followed by B, kB, MB, GB or TB, e.g. \"512MB\", \"1GB\")",
        ),
        (
            "[thresholds]\ntemp_bytes_warn = \"1 GB\"",
            "test.toml: thresholds.temp_bytes_warn = \"1 GB\" is not a whole number with a unit \
             (use a whole number followed by B, kB, MB, GB or TB, e.g. \"512MB\", \"1GB\")",
        ),
        (
            "[thresholds]\ntemp_bytes_warn = \"10kB\"",
            "test.toml: thresholds.temp_bytes_warn = \"10kB\" is out of range (use a size from \
             \"1MB\" to \"1024TB\")",
        ),
        (
            "[thresholds]\nevents_window = \"1s\"",
            "test.toml: thresholds.events_window = \"1s\" is out of range (use a duration from \
             \"10s\" to \"1d\")",
        ),
        (
            "[thresholds]\nidle_in_transaction = \"1m\"",
            "test.toml: unknown key \"thresholds.idle_in_transaction\" (use one of: \
             p95_latency_ms, query_warn, query_crit, cache_hit_warn, cache_hit_crit, \
             utilisation_warn, utilisation_crit, index_usage_warn, dead_tuples_warn, \
             dead_tuples_crit, disk_crit, cpu_warn, lock_wait_warn, lock_wait_crit, \
             idle_in_transaction_warn, idle_in_transaction_crit, deadlocks_warn, deadlocks_crit, \
             temp_bytes_warn, events_window, replication_lag_crit, slot_retained_warn, slot_loss_warn, requested_checkpoints_warn, checkpoint_window)",
        ),
        (
            "[thresholds]\ndisk_crit = -0.5",
            "test.toml: thresholds.disk_crit = -0.5 is out of range (use a fraction from 0 to 1, \
             e.g. 0.85 for 85 %)",
        ),
        (
            "[thresholds]\np95_latency_ms = \"100ms\"",
            "test.toml: thresholds.p95_latency_ms = \"100ms\" is not a number (use a positive \
             number of milliseconds, e.g. p95_latency_ms = 100)",
        ),
        (
            "[thresholds]\np95_latency_ms = 0",
            "test.toml: thresholds.p95_latency_ms = 0 is out of range (use a positive number of \
             milliseconds, e.g. p95_latency_ms = 100)",
        ),
        (
            "refresh = 1",
            "test.toml: refresh = 1 is not a table (write a [refresh] table with lines like fast \
             = ...)",
        ),
        (
            "[[pools]]\nmax = 5",
            "test.toml: pools[1].application is missing (give the pool's application_name or a \
             glob with *, e.g. application = \"learning-assistant-*\")",
        ),
        (
            "[[pools]]\napplication = \"a\"\nmax = 0",
            "test.toml: pools[1].max = 0 is not a pool size (use a whole number of connections \
             from 1 up, e.g. max = 50)",
        ),
        (
            "[[pools]]\napplication = \"a\"\nmax = 5\n[[pools]]\napplication = \"a\"\nmax = 6",
            "test.toml: pools[2].application = \"a\" names a pool twice (give each pool its own \
             name)",
        ),
        (
            "[[pools]]\napplication = \"a\"\nmax = 5\nsize = 3",
            "test.toml: unknown key \"pools[1].size\" (use one of: name, application, max)",
        ),
        (
            "pools = \"app\"",
            "test.toml: pools = \"app\" is not a list of pools (write [[pools]] tables like: \
             application = \"learning-assistant-*\", max = 50)",
        ),
        (
            "[pgbouncer]\nhost = \"x\"",
            "test.toml: unknown key \"pgbouncer.host\" (use one of: conninfo)",
        ),
        (
            "[targets.prod]\nconninfo = \"\"",
            "test.toml: targets.prod.conninfo = \"\" is empty (write [targets.prod] with \
             conninfo = \"host=db1 dbname=app\")",
        ),
        (
            "[keys]\nquit = [\"q\", 3]",
            "test.toml: keys.quit = [\"q\", 3] is not a list of strings (write a list of keys, \
             e.g. quit = [\"q\", \"ctrl-c\"])",
        ),
        (
            "colour = \"red\"",
            "test.toml: unknown key \"colour\" (use one of: theme, read_only, bell, refresh, \
             actions, thresholds, schedule, keys, pools, pgbouncer, targets)",
        ),
    ];
    for (text, want) in cases {
        assert_eq!(error(text), want, "{text}");
    }
}

#[test]
fn toml_syntax_errors_give_the_line_and_column() {
    let got = error("bell = false\n[refresh\nfast = \"1s\"\n");
    assert!(
        got.starts_with("test.toml: not valid TOML at line 2, column "),
        "{got}"
    );
    assert!(got.ends_with("(fix the syntax there; `pgpulse --print-config` prints a valid file)"));
}

#[test]
fn an_empty_file_is_the_default() {
    assert_eq!(
        Config {
            file: None,
            ..parse("")
        },
        Config::default()
    );
}

#[test]
fn load_reads_config_toml_from_the_directory() {
    let dir = match tempfile::tempdir() {
        Ok(dir) => dir,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(Config::load(None), Ok(Config::default()));
    assert_eq!(Config::load(Some(dir.path())), Ok(Config::default()));
    let path = dir.path().join(CONFIG_FILE);
    let write = std::fs::write(&path, "bell = true\n[refresh]\nfast = \"2s\"\n");
    assert!(write.is_ok());
    let loaded = Config::load(Some(dir.path()));
    let loaded = match loaded {
        Ok(config) => config,
        Err(e) => panic!("{e}"),
    };
    assert!(loaded.bell);
    assert_eq!(loaded.refresh.fast, Duration::from_secs(2));
    assert_eq!(loaded.file, Some(path.display().to_string()));

    assert!(std::fs::write(&path, "bell = 1\n").is_ok());
    assert_eq!(
        Config::load(Some(dir.path())).map_err(|e| e.to_string()),
        Err(format!(
            "{}: bell = 1 is not true or false (write bell = true or bell = false, without \
             quotes)",
            path.display()
        ))
    );
    assert!(Config::load_file(&dir.path().join("missing.toml")).is_err());
}

#[test]
fn an_unreadable_config_file_is_an_error_not_the_defaults() {
    let dir = match tempfile::tempdir() {
        Ok(dir) => dir,
        Err(e) => panic!("{e}"),
    };
    // A directory where the file should be: it exists but cannot be read as text.
    assert!(std::fs::create_dir(dir.path().join(CONFIG_FILE)).is_ok());
    let got = Config::load(Some(dir.path()));
    assert!(matches!(got, Err(ConfigError::Io { .. })), "{got:?}");
}

#[test]
fn targets_are_looked_up_by_name() {
    let config = parse("[targets.prod]\nconninfo = \"host=db1\"\n");
    assert_eq!(
        config.target("prod").map(|t| t.conninfo.as_str()),
        Ok("host=db1")
    );
    assert_eq!(
        config.target("stage").map_err(|e| e.to_string()),
        Err(
            "test.toml: unknown target \"stage\" (use one of: prod; or add [targets.stage] \
             with a conninfo)"
                .to_owned()
        )
    );
    assert_eq!(
        Config::default().target("prod").map_err(|e| e.to_string()),
        Err(
            "built-in configuration: unknown target \"prod\" (define it in the config file \
             as [targets.prod] with a conninfo)"
                .to_owned()
        )
    );
}
