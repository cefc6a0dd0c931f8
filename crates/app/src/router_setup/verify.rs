//! `verify-rules`: reads one router and reports, item by item, whether it holds what
//! [`Expected`] names, with a hint (Indonesian) for what is missing. The last report of each
//! router is kept in the KV store, where `/ready` reads it without touching the router.

use std::collections::HashSet;
use std::time::Duration;

use saring_domain::api::ErrorCode;
use saring_domain::dto::health::{RouterSetupCounts, SetupState};
use saring_domain::dto::routers::{RouterRulesReport, RouterSetup, RuleCheck, RuleKind};
use saring_routeros::menus::{FirewallRule, HotspotUserProfile, WalledGarden};
use saring_routeros::{Api, Command, FirewallTable, Row};
use saring_store::repo::routers::{self as repo, Router};
use uuid::Uuid;

use super::expected::{
    self, CAPTIVE_OPTION_CODE, DANGEROUS_RIGHTS, Expected, REQUIRED_RIGHTS, SERVER_PROFILE,
};
use crate::context::App;
use crate::error::{AppError, AppResult};
use crate::router::RouterHandle;

/// How long a report stays in the KV store (the router-health job refreshes it when gone).
pub const CACHE_TTL: Duration = Duration::from_secs(15 * 60);

fn cache_key(id: Uuid) -> String {
    format!("router-setup:{id}")
}

/// The command that prints a setup script for the router.
pub fn setup_command(router: &str) -> String {
    format!("saring routeros setup-script --router {router}")
}

/// Checks the router with this id (404 when there is none).
pub async fn verify(app: &App, id: Uuid) -> AppResult<RouterRulesReport> {
    let router = crate::router::existing_router(app, id).await?;
    verify_router(app, &router).await
}

/// Checks one router and keeps the report for `/ready`. An unreachable router or a refused
/// read is an error naming the router (503 / 502), never a report of missing items.
pub async fn verify_router(app: &App, router: &Router) -> AppResult<RouterRulesReport> {
    let expected = Expected::new(app.config(), app.mode(), &router.spec);
    let rh = RouterHandle::open(app, router.clone())?;
    let seen = read(&rh, &expected).await.map_err(|(menu, e)| {
        let name = &router.spec.name;
        if e.is_transient()
            || matches!(
                e,
                saring_routeros::Error::Login { .. } | saring_routeros::Error::Tls(_)
            )
        {
            tracing::warn!(router = %name, error = %e, "verify-rules: router unavailable");
            AppError::rejected(
                ErrorCode::RouterUnavailable,
                format!("Router {name} tidak dapat dihubungi: {e}"),
            )
        } else {
            tracing::error!(router = %name, menu, error = %e, "verify-rules: read refused");
            AppError::rejected(
                ErrorCode::GatewayError,
                format!("Router {name} menolak membaca {menu}: {e}"),
            )
        }
    })?;
    let checks = compare(&expected, &seen);
    let missing = checks.iter().filter(|c| !c.found).count();
    let report = RouterRulesReport {
        router: router.spec.name.clone(),
        all_found: missing == 0,
        missing,
        checks,
        setup_command: setup_command(&router.spec.name),
        checked_at: app.now(),
    };
    if missing > 0 {
        tracing::warn!(
            router = %router.spec.name,
            missing = %missing_labels(&report).join("; "),
            fix = %report.setup_command,
            "router is not set up for Saring"
        );
    }
    match serde_json::to_string(&report) {
        Ok(json) => {
            if let Err(e) = app
                .kv()
                .set(&cache_key(router.id), &json, Some(CACHE_TTL))
                .await
            {
                tracing::warn!(router = %router.spec.name, error = %e, "verify-rules: report not cached");
            }
        }
        Err(e) => tracing::warn!(error = %e, "verify-rules: report not serialised"),
    }
    Ok(report)
}

/// The labels of the checks that failed.
pub fn missing_labels(report: &RouterRulesReport) -> Vec<String> {
    report
        .checks
        .iter()
        .filter(|c| !c.found)
        .map(|c| c.label.clone())
        .collect()
}

/// The last report of a router (`None`: not checked in the last [`CACHE_TTL`]), read from
/// the KV store only.
pub async fn cached_report(app: &App, id: Uuid) -> Option<RouterRulesReport> {
    match app.kv().get(&cache_key(id)).await {
        Ok(Some(json)) => serde_json::from_str(&json).ok(),
        Ok(None) => None,
        Err(e) => {
            tracing::warn!(error = %e, "verify-rules: cached report unreadable");
            None
        }
    }
}

