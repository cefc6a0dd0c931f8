//! The quota sync against the RouterOS simulator, on SQLite and PostgreSQL: bytes credited
//! equal the bytes the router's counters recorded, less exactly the bytes the simulator says
//! no poller could see (counted after the last poll and before a reset), across reboots,
//! host re-creation, duplicate rows, dropped connections, killed runs, a flushed KV store and
//! two workers racing; and status transitions put the right IPs in the right lists, with a
//! steady state that writes nothing to the router.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::net::Ipv4Addr;
use std::time::Duration;

use chrono::Utc;
use saring_app::App;
use saring_app::sync::quota::{QuotaSyncReport, sync_router};
use saring_app::testing::TestApp;
use saring_domain::Phone;
use saring_domain::access::{ApprovalStatus, Role};
use saring_domain::user::NewUser;
use saring_store::KvStore;
use saring_store::repo::routers;
use saring_store::repo::users::{self, UserPatch};

/// The router's side of the truth: the highest total each host row ever showed.
#[derive(Default)]
struct Oracle {
    rows: HashMap<(String, String), u64>,
}

impl Oracle {
    fn observe(&mut self, t: &TestApp) {
        for h in t.sim().hosts() {
            let e = self
                .rows
                .entry((h.mac_address.clone(), h.id.clone()))
                .or_default();
            *e = (*e).max(h.total_bytes());
        }
    }

    fn generated(&self, macs: &[String]) -> u64 {
        self.rows
            .iter()
            .filter(|((m, _), _)| macs.contains(m))
            .map(|(_, v)| *v)
            .sum()
    }
}

struct World {
    t: TestApp,
    macs: Vec<String>,
    oracle: Oracle,
}

async fn user(t: &TestApp, n: usize, quota_mb: i64) -> saring_domain::user::User {
    let phone = Phone::parse(&format!("0812{:08}", 10_000 + n)).unwrap();
    let u = users::insert(
        t.db(),
        &NewUser {
            phone,
            full_name: format!("Pengguna {n}"),
            blok: None,
            kamar: None,
            is_tamping: false,
            tamping_type: None,
            role: Role::User,
            approval_status: ApprovalStatus::Approved,
            is_active: true,
            password_hash: None,
            router_id: None,
        },
    )
    .await
    .unwrap();
    t.grant_quota(&u, quota_mb).await
}

/// `hosts` simulated devices, two per user, all enrolled.
async fn world(hosts: usize) -> World {
    let t = TestApp::new().await.with_router(hosts).await;
    let router = routers::find_by_name(t.db(), t.cipher(), "default")
        .await
        .unwrap()
        .unwrap();
    let devs = t.sim().devices();
    let mut macs = Vec::new();
    let mut owner = None;
    for (i, d) in devs.iter().enumerate() {
        if i % 2 == 0 {
            owner = Some(user(&t, i, 1_000_000).await);
        }
        let u = owner.as_ref().unwrap();
        t.enroll_device(u.id, router.id, &d.mac, Some(d.ip.to_string()))
            .await;
        macs.push(d.mac.clone());
    }
    let mut w = World {
        t,
        macs,
        oracle: Oracle::default(),
    };
    w.oracle.observe(&w.t);
    w
}

impl World {
    /// Traffic for `secs`, with our clock moving as the router's does.
    fn advance(&mut self, secs: u64) {
        self.t.sim().tick(Duration::from_secs(secs));
        self.t
            .clock
            .advance(chrono::Duration::seconds(i64::try_from(secs).unwrap()));
        self.oracle.observe(&self.t);
    }

    async fn sync_with(&self, app: &App) -> saring_app::AppResult<QuotaSyncReport> {
        let router = routers::find_by_name(app.db(), app.cipher(), "default")
            .await
            .unwrap()
            .unwrap();
        sync_router(app, &router, None).await
    }

    async fn sync(&mut self) -> QuotaSyncReport {
        // Host rows the sync removed (binding changed) come back on the router's next traffic
        // step, as real clients do with their next packet.
        self.sync_with(&self.t.app).await.unwrap()
    }

    async fn credited(&self) -> u64 {
        let (all, _) = users::list(self.t.db(), &Default::default(), 0, 10_000)
            .await
            .unwrap();
        all.iter()
            .map(|u| u64::try_from(u.total_quota_used.0).unwrap())
            .sum()
    }

    fn lost(&self) -> u64 {
        self.macs
            .iter()
            .map(|m| self.t.sim().bytes_lost_for(m))
            .sum()
    }

    async fn assert_exact(&self) {
        let generated = self.oracle.generated(&self.macs);
        let credited = self.credited().await;
        let lost = self.lost();
        assert!(generated > 0, "the simulator generated no traffic");
        assert_eq!(
            credited + lost,
            generated,
            "credited {credited} + lost {lost} != generated {generated}"
        );
    }
}

#[tokio::test]
async fn exact_across_reboots_recreated_and_duplicate_rows() {
    let mut w = world(12).await;
    w.sync().await;
    for cycle in 0..8 {
        w.advance(60);
        match cycle {
            2 => {
                // Traffic after the last poll is lost with the reboot: the simulator counts it.
                w.t.sim().reboot();
                w.oracle.observe(&w.t);
            }
            3 => {
                w.t.sim().recreate_host(&w.macs[0]).unwrap();
                w.oracle.observe(&w.t);
            }
            4 => {
                // A second row for one MAC (roaming): both rows' traffic counts, once.
                w.t.sim()
                    .add_host(&w.macs[1], Ipv4Addr::new(10, 99, 0, 7))
                    .unwrap();
                w.oracle.observe(&w.t);
            }
            _ => {}
        }
        let report = w.sync().await;
        if cycle == 2 {
            assert!(report.rebooted, "reboot not detected: {report:?}");
        }
        w.assert_exact().await;
    }
    assert!(
        w.lost() > 0,
        "the reboot should have cost the unpolled bytes"
    );
}

