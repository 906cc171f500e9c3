//! One key with its modifiers, in a normal form so that the same physical key compares
//! equal however the terminal reported it, plus the config spelling ("ctrl-c", "pgdn") and
//! the display spelling ("Ctrl-c", "PgDn", "↓").

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// A key as the keymap sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyBinding {
    code: KeyCode,
    modifiers: KeyModifiers,
}

/// Named keys: (config name, display name, code). The first config name of a code is the
/// one written back; the others are accepted aliases.
const NAMED: &[(&str, &str, KeyCode)] = &[
    ("enter", "Enter", KeyCode::Enter),
    ("return", "Enter", KeyCode::Enter),
    ("esc", "Esc", KeyCode::Esc),
    ("escape", "Esc", KeyCode::Esc),
    ("tab", "Tab", KeyCode::Tab),
    ("backtab", "Shift-Tab", KeyCode::BackTab),
    ("space", "Space", KeyCode::Char(' ')),
    ("backspace", "Backspace", KeyCode::Backspace),
    ("delete", "Del", KeyCode::Delete),
    ("del", "Del", KeyCode::Delete),
    ("insert", "Ins", KeyCode::Insert),
    ("ins", "Ins", KeyCode::Insert),
    ("up", "↑", KeyCode::Up),
    ("down", "↓", KeyCode::Down),
    ("left", "←", KeyCode::Left),
    ("right", "→", KeyCode::Right),
    ("home", "Home", KeyCode::Home),
    ("end", "End", KeyCode::End),
    ("pgup", "PgUp", KeyCode::PageUp),
    ("pageup", "PgUp", KeyCode::PageUp),
    ("pgdn", "PgDn", KeyCode::PageDown),
    ("pagedown", "PgDn", KeyCode::PageDown),
];

/// Modifier prefixes: (config prefix, display prefix, modifier).
const MODIFIERS: [(&str, &str, KeyModifiers); 3] = [
    ("ctrl-", "Ctrl-", KeyModifiers::CONTROL),
    ("alt-", "Alt-", KeyModifiers::ALT),
    ("shift-", "Shift-", KeyModifiers::SHIFT),
];

impl KeyBinding {
    /// A binding from parts already in normal form (used for the built-in defaults).
    pub(super) const fn new(code: KeyCode, modifiers: KeyModifiers) -> Self {
        KeyBinding { code, modifiers }
    }

    /// The key, in normal form.
    pub fn code(&self) -> KeyCode {
        self.code
    }

    /// The modifiers, in normal form (never SHIFT on a character or on Shift-Tab).
    pub fn modifiers(&self) -> KeyModifiers {
        self.modifiers
    }

    /// The binding a key event matches. Terminals disagree on Shift: crossterm reports
    /// Shift+k as `Char('K')` with SHIFT, the kitty protocol may send `Char('k')` with SHIFT,
    /// and Shift+Tab arrives as `BackTab` with or without SHIFT. For characters the case
    /// already says whether Shift was held, so SHIFT is folded into the character.
    pub fn from_event(key: &KeyEvent) -> Self {
        Self::normalised(key.code, key.modifiers)
    }

    fn normalised(code: KeyCode, modifiers: KeyModifiers) -> Self {
        let shift = modifiers.contains(KeyModifiers::SHIFT);
        let without_shift = modifiers.difference(KeyModifiers::SHIFT);
        match code {
            KeyCode::Char(c) if shift => {
                let mut upper = c.to_uppercase();
                let c = match (upper.next(), upper.next()) {
                    (Some(u), None) => u,
                    _ => c,
                };
                Self::new(KeyCode::Char(c), without_shift)
            }
            KeyCode::BackTab => Self::new(KeyCode::BackTab, without_shift),
            KeyCode::Tab if shift => Self::new(KeyCode::BackTab, without_shift),
            _ => Self::new(code, modifiers),
        }
    }

    /// Parses the config spelling: a single character ("q", "K", "?", "-"), a key name
    /// ("enter", "pgdn", "f5"; any case), each optionally after "ctrl-", "alt-", "shift-".
    pub fn parse(text: &str) -> Option<Self> {
        let mut rest = text;
        let mut modifiers = KeyModifiers::NONE;
        // A lone character is a key even when it is "-", so prefixes need a key after them.
        'prefixes: while rest.chars().count() > 1 {
            for (prefix, _, modifier) in MODIFIERS {
                if let Some(tail) = strip_prefix_ignore_case(rest, prefix).filter(|t| !t.is_empty())
                {
                    modifiers |= modifier;
                    rest = tail;
                    continue 'prefixes;
                }
            }
            break;
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) => KeyCode::Char(c),
            _ => named_code(&rest.to_ascii_lowercase())?,
        };
        Some(Self::normalised(code, modifiers))
    }

    /// Whether typing this key produces text: the filter prompt keeps such keys for itself.
    pub fn is_text(&self) -> bool {
        matches!(self.code, KeyCode::Char(_))
            && !self
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
    }

    /// The spelling for the status line and help: "y", "Esc", "Space", "Ctrl-c", "↓".
    pub fn display(&self) -> String {
        self.spell(true)
    }

    /// The spelling for the config file, which `parse` reads back: "y", "esc", "ctrl-c".
    pub fn config(&self) -> String {
        self.spell(false)
    }

    fn spell(&self, display: bool) -> String {
        let pick = |config, shown| if display { shown } else { config };
        let mut out = String::new();
        for (config, shown, modifier) in MODIFIERS {
            if self.modifiers.contains(modifier) {
                out.push_str(pick(config, shown));
            }
        }
        match (
            NAMED.iter().find(|(_, _, code)| *code == self.code),
            self.code,
        ) {
            (Some(&(config, shown, _)), _) => out.push_str(pick(config, shown)),
            (None, KeyCode::Char(c)) => out.push(c),
            (None, KeyCode::F(n)) => {
                out.push(if display { 'F' } else { 'f' });
                out.push_str(&n.to_string());
            }
            // Only keys that `parse` cannot produce get here (from events): show something.
            (None, other) => out.push_str(&format!("{other:?}")),
        }
        out
    }
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

fn named_code(name: &str) -> Option<KeyCode> {
    if let Some((_, _, code)) = NAMED.iter().find(|(config, _, _)| *config == name) {
        return Some(*code);
    }
    let n: u8 = name.strip_prefix('f')?.parse().ok()?;
    (1..=24).contains(&n).then_some(KeyCode::F(n))
}

/// Ctrl-C quits from everywhere; the other quit keys (`q`) first close whatever overlay
/// is open (dialog, detail, output, help) and quit only from the plain screen.
pub fn is_interrupt(key: &KeyEvent) -> bool {
    key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL)
}
