//! The admin portal: login, the dashboard (the landing page), users (with adding users), the operator console of one user,
//! komandan requests, debts, action log, packages, promos, transactions (with the Midtrans
//! self-test), jobs, WhatsApp message templates, the inactive-account preview, the policy
//! parity guard's reports, the routers (with each router's verify-rules checklist), the
//! run-time settings and WhatsApp broadcasts with their delivery log.

pub mod backups;
pub mod dashboard;
pub mod debts;
pub mod forms;
pub mod inactive_accounts;
pub mod jobs;
pub mod login;
pub mod logs;
pub mod operator_forms;
pub mod packages;
pub mod parity;
pub(crate) mod parts;
pub mod promos;
pub mod requests;
pub mod router_form;
pub mod router_live;
mod router_rules;
pub mod routers;
pub mod settings;
mod settings_alerts;
pub mod templates;
pub mod transaction_detail;
pub mod transactions;
pub mod user_add;
pub mod user_detail;
pub mod users;
pub mod whatsapp;

pub use backups::AdminBackupsPage;
pub use dashboard::AdminDashboardPage;
pub use debts::AdminDebtsPage;
pub use inactive_accounts::AdminInactiveAccountsPage;
pub use jobs::AdminJobsPage;
pub use login::AdminLoginPage;
pub use logs::AdminLogsPage;
pub use packages::AdminPackagesPage;
pub use parity::AdminParityPage;
pub use promos::AdminPromosPage;
pub use requests::AdminRequestsPage;
pub use routers::AdminRoutersPage;
pub use settings::AdminSettingsPage;
pub use templates::AdminTemplatesPage;
pub use transaction_detail::AdminTransactionDetailPage;
pub use transactions::AdminTransactionsPage;
pub use user_detail::AdminUserDetailPage;
pub use users::AdminUsersPage;
pub use whatsapp::AdminWhatsAppPage;

use saring_domain::Role;

/// Text key of a role's name.
pub fn role_key(role: Role) -> &'static str {
    match role {
        Role::User => "role-user",
        Role::Komandan => "role-komandan",
        Role::Admin => "role-admin",
        Role::SuperAdmin => "role-super-admin",
    }
}
