//! An account's lifecycle by an operator: a new phone number (the hotspot user and every
//! router comment follow), a new hotspot password, deletion (hard when allowed and the
//! account has no payments, else deactivation; router entries first), and the user's live
//! router state read on demand next to what the database expects, with a fix.

use std::net::IpAddr;

use saring_domain::Locale;
use saring_domain::access::AccessDecision;
use saring_domain::api::ErrorCode;
use saring_domain::dto::operator::{
    ExpectedRouterState, HotspotPasswordReset, LiveEntry, LiveHotspotUser, RouterFix, RouterSide,
    UserRemoved, UserRouterState,
};
use saring_domain::ids::UserId;
use saring_domain::units::Bytes;
use saring_domain::user::User;
use saring_routeros::Api;
use saring_routeros::menus::{AddressListEntry, HotspotActive, HotspotHost, IpBinding};
use saring_store::StoreError;
use saring_store::repo::routers::Router;
use saring_store::repo::users::{self, UserPatch};
use saring_store::repo::{activity, devices, transactions};

use super::{after_change, base_vars, begin, lock_target, notice};
use crate::context::App;
use crate::error::{AppError, AppResult};
use crate::router::{self, RouterHandle};

/// The routers a user's entries may be on: theirs, and those of their devices.
async fn routers_of(app: &App, user: &User) -> AppResult<Vec<Router>> {
    let mut out: Vec<Router> = Vec::new();
    if let Some(r) = router::router_for_user(app, user).await? {
        out.push(r);
    }
    for d in devices::list_for_user(app.db(), user.id).await? {
        if let Some(id) = d.router_id
            && !out.iter().any(|r| r.id == id)
            && let Some(r) = router::router_by_id(app, id).await?
        {
            out.push(r);
        }
    }
    Ok(out)
}

/// A new phone number for the account: the old hotspot user leaves every router first (a
/// router that cannot be reached changes nothing: 503), then the number changes and the
/// user's router state is written again under the new name.
pub async fn change_phone(app: &App, admin: &User, id: UserId, text: &str) -> AppResult<User> {
    let phone = crate::auth::parse_phone(text)?;
    let target = crate::admin_users::get_user(app, id).await?;
    crate::admin_users::check_may_manage(admin, &target)?;
    if phone == target.phone {
        return Ok(target);
    }
    if users::find_by_phone(app.db(), &phone).await?.is_some() {
        return Err(AppError::rejected(
            ErrorCode::PhoneAlreadyRegistered,
            format!("Nomor {} sudah dipakai akun lain.", phone.local()),
        ));
    }
    if app.config().router.operations_enabled {
        for r in routers_of(app, &target).await? {
            let rh = RouterHandle::open(app, r)?;
            router::remove_hotspot_user(&rh, &target.hotspot_username()).await?;
        }
    }
    let txn = begin(app).await?;
    let locked = lock_target(&txn, admin, id).await?;
    let updated = match users::update(
        &txn,
        locked.id,
        UserPatch {
            phone: Some(phone.clone()),
            mikrotik_user_exists: Some(false),
            ..UserPatch::default()
        },
    )
    .await
    {
        Ok(u) => u,
        Err(StoreError::Conflict(_)) => {
            return Err(AppError::rejected(
                ErrorCode::PhoneAlreadyRegistered,
                format!("Nomor {} sudah dipakai akun lain.", phone.local()),
            ));
        }
        Err(e) => return Err(e.into()),
    };
    crate::router::user_sync::enqueue(&txn, updated.id, app.now(), "phone-change").await?;
    activity::log_action(
        &txn,
        Some(admin.id),
        Some(updated.id),
        "CHANGE_PHONE",
        serde_json::json!({ "from": target.phone.as_e164(), "to": phone.as_e164() }),
    )
    .await?;
    txn.commit().await.map_err(StoreError::from)?;
    let mut vars = base_vars(app, &updated);
    vars.push(("phone_number", phone.local()));
    vars.push(("hotspot_username", updated.hotspot_username()));
    let n = notice(&updated, "user_phone_changed", vars, None);
    after_change(app, &updated, "phone-change", Some(n)).await;
    Ok(updated)
}

