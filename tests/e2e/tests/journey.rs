//! The captive journey in a real browser: register on `/captive` with a hotspot context, the
//! admin approves in the admin UI, the user logs in with the OTP from the dev outbox and lands
//! on the connected page (or the policy page the server names); plus the language toggle, a
//! policy page and the 404 page; a purchase: a signed-in user buys a package on `/beli`,
//! pays on the simulated Midtrans page and sees the paid order and the quota (and an admin
//! finds it in the CSV export of `/admin/transactions`); the admin's
//! message templates (server checks, preview, save, restore) and inactive-account preview; and
//! the router parity page (stored report, "check now" with the API's counts); and the
//! routers page (check, add, change, a server-side error, the default router's schedule,
//! delete); the operator console (an admin injects quota on the user page and the user's
//! dashboard shows it; a komandan added in the add-user dialog files a request on
//! `/requests`, an admin approves it on `/admin/requests`, the quota grows once); and the
//! settings page (maintenance switched on: a visitor sees the maintenance screen; off again).
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

/// Runs `test` against a fresh server and browser (skipped without Chromium); on failure a
/// screenshot `<name>-failed` (with `SARING_E2E_SCREENSHOTS`) and the server's output.
async fn with_browser(
    name: &str,
    test: impl AsyncFnOnce(&Server, &Browser) -> Result<()>,
) -> Result<()> {
    let Some((server, b)) = setup().await? else {
        return Ok(());
    };
    let result = test(&server, &b).await;
    if result.is_err() {
        let _ = b.screenshot(&format!("{name}-failed")).await;
        eprintln!("server output:\n{}", server.lines().join("\n"));
    }
    b.close().await?;
    result
}

#[tokio::test]
#[ignore = "browser test: run by `cargo xtask test`"]
async fn captive_register_approve_login() -> Result<()> {
    with_browser("journey", journey).await
}

