//! Turns the layered settings into one [`ConnParams`], applying libpq's defaults.

use std::path::{Path, PathBuf};

use super::layers::Layers;
use super::pgpass;
use super::values::{self, DEFAULT_PORT};
use super::{
    ConnInfoError, ConnParams, Host, Password, PasswordSource, RootCert, Sources, SslMode,
};

/// Socket directories tried when no host is given: Debian's libpq default first,
/// then the upstream default.
const SOCKET_DIRS: [&str; 2] = ["/var/run/postgresql", "/tmp"];

/// Resolves the connection target from all sources, libpq's way.
pub fn resolve(sources: &Sources<'_>) -> Result<ConnParams, ConnInfoError> {
    let layers = Layers::collect(sources)?;
    for key in ["host", "hostaddr", "port"] {
        if let Some(list) = layers.value(key).filter(|v| v.contains(',')) {
            return Err(ConnInfoError::MultipleHosts(list.to_owned()));
        }
    }
    let mut warnings = Vec::new();
    check_compatibility_keywords(&layers, &mut warnings)?;

    let port = layers
        .value("port")
        .map(values::port)
        .transpose()?
        .unwrap_or(DEFAULT_PORT);
    let user = match layers.value("user") {
        Some(user) => user.to_owned(),
        None if !sources.os_user.is_empty() => sources.os_user.clone(),
        None => {
            return Err(values::bad_value(
                "user",
                "",
                "the operating-system user name is unknown; give a user name",
            ));
        }
    };
    let dbname = layers.value("dbname").unwrap_or(&user).to_owned();
    let host = host(&layers, port, sources)?;
    let hostaddr = hostaddr(&layers)?;
    let (sslmode, sslrootcert) = tls(&layers, sources)?;

    let (password, password_source) = match layers.get("password") {
        Some((level, secret)) if !secret.is_empty() => {
            (Some(Password::new(secret)), Some(level.password_source()))
        }
        // An empty password counts as none, so the password file is consulted.
        _ => match password_file(&layers, sources) {
            Some(path) => {
                let hosts = passfile_hosts(&layers, &host);
                let port = port.to_string();
                let target = pgpass::Target {
                    hosts: &hosts,
                    port: &port,
                    dbname: &dbname,
                    user: &user,
                };
                match pgpass::lookup(&path, &target, sources.read_file, &mut warnings) {
                    Some(secret) => (
                        Some(Password::new(secret)),
                        Some(PasswordSource::PassFile(path)),
                    ),
                    None => (None, None),
                }
            }
            None => (None, None),
        },
    };

    Ok(ConnParams {
        host,
        hostaddr,
        port,
        user,
        dbname,
        password,
        password_source,
        sslmode,
        sslrootcert,
        connect_timeout: values::connect_timeout(layers.value("connect_timeout"))?,
        // libpq: application_name (any source, PGAPPNAME included) beats the fallback.
        application_name: layers
            .value("application_name")
            .or_else(|| layers.value("fallback_application_name"))
            .map(str::to_owned),
        options: layers.value("options").map(str::to_owned),
        keepalives: values::keepalives(layers.value("keepalives"))?,
        keepalives_idle: values::keepalives_idle(layers.value("keepalives_idle"))?,
        service: layers.service.clone(),
        warnings,
    })
}

/// Validates keywords that are accepted for psql compatibility but not stored.
fn check_compatibility_keywords(
    layers: &Layers,
    warnings: &mut Vec<String>,
) -> Result<(), ConnInfoError> {
    for key in ["keepalives_interval", "keepalives_count"] {
        if let Some(value) = layers.value(key) {
            values::integer(key, value)?;
        }
    }
    if let Some(value) = layers.value("target_session_attrs") {
        values::target_session_attrs(value)?;
    }
    if let Some(value) = layers.value("gssencmode") {
        values::gssencmode(value)?;
    }
    if let Some(value) = layers.value("channel_binding")
        && values::channel_binding_required(value)?
    {
        // Not fatal (SCRAM still protects the password), but the user asked for a
        // guarantee we do not give, so say so.
        warnings.push(
            "channel_binding=require is not enforced by pgpulse; \
             the connection may proceed without channel binding"
                .to_owned(),
        );
    }
    Ok(())
}

