//! A captive identity nobody can forge: knowing or guessing another device's address never
//! yields that person's session or device. Each test is an attack that worked before device
//! credentials and the caller-address check existed, and must fail now.
//!
//! The test client connects from 127.0.0.1, a trusted proxy, so `X-Forwarded-For` sets the
//! caller's address: a hotspot address plays a portal that sees clients directly, an address
//! outside the ranges plays a portal behind the router's NAT.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Spawned, body, code, new_client, spawn_with};
use reqwest::Client;
use reqwest::header::{HeaderMap, HeaderValue};
use serde_json::{Value, json};

const ENV: [(&str, &str); 1] = [("OTP_REQUEST_COOLDOWN_SECONDS", "0")];
const LOGIN_LINK: &str = "http://login.home.arpa/login";

/// A browser whose requests come from `ip` (through the trusted local proxy).
fn browser_at(ip: &str) -> Client {
    saring_gateways::install_crypto_provider();
    let mut headers = HeaderMap::new();
    headers.insert("x-forwarded-for", HeaderValue::from_str(ip).unwrap());
    Client::builder()
        .cookie_store(true)
        .default_headers(headers)
        .build()
        .unwrap()
}

/// The simulator's first `n` hosts, captured before logins reshuffle its host table.
fn devices(s: &Spawned, n: usize) -> Vec<(String, String)> {
    (0..n).map(|i| s.device(i)).collect()
}

async fn verify_from(
    s: &Spawned,
    client: &Client,
    phone: &str,
    device: &(String, String),
    confirm: bool,
) -> (reqwest::StatusCode, Value) {
    let otp = s.otp(phone).await;
    s.post(
        client,
        "/api/auth/verify-otp",
        json!({"phone_number": phone, "otp": otp, "client_ip": device.0, "client_mac": device.1,
               "link_login_only": LOGIN_LINK, "confirm_device_takeover": confirm}),
    )
    .await
}

async fn auto_login(
    s: &Spawned,
    client: &Client,
    device: &(String, String),
) -> (reqwest::StatusCode, Value) {
    s.post(
        client,
        "/api/auth/auto-login",
        json!({"client_ip": device.0, "client_mac": device.1}),
    )
    .await
}

/// Lets removed host rows come back, as a device's next packets make them on a router.
fn traffic(s: &Spawned) {
    s.app.sim().tick(std::time::Duration::from_secs(5));
}

fn bound_to(s: &Spawned, mac: &str, uid: &str) -> bool {
    s.app.sim().ip_bindings().iter().any(|b| {
        b.mac_address.as_deref() == Some(mac)
            && b.comment.as_deref().is_some_and(|c| c.contains(uid))
    })
}

#[tokio::test]
async fn naming_a_bound_device_yields_no_session() {
    let s = spawn_with(&ENV, 6).await;
    let admin = s.admin_client(false).await;
    let dev = devices(&s, 6);
    let mut owners = Vec::new();
    for (i, phone) in ["081230000001", "081230000002", "081230000003"]
        .iter()
        .enumerate()
    {
        owners.push(s.approved_user(&admin, phone).await);
        let (st, b) = verify_from(&s, &new_client(), phone, &dev[i], false).await;
        assert_eq!(st, 200, "{b}");
    }
    traffic(&s);
    // The probe: an anonymous client scans the hotspot range, naming every device (and its
    // MAC) in turn. Before: 200 with each owner's tokens, name and phone number.
    for d in &dev {
        let (st, b) = auto_login(&s, &new_client(), d).await;
        assert_eq!((st.as_u16(), code(&b)), (401, "unauthorized"), "{b}");
        assert!(b.get("access_token").is_none() && b.get("user").is_none());
    }
    // From inside the hotspot (the portal sees the caller's own address), naming a neighbour
    // is refused outright, even for a browser holding a credential of its own device.
    s.approved_user(&admin, "081230000009").await;
    let attacker = browser_at(&dev[5].0);
    let (st, b) = verify_from(&s, &attacker, "081230000009", &dev[5], false).await;
    assert_eq!(st, 200, "{b}");
    traffic(&s);
    let (st, b) = auto_login(&s, &attacker, &dev[0]).await;
    assert_eq!(
        (st.as_u16(), code(&b)),
        (403, "captive_context_invalid"),
        "{b}"
    );
    // A device credential is bound to its device: the browser of device 0's owner cannot use
    // it to log in as the owner of device 1.
    let owner0 = new_client();
    let (st, _) = verify_from(&s, &owner0, "081230000001", &dev[0], false).await;
    assert_eq!(st, 200);
    traffic(&s);
    let (st, b) = auto_login(&s, &owner0, &dev[1]).await;
    assert_eq!(st, 401, "{b}");
    let (st, b) = auto_login(&s, &owner0, &dev[0]).await;
    assert_eq!(
        st, 200,
        "the real owner's one-tap re-login still works: {b}"
    );
    assert_eq!(b["user"]["id"], owners[0].as_str());
}

