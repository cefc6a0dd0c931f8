//! Administrators managing accounts: the list and detail, and the changes an admin may make
//! (profile, role, activation, block/unblock), each written to the action log and pushed
//! to the router.
//!
//! Who may change whom (as the reference): an ADMIN manages USER and KOMANDAN accounts; only a
//! SUPER_ADMIN manages administrators and gives or takes the ADMIN/SUPER_ADMIN roles; nobody
//! changes their own role, activation or block.

use saring_domain::access::{ApprovalStatus, BlockKind, Role};
use saring_domain::api::{ErrorCode, Page, PageRequest};
use saring_domain::dto::admin::{AdminUserDetail, AdminUserItem, AdminUserQuery, AdminUserUpdate};
use saring_domain::ids::UserId;
use saring_domain::user::User;
use saring_store::StoreError;
use saring_store::db;
use saring_store::repo::activity;
use saring_store::repo::devices;
use saring_store::repo::users::{self, QuotaFilter, SortBy, UserFilter, UserPatch, UserSort};

use crate::context::App;
use crate::error::{AppError, AppResult};
use crate::notify::send_template;

/// Refuses when `admin` may not manage `target`.
pub fn check_may_manage(admin: &User, target: &User) -> AppResult<()> {
    if !admin.role.is_admin() {
        return Err(AppError::rejected(
            ErrorCode::AdminRequired,
            "Hanya admin yang dapat melakukan ini.",
        ));
    }
    if target.role.is_admin() && admin.role != Role::SuperAdmin && admin.id != target.id {
        return Err(AppError::rejected(
            ErrorCode::SuperAdminRequired,
            "Hanya super admin yang dapat mengubah akun admin.",
        ));
    }
    Ok(())
}

pub async fn get_user(app: &App, id: UserId) -> AppResult<User> {
    users::find_by_id(app.db(), id)
        .await?
        .ok_or_else(|| AppError::rejected(ErrorCode::UserNotFound, "Pengguna tidak ditemukan."))
}

pub(crate) fn parse_filter(
    q: &AdminUserQuery,
    now: chrono::DateTime<chrono::Utc>,
    fup_threshold_mb: i64,
) -> AppResult<UserFilter> {
    let role = match q.role.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(r) => Some(r.parse::<Role>().map_err(|_| {
            AppError::invalid(
                "role",
                "Peran tidak dikenal (USER, KOMANDAN, ADMIN, SUPER_ADMIN).",
            )
        })?),
    };
    let mut f = UserFilter {
        search: q.search.clone(),
        role,
        blok: q.blok.clone(),
        ..UserFilter::default()
    };
    match q
        .status
        .as_deref()
        .map(|s| s.trim().to_ascii_lowercase())
        .as_deref()
    {
        None | Some("") | Some("all") => {}
        Some("pending") => f.approval = Some(ApprovalStatus::PendingApproval),
        Some("approved") => f.approval = Some(ApprovalStatus::Approved),
        Some("rejected") => f.approval = Some(ApprovalStatus::Rejected),
        Some("active") => {
            f.approval = Some(ApprovalStatus::Approved);
            f.is_active = Some(true);
            f.is_blocked = Some(false);
        }
        Some("inactive") => f.is_active = Some(false),
        Some("blocked") => f.is_blocked = Some(true),
        Some("unlimited") => f.is_unlimited = Some(true),
        Some("debt") => f.quota = Some(QuotaFilter::Debt),
        Some("expired") => f.quota = Some(QuotaFilter::Expired(now)),
        Some("fup") => {
            f.quota = Some(QuotaFilter::Fup {
                threshold_mb: fup_threshold_mb,
            });
        }
        Some("habis") => f.quota = Some(QuotaFilter::Habis),
        Some("no_quota") => f.quota = Some(QuotaFilter::NoQuota),
        Some("tamping") => f.quota = Some(QuotaFilter::Tamping),
        Some(other) => {
            return Err(AppError::invalid(
                "status",
                format!("Filter status tidak dikenal: {other}."),
            ));
        }
    }
    let by = match q.sort.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None | Some("created_at") => SortBy::CreatedAt,
        Some("name") => SortBy::Name,
        Some("phone") => SortBy::Phone,
        Some("last_login") => SortBy::LastLogin,
        Some("expiry") => SortBy::Expiry,
        Some("remaining") => SortBy::Remaining,
        Some("used") => SortBy::Used,
        Some(_) => {
            return Err(AppError::invalid(
                "sort",
                "Urutan: created_at, name, phone, last_login, expiry, remaining atau used.",
            ));
        }
    };
    let descending = match q.order.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        // Dates newest first, names and numbers A–Z, unless asked.
        None => matches!(by, SortBy::CreatedAt | SortBy::LastLogin),
        Some("asc") => false,
        Some("desc") => true,
        Some(_) => return Err(AppError::invalid("order", "Arah: asc atau desc.")),
    };
    f.sort = UserSort { by, descending };
    Ok(f)
}

