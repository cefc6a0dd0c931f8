//! `/api/auth/*`: registration, OTP login, auto-login, admin login, tokens, logout, the
//! signed-in user.

use actix_web::{HttpRequest, HttpResponse, web};
use saring_app::App;
use saring_app::auth::{self, LoginOutcome};
use saring_app::tokens;
use saring_domain::api::ErrorCode;
use saring_domain::dto::MessageResponse;
use saring_domain::dto::auth::{
    AdminLoginRequest, CaptiveContext, ChangePasswordRequest, LoginResponse, ProfileUpdateRequest,
    RefreshRequest, RefreshResponse, RegisterRequest, RegisterResponse, RequestOtpRequest,
    SessionConsumeRequest, StatusTokenVerifyRequest, StatusTokenVerifyResponse, VerifyOtpRequest,
};
use secrecy::SecretString;

use crate::ApiError;
use crate::body::Body;
use crate::session::{self, AuthUser, Client, REFRESH_COOKIE};

type ApiResult = Result<HttpResponse, ApiError>;

/// The login answer: tokens in the body and as HttpOnly cookies.
pub fn login_response(app: &App, out: LoginOutcome, _req: &HttpRequest) -> HttpResponse {
    let portal = app.config().public_base_url(app.mode());
    let show_credentials = out.hotspot_login_required && !out.hotspot_binding_active;
    let body = LoginResponse {
        access_token: out.access.token.clone(),
        token_type: "bearer".into(),
        expires_in: out.access.expires_in,
        refresh_token: out.refresh.token.clone(),
        hotspot_login_required: out.hotspot_login_required,
        hotspot_binding_active: out.hotspot_binding_active,
        hotspot_username: show_credentials.then(|| out.user.hotspot_username()),
        hotspot_password: if show_credentials {
            out.user.mikrotik_password.clone()
        } else {
            None
        },
        session_url: out
            .session_token
            .as_ref()
            .map(|t| format!("{}/session/consume?token={t}", portal.trim_end_matches('/'))),
        session_token: out.session_token.clone(),
        user: saring_app::present::user_me(app, &out.user),
    };
    let mut res = HttpResponse::Ok();
    res.cookie(session::access_cookie(
        app,
        &out.access.token,
        out.access.expires_in,
    ))
    .cookie(session::refresh_cookie(
        app,
        &out.refresh.token,
        out.refresh.max_age_seconds,
    ));
    if let Some(device) = &out.device_credential {
        res.cookie(session::device_cookie(
            app,
            &device.token,
            device.max_age_seconds,
        ));
    }
    res.insert_header(("Cache-Control", "no-store")).json(body)
}

#[tracing::instrument(skip_all)]
pub async fn register(
    app: web::Data<App>,
    Client(client): Client,
    Body(req): Body<RegisterRequest>,
) -> ApiResult {
    let user = saring_app::registration::register(&app, &req, &client).await?;
    Ok(HttpResponse::Created().json(RegisterResponse {
        message:
            "Pendaftaran berhasil. Tunggu persetujuan admin; kabar akan dikirim lewat WhatsApp."
                .into(),
        user_id: user.id.to_string(),
        phone_number: user.phone.as_e164().to_owned(),
    }))
}

#[tracing::instrument(skip_all)]
pub async fn request_otp(
    app: web::Data<App>,
    Client(client): Client,
    Body(req): Body<RequestOtpRequest>,
) -> ApiResult {
    auth::request_otp(&app, &req.phone_number, &client).await?;
    Ok(HttpResponse::Ok().json(MessageResponse::new(
        "Kode OTP telah dikirim ke WhatsApp Anda.",
    )))
}

#[tracing::instrument(skip_all)]
pub async fn verify_otp(
    app: web::Data<App>,
    http: HttpRequest,
    Client(client): Client,
    Body(req): Body<VerifyOtpRequest>,
) -> ApiResult {
    let out = auth::verify_otp(
        &app,
        &req.phone_number,
        &req.otp,
        &req.context,
        req.confirm_device_takeover,
        &client,
    )
    .await?;
    Ok(login_response(&app, out, &http))
}

