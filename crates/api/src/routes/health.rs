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

/// 200 when the database and KV answer, else 503 (for load balancers and compose).
#[tracing::instrument(skip_all)]
pub async fn ready(app: web::Data<App>) -> HttpResponse {
    let health = app.health().await;
    let mut res = if health.is_ok() {
        HttpResponse::Ok()
    } else {
        HttpResponse::ServiceUnavailable()
    };
    res.insert_header(("Cache-Control", "no-store"))
        .json(health)
}
