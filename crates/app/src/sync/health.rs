//! Router health: is each router answering, which RouterOS it runs, an admin alert after it
//! has been down `ROUTER_DOWN_ALERT_MINUTES`, and a full policy re-push (a quota sync, which
//! rewrites whatever the router lost) when it rebooted.

use std::time::Instant;

use saring_routeros::Api;
use saring_store::entities::enums::NotificationType;
use saring_store::entities::routers as router_entity;
use saring_store::repo::routers::Router;
use saring_store::repo::sync as sync_repo;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::Serialize;

use crate::context::App;
use crate::error::AppResult;
use crate::router::RouterHandle;

#[derive(Debug, Clone, Default, Serialize)]
pub struct HealthReport {
    pub router: String,
    pub online: bool,
    pub version: Option<String>,
    pub latency_ms: Option<u64>,
    pub rebooted: bool,
    pub down_since: Option<chrono::DateTime<chrono::Utc>>,
    pub alerted: bool,
    pub error: Option<String>,
    /// How many verify-rules items the router lacks, when they were checked in this run
    /// (the last report is older than its cache time).
    pub setup_missing: Option<usize>,
}

async fn save_router(
    app: &App,
    router: &Router,
    seen: bool,
    error: Option<String>,
    version: Option<String>,
) -> AppResult<()> {
    let mut q = router_entity::Entity::update_many()
        .col_expr(router_entity::Column::LastError, Expr::value(error))
        .filter(router_entity::Column::Id.eq(router.id));
    if seen {
        q = q.col_expr(
            router_entity::Column::LastSeenAt,
            Expr::value(Some(app.now())),
        );
    }
    if let Some(v) = version {
        q = q.col_expr(router_entity::Column::RouterosVersion, Expr::value(Some(v)));
    }
    q.exec(app.db())
        .await
        .map_err(saring_store::StoreError::from)?;
    Ok(())
}

/// Checks one router. Never fails because the router is down (that is the report).
pub async fn check(app: &App, router: &Router) -> AppResult<HealthReport> {
    let mut report = HealthReport {
        router: router.spec.name.clone(),
        ..HealthReport::default()
    };
    let state = sync_repo::state(app.db(), router.id).await?;
    let now = app.now();
    let rh = RouterHandle::open(app, router.clone())?;
    let started = Instant::now();
    match rh.pool.resource().await {
        Ok(res) => {
            report.online = true;
            report.version = Some(res.version.clone());
            report.latency_ms = u64::try_from(started.elapsed().as_millis()).ok();
            let uptime = i64::try_from(res.uptime.as_secs()).unwrap_or(i64::MAX);
            report.rebooted = super::counters::rebooted(
                state.router_uptime_seconds,
                state.last_poll_at,
                uptime,
                now,
            );
            save_router(app, router, true, None, Some(res.version)).await?;
            if state.down_since.is_some() {
                sync_repo::save_health(app.db(), router.id, None, None, now).await?;
            }
            // What the router lacks for Saring (for `/ready` and the logs), now and then.
            if crate::router_setup::verify::is_stale(app, router).await {
                match crate::router_setup::verify_router(app, router).await {
                    Ok(setup) => report.setup_missing = Some(setup.missing),
                    Err(e) => {
                        tracing::warn!(router = %router.spec.name, error = %e, "verify-rules after the health check failed");
                    }
                }
            }
            if report.rebooted || state.down_since.is_some() {
                // The quota sync sees the reboot itself (uptime) and re-pushes everything.
                let outcome = super::push::push_router(app, router).await;
                if let Err(e) = outcome {
                    tracing::warn!(router = %router.spec.name, error = %e, "re-push after reboot failed");
                }
            }
        }
        Err(e) => {
            let since = state.down_since.unwrap_or(now);
            report.down_since = Some(since);
            report.error = Some(e.to_string());
            let minutes = (now - since).num_minutes();
            let mut alerted_at = state.down_alerted_at;
            if alerted_at.is_none()
                && minutes >= app.config().worker.router_health.down_alert_minutes
            {
                crate::jobs::messaging::alert_admins(
                    app,
                    NotificationType::QuotaDebtLimitExceeded,
                    "admin_router_down",
                    vec![
                        ("router_name", router.spec.name.clone()),
                        ("down_minutes", minutes.to_string()),
                        ("error", e.to_string()),
                    ],
                    Some(format!("router-down:{}:{}", router.id, since.timestamp())),
                )
                .await;
                alerted_at = Some(now);
                report.alerted = true;
            }
            sync_repo::save_health(app.db(), router.id, Some(since), alerted_at, now).await?;
            save_router(app, router, false, Some(e.to_string()), None).await?;
        }
    }
    Ok(report)
}
