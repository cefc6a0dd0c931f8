//! WhatsApp through Fonnte (<https://fonnte.com>), an unofficial gateway driving a normal
//! WhatsApp account.
//!
//! * `POST <send url>`, header `Authorization: <token>` (no `Bearer`), form fields `target`
//!   (digits, `628…`), `message`, `countryCode=0` (so Fonnte does not rewrite the number),
//!   and `url` + `filename` for a document.
//! * The answer is JSON, usually with HTTP 200 even on failure: `status` true means queued
//!   (`id` holds the message id); `status` false carries a `reason`. Key casing varies
//!   (`Status`), so keys are matched case-insensitively.
//! * HTTP 5xx/429, timeouts, connection errors and unreadable answers are transient.

use std::collections::BTreeMap;
use std::time::Duration;

use futures::future::BoxFuture;
use reqwest::header::{AUTHORIZATION, HeaderValue};
use saring_domain::Phone;
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;

use super::{Delivery, Messenger, MessengerError, OutgoingMessage};
use crate::http;

pub const DEFAULT_SEND_URL: &str = "https://api.fonnte.com/send";
pub const DEFAULT_VALIDATE_URL: &str = "https://api.fonnte.com/validate";

#[derive(Debug, Clone)]
pub struct FonnteConfig {
    /// `WHATSAPP_API_URL`, default [`DEFAULT_SEND_URL`].
    pub send_url: String,
    /// `WHATSAPP_VALIDATE_URL`, default [`DEFAULT_VALIDATE_URL`].
    pub validate_url: String,
    /// The Fonnte device token (`WHATSAPP_API_KEY`). Never logged.
    pub token: SecretString,
    /// Whole-request timeout (default 15 s); an OTP message caps it further.
    pub timeout: Duration,
    pub connect_timeout: Duration,
}

impl FonnteConfig {
    /// Fonnte's public endpoints with the default timeouts.
    pub fn new(token: SecretString) -> Self {
        FonnteConfig {
            send_url: DEFAULT_SEND_URL.to_owned(),
            validate_url: DEFAULT_VALIDATE_URL.to_owned(),
            token,
            timeout: Duration::from_secs(15),
            connect_timeout: Duration::from_secs(5),
        }
    }
}

#[derive(Debug, Clone)]
pub struct FonnteMessenger {
    client: reqwest::Client,
    send_url: reqwest::Url,
    validate_url: reqwest::Url,
    auth: HeaderValue,
    timeout: Duration,
}

impl FonnteMessenger {
    /// Checks the configuration (token present, URLs valid) and builds the HTTP client.
    pub fn new(config: FonnteConfig) -> Result<Self, MessengerError> {
        let config_error = |reason: String| MessengerError::Config { reason };
        let token = config.token.expose_secret().trim();
        if token.is_empty() {
            return Err(config_error("WHATSAPP_API_KEY is empty".into()));
        }
        let mut auth = HeaderValue::from_str(token)
            .map_err(|_| config_error("WHATSAPP_API_KEY contains invalid characters".into()))?;
        auth.set_sensitive(true);
        let url = |name: &str, value: &str| {
            reqwest::Url::parse(value.trim()).map_err(|e| config_error(format!("{name}: {e}")))
        };
        Ok(FonnteMessenger {
            client: http::client(config.timeout, config.connect_timeout).map_err(config_error)?,
            send_url: url("WHATSAPP_API_URL", &config.send_url)?,
            validate_url: url("WHATSAPP_VALIDATE_URL", &config.validate_url)?,
            auth,
            timeout: config.timeout,
        })
    }

    /// POSTs a form and returns the answer's JSON object (keys lower-cased) when `status` is
    /// true.
    async fn post(
        &self,
        url: &reqwest::Url,
        form: &[(&str, &str)],
        timeout: Option<Duration>,
    ) -> Result<BTreeMap<String, Value>, MessengerError> {
        let mut request = self
            .client
            .post(url.clone())
            .header(AUTHORIZATION, self.auth.clone())
            .form(form);
        if let Some(limit) = timeout {
            request = request.timeout(limit.min(self.timeout));
        }
        let response = request
            .send()
            .await
            .map_err(|e| MessengerError::transient(http::describe(e)))?;
        let status = response.status();
        let body = http::body_text(response)
            .await
            .map_err(MessengerError::transient)?;
        interpret(status.as_u16(), &body)
    }
}

