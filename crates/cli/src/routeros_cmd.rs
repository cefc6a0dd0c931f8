//! `saring routeros …`: run the RouterOS simulator, or talk to any router (real or
//! simulated): `ping`, `print <path>`, `identity`; `setup-script` prints the `.rsc` script
//! that prepares a configured router for Saring (run by `cmd_router`, it needs the database).

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use saring_routeros::sim::Simulator;
use saring_routeros::{Api, Command, ConnectOptions, Connection, Row, TlsOptions};

/// Arguments of `saring routeros`.
#[derive(clap::Args, Debug)]
pub struct RouterosArgs {
    #[command(subcommand)]
    pub command: RouterosCommand,
}

/// `saring routeros` subcommands.
#[derive(clap::Subcommand, Debug)]
pub enum RouterosCommand {
    /// Run a RouterOS API simulator (hotspot with simulated devices and traffic) until Ctrl-C.
    Sim(SimArgs),
    /// Log in to a router and measure API round trips.
    Ping {
        #[command(flatten)]
        target: TargetArgs,
        /// Number of round trips.
        #[arg(long, default_value_t = 3)]
        count: u32,
    },
    /// Print a menu, e.g. `print /ip/hotspot/host --where mac-address=AA:BB:CC:DD:EE:FF`.
    Print(PrintArgs),
    /// Show the router's identity, version, board and uptime.
    Identity {
        #[command(flatten)]
        target: TargetArgs,
    },
    /// Print the RouterOS script (.rsc) that creates what verify-rules checks on a
    /// configured router: hotspot profile and login page, servers, user profiles, status
    /// lists and firewall rules, walled garden, DHCP option 114, a least-privilege API user.
    SetupScript(SetupScriptArgs),
}

/// Flags of `saring routeros setup-script`.
#[derive(clap::Args, Debug)]
pub struct SetupScriptArgs {
    /// The router (by name, as `saring router list` shows it).
    #[arg(long)]
    pub router: String,
    /// Interface for a hotspot server the router does not have yet (one server per interface).
    #[arg(long, default_value = "bridge-hotspot")]
    pub interface: String,
    /// HTML directory of Saring's hotspot profile (`flash/saring` on routers with a flash disk).
    #[arg(long, default_value = "saring")]
    pub html_directory: String,
    /// Read the API user's password from stdin and write it into the script (otherwise the
    /// script holds a placeholder and refuses to run until it is replaced).
    #[arg(long)]
    pub api_password_stdin: bool,
    /// Write the script to this file instead of stdout.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
}

/// Flags of `saring routeros sim`.
#[derive(clap::Args, Debug)]
pub struct SimArgs {
    /// Address of the plain API listener.
    #[arg(long, default_value = "127.0.0.1:8728")]
    pub listen: SocketAddr,
    /// API user name.
    #[arg(long, default_value = "admin")]
    pub user: String,
    /// API password.
    #[arg(long, default_value = "")]
    pub password: String,
    /// Number of simulated client devices.
    #[arg(long, default_value_t = 50)]
    pub hosts: usize,
    /// Seed for devices and traffic.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// `/system/identity` name.
    #[arg(long, default_value = "saring-sim")]
    pub identity: String,
    /// Behave like RouterOS before 7.18 (no `!empty` replies).
    #[arg(long = "pre-7-18")]
    pub pre_7_18: bool,
    /// Only accept the pre-6.43 MD5 challenge login.
    #[arg(long)]
    pub legacy_login: bool,
    /// Certificate chain (PEM) for API-SSL; needs --tls-key.
    #[arg(long, requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// Private key (PEM) for API-SSL; needs --tls-cert.
    #[arg(long, requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Address of the API-SSL listener (with --tls-cert/--tls-key).
    #[arg(long, default_value = "127.0.0.1:8729")]
    pub tls_listen: SocketAddr,
    /// Simulated traffic step in seconds of real time (0 = no live traffic). Host rows a
    /// client removed come back at the next step, as a device's next packet makes them.
    #[arg(long, default_value_t = 1)]
    pub traffic_interval: u64,
    /// A hotspot server (repeatable; default one called `hotspot1`). Saring's defaults are
    /// `srv-user` and `srv-komandan`.
    #[arg(long = "server")]
    pub servers: Vec<String>,
    /// A hotspot user profile (repeatable), e.g. Saring's `profile-aktif`.
    #[arg(long = "profile")]
    pub profiles: Vec<String>,
    /// The client network of the simulated devices (default 172.16.2.0/23).
    #[arg(long)]
    pub cidr: Option<ipnet::Ipv4Net>,
}

