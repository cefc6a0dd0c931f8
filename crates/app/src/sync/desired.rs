//! What each user should have on a router, planned against one snapshot of it: the quota
//! sync writes the plan, the parity guard reports it (and repairs a few users). One planner,
//! so the report shows exactly what the next sync would change.

use std::collections::HashMap;
use std::net::IpAddr;

use saring_domain::access::{AccessStatus, ApprovalStatus};
use saring_domain::device::Device;
use saring_domain::mac::Mac;
use saring_domain::user::User;
use saring_routeros::menus::{AddressListEntry, DhcpLease, HotspotHost, HotspotUser, IpBinding};
use saring_routeros::{Api, Pool};
use saring_store::repo::routers::Router;
use uuid::Uuid;

use super::counters::HostObs;
use crate::context::App;
use crate::router;
use crate::router::plan::{self, LeaseTarget, Op, RouterView};

/// One user's plan.
#[derive(Debug, Default)]
pub struct UserPlan {
    pub ops: Vec<Op>,
    /// `(new profile, stored profile, status)` when the stored profile name differs.
    pub profile_change: Option<(String, Option<String>, AccessStatus)>,
    /// The router has no hotspot user for an account that should have one (the per-user
    /// policy sync creates it: it needs the password).
    pub missing_hotspot_user: bool,
}

/// The router's side as read once.
pub struct Snapshot {
    pub bindings: Vec<IpBinding>,
    pub entries: Vec<AddressListEntry>,
    pub hs_users: Vec<HotspotUser>,
    /// DHCP leases (read only when static leases are on, see [`router::lease_target`]).
    pub leases: Vec<DhcpLease>,
}

/// Reads the host table and the planner's snapshot in one pipelined round (leases only when
/// static leases are on).
pub async fn read(app: &App, pool: &Pool) -> saring_routeros::Result<(Vec<HotspotHost>, Snapshot)> {
    let with_leases = router::lease_target(app).is_some();
    let leases = async {
        if with_leases {
            pool.list::<DhcpLease>(&[]).await
        } else {
            Ok(Vec::new())
        }
    };
    let (hosts, bindings, entries, hs_users, leases) = tokio::try_join!(
        pool.hotspot_hosts(),
        pool.ip_bindings(None),
        pool.address_list(None, None),
        pool.hotspot_users(None),
        leases,
    )?;
    Ok((
        hosts,
        Snapshot {
            bindings,
            entries,
            hs_users,
            leases,
        },
    ))
}

/// DHCP leases indexed by MAC (upper case) and by address.
#[derive(Default)]
struct Leases {
    all: Vec<DhcpLease>,
    by_mac: HashMap<String, Vec<usize>>,
    by_ip: HashMap<String, Vec<usize>>,
}

impl Leases {
    fn new(all: Vec<DhcpLease>) -> Self {
        let mut l = Leases::default();
        for (i, lease) in all.iter().enumerate() {
            l.by_mac
                .entry(lease.mac_address.to_ascii_uppercase())
                .or_default()
                .push(i);
            l.by_ip.entry(lease.address.clone()).or_default().push(i);
        }
        l.all = all;
        l
    }

    fn get<'a>(&'a self, index: &HashMap<String, Vec<usize>>, key: &str) -> Vec<&'a DhcpLease> {
        index
            .get(key)
            .into_iter()
            .flatten()
            .map(|&i| &self.all[i])
            .collect()
    }
}

pub struct Planner<'a> {
    app: &'a App,
    router: &'a Router,
    source: &'static str,
    stamp: String,
    view: RouterView,
    hs_by_name: HashMap<String, HotspotUser>,
    devices_by_user: HashMap<Uuid, Vec<&'a Device>>,
    /// Who holds which IP: a live host row beats a remembered address.
    claims: HashMap<IpAddr, (Uuid, bool)>,
    obs_by_mac: &'a HashMap<Mac, Vec<HostObs>>,
    lease_target: Option<LeaseTarget>,
    leases: Leases,
}

/// The IPs a device holds now: the preferred host row's address in the hotspot ranges, else
/// the last one we recorded (marked not live).
pub fn device_ip(
    device: &Device,
    rows: Option<&Vec<HostObs>>,
    router: &Router,
) -> Option<(IpAddr, bool)> {
    let live = rows.and_then(|rows| {
        rows.iter()
            .filter(|o| o.address.is_some())
            .max_by_key(|o| o.preference())
            .and_then(|o| o.address)
    });
    if let Some(ip) = live {
        return Some((ip, true));
    }
    device
        .ip_address
        .as_deref()
        .and_then(|s| s.parse::<IpAddr>().ok())
        .filter(|ip| router::in_hotspot(router, *ip))
        .map(|ip| (ip, false))
}

