//! Quota operations by an operator: inject MB and/or days, unlimited access with an end date
//! (and revoking it), the super admin's direct adjustment, and the admin's view of a user's
//! quota history.

use chrono::Duration;
use saring_domain::Locale;
use saring_domain::api::{ErrorCode, Page, PageRequest};
use saring_domain::dto::operator::{
    InjectQuota, QuotaAdjust, QuotaHistoryQuery, QuotaState, SetUnlimited,
};
use saring_domain::dto::users::QuotaHistoryItem;
use saring_domain::ids::UserId;
use saring_domain::ledger::QuotaChange;
use saring_domain::quota::{Grant, apply_grant};
use saring_domain::units::{Bytes, Megabytes};
use saring_domain::user::User;
use saring_store::StoreError;
use saring_store::repo::{activity, debts};

use super::{
    after_change, base_vars, begin, fresh_key, lock_target, notice, quota_state, reason,
    record_change,
};
use crate::context::App;
use crate::error::{AppError, AppResult};

/// The most one operation may add (1 TB, ten years).
const MAX_INJECT_MB: i64 = 1_048_576;
const MAX_DAYS: i64 = 3650;

fn refuse_admin_target(target: &User) -> AppResult<()> {
    if target.role.is_admin() {
        return Err(AppError::rejected(
            ErrorCode::Forbidden,
            "Kuota akun admin tidak dikelola dari sini (admin tidak memakai kuota).",
        ));
    }
    Ok(())
}

/// Adds MB and/or days: the MB pays the user's debts first (auto, then manual items oldest
/// first), the rest becomes quota; the days move the expiry as a purchase does.
pub async fn inject(
    app: &App,
    admin: &User,
    id: UserId,
    req: &InjectQuota,
) -> AppResult<QuotaState> {
    if req.add_mb < 0 || req.add_gb < 0 || req.add_days < 0 {
        return Err(AppError::invalid(
            "add_mb",
            "Jumlah MB, GB dan hari tidak boleh negatif.",
        ));
    }
    let mb = req
        .add_gb
        .checked_mul(1024)
        .and_then(|gb| gb.checked_add(req.add_mb))
        .filter(|mb| *mb <= MAX_INJECT_MB)
        .ok_or_else(|| {
            AppError::invalid(
                "add_mb",
                format!("Paling banyak {MAX_INJECT_MB} MB sekali tambah."),
            )
        })?;
    if req.add_days > MAX_DAYS {
        return Err(AppError::invalid(
            "add_days",
            format!("Paling banyak {MAX_DAYS} hari sekali tambah."),
        ));
    }
    if mb == 0 && req.add_days == 0 {
        return Err(AppError::invalid(
            "add_mb",
            "Isi jumlah MB/GB atau hari yang ditambahkan.",
        ));
    }
    let now = app.now();
    let txn = begin(app).await?;
    let target = lock_target(&txn, admin, id).await?;
    refuse_admin_target(&target)?;
    if target.is_unlimited_user && mb > 0 {
        return Err(AppError::invalid(
            "add_mb",
            "Akun unlimited hanya bisa ditambah hari.",
        ));
    }
    let open: Vec<_> = debts::open_for_user(&txn, target.id)
        .await?
        .iter()
        .map(saring_domain::debt::DebtItem::as_manual_debt)
        .collect();
    let outcome = apply_grant(
        &target.quota_account(),
        Grant::quota(mb, req.add_days),
        &open,
        now,
        app.config().quota.expiry_strategy,
    );
    let why = reason(req.reason.as_deref());
    let details = serde_json::json!({
        "added_mb": mb, "added_days": req.add_days, "reason": why,
        "paid_auto_mb": outcome.paid_auto_mb, "paid_manual_mb": outcome.paid_manual_mb(),
        "added_purchased_mb": outcome.added_purchased_mb,
    });
    let change = QuotaChange::quota("admin.inject", fresh_key("inject"), outcome.account.clone())
        .with_details(details);
    let updated = record_change(&txn, admin, &target, change, "INJECT_QUOTA", now).await?;
    for (debt, paid) in &outcome.manual_payments {
        debts::record_payment(&txn, *debt, *paid, "admin_inject", now).await?;
    }
    if !outcome.manual_payments.is_empty() {
        debts::refresh_cached_total(&txn, target.id, now).await?;
    }
    txn.commit().await.map_err(StoreError::from)?;

    let paid_debt = outcome.paid_auto_mb + outcome.paid_manual_mb();
    let mut vars = base_vars(app, &updated);
    vars.push(("added", Megabytes::from_whole(mb).display(Locale::Id)));
    vars.push((
        "days_line",
        if req.add_days > 0 {
            format!(" Masa aktif ditambah {} hari.", req.add_days)
        } else {
            String::new()
        },
    ));
    vars.push((
        "debt_line",
        if paid_debt > 0 {
            format!(
                " {} dipakai untuk melunasi tunggakan.",
                Megabytes::from_whole(paid_debt).display(Locale::Id)
            )
        } else {
            String::new()
        },
    ));
    let n = notice(&updated, "user_quota_injected", vars, None);
    let (synced, queued) = after_change(app, &updated, "inject", Some(n)).await;
    let user = crate::admin_users::get_user(app, updated.id).await?;
    Ok(quota_state(&user, paid_debt, synced, queued))
}

