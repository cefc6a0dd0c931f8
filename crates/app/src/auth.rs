//! Logging in: WhatsApp OTP (with the captive context and device binding), one-tap re-login
//! from a known device, the admin password login, session hand-off and refresh.
//!
//! Who gets what: an OTP proves a phone number, so it gives a user session (an administrator
//! who logs in with one acts as a user); administrators act as administrators only after
//! their password. One-tap re-login needs the device credential the browser received at its
//! OTP login ([`crate::presence`]); knowing a device's address is never enough.

use std::time::Duration;

use rand::Rng;
use saring_domain::Phone;
use saring_domain::access::{AccessStatus, ApprovalStatus, BlockKind, Role};
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
use crate::error::{AppError, AppResult};
use crate::presence::{self, IssuedCredential};
use crate::ratelimit::{self, per_hour, per_minute, per_minutes};
use crate::router::devices::{self, BindOutcome};
use crate::tokens::{self, AccessToken, ClientInfo, Handoff, IssuedRefresh, SessionScope};

/// Everything a successful login produces.
pub struct LoginOutcome {
    /// The account, with `role` as this session may act (capped for an OTP login).
    pub user: User,
    pub access: AccessToken,
    pub refresh: IssuedRefresh,
    pub status: AccessStatus,
    pub hotspot_login_required: bool,
    pub hotspot_binding_active: bool,
    pub session_token: Option<String>,
    pub bind: Option<BindOutcome>,
    /// A new device credential for this browser (set as an HttpOnly cookie).
    pub device_credential: Option<IssuedCredential>,
}

/// How a login was made, and what the session it opens may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Method {
    Otp,
    AutoLogin,
    Password,
    Handoff,
}

impl Method {
    fn as_str(self) -> &'static str {
        match self {
            Method::Otp => "otp",
            Method::AutoLogin => "auto_login",
            Method::Password => "password",
            Method::Handoff => "session_handoff",
        }
    }
}

