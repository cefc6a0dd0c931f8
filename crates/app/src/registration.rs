//! Registration and the admin's approval or rejection.

use rand::Rng;
use saring_domain::Phone;
use saring_domain::access::{ApprovalStatus, Role};
use saring_domain::api::ErrorCode;
use saring_domain::dto::auth::RegisterRequest;
use saring_domain::ledger::QuotaChange;
use saring_domain::quota::{Grant, apply_grant};
use saring_domain::user::{NewUser, User};
use saring_store::StoreError;
use saring_store::db;
use saring_store::entities::enums::NotificationType;
use saring_store::repo::activity;
use saring_store::repo::users::{self, UserPatch};
use saring_store::repo::{promos, recipients};

use crate::accounts::validate_full_name;
use crate::auth::parse_phone;
use crate::context::App;
use crate::error::{AppError, AppResult};
use crate::notify::send_template;
use crate::ratelimit::{self, per_hour, per_minute};
use crate::tokens::ClientInfo;

/// Matches `input` against allowed options, forgiving case, spaces and `_` (`"kamar 1"` →
/// `Kamar_1`, `"1"` → `Kamar_1` when that is the only option ending in 1).
pub fn normalize_option(input: &str, options: &[String]) -> Option<String> {
    let key = |s: &str| s.to_ascii_lowercase().replace([' ', '_', '-'], "");
    let wanted = key(input.trim());
    if wanted.is_empty() {
        return None;
    }
    if let Some(exact) = options.iter().find(|o| key(o) == wanted) {
        return Some(exact.clone());
    }
    let suffix: Vec<&String> = options
        .iter()
        .filter(|o| key(o).ends_with(&wanted) && wanted.chars().all(|c| c.is_ascii_digit()))
        .collect();
    (suffix.len() == 1).then(|| suffix[0].clone())
}

/// The validated address fields of a registration or profile update.
pub struct Address {
    pub blok: Option<String>,
    pub kamar: Option<String>,
    pub is_tamping: bool,
    pub tamping_type: Option<String>,
}

/// Blok and kamar are required unless the person is a *tamping* (then the tamping type is).
/// A new account waiting for approval (self-registered, or created by an admin and approved
/// right after).
pub(crate) fn pending_user(
    phone: Phone,
    full_name: String,
    address: Address,
    role: Role,
) -> NewUser {
    NewUser {
        phone,
        full_name,
        blok: address.blok,
        kamar: address.kamar,
        is_tamping: address.is_tamping,
        tamping_type: address.tamping_type,
        role,
        approval_status: ApprovalStatus::PendingApproval,
        is_active: false,
        password_hash: None,
        router_id: None,
    }
}

pub async fn validate_address(
    app: &App,
    blok: Option<&str>,
    kamar: Option<&str>,
    is_tamping: bool,
    tamping_type: Option<&str>,
) -> AppResult<Address> {
    let settings = crate::settings::current(app).await?;
    let tamping_options = settings.list(crate::settings::keys::TAMPING_OPTIONS);
    let blok_options = settings.list(crate::settings::keys::BLOK_OPTIONS);
    let kamar_options = settings.list(crate::settings::keys::KAMAR_OPTIONS);
    if is_tamping {
        let t = tamping_type
            .and_then(|t| normalize_option(t, &tamping_options))
            .ok_or_else(|| {
                AppError::invalid(
                    "tamping_type",
                    format!("Pilih jenis tamping: {}.", tamping_options.join(", ")),
                )
            })?;
        return Ok(Address {
            blok: None,
            kamar: None,
            is_tamping: true,
            tamping_type: Some(t),
        });
    }
    let blok = blok
        .and_then(|b| normalize_option(b, &blok_options))
        .ok_or_else(|| {
            AppError::invalid("blok", format!("Pilih blok: {}.", blok_options.join(", ")))
        })?;
    let kamar = kamar
        .and_then(|k| normalize_option(k, &kamar_options))
        .ok_or_else(|| {
            AppError::invalid(
                "kamar",
                format!("Pilih kamar: {}.", kamar_options.join(", ")),
            )
        })?;
    Ok(Address {
        blok: Some(blok),
        kamar: Some(kamar),
        is_tamping: false,
        tamping_type: None,
    })
}