/// `GET /api/admin/users`: `q`'s filters, `page` as validated by the API (`q.page` and
/// `q.per_page` are the SPA's way of sending it).
pub async fn list(
    app: &App,
    q: &AdminUserQuery,
    page: PageRequest,
) -> AppResult<Page<AdminUserItem>> {
    let filter = parse_filter(q, app.now(), app.config().policy.fup_threshold_mb)?;
    let (_, per_page) = page.clamped();
    let (rows, total) = users::list(app.db(), &filter, page.offset(), per_page).await?;
    let mut items = Vec::with_capacity(rows.len());
    for u in rows {
        let me = crate::present::user_me(app, &u);
        items.push(AdminUserItem {
            id: me.id,
            phone_number: me.phone_number,
            full_name: me.full_name,
            role: me.role,
            approval_status: me.approval_status,
            is_active: me.is_active,
            is_blocked: me.is_blocked,
            is_unlimited_user: me.is_unlimited_user,
            blok: me.blok,
            kamar: me.kamar,
            total_quota_purchased_mb: me.total_quota_purchased_mb,
            total_quota_used_mb: me.total_quota_used_mb,
            remaining_mb: me.remaining_mb,
            quota_expiry_date: me.quota_expiry_date,
            status: me.status,
            device_count: devices::count_for_user(app.db(), u.id).await?,
            created_at: me.created_at,
            last_login_at: me.last_login_at,
        });
    }
    Ok(Page::new(items, page, total))
}

pub async fn detail(app: &App, id: UserId) -> AppResult<AdminUserDetail> {
    let user = get_user(app, id).await?;
    let devs = devices::list_for_user(app.db(), user.id).await?;
    Ok(AdminUserDetail {
        user: crate::present::user_me(app, &user),
        auto_debt_offset_mb: user.auto_debt_offset_mb,
        mikrotik_server_name: user.mikrotik_server_name.clone(),
        mikrotik_profile_name: user.mikrotik_profile_name.clone(),
        mikrotik_user_exists: user.mikrotik_user_exists,
        router_id: user.router_id.map(|r| r.to_string()),
        devices: devs.iter().map(crate::present::device).collect(),
    })
}

/// The outcome of an admin update.
pub struct Updated {
    pub user: User,
    pub router_synced: bool,
    pub changes: Vec<&'static str>,
}

