//! libpq's six sslmodes over rustls.
//!
//! tokio-postgres knows only `disable`/`prefer`/`require`, and the rustls connector always
//! checks the chain *and* the host name. libpq's `prefer`/`require` encrypt without
//! verifying anything, and `verify-ca` checks the chain but not the name, so pgpulse brings
//! its own certificate verifiers and maps each mode to a list of connection attempts.

use std::sync::Arc;

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};
use tokio_postgres::config::SslMode as WireSslMode;

use crate::pg::conninfo::{ConnParams, Host, RootCert, SslMode};

/// How much of the server's certificate is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verification {
    /// Encrypt only (libpq `prefer`/`require` without a root certificate).
    None,
    /// Chain up to a trusted root, any host name (`verify-ca`).
    Chain,
    /// Chain and host name (`verify-full`).
    Full,
}

/// One way of opening the connection; `allow` needs two.
#[derive(Clone)]
pub struct Attempt {
    /// What tokio-postgres is told.
    pub wire_mode: WireSslMode,
    /// The rustls configuration, when the attempt may encrypt.
    pub tls: Option<Arc<ClientConfig>>,
    pub verification: Verification,
}

impl std::fmt::Debug for Attempt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Attempt")
            .field("wire_mode", &self.wire_mode)
            .field("encrypts", &self.tls.is_some())
            .field("verification", &self.verification)
            .finish()
    }
}

/// Why no TLS configuration could be built.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error(
        "root certificate file \"{0}\" does not exist; either provide the file, use the system's trusted roots with sslrootcert=system, or change sslmode to disable server certificate verification"
    )]
    RootCertMissing(String),
    #[error("could not read root certificate file \"{path}\": {reason}")]
    RootCertUnreadable { path: String, reason: String },
    #[error("no certificates found in root certificate file \"{0}\"")]
    RootCertEmpty(String),
    #[error("could not load the system's trusted root certificates: {0}")]
    SystemRoots(String),
    #[error("TLS setup failed: {0}")]
    Rustls(String),
}

/// The connection attempts for these parameters, in order, like libpq:
/// `allow` tries plain first then TLS; `prefer` asks for TLS and accepts plain;
/// `require` insists on TLS (and verifies the chain when a root certificate file is
/// present, as libpq does); `verify-ca`/`verify-full` insist and verify.
pub fn attempts(params: &ConnParams) -> Result<Vec<Attempt>, TlsError> {
    // The server never offers TLS on a Unix socket; libpq skips it there too.
    if matches!(params.host, Host::Socket(_)) {
        return Ok(vec![plain()]);
    }
    let root_file_present = matches!(params.sslrootcert, Some(RootCert::File(_)));
    let attempts = match params.sslmode {
        SslMode::Disable => vec![plain()],
        SslMode::Allow => vec![
            plain(),
            encrypted(WireSslMode::Require, Verification::None, None)?,
        ],
        SslMode::Prefer => vec![encrypted(WireSslMode::Prefer, Verification::None, None)?],
        SslMode::Require if root_file_present => vec![encrypted(
            WireSslMode::Require,
            Verification::Chain,
            params.sslrootcert.as_ref(),
        )?],
        SslMode::Require => vec![encrypted(WireSslMode::Require, Verification::None, None)?],
        SslMode::VerifyCa => vec![encrypted(
            WireSslMode::Require,
            Verification::Chain,
            Some(required_root(params)?),
        )?],
        SslMode::VerifyFull => vec![encrypted(
            WireSslMode::Require,
            Verification::Full,
            Some(required_root(params)?),
        )?],
    };
    Ok(attempts)
}

fn plain() -> Attempt {
    Attempt {
        wire_mode: WireSslMode::Disable,
        tls: None,
        verification: Verification::None,
    }
}

fn required_root(params: &ConnParams) -> Result<&RootCert, TlsError> {
    params
        .sslrootcert
        .as_ref()
        .ok_or_else(|| TlsError::RootCertMissing("~/.postgresql/root.crt".into()))
}

fn encrypted(
    wire_mode: WireSslMode,
    verification: Verification,
    root: Option<&RootCert>,
) -> Result<Attempt, TlsError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier: Arc<dyn ServerCertVerifier> = match (verification, root) {
        (Verification::None, _) | (_, None) => Arc::new(EncryptOnly(provider.clone())),
        (Verification::Chain, Some(root)) => Arc::new(ChainOnly(webpki(root, &provider)?)),
        (Verification::Full, Some(root)) => webpki(root, &provider)?,
    };
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsError::Rustls(e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    Ok(Attempt {
        wire_mode,
        tls: Some(Arc::new(config)),
        verification,
    })
}

fn webpki(
    root: &RootCert,
    provider: &Arc<CryptoProvider>,
) -> Result<Arc<WebPkiServerVerifier>, TlsError> {
    let store = root_store(root)?;
    WebPkiServerVerifier::builder_with_provider(Arc::new(store), provider.clone())
        .build()
        .map_err(|e| TlsError::Rustls(e.to_string()))
}

fn root_store(root: &RootCert) -> Result<RootCertStore, TlsError> {
    let mut store = RootCertStore::empty();
    match root {
        RootCert::File(path) => {
            let shown = path.display().to_string();
            if !path.exists() {
                return Err(TlsError::RootCertMissing(shown));
            }
            let certs = CertificateDer::pem_file_iter(path)
                .and_then(|iter| iter.collect::<Result<Vec<_>, _>>())
                .map_err(|e| TlsError::RootCertUnreadable {
                    path: shown.clone(),
                    reason: e.to_string(),
                })?;
            let (added, _ignored) = store.add_parsable_certificates(certs);
            if added == 0 {
                return Err(TlsError::RootCertEmpty(shown));
            }
        }
        RootCert::System => {
            let loaded = rustls_native_certs::load_native_certs();
            if loaded.certs.is_empty() {
                let reason = loaded
                    .errors
                    .first()
                    .map_or_else(|| "none found".to_string(), |e| e.to_string());
                return Err(TlsError::SystemRoots(reason));
            }
            store.add_parsable_certificates(loaded.certs);
        }
    }
    Ok(store)
}

/// libpq `require`: the channel is encrypted and the handshake signatures are checked
/// (so the peer holds the key of the certificate it sent), but the certificate itself is
/// trusted blindly.
#[derive(Debug)]
struct EncryptOnly(Arc<CryptoProvider>);

impl ServerCertVerifier for EncryptOnly {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// libpq `verify-ca`: full chain verification, host name not compared. webpki checks the
/// chain before the name, so a name mismatch error means the chain was good.
#[derive(Debug)]
struct ChainOnly(Arc<WebPkiServerVerifier>);

impl ServerCertVerifier for ChainOnly {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match self
            .0
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
        {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}
