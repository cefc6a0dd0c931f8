//! The signed-in user's own data and actions (`/api/users/me/*`, `/api/auth/me*`).

use chrono::{Datelike, Duration, NaiveDate};
use saring_domain::Locale;
use saring_domain::api::{ErrorCode, Page, PageRequest};
use saring_domain::dto::auth::{CaptiveContext, HotspotSessionStatus, ProfileUpdateRequest};
use saring_domain::dto::users::{
    BindResult, DailySpending, DailyUsage, DevicesResponse, LoginHistoryItem, MonthlyUsage,
    MonthlyUsageResponse, QuotaDebtItem, QuotaDebtList, QuotaHistoryItem, QuotaSummary,
    TransactionItem, WeeklySpending, WeeklyUsage,
};
use saring_domain::money::Rupiah;
use saring_domain::quota::QuotaAccount;
use saring_domain::units::{Bytes, Megabytes};
use saring_domain::user::User;
use saring_store::repo::users::UserPatch;
use saring_store::repo::{activity, debts, devices, transactions, usage, users};
use secrecy::SecretString;
use uuid::Uuid;

use crate::context::App;
use crate::error::{AppError, AppResult};
use crate::payments::debt::DebtScope;
use crate::presence::IssuedCredential;
use crate::present::{self, PRIVATE_ADDRESS_HINT};
use crate::router::devices::BindOutcome;
use crate::tokens::ClientInfo;

pub async fn quota(app: &App, user: &User) -> AppResult<QuotaSummary> {
    let me = present::user_me(app, user);
    let account = user.quota_account();
    let remaining_percent = if account.effective_quota().0 > 0 {
        let pct =
            i128::from(account.remaining().0) * 10_000 / i128::from(account.effective_quota().0);
        Megabytes::from_centi(i64::try_from(pct).unwrap_or(0))
    } else {
        Megabytes::ZERO
    };
    let last_sync_time = devices::list_for_user(app.db(), user.id)
        .await?
        .iter()
        .filter_map(|d| d.last_bytes_updated_at)
        .max();
    // Unlimited users and admins owe nothing; everyone else sees what their debt costs now.
    let debt = crate::payments::debt::quote(app.db(), user, DebtScope::Total).await?;
    let quota_debt_total_estimated_rp = if debt.total_mb() > 0 && debt.total_rp() == Rupiah::ZERO {
        None // no package with a quota and a price to estimate from
    } else {
        Some(debt.total_rp())
    };
    Ok(QuotaSummary {
        total_quota_purchased_mb: me.total_quota_purchased_mb,
        total_quota_used_mb: me.total_quota_used_mb,
        remaining_mb: me.remaining_mb,
        remaining_percent,
        quota_expiry_date: me.quota_expiry_date,
        is_unlimited_user: me.is_unlimited_user,
        quota_debt_auto_mb: me.quota_debt_auto_mb,
        quota_debt_manual_mb: me.quota_debt_manual_mb,
        quota_debt_total_mb: me.quota_debt_total_mb,
        quota_debt_total_estimated_rp,
        status: me.status,
        access_status: me.access_status,
        hotspot_username: me.hotspot_username,
        last_sync_time,
    })
}

/// `GET /api/users/me/quota-debts[?status=open|all]`: the user's manual debt items, newest
/// first, each open one with what paying it costs now.
pub async fn quota_debts(app: &App, user: &User, open_only: bool) -> AppResult<QuotaDebtList> {
    let rows = debts::list_for_user(app.db(), user.id, open_only).await?;
    let priced = crate::payments::debt::quote(app.db(), user, DebtScope::Total).await?;
    let price_of = |id: Uuid| {
        priced
            .items
            .iter()
            .find(|(d, _)| d.id == id)
            .map(|(_, rp)| *rp)
    };
    let open: Vec<_> = rows
        .iter()
        .filter(|d| !d.is_paid && d.remaining_mb() > 0)
        .collect();
    Ok(QuotaDebtList {
        open_count: open.len(),
        open_mb: open.iter().map(|d| d.remaining_mb()).sum(),
        debts: Page::all(
            rows.iter()
                .map(|d| QuotaDebtItem {
                    id: d.id.to_string(),
                    debt_date: d.debt_date,
                    due_date: d.due_date,
                    amount_mb: d.amount_mb,
                    paid_mb: d.paid_mb,
                    remaining_mb: d.remaining_mb(),
                    is_unlimited: d.is_unlimited,
                    is_paid: d.is_paid,
                    paid_at: d.paid_at,
                    price_due: price_of(d.id),
                    note: d.note.clone(),
                    created_at: d.created_at,
                })
                .collect(),
        ),
    })
}

