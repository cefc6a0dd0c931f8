//! The portal: registration options, maintenance text, cookies, trusted origins and proxies,
//! and what an approved account starts with.

use ipnet::IpNet;

use super::Mode;
use super::reader::{Reader, parse_cidrs, show_list};

#[derive(Debug, Clone)]
pub struct PortalConfig {
    pub admin_whatsapp: Option<String>,
    pub blok_options: Vec<String>,
    pub kamar_options: Vec<String>,
    pub tamping_options: Vec<String>,
    pub maintenance_message: String,
    /// Origins allowed to send cookie-authenticated writes (besides the portal's own).
    pub csrf_trusted_origins: Vec<String>,
    /// `Secure` flag on auth cookies (default: on for `saring serve`).
    pub cookie_secure: bool,
    /// Reverse proxies whose `X-Forwarded-For` is believed (loopback always is).
    pub trusted_proxies: Vec<IpNet>,
}

/// Quota and days granted when an account is approved.
#[derive(Debug, Clone)]
pub struct GrantConfig {
    pub user_initial_quota_mb: i64,
    pub user_initial_days: i64,
    pub komandan_initial_quota_mb: i64,
    pub komandan_initial_days: i64,
    pub admin_initial_days: i64,
}

pub(super) fn read_grants(r: &mut Reader<'_>) -> GrantConfig {
    GrantConfig {
        user_initial_quota_mb: r.int("USER_INITIAL_QUOTA_MB", &[], 0, 0, 10_000_000),
        user_initial_days: r.int("USER_INITIAL_DURATION_DAYS", &[], 30, 0, 3650),
        komandan_initial_quota_mb: r.int("KOMANDAN_INITIAL_QUOTA_MB", &[], 5120, 0, 10_000_000),
        komandan_initial_days: r.int("KOMANDAN_INITIAL_DURATION_DAYS", &[], 30, 0, 3650),
        admin_initial_days: r.int("ADMIN_INITIAL_DURATION_DAYS", &[], 365, 0, 36_500),
    }
}

pub(super) fn read(r: &mut Reader<'_>, mode: Mode) -> PortalConfig {
    PortalConfig {
        admin_whatsapp: r.opt_string("ADMIN_WHATSAPP", &["NUXT_PUBLIC_ADMIN_WHATSAPP"]),
        blok_options: r.list("BLOK_OPTIONS", &["A", "B", "C", "D", "E", "F"]),
        kamar_options: r.list(
            "KAMAR_OPTIONS",
            &[
                "Kamar_1", "Kamar_2", "Kamar_3", "Kamar_4", "Kamar_5", "Kamar_6",
            ],
        ),
        tamping_options: r.list(
            "TAMPING_OPTIONS",
            &[
                "Tamping Dapur",
                "Tamping Kebersihan",
                "Tamping Kantor",
                "Tamping Masjid",
                "Tamping Perpustakaan",
                "Tamping Lainnya",
            ],
        ),
        maintenance_message: r.string(
            "MAINTENANCE_MODE_MESSAGE",
            &[],
            "Layanan sedang dalam pemeliharaan dan akan kembali sebentar lagi.",
        ),
        csrf_trusted_origins: r.list("CSRF_TRUSTED_ORIGINS", &[]),
        cookie_secure: r.bool("AUTH_COOKIE_SECURE", &[], mode == Mode::Production),
        trusted_proxies: r.parsed("TRUSTED_PROXY_CIDRS", &[], Vec::new(), parse_cidrs, |v| {
            show_list(v)
        }),
    }
}
