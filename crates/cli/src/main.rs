//! # saring
//!
//! The one binary: reads the configuration, wires the crates together and runs a subcommand
//! (`run`, `serve`, `worker`, `migrate`, `config check`, `admin create`, `policy eval`,
//! `routeros …`). Everything it does is a thin call into `saring-app` and friends.

mod cmd_admin;
mod cmd_backup;
mod cmd_config;
mod cmd_job;
mod cmd_migrate;
mod cmd_policy;
mod cmd_quota;
mod cmd_router;
mod cmd_run;
mod cmd_user;
mod routeros_cmd;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// mimalloc for Rust and (with `override`) for SQLite's C allocations: less CPU in the
/// quota sync and the API than glibc's allocator (docs/worker.md § Performance).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "saring",
    version,
    about = "WiFi hotspot portal and billing for MikroTik routers"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Embedded mode: API + worker + SPA + router simulator in one process (the demo).
    Run(cmd_run::RunArgs),
    /// Production API server (PostgreSQL, Redis, real routers, Midtrans, WhatsApp).
    Serve(cmd_run::ServeArgs),
    /// Production background worker (quota sync, policy sync, scheduled jobs).
    Worker,
    /// Apply database migrations to DATABASE_URL.
    Migrate,
    /// Inspect the configuration.
    #[command(subcommand)]
    Config(cmd_config::ConfigCommand),
    /// Manage administrator accounts.
    #[command(subcommand)]
    Admin(cmd_admin::AdminCommand),
    /// Explain the access policy.
    #[command(subcommand)]
    Policy(cmd_policy::PolicyCommand),
    /// Scheduled jobs: list them, run one now.
    #[command(subcommand)]
    Job(cmd_job::JobCommand),
    /// Routers: list, add, change, check, remove, push the database's policy.
    #[command(subcommand)]
    Router(cmd_router::RouterCommand),
    /// Users: list, show, approve, reject, roles, blocks, quota, unlimited, delete.
    User {
        #[command(subcommand)]
        command: cmd_user::UserCommand,
        #[command(flatten)]
        actor: cmd_user::Actor,
    },
    /// Manual debts: list, add, settle (with a receipt).
    Debt {
        #[command(subcommand)]
        command: cmd_user::DebtCommand,
        #[command(flatten)]
        actor: cmd_user::Actor,
    },
    /// Quota resets.
    #[command(subcommand)]
    Quota(cmd_quota::QuotaCommand),
    /// Backups of the whole database: create, list, verify, restore.
    #[command(subcommand)]
    Backup(cmd_backup::BackupCommand),
    /// Talk to a router (real or simulated), or run the RouterOS simulator.
    Routeros(Box<routeros_cmd::RouterosArgs>),
}

fn init_tracing(default_level: &str, json: bool) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("LOG_LEVEL")
        .or_else(|_| EnvFilter::try_from_default_env())
        .unwrap_or_else(|_| EnvFilter::new(default_level));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let result = if json {
        builder.json().try_init()
    } else {
        builder.compact().try_init()
    };
    if let Err(e) = result {
        eprintln!("saring: could not set up logging: {e}");
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("saring: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let quiet = matches!(cli.command, Command::Policy(_) | Command::Config(_));
    let json_logs = std::env::var("LOG_FORMAT_JSON")
        .is_ok_and(|v| saring_app::config::parse_bool(&v).unwrap_or(false));
    init_tracing(if quiet { "warn" } else { "info" }, json_logs);

    let result = runtime.block_on(async move {
        match cli.command {
            Command::Run(args) => cmd_run::run(args).await,
            Command::Serve(args) => cmd_run::serve(args).await,
            Command::Worker => cmd_run::worker().await,
            Command::Migrate => cmd_migrate::run().await,
            Command::Config(c) => cmd_config::run(c),
            Command::Admin(c) => cmd_admin::run(c).await,
            Command::Policy(c) => cmd_policy::run(c),
            Command::Job(c) => cmd_job::run(c).await,
            Command::Router(c) => cmd_router::run(c).await,
            Command::Quota(c) => cmd_quota::run(c).await,
            Command::Backup(c) => cmd_backup::run(c).await,
            Command::User { command, actor } => cmd_user::run_user(command, actor).await,
            Command::Debt { command, actor } => cmd_user::run_debt(command, actor).await,
            Command::Routeros(args) => match args.command {
                routeros_cmd::RouterosCommand::SetupScript(a) => cmd_router::setup_script(a).await,
                command => {
                    routeros_cmd::run(routeros_cmd::RouterosArgs { command }, resolve_router).await
                }
            },
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("saring: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// `--router NAME`: the router's connection settings from the database.
async fn resolve_router(name: &str) -> anyhow::Result<saring_routeros::ConnectOptions> {
    let config = load_embedded_config(false)?;
    let app = saring_app::App::connect(config, saring_app::Mode::Embedded).await?;
    Ok(saring_app::router::options_by_name(&app, name).await?)
}

/// Loads the configuration for a mode, printing every problem found.
/// The first line of stdin (a password: never on the command line), without its newline.
pub fn read_stdin_line(what: &str) -> anyhow::Result<String> {
    use anyhow::Context as _;
    use std::io::BufRead as _;
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .with_context(|| format!("reading {what} from stdin"))?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

pub fn load_config(mode: saring_app::Mode) -> anyhow::Result<saring_app::Config> {
    config_from(&std::env::vars().collect(), mode)
}

fn config_from(
    vars: &std::collections::HashMap<String, String>,
    mode: saring_app::Mode,
) -> anyhow::Result<saring_app::Config> {
    match saring_app::Config::from_vars(vars, mode) {
        Ok((config, _)) => Ok(config),
        Err(errors) => {
            let list: Vec<String> = errors.iter().map(|e| format!("  - {e}")).collect();
            anyhow::bail!("invalid configuration:\n{}", list.join("\n"))
        }
    }
}

/// The embedded mode's configuration for commands that use its database (`run`, `admin`,
/// `job`, `router`, `quota`, `routeros --router`): unset secrets come from the data
/// directory's `secrets.json` (created on first use), so every command reads what
/// `saring run` wrote — and no install runs on a key anybody else knows.
/// `simulator`: also the simulated Midtrans' key (`saring run`).
pub fn load_embedded_config(simulator: bool) -> anyhow::Result<saring_app::Config> {
    let mut vars = std::env::vars().collect();
    let simulator_key = saring_app::embedded::secrets::fill_from_data_dir(&mut vars, simulator)
        .map_err(|e| anyhow::anyhow!("the embedded mode's secrets: {e}"))?;
    let mut config = config_from(&vars, saring_app::Mode::Embedded)?;
    config.payments.simulator_server_key = simulator_key;
    Ok(config)
}
