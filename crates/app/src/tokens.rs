//! Every token Saring issues: access JWTs (HS256), rotating refresh tokens, signed
//! status-page tokens, one-time session hand-off tokens, and signed temporary links.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac as _};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use saring_domain::access::{PageStatus, Role};
use saring_domain::api::ErrorCode;
use saring_domain::ids::UserId;
use saring_domain::user::User;
use saring_store::repo::refresh_tokens::{self, NewRefreshToken};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::context::App;
use crate::error::{AppError, AppResult};

type HmacSha256 = Hmac<Sha256>;

/// Claims of an access token: the reference's `sub` and `rl`, plus the account's session
/// epoch when it was issued (`sv`; a bump ends the token) and the refresh token of its
/// session (`sid`; logout with the access token alone ends that session too).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessClaims {
    pub sub: String,
    pub rl: String,
    pub iat: i64,
    pub exp: i64,
    #[serde(default)]
    pub sv: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<uuid::Uuid>,
}

impl AccessClaims {
    pub fn user_id(&self) -> Option<UserId> {
        UserId::parse(&self.sub)
    }

    /// The role the token was issued for (a session's cap), if it names a known one.
    pub fn role(&self) -> Option<Role> {
        self.rl.parse().ok()
    }
}

/// Why an access token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenProblem {
    Expired,
    Invalid,
}

impl TokenProblem {
    pub fn into_error(self) -> AppError {
        match self {
            TokenProblem::Expired => AppError::rejected(
                ErrorCode::TokenExpired,
                "Sesi Anda telah berakhir, silakan masuk lagi.",
            ),
            TokenProblem::Invalid => {
                AppError::rejected(ErrorCode::TokenInvalid, "Token tidak valid.")
            }
        }
    }
}

/// An access token and its lifetime in seconds.
pub struct AccessToken {
    pub token: String,
    pub expires_in: i64,
}

/// Who a session belongs to and what it may do: the user, the highest role it may act as
/// (`None`: the account's own), and its refresh token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionScope {
    pub cap: Option<Role>,
    pub sid: Option<uuid::Uuid>,
}

/// An access token for `user` within `scope`: the role is the account's, capped by the
/// session; the epoch is the account's current one.
pub fn issue_access(app: &App, user: &User, scope: SessionScope) -> AppResult<AccessToken> {
    let now = app.now();
    let lifetime = Duration::minutes(app.config().auth.access_token_minutes);
    let claims = AccessClaims {
        sub: user.id.to_string(),
        rl: user.role.capped(scope.cap).as_str().to_owned(),
        iat: now.timestamp(),
        exp: (now + lifetime).timestamp(),
        sv: user.session_epoch,
        sid: scope.sid,
    };
    let key = EncodingKey::from_secret(
        app.config()
            .secrets
            .jwt_secret_key
            .expose_secret()
            .as_bytes(),
    );
    let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &key)
        .map_err(|e| AppError::Internal(format!("signing a JWT: {e}")))?;
    Ok(AccessToken {
        token,
        expires_in: lifetime.num_seconds(),
    })
}

/// Checks signature (HS256 only: `alg: none` and other algorithms are refused) and expiry
/// against the app's clock.
pub fn verify_access(app: &App, token: &str) -> Result<AccessClaims, TokenProblem> {
    let key = DecodingKey::from_secret(
        app.config()
            .secrets
            .jwt_secret_key
            .expose_secret()
            .as_bytes(),
    );
    let mut validation = Validation::new(Algorithm::HS256);
    validation.validate_exp = false;
    validation.required_spec_claims = ["exp", "sub"].iter().map(|s| (*s).to_owned()).collect();
    let data = jsonwebtoken::decode::<AccessClaims>(token, &key, &validation)
        .map_err(|_| TokenProblem::Invalid)?;
    if data.claims.user_id().is_none() {
        return Err(TokenProblem::Invalid);
    }
    if data.claims.exp <= app.now().timestamp() {
        return Err(TokenProblem::Expired);
    }
    Ok(data.claims)
}

/// `bytes` random bytes from the OS-seeded CSPRNG, base64url without padding.
pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    B64.encode(buf)
}

