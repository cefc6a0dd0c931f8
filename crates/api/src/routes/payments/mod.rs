//! Packages, promos and payments: `/api/packages`, `/api/public/promos/active`,
//! `/api/settings/payment-*`, `/api/transactions/*`, and (inside the `/api/admin` scope) the
//! catalog, promo and transaction administration.

pub mod admin;
pub mod catalog;
pub mod transactions;

use actix_web::{HttpResponse, web};

/// Public and user routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/packages", web::get().to(catalog::public_packages))
        .route(
            "/api/public/promos/active",
            web::get().to(catalog::active_promos),
        )
        .route(
            "/api/settings/payment-availability",
            web::get().to(transactions::availability),
        )
        .route(
            "/api/settings/payment-options",
            web::get().to(transactions::options),
        )
        .service(
            web::scope("/api/transactions")
                .route("/initiate", web::post().to(transactions::initiate))
                .route(
                    "/debt/initiate",
                    web::post().to(transactions::initiate_debt),
                )
                .route("/notification", web::post().to(transactions::notification))
                .route(
                    "/by-order-id/{order_id}",
                    web::get().to(transactions::detail),
                )
                .route(
                    "/public/by-order-id/{order_id}",
                    web::get().to(transactions::public_detail),
                )
                .route(
                    "/public/{order_id}/cancel",
                    web::post().to(transactions::public_cancel),
                )
                .route(
                    "/public/{order_id}/qr",
                    web::get().to(transactions::public_qr),
                )
                .route(
                    "/invoice/temp/{token}",
                    web::get().to(transactions::invoice_temp),
                )
                .route("/{order_id}/cancel", web::post().to(transactions::cancel))
                .route("/{order_id}/qr", web::get().to(transactions::qr))
                .route("/{order_id}/invoice", web::get().to(transactions::invoice))
                .default_service(web::to(super::not_found)),
        );
}

/// Routes inside the `/api/admin` scope.
pub fn admin_routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/packages", web::get().to(catalog::admin_packages))
        .route("/packages", web::post().to(catalog::create_package))
        .route("/packages/{id}", web::put().to(catalog::update_package))
        .route("/packages/{id}", web::delete().to(catalog::delete_package))
        .route("/profiles", web::get().to(catalog::profiles))
        .route("/profiles", web::post().to(catalog::create_profile))
        .route("/profiles/{id}", web::put().to(catalog::update_profile))
        .route("/profiles/{id}", web::delete().to(catalog::delete_profile))
        .route("/promos", web::get().to(catalog::promos))
        .route("/promos", web::post().to(catalog::create_promo))
        .route("/promos/{id}", web::get().to(catalog::promo))
        .route("/promos/{id}", web::put().to(catalog::update_promo))
        .route("/promos/{id}", web::delete().to(catalog::delete_promo))
        .route("/transactions", web::get().to(admin::list))
        .route("/transactions/export", web::get().to(admin::export))
        .route("/transactions/bill", web::post().to(admin::bill))
        .route("/transactions/qris", web::post().to(admin::bill))
        .route(
            "/transactions/{order_id}/detail",
            web::get().to(admin::detail),
        )
        .route(
            "/transactions/{order_id}/report.pdf",
            web::get().to(admin::report_pdf),
        )
        .route(
            "/transactions/{order_id}/reconcile",
            web::post().to(admin::reconcile),
        )
        .route("/midtrans/selftest", web::post().to(admin::self_test));
}

/// A CSV download written as its stream yields (an error after the first bytes ends the
/// body early and is logged).
pub(crate) fn csv_response(
    chunks: impl futures::Stream<Item = saring_app::AppResult<Vec<u8>>> + 'static,
    file_name: &str,
) -> HttpResponse {
    let body = futures::StreamExt::map(chunks, |chunk| {
        chunk.map(web::Bytes::from).map_err(|e| {
            tracing::error!(error = %e, "export stopped");
            std::io::Error::other(e.to_string())
        })
    });
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{file_name}\""),
        ))
        .insert_header(("Cache-Control", "private, no-store"))
        .streaming(body)
}

/// A PDF answer shown inline with a file name.
pub(crate) fn pdf_response(bytes: Vec<u8>, file_name: &str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((
            "Content-Disposition",
            format!("inline; filename=\"{file_name}\""),
        ))
        .insert_header(("Cache-Control", "private, no-store"))
        .body(bytes)
}
