//! Managing the routers of an install (one per site): list, add, change, check, remove. The
//! API (`/api/admin/routers`), the CLI (`saring router …`) and the admin SPA all come here.
//!
//! Rules: a router's name is its job scope and CLI handle (`[A-Za-z0-9._-]`, not `global`);
//! its hotspot ranges decide which router a client address belongs to, so they may not
//! overlap another enabled router's; TLS needs a way to trust the certificate; the default
//! router is configured by `MIKROTIK_*` at every start, so only its schedules change here;
//! a router that still has users or devices cannot be removed (disable it instead). Every
//! change is in the admin action log, without the password. Changes are serialised (one
//! lock), so two admins cannot add overlapping routers at the same moment.

use std::collections::BTreeMap;
use std::net::IpAddr;

use ipnet::IpNet;
use saring_domain::api::ErrorCode;
use saring_domain::api::Page;
use saring_domain::dto::routers::{RouterInput, RouterJobInfo, RouterList, RouterView};
use saring_domain::router::RouterSpec;
use saring_domain::user::User;
use saring_store::StoreError;
use saring_store::db::{ROUTERS_LOCK_KEY, begin_write, lock_for_check};
use saring_store::repo::activity;
use saring_store::repo::routers::{self as repo, Router};
use uuid::Uuid;

use crate::context::App;
use crate::error::{AppError, AppResult};
use crate::jobs::{self, Scope, When, schedule};

/// Every router with its counts and (enabled ones) its last verify-rules result, and the
/// per-router jobs a router may schedule.
pub async fn list(app: &App) -> AppResult<RouterList> {
    let routers = repo::list(app.db(), app.cipher()).await?;
    let counts = repo::member_counts(app.db()).await?;
    let mut views = Vec::with_capacity(routers.len());
    for r in &routers {
        let mut v = view(r, counts.get(&r.id).copied().unwrap_or_default());
        if r.spec.is_enabled {
            let report = crate::router_setup::verify::cached_report(app, r.id).await;
            v.setup = Some(crate::router_setup::verify::setup_of(&r.spec.name, report));
        }
        views.push(v);
    }
    Ok(RouterList {
        routers: Page::all(views),
        jobs: job_infos(app),
    })
}

/// One router as admins see it.
pub async fn get(app: &App, id: Uuid) -> AppResult<RouterView> {
    let router = crate::router::existing_router(app, id).await?;
    let counts = repo::member_counts(app.db()).await?;
    Ok(view(&router, counts.get(&id).copied().unwrap_or_default()))
}

/// A router by name (the CLI's handle).
pub async fn id_by_name(app: &App, name: &str) -> AppResult<Uuid> {
    repo::find_by_name(app.db(), app.cipher(), name)
        .await?
        .map(|r| r.id)
        .ok_or_else(|| {
            AppError::rejected(ErrorCode::NotFound, format!("Router {name:?} tidak ada."))
        })
}

/// Adds a router. `admin` is `None` from the CLI.
pub async fn create(app: &App, admin: Option<&User>, input: RouterInput) -> AppResult<RouterView> {
    let required = |v: &Option<String>, field: &str, label: &str| {
        if v.as_deref().is_none_or(|s| s.trim().is_empty()) {
            Err(AppError::invalid(field, format!("{label} wajib diisi.")))
        } else {
            Ok(())
        }
    };
    required(&input.name, "name", "Nama router")?;
    required(&input.host, "host", "Alamat router")?;
    required(&input.username, "username", "Nama pengguna API")?;
    required(&input.password, "password", "Kata sandi API")?;
    if input
        .hotspot_client_cidrs
        .as_ref()
        .is_none_or(Vec::is_empty)
    {
        return Err(AppError::invalid(
            "hotspot_client_cidrs",
            "Isi minimal satu rentang alamat klien hotspot (mis. 172.16.2.0/23).",
        ));
    }
    let c = &app.config().router;
    let blank = RouterSpec {
        name: String::new(),
        host: String::new(),
        port: 8728,
        use_tls: false,
        tls_insecure: false,
        tls_ca_pem: None,
        tls_fingerprint_sha256: None,
        username: String::new(),
        password: String::new(),
        hotspot_server_names: vec![c.server_user.clone(), c.server_komandan.clone()],
        hotspot_client_cidrs: Vec::new(),
        is_enabled: true,
    };
    let (spec, intervals) = merged(app, blank, BTreeMap::new(), &input)?;
    let tx = begin_write(app.db()).await?;
    lock_for_check(&tx, ROUTERS_LOCK_KEY).await?;
    check_against(&repo::list(&tx, app.cipher()).await?, None, &spec)?;
    let saved = repo::create(&tx, app.cipher(), &spec, &intervals)
        .await
        .map_err(|e| name_taken(e, &spec.name))?;
    log(&tx, admin, "CREATE_ROUTER", &saved, &input).await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(view(&saved, (0, 0)))
}

