//! Authentication on the way in: access tokens from `Authorization: Bearer` or the
//! `auth_token` cookie, silent refresh for cookie sessions, the CSRF origin check for
//! cookie-authenticated writes, and the extractors handlers use (`AuthUser`, `AdminUser`,
//! `SuperAdmin`, `Client`).

use std::future::{Ready, ready};
use std::net::IpAddr;

use actix_web::body::EitherBody;
use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::dev::{Payload, Service, ServiceRequest, ServiceResponse, Transform, forward_ready};
use actix_web::http::Method;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponseBuilder, web};
use futures::future::LocalBoxFuture;
use saring_app::tokens::{self, AccessClaims, ClientInfo, Refreshed, TokenProblem};
use saring_app::{App, AppError};
use saring_domain::access::{ApprovalStatus, Role};
use saring_domain::api::ErrorCode;
use saring_domain::user::User;

use crate::ApiError;

pub const ACCESS_COOKIE: &str = "auth_token";
pub const REFRESH_COOKIE: &str = "refresh_token";

/// How the request authenticated (decided by the session middleware).
#[derive(Debug, Clone)]
pub enum Credential {
    /// A valid access token from the `Authorization` header (its verified claims).
    Bearer(AccessClaims),
    /// A valid access token from the session cookie.
    Cookie(AccessClaims),
    /// A broken or expired token, and why.
    Refused(TokenProblem),
}

/// Cookies to add to the response (silent refresh).
#[derive(Debug, Clone, Default)]
struct PendingCookies(Vec<Cookie<'static>>);

pub fn access_cookie(app: &App, token: &str, max_age_seconds: i64) -> Cookie<'static> {
    build_cookie(app, ACCESS_COOKIE, token.to_owned(), max_age_seconds)
}

pub fn refresh_cookie(app: &App, token: &str, max_age_seconds: i64) -> Cookie<'static> {
    build_cookie(app, REFRESH_COOKIE, token.to_owned(), max_age_seconds)
}

fn build_cookie(
    app: &App,
    name: &'static str,
    value: String,
    max_age_seconds: i64,
) -> Cookie<'static> {
    Cookie::build(name, value)
        .http_only(true)
        .secure(app.config().portal.cookie_secure)
        .same_site(SameSite::Lax)
        .path("/")
        .max_age(CookieDuration::seconds(max_age_seconds))
        .finish()
}

/// Cookies that clear the session.
pub fn clear_cookies(app: &App, res: &mut HttpResponseBuilder) {
    for name in [ACCESS_COOKIE, REFRESH_COOKIE] {
        let mut c = build_cookie(app, name, String::new(), 0);
        c.make_removal();
        res.cookie(c);
    }
}

/// The client's address (the TCP peer; `X-Forwarded-For` only when the peer is a local
/// reverse proxy) and user agent.
pub fn client_info(req: &HttpRequest) -> ClientInfo {
    let peer = req.peer_addr().map(|a| a.ip());
    let forwarded = || {
        req.headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .and_then(|v| v.trim().parse::<IpAddr>().ok())
    };
    let trusted = |p: IpAddr| {
        p.is_loopback()
            || req.app_data::<web::Data<App>>().is_some_and(|app| {
                app.config()
                    .portal
                    .trusted_proxies
                    .iter()
                    .any(|n| n.contains(&p))
            })
    };
    // Only a reverse proxy we run may tell us the client's address: hotspot clients sit in
    // private ranges themselves and could forge the header.
    let ip = match peer {
        Some(p) if trusted(p) => Some(forwarded().unwrap_or(p)),
        other => other,
    };
    ClientInfo {
        ip: ip.map(|i| i.to_string()),
        user_agent: req
            .headers()
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|s| s.chars().take(500).collect()),
    }
}

/// The request's client info as an extractor.
pub struct Client(pub ClientInfo);

impl FromRequest for Client {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;
    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(Client(client_info(req))))
    }
}

fn app_of(req: &HttpRequest) -> Result<App, ApiError> {
    req.app_data::<web::Data<App>>()
        .map(|d| d.get_ref().clone())
        .ok_or_else(|| ApiError(AppError::Internal("app state missing".into())))
}

