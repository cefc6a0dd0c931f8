//! `saring run` (embedded), `saring serve` (production API) and `saring worker`.

use std::net::{SocketAddr, TcpListener};

use anyhow::Context;
use clap::Args;
use saring_app::{App, Mode};
use tokio::sync::watch;

#[derive(Args)]
pub struct ServeArgs {
    /// Address to listen on (also SARING_LISTEN).
    #[arg(long, env = "SARING_LISTEN")]
    listen: Option<SocketAddr>,
}

async fn start(mode: Mode) -> anyhow::Result<App> {
    let config = crate::load_config(mode)?;
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
    let server = saring_api::serve(app.clone(), listener, 2)?;
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

pub async fn run(args: ServeArgs) -> anyhow::Result<()> {
    let app = start(Mode::Embedded).await?;
    let listener = bind(&app, &args)?;
    let addr = listener.local_addr()?;
    println!("Saring (embedded mode) is running.");
    println!("  Portal and API: http://{addr}/");
    println!("  Health:         http://{addr}/health");
    println!("  Database:       {}", app.config().database_url);
    println!("Press Ctrl-C to stop.");
    serve_until_stopped(app, listener, true).await
}

pub async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let app = start(Mode::Production).await?;
    let listener = bind(&app, &args)?;
    tracing::info!(addr = %listener.local_addr()?, "serving the API");
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