/// A new hotspot password, written to the router and sent to the user.
pub async fn reset_hotspot_password(
    app: &App,
    admin: &User,
    id: UserId,
) -> AppResult<HotspotPasswordReset> {
    let password = crate::registration::hotspot_password();
    let txn = begin(app).await?;
    let target = lock_target(&txn, admin, id).await?;
    let updated = users::update(
        &txn,
        target.id,
        UserPatch {
            mikrotik_password: Some(Some(password.clone())),
            ..UserPatch::default()
        },
    )
    .await?;
    crate::router::user_sync::enqueue(&txn, updated.id, app.now(), "hotspot-password").await?;
    activity::log_action(
        &txn,
        Some(admin.id),
        Some(target.id),
        "RESET_HOTSPOT_PASSWORD",
        serde_json::json!({}),
    )
    .await?;
    txn.commit().await.map_err(StoreError::from)?;
    let mut vars = base_vars(app, &updated);
    vars.push(("hotspot_username", updated.hotspot_username()));
    vars.push(("hotspot_password", password));
    let n = notice(&updated, "user_hotspot_password_reset_by_admin", vars, None);
    let (router_updated, whatsapp_queued) =
        after_change(app, &updated, "hotspot-password", Some(n)).await;
    Ok(HotspotPasswordReset {
        message: "Password hotspot baru dibuat dan dikirim lewat WhatsApp.".into(),
        router_updated,
        whatsapp_queued,
    })
}

/// Deletes an account (`ALLOW_USER_HARD_DELETE`, never one with payments) or deactivates it.
/// The devices and the hotspot user leave the router first; a router that cannot be reached
/// stops a hard delete (the entries would be left with nobody to clean them).
pub async fn remove(app: &App, admin: &User, id: UserId) -> AppResult<UserRemoved> {
    if admin.id == id {
        return Err(AppError::rejected(
            ErrorCode::Forbidden,
            "Anda tidak bisa menghapus akun Anda sendiri.",
        ));
    }
    let target = crate::admin_users::get_user(app, id).await?;
    crate::admin_users::check_may_manage(admin, &target)?;
    let (_, payments) = transactions::list_for_user(app.db(), target.id, 0, 1).await?;
    let hard = app.config().accounts.allow_user_hard_delete && payments == 0;
    let mut failures = crate::router::devices::reset_network(app, &target).await?;
    if app.config().router.operations_enabled {
        for r in routers_of(app, &target).await? {
            let removed = match RouterHandle::open(app, r) {
                Ok(rh) => router::remove_hotspot_user(&rh, &target.hotspot_username()).await,
                Err(e) => Err(e),
            };
            if let Err(e) = removed {
                tracing::warn!(user_id = %target.id, error = %e, "hotspot user not removed");
                failures += 1;
            }
        }
    }
    if hard && failures > 0 {
        return Err(AppError::rejected(
            ErrorCode::RouterUnavailable,
            "Router tidak dapat dihubungi: entri router pengguna belum terhapus. Coba lagi nanti.",
        ));
    }
    let txn = begin(app).await?;
    let locked = lock_target(&txn, admin, id).await?;
    let details = serde_json::json!({
        "phone_number": locked.phone.as_e164(), "full_name": locked.full_name,
        "had_payments": payments > 0, "router_failures": failures,
    });
    let outcome = if hard {
        activity::log_action(&txn, Some(admin.id), None, "DELETE_USER", details).await?;
        users::delete(&txn, locked.id).await?;
        "deleted"
    } else {
        users::update(
            &txn,
            locked.id,
            UserPatch {
                is_active: Some(false),
                mikrotik_user_exists: Some(false),
                ..UserPatch::default()
            },
        )
        .await?;
        activity::log_action(
            &txn,
            Some(admin.id),
            Some(locked.id),
            "DEACTIVATE_USER",
            details,
        )
        .await?;
        "deactivated"
    };
    txn.commit().await.map_err(StoreError::from)?;
    crate::accounts::forget_user(app, id);
    if hard {
        crate::jobs::messaging::queue_logged(
            app,
            notice(
                &target,
                "user_account_deleted",
                base_vars(app, &target),
                Some(format!("deleted:{id}")),
            ),
        )
        .await;
    }
    Ok(UserRemoved {
        outcome: outcome.into(),
        message: if hard {
            "Akun dihapus.".into()
        } else if payments > 0 {
            "Akun punya riwayat pembayaran: dinonaktifkan, tidak dihapus.".into()
        } else {
            "Akun dinonaktifkan (penghapusan permanen tidak diizinkan di instalasi ini).".into()
        },
        router_failures: failures,
    })
}

