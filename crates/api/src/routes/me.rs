//! `/api/users/me/*`: the signed-in user's quota, usage, history and devices.

use actix_web::{HttpResponse, web};
use saring_app::App;
use saring_domain::api::ErrorCode;
use saring_domain::dto::MessageResponse;
use saring_domain::dto::auth::DeviceContextRequest;
use saring_domain::dto::users::DeviceLabelRequest;
use serde::Deserialize;
use uuid::Uuid;

use crate::ApiError;
use crate::body::Body;
use crate::paging::Paging;
use crate::session::{AuthUser, Client};

type ApiResult = Result<HttpResponse, ApiError>;

fn ok<T: serde::Serialize>(body: &T) -> ApiResult {
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(body))
}

pub async fn quota(app: web::Data<App>, AuthUser(user): AuthUser) -> ApiResult {
    ok(&saring_app::me::quota(&app, &user).await?)
}

pub async fn weekly_usage(app: web::Data<App>, AuthUser(user): AuthUser) -> ApiResult {
    ok(&saring_app::me::weekly_usage(&app, &user).await?)
}

#[derive(Deserialize)]
pub struct MonthsQuery {
    months: Option<u32>,
}

pub async fn monthly_usage(
    app: web::Data<App>,
    AuthUser(user): AuthUser,
    q: web::Query<MonthsQuery>,
) -> ApiResult {
    ok(&saring_app::me::monthly_usage(&app, &user, q.months.unwrap_or(6)).await?)
}

pub async fn weekly_spending(app: web::Data<App>, AuthUser(user): AuthUser) -> ApiResult {
    ok(&saring_app::me::weekly_spending(&app, &user).await?)
}

pub async fn transactions(
    app: web::Data<App>,
    AuthUser(user): AuthUser,
    Paging(page): Paging,
) -> ApiResult {
    ok(&saring_app::me::transactions(&app, &user, page).await?)
}

pub async fn quota_history(
    app: web::Data<App>,
    AuthUser(user): AuthUser,
    Paging(page): Paging,
) -> ApiResult {
    ok(&saring_app::me::quota_history(&app, &user, page).await?)
}

#[derive(Debug, serde::Deserialize)]
pub struct DebtQuery {
    /// `open` (default) or `all`.
    status: Option<String>,
}

pub async fn quota_debts(
    app: web::Data<App>,
    AuthUser(user): AuthUser,
    q: web::Query<DebtQuery>,
) -> ApiResult {
    let open_only = match q.status.as_deref().map(str::to_ascii_lowercase).as_deref() {
        None | Some("" | "open") => true,
        Some("all") => false,
        Some(_) => {
            return Err(
                saring_app::AppError::invalid("status", "status harus open atau all.").into(),
            );
        }
    };
    ok(&saring_app::me::quota_debts(&app, &user, open_only).await?)
}

pub async fn login_history(app: web::Data<App>, AuthUser(user): AuthUser) -> ApiResult {
    ok(&saring_app::me::login_history(&app, &user).await?)
}

pub async fn devices(app: web::Data<App>, AuthUser(user): AuthUser) -> ApiResult {
    ok(&saring_app::me::devices(&app, &user).await?)
}

fn device_id(raw: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(raw)
        .map_err(|_| ApiError::new(ErrorCode::NotFound, "Perangkat tidak ditemukan."))
}

pub async fn set_device_label(
    app: web::Data<App>,
    AuthUser(user): AuthUser,
    id: web::Path<String>,
    Body(req): Body<DeviceLabelRequest>,
) -> ApiResult {
    ok(&saring_app::me::set_device_label(&app, &user, device_id(&id)?, &req.label).await?)
}

#[tracing::instrument(skip_all)]
pub async fn remove_device(
    app: web::Data<App>,
    AuthUser(user): AuthUser,
    id: web::Path<String>,
) -> ApiResult {
    saring_app::me::remove_device(&app, &user, device_id(&id)?).await?;
    ok(&MessageResponse::new("Perangkat dihapus."))
}

#[tracing::instrument(skip_all)]
pub async fn bind_current(
    app: web::Data<App>,
    AuthUser(user): AuthUser,
    Client(client): Client,
    Body(req): Body<DeviceContextRequest>,
) -> ApiResult {
    let (result, credential) = saring_app::me::bind_current(
        &app,
        &user,
        &req.context,
        req.confirm_device_takeover,
        &client,
    )
    .await?;
    let mut res = HttpResponse::Ok();
    if let Some(c) = credential {
        res.cookie(crate::session::device_cookie(
            &app,
            &c.token,
            c.max_age_seconds,
        ));
    }
    Ok(res
        .insert_header(("Cache-Control", "no-store"))
        .json(result))
}

#[tracing::instrument(skip_all)]
pub async fn reset_hotspot_password(app: web::Data<App>, AuthUser(user): AuthUser) -> ApiResult {
    let sent = saring_app::me::reset_hotspot_password(&app, &user).await?;
    ok(
        &serde_json::json!({ "message": "Password hotspot baru dikirim lewat WhatsApp.", "whatsapp_sent": sent }),
    )
}
