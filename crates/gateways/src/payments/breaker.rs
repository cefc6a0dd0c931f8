//! A payment gateway behind a circuit breaker.

use std::future::Future;
use std::sync::Arc;

use futures::future::BoxFuture;
use saring_domain::OrderId;

use super::{
    ChargeRequest, ChargeResponse, PaymentError, PaymentGateway, PaymentStatus, SelfTestReport,
    SnapRequest, SnapSession, StatusResponse,
};
use crate::breaker::{BreakerError, CircuitBreaker};

/// Wraps a gateway: while the circuit is open every call answers
/// [`PaymentError::Unavailable`] at once (the API maps it to 503 `payment_unavailable`).
/// Only transient failures (timeouts, 5xx) count towards opening it. `self_test` bypasses the
/// breaker so an admin can check Midtrans while the circuit is open (its outcome is recorded).
pub struct BreakerGateway<G> {
    inner: G,
    breaker: Arc<CircuitBreaker>,
}

impl<G: PaymentGateway> BreakerGateway<G> {
    pub fn new(inner: G, breaker: Arc<CircuitBreaker>) -> Self {
        BreakerGateway { inner, breaker }
    }

    /// The breaker (its state is worth showing on the admin health page).
    pub fn breaker(&self) -> &Arc<CircuitBreaker> {
        &self.breaker
    }

    pub fn inner(&self) -> &G {
        &self.inner
    }

    async fn guarded<T>(
        &self,
        call: impl Future<Output = Result<T, PaymentError>>,
    ) -> Result<T, PaymentError> {
        self.breaker.call(call).await.map_err(|e| match e {
            BreakerError::Open { retry_after } => PaymentError::Unavailable { retry_after },
            BreakerError::Inner(e) => e,
        })
    }
}

impl<G: PaymentGateway> PaymentGateway for BreakerGateway<G> {
    fn create_snap<'a>(
        &'a self,
        req: &'a SnapRequest,
    ) -> BoxFuture<'a, Result<SnapSession, PaymentError>> {
        Box::pin(self.guarded(self.inner.create_snap(req)))
    }

    fn charge<'a>(
        &'a self,
        req: &'a ChargeRequest,
    ) -> BoxFuture<'a, Result<ChargeResponse, PaymentError>> {
        Box::pin(self.guarded(self.inner.charge(req)))
    }

    fn status<'a>(
        &'a self,
        order_id: &'a OrderId,
    ) -> BoxFuture<'a, Result<Option<StatusResponse>, PaymentError>> {
        Box::pin(self.guarded(self.inner.status(order_id)))
    }

    fn cancel<'a>(
        &'a self,
        order_id: &'a OrderId,
    ) -> BoxFuture<'a, Result<PaymentStatus, PaymentError>> {
        Box::pin(self.guarded(self.inner.cancel(order_id)))
    }

    fn expire<'a>(
        &'a self,
        order_id: &'a OrderId,
    ) -> BoxFuture<'a, Result<PaymentStatus, PaymentError>> {
        Box::pin(self.guarded(self.inner.expire(order_id)))
    }

    fn self_test(&self) -> BoxFuture<'_, Result<SelfTestReport, PaymentError>> {
        Box::pin(async move {
            let result = self.inner.self_test().await;
            match &result {
                Err(PaymentError::Transient(_)) => self.breaker.record_failure(),
                _ => self.breaker.record_success(),
            }
            result
        })
    }

    fn name(&self) -> &'static str {
        self.inner.name()
    }
}
