//! Which router serves an address or a user, and each router's own settings: the default
//! router from `MIKROTIK_*` and the connection options of any router.
//!
//! Finding the router of an address reads every router's ranges but decrypts only the
//! password of the router it finds.

use std::net::IpAddr;
use std::time::Duration;

use ipnet::IpNet;
use saring_domain::router::{DEFAULT_ROUTER_NAME, RouterSpec};
use saring_domain::user::User;
use saring_routeros::{ConnectOptions, TlsOptions};
use saring_store::repo::routers::{self as router_repo, Router};
use secrecy::ExposeSecret;
use uuid::Uuid;

use crate::config::Config;
use crate::context::App;
use crate::error::{AppError, AppResult};

fn parse_cidrs(cidrs: &[String]) -> Vec<IpNet> {
    cidrs.iter().filter_map(|c| c.parse().ok()).collect()
}

/// The router's hotspot client ranges.
pub(crate) fn cidrs(router: &Router) -> Vec<IpNet> {
    parse_cidrs(&router.spec.hotspot_client_cidrs)
}

/// Whether `ip` is one of the router's hotspot client addresses.
pub fn in_hotspot(router: &Router, ip: IpAddr) -> bool {
    cidrs(router).iter().any(|n| n.contains(&ip))
}

/// The enabled routers' hotspot ranges, read without any password.
pub async fn hotspot_ranges(app: &App) -> AppResult<Vec<(Uuid, Vec<IpNet>)>> {
    Ok(router_repo::list_ranges(app.db())
        .await?
        .into_iter()
        .filter(|r| r.is_enabled)
        .map(|r| (r.id, parse_cidrs(&r.hotspot_client_cidrs)))
        .collect())
}

/// The enabled router (of `ranges`) whose hotspot ranges contain `ip`.
pub fn serving(ranges: &[(Uuid, Vec<IpNet>)], ip: IpAddr) -> Option<Uuid> {
    ranges
        .iter()
        .find(|(_, nets)| nets.iter().any(|n| n.contains(&ip)))
        .map(|(id, _)| *id)
}

/// The enabled router whose hotspot ranges contain `ip`; only its password is decrypted.
pub async fn router_for_ip(app: &App, ip: IpAddr) -> AppResult<Option<Router>> {
    match serving(&hotspot_ranges(app).await?, ip) {
        Some(id) => router_by_id(app, id).await,
        None => Ok(None),
    }
}

/// Every enabled router.
pub async fn enabled_routers(app: &App) -> AppResult<Vec<Router>> {
    let mut routers = router_repo::list(app.db(), app.cipher()).await?;
    routers.retain(|r| r.spec.is_enabled);
    Ok(routers)
}

/// A router by id.
pub async fn router_by_id(app: &App, id: Uuid) -> AppResult<Option<Router>> {
    Ok(router_repo::find_by_id(app.db(), app.cipher(), id).await?)
}

/// A router by id, or a 404 `not_found` naming none.
pub async fn existing_router(app: &App, id: Uuid) -> AppResult<Router> {
    router_by_id(app, id).await?.ok_or_else(|| {
        crate::error::AppError::rejected(
            saring_domain::api::ErrorCode::NotFound,
            "Router tidak ditemukan.",
        )
    })
}

/// The router a user belongs to: theirs, else the enabled default one.
pub async fn router_for_user(app: &App, user: &User) -> AppResult<Option<Router>> {
    if let Some(router) = match user.router_id {
        Some(id) => router_by_id(app, id).await?,
        None => None,
    } {
        return Ok(Some(router));
    }
    let default = router_repo::list_ranges(app.db())
        .await?
        .into_iter()
        .find(|r| r.is_default && r.is_enabled);
    match default {
        Some(r) => router_by_id(app, r.id).await,
        None => Ok(None),
    }
}

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
            router_repo::upsert(app.db(), app.cipher(), &spec, true).await?,
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
    let router = router_repo::find_by_name(app.db(), app.cipher(), name)
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
