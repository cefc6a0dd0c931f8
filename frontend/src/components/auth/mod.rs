//! The WhatsApp OTP login and the registration form, shared by `/captive` and `/login`.

pub mod auth_tabs;
pub mod otp_login;
pub mod register_form;

pub use auth_tabs::AuthTabs;
pub use otp_login::OtpLogin;
pub use register_form::RegisterForm;
