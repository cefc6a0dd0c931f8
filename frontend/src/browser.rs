//! Small wrappers over browser APIs; every call tolerates a missing `window` (host builds,
//! locked-down browsers) by doing nothing.

fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

pub fn local_get(key: &str) -> Option<String> {
    window()?.local_storage().ok()??.get_item(key).ok()?
}

pub fn local_set(key: &str, value: &str) {
    if let Some(s) = window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = s.set_item(key, value);
    }
}

pub fn session_get(key: &str) -> Option<String> {
    window()?.session_storage().ok()??.get_item(key).ok()?
}

pub fn session_set(key: &str, value: &str) {
    if let Some(s) = window().and_then(|w| w.session_storage().ok().flatten()) {
        let _ = s.set_item(key, value);
    }
}

/// Sets the tab title: "`<page> · <app>`".
pub fn set_title(page: &str, app: &str) {
    if let Some(doc) = window().and_then(|w| w.document()) {
        if page.is_empty() {
            doc.set_title(app);
        } else {
            doc.set_title(&format!("{page} · {app}"));
        }
    }
}

/// `<html lang="…">`, so screen readers pronounce the texts right.
pub fn set_lang(lang: &str) {
    if let Some(root) = window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("lang", lang);
    }
}

/// Leaves the SPA (external links such as the router's login page).
pub fn go_external(url: &str) {
    if let Some(w) = window() {
        let _ = w.location().set_href(url);
    }
}

/// Tries to close the tab (works for windows the captive assistant opened).
pub fn close_window() {
    if let Some(w) = window() {
        let _ = w.close();
    }
}

/// Now, from the browser's clock (`Date.now()`; chrono has no clock on wasm32).
pub fn now() -> chrono::DateTime<chrono::Utc> {
    #[cfg(target_arch = "wasm32")]
    {
        chrono::DateTime::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        chrono::Utc::now()
    }
}

/// A random UUID (v4 form) for a request the server must recognise when it is retried.
pub fn random_uuid() -> String {
    let mut bytes = [0u8; 16];
    for (i, b) in bytes.iter_mut().enumerate() {
        #[cfg(target_arch = "wasm32")]
        let r = {
            let _ = i;
            js_sys::Math::random()
        };
        #[cfg(not(target_arch = "wasm32"))]
        let r = {
            use std::hash::{BuildHasher, RandomState};
            (RandomState::new().hash_one(i) % 1_000_000) as f64 / 1_000_000.0
        };
        *b = (r * 256.0) as u8;
    }
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}
