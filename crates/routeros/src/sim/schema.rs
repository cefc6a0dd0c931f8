//! Menu schemas of the simulator: which properties each configurable menu has, their
//! kinds (for validation and normalization), defaults and read-only properties.

use std::net::Ipv4Addr;

use crate::duration::{format_duration, parse_duration};

/// How a property is validated and normalized.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Text,
    Bool,
    Mac,
    Ip,
    /// IP, `IP/prefix`, `IP-IP` or a DNS name (address-list `address`).
    ListAddress,
    Number,
    Duration,
    Enum(&'static [&'static str]),
    /// A `/user/group` policy: a comma list of rights, each optionally negated with `!`;
    /// printed as every right in RouterOS's order, the absent ones with `!`.
    Policy,
    /// A comma list of names, each of an existing row of another menu
    /// (`/ip/dhcp-server/network`'s `dhcp-option`).
    RefList {
        menu: &'static str,
    },
    /// Must name an existing row of another menu (or be one of the extra words).
    Ref {
        menu: &'static str,
        extra: &'static [&'static str],
    },
}

/// One property of a menu.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Field {
    pub name: &'static str,
    pub kind: Kind,
    pub default: Option<&'static str>,
    pub required: bool,
}

const fn f(name: &'static str, kind: Kind) -> Field {
    Field {
        name,
        kind,
        default: None,
        required: false,
    }
}

const fn d(name: &'static str, kind: Kind, default: &'static str) -> Field {
    Field {
        name,
        kind,
        default: Some(default),
        required: false,
    }
}

const fn r(name: &'static str, kind: Kind) -> Field {
    Field {
        name,
        kind,
        default: None,
        required: true,
    }
}

const T: Kind = Kind::Text;
const B: Kind = Kind::Bool;
const DISABLED: Field = d("disabled", B, "false");
const COMMENT: Field = f("comment", T);
const HOTSPOT_SERVER: Kind = Kind::Ref {
    menu: "/ip/hotspot",
    extra: &["all"],
};
const DHCP_SERVER: Kind = Kind::Ref {
    menu: "/ip/dhcp-server",
    extra: &["all"],
};

/// Uniqueness rule of a menu (checked among enabled rows).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unique {
    None,
    /// `name` unique (profiles, servers).
    Name,
    /// `list` + `address`.
    AddressList,
    /// `name` per `server`.
    HotspotUser,
    /// static lease: MAC per server, IP globally.
    StaticLease,
    /// `mac-address` (only when duplicates are switched off).
    Binding,
}

/// A configurable menu.
#[derive(Debug)]
pub(crate) struct Menu {
    pub path: &'static str,
    pub fields: &'static [Field],
    /// Read-only properties shown on print with their default value (dynamic ones are
    /// filled in by the world).
    pub readonly: &'static [(&'static str, &'static str)],
    pub unique: Unique,
}

impl Menu {
    pub fn field(&self, name: &str) -> Option<&'static Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    pub fn has_name(&self) -> bool {
        self.field("name").is_some()
    }
}