/// The numeric address to connect to (`hostaddr`), validated.
fn hostaddr(layers: &Layers) -> Result<Option<String>, ConnInfoError> {
    layers
        .value("hostaddr")
        .map(|address| values::hostaddr(address).map(str::to_owned))
        .transpose()
}

/// The host as libpq names it: `host`, else `hostaddr` (then both are the address),
/// else the default socket directory. With both given, pgpulse connects to `hostaddr`
/// and verifies the certificate against `host`, as libpq does.
fn host(layers: &Layers, port: u16, sources: &Sources<'_>) -> Result<Host, ConnInfoError> {
    if let (None, Some(address)) = (layers.value("host"), hostaddr(layers)?) {
        return Ok(Host::Tcp(address));
    }
    Ok(match layers.value("host") {
        Some(dir) if dir.starts_with('/') => Host::Socket(PathBuf::from(dir)),
        Some(name) => Host::Tcp(name.to_owned()),
        None => Host::Socket(default_socket_dir(port, sources)),
    })
}

/// The first directory holding this port's socket; else the first directory that
/// exists; else `/tmp`. (Debian's libpq only knows `/var/run/postgresql`; trying
/// both finds a server built from source too.)
fn default_socket_dir(port: u16, sources: &Sources<'_>) -> PathBuf {
    let socket_file = format!(".s.PGSQL.{port}");
    let dirs = SOCKET_DIRS.map(Path::new);
    dirs.iter()
        .find(|dir| (sources.exists)(&dir.join(&socket_file)))
        .or_else(|| dirs.iter().find(|dir| (sources.exists)(dir)))
        .unwrap_or(&dirs[1])
        .to_path_buf()
}

/// `sslmode` and `sslrootcert`, with libpq 16's rules for `sslrootcert=system`.
fn tls(
    layers: &Layers,
    sources: &Sources<'_>,
) -> Result<(SslMode, Option<RootCert>), ConnInfoError> {
    let system_roots = layers.value("sslrootcert") == Some("system");
    let sslmode = match layers.value("sslmode") {
        Some(value) => {
            let mode = values::sslmode(value)?;
            // The system store holds many CAs; anything short of verify-full would
            // accept a certificate any of them issued for any name.
            if system_roots && mode != SslMode::VerifyFull {
                return Err(values::bad_value(
                    "sslmode",
                    value,
                    "weak sslmode may not be used with sslrootcert=system (use verify-full)",
                ));
            }
            mode
        }
        None if system_roots => SslMode::VerifyFull,
        None => SslMode::Prefer,
    };
    let rootcert = match layers.value("sslrootcert") {
        Some("system") => Some(RootCert::System),
        // No `~` expansion: libpq takes the path literally.
        Some(path) => Some(RootCert::File(PathBuf::from(path))),
        None => sources
            .home
            .as_ref()
            .map(|home| home.join(".postgresql").join("root.crt"))
            .filter(|path| (sources.exists)(path))
            .map(RootCert::File),
    };
    Ok((sslmode, rootcert))
}

/// `passfile`, else `PGPASSFILE` (both via the layers), else `~/.pgpass`.
fn password_file(layers: &Layers, sources: &Sources<'_>) -> Option<PathBuf> {
    layers
        .value("passfile")
        .map(PathBuf::from)
        .or_else(|| sources.home.as_ref().map(|home| home.join(".pgpass")))
}

/// Host field values that select a password file line.
///
/// libpq matches the host as given (`host`, else `hostaddr`). For a Unix socket it
/// matches `localhost`; the socket directory itself is accepted too.
fn passfile_hosts(layers: &Layers, host: &Host) -> Vec<String> {
    match layers.value("host").or_else(|| layers.value("hostaddr")) {
        Some(name) if !name.starts_with('/') => vec![name.to_owned()],
        Some(dir) => vec!["localhost".to_owned(), dir.to_owned()],
        None => match host {
            Host::Socket(dir) => vec!["localhost".to_owned(), dir.display().to_string()],
            Host::Tcp(name) => vec![name.clone()],
        },
    }
}

#[cfg(test)]
mod tests;