/// The role cap of a session opened by `method` for `user`: only a password login lets an
/// administrator act as one.
fn cap_for(user: &User, method: Method) -> Option<Role> {
    (method != Method::Password && user.role.is_admin()).then_some(Role::User)
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
///
/// Every answer that tells numbers apart (unregistered, pending, blocked) comes after the
/// per-address limits, which count requests across all numbers; the send itself also draws on
/// an install-wide budget.
pub async fn request_otp(app: &App, phone_text: &str, client: &ClientInfo) -> AppResult<()> {
    let phone = parse_phone(phone_text)?;
    let cfg = &app.config().otp;
    let ip = client.ip.as_deref().unwrap_or("-");
    ratelimit::check(
        app,
        "otp-request-ip",
        ip,
        &[
            per_minute(cfg.request_per_ip_per_minute),
            per_hour(cfg.request_per_ip_per_hour),
        ],
    )
    .await?;
    ratelimit::check(
        app,
        "otp-request",
        &format!("{ip}:{}", phone.as_e164()),
        &[per_minute(5), per_hour(20)],
    )
    .await?;
    let user = find_user(app, &phone).await?;
    check_can_login(app, &user)?;

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
    if let Err(e) = ratelimit::check(
        app,
        "otp-send-global",
        "all",
        &[
            per_minute(cfg.global_sends_per_minute),
            per_hour(cfg.global_sends_per_hour),
        ],
    )
    .await
    {
        tracing::warn!("the install-wide OTP send budget is used up");
        let _ = app.kv().del(&cooldown_key).await;
        return Err(e);
    }
    let code = format!("{:06}", rand::rng().random_range(0..1_000_000u32));
    app.kv()
        .set(
            &otp_key(&phone),
            &otp_hash(app, &phone, &code),
            Some(Duration::from_secs(cfg.expire_seconds)),
        )
        .await?;
    let vars = [
        ("app_name", app.config().app.name.clone()),
        ("otp_code", code),
        (
            "otp_expiry_minutes",
            (cfg.expire_seconds / 60).max(1).to_string(),
        ),
    ];
    let text = crate::templates::render("auth_send_otp", &vars)?;
    let msg = OutgoingMessage::otp(phone.clone(), text).with_template(
        "auth_send_otp",
        crate::notify::template_params("auth_send_otp", &vars),
    );
    if let Err(e) = crate::notify::whatsapp(app).await.send(&msg).await {
        tracing::warn!(error = %e, "OTP message failed");
        record_otp_failure(app, &phone, &e.to_string()).await;
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

/// Logs an OTP that could not be sent in the message log (status `failed`, never the code),
/// for the reliability signals. A failure to log is only traced: the user's answer stays the
/// same.
async fn record_otp_failure(app: &App, phone: &Phone, error: &str) {
    use saring_store::repo::messages;
    let now = app.now();
    let logged = messages::insert(
        app.db(),
        &messages::NewMessage {
            channel: "whatsapp",
            target: phone.as_e164(),
            user_id: None,
            template: Some(saring_store::repo::reliability::OTP_TEMPLATE),
            dedupe_key: None,
            status: "failed",
            broadcast_id: None,
        },
        now,
    )
    .await;
    let result = match logged {
        Ok(Some(id)) => messages::set_status(app.db(), id, "failed", Some(error), now).await,
        Ok(None) => Ok(()),
        Err(e) => Err(e),
    };
    if let Err(e) = result {
        tracing::warn!(error = %e, "could not log the failed OTP send");
    }
}

/// Wrong codes one source may send for one number in `OTP_VERIFY_WINDOW_SECONDS`.
fn source_failures(app: &App) -> ratelimit::Limit {
    let cfg = &app.config().otp;
    ratelimit::Limit {
        count: cfg.verify_max_attempts,
        window: Duration::from_secs(cfg.verify_window_seconds),
    }
}

/// Wrong codes for one number from every source together, within the code's lifetime.
fn code_failures(app: &App) -> ratelimit::Limit {
    let cfg = &app.config().otp;
    ratelimit::Limit {
        count: cfg.code_max_failures,
        window: Duration::from_secs(cfg.expire_seconds),
    }
}

fn source_key(phone: &Phone, client: &ClientInfo) -> String {
    format!(
        "{}|{}",
        phone.as_e164(),
        client.ip.as_deref().unwrap_or("-")
    )
}

/// Checks a code without consuming it. Failures count per source (that source gets 429, no
/// one else does) and per number: past `OTP_CODE_MAX_FAILURES` the code is void and a new
/// one must be requested, so guessing stays hopeless without a lock anyone could trigger.
async fn check_otp(app: &App, phone: &Phone, code: &str, client: &ClientInfo) -> AppResult<()> {
    let source = source_key(phone, client);
    if ratelimit::failures(app, "otp-fail", &source, source_failures(app)).await?
        >= source_failures(app).count
    {
        let wait = ratelimit::failure_wait(app, "otp-fail", &source, source_failures(app)).await;
        return Err(ratelimit::too_many(
            ErrorCode::OtpTooManyAttempts,
            "Terlalu banyak percobaan kode OTP. Coba lagi nanti.",
            wait,
        ));
    }
    let code: String = code.chars().filter(char::is_ascii_digit).collect();
    if is_bypass(app, &code) {
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
        ratelimit::note_failure(app, "otp-fail", &source, source_failures(app)).await?;
        let total =
            ratelimit::note_failure(app, "otp-code-fail", phone.as_e164(), code_failures(app))
                .await?;
        if total >= code_failures(app).count {
            tracing::warn!(
                failures = total,
                "too many wrong codes for one number: the code is void"
            );
            app.kv().del(&otp_key(phone)).await?;
            ratelimit::clear_failures(app, "otp-code-fail", phone.as_e164(), code_failures(app))
                .await;
        }
        return Err(AppError::rejected(ErrorCode::OtpInvalid, "Kode OTP salah."));
    }
    Ok(())
}

/// The embedded mode's demo code (`OTP_BYPASS_CODE`), never honoured by `saring serve`.
fn is_bypass(app: &App, code: &str) -> bool {
    app.mode() == Mode::Embedded
        && app.config().otp.bypass_code.as_ref().is_some_and(|b| {
            !b.expose_secret().is_empty()
                && bool::from(b.expose_secret().as_bytes().ct_eq(code.trim().as_bytes()))
        })
}

/// Consumes the code (single use). A code used by a concurrent request is gone: expired.
async fn consume_otp(app: &App, phone: &Phone, bypass: bool, client: &ClientInfo) -> AppResult<()> {
    let taken = app.kv().get_del(&otp_key(phone)).await?;
    if taken.is_none() && !bypass {
        return Err(AppError::rejected(
            ErrorCode::OtpExpired,
            "Kode OTP sudah dipakai atau kedaluwarsa. Minta kode baru.",
        ));
    }
    ratelimit::clear_failures(
        app,
        "otp-fail",
        &source_key(phone, client),
        source_failures(app),
    )
    .await;
    ratelimit::clear_failures(app, "otp-code-fail", phone.as_e164(), code_failures(app)).await;
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
    ratelimit::check(app, "otp-verify-ip", ip, &[per_minute(30), per_hour(300)]).await?;
    ratelimit::check(
        app,
        "otp-verify",
        &format!("{ip}:{}", phone.as_e164()),
        &[per_minute(10), per_hour(60)],
    )
    .await?;
    check_otp(app, &phone, code, client).await?;
    let user = find_user(app, &phone).await?;
    check_can_login(app, &user)?;
    // Everything that can refuse the login runs before the code is used up, so the user can
    // retry (e.g. confirm a device takeover) with the same code.
    let resolved = devices::resolve_context(app, ctx, client).await?;
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
    consume_otp(app, &phone, is_bypass(app, code), client).await?;
    finish_login(app, user, bind, Method::Otp, client, resolved.as_ref()).await
}

/// `POST /api/auth/auto-login`: the browser that logged in with an OTP from this device logs
/// in again without a code. It must hold the device credential issued then, for the MAC the
/// router reports at the named address, issued to the device's owner; and where the portal
/// sees hotspot addresses directly, the address must be the caller's own. Administrators are
/// never logged in this way.
pub async fn auto_login(
    app: &App,
    ctx: &CaptiveContext,
    client: &ClientInfo,
) -> AppResult<LoginOutcome> {
    let ip = client.ip.as_deref().unwrap_or("-");
    ratelimit::check(app, "auto-login", ip, &[per_minute(60)]).await?;
    let unknown = || {
        AppError::rejected(
            ErrorCode::Unauthorized,
            "Perangkat belum dikenal. Masuk dengan kode OTP.",
        )
    };
    if client.device_credential.is_none() {
        return Err(unknown());
    }
    let Some(resolved) = devices::resolve_context(app, ctx, client).await? else {
        return Err(AppError::rejected(
            ErrorCode::BadRequest,
            "Konteks perangkat (IP/MAC) diperlukan.",
        ));
    };
    let device = saring_store::repo::devices::find_by_mac(app.db(), resolved.mac)
        .await?
        .filter(|d| d.is_authorized)
        .ok_or_else(unknown)?;
    let credential = resolved
        .presence
        .credential_of(device.user_id)
        .cloned()
        .ok_or_else(|| {
            tracing::warn!(mac = %resolved.mac, "auto-login without this device's credential refused");
            unknown()
        })?;
    let user = users::find_by_id(app.db(), device.user_id)
        .await?
        .ok_or_else(unknown)?;
    if user.role.is_admin() {
        return Err(AppError::rejected(
            ErrorCode::Unauthorized,
            "Akun admin tidak masuk otomatis. Masuk dengan kode OTP atau password admin.",
        ));
    }
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
    presence::touch(app, &credential).await?;
    finish_login(
        app,
        user,
        Some(bind),
        Method::AutoLogin,
        client,
        Some(&resolved),
    )
    .await
}

/// A real Argon2 hash of a random password, so that checking a password for an unknown
/// number (or an account without one) costs what a real check costs.
fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| {
        crate::accounts::hash_password(&SecretString::from(tokens::random_token(24)))
            .unwrap_or_default()
    })
}

/// Wrong passwords one source may send for one number (then 429 for that source only).
const ADMIN_SOURCE_FAILURES: ratelimit::Limit = per_minutes(15, 5);
/// Wrong passwords for one number from everywhere; past the first few each attempt waits a
/// little longer (at most [`ADMIN_MAX_BACKOFF`]) instead of locking the real admin out.
const ADMIN_NUMBER_FAILURES: ratelimit::Limit = per_hour(1_000_000);
const ADMIN_BACKOFF_AFTER: u64 = 5;
const ADMIN_MAX_BACKOFF: Duration = Duration::from_secs(8);

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
    let Ok(phone) = Phone::parse(username) else {
        let _ = crate::accounts::verify_password(password, decoy_hash());
        return Err(bad());
    };
    let source = format!("{}|{ip}", phone.as_e164());
    if ratelimit::failures(app, "admin-login-fail", &source, ADMIN_SOURCE_FAILURES).await?
        >= ADMIN_SOURCE_FAILURES.count
    {
        let wait =
            ratelimit::failure_wait(app, "admin-login-fail", &source, ADMIN_SOURCE_FAILURES).await;
        return Err(ratelimit::too_many(
            ErrorCode::RateLimited,
            "Terlalu banyak percobaan masuk. Coba lagi nanti.",
            wait,
        ));
    }
    let number_failures = ratelimit::failures(
        app,
        "admin-login-number",
        phone.as_e164(),
        ADMIN_NUMBER_FAILURES,
    )
    .await?;
    if number_failures > ADMIN_BACKOFF_AFTER {
        let steps = u32::try_from(number_failures - ADMIN_BACKOFF_AFTER).unwrap_or(u32::MAX);
        let wait = Duration::from_millis(250)
            .saturating_mul(steps)
            .min(ADMIN_MAX_BACKOFF);
        tokio::time::sleep(wait).await;
    }
    let user = users::find_by_phone(app.db(), &phone).await?;
    let hash = user
        .as_ref()
        .and_then(|u| u.password_hash.clone())
        .filter(|h| !h.is_empty());
    let verified =
        crate::accounts::verify_password(password, hash.as_deref().unwrap_or(decoy_hash()))
            && hash.is_some();
    let Some(user) = user.filter(|_| verified) else {
        ratelimit::note_failure(app, "admin-login-fail", &source, ADMIN_SOURCE_FAILURES).await?;
        ratelimit::note_failure(
            app,
            "admin-login-number",
            phone.as_e164(),
            ADMIN_NUMBER_FAILURES,
        )
        .await?;
        return Err(bad());
    };
    if !user.role.is_admin() {
        return Err(AppError::rejected(
            ErrorCode::AdminRequired,
            "Hanya admin yang dapat masuk di sini.",
        ));
    }
    check_can_login(app, &user)?;
    ratelimit::clear_failures(app, "admin-login-fail", &source, ADMIN_SOURCE_FAILURES).await;
    ratelimit::clear_failures(
        app,
        "admin-login-number",
        phone.as_e164(),
        ADMIN_NUMBER_FAILURES,
    )
    .await;
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
    finish_login(app, user, None, Method::Password, client, None).await
}

