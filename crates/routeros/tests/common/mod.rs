//! Shared helpers: start a simulator and connect to it.
#![allow(dead_code, clippy::expect_used, clippy::unwrap_used)]

use saring_routeros::sim::{SimHandle, Simulator, SimulatorBuilder};
use saring_routeros::{ConnectOptions, Connection};
use std::time::Duration;

pub const USER: &str = "admin";
pub const PASSWORD: &str = "s3cret";

pub fn builder() -> SimulatorBuilder {
    Simulator::builder().user(USER, PASSWORD)
}

pub async fn start(builder: SimulatorBuilder) -> SimHandle {
    builder
        .build()
        .start("127.0.0.1:0")
        .await
        .expect("bind simulator")
}

pub fn options(sim: &SimHandle) -> ConnectOptions {
    ConnectOptions::for_addr(sim.addr(), USER, PASSWORD)
        .connect_timeout(Duration::from_secs(5))
        .command_timeout(Duration::from_secs(5))
}

pub async fn connect(sim: &SimHandle) -> Connection {
    Connection::connect(&options(sim))
        .await
        .expect("connect to simulator")
}

/// A simulator with `hosts` devices and a logged-in connection.
pub async fn setup(hosts: usize) -> (SimHandle, Connection) {
    let sim = start(builder().hosts(hosts)).await;
    let conn = connect(&sim).await;
    (sim, conn)
}