fn today(app: &App) -> NaiveDate {
    app.config().app.timezone.date(app.now())
}

pub async fn weekly_usage(app: &App, user: &User) -> AppResult<WeeklyUsage> {
    let to = today(app);
    let from = to - Duration::days(6);
    let rows = usage::daily(app.db(), user.id, from, to).await?;
    let days: Vec<DailyUsage> = (0..7)
        .map(|i| {
            let date = from + Duration::days(i);
            let bytes = rows
                .iter()
                .find(|(d, _)| *d == date)
                .map_or(Bytes::ZERO, |(_, b)| *b);
            DailyUsage {
                date,
                usage_mb: bytes.to_mb(),
            }
        })
        .collect();
    let total: Bytes = rows.iter().fold(Bytes::ZERO, |acc, (_, b)| acc + *b);
    Ok(WeeklyUsage {
        weekly_data: days.iter().map(|d| d.usage_mb).collect(),
        days,
        total_mb: total.to_mb(),
    })
}

/// The last `months` calendar months (local), oldest first.
pub async fn monthly_usage(app: &App, user: &User, months: u32) -> AppResult<MonthlyUsageResponse> {
    let months = months.clamp(1, 24);
    let t = today(app);
    let first_of = |y: i32, m: u32| NaiveDate::from_ymd_opt(y, m, 1).unwrap_or(t);
    let mut starts = Vec::new();
    let (mut y, mut m) = (t.year(), t.month());
    for _ in 0..months {
        starts.push(first_of(y, m));
        if m == 1 {
            y -= 1;
            m = 12;
        } else {
            m -= 1;
        }
    }
    starts.reverse();
    let rows = usage::daily(app.db(), user.id, starts[0], t).await?;
    let monthly_data = starts
        .iter()
        .map(|start| {
            let bytes = rows
                .iter()
                .filter(|(d, _)| d.year() == start.year() && d.month() == start.month())
                .fold(Bytes::ZERO, |acc, (_, b)| acc + *b);
            MonthlyUsage {
                month_year: format!("{:04}-{:02}", start.year(), start.month()),
                usage_mb: bytes.to_mb(),
            }
        })
        .collect();
    Ok(MonthlyUsageResponse { monthly_data })
}

pub async fn weekly_spending(app: &App, user: &User) -> AppResult<WeeklySpending> {
    let tz = app.config().app.timezone;
    let to = today(app);
    let from = to - Duration::days(6);
    let paid = transactions::paid_since(app.db(), user.id, tz.start_of_day(from)).await?;
    let days: Vec<DailySpending> = (0..7)
        .map(|i| {
            let date = from + Duration::days(i);
            let amount = paid
                .iter()
                .filter(|(at, _)| tz.date(*at) == date)
                .map(|(_, a)| *a)
                .sum();
            DailySpending {
                date,
                amount: Rupiah(amount),
            }
        })
        .collect();
    let total = Rupiah(days.iter().map(|d| d.amount.0).sum());
    Ok(WeeklySpending { days, total })
}

pub async fn transactions(
    app: &App,
    user: &User,
    page: PageRequest,
) -> AppResult<Page<TransactionItem>> {
    let (_, per_page) = page.clamped();
    let (rows, total) =
        transactions::list_for_user(app.db(), user.id, page.offset(), per_page).await?;
    let items = rows
        .into_iter()
        .map(|t| TransactionItem {
            id: t.id.to_string(),
            order_id: t.order_id,
            package_name: t.package_name,
            amount: Rupiah(t.amount),
            status: t.status,
            payment_method: t.payment_method,
            purpose: t.purpose,
            created_at: t.created_at,
            payment_time: t.payment_time,
        })
        .collect();
    Ok(Page::new(items, page, total))
}

