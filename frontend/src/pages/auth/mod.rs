//! Logging in outside the captive flow, and the session hand-off.

pub mod login;
pub mod session_consume;

pub use login::LoginPage;
pub use session_consume::SessionConsumePage;
