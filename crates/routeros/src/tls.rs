//! TLS for API-SSL (port 8729) with rustls (ring): a custom CA, a pinned leaf
//! certificate, or an explicit insecure mode. RouterOS's certificate-less API-SSL only
//! offers anonymous DH, which rustls cannot do: give the router a certificate.

use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// How the router's certificate is checked.
#[derive(Clone, PartialEq, Eq)]
pub enum TlsVerify {
    /// Verify the chain against these CA certificates (PEM) and the host name / IP.
    CaPem(Vec<u8>),
    /// Accept exactly the leaf certificate whose DER has this SHA-256 (any issuer, any
    /// name, expiry not checked); handshake signatures are still verified.
    PinnedSha256([u8; 32]),
    /// Accept any certificate. Encrypts but does not authenticate the router: only for
    /// labs or a router on a trusted link.
    Insecure,
}

impl std::fmt::Debug for TlsVerify {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::CaPem(pem) => write!(f, "CaPem({} bytes)", pem.len()),
            Self::PinnedSha256(pin) => write!(f, "PinnedSha256({})", hex::encode(pin)),
            Self::Insecure => f.write_str("Insecure"),
        }
    }
}

/// TLS settings of a connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsOptions {
    /// How the certificate is checked.
    pub verify: TlsVerify,
    /// Name to verify instead of the connect host (e.g. the certificate's DNS name when
    /// connecting by IP).
    pub server_name: Option<String>,
}

impl TlsOptions {
    /// Verify against a CA certificate (PEM).
    #[must_use]
    pub fn ca_pem(pem: impl Into<Vec<u8>>) -> Self {
        Self {
            verify: TlsVerify::CaPem(pem.into()),
            server_name: None,
        }
    }

    /// Pin the router's leaf certificate by SHA-256 of its DER.
    #[must_use]
    pub fn pinned(sha256: [u8; 32]) -> Self {
        Self {
            verify: TlsVerify::PinnedSha256(sha256),
            server_name: None,
        }
    }

    /// Pin by a hex SHA-256 (colons and spaces allowed, as tools print fingerprints).
    pub fn pinned_hex(hex_text: &str) -> Result<Self> {
        let clean: String = hex_text.chars().filter(char::is_ascii_hexdigit).collect();
        let bytes = hex::decode(&clean).map_err(|e| Error::Invalid(format!("pin: {e}")))?;
        let pin: [u8; 32] = bytes
            .try_into()
            .map_err(|_| Error::Invalid("pin must be a SHA-256 (32 bytes)".into()))?;
        Ok(Self::pinned(pin))
    }

    /// Accept any certificate.
    #[must_use]
    pub fn insecure() -> Self {
        Self {
            verify: TlsVerify::Insecure,
            server_name: None,
        }
    }
}

/// SHA-256 of a certificate's DER, the value [`TlsVerify::PinnedSha256`] expects.
#[must_use]
pub fn cert_sha256(der: &[u8]) -> [u8; 32] {
    Sha256::digest(der).into()
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn tls_err(e: impl std::fmt::Display) -> Error {
    Error::Tls(e.to_string())
}

/// Parses every certificate in a PEM blob.
pub fn certs_from_pem(pem: &[u8]) -> Result<Vec<CertificateDer<'static>>> {
    let certs = rustls_pemfile::certs(&mut &pem[..])
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(tls_err)?;
    if certs.is_empty() {
        return Err(Error::Tls("no certificate found in PEM".into()));
    }
    Ok(certs)
}

/// Parses the first private key in a PEM blob.
pub fn key_from_pem(pem: &[u8]) -> Result<PrivateKeyDer<'static>> {
    rustls_pemfile::private_key(&mut &pem[..])
        .map_err(tls_err)?
        .ok_or_else(|| Error::Tls("no private key found in PEM".into()))
}

/// A rustls client config for these options.
pub fn client_config(options: &TlsOptions) -> Result<rustls::ClientConfig> {
    let provider = provider();
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(tls_err)?;
    let config = match &options.verify {
        TlsVerify::CaPem(pem) => {
            let mut roots = rustls::RootCertStore::empty();
            for cert in certs_from_pem(pem)? {
                roots.add(cert).map_err(tls_err)?;
            }
            builder.with_root_certificates(roots).with_no_client_auth()
        }
        TlsVerify::PinnedSha256(pin) => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(NoCaVerifier {
                pin: Some(*pin),
                algorithms: provider.signature_verification_algorithms,
            }))
            .with_no_client_auth(),
        TlsVerify::Insecure => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(NoCaVerifier {
                pin: None,
                algorithms: provider.signature_verification_algorithms,
            }))
            .with_no_client_auth(),
    };
    Ok(config)
}

/// A rustls server config from PEM certificate chain and key (used by the simulator).
pub fn server_config(cert_pem: &[u8], key_pem: &[u8]) -> Result<rustls::ServerConfig> {
    rustls::ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(tls_err)?
        .with_no_client_auth()
        .with_single_cert(certs_from_pem(cert_pem)?, key_from_pem(key_pem)?)
        .map_err(tls_err)
}

/// The name rustls verifies: an explicit override or the connect host (DNS name or IP).
pub fn server_name(options: &TlsOptions, host: &str) -> Result<ServerName<'static>> {
    let name = options.server_name.as_deref().unwrap_or(host);
    ServerName::try_from(name.to_owned()).map_err(tls_err)
}

/// Checks only the pin (when set) and handshake signatures; no chain, name or expiry.
#[derive(Debug)]
struct NoCaVerifier {
    pin: Option<[u8; 32]>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for NoCaVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        match self.pin {
            Some(pin) if cert_sha256(end_entity.as_ref()) != pin => Err(rustls::Error::General(
                "router certificate does not match the pinned SHA-256".into(),
            )),
            _ => Ok(ServerCertVerified::assertion()),
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pin_hex_accepts_colons() {
        let hex_pin = "AB:".repeat(31) + "AB";
        assert_eq!(
            TlsOptions::pinned_hex(&hex_pin).unwrap().verify,
            TlsVerify::PinnedSha256([0xAB; 32])
        );
        assert!(TlsOptions::pinned_hex("abcd").is_err());
    }

    #[test]
    fn bad_pem_is_a_tls_error() {
        assert!(matches!(
            client_config(&TlsOptions::ca_pem(&b"nope"[..])),
            Err(Error::Tls(_))
        ));
    }
}
