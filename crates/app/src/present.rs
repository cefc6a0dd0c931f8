//! Domain values turned into the API's response bodies.

use saring_domain::device::Device;
use saring_domain::dto::auth::UserMe;
use saring_domain::dto::users::DeviceDto;
use saring_domain::units::Megabytes;
use saring_domain::user::User;

use crate::context::App;

pub fn user_me(app: &App, user: &User) -> UserMe {
    let account = user.quota_account();
    let detail = app
        .config()
        .policy
        .status(&user.access_snapshot(), app.now());
    let manual = if user.role.is_debt_exempt() {
        0
    } else {
        user.manual_debt_mb
    };
    let auto = account.auto_debt_mb();
    let manual_mb = Megabytes::from_whole(manual);
    UserMe {
        id: user.id.to_string(),
        phone_number: user.phone.as_e164().to_owned(),
        full_name: user.full_name.clone(),
        blok: user.blok.clone(),
        kamar: user.kamar.clone(),
        is_tamping: user.is_tamping,
        tamping_type: user.tamping_type.clone(),
        role: user.role,
        approval_status: user.approval_status,
        is_active: user.is_active,
        is_blocked: user.is_blocked,
        blocked_reason: user.blocked_reason.clone(),
        is_unlimited_user: user.is_unlimited_user,
        total_quota_purchased_mb: account.effective_quota().to_mb(),
        total_quota_used_mb: account.used.to_mb(),
        remaining_mb: account.remaining().to_mb(),
        quota_expiry_date: user.quota_expiry_date,
        quota_debt_auto_mb: auto,
        quota_debt_manual_mb: manual_mb,
        quota_debt_total_mb: auto + manual_mb,
        status: detail,
        access_status: detail.page_status(),
        hotspot_username: user.hotspot_username(),
        created_at: user.created_at,
        updated_at: user.updated_at,
        approved_at: user.approved_at,
        last_login_at: user.last_login_at,
    }
}

pub fn device(d: &Device) -> DeviceDto {
    DeviceDto {
        id: d.id.to_string(),
        mac_address: d.mac.to_string(),
        ip_address: d.ip_address.clone(),
        label: d.label.clone(),
        is_authorized: d.is_authorized,
        is_randomized_mac: d.is_randomized_mac,
        first_seen_at: d.first_seen_at,
        last_seen_at: d.last_seen_at,
        created_at: d.first_seen_at,
    }
}

/// Shown when a device uses a private (randomized) Wi-Fi address.
pub const PRIVATE_ADDRESS_HINT: &str = "Perangkat Anda memakai alamat Wi-Fi acak (privat), yang bisa berubah sehingga perangkat dianggap baru. \
Agar tidak perlu login ulang: Android — Setelan › Wi-Fi › jaringan ini › Privasi › pilih \"Gunakan MAC perangkat\"; \
iPhone — Setelan › Wi-Fi › (i) di jaringan ini › matikan \"Alamat Wi-Fi Pribadi\". Lalu sambungkan ulang ke Wi-Fi.";
