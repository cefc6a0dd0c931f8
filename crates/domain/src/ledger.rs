//! A change to a user's quota or access state, as the quota ledger records it.
//!
//! Every such change — a purchase, a debt payment, a reset, the grant on approval, a block or
//! unblock, and the operator's inject, adjust, komandan grants, manual debts and vouchers to
//! come — is described by one [`QuotaChange`] and written by one function in `saring-app`
//! (`ledger::apply`): the ledger row keyed by `(user, source, key)` and the user's new state
//! in the same transaction, so a replay finds the key and changes nothing.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::ids::UserId;
use crate::quota::QuotaAccount;

/// The block part of a user's state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockState {
    pub is_blocked: bool,
    pub blocked_reason: Option<String>,
}

impl BlockState {
    pub fn blocked(reason: impl Into<String>) -> Self {
        BlockState {
            is_blocked: true,
            blocked_reason: Some(reason.into()),
        }
    }

    pub fn unblocked() -> Self {
        BlockState {
            is_blocked: false,
            blocked_reason: None,
        }
    }
}

/// One change to a user's quota and/or block state.
#[derive(Debug, Clone, PartialEq)]
pub struct QuotaChange {
    /// What made it (`purchase_package`, `transactions.debt_settlement_success`,
    /// `quota.reset`, `registration.approve`, `policy.block_transition:…`, `admin.inject`, …).
    pub source: String,
    /// Unique per user and source: the same key twice is one change.
    pub key: String,
    /// The administrator who made it, if one did.
    pub actor: Option<UserId>,
    /// The quota columns afterwards (`None`: unchanged).
    pub quota: Option<QuotaAccount>,
    /// The block state afterwards (`None`: unchanged).
    pub block: Option<BlockState>,
    /// What the ledger keeps about it (order, package, amounts, reason…).
    pub details: Value,
}

impl QuotaChange {
    /// The quota becomes `after`.
    pub fn quota(source: impl Into<String>, key: impl Into<String>, after: QuotaAccount) -> Self {
        QuotaChange {
            source: source.into(),
            key: key.into(),
            actor: None,
            quota: Some(after),
            block: None,
            details: Value::Null,
        }
    }

    /// The block state becomes `after`.
    pub fn block(source: impl Into<String>, key: impl Into<String>, after: BlockState) -> Self {
        QuotaChange {
            source: source.into(),
            key: key.into(),
            actor: None,
            quota: None,
            block: Some(after),
            details: Value::Null,
        }
    }

    #[must_use]
    pub fn by(mut self, actor: Option<UserId>) -> Self {
        self.actor = actor;
        self
    }

    #[must_use]
    pub fn with_details(mut self, details: Value) -> Self {
        self.details = details;
        self
    }

    /// The block state changes too (a debt payment that lifts a debt block).
    #[must_use]
    pub fn and_block(mut self, after: BlockState) -> Self {
        self.block = Some(after);
        self
    }

    /// The ledger's before and after documents: the quota account (when the quota changes)
    /// with the block fields (when the block state changes) alongside.
    pub fn states(&self, quota: &QuotaAccount, block: &BlockState) -> (Value, Value) {
        let doc = |q: Option<&QuotaAccount>, b: Option<&BlockState>| {
            let mut doc = serde_json::Map::new();
            for part in [
                q.and_then(|q| serde_json::to_value(q).ok()),
                b.and_then(|b| serde_json::to_value(b).ok()),
            ]
            .into_iter()
            .flatten()
            {
                if let Value::Object(fields) = part {
                    doc.extend(fields);
                }
            }
            Value::Object(doc)
        };
        (
            doc(
                self.quota.as_ref().map(|_| quota),
                self.block.as_ref().map(|_| block),
            ),
            doc(self.quota.as_ref(), self.block.as_ref()),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Bytes, Role};

    fn account(purchased_mb: i64) -> QuotaAccount {
        QuotaAccount {
            role: Role::User,
            is_unlimited: false,
            purchased_mb,
            auto_debt_offset_mb: 0,
            used: Bytes::ZERO,
            expiry: None,
        }
    }

    #[test]
    fn ledger_documents_hold_what_changed() {
        let change = QuotaChange::quota("purchase_package", "purchase:X", account(1024));
        let (before, after) = change.states(&account(0), &BlockState::unblocked());
        assert_eq!(before["purchased_mb"], 0);
        assert_eq!(after["purchased_mb"], 1024);
        assert!(after.get("is_blocked").is_none());
        let quota: QuotaAccount = serde_json::from_value(after).unwrap();
        assert_eq!(quota, account(1024));

        let lifted =
            QuotaChange::quota("debt", "debt:X", account(10)).and_block(BlockState::unblocked());
        let (before, after) = lifted.states(&account(0), &BlockState::blocked("tunggakan"));
        assert_eq!(
            (before["is_blocked"].clone(), after["is_blocked"].clone()),
            (true.into(), false.into())
        );
        assert_eq!(after["purchased_mb"], 10);

        let block = QuotaChange::block("policy", "k", BlockState::blocked("x"));
        let (before, after) = block.states(&account(5), &BlockState::unblocked());
        assert!(before.get("purchased_mb").is_none());
        assert_eq!(after["blocked_reason"], "x");
    }
}
