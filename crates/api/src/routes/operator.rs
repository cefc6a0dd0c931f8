//! The operator console (`/api/admin/users/{id}/…`, `/api/admin/debts`,
//! `/api/admin/quota-requests`), the komandan's requests (`/api/komandan/…`) and the signed
//! temporary PDF links of debt receipts and reports. Bodies: `saring_domain::dto::operator`.

use actix_web::{HttpResponse, web};
use saring_app::App;
use saring_app::operator::{debts, lifecycle, quota, requests};
use saring_domain::api::ErrorCode;
use saring_domain::dto::operator::{
    AddDebt, DebtListQuery, InjectQuota, NewQuotaRequest, ProcessRequest, QuotaAdjust,
    QuotaHistoryQuery, QuotaRequestQuery, SetUnlimited, SettleDebt,
};
use saring_domain::ids::UserId;
use uuid::Uuid;

use crate::ApiError;
use crate::body::Body;
use crate::paging::Paging;
use crate::routes::payments::pdf_response;
use crate::session::{AdminUser, AuthUser, SuperAdmin};

type ApiResult = Result<HttpResponse, ApiError>;

/// The console's routes inside the `/api/admin` scope.
pub fn configure_admin(cfg: &mut web::ServiceConfig) {
    cfg.route("/users/{id}", web::delete().to(delete_user))
        .route("/users/{id}/inject", web::post().to(inject))
        .route("/users/{id}/unlimited", web::post().to(set_unlimited))
        .route("/users/{id}/unlimited", web::delete().to(revoke_unlimited))
        .route("/users/{id}/quota-adjust", web::post().to(adjust))
        .route("/users/{id}/quota-history", web::get().to(history))
        .route("/users/{id}/debts", web::get().to(user_debts))
        .route("/users/{id}/debts", web::post().to(add_debt))
        .route("/users/{id}/debts/settle-all", web::post().to(settle_all))
        .route("/users/{id}/debts/export", web::get().to(debt_report))
        .route(
            "/users/{id}/debts/send-whatsapp",
            web::post().to(send_report),
        )
        .route(
            "/users/{id}/debts/{debt_id}/settle",
            web::post().to(settle_one),
        )
        .route(
            "/users/{id}/reset-hotspot-password",
            web::post().to(reset_hotspot_password),
        )
        .route("/users/{id}/router-state", web::get().to(router_state))
        .route(
            "/users/{id}/router-state/fix",
            web::post().to(fix_router_state),
        )
        .route("/debts", web::get().to(all_debts))
        .route("/debt-settlements/{receipt}", web::get().to(receipt))
        .route("/quota-requests", web::get().to(list_requests))
        .route(
            "/quota-requests/{id}/process",
            web::post().to(process_request),
        );
}

/// Routes outside `/api/admin`: the komandan's own and the public signed PDF links.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/api/komandan")
            .route("/requests/limits", web::get().to(request_limits))
            .route("/requests", web::post().to(new_request))
            .route("/requests/history", web::get().to(request_history)),
    )
    .route(
        "/api/users/debt-settlements/temp/{token}",
        web::get().to(receipt_by_token),
    )
    .route(
        "/api/users/debts/temp/{token}",
        web::get().to(report_by_token),
    );
}

fn user_id(raw: &str) -> Result<UserId, ApiError> {
    UserId::parse(raw)
        .ok_or_else(|| ApiError::new(ErrorCode::UserNotFound, "Pengguna tidak ditemukan."))
}

fn record_id(raw: &str, what: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(raw.trim()).map_err(|_| ApiError::new(ErrorCode::NotFound, what))
}

fn ok<T: serde::Serialize>(body: &T) -> ApiResult {
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(body))
}

#[tracing::instrument(skip_all)]
async fn delete_user(
    app: web::Data<App>,
    AdminUser(admin): AdminUser,
    id: web::Path<String>,
) -> ApiResult {
    ok(&lifecycle::remove(&app, &admin, user_id(&id)?).await?)
}

#[tracing::instrument(skip_all)]
async fn inject(
    app: web::Data<App>,
    AdminUser(admin): AdminUser,
    id: web::Path<String>,
    Body(req): Body<InjectQuota>,
) -> ApiResult {
    ok(&quota::inject(&app, &admin, user_id(&id)?, &req).await?)
}

#[tracing::instrument(skip_all)]
async fn set_unlimited(
    app: web::Data<App>,
    AdminUser(admin): AdminUser,
    id: web::Path<String>,
    Body(req): Body<SetUnlimited>,
) -> ApiResult {
    ok(&quota::set_unlimited(&app, &admin, user_id(&id)?, &req).await?)
}

#[tracing::instrument(skip_all)]
async fn revoke_unlimited(
    app: web::Data<App>,
    AdminUser(admin): AdminUser,
    id: web::Path<String>,
) -> ApiResult {
    ok(&quota::revoke_unlimited(&app, &admin, user_id(&id)?).await?)
}

#[tracing::instrument(skip_all)]
async fn adjust(
    app: web::Data<App>,
    SuperAdmin(admin): SuperAdmin,
    id: web::Path<String>,
    Body(req): Body<QuotaAdjust>,
) -> ApiResult {
    ok(&quota::adjust(&app, &admin, user_id(&id)?, &req).await?)
}

