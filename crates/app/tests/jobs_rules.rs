//! The rules the worker runs on accounts (SQLite and PostgreSQL): manual debt reminders (each
//! stage once per item, only inside its window, only for approved and active accounts, never
//! for a paid item), overdue and end-of-month debt blocks, and the purge of registrations
//! nobody approved.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{Duration, NaiveDate, NaiveTime};
use saring_app::jobs::{self, debts::send_reminders};
use saring_app::testing::TestApp;
use saring_domain::access::ApprovalStatus;
use saring_domain::user::{NewUser, User};
use saring_domain::{Phone, Role};
use saring_store::repo::debts::{self, NewDebt};
use saring_store::repo::users;

async fn user(t: &TestApp, phone: &str, approval_status: ApprovalStatus) -> User {
    users::insert(
        t.db(),
        &NewUser {
            phone: Phone::parse(phone).unwrap(),
            full_name: "Budi Santoso".into(),
            blok: None,
            kamar: None,
            is_tamping: false,
            tamping_type: None,
            role: Role::User,
            approval_status,
            is_active: approval_status == ApprovalStatus::Approved,
            password_hash: None,
            router_id: None,
        },
    )
    .await
    .unwrap()
}

async fn debt(t: &TestApp, user: &User, due: NaiveDate) -> uuid::Uuid {
    let new = NewDebt {
        user_id: user.id,
        amount_mb: 1536,
        price_rp: Some(15_000),
        debt_date: None,
        due_date: Some(due),
        is_unlimited: false,
        package_id: None,
        note: None,
        created_by: None,
    };
    debts::insert(t.db(), &new, t.now()).await.unwrap().id
}

async fn default_router(t: &TestApp) -> saring_store::repo::routers::Router {
    saring_store::repo::routers::find_by_name(t.db(), t.cipher(), "default")
        .await
        .unwrap()
        .unwrap()
}

/// Runs a registered job as the worker does; it must succeed. Returns its summary.
async fn run(
    t: &TestApp,
    job: &jobs::JobSpec,
    router: Option<&saring_store::repo::routers::Router>,
) -> serde_json::Value {
    let outcome = jobs::run_recorded(t, job, router, None).await;
    assert!(outcome.ok, "{outcome:?}");
    outcome.summary.unwrap()
}

/// Delivers the queued messages and returns the texts sent to `phone` so far.
async fn delivered(t: &TestApp, phone: &str) -> Vec<String> {
    saring_app::router::user_sync::run_outbox(t, 100)
        .await
        .unwrap();
    t.messenger
        .sent_to(&Phone::parse(phone).unwrap())
        .into_iter()
        .map(|m| m.text)
        .collect()
}

#[tokio::test]
async fn reminders_go_out_once_per_stage_in_their_window() {
    let t = TestApp::new().await;
    let tz = t.config().app.timezone;
    let due = NaiveDate::from_ymd_opt(2026, 12, 10).unwrap();
    // 72 hours before the end of the due day (local).
    t.set_now(tz.end_of_day(due) - Duration::hours(72));
    let budi = user(&t, "081233300001", ApprovalStatus::Approved).await;
    let pending = user(&t, "081233300002", ApprovalStatus::PendingApproval).await;
    let item = debt(&t, &budi, due).await;
    debt(&t, &pending, due).await;
    // A debt due much later is not reminded yet.
    debt(&t, &budi, due + Duration::days(20)).await;

    let r = send_reminders(&t).await.unwrap();
    assert_eq!((r.checked, r.queued), (2, 1), "{r:?}");
    let sent = delivered(&t, "081233300001").await;
    assert_eq!(sent.len(), 1);
    assert!(sent[0].contains("1,50 GB"), "{}", sent[0]);
    assert!(sent[0].contains("Rp 15.000"), "{}", sent[0]);
    assert!(sent[0].contains("10-12-2026"), "{}", sent[0]);
    assert!(
        delivered(&t, "081233300002").await.is_empty(),
        "unapproved: no reminder"
    );

    // Running again in the same window (the job runs every 30 minutes) sends nothing new.
    t.set_now(tz.end_of_day(due) - Duration::hours(71));
    assert_eq!(send_reminders(&t).await.unwrap().queued, 0);
    // Between windows: nothing.
    t.set_now(tz.end_of_day(due) - Duration::hours(40));
    assert_eq!(send_reminders(&t).await.unwrap().queued, 0);
    // One day before, then three hours before: one each.
    t.set_now(tz.end_of_day(due) - Duration::hours(24));
    assert_eq!(send_reminders(&t).await.unwrap().queued, 1);
    assert!(delivered(&t, "081233300001").await[1].contains("besok"));
    t.set_now(tz.at(due, NaiveTime::from_hms_opt(21, 0, 0).unwrap()));
    assert_eq!(send_reminders(&t).await.unwrap().queued, 1);
    assert_eq!(delivered(&t, "081233300001").await.len(), 3);

    // Paid items are never reminded, through the registered job as the worker runs it.
    debts::record_payment(t.db(), item, 1536, "test", t.now())
        .await
        .unwrap();
    let other = debt(&t, &budi, due).await;
    debts::record_payment(t.db(), other, 1536, "test", t.now())
        .await
        .unwrap();
    let job = jobs::spec(t.config(), "debt-reminders").expect("registered");
    let outcome = jobs::run_recorded(&t, &job, None, None).await;
    assert!(outcome.ok, "{outcome:?}");
    assert_eq!(outcome.summary.unwrap()["queued"], 0);
    assert_eq!(delivered(&t, "081233300001").await.len(), 3);
}

