//! The reqwest client every gateway uses, and how transport errors are described.

use std::time::Duration;

/// Builds a reqwest client with the given total and connect timeouts (rustls with the `ring`
/// provider and the platform verifier, i.e. the system's CA certificates).
pub(crate) fn client(
    timeout: Duration,
    connect_timeout: Duration,
) -> Result<reqwest::Client, String> {
    builder(timeout, connect_timeout)
        .build()
        .map_err(|e| format!("HTTP client: {e}"))
}

/// The common builder, for callers that need more settings (redirect policy…).
pub(crate) fn builder(timeout: Duration, connect_timeout: Duration) -> reqwest::ClientBuilder {
    crate::install_crypto_provider();
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(connect_timeout.min(timeout))
        .user_agent(concat!("saring/", env!("CARGO_PKG_VERSION")))
}

/// A short description of a transport error that never contains the URL (Telegram puts the
/// bot token in the path) or anything else secret.
pub(crate) fn describe(e: reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timeout"
    } else if e.is_connect() {
        "connection failed"
    } else if e.is_body() || e.is_decode() {
        "unreadable response"
    } else if e.is_redirect() {
        "too many redirects"
    } else {
        "request failed"
    };
    let e = e.without_url();
    let source = std::error::Error::source(&e)
        .map(|s| format!(": {s}"))
        .unwrap_or_default();
    format!("{kind}{source}")
}

/// Reads a response body as text; a body that cannot be read counts as a transport error.
pub(crate) async fn body_text(resp: reqwest::Response) -> Result<String, String> {
    resp.text().await.map_err(describe)
}

/// The first 200 characters of a body, for error messages.
pub(crate) fn snippet(body: &str) -> String {
    let trimmed = body.trim();
    match trimmed.char_indices().nth(200) {
        Some((i, _)) => format!("{}…", &trimmed[..i]),
        None => trimmed.to_owned(),
    }
}
