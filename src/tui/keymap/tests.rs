// A failing expectation in a test should panic with its message: that is the report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crossterm::event::{KeyCode, KeyEventKind, KeyModifiers};

use super::*;

const NONE: KeyModifiers = KeyModifiers::NONE;
const SHIFT: KeyModifiers = KeyModifiers::SHIFT;
const CTRL: KeyModifiers = KeyModifiers::CONTROL;

fn press(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
    KeyEvent::new(code, modifiers)
}

fn ch(c: char) -> KeyEvent {
    press(KeyCode::Char(c), NONE)
}

/// The `[keys]` table of a fixture as the pairs `with_overrides` takes.
fn overrides(text: &str) -> Vec<(String, Vec<String>)> {
    let table: toml::Table = text.parse().expect("fixture is TOML");
    let keys = table["keys"].as_table().expect("[keys] table");
    keys.iter()
        .map(|(action, list)| {
            let list = list.as_array().expect("a list of keys");
            let keys = list
                .iter()
                .map(|k| k.as_str().expect("a string").to_owned());
            (action.clone(), keys.collect())
        })
        .collect()
}

fn all_contexts() -> Vec<Context> {
    Context::all().collect()
}

#[test]
fn defaults_have_no_duplicate_in_any_context() {
    let keymap = Keymap::default();
    assert_eq!(keymap.check_clashes("defaults"), Ok(()));
    assert_eq!(Keymap::with_overrides(&[], "none"), Ok(keymap));
}

#[test]
fn every_action_has_a_description_and_a_working_default_key() {
    let keymap = Keymap::default();
    let groups = [
        "general",
        "screens",
        "navigation",
        "history",
        "table",
        "actions",
    ];
    for action in Action::ALL {
        assert!(!action.description().is_empty(), "{action:?}");
        assert!(groups.contains(&action.group()), "{action:?}");
        let keys = keymap.bound(action);
        assert!(!keys.is_empty(), "{action:?} has no default key");
        // Screen-specific actions answer in their screen's context, the others globally or
        // in their modal context.
        for key in keys {
            let event = press(key.code(), key.modifiers());
            let reachable = all_contexts()
                .into_iter()
                .any(|context| keymap.action(context, &event) == Some(action));
            assert!(reachable, "{action:?} via {}", key.display());
        }
    }
}

#[test]
fn action_names_are_unique_kebab_case_and_round_trip() {
    let mut names: Vec<_> = Action::ALL.map(Action::name).to_vec();
    for name in &names {
        assert!(
            name.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
            "{name}"
        );
        assert_eq!(Action::from_name(name).map(Action::name), Some(*name));
    }
    names.sort();
    names.dedup();
    assert_eq!(names.len(), Action::ALL.len());
}

#[test]
fn keys_resolve_per_context() {
    use Context::{Detail, FilterPrompt, Global, Help};
    let on = Context::Screen;
    let cases = [
        (on(Screen::Activity), ch('k'), Some(Action::Up)),
        (
            on(Screen::Activity),
            ch('K'),
            Some(Action::TerminateBackend),
        ),
        // crossterm reports Shift+k as 'K' with SHIFT; the kitty protocol may send 'k'.
        (
            on(Screen::Activity),
            press(KeyCode::Char('K'), SHIFT),
            Some(Action::TerminateBackend),
        ),
        (
            on(Screen::Activity),
            press(KeyCode::Char('k'), SHIFT),
            Some(Action::TerminateBackend),
        ),
        (on(Screen::Dashboard), ch('K'), None),
        (on(Screen::Activity), ch('i'), Some(Action::ToggleIdle)),
        (on(Screen::Queries), ch('i'), None),
        (on(Screen::Queries), ch('f'), Some(Action::FocusNext)),
        (
            on(Screen::Queries),
            press(KeyCode::Char('f'), CTRL),
            Some(Action::PageDown),
        ),
        (on(Screen::Indexes), ch('R'), Some(Action::Reindex)),
        (on(Screen::Pool), ch('v'), None),
        (Global, ch('1'), Some(Action::Screen(Screen::Dashboard))),
        (Global, ch('7'), Some(Action::Screen(Screen::Maintenance))),
        (Global, ch('8'), Some(Action::Screen(Screen::Replication))),
        (Global, ch('9'), Some(Action::Screen(Screen::Waits))),
        (Global, ch('0'), None),
        (Global, press(KeyCode::Char('c'), CTRL), Some(Action::Quit)),
        (
            Global,
            press(KeyCode::Char('+'), SHIFT),
            Some(Action::Faster),
        ),
        (Global, ch('='), Some(Action::Faster)),
        (Global, ch(' '), Some(Action::Mark)),
        (Global, press(KeyCode::Tab, NONE), Some(Action::NextScreen)),
        (
            Global,
            press(KeyCode::BackTab, SHIFT),
            Some(Action::PrevScreen),
        ),
        (Global, press(KeyCode::Tab, SHIFT), Some(Action::PrevScreen)),
        (Global, press(KeyCode::End, NONE), Some(Action::Bottom)),
        (Global, ch('S'), Some(Action::Snapshot)),
        (FilterPrompt, ch('q'), None),
        (FilterPrompt, ch('j'), None),
        (
            FilterPrompt,
            press(KeyCode::Char('c'), CTRL),
            Some(Action::Quit),
        ),
        (
            FilterPrompt,
            press(KeyCode::Enter, NONE),
            Some(Action::Accept),
        ),
        (FilterPrompt, press(KeyCode::Esc, NONE), Some(Action::Back)),
        (Detail, press(KeyCode::Enter, NONE), Some(Action::Detail)),
        (Detail, ch('y'), Some(Action::Copy)),
        (Detail, ch('/'), None),
        (Help, ch('j'), Some(Action::Down)),
        (Help, ch('?'), Some(Action::Help)),
        (Help, ch('1'), None),
    ];
    let keymap = Keymap::default();
    for (context, event, expected) in cases {
        assert_eq!(
            keymap.action(context, &event),
            expected,
            "{context:?} {event:?}"
        );
    }
}