#[tokio::test]
async fn overdue_and_end_of_month_blocks() {
    let t = TestApp::new().await;
    let tz = t.config().app.timezone;
    let today = NaiveDate::from_ymd_opt(2026, 12, 15).unwrap();
    t.set_now(tz.at(today, NaiveTime::from_hms_opt(8, 0, 0).unwrap()));
    let late = user(&t, "081233300011", ApprovalStatus::Approved).await;
    let on_time = user(&t, "081233300012", ApprovalStatus::Approved).await;
    debt(&t, &late, today - Duration::days(3)).await;
    debt(&t, &late, today - Duration::days(1)).await;
    debt(&t, &on_time, today).await;

    let r = jobs::debts::block_overdue(&t).await.unwrap();
    assert_eq!((r.active, r.candidates, r.blocked), (true, 1, 1), "{r:?}");
    let blocked = users::find_by_id(t.db(), late.id).await.unwrap().unwrap();
    assert!(blocked.is_blocked);
    assert_eq!(
        blocked.blocked_reason.as_deref(),
        Some("tunggakan_overdue|debt_mb=3072|due=2026-12-12|days_overdue=3")
    );
    assert!(
        !users::find_by_id(t.db(), on_time.id)
            .await
            .unwrap()
            .unwrap()
            .is_blocked,
        "due today is not overdue"
    );
    let sent = delivered(&t, "081233300011").await;
    assert!(
        sent.iter()
            .any(|m| m.contains("3,00 GB") && m.contains("12-12-2026")),
        "{sent:?}"
    );
    // Idempotent: a second run (or a second worker) changes nothing.
    let again = jobs::debts::block_overdue(&t).await.unwrap();
    assert_eq!(again.blocked, 0);
    assert_eq!(delivered(&t, "081233300011").await.len(), sent.len());

    // End of month: nothing before the last day's DEBT_EOM_BLOCK_MIN_HOUR (23:00)…
    let last = NaiveDate::from_ymd_opt(2026, 12, 31).unwrap();
    t.set_now(tz.at(last, NaiveTime::from_hms_opt(22, 59, 0).unwrap()));
    let r = jobs::debts::block_end_of_month(&t).await.unwrap();
    assert!(!r.active);
    assert!(
        !users::find_by_id(t.db(), on_time.id)
            .await
            .unwrap()
            .unwrap()
            .is_blocked
    );
    // …then everyone still owing manual debt (the already blocked user stays as is).
    t.set_now(tz.at(last, NaiveTime::from_hms_opt(23, 5, 0).unwrap()));
    let r = jobs::debts::block_end_of_month(&t).await.unwrap();
    assert_eq!((r.active, r.candidates, r.blocked), (true, 2, 1), "{r:?}");
    let eom = users::find_by_id(t.db(), on_time.id)
        .await
        .unwrap()
        .unwrap();
    assert!(eom.is_blocked);
    assert!(
        eom.blocked_reason
            .as_deref()
            .unwrap()
            .starts_with("quota_manual_debt_end_of_month|debt_mb=1536|manual_debt_mb=1536|")
    );
    assert_eq!(
        saring_domain::access::BlockKind::of_reason(eom.blocked_reason.as_deref()),
        saring_domain::access::BlockKind::of_reason(Some("quota_manual_debt_end_of_month|x"))
    );
}

#[tokio::test]
async fn stale_registrations_are_purged_with_a_log_row() {
    let t = TestApp::new().await;
    let pending = user(&t, "081233300021", ApprovalStatus::PendingApproval).await;
    let rejected = user(&t, "081233300022", ApprovalStatus::Rejected).await;
    let approved = user(&t, "081233300023", ApprovalStatus::Approved).await;
    // 29 days later: too early.
    t.set_now(chrono::Utc::now() + Duration::days(29));
    let job = jobs::spec(t.config(), "purge-unapproved").expect("registered");
    let outcome = jobs::run_recorded(&t, &job, None, None).await;
    assert_eq!(outcome.summary.unwrap()["deleted"], 0);
    // 31 days later: the two unapproved registrations go, the approved account stays.
    t.set_now(chrono::Utc::now() + Duration::days(31));
    let outcome = jobs::run_recorded(&t, &job, None, None).await;
    assert!(outcome.ok, "{outcome:?}");
    assert_eq!(outcome.summary.unwrap()["deleted"], 2);
    for (u, gone) in [(&pending, true), (&rejected, true), (&approved, false)] {
        let found = users::find_by_id(t.db(), u.id).await.unwrap();
        assert_eq!(found.is_none(), gone, "{}", u.full_name);
    }
    let (logs, total) = saring_store::repo::activity::list_actions(
        t.db(),
        &saring_store::repo::activity::ActionFilter {
            action_type: Some("AUTO_DELETE_UNAPPROVED".into()),
            ..Default::default()
        },
        0,
        10,
    )
    .await
    .unwrap();
    assert_eq!(total, 2);
    assert!(
        logs.iter()
            .any(|l| l.details.as_ref().unwrap()["phone_number"] == "+6281233300021")
    );
    // Running again deletes nothing more.
    let outcome = jobs::run_recorded(&t, &job, None, None).await;
    assert_eq!(outcome.summary.unwrap()["deleted"], 0);
}