/// Changes a router: only the fields present in `input`.
pub async fn update(
    app: &App,
    admin: Option<&User>,
    id: Uuid,
    input: RouterInput,
) -> AppResult<RouterView> {
    let tx = begin_write(app.db()).await?;
    lock_for_check(&tx, ROUTERS_LOCK_KEY).await?;
    let current = repo::find_by_id(&tx, app.cipher(), id)
        .await?
        .ok_or_else(not_found)?;
    if current.is_default && touches_connection(&input) {
        return Err(AppError::rejected(
            ErrorCode::Conflict,
            "Router default diatur lewat MIKROTIK_* di .env (dibaca ulang setiap start); di sini hanya jadwalnya yang bisa diubah.",
        ));
    }
    let (spec, intervals) = merged(
        app,
        current.spec.clone(),
        current.job_intervals.clone(),
        &input,
    )?;
    check_against(&repo::list(&tx, app.cipher()).await?, Some(id), &spec)?;
    let saved = repo::update(&tx, app.cipher(), id, &spec, &intervals)
        .await
        .map_err(|e| name_taken(e, &spec.name))?;
    log(&tx, admin, "UPDATE_ROUTER", &saved, &input).await?;
    tx.commit().await.map_err(StoreError::from)?;
    get(app, id).await
}

/// Removes a router that no user or device belongs to (not the default one).
pub async fn delete(app: &App, admin: Option<&User>, id: Uuid) -> AppResult<()> {
    let tx = begin_write(app.db()).await?;
    lock_for_check(&tx, ROUTERS_LOCK_KEY).await?;
    let router = repo::find_by_id(&tx, app.cipher(), id)
        .await?
        .ok_or_else(not_found)?;
    if router.is_default {
        return Err(AppError::rejected(
            ErrorCode::Conflict,
            "Router default tidak bisa dihapus (hapus MIKROTIK_HOST dari .env, atau nonaktifkan).",
        ));
    }
    let (users, devices) = repo::member_counts(&tx)
        .await?
        .get(&id)
        .copied()
        .unwrap_or_default();
    if users + devices > 0 {
        return Err(AppError::rejected(
            ErrorCode::Conflict,
            format!(
                "Router {} masih punya {users} pengguna dan {devices} perangkat; nonaktifkan saja.",
                router.spec.name
            ),
        ));
    }
    repo::delete(&tx, id).await?;
    log(
        &tx,
        admin,
        "DELETE_ROUTER",
        &router,
        &RouterInput::default(),
    )
    .await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(())
}

/// Connects to the router now (the router-health check: online, version, down since) and
/// answers the refreshed view.
pub async fn check(app: &App, id: Uuid) -> AppResult<RouterView> {
    let router = crate::router::existing_router(app, id).await?;
    crate::sync::health::check(app, &router).await?;
    get(app, id).await
}

/// Records that this install owns the router's hotspot entries (`adopt: true`), or withdraws
/// it. Only an adopted router lets jobs remove entries whose comments this install shares
/// with lpsaring (the audit's cleanup, the walled garden, the unauthorized and banking lists,
/// waiting leases); see `docs/worker.md`. Logged as `ADOPT_ROUTER` / `RELEASE_ROUTER`.
pub async fn set_adopted(
    app: &App,
    admin: Option<&User>,
    id: Uuid,
    adopt: bool,
) -> AppResult<RouterView> {
    let router = crate::router::existing_router(app, id).await?;
    let tx = begin_write(app.db()).await?;
    let stamp = adopt.then(|| (app.now(), admin.map(|a| a.id.0)));
    repo::set_adopted(&tx, id, stamp).await?;
    activity::log_action(
        &tx,
        admin.map(|a| a.id),
        None,
        if adopt {
            "ADOPT_ROUTER"
        } else {
            "RELEASE_ROUTER"
        },
        serde_json::json!({ "router": router.spec.name, "router_id": router.id }),
    )
    .await?;
    tx.commit().await.map_err(StoreError::from)?;
    get(app, id).await
}