pub(crate) const MENUS: &[Menu] = &[
    Menu {
        path: "/ip/hotspot",
        fields: &[
            r("name", T),
            d("interface", T, "bridge-hotspot"),
            d(
                "profile",
                Kind::Ref {
                    menu: "/ip/hotspot/profile",
                    extra: &[],
                },
                "default",
            ),
            f("address-pool", T),
            d("idle-timeout", Kind::Duration, "5m"),
            d("keepalive-timeout", Kind::Duration, "none"),
            DISABLED,
        ],
        readonly: &[("invalid", "false"), ("HTTPS", "false")],
        unique: Unique::Name,
    },
    Menu {
        path: "/ip/dhcp-server",
        fields: &[
            r("name", T),
            d("interface", T, "bridge-hotspot"),
            d("lease-time", Kind::Duration, "30m"),
            f("address-pool", T),
            DISABLED,
        ],
        readonly: &[("dynamic", "false"), ("invalid", "false")],
        unique: Unique::Name,
    },
    Menu {
        path: "/ip/hotspot/ip-binding",
        fields: &[
            f("mac-address", Kind::Mac),
            f("address", Kind::Ip),
            f("to-address", Kind::Ip),
            d("server", HOTSPOT_SERVER, "all"),
            d(
                "type",
                Kind::Enum(&["regular", "bypassed", "blocked"]),
                "regular",
            ),
            COMMENT,
            DISABLED,
        ],
        readonly: &[],
        unique: Unique::Binding,
    },
    Menu {
        path: "/ip/hotspot/user",
        fields: &[
            r("name", T),
            f("password", T),
            d(
                "profile",
                Kind::Ref {
                    menu: "/ip/hotspot/user/profile",
                    extra: &[],
                },
                "default",
            ),
            d("server", HOTSPOT_SERVER, "all"),
            f("mac-address", Kind::Mac),
            f("address", Kind::Ip),
            f("email", T),
            f("routes", T),
            f("limit-uptime", Kind::Duration),
            f("limit-bytes-in", Kind::Number),
            f("limit-bytes-out", Kind::Number),
            f("limit-bytes-total", Kind::Number),
            f("otp-secret", T),
            COMMENT,
            DISABLED,
        ],
        readonly: &[
            ("uptime", "0s"),
            ("bytes-in", "0"),
            ("bytes-out", "0"),
            ("packets-in", "0"),
            ("packets-out", "0"),
            ("dynamic", "false"),
        ],
        unique: Unique::HotspotUser,
    },
    Menu {
        path: "/ip/hotspot/user/profile",
        fields: &[
            r("name", T),
            f("rate-limit", T),
            d("shared-users", T, "1"),
            f("session-timeout", Kind::Duration),
            d("idle-timeout", Kind::Duration, "none"),
            d("keepalive-timeout", Kind::Duration, "2m"),
            d("status-autorefresh", Kind::Duration, "1m"),
            d("add-mac-cookie", B, "true"),
            d("mac-cookie-timeout", Kind::Duration, "3d"),
            f("address-list", T),
            f("address-pool", T),
            f("incoming-filter", T),
            f("outgoing-filter", T),
            f("incoming-packet-mark", T),
            f("outgoing-packet-mark", T),
            f("on-login", T),
            f("on-logout", T),
            f("parent-queue", T),
            f("queue-type", T),
            f("insert-queue-before", T),
            d("transparent-proxy", B, "false"),
            d(
                "open-status-page",
                Kind::Enum(&["always", "http-login"]),
                "always",
            ),
            COMMENT,
        ],
        readonly: &[("default", "false")],
        unique: Unique::Name,
    },
    Menu {
        path: "/ip/hotspot/walled-garden",
        fields: &[
            f("dst-host", T),
            f("dst-port", T),
            f("path", T),
            f("method", T),
            f("src-address", T),
            f("server", HOTSPOT_SERVER),
            d("action", Kind::Enum(&["allow", "deny"]), "allow"),
            COMMENT,
            DISABLED,
        ],
        readonly: &[("dynamic", "false"), ("hits", "0")],
        unique: Unique::None,
    },
    Menu {
        path: "/ip/hotspot/walled-garden/ip",
        fields: &[
            f("dst-address", T),
            f("dst-address-list", T),
            f("src-address", T),
            f("src-address-list", T),
            f("dst-host", T),
            f("dst-port", T),
            f("protocol", T),
            f("server", HOTSPOT_SERVER),
            d(
                "action",
                Kind::Enum(&["accept", "drop", "reject"]),
                "accept",
            ),
            COMMENT,
            DISABLED,
        ],
        readonly: &[("dynamic", "false"), ("invalid", "false")],
        unique: Unique::None,
    },
    Menu {
        path: "/ip/firewall/address-list",
        fields: &[
            r("list", T),
            r("address", Kind::ListAddress),
            f("timeout", Kind::Duration),
            COMMENT,
            DISABLED,
        ],
        readonly: &[],
        unique: Unique::AddressList,
    },
    Menu {
        path: "/ip/firewall/filter",
        fields: FIREWALL_FIELDS,
        readonly: FIREWALL_READONLY,
        unique: Unique::None,
    },
    Menu {
        path: "/ip/firewall/raw",
        fields: FIREWALL_FIELDS,
        readonly: FIREWALL_READONLY,
        unique: Unique::None,
    },
    Menu {
        path: "/ip/dhcp-server/lease",
        fields: &[
            r("address", Kind::Ip),
            r("mac-address", Kind::Mac),
            f("client-id", T),
            d("server", DHCP_SERVER, "all"),
            f("lease-time", Kind::Duration),
            f("address-lists", T),
            f("dhcp-option", T),
            COMMENT,
            DISABLED,
        ],
        readonly: &[
            ("dynamic", "false"),
            ("status", "waiting"),
            ("last-seen", "never"),
            ("blocked", "false"),
        ],
        unique: Unique::StaticLease,
    },
    Menu {
        path: "/ip/arp",
        fields: &[
            r("address", Kind::Ip),
            f("mac-address", Kind::Mac),
            d("interface", T, "bridge-hotspot"),
            d("published", B, "false"),
            COMMENT,
            DISABLED,
        ],
        readonly: &[
            ("dynamic", "false"),
            ("complete", "true"),
            ("invalid", "false"),
            ("DHCP", "false"),
        ],
        unique: Unique::None,
    },
    Menu {
        path: "/ip/hotspot/profile",
        fields: &[
            r("name", T),
            f("hotspot-address", T),
            f("dns-name", T),
            d("html-directory", T, "hotspot"),
            f("html-directory-override", T),
            d("login-by", T, "cookie,http-chap"),
            d("http-cookie-lifetime", Kind::Duration, "3d"),
            f("rate-limit", T),
            d("use-radius", B, "false"),
            d("install-hotspot-queue", B, "false"),
            f("ssl-certificate", T),
        ],
        readonly: &[("default", "false")],
        unique: Unique::Name,
    },
    Menu {
        path: "/ip/dhcp-server/option",
        fields: &[
            r("name", T),
            r("code", Kind::Number),
            r("value", T),
            d("force", B, "false"),
            COMMENT,
        ],
        readonly: &[("raw-value", "")],
        unique: Unique::Name,
    },
    Menu {
        path: "/ip/dhcp-server/network",
        fields: &[
            r("address", Kind::ListAddress),
            f("gateway", T),
            f("netmask", Kind::Number),
            f("dns-server", T),
            f("domain", T),
            f(
                "dhcp-option",
                Kind::RefList {
                    menu: "/ip/dhcp-server/option",
                },
            ),
            COMMENT,
        ],
        readonly: &[("dynamic", "false")],
        unique: Unique::None,
    },
    Menu {
        path: "/file",
        fields: &[
            r("name", T),
            d("type", Kind::Enum(&["file", "directory"]), "file"),
            f("contents", T),
        ],
        readonly: &[],
        unique: Unique::Name,
    },
    Menu {
        path: "/user",
        fields: &[
            r("name", T),
            r(
                "group",
                Kind::Ref {
                    menu: "/user/group",
                    extra: &[],
                },
            ),
            f("password", T),
            f("address", T),
            COMMENT,
            DISABLED,
        ],
        readonly: &[("last-logged-in", "")],
        unique: Unique::Name,
    },
    Menu {
        path: "/user/group",
        fields: &[
            r("name", T),
            r("policy", Kind::Policy),
            d("skin", T, "default"),
            COMMENT,
        ],
        readonly: &[],
        unique: Unique::Name,
    },
    Menu {
        path: "/ip/service",
        fields: &[
            r("name", T),
            r("port", Kind::Number),
            f("address", T),
            f("certificate", T),
            f("vrf", T),
            DISABLED,
        ],
        readonly: &[("invalid", "false")],
        unique: Unique::Name,
    },
];

