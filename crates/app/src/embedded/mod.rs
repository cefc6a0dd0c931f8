//! The embedded mode (`saring run`): a RouterOS simulator with live hotspot traffic standing
//! in for the router (unless `MIKROTIK_HOST` names a real one), set up as the router-setup
//! script would set up a real one (so verify-rules and `/ready` find it complete), a demo
//! super admin, and the install's own secrets ([`secrets`]).

pub mod secrets;

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use saring_domain::Phone;
use saring_domain::router::{DEFAULT_ROUTER_NAME, RouterSpec};
use saring_routeros::sim::{SimHandle, Simulator};
use saring_routeros::{ConnectOptions, Connection};
use saring_store::repo::{routers, users};
use secrecy::{ExposeSecret, SecretString};

use crate::accounts::{CreateAdmin, create_admin, generate_password, hash_password};
use crate::context::App;
use crate::error::{AppError, AppResult};
use crate::router_setup::{self, Expected, SetupOptions, script};

pub use crate::config::DEMO_ADMIN_PHONE;

/// The least-privilege router user the setup creates on the demo's simulator, which Saring
/// then logs in as (its password is random, new for every process).
pub const SIM_API_USER: &str = "saring";

/// What `saring run` prints at startup.
pub struct EmbeddedInfo {
    /// Kept alive for the process (dropping it stops the simulator).
    pub sim: Option<SimHandle>,
    pub sim_user: String,
    pub sim_password: String,
    pub admin_phone: String,
    /// `None` when the admin existed already and no password was configured.
    pub admin_password: Option<String>,
}

/// Starts the simulator (unless a real router is configured) and makes sure a demo super
/// admin exists.
pub async fn prepare(app: &App) -> AppResult<EmbeddedInfo> {
    let (sim, sim_user, sim_password) = if app.config().router.host.is_none() {
        start_simulator(app).await?
    } else {
        (None, String::new(), String::new())
    };
    let (admin_phone, admin_password) = demo_admin(app).await?;
    Ok(EmbeddedInfo {
        sim,
        sim_user,
        sim_password,
        admin_phone,
        admin_password,
    })
}

async fn start_simulator(app: &App) -> AppResult<(Option<SimHandle>, String, String)> {
    let c = app.config();
    let e = &c.embedded;
    let password = e
        .sim_password
        .as_ref()
        .map_or_else(generate_password, |p| p.expose_secret().to_owned());
    let listen = e.sim_listen.as_str();
    let (network, prefix) = match c
        .router
        .hotspot_cidrs
        .first()
        .map(|n| (n.network(), n.prefix_len()))
    {
        Some((IpAddr::V4(v4), p)) => (v4, p),
        _ => (Ipv4Addr::new(172, 16, 2, 0), 23),
    };
    let p = &c.policy.profiles;
    let mut builder = Simulator::builder()
        .user("admin", &password)
        .hosts(e.sim_hosts)
        .seed(e.sim_seed)
        .cidr(network, prefix)
        .identity("saring-demo")
        .server(&c.router.server_user)
        .server(&c.router.server_komandan);
    let profiles = [
        &p.active,
        &p.fup,
        &p.habis,
        &p.expired,
        &p.unlimited,
        &p.blocked,
        &p.inactive,
    ];
    let mut seen = Vec::new();
    for name in profiles {
        if !seen.contains(&name) {
            let rate = if *name == p.fup {
                Some("512k/1M")
            } else {
                None
            };
            builder = builder.profile(name, rate);
            seen.push(name);
        }
    }
    let handle = builder.build().start(listen).await.map_err(|e| {
        AppError::Internal(format!("starting the RouterOS simulator on {listen}: {e}"))
    })?;
    // One traffic step a second: a host row a login removed is back within a second, as a
    // device's next packet brings it back on a router.
    handle.auto_traffic(Duration::from_secs(1));
    let spec = set_up_simulator(app, &handle, &password).await?;
    let router = routers::upsert(app.db(), app.cipher(), &spec, true).await?;
    // The demo's own simulator: nothing on it belongs to another install.
    routers::set_adopted(app.db(), router.id, Some((app.now(), None))).await?;
    // Check it once now, so `/ready` and the routers page know it is set up from the start
    // (the router-health job would only do so on its first run).
    if let Err(e) = router_setup::verify_router(app, &router).await {
        tracing::warn!(error = %e, "verify-rules on the demo's simulator");
    }
    Ok((Some(handle), "admin".to_owned(), password))
}