fn not_found() -> AppError {
    AppError::rejected(ErrorCode::NotFound, "Router tidak ditemukan.")
}

fn taken(name: &str) -> AppError {
    AppError::rejected(
        ErrorCode::Conflict,
        format!("Nama router {name:?} sudah dipakai."),
    )
}

/// A unique-name refusal from the database (two adds racing) as the same answer.
fn name_taken(e: StoreError, name: &str) -> AppError {
    if e.is_conflict() {
        taken(name)
    } else {
        e.into()
    }
}

fn touches_connection(input: &RouterInput) -> bool {
    let RouterInput {
        name,
        host,
        port,
        use_tls,
        tls_insecure,
        tls_ca_pem,
        tls_fingerprint_sha256,
        username,
        password,
        hotspot_server_names,
        hotspot_client_cidrs,
        is_enabled,
        job_intervals: _,
    } = input;
    name.is_some()
        || host.is_some()
        || port.is_some()
        || use_tls.is_some()
        || tls_insecure.is_some()
        || tls_ca_pem.is_some()
        || tls_fingerprint_sha256.is_some()
        || username.is_some()
        || password.is_some()
        || hotspot_server_names.is_some()
        || hotspot_client_cidrs.is_some()
        || is_enabled.is_some()
}

/// `base` with `input` applied and checked.
fn merged(
    app: &App,
    mut spec: RouterSpec,
    mut intervals: BTreeMap<String, u64>,
    input: &RouterInput,
) -> AppResult<(RouterSpec, BTreeMap<String, u64>)> {
    if let Some(name) = &input.name {
        spec.name = valid_name(name)?;
    }
    if let Some(host) = &input.host {
        spec.host = valid_host(host)?;
    }
    if let Some(tls) = input.use_tls {
        // A new router on TLS without a port: the API-SSL port.
        if tls && input.port.is_none() && !spec.use_tls && spec.port == 8728 {
            spec.port = 8729;
        }
        spec.use_tls = tls;
    }
    if let Some(port) = input.port {
        if port == 0 {
            return Err(AppError::invalid("port", "Port harus 1–65535."));
        }
        spec.port = port;
    }
    if let Some(v) = input.tls_insecure {
        spec.tls_insecure = v;
    }
    if let Some(pem) = &input.tls_ca_pem {
        let pem = pem.trim();
        if !pem.is_empty() && !pem.contains("-----BEGIN CERTIFICATE-----") {
            return Err(AppError::invalid(
                "tls_ca_pem",
                "Sertifikat CA harus berformat PEM (-----BEGIN CERTIFICATE-----).",
            ));
        }
        spec.tls_ca_pem = (!pem.is_empty()).then(|| pem.to_owned());
    }
    if let Some(pin) = &input.tls_fingerprint_sha256 {
        let pin = pin.trim();
        if !pin.is_empty() && saring_routeros::TlsOptions::pinned_hex(pin).is_err() {
            return Err(AppError::invalid(
                "tls_fingerprint_sha256",
                "Sidik jari sertifikat harus SHA-256: 64 digit heksadesimal.",
            ));
        }
        spec.tls_fingerprint_sha256 = (!pin.is_empty()).then(|| pin.to_owned());
    }
    if spec.use_tls
        && spec.tls_ca_pem.is_none()
        && spec.tls_fingerprint_sha256.is_none()
        && !spec.tls_insecure
    {
        return Err(AppError::invalid(
            "use_tls",
            "TLS perlu sertifikat CA, sidik jari sertifikat, atau izin sertifikat apa pun (tls_insecure).",
        ));
    }
    if let Some(user) = &input.username {
        spec.username = bounded("username", user.trim(), 100, "Nama pengguna API")?;
    }
    if let Some(password) = &input.password {
        spec.password = bounded("password", password, 128, "Kata sandi API")?;
    }
    if let Some(names) = &input.hotspot_server_names {
        spec.hotspot_server_names = valid_server_names(names)?;
    }
    if let Some(cidrs) = &input.hotspot_client_cidrs {
        spec.hotspot_client_cidrs = valid_cidrs(cidrs)?;
    }
    if let Some(enabled) = input.is_enabled {
        spec.is_enabled = enabled;
    }
    if let Some(map) = &input.job_intervals {
        intervals = valid_intervals(app, map)?;
    }
    Ok((spec, intervals))
}

