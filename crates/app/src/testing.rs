//! Test support (feature `testing`): an [`App`] on a fresh database and KV store —
//! SQLite + in-memory by default, PostgreSQL + Redis when `TEST_DATABASE_URL` /
//! `TEST_REDIS_URL` are set (see `saring_store::testing`) — with a recording messenger,
//! a settable clock and, on request, a RouterOS simulator registered as the default router.
#![allow(clippy::expect_used, clippy::missing_panics_doc)]

use std::collections::HashMap;
use std::ops::Deref;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use saring_domain::Phone;
use saring_gateways::messenger::RecordingMessenger;
use saring_routeros::sim::{SimHandle, Simulator};
use saring_store::testing::{TestDb, TestKv};

use crate::clock::ManualClock;
use crate::config::{Config, Mode};
use crate::context::App;

/// An [`App`] whose database and KV store are dropped with it.
pub struct TestApp {
    pub app: App,
    pub db: TestDb,
    pub kv: TestKv,
    pub messenger: Arc<RecordingMessenger>,
    pub clock: Arc<ManualClock>,
    /// The simulated router (see [`TestApp::with_router`]).
    pub sim: Option<SimHandle>,
    /// The simulated Midtrans (see [`TestApp::with_payments`]).
    pub pay_sim: Option<saring_gateways::payments::SimHandle>,
    /// `BACKUP_DIR` unless the test gives one: a fresh directory, deleted with the app.
    pub backup_dir: tempfile::TempDir,
}

/// The simulator's API password in tests.
pub const SIM_PASSWORD: &str = "sim-secret";

impl TestApp {
    /// Embedded-mode defaults.
    pub async fn new() -> Self {
        Self::with_env(&[]).await
    }

    /// With extra configuration variables.
    pub async fn with_env(vars: &[(&str, &str)]) -> Self {
        let backup_dir = tempfile::tempdir().expect("a temporary backup directory");
        let mut vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        vars.entry("BACKUP_DIR".into())
            .or_insert_with(|| backup_dir.path().display().to_string());
        let (config, _) =
            Config::from_vars(&vars, Mode::Embedded).expect("test configuration is valid");
        let db = TestDb::new().await;
        let kv = TestKv::new().await;
        let messenger = Arc::new(RecordingMessenger::new());
        let clock = Arc::new(ManualClock::new(Utc::now()));
        let app = App::builder(
            config,
            Mode::Embedded,
            db.conn().clone(),
            kv.store().clone(),
        )
        .messenger(messenger.clone())
        .clock(clock.clone())
        .build()
        .expect("test app");
        TestApp {
            app,
            db,
            kv,
            messenger,
            clock,
            sim: None,
            pay_sim: None,
            backup_dir,
        }
    }

    /// Attaches a simulated Midtrans (random port, a random key) as the app's payment
    /// gateway, behind a fresh circuit breaker. Point its notifications at a running API with
    /// `pay_sim().set_notification_url(..)`.
    pub async fn with_payments(mut self) -> Self {
        let key = crate::config::random_secret();
        let (gateway, runtime) = crate::payments::gateway::start_simulated("127.0.0.1:0", key)
            .await
            .expect("payment simulator starts");
        self.pay_sim = runtime.simulator.clone();
        self.app = App::builder(
            self.app.config().clone(),
            Mode::Embedded,
            self.db.conn().clone(),
            self.kv.store().clone(),
        )
        .messenger(self.messenger.clone())
        .clock(self.clock.clone())
        .payments(gateway)
        .payment_runtime(runtime)
        .build()
        .expect("test app with payments");
        self
    }

    pub fn pay_sim(&self) -> &saring_gateways::payments::SimHandle {
        self.pay_sim
            .as_ref()
            .expect("TestApp::with_payments was not called")
    }

    /// Adds a RouterOS simulator with `hosts` client devices (no random traffic), with the
    /// policy's profiles and the role servers, registered as the default router.
    pub async fn with_router(mut self, hosts: usize) -> Self {
        let sim = self.start_router_sim(hosts).await;
        let spec =
            crate::embedded::simulator_router(self.config(), sim.addr(), SIM_PASSWORD.into());
        let router =
            saring_store::repo::routers::upsert(self.app.db(), self.app.cipher(), &spec, true)
                .await
                .expect("router registered");
        // The test's own simulator, as the demo's: this install owns its entries.
        saring_store::repo::routers::set_adopted(
            self.app.db(),
            router.id,
            Some((self.now(), None)),
        )
        .await
        .expect("router adopted");
        self.sim = Some(sim);
        self
    }

