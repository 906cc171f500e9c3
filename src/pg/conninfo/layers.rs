//! Gathers the settings of every source into precedence levels.
//!
//! A keyword's value comes from the highest level that sets it. A level that sets a
//! keyword to the empty string still stops the search (libpq only falls back when a
//! value is absent), and the resolver then treats the empty value as "use the
//! default". Empty flags and empty environment variables count as unset.

use std::path::PathBuf;

use super::keywords::{self, Settings};
use super::service::{self, ServiceFiles};
use super::{ConnInfoError, Flags, PasswordSource, Sources, conninfo_string, uri};

/// Where a setting came from, highest precedence first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Level {
    /// `-h -p -U`, and `-d` when it is a plain database name.
    Flags,
    /// `-d` holding a conninfo string or URI (psql expands it). It sits above the
    /// positional argument because it was given as a flag, but below the other flags.
    DbnameArgument,
    /// The positional conninfo string, URI or database name.
    Positional,
    /// The service file section.
    Service,
    /// `PG*` environment variables.
    Environment,
}

impl Level {
    /// How to describe a password taken from this level.
    pub(crate) fn password_source(self) -> PasswordSource {
        match self {
            Self::Flags | Self::DbnameArgument | Self::Positional => PasswordSource::Conninfo,
            Self::Service => PasswordSource::ServiceFile,
            Self::Environment => PasswordSource::Environment,
        }
    }
}

/// All sources' settings, in precedence order.
pub(crate) struct Layers {
    levels: Vec<(Level, Settings)>,
    /// The service whose section was applied.
    pub service: Option<String>,
}

impl Layers {
    /// Reads flags, the positional argument, the environment and the service file.
    pub(crate) fn collect(sources: &Sources<'_>) -> Result<Self, ConnInfoError> {
        let (flags, dbname_argument) = from_flags(&sources.flags)?;
        let positional = match sources.positional.as_deref() {
            Some(argument) => from_argument(argument)?,
            None => Settings::new(),
        };
        let environment = from_environment(sources.env);
        let mut layers = Self {
            levels: vec![
                (Level::Flags, flags),
                (Level::DbnameArgument, dbname_argument),
                (Level::Positional, positional),
            ],
            service: None,
        };

        // The service is named by the connection string, else by PGSERVICE; the
        // service file's own settings cannot name another one.
        let from_env = |key: &str| environment.get(key).map(String::as_str);
        let service_name = layers.value("service").or_else(|| from_env("service"));
        if let Some(name) = service_name.map(str::to_owned) {
            let files = ServiceFiles {
                user: layers
                    .value("servicefile")
                    .or_else(|| from_env("servicefile"))
                    .map(PathBuf::from)
                    .or_else(|| sources.home.as_ref().map(|h| h.join(".pg_service.conf"))),
                system: PathBuf::from(
                    nonempty((sources.env)("PGSYSCONFDIR"))
                        .unwrap_or_else(|| service::DEFAULT_SYSCONFDIR.to_owned()),
                )
                .join("pg_service.conf"),
            };
            let settings = service::load(&name, &files, sources.read_file)?;
            layers.levels.push((Level::Service, settings));
            layers.service = Some(name);
        }
        layers.levels.push((Level::Environment, environment));
        Ok(layers)
    }

    /// The value and level of the highest level that sets `key`, even to "".
    pub(crate) fn get(&self, key: &str) -> Option<(Level, &str)> {
        self.levels
            .iter()
            .find_map(|(level, settings)| settings.get(key).map(|v| (*level, v.as_str())))
    }

    /// The value of `key`, `None` when unset or set to the empty string.
    pub(crate) fn value(&self, key: &str) -> Option<&str> {
        self.get(key)
            .map(|(_, value)| value)
            .filter(|v| !v.is_empty())
    }
}

fn nonempty(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.is_empty())
}

/// The flags' settings, and `-d`'s own settings when it is a conninfo string or URI.
fn from_flags(flags: &Flags) -> Result<(Settings, Settings), ConnInfoError> {
    let mut settings = Settings::new();
    let given = [
        ("host", &flags.host),
        ("port", &flags.port),
        ("user", &flags.user),
    ];
    for (key, value) in given {
        if let Some(value) = nonempty(value.clone()) {
            settings.insert(key, value);
        }
    }
    let mut dbname_argument = Settings::new();
    if let Some(dbname) = nonempty(flags.dbname.clone()) {
        if is_connection_string(&dbname) {
            dbname_argument = from_argument(&dbname)?;
        } else {
            settings.insert("dbname", dbname);
        }
    }
    Ok((settings, dbname_argument))
}

/// libpq's `recognized_connection_string`: a URI, or anything with `=`.
fn is_connection_string(text: &str) -> bool {
    uri::is_uri(text) || text.contains('=')
}

/// A positional argument: URI, conninfo string, or bare database name.
fn from_argument(argument: &str) -> Result<Settings, ConnInfoError> {
    let pairs = if uri::is_uri(argument) {
        uri::parse(argument)?
    } else if argument.contains('=') {
        conninfo_string::parse(argument)?
    } else if argument.is_empty() {
        Vec::new()
    } else {
        vec![("dbname", argument.to_owned())]
    };
    // Collecting keeps the last of duplicate keys, as libpq does.
    Ok(pairs.into_iter().collect())
}

fn from_environment(env: &dyn Fn(&str) -> Option<String>) -> Settings {
    keywords::env_vars()
        .filter_map(|(key, var)| nonempty(env(var)).map(|value| (key, value)))
        .collect()
}
