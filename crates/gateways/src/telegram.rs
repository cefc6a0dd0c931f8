//! Telegram Bot API: admin alerts and per-user linking.
//!
//! * [`TelegramClient::send_message`] — `POST {base}/bot<token>/sendMessage`; `ok:false`
//!   answers become [`TelegramError::Rejected`] with Telegram's description. The bot token is
//!   part of the URL, so errors are described without the URL.
//! * Linking: the app hands out `https://t.me/<bot>?start=<token>` ([`link_url`]); Telegram
//!   then POSTs an update with the message `/start <token>` to the app's webhook, which checks
//!   the `X-Telegram-Bot-Api-Secret-Token` header ([`verify_webhook_secret`]) and reads the
//!   chat with [`parse_start_command`].

use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};
use subtle::ConstantTimeEq;

use crate::http;

pub const DEFAULT_BASE_URL: &str = "https://api.telegram.org";

/// The header Telegram sends with the webhook secret set by `setWebhook`.
pub const SECRET_HEADER: &str = "X-Telegram-Bot-Api-Secret-Token";

#[derive(Debug, Clone)]
pub struct TelegramConfig {
    /// `TELEGRAM_API_BASE_URL`, default [`DEFAULT_BASE_URL`].
    pub base_url: String,
    /// `TELEGRAM_BOT_TOKEN`. Never logged.
    pub bot_token: SecretString,
    /// `TELEGRAM_HTTP_TIMEOUT_SECONDS` (default 15 s).
    pub timeout: Duration,
}

