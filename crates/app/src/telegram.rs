//! Linking a user's Telegram chat (a second notification channel): a short-lived link token
//! opens `t.me/<bot>?start=<token>`; the bot's webhook receives `/start <token>` and stores
//! the chat id.

use std::time::Duration;

use rand::RngCore;
use saring_domain::api::ErrorCode;
use saring_domain::dto::users::{TelegramLinkToken, TelegramStatus};
use saring_domain::ids::UserId;
use saring_domain::user::User;
use saring_gateways::telegram::{self, TelegramClient, TelegramConfig};
use saring_store::repo::users::{self, UserPatch};
use secrecy::ExposeSecret;

use crate::settings::keys;

use crate::context::App;
use crate::error::{AppError, AppResult};

const LINK_TTL: Duration = Duration::from_secs(600);

fn link_key(token: &str) -> String {
    format!("tg-link:{}", crate::tokens::sha256_hex(token))
}

/// The bot in force (settings page, else environment), `None` when Telegram is switched off
/// or has no token.
pub async fn bot(app: &App) -> Option<TelegramClient> {
    let settings = crate::settings::current(app).await.ok()?;
    if !settings.flag(keys::ENABLE_TELEGRAM_NOTIFICATIONS) {
        return None;
    }
    let token = settings.text(keys::TELEGRAM_BOT_TOKEN)?;
    let mut cfg = TelegramConfig::new(token.into());
    cfg.base_url = app.config().telegram.api_base_url.clone();
    TelegramClient::new(cfg)
        .inspect_err(|e| tracing::warn!(error = %e, "Telegram is misconfigured"))
        .ok()
}

/// The bot's user name in force, if any.
async fn bot_name(app: &App) -> Option<String> {
    crate::settings::current(app)
        .await
        .ok()?
        .text(keys::TELEGRAM_BOT_USERNAME)
}

async fn bot_username(app: &App) -> AppResult<String> {
    bot_name(app).await.ok_or_else(|| {
        AppError::rejected(
            ErrorCode::ServiceUnavailable,
            "Telegram belum dikonfigurasi oleh admin.",
        )
    })
}

pub async fn status(app: &App, user: &User) -> TelegramStatus {
    TelegramStatus {
        linked: user.telegram_chat_id.is_some(),
        username: user.telegram_username.clone(),
        linked_at: user.telegram_linked_at,
        bot_username: bot_name(app).await,
    }
}

pub async fn link_token(app: &App, user: &User) -> AppResult<TelegramLinkToken> {
    let bot = bot_username(app).await?;
    let mut raw = [0u8; 18];
    rand::rng().fill_bytes(&mut raw);
    let token = hex::encode(raw);
    app.kv()
        .set(&link_key(&token), &user.id.to_string(), Some(LINK_TTL))
        .await?;
    Ok(TelegramLinkToken {
        link_url: telegram::link_url(&bot, &token),
        expires_in_seconds: LINK_TTL.as_secs() as i64,
        bot_username: bot,
    })
}

pub async fn unlink(app: &App, user: &User) -> AppResult<()> {
    users::update(
        app.db(),
        user.id,
        UserPatch {
            telegram_chat_id: Some(None),
            telegram_username: Some(None),
            telegram_linked_at: Some(None),
            ..UserPatch::default()
        },
    )
    .await?;
    crate::accounts::forget_user(app, user.id);
    Ok(())
}

/// The bot's webhook. `secret` is the `X-Telegram-Bot-Api-Secret-Token` header. Returns
/// whether an account was linked.
pub async fn webhook(
    app: &App,
    secret: Option<&str>,
    update: &serde_json::Value,
) -> AppResult<bool> {
    let expected = app
        .config()
        .telegram
        .webhook_secret
        .as_ref()
        .map(|s| s.expose_secret().to_owned())
        .unwrap_or_default();
    if !telegram::verify_webhook_secret(&expected, secret) {
        return Err(AppError::rejected(
            ErrorCode::Forbidden,
            "Rahasia webhook Telegram tidak cocok.",
        ));
    }
    let Some(start) = telegram::parse_start_command(update) else {
        return Ok(false);
    };
    let Some(uid) = app
        .kv()
        .get_del(&link_key(&start.token))
        .await?
        .as_deref()
        .and_then(UserId::parse)
    else {
        reply(
            app,
            &start.chat_id,
            "Tautan sudah kedaluwarsa. Buat tautan baru dari halaman Akun.",
        )
        .await;
        return Ok(false);
    };
    let user = users::update(
        app.db(),
        uid,
        UserPatch {
            telegram_chat_id: Some(Some(start.chat_id.clone())),
            telegram_username: Some(start.username.clone()),
            telegram_linked_at: Some(Some(app.now())),
            ..UserPatch::default()
        },
    )
    .await?;
    crate::accounts::forget_user(app, uid);
    reply(
        app,
        &start.chat_id,
        &format!(
            "Halo {}, akun {} Anda sudah terhubung dengan Telegram.",
            user.full_name,
            app.config().app.name
        ),
    )
    .await;
    Ok(true)
}

async fn reply(app: &App, chat_id: &str, text: &str) {
    if let Some(client) = bot(app).await
        && let Err(e) = client.send_message(chat_id, text).await
    {
        tracing::warn!(error = %e, "Telegram reply failed");
    }
}
