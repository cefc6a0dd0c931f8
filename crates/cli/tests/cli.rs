//! The `saring` binary as operators use it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use saring_store::testing::TestDb;

fn saring(args: &[&str], envs: &[(&str, &str)], stdin: &str) -> Output {
    // A working directory of the tests' own: nothing lands in the source tree, and every
    // command finds the `./data/secrets.json` the first one made (PostgreSQL runs: the
    // embedded-mode commands keep their keys there).
    let cwd = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli-cwd");
    std::fs::create_dir_all(&cwd).unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_saring"));
    cmd.current_dir(&cwd);
    cmd.args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // A clean environment: only what the test sets (plus PATH/HOME for the runtime).
    cmd.env_clear();
    for var in ["PATH", "HOME"] {
        if let Ok(v) = std::env::var(var) {
            cmd.env(var, v);
        }
    }
    cmd.envs(envs.iter().copied());
    let mut child = cmd.spawn().expect("saring starts");
    // A command that refuses its arguments may exit before reading stdin: a closed pipe is
    // its answer, not a failure of the test.
    let written = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    if let Err(e) = written {
        assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "{e}");
    }
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn policy_eval_answers_in_order() {
    let input = r#"[
        {"is_active": true, "approval_status": "APPROVED", "total_quota_purchased_mb": 8192, "total_quota_used_mb": 7168, "quota_expiry_date": "2099-01-01T00:00:00+00:00"},
        {"role": "SUPER_ADMIN", "is_active": true, "approval_status": "APPROVED"},
        {"is_blocked": true, "blocked_reason": "quota_debt_limit|debt_mb=1", "is_active": true, "approval_status": "APPROVED"},
        {"is_active": true, "approval_status": "APPROVED", "total_quota_purchased_mb": 200, "total_quota_used_mb": 150, "quota_expiry_date": "2026-06-01T00:00:00Z"}
    ]"#;
    let out = saring(
        &[
            "policy",
            "eval",
            "--now",
            "2026-01-01T00:00:00Z",
            "--fup-threshold-mb",
            "100",
        ],
        &[],
        input,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let statuses: Vec<(&str, &str, &str)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["status"].as_str().unwrap(),
                d["detail"].as_str().unwrap(),
                d["binding_type"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        statuses,
        [
            ("ok", "active", "bypassed"),
            ("ok", "unlimited", "bypassed"),
            ("blocked", "blocked", "regular"),
            ("fup", "fup", "bypassed")
        ]
    );
    assert_eq!(v[3]["address_list"], "klient_fup");
    assert_eq!(v[3]["profile"], "profile-fup");

    // The same user after its expiry date, with list names from the environment.
    let later = saring(
        &["policy", "eval", "--now", "2026-07-01T00:00:00Z"],
        &[("MIKROTIK_ADDRESS_LIST_EXPIRED", "kadaluarsa")],
        &format!(
            "[{}]",
            r#"{"is_active": true, "approval_status": "APPROVED", "total_quota_purchased_mb": 200, "quota_expiry_date": "2026-06-01T00:00:00Z"}"#
        ),
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&later)).unwrap();
    assert_eq!(v[0]["status"], "expired");
    assert_eq!(v[0]["address_list"], "kadaluarsa");
}