pub async fn login_history(app: &App, user: &User) -> AppResult<Vec<LoginHistoryItem>> {
    Ok(activity::login_history(app.db(), user.id, 50)
        .await?
        .into_iter()
        .map(|r| LoginHistoryItem {
            login_time: r.login_time,
            ip_address: r.ip_address,
            mac_address: r.mac_address,
            user_agent_string: r.user_agent,
            method: r.method,
        })
        .collect())
}

/// Ledger rows in words.
pub async fn quota_history(
    app: &App,
    user: &User,
    page: PageRequest,
) -> AppResult<Page<QuotaHistoryItem>> {
    let (_, per_page) = page.clamped();
    let (rows, total) =
        activity::ledger_for_user(app.db(), user.id, None, None, page.offset(), per_page).await?;
    let items = rows.into_iter().map(|e| describe_ledger(&e)).collect();
    Ok(Page::new(items, page, total))
}

pub(crate) fn describe_ledger(e: &activity::LedgerEntry) -> QuotaHistoryItem {
    let state = |v: &Option<serde_json::Value>| {
        v.as_ref()
            .and_then(|v| serde_json::from_value::<QuotaAccount>(v.clone()).ok())
    };
    let (before, after) = (state(&e.before_state), state(&e.after_state));
    let delta_q = match (&before, &after) {
        (Some(b), Some(a)) => Bytes(a.effective_quota().0 - b.effective_quota().0),
        _ => Bytes::ZERO,
    };
    let delta_u = match (&before, &after) {
        (Some(b), Some(a)) => Bytes(a.used.0 - b.used.0),
        _ => Bytes::ZERO,
    };
    let amount = if delta_q.0 >= 0 {
        format!("+{}", delta_q.display(Locale::Id))
    } else {
        delta_q.display(Locale::Id)
    };
    let title = match e.source.as_str() {
        "registration.approve" => format!("Akun disetujui: bonus awal {amount}"),
        "hotspot.sync_usage" => format!("Pemakaian tercatat: {}", delta_u.display(Locale::Id)),
        s if s.starts_with("purchase") => format!("Pembelian paket: {amount}"),
        s if s.starts_with("admin.inject") => format!("Tambahan kuota dari admin: {amount}"),
        s if s.starts_with("debt") => format!("Pelunasan tunggakan: {amount}"),
        s => format!("Perubahan kuota ({s}): {amount}"),
    };
    QuotaHistoryItem {
        id: e.id.to_string(),
        created_at: e.created_at,
        source: e.source.clone(),
        title,
        description: e.event_details.as_ref().map(|d| d.to_string()),
        delta_purchased_mb: delta_q.to_mb(),
        delta_used_mb: delta_u.to_mb(),
        actor: e.actor_user_id.map(|a| a.to_string()),
    }
}

pub async fn devices(app: &App, user: &User) -> AppResult<DevicesResponse> {
    let list = devices::list_for_user(app.db(), user.id).await?;
    Ok(DevicesResponse {
        devices: list.iter().map(present::device).collect(),
        max_devices: app.config().devices.max_per_user,
    })
}

async fn own_device(app: &App, user: &User, id: Uuid) -> AppResult<saring_domain::device::Device> {
    devices::find(app.db(), id)
        .await?
        .filter(|d| d.user_id == user.id)
        .ok_or_else(|| AppError::rejected(ErrorCode::NotFound, "Perangkat tidak ditemukan."))
}

pub async fn set_device_label(
    app: &App,
    user: &User,
    id: Uuid,
    label: &str,
) -> AppResult<saring_domain::dto::users::DeviceDto> {
    own_device(app, user, id).await?;
    let label = label.trim();
    if label.chars().count() > 100 || label.chars().any(char::is_control) {
        return Err(AppError::invalid(
            "label",
            "Label maksimal 100 karakter tanpa karakter khusus.",
        ));
    }
    let device =
        devices::set_label(app.db(), id, (!label.is_empty()).then(|| label.to_owned())).await?;
    Ok(present::device(&device))
}

pub async fn remove_device(app: &App, user: &User, id: Uuid) -> AppResult<()> {
    let device = own_device(app, user, id).await?;
    crate::router::devices::remove(app, user, &device).await
}

