//! Print/add/set/remove, queries, `!empty`, typed helpers and exact trap texts.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use saring_routeros::menus::{AddressListEntry, DhcpLease, HotspotUser};
use saring_routeros::{Api, Command, Error, FirewallTable};

fn trap_text(err: Error) -> String {
    match err {
        Error::Trap { message, .. } => message,
        other => panic!("expected trap, got {other:?}"),
    }
}

#[tokio::test]
async fn address_list_crud() {
    let (sim, conn) = setup(0).await;
    let menu = "/ip/firewall/address-list";
    let id = conn
        .add(
            menu,
            &[
                ("list", "klient_aktif"),
                ("address", "172.16.2.10"),
                ("comment", "lpsaring|status=active"),
            ],
        )
        .await
        .unwrap();
    assert_eq!(id, "*1");
    let rows = conn
        .address_list(Some("klient_aktif"), Some("172.16.2.10/32"))
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].id, id);
    assert!(!rows[0].dynamic);
    assert_eq!(rows[0].comment.as_deref(), Some("lpsaring|status=active"));
    conn.set(menu, &id, &[("comment", "changed")])
        .await
        .unwrap();
    assert_eq!(sim.address_list()[0].comment.as_deref(), Some("changed"));
    conn.remove(menu, &[&id]).await.unwrap();
    assert!(sim.address_list().is_empty());
    // The id is gone now: set and remove trap with `no such item`.
    let err = conn.set(menu, &id, &[("comment", "x")]).await.unwrap_err();
    assert!(err.is_no_such_item(), "{err:?}");
    assert_eq!(
        trap_text(conn.remove(menu, &[&id]).await.unwrap_err()),
        "no such item"
    );
}

#[tokio::test]
async fn empty_reply_7_18_and_before() {
    let sim = start(builder()).await;
    let conn = connect(&sim).await;
    let resp = conn
        .execute(&Command::print("/ip/firewall/address-list"))
        .await
        .unwrap();
    assert!(resp.empty && resp.rows.is_empty());
    assert!(conn.resource().await.unwrap().sends_empty());

    let sim = start(builder().version_7_18(false)).await;
    let conn = connect(&sim).await;
    let resp = conn
        .execute(&Command::print("/ip/firewall/address-list"))
        .await
        .unwrap();
    assert!(!resp.empty && resp.rows.is_empty());
    assert!(!conn.resource().await.unwrap().sends_empty());
}