#[tokio::test]
async fn administrators_are_never_logged_in_automatically() {
    let s = spawn_with(&ENV, 3).await;
    let dev = devices(&s, 3);
    // The super admin binds a phone through the captive portal with an OTP.
    let _admin = s.admin_client(true).await;
    let phone_browser = new_client();
    let (st, b) = verify_from(&s, &phone_browser, common::SUPER_PHONE, &dev[0], false).await;
    assert_eq!(st, 200, "{b}");
    assert_eq!(
        b["user"]["role"], "USER",
        "an OTP login gives an admin a user session"
    );
    traffic(&s);
    // Before: an anonymous auto-login naming that phone answered role SUPER_ADMIN.
    let (st, b) = auto_login(&s, &new_client(), &dev[0]).await;
    assert_eq!(st, 401, "{b}");
    // Not even from the admin's own browser.
    let (st, b) = auto_login(&s, &phone_browser, &dev[0]).await;
    assert_eq!(st, 401, "{b}");
    assert!(b.get("access_token").is_none());
}

#[tokio::test]
async fn another_users_device_cannot_be_taken_by_naming_it() {
    let s = spawn_with(&ENV, 4).await;
    let admin = s.admin_client(false).await;
    let dev = devices(&s, 4);
    let a = s.approved_user(&admin, "081230000011").await;
    let b_id = s.approved_user(&admin, "081230000012").await;
    let (st, _) = verify_from(&s, &new_client(), "081230000012", &dev[1], false).await;
    assert_eq!(st, 200);
    let (a_browser, _) = s.login_from_device("081230000011", 0).await;
    traffic(&s);
    let bindings_before = s.app.sim().ip_bindings();

    // Before: with A's token, bind-current naming B's address and confirming the takeover
    // moved B's device to A. From outside the hotspot nothing proves A is on that device.
    let takeover =
        json!({"client_ip": dev[1].0, "client_mac": dev[1].1, "confirm_device_takeover": true});
    let (st, b) = s
        .post(
            &a_browser,
            "/api/users/me/devices/bind-current",
            takeover.clone(),
        )
        .await;
    assert_eq!(
        (st.as_u16(), code(&b)),
        (403, "device_presence_required"),
        "{b}"
    );
    // The same through an OTP login.
    let (st, b) = verify_from(&s, &new_client(), "081230000011", &dev[1], true).await;
    assert_eq!(
        (st.as_u16(), code(&b)),
        (403, "device_presence_required"),
        "{b}"
    );
    // From inside the hotspot, naming a neighbour's address is refused before anything else.
    let nearby = browser_at(&dev[3].0);
    let (st, b) = verify_from(&s, &nearby, "081230000011", &dev[1], true).await;
    assert_eq!(
        (st.as_u16(), code(&b)),
        (403, "captive_context_invalid"),
        "{b}"
    );
    assert!(bound_to(&s, &dev[1].1, &b_id), "B's binding is untouched");
    assert_eq!(s.app.sim().ip_bindings().len(), bindings_before.len());
    let (_, mine) = s.get(&a_browser, "/api/users/me/devices").await;
    assert!(
        mine["devices"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["mac_address"] != dev[1].1.as_str()),
        "{mine}"
    );

    // Whoever is really on B's device (its own address, seen directly) may take it over.
    let on_device = browser_at(&dev[1].0);
    let (st, b) = verify_from(&s, &on_device, "081230000011", &dev[1], true).await;
    assert_eq!(st, 200, "{b}");
    assert!(bound_to(&s, &dev[1].1, &a) && !bound_to(&s, &dev[1].1, &b_id));
}

#[tokio::test]
async fn a_browser_that_logged_in_on_a_device_proves_it_is_there() {
    let s = spawn_with(&ENV, 2).await;
    let admin = s.admin_client(false).await;
    let dev = devices(&s, 2);
    let a = s.approved_user(&admin, "081230000021").await;
    let b_id = s.approved_user(&admin, "081230000022").await;
    // A shared laptop: B logged in on it; later A logs in in the same browser and moves it.
    let laptop = new_client();
    let (st, _) = verify_from(&s, &laptop, "081230000022", &dev[0], false).await;
    assert_eq!(st, 200);
    traffic(&s);
    let (st, b) = verify_from(&s, &laptop, "081230000021", &dev[0], true).await;
    assert_eq!(
        st, 200,
        "the browser's credential for this device is the proof: {b}"
    );
    assert!(bound_to(&s, &dev[0].1, &a) && !bound_to(&s, &dev[0].1, &b_id));
    traffic(&s);
    // B's credential went with the device: it logs nobody in any more; A's does.
    let (st, b) = auto_login(&s, &laptop, &dev[0]).await;
    assert_eq!(st, 200, "{b}");
    assert_eq!(b["user"]["id"], a.as_str());
}

