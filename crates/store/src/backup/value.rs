//! One column value in a backup: JSON that names no type, read back with the column's kind.
//!
//! The kinds are the value types the schema uses (`saring-migration`'s rules): text (enums
//! included), integers, booleans, UUIDs, UTC timestamps with microseconds, dates and JSON
//! documents (kept as their text, so a JSON `null` and SQL `NULL` stay apart). Any other type
//! is refused when a backup is written, so a new column type cannot be backed up silently wrong.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use sea_orm::Value;
use sea_orm::sea_query::ColumnType;
use serde_json::Value as Json;
use uuid::Uuid;

/// The type of a column, as written in a backup's table header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Int,
    BigInt,
    Bool,
    Uuid,
    Timestamp,
    Date,
    Json,
    Double,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Int => "int",
            Self::BigInt => "bigint",
            Self::Bool => "bool",
            Self::Uuid => "uuid",
            Self::Timestamp => "timestamp",
            Self::Date => "date",
            Self::Json => "json",
            Self::Double => "double",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        [
            Self::Text,
            Self::Int,
            Self::BigInt,
            Self::Bool,
            Self::Uuid,
            Self::Timestamp,
            Self::Date,
            Self::Json,
            Self::Double,
        ]
        .into_iter()
        .find(|k| k.name() == name)
    }

    /// The kind of a column of the current schema (`None`: a type backups do not carry).
    pub fn of_column(t: &ColumnType) -> Option<Self> {
        Some(match t {
            ColumnType::String(_)
            | ColumnType::Text
            | ColumnType::Char(_)
            | ColumnType::Enum { .. } => Self::Text,
            ColumnType::Integer | ColumnType::SmallInteger | ColumnType::TinyInteger => Self::Int,
            ColumnType::BigInteger => Self::BigInt,
            ColumnType::Boolean => Self::Bool,
            ColumnType::Uuid => Self::Uuid,
            ColumnType::TimestampWithTimeZone | ColumnType::Timestamp | ColumnType::DateTime => {
                Self::Timestamp
            }
            ColumnType::Date => Self::Date,
            ColumnType::Json | ColumnType::JsonBinary => Self::Json,
            ColumnType::Double | ColumnType::Float => Self::Double,
            _ => return None,
        })
    }
}

/// Writes a value read from the database (`Err`: a type backups do not carry, named).
pub fn encode(v: &Value) -> Result<Json, String> {
    Ok(match v {
        Value::String(s) => s.as_ref().map_or(Json::Null, |s| Json::String(s.clone())),
        Value::Int(n) => n.map_or(Json::Null, Json::from),
        Value::SmallInt(n) => n.map_or(Json::Null, Json::from),
        Value::TinyInt(n) => n.map_or(Json::Null, Json::from),
        Value::BigInt(n) => n.map_or(Json::Null, Json::from),
        Value::Bool(b) => b.map_or(Json::Null, Json::Bool),
        Value::Double(f) => f.map_or(Json::Null, Json::from),
        Value::Float(f) => f.map_or(Json::Null, Json::from),
        Value::Uuid(u) => u.map_or(Json::Null, |u| Json::String(u.to_string())),
        Value::ChronoDateTimeUtc(t) => t.map_or(Json::Null, |t| {
            Json::String(t.to_rfc3339_opts(SecondsFormat::Micros, true))
        }),
        Value::ChronoDate(d) => d.map_or(Json::Null, |d| Json::String(d.to_string())),
        Value::Json(j) => j
            .as_ref()
            .map_or(Json::Null, |j| Json::String(j.to_string())),
        other => return Err(format!("unsupported value type {other:?}")),
    })
}

