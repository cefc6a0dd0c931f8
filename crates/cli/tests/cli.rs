//! The `saring` binary as operators use it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

use saring_store::testing::TestDb;

fn saring(args: &[&str], envs: &[(&str, &str)], stdin: &str) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_saring"));
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
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
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
