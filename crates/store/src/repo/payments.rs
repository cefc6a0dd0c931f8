//! Payment transactions, write side: creating orders, recording what Midtrans says, the
//! exactly-once claim on an order's effect, and the event history (`transaction_events`).
//!
//! The claim ([`claim_effect`]) is a conditional update on `applied_at IS NULL`: of any
//! number of concurrent or repeated deliveries, exactly one sees `rows_affected = 1`, on
//! SQLite and PostgreSQL alike, and it runs in the same database transaction as the effect.

use chrono::{DateTime, Utc};
use saring_domain::ids::UserId;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition,
    ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

use saring_domain::PaymentStatus;

use crate::entities::enums::TransactionStatus;
pub use crate::entities::enums::{ProviderMode, TransactionEventSource, TransactionPurpose};
use crate::entities::{packages, transaction_events, transactions, users};
use crate::error::StoreError;

/// A transaction row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transaction {
    pub id: Uuid,
    pub user_id: Option<UserId>,
    pub package_id: Option<Uuid>,
    pub purpose: TransactionPurpose,
    pub debt_type: Option<String>,
    pub manual_debt_id: Option<Uuid>,
    pub debt_mb: Option<i64>,
    pub provider_mode: ProviderMode,
    pub order_id: String,
    pub midtrans_transaction_id: Option<String>,
    pub snap_token: Option<String>,
    pub snap_redirect_url: Option<String>,
    pub amount: i64,
    pub status: PaymentStatus,
    pub payment_method: Option<String>,
    pub va_bank: Option<String>,
    pub payment_time: Option<DateTime<Utc>>,
    pub expiry_time: Option<DateTime<Utc>>,
    pub va_number: Option<String>,
    pub payment_code: Option<String>,
    pub biller_code: Option<String>,
    pub qr_code_url: Option<String>,
    pub qr_string: Option<String>,
    pub deeplink_redirect_url: Option<String>,
    pub notification_payload: Option<String>,
    pub hotspot_password: Option<String>,
    pub applied_at: Option<DateTime<Utc>>,
    pub created_by_admin_id: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Transaction {
    /// Whether Midtrans has been asked (Snap token or Core API charge data).
    pub fn has_gateway_data(&self) -> bool {
        self.snap_token.is_some()
            || self.snap_redirect_url.is_some()
            || self.midtrans_transaction_id.is_some()
            || self.va_number.is_some()
            || self.payment_code.is_some()
            || self.qr_string.is_some()
            || self.qr_code_url.is_some()
    }
}

fn to_tx(m: transactions::Model) -> Transaction {
    Transaction {
        id: m.id,
        user_id: m.user_id.map(UserId),
        package_id: m.package_id,
        purpose: m.purpose,
        debt_type: m.debt_type,
        manual_debt_id: m.manual_debt_id,
        debt_mb: m.debt_mb,
        provider_mode: m.provider_mode,
        order_id: m.midtrans_order_id,
        midtrans_transaction_id: m.midtrans_transaction_id,
        snap_token: m.snap_token,
        snap_redirect_url: m.snap_redirect_url,
        amount: m.amount,
        status: m.status.into(),
        payment_method: m.payment_method,
        va_bank: m.va_bank,
        payment_time: m.payment_time,
        expiry_time: m.expiry_time,
        va_number: m.va_number,
        payment_code: m.payment_code,
        biller_code: m.biller_code,
        qr_code_url: m.qr_code_url,
        qr_string: m.qr_string,
        deeplink_redirect_url: m.deeplink_redirect_url,
        notification_payload: m.midtrans_notification_payload,
        hotspot_password: m.hotspot_password,
        applied_at: m.applied_at,
        created_by_admin_id: m.created_by_admin_id.map(UserId),
        created_at: m.created_at,
        updated_at: m.updated_at,
    }
}

/// A new order, before Midtrans is asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTransaction {
    pub user_id: UserId,
    pub package_id: Option<Uuid>,
    pub purpose: TransactionPurpose,
    pub debt_type: Option<String>,
    pub manual_debt_id: Option<Uuid>,
    pub debt_mb: Option<i64>,
    pub provider_mode: ProviderMode,
    pub order_id: String,
    pub amount: i64,
    pub status: PaymentStatus,
    pub payment_method: Option<String>,
    pub va_bank: Option<String>,
    pub expiry_time: Option<DateTime<Utc>>,
    pub created_by_admin_id: Option<UserId>,
}

