//! The Midtrans HTTP client (Snap + Core API v2), a thin layer over reqwest.
//!
//! * Auth: `Authorization: Basic base64(<server key> + ":")`; JSON in and out.
//! * Errors: HTTP 401 → [`PaymentError::Unauthorized`]; 5xx, 429, timeouts, connection
//!   errors and unreadable answers → [`PaymentError::Transient`]; other 4xx — or an HTTP 200
//!   whose body `status_code` is ≥ 400, except 407 (= expired) — →
//!   [`PaymentError::Rejected`] with Midtrans' `error_messages`.
//! * Times: Midtrans writes WIB (UTC+7) without a zone; see [`super::wib`].

use std::time::{Duration, Instant};

use chrono::Utc;
use futures::future::BoxFuture;
use reqwest::Method;
use reqwest::header::{ACCEPT, HeaderValue};
use saring_domain::{OrderId, Rupiah};
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Map, Value, json};

use super::notification::{Notification, StatusResponse};
use super::{
    ChargeRequest, ChargeResponse, CustomerDetails, ItemDetail, PaymentError, PaymentGateway,
    PaymentMethod, PaymentStatus, SelfTestReport, SnapRequest, SnapSession, VaBank, fields,
    map_status, wib,
};
use crate::http;

pub const SANDBOX_SNAP_URL: &str = "https://app.sandbox.midtrans.com/snap/v1";
pub const SANDBOX_CORE_URL: &str = "https://api.sandbox.midtrans.com/v2";
pub const PRODUCTION_SNAP_URL: &str = "https://app.midtrans.com/snap/v1";
pub const PRODUCTION_CORE_URL: &str = "https://api.midtrans.com/v2";

/// How to reach Midtrans.
#[derive(Debug, Clone)]
pub struct MidtransConfig {
    /// `MIDTRANS_SERVER_KEY` (`SB-Mid-server-…` in the sandbox). Never logged.
    pub server_key: SecretString,
    /// `MIDTRANS_IS_PRODUCTION`: chooses the default hosts.
    pub is_production: bool,
    /// Overrides the Snap base URL (`…/snap/v1`), e.g. to point at the simulator.
    pub snap_base_url: Option<String>,
    /// Overrides the Core API base URL (`…/v2`).
    pub core_base_url: Option<String>,
    /// Whole-request timeout (default 15 s, like the reference).
    pub timeout: Duration,
    pub connect_timeout: Duration,
    /// Sent as `X-Override-Notification` on charges and Snap transactions: notifications for
    /// them go to this URL instead of the dashboard's (tunnels, staging).
    pub notification_url_override: Option<String>,
}

impl MidtransConfig {
    /// The real Midtrans (sandbox or production) with default timeouts.
    pub fn new(server_key: SecretString, is_production: bool) -> Self {
        MidtransConfig {
            server_key,
            is_production,
            snap_base_url: None,
            core_base_url: None,
            timeout: Duration::from_secs(15),
            connect_timeout: Duration::from_secs(5),
            notification_url_override: None,
        }
    }

    /// A [`SimulatedGateway`](super::SimulatedGateway) at `base_url` (`http://127.0.0.1:port`):
    /// Snap at `{base}/snap/v1`, Core API at `{base}/v2`.
    pub fn for_simulator(base_url: &str, server_key: SecretString) -> Self {
        let base = base_url.trim_end_matches('/');
        MidtransConfig {
            snap_base_url: Some(format!("{base}/snap/v1")),
            core_base_url: Some(format!("{base}/v2")),
            timeout: Duration::from_secs(5),
            ..Self::new(server_key, false)
        }
    }
}

/// The Midtrans client; implements [`PaymentGateway`]. Cheap to clone.
#[derive(Debug, Clone)]
pub struct MidtransClient {
    http: reqwest::Client,
    server_key: SecretString,
    snap_base: String,
    core_base: String,
    environment: &'static str,
    notification_override: Option<HeaderValue>,
}

/// What a Midtrans call answered, before interpretation.
struct Answer {
    http_status: u16,
    /// `status_code` in the body, when there is one.
    body_code: Option<u16>,
    body: Value,
    text: String,
}

