//! The simulator's pay page: what a customer sees instead of Snap or a banking app.

use actix_web::http::header::{CONTENT_TYPE, LOCATION};
use actix_web::{HttpResponse, web};
use qrcode::QrCode;
use qrcode::render::svg;
use saring_domain::Rupiah;
use serde::Deserialize;

use super::state::{Kind, Method, Order};
use super::{Action, Shared};
use crate::breaker::lock;
use crate::payments::wib;

/// The methods a Snap customer can pick on the page.
const SNAP_METHODS: &[(&str, &str)] = &[
    ("qris", "QRIS"),
    ("gopay", "GoPay"),
    ("shopeepay", "ShopeePay"),
    ("bca", "Virtual Account BCA"),
    ("bni", "Virtual Account BNI"),
    ("bri", "Virtual Account BRI"),
    ("mandiri", "Mandiri Bill Payment"),
    ("permata", "Virtual Account Permata"),
    ("cimb", "Virtual Account CIMB"),
];

#[derive(Debug, Deserialize)]
pub(crate) struct PayForm {
    action: String,
    method: Option<String>,
}

/// A QR code as an SVG image.
pub(crate) fn qr_svg(data: &str) -> Option<String> {
    let code = QrCode::new(data.as_bytes()).ok()?;
    Some(
        code.render::<svg::Color<'_>>()
            .min_dimensions(240, 240)
            .build(),
    )
}

pub(crate) async fn show(order_id: web::Path<String>, shared: web::Data<Shared>) -> HttpResponse {
    let order = lock(&shared.state).orders.get(order_id.as_str()).cloned();
    match order {
        Some(order) => HttpResponse::Ok()
            .insert_header((CONTENT_TYPE, "text/html; charset=utf-8"))
            .body(render(&order)),
        None => HttpResponse::NotFound()
            .insert_header((CONTENT_TYPE, "text/html; charset=utf-8"))
            .body(layout("Tidak ditemukan", "<p>Pesanan tidak ditemukan.</p>")),
    }
}

pub(crate) async fn act(
    order_id: web::Path<String>,
    form: web::Form<PayForm>,
    shared: web::Data<Shared>,
) -> HttpResponse {
    let action = match form.action.as_str() {
        "pay" => Action::Pay,
        "deny" => Action::Deny,
        "expire" => Action::Expire,
        _ => return HttpResponse::BadRequest().body("Aksi tidak dikenal."),
    };
    let order = match shared.act(&order_id, action, form.method.as_deref()) {
        Ok(order) => Some(order),
        // Already final (a second click): show the page as it is.
        Err(_) => lock(&shared.state).orders.get(order_id.as_str()).cloned(),
    };
    let location = match &order {
        Some(Order {
            kind:
                Kind::Snap {
                    finish_url: Some(finish),
                    ..
                },
            status,
            ..
        }) if *status != "pending" => {
            let sep = if finish.contains('?') { '&' } else { '?' };
            let id = order
                .as_ref()
                .map(|o| o.order_id.as_str())
                .unwrap_or_default();
            let code = super::state::status_code(status);
            format!("{finish}{sep}order_id={id}&status_code={code}&transaction_status={status}")
        }
        _ => format!("/pay/{order_id}"),
    };
    HttpResponse::SeeOther()
        .insert_header((LOCATION, location))
        .finish()
}

fn status_label(status: &str) -> &'static str {
    match status {
        "pending" => "Menunggu pembayaran",
        "settlement" => "Lunas",
        "deny" => "Ditolak",
        "expire" => "Kedaluwarsa",
        "cancel" => "Dibatalkan",
        _ => "Tidak diketahui",
    }
}