/// Which router to talk to: `--router NAME` from the database, or explicit flags /
/// `MIKROTIK_*` environment variables.
#[derive(clap::Args, Debug, Clone)]
pub struct TargetArgs {
    /// A router configured in the database (by name).
    #[arg(long, conflicts_with = "host")]
    pub router: Option<String>,
    /// Router host name or IP.
    #[arg(long, env = "MIKROTIK_HOST")]
    pub host: Option<String>,
    /// API port (default 8728, or 8729 with --tls).
    #[arg(long, env = "MIKROTIK_PORT")]
    pub port: Option<u16>,
    /// API user (env MIKROTIK_USERNAME or MIKROTIK_USER).
    #[arg(long, env = "MIKROTIK_USERNAME")]
    pub user: Option<String>,
    /// API password.
    #[arg(long, env = "MIKROTIK_PASSWORD", hide_env_values = true)]
    pub password: Option<String>,
    /// Use API-SSL (port 8729).
    #[arg(long, env = "MIKROTIK_USE_SSL", value_parser = clap::builder::FalseyValueParser::new(), default_value_t = false)]
    pub tls: bool,
    /// Verify the router certificate against this CA (PEM file).
    #[arg(long)]
    pub ca_cert: Option<PathBuf>,
    /// Accept only the router certificate with this SHA-256 fingerprint (hex).
    #[arg(long)]
    pub pin_sha256: Option<String>,
    /// Accept any router certificate (encrypts without authenticating the router).
    #[arg(long)]
    pub insecure: bool,
    /// Connect and command timeout in seconds.
    #[arg(long, default_value_t = 10)]
    pub timeout: u64,
}

