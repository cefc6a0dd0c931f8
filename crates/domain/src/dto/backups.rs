//! `/api/admin/backups`: the backup files on the server, and what a restore did.

use serde::{Deserialize, Serialize};

/// Why a backup file exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BackupKind {
    /// Made by an admin (page, API or `saring backup create`).
    Manual,
    /// Made by the nightly job; only these are pruned to `BACKUP_KEEP`.
    Scheduled,
    /// Made automatically just before a restore replaced the data.
    PreRestore,
    /// Uploaded through the admin page.
    Uploaded,
}

impl BackupKind {
    pub const ALL: [BackupKind; 4] = [
        BackupKind::Manual,
        BackupKind::Scheduled,
        BackupKind::PreRestore,
        BackupKind::Uploaded,
    ];

    /// The word in file names: `saring-20261207-213000-manual.backup.gz`.
    pub fn as_str(self) -> &'static str {
        match self {
            BackupKind::Manual => "manual",
            BackupKind::Scheduled => "scheduled",
            BackupKind::PreRestore => "pre-restore",
            BackupKind::Uploaded => "uploaded",
        }
    }
}

/// One backup file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BackupFile {
    /// The file name (the id in every other route).
    pub name: String,
    pub kind: BackupKind,
    pub size: u64,
    /// When the backup's snapshot was taken (RFC 3339, UTC).
    pub created_at: String,
    /// The Saring version that made it.
    pub app_version: String,
    /// The database it came from: `sqlite` or `postgres` (it restores into either).
    pub backend: String,
    /// Set when the file's header cannot be read: it cannot be restored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

/// `GET /api/admin/backups`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BackupList {
    pub items: Vec<BackupFile>,
    /// Where the files are (`BACKUP_DIR`), and the second copy's directory if any.
    pub dir: String,
    pub copy_dir: Option<String>,
    /// The nightly backup's time in `APP_TIMEZONE` (`HH:MM`), `None` when switched off.
    pub schedule: Option<String>,
    pub keep: usize,
}

/// `POST /api/admin/backups/restore` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestoreRequest {
    pub name: String,
    /// Must be `true`: the restore replaces every table.
    #[serde(default)]
    pub confirm: bool,
}

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RestoreReport {
    pub restored: String,
    /// The backup of the data just replaced (restore it to undo).
    pub safety_backup: Option<String>,
    pub rows: u64,
    pub tables: Vec<(String, u64)>,
    pub millis: u64,
}