fn bounded(field: &str, value: &str, max: usize, label: &str) -> AppResult<String> {
    if value.is_empty() {
        return Err(AppError::invalid(field, format!("{label} wajib diisi.")));
    }
    if value.chars().count() > max || value.chars().any(char::is_control) {
        return Err(AppError::invalid(
            field,
            format!("{label} maksimal {max} karakter, tanpa karakter kontrol."),
        ));
    }
    Ok(value.to_owned())
}

fn valid_name(name: &str) -> AppResult<String> {
    let name = name.trim();
    let ok = (1..=64).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        && name != jobs::scope_name(None);
    if !ok {
        return Err(AppError::invalid(
            "name",
            "Nama router 1–64 karakter: huruf, angka, '.', '_' atau '-' (bukan \"global\").",
        ));
    }
    Ok(name.to_owned())
}

fn valid_host(host: &str) -> AppResult<String> {
    let host = host.trim();
    let label_ok = |l: &str| {
        (1..=63).contains(&l.len())
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    let ok = host.parse::<IpAddr>().is_ok()
        || (host.len() <= 253 && !host.is_empty() && host.split('.').all(label_ok));
    if !ok {
        return Err(AppError::invalid(
            "host",
            "Alamat router harus alamat IP atau nama host (mis. 10.0.0.1 atau router.lokal).",
        ));
    }
    Ok(host.to_owned())
}

fn valid_server_names(names: &[String]) -> AppResult<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for name in names.iter().map(|n| n.trim()).filter(|n| !n.is_empty()) {
        if name.len() > 64 || name.contains(',') || name.chars().any(char::is_control) {
            return Err(AppError::invalid(
                "hotspot_server_names",
                format!("Nama server hotspot tidak valid: {name:?}."),
            ));
        }
        if !out.iter().any(|n| n == name) {
            out.push(name.to_owned());
        }
    }
    if out.is_empty() || out.len() > 8 {
        return Err(AppError::invalid(
            "hotspot_server_names",
            "Isi 1–8 nama server hotspot.",
        ));
    }
    Ok(out)
}

fn valid_cidrs(cidrs: &[String]) -> AppResult<Vec<String>> {
    let mut out: Vec<IpNet> = Vec::new();
    for text in cidrs.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
        let net = text
            .parse::<IpNet>()
            .or_else(|_| text.parse::<IpAddr>().map(IpNet::from))
            .map_err(|_| {
                AppError::invalid(
                    "hotspot_client_cidrs",
                    format!("Rentang alamat tidak valid: {text:?} (contoh: 172.16.2.0/23)."),
                )
            })?
            .trunc();
        if !out.contains(&net) {
            out.push(net);
        }
    }
    if out.is_empty() || out.len() > 32 {
        return Err(AppError::invalid(
            "hotspot_client_cidrs",
            "Isi 1–32 rentang alamat klien hotspot.",
        ));
    }
    Ok(out.iter().map(ToString::to_string).collect())
}

/// A router's name is its own, and an enabled router's ranges may not overlap another
/// enabled router's: the client's address decides which router a login belongs to.
fn check_against(all: &[Router], this: Option<Uuid>, spec: &RouterSpec) -> AppResult<()> {
    if all
        .iter()
        .any(|r| Some(r.id) != this && r.spec.name == spec.name)
    {
        return Err(taken(&spec.name));
    }
    if !spec.is_enabled {
        return Ok(());
    }
    let mine: Vec<IpNet> = spec
        .hotspot_client_cidrs
        .iter()
        .filter_map(|c| c.parse().ok())
        .collect();
    for other in all
        .iter()
        .filter(|r| Some(r.id) != this && r.spec.is_enabled)
    {
        for theirs in crate::router::cidrs(other) {
            if let Some(a) = mine
                .iter()
                .find(|a| a.contains(&theirs.network()) || theirs.contains(&a.network()))
            {
                return Err(AppError::invalid(
                    "hotspot_client_cidrs",
                    format!(
                        "Rentang {a} tumpang tindih dengan {theirs} milik router {}.",
                        other.spec.name
                    ),
                ));
            }
        }
    }
    Ok(())
}

