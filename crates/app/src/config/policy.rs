//! The access policy as the router enforces it (status address lists, hotspot profiles, FUP
//! threshold, bypassed statuses) and the quota rules (expiry strategy, debt limit, the quota
//! sync's interval).

use std::collections::BTreeSet;

use saring_domain::access::{PolicySettings, ProfileNames, StatusNames, parse_status_set};
use saring_domain::quota::ExpiryStrategy;

use super::reader::{Reader, show_list};

#[derive(Debug, Clone)]
pub struct QuotaConfig {
    pub expiry_strategy: ExpiryStrategy,
    pub debt_limit_mb: i64,
    pub sync_interval_seconds: u64,
}

pub(super) fn read_policy(r: &mut Reader<'_>) -> PolicySettings {
    let lists = StatusNames::default();
    let profiles = ProfileNames::default();
    PolicySettings {
        fup_threshold_mb: r.int("QUOTA_FUP_THRESHOLD_MB", &[], 3072, 0, 10_000_000),
        lists: StatusNames {
            active: r.string("MIKROTIK_ADDRESS_LIST_ACTIVE", &[], &lists.active),
            fup: r.string("MIKROTIK_ADDRESS_LIST_FUP", &[], &lists.fup),
            habis: r.string("MIKROTIK_ADDRESS_LIST_HABIS", &[], &lists.habis),
            expired: r.string("MIKROTIK_ADDRESS_LIST_EXPIRED", &[], &lists.expired),
            inactive: r.string("MIKROTIK_ADDRESS_LIST_INACTIVE", &[], &lists.inactive),
            blocked: r.string("MIKROTIK_ADDRESS_LIST_BLOCKED", &[], &lists.blocked),
            unauthorized: r.string(
                "MIKROTIK_ADDRESS_LIST_UNAUTHORIZED",
                &[],
                &lists.unauthorized,
            ),
        },
        profiles: ProfileNames {
            active: r.string(
                "MIKROTIK_ACTIVE_PROFILE",
                &["MIKROTIK_PROFILE_ACTIVE", "MIKROTIK_DEFAULT_PROFILE"],
                &profiles.active,
            ),
            fup: r.string(
                "MIKROTIK_FUP_PROFILE",
                &["MIKROTIK_PROFILE_FUP"],
                &profiles.fup,
            ),
            habis: r.string(
                "MIKROTIK_HABIS_PROFILE",
                &["MIKROTIK_PROFILE_HABIS"],
                &profiles.habis,
            ),
            expired: r.string(
                "MIKROTIK_EXPIRED_PROFILE",
                &["MIKROTIK_PROFILE_EXPIRED"],
                &profiles.expired,
            ),
            unlimited: r.string(
                "MIKROTIK_UNLIMITED_PROFILE",
                &["MIKROTIK_PROFILE_UNLIMITED"],
                &profiles.unlimited,
            ),
            blocked: r.string(
                "MIKROTIK_BLOCKED_PROFILE",
                &["MIKROTIK_PROFILE_BLOCKED"],
                &profiles.blocked,
            ),
            inactive: r.string(
                "MIKROTIK_INACTIVE_PROFILE",
                &["MIKROTIK_PROFILE_INACTIVE", "MIKROTIK_BLOCKED_PROFILE"],
                &profiles.inactive,
            ),
        },
        bypass_statuses: r.parsed(
            "HOTSPOT_BYPASS_STATUSES",
            &[],
            saring_domain::access::default_bypass_statuses(),
            |s| parse_status_set(s).map_err(|e| e.to_string()),
            |set: &BTreeSet<_>| show_list(&set.iter().collect::<Vec<_>>()),
        ),
    }
}

pub(super) fn read_quota(r: &mut Reader<'_>) -> QuotaConfig {
    QuotaConfig {
        expiry_strategy: r.parsed(
            "QUOTA_EXPIRY_STRATEGY",
            &[],
            ExpiryStrategy::default(),
            |s| {
                s.parse()
                    .map_err(|e: saring_domain::quota::UnknownStrategy| e.to_string())
            },
            ToString::to_string,
        ),
        debt_limit_mb: r.int("QUOTA_DEBT_LIMIT_MB", &[], 0, 0, 10_000_000),
        sync_interval_seconds: r.int("QUOTA_SYNC_INTERVAL_SECONDS", &[], 300, 60, 86_400),
    }
}
