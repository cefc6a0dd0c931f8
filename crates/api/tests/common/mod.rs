//! `spawn_app()`: the real HTTP server on a random port over a fresh test database (and, with
//! `spawn_with_router`, the RouterOS simulator as the hotspot router).
#![allow(clippy::expect_used, clippy::unwrap_used, dead_code)]

pub mod fixtures;

use std::net::TcpListener;

use reqwest::{Client, Response, StatusCode};
use saring_app::accounts::{CreateAdmin, create_admin};
use saring_app::testing::TestApp;
use saring_domain::Phone;
use secrecy::SecretString;
use serde_json::{Value, json};

static NEXT_IP: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

pub const ADMIN_PHONE: &str = "081100000001";
pub const ADMIN_PASSWORD: &str = "admin-password-1";
pub const SUPER_PHONE: &str = "081100000002";

pub struct Spawned {
    pub base: String,
    pub client: Client,
    pub app: TestApp,
}

pub async fn spawn_app() -> Spawned {
    spawn(TestApp::new().await)
}

pub async fn spawn_with_router(hosts: usize) -> Spawned {
    spawn(TestApp::new().await.with_router(hosts).await)
}

pub async fn spawn_with(vars: &[(&str, &str)], hosts: usize) -> Spawned {
    spawn(TestApp::with_env(vars).await.with_router(hosts).await)
}

fn spawn(app: TestApp) -> Spawned {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    let server = saring_api::serve(app.app.clone(), listener, 1).expect("server");
    tokio::spawn(server);
    Spawned {
        base: format!("http://{addr}"),
        client: new_client(),
        app,
    }
}

/// A browser-like client that keeps cookies.
pub fn new_client() -> Client {
    saring_gateways::install_crypto_provider();
    Client::builder().cookie_store(true).build().unwrap()
}

