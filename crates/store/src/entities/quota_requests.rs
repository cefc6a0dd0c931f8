//! `quota_requests`: Komandan requests for quota or unlimited access, processed by admins.

use sea_orm::entity::prelude::*;

use super::enums::{RequestStatus, RequestType};

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "quota_requests")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub requester_id: Uuid,
    pub status: RequestStatus,
    pub request_type: RequestType,
    /// e.g. `{"requested_mb": 10240, "requested_duration_days": 30}`.
    #[sea_orm(column_type = "JsonBinary", nullable)]
    pub request_details: Option<Json>,
    /// e.g. `{"granted_mb": 5120, "granted_duration_days": 15}` (partial approval).
    #[sea_orm(column_type = "JsonBinary", nullable)]
    pub granted_details: Option<Json>,
    #[sea_orm(column_type = "Text", nullable)]
    pub rejection_reason: Option<String>,
    pub processed_by_id: Option<Uuid>,
    pub processed_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    #[sea_orm(
        belongs_to,
        relation_enum = "Requester",
        from = "requester_id",
        to = "id",
        on_delete = "Cascade"
    )]
    pub requester: BelongsTo<super::users::Entity>,
    #[sea_orm(
        belongs_to,
        relation_enum = "ProcessedBy",
        from = "processed_by_id",
        to = "id",
        on_delete = "SetNull"
    )]
    pub processed_by: BelongsTo<Option<super::users::Entity>>,
}

super::stamped!(new_id(id), created(created_at), updated(updated_at));