#[tokio::test]
async fn walled_garden_keeps_managed_entries_only() {
    use saring_routeros::Api;
    use saring_routeros::menus::WalledGarden;
    let t = TestApp::with_env(&[
        ("WALLED_GARDEN_ENABLED", "true"),
        ("WALLED_GARDEN_ALLOWED_HOSTS", "Bank.Example.co.id, ,"),
        ("APP_PUBLIC_BASE_URL", "https://wifi.example.id/portal"),
    ])
    .await
    .with_router(0)
    .await;
    let router = default_router(&t).await;
    let rh = saring_app::router::RouterHandle::open(&t, router.clone()).unwrap();
    let menu = "/ip/hotspot/walled-garden";
    // An operator's own entry (never touched, and not added twice) and a stale managed one.
    for (host, comment) in [
        ("api.fonnte.com", "dibuat operator"),
        ("old.example.com", "lpsaring|walled-garden"),
    ] {
        rh.pool
            .add(menu, &[("dst-host", host), ("comment", comment)])
            .await
            .unwrap();
    }
    let job = jobs::spec(t.config(), "walled-garden").expect("enabled");
    let outcome = jobs::run_recorded(&t, &job, Some(&router), None).await;
    assert!(outcome.ok, "{outcome:?}");
    let rows: Vec<WalledGarden> = rh.pool.list(&[]).await.unwrap();
    let mut hosts: Vec<(String, bool)> = rows
        .iter()
        .map(|r| {
            (
                r.dst_host.clone().unwrap(),
                r.comment.as_deref().unwrap().starts_with("lpsaring"),
            )
        })
        .collect();
    hosts.sort();
    let expect = [
        ("api.fonnte.com", false),
        ("api.sandbox.midtrans.com", true),
        ("api.telegram.org", true),
        ("app.sandbox.midtrans.com", true),
        ("bank.example.co.id", true),
        ("wifi.example.id", true),
    ];
    assert_eq!(
        hosts,
        expect.map(|(h, m)| (h.to_owned(), m)).to_vec(),
        "{:?}",
        outcome.summary
    );
    // In line: the next run writes nothing.
    let again = jobs::run_recorded(&t, &job, Some(&router), None).await;
    let summary = again.summary.unwrap();
    assert_eq!(
        (
            summary["added"].as_array().unwrap().len(),
            summary["removed"].as_array().unwrap().len()
        ),
        (0, 0),
        "{summary}"
    );
}

#[tokio::test]
async fn unauthorized_list_follows_the_hotspot_hosts() {
    use saring_store::repo::devices::{self, DeviceSeen};
    let t = TestApp::new().await.with_router(3).await;
    let router = default_router(&t).await;
    let list = t.config().policy.lists.unauthorized.clone();
    let listed = |t: &TestApp| {
        let mut ips: Vec<String> = t
            .sim()
            .address_list()
            .into_iter()
            .filter(|e| e.list == list)
            .map(|e| e.address)
            .collect();
        ips.sort();
        ips
    };
    // Something stale in the list: it goes.
    t.sim()
        .exec(
            "/ip/firewall/address-list/add",
            &[("list", list.as_str()), ("address", "10.99.0.1")],
        )
        .unwrap();
    let hosts = t.sim().hosts();
    let mut all: Vec<String> = hosts.iter().filter_map(|h| h.address.clone()).collect();
    all.sort();
    assert_eq!(all.len(), 3);

    let job = jobs::spec(t.config(), "unauthorized-hosts").expect("enabled by default");
    let outcome = jobs::run_recorded(&t, &job, Some(&router), None).await;
    assert!(outcome.ok, "{outcome:?}");
    assert_eq!(listed(&t), all, "{:?}", outcome.summary);

    // One device is now authorised for an approved user: its address leaves the list.
    let budi = user(&t, "081233300031", ApprovalStatus::Approved).await;
    let first = &hosts[0];
    devices::upsert_seen(
        t.db(),
        &DeviceSeen {
            user_id: budi.id,
            router_id: Some(router.id),
            mac: saring_domain::Mac::parse(&first.mac_address).unwrap(),
            ip_address: first.address.clone(),
            user_agent: None,
            authorized: true,
        },
        t.now(),
    )
    .await
    .unwrap();
    let outcome = jobs::run_recorded(&t, &job, Some(&router), None).await;
    assert!(outcome.ok, "{outcome:?}");
    let rest: Vec<String> = all
        .iter()
        .filter(|ip| Some(*ip) != first.address.as_ref())
        .cloned()
        .collect();
    assert_eq!(listed(&t), rest);
    // In line: nothing more to write.
    let summary = run(&t, &job, Some(&router)).await;
    assert_eq!(summary["added"].as_array().unwrap().len(), 0, "{summary}");
    assert_eq!(summary["removed"].as_array().unwrap().len(), 0, "{summary}");
}

#[tokio::test]
async fn cleanup_jobs_keep_what_they_cannot_prove_they_wrote_until_adoption() {
    let t = TestApp::with_env(&[("WALLED_GARDEN_ENABLED", "true")])
        .await
        .with_router(0)
        .await;
    let router = default_router(&t).await;
    saring_app::router_admin::set_adopted(&t, None, router.id, false)
        .await
        .unwrap();
    let router = default_router(&t).await;
    let list = t.config().policy.lists.unauthorized.clone();
    // As another install left them: a walled-garden entry with the shared prefix, and an
    // unauthorized-list entry.
    t.sim()
        .exec(
            "/ip/hotspot/walled-garden/add",
            &[
                ("dst-host", "old.example.com"),
                ("comment", "lpsaring|walled-garden"),
            ],
        )
        .unwrap();
    t.sim()
        .exec(
            "/ip/firewall/address-list/add",
            &[("list", list.as_str()), ("address", "10.99.0.1")],
        )
        .unwrap();
    let present = |t: &TestApp| {
        let garden = t
            .sim()
            .rows("/ip/hotspot/walled-garden")
            .iter()
            .any(|r| r.get("dst-host").as_deref() == Some("old.example.com"));
        let listed = t
            .sim()
            .address_list()
            .iter()
            .any(|e| e.address == "10.99.0.1");
        (garden, listed)
    };
    for name in ["walled-garden", "unauthorized-hosts"] {
        let job = jobs::spec(t.config(), name).expect("enabled");
        let s = run(&t, &job, Some(&router)).await;
        assert_eq!(s["removed"].as_array().unwrap().len(), 0, "{name}: {s}");
        assert_eq!(s["kept"].as_array().unwrap().len(), 1, "{name}: {s}");
        assert!(
            s["kept_because"].as_str().unwrap().contains("not adopted"),
            "{name}: {s}"
        );
    }
    assert_eq!(present(&t), (true, true));
    saring_app::router_admin::set_adopted(&t, None, router.id, true)
        .await
        .unwrap();
    let router = default_router(&t).await;
    for name in ["walled-garden", "unauthorized-hosts"] {
        let job = jobs::spec(t.config(), name).expect("enabled");
        let s = run(&t, &job, Some(&router)).await;
        assert_eq!(s["removed"].as_array().unwrap().len(), 1, "{name}: {s}");
    }
    assert_eq!(present(&t), (false, false));
}

