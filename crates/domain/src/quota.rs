//! Package, quota and debt arithmetic, shared by purchases, admin injections, komandan
//! grants, debt advances and debt payments.
//!
//! ## The account
//! A user's quota is `purchased_mb + auto_debt_offset_mb` (the *effective quota*); usage is
//! counted in exact bytes. `remaining = effective − used` and `auto debt = used − effective`
//! (whichever is positive). The offset records quota credited without a purchase: MB that
//! settled auto debt, and overshoot forgiven to debt-exempt users. Unlike the reference,
//! the offset counts towards remaining quota too, so settling a debt never costs the user
//! the same megabytes twice (see `docs/access-policy.md`).
//!
//! ## Applying a grant ([`apply_grant`])
//! 1. Users who owe nothing by rule (KOMANDAN, admins, and anyone currently unlimited) have
//!    any overshoot absorbed into the offset: unlimited-era usage never turns into debt.
//! 2. An unlimited grant makes the user unlimited (auto debt is absorbed; manual debts stay).
//! 3. A quota grant pays debts first: auto debt (whole MB, rounded up) via the offset, then
//!    open manual debts oldest first; only the rest is added to `purchased_mb`.
//! 4. The expiry moves by one rule for every grant: [`ExpiryStrategy`].

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::access::{AccessSnapshot, ApprovalStatus, Role};
use crate::money::Rupiah;
use crate::units::{Bytes, Megabytes};

/// `QUOTA_EXPIRY_STRATEGY`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExpiryStrategy {
    /// Add the days to the current expiry while it is still in the future, else to now:
    /// paid days are never lost. The default.
    #[default]
    ExtendActive,
    /// The reference's behaviour: the new expiry is now + days, replacing the old one.
    ResetFromNow,
}

impl ExpiryStrategy {
    pub fn as_str(self) -> &'static str {
        match self {
            ExpiryStrategy::ExtendActive => "extend_active",
            ExpiryStrategy::ResetFromNow => "reset_from_now",
        }
    }

    /// The expiry after granting `days`. Zero or negative days leave it unchanged.
    pub fn new_expiry(
        self,
        current: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
        days: i64,
    ) -> Option<DateTime<Utc>> {
        if days <= 0 {
            return current;
        }
        let span = Duration::try_days(days).unwrap_or(Duration::MAX);
        let base = match (self, current) {
            (ExpiryStrategy::ExtendActive, Some(c)) if c > now => c,
            _ => now,
        };
        Some(
            base.checked_add_signed(span)
                .unwrap_or(DateTime::<Utc>::MAX_UTC),
        )
    }
}

impl fmt::Display for ExpiryStrategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("QUOTA_EXPIRY_STRATEGY harus extend_active atau reset_from_now, bukan {0:?}")]
pub struct UnknownStrategy(pub String);

impl FromStr for ExpiryStrategy {
    type Err = UnknownStrategy;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "extend_active" => Ok(ExpiryStrategy::ExtendActive),
            "reset_from_now" => Ok(ExpiryStrategy::ResetFromNow),
            _ => Err(UnknownStrategy(s.to_owned())),
        }
    }
}

/// The quota-relevant columns of a user. Also the before/after snapshot in the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuotaAccount {
    pub role: Role,
    pub is_unlimited: bool,
    pub purchased_mb: i64,
    pub auto_debt_offset_mb: i64,
    pub used: Bytes,
    pub expiry: Option<DateTime<Utc>>,
}

impl QuotaAccount {
    pub fn effective_quota(&self) -> Bytes {
        Bytes::from_mb(self.purchased_mb.saturating_add(self.auto_debt_offset_mb))
    }

    pub fn remaining(&self) -> Bytes {
        Bytes((self.effective_quota().0 - self.used.0).max(0))
    }

    /// Usage beyond the effective quota, whoever the user is.
    pub fn overshoot(&self) -> Bytes {
        Bytes((self.used.0 - self.effective_quota().0).max(0))
    }

    /// Whether overshoot becomes debt for this user (never for KOMANDAN, admins, unlimited).
    pub fn owes_debt(&self) -> bool {
        !self.is_unlimited && !self.role.is_debt_exempt()
    }

    /// Auto debt in bytes: `used − purchased − offset`, zero for exempt users.
    pub fn auto_debt(&self) -> Bytes {
        if self.owes_debt() {
            self.overshoot()
        } else {
            Bytes::ZERO
        }
    }

