//! What Saring needs on one router, derived from the configuration (policy names, portal URL,
//! payment mode, messaging hosts) and the router's own settings (servers, client ranges, API
//! user). Names always come from here: nothing downstream hard-codes a list or a profile.

use saring_domain::router::RouterSpec;
use saring_routeros::FirewallTable;

use crate::config::{Config, Mode};

/// Saring's hotspot server profile (the one whose login page sends clients to the portal).
pub const SERVER_PROFILE: &str = "saring";
/// The DHCP option that carries the RFC 8908 captive-portal API URL.
pub const DHCP_OPTION: &str = "saring-captive";
/// DHCP option code of the captive-portal URL (RFC 8910).
pub const CAPTIVE_OPTION_CODE: u64 = 114;
/// The router user group of Saring's API user.
pub const API_GROUP: &str = "saring-api";
/// A disabled entry that makes each status list exist before its first user: an address of
/// TEST-NET-1 (RFC 5737), which no client ever has.
pub const ANCHOR_ADDRESS: &str = "192.0.2.1";
/// The rights Saring's API user needs: read and change the hotspot, over the API.
pub const REQUIRED_RIGHTS: &[&str] = &["read", "write", "api"];
/// Rights the API user must not have (least privilege): changing users and groups, reading
/// secrets, shells and file transfer, rebooting, sniffing.
pub const DANGEROUS_RIGHTS: &[&str] = &[
    "local",
    "telnet",
    "ssh",
    "ftp",
    "reboot",
    "policy",
    "password",
    "web",
    "sniff",
    "sensitive",
    "winbox",
    "romon",
    "rest-api",
];

/// A firewall rule that enforces a status list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub table: FirewallTable,
    pub chain: &'static str,
    pub action: &'static str,
    pub src_list: Option<String>,
    pub dst_list: Option<String>,
    /// Comment suffix (`<prefix>|<tag>`).
    pub tag: &'static str,
}

impl Rule {
    /// `raw prerouting drop src-address-list=klient_inactive`.
    pub fn label(&self) -> String {
        let table = match self.table {
            FirewallTable::Raw => "raw",
            FirewallTable::Filter => "filter",
        };
        let mut label = format!("{table} {} {}", self.chain, self.action);
        if let Some(l) = &self.src_list {
            label.push_str(&format!(" src-address-list={l}"));
        }
        if let Some(l) = &self.dst_list {
            label.push_str(&format!(" dst-address-list={l}"));
        }
        label
    }
}

/// Everything one router needs.
#[derive(Debug, Clone)]
pub struct Expected {
    pub router: String,
    /// The portal's public base URL (no trailing `/`); `None` when production has none set.
    pub portal: Option<String>,
    pub servers: Vec<String>,
    /// The hotspot user profiles the policy uses (each once).
    pub user_profiles: Vec<String>,
    /// The six status lists.
    pub lists: Vec<String>,
    pub rules: Vec<Rule>,
    /// Walled-garden hosts (portal, payment gateway, messaging, `WALLED_GARDEN_ALLOWED_HOSTS`).
    pub walled_garden: Vec<String>,
    /// The router's hotspot client ranges (their DHCP networks send option 114).
    pub networks: Vec<String>,
    /// The comment prefix of Saring's router entries (`WALLED_GARDEN_MANAGED_COMMENT_PREFIX`).
    pub comment_prefix: String,
    /// The router user Saring logs in as.
    pub api_user: String,
}

impl Expected {
    pub fn new(config: &Config, mode: Mode, spec: &RouterSpec) -> Self {
        let portal = Some(config.public_base_url(mode)).filter(|u| !u.is_empty());
        let p = &config.policy.profiles;
        let mut user_profiles: Vec<String> = Vec::new();
        for name in [
            &p.active,
            &p.fup,
            &p.habis,
            &p.expired,
            &p.unlimited,
            &p.blocked,
            &p.inactive,
        ] {
            if !user_profiles.contains(name) {
                user_profiles.push(name.clone());
            }
        }
        let l = &config.policy.lists;
        let mut lists: Vec<String> = Vec::new();
        for name in l.managed() {
            if !lists.iter().any(|n| n == name) {
                lists.push(name.to_owned());
            }
        }
        let rule = |table, chain, action, src: Option<&str>, dst: Option<&str>, tag| Rule {
            table,
            chain,
            action,
            src_list: src.map(str::to_owned),
            dst_list: dst.map(str::to_owned),
            tag,
        };
        let rules = vec![
            rule(
                FirewallTable::Raw,
                "prerouting",
                "drop",
                Some(&l.inactive),
                None,
                "inactive-src",
            ),
            rule(
                FirewallTable::Raw,
                "prerouting",
                "drop",
                None,
                Some(&l.inactive),
                "inactive-dst",
            ),
            rule(
                FirewallTable::Filter,
                "hs-unauth",
                "return",
                Some(&l.active),
                None,
                "active-return",
            ),
            rule(
                FirewallTable::Filter,
                "hs-unauth",
                "return",
                Some(&l.fup),
                None,
                "fup-return",
            ),
        ];
        Expected {
            router: spec.name.clone(),
            portal,
            servers: spec.hotspot_server_names.clone(),
            user_profiles,
            lists,
            rules,
            walled_garden: crate::sync::walled_garden::desired_hosts(config)
                .into_iter()
                .collect(),
            networks: spec.hotspot_client_cidrs.clone(),
            comment_prefix: config.worker.walled_garden.comment_prefix.clone(),
            api_user: spec.username.clone(),
        }
    }

    /// The comment Saring writes on an entry of this kind (`<prefix>|setup|<tag>`); walled
    /// garden entries carry the walled-garden job's own comment, so that job owns them.
    pub fn comment(&self, tag: &str) -> String {
        format!("{}|setup|{tag}", self.comment_prefix)
    }

    pub fn walled_garden_comment(&self) -> String {
        format!("{}|walled-garden", self.comment_prefix)
    }

    /// Where the hotspot's login page sends a client: the portal's `/captive`.
    pub fn login_target(&self) -> Option<String> {
        self.portal.as_ref().map(|p| format!("{p}/captive"))
    }

    /// The RFC 8908 captive-portal API (`GET /api/captive`).
    pub fn captive_api_url(&self) -> Option<String> {
        self.portal.as_ref().map(|p| format!("{p}/api/captive"))
    }

    /// The value of DHCP option 114 in RouterOS's syntax (a quoted string).
    pub fn dhcp_option_value(&self) -> Option<String> {
        self.captive_api_url().map(|u| format!("'{u}'"))
    }

    /// The hotspot login page: it sends the client to the portal with the router's own
    /// values for its address, MAC and login link (RouterOS fills `$(…)` when serving it).
    pub fn login_page(&self) -> Option<String> {
        let target = self.login_target()?;
        let url = format!(
            "{target}?client_ip=$(ip)&client_mac=$(mac)&link_login_only=$(link-login-only)"
        );
        Some(format!(
            "<!doctype html><html><head><meta charset=\"utf-8\">\
             <meta http-equiv=\"refresh\" content=\"0; url={url}\">\
             <title>Saring</title></head><body>\
             <p><a href=\"{url}\">Lanjut ke portal / Continue to the portal</a></p>\
             </body></html>"
        ))
    }

    /// The file of the login page inside a hotspot HTML directory.
    pub fn login_file(html_directory: &str) -> String {
        format!("{}/login.html", html_directory.trim_end_matches('/'))
    }
}
