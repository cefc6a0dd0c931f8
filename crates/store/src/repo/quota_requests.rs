//! Komandan quota requests (`quota_requests`): filing, listing, and processing each exactly
//! once (the status moves from `PENDING` only by a conditional update).

use chrono::{DateTime, Utc};
use saring_domain::ids::UserId;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::Value;
use uuid::Uuid;

use crate::entities::enums::{RequestStatus, RequestType};
use crate::entities::quota_requests;
use crate::error::StoreError;

/// One request.
#[derive(Debug, Clone, PartialEq)]
pub struct QuotaRequest {
    pub id: Uuid,
    pub requester_id: UserId,
    pub status: RequestStatus,
    pub request_type: RequestType,
    pub request_details: Option<Value>,
    pub granted_details: Option<Value>,
    pub rejection_reason: Option<String>,
    pub processed_by_id: Option<UserId>,
    pub processed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

fn to_record(m: quota_requests::Model) -> QuotaRequest {
    QuotaRequest {
        id: m.id,
        requester_id: UserId(m.requester_id),
        status: m.status,
        request_type: m.request_type,
        request_details: m.request_details,
        granted_details: m.granted_details,
        rejection_reason: m.rejection_reason,
        processed_by_id: m.processed_by_id.map(UserId),
        processed_at: m.processed_at,
        created_at: m.created_at,
    }
}

pub async fn insert<C: ConnectionTrait>(
    db: &C,
    requester: UserId,
    kind: RequestType,
    details: Value,
    now: DateTime<Utc>,
) -> Result<QuotaRequest, StoreError> {
    let row = quota_requests::ActiveModel {
        requester_id: Set(requester.0),
        status: Set(RequestStatus::Pending),
        request_type: Set(kind),
        request_details: Set(Some(details)),
        created_at: Set(now),
        updated_at: Set(now),
        ..quota_requests::ActiveModel::new()
    };
    Ok(to_record(row.insert(db).await?))
}

pub async fn find<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
) -> Result<Option<QuotaRequest>, StoreError> {
    Ok(quota_requests::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(to_record))
}

/// The requester's requests made since `since`, newest first (the window and cooldown rules).
pub async fn recent_for<C: ConnectionTrait>(
    db: &C,
    requester: UserId,
    since: DateTime<Utc>,
) -> Result<Vec<QuotaRequest>, StoreError> {
    Ok(quota_requests::Entity::find()
        .filter(quota_requests::Column::RequesterId.eq(requester.0))
        .filter(quota_requests::Column::CreatedAt.gte(since))
        .order_by_desc(quota_requests::Column::CreatedAt)
        .all(db)
        .await?
        .into_iter()
        .map(to_record)
        .collect())
}

/// Whether the requester has a request still waiting.
pub async fn has_pending<C: ConnectionTrait>(
    db: &C,
    requester: UserId,
) -> Result<bool, StoreError> {
    Ok(quota_requests::Entity::find()
        .filter(quota_requests::Column::RequesterId.eq(requester.0))
        .filter(quota_requests::Column::Status.eq(RequestStatus::Pending))
        .count(db)
        .await?
        > 0)
}

/// A page of requests (optionally one status, optionally one requester), newest first.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    status: Option<RequestStatus>,
    requester: Option<UserId>,
    offset: u64,
    limit: u64,
) -> Result<(Vec<QuotaRequest>, u64), StoreError> {
    let mut q = quota_requests::Entity::find();
    if let Some(s) = status {
        q = q.filter(quota_requests::Column::Status.eq(s));
    }
    if let Some(r) = requester {
        q = q.filter(quota_requests::Column::RequesterId.eq(r.0));
    }
    let total = q.clone().count(db).await?;
    let rows = q
        .order_by_desc(quota_requests::Column::CreatedAt)
        .order_by_desc(quota_requests::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(to_record)
        .collect();
    Ok((rows, total))
}

/// Moves a request out of `PENDING`. `true` only for the one caller that did (another admin
/// processing it at the same moment gets `false`).
pub async fn settle<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
    status: RequestStatus,
    granted: Option<Value>,
    rejection_reason: Option<String>,
    admin: UserId,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let res = quota_requests::Entity::update_many()
        .col_expr(quota_requests::Column::Status, Expr::value(status))
        .col_expr(quota_requests::Column::GrantedDetails, Expr::value(granted))
        .col_expr(
            quota_requests::Column::RejectionReason,
            Expr::value(rejection_reason),
        )
        .col_expr(
            quota_requests::Column::ProcessedById,
            Expr::value(Some(admin.0)),
        )
        .col_expr(quota_requests::Column::ProcessedAt, Expr::value(Some(now)))
        .col_expr(quota_requests::Column::UpdatedAt, Expr::value(now))
        .filter(quota_requests::Column::Id.eq(id))
        .filter(quota_requests::Column::Status.eq(RequestStatus::Pending))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// How many requests wait.
pub async fn count_pending<C: ConnectionTrait>(db: &C) -> Result<u64, StoreError> {
    Ok(quota_requests::Entity::find()
        .filter(quota_requests::Column::Status.eq(RequestStatus::Pending))
        .select_only()
        .column(quota_requests::Column::Id)
        .count(db)
        .await?)
}
