//! `/api/admin/transactions/*` and `/api/admin/midtrans/selftest`.

use actix_web::{HttpResponse, web};
use saring_app::App;
use saring_app::payments as pay;
use saring_domain::dto::payments::{AdminBillRequest, AdminTransactionQuery};

use super::{csv_response, pdf_response};
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
    group: Option<String>,
    sort: Option<String>,
    order: Option<String>,
}

/// `GET /api/admin/transactions/export?from=dd-mm-yyyy&to=dd-mm-yyyy&status=&format=csv|pdf
/// &group=day|package|method&sort=created_at|amount&order=asc|desc`: the orders of a range of
/// local days as a streamed CSV download, or the grouped sales report as PDF.
pub async fn export(
    app: web::Data<App>,
    AdminUser(_): AdminUser,
    q: web::Query<ExportQuery>,
) -> Result<HttpResponse, ApiError> {
    use saring_app::reports::{self, Format};
    let format = Format::parse(q.format.as_deref(), &[Format::Csv, Format::Pdf])?;
    let range = pay::export::range(&app, q.from.as_deref(), q.to.as_deref())?;
    let status = pay::export::status(q.status.as_deref())?;
    let sort = pay::export::sort(q.sort.as_deref(), q.order.as_deref(), false)?;
    match format {
        Format::Csv => Ok(csv_response(
            pay::export::csv(app.get_ref().clone(), range, status, sort),
            &range.file_name(),
        )),
        Format::Pdf => {
            let group = reports::transactions::Group::parse(q.group.as_deref())?;
            let pdf = reports::transactions::pdf(&app, range, status, group, sort).await?;
            Ok(pdf_response(pdf, &reports::transactions::file_name(&range)))
        }
    }
}
