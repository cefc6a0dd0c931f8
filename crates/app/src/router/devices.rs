//! Devices: where a captive-portal request really comes from, binding a device to a user
//! (with the device limit, randomized-MAC replacement and takeover rules), and removing
//! devices with their router state.
//!
//! Router first, database second: the router is changed, then the device row is written in
//! one short transaction; if that write fails the router change is undone. A router that is
//! down leaves nothing written (503).

use std::net::IpAddr;
use std::time::Duration;

use saring_domain::api::{ErrorBody, ErrorCode};
use saring_domain::device::{Device, Replacement, replacement_at_limit};
use saring_domain::dto::auth::CaptiveContext;
use saring_domain::mac::Mac;
use saring_domain::user::User;
use saring_store::db;
use saring_store::repo::devices::{self, DeviceSeen};

use crate::config::AddressCheck;
use crate::context::App;
use crate::error::{AppError, AppResult};
use crate::presence::{self, Presence};
use crate::router::{self, BindingChange, RouterHandle};
use crate::tokens::ClientInfo;

/// A captive request whose IP and MAC the router confirmed, and what the caller proved about
/// being on that device (see [`crate::presence`]).
pub struct ResolvedDevice {
    pub rh: RouterHandle,
    pub ip: IpAddr,
    pub mac: Mac,
    pub presence: Presence,
}

fn invalid_context(message: &str) -> AppError {
    AppError::rejected(ErrorCode::CaptiveContextInvalid, message)
}

/// The host of a `link_login_only` URL (`http://login.home.arpa/login`, `//host/x`, `host`).
pub fn link_host(link: &str) -> Option<String> {
    let s = link.trim();
    let rest = s
        .split_once("://")
        .map_or(s.trim_start_matches("//"), |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit('@').next()?;
    let host = if host.starts_with('[') {
        host.split(']').next()?.trim_start_matches('[')
    } else {
        host.split(':').next()?
    };
    let host = host.trim().trim_end_matches('.').to_ascii_lowercase();
    (!host.is_empty()).then_some(host)
}

/// Checks a captive context and asks the router which MAC holds the IP. `None` when the
/// request carries no context (a login from outside the hotspot).
///
/// A caller whose own address lies in a hotspot range must name that address (an attacker on
/// the hotspot cannot name a neighbour's); with `CAPTIVE_ADDRESS_CHECK=strict` every caller
/// must. The device credential the caller's browser holds counts only for the MAC the router
/// reports now.
pub async fn resolve_context(
    app: &App,
    ctx: &CaptiveContext,
    client: &ClientInfo,
) -> AppResult<Option<ResolvedDevice>> {
    if ctx.is_empty() {
        return Ok(None);
    }
    if let Some(link) = ctx
        .link_login_only
        .as_deref()
        .filter(|l| !l.trim().is_empty())
    {
        let host =
            link_host(link).ok_or_else(|| invalid_context("Alamat login hotspot tidak valid."))?;
        let trusted = app.config().devices.trusted_login_hosts.contains(&host)
            || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback());
        if !trusted {
            tracing::warn!(host, "captive context from an untrusted hotspot login host");
            return Err(invalid_context(
                "Konteks hotspot dari jaringan lain terdeteksi. Buka portal dari WiFi hotspot kami.",
            ));
        }
    }
    let Some(ip_text) = ctx
        .client_ip
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    else {
        return Err(invalid_context(
            "Alamat IP perangkat tidak terbaca dari hotspot.",
        ));
    };
    let ip: IpAddr = ip_text
        .parse()
        .map_err(|_| invalid_context("Alamat IP perangkat tidak valid."))?;
    let ranges = router::select::hotspot_ranges(app).await?;
    let caller = client.addr();
    let caller_on_hotspot = caller.is_some_and(|c| router::select::serving(&ranges, c).is_some());
    if caller_on_hotspot && caller != Some(ip) {
        tracing::warn!(%ip, caller = ?caller, "captive context names another device's address");
        return Err(invalid_context(
            "Alamat perangkat tidak sesuai dengan koneksi Anda. Buka portal dari perangkat itu sendiri.",
        ));
    }
    if !caller_on_hotspot && app.config().devices.address_check == AddressCheck::Strict {
        return Err(invalid_context(
            "Portal harus dibuka langsung dari WiFi hotspot, bukan dari jaringan lain.",
        ));
    }
    // Only the serving router's password is decrypted.
    let router = match router::select::serving(&ranges, ip) {
        Some(id) => router::router_by_id(app, id).await?,
        None => None,
    };
    let Some(router) = router else {
        return Err(invalid_context(
            "Alamat IP perangkat tidak berada di jaringan hotspot.",
        ));
    };
    let rh = RouterHandle::open(app, router)?;
    let claimed = ctx.client_mac.as_deref().and_then(|m| Mac::parse(m).ok());
    let Some(mac) = router::mac_for_ip(&rh.pool, rh.name(), ip).await? else {
        return Err(AppError::rejected(
            ErrorCode::DeviceNotDetected,
            "Perangkat belum terdeteksi di router. Sambungkan ulang ke WiFi lalu coba lagi.",
        ));
    };
    if let Some(claimed) = claimed.filter(|c| *c != mac) {
        tracing::warn!(%ip, %claimed, router_mac = %mac, "client MAC differs from the router's: using the router's");
    }
    let credential = match presence::find(app, client.device_credential.as_deref()).await? {
        Some(c) => devices::find(app.db(), c.device_id)
            .await?
            .filter(|d| d.mac == mac)
            .map(|_| c),
        None => None,
    };
    Ok(Some(ResolvedDevice {
        rh,
        ip,
        mac,
        presence: Presence {
            address: caller_on_hotspot,
            credential,
        },
    }))
}

