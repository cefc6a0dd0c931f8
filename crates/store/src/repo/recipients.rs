//! Which administrators receive which alerts by WhatsApp.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::entities::enums::NotificationType;
use crate::entities::{notification_recipients, users};
use crate::error::StoreError;

/// Phone numbers (E.164) of active administrators subscribed to `kind`; when nobody has
/// subscribed to anything yet, every active super admin.
pub async fn phones_for<C: ConnectionTrait>(
    db: &C,
    kind: NotificationType,
) -> Result<Vec<String>, StoreError> {
    let subscribed = subscribers(db, kind).await?;
    let any_subscription = !subscribed.is_empty()
        || notification_recipients::Entity::find()
            .one(db)
            .await?
            .is_some();
    let mut q = users::Entity::find().filter(users::Column::IsActive.eq(true));
    q = if any_subscription {
        q.filter(users::Column::Id.is_in(subscribed))
    } else {
        q.filter(users::Column::Role.eq(crate::entities::enums::UserRole::SuperAdmin))
    };
    Ok(q.all(db)
        .await?
        .into_iter()
        .map(|u| u.phone_number)
        .collect())
}

/// The ids of the administrators subscribed to `kind`.
async fn subscribers<C: ConnectionTrait>(
    db: &C,
    kind: NotificationType,
) -> Result<Vec<uuid::Uuid>, StoreError> {
    Ok(notification_recipients::Entity::find()
        .filter(notification_recipients::Column::NotificationType.eq(kind))
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.admin_user_id)
        .collect())
}

/// One administrator as the recipients page lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminRecipient {
    pub id: uuid::Uuid,
    pub full_name: String,
    pub phone_number: String,
    pub is_super_admin: bool,
    pub is_subscribed: bool,
}

/// Every active administrator, by name, with whether they receive `kind`.
pub async fn admins_for<C: ConnectionTrait>(
    db: &C,
    kind: NotificationType,
) -> Result<Vec<AdminRecipient>, StoreError> {
    use crate::entities::enums::UserRole;
    use sea_orm::QueryOrder;
    let subscribed = subscribers(db, kind).await?;
    Ok(users::Entity::find()
        .filter(users::Column::IsActive.eq(true))
        .filter(users::Column::Role.is_in([UserRole::Admin, UserRole::SuperAdmin]))
        .order_by_asc(users::Column::FullName)
        .all(db)
        .await?
        .into_iter()
        .map(|u| AdminRecipient {
            is_subscribed: subscribed.contains(&u.id),
            is_super_admin: u.role == UserRole::SuperAdmin,
            id: u.id,
            full_name: u.full_name,
            phone_number: u.phone_number,
        })
        .collect())
}

/// Makes `admins` exactly the subscribers of `kind`; the ids added and removed.
pub async fn replace<C: ConnectionTrait>(
    db: &C,
    kind: NotificationType,
    admins: &[uuid::Uuid],
) -> Result<(Vec<uuid::Uuid>, Vec<uuid::Uuid>), StoreError> {
    use sea_orm::{ActiveModelBehavior, ActiveModelTrait, ActiveValue::Set};
    let current = subscribers(db, kind).await?;
    let removed: Vec<uuid::Uuid> = current
        .iter()
        .filter(|id| !admins.contains(id))
        .copied()
        .collect();
    let added: Vec<uuid::Uuid> = admins
        .iter()
        .filter(|id| !current.contains(id))
        .copied()
        .collect();
    if !removed.is_empty() {
        notification_recipients::Entity::delete_many()
            .filter(notification_recipients::Column::NotificationType.eq(kind))
            .filter(notification_recipients::Column::AdminUserId.is_in(removed.clone()))
            .exec(db)
            .await?;
    }
    for id in &added {
        notification_recipients::ActiveModel {
            admin_user_id: Set(*id),
            notification_type: Set(kind),
            ..notification_recipients::ActiveModel::new()
        }
        .insert(db)
        .await?;
    }
    Ok((added, removed))
}
