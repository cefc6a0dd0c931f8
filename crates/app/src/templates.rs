//! WhatsApp message templates (Indonesian): the messages Saring sends, keyed by the
//! reference's template names (`templates.json`) where it has one, and by Saring's own names
//! for the rest (`admin_router_down`, `admin_jobs_dead_letter`, …). Reference templates of
//! features Saring does not have are not here. Admins may override a template's text
//! (`message_templates`); [`render_current`] uses the override when there is one. A test
//! (`tests/jobs_templates.rs`) fails when a template has no caller (unless it waits for a
//! feature still being built) or a caller names a template that does not exist.
//! `{placeholder}` is replaced; `{a|b|c}` picks one variant at random (fewer identical
//! messages: WhatsApp bans accounts that send the same text in bulk). `*text*` is bold.

use std::collections::BTreeMap;

pub use saring_domain::dto::templates::TemplateInfo;

use crate::error::{AppError, AppResult};

/// `(key, template)` for every message Saring sends.
pub const TEMPLATES: &[(&str, &str)] = &[
    (
        "auth_send_otp",
        "{Kode masuk|Kode login} {app_name} Anda: *{otp_code}*\n\nKode ini berlaku {otp_expiry_minutes} menit dan hanya bisa dipakai sekali. {Petugas tidak akan pernah meminta kode ini.|Jangan teruskan kode ini ke orang lain, termasuk petugas.}",
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
    (
        "purchase_success_with_invoice",
        "✅ *{Pembayaran diterima|Pembayaran sukses}*\n\n{full_name}, paket *{package_name}* ({package_quota}) sudah aktif dan berlaku hingga *{expiry_date}*.\nNo. pesanan: {order_id}\nTotal: {package_price}\n\nStatus pesanan: {status_url}\nKuitansi PDF: {invoice_url}\n\n{Selamat menikmati internetnya.|Terima kasih sudah berlangganan.}",
    ),
    (
        "user_debt_cleared_online",
        "✅ *Pelunasan Tunggakan Berhasil*\n\nHalo *{full_name}*, pembayaran online untuk pelunasan tunggakan Anda sudah {berhasil kami terima|kami terima}.\n\n- Order ID: *{order_id}*\n- Metode pembayaran: *{payment_method_label}*\n- Pelunasan auto debt: *{paid_auto_debt_gb}*\n- Pelunasan manual debt: *{paid_manual_debt_gb}*\n- Total tunggakan dilunasi: *{paid_total_debt_gb}*\n- Nilai pembayaran diterima: *{paid_total_debt_amount_display}*\n\nSisa kuota aktif: *{remaining_quota}*\nReceipt: {receipt_url}\nPortal Hotspot: {link_user_app}",
    ),
    (
        "user_debt_cleared_online_unblock",
        "✅ *Akses Aktif Kembali*\n\nHalo *{full_name}*, pembayaran online Anda sudah {berhasil kami terima|kami terima}, seluruh tunggakan selesai, dan akses internet kembali aktif.\n\n- Order ID: *{order_id}*\n- Metode pembayaran: *{payment_method_label}*\n- Pelunasan auto debt: *{paid_auto_debt_gb}*\n- Pelunasan manual debt: *{paid_manual_debt_gb}*\n- Total tunggakan dilunasi: *{paid_total_debt_gb}*\n- Nilai pembayaran diterima: *{paid_total_debt_amount_display}*\n\nSisa kuota aktif: *{remaining_quota}*\nReceipt: {receipt_url}\nPortal Hotspot: {link_user_app}",
    ),
    (
        "user_debt_underpayment_correction",
        "⚠️ *Pembayaran Tunggakan Kurang*\n\nHalo *{full_name}*, pembayaran tunggakan Anda sudah kami terima, tetapi nilainya lebih kecil dari tunggakan saat ini (tunggakan bertambah sejak tagihan dibuat).\n\n- Order ID: *{order_id}*\n- Pembayaran diterima: *{paid_amount_display}*\n- Nilai yang seharusnya: *{expected_amount_display}*\n- Kekurangan pembayaran: *{shortage_amount_display}*\n- Tunggakan yang dilunasi: *{paid_total_debt_gb}*\n- Sisa tunggakan: *{shortage_debt_gb}*\n\nSilakan lunasi sisanya dari portal: {link_user_app}",
    ),
    (
        "admin_bill_created",
        "{Halo|Hai} *{full_name}*, admin {app_name} membuat tagihan untuk Anda.\n\n- Paket: *{package_name}*\n- Harga: *{package_price}*\n- Order ID: *{order_id}*\n- Bayar sebelum: *{expiry_date}*\n\nBayar di sini: {payment_url}",
    ),
    (
        "payment_gateway_unavailable_to_admin",
        "⚠️ Pembayaran Midtrans di {app_name} sedang gagal berulang kali; pembelian ditutup sementara (dicoba lagi dalam {retry_after_seconds} detik). Periksa koneksi server ke Midtrans dan jalankan self-test di panel admin.",
    ),
    (
        "payment_reversed_to_admin",
        "⚠️ Pembayaran order *{order_id}* ({full_name}, {amount}) dibatalkan oleh bank/Midtrans setelah lunas (status {status}). Kuota pengguna tidak ditarik otomatis; periksa di panel admin.",
    ),
    (
        "user_quota_low",
        "🔔 {full_name}, {sisa kuota internet Anda tinggal|kuota Anda kini tersisa} *{remaining_quota}*.\n\nAgar koneksi tidak terputus, beli paket baru lewat {link_user_app}",
    ),
    (
        "komandan_quota_low",
        "🔔 Komandan {full_name}, {sisa kuota Anda tinggal|kuota Anda kini tersisa} *{remaining_quota}*.\n\nAjukan tambahan kuota atau beli paket lewat {link_user_app}",
    ),
    (
        "user_quota_expiry_warning",
        "📅 {full_name}, paket internet Anda {habis masa berlakunya|berakhir} dalam *{remaining_days} hari*.\n\nPerpanjang dengan membeli paket di {link_user_app}",
    ),
    (
        "komandan_quota_expiry_warning",
        "📅 Komandan {full_name}, masa berlaku kuota Anda {habis|berakhir} dalam *{remaining_days} hari*.\n\nAjukan perpanjangan atau beli paket di {link_user_app}",
    ),
    (
        "user_access_expired",
        "📅 {full_name}, masa berlaku paket Anda {sudah lewat|telah berakhir} ({expiry_date}), jadi akses internet dihentikan.\n\nBeli paket baru untuk tersambung lagi: {link_user_app}",
    ),
    (
        "user_access_fup",
        "🐢 {full_name}, pemakaian Anda sudah mencapai batas wajar (FUP), kecepatan kini diturunkan. Sisa kuota: *{remaining_quota}*.\n\nTambah paket di {link_user_app}",
    ),
    (
        "user_access_habis",
        "🚫 {full_name}, {kuota internet Anda sudah terpakai semua|kuota Anda sudah habis}.\n\nBeli paket untuk tersambung kembali: {link_user_app}",
    ),
    (
        "user_quota_debt_blocked",
        "⛔ {full_name}, akses internet Anda kami hentikan sementara: pemakaian di luar kuota (utang kuota) sudah mencapai *{debt_gb}*, melewati batas yang diizinkan.\n\nPerkiraan nilai: *Rp {estimated_rp}* (dihitung dari paket termurah, {base_package_name}).\nSilakan lunasi atau hubungi admin agar akses dibuka kembali.",
    ),
    (
        "admin_quota_debt_blocked",
        "⛔ Blokir otomatis karena utang kuota\n\n{full_name} ({phone_number}) melewati batas utang kuota: *{debt_gb}*, perkiraan *Rp {estimated_rp}* (acuan paket {base_package_name}).\n\nTinjau pengguna ini di panel admin.",
    ),
    (
        "user_manual_debt_reminder_3days",
        "📌 {full_name}, utang kuota Anda sebesar *{debt_amount}* ({debt_price}) jatuh tempo pada *{due_date}*, {tiga hari lagi|3 hari dari sekarang}.\n\nLunasi lewat {link_user_app} agar akses internet tetap berjalan.",
    ),
    (
        "user_manual_debt_reminder_1day",
        "📌 {full_name}, utang kuota *{debt_amount}* ({debt_price}) jatuh tempo *besok*, {due_date}.\n\n{Segera lunasi|Mohon dilunasi} lewat {link_user_app} agar akses tidak diblokir.",
    ),
    (
        "user_manual_debt_reminder_3hours",
        "⏰ {full_name}, {tinggal beberapa jam lagi|hanya tersisa beberapa jam}: utang kuota *{debt_amount}* ({debt_price}) jatuh tempo hari ini, {due_date}.\n\nLunasi sekarang lewat {link_user_app}.",
    ),
    (
        "user_debt_overdue_blocked",
        "⛔ {full_name}, utang kuota Anda sebesar *{debt_amount}* {sudah lewat jatuh tempo|telah melewati tanggal jatuh tempo} ({due_date}), sehingga akses internet kami hentikan sementara.\n\nSetelah dilunasi lewat {link_user_app}, akses langsung dibuka kembali.",
    ),
    (
        "user_debt_end_of_month_blocked",
        "⛔ {full_name}, sampai akhir bulan ({due_date}) masih ada utang kuota *{debt_amount}* yang belum dilunasi, sehingga akses internet kami hentikan sementara.\n\nLunasi lewat {link_user_app} dan akses langsung dibuka kembali.",
    ),
    (
        "admin_debt_blocked",
        "⛔ Blokir otomatis karena utang kuota: {full_name} ({phone_number}), utang *{debt_amount}*, acuan tanggal {due_date}.\n\nDetail ada di panel admin.",
    ),
    (
        "user_account_deactivated",
        "{Halo|Hai} {full_name}, akun hotspot Anda kami nonaktifkan karena tidak dipakai selama {idle_days} hari.\n\nIngin memakai lagi? Hubungi admin atau buka {link_user_app}.",
    ),
    (
        "user_account_pre_delete_warning",
        "⚠️ {full_name}, akun hotspot Anda sudah {idle_days} hari tidak dipakai dan akan dihapus setelah {delete_days} hari tanpa aktivitas.\n\nCukup login sekali lewat {link_user_app} agar akun tetap tersimpan.",
    ),
    (
        "user_account_auto_deleted",
        "{full_name}, akun hotspot Anda telah dihapus karena tidak dipakai selama {idle_days} hari. Untuk memakai hotspot lagi, silakan daftar ulang di {link_user_app}.",
    ),
    (
        "admin_jobs_dead_letter",
        "⚠️ *{app_name}: tugas latar gagal*\n\n{count} tugas dihentikan setelah semua percobaan ulang. Periksa halaman Tugas di Panel Admin.",
    ),
    (
        "admin_router_down",
        "🔴 *Router {router_name} tidak terjangkau*\n\nSudah {down_minutes} menit tanpa jawaban.\nGalat terakhir: {error}",
    ),
    (
        "user_quota_injected",
        "{Halo|Hai} {full_name}, admin {app_name} menambahkan {added} ke akun Anda.{days_line}{debt_line}\nSisa kuota sekarang: *{remaining}*.",
    ),
    (
        "user_unlimited_activated_by_admin",
        "{Halo|Hai} {full_name}, akun {app_name} Anda kini *unlimited*{until_line}. Selamat berinternet!",
    ),
    (
        "user_unlimited_revoked_by_admin",
        "{full_name}, akses unlimited akun {app_name} Anda sudah diakhiri oleh admin. Sisa kuota Anda: *{remaining}*.",
    ),
    (
        "user_debt_added",
        "{full_name}, admin {app_name} mencatat tunggakan baru atas nama Anda: *{amount}*{price_line}, jatuh tempo {due_date}.{note_line}\nBayar dari menu Riwayat di portal.",
    ),
    (
        "user_debt_cleared",
        "Terima kasih, {full_name}. Tunggakan {app_name} Anda sebesar {paid} sudah dilunasi (kuitansi {receipt_number}).{remaining_line}",
    ),
    (
        "user_debt_cleared_unblock",
        "Terima kasih, {full_name}. Tunggakan {app_name} Anda sudah lunas (kuitansi {receipt_number}) dan akses internet Anda dibuka kembali.",
    ),
    (
        "user_debt_report_with_pdf",
        "{full_name}, berikut rincian tunggakan {app_name} Anda: {total} (perkiraan {estimated}).\nUnduh laporan (berlaku {valid_hours} jam): {report_url}",
    ),
    (
        "user_report_link",
        "{Halo|Hai} {full_name}, berikut {report_title} {app_name} Anda.\nUnduh PDF (berlaku sampai {valid_until}): {report_url}",
    ),
    (
        "user_hotspot_password_reset_by_admin",
        "{full_name}, admin {app_name} mengganti password hotspot Anda.\nUsername: *{hotspot_username}*\nPassword baru: *{hotspot_password}*",
    ),
    (
        "user_phone_changed",
        "{full_name}, nomor akun {app_name} Anda kini {phone_number}. Username hotspot Anda ikut berubah menjadi *{hotspot_username}*.",
    ),
    (
        "user_account_deleted",
        "{full_name}, akun {app_name} Anda telah dihapus oleh admin. Hubungi admin bila ini keliru.",
    ),
    (
        "new_komandan_request_to_admin",
        "Permintaan komandan baru di {app_name}:\nNama: {full_name}\nNomor: {phone_number}\nPermintaan: {request}\n\nProses di panel admin (Permintaan).",
    ),
    (
        "komandan_request_quota_approved",
        "{Halo|Hai} {full_name}, permintaan kuota Anda disetujui: +{added}, berlaku {days} hari.",
    ),
    (
        "komandan_request_unlimited_approved",
        "{Halo|Hai} {full_name}, permintaan unlimited Anda disetujui: unlimited selama {days} hari.",
    ),
    (
        "komandan_request_quota_partially_approved",
        "{full_name}, permintaan Anda tidak disetujui penuh. Admin memberi +{added} untuk {days} hari.\nAlasan: {reason}",
    ),
    (
        "komandan_request_rejected",
        "{full_name}, permintaan Anda di {app_name} ditolak.\nAlasan: {reason}",
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

/// Renders with the admin's override of the template when there is one (falling back to the
/// built-in text if the override does not render, e.g. a placeholder the caller lacks).
pub async fn render_current(
    app: &crate::context::App,
    key: &str,
    vars: &[(&str, String)],
) -> AppResult<String> {
    let builtin = template(key)?;
    let map: BTreeMap<&str, String> = vars.iter().cloned().collect();
    if let Some(body) = saring_store::repo::messages::template_override(app.db(), key).await? {
        match saring_gateways::template::render(&body, &map, &mut rand::rng()) {
            Ok(text) => return Ok(text),
            Err(e) => {
                tracing::warn!(template = key, error = %e, "admin template does not render; using the built-in one")
            }
        }
    }
    saring_gateways::template::render(builtin, &map, &mut rand::rng())
        .map_err(|e| AppError::Internal(format!("template {key}: {e}")))
}

/// Saves an admin's text for a template (`None`: back to the built-in one). The text must
/// parse and use only placeholders the built-in template has (callers give no others).
pub async fn put_override(
    app: &crate::context::App,
    key: &str,
    body: Option<&str>,
    by: Option<uuid::Uuid>,
) -> AppResult<()> {
    if let Some(body) = body {
        check_text(key, body)?;
    }
    saring_store::repo::messages::put_template(app.db(), key, body, by).await?;
    Ok(())
}

/// Checks an admin's text for `key`: it parses and uses only the placeholders of the built-in
/// template (callers give no others). Returns those placeholders.
fn check_text(key: &str, body: &str) -> AppResult<Vec<String>> {
    let allowed = placeholders_of(template(key)?);
    let parsed = saring_gateways::template::Template::parse(body)
        .map_err(|e| AppError::invalid("body", format!("Template tidak valid: {e}")))?;
    if let Some(unknown) = parsed
        .placeholders()
        .into_iter()
        .find(|p| !allowed.iter().any(|a| a == p))
    {
        return Err(AppError::invalid(
            "body",
            format!("Placeholder {{{unknown}}} tidak tersedia untuk template ini."),
        ));
    }
    Ok(allowed)
}

fn known(key: &str) -> AppResult<&'static str> {
    TEMPLATES
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(k, _)| *k)
        .ok_or_else(|| {
            AppError::rejected(
                saring_domain::api::ErrorCode::NotFound,
                "Template tidak ditemukan.",
            )
        })
}

/// The placeholders of the built-in template `key`, in order of first appearance (empty for
/// an unknown key).
pub fn placeholders(key: &str) -> Vec<String> {
    template(key)
        .ok()
        .and_then(|t| saring_gateways::template::Template::parse(t).ok())
        .map(|t| {
            t.placeholders_in_order()
                .into_iter()
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

fn placeholders_of(text: &str) -> Vec<String> {
    saring_gateways::template::Template::parse(text)
        .map(|t| t.placeholders().into_iter().map(str::to_owned).collect())
        .unwrap_or_default()
}

/// Every template with the admin's text, sorted by key.
pub async fn list(app: &crate::context::App) -> AppResult<Vec<TemplateInfo>> {
    let custom: BTreeMap<String, String> =
        saring_store::repo::messages::template_overrides(app.db())
            .await?
            .into_iter()
            .collect();
    let mut out: Vec<TemplateInfo> = TEMPLATES
        .iter()
        .map(|(key, text)| TemplateInfo {
            key: (*key).to_owned(),
            builtin: (*text).to_owned(),
            custom: custom.get(*key).cloned(),
            placeholders: placeholders_of(text),
        })
        .collect();
    out.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(out)
}

/// An example value for a placeholder in previews.
fn sample(name: &str, app_name: &str) -> String {
    match name {
        "app_name" => app_name.to_owned(),
        "full_name" => "Budi Santoso".to_owned(),
        "phone_number" | "hotspot_username" => "081234567890".to_owned(),
        "otp_code" | "hotspot_password" | "password" | "new_password" => "123456".to_owned(),
        n if n.contains("date") || n.ends_with("_at") || n.ends_with("_time") => {
            "31-12-2026".to_owned()
        }
        n if n.contains("price") || n.ends_with("_rp") || n.contains("amount") => {
            saring_domain::money::Rupiah(25_000).to_string()
        }
        n if n.contains("quota") || n.ends_with("_gb") || n.ends_with("_mb") => {
            saring_domain::Megabytes::from_whole(1536).display(saring_domain::Locale::Id)
        }
        n if n.contains("url") || n.starts_with("link") => "https://wifi.contoh.id".to_owned(),
        n if n.contains("days") || n.contains("minutes") || n.contains("count") => "3".to_owned(),
        n => format!("[{n}]"),
    }
}

/// Renders `body` (or the text in force) for `key` with example values, checking it the way
/// [`put_override`] does, so an admin sees the message before saving it.
pub async fn preview(
    app: &crate::context::App,
    key: &str,
    body: Option<&str>,
) -> AppResult<String> {
    let key = known(key)?;
    let text = match body {
        Some(b) => b.to_owned(),
        None => saring_store::repo::messages::template_override(app.db(), key)
            .await?
            .unwrap_or_else(|| template(key).unwrap_or_default().to_owned()),
    };
    let allowed = check_text(key, &text)?;
    let app_name = app.config().app.name.clone();
    let vars: BTreeMap<&str, String> = allowed
        .iter()
        .map(|p| (p.as_str(), sample(p, &app_name)))
        .collect();
    saring_gateways::template::render(&text, &vars, &mut rand::rng())
        .map_err(|e| AppError::invalid("body", format!("Template tidak valid: {e}")))
}

/// Saves (or, with `None`, removes) the admin's text for a known key, with an action-log row.
pub async fn save(
    app: &crate::context::App,
    admin: &saring_domain::user::User,
    key: &str,
    body: Option<&str>,
) -> AppResult<TemplateInfo> {
    let key = known(key)?;
    let body = body.map(str::trim).filter(|b| !b.is_empty());
    if body.is_some_and(|b| b.chars().count() > 4000) {
        return Err(AppError::invalid(
            "body",
            "Template terlalu panjang (maksimal 4000 karakter).",
        ));
    }
    put_override(app, key, body, Some(admin.id.0)).await?;
    saring_store::repo::activity::log_action(
        app.db(),
        Some(admin.id),
        None,
        "UPDATE_MESSAGE_TEMPLATE",
        serde_json::json!({ "key": key, "reset": body.is_none() }),
    )
    .await?;
    list(app)
        .await?
        .into_iter()
        .find(|t| t.key == key)
        .ok_or_else(|| AppError::Internal(format!("template {key} vanished")))
}
