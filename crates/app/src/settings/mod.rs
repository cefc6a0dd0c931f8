//! Run-time settings: what a super admin changes from `/admin/settings` without a restart
//! (maintenance, the app's name, payments, WhatsApp and Telegram, the registration lists, the
//! operator's branding). Each key is declared once in [`keys`] with its type and limits.
//!
//! * A value set on the page (table `application_settings`) wins over the environment; `null`
//!   removes it and the environment's value applies again.
//! * An update is checked whole before anything is written (one bad key or value and nothing
//!   changes), then written in one transaction with one action-log row per changed key
//!   (`UPDATE_SETTING`, old → new; secrets appear as "set"/"not set", never as text).
//! * Secrets are encrypted at rest and never returned or logged.
//! * Every process reads the settings through [`current`], a snapshot read again after
//!   [`RELOAD_AFTER`]: the API and the worker see a change within seconds, the process that
//!   made it at once.

pub mod keys;
pub mod recipients;
pub mod snapshot;

pub use snapshot::{Current, RELOAD_AFTER};

use std::sync::Arc;

use saring_domain::Role;
use saring_domain::api::ErrorCode;
use saring_domain::dto::settings::{SECRET_MASK, SettingView, SettingsList, SettingsSaved};
use saring_domain::user::User;
use saring_store::db::begin_write;
use saring_store::repo::{activity, settings as repo};
use serde_json::{Value, json};

use crate::config::{parse_bool, parse_list};
use crate::context::App;
use crate::error::{AppError, AppResult};
use keys::{DEFS, Def, Rule};

/// The settings in force for this process (see the module docs).
pub async fn current(app: &App) -> AppResult<Arc<Current>> {
    if let Some(c) = app.settings_cache().get() {
        return Ok(c);
    }
    let stored = repo::list(app.db()).await?;
    let mut current = Current::default();
    for def in DEFS {
        let row = stored.iter().find(|s| s.key == def.key);
        let value = match row {
            Some(s) => match (&s.value, s.is_encrypted) {
                (Some(v), true) => match app.cipher().decrypt(v) {
                    Ok(v) => Some(v),
                    Err(e) => {
                        tracing::warn!(key = def.key, error = %e, "a stored secret setting cannot be decrypted (ENCRYPTION_KEY changed?); the environment's value applies");
                        None
                    }
                },
                (Some(v), false) => Some(v.clone()),
                (None, _) => None,
            },
            None => None,
        };
        match value {
            Some(v) => {
                current.set(def.key, v, true);
            }
            None => {
                if let Some(v) = (def.fallback)(app.config()) {
                    current.set(def.key, v, false);
                }
            }
        }
    }
    let current = Arc::new(current);
    app.settings_cache().put(current.clone());
    Ok(current)
}

/// Every setting as the page shows it.
pub async fn list(app: &App) -> AppResult<SettingsList> {
    let current = current(app).await?;
    Ok(SettingsList {
        items: DEFS.iter().map(|d| view(d, &current)).collect(),
    })
}

fn view(def: &Def, current: &Current) -> SettingView {
    let value = current.get(def.key).map(|v| match def.rule {
        Rule::Secret { .. } => SECRET_MASK.to_owned(),
        _ => v.to_owned(),
    });
    let (options, min, max, max_len) = match def.rule {
        Rule::Bool => (vec![], None, None, None),
        Rule::Text { max_len, .. } | Rule::LongText { max_len } | Rule::Secret { max_len } => {
            (vec![], None, None, Some(max_len))
        }
        Rule::Int { min, max } => (vec![], Some(min), Some(max), None),
        Rule::Choice(options) => (options(), None, None, None),
        Rule::List {
            options, item_len, ..
        } => (
            options.map(|o| o()).unwrap_or_default(),
            None,
            None,
            Some(item_len),
        ),
    };
    SettingView {
        key: def.key.to_owned(),
        group: def.group.to_owned(),
        kind: def.rule.kind(),
        description: def.description.to_owned(),
        value,
        overridden: current.is_overridden(def.key),
        options,
        min,
        max,
        max_len,
    }
}