#[test]
fn policy_eval_rejects_bad_input_clearly() {
    for (input, needle) in [
        ("not json", "JSON array"),
        (r#"{"a": 1}"#, "JSON array"),
        (r#"[{"role": "KING"}]"#, "user #0"),
        (r#"[{}, {"is_active": "yes"}]"#, "user #1"),
    ] {
        let out = saring(&["policy", "eval"], &[], input);
        assert!(!out.status.success(), "{input}");
        assert!(stderr(&out).contains(needle), "{input}: {}", stderr(&out));
        assert!(stdout(&out).is_empty());
    }
    let out = saring(&["policy", "eval", "--now", "yesterday"], &[], "[]");
    assert!(!out.status.success());
}

#[tokio::test]
async fn migrate_and_admin_create_on_the_test_database() {
    let db = TestDb::new_empty().await;
    let url = db.url().to_owned();
    let env = [("DATABASE_URL", url.as_str())];

    let out = saring(&["migrate"], &env, "");
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    for table in [
        "users",
        "user_devices",
        "routers",
        "transactions",
        "quota_mutation_ledger",
        "outbox",
        "job_runs",
    ] {
        assert!(
            text.lines().any(|l| l.trim() == table),
            "{table} missing in:\n{text}"
        );
    }
    // Running it again is harmless.
    assert!(saring(&["migrate"], &env, "").status.success());

    let ok = saring(
        &[
            "admin",
            "create",
            "--phone",
            "+62 812 3456 7890",
            "--name",
            "Budi Admin",
            "--password-stdin",
            "--super",
        ],
        &env,
        "kata-sandi-kuat\n",
    );
    assert!(ok.status.success(), "{}", stderr(&ok));
    assert!(stdout(&ok).contains("SUPER_ADMIN Budi Admin (081234567890)"));

    let again = saring(
        &[
            "admin",
            "create",
            "--phone",
            "081234567890",
            "--name",
            "Budi Lagi",
            "--password-stdin",
        ],
        &env,
        "kata-sandi-kuat\n",
    );
    assert!(!again.status.success());
    assert!(
        stderr(&again).contains("sudah terdaftar"),
        "{}",
        stderr(&again)
    );

    let bad_phone = saring(
        &[
            "admin",
            "create",
            "--phone",
            "021-5551234",
            "--name",
            "X Y",
            "--password-stdin",
        ],
        &env,
        "kata-sandi-kuat\n",
    );
    assert!(!bad_phone.status.success());
    assert!(
        stderr(&bad_phone).contains("--phone"),
        "{}",
        stderr(&bad_phone)
    );

    let weak = saring(
        &[
            "admin",
            "create",
            "--phone",
            "081299998888",
            "--name",
            "Sari",
            "--password-stdin",
        ],
        &env,
        "123\n",
    );
    assert!(!weak.status.success());
    assert!(stderr(&weak).contains("Kata sandi"));

    let no_flag = saring(
        &[
            "admin",
            "create",
            "--phone",
            "081299998888",
            "--name",
            "Sari",
        ],
        &env,
        "kata-sandi-kuat\n",
    );
    assert!(!no_flag.status.success());
}

#[test]
fn config_check_masks_secrets_and_reports_problems() {
    let strong = "k".repeat(40);
    let env = [
        ("SECRET_KEY", strong.as_str()),
        ("MIKROTIK_PASSWORD", "router-pass-123"),
        ("MIKROTIK_USER", "api"),
    ];
    let out = saring(&["config", "check"], &env, "");
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(!text.contains("router-pass-123") && !text.contains(&strong));
    assert!(text.contains("MIKROTIK_USERNAME") && text.contains("from MIKROTIK_USER"));
    assert!(text.contains("configuration OK"));

    let bad = saring(
        &["config", "check", "--json"],
        &[("MIKROTIK_PORT", "x")],
        "",
    );
    assert!(!bad.status.success());
    let v: serde_json::Value = serde_json::from_str(&stdout(&bad)).unwrap();
    let vars: Vec<&str> = v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["var"].as_str().unwrap())
        .collect();
    assert!(
        vars.contains(&"MIKROTIK_PORT") && vars.contains(&"SECRET_KEY"),
        "{vars:?}"
    );
}

#[tokio::test]
async fn routers_are_added_changed_and_removed_from_the_command_line() {
    let db = TestDb::new().await;
    let url = db.url().to_owned();
    let env = [("DATABASE_URL", url.as_str())];
    let add = |extra: &[&str], stdin: &str| {
        let mut args = vec![
            "router",
            "add",
            "--name",
            "site-b",
            "--host",
            "127.0.0.1",
            "--port",
            "1",
            "--username",
            "api",
            "--password-stdin",
        ];
        args.extend_from_slice(extra);
        saring(&args, &env, stdin)
    };
    // Clear refusals, nothing stored.
    let bad = add(&["--cidr", "10.9.0.0/40"], "rahasia\n");
    assert!(!bad.status.success());
    assert!(
        stderr(&bad).contains("Rentang alamat tidak valid"),
        "{}",
        stderr(&bad)
    );
    let bad = add(
        &["--cidr", "10.9.0.0/24", "--every", "quota-sync"],
        "rahasia\n",
    );
    assert!(!bad.status.success());
    assert!(stderr(&bad).contains("JOB=SECONDS"), "{}", stderr(&bad));
    let bad = add(
        &["--cidr", "10.9.0.0/24", "--every", "quota-sync=5"],
        "rahasia\n",
    );
    assert!(stderr(&bad).contains("60–604800"), "{}", stderr(&bad));
    let empty = saring(&["router", "list", "--json"], &env, "");
    assert!(empty.status.success(), "{}", stderr(&empty));
    let list: serde_json::Value = serde_json::from_str(&stdout(&empty)).unwrap();
    assert_eq!(list["items"], serde_json::json!([]));

    let ok = add(
        &[
            "--cidr",
            "10.9.0.0/24",
            "--cidr",
            "10.9.1.0/24",
            "--every",
            "quota-sync=120",
        ],
        "rahasia-router\n",
    );
    assert!(ok.status.success(), "{}", stderr(&ok));
    assert!(
        stdout(&ok).contains("site-b  127.0.0.1:1"),
        "{}",
        stdout(&ok)
    );
    assert!(stdout(&ok).contains("quota-sync=120s"), "{}", stdout(&ok));

    let set = saring(
        &[
            "router",
            "set",
            "site-b",
            "--every",
            "walled-garden=0",
            "--enabled",
            "false",
            "--rename",
            "site-b2",
        ],
        &env,
        "",
    );
    assert!(set.status.success(), "{}", stderr(&set));
    let list: serde_json::Value =
        serde_json::from_str(&stdout(&saring(&["router", "list", "--json"], &env, ""))).unwrap();
    let r = &list["items"][0];
    assert_eq!(r["name"], "site-b2");
    assert_eq!(r["is_enabled"], false);
    assert_eq!(
        r["job_intervals"],
        serde_json::json!({"quota-sync": 120, "walled-garden": 0}),
        "--every adds to the router's schedules"
    );
    assert!(!stdout(&saring(&["router", "list", "--json"], &env, "")).contains("rahasia"));
    // Nothing listens on port 1.
    let check = saring(&["router", "check", "site-b2"], &env, "");
    assert!(!check.status.success());
    assert!(stdout(&check).contains("OFFLINE"), "{}", stdout(&check));

    let gone = saring(&["router", "remove", "site-b2"], &env, "");
    assert!(gone.status.success(), "{}", stderr(&gone));
    let again = saring(&["router", "remove", "site-b2"], &env, "");
    assert!(stderr(&again).contains("tidak ada"), "{}", stderr(&again));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn router_check_names_what_a_bare_router_lacks_and_setup_script_prints_the_fix() {
    let db = TestDb::new().await;
    let url = db.url().to_owned();
    let env = [
        ("DATABASE_URL", url.as_str()),
        ("APP_PUBLIC_BASE_URL", "https://wifi.example.id"),
    ];
    // A router fresh from the box, in this process (the CLI runs in another).
    let sim = saring_routeros::sim::Simulator::builder()
        .user("api", "rahasia-router")
        .cidr(std::net::Ipv4Addr::new(10, 30, 0, 0), 24)
        .build()
        .start("127.0.0.1:0")
        .await
        .unwrap();
    let port = sim.addr().port().to_string();
    let add = saring(
        &[
            "router",
            "add",
            "--name",
            "site-c",
            "--host",
            "127.0.0.1",
            "--port",
            &port,
            "--username",
            "api",
            "--cidr",
            "10.30.0.0/24",
            "--password-stdin",
        ],
        &env,
        "rahasia-router\n",
    );
    assert!(add.status.success(), "{}", stderr(&add));

    let check = saring(&["router", "check", "site-c"], &env, "");
    assert!(!check.status.success());
    let (out, err) = (stdout(&check), stderr(&check));
    assert!(out.contains("online"), "{out}");
    assert!(out.contains("MISSING  hotspot server srv-user"), "{out}");
    assert!(out.contains("MISSING  address list klient_aktif"), "{out}");
    assert!(
        out.contains("MISSING  raw prerouting drop src-address-list=klient_inactive"),
        "{out}"
    );
    assert!(
        err.contains("saring routeros setup-script --router site-c"),
        "{err}"
    );

    let script = saring(
        &["routeros", "setup-script", "--router", "site-c"],
        &env,
        "",
    );
    assert!(script.status.success(), "{}", stderr(&script));
    let text = stdout(&script);
    assert!(
        text.starts_with("# Saring: router setup for \"site-c\""),
        "{text}"
    );
    assert!(
        text.contains("value=\"'https://wifi.example.id/api/captive'\""),
        "{text}"
    );
    assert!(text.contains("GANTI-SANDI-API"), "{text}");
    // With the password from stdin, into a private file.
    let file = Path::new(env!("CARGO_TARGET_TMPDIR")).join("site-c.rsc");
    let written = saring(
        &[
            "routeros",
            "setup-script",
            "--router",
            "site-c",
            "--api-password-stdin",
            "-o",
            file.to_str().unwrap(),
        ],
        &env,
        "sandi-api-baru\n",
    );
    assert!(written.status.success(), "{}", stderr(&written));
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("sandi-api-baru") && !text.contains(":error"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "the script may hold a password: {mode:o}");
    }
    let unknown = saring(&["routeros", "setup-script", "--router", "nope"], &env, "");
    assert!(!unknown.status.success());
    assert!(
        stderr(&unknown).contains("tidak ada"),
        "{}",
        stderr(&unknown)
    );
}

/// A running `saring run` (killed when dropped).
struct Demo {
    child: Child,
    stdout: Arc<Mutex<Vec<String>>>,
    stderr: Arc<Mutex<Vec<String>>>,
    /// `http://127.0.0.1:<port>`, the port read from the start-up banner.
    base: String,
    port: u16,
}

impl Drop for Demo {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const DEMO_PASSWORD: &str = "demo-admin-pass-1";

fn demo_command(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_saring"));
    cmd.arg("run")
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env_clear();
    for var in ["PATH", "HOME"] {
        if let Ok(v) = std::env::var(var) {
            cmd.env(var, v);
        }
    }
    cmd.env(
        "DATABASE_URL",
        format!("sqlite://{}?mode=rwc", dir.join("demo.db").display()),
    )
    .env("SARING_DEMO_ADMIN_PASSWORD", DEMO_PASSWORD)
    .env("SARING_SIM_HOSTS", "2")
    .env("RUST_LOG", "warn");
    cmd
}

fn collect(stream: impl std::io::Read + Send + 'static) -> Arc<Mutex<Vec<String>>> {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let sink = lines.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            sink.lock().unwrap().push(line);
        }
    });
    lines
}

