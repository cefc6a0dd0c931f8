//! The app layer's error: either a rejection the client should see (a stable code and a
//! message in the users' language), or a failure whose cause is logged and never shown.

use saring_domain::api::{ErrorBody, ErrorCode};
use saring_store::{KvError, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// An expected outcome for bad input or a refused action; shown to the client as is.
    #[error("{}: {}", .0.code, .0.message)]
    Rejected(Box<ErrorBody>),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Kv(#[from] KvError),
    /// A bug or an unexpected failure of something we depend on.
    #[error("internal error: {0}")]
    Internal(String),
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn rejected(code: ErrorCode, message: impl Into<String>) -> Self {
        AppError::Rejected(Box::new(ErrorBody::new(code, message)))
    }

    /// A 422 naming the field that failed.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        AppError::Rejected(Box::new(
            ErrorBody::new(ErrorCode::ValidationFailed, message.clone())
                .with_details(serde_json::json!([{ "loc": [field], "msg": message }])),
        ))
    }

    /// The envelope the client sees. Unexpected failures become `internal` (or a 503 when a
    /// backing service is down) without their cause.
    pub fn to_body(&self) -> ErrorBody {
        match self {
            AppError::Rejected(body) => (**body).clone(),
            AppError::Store(StoreError::NotFound) => {
                ErrorBody::new(ErrorCode::NotFound, "Data tidak ditemukan.")
            }
            AppError::Store(StoreError::Conflict(_)) => ErrorBody::new(
                ErrorCode::Conflict,
                "Data bentrok dengan data yang sudah ada.",
            ),
            AppError::Kv(_) => ErrorBody::new(
                ErrorCode::ServiceUnavailable,
                "Layanan sedang sibuk, coba lagi sebentar.",
            ),
            AppError::Store(_) | AppError::Internal(_) => {
                ErrorBody::new(ErrorCode::Internal, "Terjadi kesalahan pada server.")
            }
        }
    }

    /// Whether the cause should be logged as an error (not the client's fault).
    pub fn is_server_fault(&self) -> bool {
        !matches!(
            self,
            AppError::Rejected(_) | AppError::Store(StoreError::NotFound | StoreError::Conflict(_))
        )
    }
}