#[tokio::test]
async fn stale_devices_leave_the_router_and_the_database() {
    use saring_store::repo::devices;
    let t = TestApp::new().await.with_router(1).await;
    let router = default_router(&t).await;
    let budi = user(&t, "081233300041", ApprovalStatus::Approved).await;
    let online = t.sim().hosts()[0].mac_address.clone();
    let gone = "02:11:22:33:44:55".to_owned();
    t.sim()
        .exec(
            "/ip/hotspot/ip-binding/add",
            &[("mac-address", gone.as_str()), ("type", "bypassed")],
        )
        .unwrap();
    for mac in [&online, &gone] {
        t.enroll_device(budi.id, router.id, mac, None).await;
    }
    let job = jobs::spec(t.config(), "stale-devices").expect("on by default");
    // 29 days later: nothing is stale yet.
    t.set_now(t.now() + Duration::days(29));
    let s = run(&t, &job, Some(&router)).await;
    assert_eq!(s["removed"].as_array().unwrap().len(), 0, "{s}");
    // 31 days: the device that is not on the hotspot goes; the one online stays.
    t.set_now(t.now() + Duration::days(2));
    let outcome = jobs::run_recorded(&t, &job, Some(&router), None).await;
    assert!(outcome.ok, "{outcome:?}");
    assert_eq!(
        outcome.summary.unwrap()["removed"],
        serde_json::json!([gone])
    );
    let left: Vec<String> = devices::list_for_user(t.db(), budi.id)
        .await
        .unwrap()
        .into_iter()
        .map(|d| d.mac.to_string())
        .collect();
    assert_eq!(left, vec![online]);
    assert!(
        t.sim()
            .ip_bindings()
            .iter()
            .all(|b| b.mac_address.as_deref() != Some(gone.as_str()))
    );
}

#[tokio::test]
async fn inactive_accounts_are_deactivated_warned_and_deleted() {
    let t = TestApp::with_env(&[
        ("INACTIVE_DEACTIVATE_ENABLED", "true"),
        ("INACTIVE_AUTO_DELETE_ENABLED", "true"),
        ("INACTIVE_DELETE_MAX_PER_RUN", "1"),
    ])
    .await;
    let idle = user(&t, "081233300051", ApprovalStatus::Approved).await;
    let second = user(&t, "081233300052", ApprovalStatus::Approved).await;
    let job = jobs::spec(t.config(), "inactive-accounts").expect("enabled");
    let start = chrono::Utc::now();
    let at = |days: i64| start + Duration::days(days) + Duration::hours(1);

    // 44 days: nothing; 45: both deactivated (the preview says so first), once.
    t.set_now(at(44));
    assert!(jobs::accounts::lifecycle_plan(&t).await.unwrap().is_empty());
    t.set_now(at(45));
    let plan = jobs::accounts::lifecycle_plan(&t).await.unwrap();
    assert_eq!(plan.len(), 2);
    assert!(
        plan.iter()
            .all(|p| p.action == jobs::accounts::LifecycleAction::Deactivate)
    );
    let s = run(&t, &job, None).await;
    assert_eq!(s["deactivated"], 2, "{s}");
    assert!(
        !users::find_by_id(t.db(), idle.id)
            .await
            .unwrap()
            .unwrap()
            .is_active
    );
    let s = run(&t, &job, None).await;
    assert_eq!(s["deactivated"], 0, "{s}");
    assert_eq!(delivered(&t, "081233300051").await.len(), 1);

    // 75 days: a warning, once per idle period.
    t.set_now(at(75));
    let s = run(&t, &job, None).await;
    assert_eq!(s["warned"], 2, "{s}");
    let s = run(&t, &job, None).await;
    assert_eq!(s["warned"], 0, "{s}");
    assert_eq!(delivered(&t, "081233300051").await.len(), 2);

    // 90 days: deleted, at most INACTIVE_DELETE_MAX_PER_RUN a run.
    t.set_now(at(90));
    let s = run(&t, &job, None).await;
    assert_eq!(s["deleted"], 1, "{s}");
    let s = run(&t, &job, None).await;
    assert_eq!(s["deleted"], 1, "{s}");
    for u in [&idle, &second] {
        assert!(users::find_by_id(t.db(), u.id).await.unwrap().is_none());
    }
    assert!(
        delivered(&t, "081233300052")
            .await
            .last()
            .unwrap()
            .contains("dihapus")
    );
}

/// Entries as a router another install (lpsaring) manages holds them: some name an account
/// of ours, some an account unknown here, one was made by hand. Returns Budi.
async fn seed_audit_router(t: &TestApp) -> User {
    let budi = user(t, "081233300061", ApprovalStatus::Approved).await;
    let mine = format!("user=081233300061|uid={}|role=USER", budi.id);
    let gone = format!("user=081299999999|uid={}|role=USER", uuid::Uuid::new_v4());
    let lists = t.config().policy.lists.clone();
    let add = |path: &str, args: &[(&str, &str)]| {
        t.sim().exec(path, args).unwrap();
    };
    for (mac, comment) in [
        ("02:00:00:00:00:01", mine.as_str()),
        ("02:00:00:00:00:02", gone.as_str()),
        ("02:00:00:00:00:03", "printer kantor"),
    ] {
        add(
            "/ip/hotspot/ip-binding/add",
            &[("mac-address", mac), ("comment", comment)],
        );
    }
    for (list, address, comment) in [
        (lists.active.as_str(), "172.16.0.2", gone.as_str()),
        (lists.blocked.as_str(), "172.16.0.3", mine.as_str()),
        (lists.active.as_str(), "172.16.0.4", mine.as_str()),
        ("operator-list", "172.16.0.5", gone.as_str()),
    ] {
        add(
            "/ip/firewall/address-list/add",
            &[("list", list), ("address", address), ("comment", comment)],
        );
    }
    for (name, comment) in [("081299999999", &gone), ("081233300061", &mine)] {
        add(
            "/ip/hotspot/user/add",
            &[("name", name), ("comment", comment.as_str())],
        );
    }
    budi
}