impl<'a> Planner<'a> {
    /// `source` goes into the comments written (`quota-sync`, `parity-guard`).
    pub fn new(
        app: &'a App,
        router: &'a Router,
        source: &'static str,
        devices: &'a [Device],
        obs_by_mac: &'a HashMap<Mac, Vec<HostObs>>,
        snapshot: Snapshot,
    ) -> Self {
        let view = RouterView::new(
            &app.config().policy.lists,
            snapshot.bindings,
            snapshot.entries,
        );
        let hs_by_name = snapshot
            .hs_users
            .into_iter()
            .map(|h| (h.name.clone(), h))
            .collect();
        let mut devices_by_user: HashMap<Uuid, Vec<&Device>> = HashMap::new();
        let mut claims: HashMap<IpAddr, (Uuid, bool)> = HashMap::new();
        for d in devices.iter().filter(|d| d.is_authorized) {
            devices_by_user.entry(d.user_id.0).or_default().push(d);
            if let Some((ip, live)) = device_ip(d, obs_by_mac.get(&d.mac), router) {
                match claims.get(&ip) {
                    Some((_, true)) => {}
                    Some((_, false)) if !live => {}
                    _ => {
                        claims.insert(ip, (d.user_id.0, live));
                    }
                }
            }
        }
        Planner {
            app,
            router,
            source,
            stamp: router::stamp(app),
            view,
            hs_by_name,
            devices_by_user,
            claims,
            obs_by_mac,
            lease_target: router::lease_target(app),
            leases: Leases::new(snapshot.leases),
        }
    }

    /// What the router must change for `u`.
    pub fn plan(&self, u: &User) -> UserPlan {
        let app = self.app;
        let policy = &app.config().policy;
        let decision = policy.decide(&u.access_snapshot(), app.now());
        let server = router::server_for(app, self.router, u);
        let mut out = UserPlan::default();
        let mut keep: Vec<IpAddr> = Vec::new();
        for d in self.devices_by_user.get(&u.id.0).into_iter().flatten() {
            let rows = self.obs_by_mac.get(&d.mac);
            let comment =
                plan::binding_comment(u, decision.router.binding_type, self.source, &self.stamp);
            let (b_ops, change) = plan::binding(
                u,
                decision.router.binding_type,
                &server,
                &comment,
                d.mac,
                &self.view.bindings(d.mac),
            );
            out.ops.extend(b_ops);
            if change.type_changed
                && let Some(rows) = rows
            {
                out.ops.push(Op::RemoveHosts(
                    rows.iter().map(|o| o.host_id.clone()).collect(),
                ));
            }
            if let Some((ip, _)) = device_ip(d, rows, self.router)
                && self
                    .claims
                    .get(&ip)
                    .is_some_and(|(owner, _)| *owner == u.id.0)
                && !keep.contains(&ip)
            {
                keep.push(ip);
                let comment = plan::status_comment(u, &decision, ip, &self.stamp);
                out.ops.extend(plan::status_entry(
                    &policy.lists,
                    u,
                    &decision,
                    ip,
                    &comment,
                    &self.view.entries(ip),
                ));
                if let Some(target) = &self.lease_target {
                    let comment = plan::lease_comment(u, &target.keyword, self.source, &self.stamp);
                    let l = &self.leases;
                    out.ops.extend(plan::static_lease(
                        target,
                        &comment,
                        d.mac,
                        ip,
                        &l.get(&l.by_mac, &d.mac.to_string().to_ascii_uppercase()),
                        &l.get(&l.by_ip, &ip.to_string()),
                    ));
                }
            }
        }
        out.ops.extend(plan::prune_owned(&self.view, u, &keep));
        match self.hs_by_name.get(u.hotspot_username().as_str()) {
            Some(hs) => {
                let limit = router::limit_bytes_total(app, u, &decision);
                let profile_ok = hs.profile.as_deref() == Some(decision.router.profile.as_str());
                let limit_ok = hs.limit_bytes_total.unwrap_or(0).to_string() == limit;
                if !profile_ok || !limit_ok {
                    out.ops.push(Op::SetHotspotUser {
                        id: hs.id.clone(),
                        attrs: vec![
                            ("profile", decision.router.profile.clone()),
                            ("limit-bytes-total", limit),
                        ],
                    });
                }
                if u.mikrotik_profile_name.as_deref() != Some(decision.router.profile.as_str()) {
                    out.profile_change = Some((
                        decision.router.profile.clone(),
                        u.mikrotik_profile_name.clone(),
                        decision.detail,
                    ));
                }
            }
            None => {
                out.missing_hotspot_user = u.approval_status == ApprovalStatus::Approved
                    && u.is_active
                    && u.mikrotik_password.is_some();
            }
        }
        out
    }
}
