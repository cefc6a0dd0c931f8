//! `saring router …`: the routers of an install (one per site). `list`, `add`, `set`,
//! `check`, `remove`, `adopt`, `release` go through the same rules as the admin API; `push` brings a router fully
//! in line with the database (after a router swap or a reset), the same push the worker does
//! after a reboot. `check` also runs verify-rules and names what the router lacks;
//! `saring routeros setup-script` (here too: it reads the router from the database) prints
//! the script that creates it.

use std::collections::BTreeMap;

use anyhow::Context as _;
use clap::{Args, Subcommand};
use saring_app::router_admin;
use saring_domain::dto::routers::{RouterInput, RouterRulesReport, RouterView};

#[derive(Subcommand)]
pub enum RouterCommand {
    /// Every router: address, status, ranges and own schedules.
    List {
        /// JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Add a router. The API password is read from the first line of stdin.
    Add {
        /// Its name: job scope and handle for the other commands ([A-Za-z0-9._-]).
        #[arg(long)]
        name: String,
        #[command(flatten)]
        fields: RouterFields,
        /// Read the API password from stdin (required: passwords never go on the command line).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// Change a router: only the options given.
    Set {
        /// The router's current name.
        router: String,
        /// A new name.
        #[arg(long)]
        rename: Option<String>,
        #[command(flatten)]
        fields: RouterFields,
        /// Read a new API password from stdin.
        #[arg(long)]
        password_stdin: bool,
        /// Forget the router's own schedules (every job follows the install again); `--every`
        /// then starts from nothing.
        #[arg(long)]
        reset_schedules: bool,
    },
    /// Connect to a router now: online, RouterOS version, error, and what it lacks for Saring
    /// (verify-rules). Fails when the router is unreachable or not set up.
    Check { router: String },
    /// Remove a router that no user or device belongs to (disable it otherwise).
    Remove { router: String },
    /// Confirm that this install owns the router's hotspot entries: cleanup jobs may then
    /// remove entries lpsaring could have written. Prints what the audit finds first.
    Adopt {
        router: String,
        /// Only show what the audit finds; adopt nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Withdraw the adoption: cleanup jobs only report on this router again.
    Release { router: String },
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

/// The options `add` and `set` share.
#[derive(Args)]
pub struct RouterFields {
    /// IP address or host name of the router's API.
    #[arg(long)]
    host: Option<String>,
    /// API port (default 8728, 8729 with --tls).
    #[arg(long)]
    port: Option<u16>,
    /// API over TLS (api-ssl).
    #[arg(long)]
    tls: Option<bool>,
    /// Accept any certificate (self-signed router certificate without a pin).
    #[arg(long)]
    tls_insecure: Option<bool>,
    /// SHA-256 fingerprint of the router's certificate (hex); empty to remove.
    #[arg(long)]
    tls_fingerprint: Option<String>,
    /// A CA certificate (PEM file) to verify the router's certificate.
    #[arg(long)]
    tls_ca_file: Option<std::path::PathBuf>,
    /// API user name.
    #[arg(long)]
    username: Option<String>,
    /// A hotspot client range (repeat for several); replaces the router's ranges.
    #[arg(long = "cidr")]
    cidrs: Vec<String>,
    /// A hotspot server name (repeat for several); replaces the router's names.
    #[arg(long = "server")]
    servers: Vec<String>,
    /// Whether the worker and logins use the router.
    #[arg(long)]
    enabled: Option<bool>,
    /// The router's own schedule of a job: `JOB=SECONDS` (`0`: off on this router,
    /// `default`: follow the install); repeat for several. `saring router list` shows the jobs.
    #[arg(long = "every", value_name = "JOB=SECONDS")]
    every: Vec<String>,
}

impl RouterFields {
    /// The API input these options make; `intervals` is the router's current map.
    fn input(
        self,
        mut intervals: BTreeMap<String, u64>,
        password_stdin: bool,
    ) -> anyhow::Result<RouterInput> {
        let tls_ca_pem = match self.tls_ca_file {
            Some(path) => Some(
                std::fs::read_to_string(&path)
                    .with_context(|| format!("--tls-ca-file {}", path.display()))?,
            ),
            None => None,
        };
        for item in &self.every {
            let (job, seconds) = item
                .split_once('=')
                .ok_or_else(|| anyhow::anyhow!("--every {item:?}: write JOB=SECONDS"))?;
            if seconds == "default" {
                intervals.remove(job);
            } else {
                let seconds = seconds
                    .parse()
                    .map_err(|_| anyhow::anyhow!("--every {item:?}: seconds must be a number"))?;
                intervals.insert(job.to_owned(), seconds);
            }
        }
        Ok(RouterInput {
            name: None,
            host: self.host,
            port: self.port,
            use_tls: self.tls,
            tls_insecure: self.tls_insecure,
            tls_ca_pem,
            tls_fingerprint_sha256: self.tls_fingerprint,
            username: self.username,
            password: if password_stdin {
                Some(crate::read_stdin_line("the router's API password")?)
            } else {
                None
            },
            hotspot_server_names: (!self.servers.is_empty()).then_some(self.servers),
            hotspot_client_cidrs: (!self.cidrs.is_empty()).then_some(self.cidrs),
            is_enabled: self.enabled,
            job_intervals: (!self.every.is_empty()).then_some(intervals),
        })
    }
}

pub async fn run(cmd: RouterCommand) -> anyhow::Result<()> {
    let app = crate::cmd_job::connect().await?;
    match cmd {
        RouterCommand::List { json } => {
            let list = router_admin::list(&app).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&list)?);
            } else {
                for r in &list.routers.items {
                    print_router(r);
                }
                let jobs: Vec<&str> = list.jobs.iter().map(|j| j.name.as_str()).collect();
                println!("per-router jobs (--every JOB=SECONDS): {}", jobs.join(", "));
            }
        }
        RouterCommand::Add {
            name,
            fields,
            password_stdin,
        } => {
            let mut input = fields.input(BTreeMap::new(), password_stdin)?;
            input.name = Some(name);
            print_router(&router_admin::create(&app, None, input).await?);
        }
        RouterCommand::Set {
            router,
            rename,
            fields,
            password_stdin,
            reset_schedules,
        } => {
            let id = router_admin::id_by_name(&app, &router).await?;
            let current = if reset_schedules {
                BTreeMap::new()
            } else {
                router_admin::get(&app, id).await?.job_intervals
            };
            let mut input = fields.input(current, password_stdin)?;
            input.name = rename;
            if reset_schedules && input.job_intervals.is_none() {
                input.job_intervals = Some(BTreeMap::new());
            }
            print_router(&router_admin::update(&app, None, id, input).await?);
        }
        RouterCommand::Check { router } => {
            let id = router_admin::id_by_name(&app, &router).await?;
            let view = router_admin::check(&app, id).await?;
            print_router(&view);
            if view.online != Some(true) {
                anyhow::bail!("router {router} is not reachable");
            }
            let report = saring_app::router_setup::verify(&app, id).await?;
            print_rules(&report);
            if !report.all_found {
                anyhow::bail!(
                    "router {router} is not set up for Saring: {} item(s) missing; print the script that creates them with `{}`",
                    report.missing,
                    report.setup_command
                );
            }
        }
        RouterCommand::Remove { router } => {
            let id = router_admin::id_by_name(&app, &router).await?;
            router_admin::delete(&app, None, id).await?;
            println!("router {router} removed");
        }
        RouterCommand::Adopt { router, dry_run } => {
            let id = router_admin::id_by_name(&app, &router).await?;
            let found = saring_app::sync::audit::preview(&app, id).await?;
            for f in &found.findings {
                println!("{:<24} {:>6} found", f.kind, f.found);
                for example in &f.examples {
                    println!("    {example}");
                }
            }
            if dry_run {
                println!("dry run: router {router} not adopted");
            } else {
                router_admin::set_adopted(&app, None, id, true).await?;
                println!(
                    "router {router} adopted: the MIKROTIK_AUDIT_AUTO_CLEANUP_* switches that are on now remove what they find"
                );
            }
        }
        RouterCommand::Release { router } => {
            let id = router_admin::id_by_name(&app, &router).await?;
            router_admin::set_adopted(&app, None, id, false).await?;
            println!("router {router} released: cleanup jobs only report on it");
        }
        RouterCommand::Push { all, router } => {
            if !all && router.is_none() {
                anyhow::bail!("say --all or --router NAME");
            }
            for r in saring_app::sync::push::routers_named(&app, router.as_deref()).await? {
                let report = saring_app::sync::push::push_router(&app, &r).await?;
                // The per-user syncs queued by the push (hotspot users) run now.
                while saring_app::router::user_sync::run_outbox(&app, 100).await? > 0 {}
                println!("{}", serde_json::to_string_pretty(&report)?);
            }
        }
    }
    Ok(())
}

/// verify-rules, one line per item: `ok` or `MISSING` with the hint.
fn print_rules(report: &RouterRulesReport) {
    println!(
        "setup: {}",
        if report.all_found {
            "complete".to_owned()
        } else {
            format!("{} missing", report.missing)
        }
    );
    for c in &report.checks {
        if c.found {
            println!("  ok       {}", c.label);
        } else {
            println!("  MISSING  {}", c.label);
            if let Some(hint) = &c.hint {
                println!("           {hint}");
            }
        }
    }
}

/// `saring routeros setup-script --router NAME`.
pub async fn setup_script(args: crate::routeros_cmd::SetupScriptArgs) -> anyhow::Result<()> {
    let app = crate::cmd_job::connect().await?;
    let options = saring_app::router_setup::SetupOptions {
        interface: args.interface,
        html_directory: args.html_directory,
        api_password: if args.api_password_stdin {
            Some(crate::read_stdin_line("the API user's password")?)
        } else {
            None
        },
    };
    let text = saring_app::router_setup::script::for_router(&app, &args.router, &options).await?;
    match args.output {
        Some(path) => {
            write_private(&path, &text).with_context(|| format!("writing {}", path.display()))?;
            eprintln!(
                "wrote {}: upload it to router {} and run  /import file-name={}",
                path.display(),
                args.router,
                path.file_name()
                    .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
            );
        }
        None => print!("{text}"),
    }
    Ok(())
}

/// Writes a file only its owner can read (it may hold the API password).
fn write_private(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    options.open(path)?.write_all(text.as_bytes())
}

fn print_router(r: &RouterView) {
    let status = match r.online {
        Some(true) => "online".to_owned(),
        Some(false) => format!("OFFLINE ({})", r.last_error.as_deref().unwrap_or("?")),
        None => "not checked".to_owned(),
    };
    println!(
        "{}{}{}  {}:{}{}  {}  RouterOS {}  users {} devices {}",
        r.name,
        if r.is_default { " (default)" } else { "" },
        if r.is_enabled { "" } else { " [disabled]" },
        r.host,
        r.port,
        if r.use_tls { " tls" } else { "" },
        status,
        r.routeros_version.as_deref().unwrap_or("?"),
        r.user_count,
        r.device_count,
    );
    println!(
        "  ranges {}  servers {}",
        r.hotspot_client_cidrs.join(", "),
        r.hotspot_server_names.join(", ")
    );
    if !r.job_intervals.is_empty() {
        let own: Vec<String> = r
            .job_intervals
            .iter()
            .map(|(job, s)| match s {
                0 => format!("{job}=off"),
                s => format!("{job}={s}s"),
            })
            .collect();
        println!("  own schedules {}", own.join(", "));
    }
}
