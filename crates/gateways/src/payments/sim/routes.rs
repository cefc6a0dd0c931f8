//! The Midtrans-shaped HTTP API of the simulator.

use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::http::header::{AUTHORIZATION, CONTENT_TYPE, LOCATION};
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Value, json};
use subtle::ConstantTimeEq;

use super::state::{Kind, Method, Order};
use super::{Action, Shared, SimError, page};
use crate::breaker::lock;

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/snap/v1/transactions", web::post().to(snap_create))
        .route("/snap/v2/vtweb/{token}", web::get().to(snap_redirect))
        .route("/v2/charge", web::post().to(charge))
        .route("/v2/qris/{id}/qr-code", web::get().to(qr_image))
        .route("/v2/{id}/status", web::get().to(status))
        .route("/v2/{id}/{action}", web::post().to(modify_route))
        .route("/pay/{order_id}", web::get().to(page::show))
        .route("/pay/{order_id}", web::post().to(page::act));
}

fn reply(status: u16, body: Value) -> HttpResponse {
    HttpResponse::build(StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR))
        .json(body)
}

/// A Core API error: `{"status_code": "<code>", "status_message": …}` with the same HTTP code.
fn core_error(status: u16, message: &str) -> HttpResponse {
    reply(
        status,
        json!({"status_code": status.to_string(), "status_message": message, "id": uuid::Uuid::new_v4().to_string()}),
    )
}

/// A Snap error: `{"error_messages": […]}`.
fn snap_error(status: u16, messages: &[String]) -> HttpResponse {
    reply(status, json!({ "error_messages": messages }))
}

fn authorized(req: &HttpRequest, shared: &Shared) -> bool {
    let given = req
        .headers()
        .get(AUTHORIZATION)
        .map(|v| v.as_bytes())
        .unwrap_or_default();
    bool::from(given.ct_eq(shared.expected_auth.as_bytes()))
}

/// What every create request shares: the order id, amount and item name, validated like
/// Midtrans does.
struct OrderFields {
    order_id: String,
    gross_amount: i64,
    item_name: String,
}

fn whole_number(v: Option<&Value>) -> Option<i64> {
    let v = v?;
    v.as_i64().or_else(|| {
        // Midtrans accepts 10000.0 but not 10000.5 for IDR.
        let f = v.as_f64()?;
        if f.fract() == 0.0 && f.abs() < 1e15 {
            format!("{f:.0}").parse().ok()
        } else {
            None
        }
    })
}