    /// Starts a RouterOS simulator like [`TestApp::with_router`]'s (user `admin`,
    /// [`SIM_PASSWORD`]) without registering it: for a second router.
    pub async fn start_router_sim(&self, hosts: usize) -> SimHandle {
        self.start_site_sim(hosts, 7, None).await
    }

    /// A simulator for another site: its own device seed (other MACs) and, when given, its
    /// own hotspot client network.
    pub async fn start_site_sim(
        &self,
        hosts: usize,
        seed: u64,
        network: Option<(std::net::Ipv4Addr, u8)>,
    ) -> SimHandle {
        let c = self.app.config();
        let p = &c.policy.profiles;
        let mut builder = Simulator::builder()
            .user("admin", SIM_PASSWORD)
            .hosts(hosts)
            .seed(seed)
            .server(&c.router.server_user)
            .server(&c.router.server_komandan)
            .ip_binding_duplicates(true);
        let mut names = vec![
            &p.active,
            &p.fup,
            &p.habis,
            &p.expired,
            &p.unlimited,
            &p.blocked,
            &p.inactive,
        ];
        names.dedup();
        for n in names {
            builder = builder.profile(n, None);
        }
        if let Some((net, prefix)) = network {
            builder = builder.cidr(net, prefix);
        }
        builder
            .build()
            .start("127.0.0.1:0")
            .await
            .expect("simulator starts")
    }

    pub fn sim(&self) -> &SimHandle {
        self.sim
            .as_ref()
            .expect("TestApp::with_router was not called")
    }

    /// Enrolls an authorised device (`mac`, last known `ip`) of `user` on `router`, as a
    /// login from it would.
    pub async fn enroll_device(
        &self,
        user: saring_domain::ids::UserId,
        router: uuid::Uuid,
        mac: &str,
        ip: Option<String>,
    ) -> saring_domain::device::Device {
        saring_store::repo::devices::upsert_seen(
            self.app.db(),
            &saring_store::repo::devices::DeviceSeen {
                user_id: user,
                router_id: Some(router),
                mac: saring_domain::Mac::parse(mac).expect("a MAC address"),
                ip_address: ip,
                user_agent: None,
                authorized: true,
            },
            self.app.now(),
        )
        .await
        .expect("device enrolled")
    }

    /// An approved, active user with the phone `phone` (no quota, no router).
    pub async fn approved_user(&self, phone: &str) -> saring_domain::user::User {
        saring_store::repo::users::insert(
            self.app.db(),
            &saring_domain::user::NewUser {
                phone: Phone::parse(phone).expect("a phone number"),
                full_name: "Budi Santoso".into(),
                blok: None,
                kamar: None,
                is_tamping: false,
                tamping_type: None,
                role: saring_domain::Role::User,
                approval_status: saring_domain::access::ApprovalStatus::Approved,
                is_active: true,
                password_hash: None,
                router_id: None,
            },
        )
        .await
        .expect("user inserted")
    }

    /// Sets `user`'s purchased quota to `mb` MB, expiring in 30 days.
    pub async fn grant_quota(
        &self,
        user: &saring_domain::user::User,
        mb: i64,
    ) -> saring_domain::user::User {
        let mut q = user.quota_account();
        q.purchased_mb = mb;
        q.expiry = Some(self.app.now() + chrono::Duration::days(30));
        saring_store::repo::users::update(
            self.app.db(),
            user.id,
            saring_store::repo::users::UserPatch {
                quota: Some(q),
                ..Default::default()
            },
        )
        .await
        .expect("quota granted")
    }

    pub fn set_now(&self, t: DateTime<Utc>) {
        self.clock.set(t);
    }

    /// The last 6-digit code sent to `phone`.
    pub fn last_otp(&self, phone: &str) -> Option<String> {
        let phone = Phone::parse(phone).ok()?;
        let sent = self.messenger.sent_to(&phone);
        sent.iter().rev().find_map(|m| {
            let start = m.text.find('*')? + 1;
            let code: String = m.text[start..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            (code.len() == 6).then_some(code)
        })
    }
}

impl Deref for TestApp {
    type Target = App;
    fn deref(&self) -> &App {
        &self.app
    }
}
