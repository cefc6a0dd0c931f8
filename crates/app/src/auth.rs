//! Logging in: WhatsApp OTP (with the captive context and device binding), auto-login from a
//! known device, the admin password login, session hand-off, refresh and logout.

use std::time::Duration;

use rand::Rng;
use saring_domain::Phone;
use saring_domain::access::{AccessStatus, ApprovalStatus, BlockKind};
use saring_domain::api::{ErrorBody, ErrorCode};
use saring_domain::dto::auth::CaptiveContext;
use saring_domain::user::User;
use saring_gateways::messenger::OutgoingMessage;
use saring_store::repo::activity::{self, LoginRecord};
use saring_store::repo::users::{self, UserPatch};
use secrecy::{ExposeSecret, SecretString};
use subtle::ConstantTimeEq;

use crate::config::Mode;
use crate::context::App;
use crate::devices::{self, BindOutcome};
use crate::error::{AppError, AppResult};
use crate::ratelimit::{self, per_hour, per_minute};
use crate::tokens::{self, AccessToken, ClientInfo, IssuedRefresh};

/// Everything a successful login produces.
pub struct LoginOutcome {
    pub user: User,
    pub access: AccessToken,
    pub refresh: IssuedRefresh,
    pub status: AccessStatus,
    pub hotspot_login_required: bool,
    pub hotspot_binding_active: bool,
    pub session_token: Option<String>,
    pub bind: Option<BindOutcome>,
}

fn denied(app: &App, status: saring_domain::PageStatus, message: &str) -> AppError {
    AppError::Rejected(Box::new(ErrorBody::access_denied(
        status,
        tokens::status_token(app, status),
        message,
    )))
}

/// Who may log in: approved, active, and not hard-blocked. A user blocked only for the
/// auto-debt limit may log in, to pay.
pub fn check_can_login(app: &App, user: &User) -> AppResult<()> {
    if user.is_blocked
        && BlockKind::of_reason(user.blocked_reason.as_deref()) != BlockKind::AutoDebtLimit
    {
        return Err(denied(
            app,
            saring_domain::PageStatus::Blocked,
            "Akun Anda diblokir. Hubungi admin.",
        ));
    }
    if user.approval_status != ApprovalStatus::Approved {
        let text = if user.approval_status == ApprovalStatus::Rejected {
            "Pendaftaran Anda ditolak. Hubungi admin."
        } else {
            "Akun Anda masih menunggu persetujuan admin."
        };
        return Err(denied(app, saring_domain::PageStatus::Inactive, text));
    }
    if !user.is_active {
        return Err(denied(
            app,
            saring_domain::PageStatus::Inactive,
            "Akun Anda tidak aktif. Hubungi admin.",
        ));
    }
    Ok(())
}

pub fn parse_phone(text: &str) -> AppResult<Phone> {
    Phone::parse(text).map_err(|e| {
        AppError::Rejected(Box::new(
            ErrorBody::new(ErrorCode::PhoneInvalid, e.to_string()).with_details(
                serde_json::json!([{ "loc": ["phone_number"], "msg": e.to_string() }]),
            ),
        ))
    })
}

async fn find_user(app: &App, phone: &Phone) -> AppResult<User> {
    users::find_by_phone(app.db(), phone).await?.ok_or_else(|| {
        AppError::rejected(
            ErrorCode::UserNotFound,
            "Nomor belum terdaftar. Silakan daftar terlebih dahulu.",
        )
    })
}

fn otp_key(phone: &Phone) -> String {
    format!("otp:{}", phone.as_e164())
}

fn otp_hash(app: &App, phone: &Phone, code: &str) -> String {
    tokens::sha256_hex(&format!(
        "{}|{}|{code}",
        app.config().secrets.secret_key.expose_secret(),
        phone.as_e164()
    ))
}

