//! The message delivery log (with once-only `dedupe_key`s) and admin-edited templates.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use crate::entities::{message_log, message_templates};
use crate::error::StoreError;

/// One notice in the delivery log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedMessage {
    pub id: Uuid,
    pub channel: String,
    pub target: String,
    pub user_id: Option<Uuid>,
    pub template: Option<String>,
    pub dedupe_key: Option<String>,
    pub status: String,
    pub attempts: i32,
    pub error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub broadcast_id: Option<Uuid>,
    pub provider_message_id: Option<String>,
}

fn of(m: message_log::Model) -> LoggedMessage {
    LoggedMessage {
        id: m.id,
        channel: m.channel,
        target: m.target,
        user_id: m.user_id,
        template: m.template,
        dedupe_key: m.dedupe_key,
        status: m.status,
        attempts: m.attempts,
        error: m.error,
        created_at: m.created_at,
        updated_at: m.updated_at,
        broadcast_id: m.broadcast_id,
        provider_message_id: m.provider_message_id,
    }
}

/// A notice to log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMessage<'a> {
    pub channel: &'a str,
    pub target: &'a str,
    pub user_id: Option<Uuid>,
    pub template: Option<&'a str>,
    pub dedupe_key: Option<&'a str>,
    pub status: &'a str,
    /// The broadcast this message belongs to.
    pub broadcast_id: Option<Uuid>,
}

/// Logs a notice. With a `dedupe_key` that was logged before, nothing is written and `None`
/// is returned: the notice went (or is going) out already.
pub async fn insert<C: ConnectionTrait>(
    db: &C,
    m: &NewMessage<'_>,
    now: DateTime<Utc>,
) -> Result<Option<Uuid>, StoreError> {
    let id = Uuid::new_v4();
    let row = message_log::ActiveModel {
        id: Set(id),
        channel: Set(m.channel.to_owned()),
        target: Set(m.target.chars().take(64).collect()),
        user_id: Set(m.user_id),
        template: Set(m.template.map(str::to_owned)),
        dedupe_key: Set(m.dedupe_key.map(|k| k.chars().take(200).collect())),
        status: Set(m.status.to_owned()),
        attempts: Set(0),
        error: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        broadcast_id: Set(m.broadcast_id),
        provider_message_id: Set(None),
    };
    let res = message_log::Entity::insert(row)
        .on_conflict_do_nothing_on([message_log::Column::DedupeKey])
        .exec(db)
        .await?;
    Ok(matches!(res, sea_orm::TryInsertResult::Inserted(_)).then_some(id))
}

