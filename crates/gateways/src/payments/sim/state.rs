//! The simulator's orders and how they look in Midtrans JSON.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use rand::Rng;
use serde_json::{Map, Value, json};

use super::DeliveryRecord;
use crate::payments::{signature, wib};

/// Midtrans' merchant id for the simulated merchant.
pub(crate) const MERCHANT_ID: &str = "G000SARING";

/// A Snap order (hosted page) or a Core API charge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Kind {
    Snap {
        token: String,
        finish_url: Option<String>,
    },
    Core,
}

/// How the customer pays, once known, with the codes Midtrans hands out for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Method {
    Qris {
        qr_string: String,
    },
    Gopay {
        qr_string: String,
    },
    Shopeepay {
        qr_string: String,
    },
    Va {
        bank: String,
        number: String,
    },
    Permata {
        number: String,
    },
    Mandiri {
        bill_key: String,
        biller_code: String,
    },
}

impl Method {
    /// Generates the codes for a method named as in Midtrans (`qris`, `gopay`, `shopeepay`,
    /// `bca`/`bni`/`bri`/`cimb`/`permata` for VAs, `mandiri`).
    pub(crate) fn generate(name: &str, order_id: &str, amount: i64, trx: &str) -> Option<Method> {
        let mut rng = rand::rng();
        let mut digits = |n: usize| -> String {
            (0..n)
                .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
                .collect()
        };
        Some(match name {
            "qris" => Method::Qris {
                qr_string: emv_qr(order_id, amount, trx, "ID.CO.QRIS.WWW"),
            },
            "gopay" => Method::Gopay {
                qr_string: emv_qr(order_id, amount, trx, "COM.GO-JEK.WWW"),
            },
            "shopeepay" => Method::Shopeepay {
                qr_string: emv_qr(order_id, amount, trx, "ID.CO.SHOPEE.WWW"),
            },
            "bca" => Method::Va {
                bank: "bca".into(),
                number: format!("12345{}", digits(6)),
            },
            "bni" => Method::Va {
                bank: "bni".into(),
                number: format!("988{}", digits(13)),
            },
            "bri" => Method::Va {
                bank: "bri".into(),
                number: format!("88810{}", digits(11)),
            },
            "cimb" => Method::Va {
                bank: "cimb".into(),
                number: format!("1899{}", digits(12)),
            },
            "permata" => Method::Permata {
                number: format!("8562{}", digits(12)),
            },
            "mandiri" => Method::Mandiri {
                bill_key: digits(12),
                biller_code: "70012".into(),
            },
            _ => return None,
        })
    }

