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

use std::path::Path;

use ratatui::style::{Color, Style};

pub use file::ThemeError;

/// Declares the roles once, so the enum, the kebab-case file names and the descriptions
/// (taken from the doc comments) cannot drift apart.
macro_rules! roles {
    ($( #[doc = $doc:literal] $variant:ident => $name:literal, )+) => {
        /// What a piece of the screen *means*; the theme decides how it looks.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Role {
            $( #[doc = $doc] $variant, )+
        }

        impl Role {
            /// How many roles there are.
            pub const COUNT: usize = [$($name),+].len();
            /// Every role, in the order theme files list them.
            pub const ALL: [Role; Role::COUNT] = [$(Role::$variant),+];

            /// The kebab-case name used in theme files.
            pub fn name(self) -> &'static str {
                match self { $(Role::$variant => $name,)+ }
            }

            /// Where the role is used (its doc comment), for generated theme documentation.
            pub fn description(self) -> &'static str {
                match self { $(Role::$variant => $doc.trim(),)+ }
            }
        }
    };
}

roles! {
    /// Ordinary text: table cells, values, the help text.
    Text => "text",
    /// Secondary text: units, labels, idle sessions, "n/a", timestamps.
    Muted => "muted",
    /// A value inside its healthy threshold.
    Ok => "ok",
    /// A value past its warning threshold.
    Warn => "warn",
    /// A value past its critical threshold.
    Crit => "crit",
    /// Borders of panels that do not have focus.
    Border => "border",
    /// The border of the focused panel.
    BorderFocused => "border-focused",
    /// Panel titles and the application name in the header.
    Title => "title",
    /// Table column headers.
    Header => "header",
    /// The selected (cursor) row of a table.
    Selected => "selected",
    /// Rows marked with Space for a bulk action.
    Marked => "marked",
    /// The tab of the current screen in the tab bar.
    TabActive => "tab-active",
    /// The tabs of the other screens.
    TabInactive => "tab-inactive",
    /// The filled part of gauges (connections, pool utilisation, progress).
    Gauge => "gauge",
    /// The empty part of gauges.
    GaugeEmpty => "gauge-empty",
    /// The first series of a chart (e.g. mean latency, database hit ratio).
    Chart1 => "chart-1",
    /// The second series of a chart (e.g. p95 latency).
    Chart2 => "chart-2",
    /// The third series of a chart (e.g. p99 latency).
    Chart3 => "chart-3",
    /// Dialog boxes: confirmations, the detail popup, the help screen.
    Dialog => "dialog",
    /// Destructive buttons and labels (terminate, reset statistics).
    Danger => "danger",
    /// The STALE badge shown when the last poll failed or is late.
    BadgeStale => "badge-stale",
    /// The alert counter badge in the header.
    BadgeAlert => "badge-alert",
    /// The status line at the bottom (action results, messages).
    StatusLine => "status-line",
    /// Key names in the status line and in help ("q", "Enter").
    KeyHint => "key-hint",
    /// The filter prompt and the active filter text.
    Filter => "filter",
}

impl Role {
    /// The role with this kebab-case name.
    pub fn from_name(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.name() == name)
    }
}

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
        return Err(file::unknown_theme(name, None));
    };
    let path = dir.join(format!("{name}.toml"));
    match std::fs::read_to_string(&path) {
        Ok(text) => Theme::parse(name, &text, &path.display().to_string()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Err(file::unknown_theme(name, Some(&dir)))
        }
        Err(e) => Err(ThemeError::Io {
            file: path.display().to_string(),
            message: e.to_string(),
        }),
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
