//! WhatsApp beyond single notices: broadcasts to filtered users ([`broadcast`]) and the
//! Cloud API's delivery-status webhook ([`webhook`]). Which provider sends is decided in
//! [`crate::notify::whatsapp`].

pub mod broadcast;
pub mod webhook;
