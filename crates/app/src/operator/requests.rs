//! Komandan requests: a komandan asks for quota or unlimited access within the install's caps
//! and pace (`KOMANDAN_*`); administrators approve, reject, or reject and grant something
//! else. A request is processed exactly once: the status leaves `PENDING` by a conditional
//! update inside the transaction that grants, so of several administrators clicking at once
//! one grants and the others get 409 with nothing changed.

use chrono::{DateTime, Duration, Utc};
use saring_domain::Locale;
use saring_domain::access::Role;
use saring_domain::api::{ErrorCode, Page, PageRequest};
use saring_domain::dto::operator::{
    NewQuotaRequest, ProcessAction, ProcessRequest, QuotaRequestQuery, QuotaRequestView,
    RequestLimits, RequestStatus, RequestType,
};
use saring_domain::ids::UserId;
use saring_domain::ledger::QuotaChange;
use saring_domain::quota::{Grant, apply_grant};
use saring_domain::units::Megabytes;
use saring_domain::user::User;
use saring_store::StoreError;
use saring_store::entities::enums::{
    NotificationType, RequestStatus as StoredStatus, RequestType as StoredType,
};
use saring_store::repo::quota_requests::{self, QuotaRequest};
use saring_store::repo::{activity, users};
use uuid::Uuid;

use super::{after_change, base_vars, begin, notice};
use crate::context::App;
use crate::error::{AppError, AppResult};

fn to_status(s: StoredStatus) -> RequestStatus {
    match s {
        StoredStatus::Pending => RequestStatus::Pending,
        StoredStatus::Approved => RequestStatus::Approved,
        StoredStatus::Rejected => RequestStatus::Rejected,
        StoredStatus::PartiallyApproved => RequestStatus::PartiallyApproved,
    }
}

fn from_status(s: RequestStatus) -> StoredStatus {
    match s {
        RequestStatus::Pending => StoredStatus::Pending,
        RequestStatus::Approved => StoredStatus::Approved,
        RequestStatus::Rejected => StoredStatus::Rejected,
        RequestStatus::PartiallyApproved => StoredStatus::PartiallyApproved,
    }
}

fn to_type(t: StoredType) -> RequestType {
    match t {
        StoredType::Quota => RequestType::Quota,
        StoredType::Unlimited => RequestType::Unlimited,
    }
}

fn number(v: Option<&serde_json::Value>, key: &str) -> Option<i64> {
    v.and_then(|d| d.get(key))
        .and_then(serde_json::Value::as_i64)
}

async fn view(app: &App, r: &QuotaRequest) -> AppResult<QuotaRequestView> {
    let requester = users::find_by_id(app.db(), r.requester_id).await?;
    let processor = match r.processed_by_id {
        Some(id) => users::find_by_id(app.db(), id).await?,
        None => None,
    };
    Ok(QuotaRequestView {
        id: r.id.to_string(),
        requester_id: r.requester_id.to_string(),
        requester_name: requester.as_ref().map(|u| u.full_name.clone()),
        requester_phone: requester.as_ref().map(|u| u.phone.local()),
        status: to_status(r.status),
        request_type: to_type(r.request_type),
        requested_mb: number(r.request_details.as_ref(), "requested_mb"),
        requested_duration_days: number(r.request_details.as_ref(), "requested_duration_days"),
        granted_mb: number(r.granted_details.as_ref(), "granted_mb"),
        granted_duration_days: number(r.granted_details.as_ref(), "granted_duration_days"),
        rejection_reason: r.rejection_reason.clone(),
        processed_by_name: processor.map(|u| u.full_name),
        processed_at: r.processed_at,
        created_at: r.created_at,
    })
}

fn komandan_only(user: &User) -> AppResult<()> {
    if user.role != Role::Komandan {
        return Err(AppError::rejected(
            ErrorCode::Forbidden,
            "Halaman ini khusus komandan.",
        ));
    }
    Ok(())
}

