//! Devices: how many an account may bind, enrolment from the router, randomized-MAC
//! replacement, device credentials, and how a captive context's address is checked.

use super::reader::{Reader, parse_list};

#[derive(Debug, Clone)]
pub struct DeviceConfig {
    pub max_per_user: u32,
    /// The quota sync enrols a MAC whose ip-binding comment names an account (`uid=<id>`,
    /// e.g. written by the reference or by an admin on the router) as that account's device,
    /// within `max_per_user`.
    pub auto_enroll_from_bindings: bool,
    /// Minimum minutes between two replacements of a randomized-MAC device (0 = no limit).
    pub change_cooldown_minutes: i64,
    /// Hosts the hotspot's `link_login_only` may point at.
    pub trusted_login_hosts: Vec<String>,
    /// `DEVICE_STALE_DAYS`: devices unseen this long are removed (0: never).
    pub stale_days: i64,
    /// `DEVICE_CREDENTIAL_DAYS`: how long a browser may log in again from its device without a
    /// code (the device credential issued at an OTP login).
    pub credential_days: i64,
    /// `CAPTIVE_ADDRESS_CHECK`: whether a captive context must name the caller's own address.
    pub address_check: AddressCheck,
}

/// How the address a captive context names is checked against the caller's own address
/// (`docs/security.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressCheck {
    /// A caller inside a hotspot range must name its own address; callers from elsewhere (the
    /// portal behind the router's NAT) are believed only for what needs no proof.
    Auto,
    /// Every captive context must name the caller's own address (the portal sees each
    /// device's address directly).
    Strict,
}

pub(super) fn read(r: &mut Reader<'_>) -> DeviceConfig {
    DeviceConfig {
        max_per_user: r.int("MAX_DEVICES_PER_USER", &[], 3, 1, 50),
        auto_enroll_from_bindings: r.bool("AUTO_ENROLL_DEVICES_FROM_IP_BINDING", &[], true),
        change_cooldown_minutes: r.int("DEVICE_CHANGE_COOLDOWN_MINUTES", &[], 0, 0, 7 * 24 * 60),
        stale_days: r.int("DEVICE_STALE_DAYS", &[], 30, 0, 3650),
        credential_days: r.int("DEVICE_CREDENTIAL_DAYS", &[], 90, 1, 365),
        address_check: r.parsed(
            "CAPTIVE_ADDRESS_CHECK",
            &[],
            AddressCheck::Auto,
            |s| match s.trim().to_ascii_lowercase().as_str() {
                "auto" => Ok(AddressCheck::Auto),
                "strict" => Ok(AddressCheck::Strict),
                other => Err(format!("{other:?}: expected auto or strict")),
            },
            |v| match v {
                AddressCheck::Auto => "auto".into(),
                AddressCheck::Strict => "strict".into(),
            },
        ),
        trusted_login_hosts: r.parsed(
            "HOTSPOT_TRUSTED_LOGIN_HOSTS",
            &[],
            vec!["login.home.arpa".to_owned()],
            |s| {
                Ok(parse_list(s)
                    .into_iter()
                    .map(|h| h.to_ascii_lowercase())
                    .collect())
            },
            |v| v.join(","),
        ),
    }
}
