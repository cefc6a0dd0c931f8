//! `saring admin create`: an approved administrator who logs in with a password;
//! `saring admin set-password`: a new password for one (the way back in for a locked-out
//! super admin).

use clap::Subcommand;
use saring_app::accounts::{CreateAdmin, create_admin};
use saring_app::{App, AppError, Mode};
use saring_domain::Phone;
use secrecy::SecretString;

#[derive(Subcommand)]
pub enum AdminCommand {
    /// Create an administrator (approved and active). The password is read from stdin.
    Create {
        /// Phone number (any usual form: 0812…, +62 812…, 62812…).
        #[arg(long)]
        phone: String,
        /// Full name.
        #[arg(long)]
        name: String,
        /// Read the password from the first line of stdin (required: passwords never go on
        /// the command line, where other users could see them).
        #[arg(long, required = true)]
        password_stdin: bool,
        /// Make a SUPER_ADMIN instead of an ADMIN.
        #[arg(long = "super")]
        super_admin: bool,
    },
    /// Set an administrator's password (read from stdin); their sessions end.
    SetPassword {
        #[arg(long)]
        phone: String,
        /// Read the password from the first line of stdin (required).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
}

pub async fn run(cmd: AdminCommand) -> anyhow::Result<()> {
    let (phone, name, super_admin) = match cmd {
        AdminCommand::Create {
            phone,
            name,
            password_stdin: _,
            super_admin,
        } => (phone, name, super_admin),
        AdminCommand::SetPassword {
            phone,
            password_stdin: _,
        } => return set_password(&phone).await,
    };
    let phone = Phone::parse(&phone).map_err(|e| anyhow::anyhow!("--phone {phone:?}: {e}"))?;
    let password = SecretString::from(crate::read_stdin_line("the password")?);
    let config = crate::load_embedded_config(false)?;
    let app = App::connect(config, Mode::Embedded).await?;
    match create_admin(
        &app,
        CreateAdmin {
            phone,
            full_name: name,
            password,
            super_admin,
        },
    )
    .await
    {
        Ok(user) => {
            println!(
                "created {} {} ({}), id {}",
                user.role.as_str(),
                user.full_name,
                user.phone.local(),
                user.id
            );
            Ok(())
        }
        Err(AppError::Rejected(body)) => anyhow::bail!("{}", body.message),
        Err(e) => Err(e.into()),
    }
}

async fn set_password(raw: &str) -> anyhow::Result<()> {
    let phone = Phone::parse(raw).map_err(|e| anyhow::anyhow!("--phone {raw:?}: {e}"))?;
    let password = SecretString::from(crate::read_stdin_line("the password")?);
    let app = crate::cmd_job::connect().await?;
    let user = saring_store::repo::users::find_by_phone(app.db(), &phone)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no account with phone number {}", phone.local()))?;
    match saring_app::accounts::set_admin_password(&app, user.id, &password).await {
        Ok(user) => {
            println!(
                "password of {} {} ({}) set; their sessions have ended",
                user.role.as_str(),
                user.full_name,
                user.phone.local()
            );
            Ok(())
        }
        Err(AppError::Rejected(body)) => anyhow::bail!("{}", body.message),
        Err(e) => Err(e.into()),
    }
}