/// Starts `saring run` in `dir` and waits for its banner and `/health`.
async fn start_demo(dir: &Path, args: &[&str]) -> Demo {
    start_demo_with(demo_command(dir, args)).await
}

/// Starts a prepared `saring run` command and waits for its banner and `/health`.
async fn start_demo_with(mut cmd: Command) -> Demo {
    let mut child = cmd.spawn().expect("saring run starts");
    let stdout = collect(child.stdout.take().unwrap());
    let stderr = collect(child.stderr.take().unwrap());
    let deadline = Instant::now() + Duration::from_secs(30);
    let port = loop {
        let found = stdout.lock().unwrap().iter().find_map(|l| {
            let url = l.split_once("Portal:")?.1.split_whitespace().next()?;
            url.trim_end_matches('/')
                .rsplit(':')
                .next()?
                .parse::<u16>()
                .ok()
        });
        if let Some(port) = found {
            break port;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("saring run exited ({status}): {:?}", stderr.lock().unwrap());
        }
        assert!(
            Instant::now() < deadline,
            "no banner: {:?}",
            stderr.lock().unwrap()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let demo = Demo {
        child,
        stdout,
        stderr,
        base: format!("http://127.0.0.1:{port}"),
        port,
    };
    let http = http();
    loop {
        if let Ok(r) = http.get(format!("{}/health", demo.base)).send().await
            && r.status().is_success()
        {
            return demo;
        }
        assert!(Instant::now() < deadline, "saring run never answered");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn http() -> reqwest::Client {
    saring_gateways::install_crypto_provider();
    reqwest::Client::new()
}

impl Demo {
    /// The demo admin's access token and user id.
    async fn admin_login(&self) -> (String, String) {
        let banner = self.stdout.lock().unwrap().join("\n");
        let phone = banner
            .lines()
            .find_map(|l| l.split_once("Admin login:"))
            .and_then(|(_, rest)| rest.split_whitespace().next().map(str::to_owned))
            .expect("admin login in the banner");
        let res = http()
            .post(format!("{}/api/auth/admin/login", self.base))
            .json(&serde_json::json!({"username": phone, "password": DEMO_PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let b: serde_json::Value = res.json().await.unwrap();
        (
            b["access_token"].as_str().unwrap().to_owned(),
            b["user"]["id"].as_str().unwrap().to_owned(),
        )
    }

    async fn get(&self, path: &str, bearer: Option<&str>) -> (u16, serde_json::Value) {
        let mut req = http().get(format!("{}{path}", self.base));
        if let Some(t) = bearer {
            req = req.bearer_auth(t);
        }
        let res = req.send().await.unwrap();
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(serde_json::Value::Null))
    }
}

fn secrets_file(dir: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(dir.join("secrets.json")).unwrap()).unwrap()
}

/// The old built-in secrets, public in the source: nothing may accept them any more.
const OLD_DEV_SECRET: &str = "saring-dev-secret-change-me";
const OLD_DEMO_SERVER_KEY: &str = "SB-Mid-server-SARING-DEMO";

#[tokio::test]
async fn the_demo_generates_its_secrets_once_and_refuses_the_public_ones() {
    let dir = tempfile::tempdir().unwrap();
    let demo = start_demo(dir.path(), &["--listen", "127.0.0.1:0"]).await;
    let secrets = secrets_file(dir.path());
    for key in [
        "secret_key",
        "jwt_secret_key",
        "encryption_key",
        "midtrans_server_key",
    ] {
        let v = secrets[key].as_str().unwrap();
        assert!(v.len() >= 64, "{key}");
        assert!(!v.contains(OLD_DEV_SECRET) && !v.contains("SARING-DEMO"));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("secrets.json"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let (token, admin_id) = demo.admin_login().await;
    assert_eq!(demo.get("/api/auth/me", Some(&token)).await.0, 200);

    // A super admin's JWT signed with the old development secret is refused.
    let now = chrono::Utc::now().timestamp();
    let forged = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &serde_json::json!({"sub": admin_id, "rl": "SUPER_ADMIN", "iat": now, "exp": now + 600}),
        &jsonwebtoken::EncodingKey::from_secret(OLD_DEV_SECRET.as_bytes()),
    )
    .unwrap();
    let (status, b) = demo.get("/api/auth/me", Some(&forged)).await;
    assert_eq!(status, 401, "{b}");
    assert_eq!(demo.get("/api/admin/users", Some(&forged)).await.0, 401);

    // A notification signed with the old public demo key is refused; one signed with this
    // install's key gets past the signature (and finds no such order).
    let notify = |key: &str| {
        let (order, code, gross) = ("BD-LPSR-0123456789AB", "200", "5000.00");
        let sig = saring_gateways::payments::signature(order, code, gross, key);
        serde_json::json!({"order_id": order, "transaction_status": "settlement", "status_code": code, "gross_amount": gross, "signature_key": sig})
    };
    let post = |body: serde_json::Value| {
        let url = format!("{}/api/transactions/notification", demo.base);
        async move {
            let res = http().post(url).json(&body).send().await.unwrap();
            let status = res.status().as_u16();
            (status, res.json::<serde_json::Value>().await.unwrap())
        }
    };
    let (status, b) = post(notify(OLD_DEMO_SERVER_KEY)).await;
    assert_eq!(
        (status, b["code"].as_str()),
        (403, Some("signature_invalid")),
        "{b}"
    );
    let own = secrets["midtrans_server_key"].as_str().unwrap();
    let (status, b) = post(notify(own)).await;
    assert_eq!(status, 404, "{b}");

    // On loopback the demo inbox stays open (the browser tests read OTPs from it).
    assert_eq!(demo.get("/api/dev/outbox", None).await.0, 200);

    // The next start reuses the secrets: the session survives the restart.
    drop(demo);
    let demo = start_demo(dir.path(), &["--listen", "127.0.0.1:0"]).await;
    assert_eq!(secrets_file(dir.path()), secrets);
    let (status, b) = demo.get("/api/auth/me", Some(&token)).await;
    assert_eq!(status, 200, "{b}");
}

#[tokio::test]
async fn the_demo_names_the_port_it_really_listens_on() {
    let dir = tempfile::tempdir().unwrap();
    let demo = start_demo(dir.path(), &["--listen", "127.0.0.1:0"]).await;
    assert_ne!(demo.port, 0);
    let banner = demo.stdout.lock().unwrap().join("\n");
    assert!(
        banner.contains(&format!("http://127.0.0.1:{}/admin", demo.port)),
        "{banner}"
    );
    // Links the app builds (RFC 8908 here; payment and WhatsApp links share the base).
    let (_, captive) = demo.get("/api/captive", None).await;
    assert_eq!(
        captive["user-portal-url"],
        format!("http://127.0.0.1:{}/captive", demo.port)
    );
}

#[tokio::test]
async fn the_demo_router_is_set_up_from_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let demo = start_demo(dir.path(), &["--listen", "127.0.0.1:0"]).await;
    // Checked before the banner: `/ready` counts it complete at once.
    let (status, ready) = demo.get("/ready", None).await;
    assert_eq!(status, 200, "{ready}");
    assert_eq!(
        ready["routers"],
        serde_json::json!({"complete": 1, "incomplete": 0, "unchecked": 0}),
        "{ready}"
    );
    let (token, _) = demo.admin_login().await;
    let (_, list) = demo.get("/api/admin/routers", Some(&token)).await;
    let router = &list["items"][0];
    assert_eq!(router["setup"]["setup"], "complete", "{list}");
    // Saring logs in as the least-privilege user the setup created, not as `admin`.
    assert_eq!(router["username"], "saring", "{list}");
    let id = router["id"].as_str().unwrap();
    let (status, report) = demo
        .get(
            &format!("/api/admin/routers/{id}/verify-rules"),
            Some(&token),
        )
        .await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["all_found"], true, "{report}");
    // The simulated hosts are still there, with their traffic.
    let banner = demo.stdout.lock().unwrap().join("\n");
    assert!(banner.contains("2 simulated hotspot hosts"), "{banner}");
    let res = http()
        .post(format!("{}/api/admin/routers/{id}/check", demo.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let checked: serde_json::Value = res.json().await.unwrap();
    assert_eq!(checked["online"], true, "{checked}");
}

#[tokio::test]
async fn the_demo_stays_on_loopback_unless_told_otherwise() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = demo_command(dir.path(), &["--listen", "0.0.0.0:0"])
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("saring run --listen 0.0.0.0:0 kept running");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let out = child.wait_with_output().unwrap();
    assert!(!status.success());
    let err = stderr(&out);
    assert!(
        err.contains("refusing to listen on 0.0.0.0") && err.contains("--allow-remote"),
        "{err}"
    );

    // With the flag: a loud warning, and the inbox of OTPs needs an admin.
    let demo = start_demo(dir.path(), &["--listen", "0.0.0.0:0", "--allow-remote"]).await;
    let warned = demo.stderr.lock().unwrap().join("\n");
    assert!(warned.contains("WARNING"), "{warned}");
    assert_eq!(demo.get("/api/dev/outbox", None).await.0, 401);
    let (token, _) = demo.admin_login().await;
    assert_eq!(demo.get("/api/dev/outbox", Some(&token)).await.0, 200);
}

/// A `saring routeros sim` process (killed when dropped) and its API address.
struct ExternalSim {
    child: Child,
    addr: std::net::SocketAddr,
}

impl Drop for ExternalSim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const SIM_PW: &str = "sim-rahasia-1";

async fn start_external_sim() -> ExternalSim {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_saring"));
    cmd.args([
        "routeros",
        "sim",
        "--listen",
        "127.0.0.1:0",
        "--hosts",
        "2",
        "--password",
        SIM_PW,
        "--server",
        "srv-user",
        "--server",
        "srv-komandan",
    ]);
    for profile in [
        "profile-aktif",
        "profile-fup",
        "profile-habis",
        "profile-expired",
        "profile-unlimited",
        "profile-blokir",
    ] {
        cmd.args(["--profile", profile]);
    }
    // Owned by `ExternalSim` at once, so a panic below still kills the process.
    let mut sim = ExternalSim {
        child: cmd
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("saring routeros sim starts"),
        addr: std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
    };
    let lines = collect(sim.child.stdout.take().unwrap());
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let addr = lines.lock().unwrap().iter().find_map(|l| {
            l.strip_prefix("RouterOS simulator listening on ")?
                .split_whitespace()
                .next()?
                .parse()
                .ok()
        });
        if let Some(addr) = addr {
            sim.addr = addr;
            return sim;
        }
        assert!(Instant::now() < deadline, "the simulator never listened");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Tried as a new user would, against a router in another process that nobody pokes: log in
/// from the captive portal, let the device browse, run the next quota sync — the usage is
/// credited. (Before: the login removed the device's host row, which never came back, so the
/// device used no quota, ever.)
#[tokio::test]
async fn a_device_logged_in_through_the_api_uses_quota_on_an_external_simulator() {
    use saring_routeros::{Api, ConnectOptions, Connection};
    let sim = start_external_sim().await;
    let dir = tempfile::tempdir().unwrap();
    let port = sim.addr.port().to_string();
    let router_env = [
        ("MIKROTIK_HOST", "127.0.0.1"),
        ("MIKROTIK_PORT", port.as_str()),
        ("MIKROTIK_USERNAME", "admin"),
        ("MIKROTIK_PASSWORD", SIM_PW),
    ];
    let mut cmd = demo_command(dir.path(), &["--listen", "127.0.0.1:0"]);
    cmd.envs(router_env);
    let demo = start_demo_with(cmd).await;
    let (admin_token, _) = demo.admin_login().await;
    let http = http();
    let post = |path: &str, token: Option<&str>, body: serde_json::Value| {
        let mut req = http.post(format!("{}{path}", demo.base)).json(&body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        async move {
            let res = req.send().await.unwrap();
            let status = res.status().as_u16();
            (
                status,
                res.json::<serde_json::Value>().await.unwrap_or_default(),
            )
        }
    };
    let phone = "081277788899";
    let (st, reg) = post(
        "/api/auth/register",
        None,
        serde_json::json!({"phone_number": phone, "full_name": "Sinta Wulan", "blok": "A", "kamar": "Kamar_1"}),
    )
    .await;
    assert_eq!(st, 201, "{reg}");
    let id = reg["user_id"].as_str().unwrap();
    let res = http
        .patch(format!("{}/api/admin/users/{id}/approve", demo.base))
        .bearer_auth(&admin_token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let (st, _) = post(
        "/api/auth/request-otp",
        None,
        serde_json::json!({"phone_number": phone}),
    )
    .await;
    assert_eq!(st, 200);
    let (_, outbox) = demo.get("/api/dev/outbox", None).await;
    let code: String = outbox
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find_map(|m| {
            let text = m["text"].as_str()?;
            let start = text.find('*')? + 1;
            let code: String = text[start..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            (code.len() == 6).then_some(code)
        })
        .expect("an OTP in the outbox");

    // The device, as the router sees it.
    let conn = Connection::connect(&ConnectOptions::for_addr(sim.addr, "admin", SIM_PW))
        .await
        .unwrap();
    let device = conn.hotspot_hosts().await.unwrap().remove(0);
    let (mac, ip) = (device.mac_address.clone(), device.address.clone().unwrap());
    let (st, login) = post(
        "/api/auth/verify-otp",
        None,
        serde_json::json!({"phone_number": phone, "otp": code, "client_ip": ip, "client_mac": mac}),
    )
    .await;
    assert_eq!(st, 200, "{login}");

    // The device keeps browsing: its host row is back within a traffic step or two.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let hosts = conn.hotspot_hosts().await.unwrap();
        if let Some(h) = hosts.iter().find(|h| h.mac_address == mac)
            && h.bytes_in + h.bytes_out > 0
        {
            assert_ne!(h.id, device.id, "a new row, as a router makes it");
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the host row never came back: {hosts:?}"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }

    // The next quota sync, run as an operator would.
    let mut env: Vec<(&str, String)> = vec![(
        "DATABASE_URL",
        format!("sqlite://{}?mode=rwc", dir.path().join("demo.db").display()),
    )];
    env.extend(router_env.iter().map(|(k, v)| (*k, (*v).to_owned())));
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let out = saring(&["job", "run", "quota-sync"], &env, "");
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let outcome: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|_| {
        panic!("job output: {text}");
    });
    assert_eq!(outcome["summary"]["users_credited"], 1, "{outcome}");
    assert!(
        outcome["summary"]["bytes_credited"].as_i64().unwrap() > 0,
        "{outcome}"
    );
    let token = login["access_token"].as_str().unwrap();
    let (st, quota) = demo.get("/api/users/me/quota", Some(token)).await;
    assert_eq!(st, 200);
    assert!(quota["last_sync_time"].is_string(), "{quota}");
    let credited = outcome["summary"]["bytes_credited"].as_f64().unwrap() / 1_048_576.0;
    let shown = quota["total_quota_used_mb"].as_f64().unwrap();
    assert!(
        (shown - credited).abs() <= 0.01,
        "{shown} MB shown, {credited} MB credited"
    );
}

#[tokio::test]
async fn users_and_debts_are_managed_from_the_command_line() {
    let db = TestDb::new().await;
    let url = db.url().to_owned();
    let env = [("DATABASE_URL", url.as_str())];
    let run = |args: &[&str]| saring(args, &env, "");
    let json = |args: &[&str]| {
        let mut all = args.to_vec();
        all.push("--json");
        let out = run(&all);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        serde_json::from_str::<serde_json::Value>(&stdout(&out)).unwrap()
    };
    let user = "081277711001";

    // Changes need an administrator to act as.
    let out = run(&[
        "user", "add", user, "--name", "Budi", "--blok", "A", "--kamar", "1",
    ]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("no active super admin"),
        "{}",
        stderr(&out)
    );
    let out = saring(
        &[
            "admin",
            "create",
            "--phone",
            "081277711000",
            "--name",
            "Bos",
            "--password-stdin",
            "--super",
        ],
        &env,
        "kata-sandi-kuat\n",
    );
    assert!(out.status.success(), "{}", stderr(&out));

    let added = json(&[
        "user",
        "add",
        user,
        "--name",
        "Budi Santoso",
        "--blok",
        "A",
        "--kamar",
        "1",
    ]);
    assert_eq!(added["approval_status"], "APPROVED", "{added}");
    let before = added["total_quota_purchased_mb"].as_f64().unwrap();
    let out = run(&[
        "user", "add", user, "--name", "Budi", "--blok", "A", "--kamar", "1",
    ]);
    assert!(!out.status.success(), "a phone number is registered once");
    let out = run(&["user", "show", "0812"]);
    assert!(!out.status.success());
    assert!(!stderr(&out).is_empty());

    let state = json(&["user", "inject", user, "--mb", "1024", "--days", "7"]);
    assert_eq!(
        state["total_quota_purchased_mb"].as_f64(),
        Some(before + 1024.0),
        "{state}"
    );
    let out = run(&["user", "inject", user, "--mb", "-5"]);
    assert!(!out.status.success());

    // A manual debt, listed, settled once with a receipt.
    let debt = json(&[
        "debt", "add", user, "--mb", "500", "--price", "5000", "--note", "pinjam",
    ]);
    assert_eq!(
        (debt["amount_mb"].as_i64(), debt["is_paid"].as_bool()),
        (Some(500), Some(false))
    );
    let owed = json(&["debt", "list", "--phone", user]);
    assert_eq!(owed["summary"]["open_items"], 1, "{owed}");
    let all = json(&["debt", "list"]);
    assert_eq!(all["total"], 1, "{all}");
    let settled = json(&["debt", "settle", user, "--all", "--amount", "5000"]);
    assert!(
        settled["receipt_number"]
            .as_str()
            .unwrap()
            .starts_with("LNS-"),
        "{settled}"
    );
    assert_eq!(settled["paid_manual_mb"], 500);
    let again = run(&["debt", "settle", user, "--all"]);
    assert!(
        !again.status.success(),
        "nothing left to settle: {}",
        stdout(&again)
    );
    let owed = json(&["debt", "list", "--phone", user]);
    assert_eq!(owed["summary"]["open_items"], 0, "{owed}");

    // Block, role, listing, unlimited.
    let shown = json(&["user", "block", user, "--reason", "uji"]);
    assert_eq!(shown["is_blocked"], true, "{shown}");
    let shown = json(&["user", "unblock", user]);
    assert_eq!(shown["is_blocked"], false, "{shown}");
    let shown = json(&["user", "set-role", user, "komandan"]);
    assert_eq!(shown["role"], "KOMANDAN", "{shown}");
    let list = json(&["user", "list", "--role", "KOMANDAN"]);
    assert_eq!(list["items"][0]["phone_number"], "+6281277711001", "{list}");
    let state = json(&["user", "unlimited", user, "--days", "3"]);
    assert_eq!(state["is_unlimited_user"], true, "{state}");
    let text = stdout(&run(&["user", "show", user]));
    assert!(
        text.contains("Budi Santoso") && text.contains("KOMANDAN"),
        "{text}"
    );

    // A user's hotspot password is generated and sent; never read from the operator.
    let out = saring(
        &["user", "set-password", user, "--password-stdin"],
        &env,
        "kata-sandi-baru\n",
    );
    assert!(!out.status.success(), "users log in with OTP");
    let reset = json(&["user", "set-password", user]);
    assert_eq!(reset["whatsapp_queued"], true, "{reset}");

    // Deleting needs --yes; an account is deactivated unless hard deletes are allowed.
    assert!(!run(&["user", "delete", user]).status.success());
    let removed = json(&["user", "delete", user, "--yes"]);
    assert_eq!(removed["outcome"], "deactivated", "{removed}");

    // The way back in for a locked-out super admin; a weak password changes nothing.
    let out = saring(
        &[
            "admin",
            "set-password",
            "--phone",
            "081277711000",
            "--password-stdin",
        ],
        &env,
        "short\n",
    );
    assert!(!out.status.success());
    let out = saring(
        &["admin", "set-password", "--phone", user, "--password-stdin"],
        &env,
        "kata-sandi-baru\n",
    );
    assert!(!out.status.success(), "users log in with OTP");
    let out = saring(
        &[
            "admin",
            "set-password",
            "--phone",
            "081277711000",
            "--password-stdin",
        ],
        &env,
        "kata-sandi-baru\n",
    );
    assert!(out.status.success(), "{}", stderr(&out));
}

/// Seeds `n` quota-ledger rows for one user (enough for a restore to take several batches).
async fn seed_ledger(db: &sea_orm::DatabaseConnection, n: usize) -> uuid::Uuid {
    use saring_store::entities::{enums::*, quota_mutation_ledger, users};
    use sea_orm::{ActiveModelTrait, EntityTrait, Set};
    let user = users::ActiveModel {
        phone_number: Set("+6281100000777".into()),
        full_name: Set("Pemakai Banyak".into()),
        is_tamping: Set(false),
        is_active: Set(true),
        role: Set(UserRole::User),
        approval_status: Set(ApprovalStatus::Approved),
        is_blocked: Set(false),
        mikrotik_user_exists: Set(false),
        total_quota_purchased_mb: Set(0),
        total_quota_used_bytes: Set(0),
        auto_debt_offset_mb: Set(0),
        manual_debt_mb: Set(0),
        is_unlimited_user: Set(false),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    let rows: Vec<_> = (0..n)
        .map(|i| quota_mutation_ledger::ActiveModel {
            id: Set(uuid::Uuid::new_v4()),
            user_id: Set(user.id),
            source: Set("hotspot.sync_usage".into()),
            idempotency_key: Set(format!("k{i}")),
            event_details: Set(Some(serde_json::json!({ "delta_mb": i }))),
            created_at: Set(chrono::Utc::now()),
            ..Default::default()
        })
        .collect();
    for chunk in rows.chunks(500) {
        quota_mutation_ledger::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(db)
            .await
            .unwrap();
    }
    user.id
}

async fn count(db: &sea_orm::DatabaseConnection, table: &str) -> i64 {
    use sea_orm::ConnectionTrait;
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            format!("SELECT COUNT(*) AS n FROM {table}"),
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get("", "n").unwrap()
}

#[tokio::test]
async fn backups_from_the_command_line_and_a_killed_restore_changes_nothing() {
    let db = TestDb::new().await;
    let dir = tempfile::tempdir().unwrap();
    let backups = dir.path().join("backups");
    let url = db.url().to_owned();
    let env = [
        ("DATABASE_URL", url.as_str()),
        ("BACKUP_DIR", backups.to_str().unwrap()),
    ];
    seed_ledger(db.conn(), 30_000).await;
    let made = saring(&["backup", "create"], &env, "");
    assert!(made.status.success(), "{}", stderr(&made));
    let name = stdout(&made).split_whitespace().next().unwrap().to_owned();
    assert!(name.ends_with("-manual.backup.gz"), "{}", stdout(&made));
    let listed = saring(&["backup", "list"], &env, "");
    assert!(stdout(&listed).contains(&name), "{}", stdout(&listed));
    let verified = saring(&["backup", "verify", &name], &env, "");
    assert!(
        stdout(&verified).starts_with("ok: "),
        "{}",
        stderr(&verified)
    );

    // After the backup: one more account, a third of the ledger gone.
    let created = saring(
        &[
            "admin",
            "create",
            "--phone",
            "081100000888",
            "--name",
            "Admin Baru",
            "--password-stdin",
        ],
        &env,
        "kata-sandi-kuat\n",
    );
    assert!(created.status.success(), "{}", stderr(&created));
    {
        use sea_orm::ConnectionTrait;
        db.conn()
            .execute_unprepared(
                "DELETE FROM quota_mutation_ledger WHERE idempotency_key LIKE 'k1%'",
            )
            .await
            .unwrap();
    }
    let users_now = count(db.conn(), "users").await;
    let ledger_now = count(db.conn(), "quota_mutation_ledger").await;
    assert_eq!(users_now, 2);

    // Without --yes nothing happens.
    let refused = saring(&["backup", "restore", &name], &env, "");
    assert!(!refused.status.success());
    assert!(stderr(&refused).contains("--yes"), "{}", stderr(&refused));

    // Killed once it has inserted rows: the database is as it was.
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_saring"));
    cmd.args(["backup", "restore", &name, "--yes", "--no-safety-backup"])
        .current_dir(dir.path())
        .env_clear()
        .envs(env.iter().copied())
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let midway = lines.by_ref().map_while(Result::ok).find(|l| {
        l.starts_with("restoring quota_mutation_ledger: ")
            && l.split([' ', '/'])
                .nth(2)
                .and_then(|n| n.parse::<u64>().ok())
                .is_some_and(|n| n >= 5_000)
    });
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(midway.is_some(), "the restore never reported its progress");
    assert_eq!(count(db.conn(), "users").await, users_now);
    assert_eq!(count(db.conn(), "quota_mutation_ledger").await, ledger_now);

    // Run to the end: the backup's data, and the safety backup of what it replaced.
    let restored = saring(&["backup", "restore", &name, "--yes"], &env, "");
    assert!(restored.status.success(), "{}", stderr(&restored));
    assert!(
        stdout(&restored).contains("pre-restore"),
        "{}",
        stdout(&restored)
    );
    assert_eq!(count(db.conn(), "users").await, 1);
    assert_eq!(count(db.conn(), "quota_mutation_ledger").await, 30_000);

    // A file that is not a backup is refused before anything is touched.
    let junk = dir.path().join("dump.sql");
    std::fs::write(&junk, "DROP TABLE users;").unwrap();
    let bad = saring(
        &["backup", "restore", junk.to_str().unwrap(), "--yes"],
        &env,
        "",
    );
    assert!(!bad.status.success());
    assert!(stderr(&bad).contains("bukan backup"), "{}", stderr(&bad));
    assert_eq!(count(db.conn(), "users").await, 1);
    db.cleanup().await.unwrap();
}
