//! Debt settlements by operators, each with a receipt number.

use chrono::{DateTime, Utc};
use saring_domain::ids::UserId;
use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait,
    EntityTrait, QueryFilter,
};
use uuid::Uuid;

use crate::entities::debt_settlements;
use crate::error::StoreError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settlement {
    pub id: Uuid,
    pub receipt_number: String,
    pub user_id: UserId,
    pub admin_id: Option<UserId>,
    pub debt_id: Option<Uuid>,
    pub paid_auto_mb: i64,
    pub paid_manual_mb: i64,
    pub debt_auto_before_mb: i64,
    pub debt_manual_before_mb: i64,
    pub amount_rp: Option<i64>,
    pub unblocked: bool,
    pub note: Option<String>,
    pub created_at: DateTime<Utc>,
}

fn to_record(m: debt_settlements::Model) -> Settlement {
    Settlement {
        id: m.id,
        receipt_number: m.receipt_number,
        user_id: UserId(m.user_id),
        admin_id: m.admin_id.map(UserId),
        debt_id: m.debt_id,
        paid_auto_mb: m.paid_auto_mb,
        paid_manual_mb: m.paid_manual_mb,
        debt_auto_before_mb: m.debt_auto_before_mb,
        debt_manual_before_mb: m.debt_manual_before_mb,
        amount_rp: m.amount_rp,
        unblocked: m.unblocked,
        note: m.note,
        created_at: m.created_at,
    }
}

/// Records a settlement (`s.id` is ignored: a new one is made).
pub async fn insert<C: ConnectionTrait>(db: &C, s: &Settlement) -> Result<Settlement, StoreError> {
    let row = debt_settlements::ActiveModel {
        receipt_number: Set(s.receipt_number.clone()),
        user_id: Set(s.user_id.0),
        admin_id: Set(s.admin_id.map(|a| a.0)),
        debt_id: Set(s.debt_id),
        paid_auto_mb: Set(s.paid_auto_mb),
        paid_manual_mb: Set(s.paid_manual_mb),
        debt_auto_before_mb: Set(s.debt_auto_before_mb),
        debt_manual_before_mb: Set(s.debt_manual_before_mb),
        amount_rp: Set(s.amount_rp),
        unblocked: Set(s.unblocked),
        note: Set(s.note.clone()),
        created_at: Set(s.created_at),
        ..debt_settlements::ActiveModel::new()
    };
    Ok(to_record(row.insert(db).await?))
}

pub async fn find_by_receipt<C: ConnectionTrait>(
    db: &C,
    receipt: &str,
) -> Result<Option<Settlement>, StoreError> {
    Ok(debt_settlements::Entity::find()
        .filter(debt_settlements::Column::ReceiptNumber.eq(receipt))
        .one(db)
        .await?
        .map(to_record))
}
