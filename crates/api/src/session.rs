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
use saring_app::App;
use saring_app::tokens::{self, AccessClaims, ClientInfo, TokenProblem};
use saring_domain::access::{ApprovalStatus, Role};
use saring_domain::api::ErrorCode;
use saring_domain::user::User;

use crate::ApiError;

pub const ACCESS_COOKIE: &str = "auth_token";
pub const REFRESH_COOKIE: &str = "refresh_token";

/// How the request authenticated (decided by the session middleware).
#[derive(Debug, Clone)]
pub enum Credential {
    /// A valid access token from the `Authorization` header, and its account.
    Bearer(Session),
    /// A valid access token from the session cookie, and its account.
    Cookie(Session),
    /// A broken, expired or ended token, and why.
    Refused(TokenProblem),
}

/// A verified access token and the account it speaks for, with `role` as the session may act.
#[derive(Debug, Clone)]
pub struct Session {
    pub claims: AccessClaims,
    pub user: User,
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

/// The device credential: sent only to the API, never cross-site (`SameSite=Strict`).
pub fn device_cookie(app: &App, token: &str, max_age_seconds: i64) -> Cookie<'static> {
    let mut c = build_cookie(
        app,
        saring_app::presence::DEVICE_COOKIE,
        token.to_owned(),
        max_age_seconds,
    );
    c.set_same_site(SameSite::Strict);
    c.set_path("/api");
    c
}

/// A cookie that makes the browser forget its device credential.
pub fn device_cookie_removal(app: &App) -> Cookie<'static> {
    let mut c = device_cookie(app, "", 0);
    c.make_removal();
    c
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

/// The client's address, user agent and device credential.
///
/// The address is the TCP peer's, unless the peer is a trusted reverse proxy (loopback, or
/// `TRUSTED_PROXY_CIDRS`): then `X-Forwarded-For` is read from the right, each hop having been
/// appended by the proxy before it, and the first address that is not a trusted proxy is the
/// client. Whatever a client writes into the header itself stays to the left of that and is
/// never believed.
pub fn client_info(req: &HttpRequest) -> ClientInfo {
    let peer = req.peer_addr().map(|a| a.ip());
    let app = req.app_data::<web::Data<App>>();
    let trusted = |ip: IpAddr| {
        ip.is_loopback()
            || app.is_some_and(|app| {
                app.config()
                    .portal
                    .trusted_proxies
                    .iter()
                    .any(|n| n.contains(&ip))
            })
    };
    let forwarded: Vec<&str> = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .collect();
    let ip = match peer {
        Some(p) if trusted(p) => Some(client_behind_proxies(p, &forwarded, trusted)),
        Some(p) => {
            if !forwarded.is_empty() {
                warn_untrusted_forwarder(p);
            }
            Some(p)
        }
        None => None,
    };
    ClientInfo {
        ip: ip.map(|i| i.to_string()),
        user_agent: req
            .headers()
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|s| s.chars().take(500).collect()),
        device_credential: req
            .cookie(saring_app::presence::DEVICE_COOKIE)
            .map(|c| c.value().to_owned())
            .filter(|v| !v.is_empty()),
    }
}

/// The rightmost hop of `X-Forwarded-For` that is not a trusted proxy (`peer` is one).
fn client_behind_proxies(
    peer: IpAddr,
    forwarded: &[&str],
    trusted: impl Fn(IpAddr) -> bool,
) -> IpAddr {
    let mut client = peer;
    for hop in forwarded.iter().rev() {
        if !trusted(client) {
            break;
        }
        // A hop that is not an address was not written by a proxy of ours: stop at the last
        // one that was.
        let Ok(ip) = hop.trim_matches(|c| c == '[' || c == ']').parse::<IpAddr>() else {
            break;
        };
        client = ip;
    }
    client
}

