//! `saring router push --all|--router NAME`: bring a router fully in line with the database
//! (after a router swap or a reset), the same push the worker does after a reboot.

use clap::Subcommand;

#[derive(Subcommand)]
pub enum RouterCommand {
    /// Push every user's policy (bindings, status lists, hotspot users) to the router(s).
    Push {
        /// Every enabled router.
        #[arg(long, conflicts_with = "router")]
        all: bool,
        /// One router by name.
        #[arg(long)]
        router: Option<String>,
    },
}

pub async fn run(cmd: RouterCommand) -> anyhow::Result<()> {
    let RouterCommand::Push { all, router } = cmd;
    if !all && router.is_none() {
        anyhow::bail!("say --all or --router NAME");
    }
    let app = crate::cmd_job::connect().await?;
    for r in saring_app::sync::push::routers_named(&app, router.as_deref()).await? {
        let report = saring_app::sync::push::push_router(&app, &r).await?;
        // The per-user syncs queued by the push (hotspot users) run now.
        while saring_app::policysync::run_outbox(&app, 100).await? > 0 {}
        println!("{}", serde_json::to_string_pretty(&report)?);
    }
    Ok(())
}
