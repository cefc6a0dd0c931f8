//! `routers`: the MikroTik routers of this install (one per site). The environment's
//! `MIKROTIK_*` settings upsert the one named `default` at start.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "routers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(column_type = "String(StringLen::N(64))", unique)]
    pub name: String,
    #[sea_orm(column_type = "String(StringLen::N(255))")]
    pub host: String,
    pub port: i32,
    pub use_tls: bool,
    /// Accept any certificate (self-signed router certificates without a pinned fingerprint).
    pub tls_insecure: bool,
    #[sea_orm(column_type = "Text", nullable)]
    pub tls_ca_pem: Option<String>,
    #[sea_orm(column_type = "String(StringLen::N(128))", nullable)]
    pub tls_fingerprint_sha256: Option<String>,
    #[sea_orm(column_type = "String(StringLen::N(100))")]
    pub username: String,
    /// `SecretCipher` output; never the plain password.
    #[sea_orm(column_type = "Text")]
    pub password_encrypted: String,
    /// JSON array of hotspot server names.
    #[sea_orm(column_type = "Text")]
    pub hotspot_server_names: String,
    /// JSON array of hotspot client CIDRs.
    #[sea_orm(column_type = "Text")]
    pub hotspot_client_cidrs: String,
    pub is_enabled: bool,
    pub is_default: bool,
    /// JSON object: job name → seconds for this router (`0`: off here).
    #[sea_orm(column_type = "Text")]
    pub job_intervals: String,
    pub last_seen_at: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text", nullable)]
    pub last_error: Option<String>,
    #[sea_orm(column_type = "String(StringLen::N(64))", nullable)]
    pub routeros_version: Option<String>,
    /// When an operator (or an import) confirmed this install owns the router's entries.
    pub adopted_at: Option<DateTimeUtc>,
    pub adopted_by_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    #[sea_orm(has_many)]
    pub users: HasMany<super::users::Entity>,
    #[sea_orm(has_many)]
    pub devices: HasMany<super::user_devices::Entity>,
}

super::stamped!(new_id(id), created(created_at), updated(updated_at));