/// Whether a cookie-authenticated write comes from an origin we trust: the portal itself,
/// the configured public URLs, or `CSRF_TRUSTED_ORIGINS`. Requests without Origin and
/// Referer (non-browser clients) pass.
fn origin_allowed(app: &App, req: &ServiceRequest) -> bool {
    let origin = req
        .headers()
        .get(header::ORIGIN)
        .or_else(|| req.headers().get(header::REFERER))
        .and_then(|v| v.to_str().ok())
        .map(|o| o.trim().to_owned());
    let Some(origin) = origin else { return true };
    let origin_base = origin_of(&origin);
    let own_host = req.connection_info().host().to_owned();
    let portal = &app.config().portal;
    let configured = [
        app.config().app.public_base_url.as_deref(),
        app.config().app.frontend_url.as_deref(),
    ]
    .into_iter()
    .flatten()
    .chain(portal.csrf_trusted_origins.iter().map(String::as_str))
    .map(origin_of);
    let mut allowed =
        configured.chain([format!("http://{own_host}"), format!("https://{own_host}")]);
    allowed.any(|a| !a.is_empty() && a.eq_ignore_ascii_case(&origin_base))
}

/// `scheme://host[:port]` of a URL.
fn origin_of(url: &str) -> String {
    let url = url.trim().trim_end_matches('/');
    match url.split_once("://") {
        Some((scheme, rest)) => format!(
            "{scheme}://{}",
            rest.split(['/', '?', '#']).next().unwrap_or("")
        ),
        None => String::new(),
    }
}

pub struct SessionMiddleware;

impl<S, B> Transform<S, ServiceRequest> for SessionMiddleware
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = actix_web::Error;
    type Transform = SessionService<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(SessionService {
            service: std::rc::Rc::new(service),
        }))
    }
}

pub struct SessionService<S> {
    service: std::rc::Rc<S>,
}

impl<S, B> Service<ServiceRequest> for SessionService<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self::Response, Self::Error>>;

    forward_ready!(service);

    fn call(&self, req: ServiceRequest) -> Self::Future {
        let service = self.service.clone();
        Box::pin(async move {
            let Some(app) = req
                .app_data::<web::Data<App>>()
                .map(|d| d.get_ref().clone())
            else {
                return service
                    .call(req)
                    .await
                    .map(ServiceResponse::map_into_left_body);
            };
            let bearer = req
                .headers()
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| {
                    v.strip_prefix("Bearer ")
                        .or_else(|| v.strip_prefix("bearer "))
                })
                .map(|t| t.trim().to_owned());
            let cookie = req
                .cookie(ACCESS_COOKIE)
                .map(|c| c.value().to_owned())
                .filter(|v| !v.is_empty());
            let credential = match (bearer, cookie) {
                (Some(t), _) => Some(match tokens::verify_access(&app, &t) {
                    Ok(claims) => Credential::Bearer(claims),
                    Err(p) => Credential::Refused(p),
                }),
                (None, cookie) => {
                    let valid = cookie
                        .as_deref()
                        .and_then(|t| tokens::verify_access(&app, t).ok());
                    match (valid, cookie) {
                        (Some(claims), _) => Some(Credential::Cookie(claims)),
                        (None, had_cookie) => {
                            // Silent refresh: a cookie session whose access token is missing or expired.
                            let refresh = req
                                .cookie(REFRESH_COOKIE)
                                .map(|c| c.value().to_owned())
                                .filter(|v| !v.is_empty());
                            match refresh {
                                Some(r) => match silent_refresh(&app, &req, &r).await {
                                    Some(claims) => Some(Credential::Cookie(claims)),
                                    None => had_cookie
                                        .map(|_| Credential::Refused(TokenProblem::Expired)),
                                },
                                None => {
                                    had_cookie.map(|_| Credential::Refused(TokenProblem::Expired))
                                }
                            }
                        }
                    }
                }
            };
            if matches!(credential, Some(Credential::Cookie(_)))
                && !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS)
                && !origin_allowed(&app, &req)
            {
                let err = ApiError::new(
                    ErrorCode::OriginInvalid,
                    "Permintaan dari asal (origin) yang tidak dipercaya ditolak.",
                );
                return Ok(req.error_response(err).map_into_right_body());
            }
            if let Some(c) = credential {
                req.extensions_mut().insert(c);
            }
            let pending = req.extensions().get::<PendingCookies>().cloned();
            let mut res = service.call(req).await?;
            if let Some(pending) = pending {
                for c in pending.0 {
                    if let Ok(v) = HeaderValue::from_str(&c.to_string()) {
                        res.headers_mut().append(header::SET_COOKIE, v);
                    }
                }
            }
            Ok(res.map_into_left_body())
        })
    }
}

