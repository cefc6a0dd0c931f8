//! Router setup (SQLite and PostgreSQL): a router that is not set up fails verify-rules naming
//! each missing item; the setup script's own commands, applied over the RouterOS API to a bare
//! simulator, make verify-rules pass; running them again changes nothing; the `.rsc` text
//! carries the same commands.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::Ipv4Addr;

use saring_app::router_admin;
use saring_app::router_setup::{self, Expected, SetupOptions, script};
use saring_app::testing::{SIM_PASSWORD, TestApp};
use saring_app::{AppError, AppResult};
use saring_domain::api::ErrorCode;
use saring_domain::dto::routers::{RouterInput, RouterRulesReport, RuleKind};
use saring_routeros::sim::{SimHandle, Simulator};
use saring_routeros::{ConnectOptions, Connection};
use saring_store::repo::routers as repo;

const PORTAL: &str = "https://wifi.example.id";

fn code<T: std::fmt::Debug>(r: AppResult<T>) -> (ErrorCode, String) {
    match r {
        Err(AppError::Rejected(body)) => (body.code, body.message),
        other => panic!("expected a rejection, got {other:?}"),
    }
}

async fn app() -> TestApp {
    TestApp::with_env(&[("APP_PUBLIC_BASE_URL", PORTAL)])
        .await
        .with_router(0)
        .await
}

/// A router fresh from the box: no hotspot servers of ours, no profiles, only `admin`.
async fn bare_sim() -> SimHandle {
    Simulator::builder()
        .user("admin", SIM_PASSWORD)
        .cidr(Ipv4Addr::new(10, 20, 0, 0), 24)
        .build()
        .start("127.0.0.1:0")
        .await
        .unwrap()
}

async fn add_router(t: &TestApp, sim: &SimHandle) -> uuid::Uuid {
    let view = router_admin::create(
        t,
        None,
        RouterInput {
            name: Some("site-b".into()),
            host: Some("127.0.0.1".into()),
            port: Some(sim.addr().port()),
            username: Some("admin".into()),
            password: Some(SIM_PASSWORD.into()),
            hotspot_client_cidrs: Some(vec!["10.20.0.0/24".into()]),
            ..RouterInput::default()
        },
    )
    .await
    .unwrap();
    view.id.parse().unwrap()
}

fn missing(report: &RouterRulesReport) -> Vec<(RuleKind, String, String)> {
    report
        .checks
        .iter()
        .filter(|c| !c.found)
        .map(|c| (c.kind, c.label.clone(), c.hint.clone().unwrap_or_default()))
        .collect()
}

fn has(missing: &[(RuleKind, String, String)], kind: RuleKind, label: &str) -> bool {
    missing.iter().any(|(k, l, _)| *k == kind && l == label)
}

