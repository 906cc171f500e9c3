//! Reading values out of the parsed TOML, one table at a time, so that every error can
//! name the file and the full key (`refresh.fast`, `pools[2].max`), quote the value as
//! written and say what would be accepted. (A serde derive reports only a byte span.)

use std::time::Duration;

use toml::{Table, Value};

use super::ConfigError;
use super::duration::{DURATION_FORMAT, parse_duration};
use super::size::{SIZE_FORMAT, format_size, parse_size};

/// One table of the config file being read.
pub(super) struct Section<'a> {
    pub file: &'a str,
    /// The table's key path (`refresh`, `pools[2]`); empty for the top level.
    pub path: String,
    pub table: &'a Table,
}

impl<'a> Section<'a> {
    /// Starts reading `table`, refusing keys not in `known`: a misspelt key would
    /// otherwise be silently ignored and its default used.
    pub fn new(
        file: &'a str,
        path: String,
        table: &'a Table,
        known: &[&str],
    ) -> Result<Self, ConfigError> {
        let section = Section { file, path, table };
        if let Some(key) = table.keys().find(|key| !known.contains(&key.as_str())) {
            return Err(ConfigError::UnknownKey {
                file: file.to_owned(),
                key: section.key(key),
                known: known.join(", "),
            });
        }
        Ok(section)
    }

    /// The full key path of `key` in this table.
    pub fn key(&self, key: &str) -> String {
        // Quoted TOML keys may hold control characters; messages reach a terminal.
        let key = crate::text::sanitize::sanitized(key);
        if self.path.is_empty() {
            key
        } else {
            format!("{}.{key}", self.path)
        }
    }

    /// An error for `key = value`: `problem` follows the quoted value, `fix` says what to
    /// write instead.
    pub fn bad(&self, key: &str, value: &Value, problem: &str, fix: &str) -> ConfigError {
        ConfigError::BadValue {
            file: self.file.to_owned(),
            key: self.key(key),
            value: quote(value),
            problem: problem.to_owned(),
            fix: fix.to_owned(),
        }
    }

    /// An error for a required key that is not there.
    pub fn missing(&self, key: &str, fix: &str) -> ConfigError {
        ConfigError::Missing {
            file: self.file.to_owned(),
            key: self.key(key),
            fix: fix.to_owned(),
        }
    }