/// The result of binding a device.
pub struct BindOutcome {
    pub device: Device,
    pub change: BindingChange,
    /// The device a randomized address (or a confirmed takeover) replaced.
    pub replaced: Option<Device>,
}

fn stale(app: &App, d: &Device) -> bool {
    app.now() - d.last_seen_at > chrono::Duration::days(30)
}

fn device_list_json(devs: &[Device]) -> serde_json::Value {
    serde_json::Value::Array(
        devs.iter()
            .map(|d| serde_json::to_value(crate::present::device(d)).unwrap_or_default())
            .collect(),
    )
}

/// Binds the resolved device to `user`: ip-binding and status list on the router, device row
/// in the database. `confirm_takeover` allows replacing the oldest device at the limit, or
/// taking over a MAC registered to another account.
pub async fn bind(
    app: &App,
    user: &User,
    resolved: &ResolvedDevice,
    confirm_takeover: bool,
    user_agent: Option<&str>,
    source: &str,
) -> AppResult<BindOutcome> {
    let max = app.config().devices.max_per_user as usize;
    let own = devices::list_for_user(app.db(), user.id).await?;
    let existing = devices::find_by_mac(app.db(), resolved.mac).await?;
    let mut evict: Vec<(Device, Option<User>)> = Vec::new();

    match &existing {
        Some(d) if d.user_id == user.id => {}
        Some(d) => {
            let other = saring_store::repo::users::find_by_id(app.db(), d.user_id).await?;
            let held = d.is_authorized && !stale(app, d);
            if held && !confirm_takeover {
                return Err(AppError::Rejected(Box::new(
                    ErrorBody::new(ErrorCode::Conflict, "Perangkat ini terdaftar pada akun lain. Konfirmasi untuk memindahkannya ke akun Anda.")
                        .with_details(serde_json::json!({ "requires_confirmation": true })),
                )));
            }
            // Naming a device's address is not being on it: a device someone else holds moves
            // only for a caller who proves it is on that device.
            if held && !resolved.presence.is_proven() {
                tracing::warn!(mac = %resolved.mac, owner = %d.user_id, user_id = %user.id, "takeover of another account's device without proof of presence refused");
                return Err(AppError::Rejected(Box::new(
                    ErrorBody::new(ErrorCode::DevicePresenceRequired, "Perangkat ini milik akun lain. Buka portal dari perangkat itu sendiri di WiFi hotspot untuk memindahkannya, atau minta pemiliknya menghapusnya dari akunnya.")
                        .with_details(serde_json::json!({ "requires_presence": true })),
                )));
            }
            evict.push((d.clone(), other));
        }
        None => {}
    }
    let is_new = !matches!(&existing, Some(d) if d.user_id == user.id);
    let mut replaced = None;
    if is_new {
        match replacement_at_limit(&own, max, resolved.mac, confirm_takeover) {
            Replacement::NotNeeded => {}
            Replacement::LimitReached => {
                return Err(AppError::Rejected(Box::new(
                    ErrorBody::new(ErrorCode::DeviceLimitReached, format!("Batas {max} perangkat tercapai. Hapus perangkat lama atau konfirmasi untuk mengganti perangkat terlama."))
                        .with_details(serde_json::json!({ "max_devices": max, "devices": device_list_json(&own), "requires_confirmation": true })),
                )));
            }
            Replacement::Replace(victim) => {
                let victim = *victim;
                if victim.is_randomized_mac && resolved.mac.is_randomized() {
                    check_change_cooldown(app, user).await?;
                }
                replaced = Some(victim.clone());
                evict.push((victim, Some(user.clone())));
            }
        }
    }

    // 1. The router.
    let decision = app
        .config()
        .policy
        .decide(&user.access_snapshot(), app.now());
    let change = router::apply_device(
        app,
        &resolved.rh,
        user,
        &decision,
        resolved.mac,
        Some(resolved.ip),
        source,
    )
    .await?;
    for (victim, owner) in &evict {
        if victim.mac == resolved.mac {
            continue; // Same MAC, new owner: the binding was just rewritten.
        }
        if let Some(owner) = owner {
            let ip = victim.ip_address.as_deref().and_then(|s| s.parse().ok());
            if let Err(e) = router::remove_device(app, &resolved.rh, owner, victim.mac, ip).await {
                undo(app, resolved, user, &change).await;
                return Err(e);
            }
        }
    }

    // 2. The database, in one transaction.
    let seen = DeviceSeen {
        user_id: user.id,
        router_id: Some(resolved.rh.router.id),
        mac: resolved.mac,
        ip_address: Some(resolved.ip.to_string()),
        user_agent: user_agent.map(|ua| ua.chars().take(255).collect()),
        authorized: true,
    };
    let now = app.now();
    let written: Result<Device, AppError> = async {
        let txn = db::begin_write(app.db()).await?;
        for (victim, _) in &evict {
            devices::delete(&txn, victim.id).await?;
        }
        let device = devices::upsert_seen(&txn, &seen, now).await?;
        txn.commit().await.map_err(saring_store::StoreError::from)?;
        Ok(device)
    }
    .await;
    match written {
        Ok(device) => {
            if replaced.as_ref().is_some_and(|r| r.is_randomized_mac) {
                note_change(app, user).await;
            }
            Ok(BindOutcome {
                device,
                change,
                replaced,
            })
        }
        Err(e) => {
            undo(app, resolved, user, &change).await;
            Err(e)
        }
    }
}

