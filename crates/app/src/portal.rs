//! Public portal data: settings the SPA needs before login, the RFC 8908 captive API, and the
//! demo outbox.

use saring_domain::api::ErrorCode;
use saring_domain::dto::auth::{CaptivePortalInfo, OutboxMessage, PublicSettings};
use saring_domain::user::User;
use saring_store::repo::settings;

use crate::config::Mode;
use crate::context::App;
use crate::error::{AppError, AppResult};

/// A boolean setting stored in `application_settings` (run-time switches such as the
/// maintenance mode), else `default`.
pub async fn setting_bool(app: &App, key: &str, default: bool) -> AppResult<bool> {
    Ok(match settings::get(app.db(), app.cipher(), key).await? {
        Some(v) => crate::config::parse_bool(&v).unwrap_or(default),
        None => default,
    })
}

pub async fn public_settings(app: &App) -> AppResult<PublicSettings> {
    let c = app.config();
    let maintenance = setting_bool(app, "MAINTENANCE_MODE_ACTIVE", false).await?;
    let message = settings::get(app.db(), app.cipher(), "MAINTENANCE_MODE_MESSAGE")
        .await?
        .unwrap_or_else(|| c.portal.maintenance_message.clone());
    Ok(PublicSettings {
        app_name: c.app.name.clone(),
        maintenance_mode_active: maintenance,
        maintenance_mode_message: message,
        admin_whatsapp: c.portal.admin_whatsapp.clone(),
        payment_provider_mode: match c.payments.provider_mode {
            crate::config::ProviderMode::Snap => "snap".into(),
            crate::config::ProviderMode::CoreApi => "core_api".into(),
        },
        payment_methods: vec!["qris".into(), "gopay".into(), "va".into()],
        va_banks: ["bca", "bni", "bri", "mandiri", "permata", "cimb"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect(),
        max_devices_per_user: c.devices.max_per_user,
        blok_options: c.portal.blok_options.clone(),
        kamar_options: c.portal.kamar_options.clone(),
        tamping_options: c.portal.tamping_options.clone(),
        timezone: c.app.timezone.name().to_owned(),
    })
}

/// RFC 8908: is this client captive, where is the portal, how much is left.
pub fn captive_info(app: &App, user: Option<&User>, portal_url: String) -> CaptivePortalInfo {
    let now = app.now();
    let (captive, seconds, bytes) = match user {
        Some(u) => {
            let status = app.config().policy.status(&u.access_snapshot(), now);
            let account = u.quota_account();
            let seconds = u.quota_expiry_date.map(|e| (e - now).num_seconds().max(0));
            let bytes =
                (!account.is_unlimited && !u.role.is_admin()).then(|| account.remaining().0);
            (
                !app.config().policy.bypasses_hotspot_login(status),
                seconds,
                bytes,
            )
        }
        None => (true, None, None),
    };
    CaptivePortalInfo {
        captive,
        user_portal_url: portal_url,
        venue_info_url: None,
        seconds_remaining: seconds,
        bytes_remaining: bytes,
        can_extend_session: true,
    }
}

/// The console messenger's messages (every OTP and hotspot password), oldest first — only
/// in the embedded mode (`None` otherwise). Open to anyone while the server listens on
/// loopback (the demo, the browser tests); a `saring run --allow-remote` on another address
/// shows it to a signed-in admin only.
pub fn dev_outbox(app: &App, viewer: Option<&User>) -> AppResult<Option<Vec<OutboxMessage>>> {
    if app.mode() != Mode::Embedded {
        return Ok(None);
    }
    if !app.config().listen.ip().is_loopback() {
        match viewer {
            Some(u) if u.role.is_admin() => {}
            Some(_) => {
                return Err(AppError::rejected(
                    ErrorCode::AdminRequired,
                    "Kotak pesan demo khusus admin.",
                ));
            }
            None => {
                return Err(AppError::rejected(
                    ErrorCode::Unauthorized,
                    "Silakan masuk sebagai admin untuk membuka kotak pesan demo.",
                ));
            }
        }
    }
    Ok(app.outbox().map(|o| {
        o.entries()
            .into_iter()
            .map(|e| OutboxMessage {
                to: e.to,
                text: e.text,
                sent_at: e.sent_at,
            })
            .collect()
    }))
}
