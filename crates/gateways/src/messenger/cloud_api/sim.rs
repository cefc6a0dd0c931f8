//! A WhatsApp Cloud API look-alike server, for the demo (`saring run` with the provider set to
//! `cloud_api` and no base URL) and the tests.
//!
//! It answers `POST /{version}/{phone-number-id}/messages` as the Graph API does: the bearer
//! token and the phone-number id must match (401 with `OAuthException` code 190 otherwise),
//! the body must be a text message (1–4096 characters) or a template message with a name and
//! a language (400 with code 100 otherwise), and an accepted message gets a `wamid.…` id.
//! Then, like Meta, it reports on the message by webhook to the configured URL, one status per
//! POST in order — `sent`, `delivered` (and `read` when [`CloudSimConfig::auto_read`] is on, or
//! when [`CloudSimHandle::read`] is called) or `sent`, `failed` for numbers marked with
//! [`CloudSimHandle::fail_number`] — each body signed with `X-Hub-Signature-256` (HMAC-SHA256
//! with the app secret). A delivery answered with 5xx or not answered is retried (at most 3
//! times, 100 ms apart); a 4xx answer is final. Every attempt is recorded
//! ([`CloudSimHandle::webhook_deliveries`]).

use std::collections::HashSet;
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::dev::ServerHandle;
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use serde::Serialize;
use serde_json::{Value, json};
use tokio::sync::mpsc;

use super::{MAX_TEXT_LEN, SIGNATURE_HEADER, sign};
use crate::breaker::lock;
use crate::http;

#[derive(Debug, Clone)]
pub struct CloudSimConfig {
    /// The bearer token senders must present (default: random).
    pub access_token: String,
    /// The only phone-number id the simulator serves.
    pub phone_number_id: String,
    /// The app secret webhook bodies are signed with (default: random).
    pub app_secret: String,
    /// Where delivery reports go (the app's `/api/webhooks/whatsapp`); settable later.
    pub webhook_url: Option<String>,
    /// Wait before each status report.
    pub status_delay: Duration,
    /// Report `read` after `delivered` without being asked.
    pub auto_read: bool,
}

impl Default for CloudSimConfig {
    fn default() -> Self {
        CloudSimConfig {
            access_token: format!("EAAsim{}", hex::encode(rand::random::<[u8; 24]>())),
            phone_number_id: "109876543210001".into(),
            app_secret: hex::encode(rand::random::<[u8; 16]>()),
            webhook_url: None,
            status_delay: Duration::from_millis(20),
            auto_read: false,
        }
    }
}

/// A message the simulator accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SimMessage {
    pub id: String,
    /// Digits, as sent.
    pub to: String,
    /// The text body (text messages).
    pub text: Option<String>,
    /// `(name, language, parameters)` (template messages).
    pub template: Option<(String, String, Vec<String>)>,
}

/// One webhook delivery attempt and the app's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WebhookRecord {
    pub message_id: String,
    pub status: String,
    pub attempt: u32,
    pub http_status: Option<u16>,
    pub error: Option<String>,
}

struct Report {
    message_id: String,
    to: String,
    status: &'static str,
    failed: bool,
}

struct Shared {
    config: CloudSimConfig,
    webhook_url: Mutex<Option<String>>,
    sent: Mutex<Vec<SimMessage>>,
    failing: Mutex<HashSet<String>>,
    deliveries: Mutex<Vec<WebhookRecord>>,
    reports: mpsc::UnboundedSender<Report>,
}

/// A running simulator; stops when dropped or on [`CloudSimHandle::stop`].
pub struct CloudSimHandle {
    shared: Arc<Shared>,
    base_url: String,
    server: ServerHandle,
    tasks: Vec<tokio::task::AbortHandle>,
}

fn graph_error(status: u16, code: i64, kind: &str, message: &str) -> HttpResponse {
    HttpResponse::build(
        actix_web::http::StatusCode::from_u16(status)
            .unwrap_or(actix_web::http::StatusCode::BAD_REQUEST),
    )
    .json(json!({"error": {
        "message": message,
        "type": kind,
        "code": code,
        "fbtrace_id": format!("Sim{}", hex::encode(rand::random::<[u8; 6]>())),
    }}))
}

fn invalid(message: &str) -> HttpResponse {
    graph_error(400, 100, "OAuthException", message)
}

