//! One module per area, one file per page; page components end in `Page`.

pub mod admin;
pub mod auth;
pub mod captive;
pub mod misc;
pub mod policy;
pub mod user;

use saring_domain::PageStatus;
use saring_domain::dto::auth::UserMe;

/// Where a freshly signed-in user goes: their policy page when the status is not `ok`.
pub fn after_login_target(user: &UserMe, ok_target: &str) -> String {
    if user.role.is_admin() {
        return "/admin/users".to_owned();
    }
    match user.access_status {
        PageStatus::Ok => ok_target.to_owned(),
        status => format!("/policy/{status}"),
    }
}
