//! `saring admin create`: an approved administrator who logs in with a password.

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
}

pub async fn run(cmd: AdminCommand) -> anyhow::Result<()> {
    let AdminCommand::Create {
        phone,
        name,
        password_stdin: _,
        super_admin,
    } = cmd;
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
