// A failing expectation in a test should panic with its message: that is the report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use ratatui::style::Modifier;

use super::*;

fn builtin(name: &str) -> Theme {
    load_theme(name, None).unwrap_or_else(|e| panic!("built-in theme {name}: {e}"))
}

fn user_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/themes/user")
}

#[test]
fn every_builtin_parses_and_defines_every_role() {
    assert_eq!(
        builtin_names(),
        ["default", "light", "high-contrast", "mono"]
    );
    for name in builtin_names() {
        // `parse` already refuses a missing role; this also checks the name is kept.
        assert_eq!(builtin(name).name(), *name);
    }
}

#[test]
fn shipped_default_file_equals_the_built_in_default() {
    assert_eq!(builtin("default"), Theme::default());
}

#[test]
fn mono_has_no_colours_and_keeps_meaning_in_modifiers() {
    let mono = builtin("mono");
    for role in Role::ALL {
        let style = mono.style(role);
        for colour in [style.fg, style.bg] {
            assert!(
                matches!(colour, None | Some(Color::Reset)),
                "mono role {} has colour {colour:?}",
                role.name()
            );
        }
    }
    let has = |role, modifier| mono.style(role).add_modifier.contains(modifier);
    assert!(has(Role::Selected, Modifier::REVERSED));
    assert!(
        has(Role::Crit, Modifier::BOLD | Modifier::REVERSED)
            || has(Role::Crit, Modifier::UNDERLINED)
    );
}

#[test]
fn bad_files_are_rejected_with_a_message_that_says_how_to_fix_them() {
    let cases = [
        (
            "unknown-role.toml",
            include_str!("../../../tests/fixtures/themes/unknown-role.toml"),
            "unknown-role.toml: unknown role \"txt\" (use one of: text, muted, ok, warn, crit, \
             border, border-focused, title, header, selected, marked, tab-active, tab-inactive, \
             gauge, gauge-empty, chart-1, chart-2, chart-3, dialog, danger, badge-stale, \
             badge-alert, status-line, key-hint, filter, wait-cpu, wait-io, \
             wait-lock, wait-lwlock, wait-ipc, wait-client, wait-other)",
        ),
        (
            "bad-colour.toml",
            include_str!("../../../tests/fixtures/themes/bad-colour.toml"),
            "bad-colour.toml: role \"crit\": unknown colour \"rd\" in fg (use a name like \
             \"red\", \"#rrggbb\" or 0-255)",
        ),
        (
            "bad-index.toml",
            include_str!("../../../tests/fixtures/themes/bad-index.toml"),
            "bad-index.toml: role \"chart-1\": unknown colour 300 in fg (use a name like \
             \"red\", \"#rrggbb\" or 0-255)",
        ),
        (
            "missing-role.toml",
            include_str!("../../../tests/fixtures/themes/missing-role.toml"),
            "missing-role.toml: role \"crit\" is missing (every theme defines every role; add \
             e.g. crit = { fg = \"reset\" })",
        ),
        (
            "unknown-key.toml",
            include_str!("../../../tests/fixtures/themes/unknown-key.toml"),
            "unknown-key.toml: role \"ok\": unknown key \"colour\" (use fg, bg, bold, italic, \
             underlined, reversed, dim)",
        ),
        (
            "not-a-bool.toml",
            include_str!("../../../tests/fixtures/themes/not-a-bool.toml"),
            "not-a-bool.toml: role \"warn\": bold must be true or false, found \"yes\"",
        ),
        (
            "not-a-table.toml",
            include_str!("../../../tests/fixtures/themes/not-a-table.toml"),
            "not-a-table.toml: role \"ok\": expected a table like { fg = \"red\", bold = true }, \
             found \"green\"",
        ),
    ];
    for (file, text, expected) in cases {
        let err = Theme::parse("fixture", text, file).expect_err(file);
        assert_eq!(err.to_string(), expected, "{file}");
    }
}