#[tokio::test]
async fn exact_when_the_connection_drops_mid_sync() {
    let mut w = world(10).await;
    w.sync().await;
    for n in [1u64, 2, 3, 4, 5, 6] {
        w.advance(30);
        w.t.sim().drop_on_nth_command(n);
        // The interrupted run fails or completes; a retry finishes the job.
        let _ = w.sync_with(&w.t.app).await;
        w.t.sim().clear_faults();
        w.sync().await;
        w.assert_exact().await;
    }
}

#[tokio::test]
async fn exact_when_runs_are_killed_and_the_kv_store_is_flushed() {
    let mut w = world(10).await;
    w.sync().await;
    for yields in [1usize, 3, 7, 15, 40, 90, 200] {
        w.advance(45);
        let app = w.t.app.clone();
        let task = tokio::spawn(async move {
            let router = routers::find_by_name(app.db(), app.cipher(), "default")
                .await
                .unwrap()
                .unwrap();
            sync_router(&app, &router, None).await
        });
        for _ in 0..yields {
            tokio::task::yield_now().await;
        }
        task.abort();
        let _ = task.await;
        // The killed run's lease would expire; a flushed Redis loses it at once.
        w.t.kv().clear().await.unwrap();
        w.sync().await;
        w.assert_exact().await;
    }
}

#[tokio::test]
async fn exact_with_two_workers_racing() {
    let mut w = world(10).await;
    // A second worker on the same database but its own KV store: leases do not see each
    // other, only the database's fencing keeps them apart.
    let other = App::builder(
        w.t.config().clone(),
        saring_app::Mode::Embedded,
        w.t.db.conn().clone(),
        KvStore::memory(),
    )
    .messenger(w.t.messenger.clone())
    .clock(w.t.clock.clone())
    .build()
    .unwrap();
    w.sync().await;
    for _ in 0..5 {
        w.advance(40);
        let (a, b) = tokio::join!(w.sync_with(&w.t.app), w.sync_with(&other));
        let _ = (a, b);
        w.assert_exact().await;
    }
}

#[tokio::test]
async fn statuses_go_to_their_lists_and_a_steady_state_writes_nothing() {
    let t = TestApp::new().await.with_router(5).await;
    let router = routers::find_by_name(t.db(), t.cipher(), "default")
        .await
        .unwrap()
        .unwrap();
    let devs = t.sim().devices();
    let lists = t.config().policy.lists.clone();
    // active, habis (no quota), expired, blocked, fup.
    let mut expected = HashMap::new();
    for (i, d) in devs.iter().enumerate() {
        let mut u = user(&t, i, if i == 1 { 0 } else { 10_000 }).await;
        let mut q = u.quota_account();
        let mut patch = UserPatch::default();
        match i {
            2 => q.expiry = Some(Utc::now() - chrono::Duration::days(1)),
            3 => {
                patch.is_blocked = Some(true);
                patch.blocked_reason = Some(Some("manual".into()));
            }
            4 => q.used = saring_domain::Bytes::from_mb(8_000),
            _ => {}
        }
        patch.quota = Some(q);
        u = users::update(t.db(), u.id, patch).await.unwrap();
        t.enroll_device(u.id, router.id, &d.mac, Some(d.ip.to_string()))
            .await;
        let list = match i {
            0 => &lists.active,
            1 => &lists.habis,
            2 => &lists.expired,
            3 => &lists.blocked,
            _ => &lists.fup,
        };
        expected.insert(d.ip.to_string(), list.clone());
    }
    sync_router(&t, &router, None).await.unwrap();
    let managed: Vec<String> = lists.managed().iter().map(|s| (*s).to_owned()).collect();
    let entries: Vec<_> = t
        .sim()
        .address_list()
        .into_iter()
        .filter(|e| managed.contains(&e.list))
        .collect();
    assert_eq!(entries.len(), expected.len(), "{entries:?}");
    for e in &entries {
        assert_eq!(expected.get(&e.address), Some(&e.list), "{e:?}");
    }
    // Blocked user: hard block binding; habis/expired: regular; active/fup: bypassed.
    let kinds: HashMap<String, String> = t
        .sim()
        .ip_bindings()
        .into_iter()
        .map(|b| {
            (
                b.mac_address.unwrap_or_default(),
                b.kind.unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(kinds[&devs[0].mac], "bypassed");
    assert_eq!(kinds[&devs[1].mac], "regular");
    assert_eq!(kinds[&devs[3].mac], "blocked");
    assert_eq!(kinds[&devs[4].mac], "bypassed");

    // Steady state: nothing to write.
    t.sim().record(true);
    sync_router(&t, &router, None).await.unwrap();
    let writes = t.sim().recorded_writes();
    assert!(writes.is_empty(), "steady state wrote {writes:?}");

    // The habis user buys quota: their IP moves to the active list and nowhere else.
    let habis = users::find_by_phone(t.db(), &Phone::parse("081200010001").unwrap())
        .await
        .unwrap()
        .unwrap();
    let mut q = habis.quota_account();
    q.purchased_mb = 5_000;
    users::update(
        t.db(),
        habis.id,
        UserPatch {
            quota: Some(q),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    sync_router(&t, &router, None).await.unwrap();
    let ip = devs[1].ip.to_string();
    let lists_of_ip: Vec<String> = t
        .sim()
        .address_list()
        .into_iter()
        .filter(|e| e.address == ip && managed.contains(&e.list))
        .map(|e| e.list)
        .collect();
    assert_eq!(lists_of_ip, vec![lists.active.clone()]);
}