fn order_fields(body: &Value) -> Result<OrderFields, Vec<String>> {
    let Some(details) = body.get("transaction_details").filter(|d| d.is_object()) else {
        return Err(vec!["transaction_details is required".into()]);
    };
    let mut errors = Vec::new();
    let order_id = details
        .get("order_id")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let valid_id = !order_id.is_empty()
        && order_id.len() <= 50
        && order_id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '~' | '.'));
    if !valid_id {
        errors.push("transaction_details.order_id is required and may only contain letters, digits, '-', '_', '~' and '.' (max 50)".into());
    }
    let gross = whole_number(details.get("gross_amount"));
    match gross {
        Some(g) if g >= 1 => {}
        _ => errors
            .push("transaction_details.gross_amount must be a whole number of at least 1".into()),
    }
    let mut item_name = "Item".to_owned();
    if let Some(items) = body.get("item_details").and_then(Value::as_array) {
        let mut sum: i64 = 0;
        for item in items {
            let price = whole_number(item.get("price")).unwrap_or(0);
            let quantity = whole_number(item.get("quantity")).unwrap_or(0);
            sum = sum.saturating_add(price.saturating_mul(quantity));
        }
        if let Some(name) = items
            .first()
            .and_then(|i| i.get("name"))
            .and_then(Value::as_str)
        {
            item_name = name.to_owned();
        }
        if gross.is_some_and(|g| g != sum) {
            errors.push(
                "transaction_details.gross_amount is not equal to the sum of item_details".into(),
            );
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(OrderFields {
        order_id: order_id.to_owned(),
        gross_amount: gross.unwrap_or_default(),
        item_name,
    })
}

/// A payment window: `{duration|expiry_duration, unit}`.
fn window(v: Option<&Value>, duration_key: &str) -> Option<Duration> {
    let v = v?;
    let n = u64::try_from(whole_number(v.get(duration_key))?).ok()?;
    let unit = v.get("unit").and_then(Value::as_str).unwrap_or("minute");
    let seconds = match unit.trim_end_matches('s') {
        "second" => 1,
        "minute" => 60,
        "hour" => 3600,
        "day" => 86_400,
        _ => return None,
    };
    Some(Duration::from_secs(n.saturating_mul(seconds)))
}

fn parse_json(body: &[u8]) -> Option<Value> {
    serde_json::from_slice::<Value>(body)
        .ok()
        .filter(Value::is_object)
}

async fn snap_create(
    req: HttpRequest,
    body: web::Bytes,
    shared: web::Data<Shared>,
) -> HttpResponse {
    if !authorized(&req, &shared) {
        return snap_error(
            401,
            &[
                "Access denied due to unauthorized transaction, please check client or server key"
                    .into(),
            ],
        );
    }
    let Some(body) = parse_json(&body) else {
        return snap_error(400, &["request body is not a JSON object".into()]);
    };
    let fields = match order_fields(&body) {
        Ok(f) => f,
        Err(messages) => return snap_error(400, &messages),
    };
    let mut state = lock(&shared.state);
    if state.orders.contains_key(&fields.order_id) {
        return snap_error(
            400,
            &["transaction_details.order_id sudah digunakan".into()],
        );
    }
    let token = uuid::Uuid::new_v4().to_string();
    let finish_url = body
        .pointer("/callbacks/finish")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let kind = Kind::Snap {
        token: token.clone(),
        finish_url,
    };
    let order = Order::new(
        fields.order_id.clone(),
        fields.gross_amount,
        fields.item_name,
        kind,
        window(body.get("expiry"), "duration"),
    );
    state.orders.insert(fields.order_id.clone(), order);
    state.tokens.insert(token.clone(), fields.order_id);
    let redirect_url = format!("{}/snap/v2/vtweb/{token}", shared.base_url);
    reply(201, json!({ "token": token, "redirect_url": redirect_url }))
}

async fn snap_redirect(token: web::Path<String>, shared: web::Data<Shared>) -> HttpResponse {
    let order_id = lock(&shared.state).tokens.get(token.as_str()).cloned();
    match order_id {
        Some(id) => HttpResponse::Found()
            .insert_header((LOCATION, format!("/pay/{id}")))
            .finish(),
        None => HttpResponse::NotFound().body("Token Snap tidak dikenal."),
    }
}

/// The method a charge asks for, named as [`Method::generate`] knows them.
fn charge_method(body: &Value) -> Result<&str, String> {
    let payment_type = body
        .get("payment_type")
        .and_then(Value::as_str)
        .unwrap_or_default();
    match payment_type {
        "qris" | "gopay" | "shopeepay" => Ok(payment_type),
        "bank_transfer" => match body.pointer("/bank_transfer/bank").and_then(Value::as_str) {
            Some(bank @ ("bca" | "bni" | "bri" | "cimb" | "permata")) => Ok(bank),
            _ => Err("bank_transfer.bank must be one of bca, bni, bri, cimb, permata".into()),
        },
        "echannel" => {
            let has = |k: &str| {
                body.pointer(&format!("/echannel/{k}"))
                    .and_then(Value::as_str)
                    .is_some_and(|s| !s.is_empty())
            };
            if has("bill_info1") && has("bill_info2") {
                Ok("mandiri")
            } else {
                Err("echannel.bill_info1 and echannel.bill_info2 are required".into())
            }
        }
        "" => Err("payment_type is required".into()),
        other => Err(format!(
            "payment_type {other} is not supported by the simulator"
        )),
    }
}

fn created_message(method: &Method) -> &'static str {
    match method {
        Method::Qris { .. } => "QRIS transaction is created",
        Method::Gopay { .. } => "GoPay transaction is created",
        Method::Shopeepay { .. } => "ShopeePay transaction is created",
        Method::Va { .. } | Method::Permata { .. } => {
            "Success, Bank Transfer transaction is created"
        }
        Method::Mandiri { .. } => "OK, Mandiri Bill transaction is successful",
    }
}

