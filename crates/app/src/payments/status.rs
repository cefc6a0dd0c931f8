//! An order as its owner, an admin, or the holder of a signed status link sees it; live
//! status checks while it is open; cancelling; the QR code.

use std::time::Duration;

use saring_domain::PaymentStatus;
use saring_domain::api::ErrorCode;
use saring_domain::dto::payments::{TransactionDetail, TransactionPackage, TransactionUser};
use saring_domain::money::Rupiah;
use saring_domain::user::User;
use saring_gateways::payments::PaymentError;
use saring_store::StoreError;
use saring_store::db;
use saring_store::repo::payments::{self, Transaction, TransactionEventSource, TransactionPurpose};
use saring_store::repo::{packages, users};

use super::catalog::mb_to_gb;
use super::notification::check_with_gateway;
use crate::context::App;
use crate::error::{AppError, AppResult};

pub(crate) fn not_found() -> AppError {
    AppError::rejected(ErrorCode::TransactionNotFound, "Transaksi tidak ditemukan.")
}

/// The API error for a failed gateway call.
pub(crate) fn gateway_error(app: &App, e: &PaymentError) -> AppError {
    if e.is_transient() {
        return super::gateway_unavailable(app);
    }
    tracing::error!(error = %e, "Midtrans refused a request");
    match e {
        PaymentError::Rejected { messages, .. } if !messages.is_empty() => AppError::rejected(
            ErrorCode::GatewayError,
            format!(
                "Pembayaran gagal: {}. Silakan coba lagi atau hubungi admin.",
                messages.join("; ")
            ),
        ),
        _ => AppError::rejected(
            ErrorCode::GatewayError,
            "Layanan pembayaran menolak permintaan. Silakan hubungi admin.",
        ),
    }
}

pub async fn find_order(app: &App, order_id: &str) -> AppResult<Transaction> {
    payments::find_by_order_id(app.db(), order_id.trim())
        .await?
        .ok_or_else(not_found)
}

/// The order if `user` owns it or is an admin; otherwise "not found" (no hint that it
/// exists).
pub async fn find_for(app: &App, user: &User, order_id: &str) -> AppResult<Transaction> {
    let tx = find_order(app, order_id).await?;
    if tx.user_id == Some(user.id) || user.role.is_admin() {
        Ok(tx)
    } else {
        Err(not_found())
    }
}

fn is_open(tx: &Transaction) -> bool {
    matches!(tx.status, PaymentStatus::Pending | PaymentStatus::Unknown)
}

/// While an order is open, asks Midtrans (at most once per 8 s per order) and applies the
/// answer. Gateway problems are logged: the page shows what we know.
pub async fn refresh_if_open(app: &App, tx: Transaction) -> AppResult<Transaction> {
    if !is_open(&tx) || app.payments().is_err() {
        return Ok(tx);
    }
    let key = format!("midtrans:statuscheck:{}", tx.order_id);
    if !app
        .kv()
        .set_nx(&key, "1", Some(Duration::from_secs(8)))
        .await
        .unwrap_or(true)
    {
        return Ok(tx);
    }
    match check_with_gateway(app, &tx).await {
        Ok(Some(outcome)) => Ok(outcome.tx),
        Ok(None) => Ok(tx),
        Err(e @ (AppError::Store(_) | AppError::Kv(_))) => Err(e),
        Err(e) => {
            tracing::info!(order_id = %tx.order_id, error = %e, "live status check failed");
            Ok(tx)
        }
    }
}

