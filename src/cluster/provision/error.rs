//! What can go wrong provisioning a server, and the command that installs one instead.

use std::path::Path;

/// Problems provisioning a server. Every message says what to do next.
#[derive(Debug, thiserror::Error)]
pub enum ProvisionError {
    /// Downloading is not allowed (`--offline`) or not possible (no network).
    #[error(
        "no PostgreSQL server found and {reason}: install one with `{hint}`, or point \
         --pgbin / PGPULSE_PGBIN at its bin directory"
    )]
    Unavailable {
        /// Why nothing was downloaded.
        reason: String,
        /// The package manager command for this machine.
        hint: String,
    },
    /// The registry answered, but not with a usable package.
    #[error("{doing}: {detail}")]
    Network {
        /// What we were doing, e.g. "downloading from registry.npmjs.org".
        doing: String,
        /// What failed.
        detail: String,
        /// Whether the registry answered at all (an HTTP status) rather than not at all.
        reachable: bool,
    },
    /// The registry's metadata for the release is unusable.
    #[error("the registry's entry for {release} is unusable: {detail}")]
    Registry {
        /// The release asked for.
        release: String,
        /// What is wrong with it.
        detail: String,
    },
    /// The download does not match the published hash.
    #[error(
        "the download of {release} does not match the registry's integrity hash (expected \
         {expected}, got {actual}); it was removed, not used"
    )]
    Integrity {
        /// The release downloaded.
        release: String,
        /// The published hash.
        expected: String,
        /// The download's hash.
        actual: String,
    },
    /// The package unpacked, but is not what a server needs.
    #[error("the downloaded PostgreSQL package is unusable: {detail}")]
    Package {
        /// What is missing or wrong.
        detail: String,
    },
    /// No build is published for this OS and CPU.
    #[error(
        "no PostgreSQL build is published for this platform ({0}): install one with `{1}`, \
         or point --pgbin / PGPULSE_PGBIN at its bin directory"
    )]
    Unsupported(String, String),
    /// A filesystem operation failed.
    #[error("{context}: {source}")]
    Io {
        /// What we were doing, with the path.
        context: String,
        /// The underlying error.
        source: std::io::Error,
    },
}

impl ProvisionError {
    /// The error-mapping closure for an I/O operation on `path`.
    pub(super) fn io(
        what: &'static str,
        path: &Path,
    ) -> impl FnOnce(std::io::Error) -> ProvisionError {
        let context = format!("{what} {}", path.display());
        move |source| ProvisionError::Io { context, source }
    }
}

/// The one command that installs a server here: apt, dnf or brew, whichever this machine
/// has (apt when none is found, the most common case).
pub fn install_hint() -> String {
    let on_path = |tool: &str| {
        std::env::var_os("PATH")
            .is_some_and(|p| std::env::split_paths(&p).any(|dir| dir.join(tool).is_file()))
    };
    if cfg!(target_os = "macos") || (!on_path("apt-get") && !on_path("dnf") && on_path("brew")) {
        "brew install postgresql@17".into()
    } else if !on_path("apt-get") && on_path("dnf") {
        "sudo dnf install postgresql-server postgresql-contrib".into()
    } else {
        "sudo apt-get install postgresql postgresql-contrib".into()
    }
}