/// Inserts an order. A duplicate order id is `StoreError::Conflict`.
pub async fn insert<C: ConnectionTrait>(
    db: &C,
    t: &NewTransaction,
    now: DateTime<Utc>,
) -> Result<Transaction, StoreError> {
    let row = transactions::ActiveModel {
        user_id: Set(Some(t.user_id.0)),
        package_id: Set(t.package_id),
        purpose: Set(t.purpose),
        debt_type: Set(t.debt_type.clone()),
        manual_debt_id: Set(t.manual_debt_id),
        debt_mb: Set(t.debt_mb),
        provider_mode: Set(t.provider_mode),
        midtrans_order_id: Set(t.order_id.clone()),
        amount: Set(t.amount),
        status: Set(t.status.into()),
        payment_method: Set(t.payment_method.clone()),
        va_bank: Set(t.va_bank.clone()),
        expiry_time: Set(t.expiry_time),
        created_by_admin_id: Set(t.created_by_admin_id.map(|u| u.0)),
        created_at: Set(now),
        updated_at: Set(now),
        ..transactions::ActiveModel::new()
    }
    .insert(db)
    .await?;
    Ok(to_tx(row))
}

pub async fn find_by_order_id<C: ConnectionTrait>(
    db: &C,
    order_id: &str,
) -> Result<Option<Transaction>, StoreError> {
    Ok(transactions::Entity::find()
        .filter(transactions::Column::MidtransOrderId.eq(order_id))
        .one(db)
        .await?
        .map(to_tx))
}

pub async fn find<C: ConnectionTrait>(db: &C, id: Uuid) -> Result<Option<Transaction>, StoreError> {
    Ok(transactions::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(to_tx))
}

/// Reads the order and locks its row for the rest of the transaction (`FOR UPDATE` on
/// PostgreSQL; a SQLite transaction begun with `db::begin_write` is exclusive already).
pub async fn lock_by_order_id<C: ConnectionTrait>(
    db: &C,
    order_id: &str,
) -> Result<Option<Transaction>, StoreError> {
    let mut q =
        transactions::Entity::find().filter(transactions::Column::MidtransOrderId.eq(order_id));
    if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        q = q.lock_exclusive();
    }
    Ok(q.one(db).await?.map(to_tx))
}

/// Which open order a new initiation could reuse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReuseScope {
    Package(Uuid),
    /// A debt payment for the whole debt (`None`) or one manual item.
    Debt(Option<Uuid>),
}

/// The newest UNKNOWN/PENDING order of the user for the same thing, not expired at `now`.
pub async fn find_reusable<C: ConnectionTrait>(
    db: &C,
    user: UserId,
    scope: ReuseScope,
    now: DateTime<Utc>,
) -> Result<Option<Transaction>, StoreError> {
    let mut q = transactions::Entity::find()
        .filter(transactions::Column::UserId.eq(user.0))
        .filter(
            transactions::Column::Status
                .is_in([TransactionStatus::Unknown, TransactionStatus::Pending]),
        )
        .filter(
            Condition::any()
                .add(transactions::Column::ExpiryTime.is_null())
                .add(transactions::Column::ExpiryTime.gt(now)),
        );
    q = match scope {
        ReuseScope::Package(p) => q.filter(transactions::Column::PackageId.eq(p)),
        ReuseScope::Debt(item) => {
            let q = q.filter(transactions::Column::Purpose.eq(TransactionPurpose::Debt));
            match item {
                Some(id) => q.filter(transactions::Column::ManualDebtId.eq(id)),
                None => q.filter(transactions::Column::ManualDebtId.is_null()),
            }
        }
    };
    Ok(q.order_by_desc(transactions::Column::CreatedAt)
        .one(db)
        .await?
        .map(to_tx))
}

/// What Midtrans answered to the initiation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GatewayData {
    pub status: Option<PaymentStatus>,
    pub snap_token: Option<String>,
    pub snap_redirect_url: Option<String>,
    pub midtrans_transaction_id: Option<String>,
    pub payment_method: Option<String>,
    pub va_number: Option<String>,
    pub payment_code: Option<String>,
    pub biller_code: Option<String>,
    pub qr_code_url: Option<String>,
    pub qr_string: Option<String>,
    pub deeplink_redirect_url: Option<String>,
    pub expiry_time: Option<DateTime<Utc>>,
}

