//! Midtrans' word on an order — a webhook notification, a status check, a reconciliation —
//! recorded and applied exactly once (see the module docs of [`crate::payments`]).

use saring_domain::api::ErrorCode;
use saring_domain::dto::payments::NotificationAck;
use saring_domain::money::Rupiah;
use saring_gateways::payments::{
    Notification, NotificationError, PaymentStatus, Transition, transition,
};
use saring_store::StoreError;
use saring_store::db;
use saring_store::repo::payments::{
    self, Observed, Transaction, TransactionEventSource, TransactionStatus,
};
use secrecy::ExposeSecret;

use super::effect::{self, Applied};
use super::{to_payment_status, to_stored_status};
use crate::context::App;
use crate::error::{AppError, AppResult};

/// Where a report came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportSource {
    Webhook,
    StatusCheck,
}

impl ReportSource {
    fn event_source(self) -> TransactionEventSource {
        match self {
            ReportSource::Webhook => TransactionEventSource::MidtransWebhook,
            ReportSource::StatusCheck => TransactionEventSource::MidtransStatus,
        }
    }

    fn event_prefix(self) -> &'static str {
        match self {
            ReportSource::Webhook => "NOTIFICATION",
            ReportSource::StatusCheck => "STATUS_CHECK",
        }
    }
}

/// What applying a report did.
#[derive(Debug, Clone)]
pub struct ReportOutcome {
    pub tx: Transaction,
    pub transition: Transition,
    /// The package or debt payment was applied by this report.
    pub applied: Option<Applied>,
    /// The WhatsApp message after the commit went out.
    pub whatsapp_sent: bool,
    /// Midtrans' `transaction_status` in the report.
    pub report_status: Option<String>,
}

fn amount_mismatch() -> AppError {
    AppError::rejected(
        ErrorCode::AmountMismatch,
        "Nominal pembayaran tidak sesuai dengan transaksi.",
    )
}

/// Records and applies one report about an existing order. Every report leaves a
/// `transaction_events` row; the status moves only as [`transition`] allows; a success
/// applies the order's effect once. Router sync and messages run after the commit.
pub async fn apply_report(
    app: &App,
    report: &Notification,
    source: ReportSource,
) -> AppResult<ReportOutcome> {
    let now = app.now();
    let raw = report.raw.to_string();
    let txn = db::begin_write(app.db()).await?;
    let tx = payments::lock_by_order_id(&txn, &report.order_id)
        .await?
        .ok_or_else(super::status::not_found)?;
    let incoming = report.status();
    if report.gross_amount_rupiah() != Some(Rupiah(tx.amount)) {
        payments::append_event(
            &txn,
            tx.id,
            source.event_source(),
            &format!("{}_AMOUNT_MISMATCH", source.event_prefix()),
            Some(to_stored_status(incoming)),
            Some(raw),
            now,
        )
        .await?;
        txn.commit().await.map_err(StoreError::from)?;
        tracing::error!(order_id = %tx.order_id, expected = tx.amount, got = %report.gross_amount, "Midtrans reported another amount: not applied");
        return Err(amount_mismatch());
    }
    let current = to_payment_status(tx.status);
    let step = transition(current, incoming);
    let new_status = step.applies().then(|| to_stored_status(incoming));
    let event = match step {
        Transition::Unchanged => format!("{}_DUPLICATE", source.event_prefix()),
        Transition::Ignore => format!("{}_IGNORED", source.event_prefix()),
        Transition::Reverse => format!("{}_REVERSAL", source.event_prefix()),
        Transition::LatePayment => format!("{}_LATE_PAYMENT", source.event_prefix()),
        Transition::Advance => source.event_prefix().to_owned(),
    };
    payments::append_event(
        &txn,
        tx.id,
        source.event_source(),
        &event,
        Some(new_status.unwrap_or(tx.status)),
        Some(raw.clone()),
        now,
    )
    .await?;
    let observed = Observed {
        status: new_status,
        midtrans_transaction_id: report.transaction_id.clone(),
        payment_method: report.payment_type.clone(),
        payment_time: report.paid_at().or(Some(now)),
        expiry_time: None,
        va_number: report.va_number.clone(),
        payment_code: report
            .bill_key
            .clone()
            .or_else(|| report.payment_code.clone()),
        biller_code: report.biller_code.clone(),
        qr_code_url: report.qr_url.clone(),
        payload: (source == ReportSource::Webhook).then_some(raw),
    };
    let mut tx = payments::record_observed(&txn, tx.id, &observed, now).await?;
    let mut applied = None;
    if tx.status == TransactionStatus::Success
        && tx.applied_at.is_none()
        && payments::claim_effect(&txn, tx.id, now).await?
    {
        applied = effect::apply(&txn, app, &tx, now).await?;
        payments::append_event(
            &txn,
            tx.id,
            TransactionEventSource::App,
            if applied.is_some() {
                "EFFECT_APPLIED"
            } else {
                "EFFECT_SKIPPED"
            },
            Some(TransactionStatus::Success),
            Some(
                serde_json::json!({
                    "ledger_key": effect::ledger_key(&tx),
                    "user_id": tx.user_id.map(|u| u.to_string()),
                })
                .to_string(),
            ),
            now,
        )
        .await?;
        tx = payments::find(&txn, tx.id).await?.unwrap_or(tx);
    }
    txn.commit().await.map_err(StoreError::from)?;
    if step == Transition::Reverse {
        tracing::error!(order_id = %tx.order_id, status = %incoming, "a paid order was reversed by Midtrans; quota is not taken back automatically");
        super::messages::alert_reversal(app, &tx).await;
    }
    let whatsapp_sent = match &applied {
        Some(a) => super::messages::after_payment(app, &tx, a).await,
        None => false,
    };
    Ok(ReportOutcome {
        tx,
        transition: step,
        applied,
        whatsapp_sent,
        report_status: Some(report.transaction_status.clone()),
    })
}