/// `POST /api/auth/request-otp`: a fresh 6-digit code by WhatsApp.
pub async fn request_otp(app: &App, phone_text: &str, client: &ClientInfo) -> AppResult<()> {
    let phone = parse_phone(phone_text)?;
    let ip = client.ip.as_deref().unwrap_or("-");
    ratelimit::check(
        app,
        "otp-request",
        &format!("{ip}:{}", phone.as_e164()),
        &[per_minute(5), per_hour(20)],
    )
    .await?;
    let user = find_user(app, &phone).await?;
    check_can_login(app, &user)?;

    let cfg = &app.config().otp;
    let cooldown_key = format!("otp:cooldown:{}", phone.as_e164());
    if cfg.cooldown_seconds > 0
        && !app
            .kv()
            .set_nx(
                &cooldown_key,
                "1",
                Some(Duration::from_secs(cfg.cooldown_seconds)),
            )
            .await?
    {
        let wait = app
            .kv()
            .ttl(&cooldown_key)
            .await?
            .unwrap_or(Duration::from_secs(cfg.cooldown_seconds));
        return Err(ratelimit::too_many(
            ErrorCode::OtpCooldown,
            "Tunggu sebentar sebelum meminta kode OTP baru.",
            wait,
        ));
    }
    let code = format!("{:06}", rand::rng().random_range(0..1_000_000u32));
    app.kv()
        .set(
            &otp_key(&phone),
            &otp_hash(app, &phone, &code),
            Some(Duration::from_secs(cfg.expire_seconds)),
        )
        .await?;
    let text = crate::templates::render(
        "auth_send_otp",
        &[
            ("app_name", app.config().app.name.clone()),
            ("otp_code", code),
            (
                "otp_expiry_minutes",
                (cfg.expire_seconds / 60).max(1).to_string(),
            ),
        ],
    )?;
    if let Err(e) = app
        .messenger()
        .send(&OutgoingMessage::otp(phone.clone(), text))
        .await
    {
        tracing::warn!(error = %e, "OTP message failed");
        // The user never got this code: let them ask again at once.
        let _ = app.kv().del(&otp_key(&phone)).await;
        let _ = app.kv().del(&cooldown_key).await;
        return Err(AppError::rejected(
            ErrorCode::ServiceUnavailable,
            "Kode OTP gagal dikirim lewat WhatsApp. Coba lagi sebentar lagi.",
        ));
    }
    Ok(())
}

fn fail_key(phone: &Phone) -> String {
    format!("otp:fail:{}", phone.as_e164())
}

/// Checks a code without consuming it; counts failures (max per window → 429).
async fn check_otp(app: &App, phone: &Phone, code: &str) -> AppResult<()> {
    let cfg = &app.config().otp;
    let fails = app
        .kv()
        .get(&fail_key(phone))
        .await?
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(0);
    if fails >= cfg.verify_max_attempts {
        let wait = app
            .kv()
            .ttl(&fail_key(phone))
            .await?
            .unwrap_or(Duration::from_secs(cfg.verify_window_seconds));
        return Err(ratelimit::too_many(
            ErrorCode::OtpTooManyAttempts,
            "Terlalu banyak percobaan kode OTP. Coba lagi nanti.",
            wait,
        ));
    }
    let code: String = code.chars().filter(char::is_ascii_digit).collect();
    if app.mode() == Mode::Embedded
        && let Some(bypass) = &cfg.bypass_code
        && !bypass.expose_secret().is_empty()
        && bool::from(bypass.expose_secret().as_bytes().ct_eq(code.as_bytes()))
    {
        return Ok(());
    }
    let Some(stored) = app.kv().get(&otp_key(phone)).await? else {
        return Err(AppError::rejected(
            ErrorCode::OtpExpired,
            "Kode OTP sudah kedaluwarsa. Minta kode baru.",
        ));
    };
    let ok = code.len() == 6
        && bool::from(
            stored
                .as_bytes()
                .ct_eq(otp_hash(app, phone, &code).as_bytes()),
        );
    if !ok {
        app.kv()
            .incr_window(
                &fail_key(phone),
                Duration::from_secs(cfg.verify_window_seconds),
            )
            .await?;
        return Err(AppError::rejected(ErrorCode::OtpInvalid, "Kode OTP salah."));
    }
    Ok(())
}