/// Stores the initiation data (fields left `None` keep their value).
pub async fn set_gateway_data<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
    d: &GatewayData,
    now: DateTime<Utc>,
) -> Result<Transaction, StoreError> {
    let model = transactions::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)?;
    let mut row = model.into_active_model();
    macro_rules! opt {
        ($($f:ident => $col:ident),* $(,)?) => {
            $( if let Some(v) = &d.$f { row.$col = Set(Some(v.clone())); } )*
        };
    }
    opt!(
        snap_token => snap_token,
        snap_redirect_url => snap_redirect_url,
        midtrans_transaction_id => midtrans_transaction_id,
        payment_method => payment_method,
        va_number => va_number,
        payment_code => payment_code,
        biller_code => biller_code,
        qr_code_url => qr_code_url,
        qr_string => qr_string,
        deeplink_redirect_url => deeplink_redirect_url,
    );
    if let Some(s) = d.status {
        row.status = Set(s.into());
    }
    if let Some(e) = d.expiry_time {
        row.expiry_time = Set(Some(e));
    }
    row.updated_at = Set(now);
    Ok(to_tx(row.update(db).await?))
}

/// What a notification or status check tells us (stored whether or not the status moves).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Observed {
    /// The new status, when the transition allows it.
    pub status: Option<PaymentStatus>,
    pub midtrans_transaction_id: Option<String>,
    pub payment_method: Option<String>,
    pub payment_time: Option<DateTime<Utc>>,
    pub expiry_time: Option<DateTime<Utc>>,
    pub va_number: Option<String>,
    pub payment_code: Option<String>,
    pub biller_code: Option<String>,
    pub qr_code_url: Option<String>,
    /// The raw JSON body.
    pub payload: Option<String>,
}

/// Records what Midtrans said: the raw payload always; identifiers fill gaps only; the
/// status only when given.
pub async fn record_observed<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
    o: &Observed,
    now: DateTime<Utc>,
) -> Result<Transaction, StoreError> {
    let model = transactions::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)?;
    let mut row = model.clone().into_active_model();
    macro_rules! fill {
        ($($f:ident => $col:ident),* $(,)?) => {
            $( if model.$col.is_none() && let Some(v) = &o.$f { row.$col = Set(Some(v.clone())); } )*
        };
    }
    fill!(
        midtrans_transaction_id => midtrans_transaction_id,
        payment_method => payment_method,
        va_number => va_number,
        payment_code => payment_code,
        biller_code => biller_code,
        qr_code_url => qr_code_url,
    );
    if let Some(s) = o.status {
        row.status = Set(s.into());
        if s == PaymentStatus::Success
            && let Some(t) = o.payment_time
        {
            row.payment_time = Set(Some(t));
        }
    }
    if let Some(e) = o.expiry_time {
        row.expiry_time = Set(Some(e));
    }
    if let Some(p) = &o.payload {
        row.midtrans_notification_payload = Set(Some(p.clone()));
    }
    row.updated_at = Set(now);
    Ok(to_tx(row.update(db).await?))
}

/// Claims the order's effect: sets `applied_at` (and `SUCCESS`) only if it was never set.
/// `true` for exactly one caller, ever.
pub async fn claim_effect<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    Ok(transactions::Entity::update_many()
        .col_expr(transactions::Column::AppliedAt, Expr::value(Some(now)))
        .col_expr(
            transactions::Column::Status,
            Expr::value(TransactionStatus::Success),
        )
        .col_expr(transactions::Column::UpdatedAt, Expr::value(now))
        .filter(transactions::Column::Id.eq(id))
        .filter(transactions::Column::AppliedAt.is_null())
        .exec(db)
        .await?
        .rows_affected
        == 1)
}

/// Moves the status from one of `from` to `to`; `false` if the row was in another status.
pub async fn set_status_if<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
    from: &[PaymentStatus],
    to: PaymentStatus,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    Ok(transactions::Entity::update_many()
        .col_expr(
            transactions::Column::Status,
            Expr::value(TransactionStatus::from(to)),
        )
        .col_expr(transactions::Column::UpdatedAt, Expr::value(now))
        .filter(transactions::Column::Id.eq(id))
        .filter(
            transactions::Column::Status.is_in(from.iter().copied().map(TransactionStatus::from)),
        )
        .exec(db)
        .await?
        .rows_affected
        == 1)
}