/// What is on the simulated router: bindings' MACs, list addresses, hotspot user names.
fn router_entries(t: &TestApp) -> (Vec<String>, Vec<String>, Vec<String>) {
    let mut bindings: Vec<String> = t
        .sim()
        .ip_bindings()
        .into_iter()
        .filter_map(|b| b.mac_address)
        .collect();
    let mut lists: Vec<String> = t
        .sim()
        .address_list()
        .into_iter()
        .map(|e| e.address)
        .collect();
    let mut names: Vec<String> = t.sim().users().into_iter().map(|u| u.name).collect();
    bindings.sort();
    lists.sort();
    names.sort();
    (bindings, lists, names)
}

const KINDS: [&str; 4] = [
    "orphan_bindings",
    "orphan_list_entries",
    "stale_blocked_entries",
    "orphan_hotspot_users",
];

fn finding<'a>(s: &'a serde_json::Value, kind: &str) -> &'a serde_json::Value {
    s["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == kind)
        .unwrap()
}

#[tokio::test]
async fn router_audit_only_reports_by_default() {
    let t = TestApp::new().await.with_router(0).await;
    let router = default_router(&t).await;
    seed_audit_router(&t).await;
    let before = router_entries(&t);
    assert_eq!(before.0.len(), 3);
    let job = jobs::spec(t.config(), "router-audit").expect("registered");
    let s = run(&t, &job, Some(&router)).await;
    for kind in KINDS {
        let f = finding(&s, kind);
        assert_eq!(
            (f["found"].as_u64(), f["removed"].as_u64()),
            (Some(1), Some(0)),
            "{kind}: {s}"
        );
        assert!(
            f["kept_because"]
                .as_str()
                .unwrap()
                .contains("MIKROTIK_AUDIT_AUTO_CLEANUP_"),
            "{kind}: {s}"
        );
        assert!(!f["examples"].as_array().unwrap().is_empty(), "{kind}: {s}");
    }
    assert_eq!(
        router_entries(&t),
        before,
        "with the defaults every entry an lpsaring install left stays"
    );
}

#[tokio::test]
async fn router_audit_removes_only_when_switched_on_and_adopted() {
    let t = TestApp::with_env(&[
        ("MIKROTIK_AUDIT_AUTO_CLEANUP_ORPHANED_BINDINGS", "true"),
        ("MIKROTIK_AUDIT_AUTO_CLEANUP_ORPHANED_LISTS", "true"),
        ("MIKROTIK_AUDIT_AUTO_CLEANUP_ORPHANED_USERS", "true"),
        ("MIKROTIK_AUDIT_AUTO_CLEANUP_STALE_BLOCKED", "true"),
    ])
    .await
    .with_router(0)
    .await;
    let router = default_router(&t).await;
    seed_audit_router(&t).await;
    let before = router_entries(&t);
    let job = jobs::spec(t.config(), "router-audit").expect("registered");

    // Switched on, but this install has not adopted the router: nothing goes.
    saring_app::router_admin::set_adopted(&t, None, router.id, false)
        .await
        .unwrap();
    let router = default_router(&t).await;
    let s = run(&t, &job, Some(&router)).await;
    assert_eq!(s["adopted"], false);
    for kind in KINDS {
        let f = finding(&s, kind);
        assert_eq!(f["removed"], 0, "{kind}: {s}");
        assert!(
            f["kept_because"].as_str().unwrap().contains("not adopted"),
            "{kind}: {s}"
        );
    }
    assert_eq!(router_entries(&t), before);
    // A dry run after adoption removes nothing either.
    saring_app::router_admin::set_adopted(&t, None, router.id, true)
        .await
        .unwrap();
    let router = default_router(&t).await;
    let preview = saring_app::sync::audit::preview(&t, router.id)
        .await
        .unwrap();
    assert!(preview.dry_run && preview.findings.iter().all(|f| f.removed == 0));
    assert_eq!(router_entries(&t), before);

    // Switched on and adopted: the entries of unknown accounts go, hand-made ones stay.
    let s = run(&t, &job, Some(&router)).await;
    for kind in KINDS {
        assert_eq!(finding(&s, kind)["removed"], 1, "{kind}: {s}");
    }
    assert_eq!(
        router_entries(&t),
        (
            vec!["02:00:00:00:00:01".into(), "02:00:00:00:00:03".into()],
            vec!["172.16.0.4".into(), "172.16.0.5".into()],
            vec!["081233300061".into()],
        )
    );
    // Nothing left to do.
    let s = run(&t, &job, Some(&router)).await;
    for kind in KINDS {
        assert_eq!(finding(&s, kind)["found"], 0, "{kind}: {s}");
    }
}

#[tokio::test]
async fn banking_bypass_follows_dns_and_leaves_manual_entries() {
    let t = TestApp::with_env(&[
        ("AKSES_BANKING_DOMAINS", "localhost,does-not-exist.invalid"),
        ("AKSES_BANKING_LIST_NAME", "Bypass_Server"),
    ])
    .await
    .with_router(0)
    .await;
    let router = default_router(&t).await;
    for (ip, comment) in [
        (
            "10.9.9.9",
            "AUTO-BANKING-BYPASS|source=banking-sync|domain=old.bank|managed-by=lpsaring",
        ),
        ("10.8.8.8", "server kantor"),
    ] {
        t.sim()
            .exec(
                "/ip/firewall/address-list/add",
                &[
                    ("list", "Bypass_Server"),
                    ("address", ip),
                    ("comment", comment),
                ],
            )
            .unwrap();
    }
    let listed = |t: &TestApp| {
        let mut v: Vec<String> = t
            .sim()
            .address_list()
            .into_iter()
            .filter(|e| e.list == "Bypass_Server")
            .map(|e| e.address)
            .collect();
        v.sort();
        v
    };
    let job = jobs::spec(t.config(), "banking-bypass").expect("on by default");
    let outcome = jobs::run_recorded(&t, &job, Some(&router), None).await;
    assert!(outcome.ok, "{outcome:?}");
    assert_eq!(
        listed(&t),
        ["10.8.8.8", "127.0.0.1"],
        "{:?}",
        outcome.summary
    );
    let s = run(&t, &job, Some(&router)).await;
    assert_eq!(
        (
            s["added"].as_array().unwrap().len(),
            s["removed"].as_array().unwrap().len()
        ),
        (0, 0)
    );
}

