//! What a paid order does to its user, inside the caller's database transaction (which has
//! already claimed the order's effect with `payments::claim_effect`).

use chrono::{DateTime, Utc};
use saring_domain::access::BlockKind;
use saring_domain::ledger::{BlockState, QuotaChange};
use saring_domain::money::Rupiah;
use saring_domain::quota::{Grant, GrantOutcome, apply_grant};
use saring_domain::user::User;
use saring_store::repo::debts;
use saring_store::repo::packages::{self, Package};
use saring_store::repo::payments::{self, Transaction, TransactionPurpose};
use saring_store::repo::users::{self, UserPatch};
use sea_orm::ConnectionTrait;

use super::debt::{self, DebtScope, SettlementPlan};
use crate::context::App;
use crate::error::AppResult;
use crate::ledger;

/// What applying an order did (used after the commit for messages and the router).
#[derive(Debug, Clone)]
pub enum Applied {
    Purchase {
        user: User,
        package: Package,
        outcome: GrantOutcome,
    },
    Debt {
        user: User,
        plan: SettlementPlan,
        unblocked: bool,
        /// Auto + manual MB still owed afterwards.
        remaining_debt_mb: i64,
    },
}

impl Applied {
    pub fn user(&self) -> &User {
        match self {
            Applied::Purchase { user, .. } | Applied::Debt { user, .. } => user,
        }
    }
}

/// The ledger's idempotency key of an order's effect.
pub fn ledger_key(tx: &Transaction) -> String {
    match tx.purpose {
        TransactionPurpose::Purchase => format!("purchase:{}", tx.order_id),
        TransactionPurpose::Debt => format!("debt:{}", tx.order_id),
    }
}

