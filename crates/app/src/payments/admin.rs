//! The admin's view of payments: the transaction list, one transaction with its event
//! history and raw Midtrans payloads, and the Midtrans self-test.

use saring_domain::PaymentStatus;
use saring_domain::api::{Page, PageRequest};
use saring_domain::dto::payments::{
    AdminTransactionDetail, AdminTransactionItem, AdminTransactionQuery, SelfTestResponse,
    TransactionEventDto,
};
use saring_domain::ids::UserId;
use saring_domain::money::Rupiah;
use saring_store::repo::payments::{self, TransactionFilter, TransactionPurpose};

use crate::context::App;
use crate::error::AppResult;

fn json_or_text(raw: Option<String>) -> Option<serde_json::Value> {
    raw.map(|r| serde_json::from_str(&r).unwrap_or(serde_json::Value::String(r)))
}

/// One row of the admin's transaction lists.
pub(crate) fn admin_item(r: payments::AdminRow) -> AdminTransactionItem {
    AdminTransactionItem {
        id: r.tx.id.to_string(),
        order_id: r.tx.order_id,
        status: r.tx.status,
        purpose: match r.tx.purpose {
            TransactionPurpose::Purchase => "purchase",
            TransactionPurpose::Debt => "debt",
        }
        .to_owned(),
        amount: Rupiah(r.tx.amount),
        payment_method: r.tx.payment_method,
        package_name: r.package_name,
        user_id: r.tx.user_id.map(|u| u.to_string()),
        user_full_name: r.user_full_name,
        user_phone_number: r.user_phone,
        created_at: r.tx.created_at,
        payment_time: r.tx.payment_time,
    }
}

/// `GET /api/admin/transactions`: `q`'s filters, `page` as validated by the API.
pub async fn list(
    app: &App,
    q: &AdminTransactionQuery,
    page: PageRequest,
) -> AppResult<Page<AdminTransactionItem>> {
    let (_, per_page) = page.clamped();
    let filter = TransactionFilter {
        status: q.status.as_deref().and_then(PaymentStatus::parse),
        order_id_contains: q.search.as_ref().map(|s| s.trim().to_owned()),
        user_id: q.user_id.as_deref().and_then(UserId::parse),
        sort: super::export::sort(q.sort.as_deref(), q.order.as_deref(), true)?,
    };
    let (rows, total) = payments::list_admin(app.db(), &filter, page.offset(), per_page).await?;
    let items = rows.into_iter().map(admin_item).collect();
    Ok(Page::new(items, page, total))
}

/// `GET /api/admin/transactions/{order_id}/detail`
pub async fn detail(app: &App, order_id: &str) -> AppResult<AdminTransactionDetail> {
    let tx = super::status::find_order(app, order_id).await?;
    let events = payments::events(app.db(), tx.id)
        .await?
        .into_iter()
        .map(|e| TransactionEventDto {
            id: e.id.to_string(),
            source: match e.source {
                payments::TransactionEventSource::App => "APP",
                payments::TransactionEventSource::MidtransWebhook => "MIDTRANS_WEBHOOK",
                payments::TransactionEventSource::MidtransStatus => "MIDTRANS_STATUS",
            }
            .to_owned(),
            event_type: e.event_type,
            status: e.status,
            payload: json_or_text(e.payload),
            created_at: e.created_at,
        })
        .collect();
    Ok(AdminTransactionDetail {
        transaction: super::status::detail(app, &tx, false).await?,
        events,
        midtrans_notification_payload: json_or_text(tx.notification_payload.clone()),
        created_by_admin_id: tx.created_by_admin_id.map(|u| u.to_string()),
    })
}

/// `POST /api/admin/midtrans/selftest`: credentials and reachability, creating nothing.
pub async fn self_test(app: &App) -> AppResult<SelfTestResponse> {
    let gateway = app.payments()?.clone();
    Ok(match gateway.self_test().await {
        Ok(r) => SelfTestResponse {
            ok: true,
            gateway: r.gateway.to_owned(),
            environment: Some(r.environment.to_owned()),
            core_base_url: Some(r.core_base_url),
            snap_base_url: Some(r.snap_base_url),
            latency_ms: Some(r.latency_ms),
            checks: r.checks,
            error: None,
        },
        Err(e) => SelfTestResponse {
            ok: false,
            gateway: gateway.name().to_owned(),
            environment: None,
            core_base_url: None,
            snap_base_url: None,
            latency_ms: None,
            checks: Vec::new(),
            error: Some(e.to_string()),
        },
    })
}
