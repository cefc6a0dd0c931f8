//! Connections to each router: one pool per router, created on first use and replaced when
//! the router's connection settings change; and how a router failure reaches the client.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use saring_domain::api::ErrorCode;
use saring_routeros::{Pool, PoolConfig};
use saring_store::repo::routers::Router;
use uuid::Uuid;

use crate::config::Config;
use crate::context::App;
use crate::error::{AppError, AppResult};

/// Router connection pools, one per router, created on first use.
pub struct RouterHub {
    pools: Mutex<HashMap<Uuid, (u64, Pool)>>,
    timeout: Duration,
}

fn fingerprint(router: &Router) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    let s = &router.spec;
    (
        &s.host,
        s.port,
        s.use_tls,
        s.tls_insecure,
        &s.tls_ca_pem,
        &s.tls_fingerprint_sha256,
        &s.username,
        &s.password,
    )
        .hash(&mut h);
    h.finish()
}

impl RouterHub {
    pub fn new(config: &Config) -> Self {
        RouterHub {
            pools: Mutex::new(HashMap::new()),
            timeout: Duration::from_secs(config.router.connect_timeout_seconds),
        }
    }

    /// The pool for a router (rebuilt when its connection settings changed).
    pub fn pool(&self, router: &Router) -> AppResult<Pool> {
        let fp = fingerprint(router);
        let mut pools = self
            .pools
            .lock()
            .map_err(|_| AppError::Internal("router pool lock poisoned".into()))?;
        if let Some((f, pool)) = pools.get(&router.id)
            && *f == fp
        {
            return Ok(pool.clone());
        }
        let options = crate::router::connect_options(&router.spec, self.timeout)?;
        let config = PoolConfig {
            max_connections: 2,
            health_interval: None,
            ..PoolConfig::default()
        };
        let pool = Pool::new(options, config);
        pools.insert(router.id, (fp, pool.clone()));
        Ok(pool)
    }
}

/// A router and its connection pool.
#[derive(Clone)]
pub struct RouterHandle {
    pub router: Router,
    pub pool: Pool,
}

impl RouterHandle {
    pub fn open(app: &App, router: Router) -> AppResult<RouterHandle> {
        let pool = app.routers().pool(&router)?;
        Ok(RouterHandle { router, pool })
    }

    pub fn name(&self) -> &str {
        &self.router.spec.name
    }
}

/// The property a router refused because what it names does not exist there (a hotspot
/// user profile or server the router was never given): RouterOS answers such a write with
/// `input does not match any value of <property>`.
fn unknown_reference(e: &saring_routeros::Error) -> Option<&str> {
    match e {
        saring_routeros::Error::Trap { message, .. } => message
            .strip_prefix("input does not match any value of ")
            .filter(|p| matches!(*p, "profile" | "server")),
        _ => None,
    }
}

/// Maps a RouterOS failure onto what the client sees: unreachable or flaky routers are a
/// 503 (try again); a write naming a profile or server the router lacks is a 503
/// `router_not_ready` (the router is not set up: the log names what and how to fix it, the
/// client only gets the code); any other refused command is a 502 with the reason logged.
pub fn router_error(router: &str, e: saring_routeros::Error) -> AppError {
    if let Some(property) = unknown_reference(&e) {
        tracing::error!(
            router,
            missing = property,
            error = %e,
            fix = %crate::router_setup::verify::setup_command(router),
            "router is not set up: it lacks the hotspot {property} Saring writes (see verify-rules)"
        );
        return AppError::rejected(
            ErrorCode::RouterNotReady,
            "Router hotspot belum disiapkan untuk Saring. Admin sudah dicatat untuk memeriksanya.",
        );
    }
    if e.is_transient()
        || matches!(
            e,
            saring_routeros::Error::Login { .. } | saring_routeros::Error::Tls(_)
        )
    {
        tracing::warn!(router, error = %e, "router unavailable");
        AppError::rejected(
            ErrorCode::RouterUnavailable,
            "Router hotspot tidak dapat dihubungi. Coba lagi sebentar lagi.",
        )
    } else {
        tracing::error!(router, error = %e, "router refused a command");
        AppError::rejected(
            ErrorCode::GatewayError,
            "Router menolak perintah. Admin sudah dicatat untuk memeriksanya.",
        )
    }
}
