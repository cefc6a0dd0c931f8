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
    let subscribed: Vec<uuid::Uuid> = notification_recipients::Entity::find()
        .filter(notification_recipients::Column::NotificationType.eq(kind))
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.admin_user_id)
        .collect();
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
