//! Pure payment rules: the notification signature, status mapping, transitions, and the
//! circuit breaker state machine (with a manual clock).
#![allow(clippy::unwrap_used)] // tests may unwrap (workspace lint)

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures::future::BoxFuture;
use saring_domain::{OrderId, Rupiah};
use saring_gateways::payments::signature;
use saring_gateways::{
    BreakerConfig, BreakerError, BreakerGateway, ChargeRequest, ChargeResponse, CircuitBreaker,
    CircuitState, ManualClock, Notification, NotificationError, PaymentError, PaymentGateway,
    PaymentStatus, SelfTestReport, SnapRequest, SnapSession, StatusResponse, Transient, Transition,
    map_status, transition,
};
use serde_json::json;

const VECTOR_KEY: &str = "askvnoibnosifnboseofinbofinfgbiufglnbfg";
const VECTOR_SIGNATURE: &str = "edc076b21793ebe3e17926350f5b8ae67d902fe657b3d0aa31b932d5c127e2375d308a2bc94f3265ac2d80a1f181a79b997ac178a236fcff35af263fc4d4c231";

#[test]
fn signature_matches_the_midtrans_test_vector() {
    assert_eq!(
        signature("1111", "200", "100000.00", VECTOR_KEY),
        VECTOR_SIGNATURE
    );
    let n = Notification::from_value(json!({
        "order_id": "1111",
        "status_code": "200",
        "gross_amount": "100000.00",
        "transaction_status": "settlement",
        "signature_key": VECTOR_SIGNATURE,
    }))
    .unwrap();
    assert!(n.verify_signature(VECTOR_KEY));
    assert!(!n.verify_signature("another-key"));
}

#[test]
fn signature_check_rejects_tampering() {
    let base = json!({
        "order_id": "1111",
        "status_code": "200",
        "gross_amount": "100000.00",
        "transaction_status": "settlement",
        "signature_key": VECTOR_SIGNATURE,
    });
    for (field, value) in [
        ("order_id", "1112"),
        ("status_code", "201"),
        ("gross_amount", "100001.00"),
        ("gross_amount", "1000000.00"),
        ("signature_key", "00"),
    ] {
        let mut body = base.clone();
        body[field] = json!(value);
        let n = Notification::from_value(body).unwrap();
        assert!(!n.verify_signature(VECTOR_KEY), "{field}={value}");
    }
    // Upper-case hex is the same signature.
    let mut upper = base.clone();
    upper["signature_key"] = json!(VECTOR_SIGNATURE.to_uppercase());
    assert!(
        Notification::from_value(upper)
            .unwrap()
            .verify_signature(VECTOR_KEY)
    );
    // No signature at all.
    let mut unsigned = base.clone();
    unsigned.as_object_mut().unwrap().remove("signature_key");
    assert!(
        !Notification::from_value(unsigned)
            .unwrap()
            .verify_signature(VECTOR_KEY)
    );
    // A sender that drops ".00" but signed with it (the reference's allowance).
    let mut short = base;
    short["gross_amount"] = json!("100000");
    assert!(
        Notification::from_value(short)
            .unwrap()
            .verify_signature(VECTOR_KEY)
    );
}

#[test]
fn notifications_parse_leniently() {
    let body = json!({
        "transaction_time": "2026-03-01 14:05:09",
        "transaction_status": "settlement",
        "transaction_id": "513f1f01-c9da-474c-9fc9-d5c64364b709",
        "status_message": "midtrans payment notification",
        "status_code": 200,
        "signature_key": "abc",
        "settlement_time": "2026-03-01 14:06:00",
        "payment_type": "bank_transfer",
        "order_id": "BD-LPSR-0011223344AA",
        "merchant_id": "G141532850",
        "gross_amount": "10000.00",
        "fraud_status": "accept",
        "currency": "IDR",
        "va_numbers": [{"bank": "bri", "va_number": "888101234567890"}],
        "a_field_from_the_future": {"x": 1},
    });
    let n = Notification::from_slice(body.to_string().as_bytes()).unwrap();
    assert_eq!(n.status_code, "200");
    assert_eq!(n.gross_amount, "10000.00");
    assert_eq!(n.gross_amount_rupiah(), Some(Rupiah(10_000)));
    assert_eq!(n.status(), PaymentStatus::Success);
    assert_eq!(n.va_number.as_deref(), Some("888101234567890"));
    assert_eq!(n.bank.as_deref(), Some("bri"));
    assert_eq!(
        n.transaction_time.unwrap().to_rfc3339(),
        "2026-03-01T07:05:09+00:00"
    );
    assert_eq!(
        n.paid_at().unwrap().to_rfc3339(),
        "2026-03-01T07:06:00+00:00"
    );
    assert_eq!(n.raw["a_field_from_the_future"]["x"], 1);
    assert_eq!(
        n.dedup_key(),
        "BD-LPSR-0011223344AA:settlement:200:513f1f01-c9da-474c-9fc9-d5c64364b709"
    );

    assert_eq!(
        Notification::from_slice(b"not json"),
        Err(NotificationError::Malformed)
    );
    assert_eq!(
        Notification::from_value(
            json!({"order_id": "x", "transaction_status": "pending", "status_code": "201"})
        ),
        Err(NotificationError::Incomplete("gross_amount"))
    );
    let odd = Notification::from_value(json!({
        "order_id": "x", "transaction_status": "pending", "status_code": "201",
        "gross_amount": "10000.50", "expiry_time": "garbage",
    }))
    .unwrap();
    assert_eq!(odd.gross_amount_rupiah(), None);
    assert_eq!(odd.expiry_time, None);
}

