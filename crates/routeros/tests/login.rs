//! Login paths against the simulator: modern, legacy MD5 challenge, wrong password,
//! unreachable router, commands before login, /quit.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::*;
use saring_routeros::{Api, Command, ConnectOptions, Connection, Error, LoginMethod};

#[tokio::test]
async fn modern_login_and_identity() {
    let sim = start(builder().identity("hq-router")).await;
    let conn = connect(&sim).await;
    assert_eq!(conn.identity().await.unwrap(), "hq-router");
    assert!(conn.ping().await.unwrap() < Duration::from_secs(1));
}

#[tokio::test]
async fn wrong_password_is_a_typed_login_error() {
    let sim = start(builder()).await;
    let mut options = options(&sim);
    options.password = "wrong".into();
    match Connection::connect(&options).await {
        Err(Error::Login { message }) => assert_eq!(message, "invalid user name or password (6)"),
        other => panic!("expected Login error, got {other:?}"),
    }
    options.username = "nobody".into();
    let err = Connection::connect(&options).await.unwrap_err();
    assert!(matches!(err, Error::Login { .. }));
    assert!(!err.is_transient());
}

#[tokio::test]
async fn legacy_challenge_login() {
    let sim = start(builder().legacy_login(true)).await;
    // Auto: sends the modern form, gets a challenge, answers it.
    let conn = connect(&sim).await;
    assert_eq!(conn.identity().await.unwrap(), "saring-sim");
    // Legacy only.
    let conn = Connection::connect(&options(&sim).login_method(LoginMethod::Legacy))
        .await
        .unwrap();
    assert!(conn.ping().await.is_ok());
    // Wrong password with the challenge.
    let mut bad = options(&sim);
    bad.password = "nope".into();
    assert!(matches!(
        Connection::connect(&bad).await,
        Err(Error::Login { .. })
    ));
}

#[tokio::test]
async fn unreachable_router_is_io_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let options = ConnectOptions::for_addr(addr, "a", "b").connect_timeout(Duration::from_secs(2));
    let err = Connection::connect(&options).await.unwrap_err();
    assert!(matches!(err, Error::Io(_)), "{err:?}");
    assert!(err.is_transient());
}

#[tokio::test]
async fn silent_router_times_out_on_connect() {
    // A TCP server that accepts and never answers.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        let (_sock, _) = listener.accept().await.unwrap();
        tokio::time::sleep(Duration::from_secs(10)).await;
    });
    let options =
        ConnectOptions::for_addr(addr, "a", "b").connect_timeout(Duration::from_millis(300));
    assert!(matches!(
        Connection::connect(&options).await,
        Err(Error::Timeout(_))
    ));
    server.abort();
}

#[tokio::test]
async fn command_before_login_gets_fatal() {
    let sim = start(builder()).await;
    let stream = tokio::net::TcpStream::connect(sim.addr()).await.unwrap();
    let conn = Connection::from_stream(stream, sim.addr().to_string(), Duration::from_secs(5));
    match conn.execute(&Command::print("/ip/arp")).await {
        Err(Error::Fatal { reason }) => assert_eq!(reason, "not logged in"),
        other => panic!("expected fatal, got {other:?}"),
    }
    assert!(!conn.is_alive());
}

#[tokio::test]
async fn quit_closes_the_session() {
    let (sim, conn) = setup(0).await;
    assert_eq!(sim.sessions(), 1);
    conn.close().await;
    assert!(!conn.is_alive());
    assert!(matches!(
        conn.identity().await,
        Err(Error::ConnectionClosed | Error::Fatal { .. })
    ));
    for _ in 0..100 {
        if sim.sessions() == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("session still open");
}