impl MidtransClient {
    pub fn new(config: MidtransConfig) -> Result<Self, PaymentError> {
        if config.server_key.expose_secret().trim().is_empty() {
            return Err(PaymentError::Config("MIDTRANS_SERVER_KEY is empty".into()));
        }
        let base = |custom: &Option<String>, default: &str| -> Result<String, PaymentError> {
            let url = custom
                .as_deref()
                .unwrap_or(default)
                .trim()
                .trim_end_matches('/');
            reqwest::Url::parse(url)
                .map_err(|e| PaymentError::Config(format!("Midtrans base URL {url:?}: {e}")))?;
            Ok(url.to_owned())
        };
        let (snap_default, core_default) = if config.is_production {
            (PRODUCTION_SNAP_URL, PRODUCTION_CORE_URL)
        } else {
            (SANDBOX_SNAP_URL, SANDBOX_CORE_URL)
        };
        let environment = match (
            &config.snap_base_url,
            &config.core_base_url,
            config.is_production,
        ) {
            (None, None, true) => "production",
            (None, None, false) => "sandbox",
            _ => "custom",
        };
        let notification_override = match &config.notification_url_override {
            Some(url) => Some(HeaderValue::from_str(url).map_err(|_| {
                PaymentError::Config("notification override URL has invalid characters".into())
            })?),
            None => None,
        };
        Ok(MidtransClient {
            http: http::client(config.timeout, config.connect_timeout)
                .map_err(PaymentError::Config)?,
            server_key: config.server_key,
            snap_base: base(&config.snap_base_url, snap_default)?,
            core_base: base(&config.core_base_url, core_default)?,
            environment,
            notification_override,
        })
    }

    /// The Core API base URL in use (`…/v2`).
    pub fn core_base_url(&self) -> &str {
        &self.core_base
    }

    /// The Snap base URL in use (`…/snap/v1`).
    pub fn snap_base_url(&self) -> &str {
        &self.snap_base
    }

    async fn call(
        &self,
        method: Method,
        url: String,
        body: Option<&Value>,
    ) -> Result<Answer, PaymentError> {
        let mut request = self
            .http
            .request(method, url)
            .basic_auth(self.server_key.expose_secret(), None::<&str>)
            .header(ACCEPT, "application/json");
        if let Some(body) = body {
            request = request.json(body);
            if let Some(url) = &self.notification_override {
                request = request.header("X-Override-Notification", url.clone());
            }
        }
        let response = request
            .send()
            .await
            .map_err(|e| PaymentError::Transient(http::describe(e)))?;
        let http_status = response.status().as_u16();
        let text = http::body_text(response)
            .await
            .map_err(PaymentError::Transient)?;
        let body: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        let body_code = fields::text(&body, "status_code").and_then(|c| c.parse().ok());
        Ok(Answer {
            http_status,
            body_code,
            body,
            text,
        })
    }

    /// Interprets an answer: the body on success, else the error it stands for.
    fn check(answer: Answer) -> Result<Value, PaymentError> {
        let Answer {
            http_status,
            body_code,
            body,
            text,
        } = answer;
        if http_status == 401 || body_code == Some(401) {
            return Err(PaymentError::Unauthorized);
        }
        let code = if http_status >= 400 {
            Some(http_status)
        } else {
            body_code.filter(|c| *c >= 400 && *c != 407)
        };
        match code {
            Some(c) if c >= 500 || c == 429 => Err(PaymentError::Transient(format!(
                "HTTP {c}: {}",
                http::snippet(&text)
            ))),
            Some(c) => {
                let mut messages = fields::messages(&body);
                if messages.is_empty() {
                    messages.push(http::snippet(&text));
                }
                Err(PaymentError::Rejected {
                    status_code: c,
                    messages,
                })
            }
            None if body.is_object() => Ok(body),
            None => Err(PaymentError::Transient(format!(
                "HTTP {http_status}, not JSON: {}",
                http::snippet(&text)
            ))),
        }
    }

    fn core(&self, path: &str) -> String {
        format!("{}/{path}", self.core_base)
    }

    async fn action(
        &self,
        order_id: &OrderId,
        action: &str,
    ) -> Result<PaymentStatus, PaymentError> {
        let url = self.core(&format!("{}/{action}", order_id.as_str()));
        let body = Self::check(self.call(Method::POST, url, None).await?)?;
        Ok(fields::text(&body, "transaction_status")
            .map(|s| map_status(&s, None))
            .unwrap_or(if action == "cancel" {
                PaymentStatus::Cancelled
            } else {
                PaymentStatus::Expired
            }))
    }
}

