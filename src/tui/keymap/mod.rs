//! The keymap: which key does what, where. Every key press goes through
//! [`Keymap::action`]; help and the status-line hints are generated from the same map, so
//! what the screen says is what the keys do.
//!
//! Each action has one list of keys, used in every context where the action is available
//! (see the catalogue in `action.rs`). Overrides from the config replace an action's list;
//! a key that would mean two things in one context is an error, never a silent shadowing.

mod action;
mod key;

use std::collections::BTreeMap;

use crossterm::event::{KeyEvent, KeyEventKind};

pub use action::Action;
use action::Scope;

use crate::tui::screen::Screen;
pub use key::{KeyBinding, is_interrupt};

/// Where a key is pressed; decides which actions are available.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Context {
    /// Bindings that apply on every screen (the base of `Screen`).
    Global,
    /// A screen's table view: its own bindings, then the global ones.
    Screen(Screen),
    /// The detail view of one row.
    Detail,
    /// Typing a filter: only keys that cannot be typed as text (Enter, Esc, Ctrl-c).
    FilterPrompt,
    /// The help overlay.
    Help,
    /// A confirmation dialog.
    Dialog,
}

impl Context {
    /// Every context, global first so a clash between global bindings is reported as one.
    fn all() -> impl Iterator<Item = Context> {
        [
            Context::Global,
            Context::Detail,
            Context::Help,
            Context::FilterPrompt,
            Context::Dialog,
        ]
        .into_iter()
        .chain(Screen::ALL.map(Context::Screen))
    }

    /// Whether an action with `scope` is available here; `own` asks only for the bindings
    /// that belong to this context itself (a screen's own, not the global ones it inherits).
    fn offers(self, scope: Scope, own: bool) -> bool {
        use Scope::*;
        match (self, scope) {
            (Context::Screen(screen), On(screens)) => screens.contains(&screen),
            (Context::Screen(_), _) if own => false,
            (Context::Global | Context::Screen(_), Always | Viewing | Browsing | Table) => true,
            (Context::Detail, Always | Viewing | Browsing) => true,
            (Context::Help, Always | Viewing) => true,
            (Context::FilterPrompt, Always | Prompt) => true,
            (Context::Dialog, Always | Prompt | Dialog) => true,
            _ => false,
        }
    }

    /// How errors name the context.
    fn describe(self) -> String {
        match self {
            Context::Global => "on every screen".to_owned(),
            Context::Screen(screen) => format!("on the {} screen", screen.title()),
            Context::Detail => "in the detail view".to_owned(),
            Context::FilterPrompt => "in the filter prompt".to_owned(),
            Context::Help => "in help".to_owned(),
            Context::Dialog => "in a dialog".to_owned(),
        }
    }
}

/// One line of generated help.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelpEntry {
    /// The action this line describes.
    pub action: Action,
    /// Its keys in display form, space-separated: "j ↓".
    pub keys: String,
    /// What it does.
    pub description: &'static str,
    /// The help section: "general", "screens", "navigation", "history", "table" or
    /// "actions".
    pub group: &'static str,
}

/// A key binding in the config that cannot be used. Messages name the file and the
/// action, quote the bad value and say how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeymapError {
    /// No action has this name.
    #[error("{file}: unknown action \"{name}\" (use one of: {known})", known = action_names())]
    UnknownAction { file: String, name: String },
    /// A key spelling that cannot be read.
    #[error(
        "{file}: action \"{action}\": cannot read key \"{key}\" (use a character like \"q\" or \
         \"K\", or a name like \"enter\", \"esc\", \"space\", \"tab\", \"pgdn\", \"f5\"; \
         \"ctrl-\", \"alt-\" and \"shift-\" may go in front)"
    )]
    BadKey {
        file: String,
        action: &'static str,
        key: String,
    },
    /// The same action configured twice.
    #[error("{file}: action \"{action}\" is bound twice (keep one list of keys for it)")]
    Repeated { file: String, action: &'static str },
    /// `quit` with no key left.
    #[error(
        "{file}: action \"quit\" has no key (give it at least one, e.g. quit = [\"q\"]), or \
         pgpulse could not be left"
    )]
    NoQuitKey { file: String },
    /// One key, two meanings in one context.
    #[error(
        "{file}: key \"{key}\" is bound to both \"{first}\" and \"{second}\" {place} (give one \
         of them another key)"
    )]
    Clash {
        file: String,
        key: String,
        first: &'static str,
        second: &'static str,
        place: String,
    },
}

fn action_names() -> String {
    Action::ALL.map(Action::name).join(", ")
}

/// Which keys trigger which actions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keymap {
    keys: BTreeMap<Action, Vec<KeyBinding>>,
}

impl Default for Keymap {
    /// The built-in bindings (vim/htop/k9s style; see DESIGN.md).
    fn default() -> Self {
        let keys = Action::ALL
            .into_iter()
            .map(|action| (action, action.spec().keys.to_vec()))
            .collect();
        Keymap { keys }
    }
}