#[tokio::test]
async fn parity_guard_reports_then_repairs_a_bounded_number_of_users() {
    use saring_app::sync::parity;
    let t = TestApp::new().await.with_router(3).await;
    let router = default_router(&t).await;
    let sims = t.sim().devices();
    let mut people = Vec::new();
    for (i, d) in sims.iter().enumerate() {
        let u = user(&t, &format!("08123330007{i}"), ApprovalStatus::Approved).await;
        t.enroll_device(u.id, router.id, &d.mac, Some(d.ip.to_string()))
            .await;
        people.push(u);
    }
    saring_app::sync::quota::sync_router(&t, &router, None)
        .await
        .unwrap();
    t.sim().tick(std::time::Duration::from_secs(1));
    let clean = parity::check(&t, &router, 0).await.unwrap();
    assert_eq!(clean.users_with_mismatches, 0, "{clean:?}");

    // Drift: a binding removed by hand, a second status entry, a status entry removed.
    let lists = t.config().policy.lists.clone();
    let binding = t
        .sim()
        .ip_bindings()
        .into_iter()
        .find(|b| b.mac_address.as_deref() == Some(sims[0].mac.as_str()))
        .unwrap();
    t.sim().remove_item("/ip/hotspot/ip-binding", &binding.id);
    let owned = format!("user=081233300071|uid={}|role=USER", people[1].id);
    t.sim()
        .exec(
            "/ip/firewall/address-list/add",
            &[
                ("list", lists.blocked.as_str()),
                ("address", &sims[1].ip.to_string()),
                ("comment", &owned),
            ],
        )
        .unwrap();
    let entry = t
        .sim()
        .address_list()
        .into_iter()
        .find(|e| e.address == sims[2].ip.to_string())
        .unwrap();
    t.sim().remove_item("/ip/firewall/address-list", &entry.id);

    // The report alone writes nothing.
    t.sim().record(true);
    let r = parity::check(&t, &router, 0).await.unwrap();
    let writes = t.sim().recorded_writes().len();
    t.sim().record(false);
    assert_eq!(writes, 0, "a report must not write");
    let kinds: Vec<(String, Vec<String>)> = r
        .items
        .iter()
        .map(|i| (i.username.clone(), i.mismatches.clone()))
        .collect();
    assert_eq!(
        kinds,
        vec![
            ("081233300070".into(), vec!["missing_ip_binding".into()]),
            ("081233300071".into(), vec!["address_list_stale".into()]),
            ("081233300072".into(), vec!["address_list".into()]),
        ],
        "{r:?}"
    );
    assert_eq!((r.users_with_mismatches, r.repaired_users), (3, 0));

    // Bounded repair: one user a run when the limit is 1.
    let r = parity::check(&t, &router, 1).await.unwrap();
    assert_eq!((r.repaired_users, r.repair_failures), (1, 0), "{r:?}");
    assert!(r.items[0].repaired && !r.items[1].repaired);
    assert!(
        t.sim()
            .ip_bindings()
            .iter()
            .any(|b| b.mac_address.as_deref() == Some(sims[0].mac.as_str()))
    );
    // The registered job (limit 10 by default) repairs the rest and keeps its report.
    let job = jobs::spec(t.config(), "policy-parity-guard").expect("on by default");
    let s = run(&t, &job, Some(&router)).await;
    assert_eq!(
        (
            s["users_with_mismatches"].as_u64(),
            s["repaired_users"].as_u64()
        ),
        (Some(2), Some(2)),
        "{s}"
    );
    let stored = parity::last_report(&t, &router).await.unwrap().unwrap();
    assert_eq!(stored.repaired_users, 2);
    let after = parity::check(&t, &router, 0).await.unwrap();
    assert_eq!(after.users_with_mismatches, 0, "{after:?}");
    assert_eq!(
        t.sim()
            .address_list()
            .iter()
            .filter(|e| e.address == sims[1].ip.to_string())
            .count(),
        1,
        "one status entry per address"
    );
}