#[test]
fn releases_are_ignored_and_repeats_act() {
    let keymap = Keymap::default();
    let mut event = ch('j');
    event.kind = KeyEventKind::Release;
    assert_eq!(keymap.action(Context::Global, &event), None);
    event.kind = KeyEventKind::Repeat;
    assert_eq!(keymap.action(Context::Global, &event), Some(Action::Down));
}

#[test]
fn key_spellings_parse_and_display() {
    let cases = [
        ("q", "q", "q"),
        ("K", "K", "K"),
        ("shift-k", "K", "K"),
        ("ctrl-c", "Ctrl-c", "ctrl-c"),
        ("Ctrl-C", "Ctrl-C", "ctrl-C"),
        ("ctrl--", "Ctrl--", "ctrl--"),
        ("-", "-", "-"),
        ("shift-tab", "Shift-Tab", "backtab"),
        ("BackTab", "Shift-Tab", "backtab"),
        ("space", "Space", "space"),
        (" ", "Space", "space"),
        ("Enter", "Enter", "enter"),
        ("escape", "Esc", "esc"),
        ("pgdn", "PgDn", "pgdn"),
        ("pagedown", "PgDn", "pgdn"),
        ("down", "↓", "down"),
        ("f5", "F5", "f5"),
        ("alt-shift-up", "Alt-Shift-↑", "alt-shift-up"),
    ];
    for (spelling, display, config) in cases {
        let key = KeyBinding::parse(spelling).unwrap_or_else(|| panic!("{spelling:?}"));
        assert_eq!(key.display(), display, "{spelling:?}");
        assert_eq!(key.config(), config, "{spelling:?}");
        assert_eq!(
            KeyBinding::parse(config),
            Some(key),
            "{config:?} reads back"
        );
    }
    for bad in ["", "ctl-c", "ctrl-", "f0", "f25", "qq", "hyper-x", "pgdown"] {
        assert_eq!(KeyBinding::parse(bad), None, "{bad:?}");
    }
}

#[test]
fn keys_for_gives_display_names() {
    let keymap = Keymap::default();
    let cases: [(Action, &[&str]); 8] = [
        (Action::Copy, &["y"]),
        (Action::Back, &["Esc"]),
        (Action::Detail, &["Enter"]),
        (Action::Mark, &["Space"]),
        (Action::NextScreen, &["Tab"]),
        (Action::PrevScreen, &["Shift-Tab"]),
        (Action::Quit, &["q", "Ctrl-c"]),
        (Action::Down, &["j", "↓"]),
    ];
    for (action, expected) in cases {
        assert_eq!(keymap.keys_for(action), expected, "{action:?}");
    }
}

#[test]
fn overrides_replace_keys_and_may_unbind() {
    let text = include_str!("../../../tests/fixtures/keymap/valid.toml");
    let keymap = Keymap::with_overrides(&overrides(text), "valid.toml").expect("valid");
    let queries = Context::Screen(Screen::Queries);
    let activity = Context::Screen(Screen::Activity);
    assert_eq!(keymap.keys_for(Action::Quit), ["Q", "Ctrl-c"]);
    assert_eq!(keymap.action(queries, &ch('q')), None);
    assert_eq!(keymap.action(queries, &ch('Q')), Some(Action::Quit));
    let f1 = press(KeyCode::F(1), NONE);
    assert_eq!(keymap.action(Context::Help, &f1), Some(Action::Help));
    assert_eq!(keymap.action(queries, &ch('X')), None);
    assert!(
        keymap
            .help(queries)
            .iter()
            .all(|e| e.action != Action::ResetStatements)
    );
    assert_eq!(
        keymap.action(activity, &ch('T')),
        Some(Action::TerminateBackend)
    );
    assert_eq!(keymap.action(activity, &ch('K')), None);
}