/// `PUT /api/admin/users/{id}`: applies the fields present, in one transaction with its
/// action-log rows, then pushes the user's state to the router.
pub async fn update(
    app: &App,
    admin: &User,
    id: UserId,
    req: &AdminUserUpdate,
) -> AppResult<Updated> {
    let now = app.now();
    let txn = db::begin_write(app.db()).await?;
    let target = users::lock(&txn, id).await?;
    check_may_manage(admin, &target)?;
    let self_edit = admin.id == target.id;
    let mut patch = UserPatch::default();
    let mut changes: Vec<&'static str> = Vec::new();
    let mut log: Vec<(&str, serde_json::Value)> = Vec::new();

    if let Some(name) = &req.full_name {
        patch.full_name = Some(crate::accounts::validate_full_name(name)?);
        changes.push("full_name");
    }
    let address_given = req.blok.is_some()
        || req.kamar.is_some()
        || req.is_tamping.is_some()
        || req.tamping_type.is_some();
    if address_given && !target.role.is_admin() {
        {
            let is_tamping = req.is_tamping.unwrap_or(target.is_tamping);
            let address = crate::registration::validate_address(
                app,
                req.blok.as_deref().or(target.blok.as_deref()),
                req.kamar.as_deref().or(target.kamar.as_deref()),
                is_tamping,
                req.tamping_type
                    .as_deref()
                    .or(target.tamping_type.as_deref()),
            )
            .await?;
            patch.blok = Some(address.blok);
            patch.kamar = Some(address.kamar);
            patch.is_tamping = Some(address.is_tamping);
            patch.tamping_type = Some(address.tamping_type);
            changes.push("address");
        }
    }
    if !changes.is_empty() {
        log.push((
            "UPDATE_USER_PROFILE",
            serde_json::json!({ "fields": changes.clone() }),
        ));
    }
    let mut promoted_password = None;
    if let Some(role) = req.role.filter(|r| *r != target.role) {
        if self_edit {
            return Err(AppError::rejected(
                ErrorCode::Forbidden,
                "Anda tidak dapat mengubah peran akun sendiri.",
            ));
        }
        if (role.is_admin() || target.role.is_admin()) && admin.role != Role::SuperAdmin {
            return Err(AppError::rejected(
                ErrorCode::SuperAdminRequired,
                "Hanya super admin yang dapat memberi atau mencabut peran admin.",
            ));
        }
        patch.role = Some(role);
        if role.is_admin() && !target.role.is_admin() {
            patch.previous_blok = Some(target.blok.clone());
            patch.previous_kamar = Some(target.kamar.clone());
            let password = crate::accounts::generate_password();
            patch.password_hash = Some(Some(crate::accounts::hash_password(
                &secrecy::SecretString::from(password.clone()),
            )?));
            promoted_password = Some(password);
        } else if !role.is_admin() && target.role.is_admin() {
            patch.password_hash = Some(None);
        }
        changes.push("role");
        log.push((
            "CHANGE_USER_ROLE",
            serde_json::json!({ "from": target.role.as_str(), "to": role.as_str() }),
        ));
    }
    if let Some(active) = req.is_active.filter(|a| *a != target.is_active) {
        if self_edit {
            return Err(AppError::rejected(
                ErrorCode::Forbidden,
                "Anda tidak dapat menonaktifkan akun sendiri.",
            ));
        }
        if active && target.approval_status != ApprovalStatus::Approved {
            return Err(AppError::rejected(
                ErrorCode::Conflict,
                "Setujui pendaftaran dulu sebelum mengaktifkan akun.",
            ));
        }
        patch.is_active = Some(active);
        changes.push("is_active");
        log.push((
            if active {
                "ACTIVATE_USER"
            } else {
                "DEACTIVATE_USER"
            },
            serde_json::json!({}),
        ));
    }
    let mut block_change = None;
    if let Some(blocked) = req.is_blocked.filter(|b| *b != target.is_blocked) {
        if self_edit {
            return Err(AppError::rejected(
                ErrorCode::Forbidden,
                "Anda tidak dapat memblokir akun sendiri.",
            ));
        }
        if blocked {
            let reason = req
                .blocked_reason
                .as_deref()
                .map(str::trim)
                .filter(|r| r.chars().count() >= 3)
                .ok_or_else(|| {
                    AppError::invalid(
                        "blocked_reason",
                        "Tulis alasan pemblokiran (minimal 3 karakter).",
                    )
                })?;
            let reason: String = reason.chars().take(500).collect();
            patch.is_blocked = Some(true);
            patch.blocked_reason = Some(Some(reason.clone()));
            patch.blocked_at = Some(Some(now));
            patch.blocked_by_id = Some(Some(admin.id.0));
            log.push(("BLOCK_USER", serde_json::json!({ "reason": reason })));
            block_change = Some(Some(reason));
        } else {
            let kind = BlockKind::of_reason(target.blocked_reason.as_deref());
            let owes = target.quota_account().auto_debt().0 > 0
                || (!target.role.is_debt_exempt() && target.manual_debt_mb > 0);
            if kind.is_debt() && owes {
                return Err(AppError::rejected(
                    ErrorCode::Conflict,
                    "Blokir karena tunggakan tidak bisa dibuka sebelum tunggakan dilunasi.",
                ));
            }
            patch.is_blocked = Some(false);
            patch.blocked_reason = Some(None);
            patch.blocked_at = Some(None);
            patch.blocked_by_id = Some(None);
            log.push((
                "UNBLOCK_USER",
                serde_json::json!({ "previous_reason": target.blocked_reason }),
            ));
            block_change = Some(None);
        }
        changes.push("is_blocked");
    }
    if changes.is_empty() {
        return Err(AppError::invalid(
            "body",
            "Tidak ada perubahan yang dikirim.",
        ));
    }
    let updated = users::update(&txn, target.id, patch).await?;
    for (action, details) in log {
        activity::log_action(&txn, Some(admin.id), Some(target.id), action, details).await?;
    }
    txn.commit().await.map_err(StoreError::from)?;
    crate::accounts::forget_user(app, target.id);

    let router_synced =
        crate::router::user_sync::sync_user_soon(app, &updated, "admin-update").await?;
    let app_name = app.config().app.name.clone();
    match block_change {
        Some(Some(reason)) => {
            send_template(
                app,
                &updated.phone,
                "user_access_blocked",
                &[
                    ("app_name", app_name.clone()),
                    ("reason_line", format!("\nAlasan: {reason}")),
                ],
            )
            .await;
        }
        Some(None) => {
            send_template(
                app,
                &updated.phone,
                "user_access_unblocked",
                &[("app_name", app_name.clone())],
            )
            .await;
        }
        None => {}
    }
    if changes.contains(&"role") {
        send_template(
            app,
            &updated.phone,
            "user_role_changed",
            &[
                ("app_name", app_name.clone()),
                ("role", updated.role.as_str().to_owned()),
            ],
        )
        .await;
    }
    if let Some(password) = promoted_password {
        send_template(
            app,
            &updated.phone,
            "admin_password_generated",
            &[("app_name", app_name), ("password", password)],
        )
        .await;
    }
    Ok(Updated {
        user: updated,
        router_synced,
        changes,
    })
}

