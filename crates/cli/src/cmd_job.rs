//! `saring job list` and `saring job run <name> [--router NAME] [--dry-run]`: every scheduled
//! job, run once from the command line exactly as the worker runs it (timeout, retries, run
//! record); `--dry-run` shows what a job that supports it would do.

use std::sync::Arc;

use clap::Subcommand;
use indicatif::{ProgressBar, ProgressStyle};
use saring_app::jobs::{self, Scope};
use saring_app::{App, Mode};

#[derive(Subcommand)]
pub enum JobCommand {
    /// Every job with its schedule, last run and next run.
    List {
        /// JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Run a job once now (per-router jobs: every router, or `--router NAME`).
    Run {
        name: String,
        #[arg(long)]
        router: Option<String>,
        /// Show what the job would do and change nothing (router-audit).
        #[arg(long)]
        dry_run: bool,
    },
}

pub async fn connect() -> anyhow::Result<App> {
    saring_gateways::install_crypto_provider();
    let config = crate::load_embedded_config(false)?;
    Ok(App::connect(config, Mode::Embedded).await?)
}

pub async fn run(cmd: JobCommand) -> anyhow::Result<()> {
    let app = connect().await?;
    match cmd {
        JobCommand::List { json } => {
            let rows = jobs::status(&app).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&rows)?);
                return Ok(());
            }
            println!(
                "{:<28} {:<12} {:<22} {:<7} {:<25} next run",
                "job", "scope", "schedule", "last", "last finished"
            );
            for r in rows {
                let schedule = match &r.schedule {
                    Some(jobs::When::Every { seconds }) => format!("every {seconds}s"),
                    Some(jobs::When::Cron { expr }) => expr.clone(),
                    None => "off".into(),
                };
                let last = match r.last_ok {
                    Some(true) => "ok",
                    Some(false) => "FAILED",
                    None => "-",
                };
                println!(
                    "{:<28} {:<12} {:<22} {:<7} {:<25} {}",
                    r.job,
                    r.scope,
                    schedule,
                    last,
                    r.last_finished_at
                        .map(|t| t.to_rfc3339())
                        .unwrap_or_default(),
                    r.next_run_at.map(|t| t.to_rfc3339()).unwrap_or_default()
                );
            }
            Ok(())
        }
        JobCommand::Run {
            name,
            router,
            dry_run,
        } => {
            let spec = jobs::spec(app.config(), &name).ok_or_else(|| {
                anyhow::anyhow!(
                    "unknown job {name:?}; `saring job list` shows them: {}",
                    jobs::registry(app.config())
                        .iter()
                        .map(|j| j.name)
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })?;
            let routers = match spec.scope {
                Scope::Global => vec![None],
                Scope::PerRouter => saring_app::sync::push::routers_named(&app, router.as_deref())
                    .await?
                    .into_iter()
                    .map(Some)
                    .collect(),
            };
            if dry_run {
                for r in routers.iter().flatten() {
                    let report = jobs::run_dry(&app, &name, r).await?;
                    println!("{}", serde_json::to_string_pretty(&report)?);
                }
                return Ok(());
            }
            let mut failed = 0;
            for r in routers {
                let bar = Arc::new(ProgressBar::new(0));
                bar.set_style(
                    ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} users ({elapsed})")
                        .unwrap_or_else(|_| ProgressStyle::default_bar()),
                );
                bar.set_message(format!("{name} {}", jobs::scope_name(r.as_ref())));
                let b = bar.clone();
                let progress = move |done: u64, total: u64| {
                    b.set_length(total);
                    b.set_position(done);
                };
                let outcome = jobs::run_recorded(&app, &spec, r.as_ref(), Some(&progress)).await;
                bar.finish_and_clear();
                println!("{}", serde_json::to_string_pretty(&outcome)?);
                failed += usize::from(!outcome.ok);
            }
            if failed > 0 {
                anyhow::bail!("{failed} run(s) failed");
            }
            Ok(())
        }
    }
}