    pub(crate) fn payment_type(&self) -> &'static str {
        match self {
            Method::Qris { .. } => "qris",
            Method::Gopay { .. } => "gopay",
            Method::Shopeepay { .. } => "shopeepay",
            Method::Va { .. } | Method::Permata { .. } => "bank_transfer",
            Method::Mandiri { .. } => "echannel",
        }
    }

    pub(crate) fn qr_string(&self) -> Option<&str> {
        match self {
            Method::Qris { qr_string }
            | Method::Gopay { qr_string }
            | Method::Shopeepay { qr_string } => Some(qr_string),
            _ => None,
        }
    }

    /// Midtrans' default payment window for the method.
    pub(crate) fn default_expiry(&self) -> Duration {
        match self {
            Method::Qris { .. } | Method::Gopay { .. } | Method::Shopeepay { .. } => {
                Duration::from_secs(15 * 60)
            }
            _ => Duration::from_secs(24 * 3600),
        }
    }

    /// A label for the pay page.
    pub(crate) fn label(&self) -> String {
        match self {
            Method::Qris { .. } => "QRIS".into(),
            Method::Gopay { .. } => "GoPay".into(),
            Method::Shopeepay { .. } => "ShopeePay".into(),
            Method::Va { bank, .. } => format!("Virtual Account {}", bank.to_uppercase()),
            Method::Permata { .. } => "Virtual Account Permata".into(),
            Method::Mandiri { .. } => "Mandiri Bill Payment".into(),
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Order {
    pub order_id: String,
    pub gross_amount: i64,
    pub item_name: String,
    pub kind: Kind,
    /// `None` for a Snap order before the customer picks a method (Midtrans: 404).
    pub method: Option<Method>,
    pub transaction_id: String,
    /// `pending`, `settlement`, `deny`, `expire` or `cancel`.
    pub status: &'static str,
    pub created_at: DateTime<Utc>,
    pub transaction_time: DateTime<Utc>,
    pub settlement_time: Option<DateTime<Utc>>,
    /// The payment window asked for (`custom_expiry` / Snap `expiry`).
    pub expiry_window: Option<Duration>,
    pub expiry_time: Option<DateTime<Utc>>,
}

impl Order {
    pub(crate) fn new(
        order_id: String,
        gross_amount: i64,
        item_name: String,
        kind: Kind,
        expiry_window: Option<Duration>,
    ) -> Order {
        let now = Utc::now();
        Order {
            order_id,
            gross_amount,
            item_name,
            kind,
            method: None,
            transaction_id: uuid::Uuid::new_v4().to_string(),
            status: "pending",
            created_at: now,
            transaction_time: now,
            settlement_time: None,
            expiry_window,
            expiry_time: expiry_window.map(|w| add(now, w)),
        }
    }

    /// Picks the payment method (Core: at charge; Snap: when the customer chooses).
    pub(crate) fn choose(&mut self, method: Method) {
        let now = Utc::now();
        let window = self
            .expiry_window
            .unwrap_or_else(|| method.default_expiry());
        self.transaction_time = now;
        self.expiry_time = Some(match (&self.kind, self.expiry_window) {
            // Snap's `expiry.start_time` is the creation time.
            (Kind::Snap { .. }, Some(w)) => add(self.created_at, w),
            _ => add(now, window),
        });
        self.method = Some(method);
    }

    pub(crate) fn status_code(&self) -> &'static str {
        status_code(self.status)
    }

    /// The order in Midtrans' shape (charge answer, status answer, notification).
    pub(crate) fn to_json(&self, base_url: &str, server_key: &str, status_message: &str) -> Value {
        let gross = format!("{}.00", self.gross_amount);
        let code = self.status_code();
        let mut m = Map::new();
        let mut put = |k: &str, v: Value| {
            m.insert(k.to_owned(), v);
        };
        put("status_code", json!(code));
        put("status_message", json!(status_message));
        put("transaction_id", json!(self.transaction_id));
        put("order_id", json!(self.order_id));
        put("merchant_id", json!(MERCHANT_ID));
        put("gross_amount", json!(gross));
        put("currency", json!("IDR"));
        put(
            "transaction_time",
            json!(wib::format(self.transaction_time)),
        );
        put("transaction_status", json!(self.status));
        put("fraud_status", json!("accept"));
        put(
            "signature_key",
            json!(signature(&self.order_id, code, &gross, server_key)),
        );
        if let Some(t) = self.expiry_time {
            put("expiry_time", json!(wib::format(t)));
        }
        if let Some(t) = self.settlement_time {
            put("settlement_time", json!(wib::format(t)));
        }
        if let Some(method) = &self.method {
            put("payment_type", json!(method.payment_type()));
            self.method_fields(method, base_url, &mut put);
        }
        Value::Object(m)
    }

    fn method_fields(&self, method: &Method, base_url: &str, put: &mut impl FnMut(&str, Value)) {
        let qr = format!("{base_url}/v2/qris/{}/qr-code", self.transaction_id);
        let pay_page = format!("{base_url}/pay/{}", self.order_id);
        let status = format!("{base_url}/v2/{}/status", self.transaction_id);
        let cancel = format!("{base_url}/v2/{}/cancel", self.transaction_id);
        let mut actions = vec![
            json!({"name": "generate-qr-code", "method": "GET", "url": qr}),
            json!({"name": "generate-qr-code-v2", "method": "GET", "url": format!("{qr}?version=2")}),
        ];
        match method {
            Method::Qris { qr_string } => {
                put("acquirer", json!("gopay"));
                put("qr_string", json!(qr_string));
                put("actions", Value::Array(actions));
            }
            Method::Gopay { qr_string } | Method::Shopeepay { qr_string } => {
                put("qr_string", json!(qr_string));
                actions
                    .push(json!({"name": "deeplink-redirect", "method": "GET", "url": pay_page}));
                actions.push(json!({"name": "get-status", "method": "GET", "url": status}));
                actions.push(json!({"name": "cancel", "method": "POST", "url": cancel}));
                put("actions", Value::Array(actions));
            }
            Method::Va { bank, number } => {
                put("va_numbers", json!([{"bank": bank, "va_number": number}]));
            }
            Method::Permata { number } => put("permata_va_number", json!(number)),
            Method::Mandiri {
                bill_key,
                biller_code,
            } => {
                put("bill_key", json!(bill_key));
                put("biller_code", json!(biller_code));
            }
        }
    }
}

/// Midtrans' body `status_code` for a transaction status.
pub(crate) fn status_code(status: &str) -> &'static str {
    match status {
        "pending" => "201",
        "deny" => "202",
        "expire" => "407",
        _ => "200",
    }
}