/// What a send request asks for, or why it is refused.
fn parse_send(body: &Value) -> Result<SimMessage, String> {
    if body["messaging_product"] != "whatsapp" {
        return Err("(#100) The parameter messaging_product is required.".to_owned());
    }
    let to: String = body["to"]
        .as_str()
        .unwrap_or_default()
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    if to.len() < 8 {
        return Err("(#100) Invalid parameter: to".to_owned());
    }
    let id = format!("wamid.SIM{}", hex::encode(rand::random::<[u8; 12]>()));
    match body["type"].as_str().unwrap_or("text") {
        "text" => {
            let text = body["text"]["body"].as_str().unwrap_or_default();
            if text.trim().is_empty() || text.chars().count() > MAX_TEXT_LEN {
                return Err("(#100) Param text['body'] must be 1 to 4096 characters.".to_owned());
            }
            Ok(SimMessage {
                id,
                to,
                text: Some(text.to_owned()),
                template: None,
            })
        }
        "template" => {
            let t = &body["template"];
            let (Some(name), Some(lang)) = (t["name"].as_str(), t["language"]["code"].as_str())
            else {
                return Err(
                    "(#100) Param template['name'] and template['language']['code'] are required."
                        .to_owned(),
                );
            };
            let params = t["components"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|c| c["type"] == "body")
                .flat_map(|c| c["parameters"].as_array().cloned().unwrap_or_default())
                .map(|p| p["text"].as_str().unwrap_or_default().to_owned())
                .collect();
            Ok(SimMessage {
                id,
                to,
                text: None,
                template: Some((name.to_owned(), lang.to_owned(), params)),
            })
        }
        "document" if body["document"]["link"].is_string() => Ok(SimMessage {
            id,
            to,
            text: body["document"]["caption"].as_str().map(str::to_owned),
            template: None,
        }),
        other => Err(format!("(#100) Param type {other:?} is not supported.")),
    }
}

async fn send(
    shared: web::Data<Shared>,
    path: web::Path<(String, String)>,
    req: HttpRequest,
    body: web::Bytes,
) -> HttpResponse {
    let (_, phone_number_id) = path.into_inner();
    let token = req
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    if token != Some(shared.config.access_token.as_str()) {
        return graph_error(
            401,
            190,
            "OAuthException",
            "Invalid OAuth access token - Cannot parse access token",
        );
    }
    if phone_number_id != shared.config.phone_number_id {
        return graph_error(
            400,
            100,
            "GraphMethodException",
            &format!("Unsupported post request. Object with ID '{phone_number_id}' does not exist"),
        );
    }
    let Ok(body) = serde_json::from_slice::<Value>(&body) else {
        return invalid("(#100) The request body is not JSON.");
    };
    let msg = match parse_send(&body) {
        Ok(m) => m,
        Err(refusal) => return invalid(&refusal),
    };
    lock(&shared.sent).push(msg.clone());
    let failed = lock(&shared.failing).contains(&msg.to);
    let mut statuses = vec!["sent"];
    if failed {
        statuses.push("failed");
    } else {
        statuses.push("delivered");
        if shared.config.auto_read {
            statuses.push("read");
        }
    }
    for status in statuses {
        let _ = shared.reports.send(Report {
            message_id: msg.id.clone(),
            to: msg.to.clone(),
            status,
            failed,
        });
    }
    HttpResponse::Ok().json(json!({
        "messaging_product": "whatsapp",
        "contacts": [{"input": msg.to, "wa_id": msg.to}],
        "messages": [{"id": msg.id}],
    }))
}

fn webhook_body(shared: &Shared, r: &Report) -> Value {
    let mut status = json!({
        "id": r.message_id,
        "status": r.status,
        "timestamp": chrono::Utc::now().timestamp().to_string(),
        "recipient_id": r.to,
    });
    if r.status == "failed" && r.failed {
        status["errors"] = json!([{
            "code": 131026,
            "title": "Message undeliverable",
            "message": "Message undeliverable",
            "error_data": {"details": "Recipient is not a WhatsApp user"},
        }]);
    }
    json!({
        "object": "whatsapp_business_account",
        "entry": [{
            "id": "102290129340398",
            "changes": [{
                "field": "messages",
                "value": {
                    "messaging_product": "whatsapp",
                    "metadata": {
                        "display_phone_number": "15550000000",
                        "phone_number_id": shared.config.phone_number_id,
                    },
                    "statuses": [status],
                },
            }],
        }],
    })
}

