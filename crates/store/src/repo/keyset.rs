//! Keyset paging for exports: "after the last row of the previous batch" as a condition on
//! an ordering column and the id that breaks its ties, so a batch costs the same at the end
//! of a long export as at its start (no `OFFSET`).

use sea_orm::sea_query::IntoCondition;
use sea_orm::{ColumnTrait, Condition, Value};
use uuid::Uuid;

/// Rows after `(value, id)` in the order `(column, id_column)`, ascending or descending.
pub fn after<C, V>(column: C, value: V, id_column: C, id: Uuid, descending: bool) -> Condition
where
    C: ColumnTrait,
    V: Into<Value> + Clone,
{
    let (from, beyond, beyond_id) = if descending {
        (
            column.lte(value.clone()),
            column.lt(value.clone()),
            id_column.lt(id),
        )
    } else {
        (
            column.gte(value.clone()),
            column.gt(value.clone()),
            id_column.gt(id),
        )
    };
    // The redundant bound on `column` alone lets the database range-scan an index on it
    // instead of testing the `OR` on every row.
    Condition::all()
        .add(from)
        .add(
            Condition::any()
                .add(beyond)
                .add(Condition::all().add(column.eq(value)).add(beyond_id)),
        )
        .into_condition()
}
