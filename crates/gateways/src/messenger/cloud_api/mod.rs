//! WhatsApp through Meta's official Cloud API (Graph API), and its delivery webhooks.
//!
//! * Sending: `POST <base>/<phone-number-id>/messages` with `Authorization: Bearer <token>` and
//!   a JSON body `{messaging_product: "whatsapp", to, type: "text", text: {body}}`, or
//!   `type: "template"` with `template: {name, language: {code}, components: [{type: "body",
//!   parameters: [{type: "text", text}…]}]}`. The answer holds `messages[0].id` (`wamid.…`).
//! * Business-initiated messages outside the 24-hour customer window must be pre-approved
//!   templates: a message rendered from one of our templates ([`OutgoingMessage::template`])
//!   whose key is in [`CloudApiConfig::templates`] goes as that Cloud API template with its
//!   parameters in the order of our template's placeholders; anything else goes as text.
//! * Errors are `{error: {message, type, code, error_subcode?, fbtrace_id}}`. HTTP 5xx/429,
//!   the throttling codes and transport errors are transient; an invalid token (401, code
//!   190) is a configuration error; anything else is a refusal.
//! * Delivery reports come later by webhook: `statuses[]` with `sent`, `delivered`, `read` or
//!   `failed`, signed with `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(body, app secret)>`
//!   ([`verify_signature`], [`delivery_reports`]).

pub mod sim;

use std::collections::BTreeMap;
use std::time::Duration;

use futures::future::BoxFuture;
use hmac::{Hmac, Mac};
use reqwest::header::{AUTHORIZATION, HeaderValue};
use saring_domain::Phone;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::Sha256;

use super::{Delivery, Messenger, MessengerError, OutgoingMessage};
use crate::http;

/// The Graph API version this client speaks, in the default base URL.
pub const DEFAULT_BASE_URL: &str = "https://graph.facebook.com/v21.0";

/// The header Meta signs webhook bodies in.
pub const SIGNATURE_HEADER: &str = "X-Hub-Signature-256";

/// Longest text body the Cloud API accepts.
pub const MAX_TEXT_LEN: usize = 4096;

/// A Cloud API template: its name in WhatsApp Manager and its language code (`id`, `en_US`…).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloudTemplate {
    pub name: String,
    pub language: String,
}

#[derive(Debug, Clone)]
pub struct CloudApiConfig {
    /// Graph API base URL with the version, default [`DEFAULT_BASE_URL`] (the simulator's URL
    /// in the demo and the tests).
    pub base_url: String,
    /// The WhatsApp Business phone number's id (not the number itself).
    pub phone_number_id: String,
    /// A system user's access token. Never logged.
    pub access_token: SecretString,
    /// Our template key → the Cloud API template it is sent as.
    pub templates: BTreeMap<String, CloudTemplate>,
    pub timeout: Duration,
    pub connect_timeout: Duration,
}

impl CloudApiConfig {
    pub fn new(phone_number_id: impl Into<String>, access_token: SecretString) -> Self {
        CloudApiConfig {
            base_url: DEFAULT_BASE_URL.to_owned(),
            phone_number_id: phone_number_id.into(),
            access_token,
            templates: BTreeMap::new(),
            timeout: Duration::from_secs(15),
            connect_timeout: Duration::from_secs(5),
        }
    }
}

#[derive(Debug, Clone)]
pub struct CloudApiMessenger {
    client: reqwest::Client,
    send_url: reqwest::Url,
    auth: HeaderValue,
    templates: BTreeMap<String, CloudTemplate>,
    timeout: Duration,
}

