//! The access policy: which status a user is in, and what the router must be told.
//!
//! One resolver serves the API (`/api/auth/me`, 403 status pages), the quota-sync worker
//! (address lists, hotspot profiles, ip-binding types), the SPA (it links this crate), and
//! `saring policy eval`. Priority, first match wins:
//!
//! 1. `blocked`  — `is_blocked`
//! 2. `inactive` — not active, or not `APPROVED`
//! 3. `expired`  — `quota_expiry_date` earlier than now (so an expired unlimited user is expired)
//! 4. `unlimited` — unlimited user, or role `ADMIN`/`SUPER_ADMIN` (page status `ok`)
//! 5. `habis`    — purchased ≤ 0 or remaining ≤ 0
//! 6. `fup`      — purchased > `QUOTA_FUP_THRESHOLD_MB` and remaining ≤ that threshold
//! 7. `active`   — (page status `ok`)
//!
//! "Purchased" is the user's effective quota (purchased MB plus the auto-debt offset, see
//! [`crate::quota`]); "remaining" is that minus used bytes. Comparisons are exact, in bytes.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::units::Bytes;

/// A user's role. Serialised as the reference does (`USER`, `KOMANDAN`, `ADMIN`, `SUPER_ADMIN`).
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Role {
    #[default]
    User,
    Komandan,
    Admin,
    SuperAdmin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::User, Role::Komandan, Role::Admin, Role::SuperAdmin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::User => "USER",
            Role::Komandan => "KOMANDAN",
            Role::Admin => "ADMIN",
            Role::SuperAdmin => "SUPER_ADMIN",
        }
    }

    pub fn is_admin(self) -> bool {
        matches!(self, Role::Admin | Role::SuperAdmin)
    }

    /// The role a session acts as: the account's role, never above the session's cap (an
    /// administrator who logged in with an OTP acts as a user).
    #[must_use]
    pub fn capped(self, cap: Option<Role>) -> Role {
        cap.map_or(self, |c| self.min(c))
    }

    /// KOMANDAN and admins never carry quota debt.
    pub fn is_debt_exempt(self) -> bool {
        !matches!(self, Role::User)
    }
}

/// Registration approval state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ApprovalStatus {
    #[default]
    PendingApproval,
    Approved,
    Rejected,
}

impl ApprovalStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ApprovalStatus::PendingApproval => "PENDING_APPROVAL",
            ApprovalStatus::Approved => "APPROVED",
            ApprovalStatus::Rejected => "REJECTED",
        }
    }
}

macro_rules! string_enum {
    ($ty:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        impl $ty {
            pub fn as_str(self) -> &'static str {
                match self { $($ty::$variant => $text),+ }
            }
        }
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl FromStr for $ty {
            type Err = UnknownName;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s.trim().to_ascii_lowercase().as_str() {
                    $($text => Ok($ty::$variant),)+
                    _ => Err(UnknownName(s.to_owned())),
                }
            }
        }
    };
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("nilai tidak dikenal: {0}")]
pub struct UnknownName(pub String);

/// The detailed status, as the reference API reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AccessStatus {
    Active,
    Unlimited,
    Fup,
    Habis,
    Expired,
    Blocked,
    Inactive,
}

string_enum!(AccessStatus {
    Active => "active",
    Unlimited => "unlimited",
    Fup => "fup",
    Habis => "habis",
    Expired => "expired",
    Blocked => "blocked",
    Inactive => "inactive",
});

/// The status the portal shows: `ok`, or the name of the policy page to open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PageStatus {
    Ok,
    Blocked,
    Inactive,
    Expired,
    Habis,
    Fup,
}

string_enum!(PageStatus {
    Ok => "ok",
    Blocked => "blocked",
    Inactive => "inactive",
    Expired => "expired",
    Habis => "habis",
    Fup => "fup",
});

impl AccessStatus {
    pub const ALL: [AccessStatus; 7] = [
        AccessStatus::Active,
        AccessStatus::Unlimited,
        AccessStatus::Fup,
        AccessStatus::Habis,
        AccessStatus::Expired,
        AccessStatus::Blocked,
        AccessStatus::Inactive,
    ];

