//! Reading the config file: where it is, and its text turned into a checked [`Config`].

use std::path::Path;

use super::error::ConfigError;
use super::values::Config;
use super::{parse, read};

/// The file name inside the config directory.
pub const CONFIG_FILE: &str = "config.toml";

/// The commented default configuration, embedded from `src/settings/config/default.toml`.
const DEFAULT_TEXT: &str = include_str!("default.toml");

/// The commented default config file, for `pgpulse --print-config`. It parses to
/// [`Config::default`].
pub fn default_config_text() -> &'static str {
    DEFAULT_TEXT
}

impl Config {
    /// Reads `<dir>/config.toml`. No directory (no home directory either) or no file
    /// gives the defaults; a file that is unreadable or wrong is an error.
    pub fn load(dir: Option<&Path>) -> Result<Config, ConfigError> {
        let Some(dir) = dir else {
            return Ok(Config::default());
        };
        let path = dir.join(CONFIG_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => Config::from_toml(&text, &path.display().to_string()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
            Err(e) => Err(ConfigError::Io {
                file: path.display().to_string(),
                message: e.to_string(),
            }),
        }
    }

    /// Reads an explicitly named config file (e.g. from a `--config` option): unlike
    /// [`Config::load`], a missing file is an error.
    pub fn load_file(path: &Path) -> Result<Config, ConfigError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Io {
            file: file.clone(),
            message: e.to_string(),
        })?;
        Config::from_toml(&text, &file)
    }

    /// Parses a config file's text; `file_name` is how errors name the file.
    pub fn from_toml(text: &str, file_name: &str) -> Result<Config, ConfigError> {
        let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
            let (line, column) = e
                .span()
                .map_or((1, 1), |span| read::line_column(text, span.start));
            ConfigError::Toml {
                file: file_name.to_owned(),
                line,
                column,
                message: e.message().trim().replace('\n', "; "),
            }
        })?;
        parse::config(&table, file_name)
    }
}