/// `transaction_details`, `item_details` and `customer_details`, shared by Snap and Core.
fn order_body(
    order_id: &OrderId,
    gross_amount: Rupiah,
    item: &ItemDetail,
    customer: &CustomerDetails,
) -> Map<String, Value> {
    let mut customer_json = Map::new();
    let first_name = if customer.first_name.trim().is_empty() {
        "Pengguna"
    } else {
        customer.first_name.trim()
    };
    customer_json.insert("first_name".into(), json!(first_name));
    if let Some(last) = &customer.last_name {
        customer_json.insert("last_name".into(), json!(last));
    }
    if let Some(email) = &customer.email {
        customer_json.insert("email".into(), json!(email));
    }
    if let Some(phone) = &customer.phone {
        customer_json.insert("phone".into(), json!(phone.local()));
    }
    let mut body = Map::new();
    body.insert(
        "transaction_details".into(),
        json!({"order_id": order_id.as_str(), "gross_amount": gross_amount.amount()}),
    );
    body.insert(
        "item_details".into(),
        json!([{
            "id": item.id,
            "price": item.price.amount(),
            "quantity": item.quantity,
            "name": truncate(&item.name, 50),
        }]),
    );
    body.insert("customer_details".into(), Value::Object(customer_json));
    body
}

fn truncate(s: &str, max_chars: usize) -> String {
    s.trim().chars().take(max_chars).collect()
}

/// The Snap request body (integrations.md §5.2).
pub(crate) fn snap_body(req: &SnapRequest, now: chrono::DateTime<Utc>) -> Value {
    let mut body = order_body(&req.order_id, req.gross_amount, &req.item, &req.customer);
    if let Some(finish) = &req.finish_url {
        body.insert("callbacks".into(), json!({ "finish": finish }));
    }
    if let Some(minutes) = req.expiry_minutes {
        body.insert(
            "expiry".into(),
            json!({
                "start_time": wib::format_with_offset(now),
                "unit": "minute",
                "duration": minutes,
            }),
        );
    }
    Value::Object(body)
}

/// The Core API charge body for the request's method (integrations.md §5.3, §5.6).
pub(crate) fn charge_body(req: &ChargeRequest, now: chrono::DateTime<Utc>) -> Value {
    let mut body = order_body(&req.order_id, req.gross_amount, &req.item, &req.customer);
    let callback = || match &req.callback_url {
        Some(url) => json!({ "callback_url": url }),
        None => json!({}),
    };
    let (payment_type, key, options) = match req.method {
        PaymentMethod::Qris => ("qris", "qris", json!({"acquirer": "gopay"})),
        PaymentMethod::Gopay => {
            let mut gopay = callback();
            gopay["enable_callback"] = json!(req.callback_url.is_some());
            ("gopay", "gopay", gopay)
        }
        PaymentMethod::Shopeepay => ("shopeepay", "shopeepay", callback()),
        PaymentMethod::Va => match req.bank.unwrap_or_default() {
            VaBank::Mandiri => (
                "echannel",
                "echannel",
                json!({
                    // Mandiri shows 10 characters of the label and 30 of the value.
                    "bill_info1": "Pembayaran",
                    "bill_info2": truncate(&req.item.name, 30),
                }),
            ),
            bank => (
                "bank_transfer",
                "bank_transfer",
                json!({"bank": bank.as_str()}),
            ),
        },
    };
    body.insert("payment_type".into(), json!(payment_type));
    body.insert(key.into(), options);
    if let Some(minutes) = req.expiry_minutes {
        body.insert(
            "custom_expiry".into(),
            json!({
                "order_time": wib::format_with_offset(now),
                "expiry_duration": minutes,
                "unit": "minute",
            }),
        );
    }
    Value::Object(body)
}

fn charge_response(body: Value) -> Result<ChargeResponse, PaymentError> {
    let transaction_id = fields::text(&body, "transaction_id")
        .ok_or_else(|| PaymentError::Transient("charge answer lacks transaction_id".into()))?;
    let (va_number, bank) = fields::va(&body);
    Ok(ChargeResponse {
        transaction_id,
        transaction_status: fields::text(&body, "transaction_status")
            .unwrap_or_else(|| "pending".into()),
        status_code: fields::text(&body, "status_code").unwrap_or_else(|| "201".into()),
        payment_type: fields::text(&body, "payment_type").unwrap_or_default(),
        va_number,
        bank,
        bill_key: fields::bill_key(&body),
        biller_code: fields::text(&body, "biller_code"),
        qr_string: fields::text(&body, "qr_string"),
        qr_url: fields::qr_url(&body),
        deeplink_url: fields::action_url(&body, "deeplink-redirect"),
        expiry_time: fields::text(&body, "expiry_time").and_then(|t| wib::parse(&t)),
        raw: body,
    })
}

