//! The hotspot context the MikroTik router puts in the portal URL.
//!
//! Accepted spellings (spec `frontend.md` §3): IP `client_ip|ip|client-ip`, MAC
//! `client_mac|mac|mac-address|client-mac`, login link
//! `link_login_only|link-login-only|link_login|link-login|linkloginonly`. Values may be
//! URL-encoded more than once (routers and redirects stack encodings): we decode up to three
//! times. The context is kept only when the IP is an IPv4 address and the MAC parses; the
//! server checks that the IP is inside the hotspot ranges it trusts and answers
//! `captive_context_invalid` otherwise (the portal then drops the context and says so).

use std::net::Ipv4Addr;

use saring_domain::Mac;
use saring_domain::dto::auth::CaptiveContext;

const IP_KEYS: [&str; 3] = ["client_ip", "ip", "client-ip"];
const MAC_KEYS: [&str; 4] = ["client_mac", "mac", "mac-address", "client-mac"];
const LINK_KEYS: [&str; 5] = [
    "link_login_only",
    "link-login-only",
    "link_login",
    "link-login",
    "linkloginonly",
];

/// Decodes `%XX` and `+` up to three times (stops when nothing changes).
pub fn decode_repeatedly(value: &str) -> String {
    let mut current = value.to_owned();
    for _ in 0..3 {
        let next = percent_decode(&current);
        if next == current {
            break;
        }
        current = next;
    }
    current
}

fn percent_decode(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 3;
                    }
                    None => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// What the URL said, after validation. `foreign` is set when an IP was given but is not a
/// usable IPv4 address (the context is then dropped).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedContext {
    pub context: Option<CaptiveContext>,
    pub link_login_only: Option<String>,
    pub foreign: bool,
}

/// Reads the context from query pairs (already decoded once by the router).
pub fn from_query(get: impl Fn(&str) -> Option<String>) -> ParsedContext {
    let first = |keys: &[&str]| {
        keys.iter()
            .filter_map(|k| get(k))
            .map(|v| decode_repeatedly(v.trim()))
            .find(|v| !v.trim().is_empty())
    };
    let ip = first(&IP_KEYS);
    let mac = first(&MAC_KEYS);
    let link = first(&LINK_KEYS).filter(|l| is_http_link(l));
    let ip_ok = ip
        .as_deref()
        .and_then(|ip| ip.trim().parse::<Ipv4Addr>().ok());
    let mac_ok = mac.as_deref().and_then(|m| Mac::parse(m).ok());
    let foreign = ip.is_some() && ip_ok.is_none();
    let context = match (ip_ok, mac_ok) {
        (Some(ip), Some(mac)) => Some(CaptiveContext {
            client_ip: Some(ip.to_string()),
            client_mac: Some(mac.to_string()),
            link_login_only: link.clone(),
        }),
        _ => None,
    };
    ParsedContext {
        context,
        link_login_only: link,
        foreign,
    }
}

fn is_http_link(link: &str) -> bool {
    let l = link.trim().to_ascii_lowercase();
    (l.starts_with("http://") || l.starts_with("https://")) && l.len() > "https://".len()
}

/// Whether the context's MAC is a private (randomized) Wi-Fi address.
pub fn is_randomized(context: &CaptiveContext) -> bool {
    context
        .client_mac
        .as_deref()
        .and_then(|m| Mac::parse(m).ok())
        .is_some_and(|m| m.is_randomized())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn parse(pairs: &[(&str, &str)]) -> ParsedContext {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        from_query(|k| map.get(k).cloned())
    }

    #[test]
    fn decodes_up_to_three_times() {
        assert_eq!(decode_repeatedly("AA%253ABB"), "AA:BB");
        assert_eq!(decode_repeatedly("a+b%20c"), "a b c");
        assert_eq!(decode_repeatedly("100%"), "100%");
        assert_eq!(decode_repeatedly("%zz"), "%zz");
        assert_eq!(decode_repeatedly("%25252541"), "%41");
    }

    #[test]
    fn aliases_and_normalisation() {
        let p = parse(&[
            ("ip", "172.16.2.10"),
            ("mac-address", "aa-bb-cc-dd-ee-ff"),
            ("link-login-only", "http%3A%2F%2Flogin.home.arpa%2Flogin"),
        ]);
        let c = p.context.unwrap();
        assert_eq!(c.client_ip.as_deref(), Some("172.16.2.10"));
        assert_eq!(c.client_mac.as_deref(), Some("AA:BB:CC:DD:EE:FF"));
        assert_eq!(
            c.link_login_only.as_deref(),
            Some("http://login.home.arpa/login")
        );
        assert!(!p.foreign);
    }

    #[test]
    fn rejects_bad_values() {
        let p = parse(&[
            ("client_ip", "not-an-ip"),
            ("client_mac", "AA:BB:CC:DD:EE:FF"),
        ]);
        assert!(p.context.is_none());
        assert!(p.foreign);
        let p = parse(&[("client_ip", "172.16.2.10"), ("client_mac", "zz")]);
        assert!(p.context.is_none());
        let p = parse(&[("link_login_only", "javascript:alert(1)")]);
        assert_eq!(p.link_login_only, None);
        assert_eq!(parse(&[]), ParsedContext::default());
    }

    #[test]
    fn randomized_macs() {
        let c = |m: &str| CaptiveContext {
            client_mac: Some(m.into()),
            ..Default::default()
        };
        assert!(is_randomized(&c("DA:A1:19:00:00:01")));
        assert!(!is_randomized(&c("00:1A:2B:3C:4D:5E")));
    }
}