/// Delivers reports in order until the simulator stops.
async fn dispatch(
    shared: Arc<Shared>,
    client: reqwest::Client,
    mut reports: mpsc::UnboundedReceiver<Report>,
) {
    while let Some(report) = reports.recv().await {
        tokio::time::sleep(shared.config.status_delay).await;
        let Some(url) = lock(&shared.webhook_url).clone() else {
            continue;
        };
        let body = webhook_body(&shared, &report).to_string();
        let signature = match sign(&shared.config.app_secret, body.as_bytes()) {
            Ok(s) => s,
            Err(e) => {
                tracing::warn!(error = %e, "simulator cannot sign webhooks");
                continue;
            }
        };
        for attempt in 1..=4u32 {
            let answer = client
                .post(&url)
                .header(SIGNATURE_HEADER, &signature)
                .header("content-type", "application/json")
                .body(body.clone())
                .send()
                .await;
            let (http_status, error) = match answer {
                Ok(r) => (Some(r.status().as_u16()), None),
                Err(e) => (None, Some(http::describe(e))),
            };
            lock(&shared.deliveries).push(WebhookRecord {
                message_id: report.message_id.clone(),
                status: report.status.to_owned(),
                attempt,
                http_status,
                error,
            });
            if http_status.is_some_and(|s| s < 500) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl CloudSimHandle {
    /// Binds `addr` (e.g. `127.0.0.1:0`) and serves on the current tokio runtime.
    pub async fn start(addr: &str, config: CloudSimConfig) -> std::io::Result<CloudSimHandle> {
        let listener = TcpListener::bind(addr)?;
        let local = listener.local_addr()?;
        let (tx, rx) = mpsc::unbounded_channel();
        let shared = Arc::new(Shared {
            webhook_url: Mutex::new(config.webhook_url.clone()),
            config,
            sent: Mutex::new(Vec::new()),
            failing: Mutex::new(HashSet::new()),
            deliveries: Mutex::new(Vec::new()),
            reports: tx,
        });
        let data = web::Data::from(shared.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .app_data(web::PayloadConfig::new(256 * 1024))
                .route(
                    "/{version}/{phone_number_id}/messages",
                    web::post().to(send),
                )
        })
        .workers(1)
        .disable_signals()
        .shutdown_timeout(1)
        .listen(listener)?
        .run();
        let handle = server.handle();
        let client = http::client(Duration::from_secs(5), Duration::from_secs(2))
            .map_err(std::io::Error::other)?;
        let tasks = vec![
            tokio::spawn(async move {
                if let Err(e) = server.await {
                    tracing::warn!(error = %e, "WhatsApp Cloud API simulator stopped");
                }
            })
            .abort_handle(),
            tokio::spawn(dispatch(shared.clone(), client, rx)).abort_handle(),
        ];
        let base_url = format!("http://{local}/v21.0");
        tracing::info!(url = %base_url, "WhatsApp Cloud API simulator listening");
        Ok(CloudSimHandle {
            shared,
            base_url,
            server: handle,
            tasks,
        })
    }

    /// The base URL to configure (`http://127.0.0.1:<port>/v21.0`).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    pub fn config(&self) -> &CloudSimConfig {
        &self.shared.config
    }

    pub fn set_webhook_url(&self, url: Option<String>) {
        *lock(&self.shared.webhook_url) = url;
    }

    /// Messages to `digits` (e.g. `6281234567890`) are accepted, then reported `failed`.
    pub fn fail_number(&self, digits: &str) {
        lock(&self.shared.failing).insert(digits.to_owned());
    }

    /// Every accepted message, in order.
    pub fn sent(&self) -> Vec<SimMessage> {
        lock(&self.shared.sent).clone()
    }

    /// Every webhook delivery attempt, in order.
    pub fn webhook_deliveries(&self) -> Vec<WebhookRecord> {
        lock(&self.shared.deliveries).clone()
    }

    /// The recipient read message `id`: reports `read`. `false` for an unknown id.
    pub fn read(&self, id: &str) -> bool {
        let Some(to) = lock(&self.shared.sent)
            .iter()
            .find(|m| m.id == id)
            .map(|m| m.to.clone())
        else {
            return false;
        };
        self.shared
            .reports
            .send(Report {
                message_id: id.to_owned(),
                to,
                status: "read",
                failed: false,
            })
            .is_ok()
    }

    pub async fn stop(self) {
        self.server.stop(false).await;
    }
}

impl Drop for CloudSimHandle {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}