#[tokio::test]
async fn roaming_host_rows_and_waiting_leases_are_cleaned_up() {
    use std::net::Ipv4Addr;
    let t = TestApp::new().await.with_router(2).await;
    let router = default_router(&t).await;
    let sims = t.sim().devices();
    let (roamer, plain) = (sims[0].mac.as_str(), sims[1].mac.as_str());
    t.sim()
        .exec(
            "/ip/hotspot/ip-binding/add",
            &[("mac-address", roamer), ("type", "bypassed")],
        )
        .unwrap();
    // Rows outside the hotspot ranges: one of a bypassed device seen inside, one of a
    // device that is not bypassed.
    let foreign = t
        .sim()
        .add_host(roamer, Ipv4Addr::new(10, 99, 0, 7))
        .unwrap();
    let kept = t
        .sim()
        .add_host(plain, Ipv4Addr::new(10, 99, 0, 8))
        .unwrap();
    let hosts_job = jobs::spec(t.config(), "stale-hotspot-hosts").expect("on by default");
    let s = run(&t, &hosts_job, Some(&router)).await;
    assert_eq!(s["removed"], serde_json::json!([]), "not idle yet: {s}");
    t.sim().tick(std::time::Duration::from_secs(3 * 3600));
    assert!(
        t.sim()
            .backdate_host(&foreign, std::time::Duration::from_secs(7200))
    );
    assert!(
        t.sim()
            .backdate_host(&kept, std::time::Duration::from_secs(7200))
    );
    let s = run(&t, &hosts_job, Some(&router)).await;
    assert_eq!(
        s["removed"],
        serde_json::json!([format!("{roamer}@10.99.0.7")]),
        "{s}"
    );
    let ids: Vec<String> = t.sim().hosts().into_iter().map(|h| h.id).collect();
    assert!(!ids.contains(&foreign) && ids.contains(&kept), "{ids:?}");
    assert!(
        t.sim().host(roamer).is_some(),
        "the row inside the ranges stays"
    );

    // Waiting leases: only ours (comment keyword), only when unseen long enough.
    let ip = sims[1].ip.to_string();
    t.sim().set_online(plain, false).unwrap();
    t.sim()
        .exec(
            "/ip/dhcp-server/lease/add",
            &[
                ("address", ip.as_str()),
                ("mac-address", plain),
                ("comment", "lpsaring|static-dhcp|uid=x"),
            ],
        )
        .unwrap();
    t.sim()
        .exec(
            "/ip/dhcp-server/lease/add",
            &[
                ("address", "172.16.9.9"),
                ("mac-address", "02:AA:00:00:00:01"),
                ("comment", "printer"),
            ],
        )
        .unwrap();
    let dhcp_job = jobs::spec(t.config(), "waiting-dhcp-leases").expect("registered");
    assert!(dhcp_job.when.is_none(), "off unless enabled");
    let s = run(&t, &dhcp_job, Some(&router)).await;
    assert_eq!(s["removed"], serde_json::json!([]), "never seen: {s}");
    // The device left the network: its static lease goes waiting on its own and ages with
    // the router's clock. The printer's lease is older than the simulator.
    let six_hours = std::time::Duration::from_secs(6 * 3600);
    t.sim().tick(six_hours - std::time::Duration::from_secs(60));
    t.sim().age_leases("02:AA:00:00:00:01", six_hours * 2);
    let s = run(&t, &dhcp_job, Some(&router)).await;
    assert_eq!(s["removed"], serde_json::json!([]), "seen 5h59m ago: {s}");
    t.sim().tick(std::time::Duration::from_secs(60));
    let s = run(&t, &dhcp_job, Some(&router)).await;
    assert_eq!(
        (s["removed"].clone(), s["arp_removed"].as_u64()),
        (serde_json::json!([format!("{plain}@{ip}")]), Some(1)),
        "{s}"
    );
    let leases = t.sim().leases();
    assert!(
        leases
            .iter()
            .all(|l| l.comment.as_deref() != Some("lpsaring|static-dhcp|uid=x"))
    );
    assert!(
        leases
            .iter()
            .any(|l| l.comment.as_deref() == Some("printer"))
    );
    assert!(
        t.sim()
            .rows("/ip/arp")
            .iter()
            .all(|r| r.get("address").as_deref() != Some(ip.as_str())),
        "the ARP row went with the lease"
    );
}

#[tokio::test]
async fn static_leases_follow_devices_when_enabled() {
    use saring_app::sync::{parity, quota::sync_router};
    let t = TestApp::with_env(&[
        ("MIKROTIK_DHCP_STATIC_LEASE_ENABLED", "true"),
        ("MIKROTIK_DHCP_LEASE_SERVER_NAME", "dhcp1"),
    ])
    .await
    .with_router(3)
    .await;
    let router = default_router(&t).await;
    let sims = t.sim().devices();
    // The operator pinned device 2's address to another machine.
    let taken = sims[2].ip.to_string();
    t.sim()
        .exec(
            "/ip/dhcp-server/lease/add",
            &[
                ("address", taken.as_str()),
                ("mac-address", "02:BB:00:00:00:01"),
                ("comment", "kasir"),
            ],
        )
        .unwrap();
    let mut people = Vec::new();
    for (i, d) in sims.iter().enumerate() {
        let u = user(&t, &format!("08123330008{i}"), ApprovalStatus::Approved).await;
        t.enroll_device(u.id, router.id, &d.mac, Some(d.ip.to_string()))
            .await;
        people.push(u);
    }
    let ours = |t: &TestApp| {
        let mut v: Vec<(String, String)> = t
            .sim()
            .leases()
            .into_iter()
            .filter(|l| {
                l.comment
                    .as_deref()
                    .is_some_and(|c| c.starts_with("lpsaring|static-dhcp|source="))
            })
            .map(|l| (l.mac_address, l.address))
            .collect();
        v.sort();
        v
    };
    let r = sync_router(&t, &router, None).await.unwrap();
    assert_eq!(r.router_failures, 0, "{r:?}");
    t.sim().tick(std::time::Duration::from_secs(1));
    let mut want = vec![
        (sims[0].mac.clone(), sims[0].ip.to_string()),
        (sims[1].mac.clone(), sims[1].ip.to_string()),
    ];
    want.sort();
    assert_eq!(ours(&t), want, "no lease over the operator's address");
    let lease0 = t
        .sim()
        .leases()
        .into_iter()
        .find(|l| l.mac_address == sims[0].mac && !l.dynamic)
        .unwrap();
    assert!(
        lease0
            .comment
            .as_deref()
            .unwrap()
            .contains(&format!("uid={}", people[0].id)),
        "{lease0:?}"
    );
    // Steady state: nothing written.
    t.sim().record(true);
    sync_router(&t, &router, None).await.unwrap();
    let writes = t.sim().recorded_writes().len();
    t.sim().record(false);
    assert_eq!(writes, 0);
    // A lease removed by hand is reported and repaired.
    t.sim().remove_item("/ip/dhcp-server/lease", &lease0.id);
    let r = parity::check(&t, &router, 0).await.unwrap();
    assert_eq!(r.summary.get("dhcp_lease_missing"), Some(&1), "{r:?}");
    let r = parity::check(&t, &router, 10).await.unwrap();
    assert_eq!(r.repaired_users, 1, "{r:?}");
    assert_eq!(ours(&t), want);
    // Taking a device off the router takes our lease with it, not the operator's.
    let rh = saring_app::router::RouterHandle::open(&t, router.clone()).unwrap();
    saring_app::router::remove_device(
        &t,
        &rh,
        &people[1],
        saring_domain::Mac::parse(&sims[1].mac).unwrap(),
        Some(sims[1].ip.into()),
    )
    .await
    .unwrap();
    assert_eq!(
        ours(&t),
        vec![(sims[0].mac.clone(), sims[0].ip.to_string())]
    );
    assert!(
        t.sim()
            .leases()
            .iter()
            .any(|l| l.comment.as_deref() == Some("kasir"))
    );
    // The per-user sync (login, purchase, admin change) puts it back.
    saring_app::router::user_sync::sync_user(&t, people[1].id)
        .await
        .unwrap();
    assert_eq!(ours(&t), want);
}