    /// Auto debt as displayed (0.01 MB, half-up).
    pub fn auto_debt_mb(&self) -> Megabytes {
        self.auto_debt().to_mb()
    }

    /// Settles auto debt entirely by raising the offset (a debt payment or an admin
    /// "clear"). Returns the whole MB credited.
    pub fn settle_auto_debt(&mut self) -> i64 {
        let pay = self.auto_debt().ceil_mb();
        self.auto_debt_offset_mb = self.auto_debt_offset_mb.saturating_add(pay);
        pay
    }

    /// Forgives overshoot (no payment): used for debt-exempt users and unlimited periods.
    /// Returns the whole MB absorbed.
    pub fn absorb_overshoot(&mut self) -> i64 {
        let absorb = self.overshoot().ceil_mb();
        self.auto_debt_offset_mb = self.auto_debt_offset_mb.saturating_add(absorb);
        absorb
    }

    /// The resolver's view of this account, given the non-quota facts.
    pub fn snapshot(&self, flags: &AccountFlags) -> AccessSnapshot {
        AccessSnapshot {
            role: self.role,
            is_blocked: flags.is_blocked,
            blocked_reason: flags.blocked_reason.clone(),
            is_active: flags.is_active,
            approval_status: flags.approval_status,
            is_unlimited_user: self.is_unlimited,
            quota: self.effective_quota(),
            used: self.used,
            quota_expiry_date: self.expiry,
        }
    }
}

/// The non-quota facts the access resolver needs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountFlags {
    pub is_blocked: bool,
    pub blocked_reason: Option<String>,
    pub is_active: bool,
    pub approval_status: ApprovalStatus,
}

/// An open manual debt item (`user_quota_debts`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManualDebt {
    pub id: Uuid,
    pub debt_date: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub amount_mb: i64,
    pub paid_mb: i64,
}

impl ManualDebt {
    pub fn remaining_mb(&self) -> i64 {
        (self.amount_mb - self.paid_mb).max(0)
    }
}

/// What is being granted: by a package, an admin injection, a komandan approval, a promo…
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    /// Megabytes of quota (ignored when `unlimited`).
    pub quota_mb: i64,
    pub unlimited: bool,
    pub days: i64,
    /// Pay open manual debts before adding quota. False for a debt advance, whose own new
    /// manual debt must not be paid by the quota it lends.
    pub pay_manual_debts: bool,
}

impl Grant {
    pub fn quota(quota_mb: i64, days: i64) -> Self {
        Grant {
            quota_mb,
            unlimited: false,
            days,
            pay_manual_debts: true,
        }
    }

    pub fn unlimited(days: i64) -> Self {
        Grant {
            quota_mb: 0,
            unlimited: true,
            days,
            pay_manual_debts: true,
        }
    }
}

/// The result of [`apply_grant`]: the new account and where every megabyte went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrantOutcome {
    pub account: QuotaAccount,
    /// Overshoot forgiven (exempt users, unlimited transitions).
    pub absorbed_mb: i64,
    /// Auto debt paid from the grant.
    pub paid_auto_mb: i64,
    /// Manual debt items paid from the grant: (debt id, MB).
    pub manual_payments: Vec<(Uuid, i64)>,
    /// What was left for `purchased_mb`.
    pub added_purchased_mb: i64,
}

impl GrantOutcome {
    pub fn paid_manual_mb(&self) -> i64 {
        self.manual_payments.iter().map(|(_, mb)| mb).sum()
    }
}