pub fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// A refresh token in clear (only ever sent to the client) and its lifetime.
pub struct IssuedRefresh {
    pub token: String,
    pub id: uuid::Uuid,
    pub max_age_seconds: i64,
}

/// Where a request came from: its address (through trusted proxies only), user agent, and
/// the device credential its browser holds.
#[derive(Debug, Clone, Default)]
pub struct ClientInfo {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub device_credential: Option<String>,
}

impl ClientInfo {
    /// The caller's address, if known and well formed.
    pub fn addr(&self) -> Option<std::net::IpAddr> {
        self.ip.as_deref().and_then(|s| s.parse().ok())
    }
}

pub async fn issue_refresh(
    app: &App,
    user: UserId,
    client: &ClientInfo,
    cap: Option<Role>,
) -> AppResult<IssuedRefresh> {
    let token = random_token(48);
    let now = app.now();
    let lifetime = Duration::days(app.config().auth.refresh_token_days);
    let row = refresh_tokens::insert(
        app.db(),
        NewRefreshToken {
            user_id: user,
            token_hash: &sha256_hex(&token),
            issued_at: now,
            expires_at: now + lifetime,
            ip_address: client.ip.as_deref(),
            user_agent: client.user_agent.as_deref(),
            role_cap: cap,
        },
    )
    .await?;
    Ok(IssuedRefresh {
        token,
        id: row.id,
        max_age_seconds: lifetime.num_seconds(),
    })
}

/// The outcome of presenting a refresh token.
pub enum Refreshed {
    /// Rotated: the old token is revoked and this one replaces it.
    Rotated {
        user: UserId,
        refresh: IssuedRefresh,
        cap: Option<Role>,
    },
    /// A token rotated moments ago, presented again from the same client within the grace
    /// period (parallel tabs): accepted, but no new refresh token is issued.
    Grace {
        user: UserId,
        cap: Option<Role>,
        /// The token that replaced it (the session's current refresh token).
        sid: Option<uuid::Uuid>,
    },
}

impl Refreshed {
    pub fn user(&self) -> UserId {
        match self {
            Refreshed::Rotated { user, .. } | Refreshed::Grace { user, .. } => *user,
        }
    }

    pub fn scope(&self) -> SessionScope {
        match self {
            Refreshed::Rotated { refresh, cap, .. } => SessionScope {
                cap: *cap,
                sid: Some(refresh.id),
            },
            Refreshed::Grace { cap, sid, .. } => SessionScope {
                cap: *cap,
                sid: *sid,
            },
        }
    }
}

fn refresh_refused() -> AppError {
    AppError::rejected(
        ErrorCode::Unauthorized,
        "Sesi tidak valid atau sudah berakhir, silakan masuk lagi.",
    )
}

/// Rotates a refresh token. Reuse of a revoked token outside the grace period revokes every
/// session of that user (a stolen token is then useless).
pub async fn rotate_refresh(
    app: &App,
    presented: &str,
    client: &ClientInfo,
) -> AppResult<Refreshed> {
    let now = app.now();
    let Some(row) = refresh_tokens::find_by_hash(app.db(), &sha256_hex(presented)).await? else {
        return Err(refresh_refused());
    };
    if row.expires_at <= now {
        return Err(refresh_refused());
    }
    // Losing a race with a concurrent rotation of the same token falls through to the
    // reuse check below.
    if row.revoked_at.is_none()
        && refresh_tokens::revoke_if_active(app.db(), row.id, now, None).await?
    {
        let refresh = issue_refresh(app, row.user_id, client, row.role_cap).await?;
        refresh_tokens::set_replaced_by(app.db(), row.id, refresh.id).await?;
        return Ok(Refreshed::Rotated {
            user: row.user_id,
            refresh,
            cap: row.role_cap,
        });
    }
    let current = refresh_tokens::find_by_hash(app.db(), &sha256_hex(presented))
        .await?
        .ok_or_else(refresh_refused)?;
    let grace = Duration::seconds(app.config().auth.refresh_reuse_grace_seconds);
    let same_client = current.ip_address == client.ip
        && current.user_agent
            == client
                .user_agent
                .as_ref()
                .map(|ua| ua.chars().take(255).collect());
    // Only a token replaced by a rotation gets the grace period, and only while the token that
    // replaced it is still alive: one revoked by logout or by reuse detection never comes
    // back, and neither does its predecessor.
    let successor_alive = match current.replaced_by_id {
        Some(next) => refresh_tokens::find(app.db(), next)
            .await?
            .is_some_and(|t| t.revoked_at.is_none() && t.expires_at > now),
        None => false,
    };
    match current.revoked_at {
        Some(revoked) if successor_alive && now - revoked <= grace && same_client => {
            Ok(Refreshed::Grace {
                user: current.user_id,
                cap: current.role_cap,
                sid: current.replaced_by_id,
            })
        }
        _ => {
            let n = end_all_sessions(app, current.user_id).await?;
            tracing::warn!(user_id = %current.user_id, revoked = n, "refresh token reused after rotation: every session revoked");
            Err(refresh_refused())
        }
    }
}

