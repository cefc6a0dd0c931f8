//! Messages the worker sends: queued in the outbox (in the caller's transaction when given
//! one), logged in `message_log`, sent by the outbox runner with rate limits per target and
//! globally (`WHATSAPP_RATE_LIMIT_PER_TARGET` / `WHATSAPP_RATE_LIMIT_GLOBAL` per minute),
//! retried with backoff, and — for users who linked Telegram — sent there too. A
//! `dedupe_key` makes a notice go out at most once (`message_log.dedupe_key` is unique).

use std::collections::BTreeMap;
use std::time::Duration;

use saring_domain::Phone;
use saring_domain::ids::UserId;
use saring_gateways::messenger::OutgoingMessage;
use saring_gateways::telegram::TelegramClient;
use saring_store::entities::enums::NotificationType;
use saring_store::repo::{messages, outbox, recipients, users};
use sea_orm::ConnectionTrait;
use serde_json::Value;

use crate::context::App;
use crate::error::{AppError, AppResult};

/// Outbox kind of a queued message.
pub const SEND_KIND: &str = "message_send";

/// A notice to send.
#[derive(Debug, Clone)]
pub struct Notice {
    pub to: Phone,
    pub user_id: Option<UserId>,
    pub template: &'static str,
    pub vars: Vec<(&'static str, String)>,
    /// Sent at most once per key.
    pub dedupe_key: Option<String>,
}

/// Queues a notice. Returns `false` when WhatsApp notifications are off or the dedupe key was
/// used before.
pub async fn queue<C: ConnectionTrait>(app: &App, db: &C, n: &Notice) -> AppResult<bool> {
    if !app.config().whatsapp.enabled {
        return Ok(false);
    }
    let now = app.now();
    let Some(id) = messages::insert(
        db,
        &messages::NewMessage {
            channel: "whatsapp",
            target: n.to.as_e164(),
            user_id: n.user_id.map(|u| u.0),
            template: Some(n.template),
            dedupe_key: n.dedupe_key.as_deref(),
            status: "pending",
            broadcast_id: None,
        },
        now,
    )
    .await?
    else {
        return Ok(false);
    };
    let vars: BTreeMap<&str, &str> = n.vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    outbox::enqueue(
        db,
        SEND_KIND,
        None,
        serde_json::json!({
            "message_id": id.to_string(),
            "to": n.to.as_e164(),
            "user_id": n.user_id.map(|u| u.to_string()),
            "template": n.template,
            "vars": vars,
        }),
        now,
    )
    .await?;
    Ok(true)
}

/// Queues a notice outside any transaction; failures are logged (a notice never fails the
/// work that caused it).
pub async fn queue_logged(app: &App, n: Notice) -> bool {
    match queue(app, app.db(), &n).await {
        Ok(sent) => sent,
        Err(e) => {
            tracing::warn!(template = n.template, error = %e, "notice not queued");
            false
        }
    }
}

async fn rate_limited(app: &App, to: &str) -> AppResult<bool> {
    let w = &app.config().worker;
    let minute = Duration::from_secs(60);
    let per_target = app
        .kv()
        .incr_window(&format!("wa:rate:{to}"), minute)
        .await?;
    let global = app.kv().incr_window("wa:rate:global", minute).await?;
    Ok(per_target > w.messages.rate_per_target || global > w.messages.rate_global)
}

/// The template key of a broadcast's messages: the admin's text goes as is (never through
/// the template renderer), or as the Cloud API template mapped to this key with the text as
/// its one parameter.
pub const BROADCAST_TEMPLATE: &str = "broadcast";

/// Sends a queued message (the outbox runner calls this). An error makes the outbox retry:
/// a transient failure (timeout, rate limit) is retried with backoff; a refusal (invalid
/// number, provider not configured) is final and logged as `failed`.
pub async fn deliver(app: &App, payload: &Value) -> AppResult<()> {
    let get = |k: &str| payload.get(k).and_then(Value::as_str).map(str::to_owned);
    let (Some(id), Some(to), Some(template)) = (
        get("message_id").and_then(|s| s.parse::<uuid::Uuid>().ok()),
        get("to"),
        get("template"),
    ) else {
        return Err(AppError::Internal(
            "message_send without id/to/template".into(),
        ));
    };
    let phone =
        Phone::parse(&to).map_err(|e| AppError::Internal(format!("message to {to}: {e}")))?;
    if rate_limited(app, phone.as_e164()).await? {
        return Err(AppError::Internal("rate limited; retrying later".into()));
    }
    let msg = match get("text") {
        // A broadcast: the admin's words, sent as written.
        Some(text) => {
            OutgoingMessage::text(phone, text.clone()).with_template(template.clone(), vec![text])
        }
        None => {
            let vars: Vec<(String, String)> = payload
                .get("vars")
                .and_then(Value::as_object)
                .map(|m| {
                    m.iter()
                        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                        .collect()
                })
                .unwrap_or_default();
            let borrowed: Vec<(&str, String)> =
                vars.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
            match crate::templates::render_current(app, &template, &borrowed).await {
                Ok(text) => OutgoingMessage::text(phone, text).with_template(
                    template.clone(),
                    crate::notify::template_params(&template, &borrowed),
                ),
                Err(e) => {
                    messages::set_status(app.db(), id, "failed", Some(&e.to_string()), app.now())
                        .await?;
                    return Ok(()); // A template error will not heal by retrying.
                }
            }
        }
    };
    let now = app.now();
    match crate::notify::whatsapp(app).await.send(&msg).await {
        Ok(d) => {
            messages::set_accepted(app.db(), id, d.provider_message_id.as_deref(), now).await?
        }
        Err(e) => {
            messages::set_status(app.db(), id, "failed", Some(&e.to_string()), now).await?;
            if !e.is_transient() {
                tracing::warn!(template, error = %e, "WhatsApp refused the message; not retried");
                return Ok(());
            }
            return Err(AppError::Internal(format!("WhatsApp send failed: {e}")));
        }
    }
    // Telegram, for users who linked it (best effort).
    if let Some(uid) = get("user_id").as_deref().and_then(UserId::parse)
        && let Some(bot) = crate::telegram::bot(app).await
        && let Some(chat) = telegram_chat(app, uid).await
    {
        send_telegram(&bot, &chat, &msg.text).await;
    }
    Ok(())
}

async fn telegram_chat(app: &App, user: UserId) -> Option<String> {
    let model = saring_store::entities::users::Entity::find_by_id(user.0);
    use sea_orm::EntityTrait;
    model.one(app.db()).await.ok().flatten()?.telegram_chat_id
}

async fn send_telegram(bot: &TelegramClient, chat: &str, text: &str) -> bool {
    match bot.send_message(chat, text).await {
        Ok(_) => true,
        Err(e) => {
            tracing::warn!(error = %e, "Telegram send failed");
            false
        }
    }
}

/// Tells the administrators: Telegram admin chats (`TELEGRAM_ADMIN_CHAT_IDS`) and WhatsApp to
/// the admins subscribed to `kind` (super admins when nobody subscribed). `dedupe_key`
/// throttles repeats.
pub async fn alert_admins(
    app: &App,
    kind: NotificationType,
    template: &'static str,
    vars: Vec<(&'static str, String)>,
    dedupe_key: Option<String>,
) -> usize {
    let mut sent = 0;
    let text = crate::templates::render(template, &vars).unwrap_or_default();
    let bot = crate::telegram::bot(app).await;
    let chats = match (&bot, crate::settings::current(app).await) {
        (Some(_), Ok(c)) => c.list(crate::settings::keys::TELEGRAM_ADMIN_CHAT_IDS),
        _ => Vec::new(),
    };
    if let Some(bot) = bot.filter(|_| !text.is_empty() && !chats.is_empty()) {
        let fresh = match &dedupe_key {
            Some(k) => app
                .kv()
                .set_nx(
                    &format!("alert:tg:{k}"),
                    "1",
                    Some(Duration::from_secs(3600)),
                )
                .await
                .unwrap_or(true),
            None => true,
        };
        if fresh {
            for chat in &chats {
                if send_telegram(&bot, chat, &text).await {
                    sent += 1;
                }
            }
        }
    }
    let phones = recipients::phones_for(app.db(), kind)
        .await
        .unwrap_or_default();
    for p in phones {
        let Ok(phone) = Phone::parse(&p) else {
            continue;
        };
        let user = users::find_by_phone(app.db(), &phone).await.ok().flatten();
        let notice = Notice {
            to: phone.clone(),
            user_id: user.map(|u| u.id),
            template,
            vars: vars.clone(),
            dedupe_key: dedupe_key
                .as_ref()
                .map(|k| format!("{k}:{}", phone.as_e164())),
        };
        if queue_logged(app, notice).await {
            sent += 1;
        }
    }
    sent
}
