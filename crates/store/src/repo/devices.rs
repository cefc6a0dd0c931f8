//! User devices (MAC addresses).

use chrono::{DateTime, Utc};
use saring_domain::device::Device;
use saring_domain::ids::UserId;
use saring_domain::mac::Mac;
use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait,
    EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder,
};
use uuid::Uuid;

use crate::entities::user_devices;
use crate::error::StoreError;

pub(crate) fn to_domain(m: user_devices::Model) -> Result<Device, StoreError> {
    let mac = Mac::parse(&m.mac_address)
        .map_err(|e| StoreError::Corrupt(format!("user_devices.mac_address of {}: {e}", m.id)))?;
    Ok(Device {
        id: m.id,
        user_id: UserId(m.user_id),
        router_id: m.router_id,
        mac,
        ip_address: m.ip_address,
        label: m.label,
        user_agent: m.user_agent,
        is_authorized: m.is_authorized,
        is_randomized_mac: m.is_randomized_mac,
        first_seen_at: m.first_seen_at,
        last_seen_at: m.last_seen_at,
        authorized_at: m.authorized_at,
        last_bytes_total: m.last_bytes_total,
        last_hotspot_host_id: m.last_hotspot_host_id,
        last_hotspot_uptime_seconds: m.last_hotspot_uptime_seconds,
        last_bytes_updated_at: m.last_bytes_updated_at,
    })
}

/// What a login records about the device it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceSeen {
    pub user_id: UserId,
    pub router_id: Option<Uuid>,
    pub mac: Mac,
    pub ip_address: Option<String>,
    pub user_agent: Option<String>,
    pub authorized: bool,
}

/// The user's devices, oldest first.
pub async fn list_for_user<C: ConnectionTrait>(
    db: &C,
    user: UserId,
) -> Result<Vec<Device>, StoreError> {
    user_devices::Entity::find()
        .filter(user_devices::Column::UserId.eq(user.0))
        .order_by_asc(user_devices::Column::FirstSeenAt)
        .all(db)
        .await?
        .into_iter()
        .map(to_domain)
        .collect()
}

/// The latest device activity (seen, or usage counted) of every user with a device.
pub async fn last_activity_by_user<C: ConnectionTrait>(
    db: &C,
) -> Result<std::collections::HashMap<UserId, DateTime<Utc>>, StoreError> {
    let mut out = std::collections::HashMap::new();
    for m in user_devices::Entity::find().all(db).await? {
        let t = m
            .last_bytes_updated_at
            .map_or(m.last_seen_at, |b| b.max(m.last_seen_at));
        let e = out.entry(UserId(m.user_id)).or_insert(t);
        *e = (*e).max(t);
    }
    Ok(out)
}

pub async fn count_for_user<C: ConnectionTrait>(db: &C, user: UserId) -> Result<u64, StoreError> {
    Ok(user_devices::Entity::find()
        .filter(user_devices::Column::UserId.eq(user.0))
        .count(db)
        .await?)
}

pub async fn find<C: ConnectionTrait>(db: &C, id: Uuid) -> Result<Option<Device>, StoreError> {
    user_devices::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(to_domain)
        .transpose()
}

/// The device with this MAC, whoever owns it (MACs are globally unique).
pub async fn find_by_mac<C: ConnectionTrait>(
    db: &C,
    mac: Mac,
) -> Result<Option<Device>, StoreError> {
    user_devices::Entity::find()
        .filter(user_devices::Column::MacAddress.eq(mac.to_string()))
        .one(db)
        .await?
        .map(to_domain)
        .transpose()
}

/// Inserts the device, or refreshes it if this user already has it.
pub async fn upsert_seen<C: ConnectionTrait>(
    db: &C,
    seen: &DeviceSeen,
    now: DateTime<Utc>,
) -> Result<Device, StoreError> {
    let existing = user_devices::Entity::find()
        .filter(user_devices::Column::UserId.eq(seen.user_id.0))
        .filter(user_devices::Column::MacAddress.eq(seen.mac.to_string()))
        .one(db)
        .await?;
    let saved = match existing {
        Some(model) => {
            let was_authorized = model.is_authorized;
            let mut row = model.into_active_model();
            row.last_seen_at = Set(now);
            if seen.ip_address.is_some() {
                row.ip_address = Set(seen.ip_address.clone());
            }
            if seen.user_agent.is_some() {
                row.user_agent = Set(seen.user_agent.clone());
            }
            if seen.router_id.is_some() {
                row.router_id = Set(seen.router_id);
            }
            if seen.authorized && !was_authorized {
                row.is_authorized = Set(true);
                row.authorized_at = Set(Some(now));
                row.deauthorized_at = Set(None);
            }
            row.update(db).await?
        }
        None => {
            let row = user_devices::ActiveModel {
                user_id: Set(seen.user_id.0),
                router_id: Set(seen.router_id),
                mac_address: Set(seen.mac.to_string()),
                is_randomized_mac: Set(seen.mac.is_randomized()),
                ip_address: Set(seen.ip_address.clone()),
                user_agent: Set(seen.user_agent.clone()),
                is_authorized: Set(seen.authorized),
                authorized_at: Set(seen.authorized.then_some(now)),
                first_seen_at: Set(now),
                last_seen_at: Set(now),
                ..user_devices::ActiveModel::new()
            };
            row.insert(db).await?
        }
    };
    to_domain(saved)
}

pub async fn set_label<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
    label: Option<String>,
) -> Result<Device, StoreError> {
    let model = user_devices::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)?;
    let mut row = model.into_active_model();
    row.label = Set(label);
    to_domain(row.update(db).await?)
}

pub async fn delete<C: ConnectionTrait>(db: &C, id: Uuid) -> Result<bool, StoreError> {
    Ok(user_devices::Entity::delete_by_id(id)
        .exec(db)
        .await?
        .rows_affected
        == 1)
}