    /// A sub-table, `None` when absent.
    pub fn table(&self, key: &str, example: &str) -> Result<Option<&'a Table>, ConfigError> {
        match self.table.get(key) {
            None => Ok(None),
            Some(Value::Table(table)) => Ok(Some(table)),
            Some(other) => Err(self.bad(key, other, "is not a table", example)),
        }
    }

    /// A boolean, `default` when absent.
    pub fn boolean(&self, key: &str, default: bool) -> Result<bool, ConfigError> {
        match self.table.get(key) {
            None => Ok(default),
            Some(Value::Boolean(value)) => Ok(*value),
            Some(other) => Err(self.bad(
                key,
                other,
                "is not true or false",
                &format!("write {key} = true or {key} = false, without quotes"),
            )),
        }
    }

    /// A non-empty string, `None` when absent.
    pub fn string(&self, key: &str, example: &str) -> Result<Option<String>, ConfigError> {
        match self.table.get(key) {
            None => Ok(None),
            Some(Value::String(text)) if !text.trim().is_empty() => Ok(Some(text.clone())),
            Some(other @ Value::String(_)) => Err(self.bad(key, other, "is empty", example)),
            Some(other) => Err(self.bad(key, other, "is not a string", example)),
        }
    }

    /// A duration within `min..=max`, `default` when absent.
    pub fn duration(
        &self,
        key: &str,
        default: Duration,
        min: Duration,
        max: Duration,
    ) -> Result<Duration, ConfigError> {
        let Some(value) = self.table.get(key) else {
            return Ok(default);
        };
        let Value::String(text) = value else {
            return Err(self.bad(
                key,
                value,
                "is not a duration",
                &format!("write it as a string: {DURATION_FORMAT}"),
            ));
        };
        let duration = parse_duration(text)
            .map_err(|problem| self.bad(key, value, &problem, &format!("use {DURATION_FORMAT}")))?;
        if duration < min || duration > max {
            let range = format!(
                "use a duration from \"{}\" to \"{}\"",
                super::duration::format_duration(min),
                super::duration::format_duration(max)
            );
            return Err(self.bad(key, value, "is out of range", &range));
        }
        Ok(duration)
    }

    /// A number (integer or float) within `min..=max`, `default` when absent. `fix`
    /// describes the accepted values.
    pub fn number(
        &self,
        key: &str,
        default: f64,
        (min, max): (f64, f64),
        fix: &str,
    ) -> Result<f64, ConfigError> {
        let Some(value) = self.table.get(key) else {
            return Ok(default);
        };
        let number = match value {
            Value::Integer(n) => *n as f64,
            Value::Float(x) => *x,
            other => return Err(self.bad(key, other, "is not a number", fix)),
        };
        if !(min..=max).contains(&number) {
            return Err(self.bad(key, value, "is out of range", fix));
        }
        Ok(number)
    }

    /// A whole number within `min..=max` (a count), `default` when absent.
    pub fn count(
        &self,
        key: &str,
        default: u64,
        (min, max): (u64, u64),
    ) -> Result<u64, ConfigError> {
        let Some(value) = self.table.get(key) else {
            return Ok(default);
        };
        let fix = format!("use a whole number from {min} to {max}, e.g. {key} = {default}");
        match value {
            Value::Integer(n) => u64::try_from(*n)
                .ok()
                .filter(|n| (min..=max).contains(n))
                .ok_or_else(|| self.bad(key, value, "is out of range", &fix)),
            other => Err(self.bad(key, other, "is not a whole number", &fix)),
        }
    }

    /// A size in bytes within `min..=max`, written like `"1GB"`; `default` when absent.
    pub fn size(
        &self,
        key: &str,
        default: u64,
        (min, max): (u64, u64),
    ) -> Result<u64, ConfigError> {
        let Some(value) = self.table.get(key) else {
            return Ok(default);
        };
        let Value::String(text) = value else {
            return Err(self.bad(
                key,
                value,
                "is not a size",
                &format!("write it as a string: {SIZE_FORMAT}"),
            ));
        };
        let bytes = parse_size(text)
            .map_err(|problem| self.bad(key, value, &problem, &format!("use {SIZE_FORMAT}")))?;
        if !(min..=max).contains(&bytes) {
            let range = format!(
                "use a size from \"{}\" to \"{}\"",
                format_size(min),
                format_size(max)
            );
            return Err(self.bad(key, value, "is out of range", &range));
        }
        Ok(bytes)
    }

    /// A fraction in `0..=1` (a ratio threshold), `default` when absent.
    pub fn fraction(&self, key: &str, default: f64) -> Result<f64, ConfigError> {
        let fix = match self.table.get(key) {
            // Someone who wrote 85 meant 85 %: show them how to write it.
            Some(Value::Integer(n)) if (2..=100).contains(n) => {
                format!("use a fraction from 0 to 1: {n} % is {}", *n as f64 / 100.0)
            }
            _ => "use a fraction from 0 to 1, e.g. 0.85 for 85 %".to_owned(),
        };
        self.number(key, default, (0.0, 1.0), &fix)
    }
}

/// A value as it would be written in the file: strings quoted, tables inline.
pub(super) fn quote(value: &Value) -> String {
    value.to_string()
}

/// Line and column (1-based, in characters) of a byte offset, for TOML syntax errors.
pub(super) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before
        .rsplit_once('\n')
        .map_or(before, |(_, last)| last)
        .chars()
        .count()
        + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_errors_are_located_by_line_and_column() {
        let text = "a = 1\nbé = \n";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 6), (2, 1));
        assert_eq!(line_column(text, 10), (2, 4));
        assert_eq!(line_column(text, 999), (3, 1));
    }
}
