//! Rows written straight into the store: accounts, quota and transactions at chosen times.

use chrono::{DateTime, Utc};
use saring_domain::access::{ApprovalStatus, Role};
use saring_domain::quota::QuotaAccount;
use saring_domain::units::Bytes;
use saring_domain::user::NewUser;
use saring_domain::{PaymentStatus, Phone, UserId};
use saring_store::repo::payments::{self, NewTransaction, Observed, ProviderMode};
use saring_store::repo::users;
use uuid::Uuid;

use super::Spawned;

pub fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// An account created directly, then given `quota` (and blocked when asked).
pub async fn account(
    s: &Spawned,
    phone: &str,
    role: Role,
    quota: Option<QuotaAccount>,
    blocked: bool,
) -> UserId {
    let user = users::insert(
        s.app.db(),
        &NewUser {
            phone: Phone::parse(phone).unwrap(),
            full_name: format!("Pengguna {phone}"),
            blok: Some("A".into()),
            kamar: Some("1".into()),
            is_tamping: false,
            tamping_type: None,
            role,
            approval_status: ApprovalStatus::Approved,
            is_active: true,
            password_hash: None,
            router_id: None,
        },
    )
    .await
    .unwrap();
    users::update(
        s.app.db(),
        user.id,
        users::UserPatch {
            quota,
            is_blocked: Some(blocked),
            blocked_reason: Some(blocked.then(|| "uji".to_owned())),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    user.id
}

pub fn quota(purchased_mb: i64, used_bytes: i64, expiry: Option<DateTime<Utc>>) -> QuotaAccount {
    QuotaAccount {
        role: Role::User,
        is_unlimited: false,
        purchased_mb,
        auto_debt_offset_mb: 0,
        used: Bytes(used_bytes),
        expiry,
    }
}

/// A transaction of `user`, created at `at.0`, paid at `at.1` when given.
pub async fn transaction(
    s: &Spawned,
    user: UserId,
    order: &str,
    (package, amount, status): (Option<&str>, i64, PaymentStatus),
    (created, paid): (DateTime<Utc>, Option<DateTime<Utc>>),
) {
    let tx = payments::insert(
        s.app.db(),
        &NewTransaction {
            user_id: user,
            package_id: package.map(|p| Uuid::parse_str(p).unwrap()),
            purpose: if package.is_some() {
                payments::TransactionPurpose::Purchase
            } else {
                payments::TransactionPurpose::Debt
            },
            debt_type: None,
            manual_debt_id: None,
            debt_mb: None,
            provider_mode: ProviderMode::Snap,
            order_id: order.to_owned(),
            amount,
            status,
            payment_method: Some("qris".into()),
            va_bank: None,
            expiry_time: None,
            created_by_admin_id: None,
        },
        created,
    )
    .await
    .unwrap();
    if let Some(t) = paid {
        payments::record_observed(
            s.app.db(),
            tx.id,
            &Observed {
                status: Some(PaymentStatus::Success),
                payment_time: Some(t),
                ..Default::default()
            },
            created,
        )
        .await
        .unwrap();
    }
}
