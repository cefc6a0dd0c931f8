//! Komandan requests as the admin's `/admin/requests` and the komandan's `/requests` show
//! them: type, what was asked, status (with what was granted and why), when.

use leptos::prelude::*;
use saring_domain::AppTz;
use saring_domain::dto::operator::{QuotaRequestView, RequestStatus, RequestType};

use crate::contexts::I18n;
use crate::format;

/// Every status with its query value and text key.
pub const STATUSES: [(RequestStatus, &str, &str); 4] = [
    (RequestStatus::Pending, "PENDING", "requests-status-pending"),
    (
        RequestStatus::Approved,
        "APPROVED",
        "requests-status-approved",
    ),
    (
        RequestStatus::Rejected,
        "REJECTED",
        "requests-status-rejected",
    ),
    (
        RequestStatus::PartiallyApproved,
        "PARTIALLY_APPROVED",
        "requests-status-partial",
    ),
];

pub fn status_value(s: RequestStatus) -> &'static str {
    STATUSES
        .iter()
        .find(|(st, _, _)| *st == s)
        .map_or("PENDING", |(_, v, _)| v)
}

pub fn status_key(s: RequestStatus) -> &'static str {
    STATUSES
        .iter()
        .find(|(st, _, _)| *st == s)
        .map_or("requests-status-pending", |(_, _, k)| k)
}

pub fn status_class(s: RequestStatus) -> &'static str {
    match s {
        RequestStatus::Pending => "badge badge-warn",
        RequestStatus::Approved => "badge badge-ok",
        RequestStatus::PartiallyApproved => "badge",
        RequestStatus::Rejected => "badge badge-error",
    }
}

pub fn type_key(t: RequestType) -> &'static str {
    match t {
        RequestType::Quota => "requests-type-quota",
        RequestType::Unlimited => "requests-type-unlimited",
    }
}

/// `10 GB · 30 hari`, `Unlimited · 7 hari`, `10 GB`: an amount and/or days, in words.
pub fn amount_text(i18n: I18n, mb: Option<i64>, unlimited: bool, days: Option<i64>) -> String {
    let l = i18n.get();
    let what = if unlimited {
        Some(i18n.tr("admin-package-unlimited"))
    } else {
        mb.filter(|m| *m > 0).map(|m| format::whole_mb(m, l))
    };
    let days = days
        .filter(|d| *d > 0)
        .map(|d| i18n.tr_with("admin-days", &[("days", &d.to_string())]));
    let parts: Vec<String> = what.into_iter().chain(days).collect();
    if parts.is_empty() {
        "–".to_owned()
    } else {
        parts.join(" · ")
    }
}

/// What the request asked for.
pub fn asked_text(i18n: I18n, r: &QuotaRequestView) -> String {
    amount_text(
        i18n,
        r.requested_mb,
        r.request_type == RequestType::Unlimited,
        r.requested_duration_days,
    )
}

/// The cells every request row has: type, what was asked, status (with what was granted, by
/// whom, when and why), when it was made.
pub fn request_cells(i18n: I18n, tz: AppTz, r: &QuotaRequestView) -> impl IntoView + use<> {
    let kind = type_key(r.request_type);
    let status = r.status;
    let asked = asked_text(i18n, r);
    let granted = (r.granted_mb.is_some() || r.granted_duration_days.is_some()).then(|| {
        i18n.tr_with(
            "requests-granted",
            &[(
                "what",
                &amount_text(i18n, r.granted_mb, false, r.granted_duration_days),
            )],
        )
    });
    let processed = r.processed_at.map(|at| {
        i18n.tr_with(
            "requests-processed",
            &[
                ("who", r.processed_by_name.as_deref().unwrap_or("–")),
                ("when", &format::datetime(tz, Some(at))),
            ],
        )
    });
    let reason = r.rejection_reason.clone();
    let created = format::datetime(tz, Some(r.created_at));
    view! {
        <td><span class="badge">{move || i18n.tr(kind)}</span></td>
        <td data-testid="request-asked">{asked}</td>
        <td>
            <span class=status_class(status) data-testid="request-status">{move || i18n.tr(status_key(status))}</span>
            {granted.map(|g| view! { <br/><span class="small">{g}</span> })}
            {processed.map(|p| view! { <br/><span class="muted small">{p}</span> })}
            {reason.map(|why| view! { <br/><span class="small">{move || i18n.tr("requests-reason")}": "{why.clone()}</span> })}
        </td>
        <td class="small">{created}</td>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use saring_domain::Locale;

    #[test]
    fn every_status_and_type_has_texts() {
        for (s, value, _) in STATUSES {
            assert_eq!(status_value(s), value);
            for l in [Locale::Id, Locale::En] {
                assert!(crate::i18n::lookup(l, status_key(s)).is_some(), "{value}");
            }
        }
        for t in [RequestType::Quota, RequestType::Unlimited] {
            assert!(crate::i18n::lookup(Locale::En, type_key(t)).is_some());
        }
    }
}
