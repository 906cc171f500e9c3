//! Reading theme files. Parsed by hand from a `toml::Table` rather than with serde derive
//! so that every mistake gets an error naming the file, the role and the key, quoting the
//! bad value and saying what would be accepted.

use std::str::FromStr;

use ratatui::style::{Color, Modifier, Style};
use toml::Value;

use super::role::Role;

/// The keys a role's table may have.
const KEYS: &str = "fg, bg, bold, italic, underlined, reversed, dim";

/// Why a theme could not be loaded. Every message names the file (or the theme name),
/// quotes the bad value and says how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ThemeError {
    /// The file is not TOML at all.
    #[error("{file}: not valid TOML: {message}")]
    Toml { file: String, message: String },
    /// A top-level key that is not a role.
    #[error("{file}: unknown role \"{key}\" (use one of: {known})", known = role_names())]
    UnknownRole { file: String, key: String },
    /// A role the file does not define.
    #[error(
        "{file}: role \"{role}\" is missing (every theme defines every role; add e.g. \
         {role} = {{ fg = \"reset\" }})"
    )]
    MissingRole { file: String, role: &'static str },
    /// A role whose value is not a table.
    #[error(
        "{file}: role \"{role}\": expected a table like {{ fg = \"red\", bold = true }}, \
         found {value}"
    )]
    NotATable {
        file: String,
        role: &'static str,
        value: String,
    },
    /// A key inside a role's table that is not a style attribute.
    #[error("{file}: role \"{role}\": unknown key \"{key}\" (use {KEYS})")]
    UnknownKey {
        file: String,
        role: &'static str,
        key: String,
    },
    /// `fg`/`bg` that is not a colour.
    #[error(
        "{file}: role \"{role}\": unknown colour {value} in {key} (use a name like \"red\", \
         \"#rrggbb\" or 0-255)"
    )]
    BadColour {
        file: String,
        role: &'static str,
        key: &'static str,
        value: String,
    },
    /// A modifier that is not a boolean.
    #[error("{file}: role \"{role}\": {key} must be true or false, found {value}")]
    NotABool {
        file: String,
        role: &'static str,
        key: &'static str,
        value: String,
    },
    /// No built-in or user theme has this name.
    #[error("unknown theme \"{name}\" (use one of: {available}{hint})")]
    UnknownTheme {
        name: String,
        /// Built-in and user theme names, comma-separated.
        available: String,
        /// Where a user theme of that name would have to be.
        hint: String,
    },
    /// A name that cannot be a file name in the themes directory.
    #[error(
        "theme name \"{name}\" is not valid (use a built-in name or a file name made of \
         letters, digits, \"-\" and \"_\")"
    )]
    BadName { name: String },
    /// The user theme file exists but could not be read.
    #[error("{file}: cannot read the theme: {message}")]
    Io { file: String, message: String },
}

fn role_names() -> String {
    Role::ALL.map(Role::name).join(", ")
}

/// Parses a whole theme file into one style per role.
pub(super) fn parse_styles(text: &str, file: &str) -> Result<[Style; Role::COUNT], ThemeError> {
    let table = toml::Table::from_str(text).map_err(|e| ThemeError::Toml {
        file: file.to_owned(),
        // toml's message spans several lines (a source excerpt); keep it, indented.
        message: e.to_string().trim_end().to_owned(),
    })?;
    let mut styles: [Option<Style>; Role::COUNT] = [None; Role::COUNT];
    for (key, value) in &table {
        let role = Role::from_name(key).ok_or_else(|| ThemeError::UnknownRole {
            file: file.to_owned(),
            key: key.clone(),
        })?;
        styles[role as usize] = Some(parse_role(file, role, value)?);
    }
    let mut out = [Style::new(); Role::COUNT];
    for role in Role::ALL {
        out[role as usize] = styles[role as usize]
            .or_else(|| role.added_later_default())
            .ok_or_else(|| ThemeError::MissingRole {
                file: file.to_owned(),
                role: role.name(),
            })?;
    }
    Ok(out)
}

/// Parses one role's `{ fg = …, bold = … }`. A modifier set to `false` adds nothing: it
/// documents intent without removing a modifier from whatever the style is patched onto.
fn parse_role(file: &str, role: Role, value: &Value) -> Result<Style, ThemeError> {
    let Value::Table(table) = value else {
        return Err(ThemeError::NotATable {
            file: file.to_owned(),
            role: role.name(),
            value: value.to_string(),
        });
    };
    let mut style = Style::new();
    for (key, value) in table {
        let (key, modifier) = match key.as_str() {
            "fg" => {
                style = style.fg(parse_colour(file, role, "fg", value)?);
                continue;
            }
            "bg" => {
                style = style.bg(parse_colour(file, role, "bg", value)?);
                continue;
            }
            "bold" => ("bold", Modifier::BOLD),
            "italic" => ("italic", Modifier::ITALIC),
            "underlined" => ("underlined", Modifier::UNDERLINED),
            "reversed" => ("reversed", Modifier::REVERSED),
            "dim" => ("dim", Modifier::DIM),
            _ => {
                return Err(ThemeError::UnknownKey {
                    file: file.to_owned(),
                    role: role.name(),
                    key: key.clone(),
                });
            }
        };
        match value {
            Value::Boolean(true) => style = style.add_modifier(modifier),
            Value::Boolean(false) => {}
            other => {
                return Err(ThemeError::NotABool {
                    file: file.to_owned(),
                    role: role.name(),
                    key,
                    value: other.to_string(),
                });
            }
        }
    }
    Ok(style)
}

/// A colour: a name ratatui knows (`red`, `light-red`, `dark-gray`, `reset`), `#rrggbb`, or
/// an ANSI palette index written as a string or a bare integer.
fn parse_colour(
    file: &str,
    role: Role,
    key: &'static str,
    value: &Value,
) -> Result<Color, ThemeError> {
    let colour = match value {
        Value::String(s) => Color::from_str(s).ok(),
        Value::Integer(i) => u8::try_from(*i).ok().map(Color::Indexed),
        _ => None,
    };
    colour.ok_or_else(|| ThemeError::BadColour {
        file: file.to_owned(),
        role: role.name(),
        key,
        value: value.to_string(),
    })
}