impl PaymentGateway for MidtransClient {
    fn create_snap<'a>(
        &'a self,
        req: &'a SnapRequest,
    ) -> BoxFuture<'a, Result<SnapSession, PaymentError>> {
        Box::pin(async move {
            let body = snap_body(req, Utc::now());
            let url = format!("{}/transactions", self.snap_base);
            let answer = Self::check(self.call(Method::POST, url, Some(&body)).await?)?;
            match (
                fields::text(&answer, "token"),
                fields::text(&answer, "redirect_url"),
            ) {
                (Some(token), Some(redirect_url)) => {
                    tracing::info!(order_id = %req.order_id.as_str(), "Midtrans Snap transaction created");
                    Ok(SnapSession {
                        token,
                        redirect_url,
                    })
                }
                _ => Err(PaymentError::Transient(
                    "Snap answer lacks token or redirect_url".into(),
                )),
            }
        })
    }

    fn charge<'a>(
        &'a self,
        req: &'a ChargeRequest,
    ) -> BoxFuture<'a, Result<ChargeResponse, PaymentError>> {
        Box::pin(async move {
            let body = charge_body(req, Utc::now());
            let answer = Self::check(
                self.call(Method::POST, self.core("charge"), Some(&body))
                    .await?,
            )?;
            let response = charge_response(answer)?;
            tracing::info!(
                order_id = %req.order_id.as_str(),
                method = %req.method,
                transaction_id = %response.transaction_id,
                "Midtrans charge created"
            );
            Ok(response)
        })
    }

    fn status<'a>(
        &'a self,
        order_id: &'a OrderId,
    ) -> BoxFuture<'a, Result<Option<StatusResponse>, PaymentError>> {
        Box::pin(async move {
            let url = self.core(&format!("{}/status", order_id.as_str()));
            let answer = self.call(Method::GET, url, None).await?;
            if answer.http_status == 404 || answer.body_code == Some(404) {
                return Ok(None);
            }
            let body = Self::check(answer)?;
            Notification::from_value(body)
                .map(Some)
                .map_err(|e| PaymentError::Transient(format!("status answer: {e}")))
        })
    }

    fn cancel<'a>(
        &'a self,
        order_id: &'a OrderId,
    ) -> BoxFuture<'a, Result<PaymentStatus, PaymentError>> {
        Box::pin(self.action(order_id, "cancel"))
    }

    fn expire<'a>(
        &'a self,
        order_id: &'a OrderId,
    ) -> BoxFuture<'a, Result<PaymentStatus, PaymentError>> {
        Box::pin(self.action(order_id, "expire"))
    }

    fn self_test(&self) -> BoxFuture<'_, Result<SelfTestReport, PaymentError>> {
        Box::pin(async move {
            let started = Instant::now();
            let mut checks = Vec::new();
            // A status query for an order that cannot exist: 404 with a good key, 401 with a
            // bad one. Nothing is created.
            let probe = format!("SARING-SELFTEST-{}", uuid::Uuid::new_v4().simple());
            let answer = self
                .call(Method::GET, self.core(&format!("{probe}/status")), None)
                .await?;
            if answer.http_status == 404 || answer.body_code == Some(404) {
                checks.push("Core API: server key accepted".to_owned());
            } else {
                Self::check(answer)?;
                checks.push("Core API: reachable".to_owned());
            }
            // An empty Snap request is refused by validation (400) with a good key and by
            // authentication (401) with a bad one.
            let url = format!("{}/transactions", self.snap_base);
            match Self::check(self.call(Method::POST, url, Some(&json!({}))).await?) {
                Ok(_) | Err(PaymentError::Rejected { .. }) => {
                    checks.push("Snap: server key accepted".to_owned());
                }
                Err(e) => return Err(e),
            }
            Ok(SelfTestReport {
                gateway: "midtrans",
                environment: self.environment,
                core_base_url: self.core_base.clone(),
                snap_base_url: self.snap_base.clone(),
                latency_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
                checks,
            })
        })
    }

    fn name(&self) -> &'static str {
        "midtrans"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use saring_domain::Phone;

    fn customer() -> CustomerDetails {
        CustomerDetails {
            first_name: "Budi".into(),
            phone: Some(Phone::parse("+6281234567890").unwrap()),
            ..CustomerDetails::default()
        }
    }

    fn charge(method: PaymentMethod, bank: Option<VaBank>) -> ChargeRequest {
        ChargeRequest {
            order_id: OrderId::parse("BD-LPSR-0011223344AA").unwrap(),
            gross_amount: Rupiah(10_000),
            item: ItemDetail::new(
                "pkg-1",
                "Paket Hemat 10 GB / 30 hari untuk semua perangkat di rumah",
                Rupiah(10_000),
            ),
            customer: customer(),
            method,
            bank,
            expiry_minutes: Some(15),
            callback_url: Some("https://portal.example/payment/finish".into()),
        }
    }

    #[test]
    fn snap_body_matches_the_reference_shape() {
        let now = wib::parse("2026-03-01 14:05:09").unwrap();
        let req = SnapRequest {
            order_id: OrderId::parse("BD-LPSR-0011223344AA").unwrap(),
            gross_amount: Rupiah(50_000),
            item: ItemDetail::new("pkg-1", "Paket 10 GB", Rupiah(50_000)),
            customer: customer(),
            finish_url: Some("https://portal.example/payment/finish?t=abc".into()),
            expiry_minutes: Some(15),
        };
        let body = snap_body(&req, now);
        assert_eq!(
            body,
            json!({
                "transaction_details": {"order_id": "BD-LPSR-0011223344AA", "gross_amount": 50000},
                "item_details": [{"id": "pkg-1", "price": 50000, "quantity": 1, "name": "Paket 10 GB"}],
                "customer_details": {"first_name": "Budi", "phone": "081234567890"},
                "callbacks": {"finish": "https://portal.example/payment/finish?t=abc"},
                "expiry": {"start_time": "2026-03-01 14:05:09 +0700", "unit": "minute", "duration": 15},
            })
        );
    }

    #[test]
    fn charge_bodies_per_method() {
        let now = wib::parse("2026-03-01 14:05:09").unwrap();
        let qris = charge_body(&charge(PaymentMethod::Qris, None), now);
        assert_eq!(qris["payment_type"], "qris");
        assert_eq!(qris["qris"], json!({"acquirer": "gopay"}));
        assert_eq!(
            qris["custom_expiry"],
            json!({"order_time": "2026-03-01 14:05:09 +0700", "expiry_duration": 15, "unit": "minute"})
        );
        assert_eq!(
            qris["item_details"][0]["name"]
                .as_str()
                .unwrap()
                .chars()
                .count(),
            50
        );

        let gopay = charge_body(&charge(PaymentMethod::Gopay, None), now);
        assert_eq!(
            gopay["gopay"],
            json!({"enable_callback": true, "callback_url": "https://portal.example/payment/finish"})
        );
        let shopee = charge_body(&charge(PaymentMethod::Shopeepay, None), now);
        assert_eq!(
            shopee["shopeepay"],
            json!({"callback_url": "https://portal.example/payment/finish"})
        );

        let default_va = charge_body(&charge(PaymentMethod::Va, None), now);
        assert_eq!(default_va["payment_type"], "bank_transfer");
        assert_eq!(default_va["bank_transfer"], json!({"bank": "bni"}));
        let permata = charge_body(&charge(PaymentMethod::Va, Some(VaBank::Permata)), now);
        assert_eq!(permata["bank_transfer"], json!({"bank": "permata"}));
        let mandiri = charge_body(&charge(PaymentMethod::Va, Some(VaBank::Mandiri)), now);
        assert_eq!(mandiri["payment_type"], "echannel");
        assert_eq!(mandiri["echannel"]["bill_info1"], "Pembayaran");
        assert_eq!(
            mandiri["echannel"]["bill_info2"]
                .as_str()
                .unwrap()
                .chars()
                .count(),
            30
        );
        assert!(mandiri.get("bank_transfer").is_none());
    }

    fn answer(http_status: u16, body: Value) -> Answer {
        Answer {
            http_status,
            body_code: fields::text(&body, "status_code").and_then(|c| c.parse().ok()),
            text: body.to_string(),
            body,
        }
    }

    #[test]
    fn classifies_answers() {
        assert!(MidtransClient::check(answer(201, json!({"status_code": "201"}))).is_ok());
        assert!(MidtransClient::check(answer(200, json!({"status_code": "407"}))).is_ok());
        assert_eq!(
            MidtransClient::check(answer(200, json!({"status_code": "401"}))),
            Err(PaymentError::Unauthorized)
        );
        assert_eq!(
            MidtransClient::check(answer(
                200,
                json!({"status_code": "406", "status_message": "used"})
            )),
            Err(PaymentError::Rejected {
                status_code: 406,
                messages: vec!["used".into()]
            })
        );
        assert_eq!(
            MidtransClient::check(answer(400, json!({"error_messages": ["a", "b"]}))),
            Err(PaymentError::Rejected {
                status_code: 400,
                messages: vec!["a".into(), "b".into()]
            })
        );
        assert!(
            MidtransClient::check(answer(503, json!({})))
                .unwrap_err()
                .is_transient()
        );
        assert!(
            MidtransClient::check(answer(200, json!({"status_code": "500"})))
                .unwrap_err()
                .is_transient()
        );
        assert!(
            MidtransClient::check(answer(200, Value::Null))
                .unwrap_err()
                .is_transient()
        );
    }
}
