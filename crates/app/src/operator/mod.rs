//! The operator's day-to-day account work: quota operations ([`quota`]), manual debts and
//! their settlements ([`debts`]), komandan requests ([`requests`]) and the account lifecycle
//! with the user's live router state ([`lifecycle`]); and what the operator watches: the
//! dashboard's figures ([`dashboard`]) and the reliability signals ([`reliability`]).
//!
//! Every change to quota or block state goes through [`crate::ledger::apply`] (ledger row with
//! its key, the user's columns and the router sync, in one transaction), is written to the
//! action log with the admin and the reason, and queues its WhatsApp message in the outbox.

pub mod dashboard;
pub mod debts;
pub mod lifecycle;
pub mod quota;
pub mod reliability;
pub mod requests;

use saring_domain::api::ErrorCode;
use saring_domain::dto::operator::QuotaState;
use saring_domain::ids::UserId;
use saring_domain::user::User;
use saring_store::db;
use saring_store::repo::users;

use crate::context::App;
use crate::error::{AppError, AppResult};
use crate::jobs::messaging::{self, Notice};

/// The account an operation is for, locked for the rest of `txn`, after checking that `admin`
/// may manage it.
async fn lock_target<C: sea_orm::ConnectionTrait>(
    txn: &C,
    admin: &User,
    id: UserId,
) -> AppResult<User> {
    let target = match users::lock(txn, id).await {
        Ok(u) => u,
        Err(saring_store::StoreError::NotFound) => {
            return Err(AppError::rejected(
                ErrorCode::UserNotFound,
                "Pengguna tidak ditemukan.",
            ));
        }
        Err(e) => return Err(e.into()),
    };
    crate::admin_users::check_may_manage(admin, &target)?;
    Ok(target)
}

/// After a committed change: the cache forgets the user, the router is brought in line now
/// (taking the sync the change queued), and the user's message is queued.
async fn after_change(
    app: &App,
    user: &User,
    reason: &str,
    notice: Option<Notice>,
) -> (bool, bool) {
    crate::accounts::forget_user(app, user.id);
    let synced = match crate::router::user_sync::sync_user_soon(app, user, reason).await {
        Ok(done) => done,
        Err(e) => {
            tracing::warn!(user_id = %user.id, error = %e, "router sync after an operator change failed; the outbox retries");
            false
        }
    };
    let queued = match notice {
        Some(n) => messaging::queue_logged(app, n).await,
        None => false,
    };
    (synced, queued)
}

/// What the account holds now.
fn quota_state(user: &User, paid_debt_mb: i64, synced: bool, queued: bool) -> QuotaState {
    let account = user.quota_account();
    QuotaState {
        total_quota_purchased_mb: account.effective_quota().to_mb(),
        total_quota_used_mb: account.used.to_mb(),
        remaining_mb: account.remaining().to_mb(),
        is_unlimited_user: user.is_unlimited_user,
        quota_expiry_date: user.quota_expiry_date,
        paid_debt_mb,
        router_synced: synced,
        whatsapp_queued: queued,
    }
}

/// A reason an operator gave: trimmed, at most 500 characters, `None` when empty.
fn reason(text: Option<&str>) -> Option<String> {
    text.map(str::trim)
        .filter(|r| !r.is_empty())
        .map(|r| r.chars().take(500).collect())
}

/// A fresh ledger key for a change that is never repeated by design (each click is its own).
fn fresh_key(prefix: &str) -> String {
    format!("{prefix}:{}", uuid::Uuid::now_v7())
}

