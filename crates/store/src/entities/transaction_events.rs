//! `transaction_events`: audit trail of every webhook, status check and app action on a
//! transaction.

use sea_orm::entity::prelude::*;

use super::enums::{TransactionEventSource, TransactionStatus};

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "transaction_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub transaction_id: Uuid,
    pub source: TransactionEventSource,
    #[sea_orm(column_type = "String(StringLen::N(64))")]
    pub event_type: String,
    pub status: Option<TransactionStatus>,
    #[sea_orm(column_type = "Text", nullable)]
    pub payload: Option<String>,
    pub created_at: DateTimeUtc,
    #[sea_orm(belongs_to, from = "transaction_id", to = "id", on_delete = "Cascade")]
    pub transaction: BelongsTo<super::transactions::Entity>,
}

super::stamped!(new_id(id), created(created_at));
