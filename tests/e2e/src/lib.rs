//! # saring-e2e
//!
//! The harness for the browser tests in `tests/`: starts `saring run` on a free port with a
//! fresh SQLite database, starts `chromedriver`, and opens headless Chromium on it.
//!
//! The tests are `#[ignore]`d so `cargo test --workspace` stays quick and needs no browser;
//! `cargo xtask test` builds the SPA and the server and runs them with `--ignored`. They
//! read: `SARING_E2E_BIN` (the `saring` binary, default `debug/saring` in
//! `CARGO_TARGET_DIR`, else `target/debug/saring`),
//! `SARING_E2E_CHROMIUM` / `SARING_E2E_CHROMEDRIVER` (default: `chromium`, `chromedriver` on
//! PATH). When Chromium or chromedriver is missing the tests print a notice and pass, unless
//! `SARING_E2E_REQUIRED=1` (set by `.ci/run`), where a missing browser fails them.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use fantoccini::wd::Capabilities;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

/// The demo administrator's password the server is started with.
pub const ADMIN_PASSWORD: &str = "e2e-Admin-Pass-1";

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Cargo's target directory: `CARGO_TARGET_DIR` (relative to the workspace) or `target/`.
fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from) {
        Some(dir) if dir.is_absolute() => dir,
        Some(dir) => workspace_root().join(dir),
        None => workspace_root().join("target"),
    }
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

