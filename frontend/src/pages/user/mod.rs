//! The signed-in user's pages.

pub mod account;
pub mod dashboard;

pub use account::AccountPage;
pub use dashboard::DashboardPage;
