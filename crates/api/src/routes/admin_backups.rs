//! `/api/admin/backups`: list, create, download, upload, delete and restore backups (super
//! admins only: a backup holds every account).

use actix_web::{HttpResponse, web};
use futures::TryStreamExt;
use saring_app::App;
use saring_app::backups::Progress;
use saring_domain::dto::MessageResponse;
use saring_domain::dto::backups::{BackupKind, RestoreRequest};

use crate::ApiError;
use crate::body::Body;
use crate::session::SuperAdmin;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/backups", web::get().to(list))
        .route("/backups", web::post().to(create))
        .route("/backups/upload", web::post().to(upload))
        .route("/backups/restore", web::post().to(restore))
        .route("/backups/{name}", web::get().to(download))
        .route("/backups/{name}", web::delete().to(delete));
}

async fn list(app: web::Data<App>, SuperAdmin(_): SuperAdmin) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(saring_app::backups::list(&app).await?))
}

#[tracing::instrument(skip_all)]
async fn create(
    app: web::Data<App>,
    SuperAdmin(admin): SuperAdmin,
) -> Result<HttpResponse, ApiError> {
    let mut quiet = |_: Progress<'_>| {};
    let created =
        saring_app::backups::create(&app, Some(&admin), BackupKind::Manual, &mut quiet).await?;
    Ok(HttpResponse::Created().json(created))
}

/// The file, streamed in 64 KiB chunks.
async fn download(
    app: web::Data<App>,
    SuperAdmin(_): SuperAdmin,
    name: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let path = saring_app::backups::path_of(&app, &name)?;
    let size = std::fs::metadata(&path).map(|m| m.len()).ok();
    let body = saring_app::backups::file_chunks(&path)
        .await
        .map_err(|e| saring_app::AppError::Internal(format!("backup download: {e}")))?;
    let body = futures::StreamExt::map(body, |c| c.map(web::Bytes::from));
    let mut res = HttpResponse::Ok();
    res.content_type("application/gzip")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{}\"", name.as_str()),
        ))
        .insert_header(("Cache-Control", "private, no-store"));
    if let Some(size) = size {
        res.no_chunking(size);
    }
    Ok(res.streaming(body))
}

/// The request body is the backup file itself (any content type), streamed to disk.
#[tracing::instrument(skip_all)]
async fn upload(
    app: web::Data<App>,
    SuperAdmin(admin): SuperAdmin,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let body = payload.map_err(|e| e.to_string());
    let file = saring_app::backups::upload(&app, Some(&admin), Box::pin(body)).await?;
    Ok(HttpResponse::Created().json(file))
}

async fn delete(
    app: web::Data<App>,
    SuperAdmin(admin): SuperAdmin,
    name: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    saring_app::backups::delete(&app, &admin, &name).await?;
    Ok(HttpResponse::Ok().json(MessageResponse::new(format!("Backup {name} dihapus."))))
}

#[tracing::instrument(skip_all)]
async fn restore(
    app: web::Data<App>,
    SuperAdmin(admin): SuperAdmin,
    Body(req): Body<RestoreRequest>,
) -> Result<HttpResponse, ApiError> {
    if !req.confirm {
        return Err(saring_app::AppError::invalid(
            "confirm",
            "Pemulihan mengganti seluruh data: kirim confirm: true untuk melanjutkan.",
        )
        .into());
    }
    let mut quiet = |_: Progress<'_>| {};
    let report =
        saring_app::backups::restore(&app, Some(&admin), &req.name, true, &mut quiet).await?;
    Ok(HttpResponse::Ok().json(report))
}
