//! Managing routers (SQLite and PostgreSQL): adding, changing, checking and removing them
//! with clear errors that change nothing, the default router kept by the environment, and
//! each router keeping its own job schedules in the worker.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use chrono::Duration;
use saring_app::jobs::{self, When, schedule};
use saring_app::router_admin;
use saring_app::testing::{SIM_PASSWORD, TestApp};
use saring_app::{AppError, AppResult};
use saring_domain::api::ErrorCode;
use saring_domain::dto::routers::{RouterInput, RouterView};
use saring_store::entities::{admin_action_logs, routers as router_rows};
use sea_orm::EntityTrait;

fn input(name: &str, port: u16, cidr: &str) -> RouterInput {
    RouterInput {
        name: Some(name.into()),
        host: Some("127.0.0.1".into()),
        port: Some(port),
        username: Some("admin".into()),
        password: Some(SIM_PASSWORD.into()),
        hotspot_client_cidrs: Some(vec![cidr.into()]),
        ..RouterInput::default()
    }
}

fn code<T: std::fmt::Debug>(r: AppResult<T>) -> (ErrorCode, String) {
    match r {
        Err(AppError::Rejected(body)) => (body.code, body.message),
        other => panic!("expected a rejection, got {other:?}"),
    }
}

async fn views(t: &TestApp) -> Vec<RouterView> {
    router_admin::list(t).await.unwrap().routers.items
}

