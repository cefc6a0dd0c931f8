//! The simulator's hotspot model seen through the client: devices, traffic, bindings,
//! host recreation, reboot, and the bytes-lost report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::net::Ipv4Addr;
use std::time::Duration;

use common::*;
use saring_routeros::{Api, Command, Connection, Error};

#[tokio::test]
async fn generated_devices_are_in_the_cidr_and_some_randomized() {
    let (sim, conn) = setup(200).await;
    let hosts = conn.hotspot_hosts().await.unwrap();
    assert_eq!(hosts.len(), 200);
    for h in &hosts {
        let ip: Ipv4Addr = h.address.as_deref().unwrap().parse().unwrap();
        assert_eq!(ip.octets()[..2], [172, 16]);
        assert!(matches!(ip.octets()[2], 2 | 3), "{ip}");
        assert_eq!(h.bytes_in + h.bytes_out, 0);
    }
    let randomized = sim.devices().iter().filter(|d| d.randomized).count();
    assert!((30..=90).contains(&randomized), "{randomized} of 200");
    for d in sim.devices().iter().filter(|d| d.randomized) {
        assert!(
            matches!(d.mac.as_bytes()[1], b'2' | b'6' | b'A' | b'E'),
            "{}",
            d.mac
        );
    }
}

#[tokio::test]
async fn same_seed_same_world() {
    let a = start(builder().hosts(20).seed(9)).await;
    let b = start(builder().hosts(20).seed(9)).await;
    a.tick(Duration::from_secs(60));
    b.tick(Duration::from_secs(60));
    assert_eq!(a.hosts(), b.hosts());
}

#[tokio::test]
async fn traffic_grows_and_bypass_speeds_it_up() {
    let (sim, conn) = setup(2).await;
    let mac = sim.devices()[0].mac.clone();
    sim.tick(Duration::from_secs(60));
    let before = sim.host(&mac).unwrap();
    assert!(
        before.total_bytes() > 0,
        "unauthorized hosts still talk to the walled garden"
    );
    assert_eq!(before.uptime, Duration::from_secs(60));
    conn.add(
        "/ip/hotspot/ip-binding",
        &[("mac-address", &mac), ("type", "bypassed")],
    )
    .await
    .unwrap();
    sim.tick(Duration::from_secs(60));
    let after = sim.host(&mac).unwrap();
    assert!(after.bypassed);
    assert_eq!(after.id, before.id, "binding does not recreate the row");
    assert!(after.total_bytes() - before.total_bytes() > 5 * before.total_bytes());
}

#[tokio::test]
async fn blocked_binding_drops_host_and_traffic() {
    let (sim, conn) = setup(2).await;
    let mac = sim.devices()[0].mac.clone();
    let id = conn
        .add(
            "/ip/hotspot/ip-binding",
            &[("mac-address", &mac), ("type", "blocked")],
        )
        .await
        .unwrap();
    assert!(sim.host(&mac).is_none());
    sim.tick(Duration::from_secs(60));
    assert_eq!(conn.hotspot_hosts().await.unwrap().len(), 1);
    conn.remove("/ip/hotspot/ip-binding", &[&id]).await.unwrap();
    let back = sim.host(&mac).unwrap();
    assert_eq!(back.total_bytes(), 0);
}

#[tokio::test]
async fn recreated_host_has_new_id_and_zero_counters() {
    let (sim, conn) = setup(3).await;
    let mac = sim.devices()[1].mac.clone();
    sim.tick(Duration::from_secs(120));
    let read = conn
        .hotspot_hosts()
        .await
        .unwrap()
        .into_iter()
        .find(|h| h.mac_address == mac)
        .unwrap();
    sim.tick(Duration::from_secs(60));
    let unread = sim.host(&mac).unwrap().total_bytes() - read.total_bytes();
    let new_id = sim.recreate_host(&mac).unwrap().unwrap();
    let host = sim.host(&mac).unwrap();
    assert_ne!(host.id, read.id);
    assert_eq!(host.id, new_id);
    assert_eq!(host.total_bytes(), 0);
    assert_eq!(host.uptime, Duration::ZERO);
    // Exactly what happened after the last read is reported lost.
    assert_eq!(sim.bytes_lost_for(&mac), unread);
    assert_eq!(sim.bytes_lost_to_resets(), unread);
}

#[tokio::test]
async fn reboot_resets_counters_ids_and_drops_connections() {
    let (sim, conn) = setup(5).await;
    conn.add(
        "/ip/firewall/address-list",
        &[("list", "tmp"), ("address", "10.0.0.1"), ("timeout", "1h")],
    )
    .await
    .unwrap();
    conn.add(
        "/ip/firewall/address-list",
        &[("list", "keep"), ("address", "10.0.0.2")],
    )
    .await
    .unwrap();
    sim.tick(Duration::from_secs(300));
    let before = conn.hotspot_hosts().await.unwrap();
    sim.reboot();
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(matches!(
        conn.identity().await,
        Err(Error::ConnectionClosed)
    ));
    let conn = Connection::connect(&options(&sim)).await.unwrap();
    let after = conn.hotspot_hosts().await.unwrap();
    assert_eq!(after.len(), before.len());
    for h in &after {
        assert_eq!(h.total_bytes(), 0);
        assert!(before.iter().all(|b| b.id != h.id), "ids are new");
    }
    let lists = conn.address_list(None, None).await.unwrap();
    assert_eq!(lists.len(), 1);
    assert_eq!(lists[0].list, "keep");
    assert_eq!(conn.resource().await.unwrap().uptime, Duration::ZERO);
    assert_eq!(
        sim.bytes_lost_to_resets(),
        0,
        "everything was read right before the reboot"
    );
}

