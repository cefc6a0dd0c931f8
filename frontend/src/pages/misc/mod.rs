//! Maintenance, 404, and the site root.

pub mod maintenance;
pub mod not_found;

pub use maintenance::MaintenancePage;
pub use not_found::NotFoundPage;
