//! WhatsApp message templates (Indonesian), keyed by the reference's template names.
//! `{placeholder}` is replaced; `{a|b|c}` picks one variant at random (fewer identical
//! messages: WhatsApp bans accounts that send the same text in bulk). `*text*` is bold.

use std::collections::BTreeMap;

use crate::error::{AppError, AppResult};

/// `(key, template)` for every message Saring sends.
pub const TEMPLATES: &[(&str, &str)] = &[
    (
        "auth_send_otp",
        "{Kode OTP Anda|OTP login Anda|Kode verifikasi Anda}: *{otp_code}*\n\n{Jangan berikan kode ini kepada siapa pun.|Rahasiakan kode ini dan jangan dibagikan.} {Kode berlaku selama|Masa berlaku kode ini} {otp_expiry_minutes} menit.",
    ),
    (
        "user_self_register_pending",
        "{Halo|Hai} {full_name}, pendaftaran Anda di {app_name} {sudah kami terima|berhasil dikirim}. Akun Anda sedang menunggu persetujuan admin; kami kabari lewat WhatsApp setelah disetujui.",
    ),
    (
        "new_user_registration_to_admin",
        "Pendaftaran baru di {app_name}:\nNama: {full_name}\nNomor: {phone_number}\nPeran: {role}\nAlamat: {address}\n\n{Mohon|Silakan} tinjau di panel admin.",
    ),
    (
        "user_approve_with_password",
        "{Selamat|Kabar baik}, {full_name}! Akun {app_name} Anda telah disetujui.\n\nLogin hotspot:\nUsername: *{hotspot_username}*\nPassword: *{hotspot_password}*\n\nUntuk masuk, sambungkan ke WiFi lalu login dengan nomor WhatsApp Anda (kode OTP).{bonus_line}",
    ),
    (
        "user_reject_notification",
        "{Mohon maaf|Maaf}, {full_name}. Pendaftaran Anda di {app_name} belum dapat disetujui.{reason_line}",
    ),
    (
        "admin_login_notification",
        "Login admin {app_name} terdeteksi untuk {full_name} pada {login_time}. Jika ini bukan Anda, segera ganti password.",
    ),
    (
        "password_change_notification",
        "Password portal {app_name} Anda baru saja diubah pada {change_time}. Jika ini bukan Anda, hubungi super admin.",
    ),
    (
        "admin_password_generated",
        "Password portal admin {app_name} Anda: *{password}*\nSilakan login lalu segera ganti password.",
    ),
    (
        "user_access_blocked",
        "Akses internet Anda di {app_name} diblokir.{reason_line}",
    ),
    (
        "user_access_unblocked",
        "Akses internet Anda di {app_name} sudah dibuka kembali. Selamat berinternet!",
    ),
    (
        "user_role_changed",
        "Peran akun {app_name} Anda diubah menjadi {role}.",
    ),
    (
        "user_hotspot_password_reset_by_user",
        "Password hotspot baru Anda: *{hotspot_password}* (username {hotspot_username}).",
    ),
];

pub fn template(key: &str) -> AppResult<&'static str> {
    TEMPLATES
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, t)| *t)
        .ok_or_else(|| AppError::Internal(format!("unknown message template {key}")))
}

/// Renders a template with its variables (all placeholders must be given).
pub fn render(key: &str, vars: &[(&str, String)]) -> AppResult<String> {
    let map: BTreeMap<&str, String> = vars.iter().cloned().collect();
    saring_gateways::template::render(template(key)?, &map, &mut rand::rng())
        .map_err(|e| AppError::Internal(format!("template {key}: {e}")))
}