/// Unlimited access until the given time (or for the given days, or with no end).
pub async fn set_unlimited(
    app: &App,
    admin: &User,
    id: UserId,
    req: &SetUnlimited,
) -> AppResult<QuotaState> {
    let now = app.now();
    let until = match (req.until, req.days) {
        (Some(_), Some(_)) => {
            return Err(AppError::invalid(
                "until",
                "Isi tanggal berakhir atau jumlah hari, salah satu saja.",
            ));
        }
        (Some(until), None) if until <= now => {
            return Err(AppError::invalid(
                "until",
                "Tanggal berakhir unlimited sudah lewat.",
            ));
        }
        (Some(until), None) => Some(until),
        (None, Some(days)) if !(1..=MAX_DAYS).contains(&days) => {
            return Err(AppError::invalid(
                "days",
                format!("Jumlah hari 1–{MAX_DAYS}."),
            ));
        }
        (None, Some(days)) => Some(now + Duration::days(days)),
        (None, None) => None,
    };
    let txn = begin(app).await?;
    let target = lock_target(&txn, admin, id).await?;
    refuse_admin_target(&target)?;
    let mut account = target.quota_account();
    account.is_unlimited = true;
    // What was used beyond the quota is not owed while unlimited.
    let absorbed = account.absorb_overshoot();
    account.expiry = until;
    let why = reason(req.reason.as_deref());
    let details = serde_json::json!({ "until": until, "absorbed_mb": absorbed, "reason": why });
    let change = QuotaChange::quota("admin.unlimited", fresh_key("unlimited"), account)
        .with_details(details);
    let updated = record_change(&txn, admin, &target, change, "SET_UNLIMITED", now).await?;
    txn.commit().await.map_err(StoreError::from)?;
    let tz = app.config().app.timezone;
    let mut vars = base_vars(app, &updated);
    vars.push((
        "until_line",
        until.map_or_else(String::new, |u| {
            format!(" sampai {}", tz.format_datetime(u))
        }),
    ));
    let n = notice(&updated, "user_unlimited_activated_by_admin", vars, None);
    let (synced, queued) = after_change(app, &updated, "unlimited", Some(n)).await;
    Ok(quota_state(&updated, 0, synced, queued))
}

/// Ends unlimited access. Usage during the unlimited period never becomes debt.
pub async fn revoke_unlimited(app: &App, admin: &User, id: UserId) -> AppResult<QuotaState> {
    let now = app.now();
    let txn = begin(app).await?;
    let target = lock_target(&txn, admin, id).await?;
    refuse_admin_target(&target)?;
    if !target.is_unlimited_user {
        return Err(AppError::rejected(
            ErrorCode::Conflict,
            "Akun ini tidak sedang unlimited.",
        ));
    }
    let mut account = target.quota_account();
    account.is_unlimited = false;
    let absorbed = account.absorb_overshoot();
    let details = serde_json::json!({ "absorbed_mb": absorbed });
    let change = QuotaChange::quota(
        "admin.unlimited_revoke",
        fresh_key("unlimited-revoke"),
        account,
    )
    .with_details(details);
    let updated = record_change(&txn, admin, &target, change, "REVOKE_UNLIMITED", now).await?;
    txn.commit().await.map_err(StoreError::from)?;
    let vars = base_vars(app, &updated);
    let n = notice(&updated, "user_unlimited_revoked_by_admin", vars, None);
    let (synced, queued) = after_change(app, &updated, "unlimited-revoke", Some(n)).await;
    Ok(quota_state(&updated, 0, synced, queued))
}

