//! Secrets, sessions and OTP: the signing and encryption keys, token lifetimes, and the OTP's
//! expiry, cooldowns and rate limits.

use secrecy::SecretString;

use super::Mode;
use super::reader::Reader;

/// 32 random bytes, hex: a secret nobody else knows. The embedded mode's stand-in for an
/// unset secret (`saring run` keeps its own in `<data dir>/secrets.json`, see
/// [`crate::embedded::secrets`]); there is no built-in default secret any more.
pub fn random_secret() -> SecretString {
    let bytes: [u8; 32] = rand::random();
    SecretString::from(hex::encode(bytes))
}

#[derive(Debug, Clone)]
pub struct Secrets {
    /// Signs status-page and temporary-link tokens.
    pub secret_key: SecretString,
    /// Signs access JWTs (HS256).
    pub jwt_secret_key: SecretString,
    /// Encrypts secret settings and router passwords at rest.
    pub encryption_key: SecretString,
}

#[derive(Debug, Clone)]
pub struct AuthConfig {
    pub access_token_minutes: i64,
    pub refresh_token_days: i64,
    pub refresh_reuse_grace_seconds: i64,
}

#[derive(Debug, Clone)]
pub struct OtpConfig {
    pub expire_seconds: u64,
    pub cooldown_seconds: u64,
    pub verify_max_attempts: u64,
    pub verify_window_seconds: u64,
    /// A code accepted for every user — honoured only by `saring run` (embedded mode).
    pub bypass_code: Option<SecretString>,
    pub session_token_seconds: u64,
    pub status_token_seconds: i64,
    /// OTP requests one address may make across all numbers (`OTP_REQUEST_PER_IP_PER_*`).
    pub request_per_ip_per_minute: u64,
    pub request_per_ip_per_hour: u64,
    /// OTP messages the whole install may send (`OTP_GLOBAL_SENDS_PER_*`): a budget that keeps
    /// the WhatsApp sender from being used as a spam cannon.
    pub global_sends_per_minute: u64,
    pub global_sends_per_hour: u64,
    /// Wrong codes for one number, from all sources together, after which the code is void
    /// (`OTP_CODE_MAX_FAILURES`). Each source also has its own limit (`OTP_VERIFY_MAX_ATTEMPTS`
    /// per `OTP_VERIFY_WINDOW_SECONDS`), so a stranger cannot lock someone else out.
    pub code_max_failures: u64,
}

/// Unset secrets: refused in production (`SECRET_KEY` here, lengths in the production
/// checks); in the embedded mode a random one for this process (`saring run` passes its data
/// directory's own).
pub(super) fn read_secrets(r: &mut Reader<'_>, mode: Mode) -> Secrets {
    let secret_key = r.secret("SECRET_KEY", &[]);
    let jwt_secret_key = r.secret("JWT_SECRET_KEY", &[]);
    let encryption_key = r.secret("ENCRYPTION_KEY", &[]);
    if mode == Mode::Production && secret_key.is_none() {
        r.error("SECRET_KEY", "must be set in production");
    }
    let secret_key = secret_key.unwrap_or_else(random_secret);
    Secrets {
        jwt_secret_key: jwt_secret_key.unwrap_or_else(|| secret_key.clone()),
        encryption_key: encryption_key.unwrap_or_else(|| secret_key.clone()),
        secret_key,
    }
}

pub(super) fn read_sessions(r: &mut Reader<'_>) -> AuthConfig {
    AuthConfig {
        access_token_minutes: r.int("JWT_ACCESS_TOKEN_EXPIRES_MINUTES", &[], 30, 1, 24 * 60),
        refresh_token_days: r.int("REFRESH_TOKEN_EXPIRES_DAYS", &[], 30, 1, 365),
        refresh_reuse_grace_seconds: r.int("REFRESH_TOKEN_REUSE_GRACE_SECONDS", &[], 5, 0, 60),
    }
}

pub(super) fn read_otp(r: &mut Reader<'_>) -> OtpConfig {
    OtpConfig {
        expire_seconds: r.int("OTP_EXPIRE_SECONDS", &[], 300, 60, 3600),
        cooldown_seconds: r.int("OTP_REQUEST_COOLDOWN_SECONDS", &[], 60, 0, 3600),
        verify_max_attempts: r.int("OTP_VERIFY_MAX_ATTEMPTS", &[], 5, 1, 100),
        verify_window_seconds: r.int("OTP_VERIFY_WINDOW_SECONDS", &[], 300, 60, 86_400),
        bypass_code: r.secret("OTP_BYPASS_CODE", &[]),
        session_token_seconds: r.int("SESSION_TOKEN_EXPIRE_SECONDS", &[], 120, 10, 3600),
        status_token_seconds: r.int("STATUS_PAGE_TOKEN_MAX_AGE_SECONDS", &[], 300, 30, 86_400),
        request_per_ip_per_minute: r.int("OTP_REQUEST_PER_IP_PER_MINUTE", &[], 20, 1, 100_000),
        request_per_ip_per_hour: r.int("OTP_REQUEST_PER_IP_PER_HOUR", &[], 200, 1, 1_000_000),
        global_sends_per_minute: r.int("OTP_GLOBAL_SENDS_PER_MINUTE", &[], 60, 1, 100_000),
        global_sends_per_hour: r.int("OTP_GLOBAL_SENDS_PER_HOUR", &[], 1000, 1, 1_000_000),
        code_max_failures: r.int("OTP_CODE_MAX_FAILURES", &[], 20, 1, 1000),
    }
}