#[tokio::test]
async fn a_bare_router_fails_verify_rules_naming_what_is_missing() {
    let t = app().await;
    let sim = bare_sim().await;
    let id = add_router(&t, &sim).await;
    let c = t.config();

    let report = router_setup::verify(&t, id).await.unwrap();
    assert!(!report.all_found);
    assert_eq!(
        report.setup_command,
        "saring routeros setup-script --router site-b"
    );
    let m = missing(&report);
    assert_eq!(report.missing, m.len());
    for server in ["srv-user", "srv-komandan"] {
        assert!(
            has(
                &m,
                RuleKind::HotspotServer,
                &format!("hotspot server {server} (profile saring)")
            ),
            "{m:#?}"
        );
    }
    assert!(has(&m, RuleKind::ServerProfile, "hotspot profile saring"));
    let p = &c.policy.profiles;
    for profile in [&p.active, &p.fup, &p.habis, &p.expired, &p.unlimited] {
        assert!(has(
            &m,
            RuleKind::UserProfile,
            &format!("hotspot user profile {profile}")
        ));
    }
    // Names come from the configuration, not from the reference's hard-coded ones.
    let l = &c.policy.lists;
    for list in l.managed() {
        assert!(has(
            &m,
            RuleKind::AddressList,
            &format!("address list {list}")
        ));
    }
    for rule in [
        format!("raw prerouting drop src-address-list={}", l.inactive),
        format!("raw prerouting drop dst-address-list={}", l.inactive),
        format!("filter hs-unauth return src-address-list={}", l.active),
        format!("filter hs-unauth return src-address-list={}", l.fup),
    ] {
        assert!(has(&m, RuleKind::FirewallRule, &rule), "{rule}: {m:#?}");
    }
    for host in [
        "wifi.example.id",
        "app.sandbox.midtrans.com",
        "api.sandbox.midtrans.com",
    ] {
        assert!(has(
            &m,
            RuleKind::WalledGarden,
            &format!("walled garden {host}")
        ));
    }
    assert!(has(
        &m,
        RuleKind::DhcpOption,
        &format!("dhcp option 114 = {PORTAL}/api/captive")
    ));
    assert!(has(
        &m,
        RuleKind::DhcpNetwork,
        "dhcp network 10.20.0.0/24 sends option 114"
    ));
    // The stock login page does not send clients to the portal.
    assert!(m.iter().any(|(k, _, _)| *k == RuleKind::LoginPage));
    // `admin` is in the full group: too many rights, named.
    let (_, _, hint) = m.iter().find(|(k, _, _)| *k == RuleKind::ApiUser).unwrap();
    assert!(
        hint.contains("sensitive") && hint.contains("policy"),
        "{hint}"
    );
    for (_, label, hint) in &m {
        assert!(!hint.is_empty(), "{label} has no hint");
    }
    // The report is kept for `/ready`.
    let cached = router_setup::cached_reports(&t).await.unwrap();
    let (_, kept) = cached.iter().find(|(n, _)| n == "site-b").unwrap();
    assert_eq!(kept.as_ref().unwrap().missing, report.missing);

    // Unknown router: 404; router down: an error naming it, not a report.
    let (code404, _) = code(router_setup::verify(&t, uuid::Uuid::new_v4()).await);
    assert_eq!(code404, ErrorCode::NotFound);
    sim.set_down(true);
    let (down, message) = code(router_setup::verify(&t, id).await);
    assert_eq!(down, ErrorCode::RouterUnavailable);
    assert!(message.contains("site-b"), "{message}");
}

#[tokio::test]
async fn the_setup_script_applied_over_the_api_makes_verify_rules_pass() {
    let t = app().await;
    let sim = bare_sim().await;
    let id = add_router(&t, &sim).await;
    let router = repo::find_by_id(t.app.db(), t.app.cipher(), id)
        .await
        .unwrap()
        .unwrap();

    // Saring will log in as `saring`, a user the script creates with least privilege.
    let mut spec = router.spec.clone();
    spec.username = "saring".into();
    let expected = Expected::new(t.config(), t.app.mode(), &spec);
    let options = SetupOptions {
        api_password: Some("api-pass-1".into()),
        ..SetupOptions::default()
    };
    let steps = script::steps(&expected, &options).unwrap();
    let admin = Connection::connect(&ConnectOptions::for_addr(sim.addr(), "admin", SIM_PASSWORD))
        .await
        .unwrap();
    script::apply(&admin, &steps).await.unwrap();

    router_admin::update(
        &t,
        None,
        id,
        RouterInput {
            username: Some("saring".into()),
            password: Some("api-pass-1".into()),
            ..RouterInput::default()
        },
    )
    .await
    .unwrap();
    let report = router_setup::verify(&t, id).await.unwrap();
    assert!(report.all_found, "{:#?}", missing(&report));
    assert_eq!(report.missing, 0);

    // Again: nothing is added twice.
    let menus = [
        "/ip/hotspot",
        "/ip/hotspot/profile",
        "/ip/hotspot/user/profile",
        "/ip/firewall/address-list",
        "/ip/firewall/raw",
        "/ip/firewall/filter",
        "/ip/hotspot/walled-garden",
        "/ip/dhcp-server/option",
        "/user",
        "/user/group",
        "/file",
    ];
    let before: Vec<usize> = menus.iter().map(|m| sim.rows(m).len()).collect();
    script::apply(&admin, &steps).await.unwrap();
    let after: Vec<usize> = menus.iter().map(|m| sim.rows(m).len()).collect();
    assert_eq!(before, after);
    // The anchors are disabled and not a client's address.
    assert!(
        sim.address_list()
            .iter()
            .filter(|e| e.address == "192.0.2.1")
            .all(|e| e.disabled)
    );
    // The login page keeps the hotspot's variables for the router to fill.
    let page = sim
        .rows("/file")
        .into_iter()
        .find(|r| r.get("name").as_deref() == Some("saring/login.html"))
        .and_then(|r| r.string("contents"))
        .unwrap();
    assert!(page.contains(&format!(
        "{PORTAL}/captive?client_ip=$(ip)&client_mac=$(mac)"
    )));

    // Someone breaks one thing: verify-rules names exactly that.
    let rule = sim
        .rows("/ip/firewall/raw")
        .into_iter()
        .find(|r| r.get("src-address-list").is_some())
        .unwrap();
    sim.exec(
        "/ip/firewall/raw/disable",
        &[("numbers", &rule.string(".id").unwrap())],
    )
    .unwrap();
    let report = router_setup::verify(&t, id).await.unwrap();
    let m = missing(&report);
    assert_eq!(m.len(), 1, "{m:#?}");
    assert!(m[0].2.contains("nonaktif"), "{m:#?}");
}

