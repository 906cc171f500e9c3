//! From the settings to what the live view uses: the keymap with the config file's
//! `[keys]` overrides, and the theme chosen by `--theme`, the config file or `NO_COLOR`.
//! The settings layer keeps both as plain names; what they mean lives here, next to the
//! keymap and the themes. Also the connection string `--target` picks, shared by the live
//! view and the commands that connect like it (`record`, `report`).

use std::path::Path;

use crate::settings::config::{Config, ConfigError};
use crate::tui::keymap::{Keymap, KeymapError};
use crate::tui::theme::{self, Theme, ThemeError};

/// Why the configuration file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// A `[keys]` binding the keymap refuses.
    #[error(transparent)]
    Keys(#[from] KeymapError),
}

/// Reads `<dir>/config.toml` (the defaults without one) and checks its `[keys]` too, so
/// a bad key binding is reported when the file is read, like any other bad value.
pub fn load_config(dir: Option<&Path>) -> Result<Config, LoadError> {
    let config = Config::load(dir)?;
    keymap(&config)?;
    Ok(config)
}

/// The connection string to connect with: `--target NAME`'s from the config file, or the
/// positional one (`None`: psql's flags and environment alone). Both at once is refused,
/// so neither silently wins.
pub fn conninfo(
    config: &Config,
    target: Option<&str>,
    positional: Option<String>,
) -> anyhow::Result<Option<String>> {
    match (target, positional) {
        (Some(_), Some(_)) => Err(anyhow::anyhow!(
            "give either --target or a connection string, not both"
        )),
        (Some(name), None) => Ok(Some(config.target(name)?.conninfo.clone())),
        (None, positional) => Ok(positional),
    }
}

/// The default keymap with the config file's `[keys]` overrides applied.
pub fn keymap(config: &Config) -> Result<Keymap, KeymapError> {
    Keymap::with_overrides(&config.keys, config.file_name())
}

/// The theme: `requested` (`--theme`) beats the config file's `theme`, which beats the
/// `NO_COLOR` default. User themes come from `<user_dir>/themes/`.
pub fn theme(
    config: &Config,
    requested: Option<&str>,
    no_color: bool,
    user_dir: Option<&Path>,
) -> Result<Theme, ThemeError> {
    let name = theme::effective_theme_name(requested.or(config.theme.as_deref()), no_color);
    theme::load_theme(name, user_dir)
}

#[cfg(test)]
mod tests {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    use super::*;
    use crate::settings::config::default_config_text;
    use crate::tui::keymap::{Action, Context};
    use crate::tui::screen::Screen;

    fn parse(text: &str) -> Config {
        match Config::from_toml(text, "test.toml") {
            Ok(config) => config,
            Err(e) => panic!("{e}"),
        }
    }

    fn press(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
    }

    #[test]
    fn the_default_file_lists_every_default_key_binding() {
        // The commented lines of [keys], uncommented, are exactly the built-in bindings.
        let keys_section = default_config_text()
            .split_once("\n[keys]\n")
            .map(|(_, rest)| rest)
            .unwrap_or_default();
        let uncommented: String = keys_section
            .lines()
            .filter_map(|line| line.strip_prefix("# "))
            .map(|line| format!("{line}\n"))
            .collect();
        let config = parse(&format!("[keys]\n{uncommented}"));
        let listed: Vec<(String, Vec<String>)> = config.keys.clone();
        let mut built_in: Vec<(String, Vec<String>)> = Keymap::default()
            .config_entries()
            .into_iter()
            .map(|(name, keys)| (name.to_owned(), keys))
            .collect();
        built_in.sort();
        assert_eq!(listed, built_in);
        assert_eq!(keymap(&config), Ok(Keymap::default()));
    }

