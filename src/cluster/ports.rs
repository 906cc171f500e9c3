//! Ports for the servers pgpulse starts (the demo's, the test harness's, their
//! PgBouncers). They are chosen below the kernel's ephemeral range: a port in that range
//! can be taken by any outgoing connection's local end while a server is being restarted,
//! and the restart then fails with "Address already in use" (seen in CI: a standby
//! topology restarts its primary once, and the machine's other tests connect all the
//! while). Still racy between two servers choosing at once, which the callers retry.

use std::hash::{BuildHasher, Hasher};
use std::net::TcpListener;
use std::path::Path;

use super::error::{ClusterError, io_err};

/// Where our ports start: above the well-known and most registered services' ports.
const LOWEST: u16 = 20_000;
/// The ephemeral range's start when the kernel does not say (Linux's default).
const DEFAULT_EPHEMERAL_START: u16 = 32_768;
/// Random picks tried before asking the kernel for any free port instead.
const PICKS: usize = 32;

/// A port on 127.0.0.1 that was free a moment ago, below the ephemeral range when it
/// leaves room there, else any the kernel gives.
pub fn free_port() -> Result<u16, ClusterError> {
    let below = ephemeral_start().unwrap_or(DEFAULT_EPHEMERAL_START);
    if below > LOWEST {
        let span = u64::from(below - LOWEST);
        for _ in 0..PICKS {
            let port = LOWEST + u16::try_from(random() % span).unwrap_or(0);
            if TcpListener::bind(("127.0.0.1", port)).is_ok() {
                return Ok(port);
            }
        }
    }
    let listener = TcpListener::bind(("127.0.0.1", 0))
        .and_then(|l| l.local_addr())
        .map_err(io_err(
            "binding a probe socket on",
            Path::new("127.0.0.1:0"),
        ))?;
    Ok(listener.port())
}

/// The first port of the kernel's ephemeral range (Linux), if it can be read.
fn ephemeral_start() -> Option<u16> {
    std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// A random number: std's hasher keys are random per process and differ per instance.
fn random() -> u64 {
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u32(std::process::id());
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_are_free_below_the_ephemeral_range_and_vary() {
        let below = ephemeral_start().unwrap_or(DEFAULT_EPHEMERAL_START);
        let ports: Vec<u16> = (0..8).map(|_| free_port().unwrap()).collect();
        for port in &ports {
            if below > LOWEST {
                assert!(
                    (LOWEST..below).contains(port),
                    "{port} (range starts {below})"
                );
            }
            assert!(TcpListener::bind(("127.0.0.1", *port)).is_ok(), "{port}");
        }
        let mut distinct = ports.clone();
        distinct.sort_unstable();
        distinct.dedup();
        assert!(distinct.len() > 1, "{ports:?}");
    }
}