#[tokio::test]
async fn the_rsc_script_renders_every_step_and_guards_the_password() {
    let t = app().await;
    let router = repo::find_by_name(t.app.db(), t.app.cipher(), "default")
        .await
        .unwrap()
        .unwrap();
    let expected = Expected::new(t.config(), t.app.mode(), &router.spec);
    let steps = script::steps(&expected, &SetupOptions::default()).unwrap();
    let text = script::render(&expected, &steps);
    assert!(text.contains(":error"), "the placeholder guard is missing");
    assert!(text.contains(script::PASSWORD_PLACEHOLDER));
    assert!(text.contains(
        "/ip dhcp-server option add name=\"saring-captive\" code=\"114\" value=\"'https://wifi.example.id/api/captive'\""
    ));
    assert!(text.contains("/ip service enable [find where name=\"api-ssl\"]"));
    // `$(ip)` is escaped so RouterOS writes it into the file as is.
    assert!(text.contains("client_ip=\\$(ip)"));
    assert!(text.contains(&format!(
        "src-address-list=\"{}\"",
        t.config().policy.lists.inactive
    )));
    // One line per step, besides comments and the guard.
    let lines = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty() && !l.starts_with(":if ([:find"))
        .count();
    assert_eq!(lines, steps.len());
    // With a password given, no guard.
    let options = SetupOptions {
        api_password: Some("s3cret".into()),
        ..SetupOptions::default()
    };
    let text = script::render(&expected, &script::steps(&expected, &options).unwrap());
    assert!(!text.contains(":error"));

    // Without a public URL there is nothing to point the login page at.
    let t = TestApp::with_env(&[("APP_PUBLIC_BASE_URL", "")]).await;
    let mut expected = Expected::new(t.config(), t.app.mode(), &router.spec);
    expected.portal = None;
    let (code, message) = code(script::steps(&expected, &SetupOptions::default()));
    assert_eq!(code, ErrorCode::ValidationFailed);
    assert!(message.contains("APP_PUBLIC_BASE_URL"));
}

#[tokio::test]
async fn a_write_naming_a_server_the_router_lacks_is_router_not_ready() {
    let t = app().await;
    let router = repo::find_by_name(t.app.db(), t.app.cipher(), "default")
        .await
        .unwrap()
        .unwrap();
    let user = t.approved_user("081234567001").await;
    let user = t.grant_quota(&user, 1024).await;
    saring_store::repo::users::update(
        t.app.db(),
        user.id,
        saring_store::repo::users::UserPatch {
            mikrotik_password: Some(Some("123456".into())),
            router_id: Some(Some(router.id)),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    // The router was never given the users' hotspot server (a missing user profile is
    // survived: the hotspot user falls back to `default`).
    let server = t.config().router.server_user.clone();
    let row = t
        .sim()
        .rows("/ip/hotspot")
        .into_iter()
        .find(|r| r.get("name").as_deref() == Some(server.as_str()))
        .unwrap();
    assert!(
        t.sim()
            .remove_item("/ip/hotspot", &row.string(".id").unwrap())
    );
    let (code, message) = code(saring_app::router::user_sync::sync_user(&t, user.id).await);
    assert_eq!(code, ErrorCode::RouterNotReady);
    // The client learns the router is not ready, not which server (that is in the log).
    assert!(!message.contains(server.as_str()), "{message}");
    let report = router_setup::verify(&t, router.id).await.unwrap();
    let m = missing(&report);
    let (_, _, hint) = m
        .iter()
        .find(|(k, l, _)| *k == RuleKind::HotspotServer && l.contains(server.as_str()))
        .unwrap();
    assert!(hint.contains("belum ada"), "{hint}");
}
