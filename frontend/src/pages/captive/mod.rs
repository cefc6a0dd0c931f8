//! The captive portal the MikroTik hotspot opens on phones.

pub mod connected;
pub mod portal;

pub use connected::ConnectedPage;
pub use portal::CaptivePage;

/// sessionStorage key: the MAC of the hotspot context (for the "private address" hint).
pub const MAC_KEY: &str = "saring:captive-mac";
