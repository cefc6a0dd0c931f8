//! Backups (`BACKUP_*`): where they are kept, the nightly one, how many are kept, and the
//! optional second copy (a mounted USB disk or network share).

use std::path::PathBuf;

use super::reader::Reader;

#[derive(Debug, Clone)]
pub struct BackupConfig {
    /// `BACKUP_DIR`: where backups are written, listed and uploaded to.
    pub dir: PathBuf,
    /// `BACKUP_COPY_DIR`: every new backup is copied there too (unset: no copy).
    pub copy_dir: Option<PathBuf>,
    /// `BACKUP_SCHEDULE_ENABLED`: the nightly backup job.
    pub schedule_enabled: bool,
    /// `BACKUP_CRON_HOUR` / `BACKUP_CRON_MINUTE`: when it runs, in `APP_TIMEZONE`.
    pub hour: u32,
    pub minute: u32,
    /// `BACKUP_KEEP`: scheduled backups kept in each directory (older ones are deleted;
    /// backups made by hand or uploaded are never deleted by the schedule).
    pub keep: usize,
    /// `BACKUP_UPLOAD_MAX_MB`: the largest backup file the admin page accepts.
    pub upload_max_mb: u64,
}

pub(super) fn read(r: &mut Reader<'_>) -> BackupConfig {
    BackupConfig {
        dir: PathBuf::from(r.string("BACKUP_DIR", &[], "./data/backups")),
        copy_dir: r.opt_string("BACKUP_COPY_DIR", &[]).map(PathBuf::from),
        schedule_enabled: r.bool("BACKUP_SCHEDULE_ENABLED", &[], true),
        hour: r.int("BACKUP_CRON_HOUR", &[], 2, 0, 23),
        minute: r.int("BACKUP_CRON_MINUTE", &[], 30, 0, 59),
        keep: r.int("BACKUP_KEEP", &[], 14, 1, 1000),
        upload_max_mb: r.int("BACKUP_UPLOAD_MAX_MB", &[], 2048, 1, 65_536),
    }
}
