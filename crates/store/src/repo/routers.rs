//! Routers: connection settings per site, the password encrypted at rest.

use chrono::{DateTime, Utc};
use saring_domain::router::RouterSpec;
use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait,
    EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
};
use uuid::Uuid;

use crate::cipher::SecretCipher;
use crate::entities::routers;
use crate::error::StoreError;

/// A stored router: its spec (password decrypted) and what Saring last saw of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Router {
    pub id: Uuid,
    pub spec: RouterSpec,
    pub is_default: bool,
    pub last_seen_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub routeros_version: Option<String>,
}

fn json_list(column: &str, text: &str) -> Result<Vec<String>, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("routers.{column}: {e}")))
}

fn to_domain(m: routers::Model, cipher: &SecretCipher) -> Result<Router, StoreError> {
    let port = u16::try_from(m.port)
        .map_err(|_| StoreError::Corrupt(format!("routers.port of {}: {}", m.name, m.port)))?;
    Ok(Router {
        id: m.id,
        spec: RouterSpec {
            password: cipher.decrypt(&m.password_encrypted)?,
            hotspot_server_names: json_list("hotspot_server_names", &m.hotspot_server_names)?,
            hotspot_client_cidrs: json_list("hotspot_client_cidrs", &m.hotspot_client_cidrs)?,
            name: m.name,
            host: m.host,
            port,
            use_tls: m.use_tls,
            tls_insecure: m.tls_insecure,
            tls_ca_pem: m.tls_ca_pem,
            tls_fingerprint_sha256: m.tls_fingerprint_sha256,
            username: m.username,
            is_enabled: m.is_enabled,
        },
        is_default: m.is_default,
        last_seen_at: m.last_seen_at,
        last_error: m.last_error,
        routeros_version: m.routeros_version,
    })
}

fn fill(
    row: &mut routers::ActiveModel,
    spec: &RouterSpec,
    cipher: &SecretCipher,
) -> Result<(), StoreError> {
    let list =
        |v: &Vec<String>| serde_json::to_string(v).map_err(|e| StoreError::Corrupt(e.to_string()));
    row.name = Set(spec.name.clone());
    row.host = Set(spec.host.clone());
    row.port = Set(i32::from(spec.port));
    row.use_tls = Set(spec.use_tls);
    row.tls_insecure = Set(spec.tls_insecure);
    row.tls_ca_pem = Set(spec.tls_ca_pem.clone());
    row.tls_fingerprint_sha256 = Set(spec.tls_fingerprint_sha256.clone());
    row.username = Set(spec.username.clone());
    row.password_encrypted = Set(cipher.encrypt(&spec.password)?);
    row.hotspot_server_names = Set(list(&spec.hotspot_server_names)?);
    row.hotspot_client_cidrs = Set(list(&spec.hotspot_client_cidrs)?);
    row.is_enabled = Set(spec.is_enabled);
    Ok(())
}

/// Creates or updates the router called `spec.name`. `make_default` marks it as the
/// install's default router (the one `MIKROTIK_*` configures).
pub async fn upsert<C: ConnectionTrait>(
    db: &C,
    cipher: &SecretCipher,
    spec: &RouterSpec,
    make_default: bool,
) -> Result<Router, StoreError> {
    let existing = routers::Entity::find()
        .filter(routers::Column::Name.eq(&spec.name))
        .one(db)
        .await?;
    let saved = match existing {
        Some(model) => {
            let mut row = model.into_active_model();
            fill(&mut row, spec, cipher)?;
            if make_default {
                row.is_default = Set(true);
            }
            row.update(db).await?
        }
        None => {
            let mut row = routers::ActiveModel::new();
            fill(&mut row, spec, cipher)?;
            row.is_default = Set(make_default);
            row.insert(db).await?
        }
    };
    to_domain(saved, cipher)
}

pub async fn find_by_name<C: ConnectionTrait>(
    db: &C,
    cipher: &SecretCipher,
    name: &str,
) -> Result<Option<Router>, StoreError> {
    routers::Entity::find()
        .filter(routers::Column::Name.eq(name))
        .one(db)
        .await?
        .map(|m| to_domain(m, cipher))
        .transpose()
}

/// Every router, the default first, then by name.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    cipher: &SecretCipher,
) -> Result<Vec<Router>, StoreError> {
    routers::Entity::find()
        .order_by_desc(routers::Column::IsDefault)
        .order_by_asc(routers::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(|m| to_domain(m, cipher))
        .collect()
}