fn found(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Chromium and chromedriver, or `None` (with a notice) when either is missing.
pub fn browser_tools() -> Option<(String, String)> {
    let chromium = std::env::var("SARING_E2E_CHROMIUM").unwrap_or_else(|_| "chromium".into());
    let driver = std::env::var("SARING_E2E_CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
    if found(&chromium) && found(&driver) {
        Some((chromium, driver))
    } else {
        let msg = format!(
            "{chromium} or {driver} not found (apt-get install -y chromium chromium-driver)"
        );
        assert!(
            std::env::var_os("SARING_E2E_REQUIRED").is_none_or(|v| v != "1"),
            "browser tests are required here: {msg}"
        );
        eprintln!("notice: {msg}: browser tests skipped");
        None
    }
}

/// A child process that is killed when dropped.
struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `saring run` on a free port with its own database.
pub struct Server {
    pub base: String,
    bin: PathBuf,
    pub output: Arc<Mutex<Vec<String>>>,
    _proc: Proc,
    _dir: tempfile::TempDir,
}

impl Server {
    pub async fn start() -> Result<Server> {
        let bin = std::env::var("SARING_E2E_BIN")
            .map(PathBuf::from)
            .unwrap_or_else(|_| target_dir().join("debug/saring"));
        if !bin.exists() {
            bail!(
                "{} not found: run `cargo build -p saring` first",
                bin.display()
            );
        }
        let dir = tempfile::tempdir()?;
        let port = free_port()?;
        let db = format!("sqlite://{}?mode=rwc", dir.path().join("e2e.db").display());
        let mut child = Command::new(&bin)
            .arg("run")
            .current_dir(workspace_root())
            .env("DATABASE_URL", &db)
            .env("SARING_LISTEN", format!("127.0.0.1:{port}"))
            .env("SARING_DEMO_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .with_context(|| format!("starting {}", bin.display()))?;
        let output = Arc::new(Mutex::new(Vec::new()));
        for stream in [
            child
                .stdout
                .take()
                .map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
            child
                .stderr
                .take()
                .map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
        ]
        .into_iter()
        .flatten()
        {
            let sink = output.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    if let Ok(mut v) = sink.lock() {
                        v.push(line);
                    }
                }
            });
        }
        let server = Server {
            bin,
            base: format!("http://127.0.0.1:{port}"),
            output,
            _proc: Proc(child),
            _dir: dir,
        };
        // The workspace builds reqwest with `rustls-no-provider` (one provider, ring, for
        // every crate): install it before the first client.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(r) = http.get(format!("{}/health", server.base)).send().await
                && r.status().is_success()
            {
                return Ok(server);
            }
            if Instant::now() > deadline {
                bail!("saring did not start: {:?}", server.lines());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn lines(&self) -> Vec<String> {
        self.output.lock().map(|v| v.clone()).unwrap_or_default()
    }

    /// The demo administrator's phone number, from `SARING_E2E_ADMIN_PHONE` or the start-up
    /// banner (the first phone-looking word on a line that mentions "admin").
    pub fn admin_phone(&self) -> Option<String> {
        if let Ok(p) = std::env::var("SARING_E2E_ADMIN_PHONE") {
            return Some(p);
        }
        self.lines()
            .iter()
            .filter(|l| l.to_lowercase().contains("admin"))
            .find_map(|l| {
                l.split(|c: char| c.is_whitespace() || c == ',' || c == '(' || c == ')' || c == '=')
                    .map(|w| w.trim_matches(|c: char| !c.is_ascii_alphanumeric() && c != '+'))
                    .find(|w| saring_domain::Phone::parse(w).is_ok() && w.len() >= 10)
                    .map(str::to_owned)
            })
    }

    /// The `(ip, mac)` of the `n`-th host in the embedded RouterOS simulator, read with
    /// `saring routeros print /ip/hotspot/host` (address and password from the banner).
    pub fn simulated_host(&self, n: usize) -> Result<(String, String)> {
        let lines = self.lines();
        let sim = lines
            .iter()
            .find(|l| l.contains("RouterOS sim:"))
            .context("no simulator line in the start-up output")?;
        let words: Vec<&str> = sim.split_whitespace().collect();
        let addr = words
            .iter()
            .find(|w| w.starts_with("127.0.0.1:"))
            .context("simulator address")?;
        let port = addr.trim_start_matches("127.0.0.1:");
        let password = words
            .iter()
            .position(|w| *w == "/")
            .and_then(|i| words.get(i + 1))
            .map(|w| w.trim_end_matches([')', ',']))
            .context("simulator password")?;
        let out = Command::new(&self.bin)
            .args([
                "routeros",
                "print",
                "--host",
                "127.0.0.1",
                "--port",
                port,
                "--user",
                "admin",
            ])
            .args(["--password", password, "/ip/hotspot/host"])
            .output()?;
        let text = String::from_utf8_lossy(&out.stdout);
        let row = text
            .lines()
            .skip(2)
            .nth(n)
            .context("no such simulated host")?;
        let cols: Vec<&str> = row.split_whitespace().collect();
        match (cols.get(2), cols.get(1)) {
            (Some(ip), Some(mac)) => Ok(((*ip).to_owned(), (*mac).to_owned())),
            _ => bail!("cannot read the host row {row:?}"),
        }
    }

    /// The WhatsApp messages sent to `phone` so far (`GET /api/dev/outbox`).
    pub async fn messages_to(
        &self,
        phone: &saring_domain::Phone,
    ) -> Result<Vec<saring_domain::dto::auth::OutboxMessage>> {
        let digits = phone.digits().to_owned();
        let msgs: Vec<saring_domain::dto::auth::OutboxMessage> =
            reqwest::get(self.url("/api/dev/outbox"))
                .await?
                .json()
                .await
                .context("reading /api/dev/outbox")?;
        Ok(msgs
            .into_iter()
            .filter(|m| {
                m.to.chars()
                    .filter(char::is_ascii_digit)
                    .collect::<String>()
                    .ends_with(&digits[2..])
            })
            .collect())
    }

    /// The last OTP WhatsApp message sent to `phone` (`GET /api/dev/outbox`).
    pub async fn last_otp(&self, phone: &saring_domain::Phone) -> Result<String> {
        self.otp_after(phone, 0).await
    }

    /// The code of the last six-digit message to `phone` after its first `skip` messages
    /// (other messages, e.g. the approval with the hotspot password, can hold six digits too).
    pub async fn otp_after(&self, phone: &saring_domain::Phone, skip: usize) -> Result<String> {
        let digits = phone.digits().to_owned();
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let msgs = self.messages_to(phone).await?;
            let code = msgs
                .iter()
                .skip(skip)
                .filter_map(|m| six_digits(&m.text))
                .next_back();
            if let Some(code) = code {
                return Ok(code);
            }
            if Instant::now() > deadline {
                bail!("no OTP for {digits} in the outbox: {msgs:?}");
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }
}

/// The first run of exactly six digits in a text.
pub fn six_digits(text: &str) -> Option<String> {
    let mut run = String::new();
    for c in text.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_digit() {
            run.push(c);
        } else {
            if run.len() == 6 {
                return Some(run);
            }
            run.clear();
        }
    }
    None
}

/// chromedriver on a free port, and a headless Chromium session on it.
pub struct Browser {
    pub client: Client,
    _driver: Proc,
    _profile: tempfile::TempDir,
}

impl Browser {
    pub async fn start(chromium: &str, chromedriver: &str) -> Result<Browser> {
        let port = free_port()?;
        let driver = Proc(
            Command::new(chromedriver)
                .arg(format!("--port={port}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .context("starting chromedriver")?,
        );
        let profile = tempfile::tempdir()?;
        let chromium_path = which(chromium).unwrap_or_else(|| chromium.to_owned());
        let mut caps = Capabilities::new();
        caps.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": chromium_path,
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", "--window-size=390,844",
                    format!("--user-data-dir={}", profile.path().display()),
                ],
            }),
        );
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        let client = loop {
            let attempt =
                ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
                    .capabilities(caps.clone())
                    .connect(&url)
                    .await;
            match attempt {
                Ok(c) => break c,
                Err(e) if Instant::now() > deadline => {
                    bail!("cannot start a Chromium session: {e}")
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
            }
        };
        Ok(Browser {
            client,
            _driver: driver,
            _profile: profile,
        })
    }

    pub async fn goto(&self, url: &str) -> Result<()> {
        self.client.goto(url).await?;
        Ok(())
    }

    /// Waits for `[data-testid=…]` (10 s).
    pub async fn el(&self, testid: &str) -> Result<fantoccini::elements::Element> {
        self.client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(&format!("[data-testid='{testid}']")))
            .await
            .with_context(|| format!("waiting for [data-testid={testid}]"))
    }

    pub async fn click(&self, testid: &str) -> Result<()> {
        let e = self.el(testid).await?;
        self.click_el(&e).await
    }

    /// Clicks `e` after scrolling it to the middle of the window (WebDriver scrolls it just
    /// into view, where the sticky admin top bar can cover it).
    pub async fn click_el(&self, e: &fantoccini::elements::Element) -> Result<()> {
        let arg = serde_json::to_value(e)?;
        self.client
            .execute("arguments[0].scrollIntoView({block: 'center'});", vec![arg])
            .await?;
        e.clone().click().await?;
        Ok(())
    }

    pub async fn type_into(&self, testid: &str, text: &str) -> Result<()> {
        let e = self.el(testid).await?;
        e.clear().await?;
        e.send_keys(text).await?;
        Ok(())
    }

    /// Picks the first real option of a `<select>`, or types `fallback` into a text field.
    pub async fn choose(&self, testid: &str, fallback: &str) -> Result<()> {
        let e = self.el(testid).await?;
        if e.tag_name().await?.eq_ignore_ascii_case("select") {
            e.select_by_index(1).await?;
        } else {
            e.send_keys(fallback).await?;
        }
        Ok(())
    }

    /// Waits until the path (without query) equals `path`.
    pub async fn wait_path(&self, path: &str) -> Result<()> {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let url = self.client.current_url().await?;
            if url.path() == path {
                return Ok(());
            }
            if Instant::now() > deadline {
                bail!("expected {path}, still on {url}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn current_path(&self) -> Result<String> {
        Ok(self.client.current_url().await?.path().to_owned())
    }

    /// `fetch(path)` inside the page (with its cookies); the JSON body, or null.
    pub async fn fetch_json(&self, path: &str) -> Result<serde_json::Value> {
        let script = "const [p, done] = arguments; \
            fetch(p, {credentials: 'same-origin'}).then(r => r.ok ? r.json() : null).then(done, () => done(null));";
        Ok(self.client.execute_async(script, vec![json!(path)]).await?)
    }

    /// `fetch(path)` inside the page (with its cookies): the status, the content type and the
    /// body as text (a download the page links to).
    pub async fn fetch_text(&self, path: &str) -> Result<(u16, String, String)> {
        let script = "const [p, done] = arguments; \
            fetch(p, {credentials: 'same-origin'}).then(async r => \
                done([r.status, r.headers.get('content-type') || '', await r.text()]), \
                () => done([0, '', '']));";
        let answer = self.client.execute_async(script, vec![json!(path)]).await?;
        let status = answer[0]
            .as_u64()
            .and_then(|s| u16::try_from(s).ok())
            .unwrap_or(0);
        let text = |i: usize| answer[i].as_str().unwrap_or_default().to_owned();
        Ok((status, text(1), text(2)))
    }

    /// `fetch(path)` inside the page (with its cookies) with `method` and a JSON `body`: the
    /// HTTP status (0 when the server was not reached) and the JSON answer (null when none).
    pub async fn fetch_with(
        &self,
        method: &str,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> Result<(u16, serde_json::Value)> {
        let script = "const [m, p, b, done] = arguments; \
            const init = {method: m, credentials: 'same-origin', \
                headers: {'Accept': 'application/json', 'Content-Type': 'application/json'}}; \
            if (b !== null) init.body = JSON.stringify(b); \
            fetch(p, init).then(async r => { \
                const t = await r.text(); let j = null; \
                try { j = JSON.parse(t); } catch (e) {} \
                done([r.status, j]); \
            }, () => done([0, null]));";
        let args = vec![
            json!(method),
            json!(path),
            body.cloned().unwrap_or(serde_json::Value::Null),
        ];
        let answer = self.client.execute_async(script, args).await?;
        let status = answer[0]
            .as_u64()
            .and_then(|s| u16::try_from(s).ok())
            .unwrap_or(0);
        Ok((status, answer[1].clone()))
    }

    /// Saves a PNG of the page as `<name>.png` in `SARING_E2E_SCREENSHOTS`, when set.
    pub async fn screenshot(&self, name: &str) -> Result<()> {
        if let Some(dir) = std::env::var_os("SARING_E2E_SCREENSHOTS") {
            let png = self.client.screenshot().await?;
            std::fs::create_dir_all(&dir)?;
            std::fs::write(Path::new(&dir).join(format!("{name}.png")), png)?;
        }
        Ok(())
    }

    pub async fn text(&self, testid: &str) -> Result<String> {
        Ok(self.el(testid).await?.text().await?)
    }

    pub async fn close(self) -> Result<()> {
        self.client.close().await?;
        Ok(())
    }
}

fn which(tool: &str) -> Option<String> {
    if tool.contains('/') {
        return Some(tool.to_owned());
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(tool))
            .find(|p| p.is_file())
            .map(|p| p.display().to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::six_digits;

    #[test]
    fn finds_the_code() {
        assert_eq!(
            six_digits("Kode OTP Anda: 123456. Jangan bagikan.").as_deref(),
            Some("123456")
        );
        assert_eq!(
            six_digits("+6281234567890 kode 654321").as_deref(),
            Some("654321")
        );
        assert_eq!(six_digits("no code 12345"), None);
    }
}