/// Applies `changes` (super admins only; see the module docs for the rules).
pub async fn update(
    app: &App,
    admin: &User,
    changes: &std::collections::BTreeMap<String, Value>,
) -> AppResult<SettingsSaved> {
    if admin.role != Role::SuperAdmin {
        return Err(AppError::rejected(
            ErrorCode::SuperAdminRequired,
            "Hanya super admin yang dapat mengubah pengaturan.",
        ));
    }
    if changes.is_empty() {
        return Err(AppError::invalid(
            "settings",
            "Tidak ada pengaturan yang dikirim.",
        ));
    }
    let mut checked = Vec::with_capacity(changes.len());
    for (key, value) in changes {
        let def = keys::def(key)
            .ok_or_else(|| AppError::invalid(key, format!("Pengaturan {key} tidak dikenal.")))?;
        let value =
            normalize(def, value).map_err(|m| AppError::invalid(key, format!("{key}: {m}")))?;
        checked.push((def, value));
    }

    let txn = begin_write(app.db()).await?;
    let mut changed = Vec::new();
    for (def, new) in &checked {
        let secret = matches!(def.rule, Rule::Secret { .. });
        let old = repo::get(&txn, app.cipher(), def.key).await.ok().flatten();
        if old == *new {
            continue;
        }
        match new {
            Some(v) => repo::put(&txn, app.cipher(), def.key, Some(v), secret).await?,
            None => {
                repo::delete(&txn, def.key).await?;
            }
        }
        let shown = |v: &Option<String>| match (v, secret) {
            (None, _) => Value::Null,
            (Some(_), true) => json!(SECRET_MASK),
            (Some(v), false) => json!(v),
        };
        activity::log_action(
            &txn,
            Some(admin.id),
            None,
            "UPDATE_SETTING",
            json!({ "key": def.key, "old": shown(&old), "new": shown(new), "reset": new.is_none() }),
        )
        .await?;
        changed.push(def.key.to_owned());
    }
    txn.commit().await.map_err(saring_store::StoreError::from)?;
    app.settings_cache().clear();
    if !changed.is_empty() {
        tracing::info!(admin_id = %admin.id, keys = ?changed, "settings changed");
    }
    Ok(SettingsSaved {
        changed,
        items: list(app).await?.items,
    })
}

/// The stored form of `value` for `def`, `None` for a reset; the message says what is wrong.
fn normalize(def: &Def, value: &Value) -> Result<Option<String>, String> {
    if value.is_null() {
        return Ok(None);
    }
    let text = || match value {
        Value::String(s) => Ok(s.trim().to_owned()),
        _ => Err("harus berupa teks.".to_owned()),
    };
    let one_line = |s: &str, max_len: u32| {
        if s.chars().any(char::is_control) {
            return Err("tidak boleh berisi baris baru atau karakter kontrol.".to_owned());
        }
        check_len(s, max_len)
    };
    match def.rule {
        Rule::Bool => {
            let b = match value {
                Value::Bool(b) => Some(*b),
                Value::String(s) => parse_bool(s).ok(),
                Value::Number(n) => match n.as_i64() {
                    Some(0) => Some(false),
                    Some(1) => Some(true),
                    _ => None,
                },
                _ => None,
            };
            b.map(|b| Some(if b { "True" } else { "False" }.to_owned()))
                .ok_or_else(|| "harus true atau false.".to_owned())
        }
        Rule::Text { max_len, empty_ok } => {
            let s = text()?;
            one_line(&s, max_len)?;
            if s.is_empty() && !empty_ok {
                return Err("tidak boleh kosong.".into());
            }
            Ok(Some(s))
        }
        Rule::LongText { max_len } => {
            let s = text()?;
            check_len(&s, max_len)?;
            Ok(Some(s))
        }
        Rule::Secret { max_len } => {
            let s = text()?;
            one_line(&s, max_len)?;
            if s.is_empty() || s == SECRET_MASK {
                return Err("isi nilai baru, atau null untuk menghapusnya.".into());
            }
            Ok(Some(s))
        }
        Rule::Int { min, max } => {
            let n = match value {
                Value::Number(n) => n.as_i64(),
                Value::String(s) => s.trim().parse().ok(),
                _ => None,
            }
            .ok_or_else(|| "harus bilangan bulat.".to_owned())?;
            if n < min || n > max {
                return Err(format!("harus antara {min} dan {max}."));
            }
            Ok(Some(n.to_string()))
        }
        Rule::Choice(options) => {
            let s = text()?.to_ascii_lowercase();
            let options = options();
            if options.contains(&s) {
                Ok(Some(s))
            } else {
                Err(format!("pilih salah satu: {}.", options.join(", ")))
            }
        }
        Rule::List {
            options,
            item_len,
            max_items,
        } => {
            let items: Vec<String> = match value {
                Value::Array(items) => items
                    .iter()
                    .map(|i| match i {
                        Value::String(s) if s.contains(',') => {
                            Err("butir daftar tidak boleh berisi koma.".to_owned())
                        }
                        Value::String(s) => Ok(s.trim().to_owned()),
                        Value::Number(n) => Ok(n.to_string()),
                        _ => Err("harus daftar teks.".to_owned()),
                    })
                    .collect::<Result<_, _>>()?,
                Value::String(s) => parse_list(s),
                _ => return Err("harus daftar teks atau teks dipisah koma.".into()),
            };
            let mut list: Vec<String> = Vec::new();
            for item in items.into_iter().filter(|i| !i.is_empty()) {
                one_line(&item, item_len)?;
                let item = if options.is_some() {
                    item.to_ascii_lowercase()
                } else {
                    item
                };
                if !list.contains(&item) {
                    list.push(item);
                }
            }
            if list.is_empty() {
                return Err("daftar tidak boleh kosong.".into());
            }
            if list.len() > max_items {
                return Err(format!("paling banyak {max_items} butir."));
            }
            if let Some(options) = options {
                let options = options();
                if let Some(bad) = list.iter().find(|i| !options.contains(i)) {
                    return Err(format!(
                        "{bad} tidak dikenal; pilihan: {}.",
                        options.join(", ")
                    ));
                }
            }
            Ok(Some(list.join(",")))
        }
    }
}

