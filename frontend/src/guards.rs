//! Route guards: where a visitor may go, as one pure function.
//!
//! A simplified form of the reference's four Nuxt middlewares (spec `frontend.md` §2):
//!
//! 1. **Maintenance** (public settings): signed-in admins keep `/admin/*` and `/akun`; everyone
//!    else only sees `/maintenance` and the admin login. Without maintenance, `/maintenance`
//!    goes home.
//! 2. **Public pages** are open to anyone and never redirected: `/captive`,
//!    `/captive/terhubung`, `/policy/*`, `/session/consume`, unknown paths (404).
//! 3. **Guest-only pages** (`/login`, `/admin`): a signed-in visitor goes to the safe
//!    `?redirect=` target, else to their home (`/admin/dashboard` for admins, `/dashboard`).
//!    A guest arriving at `/` or `/login` with hotspot parameters is sent to `/captive` with
//!    the same query (the router sometimes redirects to the site root).
//! 4. **Protected pages**: guests go to `/admin?redirect=…` for `/admin/*`, else to
//!    `/login?redirect=…`.
//! 5. **Roles**: a non-admin on `/admin/*` goes to `/dashboard`; an admin on a user page
//!    (anything but `/admin/*` and `/akun`) goes to `/admin/dashboard`; `/requests` is for
//!    komandan accounts only (others go to `/dashboard`).
//! 6. **Access status**: a user whose status is not `ok` is sent to `/policy/<status>` except on
//!    `/akun` (and `/beli` — `/requests` for a komandan — for `expired`/`habis`/`fup`,
//!    `/dashboard` for `fup`, whose internet still works at reduced speed).

use saring_domain::{PageStatus, Role};

/// What the guard needs to know about the visitor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visitor {
    /// `/api/auth/me` has not answered yet: decide nothing.
    Unknown,
    Guest,
    User {
        role: Role,
        status: PageStatus,
    },
}

/// Paths anyone may open.
pub fn is_public(path: &str) -> bool {
    path == "/captive"
        || path.starts_with("/captive/")
        || path.starts_with("/policy/")
        || path == "/session/consume"
        || route_of(path) == Route::Unknown
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Route {
    Home,
    Login,
    AdminLogin,
    Admin,
    Account,
    UserPage,
    /// `/requests`: komandan accounts only.
    KomandanPage,
    Maintenance,
    Public,
    Unknown,
}

fn route_of(path: &str) -> Route {
    let path = path.trim_end_matches('/');
    match path {
        "" => Route::Home,
        "/login" => Route::Login,
        "/admin" => Route::AdminLogin,
        "/akun" => Route::Account,
        "/maintenance" => Route::Maintenance,
        "/dashboard" | "/beli" | "/riwayat" => Route::UserPage,
        "/requests" => Route::KomandanPage,
        "/captive" | "/captive/terhubung" | "/session/consume" => Route::Public,
        p if p.starts_with("/policy/") => Route::Public,
        "/admin/dashboard"
        | "/admin/users"
        | "/admin/requests"
        | "/admin/debts"
        | "/admin/logs"
        | "/admin/packages"
        | "/admin/promos"
        | "/admin/transactions"
        | "/admin/jobs"
        | "/admin/templates"
        | "/admin/inactive-accounts"
        | "/admin/parity"
        | "/admin/routers"
        | "/admin/settings"
        | "/admin/backup" => Route::Admin,
        p if p.starts_with("/admin/users/") && p.matches('/').count() == 3 => Route::Admin,
        p if p.starts_with("/admin/transactions/") && p.matches('/').count() == 3 => Route::Admin,
        _ => Route::Unknown,
    }
}

/// A `?redirect=` target that is safe to follow: a same-site path that is not a login,
/// captive, policy or hand-off page (and not an admin page for a non-admin).
pub fn safe_redirect(target: Option<&str>, admin: bool) -> Option<String> {
    let target = target?.trim();
    if !target.starts_with('/') || target.starts_with("//") || target.contains("://") {
        return None;
    }
    let path = target.split(['?', '#']).next().unwrap_or_default();
    let blocked = ["/login", "/captive", "/policy", "/session", "/maintenance"];
    if path == "/admin"
        || blocked
            .iter()
            .any(|b| path == *b || path.starts_with(&format!("{b}/")))
    {
        return None;
    }
    if path.starts_with("/admin/") != admin {
        return None;
    }
    Some(target.to_owned())
}

fn home(role: Role) -> &'static str {
    if role.is_admin() {
        "/admin/dashboard"
    } else {
        "/dashboard"
    }
}

