//! Is the server on this machine? Decided from the connection target's text and the
//! backend process, never from DNS: pgpulse must not send traffic to find out.

use std::ffi::OsStr;
use std::net::IpAddr;
use std::path::Path;

use crate::pg::conninfo::Host;

/// Whether a connection to `host` (or to `hostaddr`, which libpq connects to instead when
/// given) stays on this machine: a Unix socket, a loopback address (127.0.0.0/8, `::1`,
/// also IPv4-mapped) or the name `localhost`.
///
/// Any other name counts as remote even if it would resolve to this machine: resolving it
/// would be network traffic, and a wrong "remote" only hides the host panel while a wrong
/// "local" would show another machine's numbers.
pub fn is_loopback_target(host: &Host, hostaddr: Option<&str>) -> bool {
    if let Some(addr) = hostaddr {
        return is_loopback_name(addr);
    }
    match host {
        Host::Socket(_) => true,
        Host::Tcp(name) => is_loopback_name(name),
    }
}

fn is_loopback_name(name: &str) -> bool {
    let name = name.trim();
    // URIs write IPv6 literals in brackets; a trailing dot makes a name fully qualified.
    let bare = name
        .strip_prefix('[')
        .and_then(|n| n.strip_suffix(']'))
        .unwrap_or(name);
    if bare.eq_ignore_ascii_case("localhost") || bare.eq_ignore_ascii_case("localhost.") {
        return true;
    }
    // A zone index (`::1%lo`) is not part of the address.
    let bare = bare.split('%').next().unwrap_or(bare);
    bare.parse::<IpAddr>()
        .is_ok_and(|ip| ip.to_canonical().is_loopback())
}

/// Whether a process looks like a PostgreSQL server process, by its name or executable.
///
/// Backends keep the executable's name (`postgres`) even though they rewrite their command
/// line for `ps`; some packages install it as `postmaster`, and forks add prefixes or
/// suffixes (`edb-postgres`, `postgres.bin`), hence "contains".
pub fn looks_like_postgres(name: &OsStr, exe: Option<&Path>) -> bool {
    let matches = |text: &OsStr| {
        let text = text.to_string_lossy().to_ascii_lowercase();
        text.contains("postgres") || text.contains("postmaster")
    };
    matches(name) || exe.and_then(Path::file_name).is_some_and(matches)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn only_sockets_and_loopback_addresses_are_local() {
        let tcp = |name: &str| Host::Tcp(name.into());
        let cases = [
            (
                Host::Socket(PathBuf::from("/var/run/postgresql")),
                None,
                true,
            ),
            (tcp("localhost"), None, true),
            (tcp("LocalHost"), None, true),
            (tcp("localhost."), None, true),
            (tcp("127.0.0.1"), None, true),
            (tcp("127.8.9.10"), None, true),
            (tcp("::1"), None, true),
            (tcp("[::1]"), None, true),
            (tcp("::1%lo"), None, true),
            (tcp("::ffff:127.0.0.1"), None, true),
            (tcp("db.example.com"), None, false),
            (tcp("localhost.example.com"), None, false),
            (tcp("mylocalhost"), None, false),
            (tcp("128.0.0.1"), None, false),
            (tcp("10.0.0.5"), None, false),
            (tcp("0.0.0.0"), None, false),
            (tcp("::"), None, false),
            (tcp(""), None, false),
            // hostaddr is where libpq really connects; host is then only a name.
            (tcp("db.example.com"), Some("127.0.0.1"), true),
            (tcp("localhost"), Some("10.1.2.3"), false),
            (
                Host::Socket(PathBuf::from("/tmp")),
                Some("192.168.1.1"),
                false,
            ),
        ];
        for (host, hostaddr, want) in cases {
            assert_eq!(
                is_loopback_target(&host, hostaddr),
                want,
                "{host:?} hostaddr={hostaddr:?}"
            );
        }
    }

    #[test]
    fn postgres_processes_are_recognised_by_name_or_executable() {
        let exe = |p: &str| Some(PathBuf::from(p));
        let cases = [
            ("postgres", None, true),
            ("postmaster", None, true),
            ("edb-postgres", None, true),
            ("Postgres", None, true),
            ("bash", exe("/usr/lib/postgresql/16/bin/postgres"), true),
            ("bash", exe("/usr/bin/bash"), false),
            // A directory named like postgres does not make a process a server.
            ("python3", exe("/opt/postgres/tools/python3"), false),
            ("sleep", None, false),
        ];
        for (name, exe, want) in cases {
            assert_eq!(
                looks_like_postgres(OsStr::new(name), exe.as_deref()),
                want,
                "{name} {exe:?}"
            );
        }
    }
}