/// Records an attempt's outcome.
pub async fn set_status<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
    status: &str,
    error: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    message_log::Entity::update_many()
        .col_expr(message_log::Column::Status, Expr::value(status))
        .col_expr(
            message_log::Column::Error,
            Expr::value(error.map(|e| e.chars().take(2000).collect::<String>())),
        )
        .col_expr(
            message_log::Column::Attempts,
            sea_orm::sea_query::ExprTrait::add(Expr::col(message_log::Column::Attempts), 1),
        )
        .col_expr(message_log::Column::UpdatedAt, Expr::value(now))
        .filter(message_log::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Records that the provider accepted the message, with its id for the provider's later
/// delivery reports. A message a delivery report already moved on (a webhook faster than
/// this write) keeps its status.
pub async fn set_accepted<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
    provider_message_id: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    message_log::Entity::update_many()
        .col_expr(
            message_log::Column::Status,
            Expr::case(
                message_log::Column::Status.is_in(DeliveryStatus::SENT.before()),
                DeliveryStatus::SENT.0,
            )
            .finally(Expr::col(message_log::Column::Status))
            .into(),
        )
        .col_expr(
            message_log::Column::Error,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            message_log::Column::ProviderMessageId,
            Expr::value(provider_message_id.map(|p| p.chars().take(128).collect::<String>())),
        )
        .col_expr(
            message_log::Column::Attempts,
            sea_orm::sea_query::ExprTrait::add(Expr::col(message_log::Column::Attempts), 1),
        )
        .col_expr(message_log::Column::UpdatedAt, Expr::value(now))
        .filter(message_log::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// A delivery state a provider reports, in the order a message goes through them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeliveryStatus(pub &'static str);

impl DeliveryStatus {
    pub const PENDING: DeliveryStatus = DeliveryStatus("pending");
    pub const SENT: DeliveryStatus = DeliveryStatus("sent");
    pub const DELIVERED: DeliveryStatus = DeliveryStatus("delivered");
    pub const READ: DeliveryStatus = DeliveryStatus("read");
    pub const FAILED: DeliveryStatus = DeliveryStatus("failed");

    /// `sent`, `delivered`, `read` or `failed` as a provider names them.
    pub fn parse(s: &str) -> Option<DeliveryStatus> {
        [Self::SENT, Self::DELIVERED, Self::READ, Self::FAILED]
            .into_iter()
            .find(|d| d.0 == s)
    }

    /// The states this one may replace: a report never moves a message backwards (a late
    /// `sent` after `read`), and a repeated report changes nothing.
    pub fn before(self) -> Vec<&'static str> {
        match self.0 {
            "sent" => vec!["pending", "failed"],
            "delivered" => vec!["pending", "sent", "failed"],
            "read" => vec!["pending", "sent", "delivered", "failed"],
            "failed" => vec!["pending", "sent"],
            _ => vec![],
        }
    }
}

/// Applies a provider's delivery report to the message it names. Returns whether a message
/// changed (`false` for an unknown id, a repeat, or a report older than the state held).
pub async fn apply_delivery<C: ConnectionTrait>(
    db: &C,
    provider_message_id: &str,
    status: DeliveryStatus,
    error: Option<&str>,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let mut update = message_log::Entity::update_many()
        .col_expr(message_log::Column::Status, Expr::value(status.0))
        .col_expr(message_log::Column::UpdatedAt, Expr::value(now));
    if status == DeliveryStatus::FAILED || error.is_some() {
        update = update.col_expr(
            message_log::Column::Error,
            Expr::value(error.map(|e| e.chars().take(2000).collect::<String>())),
        );
    }
    let res = update
        .filter(message_log::Column::ProviderMessageId.eq(provider_message_id))
        .filter(message_log::Column::Status.is_in(status.before()))
        .exec(db)
        .await?;
    Ok(res.rows_affected > 0)
}

/// Every message of a broadcast, oldest first.
pub async fn for_broadcast<C: ConnectionTrait>(
    db: &C,
    broadcast_id: Uuid,
) -> Result<Vec<LoggedMessage>, StoreError> {
    Ok(message_log::Entity::find()
        .filter(message_log::Column::BroadcastId.eq(broadcast_id))
        .order_by_asc(message_log::Column::CreatedAt)
        .order_by_asc(message_log::Column::Target)
        .all(db)
        .await?
        .into_iter()
        .map(of)
        .collect())
}

/// How many messages of each broadcast are in each status: `(broadcast, status, count)`.
pub async fn broadcast_counts<C: ConnectionTrait>(
    db: &C,
    broadcast_ids: &[Uuid],
) -> Result<Vec<(Uuid, String, i64)>, StoreError> {
    if broadcast_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(message_log::Entity::find()
        .select_only()
        .column(message_log::Column::BroadcastId)
        .column(message_log::Column::Status)
        .column_as(message_log::Column::Id.count(), "n")
        .filter(message_log::Column::BroadcastId.is_in(broadcast_ids.to_vec()))
        .group_by(message_log::Column::BroadcastId)
        .group_by(message_log::Column::Status)
        .into_tuple::<(Option<Uuid>, String, i64)>()
        .all(db)
        .await?
        .into_iter()
        .filter_map(|(b, s, n)| b.map(|b| (b, s, n)))
        .collect())
}

/// Frees a dedupe key (a notice that finally failed may be tried again by a later run).
pub async fn release_dedupe<C: ConnectionTrait>(db: &C, id: Uuid) -> Result<(), StoreError> {
    message_log::Entity::update_many()
        .col_expr(
            message_log::Column::DedupeKey,
            Expr::value(Option::<String>::None),
        )
        .filter(message_log::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn find<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
) -> Result<Option<LoggedMessage>, StoreError> {
    Ok(message_log::Entity::find_by_id(id).one(db).await?.map(of))
}

/// The latest entries, newest first.
pub async fn recent<C: ConnectionTrait>(
    db: &C,
    limit: u64,
) -> Result<Vec<LoggedMessage>, StoreError> {
    Ok(message_log::Entity::find()
        .order_by_desc(message_log::Column::CreatedAt)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(of)
        .collect())
}

/// Deletes log entries older than `before`.
pub async fn purge<C: ConnectionTrait>(db: &C, before: DateTime<Utc>) -> Result<u64, StoreError> {
    Ok(message_log::Entity::delete_many()
        .filter(message_log::Column::CreatedAt.lt(before))
        .exec(db)
        .await?
        .rows_affected)
}

/// Admin template overrides: `(key, body)`.
pub async fn template_overrides<C: ConnectionTrait>(
    db: &C,
) -> Result<Vec<(String, String)>, StoreError> {
    Ok(message_templates::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.key, m.body))
        .collect())
}

pub async fn template_override<C: ConnectionTrait>(
    db: &C,
    key: &str,
) -> Result<Option<String>, StoreError> {
    Ok(message_templates::Entity::find_by_id(key.to_owned())
        .one(db)
        .await?
        .map(|m| m.body))
}

/// Saves an override (`None` body: back to the built-in text).
pub async fn put_template<C: ConnectionTrait>(
    db: &C,
    key: &str,
    body: Option<&str>,
    by: Option<Uuid>,
) -> Result<(), StoreError> {
    let existing = message_templates::Entity::find_by_id(key.to_owned())
        .one(db)
        .await?;
    match (existing, body) {
        (Some(m), None) => {
            message_templates::Entity::delete_by_id(m.key)
                .exec(db)
                .await?;
        }
        (Some(m), Some(body)) => {
            let mut row = m.into_active_model();
            row.body = Set(body.to_owned());
            row.updated_by_id = Set(by);
            row.update(db).await?;
        }
        (None, Some(body)) => {
            message_templates::ActiveModel {
                key: Set(key.to_owned()),
                body: Set(body.to_owned()),
                updated_by_id: Set(by),
                ..Default::default()
            }
            .insert(db)
            .await?;
        }
        (None, None) => {}
    }
    Ok(())
}