#[tracing::instrument(skip_all)]
pub async fn auto_login(
    app: web::Data<App>,
    http: HttpRequest,
    Client(client): Client,
    Body(req): Body<CaptiveContext>,
) -> ApiResult {
    let out = auth::auto_login(&app, &req, &client).await?;
    Ok(login_response(&app, out, &http))
}

#[tracing::instrument(skip_all)]
pub async fn admin_login(
    app: web::Data<App>,
    http: HttpRequest,
    Client(client): Client,
    Body(req): Body<AdminLoginRequest>,
) -> ApiResult {
    let out = auth::admin_login(
        &app,
        &req.username,
        &SecretString::from(req.password),
        &client,
    )
    .await?;
    Ok(login_response(&app, out, &http))
}

#[tracing::instrument(skip_all)]
pub async fn session_consume(
    app: web::Data<App>,
    http: HttpRequest,
    Client(client): Client,
    Body(req): Body<SessionConsumeRequest>,
) -> ApiResult {
    let out = auth::consume_session(&app, &req.token, &client).await?;
    Ok(login_response(&app, out, &http))
}

#[tracing::instrument(skip_all)]
pub async fn status_token_verify(
    app: web::Data<App>,
    Client(client): Client,
    Body(req): Body<StatusTokenVerifyRequest>,
) -> ApiResult {
    saring_app::ratelimit::check(
        &app,
        "status-token",
        client.ip.as_deref().unwrap_or("-"),
        &[saring_app::ratelimit::per_minute(30)],
    )
    .await?;
    Ok(HttpResponse::Ok().json(StatusTokenVerifyResponse {
        valid: tokens::verify_status_token(&app, &req.status, &req.token),
    }))
}

/// `POST /api/auth/refresh`: the refresh token from the body or the cookie.
#[tracing::instrument(skip_all)]
pub async fn refresh(
    app: web::Data<App>,
    http: HttpRequest,
    Client(client): Client,
    body: Option<Body<RefreshRequest>>,
) -> ApiResult {
    saring_app::ratelimit::check(
        &app,
        "refresh",
        client.ip.as_deref().unwrap_or("-"),
        &[saring_app::ratelimit::per_minute(60)],
    )
    .await?;
    let presented = body
        .and_then(|Body(b)| b.refresh_token)
        .or_else(|| http.cookie(REFRESH_COOKIE).map(|c| c.value().to_owned()))
        .filter(|t| !t.is_empty());
    let Some(presented) = presented else {
        return Err(ApiError::new(
            ErrorCode::Unauthorized,
            "Sesi tidak ditemukan, silakan masuk lagi.",
        ));
    };
    let out = auth::refresh_session(&app, &presented, &client).await?;
    let mut res = HttpResponse::Ok();
    res.cookie(session::access_cookie(
        &app,
        &out.access.token,
        out.access.expires_in,
    ))
    .insert_header(("Cache-Control", "no-store"));
    let refresh_token = match out.refresh {
        Some(r) => {
            res.cookie(session::refresh_cookie(&app, &r.token, r.max_age_seconds));
            r.token
        }
        None => presented,
    };
    Ok(res.json(RefreshResponse {
        access_token: out.access.token,
        token_type: "bearer".into(),
        expires_in: out.access.expires_in,
        refresh_token,
    }))
}

