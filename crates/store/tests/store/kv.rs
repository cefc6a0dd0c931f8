//! One KV test suite, run against the in-memory store (manual clock) and against Redis when
//! `TEST_REDIS_URL` is set (real time, short TTLs).

use std::sync::Arc;
use std::time::Duration;

use saring_store::kv::{KvError, KvStore, ManualClock, MemoryKv};
use saring_store::testing::{TEST_REDIS_URL, TestKv};

/// How the suite lets time pass.
enum Time {
    Manual(ManualClock),
    Real,
}

impl Time {
    async fn pass(&self, by: Duration) {
        match self {
            Self::Manual(clock) => clock.advance(by),
            Self::Real => tokio::time::sleep(by).await,
        }
    }
}

/// The time unit of the suite: TTLs are a few units, waits leave a unit or more of margin.
const U: Duration = Duration::from_millis(100);

fn units(n: u32) -> Duration {
    U * n
}

async fn kv_suite(kv: &KvStore, time: &Time) {
    get_set_del(kv).await;
    ttl_expiry(kv, time).await;
    set_nx(kv, time).await;
    get_del_single_use(kv).await;
    incr_window(kv, time).await;
    locks(kv, time).await;
    clear(kv).await;
}

async fn get_set_del(kv: &KvStore) {
    assert_eq!(kv.get("missing").await.unwrap(), None);
    kv.set("a", "1", None).await.unwrap();
    assert_eq!(kv.get("a").await.unwrap().as_deref(), Some("1"));
    kv.set("a", "2", None).await.unwrap();
    assert_eq!(kv.get("a").await.unwrap().as_deref(), Some("2"));
    assert_eq!(kv.ttl("a").await.unwrap(), None, "no TTL given");
    assert!(kv.del("a").await.unwrap());
    assert!(!kv.del("a").await.unwrap());
    assert_eq!(kv.get("a").await.unwrap(), None);
    kv.set("unicode", "kode OTP: 123456 ✓", None).await.unwrap();
    assert_eq!(
        kv.get("unicode").await.unwrap().as_deref(),
        Some("kode OTP: 123456 ✓")
    );
}

async fn ttl_expiry(kv: &KvStore, time: &Time) {
    kv.set("otp", "123456", Some(units(3))).await.unwrap();
    let ttl = kv.ttl("otp").await.unwrap().expect("has a TTL");
    assert!(ttl > Duration::ZERO && ttl <= units(3), "{ttl:?}");
    time.pass(units(1)).await;
    assert_eq!(kv.get("otp").await.unwrap().as_deref(), Some("123456"));
    time.pass(units(3)).await;
    assert_eq!(kv.get("otp").await.unwrap(), None);
    assert_eq!(kv.ttl("otp").await.unwrap(), None);
    assert!(!kv.del("otp").await.unwrap(), "an expired key is gone");

    // A plain SET drops the TTL, as in Redis.
    kv.set("k", "v", Some(units(3))).await.unwrap();
    kv.set("k", "v", None).await.unwrap();
    assert_eq!(kv.ttl("k").await.unwrap(), None);
    time.pass(units(4)).await;
    assert_eq!(kv.get("k").await.unwrap().as_deref(), Some("v"));
}

async fn set_nx(kv: &KvStore, time: &Time) {
    assert!(kv.set_nx("dedupe", "first", Some(units(3))).await.unwrap());
    assert!(!kv.set_nx("dedupe", "second", Some(units(3))).await.unwrap());
    assert_eq!(kv.get("dedupe").await.unwrap().as_deref(), Some("first"));
    time.pass(units(4)).await;
    assert!(
        kv.set_nx("dedupe", "third", None).await.unwrap(),
        "free after expiry"
    );
    assert_eq!(kv.get("dedupe").await.unwrap().as_deref(), Some("third"));
    assert_eq!(kv.ttl("dedupe").await.unwrap(), None);
}

async fn get_del_single_use(kv: &KvStore) {
    kv.set("session", "token", Some(Duration::from_secs(60)))
        .await
        .unwrap();
    assert_eq!(
        kv.get_del("session").await.unwrap().as_deref(),
        Some("token")
    );
    assert_eq!(kv.get_del("session").await.unwrap(), None);
    assert_eq!(kv.get("session").await.unwrap(), None);

    // Many concurrent takers: exactly one wins.
    kv.set("otp-race", "654321", Some(Duration::from_secs(60)))
        .await
        .unwrap();
    let takers = (0..8).map(|_| {
        let kv = kv.clone();
        tokio::spawn(async move { kv.get_del("otp-race").await.unwrap() })
    });
    let mut winners = 0;
    for taker in takers.collect::<Vec<_>>() {
        if taker.await.unwrap().is_some() {
            winners += 1;
        }
    }
    assert_eq!(winners, 1);
}

async fn incr_window(kv: &KvStore, time: &Time) {
    let window = units(4);
    assert_eq!(kv.incr_window("rl", window).await.unwrap(), 1);
    let first_ttl = kv.ttl("rl").await.unwrap().expect("window set on creation");
    assert!(first_ttl <= window);
    time.pass(units(1)).await;
    assert_eq!(kv.incr_window("rl", window).await.unwrap(), 2);
    assert_eq!(kv.incr_window("rl", window).await.unwrap(), 3);
    let later_ttl = kv.ttl("rl").await.unwrap().expect("still has its window");
    assert!(
        later_ttl < first_ttl,
        "fixed window: increments do not extend it ({later_ttl:?} vs {first_ttl:?})"
    );
    time.pass(units(4)).await;
    assert_eq!(kv.incr_window("rl", window).await.unwrap(), 1, "new window");

    // A counter left without expiry gets one.
    kv.set("rl-legacy", "5", None).await.unwrap();
    assert_eq!(kv.incr_window("rl-legacy", window).await.unwrap(), 6);
    assert!(kv.ttl("rl-legacy").await.unwrap().is_some());

    // Incrementing text is a command error, not a silent reset.
    kv.set("not-a-number", "abc", None).await.unwrap();
    assert!(matches!(
        kv.incr_window("not-a-number", window).await,
        Err(KvError::Command(_))
    ));
}