fn entry(id: &str, summary: String, comment: Option<&str>) -> LiveEntry {
    LiveEntry {
        id: id.to_owned(),
        summary,
        comment: comment.map(str::to_owned),
    }
}

/// One router's side of the user, read now.
async fn read_side(
    app: &App,
    router: Router,
    user: &User,
    decision: &AccessDecision,
) -> RouterSide {
    let name = router.spec.name.clone();
    let mut side = RouterSide {
        router: name.clone(),
        error: None,
        hotspot_user: None,
        bindings: Vec::new(),
        address_lists: Vec::new(),
        hosts: Vec::new(),
        active_sessions: Vec::new(),
        differences: Vec::new(),
    };
    let rh = match RouterHandle::open(app, router) {
        Ok(rh) => rh,
        Err(e) => {
            side.error = Some(e.to_string());
            return side;
        }
    };
    let devices: Vec<_> = devices::list_for_user(app.db(), user.id)
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|d| d.is_authorized && d.router_id.is_none_or(|id| id == rh.router.id))
        .collect();
    let username = user.hotspot_username();
    let read = async {
        let users = rh.pool.hotspot_users(Some(&username)).await?;
        let bindings: Vec<IpBinding> = rh.pool.list(&[]).await?;
        let lists: Vec<AddressListEntry> = rh.pool.list(&[]).await?;
        let hosts: Vec<HotspotHost> = rh.pool.list(&[]).await?;
        let active: Vec<HotspotActive> = rh.pool.list(&[]).await?;
        Ok::<_, saring_routeros::Error>((users, bindings, lists, hosts, active))
    };
    let (hs_users, bindings, lists, hosts, active) = match read.await {
        Ok(v) => v,
        Err(e) => {
            side.error = Some(router::router_error(&name, e).to_string());
            return side;
        }
    };
    let macs: Vec<String> = devices.iter().map(|d| d.mac.to_string()).collect();
    let ips: Vec<String> = devices
        .iter()
        .filter_map(|d| d.ip_address.clone())
        .filter(|ip| {
            ip.parse::<IpAddr>()
                .is_ok_and(|ip| router::in_hotspot(&rh.router, ip))
        })
        .collect();
    let owned = |c: Option<&str>| router::comment_owned_by(c, user);
    side.hotspot_user = hs_users.first().map(|u| LiveHotspotUser {
        name: u.name.clone(),
        profile: u.profile.clone(),
        server: u.server.clone(),
        limit_bytes_total: u.limit_bytes_total,
        disabled: u.disabled,
        comment: u.comment.clone(),
    });
    for b in bindings.iter().filter(|b| {
        b.mac_address
            .as_deref()
            .is_some_and(|m| macs.iter().any(|x| x.eq_ignore_ascii_case(m)))
            || owned(b.comment.as_deref())
    }) {
        side.bindings.push(entry(
            &b.id,
            format!(
                "{} {}",
                b.kind.as_deref().unwrap_or("regular"),
                b.mac_address.as_deref().unwrap_or("-")
            ),
            b.comment.as_deref(),
        ));
    }
    for l in lists
        .iter()
        .filter(|l| ips.contains(&l.address) || owned(l.comment.as_deref()))
    {
        side.address_lists.push(entry(
            &l.id,
            format!("{} {}", l.list, l.address),
            l.comment.as_deref(),
        ));
    }
    for h in hosts
        .iter()
        .filter(|h| macs.iter().any(|m| m.eq_ignore_ascii_case(&h.mac_address)))
    {
        side.hosts.push(entry(
            &h.id,
            format!(
                "{} ({}) {}{}",
                h.address.as_deref().unwrap_or("-"),
                h.mac_address,
                Bytes(i64::try_from(h.bytes_in + h.bytes_out).unwrap_or(i64::MAX))
                    .to_mb()
                    .display(Locale::Id),
                if h.bypassed { ", bypassed" } else { "" }
            ),
            h.comment.as_deref(),
        ));
    }
    for a in active.iter().filter(|a| {
        a.user == username
            || a.mac_address
                .as_deref()
                .is_some_and(|m| macs.iter().any(|x| x.eq_ignore_ascii_case(m)))
    }) {
        side.active_sessions.push(entry(
            &a.id,
            format!(
                "{} {} {}",
                a.user,
                a.address.as_deref().unwrap_or("-"),
                a.mac_address.as_deref().unwrap_or("-")
            ),
            None,
        ));
    }
    // What differs from the database's view.
    let expected_binding = decision.router.binding_type.as_str();
    let is_users_router = router::router_for_user(app, user)
        .await
        .ok()
        .flatten()
        .is_some_and(|r| r.id == rh.router.id);
    if is_users_router && user.approval_status == saring_domain::access::ApprovalStatus::Approved {
        match &side.hotspot_user {
            None => side
                .differences
                .push(format!("Hotspot user {username} tidak ada di router.")),
            Some(u) if u.profile.as_deref() != Some(decision.router.profile.as_str()) => {
                side.differences.push(format!(
                    "Profil hotspot {} (seharusnya {}).",
                    u.profile.as_deref().unwrap_or("-"),
                    decision.router.profile
                ));
            }
            Some(_) => {}
        }
    }
    for mac in &macs {
        let found = bindings.iter().find(|b| {
            b.mac_address
                .as_deref()
                .is_some_and(|m| m.eq_ignore_ascii_case(mac))
        });
        match found {
            None => side
                .differences
                .push(format!("Ip-binding untuk {mac} tidak ada.")),
            Some(b) if b.kind.as_deref().unwrap_or("regular") != expected_binding => {
                side.differences.push(format!(
                    "Ip-binding {mac} bertipe {} (seharusnya {expected_binding}).",
                    b.kind.as_deref().unwrap_or("regular")
                ));
            }
            Some(_) => {}
        }
    }
    let status_lists = app.config().policy.lists.status_lists();
    for ip in &ips {
        let here: Vec<&str> = lists
            .iter()
            .filter(|l| &l.address == ip && status_lists.contains(&l.list.as_str()))
            .map(|l| l.list.as_str())
            .collect();
        if !here.contains(&decision.router.address_list.as_str()) {
            side.differences.push(format!(
                "{ip} tidak ada di daftar {}.",
                decision.router.address_list
            ));
        }
        for other in here
            .iter()
            .filter(|l| **l != decision.router.address_list.as_str())
        {
            side.differences
                .push(format!("{ip} masih ada di daftar {other}."));
        }
    }
    side
}

