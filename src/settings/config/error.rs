//! Why the config could not be used, in words that name the file and the key, quote the
//! value and say how to fix it.

/// Why the config could not be used. Each message names the file, quotes the bad value
/// (as written in the file) and says how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// The file exists but cannot be read.
    #[error("{file}: cannot read the config file: {message} (check its permissions)")]
    Io { file: String, message: String },
    /// The file is not TOML.
    #[error(
        "{file}: not valid TOML at line {line}, column {column}: {message} (fix the syntax \
         there; `pgpulse --print-config` prints a valid file)"
    )]
    Toml {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },
    /// A key pgpulse does not know (often a typo).
    #[error("{file}: unknown key \"{key}\" (use one of: {known})")]
    UnknownKey {
        file: String,
        key: String,
        known: String,
    },
    /// A value of the wrong type or out of range.
    #[error("{file}: {key} = {value} {problem} ({fix})")]
    BadValue {
        file: String,
        key: String,
        value: String,
        problem: String,
        fix: String,
    },
    /// A required key that is not there.
    #[error("{file}: {key} is missing ({fix})")]
    Missing {
        file: String,
        key: String,
        fix: String,
    },
    /// `--target NAME` that the config does not define.
    #[error("{file}: unknown target \"{name}\" ({hint})")]
    UnknownTarget {
        file: String,
        name: String,
        hint: String,
    },
}
