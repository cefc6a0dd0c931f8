//! `/api/admin/*`. Every route here sits behind [`require_admin`] (the token's role is checked
//! before any handler runs) and takes an `AdminUser`/`SuperAdmin` extractor (the role is
//! checked again against the database).

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpResponse, web};
use saring_app::App;
use saring_domain::api::ErrorCode;
use saring_domain::dto::MessageResponse;
use saring_domain::dto::admin::{
    AdminUserQuery, AdminUserUpdate, GeneratedPassword, RejectRequest,
};
use saring_domain::ids::UserId;

use crate::ApiError;
use crate::body::Body;
use crate::paging::Paging;
use crate::session::{AdminUser, Credential, SuperAdmin};

type ApiResult = Result<HttpResponse, ApiError>;

/// Scope guard: only a session acting as ADMIN or SUPER_ADMIN gets through (an account's
/// role, capped by its session: an administrator's OTP session stays out).
pub async fn require_admin(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let credential = req.extensions().get::<Credential>().cloned();
    let verdict = match credential {
        Some(Credential::Bearer(s) | Credential::Cookie(s)) if s.user.role.is_admin() => Ok(()),
        Some(Credential::Bearer(_) | Credential::Cookie(_)) => Err(ApiError::new(
            ErrorCode::AdminRequired,
            "Halaman ini khusus admin.",
        )),
        Some(Credential::Refused(p)) => Err(ApiError(p.into_error())),
        None => Err(ApiError::new(
            ErrorCode::Unauthorized,
            "Silakan masuk sebagai admin.",
        )),
    };
    match verdict {
        Ok(()) => next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body),
        Err(e) => Ok(req.error_response(e)),
    }
}

fn user_id(raw: &str) -> Result<UserId, ApiError> {
    UserId::parse(raw)
        .ok_or_else(|| ApiError::new(ErrorCode::UserNotFound, "Pengguna tidak ditemukan."))
}

pub async fn list_users(
    app: web::Data<App>,
    AdminUser(_): AdminUser,
    Paging(page): Paging,
    q: web::Query<AdminUserQuery>,
) -> ApiResult {
    Ok(HttpResponse::Ok().json(saring_app::admin_users::list(&app, &q, page).await?))
}

pub async fn get_user(
    app: web::Data<App>,
    AdminUser(_): AdminUser,
    id: web::Path<String>,
) -> ApiResult {
    Ok(HttpResponse::Ok().json(saring_app::admin_users::detail(&app, user_id(&id)?).await?))
}

#[tracing::instrument(skip_all)]
pub async fn approve(
    app: web::Data<App>,
    AdminUser(admin): AdminUser,
    id: web::Path<String>,
) -> ApiResult {
    let a = saring_app::registration::approve(&app, &admin, user_id(&id)?).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({
        "message": "Pengguna disetujui.",
        "user": saring_app::present::user_me(&app, &a.user),
        "granted_mb": a.granted_mb,
        "granted_days": a.granted_days,
        "router_synced": a.router_synced,
        "whatsapp_sent": a.whatsapp_sent,
    })))
}

#[tracing::instrument(skip_all)]
pub async fn reject(
    app: web::Data<App>,
    AdminUser(admin): AdminUser,
    id: web::Path<String>,
    body: Option<Body<RejectRequest>>,
) -> ApiResult {
    let reason = body.and_then(|Body(b)| b.reason);
    let user =
        saring_app::registration::reject(&app, &admin, user_id(&id)?, reason.as_deref()).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "message": "Pendaftaran ditolak.", "user": saring_app::present::user_me(&app, &user) })))
}

#[tracing::instrument(skip_all)]
pub async fn update_user(
    app: web::Data<App>,
    AdminUser(admin): AdminUser,
    id: web::Path<String>,
    Body(req): Body<AdminUserUpdate>,
) -> ApiResult {
    let u = saring_app::operator::update_user(&app, &admin, user_id(&id)?, &req).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({
        "message": "Perubahan disimpan.",
        "user": saring_app::present::user_me(&app, &u.user),
        "changes": u.changes,
        "router_synced": u.router_synced,
    })))
}

#[tracing::instrument(skip_all)]
pub async fn generate_admin_password(
    app: web::Data<App>,
    SuperAdmin(admin): SuperAdmin,
    id: web::Path<String>,
) -> ApiResult {
    let sent =
        saring_app::admin_users::generate_admin_password(&app, &admin, user_id(&id)?).await?;
    Ok(HttpResponse::Ok().json(GeneratedPassword {
        message: "Password baru dibuat dan dikirim lewat WhatsApp.".into(),
        whatsapp_sent: sent,
    }))
}

#[tracing::instrument(skip_all)]
pub async fn reset_login(
    app: web::Data<App>,
    AdminUser(admin): AdminUser,
    id: web::Path<String>,
) -> ApiResult {
    let n = saring_app::admin_users::reset_login(&app, &admin, user_id(&id)?).await?;
    Ok(HttpResponse::Ok().json(MessageResponse::new(format!(
        "{n} perangkat dilepas; pengguna harus masuk lagi."
    ))))
}

/// `GET /api/admin/action-logs?action_type=&admin_id=&target_user_id=&from=&to=` (its page
/// comes from [`Paging`]).
pub async fn action_logs(
    app: web::Data<App>,
    AdminUser(_): AdminUser,
    Paging(page): Paging,
    q: web::Query<super::reports::LogParams>,
) -> ApiResult {
    let page = saring_app::reports::action_logs::list(&app, page, &q.query()?).await?;
    Ok(HttpResponse::Ok().json(page))
}

#[tracing::instrument(skip_all)]
pub async fn create_user(
    app: web::Data<App>,
    AdminUser(admin): AdminUser,
    Body(req): Body<saring_domain::dto::admin::AdminCreateUser>,
) -> ApiResult {
    let user = saring_app::admin_users::create_user(&app, &admin, &req).await?;
    Ok(HttpResponse::Created().json(saring_app::present::user_me(&app, &user)))
}
