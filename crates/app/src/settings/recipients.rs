//! Who receives which administrator alert by WhatsApp (`/admin/settings`, section
//! "Penerima notifikasi"), and the test sends that prove WhatsApp and Telegram work. Super
//! admins only; every change and every test send is in the action log.

use saring_domain::api::ErrorCode;
use saring_domain::dto::settings::{NOTIFICATION_TYPES, RecipientView};
use saring_domain::user::User;
use saring_gateways::messenger::OutgoingMessage;
use saring_store::db::begin_write;
use saring_store::entities::enums::NotificationType;
use saring_store::repo::{activity, recipients};
use sea_orm::{ActiveEnum, Iterable};
use serde_json::json;

use crate::context::App;
use crate::error::{AppError, AppResult};
use crate::ratelimit::{check, per_hour, per_minute};

fn kind(raw: &str) -> AppResult<NotificationType> {
    let raw = raw.trim().to_ascii_uppercase();
    NotificationType::iter()
        .find(|k| k.to_value() == raw && NOTIFICATION_TYPES.contains(&raw.as_str()))
        .ok_or_else(|| {
            AppError::invalid(
                "notification_type",
                format!("Pilih jenis notifikasi: {}.", NOTIFICATION_TYPES.join(", ")),
            )
        })
}

/// Every active administrator with whether they receive `notification_type`.
pub async fn list(app: &App, notification_type: &str) -> AppResult<Vec<RecipientView>> {
    let kind = kind(notification_type)?;
    Ok(recipients::admins_for(app.db(), kind)
        .await?
        .into_iter()
        .map(|a| RecipientView {
            id: a.id,
            full_name: a.full_name,
            phone_number: a.phone_number,
            is_super_admin: a.is_super_admin,
            is_subscribed: a.is_subscribed,
        })
        .collect())
}

/// Makes exactly `admin_ids` the recipients of `notification_type`; every id must be an
/// active administrator (else nothing changes).
pub async fn save(
    app: &App,
    admin: &User,
    notification_type: &str,
    admin_ids: &[String],
) -> AppResult<Vec<RecipientView>> {
    let kind = kind(notification_type)?;
    let admins = recipients::admins_for(app.db(), kind).await?;
    let mut ids = Vec::with_capacity(admin_ids.len());
    for raw in admin_ids {
        let id: uuid::Uuid = raw.trim().parse().map_err(|_| {
            AppError::invalid("subscribed_admin_ids", format!("{raw:?} bukan ID admin."))
        })?;
        if !admins.iter().any(|a| a.id == id) {
            return Err(AppError::invalid(
                "subscribed_admin_ids",
                format!("{id} bukan admin aktif."),
            ));
        }
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    let txn = begin_write(app.db()).await?;
    let (added, removed) = recipients::replace(&txn, kind, &ids).await?;
    if !added.is_empty() || !removed.is_empty() {
        activity::log_action(
            &txn,
            Some(admin.id),
            None,
            "UPDATE_NOTIFICATION_RECIPIENTS",
            json!({ "notification_type": kind.to_value(), "added": added, "removed": removed }),
        )
        .await?;
    }
    txn.commit().await.map_err(saring_store::StoreError::from)?;
    list(app, notification_type).await
}

fn test_message(message: &str) -> AppResult<String> {
    let message = message.trim();
    if message.is_empty() || message.chars().count() > 1000 {
        return Err(AppError::invalid(
            "message",
            "Tulis pesan uji (1–1000 karakter).",
        ));
    }
    Ok(message.to_owned())
}

async fn limit(app: &App, admin: &User) -> AppResult<()> {
    check(
        app,
        "test-send",
        &admin.id.to_string(),
        &[per_minute(5), per_hour(30)],
    )
    .await
}

/// Sends `message` to `phone` with the WhatsApp messenger in force (settings page token).
pub async fn whatsapp_test(app: &App, admin: &User, phone: &str, message: &str) -> AppResult<()> {
    let to = crate::auth::parse_phone(phone)?;
    let text = test_message(message)?;
    limit(app, admin).await?;
    let sent = crate::notify::whatsapp(app)
        .await
        .send(&OutgoingMessage::text(to.clone(), text))
        .await;
    activity::log_action(
        app.db(),
        Some(admin.id),
        None,
        "TEST_WHATSAPP",
        json!({ "to": to.local(), "ok": sent.is_ok() }),
    )
    .await?;
    sent.map(|_| ()).map_err(|e| {
        AppError::rejected(
            ErrorCode::GatewayError,
            format!("WhatsApp menolak pesan uji: {e}"),
        )
    })
}

/// Sends `message` to the Telegram chat `chat_id` with the bot in force.
pub async fn telegram_test(app: &App, admin: &User, chat_id: &str, message: &str) -> AppResult<()> {
    let chat = chat_id.trim();
    if chat.is_empty()
        || chat.len() > 32
        || !chat
            .strip_prefix('-')
            .unwrap_or(chat)
            .chars()
            .all(|c| c.is_ascii_digit())
    {
        return Err(AppError::invalid(
            "chat_id",
            "ID chat Telegram berupa angka (grup diawali -).",
        ));
    }
    let text = test_message(message)?;
    let bot = crate::telegram::bot(app).await.ok_or_else(|| {
        AppError::rejected(
            ErrorCode::ServiceUnavailable,
            "Telegram belum dikonfigurasi atau dimatikan di Pengaturan.",
        )
    })?;
    limit(app, admin).await?;
    let sent = bot.send_message(chat, &text).await;
    activity::log_action(
        app.db(),
        Some(admin.id),
        None,
        "TEST_TELEGRAM",
        json!({ "chat_id": chat, "ok": sent.is_ok() }),
    )
    .await?;
    sent.map(|_| ()).map_err(|e| {
        AppError::rejected(
            ErrorCode::GatewayError,
            format!("Telegram menolak pesan uji: {e}"),
        )
    })
}