/// Menus whose rows are fixed by RouterOS: `set`, `enable`, `disable` only.
pub(crate) const FIXED_MENUS: &[&str] = &["/ip/service"];

/// RouterOS's user rights, in its print order.
pub(crate) const POLICIES: &[&str] = &[
    "local",
    "telnet",
    "ssh",
    "ftp",
    "reboot",
    "read",
    "write",
    "policy",
    "test",
    "winbox",
    "password",
    "web",
    "sniff",
    "sensitive",
    "api",
    "romon",
    "rest-api",
];

const FIREWALL_FIELDS: &[Field] = &[
    r("chain", T),
    d(
        "action",
        Kind::Enum(&[
            "accept",
            "drop",
            "reject",
            "jump",
            "return",
            "passthrough",
            "log",
            "add-src-to-address-list",
            "add-dst-to-address-list",
            "fasttrack-connection",
            "notrack",
            "tarpit",
        ]),
        "accept",
    ),
    f("src-address", T),
    f("dst-address", T),
    f("src-address-list", T),
    f("dst-address-list", T),
    f("protocol", T),
    f("dst-port", T),
    f("in-interface", T),
    f("out-interface", T),
    f("jump-target", T),
    f("hotspot", T),
    COMMENT,
    DISABLED,
];

const FIREWALL_READONLY: &[(&str, &str)] = &[
    ("bytes", "0"),
    ("packets", "0"),
    ("dynamic", "false"),
    ("invalid", "false"),
];

