//! `cargo xtask <task>`: the developer entry points.
//!
//! * `run`   — build the SPA and start the embedded demo (`saring run`).
//! * `build` — the SPA, then the release binary at `target/release/saring` (SPA embedded).
//! * `spa`   — build the browser SPA into `frontend/dist/` (see `spa.rs`).
//! * `test`  — everything CI checks: formatting, clippy, the domain crate on wasm32, all tests
//!   on SQLite + in-memory KV, then again on PostgreSQL + Redis when `TEST_DATABASE_URL` /
//!   `TEST_REDIS_URL` are set, the RouterOS interop tests when Python is available, and the
//!   browser tests (SPA + server in headless Chromium) when Chromium is installed.
//! * `bench` — benchmarks (`routeros`, …) printing their numbers.
//!
//! Each task installs what it needs that is missing (e.g. the wasm32 target) and says so.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};

mod bench_api;
mod spa;

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Saring developer tasks")]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Build and run the embedded demo (`saring run`); extra arguments go to `saring run`.
    Run {
        /// Build with optimisations.
        #[arg(long)]
        release: bool,
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Build the SPA and the release binary `target/release/saring`.
    Build,
    /// Build the browser SPA into `frontend/dist/`.
    Spa {
        /// Dev profile, no wasm-opt: quicker, much bigger.
        #[arg(long)]
        dev: bool,
    },
    /// Run every check CI runs.
    Test {
        /// Skip fmt and clippy (quicker local iterations).
        #[arg(long)]
        no_lint: bool,
    },
    /// Run benchmarks: routeros, api, sync, dashboard, export, flows (or `all`).
    Bench {
        #[arg(default_value = "all")]
        which: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.task {
        Task::Run { release, args } => run(release, &args),
        Task::Build => build(),
        Task::Spa { dev } => spa::build(dev),
        Task::Test { no_lint } => test(no_lint),
        Task::Bench { which } => bench(&which),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

fn cargo() -> Command {
    let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    c.current_dir(root());
    c
}

/// Runs a command, printing it and how long it took; fails on a non-zero exit.
fn step(title: &str, mut cmd: Command) -> Result<()> {
    println!("\n==> {title}");
    let started = Instant::now();
    let status = cmd
        .status()
        .with_context(|| format!("could not start: {title}"))?;
    println!("    {title}: {:.1}s", started.elapsed().as_secs_f64());
    if !status.success() {
        bail!("{title} failed ({status})");
    }
    Ok(())
}

fn ensure_wasm_target() -> Result<()> {
    let out = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output();
    let installed = out
        .as_ref()
        .map(|o| String::from_utf8_lossy(&o.stdout).contains("wasm32-unknown-unknown"))
        .unwrap_or(false);
    if !installed {
        println!("xtask: installing the wasm32-unknown-unknown target (rustup target add)…");
        let mut c = Command::new("rustup");
        c.args(["target", "add", "wasm32-unknown-unknown"]);
        step("rustup target add wasm32-unknown-unknown", c)?;
    }
    Ok(())
}

fn run(release: bool, args: &[String]) -> Result<()> {
    spa::build(false)?;
    let mut c = cargo();
    c.args(["run", "-p", "saring"]);
    if release {
        c.arg("--release");
    }
    c.args(["--", "run"]).args(args);
    step("saring run", c)
}

fn build() -> Result<()> {
    spa::build(false)?;
    let mut c = cargo();
    c.args(["build", "--release", "-p", "saring"]);
    step("cargo build --release -p saring", c)?;
    println!("binary: {}", root().join("target/release/saring").display());
    Ok(())
}

fn test(no_lint: bool) -> Result<()> {
    let started = Instant::now();
    if !no_lint {
        let mut fmt = cargo();
        fmt.args(["fmt", "--all", "--", "--check"]);
        step("cargo fmt --check", fmt)?;
        let mut clippy = cargo();
        clippy.args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]);
        step("cargo clippy -D warnings", clippy)?;
    }

    // The SPA (and with it the domain crate) builds for wasm32; the browser tests below and
    // the API's SPA routes serve this build.
    spa::build(false)?;

    let pg = std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|v| !v.is_empty());
    let redis = std::env::var("TEST_REDIS_URL")
        .ok()
        .filter(|v| !v.is_empty());

    let mut local = cargo();
    local
        .args(["test", "--workspace"])
        .env_remove("TEST_DATABASE_URL")
        .env_remove("TEST_REDIS_URL");
    step("tests on SQLite + in-memory KV", local)?;

    if pg.is_some() || redis.is_some() {
        let mut real = cargo();
        real.args(["test", "--workspace"]);
        let what = match (&pg, &redis) {
            (Some(_), Some(_)) => "PostgreSQL + Redis",
            (Some(_), None) => "PostgreSQL",
            _ => "Redis",
        };
        step(&format!("tests on {what}"), real)?;
    } else {
        println!(
            "\n(TEST_DATABASE_URL / TEST_REDIS_URL not set: skipping the PostgreSQL + Redis run)"
        );
    }

    interop()?;
    browser_tests()?;
    println!(
        "\nall checks passed in {:.0}s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Real RouterOS client libraries (PyPI) against our simulator, when Python is available.
fn interop() -> Result<()> {
    let script = root().join("tests/interop/interop.py");
    if !script.exists() {
        return Ok(());
    }
    let python = ["python3", "python"].into_iter().find(|p| {
        Command::new(p)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    });
    let Some(python) = python else {
        println!("\n(no Python found: skipping the RouterOS interop tests)");
        return Ok(());
    };
    let venv = root().join("target/interop-venv");
    let venv_python = venv.join("bin/python");
    if !venv_python.exists() {
        let mut c = Command::new(python);
        c.args(["-m", "venv"]).arg(&venv);
        step("create interop venv", c)?;
    }
    let mut pip = Command::new(&venv_python);
    pip.args([
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "-r",
    ])
    .arg(root().join("tests/interop/requirements.txt"));
    step("pip install interop requirements", pip)?;
    // `cargo test --workspace` has just built target/debug/saring (the CLI tests run it);
    // building it again with `cargo build` would recompile everything for other features.
    if !root().join("target/debug/saring").exists() {
        let mut build = cargo();
        build.args(["build", "-p", "saring"]);
        step("build saring for interop", build)?;
    }
    let mut c = Command::new(&venv_python);
    c.arg(&script)
        .arg("--bin")
        .arg(root().join("target/debug/saring"));
    step("RouterOS interop (routeros-api, librouteros)", c)
}

fn on_path(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The SPA served by `saring run`, driven in headless Chromium (`tests/e2e`).
fn browser_tests() -> Result<()> {
    let chromium = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|t| on_path(t));
    let (Some(chromium), true) = (chromium, on_path("chromedriver")) else {
        println!(
            "\n(Chromium or chromedriver not installed: skipping the browser tests; \
             apt-get install -y chromium chromium-driver)"
        );
        return Ok(());
    };
    // Debug builds serve `frontend/dist/` from disk, so the `saring` that `cargo test
    // --workspace` has just built serves the fresh SPA; `-p saring` would rebuild it with
    // other features.
    if !spa::target_dir().join("debug/saring").exists() {
        let mut build = cargo();
        build.args(["build", "--workspace", "--bin", "saring"]);
        step("build saring for the browser tests", build)?;
    }
    // `--workspace` keeps the feature set of the test run above: nothing is rebuilt.
    let mut c = cargo();
    c.args([
        "test",
        "--workspace",
        "--test",
        "journey",
        "--",
        "--ignored",
        "--test-threads=1",
    ])
    .env("SARING_E2E_BIN", spa::target_dir().join("debug/saring"))
    .env("SARING_E2E_CHROMIUM", chromium)
    .env("SARING_E2E_CHROMEDRIVER", "chromedriver");
    step("browser tests (headless Chromium)", c)
}

fn bench(which: &str) -> Result<()> {
    let all = which == "all";
    let mut ran = false;
    if all || which == "routeros" {
        let mut c = cargo();
        c.args(["bench", "-p", "saring-routeros", "--bench", "routeros"]);
        step("bench routeros", c)?;
        ran = true;
    }
    if all || which == "api" {
        bench_api::run(&root())?;
        ran = true;
    }
    if all || which == "sync" {
        let mut c = cargo();
        c.args(["bench", "-p", "saring-app", "--bench", "sync"]);
        step("bench sync", c)?;
        ran = true;
    }
    if all || which == "dashboard" {
        // The admin dashboard's stats on PostgreSQL with 100,000 users and 2,000,000 ledger
        // rows (skips itself without TEST_DATABASE_URL).
        let mut c = cargo();
        c.args(["bench", "-p", "saring-app", "--bench", "dashboard"]);
        step("bench dashboard", c)?;
        ran = true;
    }
    if all || which == "export" {
        // The transactions CSV export of a 12-month range on PostgreSQL with 500,000 orders:
        // rows per second and memory (skips itself without TEST_DATABASE_URL).
        let mut c = cargo();
        c.args(["bench", "-p", "saring-app", "--bench", "export"]);
        step("bench export", c)?;
        ran = true;
    }
    if all || which == "flows" {
        // Whole flows against the simulators (payment → router, captive login with 1 and 20
        // routers), in release mode: the ignored measurement tests of `flow_latency.rs`.
        let mut c = cargo();
        c.args([
            "test",
            "--release",
            "-p",
            "saring-api",
            "--test",
            "flow_latency",
            "--",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ]);
        step("bench flows", c)?;
        ran = true;
    }
    if !ran {
        bail!(
            "unknown benchmark {which:?} (known: routeros, api, sync, dashboard, export, flows, all)"
        );
    }
    Ok(())
}