/// `POST /api/auth/session/consume`: continues a login in another browser. The session keeps
/// the role cap of the login it continues; when that login bound a device, this browser gets
/// its own credential for it.
pub async fn consume_session(
    app: &App,
    token: &str,
    client: &ClientInfo,
) -> AppResult<LoginOutcome> {
    let ip = client.ip.as_deref().unwrap_or("-");
    ratelimit::check(app, "session-consume", ip, &[per_minute(30)]).await?;
    let handoff = tokens::consume_session_token(app, token).await?;
    let user = users::find_by_id(app.db(), handoff.user)
        .await?
        .ok_or_else(|| AppError::rejected(ErrorCode::Unauthorized, "Token sesi tidak valid."))?;
    check_can_login(app, &user)?;
    let device = match handoff.device {
        Some(id) => saring_store::repo::devices::find(app.db(), id)
            .await?
            .filter(|d| d.user_id == user.id && d.is_authorized),
        None => None,
    };
    let mut out = open_session(app, user, handoff.cap, Method::Handoff, client, None, None).await?;
    if let Some(device) = device.filter(|_| !out.user.role.is_admin()) {
        out.device_credential = Some(presence::issue(app, &device).await?);
    }
    Ok(out)
}

/// What a refresh produced: the account (role as the session may act), a new access token,
/// and the rotated refresh token (none within the reuse grace period).
pub struct RefreshOutcome {
    pub user: User,
    pub access: AccessToken,
    pub refresh: Option<IssuedRefresh>,
}