/// Applies a grant. `open_debts` may come in any order; they are paid oldest first (by
/// debt date, then creation time). Pure: the caller persists the outcome in one
/// transaction together with its ledger row.
pub fn apply_grant(
    account: &QuotaAccount,
    grant: Grant,
    open_debts: &[ManualDebt],
    now: DateTime<Utc>,
    strategy: ExpiryStrategy,
) -> GrantOutcome {
    let mut acc = account.clone();
    let mut out = GrantOutcome {
        account: acc.clone(),
        absorbed_mb: 0,
        paid_auto_mb: 0,
        manual_payments: Vec::new(),
        added_purchased_mb: 0,
    };

    if !acc.owes_debt() {
        out.absorbed_mb += acc.absorb_overshoot();
    }

    if grant.unlimited {
        acc.is_unlimited = true;
        out.absorbed_mb += acc.absorb_overshoot();
    } else if grant.quota_mb > 0 {
        acc.is_unlimited = false;
        let mut left = grant.quota_mb;
        let pay_auto = acc.auto_debt().ceil_mb().min(left);
        acc.auto_debt_offset_mb = acc.auto_debt_offset_mb.saturating_add(pay_auto);
        out.paid_auto_mb = pay_auto;
        left -= pay_auto;

        if grant.pay_manual_debts && !acc.role.is_debt_exempt() {
            let mut debts: Vec<&ManualDebt> =
                open_debts.iter().filter(|d| d.remaining_mb() > 0).collect();
            debts.sort_by_key(|d| (d.debt_date, d.created_at, d.id));
            for debt in debts {
                if left == 0 {
                    break;
                }
                let pay = debt.remaining_mb().min(left);
                out.manual_payments.push((debt.id, pay));
                left -= pay;
            }
        }
        acc.purchased_mb = acc.purchased_mb.saturating_add(left);
        out.added_purchased_mb = left;
    }

    acc.expiry = strategy.new_expiry(acc.expiry, now, grant.days);
    out.account = acc;
    out
}

/// The Rupiah still due on a manual debt item with a price: its price prorated by the MB
/// still open, rounded up to the Rupiah.
pub fn manual_debt_price_due(price: Rupiah, amount_mb: i64, remaining_mb: i64) -> Rupiah {
    if amount_mb <= 0 || remaining_mb <= 0 || price.0 <= 0 {
        return Rupiah::ZERO;
    }
    let num = i128::from(price.0) * i128::from(remaining_mb.min(amount_mb));
    let den = i128::from(amount_mb);
    let due = num / den + i128::from(num % den != 0);
    Rupiah(i64::try_from(due).unwrap_or(i64::MAX))
}

/// A package considered when pricing debt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackagePrice {
    pub name: String,
    pub price: Rupiah,
    /// Quota in MB; unlimited packages (0) are never used for pricing.
    pub quota_mb: i64,
}

/// A Rupiah estimate for a debt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DebtEstimate {
    pub debt_mb: Megabytes,
    pub package_name: Option<String>,
    /// Price per MB × debt, rounded half-up to the Rupiah.
    pub estimated_rp_raw: Option<Rupiah>,
    /// The amount asked: rounded up to Rp 10.000.
    pub estimated_rp: Option<Rupiah>,
}

