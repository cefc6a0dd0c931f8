//! Manual debts and what paying a debt settles — pure arithmetic shared by the server (the
//! payment's effect, reminders, the user's debt list) and anything else that prices a debt.
//!
//! * **Auto debt** (usage beyond the effective quota, whole MB rounded up) is priced with
//!   [`estimate_debt_price`]: the per-MB price of the smallest active package covering it,
//!   rounded up to Rp 10.000.
//! * **Manual items** with a price are billed their price prorated by the MB still open
//!   ([`manual_debt_price_due`]); items without a price are estimated like auto debt.
//! * A payment for the **whole debt** settles auto debt via the offset, then every item; a
//!   payment for **one item** settles that item.
//! * **Underpayment** (the debt grew between initiation and payment, so the amount paid is
//!   less than what is due now): the payment settles the same fraction of the debt, in the
//!   usual order (auto first, then items oldest first); the rest stays owed.
//! * When the debt **shrank** meanwhile (an admin settled it), the MB paid for and no longer
//!   owed become quota: a payment is never lost.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::ids::UserId;
use crate::money::Rupiah;
use crate::quota::{
    ManualDebt, PackagePrice, QuotaAccount, estimate_debt_price, manual_debt_price_due,
};
use crate::units::Megabytes;

/// A manual debt item (`user_quota_debts`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DebtItem {
    pub id: Uuid,
    pub user_id: UserId,
    pub debt_date: Option<NaiveDate>,
    pub due_date: Option<NaiveDate>,
    pub amount_mb: i64,
    pub paid_mb: i64,
    /// An advance of an unlimited package: shown as "Unlimited", counted as one unit (1 MB)
    /// in MB totals, priced by `price_rp`.
    pub is_unlimited: bool,
    pub price_rp: Option<i64>,
    pub is_paid: bool,
    pub paid_at: Option<DateTime<Utc>>,
    /// The package advanced, for a debt by package.
    pub package_id: Option<Uuid>,
    /// What paid it last (`admin_settle`, `purchase_package`, …).
    pub last_paid_source: Option<String>,
    pub note: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl DebtItem {
    pub fn remaining_mb(&self) -> i64 {
        (self.amount_mb - self.paid_mb).max(0)
    }

    /// The view `apply_grant` works with.
    pub fn as_manual_debt(&self) -> ManualDebt {
        ManualDebt {
            id: self.id,
            debt_date: self.debt_date,
            created_at: self.created_at,
            amount_mb: self.amount_mb,
            paid_mb: self.paid_mb,
        }
    }
}

/// What is being paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DebtScope {
    /// Auto debt and every manual item.
    Total,
    /// One manual item.
    Item(Uuid),
}

/// The price of a debt now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DebtQuote {
    pub auto_mb: i64,
    pub auto_rp: Rupiah,
    /// Open items in scope, oldest first, each with what it costs.
    pub items: Vec<(DebtItem, Rupiah)>,
}

impl DebtQuote {
    pub fn manual_mb(&self) -> i64 {
        self.items.iter().map(|(d, _)| d.remaining_mb()).sum()
    }

    pub fn total_mb(&self) -> i64 {
        self.auto_mb + self.manual_mb()
    }

    pub fn total_rp(&self) -> Rupiah {
        self.items
            .iter()
            .fold(self.auto_rp, |acc, (_, rp)| acc + *rp)
    }
}

/// Prices `mb` of debt with the catalog (`None` when no package has a quota and a price).
pub fn estimate_mb(mb: i64, catalog: &[PackagePrice]) -> Option<Rupiah> {
    if mb <= 0 {
        return Some(Rupiah::ZERO);
    }
    estimate_debt_price(Megabytes::from_whole(mb), catalog).estimated_rp
}

/// Prices the user's debt in `scope` from the open items and the catalog.
pub fn quote_from(
    account: &QuotaAccount,
    open: Vec<DebtItem>,
    scope: DebtScope,
    catalog: &[PackagePrice],
) -> DebtQuote {
    let auto_mb = match scope {
        DebtScope::Total => account.auto_debt().ceil_mb(),
        DebtScope::Item(_) => 0,
    };
    let items = open
        .into_iter()
        .filter(|d| match scope {
            DebtScope::Total => true,
            DebtScope::Item(id) => d.id == id,
        })
        .filter(|d| d.remaining_mb() > 0)
        .map(|d| {
            let price = match d.price_rp {
                Some(p) if p > 0 => manual_debt_price_due(Rupiah(p), d.amount_mb, d.remaining_mb()),
                _ => estimate_mb(d.remaining_mb(), catalog).unwrap_or(Rupiah::ZERO),
            };
            (d, price)
        })
        .collect();
    DebtQuote {
        auto_mb,
        auto_rp: estimate_mb(auto_mb, catalog).unwrap_or(Rupiah::ZERO),
        items,
    }
}

/// How a payment settles a debt.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SettlementPlan {
    pub paid_auto_mb: i64,
    pub manual_payments: Vec<(Uuid, i64)>,
    /// MB paid for that are no longer owed: added to the purchased quota.
    pub credit_mb: i64,
    /// What was due now when it is more than what was paid.
    pub shortfall: Option<(Rupiah, Rupiah)>,
}