fn check_len(s: &str, max_len: u32) -> Result<(), String> {
    if s.chars().count() > max_len as usize {
        Err(format!("paling panjang {max_len} karakter."))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::keys::{self, DEFS};
    use super::normalize;
    use serde_json::json;

    fn check(key: &str, value: serde_json::Value) -> Result<Option<String>, String> {
        normalize(keys::def(key).unwrap(), &value)
    }

    #[test]
    fn values_are_stored_in_the_references_form() {
        assert_eq!(
            check(keys::MAINTENANCE_MODE_ACTIVE, json!(true)),
            Ok(Some("True".into()))
        );
        assert_eq!(
            check(keys::MAINTENANCE_MODE_ACTIVE, json!("off")),
            Ok(Some("False".into()))
        );
        assert_eq!(
            check(
                keys::CORE_API_ENABLED_VA_BANKS,
                json!(["BCA", " bni", "bca"])
            ),
            Ok(Some("bca,bni".into()))
        );
        assert_eq!(
            check(keys::BLOK_OPTIONS, json!("A, B ,C")),
            Ok(Some("A,B,C".into()))
        );
        assert_eq!(
            check(keys::PAYMENT_PROVIDER_MODE, json!("CORE_API")),
            Ok(Some("core_api".into()))
        );
        assert_eq!(check(keys::APP_NAME, json!(null)), Ok(None));
    }

    #[test]
    fn wrong_types_and_values_are_refused() {
        for (key, value) in [
            (keys::MAINTENANCE_MODE_ACTIVE, json!("maybe")),
            (keys::MAINTENANCE_MODE_ACTIVE, json!(2)),
            (keys::APP_NAME, json!(12)),
            (keys::APP_NAME, json!("")),
            (keys::APP_NAME, json!("a\nb")),
            (keys::APP_NAME, json!("x".repeat(61))),
            (keys::PAYMENT_PROVIDER_MODE, json!("paypal")),
            (
                keys::CORE_API_ENABLED_PAYMENT_METHODS,
                json!(["qris", "bitcoin"]),
            ),
            (keys::CORE_API_ENABLED_PAYMENT_METHODS, json!([])),
            (keys::BLOK_OPTIONS, json!(["A,B"])),
            (keys::BLOK_OPTIONS, json!({"a": 1})),
            (keys::WHATSAPP_API_KEY, json!("")),
            (keys::WHATSAPP_API_KEY, json!(super::SECRET_MASK)),
        ] {
            assert!(
                check(key, value.clone()).is_err(),
                "{key} = {value} was accepted"
            );
        }
    }

    #[test]
    fn keys_are_unique_and_named_like_the_environment() {
        let mut seen = std::collections::HashSet::new();
        for d in DEFS {
            assert!(seen.insert(d.key), "{} declared twice", d.key);
            assert!(d.key.chars().all(|c| c.is_ascii_uppercase() || c == '_'));
        }
    }
}