impl CloudApiMessenger {
    /// Checks the configuration (token and phone-number id present, URL valid).
    pub fn new(config: CloudApiConfig) -> Result<Self, MessengerError> {
        let config_error = |reason: String| MessengerError::Config { reason };
        let token = config.access_token.expose_secret().trim();
        if token.is_empty() {
            return Err(config_error("the Cloud API access token is empty".into()));
        }
        let id = config.phone_number_id.trim();
        if id.is_empty() || !id.chars().all(|c| c.is_ascii_digit()) {
            return Err(config_error(
                "the Cloud API phone-number id must be digits".into(),
            ));
        }
        let mut auth = HeaderValue::from_str(&format!("Bearer {token}"))
            .map_err(|_| config_error("the access token contains invalid characters".into()))?;
        auth.set_sensitive(true);
        let base = config.base_url.trim().trim_end_matches('/');
        let send_url = reqwest::Url::parse(&format!("{base}/{id}/messages"))
            .map_err(|e| config_error(format!("Cloud API base URL: {e}")))?;
        if !matches!(send_url.scheme(), "http" | "https") {
            return Err(config_error("Cloud API base URL must be http(s)".into()));
        }
        Ok(CloudApiMessenger {
            client: http::client(config.timeout, config.connect_timeout).map_err(config_error)?,
            send_url,
            auth,
            templates: config.templates,
            timeout: config.timeout,
        })
    }

    /// The JSON body for `msg`: a template when ours is mapped, else text.
    fn body(&self, msg: &OutgoingMessage) -> Value {
        let to = msg.to.digits();
        if let Some(call) = &msg.template
            && let Some(t) = self.templates.get(&call.key)
        {
            let parameters: Vec<Value> = call
                .params
                .iter()
                .map(|p| json!({"type": "text", "text": p}))
                .collect();
            let mut template = json!({"name": t.name, "language": {"code": t.language}});
            if !parameters.is_empty() {
                template["components"] = json!([{"type": "body", "parameters": parameters}]);
            }
            return json!({
                "messaging_product": "whatsapp",
                "recipient_type": "individual",
                "to": to,
                "type": "template",
                "template": template,
            });
        }
        if let Some(doc) = &msg.document {
            return json!({
                "messaging_product": "whatsapp",
                "recipient_type": "individual",
                "to": to,
                "type": "document",
                "document": {"link": doc.url, "filename": doc.filename, "caption": msg.text},
            });
        }
        json!({
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": to,
            "type": "text",
            "text": {"preview_url": false, "body": msg.text},
        })
    }
}

/// Graph API error codes that mean "slow down" or "try later".
const TRANSIENT_CODES: &[i64] = &[1, 2, 4, 17, 80007, 130429, 131000, 131016, 131048, 131056];

/// Turns the Cloud API's answer into the message id or an error.
fn interpret(status: u16, body: &str) -> Result<Option<String>, MessengerError> {
    let parsed: Option<Value> = serde_json::from_str(body).ok();
    if (200..300).contains(&status) {
        return match parsed {
            Some(v) => Ok(v["messages"][0]["id"].as_str().map(str::to_owned)),
            None => Err(MessengerError::transient(format!(
                "HTTP {status}, not JSON: {}",
                http::snippet(body)
            ))),
        };
    }
    let error = parsed.as_ref().map(|v| &v["error"]);
    let code = error.and_then(|e| e["code"].as_i64());
    let reason = match (error.and_then(|e| e["message"].as_str()), code) {
        (Some(m), Some(c)) => format!("HTTP {status}, code {c}: {m}"),
        (Some(m), None) => format!("HTTP {status}: {m}"),
        _ => format!("HTTP {status}: {}", http::snippet(body)),
    };
    if status >= 500 || status == 429 || code.is_some_and(|c| TRANSIENT_CODES.contains(&c)) {
        Err(MessengerError::transient(reason))
    } else if status == 401 || code == Some(190) {
        Err(MessengerError::Config { reason })
    } else {
        Err(MessengerError::rejected(reason))
    }
}

