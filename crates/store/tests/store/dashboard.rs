//! The dashboard's aggregates: the accounts counted by access status in SQL agree with the
//! domain's resolver on every combination of the columns it reads, on both backends; paid
//! transactions land in the period of their payment time.

use std::collections::BTreeMap;

use chrono::Duration;
use saring_domain::access::{AccessSnapshot, AccessStatus, PolicySettings, Role};
use saring_domain::units::{BYTES_PER_MB, Bytes};
use saring_store::entities::{enums::*, *};
use saring_store::repo::dashboard;
use saring_store::testing::TestDb;
use sea_orm::{ActiveModelTrait, Set};

use crate::support::{self, at};

#[tokio::test]
async fn account_tally_matches_the_resolver() {
    let db = TestDb::new().await;
    let now = at(0, 0);
    let policy = PolicySettings::default();
    let threshold = policy.fup_threshold();
    let mb = |m: i64| m * BYTES_PER_MB;
    // Quota (purchased, offset) and used bytes around every edge the resolver has.
    let quotas = [
        (0, 0),
        (1000, 0),
        (3072, 0),
        (3073, 0),
        (4000, 100),
        (-5, 0),
    ];
    let used = |q: i64| {
        [
            0,
            1,
            mb(q) - 1,
            mb(q),
            mb(q) + 1,
            mb(q) - threshold.0,
            mb(q) - threshold.0 + 1,
        ]
    };
    let mut expected: BTreeMap<AccessStatus, u64> = BTreeMap::new();
    let (mut pending, mut owing, mut owed_mb) = (0u64, 0u64, 0i64);
    let mut n = 0u32;
    for (purchased, offset) in quotas {
        for used_bytes in used(purchased + offset) {
            let used_bytes = used_bytes.max(0);
            for flags in 0..16u32 {
                n += 1;
                let role = if flags & 8 == 0 {
                    UserRole::User
                } else {
                    UserRole::Komandan
                };
                let approval = if n.is_multiple_of(7) {
                    ApprovalStatus::PendingApproval
                } else {
                    ApprovalStatus::Approved
                };
                let expiry = match n % 3 {
                    0 => None,
                    1 => Some(now - Duration::seconds(1)),
                    _ => Some(now + Duration::days(1)),
                };
                let blocked = flags & 1 != 0;
                let active = flags & 2 == 0;
                let unlimited = flags & 4 != 0;
                let mut row = support::user_model(&format!("+62811{n:07}"));
                row.role = Set(role);
                row.approval_status = Set(approval);
                row.is_blocked = Set(blocked);
                row.is_active = Set(active);
                row.is_unlimited_user = Set(unlimited);
                row.total_quota_purchased_mb = Set(purchased);
                row.auto_debt_offset_mb = Set(offset);
                row.total_quota_used_bytes = Set(used_bytes);
                row.quota_expiry_date = Set(expiry);
                row.insert(db.conn()).await.unwrap();
                let snapshot = AccessSnapshot {
                    role: if role == UserRole::User {
                        Role::User
                    } else {
                        Role::Komandan
                    },
                    is_blocked: blocked,
                    blocked_reason: None,
                    is_active: active,
                    approval_status: if approval == ApprovalStatus::Approved {
                        saring_domain::access::ApprovalStatus::Approved
                    } else {
                        saring_domain::access::ApprovalStatus::PendingApproval
                    },
                    is_unlimited_user: unlimited,
                    quota: Bytes::from_mb(purchased + offset),
                    used: Bytes(used_bytes),
                    quota_expiry_date: expiry,
                };
                *expected.entry(policy.status(&snapshot, now)).or_default() += 1;
                pending += u64::from(approval == ApprovalStatus::PendingApproval);
                let over = used_bytes - mb(purchased + offset);
                if role == UserRole::User && !unlimited && over > 0 {
                    owing += 1;
                    owed_mb += Bytes(over).ceil_mb();
                }
            }
        }
    }
    // Administrators are not counted.
    let mut admin = support::user_model("+6281199999999");
    admin.role = Set(UserRole::Admin);
    admin.insert(db.conn()).await.unwrap();

    let tally = dashboard::account_tally(db.conn(), now, threshold)
        .await
        .unwrap();
    assert_eq!(tally.by_status, expected);
    assert_eq!(tally.by_status.values().sum::<u64>(), u64::from(n));
    assert_eq!(tally.pending_approval, pending);
    assert_eq!(
        (tally.auto_debt_users, tally.auto_debt_mb),
        (owing, owed_mb)
    );
    for s in [
        AccessStatus::Active,
        AccessStatus::Fup,
        AccessStatus::Habis,
        AccessStatus::Expired,
        AccessStatus::Unlimited,
        AccessStatus::Blocked,
        AccessStatus::Inactive,
    ] {
        assert!(expected.contains_key(&s), "no account is {s}");
    }
}

#[tokio::test]
async fn paid_transactions_by_period() {
    let db = TestDb::new().await;
    let user = support::user(db.conn(), "+6281100000003").await;
    let bounds = [at(0, 0), at(100, 0), at(200, 0), at(300, 0)];
    let paid = |secs: i64, amount: i64, status: TransactionStatus, order: &str| {
        transactions::ActiveModel {
            user_id: Set(Some(user.id)),
            purpose: Set(TransactionPurpose::Purchase),
            provider_mode: Set(ProviderMode::Snap),
            midtrans_order_id: Set(order.into()),
            amount: Set(amount),
            status: Set(status),
            payment_time: Set(Some(at(secs, 0))),
            ..Default::default()
        }
    };
    for (secs, amount, status, order) in [
        (-1, 1, TransactionStatus::Success, "A"),
        (0, 10, TransactionStatus::Success, "B"),
        (99, 20, TransactionStatus::Success, "C"),
        (99, 500, TransactionStatus::Pending, "D"),
        (250, 40, TransactionStatus::Success, "E"),
        (300, 7, TransactionStatus::Success, "F"),
    ] {
        paid(secs, amount, status, order)
            .insert(db.conn())
            .await
            .unwrap();
    }
    let periods = dashboard::paid_by_period(db.conn(), &bounds).await.unwrap();
    let got: Vec<(u64, i64)> = periods.iter().map(|t| (t.count, t.amount)).collect();
    assert_eq!(got, vec![(2, 30), (0, 0), (1, 40)]);
}