/// When the komandan may file the next request, and why not now.
async fn pace(app: &App, user: &User) -> AppResult<(Option<DateTime<Utc>>, Option<String>)> {
    let k = &app.config().accounts;
    let now = app.now();
    if quota_requests::has_pending(app.db(), user.id).await? {
        return Ok((
            None,
            Some("Masih ada permintaan yang menunggu diproses admin.".into()),
        ));
    }
    let window = Duration::hours(k.window_hours);
    let cooldown = Duration::hours(k.cooldown_hours);
    let since = now - window.max(cooldown);
    let recent = quota_requests::recent_for(app.db(), user.id, since).await?;
    let in_window: Vec<&QuotaRequest> = recent
        .iter()
        .filter(|r| r.created_at > now - window)
        .collect();
    let mut next: Option<DateTime<Utc>> = None;
    let mut why = None;
    if in_window.len() as u64 >= k.max_per_window {
        // The oldest request in the window leaves it first.
        if let Some(oldest) = in_window.last() {
            next = Some(oldest.created_at + window);
            why = Some(format!(
                "Paling banyak {} permintaan per {} jam.",
                k.max_per_window, k.window_hours
            ));
        }
    }
    if let Some(last) = recent.first()
        && last.created_at + cooldown > now
        && next.is_none_or(|n| n < last.created_at + cooldown)
    {
        next = Some(last.created_at + cooldown);
        why = Some(format!(
            "Tunggu {} jam setelah permintaan terakhir.",
            k.cooldown_hours
        ));
    }
    Ok((next, why))
}

/// What the komandan may ask for, and when.
pub async fn limits(app: &App, user: &User) -> AppResult<RequestLimits> {
    komandan_only(user)?;
    let k = &app.config().accounts;
    let (next, why) = pace(app, user).await?;
    Ok(RequestLimits {
        max_quota_mb: k.max_quota_mb,
        max_quota_days: k.max_quota_days,
        max_unlimited_days: k.max_unlimited_days,
        unlimited_allowed: k.allow_unlimited_request,
        next_request_at: next,
        blocked_reason: why,
    })
}

/// Files a request.
pub async fn create(app: &App, user: &User, req: &NewQuotaRequest) -> AppResult<QuotaRequestView> {
    komandan_only(user)?;
    let k = &app.config().accounts;
    let days = req.requested_duration_days.unwrap_or(0);
    let (details, kind) = match req.request_type {
        RequestType::Quota => {
            let mb = req.requested_mb.unwrap_or(0);
            if !(1..=k.max_quota_mb).contains(&mb) {
                return Err(AppError::invalid(
                    "requested_mb",
                    format!("Kuota yang diminta 1–{} MB.", k.max_quota_mb),
                ));
            }
            if !(1..=k.max_quota_days).contains(&days) {
                return Err(AppError::invalid(
                    "requested_duration_days",
                    format!("Masa berlaku 1–{} hari.", k.max_quota_days),
                ));
            }
            (
                serde_json::json!({ "requested_mb": mb, "requested_duration_days": days }),
                StoredType::Quota,
            )
        }
        RequestType::Unlimited => {
            if !k.allow_unlimited_request {
                return Err(AppError::rejected(
                    ErrorCode::Forbidden,
                    "Permintaan unlimited tidak diizinkan.",
                ));
            }
            if req.requested_mb.is_some() {
                return Err(AppError::invalid(
                    "requested_mb",
                    "Permintaan unlimited tidak memakai jumlah MB.",
                ));
            }
            if !(1..=k.max_unlimited_days).contains(&days) {
                return Err(AppError::invalid(
                    "requested_duration_days",
                    format!("Unlimited 1–{} hari.", k.max_unlimited_days),
                ));
            }
            (
                serde_json::json!({ "requested_duration_days": days }),
                StoredType::Unlimited,
            )
        }
    };
    let txn = begin(app).await?;
    // One at a time per komandan: the row lock serialises two submissions.
    let me = users::lock(&txn, user.id).await?;
    if quota_requests::has_pending(&txn, me.id).await? {
        return Err(AppError::rejected(
            ErrorCode::Conflict,
            "Masih ada permintaan yang menunggu diproses admin.",
        ));
    }
    if let (Some(next), why) = pace(app, &me).await? {
        let wait = (next - app.now()).to_std().unwrap_or_default();
        let mut err = crate::ratelimit::too_many(
            ErrorCode::RateLimited,
            why.as_deref()
                .unwrap_or("Belum bisa mengajukan permintaan baru."),
            wait,
        );
        if let AppError::Rejected(body) = &mut err
            && let Some(serde_json::Value::Object(d)) = body.details.as_mut()
        {
            d.insert("retry_at".into(), serde_json::json!(next));
        }
        return Err(err);
    }
    let row = quota_requests::insert(&txn, me.id, kind, details.clone(), app.now()).await?;
    txn.commit().await.map_err(StoreError::from)?;
    let what = match req.request_type {
        RequestType::Quota => format!(
            "{} selama {days} hari",
            Megabytes::from_whole(req.requested_mb.unwrap_or(0)).display(Locale::Id)
        ),
        RequestType::Unlimited => format!("unlimited selama {days} hari"),
    };
    let mut vars = base_vars(app, &me);
    vars.push(("phone_number", me.phone.local()));
    vars.push(("request", what));
    crate::jobs::messaging::alert_admins(
        app,
        NotificationType::NewKomandanRequest,
        "new_komandan_request_to_admin",
        vars,
        Some(format!("komandan-request:{}", row.id)),
    )
    .await;
    view(app, &row).await
}