/// Consumes the code (single use). A code used by a concurrent request is gone: expired.
async fn consume_otp(app: &App, phone: &Phone, bypass: bool) -> AppResult<()> {
    let taken = app.kv().get_del(&otp_key(phone)).await?;
    if taken.is_none() && !bypass {
        return Err(AppError::rejected(
            ErrorCode::OtpExpired,
            "Kode OTP sudah dipakai atau kedaluwarsa. Minta kode baru.",
        ));
    }
    let _ = app.kv().del(&fail_key(phone)).await;
    Ok(())
}

/// `POST /api/auth/verify-otp`.
pub async fn verify_otp(
    app: &App,
    phone_text: &str,
    code: &str,
    ctx: &CaptiveContext,
    confirm_takeover: bool,
    client: &ClientInfo,
) -> AppResult<LoginOutcome> {
    let phone = parse_phone(phone_text)?;
    let ip = client.ip.as_deref().unwrap_or("-");
    ratelimit::check(
        app,
        "otp-verify",
        &format!("{ip}:{}", phone.as_e164()),
        &[per_minute(10), per_hour(60)],
    )
    .await?;
    check_otp(app, &phone, code).await?;
    let user = find_user(app, &phone).await?;
    check_can_login(app, &user)?;
    // Everything that can refuse the login runs before the code is used up, so the user can
    // retry (e.g. confirm a device takeover) with the same code.
    let resolved = devices::resolve_context(app, ctx).await?;
    let bypass = app.mode() == Mode::Embedded
        && app
            .config()
            .otp
            .bypass_code
            .as_ref()
            .is_some_and(|b| !b.expose_secret().is_empty() && b.expose_secret() == code.trim());
    let bind = match &resolved {
        Some(r) => Some(
            devices::bind(
                app,
                &user,
                r,
                confirm_takeover,
                client.user_agent.as_deref(),
                "otp-login",
            )
            .await?,
        ),
        None => None,
    };
    consume_otp(app, &phone, bypass).await?;
    finish_login(
        app,
        user,
        bind,
        "otp",
        client,
        resolved.as_ref().map(|r| (r.ip, r.mac, r.rh.router.id)),
    )
    .await
}

/// `POST /api/auth/auto-login`: a device the router shows as bound to an approved user
/// logs in without a code.
pub async fn auto_login(
    app: &App,
    ctx: &CaptiveContext,
    client: &ClientInfo,
) -> AppResult<LoginOutcome> {
    let ip = client.ip.as_deref().unwrap_or("-");
    ratelimit::check(app, "auto-login", ip, &[per_minute(60)]).await?;
    let Some(resolved) = devices::resolve_context(app, ctx).await? else {
        return Err(AppError::rejected(
            ErrorCode::BadRequest,
            "Konteks perangkat (IP/MAC) diperlukan.",
        ));
    };
    let unknown = || {
        AppError::rejected(
            ErrorCode::Unauthorized,
            "Perangkat belum dikenal. Masuk dengan kode OTP.",
        )
    };
    let device = saring_store::repo::devices::find_by_mac(app.db(), resolved.mac)
        .await?
        .filter(|d| d.is_authorized)
        .ok_or_else(unknown)?;
    let user = users::find_by_id(app.db(), device.user_id)
        .await?
        .ok_or_else(unknown)?;
    check_can_login(app, &user)?;
    let bind = devices::bind(
        app,
        &user,
        &resolved,
        false,
        client.user_agent.as_deref(),
        "auto-login",
    )
    .await?;
    finish_login(
        app,
        user,
        Some(bind),
        "auto_login",
        client,
        Some((resolved.ip, resolved.mac, resolved.rh.router.id)),
    )
    .await
}