    pub fn page_status(self) -> PageStatus {
        match self {
            AccessStatus::Active | AccessStatus::Unlimited => PageStatus::Ok,
            AccessStatus::Fup => PageStatus::Fup,
            AccessStatus::Habis => PageStatus::Habis,
            AccessStatus::Expired => PageStatus::Expired,
            AccessStatus::Blocked => PageStatus::Blocked,
            AccessStatus::Inactive => PageStatus::Inactive,
        }
    }
}

/// `/ip/hotspot/ip-binding` types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BindingType {
    /// Skips the hotspot login; policy is enforced by address lists.
    Bypassed,
    /// Must log in through the hotspot (sees the portal / policy page).
    Regular,
    /// Dropped by the router.
    Blocked,
}

string_enum!(BindingType {
    Bypassed => "bypassed",
    Regular => "regular",
    Blocked => "blocked",
});

/// Why a user is blocked, read from `blocked_reason` (prefixes compatible with the reference,
/// including its legacy spellings). Only an auto-debt-limit block leaves the network open
/// enough to log in and pay; every other block is a hard network block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockKind {
    AutoDebtLimit,
    ManualDebtEndOfMonth,
    OverdueDebt,
    Manual,
}

pub const AUTO_DEBT_LIMIT_PREFIX: &str = "quota_debt_limit|";
const AUTO_DEBT_LIMIT_LEGACY_PREFIX: &str = "quota_auto_debt_limit|";
pub const MANUAL_DEBT_EOM_PREFIX: &str = "quota_manual_debt_end_of_month|";
const MANUAL_DEBT_EOM_LEGACY_PREFIX: &str = "quota_debt_end_of_month|";
pub const OVERDUE_DEBT_PREFIX: &str = "tunggakan_overdue|";

impl BlockKind {
    pub fn of_reason(reason: Option<&str>) -> BlockKind {
        let r = reason.unwrap_or("").trim().to_ascii_lowercase();
        if r.starts_with(AUTO_DEBT_LIMIT_PREFIX) || r.starts_with(AUTO_DEBT_LIMIT_LEGACY_PREFIX) {
            BlockKind::AutoDebtLimit
        } else if r.starts_with(MANUAL_DEBT_EOM_PREFIX)
            || r.starts_with(MANUAL_DEBT_EOM_LEGACY_PREFIX)
        {
            BlockKind::ManualDebtEndOfMonth
        } else if r.starts_with(OVERDUE_DEBT_PREFIX) {
            BlockKind::OverdueDebt
        } else {
            BlockKind::Manual
        }
    }

    pub fn is_debt(self) -> bool {
        !matches!(self, BlockKind::Manual)
    }

    /// Whether the router must drop the device (`ip-binding type=blocked`).
    pub fn is_network_hard_block(self) -> bool {
        !matches!(self, BlockKind::AutoDebtLimit)
    }
}

/// `quota_debt_limit|debt_mb=12.50|limit_mb=500|source=quota_sync`
pub fn auto_debt_limit_reason(
    debt_mb: crate::units::Megabytes,
    limit_mb: i64,
    source: &str,
) -> String {
    format!("{AUTO_DEBT_LIMIT_PREFIX}debt_mb={debt_mb}|limit_mb={limit_mb}|source={source}")
}

/// The facts the resolver needs about one user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessSnapshot {
    pub role: Role,
    pub is_blocked: bool,
    pub blocked_reason: Option<String>,
    pub is_active: bool,
    pub approval_status: ApprovalStatus,
    pub is_unlimited_user: bool,
    /// Effective quota: purchased MB plus auto-debt offset, in bytes.
    pub quota: Bytes,
    pub used: Bytes,
    pub quota_expiry_date: Option<DateTime<Utc>>,
}

impl AccessSnapshot {
    pub fn remaining(&self) -> Bytes {
        Bytes((self.quota.0 - self.used.0).max(0))
    }

    pub fn block_kind(&self) -> Option<BlockKind> {
        self.is_blocked
            .then(|| BlockKind::of_reason(self.blocked_reason.as_deref()))
    }
}