impl Messenger for CloudApiMessenger {
    fn send<'a>(
        &'a self,
        msg: &'a OutgoingMessage,
    ) -> BoxFuture<'a, Result<Delivery, MessengerError>> {
        Box::pin(async move {
            let mut request = self
                .client
                .post(self.send_url.clone())
                .header(AUTHORIZATION, self.auth.clone())
                .json(&self.body(msg));
            if let Some(limit) = msg.timeout {
                request = request.timeout(limit.min(self.timeout));
            }
            let result = match request.send().await {
                Ok(response) => {
                    let status = response.status().as_u16();
                    match http::body_text(response).await {
                        Ok(body) => interpret(status, &body),
                        Err(e) => Err(MessengerError::transient(e)),
                    }
                }
                Err(e) => Err(MessengerError::transient(http::describe(e))),
            };
            match &result {
                Ok(id) => {
                    tracing::info!(provider = "cloud_api", to = %msg.to, id = ?id, "WhatsApp message accepted")
                }
                Err(e) => {
                    tracing::warn!(provider = "cloud_api", to = %msg.to, error = %e, "WhatsApp send failed")
                }
            }
            Ok(Delivery {
                provider_message_id: result?,
            })
        })
    }

    /// The Cloud API has no "is this number on WhatsApp" lookup any more: unknown.
    fn is_registered<'a>(
        &'a self,
        _phone: &'a Phone,
    ) -> BoxFuture<'a, Result<Option<bool>, MessengerError>> {
        Box::pin(async { Ok(None) })
    }

    fn name(&self) -> &'static str {
        "cloud_api"
    }
}

/// Why a webhook body is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebhookError {
    #[error("the request carries no X-Hub-Signature-256 header")]
    Unsigned,
    #[error("the X-Hub-Signature-256 header does not match the body")]
    BadSignature,
    #[error("the app secret cannot key an HMAC")]
    BadKey,
    #[error("the body is not a WhatsApp webhook: {0}")]
    Malformed(String),
}

/// `sha256=<hex>`: the signature Meta puts in [`SIGNATURE_HEADER`] for `body`.
pub fn sign(app_secret: &str, body: &[u8]) -> Result<String, WebhookError> {
    Ok(format!(
        "sha256={}",
        hex::encode(mac(app_secret, body)?.finalize().into_bytes())
    ))
}

fn mac(app_secret: &str, body: &[u8]) -> Result<Hmac<Sha256>, WebhookError> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(app_secret.as_bytes())
        .map_err(|_| WebhookError::BadKey)?;
    mac.update(body);
    Ok(mac)
}

/// Checks `header` (the value of [`SIGNATURE_HEADER`]) against `body`, in constant time.
pub fn verify_signature(
    app_secret: &str,
    body: &[u8],
    header: Option<&str>,
) -> Result<(), WebhookError> {
    let header = header
        .map(str::trim)
        .filter(|h| !h.is_empty())
        .ok_or(WebhookError::Unsigned)?;
    let hex_sig = header
        .strip_prefix("sha256=")
        .ok_or(WebhookError::BadSignature)?;
    let given = hex::decode(hex_sig).map_err(|_| WebhookError::BadSignature)?;
    mac(app_secret, body)?
        .verify_slice(&given)
        .map_err(|_| WebhookError::BadSignature)
}

/// One delivery report of a webhook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusReport {
    /// The message id the send answered (`wamid.…`).
    pub id: String,
    /// `sent`, `delivered`, `read` or `failed`.
    pub status: String,
    /// Unix seconds.
    pub timestamp: i64,
    pub recipient_id: String,
    /// For `failed`: the errors' codes and titles.
    pub error: Option<String>,
}

#[derive(Deserialize)]
struct Hook {
    object: String,
    #[serde(default)]
    entry: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    #[serde(default)]
    changes: Vec<Change>,
}

#[derive(Deserialize)]
struct Change {
    #[serde(default)]
    value: ChangeValue,
}

#[derive(Deserialize, Default)]
struct ChangeValue {
    #[serde(default)]
    statuses: Vec<RawStatus>,
}

#[derive(Deserialize)]
struct RawStatus {
    id: String,
    status: String,
    #[serde(default)]
    timestamp: Value,
    #[serde(default)]
    recipient_id: String,
    #[serde(default)]
    errors: Vec<RawError>,
}

#[derive(Deserialize)]
struct RawError {
    #[serde(default)]
    code: Value,
    #[serde(default)]
    title: String,
    #[serde(default)]
    message: String,
}