/// Reads a value of `kind` (`Err`: the JSON does not hold one).
pub fn decode(kind: Kind, j: &Json) -> Result<Value, String> {
    let bad = || format!("not a {} value: {}", kind.name(), short(j));
    let null = j.is_null();
    let text = || j.as_str().ok_or_else(bad);
    Ok(match kind {
        Kind::Text if null => Value::String(None),
        Kind::Text => Value::String(Some(text()?.to_owned())),
        Kind::Int if null => Value::Int(None),
        Kind::Int => Value::Int(Some(
            j.as_i64()
                .and_then(|n| i32::try_from(n).ok())
                .ok_or_else(bad)?,
        )),
        Kind::BigInt if null => Value::BigInt(None),
        Kind::BigInt => Value::BigInt(Some(j.as_i64().ok_or_else(bad)?)),
        Kind::Bool if null => Value::Bool(None),
        Kind::Bool => Value::Bool(Some(j.as_bool().ok_or_else(bad)?)),
        Kind::Double if null => Value::Double(None),
        Kind::Double => Value::Double(Some(j.as_f64().ok_or_else(bad)?)),
        Kind::Uuid if null => Value::Uuid(None),
        Kind::Uuid => Value::Uuid(Some(Uuid::parse_str(text()?).map_err(|_| bad())?)),
        Kind::Timestamp if null => Value::ChronoDateTimeUtc(None),
        Kind::Timestamp => Value::ChronoDateTimeUtc(Some(
            DateTime::parse_from_rfc3339(text()?)
                .map_err(|_| bad())?
                .with_timezone(&Utc),
        )),
        Kind::Date if null => Value::ChronoDate(None),
        Kind::Date => Value::ChronoDate(Some(
            NaiveDate::parse_from_str(text()?, "%Y-%m-%d").map_err(|_| bad())?,
        )),
        Kind::Json if null => Value::Json(None),
        Kind::Json => Value::Json(Some(Box::new(
            serde_json::from_str(text()?).map_err(|_| bad())?,
        ))),
    })
}

fn short(j: &Json) -> String {
    let s = j.to_string();
    match s.char_indices().nth(40) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_round_trips_including_nulls() {
        let t = DateTime::parse_from_rfc3339("2026-12-07T21:04:54.123456Z")
            .unwrap()
            .with_timezone(&Utc);
        let cases = [
            (Kind::Text, Value::String(Some("KAMAR 1".into()))),
            (Kind::Int, Value::Int(Some(-7))),
            (Kind::BigInt, Value::BigInt(Some(i64::MAX))),
            (Kind::Bool, Value::Bool(Some(true))),
            (Kind::Double, Value::Double(Some(1.5))),
            (Kind::Uuid, Value::Uuid(Some(Uuid::new_v4()))),
            (Kind::Timestamp, Value::ChronoDateTimeUtc(Some(t))),
            (
                Kind::Date,
                Value::ChronoDate(NaiveDate::from_ymd_opt(2026, 2, 28)),
            ),
            (
                Kind::Json,
                Value::Json(Some(Box::new(serde_json::json!({"a": [1, null]})))),
            ),
            (Kind::Json, Value::Json(Some(Box::new(Json::Null)))),
            (Kind::Text, Value::String(None)),
            (Kind::Json, Value::Json(None)),
            (Kind::Timestamp, Value::ChronoDateTimeUtc(None)),
        ];
        for (kind, v) in cases {
            let j = encode(&v).unwrap();
            assert_eq!(decode(kind, &j).unwrap(), v, "{kind:?}");
            assert_eq!(Kind::parse(kind.name()), Some(kind));
        }
    }

    #[test]
    fn values_of_the_wrong_kind_are_refused() {
        assert!(decode(Kind::Int, &serde_json::json!(1_i64 << 40)).is_err());
        assert!(decode(Kind::Uuid, &serde_json::json!("not-a-uuid")).is_err());
        assert!(decode(Kind::Timestamp, &serde_json::json!(5)).is_err());
        assert!(decode(Kind::Bool, &serde_json::json!("true")).is_err());
        assert!(encode(&Value::Bytes(Some(vec![1]))).is_err());
    }
}