/// Prices a debt at the per-MB price of the smallest active package whose quota covers it,
/// or of the biggest package when none does; `None` amounts when no package has a quota.
pub fn estimate_debt_price(debt: Megabytes, packages: &[PackagePrice]) -> DebtEstimate {
    if debt.centi() <= 0 {
        return DebtEstimate {
            debt_mb: Megabytes::ZERO,
            package_name: None,
            estimated_rp_raw: Some(Rupiah::ZERO),
            estimated_rp: Some(Rupiah::ZERO),
        };
    }
    let priced = packages.iter().filter(|p| p.quota_mb > 0 && p.price.0 > 0);
    let covering = priced
        .clone()
        .filter(|p| p.quota_mb * 100 >= debt.centi())
        .min_by_key(|p| (p.quota_mb, p.price));
    let chosen =
        covering.or_else(|| priced.max_by_key(|p| (p.quota_mb, std::cmp::Reverse(p.price))));
    let Some(pkg) = chosen else {
        return DebtEstimate {
            debt_mb: debt,
            package_name: None,
            estimated_rp_raw: None,
            estimated_rp: None,
        };
    };
    // price × debt / quota, half-up, in integers: price × centi / (quota × 100).
    let num = i128::from(pkg.price.0) * i128::from(debt.centi());
    let den = i128::from(pkg.quota_mb) * 100;
    let raw = Rupiah(i64::try_from((2 * num + den) / (2 * den)).unwrap_or(i64::MAX));
    DebtEstimate {
        debt_mb: debt,
        package_name: Some(pkg.name.clone()),
        estimated_rp_raw: Some(raw),
        estimated_rp: Some(raw.round_up_to_10k()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::units::BYTES_PER_MB;
    use proptest::prelude::*;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-25T08:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    fn acc(purchased_mb: i64, used_mb: i64) -> QuotaAccount {
        QuotaAccount {
            role: Role::User,
            is_unlimited: false,
            purchased_mb,
            auto_debt_offset_mb: 0,
            used: Bytes::from_mb(used_mb),
            expiry: None,
        }
    }

    fn debt(n: u8, date: u32, amount: i64, paid: i64) -> ManualDebt {
        ManualDebt {
            id: Uuid::from_bytes([n; 16]),
            debt_date: NaiveDate::from_ymd_opt(2026, 11, date),
            created_at: now(),
            amount_mb: amount,
            paid_mb: paid,
        }
    }

    #[test]
    fn expiry_strategies() {
        let later = now() + Duration::days(20);
        let earlier = now() - Duration::days(3);
        let s = ExpiryStrategy::ExtendActive;
        assert_eq!(
            s.new_expiry(Some(later), now(), 30),
            Some(later + Duration::days(30))
        );
        assert_eq!(
            s.new_expiry(Some(earlier), now(), 30),
            Some(now() + Duration::days(30))
        );
        assert_eq!(
            s.new_expiry(None, now(), 30),
            Some(now() + Duration::days(30))
        );
        assert_eq!(s.new_expiry(Some(later), now(), 0), Some(later));
        assert_eq!(s.new_expiry(None, now(), -1), None);
        let r = ExpiryStrategy::ResetFromNow;
        assert_eq!(
            r.new_expiry(Some(later), now(), 30),
            Some(now() + Duration::days(30))
        );
        assert_eq!(r.new_expiry(Some(later), now(), 0), Some(later));
        assert_eq!("reset_from_now".parse(), Ok(ExpiryStrategy::ResetFromNow));
        assert_eq!(" Extend_Active ".parse(), Ok(ExpiryStrategy::ExtendActive));
        assert!("forever".parse::<ExpiryStrategy>().is_err());
        assert!(s.new_expiry(Some(now()), now(), i64::MAX).is_some());
    }

    #[test]
    fn auto_debt_is_used_minus_quota_and_offset() {
        let mut a = acc(1000, 1010);
        assert_eq!(a.auto_debt(), Bytes::from_mb(10));
        a.auto_debt_offset_mb = 4;
        assert_eq!(a.auto_debt_mb(), Megabytes::from_whole(6));
        assert_eq!(acc(1000, 900).auto_debt(), Bytes::ZERO);
        for role in [Role::Komandan, Role::Admin, Role::SuperAdmin] {
            assert_eq!(
                QuotaAccount {
                    role,
                    ..acc(0, 500)
                }
                .auto_debt(),
                Bytes::ZERO
            );
        }
        assert_eq!(
            QuotaAccount {
                is_unlimited: true,
                ..acc(0, 500)
            }
            .auto_debt(),
            Bytes::ZERO
        );
        let mut b = QuotaAccount {
            used: Bytes(1000 * BYTES_PER_MB + 1),
            ..acc(1000, 0)
        };
        assert_eq!(b.settle_auto_debt(), 1);
        assert_eq!(b.auto_debt(), Bytes::ZERO);
    }

    #[test]
    fn debts_are_paid_first_auto_then_manual_oldest_first() {
        // The reference's own scenario: 1000 bought, 1030 used, 100 manual, inject 200.
        let a = acc(1000, 1030);
        let debts = [debt(2, 20, 60, 0), debt(1, 10, 40, 0)];
        let out = apply_grant(
            &a,
            Grant::quota(200, 0),
            &debts,
            now(),
            ExpiryStrategy::ExtendActive,
        );
        assert_eq!(out.paid_auto_mb, 30);
        assert_eq!(
            out.manual_payments,
            vec![(debts[1].id, 40), (debts[0].id, 60)]
        );
        assert_eq!(out.added_purchased_mb, 70);
        assert_eq!(out.account.auto_debt_offset_mb, 30);
        assert_eq!(out.account.purchased_mb, 1070);
        // Every MB is accounted for, and the user keeps exactly what they did not owe.
        assert_eq!(
            out.paid_auto_mb + out.paid_manual_mb() + out.added_purchased_mb,
            200
        );
        assert_eq!(out.account.remaining(), Bytes::from_mb(70));
        assert_eq!(out.account.auto_debt(), Bytes::ZERO);
    }

    #[test]
    fn small_grants_only_reduce_debt() {
        let a = acc(1000, 1500);
        let out = apply_grant(
            &a,
            Grant::quota(200, 30),
            &[debt(1, 1, 50, 0)],
            now(),
            ExpiryStrategy::ExtendActive,
        );
        assert_eq!(
            (
                out.paid_auto_mb,
                out.paid_manual_mb(),
                out.added_purchased_mb
            ),
            (200, 0, 0)
        );
        assert_eq!(out.account.auto_debt(), Bytes::from_mb(300));
        assert_eq!(out.account.expiry, Some(now() + Duration::days(30)));
        let partial = apply_grant(
            &acc(10, 0),
            Grant::quota(30, 0),
            &[debt(1, 1, 50, 10)],
            now(),
            ExpiryStrategy::ExtendActive,
        );
        assert_eq!(
            partial.manual_payments,
            vec![(Uuid::from_bytes([1; 16]), 30)]
        );
        assert_eq!(partial.account.purchased_mb, 10);
    }

    #[test]
    fn debt_advance_does_not_pay_manual_debts() {
        let grant = Grant {
            pay_manual_debts: false,
            ..Grant::quota(1024, 30)
        };
        let out = apply_grant(
            &acc(0, 10),
            grant,
            &[debt(1, 1, 1024, 0)],
            now(),
            ExpiryStrategy::ExtendActive,
        );
        assert_eq!(out.paid_auto_mb, 10);
        assert!(out.manual_payments.is_empty());
        assert_eq!(out.account.purchased_mb, 1014);
    }

    #[test]
    fn komandan_overshoot_is_forgiven_not_billed() {
        let a = QuotaAccount {
            role: Role::Komandan,
            ..acc(1000, 1200)
        };
        let out = apply_grant(
            &a,
            Grant::quota(500, 30),
            &[debt(1, 1, 100, 0)],
            now(),
            ExpiryStrategy::ExtendActive,
        );
        assert_eq!(out.absorbed_mb, 200);
        assert_eq!(out.paid_auto_mb, 0);
        assert!(out.manual_payments.is_empty());
        assert_eq!(out.account.remaining(), Bytes::from_mb(500));
    }

    #[test]
    fn unlimited_grants_and_leaving_unlimited() {
        let a = acc(1000, 1300);
        let out = apply_grant(
            &a,
            Grant::unlimited(30),
            &[],
            now(),
            ExpiryStrategy::ExtendActive,
        );
        assert!(out.account.is_unlimited);
        assert_eq!(out.absorbed_mb, 300);
        assert_eq!(out.account.auto_debt(), Bytes::ZERO);
        assert_eq!(out.account.expiry, Some(now() + Duration::days(30)));

        // 5 GB used while unlimited, then a 2 GB package: none of it becomes debt.
        let mut during = out.account.clone();
        during.used += Bytes::from_mb(5120);
        let back = apply_grant(
            &during,
            Grant::quota(2048, 30),
            &[],
            now(),
            ExpiryStrategy::ExtendActive,
        );
        assert!(!back.account.is_unlimited);
        assert_eq!(back.absorbed_mb, 5120);
        assert_eq!(back.paid_auto_mb, 0);
        assert_eq!(back.account.remaining(), Bytes::from_mb(2048));
        assert_eq!(back.account.expiry, Some(now() + Duration::days(60)));
    }

    #[test]
    fn days_only_grant_keeps_quota() {
        let a = QuotaAccount {
            is_unlimited: true,
            ..acc(0, 0)
        };
        let out = apply_grant(
            &a,
            Grant::quota(0, 7),
            &[],
            now(),
            ExpiryStrategy::ResetFromNow,
        );
        assert!(out.account.is_unlimited);
        assert_eq!(out.account.expiry, Some(now() + Duration::days(7)));
    }

    #[test]
    fn manual_debt_proration() {
        assert_eq!(
            manual_debt_price_due(Rupiah(50_000), 10_240, 10_240),
            Rupiah(50_000)
        );
        assert_eq!(
            manual_debt_price_due(Rupiah(50_000), 10_240, 5_120),
            Rupiah(25_000)
        );
        assert_eq!(manual_debt_price_due(Rupiah(10_000), 3, 1), Rupiah(3_334));
        assert_eq!(manual_debt_price_due(Rupiah(10_000), 3, 0), Rupiah::ZERO);
        assert_eq!(manual_debt_price_due(Rupiah(10_000), 0, 5), Rupiah::ZERO);
    }

    #[test]
    fn debt_price_estimates() {
        let pkgs = vec![
            PackagePrice {
                name: "Unlimited".into(),
                price: Rupiah(150_000),
                quota_mb: 0,
            },
            PackagePrice {
                name: "10 GB".into(),
                price: Rupiah(50_000),
                quota_mb: 10_240,
            },
            PackagePrice {
                name: "1 GB".into(),
                price: Rupiah(10_000),
                quota_mb: 1024,
            },
            PackagePrice {
                name: "30 GB".into(),
                price: Rupiah(100_000),
                quota_mb: 30_720,
            },
        ];
        let e = estimate_debt_price(Megabytes::from_whole(500), &pkgs);
        assert_eq!(e.package_name.as_deref(), Some("1 GB"));
        assert_eq!(e.estimated_rp_raw, Some(Rupiah(4_883))); // 10000 × 500 / 1024 = 4882.8
        assert_eq!(e.estimated_rp, Some(Rupiah(10_000)));
        let e = estimate_debt_price(Megabytes::from_whole(5000), &pkgs);
        assert_eq!(e.package_name.as_deref(), Some("10 GB"));
        assert_eq!(e.estimated_rp_raw, Some(Rupiah(24_414)));
        assert_eq!(e.estimated_rp, Some(Rupiah(30_000)));
        let e = estimate_debt_price(Megabytes::from_whole(40_000), &pkgs);
        assert_eq!(e.package_name.as_deref(), Some("30 GB"));
        assert_eq!(e.estimated_rp, Some(Rupiah(140_000)));
        assert_eq!(
            estimate_debt_price(Megabytes::ZERO, &pkgs).estimated_rp,
            Some(Rupiah::ZERO)
        );
        let none = estimate_debt_price(Megabytes::from_whole(5), &pkgs[..1]);
        assert_eq!((none.estimated_rp, none.package_name), (None, None));
    }

    fn arb_account() -> impl Strategy<Value = QuotaAccount> {
        (
            prop::sample::select(Role::ALL.to_vec()),
            any::<bool>(),
            0i64..50_000,
            0i64..5_000,
            0i64..60_000 * BYTES_PER_MB,
        )
            .prop_map(
                |(role, is_unlimited, purchased_mb, offset, used)| QuotaAccount {
                    role,
                    is_unlimited,
                    purchased_mb,
                    auto_debt_offset_mb: offset,
                    used: Bytes(used),
                    expiry: None,
                },
            )
    }

    proptest! {
        /// Conservation: every granted MB is either debt paid or quota added, nothing more.
        #[test]
        fn grants_conserve_megabytes(a in arb_account(), mb in 0i64..100_000, debts in prop::collection::vec((1i64..5_000, 0i64..5_000), 0..5)) {
            let open: Vec<ManualDebt> = debts.iter().enumerate().map(|(i, (amount, paid))| ManualDebt {
                id: Uuid::from_bytes([i as u8; 16]), debt_date: None, created_at: now(), amount_mb: *amount, paid_mb: (*paid).min(*amount),
            }).collect();
            let out = apply_grant(&a, Grant::quota(mb, 0), &open, now(), ExpiryStrategy::ExtendActive);
            prop_assert_eq!(out.paid_auto_mb + out.paid_manual_mb() + out.added_purchased_mb, mb);
            prop_assert!(out.account.used == a.used);
            // No debt is created by a grant; exempt users never keep auto debt.
            prop_assert!(out.account.auto_debt() <= a.auto_debt());
            if a.role.is_debt_exempt() || a.is_unlimited { prop_assert_eq!(out.account.overshoot(), Bytes::ZERO); }
            // Manual payments never exceed what is open on each item.
            for (id, paid) in &out.manual_payments {
                let d = open.iter().find(|d| d.id == *id).unwrap();
                prop_assert!(*paid > 0 && *paid <= d.remaining_mb());
            }
            // Remaining grows by exactly the quota that reached the user (whole-MB debt
            // rounding may add less than one MB).
            let gained = out.account.remaining().0 - a.remaining().0;
            if a.auto_debt() == Bytes::ZERO && out.absorbed_mb == 0 {
                prop_assert_eq!(gained, Bytes::from_mb(out.added_purchased_mb).0);
            }
        }

        #[test]
        fn applying_is_deterministic(a in arb_account(), mb in 0i64..10_000, days in -5i64..400) {
            let g = Grant::quota(mb, days);
            prop_assert_eq!(apply_grant(&a, g, &[], now(), ExpiryStrategy::ExtendActive), apply_grant(&a, g, &[], now(), ExpiryStrategy::ExtendActive));
        }
    }
}
