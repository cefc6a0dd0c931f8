//! Typed rows for the menus Saring uses. Every struct reads itself from a [`Row`] with
//! [`FromRow`]; its `FIELDS` double as the `.proplist` of the typed print helpers.
//! Absent properties become `None`, empty strings, zero or `false`; a present value that
//! cannot be read (a counter that is not a number) is an [`Error::BadValue`].

use std::time::Duration;

use crate::duration::parse_duration;
use crate::error::{Error, Result};
use crate::reply::Row;

/// Reads one property value.
pub trait FieldValue: Sized {
    /// Reads the raw value of `field` (`None` when the row lacks it).
    fn read(raw: Option<&[u8]>, field: &str) -> Result<Self>;
}

fn bad(field: &str, raw: &[u8]) -> Error {
    Error::BadValue {
        field: field.to_owned(),
        value: String::from_utf8_lossy(raw).into_owned(),
    }
}

/// Parses a RouterOS boolean (`true/false/yes/no`).
#[must_use]
pub fn parse_bool(raw: &[u8]) -> Option<bool> {
    match raw {
        b"true" | b"yes" => Some(true),
        b"false" | b"no" => Some(false),
        _ => None,
    }
}

impl FieldValue for String {
    fn read(raw: Option<&[u8]>, _field: &str) -> Result<Self> {
        Ok(raw
            .map(|r| String::from_utf8_lossy(r).into_owned())
            .unwrap_or_default())
    }
}

impl FieldValue for u64 {
    fn read(raw: Option<&[u8]>, field: &str) -> Result<Self> {
        Option::<u64>::read(raw, field).map(Option::unwrap_or_default)
    }
}

impl FieldValue for bool {
    fn read(raw: Option<&[u8]>, field: &str) -> Result<Self> {
        Option::<bool>::read(raw, field).map(Option::unwrap_or_default)
    }
}

impl FieldValue for Duration {
    fn read(raw: Option<&[u8]>, field: &str) -> Result<Self> {
        Option::<Duration>::read(raw, field).map(Option::unwrap_or_default)
    }
}

impl FieldValue for Option<String> {
    fn read(raw: Option<&[u8]>, _field: &str) -> Result<Self> {
        Ok(raw.map(|r| String::from_utf8_lossy(r).into_owned()))
    }
}

impl FieldValue for Option<u64> {
    fn read(raw: Option<&[u8]>, field: &str) -> Result<Self> {
        raw.map(|r| {
            std::str::from_utf8(r)
                .ok()
                .and_then(|s| s.trim().parse().ok())
                .ok_or_else(|| bad(field, r))
        })
        .transpose()
    }
}

impl FieldValue for Option<bool> {
    fn read(raw: Option<&[u8]>, field: &str) -> Result<Self> {
        raw.map(|r| parse_bool(r).ok_or_else(|| bad(field, r)))
            .transpose()
    }
}

impl FieldValue for Option<Duration> {
    fn read(raw: Option<&[u8]>, field: &str) -> Result<Self> {
        raw.map(|r| {
            std::str::from_utf8(r)
                .ok()
                .and_then(parse_duration)
                .ok_or_else(|| bad(field, r))
        })
        .transpose()
    }
}

/// A typed row of a menu.
pub trait FromRow: Sized {
    /// The menu path, e.g. `/ip/hotspot/host`.
    const PATH: &'static str;
    /// The properties read (used as `.proplist`).
    const FIELDS: &'static [&'static str];
    /// Reads the row.
    fn from_row(row: &Row) -> Result<Self>;
}

