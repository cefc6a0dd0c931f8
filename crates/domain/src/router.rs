//! A MikroTik router of this install, as configured (several per install, one per site).

use std::fmt;

use serde::{Deserialize, Serialize};

/// What it takes to reach and manage one router. The password is in clear here; the store
/// encrypts it at rest.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouterSpec {
    pub name: String,
    pub host: String,
    pub port: u16,
    pub use_tls: bool,
    /// Accept any TLS certificate (explicit opt-in for self-signed routers).
    pub tls_insecure: bool,
    pub tls_ca_pem: Option<String>,
    /// SHA-256 of the router's certificate (hex), to pin it.
    pub tls_fingerprint_sha256: Option<String>,
    pub username: String,
    pub password: String,
    pub hotspot_server_names: Vec<String>,
    pub hotspot_client_cidrs: Vec<String>,
    pub is_enabled: bool,
}

impl fmt::Debug for RouterSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RouterSpec")
            .field("name", &self.name)
            .field("host", &self.host)
            .field("port", &self.port)
            .field("use_tls", &self.use_tls)
            .field("tls_insecure", &self.tls_insecure)
            .field("username", &self.username)
            .field("password", &"********")
            .field("hotspot_server_names", &self.hotspot_server_names)
            .field("hotspot_client_cidrs", &self.hotspot_client_cidrs)
            .field("is_enabled", &self.is_enabled)
            .finish_non_exhaustive()
    }
}

/// The name of the router that `MIKROTIK_*` (or the embedded simulator) configures.
pub const DEFAULT_ROUTER_NAME: &str = "default";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_password() {
        let spec = RouterSpec {
            name: "default".into(),
            host: "10.0.0.1".into(),
            port: 8728,
            use_tls: false,
            tls_insecure: false,
            tls_ca_pem: None,
            tls_fingerprint_sha256: None,
            username: "api".into(),
            password: "s3cr3t-pass".into(),
            hotspot_server_names: vec!["srv-user".into()],
            hotspot_client_cidrs: vec!["172.16.2.0/23".into()],
            is_enabled: true,
        };
        assert!(!format!("{spec:?}").contains("s3cr3t"));
    }
}
