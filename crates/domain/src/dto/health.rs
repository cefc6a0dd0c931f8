//! `GET /health`, `/api/health` and `/ready`.

use serde::{Deserialize, Serialize};

/// The process's own view of its dependencies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    /// `ok` when the database and the KV store answer, else `degraded`.
    pub status: HealthStatus,
    pub database: Liveness,
    pub kv: Liveness,
    pub version: String,
    pub uptime_seconds: u64,
    /// `/ready` only: how many enabled routers hold what Saring needs, from their last
    /// verify-rules reports (the routers are not contacted). Counts only, as `/ready` is
    /// public: which router lacks what is for admins (`GET /api/admin/routers`, verify-rules).
    /// Never changes the status code: the console must stay up to fix a router.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub routers: Option<RouterSetupCounts>,
}

/// `/ready`'s `routers`: enabled routers by [`SetupState`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouterSetupCounts {
    pub complete: u64,
    pub incomplete: u64,
    pub unchecked: u64,
}

impl RouterSetupCounts {
    pub fn add(&mut self, state: SetupState) {
        match state {
            SetupState::Complete => self.complete += 1,
            SetupState::Incomplete => self.incomplete += 1,
            SetupState::Unchecked => self.unchecked += 1,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SetupState {
    Complete,
    Incomplete,
    /// No verify-rules report in the last 15 minutes (the router-health job makes one).
    Unchecked,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HealthStatus {
    Ok,
    Degraded,
}

/// Whether one dependency answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Liveness {
    Ok,
    Down,
}

impl Health {
    /// From the two checks.
    pub fn new(database_ok: bool, kv_ok: bool, version: &str, uptime_seconds: u64) -> Self {
        let live = |ok: bool| if ok { Liveness::Ok } else { Liveness::Down };
        Health {
            status: if database_ok && kv_ok {
                HealthStatus::Ok
            } else {
                HealthStatus::Degraded
            },
            database: live(database_ok),
            kv: live(kv_ok),
            version: version.to_owned(),
            uptime_seconds,
            routers: None,
        }
    }

    pub fn is_ok(&self) -> bool {
        self.status == HealthStatus::Ok
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_keeps_its_words() {
        assert_eq!(
            serde_json::to_value(Health::new(true, false, "1.2.3", 7)).unwrap(),
            serde_json::json!({"status": "degraded", "database": "ok", "kv": "down",
                "version": "1.2.3", "uptime_seconds": 7})
        );
        assert!(Health::new(true, true, "1", 0).is_ok());
    }
}
