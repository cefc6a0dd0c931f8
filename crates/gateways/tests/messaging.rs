//! Messengers (Fonnte against a local fake, console outbox, recording fake, breaker), the
//! template renderer and the Telegram client.
#![allow(clippy::unwrap_used)] // tests may unwrap (workspace lint)

mod common;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{form, phone};
use rand::SeedableRng;
use rand::rngs::StdRng;
use saring_gateways::telegram::{TelegramClient, TelegramConfig, TelegramError};
use saring_gateways::{
    BreakerConfig, BreakerMessenger, CircuitBreaker, CircuitState, ConsoleMessenger, FailureKind,
    FonnteConfig, FonnteMessenger, Messenger, MessengerError, Outbox, OutgoingMessage,
    RecordingMessenger, Template, TemplateError, install_crypto_provider, render,
};
use secrecy::SecretString;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "fonnte-device-token-123";

fn fonnte(server: &MockServer) -> FonnteMessenger {
    install_crypto_provider();
    FonnteMessenger::new(FonnteConfig {
        send_url: format!("{}/send", server.uri()),
        validate_url: format!("{}/validate", server.uri()),
        timeout: Duration::from_secs(2),
        ..FonnteConfig::new(SecretString::from(TOKEN))
    })
    .unwrap()
}

async fn answer(server: &MockServer, route: &str, template: ResponseTemplate) {
    Mock::given(method("POST"))
        .and(path(route))
        .respond_with(template)
        .mount(server)
        .await;
}

/// Sends one text message through a Fonnte fake answering `template` and returns the error.
async fn send_error(template: ResponseTemplate) -> MessengerError {
    let server = MockServer::start().await;
    answer(&server, "/send", template).await;
    fonnte(&server)
        .send(&OutgoingMessage::text(phone("081234567890"), "x"))
        .await
        .unwrap_err()
}

fn rejected(reason: &str) -> MessengerError {
    MessengerError::Rejected {
        reason: reason.into(),
    }
}

#[tokio::test]
async fn fonnte_send_success_posts_the_reference_form() {
    let server = MockServer::start().await;
    answer(
        &server,
        "/send",
        ResponseTemplate::new(200).set_body_json(json!({
            "status": true, "detail": "success! message in queue", "id": ["80367170"],
            "process": "pending", "requestid": 2937124, "target": ["6281234567890"]
        })),
    )
    .await;
    let m = fonnte(&server);
    let msg = OutgoingMessage::text(phone("0812-3456-7890"), "Halo *Budi* & kawan: 100%");
    let delivery = m.send(&msg).await.unwrap();
    assert_eq!(delivery.provider_message_id.as_deref(), Some("80367170"));
    assert_eq!(m.name(), "fonnte");

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    let req = &requests[0];
    assert_eq!(
        req.headers.get("authorization").unwrap().to_str().unwrap(),
        TOKEN
    );
    assert!(
        req.headers
            .get("content-type")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("application/x-www-form-urlencoded")
    );
    let fields = form(&req.body);
    assert_eq!(fields["target"], "6281234567890");
    assert_eq!(fields["message"], "Halo *Budi* & kawan: 100%");
    assert_eq!(fields["countryCode"], "0");
    assert!(!fields.contains_key("url") && !fields.contains_key("filename"));
}

#[tokio::test]
async fn fonnte_sends_documents_by_url() {
    let server = MockServer::start().await;
    answer(
        &server,
        "/send",
        ResponseTemplate::new(200).set_body_json(json!({"status": true, "id": [7]})),
    )
    .await;
    let msg = OutgoingMessage::text(phone("+6281234567890"), "Invoice Anda").with_document(
        "https://portal.example/invoice/temp/abc.pdf",
        "invoice-BD-LPSR-1.pdf",
    );
    let delivery = fonnte(&server).send(&msg).await.unwrap();
    assert_eq!(delivery.provider_message_id.as_deref(), Some("7"));
    let fields = form(&server.received_requests().await.unwrap()[0].body);
    assert_eq!(fields["url"], "https://portal.example/invoice/temp/abc.pdf");
    assert_eq!(fields["filename"], "invoice-BD-LPSR-1.pdf");
    assert_eq!(fields["message"], "Invoice Anda");
}

#[tokio::test]
async fn fonnte_status_false_is_a_rejection_with_the_reason() {
    for reason in ["token invalid", "target invalid", "insufficient quota"] {
        let body = json!({"status": false, "reason": reason});
        let err = send_error(ResponseTemplate::new(200).set_body_json(body)).await;
        assert_eq!(err, rejected(reason));
        assert!(!err.is_transient());
    }
}

