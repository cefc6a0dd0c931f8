//! Whether a caller is really on the device it names.
//!
//! A captive context names a device by its address (`client_ip`); the router then says which
//! MAC holds that address. Anyone can name any address, so the name alone proves nothing.
//! Two things do:
//!
//! * **The caller's own address.** Where the portal sees hotspot clients directly (the caller's
//!   address, through trusted proxies only, lies in a router's hotspot range), a context must
//!   name that very address. `CAPTIVE_ADDRESS_CHECK=strict` demands it of every context.
//! * **A device credential.** A browser that completed an OTP login from a device gets a
//!   random secret in an HttpOnly cookie, stored here only as its SHA-256 and bound to that
//!   device row: removing the device, or moving its MAC to another account, deletes it.
//!
//! What needs which proof (see `docs/security.md`): one-tap re-login (`auto-login`) always
//! needs a credential issued to the device's owner; moving someone else's device to your
//! account needs either proof; binding a device nobody holds needs only the OTP that proves
//! the phone number. Administrators are never logged in without their password.

use chrono::Duration;
use saring_domain::device::Device;
use saring_domain::ids::UserId;
use saring_store::repo::device_credentials::{self, DeviceCredential};

use crate::context::App;
use crate::error::AppResult;
use crate::tokens::sha256_hex;

/// The cookie that holds a browser's device credential.
pub const DEVICE_COOKIE: &str = "saring_device";

/// Browsers remembered per device (the oldest credential goes first).
const CREDENTIALS_PER_DEVICE: u64 = 5;

/// What a request proved about the device its context names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Presence {
    /// The context names the caller's own address, seen directly.
    pub address: bool,
    /// The credential the caller's browser holds for this very device (MAC), if any.
    pub credential: Option<DeviceCredential>,
}

impl Presence {
    /// The caller is on the device (either proof).
    pub fn is_proven(&self) -> bool {
        self.address || self.credential.is_some()
    }

    /// The credential, when the caller holds one for this device issued to `user`.
    pub fn credential_of(&self, user: UserId) -> Option<&DeviceCredential> {
        self.credential.as_ref().filter(|c| c.user_id == user)
    }
}

/// A credential in clear (only ever sent to the browser) and its cookie lifetime.
#[derive(Debug, Clone)]
pub struct IssuedCredential {
    pub token: String,
    pub max_age_seconds: i64,
}

/// Issues a credential for `device` (owned by `device.user_id`) to the calling browser.
pub async fn issue(app: &App, device: &Device) -> AppResult<IssuedCredential> {
    let token = crate::tokens::random_token(32);
    let now = app.now();
    let lifetime = Duration::days(app.config().devices.credential_days);
    device_credentials::insert(
        app.db(),
        device.id,
        device.user_id,
        &sha256_hex(&token),
        now,
        now + lifetime,
    )
    .await?;
    device_credentials::prune_device(app.db(), device.id, CREDENTIALS_PER_DEVICE).await?;
    Ok(IssuedCredential {
        token,
        max_age_seconds: lifetime.num_seconds(),
    })
}

/// The valid credential a browser presents, if any.
pub async fn find(app: &App, presented: Option<&str>) -> AppResult<Option<DeviceCredential>> {
    let Some(raw) = presented
        .map(str::trim)
        .filter(|t| !t.is_empty() && t.len() <= 128)
    else {
        return Ok(None);
    };
    Ok(device_credentials::find_valid(app.db(), &sha256_hex(raw), app.now()).await?)
}

/// Forgets the credential a browser presents (logout on that browser).
pub async fn revoke(app: &App, presented: Option<&str>) -> AppResult<()> {
    if let Some(c) = find(app, presented).await? {
        device_credentials::delete(app.db(), c.id).await?;
    }
    Ok(())
}

/// Forgets every credential of a user (their sessions were ended by an administrator).
pub async fn revoke_all(app: &App, user: UserId) -> AppResult<u64> {
    Ok(device_credentials::delete_for_user(app.db(), user).await?)
}

/// Records that a credential was used.
pub async fn touch(app: &App, credential: &DeviceCredential) -> AppResult<()> {
    Ok(device_credentials::touch(app.db(), credential.id, app.now()).await?)
}
