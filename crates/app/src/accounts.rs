//! Accounts: creating administrators and checking passwords.

use argon2::Argon2;
use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};
use saring_domain::Phone;
use saring_domain::access::{ApprovalStatus, Role};
use saring_domain::api::ErrorCode;
use saring_domain::user::{NewUser, User};
use saring_store::StoreError;
use saring_store::repo::users;
use secrecy::{ExposeSecret, SecretString};

use crate::context::App;
use crate::error::{AppError, AppResult};

pub const MIN_PASSWORD_LEN: usize = 8;
pub const MAX_PASSWORD_LEN: usize = 128;

/// A new administrator, as `saring admin create` gives it.
pub struct CreateAdmin {
    pub phone: Phone,
    pub full_name: String,
    pub password: SecretString,
    pub super_admin: bool,
}

/// A person's name: trimmed, 2–100 characters, no control characters.
pub fn validate_full_name(name: &str) -> AppResult<String> {
    let name = name.trim();
    let len = name.chars().count();
    if !(2..=100).contains(&len) {
        return Err(AppError::invalid("full_name", "Nama harus 2–100 karakter."));
    }
    if name.chars().any(char::is_control) {
        return Err(AppError::invalid(
            "full_name",
            "Nama berisi karakter yang tidak diizinkan.",
        ));
    }
    Ok(name.to_owned())
}

pub fn validate_password(password: &SecretString) -> AppResult<()> {
    let len = password.expose_secret().chars().count();
    if !(MIN_PASSWORD_LEN..=MAX_PASSWORD_LEN).contains(&len) {
        return Err(AppError::invalid(
            "password",
            format!("Kata sandi harus {MIN_PASSWORD_LEN}–{MAX_PASSWORD_LEN} karakter."),
        ));
    }
    Ok(())
}

/// Argon2id PHC string with a random salt.
pub fn hash_password(password: &SecretString) -> AppResult<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.expose_secret().as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(format!("hashing a password: {e}")))
}

/// Constant-time check of a password against a stored PHC string; a malformed hash is a
/// mismatch, never a panic.
pub fn verify_password(password: &SecretString, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|hash| {
        Argon2::default()
            .verify_password(password.expose_secret().as_bytes(), &hash)
            .is_ok()
    })
}

/// Creates an approved, active administrator (or super admin) who logs in with a password.
pub async fn create_admin(app: &App, req: CreateAdmin) -> AppResult<User> {
    let full_name = validate_full_name(&req.full_name)?;
    validate_password(&req.password)?;
    let new = NewUser {
        phone: req.phone,
        full_name,
        blok: None,
        kamar: None,
        is_tamping: false,
        tamping_type: None,
        role: if req.super_admin {
            Role::SuperAdmin
        } else {
            Role::Admin
        },
        approval_status: ApprovalStatus::Approved,
        is_active: true,
        password_hash: Some(hash_password(&req.password)?),
        router_id: None,
    };
    match users::insert(app.db(), &new).await {
        Ok(user) => {
            tracing::info!(user_id = %user.id, role = user.role.as_str(), "administrator created");
            Ok(user)
        }
        Err(StoreError::Conflict(_)) => Err(AppError::rejected(
            ErrorCode::PhoneAlreadyRegistered,
            format!("Nomor {} sudah terdaftar.", new.phone.local()),
        )),
        Err(e) => Err(e.into()),
    }
}

/// A random 12-character password from an unambiguous alphabet (no 0/O, 1/l/I).
pub fn generate_password() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..12)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect()
}

/// A user by id.
pub async fn find_user(app: &App, id: saring_domain::ids::UserId) -> AppResult<Option<User>> {
    Ok(users::find_by_id(app.db(), id).await?)
}

/// How long a user row read for authentication may be reused by this process.
pub const USER_CACHE_TTL: std::time::Duration = std::time::Duration::from_secs(2);

/// A user by id for the authentication path, served from a short in-process cache (at most
/// [`USER_CACHE_TTL`] old) so that `GET /api/auth/me` and friends do not hit the database on
/// every request. Changes made through this process drop the entry at once
/// ([`forget_user`]); other instances see them within the TTL.
pub async fn cached_user(app: &App, id: saring_domain::ids::UserId) -> AppResult<Option<User>> {
    if let Some(user) = app.user_cache().get(id) {
        return Ok(Some(user));
    }
    let user = users::find_by_id(app.db(), id).await?;
    if let Some(u) = &user {
        app.user_cache().put(u.clone());
    }
    Ok(user)
}

/// Drops a user from the authentication cache (after changing them).
pub fn forget_user(app: &App, id: saring_domain::ids::UserId) {
    app.user_cache().remove(id);
}

/// The account an access token speaks for, with the role its session may act as (an OTP
/// login of an administrator acts as a user). `Ok(Err(_))`: the token no longer counts — its
/// account is gone (`Invalid`) or its sessions were ended after it was issued (`Expired`:
/// the epoch moved on with a logout, a revocation, a block or a deactivation).
pub async fn session_user(
    app: &App,
    claims: &crate::tokens::AccessClaims,
) -> AppResult<Result<User, crate::tokens::TokenProblem>> {
    use crate::tokens::TokenProblem;
    let Some(id) = claims.user_id() else {
        return Ok(Err(TokenProblem::Invalid));
    };
    let Some(mut user) = cached_user(app, id).await? else {
        return Ok(Err(TokenProblem::Invalid));
    };
    if claims.sv != user.session_epoch {
        return Ok(Err(TokenProblem::Expired));
    }
    let Some(role) = claims.role() else {
        return Ok(Err(TokenProblem::Invalid));
    };
    user.role = user.role.capped(Some(role));
    Ok(Ok(user))
}

/// `saring admin set-password`: a new password for an administrator, set by whoever runs
/// the server (a locked-out super admin's way back in). Every session of the account ends
/// and the change is in the action log; the account is told by WhatsApp.
pub async fn set_admin_password(
    app: &App,
    id: saring_domain::ids::UserId,
    password: &SecretString,
) -> AppResult<User> {
    validate_password(password)?;
    let hash = hash_password(password)?;
    let txn = saring_store::db::begin_write(app.db()).await?;
    let target = users::lock(&txn, id).await?;
    if !target.role.is_admin() {
        return Err(AppError::rejected(
            ErrorCode::BadRequest,
            "Akun pengguna masuk dengan OTP dan tidak memakai password.",
        ));
    }
    let updated = users::update(
        &txn,
        id,
        users::UserPatch {
            password_hash: Some(Some(hash)),
            ..users::UserPatch::default()
        },
    )
    .await?;
    saring_store::repo::refresh_tokens::revoke_all_for_user(&txn, id, app.now()).await?;
    users::bump_session_epoch(&txn, id).await?;
    saring_store::repo::activity::log_action(
        &txn,
        None,
        Some(id),
        "SET_ADMIN_PASSWORD",
        serde_json::json!({ "by": "cli" }),
    )
    .await?;
    txn.commit().await.map_err(StoreError::from)?;
    forget_user(app, id);
    let when = app.config().app.timezone.format_datetime(app.now());
    crate::notify::send_template(
        app,
        &updated.phone,
        "password_change_notification",
        &[
            ("app_name", app.config().app.name.clone()),
            ("change_time", when),
        ],
    )
    .await;
    Ok(updated)
}