/// The last report of every enabled router, by name (see [`cached_report`]).
pub async fn cached_reports(app: &App) -> AppResult<Vec<(String, Option<RouterRulesReport>)>> {
    let mut out = Vec::new();
    for router in repo::list(app.db(), app.cipher()).await? {
        if router.spec.is_enabled {
            out.push((
                router.spec.name.clone(),
                cached_report(app, router.id).await,
            ));
        }
    }
    Ok(out)
}

/// A router's setup as admins see it in the routers list, from its last report.
pub fn setup_of(router: &str, report: Option<RouterRulesReport>) -> RouterSetup {
    match report {
        Some(r) if r.all_found => RouterSetup {
            setup: SetupState::Complete,
            missing: Vec::new(),
            fix: None,
        },
        Some(r) => RouterSetup {
            setup: SetupState::Incomplete,
            missing: missing_labels(&r),
            fix: Some(r.setup_command),
        },
        None => RouterSetup {
            setup: SetupState::Unchecked,
            missing: Vec::new(),
            fix: Some(format!("saring router check {router}")),
        },
    }
}

/// `/ready`'s `routers`: how many enabled routers are set up, from the cached reports (never
/// the router). Counts only: `/ready` is public, the names and what each lacks are not.
pub async fn readiness(app: &App) -> AppResult<RouterSetupCounts> {
    let mut counts = RouterSetupCounts::default();
    for (name, report) in cached_reports(app).await? {
        counts.add(setup_of(&name, report).setup);
    }
    Ok(counts)
}

/// Whether the router's report is missing from the cache (the health job then checks it).
pub async fn is_stale(app: &App, router: &Router) -> bool {
    !matches!(app.kv().get(&cache_key(router.id)).await, Ok(Some(_)))
}

/// What was read from the router.
struct Seen {
    servers: Vec<Row>,
    server_profiles: Vec<Row>,
    login_page: Option<String>,
    login_dir: Option<String>,
    user_profiles: Vec<HotspotUserProfile>,
    list_counts: Vec<u64>,
    raw: Vec<FirewallRule>,
    filter: Vec<FirewallRule>,
    walled_garden: Vec<WalledGarden>,
    options: Vec<Row>,
    networks: Vec<Row>,
    api_user: Option<Row>,
    api_group: Option<Row>,
}