fn mask_name(name: &str) -> String {
    name.split_whitespace()
        .map(|w| {
            let mut chars = w.chars();
            match chars.next() {
                Some(first) => format!("{first}{}", "*".repeat(chars.count().min(6))),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn mask_phone(local: &str) -> String {
    let n = local.chars().count();
    local
        .chars()
        .enumerate()
        .map(|(i, c)| if i < 4 || i + 3 >= n { c } else { '*' })
        .collect()
}

/// The full detail; `public` masks the user and hides the hotspot password.
pub async fn detail(app: &App, tx: &Transaction, public: bool) -> AppResult<TransactionDetail> {
    let package = match tx.package_id {
        Some(id) => packages::find(app.db(), id).await?,
        None => None,
    };
    let user = match tx.user_id {
        Some(id) => users::find_by_id(app.db(), id).await?,
        None => None,
    };
    Ok(TransactionDetail {
        id: tx.id.to_string(),
        order_id: tx.order_id.clone(),
        status: tx.status,
        purpose: match tx.purpose {
            TransactionPurpose::Purchase => "purchase",
            TransactionPurpose::Debt => "debt",
        }
        .to_owned(),
        debt_type: tx.debt_type.clone(),
        debt_mb: tx.debt_mb,
        manual_debt_id: tx.manual_debt_id.map(|u| u.to_string()),
        amount: Rupiah(tx.amount),
        amount_display: Rupiah(tx.amount).to_string(),
        provider_mode: match tx.provider_mode {
            payments::ProviderMode::Snap => "snap",
            payments::ProviderMode::CoreApi => "core_api",
        }
        .to_owned(),
        snap_token: tx.snap_token.clone(),
        redirect_url: tx.snap_redirect_url.clone(),
        payment_method: tx.payment_method.clone(),
        va_bank: tx.va_bank.clone(),
        va_number: tx.va_number.clone(),
        payment_code: tx.payment_code.clone(),
        biller_code: tx.biller_code.clone(),
        qr_code_url: tx.qr_code_url.clone(),
        qr_string: tx.qr_string.clone(),
        deeplink_redirect_url: tx.deeplink_redirect_url.clone(),
        midtrans_transaction_id: tx.midtrans_transaction_id.clone(),
        expiry_time: tx.expiry_time,
        payment_time: tx.payment_time,
        created_at: tx.created_at,
        hotspot_password: if public {
            None
        } else {
            tx.hotspot_password.clone()
        },
        package: package.map(|p| TransactionPackage {
            id: p.id.to_string(),
            is_unlimited: p.is_unlimited(),
            data_quota_gb: mb_to_gb(p.quota_mb),
            name: p.name,
            price: Rupiah(p.price),
            duration_days: p.duration_days,
        }),
        user: user.map(|u| TransactionUser {
            id: (!public).then(|| u.id.to_string()),
            full_name: if public {
                mask_name(&u.full_name)
            } else {
                u.full_name.clone()
            },
            phone_number: if public {
                mask_phone(&u.phone.local())
            } else {
                u.phone.local()
            },
        }),
        applied: tx.applied_at.is_some(),
        invoice_available: tx.status == PaymentStatus::Success,
    })
}

/// `GET /api/transactions/by-order-id/{id}` (owner or admin).
pub async fn detail_for_user(
    app: &App,
    user: &User,
    order_id: &str,
) -> AppResult<TransactionDetail> {
    let tx = find_for(app, user, order_id).await?;
    let tx = refresh_if_open(app, tx).await?;
    detail(app, &tx, false).await
}

/// The order a signed status link opens (403 `status_token_invalid` otherwise).
pub async fn find_public(app: &App, order_id: &str, token: &str) -> AppResult<Transaction> {
    if !super::verify_status_token(app, order_id.trim(), token) {
        return Err(AppError::rejected(
            ErrorCode::StatusTokenInvalid,
            "Tautan status tidak valid atau sudah kedaluwarsa.",
        ));
    }
    find_order(app, order_id).await
}

/// `GET /api/transactions/public/by-order-id/{id}?t=…`
pub async fn detail_public(app: &App, order_id: &str, token: &str) -> AppResult<TransactionDetail> {
    let tx = find_public(app, order_id, token).await?;
    let tx = refresh_if_open(app, tx).await?;
    detail(app, &tx, true).await
}

/// Cancels an open order (at Midtrans too). A paid or closed order cannot be cancelled.
pub async fn cancel(app: &App, tx: Transaction, by: &str) -> AppResult<TransactionDetail> {
    if !is_open(&tx) {
        return Err(AppError::rejected(
            ErrorCode::TransactionNotCancellable,
            "Transaksi ini tidak dapat dibatalkan lagi.",
        ));
    }
    let order = saring_domain::OrderId::parse(&tx.order_id).map_err(|_| not_found())?;
    let gateway = app.payments()?.clone();
    match gateway.cancel(&order).await {
        Ok(_) => {}
        // Midtrans does not know the order (a Snap page nobody opened): cancel locally.
        Err(PaymentError::Rejected {
            status_code: 404, ..
        }) => {}
        // Not pending at Midtrans any more: it may have been paid; believe Midtrans.
        Err(PaymentError::Rejected {
            status_code: 412, ..
        }) => {
            if let Some(outcome) = check_with_gateway(app, &tx).await? {
                if outcome.tx.status == PaymentStatus::Success {
                    return Err(AppError::rejected(
                        ErrorCode::TransactionNotCancellable,
                        "Transaksi ini sudah dibayar.",
                    ));
                }
                return detail(app, &outcome.tx, false).await;
            }
        }
        Err(e) => return Err(gateway_error(app, &e)),
    }
    let now = app.now();
    let txn = db::begin_write(app.db()).await?;
    let changed = payments::set_status_if(
        &txn,
        tx.id,
        &[PaymentStatus::Pending, PaymentStatus::Unknown],
        PaymentStatus::Cancelled,
        now,
    )
    .await?;
    if changed {
        payments::append_event(
            &txn,
            tx.id,
            TransactionEventSource::App,
            "CANCELLED",
            Some(PaymentStatus::Cancelled),
            Some(serde_json::json!({ "by": by }).to_string()),
            now,
        )
        .await?;
    }
    txn.commit().await.map_err(StoreError::from)?;
    let tx = payments::find(app.db(), tx.id)
        .await?
        .ok_or_else(not_found)?;
    detail(app, &tx, false).await
}

/// The order's QRIS code as SVG, drawn from the EMV payload (no call to Midtrans).
pub fn qr_svg(tx: &Transaction) -> AppResult<String> {
    let payload = tx.qr_string.as_deref().ok_or_else(|| {
        AppError::rejected(ErrorCode::NotFound, "Transaksi ini tidak memakai kode QR.")
    })?;
    let code = qrcode::QrCode::new(payload.as_bytes())
        .map_err(|e| AppError::Internal(format!("QR code of {}: {e}", tx.order_id)))?;
    Ok(code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(240, 240)
        .build())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks() {
        assert_eq!(mask_name("Budi Santoso"), "B*** S******");
        assert_eq!(mask_phone("081234567890"), "0812*****890");
    }
}