/// The schema of a configurable menu.
pub(crate) fn menu(path: &str) -> Option<&'static Menu> {
    MENUS.iter().find(|m| m.path == path)
}

/// Parses a MAC (`:` or `-` separated, any case) into RouterOS's uppercase form.
pub(crate) fn normalize_mac(text: &str) -> Option<String> {
    let parts: Vec<&str> = text.split([':', '-']).collect();
    if parts.len() != 6
        || parts
            .iter()
            .any(|p| p.len() != 2 || !p.bytes().all(|b| b.is_ascii_hexdigit()))
    {
        return None;
    }
    Some(parts.join(":").to_ascii_uppercase())
}

/// Parses `a.b.c.d` or `a.b.c.d/32`.
pub(crate) fn parse_ip(text: &str) -> Option<Ipv4Addr> {
    let text = text.strip_suffix("/32").unwrap_or(text);
    text.parse().ok()
}

fn normalize_list_address(text: &str) -> Option<String> {
    if let Some(ip) = parse_ip(text) {
        return Some(ip.to_string());
    }
    if let Some((ip, prefix)) = text.split_once('/') {
        let ip: Ipv4Addr = ip.parse().ok()?;
        let prefix: u8 = prefix.parse().ok().filter(|p| *p <= 32)?;
        let mask = if prefix == 0 {
            0
        } else {
            u32::MAX << (32 - prefix)
        };
        return Some(format!("{}/{prefix}", Ipv4Addr::from(u32::from(ip) & mask)));
    }
    if let Some((a, b)) = text.split_once('-') {
        let (a, b): (Ipv4Addr, Ipv4Addr) = (a.parse().ok()?, b.parse().ok()?);
        return Some(format!("{a}-{b}"));
    }
    let dns_ok = !text.is_empty()
        && text.len() <= 253
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
        && text.bytes().any(|b| b.is_ascii_alphabetic());
    dns_ok.then(|| text.to_ascii_lowercase())
}

