//! Serves the browser SPA (`frontend/`, built by `cargo xtask spa` into `frontend/dist/`).
//!
//! * Release builds embed `frontend/dist/` in the binary (rust-embed), so
//!   `target/release/saring` is self-contained; debug builds read `frontend/dist/` from disk
//!   on every request (rebuild the SPA, reload the page). If the folder did not exist at build
//!   time the binary still compiles and answers with a short page saying how to build it.
//! * `assets/*` have content-hashed names: `Cache-Control: public, max-age=31536000,
//!   immutable`. `index.html` is `no-cache` with an `ETag`.
//! * Precompressed `*.gz` files (written by the build) are sent when the client accepts gzip.
//! * Any other `GET`/`HEAD` that is not under `/api` (and not `/health`, `/ready`,
//!   `/metrics`) answers `index.html`, so client-side routes such as `/captive` or
//!   `/admin/users/…` work on reload. A missing `assets/…` file is a plain 404.
//!
//! Wiring (after the API routes, so they match first):
//! `spa::configure(cfg, spa::SpaAssets::embedded())`.

use std::borrow::Cow;
use std::path::{Component, Path, PathBuf};

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, guard, web};

#[derive(rust_embed::RustEmbed)]
#[folder = "../../frontend/dist/"]
#[allow_missing = true]
struct Dist;

/// Where the SPA's files come from.
#[derive(Debug, Clone, Default)]
pub enum SpaAssets {
    /// The build's own files: embedded in release builds, `frontend/dist/` in debug builds.
    #[default]
    Embedded,
    /// A folder on disk (tests, or an operator serving a custom build).
    Dir(PathBuf),
}

struct File {
    bytes: Cow<'static, [u8]>,
    etag: Option<String>,
}

impl SpaAssets {
    pub fn embedded() -> Self {
        // Debug builds read the folder themselves: rust-embed's debug mode cannot find files
        // in a folder that did not exist when the binary was compiled.
        if cfg!(debug_assertions) {
            SpaAssets::Dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../frontend/dist"))
        } else {
            SpaAssets::Embedded
        }
    }

    fn get(&self, path: &str) -> Option<File> {
        match self {
            SpaAssets::Embedded => Dist::get(path).map(|f| File {
                etag: Some(format!("\"{}\"", hex(&f.metadata.sha256_hash()[..8]))),
                bytes: f.data,
            }),
            SpaAssets::Dir(dir) => std::fs::read(dir.join(path)).ok().map(|b| File {
                etag: None,
                bytes: Cow::Owned(b),
            }),
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

const NOT_BUILT: &str = "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Saring</title>\
<body style=\"font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem\">\
<h1>Saring</h1><p>The API is running, but the web portal (SPA) is not built into this binary.</p>\
<p>Build it with <code>cargo xtask spa</code> (or <code>cargo xtask build</code> for a release \
binary with the portal embedded), then restart.</p><p>API health: <a href=\"/api/health\">/api/health</a></p>";

/// Paths the SPA never answers (the API and the operational endpoints).
fn is_reserved(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/") || matches!(path, "/health" | "/ready" | "/metrics")
}

/// A safe relative path inside `dist/` (no `..`, no absolute parts).
fn clean(path: &str) -> Option<String> {
    let rel = path.trim_start_matches('/');
    let ok = Path::new(rel)
        .components()
        .all(|c| matches!(c, Component::Normal(_)));
    ok.then(|| rel.to_owned())
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, ext)| ext) {
        Some("html") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css; charset=utf-8",
        Some("json" | "map") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("txt" | "ftl") => "text/plain; charset=utf-8",
        Some("woff2") => "font/woff2",
        _ => "application/octet-stream",
    }
}

fn accepts_gzip(req: &HttpRequest) -> bool {
    req.headers()
        .get_all(header::ACCEPT_ENCODING)
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.split(',').any(|e| e.trim().starts_with("gzip")))
}

fn send(
    req: &HttpRequest,
    assets: &SpaAssets,
    path: &str,
    immutable: bool,
) -> Option<HttpResponse> {
    let file = assets.get(path)?;
    let mut res = HttpResponse::Ok();
    res.insert_header((header::CONTENT_TYPE, content_type(path)))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::VARY, "Accept-Encoding"));
    if immutable {
        res.insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"));
    } else {
        res.insert_header((header::CACHE_CONTROL, "no-cache"))
            .insert_header((header::X_FRAME_OPTIONS, "DENY"))
            .insert_header((header::REFERRER_POLICY, "same-origin"));
        if let Some(etag) = &file.etag {
            let matches = req
                .headers()
                .get(header::IF_NONE_MATCH)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
            if let Ok(value) = HeaderValue::from_str(etag) {
                res.insert_header((header::ETAG, value));
            }
            if matches {
                return Some(
                    res.status(actix_web::http::StatusCode::NOT_MODIFIED)
                        .finish(),
                );
            }
        }
    }
    if accepts_gzip(req)
        && let Some(gz) = assets.get(&format!("{path}.gz"))
    {
        res.insert_header((header::CONTENT_ENCODING, "gzip"));
        return Some(res.body(gz.bytes));
    }
    Some(res.body(file.bytes))
}

