//! Reports and exports (`saring_app::reports`): the user, debt and action-log exports, one
//! user's detail report and quota history as PDF with signed temporary links, and the public
//! route those links open (`/api/reports/temp/{token}.pdf`).

use actix_web::{HttpResponse, web};
use saring_app::App;
use saring_app::reports::user_report::ReportKind;
use saring_app::reports::{Format, action_logs, debts, links, user_report, users};
use saring_domain::api::ErrorCode;
use saring_domain::dto::admin::AdminUserQuery;
use saring_domain::ids::UserId;
use serde::Deserialize;

use crate::ApiError;
use crate::routes::payments::{csv_response, pdf_response};
use crate::session::AdminUser;

type ApiResult = Result<HttpResponse, ApiError>;

/// Routes inside the `/api/admin` scope (before `/users/{id}`, which they would match).
pub fn configure_admin(cfg: &mut web::ServiceConfig) {
    cfg.route("/users/export", web::get().to(users_export))
        .route("/debts/export", web::get().to(debts_export))
        .route("/action-logs/export", web::get().to(action_logs_export))
        .route(
            "/users/{id}/detail-report.pdf",
            web::get().to(|a, u, id| report(a, u, id, ReportKind::Detail)),
        )
        .route(
            "/users/{id}/quota-history.pdf",
            web::get().to(|a, u, id| report(a, u, id, ReportKind::QuotaHistory)),
        )
        .route(
            "/users/{id}/detail-report/link",
            web::post().to(|a, u, id| link(a, u, id, ReportKind::Detail)),
        )
        .route(
            "/users/{id}/quota-history/link",
            web::post().to(|a, u, id| link(a, u, id, ReportKind::QuotaHistory)),
        )
        .route(
            "/users/{id}/detail-report/send-whatsapp",
            web::post().to(|a, u, id| send(a, u, id, ReportKind::Detail)),
        )
        .route(
            "/users/{id}/quota-history/send-whatsapp",
            web::post().to(|a, u, id| send(a, u, id, ReportKind::QuotaHistory)),
        );
}

/// The public route of the signed links.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/reports/temp/{token}", web::get().to(by_token));
}

fn user_id(raw: &str) -> Result<UserId, ApiError> {
    UserId::parse(raw)
        .ok_or_else(|| ApiError::new(ErrorCode::UserNotFound, "Pengguna tidak ditemukan."))
}

fn today(app: &App) -> String {
    app.config().app.timezone.format_date(app.now())
}

/// The user list's filters plus `format`.
#[derive(Deserialize)]
pub struct UsersExportQuery {
    format: Option<String>,
    #[serde(flatten)]
    list: AdminUserQuery,
}

async fn users_export(
    app: web::Data<App>,
    AdminUser(_): AdminUser,
    q: web::Query<UsersExportQuery>,
) -> ApiResult {
    let format = Format::parse(q.format.as_deref(), &[Format::Csv, Format::Pdf])?;
    let filter = users::filter(&app, &q.list)?;
    let name = format!("pengguna_{}.{}", today(&app), format.extension());
    Ok(match format {
        Format::Csv => csv_response(users::csv(app.get_ref().clone(), filter), &name),
        Format::Pdf => pdf_response(
            users::pdf(&app, filter, &users::describe(&q.list)).await?,
            &name,
        ),
    })
}

#[derive(Deserialize)]
pub struct DebtsExportQuery {
    format: Option<String>,
    search: Option<String>,
}

async fn debts_export(
    app: web::Data<App>,
    AdminUser(_): AdminUser,
    q: web::Query<DebtsExportQuery>,
) -> ApiResult {
    let format = Format::parse(q.format.as_deref(), &[Format::Csv, Format::Pdf])?;
    let filter = debts::filter(q.search.clone());
    let name = format!("tunggakan_{}.{}", today(&app), format.extension());
    Ok(match format {
        Format::Csv => csv_response(debts::csv(app.get_ref().clone(), filter), &name),
        Format::Pdf => pdf_response(debts::pdf(&app, filter).await?, &name),
    })
}

/// The action log's filters (`GET /api/admin/action-logs` and its export).
#[derive(Deserialize)]
pub struct LogParams {
    action_type: Option<String>,
    admin_id: Option<String>,
    target_user_id: Option<String>,
    from: Option<String>,
    to: Option<String>,
    format: Option<String>,
}

impl LogParams {
    pub fn query(&self) -> Result<action_logs::LogQuery, ApiError> {
        let parse = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| {
                    UserId::parse(s).ok_or_else(|| {
                        ApiError::new(ErrorCode::ValidationFailed, "ID tidak valid.")
                    })
                })
                .transpose()
        };
        Ok(action_logs::LogQuery {
            action_type: self.action_type.clone(),
            admin_id: parse(&self.admin_id)?,
            target: parse(&self.target_user_id)?,
            from: self.from.clone(),
            to: self.to.clone(),
        })
    }
}

async fn action_logs_export(
    app: web::Data<App>,
    AdminUser(_): AdminUser,
    q: web::Query<LogParams>,
) -> ApiResult {
    Format::parse(q.format.as_deref(), &[Format::Csv])?;
    let query = q.query()?;
    let filter = action_logs::filter(&app, &query, true)?;
    Ok(csv_response(
        action_logs::csv(app.get_ref().clone(), filter),
        &action_logs::file_name(&app, &query)?,
    ))
}

async fn report(
    app: web::Data<App>,
    AdminUser(_): AdminUser,
    id: web::Path<String>,
    kind: ReportKind,
) -> ApiResult {
    let id = user_id(&id)?;
    Ok(pdf_response(
        user_report::render(&app, kind, id).await?,
        &kind.file_name(id),
    ))
}

#[tracing::instrument(skip_all)]
async fn link(
    app: web::Data<App>,
    AdminUser(_): AdminUser,
    id: web::Path<String>,
    kind: ReportKind,
) -> ApiResult {
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(links::create(&app, kind, user_id(&id)?).await?))
}

#[tracing::instrument(skip_all)]
async fn send(
    app: web::Data<App>,
    AdminUser(admin): AdminUser,
    id: web::Path<String>,
    kind: ReportKind,
) -> ApiResult {
    Ok(HttpResponse::Ok().json(links::send_whatsapp(&app, &admin, kind, user_id(&id)?).await?))
}

async fn by_token(app: web::Data<App>, token: web::Path<String>) -> ApiResult {
    let (pdf, name) = links::open(&app, &token).await?;
    Ok(pdf_response(pdf, &name))
}