#[tokio::test]
async fn credentials_end_with_the_device_and_the_logout() {
    let s = spawn_with(&ENV, 3).await;
    let admin = s.admin_client(false).await;
    let dev = devices(&s, 3);
    s.approved_user(&admin, "081230000031").await;
    let browser = new_client();
    let (st, _) = verify_from(&s, &browser, "081230000031", &dev[0], false).await;
    assert_eq!(st, 200);
    traffic(&s);
    let (st, _) = auto_login(&s, &browser, &dev[0]).await;
    assert_eq!(st, 200);

    // Logging out forgets this browser's device.
    let (st, _) = s.post(&browser, "/api/auth/logout", json!({})).await;
    assert_eq!(st, 200);
    traffic(&s);
    let (st, b) = auto_login(&s, &browser, &dev[0]).await;
    assert_eq!(st, 401, "after logout a code is needed again: {b}");

    // Removing the device revokes its credential.
    let (st, _) = verify_from(&s, &browser, "081230000031", &dev[0], false).await;
    assert_eq!(st, 200);
    let (_, list) = s.get(&browser, "/api/users/me/devices").await;
    let id = list["devices"][0]["id"].as_str().unwrap().to_owned();
    let (st, _) = body(
        browser
            .delete(s.url(&format!("/api/users/me/devices/{id}")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(st, 200);
    traffic(&s);
    let (st, b) = auto_login(&s, &browser, &dev[0]).await;
    assert_eq!(st, 401, "{b}");
}

#[tokio::test]
async fn the_session_hand_off_carries_the_device_to_the_next_browser() {
    let s = spawn_with(&ENV, 2).await;
    let admin = s.admin_client(false).await;
    let dev = devices(&s, 2);
    let uid = s.approved_user(&admin, "081230000041").await;
    // The captive browser logs in; the phone's normal browser continues with the hand-off.
    let captive = new_client();
    let (st, login) = verify_from(&s, &captive, "081230000041", &dev[0], false).await;
    assert_eq!(st, 200);
    let normal = new_client();
    let (st, _) = s
        .post(
            &normal,
            "/api/auth/session/consume",
            json!({"token": login["session_token"]}),
        )
        .await;
    assert_eq!(st, 200);
    traffic(&s);
    let (st, b) = auto_login(&s, &normal, &dev[0]).await;
    assert_eq!(st, 200, "{b}");
    assert_eq!(b["user"]["id"], uid.as_str());
}

#[tokio::test]
async fn direct_portals_need_the_callers_own_address() {
    let s = spawn_with(&ENV, 3).await;
    let admin = s.admin_client(false).await;
    let dev = devices(&s, 3);
    s.approved_user(&admin, "081230000051").await;
    // A caller on the hotspot naming its own address logs in and binds.
    let own = browser_at(&dev[0].0);
    let (st, b) = verify_from(&s, &own, "081230000051", &dev[0], false).await;
    assert_eq!(st, 200, "{b}");
    // Naming a neighbour (even an unbound one) is refused, and nothing is bound for it.
    let (st, b) = verify_from(&s, &own, "081230000051", &dev[2], false).await;
    assert_eq!(
        (st.as_u16(), code(&b)),
        (403, "captive_context_invalid"),
        "{b}"
    );
    assert!(
        s.app
            .sim()
            .ip_bindings()
            .iter()
            .all(|x| x.mac_address.as_deref() != Some(dev[2].1.as_str()))
    );
}

#[tokio::test]
async fn strict_address_check_refuses_contexts_from_outside() {
    let s = spawn_with(
        &[
            ("OTP_REQUEST_COOLDOWN_SECONDS", "0"),
            ("CAPTIVE_ADDRESS_CHECK", "strict"),
        ],
        2,
    )
    .await;
    let admin = s.admin_client(false).await;
    let dev = devices(&s, 2);
    s.approved_user(&admin, "081230000061").await;
    let (st, b) = verify_from(&s, &new_client(), "081230000061", &dev[0], false).await;
    assert_eq!(
        (st.as_u16(), code(&b)),
        (403, "captive_context_invalid"),
        "{b}"
    );
    let (st, b) = verify_from(&s, &browser_at(&dev[0].0), "081230000061", &dev[0], false).await;
    assert_eq!(st, 200, "{b}");
}
