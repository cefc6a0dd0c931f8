//! Starting a payment: buying a package, paying a debt, an admin's bill.
//!
//! 1. Under the user's row lock: reuse the user's open order for the same thing (a
//!    duplicate click), or insert a new one (`UNKNOWN`, with its local expiry).
//! 2. Outside any database transaction: ask Midtrans (Snap token, or a Core API charge).
//! 3. Store what Midtrans answered; a failure closes the order (`FAILED`) and answers 503
//!    (`payment_unavailable`) or 502 (`gateway_error`).
//!
//! A second click while the first is still talking to Midtrans waits for it and gets the
//! same order.

use std::time::Duration;

use chrono::Duration as ChronoDuration;
use rand::RngCore;
use saring_domain::access::Role;
use saring_domain::api::ErrorCode;
use saring_domain::dto::payments::{
    AdminBillRequest, AdminBillResponse, DebtInitiateRequest, InitiateRequest, InitiateResponse,
};
use saring_domain::ids::UserId;
use saring_domain::money::Rupiah;
use saring_domain::user::User;
use saring_domain::{Locale, Megabytes, OrderId, PaymentStatus};
use saring_gateways::payments::{
    ChargeRequest, CustomerDetails, ItemDetail, PaymentMethod, SnapRequest,
};
use saring_store::StoreError;
use saring_store::db;
use saring_store::repo::payments::{
    self, GatewayData, NewTransaction, ProviderMode, ReuseScope, Transaction,
    TransactionEventSource, TransactionPurpose,
};
use saring_store::repo::{activity, packages, users};
use uuid::Uuid;

use super::debt::{self, DebtScope};
use super::{Choice, choose, method_label, status_token, status_url};
use crate::context::App;
use crate::error::{AppError, AppResult};

/// What is being ordered.
struct Order {
    user: User,
    scope: ReuseScope,
    purpose: TransactionPurpose,
    package_id: Option<Uuid>,
    debt_type: Option<String>,
    manual_debt_id: Option<Uuid>,
    debt_mb: Option<i64>,
    amount: Rupiah,
    item_id: String,
    item_name: String,
    prefix: String,
    created_by_admin: Option<UserId>,
}

/// How long a second click waits for the first one's Midtrans call.
const IN_FLIGHT_WAIT: Duration = Duration::from_secs(20);
/// An order without Midtrans data older than this was abandoned (a crash mid-call).
const ABANDONED_AFTER_SECONDS: i64 = 60;

fn new_order_id(prefix: &str) -> AppResult<OrderId> {
    let mut random = [0u8; 6];
    rand::rng().fill_bytes(&mut random);
    let prefix = prefix.trim().trim_matches('-');
    OrderId::generate(
        if prefix.is_empty() {
            OrderId::PURCHASE_PREFIX
        } else {
            prefix
        },
        random,
    )
    .map_err(|_| AppError::Internal(format!("order id prefix {prefix:?} is invalid")))
}

fn response(app: &App, tx: &Transaction, reused: bool) -> InitiateResponse {
    let token = status_token(app, &tx.order_id);
    let debt = tx.purpose == TransactionPurpose::Debt;
    InitiateResponse {
        id: tx.id.to_string(),
        order_id: tx.order_id.clone(),
        status: tx.status,
        amount: Rupiah(tx.amount),
        provider_mode: match tx.provider_mode {
            ProviderMode::Snap => "snap",
            ProviderMode::CoreApi => "core_api",
        }
        .to_owned(),
        snap_token: tx.snap_token.clone(),
        redirect_url: tx.snap_redirect_url.clone(),
        payment_method: tx.payment_method.clone(),
        va_bank: tx.va_bank.clone(),
        midtrans_transaction_id: tx.midtrans_transaction_id.clone(),
        expiry_time: tx.expiry_time,
        expiry_time_display: tx.expiry_time.map_or_else(
            || "-".into(),
            |e| app.config().app.timezone.format_datetime(e),
        ),
        va_number: tx.va_number.clone(),
        payment_code: tx.payment_code.clone(),
        biller_code: tx.biller_code.clone(),
        qr_code_url: tx.qr_code_url.clone(),
        qr_string: tx.qr_string.clone(),
        deeplink_redirect_url: tx.deeplink_redirect_url.clone(),
        status_url: status_url(app, &tx.order_id, &token, debt),
        status_token: token,
        reused,
    }
}

