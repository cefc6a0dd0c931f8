//! Repositories: functions that take and return domain types, so nothing above the store
//! touches a sea-orm model. Each takes any connection or transaction (`&impl ConnectionTrait`),
//! so callers compose several calls into one database transaction.

pub mod activity;
pub mod broadcasts;
pub mod dashboard;
pub mod debt_settlements;
pub mod debts;
pub mod device_credentials;
pub mod devices;
pub mod jobs;
pub mod keyset;
pub mod messages;
pub mod outbox;
pub mod packages;
pub mod payments;
pub mod promos;
pub mod quota_requests;
pub mod recipients;
pub mod refresh_tokens;
pub mod reliability;
pub mod routers;
pub mod settings;
pub mod sync;
pub mod transactions;
pub mod usage;
pub mod users;

use saring_domain::access::{ApprovalStatus, Role};

use crate::entities::enums;

impl From<Role> for enums::UserRole {
    fn from(r: Role) -> Self {
        match r {
            Role::User => enums::UserRole::User,
            Role::Komandan => enums::UserRole::Komandan,
            Role::Admin => enums::UserRole::Admin,
            Role::SuperAdmin => enums::UserRole::SuperAdmin,
        }
    }
}

impl From<enums::UserRole> for Role {
    fn from(r: enums::UserRole) -> Self {
        match r {
            enums::UserRole::User => Role::User,
            enums::UserRole::Komandan => Role::Komandan,
            enums::UserRole::Admin => Role::Admin,
            enums::UserRole::SuperAdmin => Role::SuperAdmin,
        }
    }
}

impl From<ApprovalStatus> for enums::ApprovalStatus {
    fn from(a: ApprovalStatus) -> Self {
        match a {
            ApprovalStatus::PendingApproval => enums::ApprovalStatus::PendingApproval,
            ApprovalStatus::Approved => enums::ApprovalStatus::Approved,
            ApprovalStatus::Rejected => enums::ApprovalStatus::Rejected,
        }
    }
}

impl From<enums::ApprovalStatus> for ApprovalStatus {
    fn from(a: enums::ApprovalStatus) -> Self {
        match a {
            enums::ApprovalStatus::PendingApproval => ApprovalStatus::PendingApproval,
            enums::ApprovalStatus::Approved => ApprovalStatus::Approved,
            enums::ApprovalStatus::Rejected => ApprovalStatus::Rejected,
        }
    }
}
