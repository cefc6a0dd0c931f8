//! `cargo xtask bench sync`: one quota-sync cycle over 10,000 hosts / 10,000 users against the
//! simulator (SQLite file, in-memory KV), measuring our CPU time (getrusage of the process
//! minus the simulator's thread) and wall time; a steady-state cycle must write nothing to
//! the router; 100,000 users show how it scales (`SYNC_BENCH_SIZES=10000,100000`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::time::{Duration, Instant};

/// The allocator of the `saring` binary.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use nix::sys::resource::{UsageWho, getrusage};
use saring_app::sync::quota::sync_router;
use saring_app::testing::{SIM_PASSWORD, TestApp};
use saring_domain::access::{ApprovalStatus, Role};
use saring_domain::router::{DEFAULT_ROUTER_NAME, RouterSpec};
use saring_domain::user::NewUser;
use saring_domain::{Mac, Phone};
use saring_routeros::sim::{SimHandle, Simulator};
use saring_store::repo::devices::{self, DeviceSeen};
use saring_store::repo::{routers, users};

fn cpu(who: UsageWho) -> Duration {
    let u = getrusage(who).unwrap();
    let t = |tv: nix::sys::time::TimeVal| {
        Duration::from_secs(u64::try_from(tv.tv_sec()).unwrap())
            + Duration::from_micros(u64::try_from(tv.tv_usec()).unwrap())
    };
    t(u.user_time()) + t(u.system_time())
}

/// The simulator on its own thread and runtime, so its CPU time can be told apart.
struct SimThread {
    handle: SimHandle,
    rt: tokio::runtime::Handle,
    _stop: tokio::sync::oneshot::Sender<()>,
}

impl SimThread {
    fn start(hosts: usize, c: &saring_app::Config) -> SimThread {
        let (tx, rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let p = c.policy.profiles.clone();
        let (su, sk) = (
            c.router.server_user.clone(),
            c.router.server_komandan.clone(),
        );
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let mut b = Simulator::builder()
                    .user("admin", SIM_PASSWORD)
                    .hosts(hosts)
                    .seed(11)
                    .server(&su)
                    .server(&sk);
                for n in [
                    &p.active,
                    &p.fup,
                    &p.habis,
                    &p.expired,
                    &p.unlimited,
                    &p.blocked,
                ] {
                    b = b.profile(n, None);
                }
                let h = b.build().start("127.0.0.1:0").await.unwrap();
                tx.send((h, tokio::runtime::Handle::current())).unwrap();
                let _ = stop_rx.await;
            });
        });
        let (handle, rt) = rx.recv().unwrap();
        SimThread {
            handle,
            rt,
            _stop: stop_tx,
        }
    }

    fn cpu(&self) -> Duration {
        let (tx, rx) = std::sync::mpsc::channel();
        self.rt.spawn(async move {
            tx.send(cpu(UsageWho::RUSAGE_THREAD)).unwrap();
        });
        rx.recv().unwrap()
    }
}

struct Sample {
    cpu: Duration,
    wall: Duration,
    report: saring_app::sync::quota::QuotaSyncReport,
}

async fn cycle(t: &TestApp, sim: &SimThread) -> Sample {
    let router = routers::find_by_name(t.db(), t.cipher(), DEFAULT_ROUTER_NAME)
        .await
        .unwrap()
        .unwrap();
    let (p0, s0, w0) = (cpu(UsageWho::RUSAGE_SELF), sim.cpu(), Instant::now());
    let report = sync_router(t, &router, None).await.unwrap();
    let wall = w0.elapsed();
    let (p1, s1) = (cpu(UsageWho::RUSAGE_SELF), sim.cpu());
    Sample {
        cpu: (p1 - p0).saturating_sub(s1 - s0),
        wall,
        report,
    }
}