/// The requested payment matches an existing Core API order.
fn same_choice(tx: &Transaction, mode: ProviderMode, choice: Option<Choice>) -> bool {
    match (mode, choice) {
        (ProviderMode::Snap, _) => tx.provider_mode == ProviderMode::Snap,
        (ProviderMode::CoreApi, Some(c)) => {
            tx.provider_mode == ProviderMode::CoreApi
                && tx.payment_method.as_deref() == Some(method_label(c).as_str())
        }
        (ProviderMode::CoreApi, None) => false,
    }
}

enum Reserved {
    Reuse(Transaction),
    Wait(Uuid),
    New(Transaction),
}

async fn reserve(
    app: &App,
    order: &Order,
    mode: ProviderMode,
    choice: Option<Choice>,
) -> AppResult<Reserved> {
    let now = app.now();
    let txn = db::begin_write(app.db()).await?;
    users::lock(&txn, order.user.id).await?;
    if let Some(existing) = payments::find_reusable(&txn, order.user.id, order.scope, now).await? {
        let fresh = now - existing.created_at < ChronoDuration::seconds(ABANDONED_AFTER_SECONDS);
        let (event, status, outcome) = if existing.has_gateway_data() {
            if same_choice(&existing, mode, choice) && existing.amount == order.amount.0 {
                (
                    "INITIATE_REUSED_EXISTING",
                    existing.status,
                    Some(Reserved::Reuse(existing.clone())),
                )
            } else {
                ("CANCELLED_BY_NEW_INITIATE", PaymentStatus::Cancelled, None)
            }
        } else if fresh {
            (
                "INITIATE_WAITING_IN_FLIGHT",
                existing.status,
                Some(Reserved::Wait(existing.id)),
            )
        } else {
            ("INITIATE_ABANDONED", PaymentStatus::Failed, None)
        };
        if status != existing.status {
            payments::set_status_if(&txn, existing.id, &[existing.status], status, now).await?;
        }
        payments::append_event(
            &txn,
            existing.id,
            TransactionEventSource::App,
            event,
            Some(status),
            Some(serde_json::json!({"requested_method": choice.map(method_label)}).to_string()),
            now,
        )
        .await?;
        if let Some(outcome) = outcome {
            txn.commit().await.map_err(StoreError::from)?;
            return Ok(outcome);
        }
    }
    let order_id = new_order_id(&order.prefix)?;
    let tx = payments::insert(
        &txn,
        &NewTransaction {
            user_id: order.user.id,
            package_id: order.package_id,
            purpose: order.purpose,
            debt_type: order.debt_type.clone(),
            manual_debt_id: order.manual_debt_id,
            debt_mb: order.debt_mb,
            provider_mode: mode,
            order_id: order_id.to_string(),
            amount: order.amount.0,
            status: PaymentStatus::Unknown,
            payment_method: choice.map(method_label),
            va_bank: choice.and_then(|c| c.bank).map(|b| b.as_str().to_owned()),
            expiry_time: Some(
                now + ChronoDuration::minutes(i64::from(app.config().payments.expiry_minutes)),
            ),
            created_by_admin_id: order.created_by_admin,
        },
        now,
    )
    .await?;
    txn.commit().await.map_err(StoreError::from)?;
    Ok(Reserved::New(tx))
}