fn valid_intervals(app: &App, map: &BTreeMap<String, u64>) -> AppResult<BTreeMap<String, u64>> {
    let registry = jobs::registry(app.config());
    for (name, &seconds) in map {
        let Some(job) = registry
            .iter()
            .find(|j| j.name == name && j.scope == Scope::PerRouter)
        else {
            return Err(AppError::invalid(
                "job_intervals",
                format!("{name:?} bukan tugas per router."),
            ));
        };
        if seconds == 0 {
            continue;
        }
        match schedule::min_interval(job) {
            Some(min) if (min..=schedule::MAX_INTERVAL_SECONDS).contains(&seconds) => {}
            Some(min) => {
                return Err(AppError::invalid(
                    "job_intervals",
                    format!(
                        "Jadwal {name}: {min}–{} detik, atau 0 (mati di router ini).",
                        schedule::MAX_INTERVAL_SECONDS
                    ),
                ));
            }
            None => {
                return Err(AppError::invalid(
                    "job_intervals",
                    format!("{name} berjalan pada jam tetap; di router hanya bisa dimatikan (0)."),
                ));
            }
        }
    }
    Ok(map.clone())
}

fn job_infos(app: &App) -> Vec<RouterJobInfo> {
    jobs::registry(app.config())
        .into_iter()
        .filter(|j| j.scope == Scope::PerRouter)
        .map(|j| RouterJobInfo {
            name: j.name.to_owned(),
            description: j.description.to_owned(),
            default_seconds: match &j.when {
                Some(When::Every { seconds }) => Some(*seconds),
                _ => None,
            },
            cron: match &j.when {
                Some(When::Cron { expr }) => Some(expr.clone()),
                _ => None,
            },
            min_seconds: schedule::min_interval(&j),
            enabled: j.when.is_some(),
        })
        .collect()
}

fn view(r: &Router, (users, devices): (u64, u64)) -> RouterView {
    let s = &r.spec;
    RouterView {
        id: r.id.to_string(),
        name: s.name.clone(),
        host: s.host.clone(),
        port: s.port,
        use_tls: s.use_tls,
        tls_insecure: s.tls_insecure,
        has_tls_ca: s.tls_ca_pem.is_some(),
        tls_fingerprint_sha256: s.tls_fingerprint_sha256.clone(),
        username: s.username.clone(),
        hotspot_server_names: s.hotspot_server_names.clone(),
        hotspot_client_cidrs: s.hotspot_client_cidrs.clone(),
        is_enabled: s.is_enabled,
        is_default: r.is_default,
        managed_by_env: r.is_default,
        job_intervals: r.job_intervals.clone(),
        online: (r.last_seen_at.is_some() || r.last_error.is_some())
            .then_some(r.last_error.is_none()),
        last_seen_at: r.last_seen_at,
        last_error: r.last_error.clone(),
        routeros_version: r.routeros_version.clone(),
        adopted_at: r.adopted_at,
        user_count: users,
        device_count: devices,
        setup: None,
    }
}

/// The action log entry: what changed (never the password or the CA text).
async fn log<C: sea_orm::ConnectionTrait>(
    db: &C,
    admin: Option<&User>,
    action: &str,
    router: &Router,
    input: &RouterInput,
) -> AppResult<()> {
    let mut changed =
        serde_json::to_value(input).map_err(|e| AppError::Internal(format!("router log: {e}")))?;
    if let Some(fields) = changed.as_object_mut() {
        for secret in ["password", "tls_ca_pem"] {
            if fields.contains_key(secret) {
                fields.insert(secret.into(), serde_json::json!("(diubah)"));
            }
        }
    }
    activity::log_action(
        db,
        admin.map(|a| a.id),
        None,
        action,
        serde_json::json!({ "router": router.spec.name, "router_id": router.id, "changed": changed }),
    )
    .await?;
    Ok(())
}