/// Names and thresholds the policy depends on (settings with the reference's keys).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicySettings {
    /// `QUOTA_FUP_THRESHOLD_MB` (3072).
    pub fup_threshold_mb: i64,
    /// `MIKROTIK_ADDRESS_LIST_*`.
    pub lists: StatusNames,
    /// `MIKROTIK_*_PROFILE`.
    pub profiles: ProfileNames,
    /// `HOTSPOT_BYPASS_STATUSES` (active, fup, unlimited).
    pub bypass_statuses: BTreeSet<AccessStatus>,
}

/// Firewall address-list names, one per status (unlimited users go in the active list).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusNames {
    pub active: String,
    pub fup: String,
    pub habis: String,
    pub expired: String,
    pub inactive: String,
    pub blocked: String,
    /// Hosts in the hotspot ranges that belong to no authorised user.
    pub unauthorized: String,
}

impl StatusNames {
    /// The lists a user's address is put in by status (not the unauthorized list).
    pub fn status_lists(&self) -> [&str; 6] {
        [
            &self.active,
            &self.fup,
            &self.habis,
            &self.expired,
            &self.inactive,
            &self.blocked,
        ]
    }
}

/// Hotspot user profile names per status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileNames {
    pub active: String,
    pub fup: String,
    pub habis: String,
    pub expired: String,
    pub unlimited: String,
    pub blocked: String,
    pub inactive: String,
}

impl Default for PolicySettings {
    fn default() -> Self {
        PolicySettings {
            fup_threshold_mb: 3072,
            lists: StatusNames::default(),
            profiles: ProfileNames::default(),
            bypass_statuses: default_bypass_statuses(),
        }
    }
}

pub fn default_bypass_statuses() -> BTreeSet<AccessStatus> {
    [
        AccessStatus::Active,
        AccessStatus::Fup,
        AccessStatus::Unlimited,
    ]
    .into_iter()
    .collect()
}

/// Parses `HOTSPOT_BYPASS_STATUSES` as the reference stores it: CSV or a JSON-ish list
/// (`["active","fup"]`), `[]` meaning none. Unknown names are refused.
pub fn parse_status_set(text: &str) -> Result<BTreeSet<AccessStatus>, UnknownName> {
    let inner = text.trim().trim_start_matches('[').trim_end_matches(']');
    inner
        .split(',')
        .map(|p| p.trim().trim_matches(['"', '\'']).trim())
        .filter(|p| !p.is_empty())
        .map(AccessStatus::from_str)
        .collect()
}

impl Default for StatusNames {
    fn default() -> Self {
        StatusNames {
            active: "klient_aktif".into(),
            fup: "klient_fup".into(),
            habis: "klient_habis".into(),
            expired: "klient_expired".into(),
            inactive: "klient_inactive".into(),
            blocked: "klient_blocked".into(),
            unauthorized: "unauthorized".into(),
        }
    }
}

impl StatusNames {
    /// The six status lists the policy manages (not the unauthorized list).
    pub fn managed(&self) -> [&str; 6] {
        [
            &self.active,
            &self.fup,
            &self.habis,
            &self.expired,
            &self.inactive,
            &self.blocked,
        ]
    }

    pub fn for_status(&self, status: AccessStatus) -> &str {
        match status {
            AccessStatus::Active | AccessStatus::Unlimited => &self.active,
            AccessStatus::Fup => &self.fup,
            AccessStatus::Habis => &self.habis,
            AccessStatus::Expired => &self.expired,
            AccessStatus::Inactive => &self.inactive,
            AccessStatus::Blocked => &self.blocked,
        }
    }
}

impl Default for ProfileNames {
    fn default() -> Self {
        ProfileNames {
            active: "profile-aktif".into(),
            fup: "profile-fup".into(),
            habis: "profile-habis".into(),
            expired: "profile-expired".into(),
            unlimited: "profile-unlimited".into(),
            blocked: "profile-blokir".into(),
            inactive: "profile-blokir".into(),
        }
    }
}

impl ProfileNames {
    pub fn for_status(&self, status: AccessStatus) -> &str {
        match status {
            AccessStatus::Active => &self.active,
            AccessStatus::Unlimited => &self.unlimited,
            AccessStatus::Fup => &self.fup,
            AccessStatus::Habis => &self.habis,
            AccessStatus::Expired => &self.expired,
            AccessStatus::Blocked => &self.blocked,
            AccessStatus::Inactive => &self.inactive,
        }
    }
}

