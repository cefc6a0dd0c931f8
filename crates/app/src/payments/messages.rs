//! What happens after a payment commits: the router sync attempt and the WhatsApp messages.
//! Nothing here can undo a payment: failures are logged (the outbox retries the sync).

use saring_domain::Phone;
use saring_domain::access::Role;
use saring_domain::money::Rupiah;
use saring_domain::units::Megabytes;
use saring_domain::{Bytes, Locale};
use saring_store::repo::payments::Transaction;
use saring_store::repo::users::{self, UserFilter};

use super::effect::Applied;
use crate::context::App;
use crate::error::AppResult;
use crate::notify::send_template;

fn gb(mb: i64) -> String {
    Megabytes::from_whole(mb).display(Locale::Id)
}

fn remaining_quota(user: &saring_domain::user::User) -> String {
    if user.is_unlimited_user {
        "Unlimited".into()
    } else {
        user.quota_account().remaining().display(Locale::Id)
    }
}

fn method_label(tx: &Transaction) -> String {
    tx.payment_method
        .clone()
        .map_or_else(|| "Midtrans".into(), |m| m.replace('_', " ").to_uppercase())
}

/// Syncs the router and sends the success message. Returns whether WhatsApp went out.
pub async fn after_payment(app: &App, tx: &Transaction, applied: &Applied) -> bool {
    let user = applied.user();
    crate::accounts::forget_user(app, user.id);
    if let Err(e) = crate::router::user_sync::sync_user_soon(app, user, "payment").await {
        tracing::warn!(order_id = %tx.order_id, error = %e, "router sync after payment failed; the outbox retries it");
    }
    let tz = &app.config().app.timezone;
    let token = super::status_token(app, &tx.order_id);
    let link_user_app = app.config().public_base_url(app.mode());
    match applied {
        Applied::Purchase { package, .. } => {
            let quota = if package.is_unlimited() {
                "Unlimited".to_owned()
            } else {
                gb(package.quota_mb)
            };
            send_template(
                app,
                &user.phone,
                "purchase_success_with_invoice",
                &[
                    ("full_name", user.full_name.clone()),
                    ("order_id", tx.order_id.clone()),
                    ("package_name", package.name.clone()),
                    ("package_price", Rupiah(tx.amount).to_string()),
                    ("package_quota", quota),
                    (
                        "expiry_date",
                        user.quota_expiry_date
                            .map_or_else(|| "-".into(), |e| tz.format_date(e)),
                    ),
                    (
                        "status_url",
                        super::status_url(app, &tx.order_id, &token, false),
                    ),
                    ("invoice_url", super::invoice_link(app, tx.id)),
                ],
            )
            .await
        }
        Applied::Debt {
            plan,
            unblocked,
            remaining_debt_mb,
            ..
        } => {
            if let Some((due, paid)) = plan.shortfall {
                return send_template(
                    app,
                    &user.phone,
                    "user_debt_underpayment_correction",
                    &[
                        ("full_name", user.full_name.clone()),
                        ("order_id", tx.order_id.clone()),
                        ("paid_amount_display", paid.to_string()),
                        ("expected_amount_display", due.to_string()),
                        ("shortage_amount_display", (due - paid).to_string()),
                        ("paid_total_debt_gb", gb(plan.paid_total_mb())),
                        ("shortage_debt_gb", gb(*remaining_debt_mb)),
                        ("link_user_app", link_user_app),
                    ],
                )
                .await;
            }
            let key = if *unblocked {
                "user_debt_cleared_online_unblock"
            } else {
                "user_debt_cleared_online"
            };
            send_template(
                app,
                &user.phone,
                key,
                &[
                    ("full_name", user.full_name.clone()),
                    ("order_id", tx.order_id.clone()),
                    ("payment_method_label", method_label(tx)),
                    ("paid_auto_debt_gb", gb(plan.paid_auto_mb)),
                    ("paid_manual_debt_gb", gb(plan.paid_manual_mb())),
                    ("paid_total_debt_gb", gb(plan.paid_total_mb())),
                    (
                        "paid_total_debt_amount_display",
                        Rupiah(tx.amount).to_string(),
                    ),
                    ("remaining_quota", remaining_quota(user)),
                    ("receipt_url", super::invoice_link(app, tx.id)),
                    ("link_user_app", link_user_app),
                ],
            )
            .await
        }
    }
}

/// Active super admins' phone numbers.
pub async fn super_admin_phones(app: &App) -> AppResult<Vec<Phone>> {
    let (admins, _) = users::list(
        app.db(),
        &UserFilter {
            role: Some(Role::SuperAdmin),
            is_active: Some(true),
            ..UserFilter::default()
        },
        0,
        20,
    )
    .await?;
    Ok(admins.into_iter().map(|u| u.phone).collect())
}

/// Tells the super admins that a paid order was reversed or refunded.
pub async fn alert_reversal(app: &App, tx: &Transaction) {
    let name = match tx.user_id {
        Some(id) => users::find_by_id(app.db(), id)
            .await
            .ok()
            .flatten()
            .map_or_else(|| "-".into(), |u| u.full_name),
        None => "-".into(),
    };
    let Ok(admins) = super_admin_phones(app).await else {
        return;
    };
    for phone in admins {
        send_template(
            app,
            &phone,
            "payment_reversed_to_admin",
            &[
                ("order_id", tx.order_id.clone()),
                ("full_name", name.clone()),
                ("amount", Rupiah(tx.amount).to_string()),
                ("status", tx.status.as_str().to_owned()),
            ],
        )
        .await;
    }
}

/// Shown for quota in invoices and messages: `Unlimited` or `1,00 GB`.
pub fn quota_label(quota_mb: i64) -> String {
    if quota_mb == 0 {
        "Unlimited".into()
    } else {
        Bytes::from_mb(quota_mb).display(Locale::Id)
    }
}
