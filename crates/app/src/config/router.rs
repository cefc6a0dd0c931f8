//! The router named by `MIKROTIK_*` (upserted as the router called `default` at start) and
//! the hotspot client ranges.

use ipnet::IpNet;
use secrecy::SecretString;

use super::reader::{Reader, parse_cidrs, show_list};

/// The hotspot range of the embedded simulator, also the default `HOTSPOT_CLIENT_IP_CIDRS`.
pub const DEFAULT_HOTSPOT_CIDR: &str = "172.16.2.0/23";

#[derive(Debug, Clone)]
pub struct RouterEnv {
    pub host: Option<String>,
    pub port: u16,
    pub username: String,
    pub password: SecretString,
    pub use_tls: bool,
    pub tls_verify: bool,
    /// PEM file of the CA that signed the router's certificate.
    pub tls_ca_file: Option<String>,
    /// SHA-256 of the router's certificate (hex, colons allowed), to pin it.
    pub tls_fingerprint: Option<String>,
    pub connect_timeout_seconds: u64,
    pub operations_enabled: bool,
    pub server_user: String,
    pub server_komandan: String,
    pub hotspot_cidrs: Vec<IpNet>,
    pub send_limit_bytes_total: bool,
    pub send_session_timeout: bool,
    pub dhcp_static_lease_enabled: bool,
    pub dhcp_lease_server_name: Option<String>,
}

pub(super) fn read(r: &mut Reader<'_>) -> RouterEnv {
    let default_cidrs = parse_cidrs(DEFAULT_HOTSPOT_CIDR).unwrap_or_default();
    let router = RouterEnv {
        host: r.opt_string("MIKROTIK_HOST", &[]),
        port: r.parsed(
            "MIKROTIK_PORT",
            &[],
            0u16,
            |s| {
                s.parse::<u16>()
                    .ok()
                    .filter(|p| *p > 0)
                    .ok_or_else(|| format!("{s:?} is not a port (1-65535)"))
            },
            |p| {
                if *p == 0 {
                    "8728 (8729 with MIKROTIK_USE_SSL)".into()
                } else {
                    p.to_string()
                }
            },
        ),
        username: r.string("MIKROTIK_USERNAME", &["MIKROTIK_USER"], "admin"),
        password: r
            .secret("MIKROTIK_PASSWORD", &[])
            .unwrap_or_else(|| SecretString::from(String::new())),
        use_tls: r.bool("MIKROTIK_USE_SSL", &["MIKROTIK_USE_TLS"], false),
        tls_verify: r.bool("MIKROTIK_SSL_VERIFY", &[], true),
        tls_ca_file: r.opt_string("MIKROTIK_SSL_CA_FILE", &[]),
        tls_fingerprint: r.opt_string("MIKROTIK_SSL_FINGERPRINT", &[]),
        connect_timeout_seconds: r.int("MIKROTIK_CONNECT_TIMEOUT_SECONDS", &[], 10, 1, 120),
        operations_enabled: r.bool("ENABLE_MIKROTIK_OPERATIONS", &[], true),
        server_user: r.string("MIKROTIK_DEFAULT_SERVER_USER", &[], "srv-user"),
        server_komandan: r.string("MIKROTIK_DEFAULT_SERVER_KOMANDAN", &[], "srv-komandan"),
        hotspot_cidrs: r.parsed(
            "HOTSPOT_CLIENT_IP_CIDRS",
            &["MIKROTIK_UNAUTHORIZED_CIDRS"],
            default_cidrs,
            parse_cidrs,
            |v| show_list(v),
        ),
        send_limit_bytes_total: r.bool("MIKROTIK_SEND_LIMIT_BYTES_TOTAL", &[], true),
        send_session_timeout: r.bool("MIKROTIK_SEND_SESSION_TIMEOUT", &[], true),
        dhcp_static_lease_enabled: r.bool("MIKROTIK_DHCP_STATIC_LEASE_ENABLED", &[], false),
        dhcp_lease_server_name: r.opt_string("MIKROTIK_DHCP_LEASE_SERVER_NAME", &[]),
    };
    RouterEnv {
        port: if router.port == 0 {
            if router.use_tls { 8729 } else { 8728 }
        } else {
            router.port
        },
        ..router
    }
}
