//! `application_settings`: values the operator changes at run time (override the
//! environment). Secret values are stored encrypted.

use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ActiveValue::Set, ConnectionTrait, EntityTrait,
    IntoActiveModel, QueryOrder,
};

use crate::cipher::SecretCipher;
use crate::entities::application_settings;
use crate::error::StoreError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting {
    pub key: String,
    pub value: Option<String>,
    pub description: Option<String>,
    pub is_encrypted: bool,
}

/// The value (decrypted) of a setting, if stored.
pub async fn get<C: ConnectionTrait>(
    db: &C,
    cipher: &SecretCipher,
    key: &str,
) -> Result<Option<String>, StoreError> {
    let Some(m) = application_settings::Entity::find_by_id(key.to_owned())
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    match (m.setting_value, m.is_encrypted) {
        (Some(v), true) => Ok(Some(cipher.decrypt(&v)?)),
        (v, _) => Ok(v),
    }
}

/// Every stored setting; encrypted values stay encrypted (callers mask them).
pub async fn list<C: ConnectionTrait>(db: &C) -> Result<Vec<Setting>, StoreError> {
    Ok(application_settings::Entity::find()
        .order_by_asc(application_settings::Column::SettingKey)
        .all(db)
        .await?
        .into_iter()
        .map(|m| Setting {
            key: m.setting_key,
            value: m.setting_value,
            description: m.description,
            is_encrypted: m.is_encrypted,
        })
        .collect())
}

/// Creates or replaces a setting; `encrypt` stores the value with the cipher.
pub async fn put<C: ConnectionTrait>(
    db: &C,
    cipher: &SecretCipher,
    key: &str,
    value: Option<&str>,
    encrypt: bool,
) -> Result<(), StoreError> {
    let stored = match (value, encrypt) {
        (Some(v), true) => Some(cipher.encrypt(v)?),
        (v, _) => v.map(str::to_owned),
    };
    match application_settings::Entity::find_by_id(key.to_owned())
        .one(db)
        .await?
    {
        Some(m) => {
            let mut row = m.into_active_model();
            row.setting_value = Set(stored);
            row.is_encrypted = Set(encrypt);
            row.update(db).await?;
        }
        None => {
            application_settings::ActiveModel {
                setting_key: Set(key.to_owned()),
                setting_value: Set(stored),
                is_encrypted: Set(encrypt),
                ..application_settings::ActiveModel::new()
            }
            .insert(db)
            .await?;
        }
    }
    Ok(())
}

/// Removes a setting (the environment's value applies again); `false` when there was none.
pub async fn delete<C: ConnectionTrait>(db: &C, key: &str) -> Result<bool, StoreError> {
    Ok(application_settings::Entity::delete_by_id(key.to_owned())
        .exec(db)
        .await?
        .rows_affected
        > 0)
}