#[tokio::test]
async fn fonnte_key_casing_does_not_matter() {
    let server = MockServer::start().await;
    let body = json!({"Status": true, "ID": ["1"]});
    answer(
        &server,
        "/send",
        ResponseTemplate::new(200).set_body_json(body),
    )
    .await;
    let ok = fonnte(&server)
        .send(&OutgoingMessage::text(phone("081234567890"), "x"))
        .await
        .unwrap();
    assert_eq!(ok.provider_message_id.as_deref(), Some("1"));

    let body = json!({"Status": false, "Reason": "target invalid"});
    let err = send_error(ResponseTemplate::new(200).set_body_json(body)).await;
    assert_eq!(err, rejected("target invalid"));
}

#[tokio::test]
async fn fonnte_server_errors_and_timeouts_are_transient() {
    for status in [500, 502, 503, 429] {
        let err = send_error(ResponseTemplate::new(status).set_body_string("Server Error")).await;
        assert!(err.is_transient(), "{status}: {err}");
    }
    // Even when the 5xx carries a Fonnte-shaped refusal.
    let body = json!({"status": false, "reason": "server busy"});
    assert!(
        send_error(ResponseTemplate::new(503).set_body_json(body))
            .await
            .is_transient()
    );
    // An answer that is not JSON (a proxy page) is transient too.
    assert!(
        send_error(ResponseTemplate::new(200).set_body_string("<html>"))
            .await
            .is_transient()
    );

    // A short OTP deadline wins over the messenger's 2 s timeout.
    let server = MockServer::start().await;
    answer(
        &server,
        "/send",
        ResponseTemplate::new(200)
            .set_body_json(json!({"status": true}))
            .set_delay(Duration::from_secs(3)),
    )
    .await;
    let mut otp = OutgoingMessage::otp(phone("081234567890"), "Kode OTP Anda: *123456*");
    assert_eq!(otp.timeout, Some(Duration::from_secs(8)));
    otp.timeout = Some(Duration::from_millis(300));
    let started = Instant::now();
    let err = fonnte(&server).send(&otp).await.unwrap_err();
    assert!(err.is_transient(), "{err}");
    assert!(err.to_string().contains("timeout"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(!err.to_string().contains(TOKEN));
}

#[tokio::test]
async fn fonnte_connection_refused_is_transient_and_https_urls_work() {
    install_crypto_provider();
    // Nothing listens on port 9: the connection fails.
    let m = FonnteMessenger::new(FonnteConfig {
        send_url: "https://127.0.0.1:9/send".into(),
        timeout: Duration::from_secs(2),
        ..FonnteConfig::new(SecretString::from(TOKEN))
    })
    .unwrap();
    let err = m
        .send(&OutgoingMessage::text(phone("081234567890"), "x"))
        .await
        .unwrap_err();
    assert!(err.is_transient(), "{err}");
    // The default (HTTPS) endpoints build a client with the platform verifier.
    assert!(FonnteMessenger::new(FonnteConfig::new(SecretString::from(TOKEN))).is_ok());
    assert!(matches!(
        FonnteMessenger::new(FonnteConfig::new(SecretString::from("  "))),
        Err(MessengerError::Config { .. })
    ));
    assert!(matches!(
        FonnteMessenger::new(FonnteConfig {
            send_url: "not a url".into(),
            ..FonnteConfig::new(SecretString::from(TOKEN))
        }),
        Err(MessengerError::Config { .. })
    ));
}

#[tokio::test]
async fn fonnte_validate_tells_registered_numbers() {
    let server = MockServer::start().await;
    answer(
        &server,
        "/validate",
        ResponseTemplate::new(200).set_body_json(json!({
            "status": true, "registered": ["6281234567890"], "not_registered": ["6281111111111"]
        })),
    )
    .await;
    let m = fonnte(&server);
    assert_eq!(
        m.is_registered(&phone("081234567890")).await,
        Ok(Some(true))
    );
    assert_eq!(
        m.is_registered(&phone("081111111111")).await,
        Ok(Some(false))
    );
    assert_eq!(m.is_registered(&phone("081299999999")).await, Ok(None));
    let requests = server.received_requests().await.unwrap();
    let fields = form(&requests[0].body);
    assert_eq!(fields["target"], "6281234567890");
    assert_eq!(fields["countryCode"], "0");
    assert_eq!(
        requests[0]
            .headers
            .get("authorization")
            .unwrap()
            .to_str()
            .unwrap(),
        TOKEN
    );

    let server = MockServer::start().await;
    answer(
        &server,
        "/validate",
        ResponseTemplate::new(200)
            .set_body_json(json!({"status": false, "reason": "token invalid"})),
    )
    .await;
    assert_eq!(
        fonnte(&server).is_registered(&phone("081234567890")).await,
        Err(rejected("token invalid"))
    );
}

#[tokio::test]
async fn console_messenger_keeps_a_bounded_outbox() {
    let outbox = Outbox::new(3);
    let m: Arc<dyn Messenger> = Arc::new(ConsoleMessenger::new(outbox.clone()));
    for i in 1..=5 {
        let d = m
            .send(&OutgoingMessage::text(
                phone("081234567890"),
                format!("pesan {i}"),
            ))
            .await
            .unwrap();
        assert_eq!(d.provider_message_id, Some(format!("console-{i}")));
    }
    let entries = outbox.entries();
    let texts: Vec<&str> = entries.iter().map(|e| e.text.as_str()).collect();
    assert_eq!(texts, ["pesan 3", "pesan 4", "pesan 5"]);
    assert_eq!(entries[0].to, "+6281234567890");
    assert!(entries[0].sent_at <= entries[2].sent_at);
    assert_eq!(
        outbox.last_to(&phone("081234567890")).unwrap().text,
        "pesan 5"
    );
    assert!(outbox.last_to(&phone("081111111111")).is_none());
    let json = serde_json::to_value(&entries[0]).unwrap();
    assert_eq!(json["to"], "+6281234567890");
    assert!(json.get("document").is_none());

    assert_eq!(
        m.is_registered(&phone("081234567890")).await,
        Ok(Some(true))
    );
    let unsure = ConsoleMessenger::new(Outbox::default()).with_registered(None);
    assert_eq!(unsure.is_registered(&phone("081234567890")).await, Ok(None));
    assert_eq!(m.name(), "console");
}

#[tokio::test]
async fn recording_messenger_scripts_failures_and_registration() {
    let rec = RecordingMessenger::new();
    let budi = phone("081234567890");
    rec.fail_next(2, FailureKind::Transient);
    rec.fail_next(1, FailureKind::Rejected("target invalid".into()));
    let msg = OutgoingMessage::text(budi.clone(), "halo");
    assert!(rec.send(&msg).await.unwrap_err().is_transient());
    assert!(rec.send(&msg).await.unwrap_err().is_transient());
    assert_eq!(
        rec.send(&msg).await.unwrap_err(),
        rejected("target invalid")
    );
    assert!(rec.send(&msg).await.is_ok());
    assert_eq!(rec.failed_attempts(), 3);
    assert_eq!(rec.sent(), vec![msg.clone()]);
    assert_eq!(rec.sent_to(&budi).len(), 1);

    let other = phone("081111111111");
    rec.set_registered(&other, Some(false));
    assert_eq!(rec.is_registered(&other).await, Ok(Some(false)));
    assert_eq!(rec.is_registered(&budi).await, Ok(Some(true)));
    rec.set_default_registered(None);
    assert_eq!(rec.is_registered(&budi).await, Ok(None));
    rec.clear();
    assert!(rec.sent().is_empty());
}

#[tokio::test]
async fn breaker_messenger_stops_calling_a_failing_provider() {
    let rec = RecordingMessenger::new();
    rec.fail_next(10, FailureKind::Transient);
    let breaker = Arc::new(CircuitBreaker::new(BreakerConfig::default()));
    let m = BreakerMessenger::new(rec.clone(), breaker.clone());
    let msg = OutgoingMessage::text(phone("081234567890"), "x");
    for _ in 0..5 {
        assert!(m.send(&msg).await.unwrap_err().is_transient());
    }
    assert!(matches!(breaker.state(), CircuitState::Open { .. }));
    let err = m.send(&msg).await.unwrap_err();
    assert!(err.to_string().contains("circuit open"), "{err}");
    assert_eq!(
        rec.failed_attempts(),
        5,
        "the provider is not called while open"
    );
    // A refusal is not the provider being down.
    let rec = RecordingMessenger::new();
    rec.fail_next(10, FailureKind::Rejected("target invalid".into()));
    let m = BreakerMessenger::new(rec, Arc::new(CircuitBreaker::default()));
    for _ in 0..10 {
        assert!(!m.send(&msg).await.unwrap_err().is_transient());
    }
    assert_eq!(m.breaker().state(), CircuitState::Closed);
}

fn vars(pairs: &[(&'static str, &str)]) -> BTreeMap<&'static str, String> {
    pairs.iter().map(|(k, v)| (*k, (*v).to_owned())).collect()
}

const OTP_TEMPLATE: &str = "{Kode masuk|Kode login|Kode verifikasi} Anda: *{otp_code}*. {Jangan teruskan kode ini.|Kode ini rahasia.} Berlaku {otp_expiry_minutes} menit.";

#[test]
fn renderer_resolves_spintax_then_placeholders() {
    let v = vars(&[("otp_code", "123456"), ("otp_expiry_minutes", "5")]);
    let mut seen = std::collections::BTreeSet::new();
    for seed in 0..60 {
        let text = render(OTP_TEMPLATE, &v, &mut StdRng::seed_from_u64(seed)).unwrap();
        assert!(text.contains(": *123456*. "), "{text}");
        assert!(text.ends_with(" 5 menit."), "{text}");
        assert!(!text.contains(['{', '}', '|']), "{text}");
        seen.insert(text.split(':').next().unwrap().to_owned());
    }
    assert_eq!(seen.len(), 3, "every variant is reachable: {seen:?}");

    // Deterministic for a seed.
    let a = render(OTP_TEMPLATE, &v, &mut StdRng::seed_from_u64(7)).unwrap();
    let b = render(OTP_TEMPLATE, &v, &mut StdRng::seed_from_u64(7)).unwrap();
    assert_eq!(a, b);

    // Nesting, placeholders inside options, empty options, escapes, verbatim values.
    let t = Template::parse("{{x}} {Halo {name}|Hai {name}}{!|} {{{a|a}}}").unwrap();
    assert_eq!(t.placeholders().into_iter().collect::<Vec<_>>(), ["name"]);
    for seed in 0..20 {
        let out = t
            .render(
                &vars(&[("name", "{Budi|x}")]),
                &mut StdRng::seed_from_u64(seed),
            )
            .unwrap();
        assert!(
            [
                "{x} Halo {Budi|x}! {a}",
                "{x} Halo {Budi|x} {a}",
                "{x} Hai {Budi|x}! {a}",
                "{x} Hai {Budi|x} {a}"
            ]
            .contains(&out.as_str()),
            "{out}"
        );
    }
}

#[test]
fn renderer_reports_missing_placeholders_and_syntax_errors() {
    // Missing on a branch that may not be chosen still fails, every time.
    for seed in 0..10 {
        let err = render(
            "{Halo {full_name}|Hai}, kuota {quota}",
            &vars(&[("quota", "1 GB")]),
            &mut StdRng::seed_from_u64(seed),
        )
        .unwrap_err();
        assert_eq!(err, TemplateError::MissingPlaceholder("full_name".into()));
        assert!(err.to_string().contains("{full_name}"));
    }
    let syntax = |t: &str| match Template::parse(t) {
        Err(TemplateError::Syntax { position, .. }) => position,
        other => panic!("{t}: {other:?}"),
    };
    assert_eq!(syntax("abc {name"), 4);
    assert_eq!(syntax("abc } def"), 4);
    assert_eq!(syntax("{}"), 0);
    assert_eq!(syntax("x {full name}"), 2);
    assert_eq!(syntax("{a|b"), 0);
    assert_eq!(
        render("no braces", &BTreeMap::new(), &mut StdRng::seed_from_u64(1)).unwrap(),
        "no braces"
    );
}

fn telegram(server: &MockServer, token: &str) -> TelegramClient {
    install_crypto_provider();
    TelegramClient::new(TelegramConfig {
        base_url: server.uri(),
        timeout: Duration::from_millis(500),
        ..TelegramConfig::new(SecretString::from(token.to_owned()))
    })
    .unwrap()
}

#[tokio::test]
async fn telegram_send_message() {
    let token = "123456:ABC-secret";
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/bot{token}/sendMessage")))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"ok": true, "result": {"message_id": 99}})),
        )
        .mount(&server)
        .await;
    let client = telegram(&server, token);
    assert_eq!(
        client.send_message("123456789", "Router down").await,
        Ok(99)
    );
    let body: serde_json::Value = server.received_requests().await.unwrap()[0]
        .body_json()
        .unwrap();
    assert_eq!(
        body,
        json!({"chat_id": "123456789", "text": "Router down", "disable_web_page_preview": true})
    );

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(400).set_body_json(
            json!({"ok": false, "error_code": 400, "description": "Bad Request: chat not found"}),
        ))
        .mount(&server)
        .await;
    assert_eq!(
        telegram(&server, token).send_message("1", "x").await,
        Err(TelegramError::Rejected {
            code: 400,
            description: "Bad Request: chat not found".into()
        })
    );

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(429).set_body_json(json!({"ok": false, "error_code": 429, "description": "Too Many Requests: retry after 5"})))
        .mount(&server)
        .await;
    assert!(
        telegram(&server, token)
            .send_message("1", "x")
            .await
            .unwrap_err()
            .is_transient()
    );

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(2)))
        .mount(&server)
        .await;
    let err = telegram(&server, token)
        .send_message("1", "x")
        .await
        .unwrap_err();
    assert!(err.is_transient());
    assert!(
        !err.to_string().contains("secret"),
        "the token leaks: {err}"
    );
    assert!(matches!(
        TelegramClient::new(TelegramConfig::new(SecretString::from(""))),
        Err(TelegramError::Config(_))
    ));
}
