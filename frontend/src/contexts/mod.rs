//! Global state shared through Leptos contexts: language, public settings, the session.

pub mod locale;
pub mod session;
pub mod settings;

pub use locale::{I18n, use_i18n};
pub use session::{Session, SessionState, use_session};
pub use settings::{Settings, use_settings};