/// Applies the router-setup script to the simulator over the API, as `admin` (the same steps
/// `saring routeros setup-script` renders for a real router), and returns the router row:
/// Saring logs in as [`SIM_API_USER`] with a random password the setup gave it.
async fn set_up_simulator(
    app: &App,
    handle: &SimHandle,
    admin_password: &str,
) -> AppResult<RouterSpec> {
    let c = app.config();
    let api_password = generate_password();
    let mut spec = simulator_router(c, handle.addr(), api_password.clone());
    spec.username = SIM_API_USER.to_owned();
    let expected = Expected::new(c, app.mode(), &spec);
    let options = SetupOptions {
        api_password: Some(api_password),
        ..SetupOptions::default()
    };
    let steps = script::steps(&expected, &options)?;
    let failed = |e: saring_routeros::Error| {
        AppError::Internal(format!("setting up the RouterOS simulator: {e}"))
    };
    let admin = Connection::connect(&ConnectOptions::for_addr(
        handle.addr(),
        "admin",
        admin_password,
    ))
    .await
    .map_err(failed)?;
    let applied = script::apply(&admin, &steps).await;
    admin.close().await;
    applied.map_err(failed)?;
    Ok(spec)
}

async fn demo_admin(app: &App) -> AppResult<(String, Option<String>)> {
    let phone = match &app.config().embedded.demo_admin_phone {
        Some(phone) => phone.clone(),
        None => Phone::parse(DEMO_ADMIN_PHONE)
            .map_err(|e| AppError::Internal(format!("DEMO_ADMIN_PHONE: {e}")))?,
    };
    let configured = app
        .config()
        .embedded
        .demo_admin_password
        .as_ref()
        .map(|s| s.expose_secret().to_owned());
    match users::find_by_phone(app.db(), &phone).await? {
        Some(existing) => {
            if let Some(pw) = &configured {
                let hash = hash_password(&SecretString::from(pw.clone()))?;
                users::update(
                    app.db(),
                    existing.id,
                    users::UserPatch {
                        password_hash: Some(Some(hash)),
                        ..Default::default()
                    },
                )
                .await?;
            }
            Ok((phone.local(), configured))
        }
        None => {
            let password = configured.unwrap_or_else(generate_password);
            create_admin(
                app,
                CreateAdmin {
                    phone: phone.clone(),
                    full_name: "Admin Demo".into(),
                    password: SecretString::from(password.clone()),
                    super_admin: true,
                },
            )
            .await?;
            Ok((phone.local(), Some(password)))
        }
    }
}

/// The router row for a RouterOS simulator at `addr` (user `admin`), with the configured
/// hotspot servers and client ranges.
pub fn simulator_router(
    c: &crate::Config,
    addr: std::net::SocketAddr,
    password: String,
) -> RouterSpec {
    RouterSpec {
        name: DEFAULT_ROUTER_NAME.to_owned(),
        host: addr.ip().to_string(),
        port: addr.port(),
        use_tls: false,
        tls_insecure: false,
        tls_ca_pem: None,
        tls_fingerprint_sha256: None,
        username: "admin".to_owned(),
        password,
        hotspot_server_names: vec![
            c.router.server_user.clone(),
            c.router.server_komandan.clone(),
        ],
        hotspot_client_cidrs: c
            .router
            .hotspot_cidrs
            .iter()
            .map(ToString::to_string)
            .collect(),
        is_enabled: true,
    }
}