/// Applies the order to its user. `Ok(None)` when there is nothing to apply to (the user
/// or package was deleted) or the ledger shows it was applied before.
pub async fn apply<C: ConnectionTrait>(
    txn: &C,
    app: &App,
    tx: &Transaction,
    now: DateTime<Utc>,
) -> AppResult<Option<Applied>> {
    let Some(user_id) = tx.user_id else {
        return Ok(None);
    };
    let user = match users::lock(txn, user_id).await {
        Ok(u) => u,
        Err(saring_store::StoreError::NotFound) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    match tx.purpose {
        TransactionPurpose::Purchase => apply_purchase(txn, app, tx, user, now).await,
        TransactionPurpose::Debt => apply_debt(txn, tx, user, now).await,
    }
}

async fn apply_purchase<C: ConnectionTrait>(
    txn: &C,
    app: &App,
    tx: &Transaction,
    user: User,
    now: DateTime<Utc>,
) -> AppResult<Option<Applied>> {
    let Some(package) = (match tx.package_id {
        Some(id) => packages::find(txn, id).await?,
        None => None,
    }) else {
        tracing::error!(order_id = %tx.order_id, "paid order without its package: nothing applied");
        return Ok(None);
    };
    let days = i64::from(package.duration_days);
    let grant = if package.is_unlimited() {
        Grant::unlimited(days)
    } else {
        Grant::quota(package.quota_mb, days)
    };
    let open: Vec<_> = debts::open_for_user(txn, user.id)
        .await?
        .iter()
        .map(debts::DebtItem::as_manual_debt)
        .collect();
    let outcome = apply_grant(
        &user.quota_account(),
        grant,
        &open,
        now,
        app.config().quota.expiry_strategy,
    );
    let password = user
        .mikrotik_password
        .clone()
        .unwrap_or_else(crate::registration::hotspot_password);
    let change = QuotaChange::quota("purchase_package", ledger_key(tx), outcome.account.clone())
        .by(tx.created_by_admin_id)
        .with_details(serde_json::json!({
            "order_id": tx.order_id,
            "transaction_id": tx.id,
            "package_id": package.id,
            "package_name": package.name,
            "quota_mb": package.quota_mb,
            "unlimited": package.is_unlimited(),
            "days": days,
            "absorbed_mb": outcome.absorbed_mb,
            "paid_auto_mb": outcome.paid_auto_mb,
            "paid_manual_mb": outcome.paid_manual_mb(),
            "added_purchased_mb": outcome.added_purchased_mb,
        }));
    let extra = UserPatch {
        mikrotik_password: Some(Some(password.clone())),
        ..UserPatch::default()
    };
    let Some(updated) = ledger::apply(txn, &user, &change, extra, now).await? else {
        tracing::error!(order_id = %tx.order_id, "ledger already holds this purchase: not applied twice");
        return Ok(None);
    };
    for (id, mb) in &outcome.manual_payments {
        debts::record_payment(txn, *id, *mb, "purchase_package", now).await?;
    }
    if !outcome.manual_payments.is_empty() {
        debts::refresh_cached_total(txn, user.id, now).await?;
    }
    let updated = if outcome.manual_payments.is_empty() {
        updated
    } else {
        users::lock(txn, user.id).await?
    };
    payments::set_hotspot_password(txn, tx.id, &password).await?;
    Ok(Some(Applied::Purchase {
        user: updated,
        package,
        outcome,
    }))
}

async fn apply_debt<C: ConnectionTrait>(
    txn: &C,
    tx: &Transaction,
    user: User,
    now: DateTime<Utc>,
) -> AppResult<Option<Applied>> {
    let scope = match tx.manual_debt_id {
        Some(id) => DebtScope::Item(id),
        None => DebtScope::Total,
    };
    let quote = debt::quote(txn, &user, scope).await?;
    let plan = debt::plan(&quote, Rupiah(tx.amount), tx.debt_mb.unwrap_or(0));
    let mut account = user.quota_account();
    account.auto_debt_offset_mb = account
        .auto_debt_offset_mb
        .saturating_add(plan.paid_auto_mb);
    account.purchased_mb = account.purchased_mb.saturating_add(plan.credit_mb);
    // What the payment leaves owed decides whether a debt block goes with it.
    let open_mb: i64 = debts::open_for_user(txn, user.id)
        .await?
        .iter()
        .map(debts::DebtItem::remaining_mb)
        .sum();
    let manual_left = (open_mb - plan.paid_manual_mb()).max(0);
    let auto_left = account.auto_debt().ceil_mb();
    let debt_block =
        user.is_blocked && BlockKind::of_reason(user.blocked_reason.as_deref()).is_debt();
    let unblocked = debt_block && manual_left == 0 && auto_left == 0;
    let mut change = QuotaChange::quota(
        "transactions.debt_settlement_success",
        ledger_key(tx),
        account,
    )
    .by(tx.created_by_admin_id)
    .with_details(serde_json::json!({
        "order_id": tx.order_id,
        "transaction_id": tx.id,
        "paid_auto_mb": plan.paid_auto_mb,
        "paid_manual_mb": plan.paid_manual_mb(),
        "credit_mb": plan.credit_mb,
        "debt_item_id": tx.manual_debt_id,
        "amount_rp": tx.amount,
        "due_rp": plan.shortfall.map(|(due, _)| due.0),
    }));
    if unblocked {
        change = change.and_block(BlockState::unblocked());
    }
    if ledger::apply(txn, &user, &change, UserPatch::default(), now)
        .await?
        .is_none()
    {
        tracing::error!(order_id = %tx.order_id, "ledger already holds this debt payment: not applied twice");
        return Ok(None);
    }
    for (id, mb) in &plan.manual_payments {
        debts::record_payment(txn, *id, *mb, "user_debt_settlement_payment", now).await?;
    }
    debts::refresh_cached_total(txn, user.id, now).await?;
    let updated = users::lock(txn, user.id).await?;
    Ok(Some(Applied::Debt {
        user: updated,
        plan,
        unblocked,
        remaining_debt_mb: manual_left + auto_left,
    }))
}