/// The komandan's own requests, newest first.
pub async fn history(
    app: &App,
    user: &User,
    page: PageRequest,
) -> AppResult<Page<QuotaRequestView>> {
    komandan_only(user)?;
    list_where(app, None, Some(user.id), page).await
}

async fn list_where(
    app: &App,
    status: Option<StoredStatus>,
    requester: Option<UserId>,
    page: PageRequest,
) -> AppResult<Page<QuotaRequestView>> {
    let (_, per_page) = page.clamped();
    let (rows, total) =
        quota_requests::list(app.db(), status, requester, page.offset(), per_page).await?;
    let mut items = Vec::with_capacity(rows.len());
    for r in &rows {
        items.push(view(app, r).await?);
    }
    Ok(Page::new(items, page, total))
}

/// Every request (administrators), newest first.
pub async fn list(
    app: &App,
    q: &QuotaRequestQuery,
    page: PageRequest,
) -> AppResult<Page<QuotaRequestView>> {
    let status = match q.status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(from_status(
            serde_json::from_value(serde_json::json!(s.to_ascii_uppercase())).map_err(|_| {
                AppError::invalid(
                    "status",
                    "Status: PENDING, APPROVED, REJECTED atau PARTIALLY_APPROVED.",
                )
            })?,
        )),
    };
    list_where(app, status, None, page).await
}