/// What the router must hold for a user in a given status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouterPolicy {
    pub address_list: String,
    pub profile: String,
    pub binding_type: BindingType,
}

/// The resolver's full answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessDecision {
    pub status: PageStatus,
    pub detail: AccessStatus,
    #[serde(flatten)]
    pub router: RouterPolicy,
}

impl PolicySettings {
    pub fn fup_threshold(&self) -> Bytes {
        Bytes::from_mb(self.fup_threshold_mb)
    }

    /// The detailed status of a user at `now`.
    pub fn status(&self, user: &AccessSnapshot, now: DateTime<Utc>) -> AccessStatus {
        if user.is_blocked {
            return AccessStatus::Blocked;
        }
        if !user.is_active || user.approval_status != ApprovalStatus::Approved {
            return AccessStatus::Inactive;
        }
        if user.quota_expiry_date.is_some_and(|expiry| expiry < now) {
            return AccessStatus::Expired;
        }
        if user.is_unlimited_user || user.role.is_admin() {
            return AccessStatus::Unlimited;
        }
        let remaining = user.remaining();
        if user.quota.0 <= 0 || remaining.0 <= 0 {
            return AccessStatus::Habis;
        }
        let threshold = self.fup_threshold();
        if user.quota > threshold && remaining <= threshold {
            return AccessStatus::Fup;
        }
        AccessStatus::Active
    }

    /// Router artefacts for a user in `status` (the user is needed for the block kind).
    pub fn router_policy(&self, user: &AccessSnapshot, status: AccessStatus) -> RouterPolicy {
        let binding_type = match status {
            AccessStatus::Blocked => match user.block_kind() {
                Some(kind) if !kind.is_network_hard_block() => BindingType::Regular,
                _ => BindingType::Blocked,
            },
            s if self.bypass_statuses.contains(&s) => BindingType::Bypassed,
            _ => BindingType::Regular,
        };
        RouterPolicy {
            address_list: self.lists.for_status(status).to_owned(),
            profile: self.profiles.for_status(status).to_owned(),
            binding_type,
        }
    }

    /// Status plus router policy in one call.
    pub fn decide(&self, user: &AccessSnapshot, now: DateTime<Utc>) -> AccessDecision {
        let detail = self.status(user, now);
        AccessDecision {
            status: detail.page_status(),
            detail,
            router: self.router_policy(user, detail),
        }
    }

