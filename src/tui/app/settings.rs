//! What the live view was started with and does not change while it runs: where it is
//! connected, the keymap and theme, the configuration file's values, read-only mode.

use crate::settings::config::Config;
use crate::tui::keymap::Keymap;
use crate::tui::theme::Theme;

/// The live view's settings.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Password-free description of the target (`user@host:port/db`).
    target: String,
    keymap: Keymap,
    theme: Theme,
    /// The configuration file's settings (pools, schedule, thresholds, bell...).
    config: Config,
    /// `--read-only` / `read_only = true`: action keys send nothing.
    read_only: bool,
    /// The role actions run as (for the journal).
    role: String,
    /// A word for the header, e.g. `DEMO` for `pgpulse demo`.
    badge: Option<String>,
}

impl Settings {
    /// The built-in configuration for `target`.
    pub fn new(target: String, keymap: Keymap, theme: Theme) -> Self {
        Self {
            target,
            keymap,
            theme,
            config: Config::default(),
            read_only: false,
            role: String::new(),
            badge: None,
        }
    }

    /// Takes the configuration file's values (read-only mode included).
    pub fn set_config(&mut self, config: Config) {
        self.read_only |= config.read_only;
        self.config = config;
    }

    /// Disables every action (`--read-only`).
    pub fn set_read_only(&mut self, read_only: bool) {
        self.read_only |= read_only;
    }

    /// The role actions run as.
    pub fn set_role(&mut self, role: String) {
        self.role = role;
    }

    /// The header's word (`DEMO`).
    pub fn set_badge(&mut self, badge: Option<String>) {
        self.badge = badge;
    }

    /// Another target (tests name the server they draw).
    #[cfg(test)]
    pub(crate) fn set_target(&mut self, target: impl Into<String>) {
        self.target = target.into();
    }

    /// Changes the configuration without touching read-only mode (tests).
    #[cfg(test)]
    pub(crate) fn config_mut(&mut self) -> &mut Config {
        &mut self.config
    }

    /// Another theme.
    pub fn set_theme(&mut self, theme: Theme) {
        self.theme = theme;
    }

    /// `user@host:port/db`, password-free.
    pub fn target(&self) -> &str {
        &self.target
    }

    /// Which key does what.
    pub fn keymap(&self) -> &Keymap {
        &self.keymap
    }

    /// How each role looks.
    pub fn theme(&self) -> &Theme {
        &self.theme
    }

    /// The configuration file's values.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Whether actions are disabled.
    pub fn read_only(&self) -> bool {
        self.read_only
    }

    /// The role actions run as.
    pub fn role(&self) -> &str {
        &self.role
    }

    /// The header's word, if any.
    pub fn badge(&self) -> Option<&str> {
        self.badge.as_deref()
    }
}