/// `POST /api/users/me/devices/bind-current`: binds the device the captive context names to
/// the signed-in user. Moving a device another account holds needs proof that the caller is
/// on it ([`crate::presence`]). The browser gets a credential for the bound device.
pub async fn bind_current(
    app: &App,
    user: &User,
    ctx: &CaptiveContext,
    confirm: bool,
    client: &ClientInfo,
) -> AppResult<(BindResult, Option<IssuedCredential>)> {
    crate::auth::check_can_login(app, user)?;
    let Some(resolved) = crate::router::devices::resolve_context(app, ctx, client).await? else {
        return Err(AppError::rejected(
            ErrorCode::BadRequest,
            "IP/MAC perangkat dari hotspot diperlukan.",
        ));
    };
    let BindOutcome {
        device,
        change,
        replaced,
    } = crate::router::devices::bind(
        app,
        user,
        &resolved,
        confirm,
        client.user_agent.as_deref(),
        "bind-current",
    )
    .await?;
    let credential = if device.is_authorized && !user.role.is_admin() {
        Some(crate::presence::issue(app, &device).await?)
    } else {
        None
    };
    let result = BindResult {
        success: true,
        bound: true,
        message: match change.binding_type {
            Some(saring_domain::BindingType::Bypassed) => "Perangkat terhubung.".into(),
            _ => "Perangkat terdaftar; akses mengikuti status akun Anda.".into(),
        },
        private_address_hint: device
            .is_randomized_mac
            .then(|| PRIVATE_ADDRESS_HINT.to_owned()),
        replaced_device_id: replaced.map(|r| r.id.to_string()),
        device: Some(present::device(&device)),
    };
    Ok((result, credential))
}

pub async fn hotspot_session_status(
    app: &App,
    user: &User,
    ctx: &CaptiveContext,
    client: &ClientInfo,
) -> AppResult<HotspotSessionStatus> {
    let resolved = crate::router::devices::resolve_context(app, ctx, client).await?;
    let status = app
        .config()
        .policy
        .status(&user.access_snapshot(), app.now());
    let required = !app.config().policy.bypasses_hotspot_login(status);
    let active = match &resolved {
        Some(r) => {
            let bindings = saring_routeros::Api::ip_bindings(&r.rh.pool, Some(&r.mac.to_string()))
                .await
                .map_err(|e| crate::router::router_error(r.rh.name(), e))?;
            bindings.iter().any(|b| {
                b.kind.as_deref() == Some("bypassed")
                    && crate::router::comment_owned_by(b.comment.as_deref(), user)
            })
        }
        None => {
            devices::list_for_user(app.db(), user.id)
                .await?
                .iter()
                .any(|d| d.is_authorized)
                && !required
        }
    };
    Ok(HotspotSessionStatus {
        hotspot_login_required: required && !active,
        hotspot_binding_active: active,
        status: status.page_status(),
    })
}

/// `PUT /api/auth/me/profile`.
pub async fn update_profile(app: &App, user: &User, req: &ProfileUpdateRequest) -> AppResult<User> {
    let mut patch = UserPatch::default();
    if let Some(name) = &req.full_name {
        patch.full_name = Some(crate::accounts::validate_full_name(name)?);
    }
    if !user.role.is_admin()
        && (req.blok.is_some()
            || req.kamar.is_some()
            || req.is_tamping.is_some()
            || req.tamping_type.is_some())
    {
        let is_tamping = req.is_tamping.unwrap_or(user.is_tamping);
        let a = crate::registration::validate_address(
            app,
            req.blok.as_deref().or(user.blok.as_deref()),
            req.kamar.as_deref().or(user.kamar.as_deref()),
            is_tamping,
            req.tamping_type.as_deref().or(user.tamping_type.as_deref()),
        )
        .await?;
        patch.blok = Some(a.blok);
        patch.kamar = Some(a.kamar);
        patch.is_tamping = Some(a.is_tamping);
        patch.tamping_type = Some(a.tamping_type);
    }
    if patch == UserPatch::default() {
        return Err(AppError::invalid(
            "body",
            "Tidak ada perubahan yang dikirim.",
        ));
    }
    let updated = users::update(app.db(), user.id, patch).await?;
    crate::accounts::forget_user(app, user.id);
    Ok(updated)
}

/// Wrong current passwords an account may send before it must wait.
const PASSWORD_FAILURES: crate::ratelimit::Limit = crate::ratelimit::per_minutes(15, 5);