    /// Whether a device of this user skips the hotspot login page.
    pub fn bypasses_hotspot_login(&self, status: AccessStatus) -> bool {
        self.bypass_statuses.contains(&status)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::units::{BYTES_PER_MB, Megabytes};
    use chrono::Duration;
    use proptest::prelude::*;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-25T08:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    fn user(purchased_mb: i64, used_mb: i64) -> AccessSnapshot {
        AccessSnapshot {
            role: Role::User,
            is_blocked: false,
            blocked_reason: None,
            is_active: true,
            approval_status: ApprovalStatus::Approved,
            is_unlimited_user: false,
            quota: Bytes::from_mb(purchased_mb),
            used: Bytes::from_mb(used_mb),
            quota_expiry_date: Some(now() + Duration::days(10)),
        }
    }

    fn status(u: &AccessSnapshot) -> AccessStatus {
        PolicySettings::default().status(u, now())
    }

    #[test]
    fn each_rule_in_priority_order() {
        let base = user(8192, 1024);
        assert_eq!(status(&base), AccessStatus::Active);

        let blocked = AccessSnapshot {
            is_blocked: true,
            is_active: false,
            ..base.clone()
        };
        assert_eq!(status(&blocked), AccessStatus::Blocked);

        let inactive = AccessSnapshot {
            is_active: false,
            quota_expiry_date: Some(now() - Duration::days(1)),
            ..base.clone()
        };
        assert_eq!(status(&inactive), AccessStatus::Inactive);
        for approval in [ApprovalStatus::PendingApproval, ApprovalStatus::Rejected] {
            let u = AccessSnapshot {
                approval_status: approval,
                ..base.clone()
            };
            assert_eq!(status(&u), AccessStatus::Inactive);
        }

        let expired_unlimited = AccessSnapshot {
            is_unlimited_user: true,
            quota_expiry_date: Some(now() - Duration::seconds(1)),
            ..base.clone()
        };
        assert_eq!(status(&expired_unlimited), AccessStatus::Expired);

        let unlimited = AccessSnapshot {
            is_unlimited_user: true,
            quota: Bytes::ZERO,
            used: Bytes::from_mb(99_999),
            ..base.clone()
        };
        assert_eq!(status(&unlimited), AccessStatus::Unlimited);
        let no_expiry = AccessSnapshot {
            quota_expiry_date: None,
            ..unlimited
        };
        assert_eq!(status(&no_expiry), AccessStatus::Unlimited);

        for role in [Role::Admin, Role::SuperAdmin] {
            let admin = AccessSnapshot {
                role,
                ..user(0, 500)
            };
            assert_eq!(status(&admin), AccessStatus::Unlimited, "{role:?}");
            let expired_admin = AccessSnapshot {
                quota_expiry_date: Some(now() - Duration::days(1)),
                ..admin
            };
            assert_eq!(status(&expired_admin), AccessStatus::Expired);
        }
        let komandan = AccessSnapshot {
            role: Role::Komandan,
            ..user(0, 0)
        };
        assert_eq!(status(&komandan), AccessStatus::Habis);
    }

    #[test]
    fn boundaries() {
        // Expiry exactly now is not yet expired; one nanosecond earlier is.
        let at_now = AccessSnapshot {
            quota_expiry_date: Some(now()),
            ..user(8192, 0)
        };
        assert_eq!(status(&at_now), AccessStatus::Active);
        let just_before = AccessSnapshot {
            quota_expiry_date: Some(now() - Duration::nanoseconds(1)),
            ..user(8192, 0)
        };
        assert_eq!(status(&just_before), AccessStatus::Expired);

        // habis: purchased ≤ 0, or remaining ≤ 0 (to the byte).
        assert_eq!(status(&user(0, 0)), AccessStatus::Habis);
        assert_eq!(status(&user(-5, 0)), AccessStatus::Habis);
        assert_eq!(status(&user(1024, 1024)), AccessStatus::Habis);
        assert_eq!(status(&user(1024, 2048)), AccessStatus::Habis);
        let one_byte_left = AccessSnapshot {
            used: Bytes(1024 * BYTES_PER_MB - 1),
            ..user(1024, 0)
        };
        assert_eq!(status(&one_byte_left), AccessStatus::Active);

        // fup: purchased > 3072 and remaining ≤ 3072.
        assert_eq!(status(&user(8192, 5120)), AccessStatus::Fup); // remaining exactly 3072
        let one_byte_over = AccessSnapshot {
            used: Bytes(5120 * BYTES_PER_MB - 1),
            ..user(8192, 0)
        };
        assert_eq!(status(&one_byte_over), AccessStatus::Active);
        assert_eq!(status(&user(3072, 1)), AccessStatus::Active); // purchased == threshold: never fup
        assert_eq!(status(&user(3073, 1)), AccessStatus::Fup);
        assert_eq!(status(&user(3073, 3073)), AccessStatus::Habis);

        let custom = PolicySettings {
            fup_threshold_mb: 100,
            ..PolicySettings::default()
        };
        assert_eq!(custom.status(&user(200, 100), now()), AccessStatus::Fup);
        assert_eq!(custom.status(&user(200, 99), now()), AccessStatus::Active);
    }

    #[test]
    fn page_status_mapping() {
        assert_eq!(AccessStatus::Active.page_status(), PageStatus::Ok);
        assert_eq!(AccessStatus::Unlimited.page_status(), PageStatus::Ok);
        for (s, p) in [
            (AccessStatus::Fup, PageStatus::Fup),
            (AccessStatus::Habis, PageStatus::Habis),
            (AccessStatus::Expired, PageStatus::Expired),
            (AccessStatus::Blocked, PageStatus::Blocked),
            (AccessStatus::Inactive, PageStatus::Inactive),
        ] {
            assert_eq!(s.page_status(), p);
            assert_eq!(s.as_str(), p.as_str());
        }
    }

    #[test]
    fn router_artefacts_per_status() {
        let p = PolicySettings::default();
        let u = user(8192, 1024);
        let table = [
            (
                AccessStatus::Active,
                "klient_aktif",
                "profile-aktif",
                BindingType::Bypassed,
            ),
            (
                AccessStatus::Unlimited,
                "klient_aktif",
                "profile-unlimited",
                BindingType::Bypassed,
            ),
            (
                AccessStatus::Fup,
                "klient_fup",
                "profile-fup",
                BindingType::Bypassed,
            ),
            (
                AccessStatus::Habis,
                "klient_habis",
                "profile-habis",
                BindingType::Regular,
            ),
            (
                AccessStatus::Expired,
                "klient_expired",
                "profile-expired",
                BindingType::Regular,
            ),
            (
                AccessStatus::Inactive,
                "klient_inactive",
                "profile-blokir",
                BindingType::Regular,
            ),
        ];
        for (status, list, profile, binding) in table {
            let r = p.router_policy(&u, status);
            assert_eq!(
                (r.address_list.as_str(), r.profile.as_str(), r.binding_type),
                (list, profile, binding),
                "{status}"
            );
        }
    }

    #[test]
    fn only_auto_debt_blocks_leave_login_open() {
        let p = PolicySettings::default();
        let blocked = |reason: Option<&str>| AccessSnapshot {
            is_blocked: true,
            blocked_reason: reason.map(str::to_owned),
            ..user(8192, 0)
        };
        let cases = [
            (None, BindingType::Blocked, BlockKind::Manual),
            (
                Some("Pelanggaran aturan"),
                BindingType::Blocked,
                BlockKind::Manual,
            ),
            (
                Some("quota_debt_limit|debt_mb=600.00|limit_mb=500|source=sync"),
                BindingType::Regular,
                BlockKind::AutoDebtLimit,
            ),
            (
                Some("QUOTA_AUTO_DEBT_LIMIT|debt_mb=1"),
                BindingType::Regular,
                BlockKind::AutoDebtLimit,
            ),
            (
                Some("quota_manual_debt_end_of_month|debt_mb=5"),
                BindingType::Blocked,
                BlockKind::ManualDebtEndOfMonth,
            ),
            (
                Some("quota_debt_end_of_month|x"),
                BindingType::Blocked,
                BlockKind::ManualDebtEndOfMonth,
            ),
            (
                Some("tunggakan_overdue|debt_mb=5|due=2026-10-31"),
                BindingType::Blocked,
                BlockKind::OverdueDebt,
            ),
        ];
        for (reason, binding, kind) in cases {
            let u = blocked(reason);
            let d = p.decide(&u, now());
            assert_eq!(d.detail, AccessStatus::Blocked);
            assert_eq!(d.router.binding_type, binding, "{reason:?}");
            assert_eq!(d.router.address_list, "klient_blocked");
            assert_eq!(d.router.profile, "profile-blokir");
            assert_eq!(u.block_kind(), Some(kind));
        }
        let reason = auto_debt_limit_reason(Megabytes::from_centi(60_050), 500, "quota_sync");
        assert_eq!(
            reason,
            "quota_debt_limit|debt_mb=600.50|limit_mb=500|source=quota_sync"
        );
        assert_eq!(
            BlockKind::of_reason(Some(&reason)),
            BlockKind::AutoDebtLimit
        );
    }

    #[test]
    fn bypass_statuses_are_configurable() {
        assert_eq!(parse_status_set("[]").unwrap(), BTreeSet::new());
        assert_eq!(
            parse_status_set("active, fup,unlimited").unwrap(),
            default_bypass_statuses()
        );
        assert_eq!(
            parse_status_set(r#"["active","EXPIRED"]"#).unwrap(),
            [AccessStatus::Active, AccessStatus::Expired]
                .into_iter()
                .collect()
        );
        assert!(parse_status_set("active,nope").is_err());
        let p = PolicySettings {
            bypass_statuses: parse_status_set("active,expired").unwrap(),
            ..PolicySettings::default()
        };
        assert_eq!(
            p.router_policy(&user(1, 0), AccessStatus::Expired)
                .binding_type,
            BindingType::Bypassed
        );
        assert_eq!(
            p.router_policy(&user(1, 0), AccessStatus::Fup).binding_type,
            BindingType::Regular
        );
    }

    fn arb_user() -> impl Strategy<Value = AccessSnapshot> {
        (
            prop::sample::select(Role::ALL.to_vec()),
            any::<bool>(),
            prop::option::of(prop::sample::select(vec![
                "quota_debt_limit|x",
                "tunggakan_overdue|x",
                "manual",
                "quota_debt_end_of_month|x",
            ])),
            any::<bool>(),
            prop::sample::select(vec![
                ApprovalStatus::Approved,
                ApprovalStatus::PendingApproval,
                ApprovalStatus::Rejected,
            ]),
            any::<bool>(),
            -10i64..20_000,
            0i64..20_000 * BYTES_PER_MB,
            prop::option::of(-100_000i64..100_000),
        )
            .prop_map(
                |(
                    role,
                    is_blocked,
                    reason,
                    is_active,
                    approval_status,
                    unlimited,
                    quota_mb,
                    used,
                    expiry_s,
                )| AccessSnapshot {
                    role,
                    is_blocked,
                    blocked_reason: reason.map(str::to_owned),
                    is_active,
                    approval_status,
                    is_unlimited_user: unlimited,
                    quota: Bytes::from_mb(quota_mb),
                    used: Bytes(used),
                    quota_expiry_date: expiry_s.map(|s| now() + Duration::seconds(s)),
                },
            )
    }

    proptest! {
        #[test]
        fn resolver_invariants(u in arb_user()) {
            let p = PolicySettings::default();
            let d = p.decide(&u, now());
            // Blocked wins over everything, and only blocked users get a blocked binding.
            prop_assert_eq!(d.detail == AccessStatus::Blocked, u.is_blocked);
            if d.router.binding_type == BindingType::Blocked {
                prop_assert!(u.is_blocked && BlockKind::of_reason(u.blocked_reason.as_deref()) != BlockKind::AutoDebtLimit);
            }
            if !u.is_blocked && (!u.is_active || u.approval_status != ApprovalStatus::Approved) {
                prop_assert_eq!(d.detail, AccessStatus::Inactive);
            }
            // Expired is exactly "eligible and past expiry".
            let eligible = !u.is_blocked && u.is_active && u.approval_status == ApprovalStatus::Approved;
            let past = u.quota_expiry_date.is_some_and(|e| e < now());
            prop_assert_eq!(d.detail == AccessStatus::Expired, eligible && past);
            // Unlimited users and admins never run out.
            if u.is_unlimited_user || u.role.is_admin() {
                prop_assert!(!matches!(d.detail, AccessStatus::Habis | AccessStatus::Fup | AccessStatus::Active));
            }
            // Access with quota means quota is really left.
            if matches!(d.detail, AccessStatus::Active | AccessStatus::Fup) {
                prop_assert!(u.quota.0 > 0 && u.remaining().0 > 0);
            }
            if d.detail == AccessStatus::Fup {
                prop_assert!(u.quota > p.fup_threshold() && u.remaining() <= p.fup_threshold());
            }
            // The page status is ok exactly for active/unlimited.
            prop_assert_eq!(d.status == PageStatus::Ok, matches!(d.detail, AccessStatus::Active | AccessStatus::Unlimited));
            // Bypass happens exactly for the configured statuses.
            prop_assert_eq!(d.router.binding_type == BindingType::Bypassed, p.bypass_statuses.contains(&d.detail));
            prop_assert!(p.lists.managed().contains(&d.router.address_list.as_str()));
        }

        #[test]
        fn more_usage_never_improves_status(u in arb_user(), extra in 0i64..5_000 * BYTES_PER_MB) {
            let p = PolicySettings::default();
            let rank = |s: AccessStatus| match s { AccessStatus::Active => 0, AccessStatus::Fup => 1, AccessStatus::Habis => 2, _ => 3 };
            let before = p.status(&u, now());
            let after = p.status(&AccessSnapshot { used: Bytes(u.used.0 + extra), ..u.clone() }, now());
            if rank(before) < 3 { prop_assert!(rank(after) >= rank(before)); } else { prop_assert_eq!(after, before); }
        }
    }
}

/// A user as the reference describes one (`contracts/access_status_parity_cases.json`
/// fields). Used by `saring policy eval` and the parity tests. Missing fields take the
/// reference model's defaults: role `USER`, not active, approval missing (so not
/// `APPROVED`), zero quota, no expiry. Unknown fields are ignored.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct ReferenceUser {
    pub role: Option<String>,
    pub is_blocked: bool,
    pub blocked_reason: Option<String>,
    pub is_active: bool,
    pub approval_status: Option<String>,
    pub is_unlimited_user: bool,
    pub total_quota_purchased_mb: f64,
    pub total_quota_used_mb: f64,
    pub auto_debt_offset_mb: f64,
    pub quota_expiry_date: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SnapshotError {
    #[error("role tidak dikenal: {0:?} (USER, KOMANDAN, ADMIN, SUPER_ADMIN)")]
    Role(String),
    #[error("approval_status tidak dikenal: {0:?} (PENDING_APPROVAL, APPROVED, REJECTED)")]
    Approval(String),
    #[error("quota_expiry_date bukan tanggal ISO-8601: {0:?}")]
    Expiry(String),
    #[error("{0} harus angka yang wajar (MB)")]
    Number(&'static str),
}

impl FromStr for Role {
    type Err = SnapshotError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| SnapshotError::Role(s.to_owned()))
    }
}

impl FromStr for ApprovalStatus {
    type Err = SnapshotError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [
            ApprovalStatus::PendingApproval,
            ApprovalStatus::Approved,
            ApprovalStatus::Rejected,
        ]
        .into_iter()
        .find(|a| a.as_str().eq_ignore_ascii_case(s.trim()))
        .ok_or_else(|| SnapshotError::Approval(s.to_owned()))
    }
}

