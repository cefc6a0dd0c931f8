//! The signed-in user's pages.

pub mod account;
pub mod buy;
pub mod dashboard;
pub mod history;
pub mod payment_status;

pub use account::AccountPage;
pub use buy::BuyPage;
pub use dashboard::DashboardPage;
pub use history::HistoryPage;
pub use payment_status::PaymentStatusPage;