/// Sets the counters directly (super admins; the caller checks the role). Answers 409 while
/// the user's quota sync is writing usage.
pub async fn adjust(
    app: &App,
    admin: &User,
    id: UserId,
    req: &QuotaAdjust,
) -> AppResult<QuotaState> {
    let why = reason(Some(&req.reason))
        .filter(|r| r.chars().count() >= 3)
        .ok_or_else(|| AppError::invalid("reason", "Alasan wajib diisi (minimal 3 karakter)."))?;
    for (field, value) in [
        ("set_purchased_mb", req.set_purchased_mb),
        ("set_used_mb", req.set_used_mb),
    ] {
        if value.is_some_and(|v| !(0..=100_000_000).contains(&v)) {
            return Err(AppError::invalid(
                field,
                "Nilai MB harus 0 sampai 100.000.000.",
            ));
        }
    }
    if req.set_purchased_mb.is_none() && req.set_used_mb.is_none() {
        return Err(AppError::invalid(
            "set_purchased_mb",
            "Isi kuota dibeli dan/atau kuota terpakai.",
        ));
    }
    let now = app.now();
    let txn = begin(app).await?;
    let target = lock_target(&txn, admin, id).await?;
    refuse_admin_target(&target)?;
    let lock = crate::quota_lock::try_lock_user(app, &txn, &target).await?;
    let before = target.quota_account();
    let mut account = before.clone();
    if let Some(p) = req.set_purchased_mb {
        account.purchased_mb = p;
        account.auto_debt_offset_mb = 0;
    }
    if let Some(u) = req.set_used_mb {
        account.used = Bytes::from_mb(u);
    }
    let details = serde_json::json!({
        "set_purchased_mb": req.set_purchased_mb, "set_used_mb": req.set_used_mb,
        "before_purchased_mb": before.purchased_mb, "before_offset_mb": before.auto_debt_offset_mb,
        "before_used_bytes": before.used.0, "reason": why,
    });
    let change = QuotaChange::quota("quota.adjust_direct", fresh_key("adjust"), account)
        .with_details(details);
    let updated = match record_change(&txn, admin, &target, change, "QUOTA_ADJUST", now).await {
        Ok(u) => u,
        Err(e) => {
            lock.release(app).await;
            return Err(e);
        }
    };
    let committed = txn.commit().await.map_err(StoreError::from);
    lock.release(app).await;
    committed?;
    let (synced, _) = after_change(app, &updated, "quota-adjust", None).await;
    Ok(quota_state(&updated, 0, synced, false))
}

/// The ledger sources each history filter shows.
fn kind_matches(kind: &str, source: &str) -> bool {
    match kind {
        "purchase" => source.starts_with("purchase"),
        "usage" => source == saring_store::repo::sync::SYNC_USAGE_SOURCE,
        "admin" => source.starts_with("admin.") || source.starts_with("quota."),
        "debt" => source.contains("debt"),
        "komandan" => source.starts_with("komandan"),
        "block" => source.starts_with("policy.block"),
        _ => true,
    }
}

/// A user's quota history for an administrator, in plain words, newest first.
pub async fn history(
    app: &App,
    id: UserId,
    query: &QuotaHistoryQuery,
    page: PageRequest,
) -> AppResult<Page<QuotaHistoryItem>> {
    let user = crate::admin_users::get_user(app, id).await?;
    let tz = app.config().app.timezone;
    let from = query.from.map(|d| tz.start_of_day(d));
    let to = query
        .to
        .and_then(|d| d.succ_opt())
        .map(|d| tz.start_of_day(d));
    if let (Some(f), Some(t)) = (from, to)
        && f >= t
    {
        return Err(AppError::invalid(
            "from",
            "Tanggal awal harus sebelum tanggal akhir.",
        ));
    }
    let kind = query
        .kind
        .as_deref()
        .map(str::trim)
        .filter(|k| !k.is_empty());
    if let Some(k) = kind
        && ![
            "purchase", "usage", "admin", "debt", "komandan", "block", "other",
        ]
        .contains(&k)
    {
        return Err(AppError::invalid("kind", "Jenis riwayat tidak dikenal."));
    }
    let (_, per_page) = page.clamped();
    // Filtering by kind happens on the sources; a page is read wide enough to fill it.
    let (rows, total) = match kind {
        None => {
            activity::ledger_for_user(app.db(), user.id, from, to, page.offset(), per_page).await?
        }
        Some(k) => {
            let (all, _) =
                activity::ledger_for_user(app.db(), user.id, from, to, 0, 100_000).await?;
            let matching: Vec<_> = all
                .into_iter()
                .filter(|e| {
                    if k == "other" {
                        ["purchase", "usage", "admin", "debt", "komandan", "block"]
                            .iter()
                            .all(|other| !kind_matches(other, &e.source))
                    } else {
                        kind_matches(k, &e.source)
                    }
                })
                .collect();
            let total = matching.len() as u64;
            let start = usize::try_from(page.offset()).unwrap_or(usize::MAX);
            let take = usize::try_from(per_page).unwrap_or(usize::MAX);
            (matching.into_iter().skip(start).take(take).collect(), total)
        }
    };
    let items = rows.iter().map(crate::me::describe_ledger).collect();
    Ok(Page::new(items, page, total))
}