/// The server key notifications must be signed with.
fn signing_key(app: &App) -> AppResult<String> {
    app.payment_runtime()
        .server_key
        .as_ref()
        .map(|k| k.expose_secret().to_owned())
        .ok_or_else(|| {
            AppError::rejected(
                ErrorCode::PaymentUnavailable,
                "Pembayaran belum dikonfigurasi.",
            )
        })
}

fn ack(status: &str, message: impl Into<String>) -> NotificationAck {
    NotificationAck {
        status: status.into(),
        message: message.into(),
    }
}

/// `POST /api/transactions/notification`. Answers:
/// * 200 for processed, duplicate, stale and incomplete reports (Midtrans stops);
/// * 400 `invalid_json` for a body that is not a JSON object;
/// * 403 `signature_invalid`, 404 `transaction_not_found`, 400 `amount_mismatch`;
/// * any storage failure is the caller's to answer with a 503, so Midtrans retries.
pub async fn handle_notification(app: &App, body: &[u8]) -> AppResult<NotificationAck> {
    let report = match Notification::from_slice(body) {
        Ok(n) => n,
        Err(NotificationError::Malformed) => {
            return Err(AppError::rejected(
                ErrorCode::InvalidJson,
                "JSON tidak valid.",
            ));
        }
        Err(NotificationError::Incomplete(field)) => {
            tracing::info!(field, "incomplete Midtrans notification ignored");
            return Ok(ack("ignored", format!("Payload tidak lengkap ({field}).")));
        }
    };
    if !report.verify_signature(&signing_key(app)?) {
        tracing::warn!(order_id = %report.order_id, "notification with an invalid signature refused");
        return Err(AppError::rejected(
            ErrorCode::SignatureInvalid,
            "Signature tidak valid.",
        ));
    }
    let outcome = apply_report(app, &report, ReportSource::Webhook).await?;
    let message = match outcome.transition {
        Transition::Unchanged => "Duplicate notification",
        Transition::Ignore => "Stale notification ignored",
        _ if outcome.applied.is_some() => "Payment applied",
        _ => "Status recorded",
    };
    tracing::info!(order_id = %report.order_id, midtrans_status = %report.transaction_status, ?outcome.transition, applied = outcome.applied.is_some(), "Midtrans notification");
    Ok(ack("ok", message))
}

/// Asks Midtrans about an order and applies the answer. `Ok(None)` when Midtrans does not
/// know the order (a Snap order before a method was chosen).
pub async fn check_with_gateway(app: &App, tx: &Transaction) -> AppResult<Option<ReportOutcome>> {
    let gateway = app.payments()?.clone();
    let order = saring_domain::OrderId::parse(&tx.order_id)
        .map_err(|_| AppError::Internal(format!("stored order id {:?} is invalid", tx.order_id)))?;
    let answer = match gateway.status(&order).await {
        Ok(a) => a,
        Err(e) => {
            if e.is_transient() {
                super::gateway::alert_if_open(app).await;
            }
            return Err(super::status::gateway_error(app, &e));
        }
    };
    match answer {
        Some(report) => {
            if report.status() == PaymentStatus::Unknown {
                tracing::warn!(order_id = %tx.order_id, status = %report.transaction_status, "unknown Midtrans status");
            }
            apply_report(app, &report, ReportSource::StatusCheck)
                .await
                .map(Some)
        }
        None => Ok(None),
    }
}