async fn locks(kv: &KvStore, time: &Time) {
    let ttl = units(4);
    let token = kv.lock("job", ttl).await.unwrap().expect("free lock");
    assert!(kv.lock("job", ttl).await.unwrap().is_none(), "held");

    // Only the holder can release or extend.
    let stranger = kv.lock("other", ttl).await.unwrap().expect("other lock");
    assert!(!kv.unlock("job", &stranger).await.unwrap());
    assert!(!kv.extend("job", &stranger, ttl).await.unwrap());
    assert!(kv.lock("job", ttl).await.unwrap().is_none(), "still held");
    assert!(kv.unlock("job", &token).await.unwrap());
    assert!(!kv.unlock("job", &token).await.unwrap(), "already released");

    // A heartbeat keeps the lease alive past its first TTL.
    let token = kv.lock("job", ttl).await.unwrap().expect("free again");
    time.pass(units(3)).await;
    assert!(kv.extend("job", &token, ttl).await.unwrap());
    time.pass(units(3)).await;
    assert!(
        kv.lock("job", ttl).await.unwrap().is_none(),
        "extended lease holds"
    );

    // Without a heartbeat the lease runs out and the old token is worthless.
    time.pass(units(2)).await;
    assert!(!kv.extend("job", &token, ttl).await.unwrap());
    assert!(!kv.unlock("job", &token).await.unwrap());
    let next = kv
        .lock("job", ttl)
        .await
        .unwrap()
        .expect("expired lock is free");
    assert_ne!(next, token);
    assert!(
        !kv.unlock("job", &token).await.unwrap(),
        "old token cannot free the new lock"
    );
    assert!(kv.unlock("job", &next).await.unwrap());
}

async fn clear(kv: &KvStore) {
    kv.set("x1", "1", None).await.unwrap();
    kv.set("x2", "2", Some(Duration::from_secs(60)))
        .await
        .unwrap();
    assert!(kv.clear().await.unwrap() >= 2);
    assert_eq!(kv.get("x1").await.unwrap(), None);
    assert_eq!(kv.get("x2").await.unwrap(), None);
}

#[tokio::test]
async fn memory_store_passes_the_suite() {
    let clock = ManualClock::new();
    let kv = KvStore::Memory(MemoryKv::with_clock(Arc::new(clock.clone())));
    kv_suite(&kv, &Time::Manual(clock)).await;
}

#[tokio::test]
async fn redis_store_passes_the_suite() {
    if std::env::var(TEST_REDIS_URL).is_err() {
        eprintln!("skipped: {TEST_REDIS_URL} not set");
        return;
    }
    let kv = TestKv::new().await;
    assert!(kv.is_redis());
    kv_suite(&kv, &Time::Real).await;
    kv.cleanup().await.unwrap();
}

#[tokio::test]
async fn test_kv_keys_are_isolated() {
    let a = TestKv::new().await;
    let b = TestKv::new().await;
    a.set("shared-name", "a", None).await.unwrap();
    assert_eq!(b.get("shared-name").await.unwrap(), None);
    b.cleanup().await.unwrap();
    assert_eq!(a.get("shared-name").await.unwrap().as_deref(), Some("a"));
    a.cleanup().await.unwrap();
}

#[tokio::test]
async fn memory_store_sweeps_expired_keys() {
    let clock = ManualClock::new();
    let memory = MemoryKv::with_clock(Arc::new(clock.clone()));
    let kv = KvStore::Memory(memory.clone());
    for i in 0..2000 {
        kv.set(&format!("k{i}"), "v", Some(units(1))).await.unwrap();
    }
    clock.advance(units(2));
    // Keys that are never read again still go away.
    for _ in 0..1100 {
        kv.get("unrelated").await.unwrap();
    }
    assert_eq!(memory.raw_len(), 0);
}

#[tokio::test]
async fn memory_store_can_simulate_an_outage() {
    let memory = MemoryKv::new();
    let kv = KvStore::Memory(memory.clone());
    kv.set("k", "v", None).await.unwrap();
    memory.set_unavailable(true);
    assert!(matches!(kv.get("k").await, Err(KvError::Unavailable(_))));
    assert!(matches!(
        kv.lock("l", U).await,
        Err(KvError::Unavailable(_))
    ));
    memory.set_unavailable(false);
    assert_eq!(kv.get("k").await.unwrap().as_deref(), Some("v"));
}

#[tokio::test]
async fn unreachable_redis_is_unavailable_not_a_hang() {
    let kv = KvStore::redis("redis://127.0.0.1:1/", "saring-test:").unwrap();
    let started = std::time::Instant::now();
    assert!(matches!(kv.get("k").await, Err(KvError::Unavailable(_))));
    assert!(matches!(kv.ping().await, Err(KvError::Unavailable(_))));
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[test]
fn malformed_redis_url_is_a_config_error() {
    assert!(matches!(
        KvStore::redis("http://not-redis", "p:"),
        Err(KvError::Config(_))
    ));
}

#[test]
fn redis_debug_hides_the_url() {
    let kv = KvStore::redis("redis://:hunter2@127.0.0.1:1/", "p:").unwrap();
    assert!(!format!("{kv:?}").contains("hunter2"));
}