pub async fn body(res: Response) -> (StatusCode, Value) {
    let status = res.status();
    let text = res.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// Templates of the WhatsApp messages in the outbox, oldest first.
pub async fn queued_templates(s: &Spawned) -> Vec<String> {
    saring_store::repo::outbox::list(s.app.db(), None, 1000)
        .await
        .unwrap()
        .into_iter()
        .filter(|(i, _)| i.kind == "message_send")
        .filter_map(|(i, _)| i.payload["template"].as_str().map(str::to_owned))
        .collect()
}

/// Each body, sent with `method` to `path`, is refused with 422 naming its field.
pub async fn assert_each_invalid(
    s: &Spawned,
    client: &Client,
    method: reqwest::Method,
    path: &str,
    cases: &[(Value, &str)],
) {
    for (req, field) in cases {
        let (st, b) = s
            .send(client, method.clone(), path, Some(req.clone()))
            .await;
        assert_eq!(
            (st.as_u16(), code(&b)),
            (422, "validation_failed"),
            "{req}: {b}"
        );
        assert_eq!(b["details"][0]["loc"][0], *field, "{req}: {b}");
    }
}

/// The error code of an error body (`""` when there is none).
pub fn code(b: &Value) -> &str {
    b["code"].as_str().unwrap_or("")
}

impl Spawned {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn post(&self, client: &Client, path: &str, json: Value) -> (StatusCode, Value) {
        body(
            client
                .post(self.url(path))
                .json(&json)
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    pub async fn get(&self, client: &Client, path: &str) -> (StatusCode, Value) {
        body(client.get(self.url(path)).send().await.unwrap()).await
    }

    /// Any method, with an optional JSON body.
    pub async fn send(
        &self,
        client: &Client,
        method: reqwest::Method,
        path: &str,
        json: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = client.request(method, self.url(path));
        if let Some(json) = json {
            req = req.json(&json);
        }
        body(req.send().await.unwrap()).await
    }

    /// An admin (or super admin) created directly, logged in with a cookie client.
    pub async fn admin_client(&self, super_admin: bool) -> Client {
        let phone = if super_admin {
            SUPER_PHONE
        } else {
            ADMIN_PHONE
        };
        create_admin(
            &self.app,
            CreateAdmin {
                phone: Phone::parse(phone).unwrap(),
                full_name: if super_admin {
                    "Super Admin".into()
                } else {
                    "Admin Biasa".into()
                },
                password: SecretString::from(ADMIN_PASSWORD.to_owned()),
                super_admin,
            },
        )
        .await
        .unwrap();
        let client = new_client();
        let (status, b) = self
            .post(
                &client,
                "/api/auth/admin/login",
                json!({"username": phone, "password": ADMIN_PASSWORD}),
            )
            .await;
        assert_eq!(status, 200, "{b}");
        client
    }

    /// Registers a user (blok A, kamar 1).
    pub async fn register(&self, phone: &str, name: &str, komandan: bool) -> String {
        let (status, b) = self
            .post(&new_client(), "/api/auth/register", json!({"phone_number": phone, "full_name": name, "blok": "A", "kamar": "1", "register_as_komandan": komandan}))
            .await;
        assert_eq!(status, 201, "{b}");
        b["user_id"].as_str().unwrap().to_owned()
    }

    /// Registers and approves a user; returns their id.
    pub async fn approved_user(&self, admin: &Client, phone: &str) -> String {
        let id = self.register(phone, "Pengguna Uji", false).await;
        let res = admin
            .patch(self.url(&format!("/api/admin/users/{id}/approve")))
            .send()
            .await
            .unwrap();
        let (status, b) = body(res).await;
        assert_eq!(status, 200, "{b}");
        id
    }

    /// Requests an OTP and returns the code sent by WhatsApp. Each request comes from its
    /// own (proxied) address, so per-IP rate limits do not trip in tests that log in often.
    pub async fn otp(&self, phone: &str) -> String {
        let n = NEXT_IP.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let forwarded = format!("10.200.{}.{}", n / 250, n % 250 + 1);
        let res = new_client()
            .post(self.url("/api/auth/request-otp"))
            .header("x-forwarded-for", forwarded)
            .json(&json!({"phone_number": phone}))
            .send()
            .await
            .unwrap();
        let (status, b) = body(res).await;
        assert_eq!(status, 200, "otp #{n}: {b}");
        self.app.last_otp(phone).expect("an OTP was sent")
    }

    /// A simulated hotspot device: (ip, mac).
    pub fn device(&self, index: usize) -> (String, String) {
        let host = &self.app.sim().hosts()[index];
        (host.address.clone().unwrap(), host.mac_address.clone())
    }

    /// Logs in with OTP from simulated device `index`; returns the cookie client and body.
    pub async fn login_from_device(&self, phone: &str, index: usize) -> (Client, Value) {
        let (ip, mac) = self.device(index);
        let code = self.otp(phone).await;
        let client = new_client();
        let (status, b) = self
            .post(&client, "/api/auth/verify-otp", json!({"phone_number": phone, "otp": code, "client_ip": ip, "client_mac": mac, "link_login_only": "http://login.home.arpa/login"}))
            .await;
        assert_eq!(status, 200, "{b}");
        (client, b)
    }
}

/// The API with a RouterOS simulator and a simulated Midtrans whose notifications reach
/// this server.
pub async fn spawn_with_payments(vars: &[(&str, &str)], hosts: usize) -> Spawned {
    let app = TestApp::with_env(vars)
        .await
        .with_payments()
        .await
        .with_router(hosts)
        .await;
    with_notifications(spawn(app))
}

/// The API and a simulated Midtrans, without a router.
pub async fn spawn_payments_only() -> Spawned {
    spawn_payments_only_with(&[]).await
}

/// [`spawn_payments_only`] with extra configuration variables.
pub async fn spawn_payments_only_with(vars: &[(&str, &str)]) -> Spawned {
    with_notifications(spawn(TestApp::with_env(vars).await.with_payments().await))
}

fn with_notifications(s: Spawned) -> Spawned {
    s.app
        .pay_sim()
        .set_notification_url(Some(s.url("/api/transactions/notification")));
    s
}

impl Spawned {
    /// A profile and a package created through the admin API; returns the package id.
    pub async fn admin_package(
        &self,
        admin: &Client,
        name: &str,
        price: i64,
        quota_gb: f64,
        days: i64,
    ) -> String {
        let (_, profiles) = body(
            admin
                .get(self.url("/api/admin/profiles"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        let profile_id = match profiles
            .as_array()
            .and_then(|p| p.iter().find(|p| p["profile_name"] == "profile-aktif"))
        {
            Some(p) => p["id"].as_str().unwrap().to_owned(),
            None => {
                let (status, p) = self
                    .post(
                        admin,
                        "/api/admin/profiles",
                        json!({"profile_name": "profile-aktif", "description": "Paket kuota"}),
                    )
                    .await;
                assert_eq!(status, 201, "{p}");
                p["id"].as_str().unwrap().to_owned()
            }
        };
        let (status, p) = self
            .post(
                admin,
                "/api/admin/packages",
                json!({"name": name, "price": price, "data_quota_gb": quota_gb, "duration_days": days, "profile_id": profile_id, "is_active": true}),
            )
            .await;
        assert_eq!(status, 201, "{p}");
        p["id"].as_str().unwrap().to_owned()
    }

    /// Polls the owner's view of an order until its status is `want` (or 5 s pass).
    pub async fn wait_status(&self, client: &Client, order_id: &str, want: &str) -> Value {
        let mut last = Value::Null;
        for _ in 0..100 {
            let (_, b) = self
                .get(client, &format!("/api/transactions/by-order-id/{order_id}"))
                .await;
            if b["status"] == want {
                return b;
            }
            last = b;
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("order {order_id} never reached {want}: {last}");
    }
}