async fn journey(server: &Server, b: &Browser) -> Result<()> {
    let phone = Phone::parse("081299887766")?;
    let local = phone.local();
    // A device the router simulator has on its hotspot.
    let (ip, mac) = server.simulated_host(0)?;
    let captive = server.url(&format!("/captive?client_ip={ip}&client_mac={mac}"));

    // 1. Register on the captive portal.
    register_on_captive(b, &captive, "Budi Santoso", &local).await?;

    // 2. The admin approves in the admin UI.
    admin_login(server, b).await?;
    approve_in_admin_ui(b, &local).await?;
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
    // 4. Connected, or the policy page the server's status names.
    let landed = login_on_captive(server, b, &captive, &phone).await?;
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

/// Fills and sends the captive registration form (a dormitory resident in block A, room 1).
async fn register_on_captive(b: &Browser, captive: &str, name: &str, local: &str) -> Result<()> {
    b.goto(captive).await?;
    b.click("tab-register").await?;
    b.type_into("register-name", name).await?;
    b.type_into("register-phone", local).await?;
    b.choose("register-blok", "A").await?;
    b.choose("register-kamar", "1").await?;
    b.screenshot("1-captive-register").await?;
    b.click("register-submit").await?;
    b.el("register-success")
        .await
        .context("registration did not succeed")?;
    Ok(())
}

/// Signs the demo administrator in on `/admin` (landing on the dashboard), then opens
/// `/admin/users`.
async fn admin_login(server: &Server, b: &Browser) -> Result<()> {
    let admin_phone = server
        .admin_phone()
        .context("no demo admin phone in the start-up output (set SARING_E2E_ADMIN_PHONE)")?;
    b.goto(&server.url("/admin")).await?;
    b.type_into("admin-phone", &admin_phone).await?;
    b.type_into("admin-password", ADMIN_PASSWORD).await?;
    b.click("admin-login").await?;
    // The dashboard is the admin's landing page; the journeys go on from the users list.
    b.wait_path("/admin/dashboard").await?;
    b.goto(&server.url("/admin/users")).await?;
    b.wait_path("/admin/users").await?;
    Ok(())
}

/// Approves the pending user with this local phone number on `/admin/users` (signed in as
/// an admin) and waits until the API no longer lists them as pending.
async fn approve_in_admin_ui(b: &Browser, local: &str) -> Result<()> {
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
            return Ok(());
        }
        if std::time::Instant::now() > deadline {
            bail!("the user is still pending after approval: {me}");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Logs in on the captive page with the OTP from the dev outbox; the path the SPA lands on
/// (`/captive/terhubung` or the policy page the server names).
async fn login_on_captive(
    server: &Server,
    b: &Browser,
    captive: &str,
    phone: &Phone,
) -> Result<String> {
    b.goto(captive).await?;
    b.type_into("login-phone", &phone.local()).await?;
    let earlier = server.messages_to(phone).await?.len();
    b.click("request-otp").await?;
    let code = server.otp_after(phone, earlier).await?;
    b.type_into("login-otp", &code).await?;
    b.click("verify-otp").await?;
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    loop {
        let path = b.current_path().await?;
        if path == "/captive/terhubung" || path.starts_with("/policy/") {
            return Ok(path);
        }
        if std::time::Instant::now() > deadline {
            bail!("login did not leave the captive page (still on {path})");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A registered, approved user signed in through the captive portal (the admin signed out).
async fn signed_in_user(server: &Server, b: &Browser, phone: &Phone, name: &str) -> Result<()> {
    let local = phone.local();
    let (ip, mac) = server.simulated_host(0)?;
    let captive = server.url(&format!("/captive?client_ip={ip}&client_mac={mac}"));
    register_on_captive(b, &captive, name, &local).await?;
    admin_login(server, b).await?;
    approve_in_admin_ui(b, &local).await?;
    b.click("logout").await?;
    b.wait_path("/admin").await?;
    login_on_captive(server, b, &captive, phone).await?;
    Ok(())
}

/// Waits (up to `secs`) for an element matching a CSS selector.
async fn wait_css(b: &Browser, css: &str, secs: u64) -> Result<fantoccini::elements::Element> {
    b.client
        .wait()
        .at_most(Duration::from_secs(secs))
        .for_element(fantoccini::Locator::Css(css))
        .await
        .with_context(|| format!("waiting for {css}"))
}

#[tokio::test]
#[ignore = "browser test: run by `cargo xtask test`"]
async fn buy_package_with_simulated_gateway() -> Result<()> {
    with_browser("purchase", purchase).await
}

async fn purchase(server: &Server, b: &Browser) -> Result<()> {
    let phone = Phone::parse("081277665544")?;
    signed_in_user(server, b, &phone, "Siti Aminah").await?;

    // 1. The catalogue on /beli (the demo seeds four packages); buy the first one.
    b.goto(&server.url("/beli")).await?;
    b.wait_path("/beli").await?;
    let card = b.el("package-card").await.context("no package on /beli")?;
    let name = card
        .find(fantoccini::Locator::Css("[data-testid='package-name']"))
        .await?
        .text()
        .await?;
    let price = card
        .find(fantoccini::Locator::Css("[data-testid='package-price']"))
        .await?
        .text()
        .await?;
    assert!(price.starts_with("Rp "), "price {price:?}");
    // Core API mode (`PAYMENT_PROVIDER_MODE=core_api`): pay with GoPay, whose deeplink leads
    // to the simulator's pay page.
    let options = b.fetch_json("/api/settings/payment-options").await?;
    let core_api = options["provider_mode"].as_str() == Some("core_api");
    if core_api {
        b.el("pay-method").await?.select_by_value("gopay").await?;
    }
    b.screenshot("5-beli").await?;
    card.find(fantoccini::Locator::Css("[data-testid='buy']"))
        .await?
        .click()
        .await?;

    // 2. Snap mode (the demo's default): straight to the simulator's pay page. Core API: our
    // status page with the payment instructions first, then the deeplink. Pay there.
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    let order_id = loop {
        let url = b.client.current_url().await?;
        if let Some(id) = url.path().strip_prefix("/pay/") {
            break id.to_owned();
        }
        if core_api && url.path() == "/payment/status" {
            b.el("pay-instructions").await?;
            b.el("pay-cancel").await?;
            b.screenshot("6-core-api-status").await?;
            let link = b.el("pay-deeplink").await?.attr("href").await?;
            b.goto(&link.context("deeplink without href")?).await?;
            continue;
        }
        if std::time::Instant::now() > deadline {
            let error = b.fetch_json("/api/settings/payment-availability").await?;
            bail!("buying did not reach the pay page (on {url}; availability {error})");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    b.screenshot("6-pay-page").await?;
    wait_css(b, "button[value='pay']", 10)
        .await?
        .click()
        .await?;

    // 3. Snap: the simulator returns to Snap's finish URL (our `/payment/finish`). Then our
    // status page shows the paid order.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !core_api
        && b.current_path().await?.starts_with("/pay/")
        && std::time::Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let back = b.client.current_url().await?;
    if back.path() == "/payment/finish" && back.as_str().starts_with(&server.base) {
        // The signed link (`t`) from Snap's finish URL: the public route.
        wait_css(b, "[data-testid='payment'][data-status='SUCCESS']", 30)
            .await
            .context("the order did not become SUCCESS on /payment/finish")?;
        b.screenshot("7-payment-finish").await?;
    }
    eprintln!("purchase: back from the pay page on {back}");
    let status_url = server.url(&format!("/payment/status?order_id={order_id}"));
    b.goto(&status_url).await?;
    wait_css(b, "[data-testid='payment'][data-status='SUCCESS']", 30)
        .await
        .context("the order did not become SUCCESS on /payment/status")?;
    assert_eq!(b.text("pay-order-id").await?, order_id);
    b.el("pay-success").await?;
    let invoice = b.el("invoice-link").await?;
    assert_eq!(
        invoice.attr("href").await?.as_deref(),
        Some(format!("/api/transactions/{order_id}/invoice").as_str())
    );
    b.screenshot("7-payment-status").await?;

    // 4. The history lists the paid order with its invoice.
    b.goto(&server.url("/riwayat")).await?;
    let row = wait_css(
        b,
        &format!("[data-testid='tx-row'][data-order-id='{order_id}'][data-status='SUCCESS']"),
        10,
    )
    .await?;
    assert!(row.text().await?.contains(&name));
    row.find(fantoccini::Locator::Css("[data-testid='tx-invoice']"))
        .await?;
    b.screenshot("8-riwayat").await?;

    // 5. The dashboard shows the purchased quota.
    let quota = b.fetch_json("/api/users/me/quota").await?;
    let total = quota["total_quota_purchased_mb"].as_f64().unwrap_or(0.0);
    let unlimited = quota["is_unlimited_user"].as_bool().unwrap_or(false);
    assert!(total > 0.0 || unlimited, "no quota after paying: {quota}");
    b.goto(&server.url("/dashboard")).await?;
    b.wait_path("/dashboard").await?;
    b.el("quota-card").await?;
    let shown = b.text("quota-total").await?;
    assert!(
        unlimited || shown.chars().any(|c| c.is_ascii_digit() && c != '0'),
        "dashboard total {shown:?}"
    );
    b.screenshot("9-dashboard-after-purchase").await?;

    // 6. An admin downloads this month's transactions as CSV from /admin/transactions.
    b.click("logout").await?;
    admin_login(server, b).await?;
    b.click("nav-admin-transactions").await?;
    wait_css(b, "[data-testid='tx-export-panel'] summary", 10)
        .await?
        .click()
        .await?;
    let link = wait_css(b, "[data-testid='tx-export']", 10).await?;
    let href = link
        .attr("href")
        .await?
        .context("the export link has no href")?;
    let (status, kind, csv) = b.fetch_text(&href).await?;
    if status != 200 || !kind.starts_with("text/csv") {
        bail!("export {href}: {status} {kind}: {csv}");
    }
    let row = csv
        .lines()
        .find(|l| l.contains(&order_id))
        .with_context(|| format!("{order_id} not in the export:\n{csv}"))?;
    if !row.contains("SUCCESS") || !row.contains("Rp ") {
        bail!("the export row of {order_id} is {row:?}");
    }
    eprintln!("purchase: {name} ({price}) paid as {order_id}; dashboard total {shown}; exported");
    Ok(())
}

#[tokio::test]
#[ignore = "browser test: run by `cargo xtask test`"]
async fn language_toggle_policy_and_404() -> Result<()> {
    with_browser("language", async |server, b| {
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
        Ok(())
    })
    .await
}

#[tokio::test]
#[ignore = "browser test: run by `cargo xtask test`"]
async fn admin_templates_and_inactive_accounts() -> Result<()> {
    with_browser("templates", async |server, b| {
        admin_login(server, b).await?;
        edit_template(b).await?;
        inactive_accounts(b).await
    })
    .await
}

/// The template the test edits: its placeholders are `full_name`, `idle_days` and
/// `link_user_app`.
const TEMPLATE: &str = "user_account_deactivated";

/// Text with runs of white space folded (the browser's rendering of a `pre` may differ).
fn folded(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn template_row(custom: bool) -> String {
    format!("[data-testid='template-row'][data-key='{TEMPLATE}'][data-custom='{custom}']")
}

/// The template as `GET /api/admin/message-templates` has it.
async fn template_from_api(b: &Browser) -> Result<serde_json::Value> {
    let list = b.fetch_json("/api/admin/message-templates").await?;
    list["items"]
        .as_array()
        .and_then(|items| items.iter().find(|t| t["key"] == TEMPLATE))
        .cloned()
        .with_context(|| format!("{TEMPLATE} not in {list}"))
}

/// Waits (10 s) until `[data-testid=…]` shows a text containing `needle`; that text.
async fn wait_text(b: &Browser, testid: &str, needle: &str) -> Result<String> {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let text = b.text(testid).await?;
        if text.contains(needle) {
            return Ok(text);
        }
        if std::time::Instant::now() > deadline {
            bail!("[data-testid={testid}] shows {text:?}, without {needle:?}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Types `text` into the open template and asks for a preview.
async fn preview_text(b: &Browser, text: &str) -> Result<()> {
    b.type_into("template-body", text).await?;
    b.click("template-preview-button").await
}

/// `/admin/templates` as the super admin: the server's checks under the field, a preview with
/// example values, save (kept over a reload), restore the built-in text.
async fn edit_template(b: &Browser) -> Result<()> {
    b.click("nav-admin-templates").await?;
    b.wait_path("/admin/templates").await?;
    let builtin = template_from_api(b).await?["builtin"]
        .as_str()
        .context("builtin text")?
        .to_owned();
    let row = wait_css(b, &template_row(false), 10).await?;
    let shown = row
        .find(fantoccini::Locator::Css("[data-testid='template-text']"))
        .await?
        .text()
        .await?;
    assert_eq!(folded(&shown), folded(&builtin));
    row.find(fantoccini::Locator::Css("[data-testid='template-open']"))
        .await?
        .click()
        .await?;
    assert_eq!(
        folded(
            &b.el("template-body")
                .await?
                .prop("value")
                .await?
                .unwrap_or_default()
        ),
        folded(&builtin)
    );

    // The server's checks, shown under the field: an unknown placeholder, a broken variant.
    preview_text(b, "Halo {nama_palsu}").await?;
    wait_text(b, "error-body", "{nama_palsu}").await?;
    preview_text(b, "Halo {full_name|Hai").await?;
    wait_text(b, "error-body", "tidak valid").await?;
    b.screenshot("10-template-error").await?;

    // A good text: the preview has the example values in place of the placeholders.
    let text = "Halo {full_name}, akun Anda dinonaktifkan setelah {idle_days} hari. {Sampai jumpa|Salam} dari uji E2E.";
    preview_text(b, text).await?;
    let preview = wait_text(b, "template-preview", "Budi Santoso").await?;
    assert!(
        preview.starts_with("Halo Budi Santoso, akun Anda dinonaktifkan setelah 3 hari."),
        "preview {preview:?}"
    );
    assert!(preview.ends_with("dari uji E2E."), "preview {preview:?}");
    assert!(!preview.contains('{'), "preview {preview:?}");
    b.screenshot("11-template-preview").await?;

    // Save; the API and, after a reload, the page show the saved text.
    b.click("template-save").await?;
    wait_css(b, "[data-testid='template-editor'] .alert-ok", 10)
        .await
        .context("no confirmation after saving the template")?;
    assert_eq!(template_from_api(b).await?["custom"].as_str(), Some(text));
    b.client.refresh().await?;
    let row = wait_css(b, &template_row(true), 10)
        .await
        .context("the saved template is not marked as changed after a reload")?;
    let shown = row
        .find(fantoccini::Locator::Css("[data-testid='template-text']"))
        .await?
        .text()
        .await?;
    assert_eq!(shown.trim(), text);
    b.screenshot("12-template-saved").await?;

    // Restore the built-in text (with its confirmation).
    row.find(fantoccini::Locator::Css("[data-testid='template-open']"))
        .await?
        .click()
        .await?;
    b.click("template-restore").await?;
    wait_css(
        b,
        "[data-testid='template-editor'] .confirm .btn-danger",
        10,
    )
    .await?
    .click()
    .await?;
    wait_css(b, &template_row(false), 10)
        .await
        .context("the template is still marked as changed after restoring it")?;
    assert!(template_from_api(b).await?["custom"].is_null());
    Ok(())
}

/// `/admin/inactive-accounts`: the three groups with the counts the API gives.
async fn inactive_accounts(b: &Browser) -> Result<()> {
    b.click("nav-admin-inactive-accounts").await?;
    b.wait_path("/admin/inactive-accounts").await?;
    b.el("inactive-groups").await?;
    let plan = b.fetch_json("/api/admin/inactive-accounts/preview").await?;
    let items = plan["items"].as_array().context("no preview items")?;
    assert_eq!(
        b.el("inactive-total").await?.attr("data-total").await?,
        Some(items.len().to_string())
    );
    let groups = b
        .client
        .find_all(fantoccini::Locator::Css("[data-testid='inactive-group']"))
        .await?;
    let expected = [
        ("deactivate", "Akan dinonaktifkan"),
        ("warn_before_delete", "Akan diperingatkan sebelum dihapus"),
        ("delete", "Akan dihapus"),
    ];
    assert_eq!(groups.len(), expected.len());
    for (group, (action, title)) in groups.iter().zip(expected) {
        assert_eq!(group.attr("data-action").await?.as_deref(), Some(action));
        let count = items.iter().filter(|i| i["action"] == action).count();
        assert_eq!(group.attr("data-count").await?, Some(count.to_string()));
        let heading = group
            .find(fantoccini::Locator::Css("h2"))
            .await?
            .text()
            .await?;
        assert_eq!(heading, title);
        let rows = group
            .find_all(fantoccini::Locator::Css("[data-testid='inactive-row']"))
            .await?;
        assert_eq!(rows.len(), count, "{action}");
    }
    b.screenshot("13-inactive-accounts").await?;
    Ok(())
}

#[tokio::test]
#[ignore = "browser test: run by `cargo xtask test`"]
async fn admin_router_parity() -> Result<()> {
    with_browser("parity", async |server, b| {
        admin_login(server, b).await?;
        router_parity(b).await
    })
    .await
}

fn parity_card(router: &str) -> String {
    format!("[data-testid='parity-router'][data-router='{router}']")
}

/// The text of `[data-testid=…]` inside `el`.
async fn text_in(el: &fantoccini::elements::Element, testid: &str) -> Result<String> {
    let found = el
        .find(fantoccini::Locator::Css(&format!(
            "[data-testid='{testid}']"
        )))
        .await
        .with_context(|| format!("no [data-testid={testid}]"))?;
    Ok(found.text().await?)
}

/// `/admin/parity` from the menu: each router's stored report (or "Belum ada laporan"), then
/// **Periksa sekarang** shows a fresh report whose users-checked count the API keeps.
async fn router_parity(b: &Browser) -> Result<()> {
    b.click("nav-admin-parity").await?;
    b.wait_path("/admin/parity").await?;
    let stored = wait_css(b, "[data-testid='parity-routers'][data-checks='0']", 10)
        .await
        .context("the stored reports are not shown")?;
    let cards = stored
        .find_all(fantoccini::Locator::Css("[data-testid='parity-router']"))
        .await?;
    assert!(!cards.is_empty(), "no router card");
    for card in &cards {
        match card.attr("data-state").await?.as_deref() {
            Some("none") => {
                assert!(
                    text_in(card, "parity-none")
                        .await?
                        .contains("Belum ada laporan")
                );
            }
            Some("report") => {
                let shown = text_in(card, "parity-users-checked").await?;
                assert_eq!(card.attr("data-users-checked").await?, Some(shown));
            }
            Some("skipped") => {
                assert!(
                    text_in(card, "parity-skipped")
                        .await?
                        .starts_with("Dilewati:")
                );
            }
            other => bail!("unexpected router card state {other:?}"),
        }
    }
    b.screenshot("14-parity-stored").await?;

    // Check now (read-only); a router busy with its quota sync is skipped: check again.
    let mut attempts = 0;
    let routers = loop {
        attempts += 1;
        b.click("parity-check").await?;
        let fresh = wait_css(
            b,
            &format!("[data-testid='parity-routers'][data-checks='{attempts}']"),
            30,
        )
        .await
        .context("no fresh report after \"Periksa sekarang\"")?;
        let locked = fresh
            .find_all(fantoccini::Locator::Css(
                "[data-testid='parity-skipped'][data-reason='locked']",
            ))
            .await?;
        if locked.is_empty() || attempts == 5 {
            break fresh;
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
    };
    wait_text(b, "parity-check", "Periksa sekarang").await?;
    assert_eq!(b.el("parity-check").await?.attr("disabled").await?, None);
    let done = wait_css(b, ".alert-ok[role='status']", 10).await?;
    assert!(done.text().await?.contains("Pemeriksaan selesai"));

    // The API keeps what the page shows: the same users-checked count per router.
    let api = b.fetch_json("/api/admin/policy-parity").await?;
    let items = api["items"].as_array().context("no routers in the API")?;
    let mut reported = 0;
    for item in items {
        let router = item["router"].as_str().context("router name")?;
        let card = routers
            .find(fantoccini::Locator::Css(&parity_card(router)))
            .await
            .with_context(|| format!("no card for router {router}"))?;
        let report = &item["report"];
        if report.is_null() {
            // Disabled routers are not checked.
            assert_ne!(card.attr("data-state").await?.as_deref(), Some("report"));
            continue;
        }
        assert_eq!(
            card.attr("data-state").await?.as_deref(),
            Some("report"),
            "router {router}: {api}"
        );
        let checked = report["users_checked"].as_u64().context("users_checked")?;
        assert_eq!(
            text_in(&card, "parity-users-checked").await?,
            checked.to_string()
        );
        assert_eq!(
            card.attr("data-users-checked").await?,
            Some(checked.to_string())
        );
        // `dd-mm-yyyy HH:MM` in the operator's time zone.
        let generated = text_in(&card, "parity-generated").await?;
        let g = generated.as_bytes();
        assert!(
            g.len() >= 16 && g[2] == b'-' && g[5] == b'-' && g[10] == b' ' && g[13] == b':',
            "generated {generated:?}"
        );
        // One row per differing user (the server lists up to 300).
        let differing: usize = text_in(&card, "parity-users-differing").await?.parse()?;
        let rows = card
            .find_all(fantoccini::Locator::Css("[data-testid='parity-row']"))
            .await?;
        assert_eq!(rows.len(), differing.min(300), "router {router}");
        eprintln!("parity: router {router}: {checked} users checked, {differing} differing");
        reported += 1;
    }
    assert!(reported > 0, "no router was checked: {api}");
    b.screenshot("15-parity-checked").await?;
    Ok(())
}

#[tokio::test]
#[ignore = "browser test: run by `cargo xtask test`"]
async fn admin_routers() -> Result<()> {
    with_browser("routers", async |server, b| {
        admin_login(server, b).await?;
        routers(b).await
    })
    .await
}

/// The router `name` as `GET /api/admin/routers` has it (`None`: not listed), and the list.
async fn router_from_api(
    b: &Browser,
    name: &str,
) -> Result<(Option<serde_json::Value>, serde_json::Value)> {
    let list = b.fetch_json("/api/admin/routers").await?;
    let items = list["items"]
        .as_array()
        .with_context(|| format!("no router list: {list}"))?;
    let found = items.iter().find(|r| r["name"] == name).cloned();
    Ok((found, list))
}

/// The CSS of router `name`'s table row, followed by `inner` (a descendant selector or "").
fn router_row(name: &str, inner: &str) -> String {
    format!("[data-testid='router-row'][data-name='{name}'] {inner}")
}

/// Clicks `inner` (a CSS selector) in router `name`'s row, found afresh: the table is
/// redrawn after every change.
async fn click_in_row(b: &Browser, name: &str, inner: &str) -> Result<()> {
    let e = wait_css(b, &router_row(name, inner), 10).await?;
    b.click_el(&e).await
}

/// Clicks the button `[data-testid=…]` in router `name`'s row.
async fn row_button(b: &Browser, name: &str, testid: &str) -> Result<()> {
    click_in_row(b, name, &format!("[data-testid='{testid}']")).await
}

/// The seconds input of `job` in the router form.
async fn job_seconds(b: &Browser, job: &str) -> Result<fantoccini::elements::Element> {
    wait_css(
        b,
        &format!("[data-testid='router-job-seconds'][data-job='{job}']"),
        10,
    )
    .await
}

/// Waits (10 s) until nothing matches the CSS selector `css`.
async fn wait_gone(b: &Browser, css: &str, what: &str) -> Result<()> {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !b
        .client
        .find_all(fantoccini::Locator::Css(css))
        .await?
        .is_empty()
    {
        if std::time::Instant::now() > deadline {
            bail!("{what}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(())
}

/// Saves the open router form and waits for the page's confirmation and the closed form.
async fn save_router_form(b: &Browser) -> Result<()> {
    b.click("router-save").await?;
    wait_css(b, "[data-testid='routers-feedback'] .alert-ok", 10)
        .await
        .context("no confirmation after saving the router")?;
    wait_gone(
        b,
        "[data-testid='router-form']",
        "the router form stayed open after saving",
    )
    .await
}

/// `/admin/routers` as the super admin: the default router (the simulator) with a check;
/// add "site-b", check it (offline: nothing listens on port 1), change its schedule and
/// switch it off, a bad CIDR answered by the server, the default router's own quota-sync
/// schedule, the default router refused deletion, and site-b deleted.
async fn routers(b: &Browser) -> Result<()> {
    b.click("nav-admin-routers").await?;
    b.wait_path("/admin/routers").await?;
    b.el("routers").await.context("no router table")?;

    // 1. The table lists what the API has, the default router (the simulator) marked.
    let list = b.fetch_json("/api/admin/routers").await?;
    let items = list["items"].as_array().context("no router items")?;
    let rows = b
        .client
        .find_all(fantoccini::Locator::Css("[data-testid='router-row']"))
        .await?;
    assert_eq!(rows.len(), items.len(), "{list}");
    let default = items
        .iter()
        .find(|r| r["is_default"] == true)
        .with_context(|| format!("no default router: {list}"))?
        .clone();
    let default_name = default["name"].as_str().context("default name")?.to_owned();
    let default_id = default["id"].as_str().context("default id")?.to_owned();
    wait_css(
        b,
        &router_row(&default_name, "[data-testid='router-default']"),
        10,
    )
    .await?;
    let address = wait_css(
        b,
        &router_row(&default_name, "[data-testid='router-address']"),
        10,
    )
    .await?
    .text()
    .await?;
    assert_eq!(
        address,
        format!(
            "{}:{}",
            default["host"].as_str().unwrap_or_default(),
            default["port"]
        )
    );
    let quota_sync = list["jobs"]
        .as_array()
        .and_then(|jobs| jobs.iter().find(|j| j["name"] == "quota-sync"))
        .with_context(|| format!("quota-sync is not a per-router job: {list}"))?;
    assert_eq!(quota_sync["min_seconds"].as_u64(), Some(60), "{quota_sync}");
    b.screenshot("16-routers").await?;

    // 2. Check the default router: the simulator answers.
    row_button(b, &default_name, "router-check").await?;
    let done = wait_css(b, "[data-testid='routers-feedback'] .alert-ok", 15)
        .await
        .context("no answer after checking the default router")?;
    assert!(done.text().await?.contains("terhubung"));
    wait_css(
        b,
        &router_row(
            &default_name,
            "[data-testid='router-status'][data-state='online']",
        ),
        10,
    )
    .await?;
    let (checked, _) = router_from_api(b, &default_name).await?;
    let checked = checked.context("default router gone")?;
    assert_eq!(checked["online"], true, "{checked}");
    let version = wait_css(
        b,
        &router_row(&default_name, "[data-testid='router-version']"),
        10,
    )
    .await?
    .text()
    .await?;
    assert_eq!(Some(version.as_str()), checked["routeros_version"].as_str());
    // `dd-mm-yyyy HH:MM` in the operator's time zone.
    let seen = wait_css(
        b,
        &router_row(&default_name, "[data-testid='router-last-seen']"),
        10,
    )
    .await?
    .text()
    .await?;
    let s = seen.as_bytes();
    assert!(
        s.len() >= 16 && s[2] == b'-' && s[5] == b'-' && s[10] == b' ' && s[13] == b':',
        "last seen {seen:?}"
    );

    // 3. Add site-b with its own quota-sync schedule.
    b.click("router-add").await?;
    b.type_into("router-name", "site-b").await?;
    b.type_into("router-host", "127.0.0.1").await?;
    b.type_into("router-port", "1").await?;
    b.type_into("router-username", "api").await?;
    b.type_into("router-password", "secret").await?;
    b.type_into("router-cidrs", "10.9.0.0/24").await?;
    job_seconds(b, "quota-sync").await?.send_keys("120").await?;
    b.screenshot("17-router-new").await?;
    save_router_form(b).await?;
    wait_css(
        b,
        &router_row(
            "site-b",
            "[data-testid='router-schedule'][data-job='quota-sync'][data-seconds='120']",
        ),
        10,
    )
    .await
    .context("site-b is not listed with its schedule")?;
    let (site, _) = router_from_api(b, "site-b").await?;
    let site = site.context("site-b is not in the API's list")?;
    let site_id = site["id"].as_str().context("site-b id")?.to_owned();
    assert_eq!(site["host"], "127.0.0.1");
    assert_eq!(site["port"], 1);
    assert_eq!(site["username"], "api");
    assert_eq!(
        site["hotspot_client_cidrs"],
        serde_json::json!(["10.9.0.0/24"])
    );
    assert_eq!(
        site["job_intervals"],
        serde_json::json!({"quota-sync": 120})
    );
    assert_eq!(site["is_enabled"], true);
    assert_eq!(site["is_default"], false);
    assert!(
        site.get("password").is_none(),
        "the API shows a password: {site}"
    );
    assert_eq!(
        wait_css(
            b,
            &router_row("site-b", "[data-testid='router-cidrs-cell']"),
            10
        )
        .await?
        .text()
        .await?,
        "10.9.0.0/24"
    );

    // 4. Check site-b: nothing listens on port 1, so it is offline with the error.
    row_button(b, "site-b", "router-check").await?;
    let failed = wait_css(b, "[data-testid='routers-feedback'] .alert-error", 30)
        .await
        .context("no answer after checking site-b")?;
    assert!(failed.text().await?.contains("tidak dapat dihubungi"));
    wait_css(
        b,
        &router_row(
            "site-b",
            "[data-testid='router-status'][data-state='offline']",
        ),
        10,
    )
    .await?;
    let (site, _) = router_from_api(b, "site-b").await?;
    let site = site.context("site-b gone")?;
    assert_eq!(site["online"], false, "{site}");
    let error = site["last_error"].as_str().context("no last_error")?;
    let shown = wait_css(
        b,
        &router_row("site-b", "[data-testid='router-last-error']"),
        10,
    )
    .await?
    .text()
    .await?;
    assert_eq!(shown, error);
    b.screenshot("18-router-offline").await?;

    // 5. Change site-b: quota-sync every 600 s, switched off. The password is kept.
    row_button(b, "site-b", "router-edit").await?;
    let name = b.el("router-name").await?.prop("value").await?;
    assert_eq!(name.as_deref(), Some("site-b"));
    assert_eq!(
        b.el("router-password")
            .await?
            .prop("value")
            .await?
            .as_deref(),
        Some("")
    );
    b.el("router-password-keep").await?;
    let seconds = job_seconds(b, "quota-sync").await?;
    assert_eq!(seconds.prop("value").await?.as_deref(), Some("120"));
    seconds.clear().await?;
    seconds.send_keys("600").await?;
    b.click("router-enabled").await?;
    save_router_form(b).await?;
    wait_css(
        b,
        "[data-testid='router-row'][data-name='site-b'][data-enabled='false'] \
         [data-testid='router-schedule'][data-job='quota-sync'][data-seconds='600']",
        10,
    )
    .await
    .context("site-b does not show the change")?;
    let (site, _) = router_from_api(b, "site-b").await?;
    let site = site.context("site-b gone")?;
    assert_eq!(site["is_enabled"], false, "{site}");
    assert_eq!(
        site["job_intervals"],
        serde_json::json!({"quota-sync": 600})
    );
    assert_eq!(
        site["hotspot_client_cidrs"],
        serde_json::json!(["10.9.0.0/24"])
    );

    // 6. A bad CIDR: the server's message next to the form, nothing changed.
    let (status, answer) = b
        .fetch_with(
            "PUT",
            &format!("/api/admin/routers/{site_id}"),
            Some(&serde_json::json!({"hotspot_client_cidrs": ["10.9.0.0/33"]})),
        )
        .await?;
    assert!(matches!(status, 400 | 422), "{status} {answer}");
    let message = answer["message"].as_str().context("no message")?.to_owned();
    row_button(b, "site-b", "router-edit").await?;
    b.type_into("router-cidrs", "10.9.0.0/33").await?;
    b.click("router-save").await?;
    let errors = wait_text(b, "form-errors", &message).await?;
    eprintln!("routers: a bad CIDR is answered {status} {errors:?}");
    b.screenshot("19-router-bad-cidr").await?;
    b.click("router-cancel").await?;
    let (site, _) = router_from_api(b, "site-b").await?;
    assert_eq!(
        site.context("site-b gone")?["hotspot_client_cidrs"],
        serde_json::json!(["10.9.0.0/24"])
    );

    // 7. The default router's own quota-sync schedule (its connection is read-only when
    // MIKROTIK_* configures it).
    row_button(b, &default_name, "router-edit").await?;
    if default["managed_by_env"] == true {
        b.el("router-env-note").await?;
        assert!(b.el("router-name").await?.attr("readonly").await?.is_some());
        assert!(
            b.el("router-password")
                .await?
                .attr("readonly")
                .await?
                .is_some()
        );
    }
    let seconds = job_seconds(b, "quota-sync").await?;
    seconds.clear().await?;
    seconds.send_keys("900").await?;
    b.screenshot("20-router-default-form").await?;
    save_router_form(b).await?;
    wait_css(
        b,
        &router_row(
            &default_name,
            "[data-testid='router-schedule'][data-job='quota-sync'][data-seconds='900']",
        ),
        10,
    )
    .await
    .context("the default router does not show its schedule")?;
    let (saved, _) = router_from_api(b, &default_name).await?;
    let saved = saved.context("default router gone")?;
    assert_eq!(saved["job_intervals"]["quota-sync"], 900, "{saved}");
    assert_eq!(saved["host"], default["host"]);
    b.screenshot("21-router-default-schedule").await?;

    // 8. The default router cannot be deleted: the server's message.
    let (status, answer) = b
        .fetch_with("DELETE", &format!("/api/admin/routers/{default_id}"), None)
        .await?;
    assert_eq!(status, 409, "{answer}");
    let message = answer["message"].as_str().context("no message")?.to_owned();
    row_button(b, &default_name, "router-delete").await?;
    click_in_row(
        b,
        &default_name,
        "[data-testid='router-delete-confirm'] .btn-danger",
    )
    .await?;
    wait_text(b, "routers-feedback", &message).await?;
    assert!(router_from_api(b, &default_name).await?.0.is_some());

    // 9. Delete site-b (with its confirmation): gone from the table and the API.
    row_button(b, "site-b", "router-delete").await?;
    click_in_row(
        b,
        "site-b",
        "[data-testid='router-delete-confirm'] .btn-danger",
    )
    .await?;
    wait_text(b, "routers-feedback", "Router dihapus").await?;
    wait_gone(
        b,
        &router_row("site-b", ""),
        "site-b is still listed after deleting it",
    )
    .await?;
    let (gone, list) = router_from_api(b, "site-b").await?;
    assert!(gone.is_none(), "site-b is still in the API: {list}");
    b.screenshot("22-router-deleted").await?;
    Ok(())
}

/// The id of the account with this local number (`GET /api/admin/users?search=`).
async fn user_id_by_phone(b: &Browser, local: &str) -> Result<String> {
    let found = b
        .fetch_json(&format!("/api/admin/users?search={local}"))
        .await?;
    found["items"][0]["id"]
        .as_str()
        .map(str::to_owned)
        .with_context(|| format!("no user {local}: {found}"))
}

/// An account's purchased (effective) MB as the admin API has it.
async fn purchased_mb(b: &Browser, id: &str) -> Result<f64> {
    let user = b.fetch_json(&format!("/api/admin/users/{id}")).await?;
    user["total_quota_purchased_mb"]
        .as_f64()
        .with_context(|| format!("no quota in {user}"))
}

/// MB as the SPA shows them in Indonesian (`2,00 GB`).
fn mb_text(mb: f64) -> String {
    saring_domain::Megabytes::from_f64(mb)
        .map(|m| m.display(saring_domain::Locale::Id))
        .unwrap_or_default()
}

#[tokio::test]
#[ignore = "browser test: run by `cargo xtask test`"]
async fn admin_injects_quota_on_the_user_page() -> Result<()> {
    with_browser("inject", inject_quota).await
}

/// An approved user; the admin opens the user's page, injects 2 GB and 30 days on the quota
/// tab (the API and the page's header follow, the quota history lists it), then the user logs
/// in and the dashboard shows the quota the API has.
async fn inject_quota(server: &Server, b: &Browser) -> Result<()> {
    let phone = Phone::parse("081266554433")?;
    let local = phone.local();
    let (ip, mac) = server.simulated_host(0)?;
    let captive = server.url(&format!("/captive?client_ip={ip}&client_mac={mac}"));
    register_on_captive(b, &captive, "Rina Wati", &local).await?;
    admin_login(server, b).await?;
    approve_in_admin_ui(b, &local).await?;
    let id = user_id_by_phone(b, &local).await?;
    let before = purchased_mb(b, &id).await?;

    // 1. The user page, quota tab: 2 GB (the default unit) and 30 days, with a reason.
    b.goto(&server.url(&format!("/admin/users/{id}"))).await?;
    b.el("user-console").await?;
    b.click("tab-quota").await?;
    b.type_into("inject-amount", "2").await?;
    b.type_into("inject-days", "30").await?;
    b.type_into("inject-reason", "Uji E2E").await?;
    b.screenshot("23-inject-form").await?;
    b.click("inject-submit").await?;
    let done = wait_css(b, "[data-testid='inject-section'] .alert-ok", 15)
        .await
        .context("no confirmation after injecting quota")?;
    let said = done.text().await?;
    assert!(said.contains("Kuota ditambahkan"), "{said:?}");
    let after = purchased_mb(b, &id).await?;
    assert!(
        (after - before - 2048.0).abs() < 0.01,
        "purchased {before} → {after}"
    );
    // The page reloaded the account: the header shows the remaining quota the API has.
    let user = b.fetch_json(&format!("/api/admin/users/{id}")).await?;
    let remaining = mb_text(user["remaining_mb"].as_f64().unwrap_or_default());
    wait_text(b, "user-detail-remaining", &remaining).await?;
    b.screenshot("24-injected").await?;

    // 2. The quota history lists it, in words.
    b.click("tab-history").await?;
    let rows = wait_css(b, "[data-testid='history-row']", 10)
        .await
        .context("no quota history after an inject")?;
    assert!(!rows.text().await?.trim().is_empty());
    b.screenshot("25-quota-history").await?;
    b.click("logout").await?;
    b.wait_path("/admin").await?;

    // 3. The user logs in; the dashboard shows the quota the API has.
    login_on_captive(server, b, &captive, &phone).await?;
    let quota = b.fetch_json("/api/users/me/quota").await?;
    let total = quota["total_quota_purchased_mb"].as_f64().unwrap_or(0.0);
    assert!((total - after).abs() < 0.01, "dashboard API {quota}");
    b.goto(&server.url("/dashboard")).await?;
    b.wait_path("/dashboard").await?;
    let shown = wait_text(b, "quota-total", &mb_text(total)).await?;
    b.screenshot("26-dashboard-after-inject").await?;
    eprintln!("inject: purchased {before} → {after} MB; dashboard total {shown}");
    Ok(())
}

#[tokio::test]
#[ignore = "browser test: run by `cargo xtask test`"]
async fn komandan_request_approved_once() -> Result<()> {
    with_browser("komandan", komandan_request).await
}

/// The admin adds a komandan with the add-user dialog; the komandan logs in, sees the limits
/// on `/requests` and asks for 1 GB for 7 days; the admin sees the waiting count, approves on
/// `/admin/requests`; the komandan's quota grows by 1 GB exactly once (a second decision is
/// refused with 409 and changes nothing).
async fn komandan_request(server: &Server, b: &Browser) -> Result<()> {
    let phone = Phone::parse("081255443322")?;
    let local = phone.local();
    let (ip, mac) = server.simulated_host(0)?;
    let captive = server.url(&format!("/captive?client_ip={ip}&client_mac={mac}"));

    // 1. The admin adds the komandan (approved at once).
    admin_login(server, b).await?;
    b.click("add-user").await?;
    b.el("add-user-dialog").await?;
    b.type_into("add-name", "Komandan Joko").await?;
    b.type_into("add-phone", &local).await?;
    b.click("add-role-komandan").await?;
    b.choose("add-blok", "A").await?;
    b.choose("add-kamar", "1").await?;
    b.screenshot("27-add-komandan").await?;
    b.click("add-submit").await?;
    b.el("created-user")
        .await
        .context("the add-user dialog did not confirm")?;
    let id = user_id_by_phone(b, &local).await?;
    let user = b.fetch_json(&format!("/api/admin/users/{id}")).await?;
    assert_eq!(user["role"], "KOMANDAN", "{user}");
    assert_eq!(user["approval_status"], "APPROVED", "{user}");
    b.click("add-user-dialog-close").await?;
    b.click("logout").await?;
    b.wait_path("/admin").await?;

    // 2. The komandan logs in and files a request on /requests.
    login_on_captive(server, b, &captive, &phone).await?;
    let before = b.fetch_json("/api/users/me/quota").await?["total_quota_purchased_mb"]
        .as_f64()
        .unwrap_or(0.0);
    b.goto(&server.url("/requests")).await?;
    b.wait_path("/requests").await?;
    wait_css(b, "[data-testid='request-limits'][data-open='true']", 10)
        .await
        .context("the limits do not allow a request")?;
    b.type_into("request-amount", "1").await?;
    b.type_into("request-days", "7").await?;
    b.screenshot("28-request-form").await?;
    b.click("request-submit").await?;
    let row = wait_css(b, "[data-testid='my-request-row']", 10)
        .await
        .context("the request is not in the history")?;
    assert!(row.text().await?.contains("Menunggu"));
    // Now the limits say why no other request can be made.
    wait_css(b, "[data-testid='request-limits'][data-open='false']", 10).await?;
    let history = b.fetch_json("/api/komandan/requests/history").await?;
    let request = history["items"][0].clone();
    assert_eq!(request["status"], "PENDING", "{history}");
    assert_eq!(request["requested_mb"], 1024, "{history}");
    let rid = request["id"].as_str().context("request id")?.to_owned();
    b.screenshot("29-request-sent").await?;
    b.click("logout").await?;
    b.wait_path("/login").await?;

    // 3. The admin sees the waiting request and approves it.
    admin_login(server, b).await?;
    wait_text(b, "pending-requests", "1").await?;
    b.click("nav-admin-requests").await?;
    b.wait_path("/admin/requests").await?;
    let row_css = format!("[data-testid='request-row'][data-id='{rid}']");
    let open = wait_css(b, &format!("{row_css} [data-testid='process-open']"), 10).await?;
    b.click_el(&open).await?;
    b.el("process-box").await?;
    b.screenshot("30-process").await?;
    b.click("process-submit").await?;
    wait_gone(
        b,
        &row_css,
        "the approved request is still listed as waiting",
    )
    .await?;
    b.el("no-requests").await?;
    wait_gone(
        b,
        "[data-testid='pending-requests']",
        "the waiting count stayed",
    )
    .await?;
    let approved = b
        .fetch_json("/api/admin/quota-requests?status=APPROVED")
        .await?;
    assert!(
        approved["items"]
            .as_array()
            .is_some_and(|items| items.iter().any(|r| r["id"] == rid.as_str())),
        "{approved}"
    );

    // 4. Once: a second decision is refused and the quota grew by 1 GB only.
    let (status, answer) = b
        .fetch_with(
            "POST",
            &format!("/api/admin/quota-requests/{rid}/process"),
            Some(&serde_json::json!({"action": "APPROVE"})),
        )
        .await?;
    assert_eq!(status, 409, "{answer}");
    let after = purchased_mb(b, &id).await?;
    assert!(
        (after - before - 1024.0).abs() < 0.01,
        "purchased {before} → {after}"
    );
    b.screenshot("31-request-approved").await?;
    eprintln!("komandan: purchased {before} → {after} MB after one approval");
    Ok(())
}

#[tokio::test]
#[ignore = "browser test: run by `cargo xtask test`"]
async fn maintenance_switched_from_the_settings_page() -> Result<()> {
    with_browser("maintenance", maintenance).await
}

/// Switches maintenance on (or off) on `/admin/settings` as the super admin and waits for the
/// page to say it saved.
async fn set_maintenance(b: &Browser, on: bool, message: Option<&str>) -> Result<()> {
    b.click("nav-admin-settings").await?;
    let switch = wait_css(b, "[data-testid='setting-MAINTENANCE_MODE_ACTIVE']", 10).await?;
    if switch.is_selected().await? != on {
        b.click_el(&switch).await?;
    }
    if let Some(m) = message {
        b.type_into("setting-MAINTENANCE_MODE_MESSAGE", m).await?;
    }
    b.click("settings-save-maintenance").await?;
    let section = b.el("settings-maintenance").await?;
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !section.text().await?.contains("Pengaturan disimpan") {
        if std::time::Instant::now() > deadline {
            bail!(
                "the settings page did not confirm the save: {}",
                section.text().await?
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let list = b.fetch_json("/api/admin/settings").await?;
    let value = list["items"]
        .as_array()
        .and_then(|i| i.iter().find(|i| i["key"] == "MAINTENANCE_MODE_ACTIVE"))
        .map(|i| i["value"].clone());
    let want = if on { "True" } else { "False" };
    if value.as_ref().and_then(|v| v.as_str()) != Some(want) {
        bail!("the server has MAINTENANCE_MODE_ACTIVE = {value:?}, not {want}");
    }
    Ok(())
}

/// The super admin switches maintenance on: a visitor's page shows the maintenance screen
/// with the message, the admin still signs in; switched off, the portal is back.
async fn maintenance(server: &Server, b: &Browser) -> Result<()> {
    let message = "Perbaikan jaringan sampai pukul 14.00.";
    admin_login(server, b).await?;
    set_maintenance(b, true, Some(message)).await?;
    b.screenshot("maintenance-1-settings").await?;
    b.click("logout").await?;
    b.wait_path("/admin").await?;
    b.goto(&server.url("/login")).await?;
    b.wait_path("/maintenance").await?;
    wait_text(b, "maintenance", message).await?;
    b.screenshot("maintenance-2-visitor").await?;

    admin_login(server, b).await?;
    set_maintenance(b, false, None).await?;
    b.click("logout").await?;
    b.wait_path("/admin").await?;
    b.goto(&server.url("/login")).await?;
    b.wait_path("/login").await?;
    Ok(())
}

#[tokio::test]
#[ignore = "browser test: run by `cargo xtask test`"]
async fn backup_made_and_restored_from_the_backup_page() -> Result<()> {
    with_browser("backup", backup_and_restore).await
}

/// The super admin makes a backup on `/admin/backup`, changes a setting, restores the backup
/// after its warning: the setting is back, and the data it replaced is kept as a backup.
async fn backup_and_restore(server: &Server, b: &Browser) -> Result<()> {
    admin_login(server, b).await?;
    b.click("nav-admin-backup").await?;
    b.wait_path("/admin/backup").await?;
    b.click("backup-create").await?;
    wait_text(b, "backup-feedback", "dibuat").await?;
    wait_css(b, "[data-testid='backup-row']", 10).await?;
    b.screenshot("backup-1-made").await?;

    let (status, answer) = b
        .fetch_with(
            "PUT",
            "/api/admin/settings",
            Some(&serde_json::json!({"settings": {"APP_NAME": "Nama Sesudah Backup"}})),
        )
        .await?;
    assert_eq!(status, 200, "{answer}");

    b.click_el(
        &wait_css(
            b,
            "[data-testid='backup-row'] [data-testid='backup-restore']",
            10,
        )
        .await?,
    )
    .await?;
    b.click_el(
        &wait_css(
            b,
            "[data-testid='backup-restore-confirm'] [data-testid='confirm-yes']",
            10,
        )
        .await?,
    )
    .await?;
    wait_text(b, "backup-feedback", "Pemulihan selesai").await?;
    b.screenshot("backup-2-restored").await?;
    let list = b.fetch_json("/api/admin/backups").await?;
    let kinds: Vec<&str> = list["items"]
        .as_array()
        .context("no backups")?
        .iter()
        .filter_map(|i| i["kind"].as_str())
        .collect();
    assert!(
        kinds.contains(&"pre_restore") && kinds.contains(&"manual"),
        "{list}"
    );
    let settings = b.fetch_json("/api/admin/settings").await?;
    let name = settings["items"]
        .as_array()
        .and_then(|i| i.iter().find(|i| i["key"] == "APP_NAME"))
        .map(|i| i["value"].clone());
    assert_ne!(
        name.as_ref().and_then(|v| v.as_str()),
        Some("Nama Sesudah Backup"),
        "the restore did not bring the old name back"
    );
    Ok(())
}
