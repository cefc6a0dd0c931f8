//! `saring quota reset`: the reference's monthly / bulk reset commands. Usage goes back to
//! zero (and, with `--purchased`, the purchased quota too) in one transaction per user with a
//! ledger row; `--key` makes a rerun of the same reset a no-op.

use clap::Subcommand;
use saring_app::sync::push::{ResetScope, reset_quota};
use saring_domain::Phone;
use saring_store::repo::users;

#[derive(Subcommand)]
pub enum QuotaCommand {
    /// Reset usage of users (every USER/KOMANDAN of the router(s), or the given phones).
    Reset {
        #[arg(long)]
        router: Option<String>,
        /// A user by phone (repeatable).
        #[arg(long = "user")]
        users: Vec<String>,
        /// Also zero the purchased quota (start a new period).
        #[arg(long)]
        purchased: bool,
        /// Idempotency key of this reset, e.g. `monthly-2026-12` (default: today's date).
        #[arg(long)]
        key: Option<String>,
    },
}

pub async fn run(cmd: QuotaCommand) -> anyhow::Result<()> {
    let QuotaCommand::Reset {
        router,
        users: phones,
        purchased,
        key,
    } = cmd;
    let app = crate::cmd_job::connect().await?;
    let mut ids = Vec::new();
    for p in &phones {
        let phone = Phone::parse(p).map_err(|e| anyhow::anyhow!("--user {p:?}: {e}"))?;
        let user = users::find_by_phone(app.db(), &phone)
            .await?
            .ok_or_else(|| anyhow::anyhow!("no user with phone {p}"))?;
        ids.push(user.id);
    }
    let key = key.unwrap_or_else(|| format!("reset-{}", app.config().app.timezone.date(app.now())));
    let report = reset_quota(
        &app,
        &ResetScope {
            users: ids,
            router,
            purchased_too: purchased,
        },
        &key,
    )
    .await?;
    while saring_app::router::user_sync::run_outbox(&app, 100).await? > 0 {}
    println!("{}", serde_json::to_string_pretty(&report)?);
    Ok(())
}