async fn history(
    app: web::Data<App>,
    AdminUser(_): AdminUser,
    id: web::Path<String>,
    Paging(page): Paging,
    q: web::Query<QuotaHistoryQuery>,
) -> ApiResult {
    ok(&quota::history(&app, user_id(&id)?, &q, page).await?)
}

async fn user_debts(
    app: web::Data<App>,
    AdminUser(_): AdminUser,
    id: web::Path<String>,
) -> ApiResult {
    ok(&debts::for_user(&app, user_id(&id)?).await?)
}

#[tracing::instrument(skip_all)]
async fn add_debt(
    app: web::Data<App>,
    AdminUser(admin): AdminUser,
    id: web::Path<String>,
    Body(req): Body<AddDebt>,
) -> ApiResult {
    let item = debts::add(&app, &admin, user_id(&id)?, &req).await?;
    Ok(HttpResponse::Created().json(item))
}

#[tracing::instrument(skip_all)]
async fn settle_one(
    app: web::Data<App>,
    AdminUser(admin): AdminUser,
    path: web::Path<(String, String)>,
    Body(req): Body<SettleDebt>,
) -> ApiResult {
    let (id, debt) = path.into_inner();
    let debt = record_id(&debt, "Tunggakan tidak ditemukan.")?;
    ok(&debts::settle(&app, &admin, user_id(&id)?, Some(debt), &req).await?)
}

#[tracing::instrument(skip_all)]
async fn settle_all(
    app: web::Data<App>,
    AdminUser(admin): AdminUser,
    id: web::Path<String>,
    Body(req): Body<SettleDebt>,
) -> ApiResult {
    ok(&debts::settle(&app, &admin, user_id(&id)?, None, &req).await?)
}

async fn debt_report(
    app: web::Data<App>,
    AdminUser(_): AdminUser,
    id: web::Path<String>,
) -> ApiResult {
    let id = user_id(&id)?;
    Ok(pdf_response(
        debts::report_pdf(&app, id).await?,
        &format!("tunggakan-{id}.pdf"),
    ))
}

#[tracing::instrument(skip_all)]
async fn send_report(
    app: web::Data<App>,
    AdminUser(admin): AdminUser,
    id: web::Path<String>,
) -> ApiResult {
    ok(&debts::send_report(&app, &admin, user_id(&id)?).await?)
}

async fn all_debts(
    app: web::Data<App>,
    AdminUser(_): AdminUser,
    Paging(page): Paging,
    q: web::Query<DebtListQuery>,
) -> ApiResult {
    ok(&debts::list_all(&app, &q, page).await?)
}

async fn receipt(
    app: web::Data<App>,
    AdminUser(_): AdminUser,
    receipt: web::Path<String>,
) -> ApiResult {
    let number = receipt.trim_end_matches(".pdf");
    Ok(pdf_response(
        debts::receipt_pdf(&app, number).await?,
        &format!("kuitansi-{number}.pdf"),
    ))
}

async fn receipt_by_token(app: web::Data<App>, token: web::Path<String>) -> ApiResult {
    Ok(pdf_response(
        debts::receipt_by_token(&app, &token).await?,
        "kuitansi.pdf",
    ))
}

async fn report_by_token(app: web::Data<App>, token: web::Path<String>) -> ApiResult {
    Ok(pdf_response(
        debts::report_by_token(&app, &token).await?,
        "tunggakan.pdf",
    ))
}

#[tracing::instrument(skip_all)]
async fn reset_hotspot_password(
    app: web::Data<App>,
    AdminUser(admin): AdminUser,
    id: web::Path<String>,
) -> ApiResult {
    ok(&lifecycle::reset_hotspot_password(&app, &admin, user_id(&id)?).await?)
}

async fn router_state(
    app: web::Data<App>,
    AdminUser(_): AdminUser,
    id: web::Path<String>,
) -> ApiResult {
    ok(&lifecycle::router_state(&app, user_id(&id)?).await?)
}

#[tracing::instrument(skip_all)]
async fn fix_router_state(
    app: web::Data<App>,
    AdminUser(admin): AdminUser,
    id: web::Path<String>,
) -> ApiResult {
    ok(&lifecycle::fix_router_state(&app, &admin, user_id(&id)?).await?)
}

async fn list_requests(
    app: web::Data<App>,
    AdminUser(_): AdminUser,
    Paging(page): Paging,
    q: web::Query<QuotaRequestQuery>,
) -> ApiResult {
    ok(&requests::list(&app, &q, page).await?)
}

#[tracing::instrument(skip_all)]
async fn process_request(
    app: web::Data<App>,
    AdminUser(admin): AdminUser,
    id: web::Path<String>,
    Body(req): Body<ProcessRequest>,
) -> ApiResult {
    let id = record_id(&id, "Permintaan tidak ditemukan.")?;
    ok(&requests::process(&app, &admin, id, &req).await?)
}

async fn request_limits(app: web::Data<App>, AuthUser(user): AuthUser) -> ApiResult {
    ok(&requests::limits(&app, &user).await?)
}

#[tracing::instrument(skip_all)]
async fn new_request(
    app: web::Data<App>,
    AuthUser(user): AuthUser,
    Body(req): Body<NewQuotaRequest>,
) -> ApiResult {
    let created = requests::create(&app, &user, &req).await?;
    Ok(HttpResponse::Created().json(created))
}

async fn request_history(
    app: web::Data<App>,
    AuthUser(user): AuthUser,
    Paging(page): Paging,
) -> ApiResult {
    ok(&requests::history(&app, &user, page).await?)
}
