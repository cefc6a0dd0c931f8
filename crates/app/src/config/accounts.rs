//! The operator's account rules: what a komandan may request and how often, and whether
//! deleting an account removes it.

use super::reader::Reader;

/// What a komandan may request, and how often (`KOMANDAN_*`).
#[derive(Debug, Clone)]
pub struct KomandanConfig {
    pub max_quota_mb: i64,
    pub max_quota_days: i64,
    pub max_unlimited_days: i64,
    pub allow_unlimited_request: bool,
    /// At most `max_per_window` requests in `window_hours`…
    pub window_hours: i64,
    pub max_per_window: u64,
    /// …and none within `cooldown_hours` of the last.
    pub cooldown_hours: i64,
    /// `ALLOW_USER_HARD_DELETE`: deleting an account removes it (when it has no payments);
    /// otherwise it is deactivated.
    pub allow_user_hard_delete: bool,
}

pub(super) fn read(r: &mut Reader<'_>) -> KomandanConfig {
    KomandanConfig {
        max_quota_mb: r.int("KOMANDAN_MAX_QUOTA_MB", &[], 51_200, 1, 10_000_000),
        max_quota_days: r.int("KOMANDAN_MAX_QUOTA_DAYS", &[], 30, 1, 3650),
        max_unlimited_days: r.int("KOMANDAN_MAX_UNLIMITED_DAYS", &[], 30, 1, 3650),
        allow_unlimited_request: r.bool("KOMANDAN_ALLOW_UNLIMITED_REQUEST", &[], true),
        window_hours: r.int("KOMANDAN_REQUEST_WINDOW_HOURS", &[], 24, 1, 24 * 31),
        max_per_window: r.int("KOMANDAN_REQUEST_MAX_PER_WINDOW", &[], 1, 1, 100),
        cooldown_hours: r.int("KOMANDAN_REQUEST_COOLDOWN_HOURS", &[], 6, 0, 24 * 31),
        allow_user_hard_delete: r.bool("ALLOW_USER_HARD_DELETE", &[], false),
    }
}
