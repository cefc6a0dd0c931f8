//! Reading Midtrans JSON leniently: strings or numbers, VA numbers in their several places,
//! action URLs.

use serde_json::Value;

/// `v[key]` as trimmed text (strings and numbers), `None` if absent, null or empty.
pub(crate) fn text(v: &Value, key: &str) -> Option<String> {
    match v.get(key)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The VA number and its bank: `va_numbers[]` first, then `permata_va_number`, then
/// `<bank>_va_number`.
pub(crate) fn va(v: &Value) -> (Option<String>, Option<String>) {
    if let Some(Value::Array(list)) = v.get("va_numbers") {
        for entry in list {
            if let Some(number) = text(entry, "va_number") {
                return (Some(number), text(entry, "bank"));
            }
        }
    }
    for bank in ["permata", "bca", "bni", "bri", "cimb"] {
        if let Some(number) = text(v, &format!("{bank}_va_number")) {
            return (Some(number), Some(bank.to_owned()));
        }
    }
    (text(v, "va_number"), text(v, "bank"))
}

/// The URL of the first action whose name contains `needle` (case-insensitive).
pub(crate) fn action_url(v: &Value, needle: &str) -> Option<String> {
    let Some(Value::Array(actions)) = v.get("actions") else {
        return None;
    };
    actions.iter().find_map(|a| {
        let name = a.get("name")?.as_str()?.to_ascii_lowercase();
        if name.contains(needle) {
            text(a, "url")
        } else {
            None
        }
    })
}

/// The QR image URL: `generate-qr-code-v2` preferred, then `generate-qr-code`, then
/// `qr_code_url`.
pub(crate) fn qr_url(v: &Value) -> Option<String> {
    action_url(v, "generate-qr-code-v2")
        .or_else(|| action_url(v, "generate-qr-code"))
        .or_else(|| text(v, "qr_code_url"))
}

/// The Mandiri bill key (`bill_key`, older `mandiri_bill_key`).
pub(crate) fn bill_key(v: &Value) -> Option<String> {
    text(v, "bill_key").or_else(|| text(v, "mandiri_bill_key"))
}

/// Midtrans' error texts: `error_messages[]` (Snap) or `validation_messages[]` (Core API),
/// else `status_message`.
pub(crate) fn messages(v: &Value) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for key in ["error_messages", "validation_messages"] {
        match v.get(key) {
            Some(Value::Array(list)) => {
                out.extend(list.iter().filter_map(|m| m.as_str().map(str::to_owned)));
            }
            Some(Value::String(s)) => out.push(s.clone()),
            _ => {}
        }
    }
    if out.is_empty()
        && let Some(m) = text(v, "status_message")
    {
        out.push(m);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_va_numbers_and_actions() {
        let bni = json!({"va_numbers": [{"bank": "bni", "va_number": "9881234567890123"}]});
        assert_eq!(
            va(&bni),
            (Some("9881234567890123".into()), Some("bni".into()))
        );
        let permata = json!({"permata_va_number": "8562000087926752"});
        assert_eq!(
            va(&permata),
            (Some("8562000087926752".into()), Some("permata".into()))
        );
        assert_eq!(va(&json!({})), (None, None));

        let actions = json!({"actions": [
            {"name": "generate-qr-code", "url": "https://x/v1"},
            {"name": "generate-qr-code-v2", "url": "https://x/v2"},
            {"name": "deeplink-redirect", "url": "gojek://pay"},
        ]});
        assert_eq!(qr_url(&actions).as_deref(), Some("https://x/v2"));
        assert_eq!(
            action_url(&actions, "deeplink-redirect").as_deref(),
            Some("gojek://pay")
        );
        assert_eq!(
            text(&json!({"status_code": 201}), "status_code").as_deref(),
            Some("201")
        );
        assert_eq!(
            messages(&json!({"status_message": "Transaction doesn't exist."})),
            vec!["Transaction doesn't exist.".to_owned()]
        );
    }
}