/// `POST /api/auth/register`: a pending account; admins are told.
pub async fn register(app: &App, req: &RegisterRequest, client: &ClientInfo) -> AppResult<User> {
    let ip = client.ip.as_deref().unwrap_or("-");
    ratelimit::check(app, "register", ip, &[per_minute(5), per_hour(20)]).await?;
    let phone = parse_phone(&req.phone_number)?;
    let full_name = validate_full_name(&req.full_name)?;
    let address = validate_address(
        app,
        req.blok.as_deref(),
        req.kamar.as_deref(),
        req.is_tamping,
        req.tamping_type.as_deref(),
    )
    .await?;
    if users::find_by_phone(app.db(), &phone).await?.is_some() {
        return Err(already_registered(&phone));
    }
    match crate::notify::whatsapp(app)
        .await
        .is_registered(&phone)
        .await
    {
        Ok(Some(false)) => {
            return Err(AppError::invalid(
                "phone_number",
                "Nomor ini tidak terdaftar di WhatsApp. Gunakan nomor WhatsApp yang aktif.",
            ));
        }
        Ok(_) => {}
        Err(e) => {
            tracing::warn!(error = %e, "WhatsApp number check unavailable; registration continues")
        }
    }
    let role = if req.register_as_komandan {
        Role::Komandan
    } else {
        Role::User
    };
    let new = pending_user(phone.clone(), full_name, address, role);
    let user = match users::insert(app.db(), &new).await {
        Ok(u) => u,
        Err(StoreError::Conflict(_)) => return Err(already_registered(&phone)),
        Err(e) => return Err(e.into()),
    };
    let app_name = app.config().app.name.clone();
    send_template(
        app,
        &user.phone,
        "user_self_register_pending",
        &[
            ("full_name", user.full_name.clone()),
            ("app_name", app_name.clone()),
        ],
    )
    .await;
    let kind = if role == Role::Komandan {
        NotificationType::NewKomandanRequest
    } else {
        NotificationType::NewUserRegistration
    };
    let address_text = match (&user.blok, &user.kamar, &user.tamping_type) {
        (Some(b), Some(k), _) => format!("Blok {b}, {}", k.replace('_', " ")),
        (_, _, Some(t)) => t.clone(),
        _ => "-".to_owned(),
    };
    for admin in recipients::phones_for(app.db(), kind).await? {
        if let Ok(to) = Phone::parse(&admin) {
            send_template(
                app,
                &to,
                "new_user_registration_to_admin",
                &[
                    ("app_name", app_name.clone()),
                    ("full_name", user.full_name.clone()),
                    ("phone_number", user.phone.local()),
                    ("role", user.role.as_str().to_owned()),
                    ("address", address_text.clone()),
                ],
            )
            .await;
        }
    }
    Ok(user)
}

fn already_registered(phone: &Phone) -> AppError {
    AppError::rejected(
        ErrorCode::PhoneAlreadyRegistered,
        format!("Nomor {} sudah terdaftar.", phone.local()),
    )
}

pub fn hotspot_password() -> String {
    format!("{:06}", rand::rng().random_range(0..1_000_000u32))
}

/// What approval did.
pub struct Approval {
    pub user: User,
    pub granted_mb: i64,
    pub granted_days: i64,
    pub router_synced: bool,
    pub whatsapp_sent: bool,
}