/// Uses a refresh token (`POST /api/auth/refresh` and the cookie session's silent refresh).
/// An account that may no longer log in (deactivated, blocked, rejected) gets no new tokens,
/// and its token is revoked.
pub async fn refresh_session(
    app: &App,
    presented: &str,
    client: &ClientInfo,
) -> AppResult<RefreshOutcome> {
    let owner = tokens::refresh_owner(app, presented).await?;
    let user = users::find_by_id(app.db(), owner)
        .await?
        .ok_or_else(|| AppError::rejected(ErrorCode::Unauthorized, "Akun tidak ditemukan."))?;
    if let Err(refused) = check_can_login(app, &user) {
        tokens::revoke_refresh(app, presented).await?;
        return Err(refused);
    }
    let refreshed = tokens::rotate_refresh(app, presented, client).await?;
    let scope = refreshed.scope();
    let access = tokens::issue_access(app, &user, scope)?;
    let mut user = user;
    user.role = user.role.capped(scope.cap);
    Ok(RefreshOutcome {
        user,
        access,
        refresh: match refreshed {
            tokens::Refreshed::Rotated { refresh, .. } => Some(refresh),
            tokens::Refreshed::Grace { .. } => None,
        },
    })
}

async fn finish_login(
    app: &App,
    user: User,
    bind: Option<BindOutcome>,
    method: Method,
    client: &ClientInfo,
    device: Option<&devices::ResolvedDevice>,
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
                .map(|d| d.ip.to_string())
                .or_else(|| client.ip.clone()),
            mac_address: device.map(|d| d.mac.to_string()),
            user_agent: client.user_agent.clone(),
            router_id: device.map(|d| d.rh.router.id),
            method: Some(method.as_str().to_owned()),
        },
    )
    .await?;
    let cap = cap_for(&user, method);
    // The browser that proved the phone number from this device may come back without a code
    // (never an administrator: they log in with their password).
    let remembered = bind
        .as_ref()
        .map(|b| b.device.clone())
        .filter(|d| method == Method::Otp && d.is_authorized && !user.role.is_admin());
    let mut out = open_session(
        app,
        user,
        cap,
        method,
        client,
        bind,
        remembered.as_ref().map(|d| d.id),
    )
    .await?;
    if let Some(device) = remembered {
        out.device_credential = Some(presence::issue(app, &device).await?);
    }
    Ok(out)
}