#[tokio::test]
async fn trap_texts() {
    let (_sim, conn) = setup(0).await;
    let list = "/ip/firewall/address-list";
    conn.add(list, &[("list", "a"), ("address", "10.0.0.1")])
        .await
        .unwrap();
    let dup = conn
        .add(
            list,
            &[("list", "a"), ("address", "10.0.0.1"), ("timeout", "5m")],
        )
        .await
        .unwrap_err();
    assert!(dup.is_duplicate());
    assert_eq!(trap_text(dup), "failure: already have such entry");

    assert_eq!(
        trap_text(
            conn.add(
                list,
                &[("list", "a"), ("address", "10.0.0.2"), ("colour", "red")]
            )
            .await
            .unwrap_err()
        ),
        "unknown parameter colour"
    );
    assert_eq!(
        trap_text(
            conn.add(
                "/ip/hotspot/ip-binding",
                &[("mac-address", "zz"), ("type", "bypassed")]
            )
            .await
            .unwrap_err()
        ),
        "invalid value of mac-address, mac address required"
    );
    assert_eq!(
        trap_text(
            conn.add(
                "/ip/hotspot/ip-binding",
                &[("mac-address", "AA:BB:CC:DD:EE:01"), ("type", "vip")]
            )
            .await
            .unwrap_err()
        ),
        "input does not match any value of type"
    );
    assert_eq!(
        trap_text(
            conn.add("/ip/hotspot/user", &[("name", "0812"), ("profile", "gold")])
                .await
                .unwrap_err()
        ),
        "input does not match any value of profile"
    );
    conn.add(
        "/ip/hotspot/user",
        &[("name", "0812"), ("password", "123456")],
    )
    .await
    .unwrap();
    let dup_user = conn
        .add("/ip/hotspot/user", &[("name", "0812")])
        .await
        .unwrap_err();
    assert_eq!(
        trap_text(dup_user),
        "failure: already have user with this name for this server"
    );
    // Another server is fine.
    conn.add(
        "/ip/hotspot/user",
        &[("name", "0812"), ("server", "hotspot1")],
    )
    .await
    .unwrap();

    let lease = "/ip/dhcp-server/lease";
    conn.add(
        lease,
        &[
            ("address", "172.16.2.200"),
            ("mac-address", "AA:BB:CC:DD:EE:02"),
            ("server", "dhcp1"),
        ],
    )
    .await
    .unwrap();
    assert_eq!(
        trap_text(
            conn.add(
                lease,
                &[
                    ("address", "172.16.2.201"),
                    ("mac-address", "aa:bb:cc:dd:ee:02"),
                    ("server", "dhcp1")
                ]
            )
            .await
            .unwrap_err()
        ),
        "failure: already have static lease for this client"
    );
    assert_eq!(
        trap_text(
            conn.add(
                lease,
                &[
                    ("address", "172.16.2.200"),
                    ("mac-address", "AA:BB:CC:DD:EE:03")
                ]
            )
            .await
            .unwrap_err()
        ),
        "failure: already have static lease with this IP address"
    );

    match conn.execute(&Command::new("/ip/nothing/print")).await {
        Err(Error::Trap { message, category }) => {
            assert_eq!(message, "no such command prefix");
            assert_eq!(category, Some(0));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        trap_text(
            conn.execute(&Command::new("/ip/hotspot/host/add"))
                .await
                .unwrap_err()
        ),
        "no such command or directory (add)"
    );
    // The connection survives traps.
    assert!(conn.ping().await.is_ok());
}

#[tokio::test]
async fn queries_proplist_and_count() {
    let (_sim, conn) = setup(0).await;
    let list = "/ip/firewall/address-list";
    for (l, a) in [
        ("a", "10.0.0.1"),
        ("b", "10.0.0.2"),
        ("c", "10.0.0.3"),
        ("a", "10.0.0.4"),
    ] {
        conn.add(list, &[("list", l), ("address", a)])
            .await
            .unwrap();
    }
    let rows = conn
        .print(
            Command::print(list)
                .proplist(&["address"])
                .query("list", "a")
                .query("list", "b")
                .ops("|"),
        )
        .await
        .unwrap();
    let addrs: Vec<String> = rows.iter().map(|r| r.string("address").unwrap()).collect();
    assert_eq!(addrs, ["10.0.0.1", "10.0.0.2", "10.0.0.4"]);
    assert!(rows.iter().all(|r| r.len() == 1), "proplist projects");
    let none_of = conn
        .print(
            Command::print(list)
                .query("list", "a")
                .query("list", "b")
                .ops("|!"),
        )
        .await
        .unwrap();
    assert_eq!(none_of.len(), 1);
    assert_eq!(conn.count(list, &[("list", "a")]).await.unwrap(), 2);
    assert_eq!(conn.count(list, &[]).await.unwrap(), 4);
    let greater = conn
        .print(Command::print(list).greater("address", "10.0.0.2"))
        .await
        .unwrap();
    assert_eq!(greater.len(), 2);
    let typed: Vec<AddressListEntry> = conn.list(&[("list", "c")]).await.unwrap();
    assert_eq!(typed[0].address, "10.0.0.3");
}

#[tokio::test]
async fn hotspot_helpers() {
    let (sim, conn) = setup(5).await;
    let hosts = conn.hotspot_hosts().await.unwrap();
    assert_eq!(hosts.len(), 5);
    let host = &hosts[0];
    assert!(host.id.starts_with('*'));
    assert!(host.address.as_deref().unwrap().starts_with("172.16."));
    assert!(!host.authorized && !host.bypassed);

    conn.make_binding(&host.id, "bypassed", Some("authorized|user=0812"))
        .await
        .unwrap();
    let bindings = conn
        .ip_bindings(Some(&host.mac_address.to_lowercase()))
        .await
        .unwrap();
    assert_eq!(bindings.len(), 1);
    assert_eq!(bindings[0].kind.as_deref(), Some("bypassed"));
    let host_after = conn
        .hotspot_hosts()
        .await
        .unwrap()
        .into_iter()
        .find(|h| h.mac_address == host.mac_address)
        .unwrap();
    assert!(host_after.bypassed && host_after.authorized);

    // Dynamic lease → make-static keeps the id; then set works on the same id.
    let leases = conn.dhcp_leases().await.unwrap();
    let lease = leases
        .iter()
        .find(|l| l.mac_address == host.mac_address)
        .unwrap();
    assert!(lease.dynamic);
    conn.make_static(&lease.id).await.unwrap();
    conn.set(
        "/ip/dhcp-server/lease",
        &lease.id,
        &[("comment", "lpsaring|static-dhcp")],
    )
    .await
    .unwrap();
    let lease_after: Vec<DhcpLease> = conn
        .list(&[("mac-address", &host.mac_address)])
        .await
        .unwrap();
    assert_eq!(lease_after.len(), 1);
    assert!(!lease_after[0].dynamic);
    assert_eq!(lease_after[0].id, lease.id);

    // API login of a regular host creates an active session and authorizes it.
    conn.add(
        "/ip/hotspot/user/profile",
        &[("name", "profile-aktif"), ("rate-limit", "512k/2M")],
    )
    .await
    .unwrap();
    conn.add(
        "/ip/hotspot/user",
        &[
            ("name", "0813"),
            ("password", "111111"),
            ("profile", "profile-aktif"),
            ("limit-bytes-total", "1048576"),
        ],
    )
    .await
    .unwrap();
    let other = &hosts[1];
    conn.execute(
        &Command::new("/ip/hotspot/active/login")
            .attr("user", "0813")
            .attr("password", "111111")
            .attr("mac-address", &other.mac_address)
            .attr("ip", other.address.as_deref().unwrap()),
    )
    .await
    .unwrap();
    let active = conn.hotspot_active().await.unwrap();
    assert_eq!(active.len(), 1);
    assert_eq!(active[0].user, "0813");
    let users: Vec<HotspotUser> = conn.hotspot_users(Some("0813")).await.unwrap();
    assert_eq!(users[0].limit_bytes_total, Some(1_048_576));
    // Traffic until the byte limit logs the user out.
    sim.tick(std::time::Duration::from_secs(3600));
    assert!(conn.hotspot_active().await.unwrap().is_empty());
    assert!(conn.hotspot_users(Some("0813")).await.unwrap()[0].bytes_out > 0);

    assert_eq!(conn.hotspot_profiles().await.unwrap().len(), 2);
    conn.add(
        "/ip/hotspot/walled-garden",
        &[
            ("dst-host", "app.midtrans.com"),
            ("comment", "lpsaring:host"),
        ],
    )
    .await
    .unwrap();
    conn.add(
        "/ip/hotspot/walled-garden/ip",
        &[
            ("dst-address", "10.9.9.9"),
            ("action", "accept"),
            ("comment", "lpsaring:ip"),
        ],
    )
    .await
    .unwrap();
    assert_eq!(
        conn.walled_garden().await.unwrap()[0].dst_host.as_deref(),
        Some("app.midtrans.com")
    );
    assert_eq!(
        conn.walled_garden_ip().await.unwrap()[0]
            .dst_address
            .as_deref(),
        Some("10.9.9.9")
    );
    conn.add(
        "/ip/firewall/filter",
        &[
            ("chain", "forward"),
            ("action", "drop"),
            ("src-address-list", "klient_blocked"),
        ],
    )
    .await
    .unwrap();
    assert_eq!(
        conn.firewall_rules(FirewallTable::Filter).await.unwrap()[0].action,
        "drop"
    );
    assert!(
        conn.firewall_rules(FirewallTable::Raw)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(conn.arp().await.unwrap().len(), 5);

    conn.set_identity("renamed").await.unwrap();
    assert_eq!(conn.identity().await.unwrap(), "renamed");
    let resource = conn.resource().await.unwrap();
    assert_eq!(resource.version_number(), Some((7, 19)));
    assert_eq!(resource.uptime.as_secs(), 3600);
}

#[tokio::test]
async fn set_by_name_and_comma_id_lists() {
    let (sim, conn) = setup(0).await;
    conn.add("/ip/hotspot/user", &[("name", "0811")])
        .await
        .unwrap();
    conn.add("/ip/hotspot/user/profile", &[("name", "profile-fup")])
        .await
        .unwrap();
    // Users can be addressed by name (like `set [find name=…]`).
    conn.set(
        "/ip/hotspot/user",
        "0811",
        &[("profile", "profile-fup"), ("limit-uptime", "3600")],
    )
    .await
    .unwrap();
    let user = &sim.users()[0];
    assert_eq!(user.profile.as_deref(), Some("profile-fup"));
    assert_eq!(
        user.limit_uptime,
        Some(std::time::Duration::from_secs(3600))
    );
    let list = "/ip/firewall/address-list";
    let a = conn
        .add(list, &[("list", "x"), ("address", "10.1.0.1")])
        .await
        .unwrap();
    let b = conn
        .add(list, &[("list", "x"), ("address", "10.1.0.2")])
        .await
        .unwrap();
    conn.remove(list, &[&a, &b]).await.unwrap();
    assert!(sim.address_list().is_empty());
    // All or nothing: one unknown id leaves the others untouched.
    let c = conn
        .add(list, &[("list", "x"), ("address", "10.1.0.3")])
        .await
        .unwrap();
    assert!(
        conn.remove(list, &[&c, "*FFFF"])
            .await
            .unwrap_err()
            .is_no_such_item()
    );
    assert_eq!(sim.address_list().len(), 1);
}

#[tokio::test]
async fn removed_between_print_and_set() {
    let (sim, conn) = setup(0).await;
    let list = "/ip/firewall/address-list";
    let id = conn
        .add(
            list,
            &[("list", "x"), ("address", "10.1.0.1"), ("timeout", "1m")],
        )
        .await
        .unwrap();
    let rows = conn.address_list(Some("x"), None).await.unwrap();
    assert!(rows[0].dynamic);
    assert_eq!(rows[0].timeout, Some(std::time::Duration::from_secs(60)));
    sim.tick(std::time::Duration::from_secs(61));
    assert!(
        conn.set(list, &id, &[("comment", "late")])
            .await
            .unwrap_err()
            .is_no_such_item()
    );
}