fn mb_to_bytes(value: f64, field: &'static str) -> Result<Bytes, SnapshotError> {
    if !value.is_finite() || value.abs() > 8.0e12 {
        return Err(SnapshotError::Number(field));
    }
    Ok(Bytes(
        (value * crate::units::BYTES_PER_MB as f64).round() as i64
    ))
}

/// Accepts RFC 3339 (`2099-01-01T00:00:00+00:00`, `…Z`), a naive `YYYY-MM-DDTHH:MM:SS`
/// or `YYYY-MM-DD HH:MM:SS` taken as UTC, or a bare date (midnight UTC).
pub fn parse_instant(text: &str) -> Option<DateTime<Utc>> {
    let t = text.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        return Some(dt.with_timezone(&Utc));
    }
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"] {
        if let Ok(naive) = chrono::NaiveDateTime::parse_from_str(t, fmt) {
            return Some(naive.and_utc());
        }
    }
    chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .ok()
        .map(|d| d.and_time(chrono::NaiveTime::MIN).and_utc())
}

impl ReferenceUser {
    pub fn to_snapshot(&self) -> Result<AccessSnapshot, SnapshotError> {
        let role = match self.role.as_deref() {
            None => Role::User,
            Some(r) => r.parse()?,
        };
        let approval_status = match self.approval_status.as_deref() {
            Some(a) => Some(a.parse::<ApprovalStatus>()?),
            None => None,
        };
        let quota_expiry_date = match self.quota_expiry_date.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(text) => {
                Some(parse_instant(text).ok_or_else(|| SnapshotError::Expiry(text.to_owned()))?)
            }
        };
        let purchased = mb_to_bytes(self.total_quota_purchased_mb, "total_quota_purchased_mb")?;
        let offset = mb_to_bytes(self.auto_debt_offset_mb, "auto_debt_offset_mb")?;
        Ok(AccessSnapshot {
            role,
            is_blocked: self.is_blocked,
            blocked_reason: self.blocked_reason.clone(),
            is_active: self.is_active,
            // A missing approval status is "not approved", as in the reference resolver.
            approval_status: approval_status.unwrap_or_default(),
            is_unlimited_user: self.is_unlimited_user,
            quota: purchased + offset,
            used: mb_to_bytes(self.total_quota_used_mb, "total_quota_used_mb")?,
            quota_expiry_date,
        })
    }
}