macro_rules! menu_row {
    (
        $(#[$meta:meta])*
        $name:ident at $path:literal {
            $( $(#[$fmeta:meta])* $field:ident : $ty:ty = $key:literal ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
        pub struct $name {
            $( $(#[$fmeta])* pub $field: $ty, )*
        }

        impl FromRow for $name {
            const PATH: &'static str = $path;
            const FIELDS: &'static [&'static str] = &[$($key),*];
            fn from_row(row: &Row) -> Result<Self> {
                Ok(Self {
                    $( $field: <$ty as FieldValue>::read(row.get_bytes($key), $key)?, )*
                })
            }
        }
    };
}

menu_row! {
    /// `/ip/hotspot/host`: every device the hotspot has seen. `bytes_in` = from the
    /// client (upload), `bytes_out` = to the client (download).
    HotspotHost at "/ip/hotspot/host" {
        /// `.id` (changes when the row is recreated: a counter-reset signal).
        id: String = ".id",
        mac_address: String = "mac-address",
        address: Option<String> = "address",
        to_address: Option<String> = "to-address",
        server: Option<String> = "server",
        uptime: Duration = "uptime",
        idle_time: Duration = "idle-time",
        bytes_in: u64 = "bytes-in",
        bytes_out: u64 = "bytes-out",
        packets_in: u64 = "packets-in",
        packets_out: u64 = "packets-out",
        authorized: bool = "authorized",
        bypassed: bool = "bypassed",
        found_by: Option<String> = "found-by",
        comment: Option<String> = "comment",
    }
}

impl HotspotHost {
    /// `bytes-in + bytes-out`.
    #[must_use]
    pub fn total_bytes(&self) -> u64 {
        self.bytes_in.saturating_add(self.bytes_out)
    }
}

menu_row! {
    /// `/ip/hotspot/ip-binding`.
    IpBinding at "/ip/hotspot/ip-binding" {
        id: String = ".id",
        mac_address: Option<String> = "mac-address",
        address: Option<String> = "address",
        to_address: Option<String> = "to-address",
        server: Option<String> = "server",
        /// `regular`, `bypassed` or `blocked`.
        kind: Option<String> = "type",
        comment: Option<String> = "comment",
        disabled: bool = "disabled",
    }
}

menu_row! {
    /// `/ip/hotspot/user`.
    HotspotUser at "/ip/hotspot/user" {
        id: String = ".id",
        name: String = "name",
        password: Option<String> = "password",
        profile: Option<String> = "profile",
        server: Option<String> = "server",
        mac_address: Option<String> = "mac-address",
        limit_bytes_total: Option<u64> = "limit-bytes-total",
        limit_uptime: Option<Duration> = "limit-uptime",
        uptime: Duration = "uptime",
        bytes_in: u64 = "bytes-in",
        bytes_out: u64 = "bytes-out",
        comment: Option<String> = "comment",
        disabled: bool = "disabled",
    }
}

menu_row! {
    /// `/ip/hotspot/user/profile`.
    HotspotUserProfile at "/ip/hotspot/user/profile" {
        id: String = ".id",
        name: String = "name",
        rate_limit: Option<String> = "rate-limit",
        shared_users: Option<String> = "shared-users",
        address_list: Option<String> = "address-list",
        session_timeout: Option<Duration> = "session-timeout",
    }
}

menu_row! {
    /// `/ip/hotspot/active`: logged-in sessions (counters are per session).
    HotspotActive at "/ip/hotspot/active" {
        id: String = ".id",
        server: Option<String> = "server",
        user: String = "user",
        address: Option<String> = "address",
        mac_address: Option<String> = "mac-address",
        login_by: Option<String> = "login-by",
        uptime: Duration = "uptime",
        bytes_in: u64 = "bytes-in",
        bytes_out: u64 = "bytes-out",
    }
}

menu_row! {
    /// `/ip/hotspot/walled-garden` (HTTP level).
    WalledGarden at "/ip/hotspot/walled-garden" {
        id: String = ".id",
        dst_host: Option<String> = "dst-host",
        action: Option<String> = "action",
        server: Option<String> = "server",
        comment: Option<String> = "comment",
        disabled: bool = "disabled",
    }
}

menu_row! {
    /// `/ip/hotspot/walled-garden/ip` (firewall level).
    WalledGardenIp at "/ip/hotspot/walled-garden/ip" {
        id: String = ".id",
        dst_address: Option<String> = "dst-address",
        dst_host: Option<String> = "dst-host",
        protocol: Option<String> = "protocol",
        dst_port: Option<String> = "dst-port",
        action: Option<String> = "action",
        server: Option<String> = "server",
        comment: Option<String> = "comment",
        disabled: bool = "disabled",
    }
}

menu_row! {
    /// `/ip/firewall/address-list`.
    AddressListEntry at "/ip/firewall/address-list" {
        id: String = ".id",
        list: String = "list",
        address: String = "address",
        /// Set only on dynamic (timed) entries.
        timeout: Option<Duration> = "timeout",
        dynamic: bool = "dynamic",
        disabled: bool = "disabled",
        creation_time: Option<String> = "creation-time",
        comment: Option<String> = "comment",
    }
}

menu_row! {
    /// A rule of `/ip/firewall/filter` or `/ip/firewall/raw` (same fields we read).
    FirewallRule at "/ip/firewall/filter" {
        id: String = ".id",
        chain: String = "chain",
        action: String = "action",
        src_address_list: Option<String> = "src-address-list",
        dst_address_list: Option<String> = "dst-address-list",
        comment: Option<String> = "comment",
        disabled: bool = "disabled",
    }
}

menu_row! {
    /// `/ip/dhcp-server/lease`.
    DhcpLease at "/ip/dhcp-server/lease" {
        id: String = ".id",
        address: String = "address",
        mac_address: String = "mac-address",
        /// Absent when the lease applies to all servers.
        server: Option<String> = "server",
        /// `waiting`, `bound`, …
        status: Option<String> = "status",
        last_seen: Option<String> = "last-seen",
        host_name: Option<String> = "host-name",
        dynamic: bool = "dynamic",
        disabled: bool = "disabled",
        comment: Option<String> = "comment",
    }
}

menu_row! {
    /// `/ip/arp`.
    ArpEntry at "/ip/arp" {
        id: String = ".id",
        address: String = "address",
        mac_address: Option<String> = "mac-address",
        interface: Option<String> = "interface",
        dynamic: bool = "dynamic",
        comment: Option<String> = "comment",
    }
}

menu_row! {
    /// `/system/resource` (a singleton).
    SystemResource at "/system/resource" {
        uptime: Duration = "uptime",
        /// e.g. `7.19.4 (stable)`.
        version: String = "version",
        board_name: Option<String> = "board-name",
        architecture_name: Option<String> = "architecture-name",
        cpu_load: u64 = "cpu-load",
        free_memory: u64 = "free-memory",
        total_memory: u64 = "total-memory",
    }
}

impl SystemResource {
    /// `(major, minor)` of the version, e.g. `(7, 19)`.
    #[must_use]
    pub fn version_number(&self) -> Option<(u32, u32)> {
        let number = self.version.split_whitespace().next()?;
        let mut parts = number.split('.');
        let major = parts.next()?.parse().ok()?;
        let minor = parts.next().and_then(|m| m.parse().ok()).unwrap_or(0);
        Some((major, minor))
    }

    /// Whether the router sends `!empty` (RouterOS 7.18+).
    #[must_use]
    pub fn sends_empty(&self) -> bool {
        self.version_number().is_some_and(|v| v >= (7, 18))
    }
}

menu_row! {
    /// `/system/identity` (a singleton).
    SystemIdentity at "/system/identity" {
        name: String = "name",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_host_row() {
        let row = Row::new()
            .with(".id", "*1A")
            .with("mac-address", "AA:BB:CC:DD:EE:FF")
            .with("uptime", "1w2d")
            .with("bytes-in", "1798674679")
            .with("bytes-out", "10")
            .with("bypassed", "true");
        let host = HotspotHost::from_row(&row).unwrap();
        assert_eq!(host.id, "*1A");
        assert_eq!(host.uptime, Duration::from_secs(9 * 86400));
        assert_eq!(host.total_bytes(), 1_798_674_689);
        assert!(host.bypassed);
        assert!(!host.authorized);
        assert_eq!(host.address, None);
    }

    #[test]
    fn bad_counter_is_an_error() {
        let row = Row::new().with("bytes-in", "lots");
        assert!(matches!(
            HotspotHost::from_row(&row),
            Err(Error::BadValue { .. })
        ));
    }

    #[test]
    fn version_detects_empty() {
        let r = SystemResource {
            version: "7.19.4 (stable)".into(),
            ..Default::default()
        };
        assert!(r.sends_empty());
        let r = SystemResource {
            version: "7.16.2 (stable)".into(),
            ..Default::default()
        };
        assert!(!r.sends_empty());
        let r = SystemResource {
            version: "6.49.10 (long-term)".into(),
            ..Default::default()
        };
        assert_eq!(r.version_number(), Some((6, 49)));
    }
}