async fn serve(req: HttpRequest, assets: web::Data<SpaAssets>) -> HttpResponse {
    let Some(path) = clean(req.path()) else {
        return HttpResponse::NotFound().finish();
    };
    if !path.is_empty() && path != "index.html" && !path.ends_with(".gz") {
        if let Some(res) = send(&req, &assets, &path, path.starts_with("assets/")) {
            return res;
        }
        if path.starts_with("assets/") {
            return HttpResponse::NotFound()
                .insert_header((header::CACHE_CONTROL, "no-store"))
                .finish();
        }
    }
    send(&req, &assets, "index.html", false).unwrap_or_else(|| {
        HttpResponse::Ok()
            .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .body(NOT_BUILT)
    })
}

/// Registers the SPA: files from `dist`, and `index.html` for every other non-API `GET`/`HEAD`.
/// Call it after the API routes.
pub fn configure(cfg: &mut web::ServiceConfig, dist: SpaAssets) {
    cfg.service(
        web::resource("/{tail:.*}")
            .app_data(web::Data::new(dist))
            .guard(guard::Any(guard::Get()).or(guard::Head()))
            .guard(guard::fn_guard(|ctx| !is_reserved(ctx.head().uri.path())))
            .to(serve),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::App;
    use actix_web::dev::ServiceResponse;
    use actix_web::test as atest;

    fn h(res: &ServiceResponse, name: header::HeaderName) -> String {
        res.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    }

    fn dist() -> PathBuf {
        let dir = std::env::temp_dir().join(format!("saring-spa-test-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("assets")).unwrap();
        std::fs::write(dir.join("index.html"), "<html>portal</html>").unwrap();
        std::fs::write(dir.join("assets/app-1234.js"), "console.log(1)").unwrap();
        std::fs::write(dir.join("assets/app-1234.js.gz"), b"\x1f\x8bfake").unwrap();
        dir
    }

    #[actix_web::test]
    async fn files_fallback_and_caching() {
        let app = atest::init_service(
            App::new()
                .route("/api/health", web::get().to(HttpResponse::Ok))
                .configure(|cfg| configure(cfg, SpaAssets::Dir(dist())))
                .default_service(web::to(HttpResponse::NotFound)),
        )
        .await;

        let res = atest::call_service(
            &app,
            atest::TestRequest::get()
                .uri("/assets/app-1234.js")
                .to_request(),
        )
        .await;
        assert_eq!(res.status(), 200);
        assert_eq!(
            h(&res, header::CONTENT_TYPE),
            "text/javascript; charset=utf-8"
        );
        assert!(h(&res, header::CACHE_CONTROL).contains("immutable"));
        assert!(res.headers().get(header::CONTENT_ENCODING).is_none());

        let req = atest::TestRequest::get()
            .uri("/assets/app-1234.js")
            .insert_header((header::ACCEPT_ENCODING, "br, gzip"))
            .to_request();
        let res = atest::call_service(&app, req).await;
        assert_eq!(h(&res, header::CONTENT_ENCODING), "gzip");

        for route in [
            "/",
            "/captive",
            "/admin/users/abc",
            "/policy/habis?status=habis",
        ] {
            let res =
                atest::call_service(&app, atest::TestRequest::get().uri(route).to_request()).await;
            assert_eq!(res.status(), 200, "{route}");
            assert_eq!(h(&res, header::CACHE_CONTROL), "no-cache");
            assert_eq!(atest::read_body(res).await, "<html>portal</html>");
        }

        let res = atest::call_service(
            &app,
            atest::TestRequest::get()
                .uri("/assets/old-0000.js")
                .to_request(),
        )
        .await;
        assert_eq!(res.status(), 404);
        let res = atest::call_service(
            &app,
            atest::TestRequest::get().uri("/api/nope").to_request(),
        )
        .await;
        assert_eq!(res.status(), 404);
        let res = atest::call_service(
            &app,
            atest::TestRequest::get().uri("/api/health").to_request(),
        )
        .await;
        assert_eq!(res.status(), 200);
        let res = atest::call_service(
            &app,
            atest::TestRequest::post().uri("/captive").to_request(),
        )
        .await;
        assert_eq!(res.status(), 404);
        let res = atest::call_service(
            &app,
            atest::TestRequest::get()
                .uri("/assets/../../etc/passwd")
                .to_request(),
        )
        .await;
        assert_ne!(res.status(), 200);
    }

    #[test]
    fn reserved_and_clean_paths() {
        assert!(is_reserved("/api") && is_reserved("/api/x") && is_reserved("/health"));
        assert!(!is_reserved("/apix") && !is_reserved("/captive"));
        assert_eq!(clean("/assets/a.js").as_deref(), Some("assets/a.js"));
        assert_eq!(clean("/a/../b"), None);
        assert_eq!(clean("/").as_deref(), Some(""));
    }
}
