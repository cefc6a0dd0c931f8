//! `refresh_tokens`: rotating refresh tokens (only their SHA-256 is stored).

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "refresh_tokens")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    /// Lowercase hex SHA-256 of the raw token.
    #[sea_orm(column_type = "String(StringLen::N(64))", unique)]
    pub token_hash: String,
    pub issued_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    pub revoked_at: Option<DateTimeUtc>,
    /// The token that replaced this one on rotation (reuse of a rotated token = theft).
    pub replaced_by_id: Option<Uuid>,
    #[sea_orm(column_type = "String(StringLen::N(45))", nullable)]
    pub ip_address: Option<String>,
    #[sea_orm(column_type = "String(StringLen::N(255))", nullable)]
    pub user_agent: Option<String>,
    /// The highest role this session may act as (`USER` for an administrator's OTP login);
    /// `None`: the account's own role.
    #[sea_orm(column_type = "String(StringLen::N(20))", nullable)]
    pub role_cap: Option<String>,
    #[sea_orm(belongs_to, from = "user_id", to = "id", on_delete = "Cascade")]
    pub user: BelongsTo<super::users::Entity>,
    #[sea_orm(
        self_ref,
        relation_enum = "ReplacedBy",
        from = "replaced_by_id",
        to = "id",
        on_delete = "SetNull"
    )]
    pub replaced_by: BelongsTo<Option<Entity>>,
}

super::stamped!(new_id(id), created(issued_at));