#[test]
fn invalid_toml_names_the_file_and_the_position() {
    let text = include_str!("../../../tests/fixtures/themes/not-toml.toml");
    let message = Theme::parse("x", text, "not-toml.toml")
        .expect_err("invalid")
        .to_string();
    assert!(
        message.starts_with("not-toml.toml: not valid TOML: "),
        "{message}"
    );
    assert!(message.contains("line 1"), "{message}");
}

#[test]
fn no_color_picks_mono_unless_a_theme_is_requested() {
    let cases = [
        (None, false, "default"),
        (None, true, "mono"),
        (Some("light"), true, "light"),
        (Some("light"), false, "light"),
        (Some("default"), true, "default"),
    ];
    for (requested, no_color, expected) in cases {
        assert_eq!(
            effective_theme_name(requested, no_color),
            expected,
            "{requested:?} {no_color}"
        );
    }
}

#[test]
fn no_color_means_set_and_non_empty() {
    use std::ffi::OsStr;
    let cases = [
        (None, false),
        (Some(""), false),
        (Some("1"), true),
        (Some("0"), true),
    ];
    for (value, expected) in cases {
        assert_eq!(no_color(value.map(OsStr::new)), expected, "{value:?}");
    }
}

#[test]
fn dark_and_light_text_differ() {
    let text = |name| builtin(name).style(Role::Text).fg;
    assert_ne!(text("default"), text("light"));
}

#[test]
fn ok_warn_and_crit_are_distinguishable_in_every_theme() {
    for name in builtin_names() {
        let theme = builtin(name);
        let [ok, warn, crit] = [Role::Ok, Role::Warn, Role::Crit].map(|r| theme.style(r));
        assert!(ok != warn && warn != crit && ok != crit, "{name}");
    }
}

#[test]
fn user_themes_load_from_the_config_dir() {
    let theme = load_theme("paper", Some(&user_dir())).expect("paper fixture loads");
    assert_eq!(theme.name(), "paper");
    assert_eq!(
        theme.style(Role::Selected),
        Style::new()
            .fg(Color::Indexed(16))
            .bg(Color::Rgb(0xaf, 0xd7, 0xff))
    );
    assert_eq!(
        theme.style(Role::Text).fg,
        Some(Color::Rgb(0x1c, 0x1c, 0x1c))
    );
}

#[test]
fn unknown_and_invalid_theme_names_list_what_is_available() {
    let dir = user_dir();
    let themes = dir.join("themes");
    let cases = [
        (
            "solarized",
            Some(dir.as_path()),
            format!(
                "unknown theme \"solarized\" (use one of: default, light, high-contrast, mono, \
                 paper; or create {})",
                themes.join("solarized.toml").display()
            ),
        ),
        (
            "solarized",
            None,
            "unknown theme \"solarized\" (use one of: default, light, high-contrast, mono)".into(),
        ),
        (
            "../paper",
            Some(dir.as_path()),
            "theme name \"../paper\" is not valid (use a built-in name or a file name made of \
             letters, digits, \"-\" and \"_\")"
                .into(),
        ),
    ];
    for (name, dir, expected) in cases {
        let err = load_theme(name, dir).expect_err(name);
        assert_eq!(err.to_string(), expected);
    }
}

#[test]
fn roles_have_unique_names_and_descriptions() {
    let mut names: Vec<_> = Role::ALL.map(Role::name).to_vec();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), Role::COUNT);
    for role in Role::ALL {
        assert_eq!(Role::from_name(role.name()), Some(role));
        assert!(role.description().ends_with('.'), "{}", role.name());
        assert!(!role.description().starts_with(' '), "{}", role.name());
    }
}

#[test]
fn a_theme_written_before_the_wait_colours_still_loads_with_the_default_ones() {
    let text = include_str!("../../../themes/light.toml");
    let older: String = text
        .lines()
        .filter(|line| !line.starts_with("wait-"))
        .collect::<Vec<_>>()
        .join("\n");
    let theme = Theme::parse("older", &older, "older.toml").expect("an older theme loads");
    assert_eq!(
        theme.style(Role::WaitLock),
        Style::new().fg(Color::LightRed)
    );
    assert_eq!(theme.style(Role::Text), builtin("light").style(Role::Text));
}