/// What every router holds for the user now, next to what the database expects.
pub async fn router_state(app: &App, id: UserId) -> AppResult<UserRouterState> {
    let user = crate::admin_users::get_user(app, id).await?;
    let decision = app
        .config()
        .policy
        .decide(&user.access_snapshot(), app.now());
    let mut routers = Vec::new();
    for r in routers_of(app, &user).await? {
        routers.push(read_side(app, r, &user, &decision).await);
    }
    let in_line = routers
        .iter()
        .all(|r| r.error.is_none() && r.differences.is_empty());
    Ok(UserRouterState {
        user_id: user.id.to_string(),
        expected: ExpectedRouterState {
            status: decision.status.as_str().to_owned(),
            profile: decision.router.profile.clone(),
            address_list: decision.router.address_list.clone(),
            binding_type: decision.router.binding_type.as_str().to_owned(),
            hotspot_username: user.hotspot_username(),
        },
        routers,
        in_line,
    })
}

/// Brings one user's router state in line now, and reads it again.
pub async fn fix_router_state(app: &App, admin: &User, id: UserId) -> AppResult<RouterFix> {
    let user = crate::admin_users::get_user(app, id).await?;
    crate::admin_users::check_may_manage(admin, &user)?;
    let report = crate::router::user_sync::sync_user(app, user.id).await?;
    activity::log_action(
        app.db(),
        Some(admin.id),
        Some(user.id),
        "FIX_ROUTER_STATE",
        serde_json::json!({ "router": report.router, "devices": report.devices }),
    )
    .await?;
    Ok(RouterFix {
        synced: true,
        devices: report.devices,
        after: router_state(app, id).await?,
    })
}
