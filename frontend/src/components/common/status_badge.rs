//! A coloured badge for a user's detailed access status.

use leptos::prelude::*;
use saring_domain::AccessStatus;

use crate::contexts::use_i18n;

pub fn status_key(status: AccessStatus) -> &'static str {
    match status {
        AccessStatus::Active => "status-active",
        AccessStatus::Unlimited => "status-unlimited",
        AccessStatus::Fup => "status-fup",
        AccessStatus::Habis => "status-habis",
        AccessStatus::Expired => "status-expired",
        AccessStatus::Blocked => "status-blocked",
        AccessStatus::Inactive => "status-inactive",
    }
}

fn class(status: AccessStatus) -> &'static str {
    match status {
        AccessStatus::Active | AccessStatus::Unlimited => "badge badge-ok",
        AccessStatus::Fup | AccessStatus::Habis | AccessStatus::Expired => "badge badge-warn",
        AccessStatus::Blocked | AccessStatus::Inactive => "badge badge-error",
    }
}

#[component]
pub fn StatusBadge(status: AccessStatus) -> impl IntoView {
    let i18n = use_i18n();
    view! { <span class=class(status) data-testid="status-badge">{move || i18n.tr(status_key(status))}</span> }
}
