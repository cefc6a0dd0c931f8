//! `saring run` (embedded), `saring serve` (production API) and `saring worker`.

use std::net::{SocketAddr, TcpListener};

use anyhow::Context;
use clap::Args;
use saring_app::{App, Mode};
use tokio::sync::watch;

#[derive(Args)]
pub struct ServeArgs {
    /// Address to listen on (default: the configuration's SARING_LISTEN).
    #[arg(long)]
    listen: Option<SocketAddr>,
}

#[derive(Args)]
pub struct RunArgs {
    #[command(flatten)]
    serve: ServeArgs,
    /// Listen on a non-loopback address. The demo has a known admin login, a simulated
    /// gateway and a message inbox: never for production (use `saring serve`).
    #[arg(long)]
    allow_remote: bool,
}

async fn start(mode: Mode) -> anyhow::Result<App> {
    let config = crate::load_config(mode)?;
    connect(config, mode).await
}

async fn connect(config: saring_app::Config, mode: Mode) -> anyhow::Result<App> {
    saring_gateways::install_crypto_provider();
    if config.public_base_url(mode).is_empty() {
        tracing::warn!(
            "APP_PUBLIC_BASE_URL and FRONTEND_URL are unset: links (WhatsApp messages, payment \
             pages, the captive API) are relative; set APP_PUBLIC_BASE_URL to the portal's \
             public address"
        );
    }
    App::connect(config, mode)
        .await
        .context("starting the application")
}

fn bind(app: &App, args: &ServeArgs) -> anyhow::Result<TcpListener> {
    let addr = args.listen.unwrap_or(app.config().listen);
    TcpListener::bind(addr).with_context(|| format!("cannot listen on {addr}"))
}

async fn ctrl_c() {
    if let Err(e) = tokio::signal::ctrl_c().await {
        tracing::error!(error = %e, "cannot wait for Ctrl-C");
        std::future::pending::<()>().await;
    }
}

/// Serves HTTP (and, embedded, the worker) until Ctrl-C.
async fn serve_until_stopped(
    app: App,
    listener: TcpListener,
    with_worker: bool,
) -> anyhow::Result<()> {
    let workers = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
    let server = saring_api::serve(app.clone(), listener, workers)?;
    let handle = server.handle();
    let (stop_tx, stop_rx) = watch::channel(false);
    let worker = with_worker.then(|| tokio::spawn(saring_worker::run(app.clone(), stop_rx)));
    let server_task = tokio::spawn(server);
    ctrl_c().await;
    println!("\nstopping…");
    let _ = stop_tx.send(true);
    handle.stop(true).await;
    if let Some(w) = worker {
        let _ = w.await;
    }
    server_task
        .await
        .context("HTTP server task")?
        .context("HTTP server")?;
    Ok(())
}

/// `saring run` listens on loopback unless told otherwise: refuses another address without
/// `--allow-remote`, and warns loudly with it.
fn check_remote(addr: SocketAddr, allow_remote: bool) -> anyhow::Result<()> {
    if addr.ip().is_loopback() {
        return Ok(());
    }
    if !allow_remote {
        anyhow::bail!(
            "refusing to listen on {addr}: `saring run` is the demo (a known admin login, \
             simulated payments, an inbox with every OTP) and listens on loopback only. Use \
             --listen 127.0.0.1:PORT, or pass --allow-remote to expose it anyway (never for \
             production: use `saring serve`)"
        );
    }
    let warning = format!(
        "WARNING: the demo listens on {addr}, reachable from other machines (--allow-remote). \
         It is not a production server: /api/dev/outbox now needs an admin login, but the \
         simulated gateway and router are still the demo's. Use `saring serve` for real use."
    );
    eprintln!("\n{warning}\n");
    tracing::warn!("{warning}");
    Ok(())
}

pub async fn run(args: RunArgs) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let mut config = crate::load_embedded_config(true)?;
    let wanted = args.serve.listen.unwrap_or(config.listen);
    check_remote(wanted, args.allow_remote)?;
    // Bind first, so every link the app builds names the port it really listens on.
    let listener =
        TcpListener::bind(wanted).with_context(|| format!("cannot listen on {wanted}"))?;
    let addr = listener.local_addr()?;
    config.listen = addr;
    let app = connect(config, Mode::Embedded).await?;
    let embedded = saring_app::embedded::prepare(&app)
        .await
        .context("preparing the embedded mode")?;
    saring_app::payments::gateway::point_simulator_at(&app, &format!("http://{addr}"));
    saring_app::notify::point_simulator_at(&app, &format!("http://{addr}"));
    saring_app::payments::catalog::seed_demo(&app)
        .await
        .context("seeding the demo packages")?;
    println!(
        "Saring (embedded mode) is running — started in {} ms.",
        started.elapsed().as_millis()
    );
    println!("  Portal:          http://{addr}/  (captive portal: http://{addr}/captive)");
    println!("  Admin:           http://{addr}/admin");
    match &embedded.admin_password {
        Some(pw) => println!("  Admin login:     {} / {pw}", embedded.admin_phone),
        None => println!(
            "  Admin login:     {} (password from the first run; set SARING_DEMO_ADMIN_PASSWORD to reset it)",
            embedded.admin_phone
        ),
    }
    match &embedded.sim {
        Some(sim) => println!(
            "  RouterOS sim:    {} (user {} / {}), {} simulated hotspot hosts",
            sim.addr(),
            embedded.sim_user,
            embedded.sim_password,
            sim.hosts().len()
        ),
        None => println!(
            "  Router:          {} (MIKROTIK_HOST)",
            app.config().router.host.clone().unwrap_or_default()
        ),
    }
    println!("  WhatsApp (OTP):  printed below and at http://{addr}/api/dev/outbox");
    if let Some(pay) = &app.payment_runtime().simulator {
        println!(
            "  Payments:        simulated Midtrans at {} (pay page {}/pay/<order id>)",
            pay.base_url(),
            pay.base_url()
        );
    }
    println!("  Database:        {}", app.config().database_url);
    println!("Press Ctrl-C to stop.");
    let result = serve_until_stopped(app, listener, true).await;
    drop(embedded);
    result
}

pub async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let app = start(Mode::Production).await?;
    let listener = bind(&app, &args)?;
    let addr = listener.local_addr()?;
    saring_app::payments::gateway::point_simulator_at(&app, &format!("http://{addr}"));
    tracing::info!(%addr, "serving the API");
    serve_until_stopped(app, listener, false).await
}

pub async fn worker() -> anyhow::Result<()> {
    let app = start(Mode::Production).await?;
    let (stop_tx, stop_rx) = watch::channel(false);
    let task = tokio::spawn(saring_worker::run(app, stop_rx));
    ctrl_c().await;
    let _ = stop_tx.send(true);
    task.await.context("worker task")?;
    Ok(())
}