#[test]
fn status_mapping_table() {
    let table: &[(&str, Option<&str>, PaymentStatus)] = &[
        ("settlement", None, PaymentStatus::Success),
        ("settlement", Some("accept"), PaymentStatus::Success),
        ("capture", None, PaymentStatus::Success),
        ("capture", Some("accept"), PaymentStatus::Success),
        ("capture", Some("ACCEPT"), PaymentStatus::Success),
        ("capture", Some(""), PaymentStatus::Success),
        ("capture", Some("challenge"), PaymentStatus::Pending),
        ("capture", Some("deny"), PaymentStatus::Failed),
        ("pending", None, PaymentStatus::Pending),
        ("authorize", None, PaymentStatus::Pending),
        ("deny", None, PaymentStatus::Failed),
        ("failure", None, PaymentStatus::Failed),
        ("expire", None, PaymentStatus::Expired),
        ("cancel", None, PaymentStatus::Cancelled),
        ("refund", None, PaymentStatus::Refunded),
        ("partial_refund", None, PaymentStatus::Refunded),
        ("chargeback", None, PaymentStatus::Refunded),
        ("partial_chargeback", None, PaymentStatus::Refunded),
        (" Settlement ", None, PaymentStatus::Success),
        ("something_new", None, PaymentStatus::Unknown),
        ("", None, PaymentStatus::Unknown),
    ];
    for (status, fraud, want) in table {
        assert_eq!(map_status(status, *fraud), *want, "{status} / {fraud:?}");
    }
}

#[test]
fn transition_rules() {
    use PaymentStatus::*;
    use Transition as T;
    let table: &[(PaymentStatus, PaymentStatus, Transition)] = &[
        (Unknown, Pending, T::Advance),
        (Unknown, Success, T::Advance),
        (Pending, Success, T::Advance),
        (Pending, Expired, T::Advance),
        (Pending, Cancelled, T::Advance),
        (Pending, Failed, T::Advance),
        (Pending, Pending, T::Unchanged),
        (Success, Success, T::Unchanged),
        // Out-of-order and stale notifications never move a final state backwards.
        (Success, Pending, T::Ignore),
        (Success, Expired, T::Ignore),
        (Success, Cancelled, T::Ignore),
        (Expired, Pending, T::Ignore),
        (Cancelled, Pending, T::Ignore),
        (Failed, Pending, T::Ignore),
        (Failed, Success, T::Ignore),
        (Refunded, Success, T::Ignore),
        (Refunded, Pending, T::Ignore),
        (Expired, Cancelled, T::Ignore),
        // Documented reversals.
        (Success, Failed, T::Reverse),
        (Success, Refunded, T::Reverse),
        // Money after a premature local expiry/cancel.
        (Expired, Success, T::LatePayment),
        (Cancelled, Success, T::LatePayment),
        // Unknown Midtrans statuses change nothing.
        (Pending, Unknown, T::Ignore),
        (Success, Unknown, T::Ignore),
    ];
    for (current, incoming, want) in table {
        assert_eq!(
            transition(*current, *incoming),
            *want,
            "{current} -> {incoming}"
        );
    }
    assert!(T::Advance.applies() && T::Reverse.applies() && T::LatePayment.applies());
    assert!(!T::Ignore.applies() && !T::Unchanged.applies());
}

#[derive(Debug)]
struct Fail(bool);

impl Transient for Fail {
    fn is_transient(&self) -> bool {
        self.0
    }
}

fn breaker() -> (CircuitBreaker, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new());
    (
        CircuitBreaker::with_clock(BreakerConfig::default(), clock.clone()),
        clock,
    )
}