/// Best-effort undo of a binding this request created.
async fn undo(app: &App, resolved: &ResolvedDevice, user: &User, change: &BindingChange) {
    if change.created
        && let Err(e) =
            router::remove_device(app, &resolved.rh, user, resolved.mac, Some(resolved.ip)).await
    {
        tracing::error!(error = %e, mac = %resolved.mac, "could not undo a binding after a failed login; the parity guard will clean it");
    }
}

fn cooldown_key(user: &User) -> String {
    format!("device-change:{}", user.id)
}

async fn check_change_cooldown(app: &App, user: &User) -> AppResult<()> {
    let minutes = app.config().devices.change_cooldown_minutes;
    if minutes <= 0 {
        return Ok(());
    }
    if let Some(wait) = app.kv().ttl(&cooldown_key(user)).await? {
        return Err(crate::ratelimit::too_many(
            ErrorCode::RateLimited,
            "Perangkat baru saja diganti. Tunggu sebentar sebelum mengganti lagi.",
            wait,
        ));
    }
    Ok(())
}

async fn note_change(app: &App, user: &User) {
    let minutes = app.config().devices.change_cooldown_minutes;
    if minutes > 0 {
        let ttl = Duration::from_secs(u64::try_from(minutes).unwrap_or(0) * 60);
        if let Err(e) = app.kv().set(&cooldown_key(user), "1", Some(ttl)).await {
            tracing::warn!(error = %e, "could not record a device change");
        }
    }
}

/// Removes one of the user's devices, router first (a router that cannot be reached leaves
/// the device in place: 503).
pub async fn remove(app: &App, user: &User, device: &Device) -> AppResult<()> {
    let router = match device.router_id {
        Some(id) => router::router_by_id(app, id).await?,
        None => router::router_for_user(app, user).await?,
    };
    if let Some(router) = router {
        let rh = RouterHandle::open(app, router)?;
        let ip = device.ip_address.as_deref().and_then(|s| s.parse().ok());
        router::remove_device(app, &rh, user, device.mac, ip).await?;
    }
    devices::delete(app.db(), device.id).await?;
    Ok(())
}

/// Takes every device of the user off the router (logout, reset-login). Returns how many
/// devices could not be cleaned because their router was unreachable.
pub async fn reset_network(app: &App, user: &User) -> AppResult<usize> {
    let mut failed = 0;
    for device in devices::list_for_user(app.db(), user.id).await? {
        let router = match device.router_id {
            Some(id) => router::router_by_id(app, id).await?,
            None => router::router_for_user(app, user).await?,
        };
        let Some(router) = router else { continue };
        let ip = device.ip_address.as_deref().and_then(|s| s.parse().ok());
        let result = match RouterHandle::open(app, router) {
            Ok(rh) => router::remove_device(app, &rh, user, device.mac, ip).await,
            Err(e) => Err(e),
        };
        if let Err(e) = result {
            failed += 1;
            tracing::warn!(error = %e, mac = %device.mac, "could not reset a device on the router");
        }
    }
    Ok(failed)
}

#[cfg(test)]
mod tests {
    use super::link_host;

    #[test]
    fn hosts_of_login_links() {
        assert_eq!(
            link_host("http://login.home.arpa/login").as_deref(),
            Some("login.home.arpa")
        );
        assert_eq!(
            link_host("https://Login.Home.Arpa:8443/login?dst=x").as_deref(),
            Some("login.home.arpa")
        );
        assert_eq!(link_host("//10.5.50.1/login").as_deref(), Some("10.5.50.1"));
        assert_eq!(
            link_host("login.home.arpa").as_deref(),
            Some("login.home.arpa")
        );
        assert_eq!(
            link_host("http://evil@login.home.arpa/").as_deref(),
            Some("login.home.arpa")
        );
        assert_eq!(
            link_host("http://login.home.arpa.evil.com/").as_deref(),
            Some("login.home.arpa.evil.com")
        );
        assert_eq!(link_host("http://[::1]:80/").as_deref(), Some("::1"));
        assert_eq!(link_host("   "), None);
    }
}