/// Turns Fonnte's HTTP answer into the JSON object of a successful call or an error.
fn interpret(status: u16, body: &str) -> Result<BTreeMap<String, Value>, MessengerError> {
    if status >= 500 || status == 429 {
        return Err(MessengerError::transient(format!(
            "HTTP {status}: {}",
            http::snippet(body)
        )));
    }
    let Some(answer) = lowercase_object(body) else {
        let what = format!("HTTP {status}, not JSON: {}", http::snippet(body));
        return Err(if (200..300).contains(&status) {
            MessengerError::transient(what)
        } else {
            MessengerError::rejected(what)
        });
    };
    match answer.get("status").and_then(truthy) {
        Some(true) => Ok(answer),
        Some(false) => {
            let reason = ["reason", "detail", "message"]
                .iter()
                .find_map(|k| answer.get(*k).and_then(text))
                .unwrap_or_else(|| "unknown reason".to_owned());
            Err(MessengerError::rejected(reason))
        }
        None => Err(MessengerError::transient(format!(
            "HTTP {status}, answer without status: {}",
            http::snippet(body)
        ))),
    }
}

/// Parses a JSON object and lower-cases its keys (Fonnte answers `status` or `Status`).
fn lowercase_object(body: &str) -> Option<BTreeMap<String, Value>> {
    match serde_json::from_str::<Value>(body).ok()? {
        Value::Object(map) => Some(
            map.into_iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), v))
                .collect(),
        ),
        _ => None,
    }
}

fn truthy(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// A string or number as text.
fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The first id of `id` (`["80367170"]`, `[80367170]` or a bare value).
fn first_id(v: &Value) -> Option<String> {
    match v {
        Value::Array(items) => items.iter().find_map(text),
        other => text(other),
    }
}

/// Whether the list `v` holds the number `digits` (entries may carry `+` or spaces).
fn list_has(v: Option<&Value>, digits: &str) -> bool {
    let Some(Value::Array(items)) = v else {
        return false;
    };
    items.iter().filter_map(text).any(|entry| {
        let entry: String = entry.chars().filter(char::is_ascii_digit).collect();
        entry == digits
    })
}

impl Messenger for FonnteMessenger {
    fn send<'a>(
        &'a self,
        msg: &'a OutgoingMessage,
    ) -> BoxFuture<'a, Result<Delivery, MessengerError>> {
        Box::pin(async move {
            let mut form = vec![
                ("target", msg.to.digits()),
                ("message", msg.text.as_str()),
                ("countryCode", "0"),
            ];
            if let Some(doc) = &msg.document {
                form.push(("url", doc.url.as_str()));
                form.push(("filename", doc.filename.as_str()));
            }
            let result = self.post(&self.send_url, &form, msg.timeout).await;
            match &result {
                Ok(_) => {
                    tracing::info!(provider = "fonnte", to = %msg.to, "WhatsApp message queued")
                }
                Err(e) => {
                    tracing::warn!(provider = "fonnte", to = %msg.to, error = %e, "WhatsApp send failed")
                }
            }
            let answer = result?;
            Ok(Delivery {
                provider_message_id: answer.get("id").and_then(first_id),
            })
        })
    }

    fn is_registered<'a>(
        &'a self,
        phone: &'a Phone,
    ) -> BoxFuture<'a, Result<Option<bool>, MessengerError>> {
        Box::pin(async move {
            let digits = phone.digits();
            let form = [("target", digits), ("countryCode", "0")];
            let answer = self.post(&self.validate_url, &form, None).await?;
            if list_has(answer.get("registered"), digits) {
                Ok(Some(true))
            } else if list_has(answer.get("not_registered"), digits) {
                Ok(Some(false))
            } else {
                Ok(None)
            }
        })
    }

    fn name(&self) -> &'static str {
        "fonnte"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interprets_fonnte_answers() {
        let ok = interpret(
            200,
            r#"{"status":true,"id":["80367170"],"process":"pending"}"#,
        )
        .unwrap();
        assert_eq!(ok.get("id").and_then(first_id).as_deref(), Some("80367170"));
        let numeric = interpret(200, r#"{"Status":"true","id":[42]}"#).unwrap();
        assert_eq!(numeric.get("id").and_then(first_id).as_deref(), Some("42"));
        assert_eq!(
            interpret(200, r#"{"status":false,"reason":"token invalid"}"#),
            Err(MessengerError::rejected("token invalid"))
        );
        assert_eq!(
            interpret(200, r#"{"Status":false,"Detail":"device disconnected"}"#),
            Err(MessengerError::rejected("device disconnected"))
        );
        assert!(interpret(502, "bad gateway").unwrap_err().is_transient());
        assert!(interpret(429, "{}").unwrap_err().is_transient());
        assert!(interpret(200, "<html>").unwrap_err().is_transient());
        assert!(!interpret(401, "unauthorized").unwrap_err().is_transient());
    }

    #[test]
    fn finds_numbers_in_validate_lists() {
        let v: Value = serde_json::json!(["6281234567890", "+62 811 580039", 628555]);
        assert!(list_has(Some(&v), "6281234567890"));
        assert!(list_has(Some(&v), "62811580039"));
        assert!(list_has(Some(&v), "628555"));
        assert!(!list_has(Some(&v), "62899"));
        assert!(!list_has(None, "62899"));
    }
}
