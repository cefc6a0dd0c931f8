//! The signed-in user's pages (and the komandan's requests).

pub mod account;
pub mod buy;
pub mod dashboard;
pub mod history;
pub mod payment_status;
pub mod requests;

pub use account::AccountPage;
pub use buy::BuyPage;
pub use dashboard::DashboardPage;
pub use history::HistoryPage;
pub use payment_status::PaymentStatusPage;
pub use requests::KomandanRequestsPage;