impl Keymap {
    /// The default keymap with some actions' keys replaced, as given in the config file
    /// `file`: `("quit", ["q", "ctrl-c"])`. An empty list unbinds an action (not `quit`).
    pub fn with_overrides(
        overrides: &[(String, Vec<String>)],
        file: &str,
    ) -> Result<Keymap, KeymapError> {
        let mut keymap = Keymap::default();
        let mut seen = Vec::new();
        for (name, spellings) in overrides {
            let action = Action::from_name(name).ok_or_else(|| KeymapError::UnknownAction {
                file: file.to_owned(),
                name: name.clone(),
            })?;
            if seen.contains(&action) {
                return Err(KeymapError::Repeated {
                    file: file.to_owned(),
                    action: action.name(),
                });
            }
            seen.push(action);
            let mut keys = Vec::new();
            for spelling in spellings {
                let key = KeyBinding::parse(spelling).ok_or_else(|| KeymapError::BadKey {
                    file: file.to_owned(),
                    action: action.name(),
                    key: spelling.clone(),
                })?;
                if !keys.contains(&key) {
                    keys.push(key);
                }
            }
            if keys.is_empty() && action == Action::Quit {
                return Err(KeymapError::NoQuitKey {
                    file: file.to_owned(),
                });
            }
            keymap.keys.insert(action, keys);
        }
        keymap.check_clashes(file)?;
        Ok(keymap)
    }

    /// What `key` does in `context`, if anything. Key releases do nothing (terminals with
    /// the kitty protocol report them; acting on both would do everything twice).
    pub fn action(&self, context: Context, key: &KeyEvent) -> Option<Action> {
        if key.kind == KeyEventKind::Release {
            return None;
        }
        let key = KeyBinding::from_event(key);
        // The context's own bindings first, then the ones it inherits.
        [true, false].into_iter().find_map(|own| {
            Action::ALL.into_iter().find(|action| {
                context.offers(action.spec().scope, own)
                    && self.keys_in(*action, context).any(|k| k == key)
            })
        })
    }

    /// The keys of `action`, in display form ("y", "Esc", "Enter", "Space", "Tab").
    pub fn keys_for(&self, action: Action) -> Vec<String> {
        self.bound(action).iter().map(KeyBinding::display).collect()
    }

    /// The key a hint names for `action` (its first one), `None` when it has none.
    pub fn first_key(&self, action: Action) -> Option<String> {
        self.bound(action).first().map(KeyBinding::display)
    }

    /// `Esc back`: a hint naming the key of `action` and what it does; `None` when the
    /// action has no key (a hint must never name a key that does something else).
    pub fn hint(&self, action: Action, does: &str) -> Option<String> {
        Some(format!("{} {does}", self.first_key(action)?))
    }

    /// `j/k scroll`: the first keys of two opposite actions and what they do.
    pub fn pair_hint(&self, first: Action, second: Action, does: &str) -> Option<String> {
        Some(format!(
            "{}/{} {does}",
            self.first_key(first)?,
            self.first_key(second)?
        ))
    }

    /// Help for `context`: every action available there that has a key, in catalogue order.
    pub fn help(&self, context: Context) -> Vec<HelpEntry> {
        Action::ALL
            .into_iter()
            .filter(|action| context.offers(action.spec().scope, false))
            .filter_map(|action| {
                let keys: Vec<String> =
                    self.keys_in(action, context).map(|k| k.display()).collect();
                (!keys.is_empty()).then(|| HelpEntry {
                    action,
                    keys: keys.join(" "),
                    description: action.description(),
                    group: action.group(),
                })
            })
            .collect()
    }

    /// Every action with its keys in config spelling, for printing a commented default
    /// config: `("quit", ["q", "ctrl-c"])`.
    pub fn config_entries(&self) -> Vec<(&'static str, Vec<String>)> {
        Action::ALL
            .into_iter()
            .map(|action| {
                let keys = self.bound(action).iter().map(KeyBinding::config).collect();
                (action.name(), keys)
            })
            .collect()
    }

    fn bound(&self, action: Action) -> &[KeyBinding] {
        self.keys.get(&action).map_or(&[], Vec::as_slice)
    }

    /// The keys of `action` that work in `context`: in the filter prompt, keys that type
    /// text belong to the prompt.
    fn keys_in(&self, action: Action, context: Context) -> impl Iterator<Item = KeyBinding> {
        let prompt = context == Context::FilterPrompt;
        self.bound(action)
            .iter()
            .copied()
            .filter(move |key| !(prompt && key.is_text()))
    }

    fn check_clashes(&self, file: &str) -> Result<(), KeymapError> {
        for context in Context::all() {
            let mut owner: BTreeMap<String, Action> = BTreeMap::new();
            for action in Action::ALL {
                if !context.offers(action.spec().scope, false) {
                    continue;
                }
                for key in self.keys_in(action, context) {
                    match owner.insert(key.config(), action) {
                        Some(first) if first != action => {
                            return Err(KeymapError::Clash {
                                file: file.to_owned(),
                                key: key.config(),
                                first: first.name(),
                                second: action.name(),
                                place: context.describe(),
                            });
                        }
                        _ => {}
                    }
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
