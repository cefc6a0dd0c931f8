//! `GET /health`, `/api/health` (liveness with database and KV checks) and `/ready`.

use actix_web::{HttpResponse, web};
use saring_app::App;

/// Always 200 while the process runs; the body tells whether the database and KV answer.
#[tracing::instrument(skip_all)]
pub async fn get(app: web::Data<App>) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(app.health().await)
}

/// 200 when the database and KV answer, else 503 (for load balancers and compose). The body
/// also counts the enabled routers by their last verify-rules result (complete, incomplete,
/// unchecked); a router that is not set up does not make the API unready. `/ready` is public:
/// which router lacks what is in the admins' routers list and verify-rules.
#[tracing::instrument(skip_all)]
pub async fn ready(app: web::Data<App>) -> HttpResponse {
    let mut health = app.health().await;
    if health.is_ok() {
        match saring_app::router_setup::verify::readiness(&app).await {
            Ok(routers) => health.routers = Some(routers),
            Err(e) => tracing::warn!(error = %e, "ready: router setup unknown"),
        }
    }
    let mut res = if health.is_ok() {
        HttpResponse::Ok()
    } else {
        HttpResponse::ServiceUnavailable()
    };
    res.insert_header(("Cache-Control", "no-store"))
        .json(health)
}