pub async fn set_hotspot_password<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
    password: &str,
) -> Result<(), StoreError> {
    transactions::Entity::update_many()
        .col_expr(
            transactions::Column::HotspotPassword,
            Expr::value(Some(password.to_owned())),
        )
        .filter(transactions::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Orders in `statuses` created before `created_before` (and after `created_after`), least
/// recently updated first.
pub async fn list_in_status<C: ConnectionTrait>(
    db: &C,
    statuses: &[PaymentStatus],
    created_before: DateTime<Utc>,
    created_after: Option<DateTime<Utc>>,
    limit: u64,
) -> Result<Vec<Transaction>, StoreError> {
    let mut q = transactions::Entity::find()
        .filter(
            transactions::Column::Status
                .is_in(statuses.iter().copied().map(TransactionStatus::from)),
        )
        .filter(transactions::Column::CreatedAt.lt(created_before));
    if let Some(after) = created_after {
        q = q.filter(transactions::Column::CreatedAt.gte(after));
    }
    Ok(q.order_by_asc(transactions::Column::UpdatedAt)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(to_tx)
        .collect())
}

/// Open orders whose payment window closed before `before`.
pub async fn list_overdue<C: ConnectionTrait>(
    db: &C,
    before: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<Transaction>, StoreError> {
    Ok(transactions::Entity::find()
        .filter(
            transactions::Column::Status
                .is_in([TransactionStatus::Unknown, TransactionStatus::Pending]),
        )
        .filter(transactions::Column::ExpiryTime.lt(before))
        .order_by_asc(transactions::Column::ExpiryTime)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(to_tx)
        .collect())
}

/// Filters for the admin list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TransactionFilter {
    pub status: Option<PaymentStatus>,
    pub order_id_contains: Option<String>,
    pub user_id: Option<UserId>,
    pub sort: TransactionSort,
}

/// What the admin's lists and exports order transactions by (ties broken by id).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SortKey {
    #[default]
    CreatedAt,
    Amount,
}

/// An order of transactions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TransactionSort {
    pub by: SortKey,
    pub descending: bool,
}

impl Default for TransactionSort {
    /// Newest first.
    fn default() -> Self {
        TransactionSort {
            by: SortKey::CreatedAt,
            descending: true,
        }
    }
}

impl TransactionSort {
    fn apply(
        self,
        q: sea_orm::Select<transactions::Entity>,
    ) -> sea_orm::Select<transactions::Entity> {
        let order = if self.descending {
            sea_orm::Order::Desc
        } else {
            sea_orm::Order::Asc
        };
        let column = match self.by {
            SortKey::CreatedAt => transactions::Column::CreatedAt,
            SortKey::Amount => transactions::Column::Amount,
        };
        q.order_by(column, order.clone())
            .order_by(transactions::Column::Id, order)
    }

    /// The keyset of a row in this order.
    pub fn key_of(self, t: &Transaction) -> ExportKey {
        match self.by {
            SortKey::CreatedAt => ExportKey::At(t.created_at, t.id),
            SortKey::Amount => ExportKey::Amount(t.amount, t.id),
        }
    }
}

/// Where the previous export batch ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportKey {
    At(DateTime<Utc>, Uuid),
    Amount(i64, Uuid),
}

/// One admin list row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminRow {
    pub tx: Transaction,
    pub package_name: Option<String>,
    pub user_full_name: Option<String>,
    pub user_phone: Option<String>,
}

pub async fn list_admin<C: ConnectionTrait>(
    db: &C,
    f: &TransactionFilter,
    offset: u64,
    limit: u64,
) -> Result<(Vec<AdminRow>, u64), StoreError> {
    let mut q = transactions::Entity::find();
    if let Some(s) = f.status {
        q = q.filter(transactions::Column::Status.eq(TransactionStatus::from(s)));
    }
    if let Some(s) = f.order_id_contains.as_deref().filter(|s| !s.is_empty()) {
        q = q.filter(transactions::Column::MidtransOrderId.contains(s));
    }
    if let Some(u) = f.user_id {
        q = q.filter(transactions::Column::UserId.eq(u.0));
    }
    let total = q.clone().count(db).await?;
    Ok((admin_rows(db, f.sort.apply(q), offset, limit).await?, total))
}

/// The newest `limit` transactions, any status, as the admin list shows them (without
/// counting the table).
pub async fn recent_admin<C: ConnectionTrait>(
    db: &C,
    limit: u64,
) -> Result<Vec<AdminRow>, StoreError> {
    admin_rows(
        db,
        TransactionSort::default().apply(transactions::Entity::find()),
        0,
        limit,
    )
    .await
}

