//! What a debt costs now, read from the database: the open items and the pricing catalog,
//! priced and settled by the domain's arithmetic ([`saring_domain::debt`]).

pub use saring_domain::debt::{
    DebtQuote, DebtScope, SettlementPlan, estimate_mb, plan, quote_from,
};
use saring_domain::money::Rupiah;
use saring_domain::quota::PackagePrice;
use saring_domain::user::User;
use saring_store::repo::{debts, packages};

use crate::error::AppResult;

/// The pricing catalog: active packages with a quota and a price.
pub async fn catalog<C: sea_orm::ConnectionTrait>(db: &C) -> AppResult<Vec<PackagePrice>> {
    Ok(packages::list(db, true)
        .await?
        .into_iter()
        .map(|p| PackagePrice {
            name: p.name,
            price: Rupiah(p.price),
            quota_mb: p.quota_mb,
        })
        .collect())
}

/// Loads and prices the user's debt in `scope`.
pub async fn quote<C: sea_orm::ConnectionTrait>(
    db: &C,
    user: &User,
    scope: DebtScope,
) -> AppResult<DebtQuote> {
    let open = debts::open_for_user(db, user.id).await?;
    let catalog = catalog(db).await?;
    Ok(quote_from(&user.quota_account(), open, scope, &catalog))
}
