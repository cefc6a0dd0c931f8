//! Request and response bodies of the REST API, shared by the server and the SPA. Field
//! names follow the reference API so its clients keep working; deliberate differences are
//! listed in `docs/api.md`.
//!
//! Requests keep user input as strings (phone numbers, MACs, IPs) so the API can answer a
//! precise error (`phone_invalid`, …) instead of a generic deserialisation failure.

pub mod admin;
pub mod auth;
pub mod backups;
pub mod dashboard;
pub mod health;
pub mod jobs;
pub mod operator;
pub mod parity;
pub mod payments;
pub mod routers;
pub mod settings;
pub mod templates;
pub mod users;
pub mod whatsapp;

use serde::{Deserialize, Serialize};

/// `{ "message": "…" }`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageResponse {
    pub message: String,
}

impl MessageResponse {
    pub fn new(message: impl Into<String>) -> Self {
        MessageResponse {
            message: message.into(),
        }
    }
}

/// Accepts a JSON boolean or the strings form posts send (`true/false/1/0/on/off/yes/no`).
pub fn lenient_bool<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    lenient_opt_bool(d).map(|b| b.unwrap_or(false))
}

/// Optional form of [`lenient_bool`] (empty string = absent).
pub fn lenient_opt_bool<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Bool(bool),
        Int(i64),
        Text(String),
    }
    match Option::<Raw>::deserialize(d)? {
        None => Ok(None),
        Some(Raw::Bool(b)) => Ok(Some(b)),
        Some(Raw::Int(i)) => Ok(Some(i != 0)),
        Some(Raw::Text(t)) => match t.trim().to_ascii_lowercase().as_str() {
            "" => Ok(None),
            "true" | "1" | "on" | "yes" => Ok(Some(true)),
            "false" | "0" | "off" | "no" => Ok(Some(false)),
            other => Err(serde::de::Error::custom(format!(
                "bukan nilai ya/tidak: {other}"
            ))),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::auth::VerifyOtpRequest;

    #[test]
    fn verify_otp_accepts_aliases_and_string_booleans() {
        let json: VerifyOtpRequest = serde_json::from_str(
            r#"{"phone_number":"0812","otp":"123456","ip":"172.16.2.10","mac-address":"aa:bb:cc:dd:ee:ff","confirm_device_takeover":"true","hotspot_login_context":true}"#,
        )
        .unwrap();
        assert_eq!(json.context.client_ip.as_deref(), Some("172.16.2.10"));
        assert_eq!(
            json.context.client_mac.as_deref(),
            Some("aa:bb:cc:dd:ee:ff")
        );
        assert!(json.confirm_device_takeover);
        assert_eq!(json.hotspot_login_context, Some(true));
        assert!(
            serde_json::from_str::<VerifyOtpRequest>(r#"{"confirm_device_takeover":"maybe"}"#)
                .is_err()
        );
    }
}