/// Processes a request (see the module docs).
pub async fn process(
    app: &App,
    admin: &User,
    id: Uuid,
    req: &ProcessRequest,
) -> AppResult<QuotaRequestView> {
    let k = &app.config().accounts;
    let reason = req
        .rejection_reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(|r| r.chars().take(500).collect::<String>());
    let needs_reason = matches!(
        req.action,
        ProcessAction::Reject | ProcessAction::RejectAndGrantQuota
    );
    if needs_reason && reason.as_ref().is_none_or(|r| r.chars().count() < 5) {
        return Err(AppError::invalid(
            "rejection_reason",
            "Alasan penolakan wajib diisi (minimal 5 karakter).",
        ));
    }
    let Some(request) = quota_requests::find(app.db(), id).await? else {
        return Err(AppError::rejected(
            ErrorCode::NotFound,
            "Permintaan tidak ditemukan.",
        ));
    };
    if request.status != StoredStatus::Pending {
        return Err(already_processed());
    }
    let asked_mb = number(request.request_details.as_ref(), "requested_mb").unwrap_or(0);
    let asked_days =
        number(request.request_details.as_ref(), "requested_duration_days").unwrap_or(0);
    // What the decision grants: (unlimited, MB, days), checked against the caps again.
    let grant = match (req.action, request.request_type) {
        (ProcessAction::Reject, _) => None,
        (ProcessAction::Approve, StoredType::Unlimited) => {
            let days = req.unlimited_duration_days.unwrap_or(asked_days);
            if !(1..=k.max_unlimited_days).contains(&days) {
                return Err(AppError::invalid(
                    "unlimited_duration_days",
                    format!("Unlimited 1–{} hari.", k.max_unlimited_days),
                ));
            }
            Some((true, 0, days))
        }
        (ProcessAction::Approve, StoredType::Quota) => {
            if !(1..=k.max_quota_mb).contains(&asked_mb)
                || !(1..=k.max_quota_days).contains(&asked_days)
            {
                return Err(AppError::rejected(
                    ErrorCode::Conflict,
                    "Permintaan ini melebihi batas yang berlaku sekarang; tolak lalu beri kuota.",
                ));
            }
            Some((false, asked_mb, asked_days))
        }
        (ProcessAction::RejectAndGrantQuota, _) => {
            let mb = req.granted_quota_mb.unwrap_or(0);
            let days = req.granted_duration_days.unwrap_or(0);
            if !(1..=k.max_quota_mb).contains(&mb) {
                return Err(AppError::invalid(
                    "granted_quota_mb",
                    format!("Kuota yang diberikan 1–{} MB.", k.max_quota_mb),
                ));
            }
            if !(1..=k.max_quota_days).contains(&days) {
                return Err(AppError::invalid(
                    "granted_duration_days",
                    format!("Masa berlaku 1–{} hari.", k.max_quota_days),
                ));
            }
            Some((false, mb, days))
        }
    };
    let status = match req.action {
        ProcessAction::Approve => StoredStatus::Approved,
        ProcessAction::Reject => StoredStatus::Rejected,
        ProcessAction::RejectAndGrantQuota => StoredStatus::PartiallyApproved,
    };
    let now = app.now();
    let txn = begin(app).await?;
    let requester = users::lock(&txn, request.requester_id).await?;
    let granted = grant.map(|(unlimited, mb, days)| {
        serde_json::json!({ "unlimited": unlimited, "granted_mb": mb, "granted_duration_days": days })
    });
    // Exactly once: only the transaction that moves it out of PENDING goes on.
    if !quota_requests::settle(
        &txn,
        id,
        status,
        granted.clone(),
        reason.clone(),
        admin.id,
        now,
    )
    .await?
    {
        return Err(already_processed());
    }
    let mut updated = requester.clone();
    if let Some((unlimited, mb, days)) = grant {
        let g = if unlimited {
            Grant::unlimited(days)
        } else {
            Grant::quota(mb, days)
        };
        // Days follow the install's QUOTA_EXPIRY_STRATEGY, as purchases and injects do.
        let outcome = apply_grant(
            &requester.quota_account(),
            g,
            &[],
            now,
            app.config().quota.expiry_strategy,
        );
        let change = QuotaChange::quota(
            "komandan.request_grant",
            format!("komandan-request:{id}"),
            outcome.account,
        )
        .by(Some(admin.id))
        .with_details(
            serde_json::json!({ "request_id": id, "action": req.action, "granted": granted }),
        );
        if let Some(u) =
            crate::ledger::apply(&txn, &requester, &change, Default::default(), now).await?
        {
            updated = u;
        }
    }
    let action_type = match req.action {
        ProcessAction::Approve => "PROCESS_QUOTA_REQUEST_APPROVE",
        ProcessAction::Reject => "PROCESS_QUOTA_REQUEST_REJECT",
        ProcessAction::RejectAndGrantQuota => "PROCESS_QUOTA_REQUEST_PARTIALLY_APPROVED",
    };
    activity::log_action(
        &txn,
        Some(admin.id),
        Some(requester.id),
        action_type,
        serde_json::json!({ "request_id": id, "granted": granted, "reason": reason }),
    )
    .await?;
    txn.commit().await.map_err(StoreError::from)?;

    let mut vars = base_vars(app, &updated);
    let template = match (req.action, grant) {
        (ProcessAction::Reject, _) | (_, None) => {
            vars.push(("reason", reason.clone().unwrap_or_default()));
            "komandan_request_rejected"
        }
        (ProcessAction::Approve, Some((true, _, days))) => {
            vars.push(("days", days.to_string()));
            "komandan_request_unlimited_approved"
        }
        (ProcessAction::Approve, Some((false, mb, days))) => {
            vars.push(("added", Megabytes::from_whole(mb).display(Locale::Id)));
            vars.push(("days", days.to_string()));
            "komandan_request_quota_approved"
        }
        (ProcessAction::RejectAndGrantQuota, Some((_, mb, days))) => {
            vars.push(("added", Megabytes::from_whole(mb).display(Locale::Id)));
            vars.push(("days", days.to_string()));
            vars.push(("reason", reason.clone().unwrap_or_default()));
            "komandan_request_quota_partially_approved"
        }
    };
    let n = notice(
        &updated,
        template,
        vars,
        Some(format!("komandan-request-done:{id}")),
    );
    if grant.is_some() {
        after_change(app, &updated, "komandan-request", Some(n)).await;
    } else {
        crate::jobs::messaging::queue_logged(app, n).await;
    }
    let row = quota_requests::find(app.db(), id)
        .await?
        .ok_or_else(|| AppError::Internal("a processed request vanished".into()))?;
    view(app, &row).await
}

fn already_processed() -> AppError {
    AppError::rejected(
        ErrorCode::Conflict,
        "Permintaan ini sudah diproses admin lain.",
    )
}