#[tokio::test]
async fn routers_are_added_changed_and_removed_with_clear_errors() {
    let t = TestApp::new().await.with_router(0).await;
    let default_cidr = views(&t).await[0].hotspot_client_cidrs[0].clone();
    let before = views(&t).await;
    let sim_b = t.start_router_sim(0).await;
    let port = sim_b.addr().port();

    // Each bad input is refused with the field it is about, and changes nothing.
    let bad: Vec<(RouterInput, &str)> = vec![
        (
            RouterInput {
                name: None,
                ..input("x", port, "10.9.0.0/24")
            },
            "Nama router",
        ),
        (input("global", port, "10.9.0.0/24"), "Nama router"),
        (input("site b", port, "10.9.0.0/24"), "Nama router"),
        (
            RouterInput {
                host: Some("bad host!".into()),
                ..input("b", port, "10.9.0.0/24")
            },
            "Alamat router",
        ),
        (
            RouterInput {
                password: None,
                ..input("b", port, "10.9.0.0/24")
            },
            "Kata sandi",
        ),
        (
            RouterInput {
                port: Some(0),
                ..input("b", port, "10.9.0.0/24")
            },
            "Port",
        ),
        (
            input("b", port, "10.9.0.0/33"),
            "Rentang alamat tidak valid",
        ),
        (
            RouterInput {
                hotspot_client_cidrs: Some(vec![]),
                ..input("b", port, "x")
            },
            "minimal satu",
        ),
        (input("b", port, &default_cidr), "tumpang tindih"),
        (
            RouterInput {
                use_tls: Some(true),
                ..input("b", port, "10.9.0.0/24")
            },
            "TLS perlu",
        ),
        (
            RouterInput {
                tls_fingerprint_sha256: Some("abc".into()),
                ..input("b", port, "10.9.0.0/24")
            },
            "SHA-256",
        ),
        (
            with_intervals("b", port, &[("outbox", 60)]),
            "bukan tugas per router",
        ),
        (
            with_intervals("b", port, &[("no-such-job", 60)]),
            "bukan tugas per router",
        ),
        (
            with_intervals("b", port, &[("quota-sync", 30)]),
            "60–604800 detik",
        ),
        (
            with_intervals("b", port, &[("router-audit", 3600)]),
            "hanya bisa dimatikan",
        ),
    ];
    for (bad, why) in bad {
        let (code, message) = code(router_admin::create(&t, None, bad.clone()).await);
        assert_eq!(code, ErrorCode::ValidationFailed, "{bad:?}");
        assert!(message.contains(why), "{message} should say {why}");
    }
    assert_eq!(views(&t).await, before, "refused inputs changed nothing");

    // A good one: defaults filled in, the password neither shown nor stored in clear.
    let b = router_admin::create(
        &t,
        None,
        with_intervals("site-b", port, &[("quota-sync", 120), ("walled-garden", 0)]),
    )
    .await
    .unwrap();
    assert_eq!(b.name, "site-b");
    assert!(!b.is_default && !b.managed_by_env && b.is_enabled);
    assert_eq!(b.hotspot_client_cidrs, vec!["10.9.0.0/24"]);
    assert_eq!(
        b.hotspot_server_names.len(),
        2,
        "the install's server names"
    );
    assert_eq!(b.online, None, "not checked yet");
    let row = router_rows::Entity::find_by_id(uuid::Uuid::parse_str(&b.id).unwrap())
        .one(t.db())
        .await
        .unwrap()
        .unwrap();
    assert!(!row.password_encrypted.contains(SIM_PASSWORD));
    assert!(!serde_json::to_string(&b).unwrap().contains(SIM_PASSWORD));
    let (code_, _) =
        code(router_admin::create(&t, None, input("site-b", port, "10.8.0.0/24")).await);
    assert_eq!(code_, ErrorCode::Conflict, "a name is unique");

    // A live check reaches the simulator; a router nothing answers for is offline.
    let id = uuid::Uuid::parse_str(&b.id).unwrap();
    let checked = router_admin::check(&t, id).await.unwrap();
    assert_eq!(checked.online, Some(true), "{checked:?}");
    assert!(checked.routeros_version.is_some() && checked.last_seen_at.is_some());

    // Partial change: the port only; the password stays and still works.
    let dead = router_admin::update(
        &t,
        None,
        id,
        RouterInput {
            port: Some(1),
            ..RouterInput::default()
        },
    )
    .await
    .unwrap();
    assert_eq!((dead.port, dead.host.as_str()), (1, "127.0.0.1"));
    let offline = router_admin::check(&t, id).await.unwrap();
    assert_eq!(offline.online, Some(false));
    assert!(offline.last_error.is_some());
    let back = router_admin::update(
        &t,
        None,
        id,
        RouterInput {
            port: Some(port),
            name: Some("site-b2".into()),
            ..RouterInput::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(back.name, "site-b2");
    assert_eq!(
        router_admin::check(&t, id).await.unwrap().online,
        Some(true),
        "password kept"
    );
    assert_eq!(
        back.job_intervals.get("quota-sync"),
        Some(&120),
        "schedules kept"
    );

    // A disabled router's ranges are free for another router; enabling it again checks them.
    router_admin::update(
        &t,
        None,
        id,
        RouterInput {
            is_enabled: Some(false),
            ..RouterInput::default()
        },
    )
    .await
    .unwrap();
    let c = router_admin::create(&t, None, input("site-c", 1, "10.9.0.128/25"))
        .await
        .unwrap();
    let (_, message) = code(
        router_admin::update(
            &t,
            None,
            id,
            RouterInput {
                is_enabled: Some(true),
                ..RouterInput::default()
            },
        )
        .await,
    );
    assert!(message.contains("site-c"), "{message}");

    // The default router: configured by the environment, only its schedules change here,
    // and they survive the start-up upsert.
    let default = views(&t).await.into_iter().find(|r| r.is_default).unwrap();
    let default_id = uuid::Uuid::parse_str(&default.id).unwrap();
    let (code_, message) = code(
        router_admin::update(
            &t,
            None,
            default_id,
            RouterInput {
                host: Some("10.0.0.9".into()),
                ..RouterInput::default()
            },
        )
        .await,
    );
    assert_eq!(code_, ErrorCode::Conflict);
    assert!(message.contains("MIKROTIK_"), "{message}");
    let own = BTreeMap::from([("quota-sync".to_owned(), 600)]);
    router_admin::update(
        &t,
        None,
        default_id,
        RouterInput {
            job_intervals: Some(own.clone()),
            ..RouterInput::default()
        },
    )
    .await
    .unwrap();
    let spec =
        saring_app::embedded::simulator_router(t.config(), t.sim().addr(), SIM_PASSWORD.into());
    saring_store::repo::routers::upsert(t.db(), t.cipher(), &spec, true)
        .await
        .unwrap();
    let default = views(&t).await.into_iter().find(|r| r.is_default).unwrap();
    assert_eq!(default.job_intervals, own);

    // Removing: never the default, never a router users belong to; otherwise gone.
    assert_eq!(
        code(router_admin::delete(&t, None, default_id).await).0,
        ErrorCode::Conflict
    );
    let user = t.approved_user("081234567001").await;
    t.enroll_device(user.id, id, "AA:BB:CC:00:00:01", None)
        .await;
    let (code_, message) = code(router_admin::delete(&t, None, id).await);
    assert_eq!(code_, ErrorCode::Conflict);
    assert!(message.contains("1 perangkat"), "{message}");
    let c_id = uuid::Uuid::parse_str(&c.id).unwrap();
    router_admin::delete(&t, None, c_id).await.unwrap();
    assert!(views(&t).await.iter().all(|r| r.name != "site-c"));
    assert_eq!(
        code(router_admin::delete(&t, None, c_id).await).0,
        ErrorCode::NotFound
    );

    // Every change is logged, never with the password.
    let logs = admin_action_logs::Entity::find().all(t.db()).await.unwrap();
    let text = format!("{logs:?}");
    for action in ["CREATE_ROUTER", "UPDATE_ROUTER", "DELETE_ROUTER"] {
        assert!(text.contains(action), "{action} logged");
    }
    assert!(!text.contains(SIM_PASSWORD));
}

fn with_intervals(name: &str, port: u16, jobs: &[(&str, u64)]) -> RouterInput {
    RouterInput {
        job_intervals: Some(jobs.iter().map(|(j, s)| ((*j).to_owned(), *s)).collect()),
        ..input(name, port, "10.9.0.0/24")
    }
}

/// The worker's quota-sync ticks every 60 s; the default router follows the install (300 s),
/// router B its own 120 s, router C has the job switched off. Only due routers run, nothing
/// is recorded for the others, and the admin status shows each router's own schedule.
#[tokio::test]
async fn each_router_keeps_its_own_schedule() {
    let t = TestApp::new().await.with_router(0).await;
    let sim_b = t.start_router_sim(0).await;
    let sim_c = t.start_router_sim(0).await;
    sim_c.record(true);
    let mut b = with_intervals("site-b", sim_b.addr().port(), &[("quota-sync", 120)]);
    b.hotspot_client_cidrs = Some(vec!["10.9.0.0/24".into()]);
    router_admin::create(&t, None, b).await.unwrap();
    let c = RouterInput {
        job_intervals: Some(BTreeMap::from([("quota-sync".to_owned(), 0)])),
        ..input("site-c", sim_c.addr().port(), "10.8.0.0/24")
    };
    router_admin::create(&t, None, c).await.unwrap();

    let job = jobs::spec(t.config(), "quota-sync").unwrap();
    assert_eq!(job.when, Some(When::Every { seconds: 300 }));
    assert_eq!(
        schedule::worker_tick(&job),
        Some(When::Every { seconds: 60 })
    );

    // Ticks fall on minutes; a run starts a moment after its tick.
    let t0 = chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap();
    let mut ran = Vec::new();
    for minute in 0..=5 {
        t.set_now(t0 + Duration::seconds(minute * 60 + 1));
        let mut scopes: Vec<String> = jobs::run_due(&t, &job)
            .await
            .unwrap()
            .into_iter()
            .map(|o| {
                assert!(o.ok, "{o:?}");
                o.scope
            })
            .collect();
        scopes.sort();
        ran.push((minute, scopes));
    }
    let names = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    assert_eq!(
        ran,
        vec![
            (0, names(&["default", "site-b"])),
            (1, names(&[])),
            (2, names(&["site-b"])),
            (3, names(&[])),
            (4, names(&["site-b"])),
            (5, names(&["default"])),
        ]
    );
    assert!(
        sim_c.recorded().is_empty(),
        "the router with the job off is never contacted"
    );

    // The admin status: each router's schedule and its next run.
    let status = jobs::status(&t).await.unwrap();
    let row = |scope: &str| {
        status
            .iter()
            .find(|s| s.job == "quota-sync" && s.scope == scope)
            .unwrap()
            .clone()
    };
    assert_eq!(row("site-b").schedule, Some(When::Every { seconds: 120 }));
    assert_eq!(row("site-b").next_run_at, Some(t0 + Duration::seconds(360)));
    assert_eq!(row("default").schedule, Some(When::Every { seconds: 300 }));
    assert_eq!(
        row("default").next_run_at,
        Some(t0 + Duration::seconds(600))
    );
    assert_eq!(row("site-c").schedule, None);
    assert_eq!(row("site-c").next_run_at, None);
    // Skipped routers leave no record: one run per tick that ran them.
    assert_eq!(row("site-b").run_count, 3);
    assert_eq!(row("default").run_count, 2);
    assert_eq!(row("site-c").run_count, 0);

    // On demand (`saring job run quota-sync`): every router where the job is on.
    let mut all: Vec<String> = jobs::run_all_scopes(&t, &job)
        .await
        .unwrap()
        .into_iter()
        .map(|o| o.scope)
        .collect();
    all.sort();
    assert_eq!(all, vec!["default", "site-b"]);
}

/// The admin SPA shows each job's description in Indonesian and English (`job-<name>` in its
/// catalogues); a new job without them fails here.
#[test]
fn every_job_has_a_description_in_both_languages_of_the_spa() {
    let (config, _) =
        saring_app::Config::from_vars(&Default::default(), saring_app::Mode::Embedded).unwrap();
    for lang in ["id", "en"] {
        let path = format!(
            "{}/../../frontend/locales/{lang}/main.ftl",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = std::fs::read_to_string(&path).unwrap();
        for job in jobs::registry(&config) {
            let key = format!("job-{} = ", job.name);
            assert!(text.lines().any(|l| l.starts_with(&key)), "{key} in {path}");
        }
    }
}

/// Two sites, one worker: each router's counters are credited to its own users, exactly, and
/// each router gets the bindings of its own devices only.
#[tokio::test]
async fn each_site_credits_its_own_users_and_gets_only_their_bindings() {
    use saring_store::repo::users;
    let t = TestApp::new().await.with_router(1).await;
    let sim_b = t
        .start_site_sim(1, 11, Some((std::net::Ipv4Addr::new(10, 9, 0, 0), 24)))
        .await;
    let b = input("site-b", sim_b.addr().port(), "10.9.0.0/24");
    let b_id = uuid::Uuid::parse_str(&router_admin::create(&t, None, b).await.unwrap().id).unwrap();
    let default_id = uuid::Uuid::parse_str(
        &views(&t)
            .await
            .into_iter()
            .find(|r| r.is_default)
            .unwrap()
            .id,
    )
    .unwrap();

    let mut people = Vec::new();
    for (phone, sim, router) in [
        ("081234567101", t.sim(), default_id),
        ("081234567102", &sim_b, b_id),
    ] {
        let u = t.approved_user(phone).await;
        t.grant_quota(&u, 100_000).await;
        let dev = sim.devices()[0].clone();
        sim.set_online(&dev.mac, true).unwrap();
        t.enroll_device(u.id, router, &dev.mac, Some(dev.ip.to_string()))
            .await;
        people.push((u.id, dev.mac));
    }
    assert_ne!(people[0].1, people[1].1, "the sites have different devices");

    // What each host row counted, at its largest (a binding change replaces the row: the
    // client comes back with a new one, as on a real router).
    let mut seen: std::collections::HashMap<(String, String), u64> = Default::default();
    let mut observe = |sims: [&saring_routeros::sim::SimHandle; 2]| {
        for h in sims.iter().flat_map(|s| s.hosts()) {
            let e = seen
                .entry((h.mac_address.clone(), h.id.clone()))
                .or_default();
            *e = (*e).max(h.total_bytes());
        }
    };
    let job = jobs::spec(t.config(), "quota-sync").unwrap();
    for _ in 0..3 {
        let outcomes = jobs::run_all_scopes(&t, &job).await.unwrap();
        assert_eq!(outcomes.len(), 2);
        assert!(outcomes.iter().all(|o| o.ok), "{outcomes:?}");
        for sim in [t.sim(), &sim_b] {
            sim.tick(std::time::Duration::from_secs(60));
        }
        t.clock.advance(Duration::seconds(60));
        observe([t.sim(), &sim_b]);
    }
    jobs::run_all_scopes(&t, &job).await.unwrap();

    for ((id, mac), (sim, other)) in people.iter().zip([(t.sim(), &sim_b), (&sim_b, t.sim())]) {
        let counted: u64 = seen
            .iter()
            .filter(|((m, _), _)| m == mac)
            .map(|(_, v)| *v)
            .sum();
        assert!(counted > 0, "the device generated traffic");
        let user = users::find_by_id(t.db(), *id).await.unwrap().unwrap();
        assert_eq!(
            u64::try_from(user.total_quota_used.0).unwrap(),
            counted,
            "credited exactly what its own router counted"
        );
        assert!(
            sim.ip_bindings()
                .iter()
                .any(|b| b.mac_address.as_deref() == Some(mac.as_str()))
        );
        assert!(
            !other
                .ip_bindings()
                .iter()
                .any(|b| b.mac_address.as_deref() == Some(mac.as_str())),
            "the other site never gets this device"
        );
    }
}

/// Two admins add routers with overlapping ranges at the same moment: exactly one is
/// stored, the other is told about the overlap (on PostgreSQL this needs the routers lock;
/// row locks cannot stop a concurrent insert).
#[tokio::test]
async fn concurrent_adds_cannot_both_claim_a_range() {
    let t = TestApp::new().await.with_router(0).await;
    for round in 0..5u16 {
        let a = input(&format!("race-a{round}"), 1, &format!("10.{round}.0.0/24"));
        let b = input(
            &format!("race-b{round}"),
            1,
            &format!("10.{round}.0.128/25"),
        );
        let (ra, rb) = tokio::join!(
            router_admin::create(&t, None, a),
            router_admin::create(&t, None, b)
        );
        assert!(ra.is_ok() != rb.is_ok(), "round {round}: {ra:?} / {rb:?}");
        let (_, message) = code(if ra.is_err() { ra } else { rb });
        assert!(message.contains("tumpang tindih"), "{message}");
    }
    assert_eq!(views(&t).await.len(), 1 + 5);
}