#[test]
fn bad_overrides_are_rejected_with_a_message_that_says_how_to_fix_them() {
    let cases = [
        (
            "unknown-action.toml",
            include_str!("../../../tests/fixtures/keymap/unknown-action.toml"),
            format!("unknown-action.toml: unknown action \"quti\" (use one of: {})", action_names()),
        ),
        (
            "bad-key.toml",
            include_str!("../../../tests/fixtures/keymap/bad-key.toml"),
            "bad-key.toml: action \"quit\": cannot read key \"ctl-c\" (use a character like \"q\" \
             or \"K\", or a name like \"enter\", \"esc\", \"space\", \"tab\", \"pgdn\", \"f5\"; \
             \"ctrl-\", \"alt-\" and \"shift-\" may go in front)"
                .to_owned(),
        ),
        (
            "clash-global.toml",
            include_str!("../../../tests/fixtures/keymap/clash-global.toml"),
            "clash-global.toml: key \"p\" is bound to both \"help\" and \"pause\" on every screen \
             (give one of them another key)"
                .to_owned(),
        ),
        (
            "clash-screen.toml",
            include_str!("../../../tests/fixtures/keymap/clash-screen.toml"),
            "clash-screen.toml: key \"i\" is bound to both \"toggle-idle\" and \"snapshot\" on \
             the Activity screen (give one of them another key)"
                .to_owned(),
        ),
        (
            "no-quit.toml",
            include_str!("../../../tests/fixtures/keymap/no-quit.toml"),
            "no-quit.toml: action \"quit\" has no key (give it at least one, e.g. quit = [\"q\"]), \
             or pgpulse could not be left"
                .to_owned(),
        ),
    ];
    for (file, text, expected) in cases {
        let err = Keymap::with_overrides(&overrides(text), file).expect_err(file);
        assert_eq!(err.to_string(), expected, "{file}");
    }
    let twice = vec![("quit".to_owned(), vec!["q".to_owned()]); 2];
    assert_eq!(
        Keymap::with_overrides(&twice, "c.toml").map_err(|e| e.to_string()),
        Err("c.toml: action \"quit\" is bound twice (keep one list of keys for it)".to_owned())
    );
}

#[test]
fn help_lists_what_the_context_offers() {
    let keymap = Keymap::default();
    let actions =
        |context| -> Vec<Action> { keymap.help(context).iter().map(|e| e.action).collect() };
    let activity = actions(Context::Screen(Screen::Activity));
    let dashboard = actions(Context::Screen(Screen::Dashboard));
    for action in [
        Action::ToggleIdle,
        Action::CycleActivityMode,
        Action::CancelBackend,
    ] {
        assert!(activity.contains(&action), "{action:?}");
        assert!(!dashboard.contains(&action), "{action:?}");
    }
    assert!(dashboard.contains(&Action::Quit));
    let prompt = keymap.help(Context::FilterPrompt);
    let quit = prompt
        .iter()
        .find(|e| e.action == Action::Quit)
        .expect("quit");
    assert_eq!(quit.keys, "Ctrl-c", "q types into the prompt");
    let down = keymap
        .help(Context::Help)
        .into_iter()
        .find(|e| e.action == Action::Down);
    assert_eq!(
        down,
        Some(HelpEntry {
            action: Action::Down,
            keys: "j ↓".into(),
            description: "Move down one row",
            group: "navigation",
        })
    );
}

#[test]
fn config_entries_read_back_as_the_defaults() {
    let entries: Vec<(String, Vec<String>)> = Keymap::default()
        .config_entries()
        .into_iter()
        .map(|(name, keys)| (name.to_owned(), keys))
        .collect();
    assert_eq!(
        Keymap::with_overrides(&entries, "print-config"),
        Ok(Keymap::default())
    );
}

#[test]
fn screens_are_numbered_in_tab_order() {
    for (index, screen) in Screen::ALL.into_iter().enumerate() {
        let number = u8::try_from(index + 1).expect("small");
        assert_eq!(screen.number(), number);
        assert_eq!(Screen::from_number(number), Some(screen));
    }
    assert_eq!(Screen::from_number(0), None);
    assert_eq!(Screen::from_number(10), None);
    assert_eq!(Screen::Replication.title(), "Replication & WAL");
}
