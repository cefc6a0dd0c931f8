//! Housekeeping the worker schedules, and the admin's "reconcile" action.
//!
//! * [`expire_stale`]: unpaid orders whose payment window closed more than
//!   `TRANSACTION_EXPIRE_GRACE_MINUTES` ago become `EXPIRED` (a conditional update, so it is
//!   safe beside the webhook; a settlement arriving later is still credited).
//! * [`reconcile_stale`]: asks Midtrans about open orders older than two minutes and about
//!   orders closed as expired/cancelled/failed in the last three days (a payment whose
//!   notification never arrived), least recently checked first, and applies the answers
//!   through the same exactly-once path as the webhook.

use chrono::Duration;
use saring_domain::PaymentStatus;
use saring_domain::dto::payments::ReconcileResponse;
use saring_domain::user::User;
use saring_store::StoreError;
use saring_store::db;
use saring_store::repo::activity;
use saring_store::repo::payments::{self, TransactionEventSource};

use super::notification::check_with_gateway;
use crate::context::App;
use crate::error::{AppError, AppResult};

/// What a reconciliation run did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ReconcileReport {
    pub checked: usize,
    /// Orders whose stored status changed.
    pub updated: usize,
    /// Orders whose package or debt payment was applied by this run.
    pub applied: usize,
    /// Orders Midtrans does not know (Snap pages never opened).
    pub unknown_at_gateway: usize,
    pub errors: usize,
}

/// Expires unpaid orders past their window (+ grace). Returns how many were expired.
pub async fn expire_stale(app: &App) -> AppResult<usize> {
    let now = app.now();
    let before = now - Duration::minutes(app.config().payments.expire_grace_minutes);
    let mut expired = 0;
    for tx in payments::list_overdue(app.db(), before, 500).await? {
        let txn = db::begin_write(app.db()).await?;
        let changed = payments::set_status_if(
            &txn,
            tx.id,
            &[PaymentStatus::Pending, PaymentStatus::Unknown],
            PaymentStatus::Expired,
            now,
        )
        .await?;
        if changed {
            payments::append_event(
                &txn,
                tx.id,
                TransactionEventSource::App,
                "EXPIRED_LOCALLY",
                Some(PaymentStatus::Expired),
                Some(serde_json::json!({"expiry_time": tx.expiry_time}).to_string()),
                now,
            )
            .await?;
            expired += 1;
        }
        txn.commit().await.map_err(StoreError::from)?;
    }
    if expired > 0 {
        tracing::info!(expired, "stale transactions expired");
    }
    Ok(expired)
}

/// Asks Midtrans about up to `limit` stale orders and applies the answers.
pub async fn reconcile_stale(app: &App, limit: u64) -> AppResult<ReconcileReport> {
    app.payments()?;
    let now = app.now();
    let open = payments::list_in_status(
        app.db(),
        &[PaymentStatus::Pending, PaymentStatus::Unknown],
        now - Duration::minutes(2),
        None,
        limit,
    )
    .await?;
    let closed = payments::list_in_status(
        app.db(),
        &[
            PaymentStatus::Expired,
            PaymentStatus::Cancelled,
            PaymentStatus::Failed,
        ],
        now,
        Some(now - Duration::days(3)),
        limit.saturating_sub(open.len() as u64),
    )
    .await?;
    let mut report = ReconcileReport::default();
    for tx in open.into_iter().chain(closed) {
        report.checked += 1;
        match check_with_gateway(app, &tx).await {
            Ok(Some(outcome)) => {
                if outcome.tx.status != tx.status {
                    report.updated += 1;
                }
                if outcome.applied.is_some() {
                    report.applied += 1;
                }
            }
            Ok(None) => {
                report.unknown_at_gateway += 1;
                // Touch the order so the next run checks others first.
                payments::append_event(
                    app.db(),
                    tx.id,
                    TransactionEventSource::MidtransStatus,
                    "STATUS_CHECK_NOT_FOUND",
                    Some(tx.status),
                    None,
                    app.now(),
                )
                .await?;
                payments::set_status_if(app.db(), tx.id, &[tx.status], tx.status, app.now())
                    .await?;
            }
            Err(e @ (AppError::Store(_) | AppError::Kv(_))) => return Err(e),
            Err(e) => {
                report.errors += 1;
                tracing::warn!(order_id = %tx.order_id, error = %e, "reconciliation check failed");
                if app
                    .payment_runtime()
                    .breaker
                    .as_ref()
                    .is_some_and(|b| b.check().is_err())
                {
                    break;
                }
            }
        }
    }
    if report.checked > 0 {
        tracing::info!(?report, "transactions reconciled with Midtrans");
    }
    Ok(report)
}

/// `POST /api/admin/transactions/{order_id}/reconcile`
pub async fn reconcile_order(
    app: &App,
    admin: &User,
    order_id: &str,
) -> AppResult<ReconcileResponse> {
    let tx = super::status::find_order(app, order_id).await?;
    let outcome = check_with_gateway(app, &tx).await?;
    let (status, midtrans_status, applied, whatsapp) = match &outcome {
        Some(o) => (
            o.tx.status,
            o.report_status.clone(),
            o.applied.is_some(),
            o.whatsapp_sent,
        ),
        None => (tx.status, None, false, false),
    };
    activity::log_action(
        app.db(),
        Some(admin.id),
        tx.user_id,
        "TRANSACTION_RECONCILE",
        serde_json::json!({
            "order_id": tx.order_id,
            "before": tx.status,
            "after": status,
            "midtrans_status": midtrans_status,
            "quota_applied": applied,
        }),
    )
    .await?;
    Ok(ReconcileResponse {
        order_id: tx.order_id,
        transaction_status: status,
        midtrans_status,
        quota_applied: applied,
        whatsapp_sent: whatsapp,
    })
}
