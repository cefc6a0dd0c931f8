//! The admin portal: login, users, user detail, action log.

pub mod login;
pub mod logs;
pub mod user_detail;
pub mod users;

pub use login::AdminLoginPage;
pub use logs::AdminLogsPage;
pub use user_detail::AdminUserDetailPage;
pub use users::AdminUsersPage;

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