/// The user a refresh token belongs to, without using it (to check the account first).
pub async fn refresh_owner(app: &App, presented: &str) -> AppResult<UserId> {
    refresh_tokens::find_by_hash(app.db(), &sha256_hex(presented))
        .await?
        .filter(|row| row.expires_at > app.now())
        .map(|row| row.user_id)
        .ok_or_else(refresh_refused)
}

/// Revokes one refresh token (logout with the token in the body or cookie). A token already
/// rotated takes its successor with it, so a client cannot keep the session by presenting the
/// older one.
pub async fn revoke_refresh(app: &App, presented: &str) -> AppResult<()> {
    if let Some(row) = refresh_tokens::find_by_hash(app.db(), &sha256_hex(presented)).await? {
        revoke_chain(app, row.id).await?;
    }
    Ok(())
}

/// Revokes a session's refresh token by id (logout with the access token alone) and every
/// token that replaced it.
pub async fn revoke_chain(app: &App, first: uuid::Uuid) -> AppResult<()> {
    let mut next = Some(first);
    let mut hops = 0;
    while let Some(id) = next.take() {
        refresh_tokens::revoke_if_active(app.db(), id, app.now(), None).await?;
        hops += 1;
        if hops > 1000 {
            break;
        }
        next = refresh_tokens::find(app.db(), id)
            .await?
            .and_then(|r| r.replaced_by_id);
    }
    Ok(())
}

/// Ends every session of a user at once: all refresh tokens are revoked and the session epoch
/// moves on, so access tokens already issued stop working on the next request. Returns how
/// many refresh tokens were revoked.
pub async fn end_all_sessions(app: &App, user: UserId) -> AppResult<u64> {
    let n = refresh_tokens::revoke_all_for_user(app.db(), user, app.now()).await?;
    saring_store::repo::users::bump_session_epoch(app.db(), user).await?;
    crate::accounts::forget_user(app, user);
    Ok(n)
}

fn mac_for(app: &App, purpose: &str, payload: &[u8]) -> Vec<u8> {
    // `new_from_slice` accepts keys of any length for HMAC.
    match HmacSha256::new_from_slice(app.config().secrets.secret_key.expose_secret().as_bytes()) {
        Ok(mut m) => {
            m.update(purpose.as_bytes());
            m.update(b"\0");
            m.update(payload);
            m.finalize().into_bytes().to_vec()
        }
        Err(_) => Vec::new(),
    }
}

fn verify_mac(app: &App, purpose: &str, payload: &[u8], mac: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    let expected = mac_for(app, purpose, payload);
    !expected.is_empty() && expected.ct_eq(mac).into()
}

/// Signs `payload` for `purpose` with an expiry: `base64(payload).base64(exp).base64(mac)`.
pub fn sign(app: &App, purpose: &str, payload: &str, valid_for: Duration) -> String {
    let exp = (app.now() + valid_for).timestamp().to_string();
    let body = format!("{}.{}", B64.encode(payload), B64.encode(&exp));
    let mac = mac_for(app, purpose, body.as_bytes());
    format!("{body}.{}", B64.encode(mac))
}

/// The payload of a token signed by [`sign`] for `purpose`, if valid and not expired.
pub fn verify_signed(app: &App, purpose: &str, token: &str) -> Option<String> {
    check_signed(app, purpose, token).ok()
}

