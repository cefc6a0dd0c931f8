//! Signed temporary links to one user's reports: `…/api/reports/temp/{token}.pdf`, where the
//! token is `base64url(kind|user id).base64url(expiry).base64url(HMAC-SHA256)` under the
//! app's secret key (`tokens::sign`). Anyone holding the link may open that one report until
//! it expires (`REPORT_LINK_MAX_AGE_SECONDS`, 24 hours by default); a link past its expiry is
//! refused with `link_expired` (410), one with any byte changed with `link_invalid` (403).

use chrono::Duration;
use saring_domain::api::ErrorCode;
use saring_domain::dto::operator::{ReportLink, ReportLinkSent};
use saring_domain::ids::UserId;
use saring_domain::user::User;
use saring_store::repo::activity;

use super::user_report::{self, ReportKind};
use crate::context::App;
use crate::error::{AppError, AppResult};
use crate::tokens::{self, SignedProblem};

const PURPOSE: &str = "user-report-link";

/// A new signed link to user `id`'s report of `kind` (the user must exist).
pub async fn create(app: &App, kind: ReportKind, id: UserId) -> AppResult<ReportLink> {
    let user = crate::admin_users::get_user(app, id).await?;
    Ok(link_for(app, kind, &user))
}

fn link_for(app: &App, kind: ReportKind, user: &User) -> ReportLink {
    let valid_for = Duration::seconds(app.config().payments.report_link_max_age_seconds);
    let token = tokens::sign(
        app,
        PURPOSE,
        &format!("{}|{}", kind.as_str(), user.id),
        valid_for,
    );
    ReportLink {
        url: format!(
            "{}/api/reports/temp/{token}.pdf",
            app.config().public_base_url(app.mode())
        ),
        expires_at: tokens::expiry_of(&token).unwrap_or_else(|| app.now() + valid_for),
    }
}

/// What a token stands for, or why it is refused.
pub fn verify(app: &App, token: &str) -> AppResult<(ReportKind, UserId)> {
    let invalid = || AppError::rejected(ErrorCode::LinkInvalid, "Tautan laporan tidak valid.");
    let payload = tokens::check_signed(app, PURPOSE, token.trim_end_matches(".pdf")).map_err(
        |p| match p {
            SignedProblem::Expired => AppError::rejected(
                ErrorCode::LinkExpired,
                "Tautan laporan sudah kedaluwarsa. Minta tautan baru ke admin.",
            ),
            SignedProblem::Invalid => invalid(),
        },
    )?;
    let (kind, id) = payload.split_once('|').ok_or_else(invalid)?;
    Ok((
        ReportKind::parse(kind).ok_or_else(invalid)?,
        UserId::parse(id).ok_or_else(invalid)?,
    ))
}

/// The PDF a link opens, with its file name.
pub async fn open(app: &App, token: &str) -> AppResult<(Vec<u8>, String)> {
    let (kind, id) = verify(app, token)?;
    Ok((
        user_report::render(app, kind, id).await?,
        kind.file_name(id),
    ))
}

/// Sends the user a link to their report of `kind` by WhatsApp.
pub async fn send_whatsapp(
    app: &App,
    admin: &User,
    kind: ReportKind,
    id: UserId,
) -> AppResult<ReportLinkSent> {
    let user = crate::admin_users::get_user(app, id).await?;
    crate::admin_users::check_may_manage(admin, &user)?;
    let link = link_for(app, kind, &user);
    let tz = &app.config().app.timezone;
    let mut vars = crate::operator::base_vars(app, &user);
    vars.push(("report_title", kind.title().to_owned()));
    vars.push(("report_url", link.url.clone()));
    vars.push(("valid_until", tz.format_datetime(link.expires_at)));
    let queued = crate::jobs::messaging::queue_logged(
        app,
        crate::operator::notice(&user, "user_report_link", vars, None),
    )
    .await;
    activity::log_action(
        app.db(),
        Some(admin.id),
        Some(user.id),
        "SEND_USER_REPORT",
        serde_json::json!({ "report": kind.as_str(), "whatsapp_queued": queued }),
    )
    .await?;
    Ok(ReportLinkSent {
        whatsapp_queued: queued,
        url: link.url,
        expires_at: link.expires_at,
    })
}