async fn run(n: usize) -> (Sample, Sample, usize) {
    let t = TestApp::new().await;
    let sim = SimThread::start(n, t.config());
    let c = t.config().clone();
    let router = routers::upsert(
        t.db(),
        t.cipher(),
        &RouterSpec {
            name: DEFAULT_ROUTER_NAME.into(),
            host: "127.0.0.1".into(),
            port: sim.handle.addr().port(),
            use_tls: false,
            tls_insecure: false,
            tls_ca_pem: None,
            tls_fingerprint_sha256: None,
            username: "admin".into(),
            password: SIM_PASSWORD.into(),
            hotspot_server_names: vec![
                c.router.server_user.clone(),
                c.router.server_komandan.clone(),
            ],
            hotspot_client_cidrs: vec!["172.16.0.0/12".into()],
            is_enabled: true,
        },
        true,
    )
    .await
    .unwrap();
    let setup = Instant::now();
    let txn = saring_store::db::begin_write(t.db()).await.unwrap();
    for (i, d) in sim.handle.devices().iter().enumerate() {
        let u = users::insert(
            &txn,
            &NewUser {
                phone: Phone::parse(&format!("0813{:08}", i)).unwrap(),
                full_name: format!("U{i}"),
                blok: None,
                kamar: None,
                is_tamping: false,
                tamping_type: None,
                role: Role::User,
                approval_status: ApprovalStatus::Approved,
                is_active: true,
                password_hash: None,
                router_id: Some(router.id),
            },
        )
        .await
        .unwrap();
        let mut q = u.quota_account();
        q.purchased_mb = 1_000_000;
        q.expiry = Some(t.now() + chrono::Duration::days(30));
        users::update(
            &txn,
            u.id,
            users::UserPatch {
                quota: Some(q),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        devices::upsert_seen(
            &txn,
            &DeviceSeen {
                user_id: u.id,
                router_id: Some(router.id),
                mac: Mac::parse(&d.mac).unwrap(),
                ip_address: Some(d.ip.to_string()),
                user_agent: None,
                authorized: true,
            },
            t.now(),
        )
        .await
        .unwrap();
    }
    txn.commit().await.unwrap();
    eprintln!("  setup of {n} users: {:.1?}", setup.elapsed());
    // First cycle: every binding and list entry is new (writes everything).
    let first = cycle(&t, &sim).await;
    eprintln!(
        "  first cycle (creates {} router artefacts): cpu {:.0?}, wall {:.0?}",
        first.report.router_ops, first.cpu, first.wall
    );
    // A full cycle (hosts the first cycle removed come back on the traffic step): traffic on every host, every user credited.
    sim.handle.tick(Duration::from_secs(300));
    t.clock.advance(chrono::Duration::seconds(300));
    let full = cycle(&t, &sim).await;
    assert_eq!(
        full.report.users_credited, n,
        "{:?}",
        full.report.router_errors
    );
    // Steady state: no traffic, nothing changes, nothing written to the router.
    sim.handle.record(true);
    let _steady = cycle(&t, &sim).await;
    let writes = sim.handle.recorded_writes().len();
    sim.handle.record(false);
    let steady = cycle(&t, &sim).await;
    (full, steady, writes)
}

fn main() {
    let sizes: Vec<usize> = std::env::var("SYNC_BENCH_SIZES")
        .unwrap_or_else(|_| "10000,100000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let mut per_user = Vec::new();
    for n in sizes {
        println!("quota sync, {n} hosts / {n} users:");
        let (full, steady, writes) = rt.block_on(run(n));
        println!(
            "  full cycle:   cpu {:>8.1?}  wall {:>8.1?}  ({} users credited, {} router writes)",
            full.cpu, full.wall, full.report.users_credited, full.report.router_ops
        );
        println!(
            "  steady state: cpu {:>8.1?}  wall {:>8.1?}  router writes: {writes}",
            steady.cpu, steady.wall
        );
        assert_eq!(writes, 0, "the steady state wrote to the router");
        per_user.push((
            n,
            full.cpu.as_secs_f64() / n as f64,
            full.wall.as_secs_f64() / n as f64,
        ));
    }
    if let [(n0, c0, w0), .., (n1, c1, w1)] = per_user.as_slice() {
        println!(
            "scaling {n0} -> {n1}: cpu per user x{:.2}, wall per user x{:.2} (1.0 = linear)",
            c1 / c0,
            w1 / w0
        );
    }
}
