//! `cargo xtask bench api`: `GET /api/auth/me` with a valid token against the release build
//! of `saring serve` on PostgreSQL + Redis, loaded from a second process on loopback (`wrk`).
//! Prints requests/s, latency percentiles and the server's memory.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

const PASSWORD: &str = "bench-password-1";
const PHONE: &str = "081100009999";

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// A minimal HTTP/1.1 request (no dependency for one login call).
fn http(port: u16, method: &str, path: &str, body: &str) -> Result<(u16, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(Duration::from_secs(10)))?;
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    let mut out = String::new();
    s.read_to_string(&mut out)?;
    let status = out
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = out
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    Ok((status, body))
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn proc_kb(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with(field))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn ensure_wrk() -> Result<()> {
    if Command::new("wrk").arg("--version").output().is_ok() {
        return Ok(());
    }
    println!("xtask: installing wrk (Debian package) for the load generator…");
    let ok = Command::new("sh")
        .args([
            "-c",
            "apt-get install -y -qq wrk || (apt-get update -qq && apt-get install -y -qq wrk)",
        ])
        .status()?
        .success();
    if !ok {
        bail!("wrk is needed for `bench api` (apt-get install wrk)");
    }
    Ok(())
}

pub fn run(root: &Path) -> Result<()> {
    ensure_wrk()?;
    let admin_url = std::env::var("TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let redis_url =
        std::env::var("TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
    let base = admin_url
        .rsplit_once('/')
        .map(|(b, _)| b.to_owned())
        .context("TEST_DATABASE_URL has no database name")?;
    let db_url = format!("{base}/saring_bench");

    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(root)
        .args(["build", "--release", "-p", "saring"])
        .status()?;
    if !status.success() {
        bail!("release build failed");
    }
    for sql in [
        "DROP DATABASE IF EXISTS saring_bench",
        "CREATE DATABASE saring_bench",
    ] {
        let ok = Command::new("psql")
            .arg(&admin_url)
            .args(["-q", "-c", sql])
            .status()
            .context("psql is needed to create the bench database")?
            .success();
        if !ok {
            bail!("psql: {sql} failed");
        }
    }
    let bin = root.join("target/release/saring");
    let port = free_port()?;
    let env: Vec<(&str, String)> = vec![
        ("DATABASE_URL", db_url),
        ("REDIS_URL", format!("{redis_url}/0")),
        (
            "SECRET_KEY",
            "bench-secret-key-bench-secret-key-0123456789".into(),
        ),
        ("WHATSAPP_API_KEY", "bench-not-used".into()),
        ("PAYMENT_GATEWAY", "simulated".into()),
        ("MIDTRANS_SERVER_KEY", "SB-Mid-server-bench".into()),
        ("LOG_LEVEL", "warn".into()),
        ("SARING_LISTEN", format!("127.0.0.1:{port}")),
    ];
    let run = |args: &[&str], stdin: &str| -> Result<()> {
        let mut child = Command::new(&bin)
            .args(args)
            .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()?;
        if let Some(mut i) = child.stdin.take() {
            i.write_all(stdin.as_bytes())?;
        }
        if !child.wait()?.success() {
            bail!("saring {args:?} failed");
        }
        Ok(())
    };
    run(&["migrate"], "")?;
    run(
        &[
            "admin",
            "create",
            "--phone",
            PHONE,
            "--name",
            "Bench Admin",
            "--password-stdin",
        ],
        &format!("{PASSWORD}\n"),
    )?;

    let server = Server(
        Command::new(&bin)
            .arg("serve")
            .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
            .stdout(Stdio::null())
            .spawn()?,
    );
    let started = Instant::now();
    while http(port, "GET", "/health", "").map(|r| r.0).unwrap_or(0) != 200 {
        if started.elapsed() > Duration::from_secs(20) {
            bail!("saring serve did not become healthy");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let (status, body) = http(
        port,
        "POST",
        "/api/auth/admin/login",
        &format!(r#"{{"username":"{PHONE}","password":"{PASSWORD}"}}"#),
    )?;
    if status != 200 {
        bail!("login failed ({status}): {body}");
    }
    let token = body
        .split("\"access_token\":\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .context("no access token in the login answer")?
        .to_owned();
    let (status, _) = {
        let mut s = TcpStream::connect(("127.0.0.1", port))?;
        write!(
            s,
            "GET /api/auth/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
        )?;
        let mut out = String::new();
        s.read_to_string(&mut out)?;
        (
            out.split_whitespace()
                .nth(1)
                .and_then(|c| c.parse::<u16>().ok())
                .unwrap_or(0),
            (),
        )
    };
    if status != 200 {
        bail!("GET /api/auth/me answered {status}");
    }
    let pid = server.0.id();
    let rss_idle = proc_kb(pid, "VmRSS:").unwrap_or(0);
    let url = format!("http://127.0.0.1:{port}/api/auth/me");
    let header = format!("Authorization: Bearer {token}");
    // Warm-up, then the measured run.
    Command::new("wrk")
        .args(["-t1", "-c32", "-d3s", "-H", &header, &url])
        .stdout(Stdio::null())
        .status()?;
    let out = Command::new("wrk")
        .args(["-t1", "-c64", "-d15s", "--latency", "-H", &header, &url])
        .output()?;
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let rss_peak = proc_kb(pid, "VmHWM:").unwrap_or(0);
    drop(server);

    let field = |prefix: &str| {
        text.lines()
            .find(|l| l.trim_start().starts_with(prefix))
            .and_then(|l| l.split_whitespace().nth(1))
            .map(str::to_owned)
    };
    let rps = field("Requests/sec:").unwrap_or_else(|| "?".into());
    let p50 = field("50%").unwrap_or_else(|| "?".into());
    let p99 = field("99%").unwrap_or_else(|| "?".into());
    let non_2xx = text
        .lines()
        .find(|l| l.contains("Non-2xx"))
        .map(str::trim)
        .unwrap_or("none");
    println!("\n{text}");
    println!(
        "bench api — GET /api/auth/me (Bearer), saring serve (release) on PostgreSQL + Redis, wrk -t1 -c64 -d15s"
    );
    println!("  requests/s : {rps}   (target ≥ 20000; the reference: 509)");
    println!("  latency    : p50 {p50}, p99 {p99}   (target p99 < 10 ms; the reference: 86 ms)");
    println!("  non-2xx    : {non_2xx}");
    println!(
        "  server RSS : {:.1} MB idle, {:.1} MB peak",
        rss_idle as f64 / 1024.0,
        rss_peak as f64 / 1024.0
    );
    Ok(())
}