fn render(order: &Order) -> String {
    let mut html = String::new();
    html.push_str("<dl>");
    let mut row = |label: &str, value: &str| {
        html.push_str(&format!("<dt>{label}</dt><dd>{}</dd>", escape(value)));
    };
    row("Order ID", &order.order_id);
    row("Item", &order.item_name);
    row("Total", &Rupiah(order.gross_amount).to_string());
    row("Status", status_label(order.status));
    if let Some(t) = order.expiry_time {
        row(
            "Batas waktu",
            &format!(
                "{} WIB",
                t.with_timezone(&wib::WIB).format("%d-%m-%Y %H:%M")
            ),
        );
    }
    if let Some(method) = &order.method {
        row("Metode", &method.label());
    }
    html.push_str("</dl>");
    if let Some(method) = &order.method {
        html.push_str(&instructions(method));
    }
    if order.status == "pending" {
        html.push_str("<form method=\"post\">");
        if order.method.is_none() {
            html.push_str("<label>Metode pembayaran <select name=\"method\">");
            for (value, label) in SNAP_METHODS {
                html.push_str(&format!("<option value=\"{value}\">{label}</option>"));
            }
            html.push_str("</select></label>");
        }
        html.push_str(concat!(
            "<div class=\"buttons\">",
            "<button name=\"action\" value=\"pay\" class=\"pay\">Bayar</button>",
            "<button name=\"action\" value=\"deny\">Gagalkan</button>",
            "<button name=\"action\" value=\"expire\">Kedaluwarsa</button>",
            "</div></form>"
        ));
    }
    layout(&format!("Pembayaran {}", order.order_id), &html)
}

fn instructions(method: &Method) -> String {
    match method {
        Method::Qris { qr_string }
        | Method::Gopay { qr_string }
        | Method::Shopeepay { qr_string } => {
            let image = qr_svg(qr_string).unwrap_or_default();
            format!(
                "<div class=\"qr\">{image}</div><p>Pindai kode QR dengan aplikasi pembayaran.</p>\
                 <details><summary>Data QR</summary><code>{}</code></details>",
                escape(qr_string)
            )
        }
        Method::Va { bank, number } => format!(
            "<p>Transfer ke nomor Virtual Account {}:</p><p class=\"code\">{}</p>",
            escape(&bank.to_uppercase()),
            escape(number)
        ),
        Method::Permata { number } => format!(
            "<p>Transfer ke nomor Virtual Account Permata:</p><p class=\"code\">{}</p>",
            escape(number)
        ),
        Method::Mandiri {
            bill_key,
            biller_code,
        } => format!(
            "<p>Kode perusahaan (biller code): <strong>{}</strong></p>\
             <p>Kode pembayaran (bill key):</p><p class=\"code\">{}</p>",
            escape(biller_code),
            escape(bill_key)
        ),
    }
}

fn layout(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"id\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><style>{STYLE}</style></head><body><main>\
         <p class=\"badge\">Simulator pembayaran: bukan Midtrans, tidak ada uang sungguhan.</p>\
         <h1>{title}</h1>{body}</main></body></html>",
        title = escape(title),
    )
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;background:#f4f5f7;margin:0;padding:1rem;color:#1d2433}\
main{max-width:28rem;margin:auto;background:#fff;border-radius:12px;padding:1.25rem;box-shadow:0 1px 4px #0002}\
h1{font-size:1.25rem;word-break:break-all}.badge{background:#fff4ce;border-radius:6px;padding:.4rem .6rem;font-size:.85rem}\
dl{display:grid;grid-template-columns:auto 1fr;gap:.3rem .8rem}dt{color:#667}dd{margin:0;font-weight:600}\
.qr svg{width:240px;height:240px;display:block;margin:auto}.code{font-size:1.4rem;font-family:monospace;letter-spacing:.05em}\
code{word-break:break-all;font-size:.75rem}select{width:100%;padding:.5rem;margin:.3rem 0 .8rem}\
.buttons{display:flex;gap:.5rem;flex-wrap:wrap}button{flex:1;padding:.7rem;border-radius:8px;border:1px solid #ccd;background:#fff;font-size:1rem}\
button.pay{background:#0a7d3b;color:#fff;border-color:#0a7d3b}";

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}