#[tokio::test]
async fn breaker_opens_after_five_transient_failures_and_closes_after_two_successes() {
    let (b, clock) = breaker();
    for _ in 0..4 {
        assert!(b.call(async { Err::<(), _>(Fail(true)) }).await.is_err());
    }
    assert_eq!(b.state(), CircuitState::Closed);
    assert!(b.call(async { Err::<(), _>(Fail(true)) }).await.is_err());
    let CircuitState::Open { .. } = b.state() else {
        panic!("should be open: {:?}", b.state());
    };
    assert_eq!(b.check(), Err(Duration::from_secs(60)));

    // Open: the call is not even started.
    let started = AtomicUsize::new(0);
    let r = b
        .call(async {
            started.fetch_add(1, Ordering::SeqCst);
            Ok::<(), Fail>(())
        })
        .await;
    assert!(
        matches!(r, Err(BreakerError::Open { retry_after }) if retry_after == Duration::from_secs(60))
    );
    assert_eq!(started.load(Ordering::SeqCst), 0);

    clock.advance(Duration::from_secs(59));
    assert!(matches!(b.state(), CircuitState::Open { .. }));
    assert_eq!(b.check(), Err(Duration::from_secs(1)));
    clock.advance(Duration::from_secs(1));
    assert_eq!(b.state(), CircuitState::HalfOpen);

    assert!(b.call(async { Ok::<_, Fail>(1) }).await.is_ok());
    assert_eq!(b.state(), CircuitState::HalfOpen);
    assert!(b.call(async { Ok::<_, Fail>(2) }).await.is_ok());
    assert_eq!(b.state(), CircuitState::Closed);
}

#[tokio::test]
async fn half_open_failure_reopens_and_non_transient_errors_do_not_count() {
    let (b, clock) = breaker();
    for _ in 0..5 {
        b.record_failure();
    }
    clock.advance(Duration::from_secs(60));
    assert_eq!(b.state(), CircuitState::HalfOpen);
    assert!(b.call(async { Err::<(), _>(Fail(true)) }).await.is_err());
    assert!(matches!(b.state(), CircuitState::Open { .. }));

    let (b, _clock) = breaker();
    for _ in 0..20 {
        let r = b.call(async { Err::<(), _>(Fail(false)) }).await;
        assert!(matches!(r, Err(BreakerError::Inner(Fail(false)))));
    }
    assert_eq!(b.state(), CircuitState::Closed);

    // Failures must be consecutive: a success in between resets the count.
    let (b, _clock) = breaker();
    for _ in 0..4 {
        b.record_failure();
    }
    b.record_success();
    for _ in 0..4 {
        b.record_failure();
    }
    assert_eq!(b.state(), CircuitState::Closed);
}

/// A gateway that always times out, counting calls.
#[derive(Default)]
struct Down {
    calls: AtomicUsize,
}

impl Down {
    fn fail<'a, T: Send + 'a>(&'a self) -> BoxFuture<'a, Result<T, PaymentError>> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        Box::pin(async { Err(PaymentError::Transient("timeout".into())) })
    }
}

impl PaymentGateway for Down {
    fn create_snap<'a>(
        &'a self,
        _: &'a SnapRequest,
    ) -> BoxFuture<'a, Result<SnapSession, PaymentError>> {
        self.fail()
    }
    fn charge<'a>(
        &'a self,
        _: &'a ChargeRequest,
    ) -> BoxFuture<'a, Result<ChargeResponse, PaymentError>> {
        self.fail()
    }
    fn status<'a>(
        &'a self,
        _: &'a OrderId,
    ) -> BoxFuture<'a, Result<Option<StatusResponse>, PaymentError>> {
        self.fail()
    }
    fn cancel<'a>(&'a self, _: &'a OrderId) -> BoxFuture<'a, Result<PaymentStatus, PaymentError>> {
        self.fail()
    }
    fn expire<'a>(&'a self, _: &'a OrderId) -> BoxFuture<'a, Result<PaymentStatus, PaymentError>> {
        self.fail()
    }
    fn self_test(&self) -> BoxFuture<'_, Result<SelfTestReport, PaymentError>> {
        self.fail()
    }
    fn name(&self) -> &'static str {
        "down"
    }
}

#[tokio::test]
async fn breaker_gateway_answers_unavailable_while_open() {
    let clock = Arc::new(ManualClock::new());
    let breaker = Arc::new(CircuitBreaker::with_clock(
        BreakerConfig::default(),
        clock.clone(),
    ));
    let gateway: Arc<dyn PaymentGateway> =
        Arc::new(BreakerGateway::new(Down::default(), breaker.clone()));
    let order = OrderId::parse("BD-LPSR-000000000001").unwrap();
    for _ in 0..5 {
        let e = gateway.status(&order).await.unwrap_err();
        assert_eq!(e, PaymentError::Transient("timeout".into()));
    }
    let e = gateway.status(&order).await.unwrap_err();
    assert_eq!(
        e,
        PaymentError::Unavailable {
            retry_after: Duration::from_secs(60)
        }
    );
    assert!(e.is_transient());
    assert_eq!(gateway.name(), "down");
    // The admin self-test still reaches the provider while the circuit is open.
    assert!(gateway.self_test().await.is_err());
    clock.advance(Duration::from_secs(60));
    assert_eq!(breaker.state(), CircuitState::HalfOpen);
    assert_eq!(
        gateway.cancel(&order).await.unwrap_err(),
        PaymentError::Transient("timeout".into())
    );
    assert!(matches!(breaker.state(), CircuitState::Open { .. }));
}