/// A policy as RouterOS prints it: every right, the absent ones with `!`. Rights not named
/// are absent; `!right` is absent too.
fn normalize_policy(text: &str) -> Option<String> {
    let mut granted = Vec::new();
    for word in text.split(',').map(str::trim).filter(|w| !w.is_empty()) {
        let (negated, right) = word.strip_prefix('!').map_or((false, word), |r| (true, r));
        if !POLICIES.contains(&right) {
            return None;
        }
        if !negated {
            granted.push(right);
        }
    }
    let all: Vec<String> = POLICIES
        .iter()
        .map(|p| {
            if granted.contains(p) {
                (*p).to_owned()
            } else {
                format!("!{p}")
            }
        })
        .collect();
    Some(all.join(","))
}

fn normalize_bool(text: &str) -> Option<&'static str> {
    match text {
        "yes" | "true" => Some("true"),
        "no" | "false" => Some("false"),
        _ => None,
    }
}

/// Validates and normalizes a value written to `field`. `Err` is the trap message.
/// References are checked by the caller (they need the world).
pub(crate) fn normalize(field: &Field, value: &str) -> Result<String, String> {
    let name = field.name;
    match field.kind {
        Kind::Text | Kind::Ref { .. } | Kind::RefList { .. } => Ok(value.to_owned()),
        Kind::Policy => normalize_policy(value)
            .ok_or_else(|| format!("input does not match any value of {name}")),
        Kind::Bool => normalize_bool(value)
            .map(str::to_owned)
            .ok_or_else(|| format!("input does not match any value of {name}")),
        Kind::Mac => normalize_mac(value)
            .ok_or_else(|| format!("invalid value of {name}, mac address required")),
        Kind::Ip => parse_ip(value)
            .map(|ip| ip.to_string())
            .ok_or_else(|| format!("invalid value for argument {name}")),
        Kind::ListAddress => normalize_list_address(value)
            .ok_or_else(|| format!("invalid value for argument {name}")),
        Kind::Number => value
            .parse::<u64>()
            .map(|n| n.to_string())
            .map_err(|_| format!("invalid value for argument {name}")),
        Kind::Duration => {
            if value == "none" || value.is_empty() {
                return Ok("none".into());
            }
            parse_duration(value)
                .map(format_duration)
                .ok_or_else(|| format!("invalid value for argument {name}"))
        }
        Kind::Enum(options) => options
            .iter()
            .find(|o| **o == value)
            .map(|o| (*o).to_owned())
            .ok_or_else(|| format!("input does not match any value of {name}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_values() {
        assert_eq!(
            normalize_mac("aa-bb-cc-dd-ee-ff").as_deref(),
            Some("AA:BB:CC:DD:EE:FF")
        );
        assert_eq!(normalize_mac("AA:BB:CC:DD:EE"), None);
        assert_eq!(
            normalize_list_address("10.1.1.1/32").as_deref(),
            Some("10.1.1.1")
        );
        assert_eq!(
            normalize_list_address("10.1.1.7/24").as_deref(),
            Some("10.1.1.0/24")
        );
        assert_eq!(
            normalize_list_address("app.midtrans.com").as_deref(),
            Some("app.midtrans.com")
        );
        assert_eq!(
            normalize_list_address("10.0.0.1-10.0.0.9").as_deref(),
            Some("10.0.0.1-10.0.0.9")
        );
        assert_eq!(normalize_list_address("bad value"), None);
        let timeout = f("timeout", Kind::Duration);
        assert_eq!(normalize(&timeout, "3600").unwrap(), "1h");
        let disabled = DISABLED;
        assert_eq!(normalize(&disabled, "yes").unwrap(), "true");
        assert!(normalize(&disabled, "maybe").is_err());
        let policy = f("policy", Kind::Policy);
        let printed = normalize(&policy, "read,write,api,!ssh").unwrap();
        assert!(printed.starts_with("!local,!telnet,!ssh,!ftp,!reboot,read,write,!policy"));
        assert!(printed.contains(",api,"));
        assert!(normalize(&policy, "read,root").is_err());
    }
}
