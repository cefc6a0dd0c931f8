//! Routes, grouped by resource.

pub mod admin;
pub mod admin_backups;
pub mod admin_dashboard;
pub mod admin_jobs;
pub mod admin_routers;
pub mod admin_settings;
pub mod admin_templates;
pub mod admin_whatsapp;
pub mod auth;
pub mod health;
pub mod me;
pub mod operator;
pub mod payments;
pub mod portal;
pub mod reports;

use actix_web::middleware::from_fn;
use actix_web::{HttpResponse, web};
use saring_domain::api::ErrorCode;

use crate::ApiError;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.configure(payments::configure);
    cfg.configure(operator::configure);
    cfg.configure(admin_whatsapp::configure_webhooks);
    cfg.configure(reports::configure);
    cfg.route("/health", web::get().to(health::get))
        .route("/ready", web::get().to(health::ready))
        .route("/api/health", web::get().to(health::get))
        .route(
            "/api/settings/public",
            web::get().to(portal::public_settings),
        )
        .route("/api/captive", web::get().to(portal::captive))
        .route("/api/dev/outbox", web::get().to(portal::dev_outbox))
        .route(
            "/api/telegram/webhook",
            web::post().to(auth::telegram_webhook),
        )
        .route(
            "/api/users/validate-whatsapp",
            web::post().to(portal::validate_whatsapp),
        )
        .service(
            web::scope("/api/auth")
                .route("/register", web::post().to(auth::register))
                .route("/request-otp", web::post().to(auth::request_otp))
                .route("/verify-otp", web::post().to(auth::verify_otp))
                .route("/auto-login", web::post().to(auth::auto_login))
                .route("/session/consume", web::post().to(auth::session_consume))
                .route(
                    "/status-token/verify",
                    web::post().to(auth::status_token_verify),
                )
                .route("/admin/login", web::post().to(auth::admin_login))
                .route("/refresh", web::post().to(auth::refresh))
                .route("/logout", web::post().to(auth::logout))
                .route("/reset-login", web::post().to(auth::reset_login))
                .route("/me", web::get().to(auth::me))
                .route("/me/profile", web::put().to(auth::update_profile))
                .route("/me/change-password", web::post().to(auth::change_password))
                .route("/me/telegram/status", web::get().to(auth::telegram_status))
                .route(
                    "/me/telegram/link-token",
                    web::post().to(auth::telegram_link_token),
                )
                .route("/me/telegram/unlink", web::post().to(auth::telegram_unlink))
                .route(
                    "/hotspot-session-status",
                    web::get().to(auth::hotspot_session_status),
                ),
        )
        .service(
            web::scope("/api/users/me")
                .route("/profile", web::get().to(auth::me))
                .route("/profile", web::put().to(auth::update_profile))
                .route("/quota", web::get().to(me::quota))
                .route("/weekly-usage", web::get().to(me::weekly_usage))
                .route("/monthly-usage", web::get().to(me::monthly_usage))
                .route("/weekly-spending", web::get().to(me::weekly_spending))
                .route("/transactions", web::get().to(me::transactions))
                .route("/quota-history", web::get().to(me::quota_history))
                .route("/quota-debts", web::get().to(me::quota_debts))
                .route("/login-history", web::get().to(me::login_history))
                .route("/devices", web::get().to(me::devices))
                .route(
                    "/reset-hotspot-password",
                    web::post().to(me::reset_hotspot_password),
                )
                .route("/devices/bind-current", web::post().to(me::bind_current))
                .route("/devices/{id}", web::delete().to(me::remove_device))
                .route("/devices/{id}/label", web::put().to(me::set_device_label)),
        )
        .service(
            web::scope("/api/admin")
                .wrap(from_fn(admin::require_admin))
                .configure(reports::configure_admin)
                .route("/users", web::get().to(admin::list_users))
                .route("/users", web::post().to(admin::create_user))
                .route("/users/{id}", web::get().to(admin::get_user))
                .route("/users/{id}", web::put().to(admin::update_user))
                .route("/users/{id}/approve", web::patch().to(admin::approve))
                .route("/users/{id}/approve", web::post().to(admin::approve))
                .route("/users/{id}/reject", web::post().to(admin::reject))
                .route(
                    "/users/{id}/generate-admin-password",
                    web::post().to(admin::generate_admin_password),
                )
                .route(
                    "/users/{id}/reset-login",
                    web::post().to(admin::reset_login),
                )
                .route(
                    "/users/{id}/reset-password",
                    web::post().to(admin::generate_admin_password),
                )
                .route("/action-logs", web::get().to(admin::action_logs))
                .configure(operator::configure_admin)
                .configure(payments::admin_routes)
                .configure(admin_dashboard::configure)
                .configure(admin_jobs::configure)
                .configure(admin_routers::configure)
                .configure(admin_templates::configure)
                .configure(admin_settings::configure)
                .configure(admin_backups::configure)
                .configure(admin_whatsapp::configure)
                .default_service(web::to(not_found)),
        );
}

/// Anything unrouted: a JSON 404 in the usual envelope.
pub async fn not_found() -> Result<HttpResponse, ApiError> {
    Err(ApiError::new(
        ErrorCode::NotFound,
        "Alamat tidak ditemukan.",
    ))
}
