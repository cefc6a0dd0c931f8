//! String enumerations stored in `varchar` columns.
//!
//! Rule: a column whose values form a closed set that the code branches on is a Rust enum
//! here (`DeriveActiveEnum`, stored as the reference's string); open vocabularies that grow
//! with features (admin action types, ledger sources, outbox kinds, login methods, event
//! types, payment methods, debt types) stay `String`, with their known values in the domain
//! crate. Reading a value that is not listed here is an error, never a silent default.

use saring_domain::PaymentStatus;
use sea_orm::entity::prelude::*;

/// `users.role`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(20))")]
pub enum UserRole {
    #[sea_orm(string_value = "USER")]
    User,
    #[sea_orm(string_value = "KOMANDAN")]
    Komandan,
    #[sea_orm(string_value = "ADMIN")]
    Admin,
    #[sea_orm(string_value = "SUPER_ADMIN")]
    SuperAdmin,
}

/// `users.approval_status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(20))")]
pub enum ApprovalStatus {
    #[sea_orm(string_value = "PENDING_APPROVAL")]
    PendingApproval,
    #[sea_orm(string_value = "APPROVED")]
    Approved,
    #[sea_orm(string_value = "REJECTED")]
    Rejected,
}

/// `transactions.status` and `transaction_events.status`: the column's side of
/// [`PaymentStatus`], which repositories take and return (one `From` each way).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(20))")]
pub enum TransactionStatus {
    #[sea_orm(string_value = "PENDING")]
    Pending,
    #[sea_orm(string_value = "SUCCESS")]
    Success,
    #[sea_orm(string_value = "FAILED")]
    Failed,
    #[sea_orm(string_value = "EXPIRED")]
    Expired,
    #[sea_orm(string_value = "CANCELLED")]
    Cancelled,
    #[sea_orm(string_value = "UNKNOWN")]
    Unknown,
    #[sea_orm(string_value = "REFUNDED")]
    Refunded,
}

impl From<PaymentStatus> for TransactionStatus {
    fn from(s: PaymentStatus) -> Self {
        match s {
            PaymentStatus::Pending => TransactionStatus::Pending,
            PaymentStatus::Success => TransactionStatus::Success,
            PaymentStatus::Failed => TransactionStatus::Failed,
            PaymentStatus::Expired => TransactionStatus::Expired,
            PaymentStatus::Cancelled => TransactionStatus::Cancelled,
            PaymentStatus::Unknown => TransactionStatus::Unknown,
            PaymentStatus::Refunded => TransactionStatus::Refunded,
        }
    }
}

impl From<TransactionStatus> for PaymentStatus {
    fn from(s: TransactionStatus) -> Self {
        match s {
            TransactionStatus::Pending => PaymentStatus::Pending,
            TransactionStatus::Success => PaymentStatus::Success,
            TransactionStatus::Failed => PaymentStatus::Failed,
            TransactionStatus::Expired => PaymentStatus::Expired,
            TransactionStatus::Cancelled => PaymentStatus::Cancelled,
            TransactionStatus::Unknown => PaymentStatus::Unknown,
            TransactionStatus::Refunded => PaymentStatus::Refunded,
        }
    }
}

/// `transactions.purpose`: buying a package or paying a debt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum TransactionPurpose {
    #[sea_orm(string_value = "purchase")]
    Purchase,
    #[sea_orm(string_value = "debt")]
    Debt,
}

/// `transactions.provider_mode`: Midtrans Snap (hosted page) or Core API (direct charge).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum ProviderMode {
    #[sea_orm(string_value = "snap")]
    Snap,
    #[sea_orm(string_value = "core_api")]
    CoreApi,
}

/// `transaction_events.source`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum TransactionEventSource {
    #[sea_orm(string_value = "APP")]
    App,
    #[sea_orm(string_value = "MIDTRANS_WEBHOOK")]
    MidtransWebhook,
    #[sea_orm(string_value = "MIDTRANS_STATUS")]
    MidtransStatus,
}

/// `notification_recipients.notification_type`: which WhatsApp alerts an admin receives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(64))")]
pub enum NotificationType {
    #[sea_orm(string_value = "NEW_USER_REGISTRATION")]
    NewUserRegistration,
    #[sea_orm(string_value = "NEW_KOMANDAN_REQUEST")]
    NewKomandanRequest,
    #[sea_orm(string_value = "ROLE_UPGRADE_TO_ADMIN")]
    RoleUpgradeToAdmin,
    #[sea_orm(string_value = "ROLE_DOWNGRADE_TO_USER")]
    RoleDowngradeToUser,
    #[sea_orm(string_value = "QUOTA_DEBT_LIMIT_EXCEEDED")]
    QuotaDebtLimitExceeded,
}

/// `quota_requests.request_type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum RequestType {
    #[sea_orm(string_value = "QUOTA")]
    Quota,
    #[sea_orm(string_value = "UNLIMITED")]
    Unlimited,
}

/// `quota_requests.status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(24))")]
pub enum RequestStatus {
    #[sea_orm(string_value = "PENDING")]
    Pending,
    #[sea_orm(string_value = "APPROVED")]
    Approved,
    #[sea_orm(string_value = "REJECTED")]
    Rejected,
    #[sea_orm(string_value = "PARTIALLY_APPROVED")]
    PartiallyApproved,
}

/// `promo_events.event_type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum PromoEventType {
    #[sea_orm(string_value = "BONUS_REGISTRATION")]
    BonusRegistration,
    #[sea_orm(string_value = "GENERAL_ANNOUNCEMENT")]
    GeneralAnnouncement,
}

/// `promo_events.status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum PromoEventStatus {
    #[sea_orm(string_value = "DRAFT")]
    Draft,
    #[sea_orm(string_value = "ACTIVE")]
    Active,
    #[sea_orm(string_value = "SCHEDULED")]
    Scheduled,
    #[sea_orm(string_value = "EXPIRED")]
    Expired,
    #[sea_orm(string_value = "ARCHIVED")]
    Archived,
}

/// `outbox.status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum OutboxStatus {
    /// Waiting for `run_after`.
    #[sea_orm(string_value = "pending")]
    Pending,
    /// Claimed by a worker until `locked_until`.
    #[sea_orm(string_value = "running")]
    Running,
    #[sea_orm(string_value = "done")]
    Done,
    /// Gave up after too many attempts; needs an operator.
    #[sea_orm(string_value = "dead")]
    Dead,
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::{ActiveEnum, Iterable};

    #[test]
    fn the_column_spells_payment_statuses_as_the_domain_does() {
        for stored in TransactionStatus::iter() {
            let status = PaymentStatus::from(stored);
            assert_eq!(stored.to_value(), status.as_str());
            assert_eq!(TransactionStatus::from(status), stored);
        }
    }
}
