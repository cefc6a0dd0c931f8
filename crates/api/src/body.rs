//! `Body<T>`: a JSON body, or a form-urlencoded one (MikroTik login pages and the
//! reference's portal post forms), with the same error envelope either way.

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use futures::future::LocalBoxFuture;
use serde::de::DeserializeOwned;

pub struct Body<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for Body<T> {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        if req.content_type() == "application/x-www-form-urlencoded" {
            let fut = web::Form::<T>::from_request(req, payload);
            Box::pin(async move { fut.await.map(|f| Body(f.into_inner())) })
        } else {
            let fut = web::Json::<T>::from_request(req, payload);
            Box::pin(async move { fut.await.map(|j| Body(j.into_inner())) })
        }
    }
}