/// Says once per process that a peer sent `X-Forwarded-For` without being a trusted proxy.
fn warn_untrusted_forwarder(peer: IpAddr) {
    static WARNED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    if !WARNED.swap(true, std::sync::atomic::Ordering::Relaxed) {
        tracing::warn!(%peer, "X-Forwarded-For from a peer that is not a trusted proxy was ignored; if it is your reverse proxy, add it to TRUSTED_PROXY_CIDRS (until then every client behind it shares one address for rate limits)");
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
            let cookie_of = |name: &str| {
                req.cookie(name)
                    .map(|c| c.value().to_owned())
                    .filter(|v| !v.is_empty())
            };
            let cookie = cookie_of(ACCESS_COOKIE);
            let refresh = cookie_of(REFRESH_COOKIE);
            // A cookie-session write from a foreign origin is refused before any token is
            // looked at, so it cannot rotate the victim's refresh token either.
            if bearer.is_none()
                && (cookie.is_some() || refresh.is_some())
                && !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS)
                && !origin_allowed(&app, &req)
            {
                let err = ApiError::new(
                    ErrorCode::OriginInvalid,
                    "Permintaan dari asal (origin) yang tidak dipercaya ditolak.",
                );
                return Ok(req.error_response(err).map_into_right_body());
            }
            let checked = match (&bearer, &cookie) {
                (Some(t), _) | (None, Some(t)) => match session_of(&app, t).await {
                    Ok(checked) => Some(checked),
                    Err(e) => return Ok(req.error_response(e).map_into_right_body()),
                },
                (None, None) => None,
            };
            let credential = match (bearer.is_some(), checked) {
                (true, Some(Ok(session))) => Some(Credential::Bearer(session)),
                (true, Some(Err(problem))) => Some(Credential::Refused(problem)),
                (false, Some(Ok(session))) => Some(Credential::Cookie(session)),
                // Silent refresh: a cookie session whose access token is missing, expired or
                // from before the account's sessions were ended.
                (false, checked) => match refresh {
                    Some(r) => match silent_refresh(&app, &req, &r).await {
                        Some(session) => Some(Credential::Cookie(session)),
                        None => checked.map(|_| Credential::Refused(TokenProblem::Expired)),
                    },
                    None => checked
                        .map(|c| Credential::Refused(c.err().unwrap_or(TokenProblem::Expired))),
                },
                (true, None) => None,
            };
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

/// Verifies an access token and finds its account: `Ok(Err(_))` when the token does not
/// count (broken, expired, or from before the account's sessions were ended).
async fn session_of(app: &App, token: &str) -> Result<Result<Session, TokenProblem>, ApiError> {
    let claims = match tokens::verify_access(app, token) {
        Ok(c) => c,
        Err(p) => return Ok(Err(p)),
    };
    Ok(saring_app::accounts::session_user(app, &claims)
        .await?
        .map(|user| Session { claims, user }))
}

/// Rotates the refresh cookie and mints a new access cookie; the new cookies are attached to
/// the response. An account that may no longer log in gets nothing.
async fn silent_refresh(app: &App, req: &ServiceRequest, refresh: &str) -> Option<Session> {
    let client = client_info(req.request());
    let out = saring_app::auth::refresh_session(app, refresh, &client)
        .await
        .ok()?;
    let mut cookies = vec![access_cookie(app, &out.access.token, out.access.expires_in)];
    if let Some(r) = &out.refresh {
        cookies.push(refresh_cookie(app, &r.token, r.max_age_seconds));
    }
    req.extensions_mut().insert(PendingCookies(cookies));
    let claims = tokens::verify_access(app, &out.access.token).ok()?;
    Some(Session {
        claims,
        user: out.user,
    })
}

/// The signed-in user (any role, approved and active; blocked users pass so they can still
/// pay their debts).
pub struct AuthUser(pub User);

async fn load_user(req: HttpRequest) -> Result<User, ApiError> {
    let credential = req.extensions().get::<Credential>().cloned();
    let user = match credential {
        Some(Credential::Bearer(s) | Credential::Cookie(s)) => s.user,
        Some(Credential::Refused(p)) => return Err(ApiError(p.into_error())),
        None => {
            return Err(ApiError::new(
                ErrorCode::Unauthorized,
                "Silakan masuk terlebih dahulu.",
            ));
        }
    };
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

/// The session the request's access token belongs to (its refresh token id), if any.
pub fn session_id(req: &HttpRequest) -> Option<uuid::Uuid> {
    match req.extensions().get::<Credential>() {
        Some(Credential::Bearer(s) | Credential::Cookie(s)) => s.claims.sid,
        _ => None,
    }
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
    use super::{client_behind_proxies, origin_of};
    use std::net::IpAddr;

    #[test]
    fn the_client_is_the_rightmost_untrusted_hop() {
        let proxy: ipnet::IpNet = "10.0.0.0/8".parse().unwrap();
        let trusted = |ip: IpAddr| ip.is_loopback() || proxy.contains(&ip);
        let peer: IpAddr = "127.0.0.1".parse().unwrap();
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        // nginx appends the real address after whatever the client wrote.
        assert_eq!(
            client_behind_proxies(peer, &["6.6.6.6", "203.0.113.5"], trusted),
            ip("203.0.113.5")
        );
        // Two proxies of ours in a row.
        assert_eq!(
            client_behind_proxies(peer, &["6.6.6.6", "203.0.113.5", "10.1.2.3"], trusted),
            ip("203.0.113.5")
        );
        // Garbage stops the walk at the last hop a proxy of ours wrote.
        assert_eq!(
            client_behind_proxies(peer, &["203.0.113.5", "not-an-ip", "10.1.2.3"], trusted),
            ip("10.1.2.3")
        );
        assert_eq!(client_behind_proxies(peer, &[], trusted), peer);
        assert_eq!(
            client_behind_proxies(peer, &["[2001:db8::1]"], trusted),
            ip("2001:db8::1")
        );
    }

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
