//! `cargo bench -p saring-routeros --bench routeros` (or `cargo xtask bench routeros`):
//! the client against the in-process simulator over loopback.
//!
//! 1. print of 10,000 `/ip/hotspot/host` rows (raw rows, and typed with `.proplist`);
//! 2. 10,000 address-list adds one at a time vs pipelined with tags on one connection.
//!
//! Targets: 10k-host print < 150 ms; pipelined adds ≥ 10× faster than sequential.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::net::Ipv4Addr;
use std::time::{Duration, Instant};

use futures::StreamExt;
use saring_routeros::sim::Simulator;
use saring_routeros::{Api, Command, ConnectOptions, Connection};

const HOSTS: usize = 10_000;
const ADDS: usize = 10_000;
const PRINT_RUNS: usize = 15;
const PIPELINE_WINDOW: usize = 1_000;
const SEQUENTIAL_RUNS: usize = 3;
const PIPELINED_RUNS: usize = 5;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Adds one entry per address to `list`, one at a time or pipelined; returns the time.
async fn adds(conn: &Connection, list: &str, addresses: &[String], pipelined: bool) -> Duration {
    let menu = "/ip/firewall/address-list";
    let started = Instant::now();
    if pipelined {
        let results: Vec<_> = futures::stream::iter(addresses)
            .map(|a| async move { conn.add(menu, &[("list", list), ("address", a)]).await })
            .buffer_unordered(PIPELINE_WINDOW)
            .collect()
            .await;
        assert!(results.iter().all(Result::is_ok), "pipelined add failed");
    } else {
        for a in addresses {
            conn.add(menu, &[("list", list), ("address", a)])
                .await
                .expect("sequential add");
        }
    }
    started.elapsed()
}

/// Median of `runs` runs of `adds` (a fresh list each run).
async fn adds_median(
    conn: &Connection,
    addresses: &[String],
    pipelined: bool,
    runs: usize,
) -> Duration {
    let mut samples = Vec::new();
    for run in 0..runs {
        let list = format!(
            "bench-{}-{run}",
            if pipelined { "pipelined" } else { "sequential" }
        );
        samples.push(adds(conn, &list, addresses, pipelined).await);
    }
    median(samples)
}

async fn run() {
    let sim = Simulator::builder()
        .user("bench", "bench")
        .hosts(HOSTS)
        .cidr(Ipv4Addr::new(10, 100, 0, 0), 18)
        .seed(1)
        .build()
        .start("127.0.0.1:0")
        .await
        .expect("start simulator");
    sim.tick(Duration::from_secs(600));
    let options = ConnectOptions::for_addr(sim.addr(), "bench", "bench")
        .command_timeout(Duration::from_secs(60));
    let conn = Connection::connect(&options).await.expect("connect");

    let addresses: Vec<String> = (0..ADDS)
        .map(|i| Ipv4Addr::from(0x0A00_0000 + u32::try_from(i).unwrap_or(0)).to_string())
        .collect();
    if let Ok(only) = std::env::var("ROUTEROS_BENCH_ONLY") {
        // For profiling one path alone: `adds` or `pipelined`.
        if only == "adds" {
            println!(
                "sequential {:.1} ms",
                ms(adds_median(&conn, &addresses, false, 1).await)
            );
        }
        println!(
            "pipelined {:.1} ms",
            ms(adds_median(&conn, &addresses, true, 5).await)
        );
        return;
    }
    // Warm up.
    assert_eq!(
        conn.print(Command::print("/ip/hotspot/host"))
            .await
            .expect("print")
            .len(),
        HOSTS
    );

    let mut raw = Vec::new();
    let mut typed = Vec::new();
    for _ in 0..PRINT_RUNS {
        let t = Instant::now();
        let rows = conn
            .print(Command::print("/ip/hotspot/host"))
            .await
            .expect("print");
        raw.push(t.elapsed());
        assert_eq!(rows.len(), HOSTS);
        let t = Instant::now();
        let hosts = conn.hotspot_hosts().await.expect("typed print");
        typed.push(t.elapsed());
        assert_eq!(hosts.len(), HOSTS);
    }
    let (raw_best, typed_best) = (
        *raw.iter().min().unwrap_or(&Duration::ZERO),
        *typed.iter().min().unwrap_or(&Duration::ZERO),
    );
    let (raw_med, typed_med) = (median(raw), median(typed));

    let sequential = adds_median(&conn, &addresses, false, SEQUENTIAL_RUNS).await;
    let pipelined = adds_median(&conn, &addresses, true, PIPELINED_RUNS).await;
    assert_eq!(
        conn.count("/ip/firewall/address-list", &[])
            .await
            .expect("count"),
        ((SEQUENTIAL_RUNS + PIPELINED_RUNS) * ADDS) as u64
    );
    let ratio = sequential.as_secs_f64() / pipelined.as_secs_f64().max(1e-9);

    println!();
    println!("saring-routeros benchmark (client ↔ simulator over loopback, one connection)");
    println!("{:-<84}", "");
    println!("{:<52} {:>14} {:>14}", "measurement", "median", "best");
    println!(
        "{:<52} {:>11.1} ms {:>11.1} ms",
        format!("print {HOSTS} hosts, all properties"),
        ms(raw_med),
        ms(raw_best)
    );
    println!(
        "{:<52} {:>11.1} ms {:>11.1} ms",
        format!("print {HOSTS} hosts, typed + .proplist"),
        ms(typed_med),
        ms(typed_best)
    );
    println!(
        "{:<52} {:>11.1} ms {:>14}",
        format!("{ADDS} address-list adds, sequential (median of {SEQUENTIAL_RUNS})"),
        ms(sequential),
        ""
    );
    println!(
        "{:<52} {:>11.1} ms {:>14}",
        format!("{ADDS} address-list adds, pipelined (median of {PIPELINED_RUNS})"),
        ms(pipelined),
        ""
    );
    println!("{:-<84}", "");
    println!("pipelined vs sequential: {ratio:.1}x faster (target >= 10x)");
    println!(
        "10k-host print median {:.1} ms (target < 150 ms): {}",
        ms(raw_med),
        if raw_med < Duration::from_millis(150) {
            "OK"
        } else {
            "MISSED"
        }
    );
    println!(
        "sequential {:.0} adds/s, pipelined {:.0} adds/s",
        ADDS as f64 / sequential.as_secs_f64(),
        ADDS as f64 / pipelined.as_secs_f64()
    );
}

fn main() {
    // Benches run with `--bench`; `cargo test --benches` passes nothing and we still
    // want a quick smoke run there, so always run.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    runtime.block_on(run());
}