/// Flags of `saring routeros print`.
#[derive(clap::Args, Debug)]
pub struct PrintArgs {
    #[command(flatten)]
    pub target: TargetArgs,
    /// Menu path, e.g. `/ip/hotspot/host` (`ip hotspot host` works too).
    #[arg(required = true, num_args = 1..)]
    pub path: Vec<String>,
    /// Only rows where `key=value` (repeatable; all must match).
    #[arg(long = "where", value_name = "KEY=VALUE")]
    pub filters: Vec<String>,
    /// Raw query words without `?` (e.g. `#|`, `-comment`, `>bytes-in=1000`), after --where.
    #[arg(long = "query", value_name = "WORD")]
    pub queries: Vec<String>,
    /// Only these properties (comma separated).
    #[arg(long, value_delimiter = ',')]
    pub proplist: Vec<String>,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// Runs `saring routeros …`. `resolve_router` looks up `--router NAME`.
pub async fn run(
    args: RouterosArgs,
    resolve_router: impl AsyncFnOnce(&str) -> anyhow::Result<ConnectOptions>,
) -> anyhow::Result<()> {
    match args.command {
        RouterosCommand::Sim(sim) => run_sim(sim).await,
        RouterosCommand::SetupScript(_) => {
            bail!("setup-script needs the database: run it through `saring routeros setup-script`")
        }
        RouterosCommand::Ping { target, count } => {
            let started = Instant::now();
            let (conn, endpoint) = connect(&target, resolve_router).await?;
            println!(
                "connected and logged in to {endpoint} in {:.1} ms",
                ms(started.elapsed())
            );
            for i in 1..=count.max(1) {
                let rtt = conn
                    .ping()
                    .await
                    .with_context(|| format!("ping {endpoint}"))?;
                println!("round trip {i}: {:.2} ms", ms(rtt));
            }
            Ok(())
        }
        RouterosCommand::Identity { target } => {
            let (conn, endpoint) = connect(&target, resolve_router).await?;
            let identity = conn
                .identity()
                .await
                .with_context(|| format!("identity of {endpoint}"))?;
            let resource = conn
                .resource()
                .await
                .with_context(|| format!("resource of {endpoint}"))?;
            println!("identity:  {identity}");
            println!("version:   {}", resource.version);
            println!(
                "board:     {}",
                resource.board_name.as_deref().unwrap_or("-")
            );
            println!(
                "uptime:    {}",
                saring_routeros::format_duration(resource.uptime)
            );
            println!("cpu load:  {}%", resource.cpu_load);
            println!("endpoint:  {endpoint}");
            Ok(())
        }
        RouterosCommand::Print(print) => {
            let (conn, endpoint) = connect(&print.target, resolve_router).await?;
            let cmd = print_command(&print)?;
            let path = menu_path(&print.path.join(" "));
            let rows = conn
                .print(cmd)
                .await
                .with_context(|| format!("print {path} on {endpoint}"))?;
            if print.json {
                println!("{}", serde_json::to_string_pretty(&rows)?);
            } else {
                print_table(&rows);
            }
            Ok(())
        }
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// `/ip/hotspot/host`, `ip hotspot host`, `/ip/hotspot/host/print` → `/ip/hotspot/host`.
fn menu_path(path: &str) -> String {
    let joined = path
        .split([' ', '/'])
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("/");
    let joined = joined.strip_suffix("/print").unwrap_or(&joined);
    format!("/{joined}")
}

fn print_command(args: &PrintArgs) -> anyhow::Result<Command> {
    let mut cmd = Command::print(&menu_path(&args.path.join(" ")));
    if !args.proplist.is_empty() {
        cmd = cmd.proplist(&args.proplist);
    }
    for filter in &args.filters {
        let Some((key, value)) = filter.split_once('=') else {
            bail!("--where expects KEY=VALUE, got {filter:?}");
        };
        cmd = cmd.query(key, value);
    }
    for word in &args.queries {
        cmd = cmd.query_word(word.strip_prefix('?').unwrap_or(word));
    }
    Ok(cmd)
}

fn print_table(rows: &[Row]) {
    if rows.is_empty() {
        println!("(no rows)");
        return;
    }
    let mut columns: Vec<String> = Vec::new();
    for row in rows {
        for (k, _) in row.iter() {
            if !columns.iter().any(|c| *c == k) {
                columns.push(k.into_owned());
            }
        }
    }
    let cells: Vec<BTreeMap<String, String>> = rows
        .iter()
        .map(|r| {
            r.iter()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        })
        .collect();
    let widths: Vec<usize> = columns
        .iter()
        .map(|c| {
            cells
                .iter()
                .map(|r| r.get(c).map_or(0, |v| v.chars().count()))
                .max()
                .unwrap_or(0)
                .max(c.len())
        })
        .collect();
    let line = |values: Vec<&str>| {
        let padded: Vec<String> = values
            .iter()
            .zip(&widths)
            .map(|(v, w)| format!("{v:<w$}"))
            .collect();
        println!("{}", padded.join("  ").trim_end());
    };
    line(columns.iter().map(String::as_str).collect());
    line(
        widths
            .iter()
            .map(|w| "-".repeat(*w))
            .collect::<Vec<_>>()
            .iter()
            .map(String::as_str)
            .collect(),
    );
    for row in &cells {
        line(
            columns
                .iter()
                .map(|c| row.get(c).map_or("", String::as_str))
                .collect(),
        );
    }
    println!("({} rows)", rows.len());
}

/// Connection options from `--router` (via `resolve_router`) or flags/env.
async fn target_options(
    target: &TargetArgs,
    resolve_router: impl AsyncFnOnce(&str) -> anyhow::Result<ConnectOptions>,
) -> anyhow::Result<ConnectOptions> {
    let timeout = Duration::from_secs(target.timeout.max(1));
    if let Some(name) = &target.router {
        let options = resolve_router(name)
            .await
            .with_context(|| format!("router {name:?}"))?;
        return Ok(options.connect_timeout(timeout).command_timeout(timeout));
    }
    let Some(host) = target.host.clone() else {
        bail!(
            "no router given: use --router NAME, or --host (or MIKROTIK_HOST) with --user/--password"
        );
    };
    let user = target
        .user
        .clone()
        .or_else(|| std::env::var("MIKROTIK_USER").ok())
        .unwrap_or_else(|| "admin".to_owned());
    let password = target.password.clone().unwrap_or_default();
    let mut options = ConnectOptions::new(host, user, password)
        .connect_timeout(timeout)
        .command_timeout(timeout);
    options.port = target.port;
    let wants_tls =
        target.tls || target.ca_cert.is_some() || target.pin_sha256.is_some() || target.insecure;
    if wants_tls {
        let tls = if let Some(path) = &target.ca_cert {
            let pem = std::fs::read(path)
                .with_context(|| format!("reading CA certificate {}", path.display()))?;
            TlsOptions::ca_pem(pem)
        } else if let Some(pin) = &target.pin_sha256 {
            TlsOptions::pinned_hex(pin)?
        } else if target.insecure {
            TlsOptions::insecure()
        } else {
            bail!(
                "--tls needs --ca-cert FILE, --pin-sha256 HEX or --insecure (router certificates are usually self-signed)"
            );
        };
        options = options.tls(tls);
    }
    Ok(options)
}

async fn connect(
    target: &TargetArgs,
    resolve_router: impl AsyncFnOnce(&str) -> anyhow::Result<ConnectOptions>,
) -> anyhow::Result<(Connection, String)> {
    let options = target_options(target, resolve_router).await?;
    let endpoint = options.endpoint();
    let conn = Connection::connect(&options)
        .await
        .with_context(|| format!("cannot reach or log in to router {endpoint}"))?;
    Ok((conn, endpoint))
}

async fn run_sim(args: SimArgs) -> anyhow::Result<()> {
    let sim = Simulator::builder()
        .user(&args.user, &args.password)
        .hosts(args.hosts)
        .seed(args.seed)
        .identity(&args.identity)
        .version_7_18(!args.pre_7_18)
        .legacy_login(args.legacy_login);
    let sim = args.servers.iter().fold(sim, |b, server| b.server(server));
    let sim = args
        .profiles
        .iter()
        .fold(sim, |b, profile| b.profile(profile, None));
    let sim = match args.cidr {
        Some(net) => sim.cidr(net.network(), net.prefix_len()),
        None => sim,
    }
    .build();
    let handle = sim
        .start(args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    println!("RouterOS simulator listening on {} (API)", handle.addr());
    if let (Some(cert), Some(key)) = (&args.tls_cert, &args.tls_key) {
        let cert = std::fs::read(cert).with_context(|| format!("reading {}", cert.display()))?;
        let key = std::fs::read(key).with_context(|| format!("reading {}", key.display()))?;
        let addr = handle
            .listen_tls(args.tls_listen, &cert, &key)
            .await
            .context("starting API-SSL listener")?;
        println!("RouterOS simulator listening on {addr} (API-SSL)");
    }
    println!(
        "login: user {:?} password {:?}; {} hosts, seed {}, {}{}",
        args.user,
        args.password,
        args.hosts,
        args.seed,
        if args.pre_7_18 {
            "RouterOS 7.16 (no !empty)"
        } else {
            "RouterOS 7.19 (!empty)"
        },
        if args.legacy_login {
            ", legacy MD5 login"
        } else {
            ""
        },
    );
    if args.traffic_interval > 0 {
        handle.auto_traffic(Duration::from_secs(args.traffic_interval));
    }
    println!("press Ctrl-C to stop");
    tokio::signal::ctrl_c()
        .await
        .context("waiting for Ctrl-C")?;
    println!("simulator stopped");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn menu_paths() {
        assert_eq!(menu_path("/ip/hotspot/host"), "/ip/hotspot/host");
        assert_eq!(menu_path("ip hotspot host"), "/ip/hotspot/host");
        assert_eq!(menu_path("/ip/arp/print"), "/ip/arp");
    }
}
