//! Test support (feature `testing`): an [`App`] on a fresh database and KV store —
//! SQLite + in-memory by default, PostgreSQL + Redis when `TEST_DATABASE_URL` /
//! `TEST_REDIS_URL` are set (see `saring_store::testing`).
#![allow(clippy::expect_used)]

use std::collections::HashMap;
use std::ops::Deref;

use saring_store::testing::{TestDb, TestKv};

use crate::config::{Config, Mode};
use crate::context::App;

/// An [`App`] whose database and KV store are dropped with it.
pub struct TestApp {
    pub app: App,
    pub db: TestDb,
    pub kv: TestKv,
}

impl TestApp {
    /// Embedded-mode defaults.
    pub async fn new() -> Self {
        Self::with_env(&[]).await
    }

    /// With extra configuration variables.
    pub async fn with_env(vars: &[(&str, &str)]) -> Self {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let (config, _) =
            Config::from_vars(&vars, Mode::Embedded).expect("test configuration is valid");
        let db = TestDb::new().await;
        let kv = TestKv::new().await;
        let app = App::new(
            config,
            Mode::Embedded,
            db.conn().clone(),
            kv.store().clone(),
        )
        .expect("test app");
        TestApp { app, db, kv }
    }
}

impl Deref for TestApp {
    type Target = App;
    fn deref(&self) -> &App {
        &self.app
    }
}
