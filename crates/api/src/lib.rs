//! # saring-api
//!
//! The REST API as an actix-web adapter over `saring-app`: routes grouped by resource (one
//! file per resource under `routes/`, a folder where a resource has several parts, as
//! `routes/payments/`), authentication extractors, request ids, and the mapping of every error
//! onto the reference's envelope `{code, message, details?, request_id?}` with the right
//! status code. Handlers parse input, call one use case and map the result; no business
//! rule lives here, and nothing here talks to the database or the router directly.

pub mod body;
pub mod error;
pub mod paging;
pub mod request_id;
pub mod routes;
pub mod session;
pub mod spa;

use std::net::TcpListener;

use actix_web::dev::Server;
use actix_web::{App as HttpApp, HttpServer, web};
use saring_app::App;

pub use error::ApiError;

/// Largest JSON body accepted (the API takes small forms only).
pub const JSON_LIMIT_BYTES: usize = 64 * 1024;

/// Registers every route and the extractor error handlers on an actix `ServiceConfig`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.app_data(error::json_config())
        .app_data(error::form_config())
        .app_data(error::query_config())
        .app_data(error::path_config());
    routes::configure(cfg);
    spa::configure(cfg, spa::SpaAssets::embedded());
    cfg.default_service(web::to(routes::not_found));
}

/// Starts the HTTP server on an already bound listener (tests bind port 0).
pub fn serve(app: App, listener: TcpListener, workers: usize) -> std::io::Result<Server> {
    if app.mode() == saring_app::Mode::Production && app.config().portal.trusted_proxies.is_empty()
    {
        tracing::warn!(
            "TRUSTED_PROXY_CIDRS is empty: X-Forwarded-For is believed only from loopback. Behind a reverse proxy on another host every client would share the proxy's address (one rate-limit bucket for everyone); set TRUSTED_PROXY_CIDRS to the proxy's address"
        );
    }
    let data = web::Data::new(app);
    let server = HttpServer::new(move || {
        HttpApp::new()
            .app_data(data.clone())
            .wrap(session::SessionMiddleware)
            .wrap(request_id::RequestIdMiddleware)
            .configure(configure)
    })
    .workers(workers.max(1))
    .listen(listener)?
    .run();
    Ok(server)
}