/// The delivery reports in a (verified) webhook body; incoming messages and other fields are
/// ignored.
pub fn delivery_reports(body: &[u8]) -> Result<Vec<StatusReport>, WebhookError> {
    let hook: Hook =
        serde_json::from_slice(body).map_err(|e| WebhookError::Malformed(e.to_string()))?;
    if hook.object != "whatsapp_business_account" {
        return Err(WebhookError::Malformed(format!(
            "object {:?} is not whatsapp_business_account",
            hook.object
        )));
    }
    let mut reports = Vec::new();
    for status in hook
        .entry
        .into_iter()
        .flat_map(|e| e.changes)
        .flat_map(|c| c.value.statuses)
    {
        let timestamp = match &status.timestamp {
            Value::String(s) => s.trim().parse().ok(),
            Value::Number(n) => n.as_i64(),
            _ => None,
        }
        .ok_or_else(|| {
            WebhookError::Malformed(format!("status {} without timestamp", status.id))
        })?;
        let error = (!status.errors.is_empty()).then(|| {
            status
                .errors
                .iter()
                .map(|e| {
                    let text = if e.message.is_empty() {
                        &e.title
                    } else {
                        &e.message
                    };
                    format!("{}: {text}", e.code)
                })
                .collect::<Vec<_>>()
                .join("; ")
        });
        reports.push(StatusReport {
            id: status.id,
            status: status.status,
            timestamp,
            recipient_id: status.recipient_id,
            error,
        });
    }
    Ok(reports)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn interprets_cloud_api_answers() {
        let ok = interpret(
            200,
            r#"{"messaging_product":"whatsapp","contacts":[{"input":"62811","wa_id":"62811"}],"messages":[{"id":"wamid.X1"}]}"#,
        );
        assert_eq!(ok, Ok(Some("wamid.X1".into())));
        let bad_token = interpret(
            401,
            r#"{"error":{"message":"Invalid OAuth access token.","type":"OAuthException","code":190}}"#,
        );
        assert!(matches!(bad_token, Err(MessengerError::Config { .. })));
        let throttled = interpret(
            400,
            r#"{"error":{"message":"Rate limit hit","code":130429}}"#,
        );
        assert!(throttled.unwrap_err().is_transient());
        let window = interpret(
            400,
            r#"{"error":{"message":"Re-engagement message","code":131047}}"#,
        );
        assert!(matches!(window, Err(MessengerError::Rejected { .. })));
        assert!(interpret(503, "down").unwrap_err().is_transient());
    }

    #[test]
    fn signatures_are_checked() {
        let body = br#"{"object":"whatsapp_business_account","entry":[]}"#;
        let sig = sign("app-secret", body).unwrap();
        assert!(verify_signature("app-secret", body, Some(&sig)).is_ok());
        assert_eq!(
            verify_signature("other", body, Some(&sig)),
            Err(WebhookError::BadSignature)
        );
        assert_eq!(
            verify_signature("app-secret", b"{}", Some(&sig)),
            Err(WebhookError::BadSignature)
        );
        assert_eq!(
            verify_signature("app-secret", body, None),
            Err(WebhookError::Unsigned)
        );
        assert_eq!(
            verify_signature("app-secret", body, Some("sha256=zz")),
            Err(WebhookError::BadSignature)
        );
    }

    #[test]
    fn reads_delivery_reports() {
        let body = json!({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{"field": "messages", "value": {"messaging_product": "whatsapp", "statuses": [
            {"id": "wamid.A", "status": "delivered", "timestamp": "1700000000", "recipient_id": "62811"},
            {"id": "wamid.B", "status": "failed", "timestamp": 1700000001, "recipient_id": "62812", "errors": [{"code": 131026, "title": "Message undeliverable"}]}
        ]}}]}]});
        let reports = delivery_reports(body.to_string().as_bytes()).unwrap();
        assert_eq!(reports.len(), 2);
        assert_eq!(reports[0].status, "delivered");
        assert_eq!(reports[1].timestamp, 1_700_000_001);
        assert_eq!(
            reports[1].error.as_deref(),
            Some("131026: Message undeliverable")
        );
        assert!(delivery_reports(br#"{"object":"page"}"#).is_err());
        assert!(delivery_reports(b"not json").is_err());
    }
}