fn add(t: DateTime<Utc>, d: Duration) -> DateTime<Utc> {
    chrono::Duration::from_std(d)
        .ok()
        .and_then(|d| t.checked_add_signed(d))
        .unwrap_or(t)
}

/// Delivery switches set by tests.
#[derive(Debug, Clone)]
pub(crate) struct Switches {
    /// Each notification is POSTed this many times (≥ 1).
    pub copies: u32,
    /// After a final status, also deliver a stale `pending` for the order.
    pub reorder: bool,
    pub delay: Duration,
    pub bad_signature: bool,
    /// The status API (`GET /v2/{id}/status`) answers 503, as during a Midtrans outage.
    pub status_down: bool,
}

impl Default for Switches {
    fn default() -> Self {
        Switches {
            copies: 1,
            reorder: false,
            delay: Duration::ZERO,
            bad_signature: false,
            status_down: false,
        }
    }
}

#[derive(Debug, Default)]
pub(crate) struct State {
    pub orders: HashMap<String, Order>,
    /// Snap token → order id.
    pub tokens: HashMap<String, String>,
    pub switches: Switches,
    pub notification_url: Option<String>,
    pub deliveries: Vec<DeliveryRecord>,
}

impl State {
    /// Finds an order by order id or transaction id (Midtrans accepts either in URLs).
    pub(crate) fn find_mut(&mut self, id: &str) -> Option<&mut Order> {
        if self.orders.contains_key(id) {
            return self.orders.get_mut(id);
        }
        self.orders
            .values_mut()
            .find(|o| o.method.is_some() && o.transaction_id == id)
    }
}

/// An EMVCo merchant-presented QR payload (the QRIS format), with a valid CRC.
pub(crate) fn emv_qr(order_id: &str, amount: i64, transaction_id: &str, acquirer: &str) -> String {
    fn tlv(tag: &str, value: &str) -> String {
        format!("{tag}{:02}{value}", value.len().min(99))
    }
    let merchant = [
        tlv("00", acquirer),
        tlv("01", "936009140000000001"),
        tlv("02", "G000SARING"),
        tlv("03", "UMI"),
    ]
    .concat();
    let reference: String = order_id.chars().take(25).collect();
    let terminal: String = transaction_id
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(16)
        .collect();
    let additional = [tlv("01", &reference), tlv("07", &terminal)].concat();
    let mut payload = [
        tlv("00", "01"),
        tlv("01", "12"),
        tlv("26", &merchant),
        tlv(
            "51",
            &[
                tlv("00", "ID.CO.QRIS.WWW"),
                tlv("02", "ID1020000000001"),
                tlv("03", "UMI"),
            ]
            .concat(),
        ),
        tlv("52", "4899"),
        tlv("53", "360"),
        tlv("54", &amount.to_string()),
        tlv("58", "ID"),
        tlv("59", "SARING SIMULATOR"),
        tlv("60", "JAKARTA"),
        tlv("61", "10110"),
        tlv("62", &additional),
    ]
    .concat();
    payload.push_str("6304");
    let crc = crc16_ccitt(payload.as_bytes());
    payload.push_str(&format!("{crc:04X}"));
    payload
}

/// CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF), as EMVCo QR codes use.
pub(crate) fn crc16_ccitt(data: &[u8]) -> u16 {
    let mut crc: u16 = 0xFFFF;
    for &byte in data {
        crc ^= u16::from(byte) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            };
        }
    }
    crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_matches_the_standard_check_value() {
        assert_eq!(crc16_ccitt(b"123456789"), 0x29B1);
    }

    #[test]
    fn qr_payload_is_well_formed() {
        let qr = emv_qr(
            "BD-LPSR-0011223344AA",
            10_000,
            "b3f1c2d4-0000-4000-8000-000000000000",
            "ID.CO.QRIS.WWW",
        );
        assert!(qr.starts_with("000201010212"));
        assert!(qr.contains("5303360"));
        assert!(qr.contains("540510000"));
        assert!(qr.contains("5802ID"));
        let (body, crc) = qr.split_at(qr.len() - 4);
        assert!(body.ends_with("6304"));
        assert_eq!(crc, format!("{:04X}", crc16_ccitt(body.as_bytes())));
    }
}
