//! `spawn_app()`: the real HTTP server on a random port over a fresh test database.
#![allow(clippy::expect_used, dead_code)]

use std::net::TcpListener;

use saring_app::testing::TestApp;

pub struct Spawned {
    pub base: String,
    pub client: reqwest::Client,
    pub app: TestApp,
}

pub async fn spawn_app() -> Spawned {
    let app = TestApp::new().await;
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    let server = saring_api::serve(app.app.clone(), listener, 1).expect("server");
    tokio::spawn(server);
    Spawned {
        base: format!("http://{addr}"),
        client: reqwest::Client::new(),
        app,
    }
}

impl Spawned {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}
