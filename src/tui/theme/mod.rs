//! Themes: every colour on screen comes from a named *semantic role* (`ok`, `crit`,
//! `selected`…), never from a colour literal in a render function. A theme file maps every
//! role to a style; four themes are built in (`themes/*.toml`, embedded), and users can add
//! their own as `<config dir>/themes/<name>.toml`.
//!
//! ```toml
//! # one line per role: fg/bg colours and modifiers, all optional
//! crit = { fg = "light-red", bold = true }
//! selected = { fg = "black", bg = "light-cyan" }
//! ```

mod file;
mod role;

use std::path::Path;

use ratatui::style::{Color, Style};

pub use file::ThemeError;
pub use role::Role;

/// A complete theme: one style per role.
#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    name: String,
    styles: [Style; Role::COUNT],
}

impl Theme {
    /// The theme's name (`default`, `mono`, or the user file's stem).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The style to draw `role` with.
    pub fn style(&self, role: Role) -> Style {
        self.styles[role as usize]
    }

    /// Parses a theme file's text; `file` is how errors name it.
    pub fn parse(name: &str, text: &str, file: &str) -> Result<Theme, ThemeError> {
        let styles = file::parse_styles(text, file)?;
        Ok(Theme {
            name: name.to_owned(),
            styles,
        })
    }
}

impl Default for Theme {
    /// The dark default theme, built in code so that code needing a theme never has to
    /// handle a parse error; a test checks that `themes/default.toml` says the same.
    fn default() -> Self {
        use Color::*;
        let fg = |colour| Style::new().fg(colour);
        let on = |fg_colour, bg_colour| Style::new().fg(fg_colour).bg(bg_colour);
        let style = |role| match role {
            Role::Text => fg(Gray),
            Role::Muted => fg(DarkGray),
            Role::Ok => fg(Green),
            Role::Warn => fg(Yellow).bold(),
            Role::Crit => fg(LightRed).bold(),
            Role::Border => fg(DarkGray),
            Role::BorderFocused => fg(Cyan),
            Role::Title => fg(Cyan).bold(),
            Role::Header => fg(LightBlue).bold(),
            Role::Selected => on(Black, LightCyan),
            Role::Marked => fg(LightMagenta).bold(),
            Role::TabActive => on(Black, Cyan).bold(),
            Role::TabInactive => fg(Gray),
            Role::Gauge => fg(Green),
            Role::GaugeEmpty => fg(DarkGray),
            Role::Chart1 => fg(Cyan),
            Role::Chart2 => fg(Magenta),
            Role::Chart3 => fg(Yellow),
            Role::Dialog => on(White, Black),
            Role::Danger => on(White, Red).bold(),
            Role::BadgeStale => on(Black, Yellow).bold(),
            Role::BadgeAlert => on(White, Red).bold(),
            Role::StatusLine => fg(Gray),
            Role::KeyHint => fg(Cyan).bold(),
            Role::Filter => fg(Yellow),
            wait => wait.added_later_default().unwrap_or_default(),
        };
        Theme {
            name: "default".to_owned(),
            styles: Role::ALL.map(style),
        }
    }
}

/// The built-in themes, embedded so the binary needs no files next to it.
const BUILTIN: [(&str, &str); 4] = [
    ("default", include_str!("../../../themes/default.toml")),
    ("light", include_str!("../../../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../../../themes/high-contrast.toml"),
    ),
    ("mono", include_str!("../../../themes/mono.toml")),
];

const BUILTIN_NAMES: [&str; 4] = [BUILTIN[0].0, BUILTIN[1].0, BUILTIN[2].0, BUILTIN[3].0];

/// The names of the built-in themes.
pub fn builtin_names() -> &'static [&'static str] {
    &BUILTIN_NAMES
}

/// Loads a theme by name: a built-in one, else `<user_dir>/themes/<name>.toml`.
pub fn load_theme(name: &str, user_dir: Option<&Path>) -> Result<Theme, ThemeError> {
    if let Some((_, text)) = BUILTIN.iter().find(|(builtin, _)| *builtin == name) {
        return Theme::parse(name, text, &format!("themes/{name}.toml"));
    }
    // The name becomes part of a path: refuse anything that could leave the themes dir.
    let valid = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !valid {
        return Err(ThemeError::BadName {
            name: name.to_owned(),
        });
    }
    let Some(dir) = user_dir.map(|dir| dir.join("themes")) else {
        return Err(unknown_theme(name, None));
    };
    let path = dir.join(format!("{name}.toml"));
    match std::fs::read_to_string(&path) {
        Ok(text) => Theme::parse(name, &text, &path.display().to_string()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(unknown_theme(name, Some(&dir))),
        Err(e) => Err(ThemeError::Io {
            file: path.display().to_string(),
            message: e.to_string(),
        }),
    }
}

/// The error for a theme name that is neither built in nor in the user's themes directory,
/// listing every name that would have worked.
fn unknown_theme(name: &str, dir: Option<&Path>) -> ThemeError {
    let mut available: Vec<String> = builtin_names().iter().map(ToString::to_string).collect();
    let hint = match dir {
        Some(dir) => {
            let mut user: Vec<String> = std::fs::read_dir(dir)
                .into_iter()
                .flatten()
                .flatten()
                .filter_map(|entry| {
                    let path = entry.path();
                    let is_toml = path.extension().is_some_and(|ext| ext == "toml");
                    let stem = path.file_stem()?.to_str()?.to_owned();
                    is_toml.then_some(stem)
                })
                .filter(|stem| !available.contains(stem))
                .collect();
            user.sort();
            available.extend(user);
            format!("; or create {}", dir.join(format!("{name}.toml")).display())
        }
        None => String::new(),
    };
    ThemeError::UnknownTheme {
        name: name.to_owned(),
        available: available.join(", "),
        hint,
    }
}

/// Whether the `NO_COLOR` environment variable asks for no colour: set and non-empty, as
/// <https://no-color.org> defines it. Pass `std::env::var_os("NO_COLOR").as_deref()`.
pub fn no_color(value: Option<&std::ffi::OsStr>) -> bool {
    value.is_some_and(|v| !v.is_empty())
}

/// The theme to load: the requested one if any (from `--theme` or the config file: an
/// explicit choice beats `NO_COLOR`, as no-color.org asks), else `mono` under `NO_COLOR`,
/// else `default`.
pub fn effective_theme_name(requested: Option<&str>, no_color: bool) -> &str {
    match requested {
        Some(name) => name,
        None if no_color => "mono",
        None => "default",
    }
}

#[cfg(test)]
mod tests;
