//! The store's error type.

use sea_orm::{DbErr, RuntimeErr, SqlErr, TransactionError};

use crate::cipher::CryptoError;
use crate::kv::KvError;

/// What went wrong in the store. Repositories return this; the app maps it onto API error codes.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The row asked for does not exist (or vanished before an update).
    #[error("not found")]
    NotFound,
    /// A unique constraint refused the write (duplicate phone number, order id, idempotency
    /// key, …). The text is the database's message, for logs.
    #[error("conflict: {0}")]
    Conflict(String),
    /// Any other database error.
    #[error("database error: {0}")]
    Db(#[source] DbErr),
    /// The key-value store failed.
    #[error(transparent)]
    Kv(#[from] KvError),
    /// Encrypting or decrypting a secret failed.
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    /// The database URL or another setting cannot be used.
    #[error("invalid store configuration: {0}")]
    Config(String),
    /// A stored row violates a domain rule (e.g. an unparsable phone number): data written
    /// by something other than Saring, or a bug. The text names the row and field.
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
    /// Preparing the database location (e.g. creating the SQLite directory) failed.
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
}

impl StoreError {
    /// True for [`StoreError::Conflict`].
    pub fn is_conflict(&self) -> bool {
        matches!(self, Self::Conflict(_))
    }

    /// True for [`StoreError::NotFound`].
    pub fn is_not_found(&self) -> bool {
        matches!(self, Self::NotFound)
    }
}

/// True when `err` is a unique-constraint (or primary-key) violation, on SQLite (extended codes
/// 2067 and 1555) as on PostgreSQL (SQLSTATE 23505).
pub fn is_unique_violation(err: &DbErr) -> bool {
    matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
}

/// True when `err` is a foreign-key violation: PostgreSQL 23503; SQLite 787, or 1811 for an
/// `ON DELETE RESTRICT` refusal (SQLite reports those as a trigger constraint, which
/// `DbErr::sql_err` does not recognise).
pub fn is_foreign_key_violation(err: &DbErr) -> bool {
    if matches!(
        err.sql_err(),
        Some(SqlErr::ForeignKeyConstraintViolation(_))
    ) {
        return true;
    }
    let (DbErr::Exec(RuntimeErr::SqlxError(sqlx_err))
    | DbErr::Query(RuntimeErr::SqlxError(sqlx_err))) = err
    else {
        return false;
    };
    match sqlx_err.as_ref() {
        sea_orm::sqlx::Error::Database(db_err) => {
            db_err.code().as_deref() == Some("1811") && db_err.message().contains("FOREIGN KEY")
        }
        _ => false,
    }
}

impl From<DbErr> for StoreError {
    fn from(err: DbErr) -> Self {
        if let Some(SqlErr::UniqueConstraintViolation(message)) = err.sql_err() {
            return Self::Conflict(message);
        }
        match err {
            DbErr::RecordNotFound(_) | DbErr::RecordNotUpdated => Self::NotFound,
            other => Self::Db(other),
        }
    }
}

impl From<TransactionError<StoreError>> for StoreError {
    fn from(err: TransactionError<StoreError>) -> Self {
        match err {
            TransactionError::Connection(db) => db.into(),
            TransactionError::Transaction(inner) => inner,
        }
    }
}

impl From<TransactionError<DbErr>> for StoreError {
    fn from(err: TransactionError<DbErr>) -> Self {
        match err {
            TransactionError::Connection(db) | TransactionError::Transaction(db) => db.into(),
        }
    }
}
