//! What the router must change for a user: pure functions from (user, access decision, what
//! the router has) to a list of [`Op`]s. The per-user policy sync (login, approval, purchase…)
//! feeds them rows it printed for that user; the quota sync feeds them one snapshot of the
//! whole router. Same rules either way, and nothing is written where the router already
//! agrees, so a steady state costs no router writes.

use std::collections::HashMap;
use std::net::IpAddr;

use saring_domain::access::{AccessDecision, BindingType, StatusNames};
use saring_domain::mac::Mac;
use saring_domain::user::User;
use saring_routeros::menus::{AddressListEntry, DhcpLease, IpBinding};

use super::writes::comment_owned_by;

/// One router write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    AddBinding {
        mac: Mac,
        attrs: Vec<(&'static str, String)>,
    },
    SetBinding {
        id: String,
        attrs: Vec<(&'static str, String)>,
    },
    RemoveBindings(Vec<String>),
    AddEntry {
        list: String,
        address: String,
        comment: String,
    },
    SetEntryComment {
        id: String,
        comment: String,
    },
    RemoveEntries(Vec<String>),
    AddLease {
        attrs: Vec<(&'static str, String)>,
    },
    RemoveHosts(Vec<String>),
    SetHotspotUser {
        id: String,
        attrs: Vec<(&'static str, String)>,
    },
}

impl Op {
    /// Applied in phases: bindings, then address lists, then host rows, then hotspot users.
    pub fn phase(&self) -> u8 {
        match self {
            Op::AddBinding { .. } | Op::SetBinding { .. } | Op::RemoveBindings(_) => 0,
            Op::AddEntry { .. }
            | Op::SetEntryComment { .. }
            | Op::RemoveEntries(_)
            | Op::AddLease { .. } => 1,
            Op::RemoveHosts(_) => 2,
            Op::SetHotspotUser { .. } => 3,
        }
    }
}

/// `user=08…|uid=…|role=…`: the owner tokens every comment we write carries.
pub fn owner_tokens(user: &User) -> String {
    format!(
        "user={}|uid={}|role={}",
        user.hotspot_username(),
        user.id,
        user.role.as_str()
    )
}

/// The `uid=` token of a comment.
pub fn uid_of(comment: Option<&str>) -> Option<&str> {
    comment?
        .split(['|', ' '])
        .find_map(|t| t.strip_prefix("uid="))
        .filter(|u| !u.is_empty())
}

/// The account a comment names by id: `uid=<id>`, else `user_id=<id>`, else a legacy
/// `user=<id>` that holds an id (a `user=08…` phone number names nobody here).
pub fn owner_id(comment: Option<&str>) -> Option<uuid::Uuid> {
    let tokens: Vec<&str> = comment?.split(['|', ' ']).collect();
    ["uid=", "user_id=", "user="].iter().find_map(|key| {
        tokens
            .iter()
            .filter_map(|t| t.strip_prefix(key))
            .find_map(|v| uuid::Uuid::parse_str(v).ok())
    })
}

/// The comment of a binding we write.
pub fn binding_comment(
    user: &User,
    binding_type: BindingType,
    source: &str,
    stamp: &str,
) -> String {
    let prefix = match binding_type {
        BindingType::Bypassed => "authorized",
        BindingType::Regular => "managed",
        BindingType::Blocked => "blocked",
    };
    format!("{prefix}|{}|source={source}|{stamp}", owner_tokens(user))
}

/// The comment of a status-list entry we write.
pub fn status_comment(user: &User, decision: &AccessDecision, ip: IpAddr, stamp: &str) -> String {
    format!(
        "lpsaring|status={}|{}|ip={ip}|{stamp}",
        decision.detail.as_str(),
        owner_tokens(user)
    )
}

/// Where static DHCP leases go (`MIKROTIK_DHCP_STATIC_LEASE_ENABLED` with
/// `MIKROTIK_DHCP_LEASE_SERVER_NAME`) and the keyword that marks ours
/// (`AUTO_CLEANUP_WAITING_DHCP_ARP_COMMENT_KEYWORD`).
#[derive(Debug, Clone)]
pub struct LeaseTarget {
    pub server: String,
    pub keyword: String,
}

/// The comment of a static lease we write: the keyword first, so the waiting-lease cleanup
/// and device removal recognise it.
pub fn lease_comment(user: &User, keyword: &str, source: &str, stamp: &str) -> String {
    format!("{keyword}|source={source}|{}|{stamp}", owner_tokens(user))
}

/// Whether a lease comment marks one of ours.
pub fn lease_is_ours(comment: Option<&str>, keyword: &str) -> bool {
    comment.is_some_and(|c| c.to_lowercase().contains(keyword))
}

/// A static lease pinning `ip` to `mac`, unless the MAC has a static lease already (it
/// keeps its address; an operator's lease is never replaced) or another MAC holds a static
/// lease on `ip` (an address conflict: nothing is written). `for_mac` and `for_ip` are the
/// router's leases of that MAC and of that address.
pub fn static_lease(
    target: &LeaseTarget,
    comment: &str,
    mac: Mac,
    ip: IpAddr,
    for_mac: &[&DhcpLease],
    for_ip: &[&DhcpLease],
) -> Vec<Op> {
    let mac_text = mac.to_string();
    let ip_text = ip.to_string();
    let has_static = for_mac.iter().any(|l| !l.dynamic);
    let conflict = for_ip
        .iter()
        .any(|l| !l.dynamic && !l.mac_address.eq_ignore_ascii_case(&mac_text));
    if has_static || conflict {
        return Vec::new();
    }
    vec![Op::AddLease {
        attrs: vec![
            ("address", ip_text),
            ("mac-address", mac_text),
            ("server", target.server.clone()),
            ("comment", comment.to_owned()),
        ],
    }]
}

/// What a binding plan changes (a failed login undoes it).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BindingChange {
    /// The binding was created (not found before).
    pub created: bool,
    /// The binding's type changed (or it was created).
    pub type_changed: bool,
    pub binding_type: Option<BindingType>,
}

/// The binding of one MAC: exactly one, MAC-only, of the policy's type, on the user's server,
/// owned by the user. `existing` are the router's bindings for that MAC.
pub fn binding(
    user: &User,
    binding_type: BindingType,
    server: &str,
    comment: &str,
    mac: Mac,
    existing: &[&IpBinding],
) -> (Vec<Op>, BindingChange) {
    let attrs = |with_mac: bool| {
        let mut a: Vec<(&'static str, String)> = Vec::with_capacity(4);
        if with_mac {
            a.push(("mac-address", mac.to_string()));
        }
        a.push(("type", binding_type.as_str().to_owned()));
        a.push(("server", server.to_owned()));
        a.push(("comment", comment.to_owned()));
        a
    };
    let mut change = BindingChange {
        binding_type: Some(binding_type),
        ..BindingChange::default()
    };
    let mut ops = Vec::new();
    match existing.split_first() {
        None => {
            ops.push(Op::AddBinding {
                mac,
                attrs: attrs(true),
            });
            change.created = true;
            change.type_changed = true;
        }
        Some((first, rest)) => {
            let same = first.kind.as_deref() == Some(binding_type.as_str())
                && first.server.as_deref().unwrap_or("all") == server
                && first.address.is_none()
                && !first.disabled
                && comment_owned_by(first.comment.as_deref(), user);
            if !same {
                change.type_changed = first.kind.as_deref() != Some(binding_type.as_str());
                if first.address.is_some() {
                    // A binding pinned to an address would not follow the device: recreate
                    // it MAC-only.
                    ops.push(Op::RemoveBindings(vec![first.id.clone()]));
                    ops.push(Op::AddBinding {
                        mac,
                        attrs: attrs(true),
                    });
                } else {
                    let mut a = attrs(false);
                    a.push(("disabled", "false".to_owned()));
                    ops.push(Op::SetBinding {
                        id: first.id.clone(),
                        attrs: a,
                    });
                }
            }
            let extra: Vec<String> = rest.iter().map(|b| b.id.clone()).collect();
            if !extra.is_empty() {
                ops.push(Op::RemoveBindings(extra));
            }
        }
    }
    (ops, change)
}

/// `ip` in exactly the list of the user's status, out of every other managed list and the
/// unauthorized list. An entry already owned by the user with the same status is left alone
/// (no churn of the comment's date/time). `existing` are the router's entries for `ip`.
pub fn status_entry(
    lists: &StatusNames,
    user: &User,
    decision: &AccessDecision,
    ip: IpAddr,
    comment: &str,
    existing: &[&AddressListEntry],
) -> Vec<Op> {
    let target = decision.router.address_list.as_str();
    let status_tag = format!("|status={}|", decision.detail.as_str());
    let mut ops = Vec::new();
    let mut remove = Vec::new();
    let mut have_target = false;
    for e in existing {
        let managed = lists.managed().contains(&e.list.as_str()) || e.list == lists.unauthorized;
        if e.list == target {
            let current = e.comment.as_deref().unwrap_or("");
            if have_target {
                remove.push(e.id.clone());
            } else if !(comment_owned_by(Some(current), user) && current.contains(&status_tag)) {
                ops.push(Op::SetEntryComment {
                    id: e.id.clone(),
                    comment: comment.to_owned(),
                });
            }
            have_target = true;
        } else if managed {
            remove.push(e.id.clone());
        }
    }
    if !have_target {
        ops.push(Op::AddEntry {
            list: target.to_owned(),
            address: ip.to_string(),
            comment: comment.to_owned(),
        });
    }
    if !remove.is_empty() {
        ops.push(Op::RemoveEntries(remove));
    }
    ops
}

/// The router's state, indexed for planning.
#[derive(Debug, Default)]
pub struct RouterView {
    pub bindings_by_mac: HashMap<Mac, Vec<IpBinding>>,
    /// Entries of the managed lists and the unauthorized list, by address.
    pub entries_by_ip: HashMap<IpAddr, Vec<AddressListEntry>>,
    /// Entries of the managed lists, by the `uid=` of their comment.
    pub entries_by_uid: HashMap<String, Vec<AddressListEntry>>,
}

impl RouterView {
    pub fn new(
        lists: &StatusNames,
        bindings: Vec<IpBinding>,
        entries: Vec<AddressListEntry>,
    ) -> Self {
        let mut view = RouterView::default();
        for b in bindings {
            if let Some(mac) = b.mac_address.as_deref().and_then(|m| Mac::parse(m).ok()) {
                view.bindings_by_mac.entry(mac).or_default().push(b);
            }
        }
        for e in entries {
            let managed = lists.managed().contains(&e.list.as_str());
            if !managed && e.list != lists.unauthorized {
                continue;
            }
            if managed && let Some(uid) = uid_of(e.comment.as_deref()) {
                view.entries_by_uid
                    .entry(uid.to_owned())
                    .or_default()
                    .push(e.clone());
            }
            if let Ok(ip) = e.address.parse::<IpAddr>() {
                view.entries_by_ip.entry(ip).or_default().push(e);
            }
        }
        view
    }

    pub fn bindings(&self, mac: Mac) -> Vec<&IpBinding> {
        self.bindings_by_mac
            .get(&mac)
            .map(|v| v.iter().collect())
            .unwrap_or_default()
    }

    pub fn entries(&self, ip: IpAddr) -> Vec<&AddressListEntry> {
        self.entries_by_ip
            .get(&ip)
            .map(|v| v.iter().collect())
            .unwrap_or_default()
    }
}

/// Entries owned by the user whose address is not one the user holds now.
pub fn prune_owned(view: &RouterView, user: &User, keep: &[IpAddr]) -> Vec<Op> {
    let uid = user.id.to_string();
    let stale: Vec<String> = view
        .entries_by_uid
        .get(&uid)
        .into_iter()
        .flatten()
        .filter(|e| {
            e.address
                .parse::<IpAddr>()
                .is_ok_and(|ip| !keep.contains(&ip))
        })
        .map(|e| e.id.clone())
        .collect();
    if stale.is_empty() {
        Vec::new()
    } else {
        vec![Op::RemoveEntries(stale)]
    }
}
