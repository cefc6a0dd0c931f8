//! Routers: the default router from `MIKROTIK_*`, and connection options for any router.

use std::time::Duration;

use saring_domain::router::{DEFAULT_ROUTER_NAME, RouterSpec};
use saring_routeros::{ConnectOptions, TlsOptions};
use saring_store::repo::routers::{self, Router};
use secrecy::ExposeSecret;

use crate::config::Config;
use crate::context::App;
use crate::error::{AppError, AppResult};

/// The router `MIKROTIK_HOST` and friends describe, if a host is set.
pub fn spec_from_env(config: &Config) -> AppResult<Option<RouterSpec>> {
    let r = &config.router;
    let Some(host) = r.host.clone() else {
        return Ok(None);
    };
    let tls_ca_pem = match &r.tls_ca_file {
        Some(path) => Some(
            std::fs::read_to_string(path)
                .map_err(|e| AppError::Internal(format!("MIKROTIK_SSL_CA_FILE {path}: {e}")))?,
        ),
        None => None,
    };
    Ok(Some(RouterSpec {
        name: DEFAULT_ROUTER_NAME.to_owned(),
        host,
        port: r.port,
        use_tls: r.use_tls,
        tls_insecure: r.use_tls && !r.tls_verify,
        tls_ca_pem,
        tls_fingerprint_sha256: r.tls_fingerprint.clone(),
        username: r.username.clone(),
        password: r.password.expose_secret().to_owned(),
        hotspot_server_names: vec![r.server_user.clone(), r.server_komandan.clone()],
        hotspot_client_cidrs: r.hotspot_cidrs.iter().map(ToString::to_string).collect(),
        is_enabled: r.operations_enabled,
    }))
}

/// Upserts the router named `default` from the environment (at every start, so editing
/// `.env` and restarting is how operators change it).
pub async fn sync_default_router(app: &App) -> AppResult<Option<Router>> {
    match spec_from_env(app.config())? {
        Some(spec) => Ok(Some(
            routers::upsert(app.db(), app.cipher(), &spec, true).await?,
        )),
        None => Ok(None),
    }
}

/// How to reach a router with the RouterOS client.
pub fn connect_options(spec: &RouterSpec, timeout: Duration) -> AppResult<ConnectOptions> {
    let mut options = ConnectOptions::new(
        spec.host.clone(),
        spec.username.clone(),
        spec.password.clone(),
    )
    .connect_timeout(timeout)
    .command_timeout(timeout)
    .port(spec.port);
    if spec.use_tls {
        let tls = if let Some(pem) = &spec.tls_ca_pem {
            TlsOptions::ca_pem(pem.as_bytes().to_vec())
        } else if let Some(pin) = &spec.tls_fingerprint_sha256 {
            TlsOptions::pinned_hex(pin).map_err(|e| {
                AppError::Internal(format!(
                    "router {}: bad certificate fingerprint: {e}",
                    spec.name
                ))
            })?
        } else if spec.tls_insecure {
            TlsOptions::insecure()
        } else {
            return Err(AppError::Internal(format!(
                "router {}: TLS needs a CA certificate, a pinned fingerprint, or verification turned off (MIKROTIK_SSL_VERIFY=false)",
                spec.name
            )));
        };
        options = options.tls(tls);
    }
    Ok(options)
}

/// Connection options for a router stored under `name`.
pub async fn options_by_name(app: &App, name: &str) -> AppResult<ConnectOptions> {
    let router = routers::find_by_name(app.db(), app.cipher(), name)
        .await?
        .ok_or_else(|| {
            AppError::rejected(
                saring_domain::api::ErrorCode::NotFound,
                format!("Router {name:?} tidak ada."),
            )
        })?;
    connect_options(
        &router.spec,
        Duration::from_secs(app.config().router.connect_timeout_seconds),
    )
}
