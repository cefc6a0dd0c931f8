//! The WhatsApp Cloud API webhook (`/api/webhooks/whatsapp`): Meta's subscription check and
//! the delivery reports (`sent`, `delivered`, `read`, `failed`) that update the message log.
//!
//! * Every report body must carry a valid `X-Hub-Signature-256` (HMAC-SHA256 of the raw body
//!   with `WHATSAPP_CLOUD_APP_SECRET`, compared in constant time): unsigned → 401
//!   `unauthorized`, wrong → 403 `signature_invalid`; nothing changes.
//! * Replays are refused: a body already processed (its SHA-256 is remembered for
//!   [`REPLAY_WINDOW`]) → 409 `webhook_replayed`, and a body whose reports are all older than
//!   that window → 409 as well (it cannot be told apart from a replay any more). A body that
//!   failed to apply is forgotten, so Meta's retry of it is processed.
//! * Applying a report is idempotent and never moves a message backwards (a late `sent` after
//!   `read` changes nothing): see `saring_store::repo::messages::apply_delivery`.

use std::time::Duration;

use saring_domain::api::ErrorCode;
use saring_gateways::messenger::cloud_api::{WebhookError, delivery_reports, verify_signature};
use saring_store::repo::messages::{self, DeliveryStatus};

use crate::context::App;
use crate::error::{AppError, AppResult};
use crate::settings::keys;
use crate::tokens::sha256_hex;

/// How long a processed body is remembered (and how old a report may be).
pub const REPLAY_WINDOW: Duration = Duration::from_secs(7 * 24 * 3600);

/// What a delivery-report POST did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct WebhookOutcome {
    /// Reports in the body.
    pub reports: usize,
    /// Messages whose state changed.
    pub updated: usize,
}

/// The app secret that signs webhooks: the settings page's, else the environment's, else (in
/// the demo) the running simulator's.
async fn app_secret(app: &App) -> AppResult<Option<String>> {
    let current = crate::settings::current(app).await?;
    if let Some(s) = current.text(keys::WHATSAPP_CLOUD_APP_SECRET) {
        return Ok(Some(s));
    }
    Ok(app
        .whatsapp_sim()
        .get()
        .map(|sim| sim.config().app_secret.clone()))
}

/// Meta's subscription check: answers `hub.challenge` when `hub.mode` is `subscribe` and
/// `hub.verify_token` is `WHATSAPP_CLOUD_VERIFY_TOKEN`.
pub async fn verify_subscription(
    app: &App,
    mode: Option<&str>,
    token: Option<&str>,
    challenge: Option<&str>,
) -> AppResult<String> {
    let expected = crate::settings::current(app)
        .await?
        .text(keys::WHATSAPP_CLOUD_VERIFY_TOKEN);
    let ok = mode == Some("subscribe")
        && match (expected, token) {
            (Some(e), Some(t)) => subtle::ConstantTimeEq::ct_eq(e.as_bytes(), t.as_bytes()).into(),
            _ => false,
        };
    match (ok, challenge) {
        (true, Some(c)) if !c.is_empty() && c.len() <= 200 => Ok(c.to_owned()),
        _ => Err(AppError::rejected(
            ErrorCode::Forbidden,
            "Verifikasi webhook WhatsApp ditolak (verify token salah atau belum diatur).",
        )),
    }
}

/// Checks and applies a delivery-report body (see the module docs).
pub async fn receive(app: &App, body: &[u8], signature: Option<&str>) -> AppResult<WebhookOutcome> {
    let secret = app_secret(app).await?.ok_or_else(|| {
        AppError::rejected(
            ErrorCode::ServiceUnavailable,
            "Webhook WhatsApp belum dikonfigurasi (WHATSAPP_CLOUD_APP_SECRET).",
        )
    })?;
    verify_signature(&secret, body, signature).map_err(|e| match e {
        WebhookError::Unsigned => AppError::rejected(
            ErrorCode::Unauthorized,
            "Webhook tanpa tanda tangan X-Hub-Signature-256 ditolak.",
        ),
        _ => AppError::rejected(
            ErrorCode::SignatureInvalid,
            "Tanda tangan webhook WhatsApp tidak cocok.",
        ),
    })?;
    let reports = delivery_reports(body).map_err(|e| {
        AppError::rejected(
            ErrorCode::BadRequest,
            format!("Webhook tidak dikenali: {e}"),
        )
    })?;
    let now = app.now();
    let oldest_allowed = now.timestamp() - REPLAY_WINDOW.as_secs() as i64;
    if !reports.is_empty() && reports.iter().all(|r| r.timestamp < oldest_allowed) {
        return Err(AppError::rejected(
            ErrorCode::WebhookReplayed,
            "Laporan pengiriman ini terlalu lama (kemungkinan dikirim ulang).",
        ));
    }
    let seen_key = format!("wa:webhook:{}", sha256_hex(&String::from_utf8_lossy(body)));
    if !app.kv().set_nx(&seen_key, "1", Some(REPLAY_WINDOW)).await? {
        return Err(AppError::rejected(
            ErrorCode::WebhookReplayed,
            "Laporan pengiriman ini sudah pernah diterima.",
        ));
    }
    let mut updated = 0;
    for r in &reports {
        let Some(status) = DeliveryStatus::parse(&r.status) else {
            tracing::debug!(status = %r.status, "WhatsApp status ignored");
            continue;
        };
        match messages::apply_delivery(app.db(), &r.id, status, r.error.as_deref(), now).await {
            Ok(true) => updated += 1,
            Ok(false) => {}
            Err(e) => {
                // Forget the body so the provider's retry is processed.
                let _ = app.kv().del(&seen_key).await;
                return Err(e.into());
            }
        }
    }
    tracing::info!(
        reports = reports.len(),
        updated,
        "WhatsApp delivery reports applied"
    );
    Ok(WebhookOutcome {
        reports: reports.len(),
        updated,
    })
}
