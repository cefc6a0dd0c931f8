//! Invoices (receipts) of paid orders, as HTML and as PDF, and the admin's per-transaction
//! report (any status). Indonesian layout: `Rp 10.000`, `dd-mm-yyyy`, local time (WITA).

use saring_domain::PaymentStatus;
use saring_domain::api::ErrorCode;
use saring_domain::money::Rupiah;
use saring_domain::user::User;
use saring_store::repo::payments::{Transaction, TransactionPurpose};
use saring_store::repo::{packages, users};

use super::messages::quota_label;
use super::pdf::Page;
use crate::context::App;
use crate::error::{AppError, AppResult};

/// Everything an invoice shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceData {
    /// The issuer: the business name of the settings page, else the app's name.
    pub app_name: String,
    /// The issuer's address, phone and email (settings page), those that are set.
    pub issuer_lines: Vec<String>,
    pub title: String,
    pub order_id: String,
    pub status: PaymentStatus,
    pub paid: bool,
    pub issued: String,
    pub paid_at: Option<String>,
    pub customer_name: String,
    pub customer_phone: String,
    pub customer_address: Option<String>,
    pub item: String,
    pub item_detail: String,
    pub method: String,
    pub amount: String,
    pub midtrans_transaction_id: Option<String>,
}

fn unavailable() -> AppError {
    AppError::rejected(
        ErrorCode::InvoiceUnavailable,
        "Invoice hanya tersedia untuk transaksi yang sudah dibayar.",
    )
}

/// The invoice's content. `require_paid`: refuse orders that are not `SUCCESS`.
pub async fn data(app: &App, tx: &Transaction, require_paid: bool) -> AppResult<InvoiceData> {
    let paid = tx.status == PaymentStatus::Success;
    if require_paid && !paid {
        return Err(unavailable());
    }
    let tz = &app.config().app.timezone;
    let user: Option<User> = match tx.user_id {
        Some(id) => users::find_by_id(app.db(), id).await?,
        None => None,
    };
    let (item, item_detail) = match tx.purpose {
        TransactionPurpose::Purchase => match tx.package_id {
            Some(id) => match packages::find(app.db(), id).await? {
                Some(p) => (
                    p.name.clone(),
                    format!("{} • {} hari", quota_label(p.quota_mb), p.duration_days),
                ),
                None => ("Paket".into(), "-".into()),
            },
            None => ("Paket".into(), "-".into()),
        },
        TransactionPurpose::Debt => (
            "Pelunasan tunggakan kuota".into(),
            tx.debt_mb.map_or_else(
                || "-".into(),
                |mb| format!("Tunggakan {}", quota_label(mb.max(1))),
            ),
        ),
    };
    let (app_name, issuer_lines) = issuer(app).await?;
    Ok(InvoiceData {
        app_name,
        issuer_lines,
        title: if paid {
            "Invoice".into()
        } else {
            "Laporan Transaksi".into()
        },
        order_id: tx.order_id.clone(),
        status: tx.status,
        paid,
        issued: tz.format_datetime(tx.created_at),
        paid_at: tx
            .payment_time
            .filter(|_| paid)
            .map(|t| tz.format_datetime(t)),
        customer_name: user
            .as_ref()
            .map_or_else(|| "-".into(), |u| u.full_name.clone()),
        customer_phone: user
            .as_ref()
            .map_or_else(|| "-".into(), |u| u.phone.local()),
        customer_address: user.as_ref().and_then(|u| match (&u.blok, &u.kamar) {
            (Some(b), Some(k)) => Some(format!("Blok {b}, {}", k.replace('_', " "))),
            (Some(b), None) => Some(format!("Blok {b}")),
            _ => None,
        }),
        item,
        item_detail,
        method: tx
            .payment_method
            .clone()
            .map_or_else(|| "Midtrans".into(), |m| m.replace('_', " ").to_uppercase()),
        amount: Rupiah(tx.amount).to_string(),
        midtrans_transaction_id: tx.midtrans_transaction_id.clone(),
    })
}