async fn charge(req: HttpRequest, body: web::Bytes, shared: web::Data<Shared>) -> HttpResponse {
    if !authorized(&req, &shared) {
        return core_error(401, "Unknown Merchant server_key/id");
    }
    let Some(body) = parse_json(&body) else {
        return core_error(400, "request body is not a JSON object");
    };
    let fields = match order_fields(&body) {
        Ok(f) => f,
        Err(messages) => {
            return reply(
                400,
                json!({"status_code": "400", "status_message": "One or more parameters in the payload is invalid.", "validation_messages": messages}),
            );
        }
    };
    let method_name = match charge_method(&body) {
        Ok(m) => m,
        Err(message) => return core_error(400, &message),
    };
    let mut state = lock(&shared.state);
    if let Some(existing) = state.orders.get(&fields.order_id)
        && existing.status != "cancel"
    {
        let message = if existing.status == "settlement" {
            "order_id has been paid and utilized, please try again using a different order_id"
        } else {
            "order_id has already been taken, please try again using a different order_id"
        };
        return core_error(406, message);
    }
    let mut order = Order::new(
        fields.order_id.clone(),
        fields.gross_amount,
        fields.item_name,
        Kind::Core,
        window(body.get("custom_expiry"), "expiry_duration"),
    );
    let Some(method) = Method::generate(
        method_name,
        &order.order_id,
        order.gross_amount,
        &order.transaction_id,
    ) else {
        return core_error(400, "payment method not supported");
    };
    let message = created_message(&method);
    order.choose(method);
    let answer = order.to_json(&shared.base_url, &shared.config.server_key, message);
    state.orders.insert(fields.order_id, order.clone());
    if shared.config.notify_pending {
        shared.emit(&state, &order);
    }
    // Midtrans answers a charge with HTTP 200 and the outcome in the body's status_code.
    reply(200, answer)
}

async fn status(
    req: HttpRequest,
    id: web::Path<String>,
    shared: web::Data<Shared>,
) -> HttpResponse {
    if !authorized(&req, &shared) {
        return core_error(401, "Unknown Merchant server_key/id");
    }
    let mut state = lock(&shared.state);
    if state.switches.status_down {
        return core_error(503, "Service temporarily unavailable.");
    }
    match state.find_mut(&id) {
        Some(order) if order.method.is_some() => reply(
            200,
            order.to_json(
                &shared.base_url,
                &shared.config.server_key,
                "Success, transaction is found",
            ),
        ),
        _ => core_error(404, "Transaction doesn't exist."),
    }
}

/// `POST /v2/{id}/cancel` and `POST /v2/{id}/expire`.
async fn modify_route(
    req: HttpRequest,
    path: web::Path<(String, String)>,
    shared: web::Data<Shared>,
) -> HttpResponse {
    let (id, action) = path.into_inner();
    match action.as_str() {
        "cancel" => modify(
            &req,
            &id,
            &shared,
            Action::Cancel,
            "Success, transaction is canceled",
        ),
        "expire" => modify(
            &req,
            &id,
            &shared,
            Action::Expire,
            "Success, transaction has expired",
        ),
        _ => core_error(404, "Unknown action."),
    }
}

fn modify(
    req: &HttpRequest,
    id: &str,
    shared: &Shared,
    action: Action,
    message: &str,
) -> HttpResponse {
    if !authorized(req, shared) {
        return core_error(401, "Unknown Merchant server_key/id");
    }
    let known = lock(&shared.state)
        .find_mut(id)
        .is_some_and(|o| o.method.is_some());
    if !known {
        return core_error(404, "Transaction doesn't exist.");
    }
    match shared.act(id, action, None) {
        Ok(order) => {
            let mut body = order.to_json(&shared.base_url, &shared.config.server_key, message);
            if let Some(map) = body.as_object_mut() {
                map.remove("signature_key");
            }
            reply(200, body)
        }
        Err(SimError::InvalidState { .. }) => {
            core_error(412, "Merchant cannot modify the status of the transaction")
        }
        Err(_) => core_error(404, "Transaction doesn't exist."),
    }
}

async fn qr_image(id: web::Path<String>, shared: web::Data<Shared>) -> HttpResponse {
    let qr = lock(&shared.state).find_mut(&id).and_then(|o| {
        o.method
            .as_ref()
            .and_then(Method::qr_string)
            .map(str::to_owned)
    });
    match qr.and_then(|q| page::qr_svg(&q)) {
        Some(svg) => HttpResponse::Ok()
            .insert_header((CONTENT_TYPE, "image/svg+xml"))
            .body(svg),
        None => core_error(404, "Transaction doesn't exist."),
    }
}