#[tokio::test]
async fn duplicate_rows_and_offline_devices() {
    let (sim, conn) = setup(1).await;
    let mac = sim.devices()[0].mac.clone();
    sim.add_host(&mac, Ipv4Addr::new(100, 64, 1, 7)).unwrap();
    let rows: Vec<_> = conn
        .print(Command::print("/ip/hotspot/host").query("mac-address", &mac))
        .await
        .unwrap();
    assert_eq!(rows.len(), 2);
    let new_id = sim
        .add_host("02:00:00:00:00:01", Ipv4Addr::new(172, 16, 3, 200))
        .unwrap();
    assert!(
        conn.hotspot_hosts()
            .await
            .unwrap()
            .iter()
            .any(|h| h.id == new_id)
    );
    sim.set_online("02:00:00:00:00:01", false).unwrap();
    sim.tick(Duration::from_secs(301));
    assert!(
        conn.hotspot_hosts()
            .await
            .unwrap()
            .iter()
            .all(|h| h.id != new_id),
        "idle host removed"
    );
    sim.set_online("02:00:00:00:00:01", true).unwrap();
    assert_eq!(conn.hotspot_hosts().await.unwrap().len(), 3);
}

#[tokio::test]
async fn recording_masks_passwords() {
    let (sim, conn) = setup(0).await;
    sim.record(true);
    conn.identity().await.unwrap();
    drop(conn);
    let _ = connect(&sim).await;
    let log = sim.recorded();
    assert!(log.iter().any(|s| s[0] == "/system/identity/print"));
    assert!(log.iter().any(|s| s.contains(&"=password=***".to_owned())));
}

#[tokio::test]
async fn a_removed_host_row_comes_back_on_the_next_packet() {
    let (sim, conn) = setup(3).await;
    sim.tick(Duration::from_secs(30));
    let macs: Vec<String> = sim.devices().iter().map(|d| d.mac.clone()).collect();
    let old = sim.host(&macs[0]).unwrap();
    assert!(old.total_bytes() > 0);
    // A client (a sync re-evaluating a binding, an operator) removes two rows; one of the
    // devices is blocked by a binding meanwhile.
    conn.add(
        "/ip/hotspot/ip-binding",
        &[("mac-address", macs[1].as_str()), ("type", "blocked")],
    )
    .await
    .unwrap();
    conn.remove("/ip/hotspot/host", &[old.id.as_str()])
        .await
        .unwrap();
    assert!(sim.host(&macs[0]).is_none() && sim.host(&macs[1]).is_none());
    // Nobody asks for it: the device's next traffic makes a new row, new id, counted from zero.
    sim.tick(Duration::from_secs(1));
    let back = sim.host(&macs[0]).expect("the row came back by itself");
    assert_ne!(back.id, old.id);
    assert!(back.total_bytes() < old.total_bytes());
    assert!(sim.host(&macs[1]).is_none(), "a blocked device stays out");
    // An offline device does not come back.
    sim.set_online(&macs[2], false).unwrap();
    let gone = sim.host(&macs[2]).unwrap();
    conn.remove("/ip/hotspot/host", &[gone.id.as_str()])
        .await
        .unwrap();
    sim.tick(Duration::from_secs(60));
    assert!(sim.host(&macs[2]).is_none());
}

#[tokio::test]
async fn a_static_lease_follows_its_device() {
    let (sim, conn) = setup(1).await;
    let dev = sim.devices()[0].clone();
    conn.add(
        "/ip/dhcp-server/lease",
        &[
            ("address", dev.ip.to_string().as_str()),
            ("mac-address", dev.mac.as_str()),
            ("comment", "static"),
        ],
    )
    .await
    .unwrap();
    let lease = |sim: &saring_routeros::sim::SimHandle| {
        sim.leases()
            .into_iter()
            .find(|l| l.comment.as_deref() == Some("static"))
            .unwrap()
    };
    assert_eq!(lease(&sim).status.as_deref(), Some("bound"));
    sim.set_online(&dev.mac, false).unwrap();
    sim.tick(Duration::from_secs(2 * 3600));
    let l = lease(&sim);
    assert_eq!(l.status.as_deref(), Some("waiting"));
    assert_eq!(l.last_seen.as_deref(), Some("2h"));
    sim.set_online(&dev.mac, true).unwrap();
    assert_eq!(lease(&sim).status.as_deref(), Some("bound"));
}
