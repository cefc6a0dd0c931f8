//! `/api/admin/transactions/*` and `/api/admin/midtrans/selftest`.

use actix_web::{HttpResponse, web};
use saring_app::App;
use saring_app::payments as pay;
use saring_domain::dto::payments::{AdminBillRequest, AdminTransactionQuery};

use super::pdf_response;
use crate::ApiError;
use crate::body::Body;
use crate::paging::Paging;
use crate::session::AdminUser;

type ApiResult = Result<HttpResponse, ApiError>;

pub async fn list(
    app: web::Data<App>,
    _: AdminUser,
    Paging(page): Paging,
    q: web::Query<AdminTransactionQuery>,
) -> ApiResult {
    Ok(HttpResponse::Ok().json(pay::admin::list(&app, &q, page).await?))
}

pub async fn detail(app: web::Data<App>, _: AdminUser, order_id: web::Path<String>) -> ApiResult {
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(pay::admin::detail(&app, &order_id).await?))
}

/// A per-transaction PDF (any status).
pub async fn report_pdf(
    app: web::Data<App>,
    _: AdminUser,
    order_id: web::Path<String>,
) -> ApiResult {
    let tx = pay::status::find_order(&app, &order_id).await?;
    let data = pay::invoice::data(&app, &tx, false).await?;
    Ok(pdf_response(
        pay::invoice::pdf(&data),
        &format!("transaksi-{}.pdf", data.order_id),
    ))
}

#[tracing::instrument(skip_all)]
pub async fn reconcile(
    app: web::Data<App>,
    AdminUser(admin): AdminUser,
    order_id: web::Path<String>,
) -> ApiResult {
    Ok(HttpResponse::Ok().json(pay::reconcile::reconcile_order(&app, &admin, &order_id).await?))
}

#[tracing::instrument(skip_all)]
pub async fn bill(
    app: web::Data<App>,
    AdminUser(admin): AdminUser,
    Body(req): Body<AdminBillRequest>,
) -> ApiResult {
    Ok(HttpResponse::Created().json(pay::initiate::admin_bill(&app, &admin, &req).await?))
}

#[tracing::instrument(skip_all)]
pub async fn self_test(app: web::Data<App>, _: AdminUser) -> ApiResult {
    Ok(HttpResponse::Ok().json(pay::admin::self_test(&app).await?))
}

#[derive(serde::Deserialize)]
pub struct ExportQuery {
    from: Option<String>,
    to: Option<String>,
    status: Option<String>,
    format: Option<String>,
}

/// `GET /api/admin/transactions/export?from=dd-mm-yyyy&to=dd-mm-yyyy&status=&format=csv`: the
/// orders of a range of local days as a streamed CSV download.
pub async fn export(
    app: web::Data<App>,
    AdminUser(_): AdminUser,
    q: web::Query<ExportQuery>,
) -> Result<HttpResponse, ApiError> {
    if q.format
        .as_deref()
        .is_some_and(|f| !f.eq_ignore_ascii_case("csv"))
    {
        return Err(
            saring_app::AppError::invalid("format", "Format ekspor yang tersedia: csv.").into(),
        );
    }
    let range = pay::export::range(&app, q.from.as_deref(), q.to.as_deref())?;
    let status = pay::export::status(q.status.as_deref())?;
    let body = futures::StreamExt::map(
        pay::export::csv(app.get_ref().clone(), range, status),
        |chunk| {
            chunk.map(web::Bytes::from).map_err(|e| {
                tracing::error!(error = %e, "transactions export stopped");
                std::io::Error::other(e.to_string())
            })
        },
    );
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{}\"", range.file_name()),
        ))
        .insert_header(("Cache-Control", "private, no-store"))
        .streaming(body))
}