/// Rotates the refresh cookie and mints a new access cookie; the new cookies are attached to
/// the response.
async fn silent_refresh(app: &App, req: &ServiceRequest, refresh: &str) -> Option<AccessClaims> {
    let client = client_info(req.request());
    let (user_id, new_refresh) = match tokens::rotate_refresh(app, refresh, &client).await.ok()? {
        Refreshed::Rotated { user, refresh } => (user, Some(refresh)),
        Refreshed::Grace { user } => (user, None),
    };
    let user = saring_app::accounts::find_user(app, user_id).await.ok()??;
    let access = tokens::issue_access(app, user.id, user.role).ok()?;
    let mut cookies = vec![access_cookie(app, &access.token, access.expires_in)];
    if let Some(r) = new_refresh {
        cookies.push(refresh_cookie(app, &r.token, r.max_age_seconds));
    }
    req.extensions_mut().insert(PendingCookies(cookies));
    tokens::verify_access(app, &access.token).ok()
}

/// The signed-in user (any role, approved and active; blocked users pass so they can still
/// pay their debts).
pub struct AuthUser(pub User);

async fn load_user(req: HttpRequest) -> Result<User, ApiError> {
    let app = app_of(&req)?;
    let credential = req.extensions().get::<Credential>().cloned();
    let claims = match credential {
        Some(Credential::Bearer(c) | Credential::Cookie(c)) => c,
        Some(Credential::Refused(p)) => return Err(ApiError(p.into_error())),
        None => {
            return Err(ApiError::new(
                ErrorCode::Unauthorized,
                "Silakan masuk terlebih dahulu.",
            ));
        }
    };
    let id = claims
        .user_id()
        .ok_or_else(|| ApiError(TokenProblem::Invalid.into_error()))?;
    let user = saring_app::accounts::cached_user(&app, id)
        .await?
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::Unauthorized,
                "Akun tidak ditemukan. Silakan masuk lagi.",
            )
        })?;
    if user.approval_status != ApprovalStatus::Approved {
        return Err(ApiError::new(
            ErrorCode::UserUnapproved,
            "Akun belum disetujui admin.",
        ));
    }
    if !user.is_active {
        return Err(ApiError::new(ErrorCode::UserInactive, "Akun tidak aktif."));
    }
    Ok(user)
}

impl FromRequest for AuthUser {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;
    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { load_user(req).await.map(AuthUser).map_err(Into::into) })
    }
}

/// An ADMIN or SUPER_ADMIN.
pub struct AdminUser(pub User);

impl FromRequest for AdminUser {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;
    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let user = load_user(req).await?;
            if !user.role.is_admin() {
                return Err(
                    ApiError::new(ErrorCode::AdminRequired, "Halaman ini khusus admin.").into(),
                );
            }
            Ok(AdminUser(user))
        })
    }
}

/// A SUPER_ADMIN.
pub struct SuperAdmin(pub User);

impl FromRequest for SuperAdmin {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;
    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let user = load_user(req).await?;
            if user.role != Role::SuperAdmin {
                return Err(ApiError::new(
                    ErrorCode::SuperAdminRequired,
                    "Hanya super admin yang dapat melakukan ini.",
                )
                .into());
            }
            Ok(SuperAdmin(user))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::origin_of;

    #[test]
    fn origins() {
        assert_eq!(
            origin_of("https://portal.example.id/login?x=1"),
            "https://portal.example.id"
        );
        assert_eq!(origin_of("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
        assert_eq!(origin_of("garbage"), "");
    }
}