/// Super admin: a new random password for an administrator, sent to them by WhatsApp.
pub async fn generate_admin_password(app: &App, admin: &User, id: UserId) -> AppResult<bool> {
    if admin.role != Role::SuperAdmin {
        return Err(AppError::rejected(
            ErrorCode::SuperAdminRequired,
            "Hanya super admin yang dapat membuat password admin.",
        ));
    }
    let target = get_user(app, id).await?;
    if !target.role.is_admin() {
        return Err(AppError::rejected(
            ErrorCode::BadRequest,
            "Hanya akun admin yang memakai password; pengguna masuk dengan OTP.",
        ));
    }
    let password = crate::accounts::generate_password();
    let hash = crate::accounts::hash_password(&secrecy::SecretString::from(password.clone()))?;
    let txn = db::begin_write(app.db()).await?;
    users::update(
        &txn,
        target.id,
        UserPatch {
            password_hash: Some(Some(hash)),
            ..UserPatch::default()
        },
    )
    .await?;
    saring_store::repo::refresh_tokens::revoke_all_for_user(&txn, target.id, app.now()).await?;
    saring_store::repo::users::bump_session_epoch(&txn, target.id).await?;
    saring_store::repo::device_credentials::delete_for_user(&txn, target.id).await?;
    activity::log_action(
        &txn,
        Some(admin.id),
        Some(target.id),
        "GENERATE_ADMIN_PASSWORD",
        serde_json::json!({}),
    )
    .await?;
    txn.commit().await.map_err(StoreError::from)?;
    crate::accounts::forget_user(app, target.id);
    Ok(send_template(
        app,
        &target.phone,
        "admin_password_generated",
        &[
            ("app_name", app.config().app.name.clone()),
            ("password", password),
        ],
    )
    .await)
}

