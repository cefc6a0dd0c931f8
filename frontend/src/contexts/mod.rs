//! Global state shared through Leptos contexts: language, public settings, the session, the
//! count of waiting komandan requests.

pub mod locale;
pub mod pending;
pub mod session;
pub mod settings;

pub use locale::{I18n, use_i18n};
pub use pending::{PendingRequests, use_pending_requests};
pub use session::{Session, SessionState, use_session};
pub use settings::{Settings, use_settings};
