//! Routers: connection settings per site, the password encrypted at rest.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use saring_domain::router::RouterSpec;
use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait,
    EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use crate::cipher::SecretCipher;
use crate::entities::{routers, user_devices, users};
use crate::error::StoreError;

/// A stored router: its spec (password decrypted) and what Saring last saw of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Router {
    pub id: Uuid,
    pub spec: RouterSpec,
    pub is_default: bool,
    /// This router's own schedule per job, in seconds (`0`: off here); jobs not named follow
    /// the install's schedule.
    pub job_intervals: BTreeMap<String, u64>,
    pub last_seen_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub routeros_version: Option<String>,
    /// When this install was confirmed as the owner of the router's entries (an operator's
    /// adoption or an import); until then jobs remove nothing they did not write themselves.
    pub adopted_at: Option<DateTime<Utc>>,
}

impl Router {
    pub fn is_adopted(&self) -> bool {
        self.adopted_at.is_some()
    }
}

fn json_list(column: &str, text: &str) -> Result<Vec<String>, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("routers.{column}: {e}")))
}

fn to_domain(m: routers::Model, cipher: &SecretCipher) -> Result<Router, StoreError> {
    let port = u16::try_from(m.port)
        .map_err(|_| StoreError::Corrupt(format!("routers.port of {}: {}", m.name, m.port)))?;
    let job_intervals = serde_json::from_str(&m.job_intervals)
        .map_err(|e| StoreError::Corrupt(format!("routers.job_intervals of {}: {e}", m.name)))?;
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
        job_intervals,
        last_seen_at: m.last_seen_at,
        last_error: m.last_error,
        routeros_version: m.routeros_version,
        adopted_at: m.adopted_at,
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

/// Where a router is, without its secrets: enough to tell which router serves an address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouterRanges {
    pub id: Uuid,
    pub name: String,
    pub is_enabled: bool,
    pub is_default: bool,
    pub hotspot_client_cidrs: Vec<String>,
}

/// Every router's hotspot ranges (the default first), reading no password.
pub async fn list_ranges<C: ConnectionTrait>(db: &C) -> Result<Vec<RouterRanges>, StoreError> {
    let rows: Vec<(Uuid, String, bool, bool, String)> = routers::Entity::find()
        .select_only()
        .column(routers::Column::Id)
        .column(routers::Column::Name)
        .column(routers::Column::IsEnabled)
        .column(routers::Column::IsDefault)
        .column(routers::Column::HotspotClientCidrs)
        .order_by_desc(routers::Column::IsDefault)
        .order_by_asc(routers::Column::Name)
        .into_tuple()
        .all(db)
        .await?;
    rows.into_iter()
        .map(|(id, name, is_enabled, is_default, cidrs)| {
            Ok(RouterRanges {
                hotspot_client_cidrs: json_list("hotspot_client_cidrs", &cidrs)?,
                id,
                name,
                is_enabled,
                is_default,
            })
        })
        .collect()
}

pub async fn find_by_id<C: ConnectionTrait>(
    db: &C,
    cipher: &SecretCipher,
    id: Uuid,
) -> Result<Option<Router>, StoreError> {
    routers::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(|m| to_domain(m, cipher))
        .transpose()
}

/// Adds a router (not the default one). A taken name is a [`StoreError::Conflict`].
pub async fn create<C: ConnectionTrait>(
    db: &C,
    cipher: &SecretCipher,
    spec: &RouterSpec,
    job_intervals: &BTreeMap<String, u64>,
) -> Result<Router, StoreError> {
    let mut row = routers::ActiveModel::new();
    fill(&mut row, spec, cipher)?;
    row.is_default = Set(false);
    row.job_intervals = Set(intervals_json(job_intervals)?);
    to_domain(row.insert(db).await?, cipher)
}

/// Replaces a router's connection settings and ranges (`spec`) and its schedules.
pub async fn update<C: ConnectionTrait>(
    db: &C,
    cipher: &SecretCipher,
    id: Uuid,
    spec: &RouterSpec,
    job_intervals: &BTreeMap<String, u64>,
) -> Result<Router, StoreError> {
    let model = routers::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)?;
    let mut row = model.into_active_model();
    fill(&mut row, spec, cipher)?;
    row.job_intervals = Set(intervals_json(job_intervals)?);
    to_domain(row.update(db).await?, cipher)
}

fn intervals_json(map: &BTreeMap<String, u64>) -> Result<String, StoreError> {
    serde_json::to_string(map).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// Deletes a router and, by cascade, its sync state and counters. The caller checks that no
/// user or device belongs to it (their foreign keys would be set to NULL).
pub async fn delete<C: ConnectionTrait>(db: &C, id: Uuid) -> Result<(), StoreError> {
    let done = routers::Entity::delete_by_id(id).exec(db).await?;
    if done.rows_affected == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// How many users and devices belong to each router.
pub async fn member_counts<C: ConnectionTrait>(
    db: &C,
) -> Result<HashMap<Uuid, (u64, u64)>, StoreError> {
    let users: Vec<(Option<Uuid>, i64)> = users::Entity::find()
        .select_only()
        .column(users::Column::RouterId)
        .column_as(users::Column::Id.count(), "n")
        .group_by(users::Column::RouterId)
        .into_tuple()
        .all(db)
        .await?;
    let devices: Vec<(Option<Uuid>, i64)> = user_devices::Entity::find()
        .select_only()
        .column(user_devices::Column::RouterId)
        .column_as(user_devices::Column::Id.count(), "n")
        .group_by(user_devices::Column::RouterId)
        .into_tuple()
        .all(db)
        .await?;
    let mut out: HashMap<Uuid, (u64, u64)> = HashMap::new();
    let n = |v: i64| u64::try_from(v).unwrap_or(0);
    for (id, count) in users {
        if let Some(id) = id {
            out.entry(id).or_default().0 = n(count);
        }
    }
    for (id, count) in devices {
        if let Some(id) = id {
            out.entry(id).or_default().1 = n(count);
        }
    }
    Ok(out)
}

/// Records (or, with `None`, withdraws) that this install owns the router's entries.
pub async fn set_adopted<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
    adopted: Option<(DateTime<Utc>, Option<Uuid>)>,
) -> Result<(), StoreError> {
    let res = routers::Entity::update_many()
        .col_expr(
            routers::Column::AdoptedAt,
            sea_orm::sea_query::Expr::value(adopted.map(|a| a.0)),
        )
        .col_expr(
            routers::Column::AdoptedById,
            sea_orm::sea_query::Expr::value(adopted.and_then(|a| a.1)),
        )
        .filter(routers::Column::Id.eq(id))
        .exec(db)
        .await?;
    if res.rows_affected == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}
