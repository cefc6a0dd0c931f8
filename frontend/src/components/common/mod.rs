//! Layout, alerts, dialogs, charts and navigation helpers used everywhere.

pub mod alert;
pub mod chart;
pub mod choice;
pub mod confirm;
pub mod feedback;
pub mod layout;
pub mod modal;
pub mod nav;
pub mod pager;
pub mod place_fields;
pub mod status_badge;
pub mod tabs;

pub use alert::{Alert, AlertKind};
pub use choice::Choice;
pub use confirm::ConfirmBox;
pub use feedback::Feedback;
pub use layout::{AdminShell, CardPage, PortalShell, Shell};
pub use modal::Modal;
pub use nav::{use_go, use_redirect, use_title};
pub use pager::Pager;
pub use place_fields::PlaceFields;
pub use status_badge::StatusBadge;
pub use tabs::TabButton;