/// Approves a pending registration: active account, hotspot password, the role's initial
/// quota and days plus active registration bonuses (one ledger row, idempotent), the hotspot
/// user on the router, and the approval message with the credentials.
pub async fn approve(
    app: &App,
    admin: &User,
    user_id: saring_domain::ids::UserId,
) -> AppResult<Approval> {
    let now = app.now();
    let txn = db::begin_write(app.db()).await?;
    let user = users::lock(&txn, user_id).await?;
    crate::admin_users::check_may_manage(admin, &user)?;
    if user.approval_status != ApprovalStatus::PendingApproval {
        return Err(AppError::rejected(
            ErrorCode::Conflict,
            "Pendaftaran ini sudah diproses.",
        ));
    }
    let grants = &app.config().grants;
    let (mut quota_mb, mut days) = match user.role {
        Role::Komandan => (
            grants.komandan_initial_quota_mb,
            grants.komandan_initial_days,
        ),
        Role::User => (grants.user_initial_quota_mb, grants.user_initial_days),
        Role::Admin | Role::SuperAdmin => (0, grants.admin_initial_days),
    };
    let bonuses = if user.role == Role::User {
        promos::active_registration_bonuses(&txn, now).await?
    } else {
        Vec::new()
    };
    for b in &bonuses {
        quota_mb += b.bonus_mb;
        days = days.max(b.bonus_days);
    }
    let before = user.quota_account();
    let outcome = apply_grant(
        &before,
        Grant::quota(quota_mb, days),
        &[],
        now,
        app.config().quota.expiry_strategy,
    );
    let password = user
        .mikrotik_password
        .clone()
        .unwrap_or_else(hotspot_password);
    let server = match user.role {
        Role::Komandan => app.config().router.server_komandan.clone(),
        _ => app.config().router.server_user.clone(),
    };
    let change = QuotaChange::quota(
        "registration.approve",
        format!("approve:{}", user.id),
        outcome.account.clone(),
    )
    .by(Some(admin.id))
    .with_details(serde_json::json!({
        "granted_mb": quota_mb, "granted_days": days,
        "bonuses": bonuses.iter().map(|b| serde_json::json!({"promo_id": b.id, "name": b.name, "mb": b.bonus_mb, "days": b.bonus_days})).collect::<Vec<_>>(),
    }));
    let approval = UserPatch {
        approval_status: Some(ApprovalStatus::Approved),
        is_active: Some(true),
        approved_at: Some(Some(now)),
        approved_by_id: Some(Some(admin.id.0)),
        rejected_at: Some(None),
        rejected_by_id: Some(None),
        mikrotik_password: Some(Some(password.clone())),
        mikrotik_server_name: Some(Some(server)),
        ..UserPatch::default()
    };
    let Some(updated) = crate::ledger::apply(&txn, &user, &change, approval, now).await? else {
        return Err(AppError::rejected(
            ErrorCode::Conflict,
            "Pendaftaran ini sudah diproses.",
        ));
    };
    activity::log_action(
        &txn,
        Some(admin.id),
        Some(user.id),
        "APPROVE_USER",
        serde_json::json!({ "granted_mb": quota_mb, "granted_days": days }),
    )
    .await?;
    txn.commit().await.map_err(StoreError::from)?;
    crate::accounts::forget_user(app, user.id);

    let router_synced = crate::router::user_sync::sync_user_soon(app, &updated, "approve").await?;
    let user = users::find_by_id(app.db(), updated.id)
        .await?
        .unwrap_or(updated);
    let bonus_line = if quota_mb > 0 || days > 0 {
        let mb = saring_domain::units::Megabytes::from_whole(quota_mb)
            .display(saring_domain::Locale::Id);
        format!("\n\nBonus awal: {mb}, aktif {days} hari.")
    } else {
        String::new()
    };
    let whatsapp_sent = send_template(
        app,
        &user.phone,
        "user_approve_with_password",
        &[
            ("full_name", user.full_name.clone()),
            ("app_name", app.config().app.name.clone()),
            ("hotspot_username", user.hotspot_username()),
            ("hotspot_password", password),
            ("bonus_line", bonus_line),
        ],
    )
    .await;
    Ok(Approval {
        user,
        granted_mb: quota_mb,
        granted_days: days,
        router_synced,
        whatsapp_sent,
    })
}

/// Rejects a pending registration (the account can no longer log in; it is purged later).
pub async fn reject(
    app: &App,
    admin: &User,
    user_id: saring_domain::ids::UserId,
    reason: Option<&str>,
) -> AppResult<User> {
    let now = app.now();
    let reason = reason
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(|r| r.chars().take(500).collect::<String>());
    let txn = db::begin_write(app.db()).await?;
    let user = users::lock(&txn, user_id).await?;
    crate::admin_users::check_may_manage(admin, &user)?;
    if user.approval_status != ApprovalStatus::PendingApproval {
        return Err(AppError::rejected(
            ErrorCode::Conflict,
            "Pendaftaran ini sudah diproses.",
        ));
    }
    let updated = users::update(
        &txn,
        user.id,
        UserPatch {
            approval_status: Some(ApprovalStatus::Rejected),
            is_active: Some(false),
            rejected_at: Some(Some(now)),
            rejected_by_id: Some(Some(admin.id.0)),
            ..UserPatch::default()
        },
    )
    .await?;
    activity::log_action(
        &txn,
        Some(admin.id),
        Some(user.id),
        "REJECT_USER",
        serde_json::json!({ "reason": reason }),
    )
    .await?;
    txn.commit().await.map_err(StoreError::from)?;
    crate::accounts::forget_user(app, user.id);
    let reason_line = reason.map(|r| format!("\nAlasan: {r}")).unwrap_or_default();
    send_template(
        app,
        &updated.phone,
        "user_reject_notification",
        &[
            ("full_name", updated.full_name.clone()),
            ("app_name", app.config().app.name.clone()),
            ("reason_line", reason_line),
        ],
    )
    .await;
    Ok(updated)
}

#[cfg(test)]
mod tests {
    use super::normalize_option;

    #[test]
    fn options_forgive_spelling() {
        let kamar: Vec<String> = (1..=6).map(|i| format!("Kamar_{i}")).collect();
        assert_eq!(
            normalize_option("kamar 3", &kamar).as_deref(),
            Some("Kamar_3")
        );
        assert_eq!(
            normalize_option("KAMAR_3", &kamar).as_deref(),
            Some("Kamar_3")
        );
        assert_eq!(normalize_option("3", &kamar).as_deref(), Some("Kamar_3"));
        assert_eq!(normalize_option("9", &kamar), None);
        assert_eq!(normalize_option("", &kamar), None);
        let blok: Vec<String> = ["A", "B"].iter().map(|s| s.to_string()).collect();
        assert_eq!(normalize_option("b", &blok).as_deref(), Some("B"));
        assert_eq!(normalize_option("z", &blok), None);
    }
}
