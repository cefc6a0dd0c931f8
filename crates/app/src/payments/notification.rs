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
use saring_store::repo::payments::{self, Observed, Transaction, TransactionEventSource};
use secrecy::ExposeSecret;

use super::effect::{self, Applied};
use crate::context::App;
use crate::error::{AppError, AppResult};

/// Where a report came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportSource {
    Webhook,
    /// The status API's answer about an order a webhook reported as paid
    /// (`MIDTRANS_CONFIRM_NOTIFICATIONS`): recorded as the notification, with the answer as
    /// its payload.
    ConfirmedWebhook,
    StatusCheck,
}

impl ReportSource {
    fn event_source(self) -> TransactionEventSource {
        match self {
            ReportSource::Webhook | ReportSource::ConfirmedWebhook => {
                TransactionEventSource::MidtransWebhook
            }
            ReportSource::StatusCheck => TransactionEventSource::MidtransStatus,
        }
    }

    fn event_prefix(self) -> &'static str {
        match self {
            ReportSource::Webhook | ReportSource::ConfirmedWebhook => "NOTIFICATION",
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
            Some(incoming),
            Some(raw),
            now,
        )
        .await?;
        txn.commit().await.map_err(StoreError::from)?;
        tracing::error!(order_id = %tx.order_id, expected = tx.amount, got = %report.gross_amount, "Midtrans reported another amount: not applied");
        return Err(amount_mismatch());
    }
    let current = tx.status;
    let step = transition(current, incoming);
    let new_status = step.applies().then_some(incoming);
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
        payload: (source != ReportSource::StatusCheck).then_some(raw),
    };
    let mut tx = payments::record_observed(&txn, tx.id, &observed, now).await?;
    let mut applied = None;
    if tx.status == PaymentStatus::Success
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
            Some(PaymentStatus::Success),
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
/// * 400 `notification_inconsistent`: `status_code` does not fit `transaction_status`;
/// * 409 `notification_unconfirmed`: a paid report the status API does not confirm (its
///   answer is applied instead; Midtrans retries the notification later);
/// * 503 `service_unavailable` when the status API cannot confirm a paid report now;
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
    if !report.status_code_consistent() {
        tracing::warn!(order_id = %report.order_id, status = %report.transaction_status, status_code = %report.status_code, "notification whose status_code does not fit its status refused");
        record_refused(app, &report, "NOTIFICATION_INCONSISTENT").await?;
        return Err(AppError::rejected(
            ErrorCode::NotificationInconsistent,
            "status_code tidak sesuai dengan transaction_status.",
        ));
    }
    let outcome = match confirm(app, &report).await? {
        Confirmation::NotNeeded => apply_report(app, &report, ReportSource::Webhook).await?,
        Confirmation::Confirmed(answer) => {
            apply_report(app, &answer, ReportSource::ConfirmedWebhook).await?
        }
        Confirmation::Refuted(answer) => {
            tracing::warn!(order_id = %report.order_id, gateway_status = answer.as_ref().map_or("(unknown order)", |a| a.transaction_status.as_str()), "a paid notification the status API does not confirm: not applied");
            record_refused(app, &report, "NOTIFICATION_UNCONFIRMED").await?;
            if let Some(answer) = answer {
                apply_report(app, &answer, ReportSource::StatusCheck).await?;
            }
            return Err(AppError::rejected(
                ErrorCode::NotificationUnconfirmed,
                "Midtrans tidak mengonfirmasi pembayaran ini.",
            ));
        }
    };
    let message = match outcome.transition {
        Transition::Unchanged => "Duplicate notification",
        Transition::Ignore => "Stale notification ignored",
        _ if outcome.applied.is_some() => "Payment applied",
        _ => "Status recorded",
    };
    tracing::info!(order_id = %report.order_id, midtrans_status = %report.transaction_status, ?outcome.transition, applied = outcome.applied.is_some(), "Midtrans notification");
    Ok(ack("ok", message))
}

/// Whether a webhook is applied as sent or replaced by the status API's answer.
enum Confirmation {
    /// Not a payment that would credit anything now (not a success, a duplicate of one
    /// already applied, a stale report, the wrong amount), or confirmation is off.
    NotNeeded,
    /// The status API says the order is paid: apply its answer.
    Confirmed(Notification),
    /// The status API has the order in another status (applied instead), or does not know
    /// it (`None`).
    Refuted(Option<Notification>),
}

/// Before a webhook credits an order, asks the gateway's status API whether it is really
/// paid (`MIDTRANS_CONFIRM_NOTIFICATIONS`, default on). The signature does not cover
/// `transaction_status`, and a leaked or replayed signature must not be enough to credit.
/// An unreachable status API is a 503, so Midtrans retries and nothing is credited.
async fn confirm(app: &App, report: &Notification) -> AppResult<Confirmation> {
    if !app.config().payments.confirm_notifications || report.status() != PaymentStatus::Success {
        return Ok(Confirmation::NotNeeded);
    }
    let tx = payments::find_by_order_id(app.db(), &report.order_id)
        .await?
        .ok_or_else(super::status::not_found)?;
    let would_credit = report.gross_amount_rupiah() == Some(Rupiah(tx.amount))
        && tx.applied_at.is_none()
        && transition(tx.status, PaymentStatus::Success).applies();
    if !would_credit {
        return Ok(Confirmation::NotNeeded);
    }
    let unconfirmed = || {
        AppError::rejected(
            ErrorCode::ServiceUnavailable,
            "Status pembayaran belum dapat dikonfirmasi ke Midtrans, silakan kirim ulang.",
        )
    };
    let order = saring_domain::OrderId::parse(&tx.order_id)
        .map_err(|_| AppError::Internal(format!("stored order id {:?} is invalid", tx.order_id)))?;
    let gateway = app.payments()?.clone();
    match gateway.status(&order).await {
        Err(e) => {
            if e.is_transient() {
                super::gateway::alert_if_open(app).await;
            }
            tracing::warn!(order_id = %tx.order_id, error = %e, "cannot confirm a paid notification with the status API: Midtrans will retry");
            Err(unconfirmed())
        }
        Ok(Some(answer)) if answer.order_id != tx.order_id => {
            tracing::error!(order_id = %tx.order_id, answered = %answer.order_id, "the status API answered about another order");
            Err(unconfirmed())
        }
        Ok(Some(answer)) if answer.status() == PaymentStatus::Success => {
            Ok(Confirmation::Confirmed(answer))
        }
        Ok(answer) => Ok(Confirmation::Refuted(answer)),
    }
}

/// Records a refused webhook on its order's history (when the order exists); nothing else
/// changes.
async fn record_refused(app: &App, report: &Notification, event: &str) -> AppResult<()> {
    let txn = db::begin_write(app.db()).await?;
    if let Some(tx) = payments::lock_by_order_id(&txn, &report.order_id).await? {
        payments::append_event(
            &txn,
            tx.id,
            TransactionEventSource::MidtransWebhook,
            event,
            Some(tx.status),
            Some(report.raw.to_string()),
            app.now(),
        )
        .await?;
    }
    txn.commit().await.map_err(StoreError::from)?;
    Ok(())
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