fn has_hotspot_params(query: &str) -> bool {
    query.trim_start_matches('?').split('&').any(|pair| {
        let key = pair.split('=').next().unwrap_or_default();
        matches!(
            key,
            "client_ip" | "ip" | "client-ip" | "client_mac" | "mac" | "mac-address" | "client-mac"
        )
    })
}

fn encode(path_and_query: &str) -> String {
    let mut out = String::with_capacity(path_and_query.len());
    for b in path_and_query.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(char::from(b))
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Where to send the visitor instead of `path` (`query` is the raw `?…` string, `redirect`
/// the decoded `?redirect=` value), or `None` to stay. The answer is final: following it
/// leads nowhere else (the rules are applied until they settle).
pub fn decide(
    path: &str,
    query: &str,
    redirect: Option<&str>,
    visitor: Visitor,
    maintenance: bool,
) -> Option<String> {
    let mut target = decide_once(path, query, redirect, visitor, maintenance)?;
    for _ in 0..4 {
        let (p, q) = match target.split_once('?') {
            Some((p, q)) => (p.to_owned(), format!("?{q}")),
            None => (target.clone(), String::new()),
        };
        match decide_once(&p, &q, None, visitor, maintenance) {
            Some(next) if next != target => target = next,
            _ => break,
        }
    }
    (target != path).then_some(target)
}

fn decide_once(
    path: &str,
    query: &str,
    redirect: Option<&str>,
    visitor: Visitor,
    maintenance: bool,
) -> Option<String> {
    let route = route_of(path);
    let stay = |target: &str| (target != path).then(|| target.to_owned());
    if visitor == Visitor::Unknown {
        return None;
    }
    if maintenance {
        let admin = matches!(visitor, Visitor::User { role, .. } if role.is_admin());
        return match (admin, route) {
            (true, Route::Admin | Route::Account) => None,
            (true, _) => stay("/admin/dashboard"),
            (false, Route::AdminLogin | Route::Maintenance) => None,
            (false, _) => stay("/maintenance"),
        };
    }
    if route == Route::Maintenance {
        return Some("/".to_owned());
    }
    match visitor {
        Visitor::Unknown => None,
        Visitor::Guest => match route {
            Route::Home | Route::Login if has_hotspot_params(query) => {
                Some(format!("/captive{query}"))
            }
            Route::Home => Some("/login".to_owned()),
            Route::Login | Route::AdminLogin | Route::Public | Route::Unknown => None,
            Route::Maintenance => None,
            Route::Admin => Some(format!(
                "/admin?redirect={}",
                encode(&format!("{path}{query}"))
            )),
            Route::Account | Route::UserPage | Route::KomandanPage => Some(format!(
                "/login?redirect={}",
                encode(&format!("{path}{query}"))
            )),
        },
        Visitor::User { role, status } => {
            if route == Route::Public || route == Route::Unknown {
                return None;
            }
            if matches!(route, Route::Home | Route::Login | Route::AdminLogin) {
                return Some(
                    safe_redirect(redirect, role.is_admin())
                        .unwrap_or_else(|| home(role).to_owned()),
                );
            }
            if role.is_admin() {
                return match route {
                    Route::Admin | Route::Account => None,
                    _ => Some(home(role).to_owned()),
                };
            }
            if route == Route::Admin || (route == Route::KomandanPage && role != Role::Komandan) {
                return Some("/dashboard".to_owned());
            }
            if status == PageStatus::Ok || route == Route::Account {
                return None;
            }
            let p = path.trim_end_matches('/');
            let self_service = match status {
                PageStatus::Fup => p == "/dashboard" || p == "/beli" || p == "/requests",
                PageStatus::Expired | PageStatus::Habis => p == "/beli" || p == "/requests",
                _ => false,
            };
            if self_service {
                None
            } else {
                Some(format!("/policy/{status}"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const USER_OK: Visitor = Visitor::User {
        role: Role::User,
        status: PageStatus::Ok,
    };
    const ADMIN: Visitor = Visitor::User {
        role: Role::Admin,
        status: PageStatus::Ok,
    };

    fn go(path: &str, visitor: Visitor) -> Option<String> {
        decide(path, "", None, visitor, false)
    }

    #[test]
    fn guests() {
        assert_eq!(go("/", Visitor::Guest).as_deref(), Some("/login"));
        assert_eq!(go("/login", Visitor::Guest), None);
        assert_eq!(go("/captive", Visitor::Guest), None);
        assert_eq!(go("/policy/habis", Visitor::Guest), None);
        assert_eq!(go("/nothing-here", Visitor::Guest), None);
        assert_eq!(
            decide("/dashboard", "?x=1", None, Visitor::Guest, false).as_deref(),
            Some("/login?redirect=/dashboard%3Fx%3D1")
        );
        assert_eq!(
            go("/admin/users/abc", Visitor::Guest).as_deref(),
            Some("/admin?redirect=/admin/users/abc")
        );
        assert_eq!(
            decide(
                "/",
                "?client_ip=172.16.2.5&mac=AA",
                None,
                Visitor::Guest,
                false
            )
            .as_deref(),
            Some("/captive?client_ip=172.16.2.5&mac=AA")
        );
        assert_eq!(go("/dashboard", Visitor::Unknown), None);
    }

    #[test]
    fn signed_in_users() {
        assert_eq!(go("/login", USER_OK).as_deref(), Some("/dashboard"));
        assert_eq!(
            decide("/login", "", Some("/akun"), USER_OK, false).as_deref(),
            Some("/akun")
        );
        assert_eq!(
            decide("/login", "", Some("https://evil.example/"), USER_OK, false).as_deref(),
            Some("/dashboard")
        );
        assert_eq!(go("/dashboard", USER_OK), None);
        assert_eq!(go("/admin/users", USER_OK).as_deref(), Some("/dashboard"));
        assert_eq!(go("/captive", USER_OK), None);
        let habis = Visitor::User {
            role: Role::User,
            status: PageStatus::Habis,
        };
        assert_eq!(go("/dashboard", habis).as_deref(), Some("/policy/habis"));
        assert_eq!(go("/beli", habis), None);
        assert_eq!(go("/akun", habis), None);
        assert_eq!(go("/policy/habis", habis), None);
        let fup = Visitor::User {
            role: Role::Komandan,
            status: PageStatus::Fup,
        };
        assert_eq!(go("/dashboard", fup), None);
        let blocked = Visitor::User {
            role: Role::User,
            status: PageStatus::Blocked,
        };
        assert_eq!(go("/beli", blocked).as_deref(), Some("/policy/blocked"));
        assert_eq!(go("/captive/terhubung", blocked), None);
    }

    #[test]
    fn admins() {
        assert_eq!(go("/admin", ADMIN).as_deref(), Some("/admin/dashboard"));
        assert_eq!(go("/dashboard", ADMIN).as_deref(), Some("/admin/dashboard"));
        assert_eq!(go("/admin/dashboard", ADMIN), None);
        assert_eq!(
            go("/admin/dashboard", USER_OK).as_deref(),
            Some("/dashboard")
        );
        assert_eq!(go("/akun", ADMIN), None);
        assert_eq!(go("/admin/logs", ADMIN), None);
        for page in [
            "/admin/requests",
            "/admin/debts",
            "/admin/packages",
            "/admin/promos",
            "/admin/transactions",
            "/admin/transactions/BD-LPSR-1",
            "/admin/jobs",
            "/admin/templates",
            "/admin/inactive-accounts",
            "/admin/parity",
            "/admin/routers",
            "/admin/settings",
            "/admin/backup",
        ] {
            assert_eq!(go(page, ADMIN), None, "{page}");
            assert_eq!(go(page, USER_OK).as_deref(), Some("/dashboard"), "{page}");
            assert_eq!(
                go(page, Visitor::Guest),
                Some(format!("/admin?redirect={page}")),
                "{page}"
            );
        }
        assert_eq!(
            decide("/admin", "", Some("/admin/logs"), ADMIN, false).as_deref(),
            Some("/admin/logs")
        );
        assert_eq!(
            decide("/admin", "", Some("/dashboard"), ADMIN, false).as_deref(),
            Some("/admin/dashboard")
        );
    }

    #[test]
    fn komandan_requests() {
        let komandan = |status| Visitor::User {
            role: Role::Komandan,
            status,
        };
        assert_eq!(go("/requests", komandan(PageStatus::Ok)), None);
        // The policy pages' "Ajukan permintaan" leads here: open while quota ran out.
        for status in [PageStatus::Habis, PageStatus::Expired, PageStatus::Fup] {
            assert_eq!(go("/requests", komandan(status)), None, "{status}");
        }
        assert_eq!(
            go("/requests", komandan(PageStatus::Blocked)).as_deref(),
            Some("/policy/blocked")
        );
        assert_eq!(
            go("/requests", komandan(PageStatus::Inactive)).as_deref(),
            Some("/policy/inactive")
        );
        // Komandan accounts only.
        assert_eq!(go("/requests", USER_OK).as_deref(), Some("/dashboard"));
        let habis_user = Visitor::User {
            role: Role::User,
            status: PageStatus::Habis,
        };
        assert_eq!(
            go("/requests", habis_user).as_deref(),
            Some("/policy/habis")
        );
        assert_eq!(go("/requests", ADMIN).as_deref(), Some("/admin/dashboard"));
        assert_eq!(
            go("/requests", Visitor::Guest).as_deref(),
            Some("/login?redirect=/requests")
        );
        assert_eq!(
            decide(
                "/login",
                "",
                Some("/requests"),
                komandan(PageStatus::Ok),
                false
            )
            .as_deref(),
            Some("/requests")
        );
        assert_eq!(
            decide("/requests", "", None, komandan(PageStatus::Ok), true).as_deref(),
            Some("/maintenance")
        );
    }

    #[test]
    fn maintenance() {
        assert_eq!(
            decide("/dashboard", "", None, USER_OK, true).as_deref(),
            Some("/maintenance")
        );
        assert_eq!(
            decide("/captive", "", None, Visitor::Guest, true).as_deref(),
            Some("/maintenance")
        );
        assert_eq!(decide("/maintenance", "", None, Visitor::Guest, true), None);
        assert_eq!(decide("/admin", "", None, Visitor::Guest, true), None);
        assert_eq!(decide("/admin/users", "", None, ADMIN, true), None);
        assert_eq!(
            decide("/maintenance", "", None, Visitor::Guest, false).as_deref(),
            Some("/login")
        );
        assert_eq!(
            decide("/maintenance", "", None, USER_OK, false).as_deref(),
            Some("/dashboard")
        );
    }

    #[test]
    fn decisions_are_stable() {
        // Following a redirect never leads to another redirect (no loops).
        let visitors = [
            Visitor::Guest,
            USER_OK,
            ADMIN,
            Visitor::User {
                role: Role::User,
                status: PageStatus::Habis,
            },
            Visitor::User {
                role: Role::User,
                status: PageStatus::Inactive,
            },
            Visitor::User {
                role: Role::Komandan,
                status: PageStatus::Fup,
            },
            Visitor::User {
                role: Role::Komandan,
                status: PageStatus::Blocked,
            },
        ];
        let paths = [
            "/",
            "/login",
            "/admin",
            "/admin/users",
            "/admin/users/x",
            "/admin/logs",
            "/akun",
            "/dashboard",
            "/beli",
            "/requests",
            "/admin/requests",
            "/admin/debts",
            "/captive",
            "/captive/terhubung",
            "/policy/fup",
            "/maintenance",
            "/zzz",
        ];
        for maintenance in [false, true] {
            for v in visitors {
                for p in paths {
                    if let Some(target) = decide(p, "", None, v, maintenance) {
                        let (tp, tq) = target
                            .split_once('?')
                            .map_or((target.as_str(), ""), |(a, b)| (a, b));
                        let tq = if tq.is_empty() {
                            String::new()
                        } else {
                            format!("?{tq}")
                        };
                        let next = decide(tp, &tq, None, v, maintenance);
                        assert!(
                            next.is_none() || next.as_deref() == Some(tp),
                            "{v:?} {p} -> {target} -> {next:?} (maintenance {maintenance})"
                        );
                    }
                }
            }
        }
    }
}