/// An administrator's quota change inside `txn`: the ledger row (through
/// [`crate::ledger::apply`]) and the action-log row `action` with the change's details.
/// Returns the user afterwards.
async fn record_change(
    txn: &sea_orm::DatabaseTransaction,
    admin: &User,
    target: &User,
    change: saring_domain::ledger::QuotaChange,
    action: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<User> {
    let change = change.by(Some(admin.id));
    let updated = crate::ledger::apply(txn, target, &change, Default::default(), now)
        .await?
        .ok_or_else(|| {
            AppError::Internal(format!("ledger key {} was already taken", change.key))
        })?;
    saring_store::repo::activity::log_action(
        txn,
        Some(admin.id),
        Some(target.id),
        action,
        change.details.clone(),
    )
    .await?;
    Ok(updated)
}

/// Opens the write transaction of an operation.
async fn begin(app: &App) -> AppResult<sea_orm::DatabaseTransaction> {
    Ok(db::begin_write(app.db()).await?)
}

/// The message vars every notice has (the quota left as the user's dashboard shows it).
pub(crate) fn base_vars(app: &App, user: &User) -> Vec<(&'static str, String)> {
    vec![
        ("app_name", app.config().app.name.clone()),
        ("full_name", user.full_name.clone()),
        (
            "remaining",
            user.quota_account()
                .remaining()
                .to_mb()
                .display(saring_domain::Locale::Id),
        ),
    ]
}

/// A notice to the account's own number.
pub(crate) fn notice(
    user: &User,
    template: &'static str,
    vars: Vec<(&'static str, String)>,
    dedupe_key: Option<String>,
) -> Notice {
    Notice {
        to: user.phone.clone(),
        user_id: Some(user.id),
        template,
        vars,
        dedupe_key,
    }
}

/// `PUT /api/admin/users/{id}` with the reference's one-endpoint fields: the profile part
/// (name, address, role, activation, block), then a new phone number, unlimited on/off, an
/// inject, a manual debt and clearing every debt — each through its own operation above, in
/// that order. Each part is one transaction; a part that fails stops the rest and says why.
pub async fn update_user(
    app: &App,
    admin: &User,
    id: UserId,
    req: &saring_domain::dto::admin::AdminUserUpdate,
) -> AppResult<crate::admin_users::Updated> {
    use saring_domain::dto::operator::{AddDebt, InjectQuota, SetUnlimited, SettleDebt};
    let profile = req.full_name.is_some()
        || req.blok.is_some()
        || req.kamar.is_some()
        || req.is_tamping.is_some()
        || req.tamping_type.is_some()
        || req.role.is_some()
        || req.is_active.is_some()
        || req.is_blocked.is_some()
        || req.blocked_reason.is_some();
    let mut changes: Vec<&'static str> = Vec::new();
    let mut router_synced = true;
    if profile {
        let u = crate::admin_users::update(app, admin, id, req).await?;
        changes.extend(u.changes);
        router_synced &= u.router_synced;
    }
    if let Some(phone) = &req.phone_number {
        lifecycle::change_phone(app, admin, id, phone).await?;
        changes.push("phone_number");
    }
    let current = crate::admin_users::get_user(app, id).await?;
    match req.is_unlimited_user {
        Some(true) if !current.is_unlimited_user => {
            router_synced &= quota::set_unlimited(app, admin, id, &SetUnlimited::default())
                .await?
                .router_synced;
            changes.push("is_unlimited_user");
        }
        Some(false) if current.is_unlimited_user => {
            router_synced &= quota::revoke_unlimited(app, admin, id).await?.router_synced;
            changes.push("is_unlimited_user");
        }
        _ => {}
    }
    if req.add_mb.is_some() || req.add_gb.is_some() || req.add_days.is_some() {
        let inject = InjectQuota {
            add_mb: req.add_mb.unwrap_or(0),
            add_gb: req.add_gb.unwrap_or(0),
            add_days: req.add_days.unwrap_or(0),
            reason: None,
        };
        router_synced &= quota::inject(app, admin, id, &inject).await?.router_synced;
        changes.push("quota");
    }
    if req.debt_add_mb.is_some() || req.debt_package_id.is_some() {
        let debt = AddDebt {
            amount_mb: req.debt_add_mb,
            package_id: req.debt_package_id.clone(),
            debt_date: req.debt_date,
            note: req.debt_note.clone(),
            ..AddDebt::default()
        };
        debts::add(app, admin, id, &debt).await?;
        changes.push("debt");
    }
    if req.debt_clear == Some(true) {
        debts::settle(app, admin, id, None, &SettleDebt::default()).await?;
        changes.push("debt_clear");
    }
    if changes.is_empty() {
        return Err(AppError::invalid(
            "body",
            "Tidak ada perubahan yang dikirim.",
        ));
    }
    Ok(crate::admin_users::Updated {
        user: crate::admin_users::get_user(app, id).await?,
        router_synced,
        changes,
    })
}