/// Removes every device binding and session of a user, so their next access needs a new
/// OTP login.
pub async fn reset_login(app: &App, admin: &User, id: UserId) -> AppResult<usize> {
    let target = get_user(app, id).await?;
    check_may_manage(admin, &target)?;
    let failed = crate::router::devices::reset_network(app, &target).await?;
    let txn = db::begin_write(app.db()).await?;
    let removed = devices::list_for_user(&txn, target.id).await?;
    for d in &removed {
        devices::delete(&txn, d.id).await?;
    }
    saring_store::repo::refresh_tokens::revoke_all_for_user(&txn, target.id, app.now()).await?;
    saring_store::repo::users::bump_session_epoch(&txn, target.id).await?;
    saring_store::repo::device_credentials::delete_for_user(&txn, target.id).await?;
    activity::log_action(
        &txn,
        Some(admin.id),
        Some(target.id),
        "RESET_USER_LOGIN",
        serde_json::json!({ "devices": removed.len(), "router_failures": failed }),
    )
    .await?;
    txn.commit().await.map_err(StoreError::from)?;
    crate::accounts::forget_user(app, target.id);
    Ok(removed.len())
}

/// `POST /api/admin/users`: an account created by an administrator, approved at once (with
/// the initial quota, the hotspot user and the credentials message). Administrator accounts
/// (SUPER_ADMIN only) get a generated password by WhatsApp instead.
pub async fn create_user(
    app: &App,
    admin: &User,
    req: &saring_domain::dto::admin::AdminCreateUser,
) -> AppResult<User> {
    let role = req.role.unwrap_or(Role::User);
    if role.is_admin() && admin.role != Role::SuperAdmin {
        return Err(AppError::rejected(
            ErrorCode::SuperAdminRequired,
            "Hanya super admin yang dapat membuat akun admin.",
        ));
    }
    let phone = crate::auth::parse_phone(&req.phone_number)?;
    if role.is_admin() {
        let password = crate::accounts::generate_password();
        let user = crate::accounts::create_admin(
            app,
            crate::accounts::CreateAdmin {
                phone,
                full_name: req.full_name.clone(),
                password: secrecy::SecretString::from(password.clone()),
                super_admin: role == Role::SuperAdmin,
            },
        )
        .await?;
        activity::log_action(
            app.db(),
            Some(admin.id),
            Some(user.id),
            "CREATE_USER",
            serde_json::json!({ "role": role.as_str() }),
        )
        .await?;
        send_template(
            app,
            &user.phone,
            "admin_password_generated",
            &[
                ("app_name", app.config().app.name.clone()),
                ("password", password),
            ],
        )
        .await;
        return Ok(user);
    }
    let full_name = crate::accounts::validate_full_name(&req.full_name)?;
    let address = crate::registration::validate_address(
        app,
        req.blok.as_deref(),
        req.kamar.as_deref(),
        req.is_tamping,
        req.tamping_type.as_deref(),
    )
    .await?;
    let new = crate::registration::pending_user(phone.clone(), full_name, address, role);
    let created = match users::insert(app.db(), &new).await {
        Ok(u) => u,
        Err(StoreError::Conflict(_)) => {
            return Err(AppError::rejected(
                ErrorCode::PhoneAlreadyRegistered,
                format!("Nomor {} sudah terdaftar.", phone.local()),
            ));
        }
        Err(e) => return Err(e.into()),
    };
    activity::log_action(
        app.db(),
        Some(admin.id),
        Some(created.id),
        "CREATE_USER",
        serde_json::json!({ "role": role.as_str() }),
    )
    .await?;
    Ok(crate::registration::approve(app, admin, created.id)
        .await?
        .user)
}