/// The issuer of invoices and reports: the settings page's branding, else the app's name.
pub async fn issuer(app: &App) -> AppResult<(String, Vec<String>)> {
    use crate::settings::keys;
    let s = crate::settings::current(app).await?;
    let name = s
        .text(keys::BUSINESS_NAME)
        .or_else(|| s.text(keys::APP_NAME))
        .unwrap_or_else(|| app.config().app.name.clone());
    let lines = [
        keys::BUSINESS_ADDRESS,
        keys::BUSINESS_PHONE,
        keys::BUSINESS_EMAIL,
    ]
    .iter()
    .filter_map(|k| s.text(k))
    .flat_map(|v| v.lines().map(str::to_owned).collect::<Vec<_>>())
    .filter(|l| !l.trim().is_empty())
    .collect();
    Ok((name, lines))
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// A self-contained HTML page (prints well; no external resources).
pub fn html(d: &InvoiceData) -> String {
    let mut rows = vec![
        ("Nomor order", d.order_id.clone()),
        ("Tanggal", d.issued.clone()),
        ("Status", d.status.as_str().to_owned()),
        ("Metode pembayaran", d.method.clone()),
    ];
    if let Some(p) = &d.paid_at {
        rows.push(("Dibayar", p.clone()));
    }
    if let Some(t) = &d.midtrans_transaction_id {
        rows.push(("ID transaksi Midtrans", t.clone()));
    }
    let rows: String = rows
        .iter()
        .map(|(k, v)| {
            format!(
                "<div class=\"row\"><dt>{}</dt><dd>{}</dd></div>",
                esc(k),
                esc(v)
            )
        })
        .collect();
    let address = d
        .customer_address
        .as_deref()
        .map(|a| format!("<p>{}</p>", esc(a)))
        .unwrap_or_default();
    let stamp = if d.paid {
        "<div class=\"stamp\">LUNAS</div>"
    } else {
        ""
    };
    format!(
        r#"<!DOCTYPE html>
<html lang="id"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} {order}</title>
<style>
*{{box-sizing:border-box;margin:0;padding:0}}body{{font-family:Arial,Helvetica,sans-serif;font-size:13px;line-height:1.5;color:#202124}}
.invoice{{max-width:760px;margin:24px auto;padding:32px 40px;border:1px solid #e0e0e0}}
.brand{{font-size:18px;color:#444;margin-bottom:28px}}h1{{font-size:30px;font-weight:400}}
.sub{{color:#5f6368;margin-bottom:24px}}h2{{font-size:11px;text-transform:uppercase;color:#5f6368;letter-spacing:.5px;margin-bottom:6px}}
.bill{{margin-bottom:24px}}dl{{border-top:1px solid #dadce0;border-bottom:1px solid #dadce0;padding:14px 0;margin-bottom:24px}}
.row{{display:flex;justify-content:space-between;margin:4px 0}}dt{{color:#5f6368}}dd{{font-weight:600;text-align:right}}
table{{width:100%;border-collapse:collapse}}th,td{{padding:8px 0;text-align:left;border-bottom:1px solid #eee}}th:last-child,td:last-child{{text-align:right}}
.total td{{font-weight:700;font-size:15px;border-bottom:none;padding-top:14px}}.stamp{{float:right;color:#188038;border:2px solid #188038;padding:2px 10px;font-weight:700;transform:rotate(-6deg)}}
.foot{{margin-top:32px;color:#80868b;font-size:11px}}
</style></head><body><div class="invoice">
<div class="brand">{app}{issuer}</div>{stamp}
<h1>{title}</h1><p class="sub">#{order}</p>
<div class="bill"><h2>Ditagihkan kepada</h2><p><strong>{name}</strong></p><p>{phone}</p>{address}</div>
<dl>{rows}</dl>
<table><thead><tr><th>Deskripsi</th><th>Jumlah</th></tr></thead>
<tbody><tr><td>{item}<br><small>{detail}</small></td><td>{amount}</td></tr>
<tr class="total"><td>Total</td><td>{amount}</td></tr></tbody></table>
<p class="foot">Dokumen ini dibuat otomatis oleh {app} dan sah tanpa tanda tangan.</p>
</div></body></html>
"#,
        title = esc(&d.title),
        order = esc(&d.order_id),
        app = esc(&d.app_name),
        issuer = d
            .issuer_lines
            .iter()
            .map(|l| format!("<br><small>{}</small>", esc(l)))
            .collect::<String>(),
        name = esc(&d.customer_name),
        phone = esc(&d.customer_phone),
        item = esc(&d.item),
        detail = esc(&d.item_detail),
        amount = esc(&d.amount),
    )
}

/// The same content as a one-page A4 PDF.
pub fn pdf(d: &InvoiceData) -> Vec<u8> {
    let mut page = Page::new();
    page.line(&d.app_name, 14.0, true);
    for l in &d.issuer_lines {
        page.line(l, 9.0, false);
    }
    page.gap(12.0);
    page.heading(&d.title, &format!("#{}", d.order_id));
    if d.paid {
        page.stamp("LUNAS", (0.09, 0.5, 0.22));
    }
    page.gap(18.0);
    page.line("DITAGIHKAN KEPADA", 8.0, true);
    page.line(&d.customer_name, 11.0, true);
    page.line(&d.customer_phone, 10.0, false);
    if let Some(a) = &d.customer_address {
        page.line(a, 10.0, false);
    }
    page.gap(6.0);
    page.rule();
    page.row("Nomor order", &d.order_id, true);
    page.row("Tanggal", &d.issued, false);
    page.row("Status", d.status.as_str(), true);
    page.row("Metode pembayaran", &d.method, false);
    if let Some(p) = &d.paid_at {
        page.row("Dibayar", p, false);
    }
    if let Some(t) = &d.midtrans_transaction_id {
        page.row("ID transaksi Midtrans", t, false);
    }
    page.rule();
    page.gap(6.0);
    page.row(&d.item, &d.amount, true);
    page.row(&d.item_detail, "", false);
    page.total("Total", &d.amount);
    page.footer(&format!(
        "Dokumen ini dibuat otomatis oleh {} dan sah tanpa tanda tangan.",
        d.app_name
    ));
    page.into_pdf(&format!("{} {}", d.title, d.order_id))
}

/// The invoice of one of the user's orders (admins: any order).
pub async fn for_user(app: &App, user: &User, order_id: &str) -> AppResult<InvoiceData> {
    let tx = super::status::find_for(app, user, order_id).await?;
    data(app, &tx, true).await
}

/// The invoice a temporary link (WhatsApp) opens.
pub async fn by_token(app: &App, token: &str) -> AppResult<InvoiceData> {
    let id = super::verify_invoice_token(app, token).ok_or_else(|| {
        AppError::rejected(
            ErrorCode::StatusTokenInvalid,
            "Tautan invoice tidak valid atau sudah kedaluwarsa.",
        )
    })?;
    let tx = saring_store::repo::payments::find(app.db(), id)
        .await?
        .ok_or_else(super::status::not_found)?;
    data(app, &tx, true).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> InvoiceData {
        InvoiceData {
            app_name: "Saring <Hotspot>".into(),
            issuer_lines: vec!["Jl. Mawar <5>".into()],
            title: "Invoice".into(),
            order_id: "BD-LPSR-ABC".into(),
            status: PaymentStatus::Success,
            paid: true,
            issued: "27-11-2026 14:05 WITA".into(),
            paid_at: Some("27-11-2026 14:06 WITA".into()),
            customer_name: "Budi".into(),
            customer_phone: "081234567890".into(),
            customer_address: Some("Blok A, Kamar 1".into()),
            item: "Harian 1 GB".into(),
            item_detail: "1,00 GB • 1 hari".into(),
            method: "QRIS".into(),
            amount: "Rp 5.000".into(),
            midtrans_transaction_id: None,
        }
    }

    #[test]
    fn html_is_escaped_and_indonesian() {
        let h = html(&sample());
        assert!(h.contains("Saring &lt;Hotspot&gt;"));
        assert!(h.contains("Jl. Mawar &lt;5&gt;"));
        assert!(h.contains("Rp 5.000"));
        assert!(h.contains("27-11-2026 14:05 WITA"));
        assert!(h.contains("LUNAS"));
    }

    #[test]
    fn pdf_renders() {
        let p = pdf(&sample());
        assert!(p.starts_with(b"%PDF-"));
        assert!(p.len() > 1000);
    }
}