/// Waits for another request's Midtrans call on the same order.
async fn wait_in_flight(app: &App, id: Uuid) -> AppResult<Transaction> {
    let deadline = tokio::time::Instant::now() + IN_FLIGHT_WAIT;
    loop {
        let tx = payments::find(app.db(), id)
            .await?
            .ok_or_else(super::status::not_found)?;
        if tx.has_gateway_data() {
            return Ok(tx);
        }
        if tx.status == PaymentStatus::Failed || tokio::time::Instant::now() >= deadline {
            return Err(super::gateway_unavailable(app));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn ask_gateway(
    app: &App,
    order: &Order,
    tx: &Transaction,
    mode: ProviderMode,
    choice: Option<Choice>,
) -> AppResult<(GatewayData, serde_json::Value)> {
    let gateway = app.payments()?.clone();
    let order_id = OrderId::parse(&tx.order_id).map_err(|_| super::status::not_found())?;
    let item = ItemDetail::new(order.item_id.clone(), order.item_name.clone(), order.amount);
    let customer = CustomerDetails {
        first_name: order.user.full_name.clone(),
        phone: Some(order.user.phone.clone()),
        ..CustomerDetails::default()
    };
    let expiry_minutes = Some(app.config().payments.expiry_minutes);
    let token = status_token(app, &tx.order_id);
    let debt = order.purpose == TransactionPurpose::Debt;
    let status_page = status_url(app, &tx.order_id, &token, debt);
    let result = match (mode, choice) {
        (ProviderMode::Snap, _) | (ProviderMode::CoreApi, None) => gateway
            .create_snap(&SnapRequest {
                order_id,
                gross_amount: order.amount,
                item,
                customer,
                // Snap needs an absolute URL: none without a public base URL.
                finish_url: Some(app.config().public_base_url(app.mode()))
                    .filter(|base| !base.is_empty())
                    .map(|base| format!("{base}/payment/finish?t={token}")),
                expiry_minutes,
            })
            .await
            .map(|s| {
                let raw = serde_json::json!({"token": s.token, "redirect_url": s.redirect_url});
                (
                    GatewayData {
                        snap_token: Some(s.token),
                        snap_redirect_url: Some(s.redirect_url),
                        ..GatewayData::default()
                    },
                    raw,
                )
            }),
        (ProviderMode::CoreApi, Some(choice)) => gateway
            .charge(&ChargeRequest {
                order_id,
                gross_amount: order.amount,
                item,
                customer,
                method: choice.method,
                bank: choice.bank,
                expiry_minutes,
                callback_url: matches!(
                    choice.method,
                    PaymentMethod::Gopay | PaymentMethod::Shopeepay
                )
                .then(|| status_page.clone()),
            })
            .await
            .map(|c| {
                (
                    GatewayData {
                        status: Some(PaymentStatus::Pending),
                        midtrans_transaction_id: Some(c.transaction_id.clone()),
                        payment_method: Some(method_label(choice)),
                        va_number: c.va_number.clone(),
                        payment_code: c.bill_key.clone(),
                        biller_code: c.biller_code.clone(),
                        qr_code_url: c.qr_url.clone(),
                        qr_string: c.qr_string.clone(),
                        deeplink_redirect_url: c.deeplink_url.clone(),
                        expiry_time: c.expiry_time,
                        ..GatewayData::default()
                    },
                    c.raw.clone(),
                )
            }),
    };
    match result {
        Ok(ok) => Ok(ok),
        Err(e) => {
            let now = app.now();
            payments::set_status_if(
                app.db(),
                tx.id,
                &[PaymentStatus::Unknown, PaymentStatus::Pending],
                PaymentStatus::Failed,
                now,
            )
            .await?;
            payments::append_event(
                app.db(),
                tx.id,
                TransactionEventSource::App,
                "INITIATE_FAILED",
                Some(PaymentStatus::Failed),
                Some(serde_json::json!({"error": e.to_string()}).to_string()),
                now,
            )
            .await?;
            if e.is_transient() {
                super::gateway::alert_if_open(app).await;
            }
            Err(super::status::gateway_error(app, &e))
        }
    }
}

async fn place(
    app: &App,
    order: Order,
    method: Option<&str>,
    bank: Option<&str>,
) -> AppResult<InitiateResponse> {
    let availability = super::gateway::availability(app).await;
    if !availability.available {
        return Err(AppError::rejected(
            ErrorCode::PaymentUnavailable,
            availability
                .message
                .unwrap_or_else(|| app.config().payments.unavailable_message.clone()),
        ));
    }
    let opts = super::options(app).await?;
    let (mode, choice) = if opts.provider_mode == "core_api" {
        (ProviderMode::CoreApi, Some(choose(&opts, method, bank)?))
    } else {
        (ProviderMode::Snap, None)
    };
    let tx = match reserve(app, &order, mode, choice).await? {
        Reserved::Reuse(tx) => return Ok(response(app, &tx, true)),
        Reserved::Wait(id) => return Ok(response(app, &wait_in_flight(app, id).await?, true)),
        Reserved::New(tx) => tx,
    };
    let (data, raw) = ask_gateway(app, &order, &tx, mode, choice).await?;
    let now = app.now();
    let txn = db::begin_write(app.db()).await?;
    let tx = payments::set_gateway_data(&txn, tx.id, &data, now).await?;
    payments::append_event(
        &txn,
        tx.id,
        TransactionEventSource::App,
        "INITIATED",
        Some(tx.status),
        Some(
            serde_json::json!({
                "order_id": tx.order_id,
                "amount": tx.amount,
                "provider_mode": opts.provider_mode,
                "payment_method": tx.payment_method,
                "package_id": tx.package_id,
                "manual_debt_id": tx.manual_debt_id,
                "debt_mb": tx.debt_mb,
                "gateway_response": raw,
            })
            .to_string(),
        ),
        now,
    )
    .await?;
    txn.commit().await.map_err(StoreError::from)?;
    Ok(response(app, &tx, false))
}

fn package_refused() -> AppError {
    AppError::rejected(
        ErrorCode::PackageInactive,
        "Paket tidak ditemukan atau sudah tidak dijual.",
    )
}

async fn package_order(app: &App, user: &User, package_id: &str, prefix: &str) -> AppResult<Order> {
    let id = Uuid::parse_str(package_id.trim())
        .map_err(|_| AppError::invalid("package_id", "package_id tidak valid."))?;
    let package = packages::find(app.db(), id)
        .await?
        .ok_or_else(package_refused)?;
    if !package.is_active {
        return Err(package_refused());
    }
    if package.price <= 0 {
        return Err(AppError::rejected(
            ErrorCode::PackageInactive,
            "Paket gratis tidak dapat dibeli lewat pembayaran.",
        ));
    }
    // A package smaller than what the user owes would leave them with nothing (the
    // reference's guard): ask for a bigger one.
    if user.role == Role::User && !user.is_unlimited_user && !package.is_unlimited() {
        let owed = user.quota_account().auto_debt().ceil_mb() + user.manual_debt_mb.max(0);
        if owed > 0 && package.quota_mb <= owed {
            let owed = Megabytes::from_whole(owed).display(Locale::Id);
            return Err(AppError::rejected(
                ErrorCode::PackageTooSmall,
                format!(
                    "Paket terlalu kecil karena Anda memiliki tunggakan kuota {owed}. Silakan pilih paket yang lebih besar atau lunasi tunggakan dulu."
                ),
            ));
        }
    }
    Ok(Order {
        user: user.clone(),
        scope: ReuseScope::Package(package.id),
        purpose: TransactionPurpose::Purchase,
        package_id: Some(package.id),
        debt_type: None,
        manual_debt_id: None,
        debt_mb: None,
        amount: Rupiah(package.price),
        item_id: package.id.to_string(),
        item_name: package.name,
        prefix: prefix.to_owned(),
        created_by_admin: None,
    })
}

/// The user as stored now (the authentication path may hand us a copy a second old).
async fn fresh(app: &App, user: &User) -> AppResult<User> {
    Ok(users::find_by_id(app.db(), user.id)
        .await?
        .unwrap_or_else(|| user.clone()))
}

/// `POST /api/transactions/initiate`
pub async fn purchase(
    app: &App,
    user: &User,
    req: &InitiateRequest,
) -> AppResult<InitiateResponse> {
    let user = &fresh(app, user).await?;
    let order = package_order(
        app,
        user,
        &req.package_id,
        &app.config().payments.order_id_prefix,
    )
    .await?;
    place(
        app,
        order,
        req.payment_method.as_deref(),
        req.va_bank.as_deref(),
    )
    .await
}

/// `POST /api/transactions/debt/initiate`: the whole debt, or one manual item.
pub async fn debt_payment(
    app: &App,
    user: &User,
    req: &DebtInitiateRequest,
) -> AppResult<InitiateResponse> {
    let user = &fresh(app, user).await?;
    let scope = match req
        .manual_debt_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(raw) => {
            let id = Uuid::parse_str(raw)
                .map_err(|_| AppError::invalid("manual_debt_id", "manual_debt_id tidak valid."))?;
            let item = saring_store::repo::debts::find_for_user(app.db(), user.id, id)
                .await?
                .ok_or_else(|| {
                    AppError::rejected(ErrorCode::NotFound, "Hutang manual tidak ditemukan.")
                })?;
            if item.is_paid || item.remaining_mb() <= 0 {
                return Err(AppError::rejected(
                    ErrorCode::DebtAlreadyPaid,
                    "Utang manual ini sudah dilunasi.",
                ));
            }
            DebtScope::Item(id)
        }
        None => DebtScope::Total,
    };
    let quote = debt::quote(app.db(), user, scope).await?;
    if quote.total_mb() <= 0 {
        return Err(AppError::rejected(
            ErrorCode::NoDebt,
            "Anda tidak memiliki utang kuota yang perlu dibayar.",
        ));
    }
    let amount = quote.total_rp();
    if amount.0 <= 0 {
        return Err(AppError::rejected(
            ErrorCode::ServiceUnavailable,
            "Nilai utang belum bisa dihitung (belum ada paket aktif sebagai acuan). Hubungi admin.",
        ));
    }
    let (debt_type, manual_debt_id, item_name) = match scope {
        DebtScope::Item(id) => ("manual", Some(id), "Pelunasan Hutang Manual"),
        DebtScope::Total if quote.items.is_empty() => ("auto", None, "Pelunasan Tunggakan Kuota"),
        DebtScope::Total if quote.auto_mb == 0 => ("manual", None, "Pelunasan Tunggakan Kuota"),
        DebtScope::Total => ("total", None, "Pelunasan Tunggakan Kuota"),
    };
    let order = Order {
        user: user.clone(),
        scope: ReuseScope::Debt(manual_debt_id),
        purpose: TransactionPurpose::Debt,
        package_id: None,
        debt_type: Some(debt_type.into()),
        manual_debt_id,
        debt_mb: Some(quote.total_mb()),
        amount,
        item_id: "DEBT_SETTLEMENT".into(),
        item_name: item_name.into(),
        prefix: app.config().payments.debt_order_id_prefix.clone(),
        created_by_admin: None,
    };
    place(
        app,
        order,
        req.payment_method.as_deref(),
        req.va_bank.as_deref(),
    )
    .await
}

/// `POST /api/admin/transactions/bill`: an admin bills a user for a package; the user gets
/// the payment link by WhatsApp.
pub async fn admin_bill(
    app: &App,
    admin: &User,
    req: &AdminBillRequest,
) -> AppResult<AdminBillResponse> {
    let user_id = UserId::parse(&req.user_id)
        .ok_or_else(|| AppError::rejected(ErrorCode::UserNotFound, "Pengguna tidak ditemukan."))?;
    let user = users::find_by_id(app.db(), user_id)
        .await?
        .ok_or_else(|| AppError::rejected(ErrorCode::UserNotFound, "Pengguna tidak ditemukan."))?;
    let mut order = package_order(
        app,
        &user,
        &req.package_id,
        &app.config().payments.admin_bill_order_id_prefix,
    )
    .await?;
    order.created_by_admin = Some(admin.id);
    let package_name = order.item_name.clone();
    let payment = place(
        app,
        order,
        req.payment_method.as_deref(),
        req.va_bank.as_deref(),
    )
    .await?;
    activity::log_action(
        app.db(),
        Some(admin.id),
        Some(user.id),
        "CREATE_QRIS_BILL",
        serde_json::json!({"order_id": payment.order_id, "amount": payment.amount, "package_id": req.package_id, "payment_method": payment.payment_method}),
    )
    .await?;
    let payment_url = payment
        .redirect_url
        .clone()
        .filter(|_| payment.provider_mode == "snap")
        .unwrap_or_else(|| payment.status_url.clone());
    let whatsapp_sent = crate::notify::send_template(
        app,
        &user.phone,
        "admin_bill_created",
        &[
            ("full_name", user.full_name.clone()),
            ("app_name", app.config().app.name.clone()),
            ("package_name", package_name),
            ("package_price", payment.amount.to_string()),
            ("order_id", payment.order_id.clone()),
            ("expiry_date", payment.expiry_time_display.clone()),
            ("payment_url", payment_url),
        ],
    )
    .await;
    Ok(AdminBillResponse {
        order_id: payment.order_id.clone(),
        status: payment.status,
        status_url: payment.status_url.clone(),
        whatsapp_sent,
        payment,
    })
}