/// One batch of an export: transactions created in `[from, to)` (with `status`, when given),
/// in `sort`'s order, after the key of the previous batch's last row. The users of
/// the batch come in one query, so a batch costs two queries whatever its size.
pub async fn export_batch<C: ConnectionTrait>(
    db: &C,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    status: Option<PaymentStatus>,
    sort: TransactionSort,
    after: Option<ExportKey>,
    limit: u64,
) -> Result<Vec<AdminRow>, StoreError> {
    use super::keyset;
    let mut q = transactions::Entity::find()
        .filter(transactions::Column::CreatedAt.gte(from))
        .filter(transactions::Column::CreatedAt.lt(to));
    if let Some(s) = status {
        q = q.filter(transactions::Column::Status.eq(TransactionStatus::from(s)));
    }
    let (id, desc) = (transactions::Column::Id, sort.descending);
    q = match after {
        Some(ExportKey::At(at, last)) => q.filter(keyset::after(
            transactions::Column::CreatedAt,
            at,
            id,
            last,
            desc,
        )),
        Some(ExportKey::Amount(amount, last)) => q.filter(keyset::after(
            transactions::Column::Amount,
            amount,
            id,
            last,
            desc,
        )),
        None => q,
    };
    let rows = sort
        .apply(q)
        .limit(limit)
        .find_also_related(packages::Entity)
        .all(db)
        .await?;
    let ids: Vec<Uuid> = rows.iter().filter_map(|(t, _)| t.user_id).collect();
    let people: std::collections::HashMap<Uuid, users::Model> = if ids.is_empty() {
        Default::default()
    } else {
        users::Entity::find()
            .filter(users::Column::Id.is_in(ids))
            .all(db)
            .await?
            .into_iter()
            .map(|u| (u.id, u))
            .collect()
    };
    Ok(rows
        .into_iter()
        .map(|(t, p)| {
            let user = t.user_id.and_then(|u| people.get(&u));
            AdminRow {
                package_name: p.map(|p| p.name),
                user_full_name: user.map(|u| u.full_name.clone()),
                user_phone: user.map(|u| u.phone_number.clone()),
                tx: to_tx(t),
            }
        })
        .collect())
}

/// `q` (already ordered) with the package's name and the user's name and number.
async fn admin_rows<C: ConnectionTrait>(
    db: &C,
    q: sea_orm::Select<transactions::Entity>,
    offset: u64,
    limit: u64,
) -> Result<Vec<AdminRow>, StoreError> {
    let rows = q
        .offset(offset)
        .limit(limit)
        .find_also_related(packages::Entity)
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for (t, p) in rows {
        let user = match t.user_id {
            Some(u) => users::Entity::find_by_id(u).one(db).await?,
            None => None,
        };
        out.push(AdminRow {
            package_name: p.map(|p| p.name),
            user_full_name: user.as_ref().map(|u| u.full_name.clone()),
            user_phone: user.map(|u| u.phone_number),
            tx: to_tx(t),
        });
    }
    Ok(out)
}

/// One history entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub id: Uuid,
    pub transaction_id: Uuid,
    pub source: TransactionEventSource,
    pub event_type: String,
    pub status: Option<PaymentStatus>,
    pub payload: Option<String>,
    pub created_at: DateTime<Utc>,
}

pub async fn append_event<C: ConnectionTrait>(
    db: &C,
    transaction_id: Uuid,
    source: TransactionEventSource,
    event_type: &str,
    status: Option<PaymentStatus>,
    payload: Option<String>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    transaction_events::ActiveModel {
        transaction_id: Set(transaction_id),
        source: Set(source),
        event_type: Set(event_type.chars().take(64).collect()),
        status: Set(status.map(TransactionStatus::from)),
        payload: Set(payload),
        created_at: Set(now),
        ..transaction_events::ActiveModel::new()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// A transaction's history, oldest first.
pub async fn events<C: ConnectionTrait>(
    db: &C,
    transaction_id: Uuid,
) -> Result<Vec<Event>, StoreError> {
    Ok(transaction_events::Entity::find()
        .filter(transaction_events::Column::TransactionId.eq(transaction_id))
        .order_by_asc(transaction_events::Column::CreatedAt)
        .order_by_asc(transaction_events::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|m| Event {
            id: m.id,
            transaction_id: m.transaction_id,
            source: m.source,
            event_type: m.event_type,
            status: m.status.map(PaymentStatus::from),
            payload: m.payload,
            created_at: m.created_at,
        })
        .collect())
}