/// Why a signed token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignedProblem {
    /// Malformed, signed for something else, or changed after signing.
    Invalid,
    /// Genuine, but past its expiry.
    Expired,
}

/// The payload of a token signed by [`sign`] for `purpose`, or why it is refused (the
/// signature is checked before the expiry is read, so a changed expiry is `Invalid`).
pub fn check_signed(app: &App, purpose: &str, token: &str) -> Result<String, SignedProblem> {
    let invalid = |_| SignedProblem::Invalid;
    let mut parts = token.trim().splitn(3, '.');
    let (Some(p), Some(e), Some(m)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(SignedProblem::Invalid);
    };
    let body = format!("{p}.{e}");
    if !verify_mac(
        app,
        purpose,
        body.as_bytes(),
        &B64.decode(m).map_err(invalid)?,
    ) {
        return Err(SignedProblem::Invalid);
    }
    let exp: i64 = String::from_utf8(B64.decode(e).map_err(invalid)?)
        .ok()
        .and_then(|e| e.parse().ok())
        .ok_or(SignedProblem::Invalid)?;
    if exp < app.now().timestamp() {
        return Err(SignedProblem::Expired);
    }
    String::from_utf8(B64.decode(p).map_err(invalid)?).map_err(|_| SignedProblem::Invalid)
}

/// When a token signed by [`sign`] expires (read without checking it).
pub fn expiry_of(token: &str) -> Option<DateTime<Utc>> {
    let e = token.split('.').nth(1)?;
    let exp: i64 = String::from_utf8(B64.decode(e).ok()?).ok()?.parse().ok()?;
    DateTime::from_timestamp(exp, 0)
}

const STATUS_PURPOSE: &str = "status-page";

/// A token proving the server sent this client to the policy page for `status`.
pub fn status_token(app: &App, status: PageStatus) -> String {
    let nonce = random_token(9);
    sign(
        app,
        STATUS_PURPOSE,
        &format!("{}|{nonce}", status.as_str()),
        Duration::seconds(app.config().otp.status_token_seconds),
    )
}

pub fn verify_status_token(app: &App, status: &str, token: &str) -> bool {
    verify_signed(app, STATUS_PURPOSE, token)
        .and_then(|p| p.split('|').next().map(str::to_owned))
        .is_some_and(|s| s.eq_ignore_ascii_case(status.trim()))
}

fn session_key(token: &str) -> String {
    format!("session:{}", sha256_hex(token))
}

/// What a session hand-off token carries: whose session, the device the login bound (its
/// browser may receive a credential for it), and the session's role cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Handoff {
    pub user: UserId,
    pub device: Option<uuid::Uuid>,
    pub cap: Option<Role>,
}

/// A one-time token to continue this session in another browser (the captive browser →
/// the phone's normal browser).
pub async fn create_session_token(app: &App, handoff: Handoff) -> AppResult<String> {
    let token = random_token(24);
    let ttl = std::time::Duration::from_secs(app.config().otp.session_token_seconds);
    let value = format!(
        "{}|{}|{}",
        handoff.user,
        handoff.device.map(|d| d.to_string()).unwrap_or_default(),
        handoff.cap.map(Role::as_str).unwrap_or_default()
    );
    app.kv()
        .set(&session_key(&token), &value, Some(ttl))
        .await?;
    Ok(token)
}

/// Consumes a session token (single use).
pub async fn consume_session_token(app: &App, token: &str) -> AppResult<Handoff> {
    let token = token.trim();
    if token.is_empty() || token.len() > 128 {
        return Err(refresh_refused());
    }
    let value = app.kv().get_del(&session_key(token)).await?;
    let mut parts = value.as_deref().unwrap_or("").split('|');
    let user = parts.next().and_then(UserId::parse);
    let device = parts.next().and_then(|d| d.parse().ok());
    let cap = parts.next().and_then(|c| c.parse().ok());
    user.map(|user| Handoff { user, device, cap })
        .ok_or_else(|| {
            AppError::rejected(
                ErrorCode::Unauthorized,
                "Token sesi tidak valid atau sudah dipakai.",
            )
        })
}
