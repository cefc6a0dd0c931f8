//! Golden cases for the access resolver, in the reference's user-snapshot format.

use chrono::{DateTime, Utc};
use saring_domain::PolicySettings;
use saring_domain::access::{AccessDecision, ReferenceUser};
use serde::Deserialize;

#[derive(Deserialize)]
struct Case {
    name: String,
    user: serde_json::Value,
    expected: serde_json::Value,
}

#[test]
fn golden_cases() {
    let cases: Vec<Case> =
        serde_json::from_str(include_str!("fixtures/access_status_cases.json")).unwrap();
    let now: DateTime<Utc> = "2026-11-25T00:00:00Z".parse().unwrap();
    let policy = PolicySettings::default();
    assert!(cases.len() >= 18);
    for case in cases {
        let user: ReferenceUser = serde_json::from_value(case.user).unwrap();
        let decision: AccessDecision = policy.decide(&user.to_snapshot().unwrap(), now);
        assert_eq!(
            serde_json::to_value(&decision).unwrap(),
            case.expected,
            "case {}",
            case.name
        );
    }
}

#[test]
fn bad_snapshots_are_refused_with_a_reason() {
    for (json, needle) in [
        (r#"{"role": "BOSS"}"#, "role"),
        (r#"{"approval_status": "MAYBE"}"#, "approval_status"),
        (r#"{"quota_expiry_date": "tomorrow"}"#, "quota_expiry_date"),
    ] {
        let user: ReferenceUser = serde_json::from_str(json).unwrap();
        let err = user.to_snapshot().unwrap_err().to_string();
        assert!(err.contains(needle), "{err}");
    }
    assert!(serde_json::from_str::<ReferenceUser>(r#"{"is_active": "yes"}"#).is_err());
}