#[tokio::test]
async fn bindings_naming_an_account_enrol_its_devices() {
    use saring_store::repo::devices;
    let t = TestApp::with_env(&[("MAX_DEVICES_PER_USER", "1")])
        .await
        .with_router(3)
        .await;
    let router = default_router(&t).await;
    let sims = t.sim().devices();
    let budi = user(&t, "081233300091", ApprovalStatus::Approved).await;
    let pending = user(&t, "081233300092", ApprovalStatus::PendingApproval).await;
    let bind = |mac: &str, comment: String| {
        t.sim()
            .exec(
                "/ip/hotspot/ip-binding/add",
                &[
                    ("mac-address", mac),
                    ("type", "bypassed"),
                    ("comment", comment.as_str()),
                ],
            )
            .unwrap();
    };
    // As the reference wrote them; a second MAC of Budi's is over his one-device limit; a
    // pending account's binding and a phone-only comment enrol nothing.
    bind(
        &sims[0].mac,
        format!("authorized|user=081233300091|uid={}", budi.id),
    );
    bind(
        &sims[1].mac,
        format!("authorized|user=081233300092|uid={}", pending.id),
    );
    bind(&sims[2].mac, "authorized|user=081233300091".into());
    let r = saring_app::sync::quota::sync_router(&t, &router, None)
        .await
        .unwrap();
    assert_eq!(r.devices_enrolled, 1, "{r:?}");
    let mine = devices::list_for_user(t.db(), budi.id).await.unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].mac.to_string(), sims[0].mac);
    assert!(mine[0].is_authorized);
    assert_eq!(
        mine[0].ip_address.as_deref(),
        Some(sims[0].ip.to_string().as_str())
    );
    assert!(
        devices::list_for_user(t.db(), pending.id)
            .await
            .unwrap()
            .is_empty()
    );
    // Enrolled once: the next cycle finds the device and counts its traffic.
    t.sim().tick(std::time::Duration::from_secs(60));
    t.set_now(t.now() + Duration::seconds(60));
    let r = saring_app::sync::quota::sync_router(&t, &router, None)
        .await
        .unwrap();
    assert_eq!((r.devices_enrolled, r.users_credited), (0, 1), "{r:?}");

    // With a free slot, Budi's second binding (by id) is enrolled too.
    bind(&sims[2].mac, format!("authorized|uid={}", budi.id));
    devices::delete(t.db(), mine[0].id).await.unwrap();
    let r = saring_app::sync::quota::sync_router(&t, &router, None)
        .await
        .unwrap();
    assert_eq!(r.devices_enrolled, 1, "{r:?}");
}

#[test]
fn owner_ids_come_from_uid_tokens_or_legacy_user_ids() {
    use saring_app::router::plan::owner_id;
    let id = uuid::Uuid::new_v4();
    assert_eq!(
        owner_id(Some(&format!("authorized|user=0812|uid={id}|role=USER"))),
        Some(id)
    );
    assert_eq!(owner_id(Some(&format!("lpsaring user={id}"))), Some(id));
    assert_eq!(owner_id(Some("authorized|user=081233300091")), None);
    assert_eq!(owner_id(Some("uid=not-an-id")), None);
    assert_eq!(owner_id(None), None);
}

#[tokio::test]
async fn nightly_backups_are_pruned_and_copied_and_a_failed_copy_is_reported() {
    let copy = tempfile::tempdir().unwrap();
    let copy_dir = copy.path().join("usb");
    let t = TestApp::with_env(&[
        ("BACKUP_KEEP", "2"),
        ("BACKUP_COPY_DIR", copy_dir.to_str().unwrap()),
    ])
    .await;
    let spec = jobs::spec(t.config(), "backup").unwrap();
    let mut quiet = |_: saring_app::backups::Progress<'_>| {};
    let manual = saring_app::backups::create(
        &t,
        None,
        saring_domain::dto::backups::BackupKind::Manual,
        &mut quiet,
    )
    .await
    .unwrap();
    let mut made = Vec::new();
    for _ in 0..3 {
        t.clock.advance(Duration::days(1));
        let summary = run(&t, &spec, None).await;
        made.push(summary["file"]["name"].as_str().unwrap().to_owned());
    }
    let names = |dir: &std::path::Path| {
        let mut n: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        n.sort();
        n
    };
    // The two newest scheduled ones are kept in both places; the manual one is never pruned.
    let mut expected = vec![manual.file.name.clone(), made[1].clone(), made[2].clone()];
    expected.sort();
    assert_eq!(names(t.backup_dir.path()), expected);
    assert_eq!(names(&copy_dir), expected);

    // The copy directory goes away (a USB disk unplugged): the backup is still made, the job
    // fails so admins hear of it.
    std::fs::remove_dir_all(&copy_dir).unwrap();
    std::fs::write(&copy_dir, b"not a directory").unwrap();
    t.clock.advance(Duration::days(1));
    let outcome = jobs::run_recorded(&t, &spec, None, None).await;
    assert!(!outcome.ok);
    assert!(
        format!("{outcome:?}").contains("BACKUP_COPY_DIR"),
        "{outcome:?}"
    );
    assert_eq!(names(t.backup_dir.path()).len(), 3);
}
