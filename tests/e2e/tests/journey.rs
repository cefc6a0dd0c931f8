//! The captive journey in a real browser: register on `/captive` with a hotspot context, the
//! admin approves in the admin UI, the user logs in with the OTP from the dev outbox and lands
//! on the connected page (or the policy page the server names); plus the language toggle, a
//! policy page and the 404 page.
//!
//! Run by `cargo xtask test` (`cargo test -p saring-e2e -- --ignored`); needs the SPA built
//! (`cargo xtask spa`) and `target/debug/saring`.

use std::time::Duration;

use anyhow::{Context, Result, bail};
use saring_domain::Phone;
use saring_e2e::{ADMIN_PASSWORD, Browser, Server, browser_tools};

async fn setup() -> Result<Option<(Server, Browser)>> {
    let Some((chromium, driver)) = browser_tools() else {
        return Ok(None);
    };
    let server = Server::start().await?;
    let browser = Browser::start(&chromium, &driver).await?;
    Ok(Some((server, browser)))
}

#[tokio::test]
#[ignore = "browser test: run by `cargo xtask test`"]
async fn captive_register_approve_login() -> Result<()> {
    let Some((server, b)) = setup().await? else {
        return Ok(());
    };
    let result = journey(&server, &b).await;
    if result.is_err() {
        eprintln!("server output:\n{}", server.lines().join("\n"));
    }
    b.close().await?;
    result
}

async fn journey(server: &Server, b: &Browser) -> Result<()> {
    let phone = Phone::parse("081299887766")?;
    let local = phone.local();
    // A device the router simulator has on its hotspot.
    let (ip, mac) = server.simulated_host(0)?;
    let captive = server.url(&format!("/captive?client_ip={ip}&client_mac={mac}"));

    // 1. Register on the captive portal.
    b.goto(&captive).await?;
    b.click("tab-register").await?;
    b.type_into("register-name", "Budi Santoso").await?;
    b.type_into("register-phone", &local).await?;
    b.choose("register-blok", "A").await?;
    b.choose("register-kamar", "1").await?;
    b.screenshot("1-captive-register").await?;
    b.click("register-submit").await?;
    b.el("register-success")
        .await
        .context("registration did not succeed")?;

    // 2. The admin approves in the admin UI.
    let admin_phone = server
        .admin_phone()
        .context("no demo admin phone in the start-up output (set SARING_E2E_ADMIN_PHONE)")?;
    b.goto(&server.url("/admin")).await?;
    b.type_into("admin-phone", &admin_phone).await?;
    b.type_into("admin-password", ADMIN_PASSWORD).await?;
    b.click("admin-login").await?;
    b.wait_path("/admin/users").await?;
    let row = b
        .client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(fantoccini::Locator::Css(&format!(
            "[data-testid='user-row'][data-phone='{local}']"
        )))
        .await
        .context("the new user is not in the pending list")?;
    b.screenshot("2-admin-users").await?;
    row.find(fantoccini::Locator::Css("[data-testid='approve']"))
        .await?
        .click()
        .await?;
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let me = b
            .fetch_json(&format!("/api/admin/users?search={local}&status=pending"))
            .await?;
        if me["items"].as_array().is_some_and(|i| i.is_empty()) {
            break;
        }
        if std::time::Instant::now() > deadline {
            bail!("the user is still pending after approval: {me}");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // The detail page and the action log show the approval.
    let found = b
        .fetch_json(&format!("/api/admin/users?search={local}"))
        .await?;
    let id = found["items"][0]["id"]
        .as_str()
        .context("user id")?
        .to_owned();
    b.goto(&server.url(&format!("/admin/users/{id}"))).await?;
    assert_eq!(b.text("user-detail-name").await?, "Budi Santoso");
    b.goto(&server.url("/admin/logs")).await?;
    b.el("logs")
        .await
        .context("the action log is empty after an approval")?;
    b.click("logout").await?;
    b.wait_path("/admin").await?;

    // 3. The user logs in with the OTP from WhatsApp (the dev outbox).
    b.goto(&captive).await?;
    b.type_into("login-phone", &local).await?;
    b.click("request-otp").await?;
    let code = server.last_otp(&phone).await?;
    b.type_into("login-otp", &code).await?;
    b.click("verify-otp").await?;

    // 4. Connected, or the policy page the server's status names.
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    let landed = loop {
        let path = b.current_path().await?;
        if path == "/captive/terhubung" || path.starts_with("/policy/") {
            break path;
        }
        if std::time::Instant::now() > deadline {
            bail!("login did not leave the captive page (still on {path})");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let me = b.fetch_json("/api/auth/me").await?;
    let status = me["access_status"].as_str().unwrap_or_default().to_owned();
    if status == "ok" {
        assert_eq!(landed, "/captive/terhubung");
        b.el("connected").await?;
    } else {
        assert_eq!(landed, format!("/policy/{status}"));
        let policy = b.el("policy").await?;
        assert_eq!(
            policy.attr("data-status").await?.as_deref(),
            Some(status.as_str())
        );
        // The connected page sends a user whose status is not ok to the policy page too.
        b.goto(&server.url("/captive/terhubung")).await?;
        b.wait_path(&format!("/policy/{status}")).await?;
    }
    b.screenshot("3-after-login").await?;

    // 5. The account page lists the device bound at login (with the hotspot's MAC).
    b.goto(&server.url("/akun")).await?;
    b.el("devices-panel").await?;
    let device = b.el("device").await.context("no device listed on /akun")?;
    assert!(
        device.text().await?.contains(&mac),
        "device card without {mac}"
    );
    b.screenshot("4-akun").await?;
    eprintln!("journey: after login the user landed on {landed} (status {status})");
    Ok(())
}

#[tokio::test]
#[ignore = "browser test: run by `cargo xtask test`"]
async fn language_toggle_policy_and_404() -> Result<()> {
    let Some((server, b)) = setup().await? else {
        return Ok(());
    };
    let result = async {
        b.goto(&server.url("/captive")).await?;
        b.el("tab-login").await?;
        assert_eq!(b.text("tab-login").await?, "Masuk");
        b.click("lang-toggle").await?;
        assert_eq!(b.text("tab-login").await?, "Log in");
        // The choice survives a reload (localStorage).
        b.client.refresh().await?;
        assert_eq!(b.text("tab-login").await?, "Log in");
        let lang = b
            .client
            .execute("return document.documentElement.lang", vec![])
            .await?;
        assert_eq!(lang.as_str(), Some("en"));
        b.click("lang-toggle").await?;
        assert_eq!(b.text("tab-login").await?, "Masuk");

        b.goto(&server.url("/policy/blocked")).await?;
        let policy = b.el("policy").await?;
        assert_eq!(
            policy.attr("data-status").await?.as_deref(),
            Some("blocked")
        );
        assert!(policy.text().await?.contains("Akses diblokir"));

        b.goto(&server.url("/tidak-ada")).await?;
        b.el("not-found").await?;

        // A guest on a protected page goes to the login with a redirect back.
        b.goto(&server.url("/dashboard")).await?;
        b.wait_path("/login").await?;
        let url = b.client.current_url().await?;
        assert_eq!(url.query(), Some("redirect=/dashboard"));
        Ok::<_, anyhow::Error>(())
    }
    .await;
    if result.is_err() {
        eprintln!("server output:\n{}", server.lines().join("\n"));
    }
    b.close().await?;
    result
}