impl SettlementPlan {
    pub fn paid_manual_mb(&self) -> i64 {
        self.manual_payments.iter().map(|(_, mb)| mb).sum()
    }

    pub fn paid_total_mb(&self) -> i64 {
        self.paid_auto_mb + self.paid_manual_mb()
    }
}

/// Plans the settlement of `now` (the debt as it is at payment time) by `paid`, for an
/// order that was quoted `quoted_mb`.
pub fn plan(now: &DebtQuote, paid: Rupiah, quoted_mb: i64) -> SettlementPlan {
    let due = now.total_rp();
    let total = now.total_mb();
    let budget = if paid >= due || due.0 <= 0 {
        total
    } else {
        let b = i128::from(total) * i128::from(paid.0.max(0)) / i128::from(due.0);
        i64::try_from(b).unwrap_or(0)
    };
    let mut left = budget;
    let paid_auto_mb = now.auto_mb.min(left).max(0);
    left -= paid_auto_mb;
    let mut manual_payments = Vec::new();
    for (item, _) in &now.items {
        if left <= 0 {
            break;
        }
        let pay = item.remaining_mb().min(left);
        if pay > 0 {
            manual_payments.push((item.id, pay));
            left -= pay;
        }
    }
    let full = budget == total;
    SettlementPlan {
        paid_auto_mb,
        manual_payments,
        credit_mb: if full { (quoted_mb - total).max(0) } else { 0 },
        shortfall: (!full).then_some((due, paid)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn item(n: u8, amount: i64, paid: i64, price: Option<i64>) -> DebtItem {
        DebtItem {
            id: Uuid::from_bytes([n; 16]),
            user_id: UserId(Uuid::nil()),
            debt_date: chrono::NaiveDate::from_ymd_opt(2026, 11, u32::from(n)),
            due_date: None,
            amount_mb: amount,
            paid_mb: paid,
            is_unlimited: false,
            price_rp: price,
            is_paid: false,
            paid_at: None,
            package_id: None,
            last_paid_source: None,
            note: None,
            created_at: Utc::now(),
        }
    }

    fn quote(auto_mb: i64, auto_rp: i64, items: Vec<(DebtItem, i64)>) -> DebtQuote {
        DebtQuote {
            auto_mb,
            auto_rp: Rupiah(auto_rp),
            items: items.into_iter().map(|(d, p)| (d, Rupiah(p))).collect(),
        }
    }

    #[test]
    fn full_payment_settles_everything_in_order() {
        let q = quote(30, 10_000, vec![(item(1, 100, 0, Some(20_000)), 20_000)]);
        let p = plan(&q, Rupiah(30_000), 130);
        assert_eq!(p.paid_auto_mb, 30);
        assert_eq!(p.manual_payments, vec![(Uuid::from_bytes([1; 16]), 100)]);
        assert_eq!((p.credit_mb, p.shortfall), (0, None));
    }

    #[test]
    fn underpayment_settles_the_paid_fraction() {
        // Due 40k, paid 30k: 3/4 of 200 MB = 150 MB, auto first.
        let q = quote(100, 20_000, vec![(item(1, 100, 0, Some(20_000)), 20_000)]);
        let p = plan(&q, Rupiah(30_000), 200);
        assert_eq!(p.paid_auto_mb, 100);
        assert_eq!(p.paid_manual_mb(), 50);
        assert_eq!(p.shortfall, Some((Rupiah(40_000), Rupiah(30_000))));
        assert_eq!(p.credit_mb, 0);
    }

    #[test]
    fn a_debt_that_shrank_becomes_quota() {
        let q = quote(0, 0, vec![(item(1, 100, 60, Some(10_000)), 4_000)]);
        let p = plan(&q, Rupiah(10_000), 100);
        assert_eq!(p.paid_manual_mb(), 40);
        assert_eq!(p.credit_mb, 60);
        let nothing = plan(&quote(0, 0, vec![]), Rupiah(10_000), 100);
        assert_eq!((nothing.paid_total_mb(), nothing.credit_mb), (0, 100));
    }

    #[test]
    fn item_prices_are_prorated_or_estimated() {
        let catalog = vec![PackagePrice {
            name: "1 GB".into(),
            price: Rupiah(10_000),
            quota_mb: 1024,
        }];
        let account = QuotaAccount {
            role: crate::Role::User,
            is_unlimited: false,
            purchased_mb: 100,
            auto_debt_offset_mb: 0,
            used: crate::Bytes::from_mb(150),
            expiry: None,
        };
        let open = vec![item(1, 1024, 512, Some(50_000)), item(2, 300, 0, None)];
        let q = quote_from(&account, open.clone(), DebtScope::Total, &catalog);
        assert_eq!(q.auto_mb, 50);
        assert_eq!(q.auto_rp, Rupiah(10_000));
        assert_eq!(q.items[0].1, Rupiah(25_000));
        assert_eq!(q.items[1].1, Rupiah(10_000));
        assert_eq!(q.total_rp(), Rupiah(45_000));
        let one = quote_from(
            &account,
            open,
            DebtScope::Item(Uuid::from_bytes([2; 16])),
            &catalog,
        );
        assert_eq!(
            (one.auto_mb, one.total_mb(), one.total_rp()),
            (0, 300, Rupiah(10_000))
        );
    }
}