/// `POST /api/auth/logout`: ends the session the client logs out with, whichever way it
/// holds it (cookies, a refresh token in the body, or only its access token).
#[tracing::instrument(skip_all)]
pub async fn logout(
    app: web::Data<App>,
    http: HttpRequest,
    Client(client): Client,
    AuthUser(user): AuthUser,
    body: Option<Body<RefreshRequest>>,
) -> ApiResult {
    let from_body = body.and_then(|Body(b)| b.refresh_token);
    let from_cookie = http.cookie(REFRESH_COOKIE).map(|c| c.value().to_owned());
    let tokens = saring_app::me::LogoutTokens {
        refresh_tokens: [from_body.as_deref(), from_cookie.as_deref()]
            .into_iter()
            .flatten()
            .filter(|t| !t.is_empty())
            .collect(),
        session_id: session::session_id(&http),
        device_credential: client.device_credential.as_deref(),
    };
    saring_app::me::logout(&app, &user, &tokens).await?;
    let mut res = HttpResponse::Ok();
    session::clear_cookies(&app, &mut res);
    res.cookie(session::device_cookie_removal(&app));
    Ok(res.json(MessageResponse::new("Anda telah keluar.")))
}

#[tracing::instrument(skip_all)]
pub async fn reset_login(app: web::Data<App>, AuthUser(user): AuthUser) -> ApiResult {
    saring_app::me::reset_login(&app, &user).await?;
    Ok(HttpResponse::Ok().json(MessageResponse::new(
        "Perangkat Anda dilepas dari hotspot. Masuk lagi untuk terhubung.",
    )))
}

pub async fn me(app: web::Data<App>, AuthUser(user): AuthUser) -> ApiResult {
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(saring_app::present::user_me(&app, &user)))
}

#[tracing::instrument(skip_all)]
pub async fn update_profile(
    app: web::Data<App>,
    AuthUser(user): AuthUser,
    Body(req): Body<ProfileUpdateRequest>,
) -> ApiResult {
    let user = saring_app::me::update_profile(&app, &user, &req).await?;
    Ok(HttpResponse::Ok().json(saring_app::present::user_me(&app, &user)))
}

#[tracing::instrument(skip_all)]
pub async fn change_password(
    app: web::Data<App>,
    AuthUser(user): AuthUser,
    Body(req): Body<ChangePasswordRequest>,
) -> ApiResult {
    saring_app::me::change_password(
        &app,
        &user,
        &SecretString::from(req.current_password),
        &SecretString::from(req.new_password),
    )
    .await?;
    Ok(HttpResponse::Ok().json(MessageResponse::new("Password berhasil diubah.")))
}

#[tracing::instrument(skip_all)]
pub async fn hotspot_session_status(
    app: web::Data<App>,
    AuthUser(user): AuthUser,
    Client(client): Client,
    q: web::Query<CaptiveContext>,
) -> ApiResult {
    Ok(HttpResponse::Ok()
        .json(saring_app::me::hotspot_session_status(&app, &user, &q, &client).await?))
}

pub async fn telegram_status(app: web::Data<App>, AuthUser(user): AuthUser) -> ApiResult {
    Ok(HttpResponse::Ok().json(saring_app::telegram::status(&app, &user).await))
}

pub async fn telegram_link_token(app: web::Data<App>, AuthUser(user): AuthUser) -> ApiResult {
    Ok(HttpResponse::Ok().json(saring_app::telegram::link_token(&app, &user).await?))
}

pub async fn telegram_unlink(app: web::Data<App>, AuthUser(user): AuthUser) -> ApiResult {
    saring_app::telegram::unlink(&app, &user).await?;
    Ok(HttpResponse::Ok().json(MessageResponse::new("Telegram dilepas dari akun Anda.")))
}

/// `POST /api/telegram/webhook` (Telegram's servers, authenticated by the secret header).
pub async fn telegram_webhook(
    app: web::Data<App>,
    http: HttpRequest,
    update: web::Json<serde_json::Value>,
) -> ApiResult {
    let secret = http
        .headers()
        .get("x-telegram-bot-api-secret-token")
        .and_then(|v| v.to_str().ok());
    let linked = saring_app::telegram::webhook(&app, secret, &update).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "ok": true, "linked": linked })))
}
