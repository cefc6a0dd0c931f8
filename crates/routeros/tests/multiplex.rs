//! Tagged multiplexing, /cancel, timeouts and every failure path of a connection.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use common::*;
use futures::future::join_all;
use saring_routeros::sim::Malformed;
use saring_routeros::{Api, Command, Error, Pool, PoolConfig};

#[tokio::test]
async fn many_commands_in_flight_on_one_connection() {
    let (sim, conn) = setup(20).await;
    let futures = (0..500).map(|i| {
        let conn = conn.clone();
        async move {
            let cmd = Command::print("/ip/hotspot/host")
                .proplist(&[".id"])
                .query("address", format!("172.16.2.{}", 10 + i % 20));
            conn.print(cmd).await
        }
    });
    let results = join_all(futures).await;
    assert!(
        results
            .iter()
            .all(|r| r.as_ref().is_ok_and(|rows| rows.len() == 1))
    );
    assert_eq!(sim.sessions(), 1);
    assert_eq!(conn.in_flight(), 0);
}

#[tokio::test]
async fn replies_interleave_by_tag() {
    let (sim, conn) = setup(3).await;
    sim.delay_command("/system/resource", Duration::from_millis(300));
    let started = Instant::now();
    let slow = conn.start(&Command::print("/system/resource")).unwrap();
    // Fast commands sent after the slow one finish first.
    let mut fast_done = Vec::new();
    for _ in 0..10 {
        conn.identity().await.unwrap();
        fast_done.push(started.elapsed());
    }
    let resource = slow.wait().await.unwrap();
    let slow_done = started.elapsed();
    assert_eq!(resource.rows.len(), 1);
    assert!(
        fast_done.iter().all(|t| *t < slow_done),
        "{fast_done:?} vs {slow_done:?}"
    );
    assert!(slow_done >= Duration::from_millis(300));
}

#[tokio::test]
async fn cancel_interrupts_a_running_command() {
    let (sim, conn) = setup(1).await;
    sim.delay_command("/ip/hotspot/host/print", Duration::from_secs(30));
    let flight = conn.start(&Command::print("/ip/hotspot/host")).unwrap();
    let tag = flight.tag();
    conn.cancel(tag).await.unwrap();
    assert!(matches!(flight.wait().await, Err(Error::Cancelled)));
    assert!(conn.ping().await.is_ok());
}

#[tokio::test]
async fn per_command_timeout_leaves_connection_usable() {
    let (sim, conn) = setup(1).await;
    sim.delay_command("/ip/arp/print", Duration::from_secs(30));
    let err = conn
        .execute_timeout(&Command::print("/ip/arp"), Duration::from_millis(100))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout(_)));
    assert!(err.is_transient());
    assert!(conn.is_alive());
    assert_eq!(conn.identity().await.unwrap(), "saring-sim");
    assert_eq!(conn.in_flight(), 0);
}

#[tokio::test]
async fn router_gone_mid_command_fails_every_pending_command() {
    let (sim, conn) = setup(1).await;
    sim.delay_replies(Duration::from_secs(30));
    let flights: Vec<_> = (0..10)
        .map(|_| conn.start(&Command::print("/ip/arp")).unwrap())
        .collect();
    tokio::time::sleep(Duration::from_millis(50)).await;
    sim.drop_connections();
    for flight in flights {
        assert!(matches!(flight.wait().await, Err(Error::ConnectionClosed)));
    }
    assert!(!conn.is_alive());
    assert!(matches!(
        conn.identity().await,
        Err(Error::ConnectionClosed)
    ));
}

#[tokio::test]
async fn drop_on_nth_command() {
    let (sim, conn) = setup(1).await;
    sim.drop_on_nth_command(2);
    conn.identity().await.unwrap();
    assert!(matches!(
        conn.identity().await,
        Err(Error::ConnectionClosed)
    ));
}

#[tokio::test]
async fn malformed_replies_are_protocol_errors_and_kill_the_connection() {
    for kind in [
        Malformed::UnknownReplyWord,
        Malformed::GarbageWord,
        Malformed::ControlByte,
    ] {
        let (sim, conn) = setup(1).await;
        sim.delay_command("/ip/arp", Duration::from_secs(30));
        let pending = conn.start(&Command::print("/ip/arp")).unwrap();
        while sim.command_count() < 1 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        sim.malformed_next_reply(kind);
        let err = conn.identity().await.unwrap_err();
        assert!(matches!(err, Error::Protocol(_)), "{kind:?}: {err:?}");
        assert!(
            matches!(pending.wait().await, Err(Error::Protocol(_))),
            "{kind:?}"
        );
        assert!(!conn.is_alive(), "{kind:?}");
    }
}

#[tokio::test]
async fn fail_nth_command_traps() {
    let (sim, conn) = setup(1).await;
    sim.fail_nth_command(2, "failure: simulated");
    conn.identity().await.unwrap();
    let err = conn.identity().await.unwrap_err();
    assert_eq!(err.trap_message(), Some("failure: simulated"));
    conn.identity().await.unwrap();
}

#[tokio::test]
async fn pool_reconnects_after_drop() {
    let sim = start(builder().hosts(3)).await;
    let config = PoolConfig {
        health_interval: None,
        ..PoolConfig::default()
    };
    let pool = Pool::new(options(&sim), config);
    assert_eq!(pool.hotspot_hosts().await.unwrap().len(), 3);
    assert_eq!(pool.live_connections(), 1);
    sim.drop_connections();
    // Until the reader notices the close, a command may still fail; after that the
    // pool connects again by itself.
    let mut ok = false;
    for _ in 0..50 {
        if pool.identity().await.is_ok() {
            ok = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(ok, "pool did not reconnect");
    assert_eq!(pool.live_connections(), 1);
}

#[tokio::test]
async fn pool_backs_off_and_health_check_drops_dead_connections() {
    let sim = start(builder()).await;
    let addr = sim.addr();
    let config = PoolConfig {
        health_interval: None,
        backoff_initial: Duration::from_millis(200),
        ..PoolConfig::default()
    };
    let pool = Pool::new(options(&sim), config);
    assert_eq!(pool.health_check().await, 0);
    pool.identity().await.unwrap();
    assert_eq!(pool.health_check().await, 1);
    drop(sim);
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(pool.health_check().await, 0);
    // Router down: the first connect fails for real, the next ones fail fast.
    let first = pool.identity().await.unwrap_err();
    assert!(matches!(first, Error::Io(_)), "{first:?}");
    let second = pool.identity().await.unwrap_err();
    assert!(matches!(second, Error::Unavailable { .. }), "{second:?}");
    assert!(second.is_transient());
    // Router back on the same port: after the backoff the pool connects again.
    let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
    let _sim = builder().build().serve(listener).unwrap();
    tokio::time::sleep(Duration::from_millis(250)).await;
    pool.identity().await.unwrap();
}

#[tokio::test]
async fn pool_bounds_concurrency() {
    let (sim, _conn) = setup(0).await;
    sim.delay_command("/system/identity", Duration::from_millis(100));
    let config = PoolConfig {
        health_interval: None,
        max_in_flight: 2,
        ..PoolConfig::default()
    };
    let pool = Pool::new(options(&sim), config);
    pool.resource().await.unwrap();
    let started = Instant::now();
    let results = join_all((0..6).map(|_| pool.identity())).await;
    assert!(results.iter().all(Result::is_ok));
    // 6 commands, 2 at a time, 100 ms each: at least 300 ms.
    assert!(
        started.elapsed() >= Duration::from_millis(290),
        "{:?}",
        started.elapsed()
    );
}
