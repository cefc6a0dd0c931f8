//! `saring backup create|list|verify|restore`: the admin page's backups from a shell, with
//! progress bars (a restore of a large database takes minutes).

use std::path::{Path, PathBuf};

use clap::Subcommand;
use indicatif::{ProgressBar, ProgressStyle};
use saring_app::App;
use saring_app::backups::{self, Progress};
use saring_domain::dto::backups::BackupKind;

#[derive(Subcommand)]
pub enum BackupCommand {
    /// Write a backup of the whole database to BACKUP_DIR (and BACKUP_COPY_DIR).
    Create,
    /// List the backups in BACKUP_DIR, newest first.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Read a backup through and check it (a name from `list`, or any file path); changes nothing.
    Verify { file: String },
    /// Replace the database with a backup (a name from `list`, or a file path, which is
    /// first verified and copied into BACKUP_DIR). A `pre-restore` backup of the current data
    /// is written first. Stop `saring serve`/`worker` (or `saring run`) before restoring.
    Restore {
        file: String,
        /// Required: the restore replaces every table.
        #[arg(long)]
        yes: bool,
        /// Skip the `pre-restore` backup of the current data.
        #[arg(long)]
        no_safety_backup: bool,
    },
}

fn bar(template: &str) -> ProgressBar {
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

/// A file path given on the command line (anything with a `/` or that exists as a file), or
/// `None` for a backup name.
fn as_path(arg: &str) -> Option<PathBuf> {
    let p = Path::new(arg);
    (arg.contains('/') || (p.is_file() && backups::kind_of(arg).is_none())).then(|| p.to_owned())
}

pub async fn run(cmd: BackupCommand) -> anyhow::Result<()> {
    let app = crate::cmd_job::connect().await?;
    match cmd {
        BackupCommand::Create => {
            let bar = bar("{spinner} {msg} {pos} rows ({elapsed})");
            let b = bar.clone();
            let mut on = move |p: Progress<'_>| {
                b.set_message(p.table.to_owned());
                b.set_position(p.done);
            };
            let created = backups::create(&app, None, BackupKind::Manual, &mut on).await;
            bar.finish_and_clear();
            let created = created?;
            println!(
                "{}  {} rows  {:.1} MB  {:.1} s",
                created.file.name,
                created.rows,
                created.file.size as f64 / 1e6,
                created.millis as f64 / 1e3
            );
            if let Some(to) = &created.copied_to {
                println!("copied to {to}");
            }
            if let Some(e) = &created.copy_error {
                anyhow::bail!("the backup is saved, but the copy to BACKUP_COPY_DIR failed: {e}");
            }
        }
        BackupCommand::List { json } => {
            let list = backups::list(&app).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&list)?);
                return Ok(());
            }
            println!("{} (keep {} scheduled)", list.dir, list.keep);
            for f in list.items {
                println!(
                    "{:<48} {:>10.1} MB  {:<20} {}",
                    f.name,
                    f.size as f64 / 1e6,
                    f.created_at,
                    f.problem.unwrap_or_default()
                );
            }
        }
        BackupCommand::Verify { file } => {
            let path = match as_path(&file) {
                Some(p) => p,
                None => backups::path_of(&app, &file)?,
            };
            let summary = backups::verify(&path).await?;
            println!(
                "ok: {} rows in {} tables, made {} by Saring {} on {}",
                summary.rows,
                summary.tables.len(),
                summary.header.created_at,
                summary.header.app_version,
                summary.header.backend
            );
        }
        BackupCommand::Restore {
            file,
            yes,
            no_safety_backup,
        } => restore(&app, &file, yes, !no_safety_backup).await?,
    }
    Ok(())
}

async fn restore(app: &App, file: &str, yes: bool, safety: bool) -> anyhow::Result<()> {
    if !yes {
        anyhow::bail!(
            "a restore replaces every table of {}; run again with --yes to go ahead",
            crate::cmd_migrate::redact(&app.config().database_url)
        );
    }
    let name = match as_path(file) {
        Some(path) => {
            let chunks = backups::file_chunks(&path).await?;
            let stored = backups::upload(app, None, Box::pin(chunks)).await?;
            println!("{} verified and copied to {}", path.display(), stored.name);
            stored.name
        }
        None => file.to_owned(),
    };
    let bar = bar("{msg} [{bar:30}] {pos}/{len} rows ({elapsed}, {eta} left)");
    bar.set_message("restoring");
    let b = bar.clone();
    let mut on = move |p: Progress<'_>| {
        b.set_length(p.total);
        b.set_position(p.done);
        b.set_message(p.table.to_owned());
        if b.is_hidden() {
            // Not a terminal (a pipe, a service log): a line per report instead of the bar.
            eprintln!("restoring {}: {}/{} rows", p.table, p.done, p.total);
        }
    };
    let report = backups::restore(app, None, &name, safety, &mut on).await;
    bar.finish_and_clear();
    let report = report?;
    println!(
        "restored {}: {} rows in {:.1} s",
        report.restored,
        report.rows,
        report.millis as f64 / 1e3
    );
    if let Some(s) = report.safety_backup {
        println!("the data it replaced is in {s} (restore that to undo)");
    }
    println!("everyone signs in again; routers follow at the next sync");
    Ok(())
}