/// Issues the tokens of a new session for `user`, acting at most as `cap`. `device`: the
/// device whose credential a browser continuing this session may receive.
async fn open_session(
    app: &App,
    user: User,
    cap: Option<Role>,
    method: Method,
    client: &ClientInfo,
    bind: Option<BindOutcome>,
    device: Option<uuid::Uuid>,
) -> AppResult<LoginOutcome> {
    let now = app.now();
    let refresh = tokens::issue_refresh(app, user.id, client, cap).await?;
    let access = tokens::issue_access(
        app,
        &user,
        SessionScope {
            cap,
            sid: Some(refresh.id),
        },
    )?;
    let mut user = user;
    user.role = user.role.capped(cap);
    let status = app.config().policy.status(&user.access_snapshot(), now);
    let hotspot_login_required = !app.config().policy.bypasses_hotspot_login(status);
    let hotspot_binding_active = bind
        .as_ref()
        .is_some_and(|b| b.change.binding_type == Some(saring_domain::BindingType::Bypassed));
    let session_token = match method {
        Method::Handoff => None,
        _ => Some(
            tokens::create_session_token(
                app,
                Handoff {
                    user: user.id,
                    device,
                    cap,
                },
            )
            .await?,
        ),
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
        device_credential: None,
    })
}

#[cfg(test)]
mod tests {
    use argon2::password_hash::PasswordHash;
    use secrecy::SecretString;

    #[test]
    fn the_decoy_costs_what_a_real_check_costs() {
        let real = crate::accounts::hash_password(&SecretString::from("x".repeat(12))).unwrap();
        let real = PasswordHash::new(&real).unwrap();
        let decoy = PasswordHash::new(super::decoy_hash()).unwrap();
        assert_eq!(decoy.algorithm, real.algorithm);
        assert_eq!(decoy.version, real.version);
        assert_eq!(decoy.params, real.params);
        assert!(!crate::accounts::verify_password(
            &SecretString::from(String::new()),
            super::decoy_hash()
        ));
    }
}
