//! Sessions that can be ended and devices that prove who holds them:
//!
//! * `users.session_epoch`: access tokens carry the epoch they were issued in; bumping it
//!   (logout, revocation, deactivation, block) ends every access token of that user at once.
//! * `refresh_tokens.role_cap`: the highest role a session may act as. An administrator who
//!   logs in with a WhatsApp OTP gets a `USER` session, however often it is refreshed.
//! * `device_credentials`: a secret issued to the browser that logged in with an OTP from a
//!   device, stored as a SHA-256 hash and bound to that device row (removing the device, or
//!   moving its MAC to another account, deletes it). One-tap re-login needs it: knowing a
//!   device's IP and MAC is not enough.

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::{create_all, drop_all, fk, index, tz, tz_null, unique};

#[derive(DeriveMigrationName)]
pub struct Migration;

const CASCADE: ForeignKeyAction = ForeignKeyAction::Cascade;

fn device_credentials() -> TableCreateStatement {
    let mut t = Table::create();
    t.table("device_credentials")
        .col(pk_uuid("id"))
        .col(uuid("device_id"))
        .col(uuid("user_id"))
        // sha256 hex of the raw credential; the raw value lives only in the browser.
        .col(string_len("token_hash", 64))
        .col(tz("created_at"))
        .col(tz("expires_at"))
        .col(tz_null("last_used_at"))
        .foreign_key(&mut fk(
            "device_credentials",
            "device_id",
            "user_devices",
            CASCADE,
        ))
        .foreign_key(&mut fk("device_credentials", "user_id", "users", CASCADE));
    t
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite alters one column per statement.
        manager
            .alter_table(
                Table::alter()
                    .table("users")
                    .add_column(big_integer("session_epoch").default(0))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("refresh_tokens")
                    .add_column(string_len_null("role_cap", 20))
                    .to_owned(),
            )
            .await?;
        create_all(
            manager,
            vec![device_credentials()],
            vec![
                unique("device_credentials", &["token_hash"]),
                index("device_credentials", &["device_id"]),
                index("device_credentials", &["user_id"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_all(manager, &["device_credentials"]).await?;
        manager
            .alter_table(
                Table::alter()
                    .table("refresh_tokens")
                    .drop_column("role_cap")
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("users")
                    .drop_column("session_epoch")
                    .to_owned(),
            )
            .await
    }
}
