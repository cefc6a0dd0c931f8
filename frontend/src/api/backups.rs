//! `/api/admin/backups` (super admins).

use saring_domain::dto::MessageResponse;
use saring_domain::dto::backups::{BackupFile, BackupList, RestoreReport, RestoreRequest};

use super::{ApiError, delete, encode_component, get, post, post_blob};

pub async fn list() -> Result<BackupList, ApiError> {
    get("/api/admin/backups").await
}

/// What `POST /api/admin/backups` answers; only the file is shown.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Created {
    pub file: BackupFile,
    pub rows: u64,
    pub copy_error: Option<String>,
}

pub async fn create() -> Result<Created, ApiError> {
    post("/api/admin/backups", &serde_json::json!({})).await
}

/// The download link of a backup (a plain `GET` with the session cookie).
pub fn download_url(name: &str) -> String {
    format!("/api/admin/backups/{}", encode_component(name))
}

pub async fn remove(name: &str) -> Result<MessageResponse, ApiError> {
    delete(&download_url(name)).await
}

pub async fn upload(file: &web_sys::File) -> Result<BackupFile, ApiError> {
    post_blob("/api/admin/backups/upload", file, "application/gzip").await
}

pub async fn restore(name: String) -> Result<RestoreReport, ApiError> {
    post(
        "/api/admin/backups/restore",
        &RestoreRequest {
            name,
            confirm: true,
        },
    )
    .await
}