    #[test]
    fn the_valid_fixtures_keys_rebind_actions() {
        let text = include_str!("../../tests/fixtures/config/valid.toml");
        let config = match Config::from_toml(text, "valid.toml") {
            Ok(config) => config,
            Err(e) => panic!("{e}"),
        };
        let keymap = match keymap(&config) {
            Ok(keymap) => keymap,
            Err(e) => panic!("{e}"),
        };
        let queries = Context::Screen(Screen::Queries);
        assert_eq!(keymap.action(queries, &press('Q')), Some(Action::Quit));
        assert_eq!(keymap.action(queries, &press('q')), None);
        assert_eq!(keymap.action(queries, &press('X')), None, "unbound");
        let f1 = KeyEvent::new(KeyCode::F(1), KeyModifiers::NONE);
        assert_eq!(keymap.action(queries, &f1), Some(Action::Help));
    }

    #[test]
    fn a_bad_key_binding_in_the_config_file_says_what_is_wrong_and_how_to_fix_it() {
        let text = include_str!("../../tests/fixtures/config/bad-key.toml");
        let config = match Config::from_toml(text, "bad-key.toml") {
            Ok(config) => config,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(
            keymap(&config).map_err(|e| e.to_string()),
            Err(
                "bad-key.toml: action \"quit\": cannot read key \"ctl-c\" (use a character like \"q\" \
                 or \"K\", or a name like \"enter\", \"esc\", \"space\", \"tab\", \"pgdn\", \"f5\"; \
                 \"ctrl-\", \"alt-\" and \"shift-\" may go in front)"
                    .to_owned()
            )
        );
    }

    #[test]
    fn a_bad_key_binding_fails_loading_the_config_file() {
        let dir = match tempfile::tempdir() {
            Ok(dir) => dir,
            Err(e) => panic!("{e}"),
        };
        let file = dir.path().join(crate::settings::config::CONFIG_FILE);
        if let Err(e) = std::fs::write(&file, "[keys]\nquit = [\"ctl-c\"]\n") {
            panic!("{e}");
        }
        let got = load_config(Some(dir.path()));
        assert!(
            got.as_ref().is_err_and(|e| e
                .to_string()
                .contains("action \"quit\": cannot read key \"ctl-c\"")),
            "{got:?}"
        );
    }

    #[test]
    fn target_picks_the_config_files_conninfo_and_refuses_a_second_one() {
        let config = parse("[targets.prod]\nconninfo = \"host=db1 dbname=app\"\n");
        let pick = |target: Option<&str>, positional: Option<&str>| {
            conninfo(&config, target, positional.map(str::to_owned)).map_err(|e| e.to_string())
        };
        assert_eq!(
            pick(Some("prod"), None),
            Ok(Some("host=db1 dbname=app".into()))
        );
        assert_eq!(pick(None, Some("host=x")), Ok(Some("host=x".into())));
        assert_eq!(pick(None, None), Ok(None));
        assert_eq!(
            pick(Some("prod"), Some("host=x")),
            Err("give either --target or a connection string, not both".into())
        );
        let unknown = pick(Some("stage"), None).err().unwrap_or_default();
        assert!(unknown.contains("stage"), "{unknown}");
    }

    #[test]
    fn the_theme_comes_from_the_flag_then_the_file_then_no_color() {
        let themed = parse("theme = \"light\"");
        let name = |config: &Config, flag: Option<&str>, no_color: bool| {
            theme(config, flag, no_color, None)
                .map(|t| t.name().to_owned())
                .map_err(|e| e.to_string())
        };
        assert_eq!(name(&themed, None, true), Ok("light".into()));
        assert_eq!(name(&themed, Some("mono"), false), Ok("mono".into()));
        assert_eq!(name(&Config::default(), None, true), Ok("mono".into()));
        assert_eq!(name(&Config::default(), None, false), Ok("default".into()));
        let unknown = parse("theme = \"nope\"");
        let got = name(&unknown, None, false).err().unwrap_or_default();
        assert!(got.starts_with("unknown theme \"nope\""), "{got}");
    }
}