impl TelegramConfig {
    pub fn new(bot_token: SecretString) -> Self {
        TelegramConfig {
            base_url: DEFAULT_BASE_URL.to_owned(),
            bot_token,
            timeout: Duration::from_secs(15),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TelegramError {
    /// Telegram refused (`ok:false`, e.g. "Bad Request: chat not found", 401 bad token,
    /// 403 bot blocked by the user).
    #[error("Telegram refused the message ({code}): {description}")]
    Rejected { code: u16, description: String },
    /// Timeout, connection error, 5xx, 429 (flood control) or an unreadable answer.
    #[error("Telegram temporarily unavailable: {0}")]
    Transient(String),
    #[error("Telegram is not configured: {0}")]
    Config(String),
}

impl TelegramError {
    pub fn is_transient(&self) -> bool {
        matches!(self, TelegramError::Transient(_))
    }
}

impl crate::breaker::Transient for TelegramError {
    fn is_transient(&self) -> bool {
        TelegramError::is_transient(self)
    }
}

#[derive(Debug, Clone)]
pub struct TelegramClient {
    http: reqwest::Client,
    base_url: String,
    bot_token: SecretString,
}

impl TelegramClient {
    pub fn new(config: TelegramConfig) -> Result<Self, TelegramError> {
        let token = config.bot_token.expose_secret().trim();
        if token.is_empty() {
            return Err(TelegramError::Config("TELEGRAM_BOT_TOKEN is empty".into()));
        }
        if token.contains(['/', '?', '#']) || token.chars().any(char::is_whitespace) {
            return Err(TelegramError::Config(
                "TELEGRAM_BOT_TOKEN has invalid characters".into(),
            ));
        }
        let base_url = config.base_url.trim().trim_end_matches('/').to_owned();
        reqwest::Url::parse(&base_url)
            .map_err(|e| TelegramError::Config(format!("TELEGRAM_API_BASE_URL: {e}")))?;
        Ok(TelegramClient {
            http: http::client(config.timeout, config.timeout.min(Duration::from_secs(5)))
                .map_err(TelegramError::Config)?,
            base_url,
            bot_token: SecretString::from(token.to_owned()),
        })
    }

    /// Sends a plain-text message (link previews off). Returns Telegram's `message_id`.
    pub async fn send_message(&self, chat_id: &str, text: &str) -> Result<i64, TelegramError> {
        let chat_id = chat_id.trim();
        if chat_id.is_empty() {
            return Err(TelegramError::Rejected {
                code: 400,
                description: "empty chat_id".into(),
            });
        }
        let url = format!(
            "{}/bot{}/sendMessage",
            self.base_url,
            self.bot_token.expose_secret()
        );
        let body = json!({"chat_id": chat_id, "text": text, "disable_web_page_preview": true});
        let response = self
            .http
            .post(url)
            .json(&body)
            .send()
            .await
            .map_err(|e| TelegramError::Transient(http::describe(e)))?;
        let status = response.status().as_u16();
        let text = http::body_text(response)
            .await
            .map_err(TelegramError::Transient)?;
        let answer: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        if answer.get("ok").and_then(Value::as_bool) == Some(true) {
            tracing::info!(chat_id, "Telegram message sent");
            return Ok(answer
                .pointer("/result/message_id")
                .and_then(Value::as_i64)
                .unwrap_or_default());
        }
        let description = answer
            .get("description")
            .and_then(Value::as_str)
            .map_or_else(|| http::snippet(&text), str::to_owned);
        let code = answer
            .get("error_code")
            .and_then(Value::as_u64)
            .and_then(|c| u16::try_from(c).ok())
            .unwrap_or(status);
        tracing::warn!(chat_id, code, %description, "Telegram send failed");
        if code >= 500 || code == 429 || !answer.is_object() {
            Err(TelegramError::Transient(format!("{code}: {description}")))
        } else {
            Err(TelegramError::Rejected { code, description })
        }
    }
}

/// `https://t.me/<bot>?start=<token>`: the deep link that makes Telegram send
/// `/start <token>` to the bot.
pub fn link_url(bot_username: &str, token: &str) -> String {
    format!(
        "https://t.me/{}?start={token}",
        bot_username.trim().trim_start_matches('@')
    )
}

/// A `/start <token>` message from a user who opened the deep link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartCommand {
    /// The chat to send to from now on (Telegram's numeric id, as text).
    pub chat_id: String,
    pub username: Option<String>,
    pub token: String,
}

/// Reads a `/start <token>` command from a webhook update (`message` or `edited_message`;
/// `/start@BotName <token>` too). `None` for anything else, including `/start` without a token.
pub fn parse_start_command(update: &Value) -> Option<StartCommand> {
    let message = update
        .get("message")
        .or_else(|| update.get("edited_message"))?;
    let text = message.get("text")?.as_str()?.trim();
    let (command, rest) = text.split_once(char::is_whitespace)?;
    let command = command.split('@').next()?;
    if command != "/start" {
        return None;
    }
    let token = rest.trim();
    if token.is_empty() {
        return None;
    }
    let chat_id = match message.pointer("/chat/id")? {
        Value::Number(n) => n.to_string(),
        Value::String(s) if !s.trim().is_empty() => s.trim().to_owned(),
        _ => return None,
    };
    let username = message
        .pointer("/from/username")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .map(str::to_owned);
    Some(StartCommand {
        chat_id,
        username,
        token: token.to_owned(),
    })
}

/// Checks the webhook's `X-Telegram-Bot-Api-Secret-Token` header in constant time. An empty
/// expected secret refuses everything (an unconfigured webhook must not accept updates).
pub fn verify_webhook_secret(expected: &str, provided: Option<&str>) -> bool {
    let expected = expected.trim();
    let Some(provided) = provided else {
        return false;
    };
    !expected.is_empty() && bool::from(provided.trim().as_bytes().ct_eq(expected.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_start_commands() {
        let update = json!({
            "update_id": 1,
            "message": {
                "message_id": 5,
                "from": {"id": 42, "username": "budi"},
                "chat": {"id": 123456789, "type": "private"},
                "text": "/start abc.DEF-123"
            }
        });
        assert_eq!(
            parse_start_command(&update),
            Some(StartCommand {
                chat_id: "123456789".into(),
                username: Some("budi".into()),
                token: "abc.DEF-123".into()
            })
        );
        let bot_suffix =
            json!({"edited_message": {"chat": {"id": -100}, "text": "/start@SaringBot tok"}});
        assert_eq!(
            parse_start_command(&bot_suffix).map(|c| c.token),
            Some("tok".into())
        );
        for text in ["/start", "/start   ", "/help tok", "hello", "/starter tok"] {
            let u = json!({"message": {"chat": {"id": 1}, "text": text}});
            assert_eq!(parse_start_command(&u), None, "{text}");
        }
        assert_eq!(
            parse_start_command(&json!({"message": {"text": "/start tok"}})),
            None
        );
        assert_eq!(parse_start_command(&json!({"callback_query": {}})), None);
    }

    #[test]
    fn checks_the_webhook_secret() {
        assert!(verify_webhook_secret("s3cret", Some("s3cret")));
        assert!(!verify_webhook_secret("s3cret", Some("s3cret2")));
        assert!(!verify_webhook_secret("s3cret", None));
        assert!(!verify_webhook_secret("", Some("")));
        assert_eq!(
            link_url("@SaringBot", "t0k"),
            "https://t.me/SaringBot?start=t0k"
        );
    }
}
