//! Public portal data: settings the SPA needs before login, the RFC 8908 captive API, and the
//! demo outbox.

use saring_domain::api::ErrorCode;
use saring_domain::dto::auth::{CaptivePortalInfo, OutboxMessage, PublicSettings};
use saring_domain::user::User;

use crate::config::Mode;
use crate::context::App;
use crate::error::{AppError, AppResult};
use crate::settings::keys;

pub async fn public_settings(app: &App) -> AppResult<PublicSettings> {
    let c = app.config();
    let s = crate::settings::current(app).await?;
    let payments = crate::payments::options(app).await?;
    Ok(PublicSettings {
        app_name: s.text(keys::APP_NAME).unwrap_or_else(|| c.app.name.clone()),
        app_browser_title: s
            .text(keys::APP_BROWSER_TITLE)
            .unwrap_or_else(|| c.app.name.clone()),
        maintenance_mode_active: s.flag(keys::MAINTENANCE_MODE_ACTIVE),
        maintenance_mode_message: s
            .text(keys::MAINTENANCE_MODE_MESSAGE)
            .unwrap_or_else(|| c.portal.maintenance_message.clone()),
        admin_whatsapp: c.portal.admin_whatsapp.clone(),
        payment_provider_mode: payments.provider_mode,
        payment_methods: payments.payment_methods,
        va_banks: payments.va_banks,
        max_devices_per_user: c.devices.max_per_user,
        blok_options: s.list(keys::BLOK_OPTIONS),
        kamar_options: s.list(keys::KAMAR_OPTIONS),
        tamping_options: s.list(keys::TAMPING_OPTIONS),
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
