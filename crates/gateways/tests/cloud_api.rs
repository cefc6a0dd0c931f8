//! The WhatsApp Cloud API messenger against its simulator: text and template sends, the
//! simulator's refusals, and the signed delivery webhooks it posts.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use common::phone;
use saring_gateways::messenger::CloudTemplate;
use saring_gateways::messenger::cloud_api::sim::{CloudSimConfig, CloudSimHandle};
use saring_gateways::messenger::cloud_api::{delivery_reports, verify_signature};
use saring_gateways::{
    CloudApiConfig, CloudApiMessenger, Messenger, MessengerError, OutgoingMessage,
    install_crypto_provider,
};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn messenger(sim: &CloudSimHandle, token: &str, phone_id: &str) -> CloudApiMessenger {
    install_crypto_provider();
    let mut templates = BTreeMap::new();
    templates.insert(
        "auth_send_otp".to_owned(),
        CloudTemplate {
            name: "saring_otp".into(),
            language: "id".into(),
        },
    );
    CloudApiMessenger::new(CloudApiConfig {
        base_url: sim.base_url().to_owned(),
        templates,
        timeout: Duration::from_secs(3),
        ..CloudApiConfig::new(phone_id, token.to_owned().into())
    })
    .unwrap()
}

#[tokio::test]
async fn sends_text_and_templates_and_maps_refusals() {
    let sim = CloudSimHandle::start("127.0.0.1:0", CloudSimConfig::default())
        .await
        .unwrap();
    let c = sim.config().clone();
    let wa = messenger(&sim, &c.access_token, &c.phone_number_id);
    let to = phone("081234567890");

    let d = wa
        .send(&OutgoingMessage::text(to.clone(), "Halo"))
        .await
        .unwrap();
    let id = d.provider_message_id.unwrap();
    assert!(id.starts_with("wamid."), "{id}");
    // A message from a mapped template goes as that template, parameters in order.
    let otp = OutgoingMessage::otp(to.clone(), "Kode Saring Anda: *123456*").with_template(
        "auth_send_otp",
        vec!["Saring".into(), "123456".into(), "5".into()],
    );
    wa.send(&otp).await.unwrap();
    // One from a template that is not mapped goes as text.
    let notice = OutgoingMessage::text(to.clone(), "Kuota Anda habis.")
        .with_template("user_access_habis", vec!["Budi".into()]);
    wa.send(&notice).await.unwrap();
    let sent = sim.sent();
    assert_eq!(sent.len(), 3);
    assert_eq!(sent[0].text.as_deref(), Some("Halo"));
    assert_eq!(sent[0].to, "6281234567890");
    assert_eq!(
        sent[1].template,
        Some((
            "saring_otp".into(),
            "id".into(),
            vec!["Saring".into(), "123456".into(), "5".into()]
        ))
    );
    assert_eq!(sent[2].text.as_deref(), Some("Kuota Anda habis."));

    // A wrong token is a configuration problem; an unknown number id and an empty text are
    // refusals; none of them is retried as transient.
    let bad_token = messenger(&sim, "EAAwrong", &c.phone_number_id);
    let e = bad_token
        .send(&OutgoingMessage::text(to.clone(), "Halo"))
        .await
        .unwrap_err();
    assert!(matches!(e, MessengerError::Config { .. }), "{e}");
    let other_number = messenger(&sim, &c.access_token, "123");
    let e = other_number
        .send(&OutgoingMessage::text(to.clone(), "Halo"))
        .await
        .unwrap_err();
    assert!(matches!(e, MessengerError::Rejected { .. }), "{e}");
    let e = wa
        .send(&OutgoingMessage::text(to.clone(), "  "))
        .await
        .unwrap_err();
    assert!(matches!(e, MessengerError::Rejected { .. }), "{e}");
    assert_eq!(sim.sent().len(), 3, "refused sends are not recorded");
    // The configuration is checked before anything is sent.
    assert!(CloudApiMessenger::new(CloudApiConfig::new("12a", "t".to_owned().into())).is_err());
    assert!(CloudApiMessenger::new(CloudApiConfig::new("12", String::new().into())).is_err());
}

#[tokio::test]
async fn delivery_reports_are_signed_and_in_order() {
    let hook = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&hook)
        .await;
    let sim = CloudSimHandle::start(
        "127.0.0.1:0",
        CloudSimConfig {
            webhook_url: Some(format!("{}/api/webhooks/whatsapp", hook.uri())),
            status_delay: Duration::from_millis(1),
            ..CloudSimConfig::default()
        },
    )
    .await
    .unwrap();
    let c = sim.config().clone();
    let wa = messenger(&sim, &c.access_token, &c.phone_number_id);
    sim.fail_number("6281299999999");
    let ok = wa
        .send(&OutgoingMessage::text(phone("081234567890"), "Halo"))
        .await
        .unwrap()
        .provider_message_id
        .unwrap();
    let bad = wa
        .send(&OutgoingMessage::text(phone("081299999999"), "Halo"))
        .await
        .unwrap()
        .provider_message_id
        .unwrap();
    assert!(sim.read(&ok));
    assert!(!sim.read("wamid.unknown"));
    let mut reports = Vec::new();
    for _ in 0..100 {
        let received = hook.received_requests().await.unwrap_or_default();
        if received.len() >= 5 {
            for r in &received {
                let sig = r
                    .headers
                    .get("x-hub-signature-256")
                    .and_then(|v| v.to_str().ok());
                verify_signature(&c.app_secret, &r.body, sig).unwrap();
                assert!(verify_signature("another-secret", &r.body, sig).is_err());
                reports.extend(delivery_reports(&r.body).unwrap());
            }
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let of = |id: &str| {
        reports
            .iter()
            .filter(|r| r.id == id)
            .map(|r| r.status.as_str())
            .collect::<Vec<_>>()
    };
    assert_eq!(of(&ok), ["sent", "delivered", "read"]);
    assert_eq!(of(&bad), ["sent", "failed"]);
    let failed = reports.iter().find(|r| r.status == "failed").unwrap();
    assert!(failed.error.as_deref().unwrap().contains("131026"));
    assert!(
        sim.webhook_deliveries()
            .iter()
            .all(|d| d.http_status == Some(200) && d.attempt == 1)
    );
}