/// `POST /api/auth/admin/login`: phone + password, administrators only.
pub async fn admin_login(
    app: &App,
    username: &str,
    password: &SecretString,
    client: &ClientInfo,
) -> AppResult<LoginOutcome> {
    let ip = client.ip.as_deref().unwrap_or("-");
    ratelimit::check(app, "admin-login", ip, &[per_minute(10), per_hour(60)]).await?;
    let bad = || AppError::rejected(ErrorCode::InvalidCredentials, "Nomor atau password salah.");
    let phone = Phone::parse(username).map_err(|_| bad())?;
    ratelimit::check(app, "admin-login-phone", phone.as_e164(), &[per_hour(20)]).await?;
    let Some(user) = users::find_by_phone(app.db(), &phone).await? else {
        // Same work as a real check, so response time does not reveal registered numbers.
        let _ = crate::accounts::verify_password(
            password,
            "$argon2id$v=19$m=19456,t=2,p=1$c2FyaW5nc2FyaW5n$8J5nq0zJbT0A2yU9aJx1pF1hQ9nYgW8x0hHk5dC2b4Q",
        );
        return Err(bad());
    };
    let hash = user.password_hash.clone().unwrap_or_default();
    if !crate::accounts::verify_password(password, &hash) {
        return Err(bad());
    }
    if !user.role.is_admin() {
        return Err(AppError::rejected(
            ErrorCode::AdminRequired,
            "Hanya admin yang dapat masuk di sini.",
        ));
    }
    check_can_login(app, &user)?;
    let when = app.config().app.timezone.format_datetime(app.now());
    crate::notify::send_template(
        app,
        &user.phone,
        "admin_login_notification",
        &[
            ("app_name", app.config().app.name.clone()),
            ("full_name", user.full_name.clone()),
            ("login_time", when),
        ],
    )
    .await;
    finish_login(app, user, None, "password", client, None).await
}

/// `POST /api/auth/session/consume`.
pub async fn consume_session(
    app: &App,
    token: &str,
    client: &ClientInfo,
) -> AppResult<LoginOutcome> {
    let ip = client.ip.as_deref().unwrap_or("-");
    ratelimit::check(app, "session-consume", ip, &[per_minute(30)]).await?;
    let user_id = tokens::consume_session_token(app, token).await?;
    let user = users::find_by_id(app.db(), user_id)
        .await?
        .ok_or_else(|| AppError::rejected(ErrorCode::Unauthorized, "Token sesi tidak valid."))?;
    check_can_login(app, &user)?;
    finish_login(app, user, None, "session_handoff", client, None).await
}

async fn finish_login(
    app: &App,
    user: User,
    bind: Option<BindOutcome>,
    method: &str,
    client: &ClientInfo,
    device: Option<(std::net::IpAddr, saring_domain::mac::Mac, uuid::Uuid)>,
) -> AppResult<LoginOutcome> {
    let now = app.now();
    let user = users::update(
        app.db(),
        user.id,
        UserPatch {
            last_login_at: Some(Some(now)),
            ..UserPatch::default()
        },
    )
    .await?;
    activity::record_login(
        app.db(),
        &LoginRecord {
            user_id: user.id,
            login_time: now,
            ip_address: device
                .map(|d| d.0.to_string())
                .or_else(|| client.ip.clone()),
            mac_address: device.map(|d| d.1.to_string()),
            user_agent: client.user_agent.clone(),
            router_id: device.map(|d| d.2),
            method: Some(method.to_owned()),
        },
    )
    .await?;
    let access = tokens::issue_access(app, user.id, user.role)?;
    let refresh = tokens::issue_refresh(app, user.id, client).await?;
    let status = app.config().policy.status(&user.access_snapshot(), now);
    let hotspot_login_required = !app.config().policy.bypasses_hotspot_login(status);
    let hotspot_binding_active = bind
        .as_ref()
        .is_some_and(|b| b.change.binding_type == Some(saring_domain::BindingType::Bypassed));
    let session_token = match method {
        "session_handoff" => None,
        _ => Some(tokens::create_session_token(app, user.id).await?),
    };
    Ok(LoginOutcome {
        user,
        access,
        refresh,
        status,
        hotspot_login_required,
        hotspot_binding_active,
        session_token,
        bind,
    })
}
