//! The captive-portal journey end to end, against the RouterOS simulator:
//! register → approve → request OTP → verify with the captive context → binding on the
//! router → /api/auth/me → logout → binding gone.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{body, new_client, spawn_with_router};
use serde_json::json;

#[tokio::test]
async fn register_approve_login_and_logout_from_a_hotspot_device() {
    let s = spawn_with_router(5).await;
    let admin = s.admin_client(false).await;

    // Register: pending, cannot ask for a code yet.
    let user_id = s.register("0812-3456-7890", "Budi Santoso", false).await;
    let (status, b) = s
        .post(
            &new_client(),
            "/api/auth/request-otp",
            json!({"phone_number": "081234567890"}),
        )
        .await;
    assert_eq!(
        (status.as_u16(), b["code"].as_str()),
        (403, Some("access_denied")),
        "{b}"
    );
    assert_eq!(b["status"], "inactive");
    // The status token proves the server sent the client to that policy page.
    let (_, v) = s
        .post(
            &new_client(),
            "/api/auth/status-token/verify",
            json!({"status": "inactive", "token": b["status_token"]}),
        )
        .await;
    assert_eq!(v["valid"], true);
    let (_, v) = s
        .post(
            &new_client(),
            "/api/auth/status-token/verify",
            json!({"status": "blocked", "token": b["status_token"]}),
        )
        .await;
    assert_eq!(v["valid"], false);

    // The admin sees the registration first and approves it: hotspot user on the router.
    let (_, list) = body(
        admin
            .get(s.url("/api/admin/users?status=pending"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(list["items"][0]["id"], user_id.as_str());
    assert_eq!(list["total"], 1);
    let (status, approved) = body(
        admin
            .patch(s.url(&format!("/api/admin/users/{user_id}/approve")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{approved}");
    assert_eq!(approved["router_synced"], true);
    let hotspot_users = s.app.sim().users();
    let hu = hotspot_users
        .iter()
        .find(|u| u.name == "081234567890")
        .expect("hotspot user created");
    assert_eq!(hu.server.as_deref(), Some("srv-user"));
    assert_eq!(hu.password.as_deref().map(str::len), Some(6));
    let messages = s
        .app
        .messenger
        .sent_to(&saring_domain::Phone::parse("081234567890").unwrap());
    assert!(
        messages
            .iter()
            .any(|m| m.text.contains("disetujui")
                && m.text.contains(hu.password.as_deref().unwrap())),
        "approval message with credentials"
    );

    // OTP login from a hotspot device: the router's MAC for that IP is bound to the user.
    let (ip, mac) = s.device(0);
    let (client, login) = s.login_from_device("081234567890", 0).await;
    assert_eq!(login["token_type"], "bearer");
    assert_eq!(login["user"]["id"], user_id.as_str());
    // No quota yet: the device must still pass the hotspot login page, so it gets credentials.
    assert_eq!(login["hotspot_login_required"], true);
    assert_eq!(login["hotspot_username"], "081234567890");
    let bindings = s.app.sim().ip_bindings();
    let b = bindings
        .iter()
        .find(|b| b.mac_address.as_deref() == Some(mac.as_str()))
        .expect("binding on the router");
    assert_eq!(b.kind.as_deref(), Some("regular"));
    assert!(
        b.comment
            .as_deref()
            .unwrap()
            .contains(&format!("uid={user_id}"))
    );
    let lists = s.app.sim().address_list();
    assert_eq!(
        lists
            .iter()
            .filter(|e| e.address == ip)
            .map(|e| e.list.as_str())
            .collect::<Vec<_>>(),
        ["klient_habis"]
    );

    // /api/auth/me through the session cookie.
    let (status, me) = s.get(&client, "/api/auth/me").await;
    assert_eq!(status, 200);
    assert_eq!(me["phone_number"], "+6281234567890");
    assert_eq!(me["access_status"], "habis");
    let (_, devices) = s.get(&client, "/api/users/me/devices").await;
    assert_eq!(devices["devices"][0]["mac_address"], mac.as_str());

    // Logout: refresh revoked, binding and list entry gone from the router.
    let (status, _) = s.post(&client, "/api/auth/logout", json!({})).await;
    assert_eq!(status, 200);
    assert!(
        s.app
            .sim()
            .ip_bindings()
            .iter()
            .all(|b| b.mac_address.as_deref() != Some(mac.as_str()))
    );
    assert!(s.app.sim().address_list().iter().all(|e| e.address != ip));
    let (status, b) = s.post(&client, "/api/auth/refresh", json!({})).await;
    assert_eq!(status, 401, "{b}");
}

#[tokio::test]
async fn a_user_with_quota_is_bypassed_and_the_session_hands_off() {
    let s = spawn_with_router(3).await;
    let admin = s.admin_client(true).await;
    let id = s.approved_user(&admin, "081298765432").await;
    // Give quota the way an admin injection will: straight through the domain rules.
    {
        use saring_domain::quota::{Grant, apply_grant};
        use saring_store::repo::users;
        let uid = saring_domain::UserId::parse(&id).unwrap();
        let u = users::find_by_id(s.app.db(), uid).await.unwrap().unwrap();
        let out = apply_grant(
            &u.quota_account(),
            Grant::quota(10_240, 30),
            &[],
            s.app.now(),
            Default::default(),
        );
        users::update(
            s.app.db(),
            uid,
            users::UserPatch {
                quota: Some(out.account),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    }
    let (dev_ip, dev_mac) = s.device(1);
    let (ip2, mac2) = s.device(2);
    let mac = dev_mac.clone();
    let (browser, login) = s.login_from_device("081298765432", 1).await;
    assert_eq!(login["hotspot_login_required"], false);
    assert_eq!(login["hotspot_binding_active"], true);
    assert!(
        login["hotspot_password"].is_null(),
        "no credentials needed when bypassed"
    );
    let binding = s
        .app
        .sim()
        .ip_bindings()
        .into_iter()
        .find(|b| b.mac_address.as_deref() == Some(mac.as_str()))
        .unwrap();
    assert_eq!(binding.kind.as_deref(), Some("bypassed"));
    assert!(
        s.app.sim().host(&mac).is_none_or(|h| h.bypassed),
        "stale host row replaced"
    );

    // The one-time session token opens the session in another browser, once.
    let other = new_client();
    let (status, handed) = s
        .post(
            &other,
            "/api/auth/session/consume",
            json!({"token": login["session_token"]}),
        )
        .await;
    assert_eq!(status, 200, "{handed}");
    assert_eq!(handed["user"]["id"], id.as_str());
    let (status, _) = s
        .post(
            &new_client(),
            "/api/auth/session/consume",
            json!({"token": login["session_token"]}),
        )
        .await;
    assert_eq!(status, 401);

    // Quota summary and the RFC 8908 captive API.
    let (_, quota) = s.get(&other, "/api/users/me/quota").await;
    assert_eq!(quota["status"], "active");
    assert_eq!(quota["remaining_mb"], 10240.0);
    let res = other.get(s.url("/api/captive")).send().await.unwrap();
    assert_eq!(res.headers()["content-type"], "application/captive+json");
    let (_, captive) = body(res).await;
    assert_eq!(captive["captive"], false);
    assert_eq!(captive["bytes-remaining"], 10_240i64 * 1_048_576);
    assert!(
        captive["user-portal-url"]
            .as_str()
            .unwrap()
            .ends_with("/captive")
    );
    let (_, anon) = body(
        new_client()
            .get(s.url("/api/captive"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(anon["captive"], true);

    // Auto-login from the same, known device in the browser that logged in there needs no
    // code (once the device shows up on the router again after its host row was replaced);
    // another browser naming the same device gets nothing.
    s.app.sim().tick(std::time::Duration::from_secs(5));
    let (status, auto) = s
        .post(
            &browser,
            "/api/auth/auto-login",
            json!({"client_ip": dev_ip, "client_mac": dev_mac}),
        )
        .await;
    assert_eq!(status, 200, "{auto}");
    assert_eq!(auto["user"]["id"], id.as_str());
    let (status, stranger) = s
        .post(
            &new_client(),
            "/api/auth/auto-login",
            json!({"client_ip": dev_ip, "client_mac": dev_mac}),
        )
        .await;
    assert_eq!(status, 401, "{stranger}");
    let (status, unknown) = s
        .post(
            &new_client(),
            "/api/auth/auto-login",
            json!({"client_ip": ip2, "client_mac": mac2}),
        )
        .await;
    assert_eq!(
        (status.as_u16(), unknown["code"].as_str()),
        (401, Some("unauthorized"))
    );
}