type ReadError = (&'static str, saring_routeros::Error);

fn at(menu: &'static str) -> impl FnOnce(saring_routeros::Error) -> ReadError {
    move |e| (menu, e)
}

async fn rows(
    rh: &RouterHandle,
    menu: &'static str,
    query: Option<(&str, &str)>,
) -> Result<Vec<Row>, ReadError> {
    let mut cmd = Command::print(menu);
    if let Some((k, v)) = query {
        cmd = cmd.query(k, v);
    }
    rh.pool.print(cmd).await.map_err(at(menu))
}

async fn read(rh: &RouterHandle, expected: &Expected) -> Result<Seen, ReadError> {
    let pool = &rh.pool;
    let counts = async {
        let mut counts = Vec::new();
        for list in &expected.lists {
            counts.push(
                pool.count("/ip/firewall/address-list", &[("list", list)])
                    .await
                    .map_err(at("/ip/firewall/address-list"))?,
            );
        }
        Ok::<_, ReadError>(counts)
    };
    let (servers, server_profiles, user_profiles, list_counts, raw, filter, walled_garden) = tokio::try_join!(
        rows(rh, "/ip/hotspot", None),
        rows(rh, "/ip/hotspot/profile", None),
        async {
            pool.hotspot_profiles()
                .await
                .map_err(at("/ip/hotspot/user/profile"))
        },
        counts,
        async {
            pool.firewall_rules(FirewallTable::Raw)
                .await
                .map_err(at("/ip/firewall/raw"))
        },
        async {
            pool.firewall_rules(FirewallTable::Filter)
                .await
                .map_err(at("/ip/firewall/filter"))
        },
        async {
            pool.walled_garden()
                .await
                .map_err(at("/ip/hotspot/walled-garden"))
        },
    )?;
    let (options, networks, users) = tokio::try_join!(
        rows(rh, "/ip/dhcp-server/option", None),
        rows(rh, "/ip/dhcp-server/network", None),
        rows(rh, "/user", Some(("name", &expected.api_user))),
    )?;
    let api_user = users.into_iter().next();
    let api_group = match api_user.as_ref().and_then(|u| u.string("group")) {
        Some(group) => rows(rh, "/user/group", Some(("name", &group)))
            .await?
            .into_iter()
            .next(),
        None => None,
    };
    let login_dir = server_profiles
        .iter()
        .find(|p| p.get("name").as_deref() == Some(SERVER_PROFILE))
        .map(|p| {
            p.string("html-directory")
                .unwrap_or_else(|| "hotspot".into())
        });
    let login_page = match &login_dir {
        Some(dir) => rows(rh, "/file", Some(("name", &Expected::login_file(dir))))
            .await?
            .first()
            .map(|f| f.string("contents").unwrap_or_default()),
        None => None,
    };
    Ok(Seen {
        servers,
        server_profiles,
        login_page,
        login_dir,
        user_profiles,
        list_counts,
        raw,
        filter,
        walled_garden,
        options,
        networks,
        api_user,
        api_group,
    })
}

fn check(kind: RuleKind, label: String, problem: Option<String>) -> RuleCheck {
    RuleCheck {
        kind,
        label,
        found: problem.is_none(),
        hint: problem,
    }
}

fn enabled(row: &Row) -> bool {
    row.get("disabled").as_deref() != Some("true") && row.get("disabled").as_deref() != Some("yes")
}

/// Item by item: what [`Expected`] names against what the router holds.
fn compare(expected: &Expected, seen: &Seen) -> Vec<RuleCheck> {
    let mut out = Vec::new();
    let named = |rows: &'_ [Row], name: &str| -> Option<Row> {
        rows.iter()
            .find(|r| r.get("name").as_deref() == Some(name))
            .cloned()
    };

    let profile = named(&seen.server_profiles, SERVER_PROFILE);
    out.push(check(
        RuleKind::ServerProfile,
        format!("hotspot profile {SERVER_PROFILE}"),
        profile.is_none().then(|| {
            format!("Profil server hotspot {SERVER_PROFILE} belum ada (script membuatnya dengan halaman login portal).")
        }),
    ));
    for server in &expected.servers {
        let problem = match named(&seen.servers, server) {
            None => Some(format!(
                "Server hotspot {server} belum ada. Script membuatnya di antarmuka yang Anda pilih (--interface); satu antarmuka hanya untuk satu server."
            )),
            Some(row) if !enabled(&row) => Some(format!("Server hotspot {server} nonaktif.")),
            Some(row) => match row.string("profile") {
                Some(p) if p == SERVER_PROFILE => None,
                other => Some(format!(
                    "Server hotspot {server} memakai profil {}, bukan {SERVER_PROFILE}: kliennya tidak diarahkan ke portal.",
                    other.unwrap_or_else(|| "-".into())
                )),
            },
        };
        out.push(check(
            RuleKind::HotspotServer,
            format!("hotspot server {server} (profile {SERVER_PROFILE})"),
            problem,
        ));
    }
    let target = expected.login_target();
    let dir = seen.login_dir.as_deref().unwrap_or("?");
    let problem = match (&target, &seen.login_dir, &seen.login_page) {
        (None, _, _) => Some(
            "Alamat publik portal belum diatur (APP_PUBLIC_BASE_URL): halaman login tidak bisa diperiksa.".to_owned(),
        ),
        (_, None, _) => Some(format!("Menunggu profil {SERVER_PROFILE}.")),
        (_, Some(dir), None) => Some(format!("Berkas {} belum ada.", Expected::login_file(dir))),
        (Some(t), Some(dir), Some(contents)) if !contents.contains(t.as_str()) => Some(format!(
            "{} tidak mengarahkan klien ke {t}.",
            Expected::login_file(dir)
        )),
        _ => None,
    };
    out.push(check(
        RuleKind::LoginPage,
        format!(
            "login page {} -> {}",
            Expected::login_file(dir),
            target.as_deref().unwrap_or("?")
        ),
        problem,
    ));

    let have: HashSet<&str> = seen.user_profiles.iter().map(|p| p.name.as_str()).collect();
    for name in &expected.user_profiles {
        out.push(check(
            RuleKind::UserProfile,
            format!("hotspot user profile {name}"),
            (!have.contains(name.as_str()))
                .then(|| format!("Profil pengguna hotspot {name} belum ada: login pengguna dengan status ini ditolak router.")),
        ));
    }

    for (list, count) in expected.lists.iter().zip(&seen.list_counts) {
        out.push(check(
            RuleKind::AddressList,
            format!("address list {list}"),
            (*count == 0).then(|| format!("Daftar alamat {list} belum ada di router.")),
        ));
    }

    for rule in &expected.rules {
        let table = match rule.table {
            FirewallTable::Raw => &seen.raw,
            FirewallTable::Filter => &seen.filter,
        };
        let matches: Vec<&FirewallRule> = table
            .iter()
            .filter(|r| {
                r.chain == rule.chain
                    && r.action == rule.action
                    && r.src_address_list == rule.src_list
                    && r.dst_address_list == rule.dst_list
            })
            .collect();
        let problem = if matches.is_empty() {
            Some(format!("Aturan firewall {} belum ada.", rule.label()))
        } else if matches.iter().all(|r| r.disabled) {
            Some(format!(
                "Aturan firewall {} ada tetapi nonaktif.",
                rule.label()
            ))
        } else {
            None
        };
        out.push(check(RuleKind::FirewallRule, rule.label(), problem));
    }

    for host in &expected.walled_garden {
        let ok = seen.walled_garden.iter().any(|w| {
            !w.disabled
                && w.dst_host
                    .as_deref()
                    .is_some_and(|h| h.eq_ignore_ascii_case(host))
                && w.action.as_deref().is_none_or(|a| a == "allow")
        });
        out.push(check(
            RuleKind::WalledGarden,
            format!("walled garden {host}"),
            (!ok).then(|| format!("{host} belum ada di walled garden: klien yang belum login tidak bisa membukanya.")),
        ));
    }

    let url = expected.captive_api_url();
    let good_options: Vec<String> = seen
        .options
        .iter()
        .filter(|o| o.get("code").as_deref() == Some(&CAPTIVE_OPTION_CODE.to_string()))
        .filter(|o| {
            url.as_deref().is_some_and(|u| {
                o.get("value")
                    .is_some_and(|v| v.trim_matches(['\'', '"']) == u)
            })
        })
        .filter_map(|o| o.string("name"))
        .collect();
    out.push(check(
        RuleKind::DhcpOption,
        format!(
            "dhcp option {CAPTIVE_OPTION_CODE} = {}",
            url.as_deref().unwrap_or("?")
        ),
        match &url {
            None => Some("Alamat publik portal belum diatur (APP_PUBLIC_BASE_URL).".to_owned()),
            Some(u) if good_options.is_empty() => Some(format!(
                "Opsi DHCP {CAPTIVE_OPTION_CODE} dengan nilai '{u}' belum ada (RFC 8908: ponsel menemukan portal tanpa menunggu pengalihan)."
            )),
            Some(_) => None,
        },
    ));
    for network in &expected.networks {
        let row = seen
            .networks
            .iter()
            .find(|n| n.get("address").as_deref() == Some(network.as_str()));
        let problem = match row {
            None => Some(format!(
                "Jaringan DHCP {network} tidak ada (/ip dhcp-server network)."
            )),
            Some(r) => {
                let names = r.string("dhcp-option").unwrap_or_default();
                (!names
                    .split(',')
                    .any(|n| good_options.iter().any(|g| g == n.trim())))
                .then(|| {
                    format!("Jaringan DHCP {network} belum mengirim opsi {CAPTIVE_OPTION_CODE}.")
                })
            }
        };
        out.push(check(
            RuleKind::DhcpNetwork,
            format!("dhcp network {network} sends option {CAPTIVE_OPTION_CODE}"),
            problem,
        ));
    }

    let user = &expected.api_user;
    let problem = match (&seen.api_user, &seen.api_group) {
        (None, _) => Some(format!("Pengguna router {user} tidak terbaca di /user.")),
        (Some(_), None) => Some(format!(
            "Grup pengguna {user} tidak terbaca di /user/group."
        )),
        (Some(u), Some(g)) => {
            let group = u.string("group").unwrap_or_default();
            let policy = g.string("policy").unwrap_or_default();
            let granted: Vec<&str> = policy
                .split(',')
                .map(str::trim)
                .filter(|p| !p.is_empty() && !p.starts_with('!'))
                .collect();
            let lacking: Vec<&str> = REQUIRED_RIGHTS
                .iter()
                .copied()
                .filter(|r| !granted.contains(r))
                .collect();
            let excess: Vec<&str> = DANGEROUS_RIGHTS
                .iter()
                .copied()
                .filter(|r| granted.contains(r))
                .collect();
            match (lacking.is_empty(), excess.is_empty()) {
                (true, true) => None,
                _ => {
                    let mut parts = Vec::new();
                    if !excess.is_empty() {
                        parts.push(format!(
                            "grup {group} punya hak berlebih: {} (pakai grup {} dengan hak {} saja)",
                            excess.join(","),
                            expected::API_GROUP,
                            REQUIRED_RIGHTS.join(",")
                        ));
                    }
                    if !lacking.is_empty() {
                        parts.push(format!("grup {group} kurang hak: {}", lacking.join(",")));
                    }
                    Some(format!("Pengguna API {user}: {}.", parts.join("; ")))
                }
            }
        }
    };
    out.push(check(
        RuleKind::ApiUser,
        format!("api user {user}: policy {} only", REQUIRED_RIGHTS.join(",")),
        problem,
    ));
    out
}
