//! The worker's jobs as admins see them: `GET /api/admin/jobs` and
//! `GET /api/admin/jobs/dead-letters`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

/// When a job runs (`{"kind":"every","seconds":300}` or `{"kind":"cron","expr":"…"}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum When {
    /// Every so many seconds.
    Every { seconds: u64 },
    /// A cron expression (`sec min hour day month weekday`) in `APP_TIMEZONE`.
    Cron { expr: String },
}

/// One row of `GET /api/admin/jobs`: a job × scope (`global` or a router's name) with its
/// schedule, last run and next run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobStatus {
    pub job: String,
    pub description: String,
    pub scope: String,
    /// `None`: switched off by configuration (or for this router).
    pub schedule: Option<When>,
    /// The zone cron expressions are read in (`APP_TIMEZONE`).
    pub timezone: String,
    pub last_started_at: Option<DateTime<Utc>>,
    pub last_finished_at: Option<DateTime<Utc>>,
    pub last_duration_ms: Option<i64>,
    pub last_ok: Option<bool>,
    pub last_error: Option<String>,
    pub run_count: i64,
    pub failure_count: i64,
    pub last_summary: Option<Value>,
    pub next_run_at: Option<DateTime<Utc>>,
}

/// One row of `GET /api/admin/jobs/dead-letters`: a job run (or outbox item) given up after
/// its retries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeadLetterView {
    pub id: Uuid,
    pub job: String,
    pub scope: String,
    pub error: String,
    pub attempts: i32,
    pub payload: Option<Value>,
    pub created_at: DateTime<Utc>,
}