/// `POST /api/auth/me/change-password` (administrators).
pub async fn change_password(
    app: &App,
    user: &User,
    current: &SecretString,
    new: &SecretString,
) -> AppResult<()> {
    if !user.role.is_admin() {
        return Err(AppError::rejected(
            ErrorCode::Forbidden,
            "Akun pengguna masuk dengan OTP dan tidak memakai password.",
        ));
    }
    let who = user.id.to_string();
    if crate::ratelimit::failures(app, "change-password", &who, PASSWORD_FAILURES).await?
        >= PASSWORD_FAILURES.count
    {
        let wait =
            crate::ratelimit::failure_wait(app, "change-password", &who, PASSWORD_FAILURES).await;
        return Err(crate::ratelimit::too_many(
            ErrorCode::RateLimited,
            "Terlalu banyak percobaan password. Coba lagi nanti.",
            wait,
        ));
    }
    if !crate::accounts::verify_password(current, user.password_hash.as_deref().unwrap_or("")) {
        crate::ratelimit::note_failure(app, "change-password", &who, PASSWORD_FAILURES).await?;
        return Err(AppError::rejected(
            ErrorCode::InvalidCredentials,
            "Password saat ini salah.",
        ));
    }
    crate::ratelimit::clear_failures(app, "change-password", &who, PASSWORD_FAILURES).await;
    crate::accounts::validate_password(new)?;
    let hash = crate::accounts::hash_password(new)?;
    users::update(
        app.db(),
        user.id,
        UserPatch {
            password_hash: Some(Some(hash)),
            ..UserPatch::default()
        },
    )
    .await?;
    let when = app.config().app.timezone.format_datetime(app.now());
    crate::notify::send_template(
        app,
        &user.phone,
        "password_change_notification",
        &[
            ("app_name", app.config().app.name.clone()),
            ("change_time", when),
        ],
    )
    .await;
    Ok(())
}

/// `POST /api/auth/logout`: revokes the refresh token and takes the user's devices off the
/// router (the router being down does not prevent logging out).
/// What a client logs out with: the refresh tokens it presents (cookie and body), the
/// session its access token names, and its browser's device credential.
#[derive(Debug, Default)]
pub struct LogoutTokens<'a> {
    pub refresh_tokens: Vec<&'a str>,
    pub session_id: Option<uuid::Uuid>,
    pub device_credential: Option<&'a str>,
}

/// Ends this client's session: its refresh tokens and their successors are revoked, every
/// access token of the account stops working on the next request (other sessions refresh
/// theirs), this browser forgets its device, and the devices leave the hotspot.
pub async fn logout(app: &App, user: &User, presented: &LogoutTokens<'_>) -> AppResult<()> {
    for token in &presented.refresh_tokens {
        crate::tokens::revoke_refresh(app, token).await?;
    }
    if let Some(sid) = presented.session_id {
        crate::tokens::revoke_chain(app, sid).await?;
    }
    saring_store::repo::users::bump_session_epoch(app.db(), user.id).await?;
    crate::accounts::forget_user(app, user.id);
    crate::presence::revoke(app, presented.device_credential).await?;
    crate::router::devices::reset_network(app, user).await?;
    Ok(())
}

/// `POST /api/auth/reset-login`: the user's devices leave the router; the next access needs
/// a new login. The session stays.
pub async fn reset_login(app: &App, user: &User) -> AppResult<usize> {
    let failed = crate::router::devices::reset_network(app, user).await?;
    Ok(failed)
}

/// `POST /api/users/me/reset-hotspot-password`: a new 6-digit hotspot password, pushed to the
/// router and sent by WhatsApp.
pub async fn reset_hotspot_password(app: &App, user: &User) -> AppResult<bool> {
    crate::auth::check_can_login(app, user)?;
    let password = crate::registration::hotspot_password();
    let updated = users::update(
        app.db(),
        user.id,
        UserPatch {
            mikrotik_password: Some(Some(password.clone())),
            ..UserPatch::default()
        },
    )
    .await?;
    crate::accounts::forget_user(app, user.id);
    crate::router::user_sync::sync_user_soon(app, &updated, "hotspot-password").await?;
    Ok(crate::notify::send_template(
        app,
        &updated.phone,
        "user_hotspot_password_reset_by_user",
        &[
            ("hotspot_password", password),
            ("hotspot_username", updated.hotspot_username()),
        ],
    )
    .await)
}
