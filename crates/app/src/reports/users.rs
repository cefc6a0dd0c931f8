//! The user list as CSV or PDF (`GET /api/admin/users/export`), with the list's filters
//! (`search`, `role`, `status`, `blok`). The export reads oldest accounts first in keyset
//! batches (the list's `sort` does not apply: a fixed order is what makes batches safe).

use futures::{Stream, TryStreamExt};
use saring_domain::Locale;
use saring_domain::dto::admin::AdminUserQuery;
use saring_domain::units::Megabytes;
use saring_domain::user::User;
use saring_store::repo::users::{self, UserFilter};

use super::{BATCH, cell};
use crate::context::App;
use crate::error::AppResult;
use crate::payments::pdf::{Column, Page};

/// The most rows a PDF lists (the CSV has no limit).
pub const PDF_MAX_ROWS: usize = 5000;

/// The list's filters, checked as the list checks them.
pub fn filter(app: &App, q: &AdminUserQuery) -> AppResult<UserFilter> {
    crate::admin_users::parse_filter(q, app.now(), app.config().policy.fup_threshold_mb)
}

/// The matching users, batch by batch, oldest account first.
pub fn rows(app: App, filter: UserFilter) -> impl Stream<Item = AppResult<Vec<User>>> + 'static {
    let filter = std::rc::Rc::new(filter);
    super::batches(
        app,
        move |app: App, after| {
            let filter = filter.clone();
            async move { Ok(users::export_batch(app.db(), &filter, after, BATCH).await?) }
        },
        |u: &User| (u.created_at, u.id.0),
    )
}

const HEADER: &[&str] = &[
    "Nama",
    "Telepon",
    "Peran",
    "Persetujuan",
    "Status",
    "Blok",
    "Kamar",
    "Unlimited",
    "Kuota (MB)",
    "Terpakai (MB)",
    "Sisa (MB)",
    "Tunggakan (MB)",
    "Berlaku sampai",
    "Terdaftar",
    "Login terakhir",
];

fn record(app: &App, u: &User) -> Vec<String> {
    let tz = &app.config().app.timezone;
    let me = crate::present::user_me(app, u);
    let when = |t: Option<chrono::DateTime<chrono::Utc>>| {
        t.map(|t| tz.format_datetime(t)).unwrap_or_default()
    };
    vec![
        cell(&u.full_name),
        u.phone.local(),
        u.role.as_str().to_owned(),
        u.approval_status.as_str().to_owned(),
        me.status.as_str().to_owned(),
        cell(u.blok.as_deref().unwrap_or_default()),
        cell(u.kamar.as_deref().unwrap_or_default()),
        if u.is_unlimited_user { "ya" } else { "tidak" }.to_owned(),
        me.total_quota_purchased_mb.to_string(),
        me.total_quota_used_mb.to_string(),
        me.remaining_mb.to_string(),
        me.quota_debt_total_mb.to_string(),
        when(u.quota_expiry_date),
        tz.format_datetime(u.created_at),
        when(u.last_login_at),
    ]
}

/// The CSV, batch by batch.
pub fn csv(app: App, filter: UserFilter) -> impl Stream<Item = AppResult<Vec<u8>>> + 'static {
    super::csv_stream(app.clone(), HEADER, rows(app, filter), record)
}

/// The PDF: a line per user (at most [`PDF_MAX_ROWS`]) and the count.
pub async fn pdf(app: &App, filter: UserFilter, described: &str) -> AppResult<Vec<u8>> {
    let mb = |m: Megabytes| m.display(Locale::Id);
    let cols = [
        Column::left(120.0),
        Column::left(75.0),
        Column::left(55.0),
        Column::left(55.0),
        Column::left(50.0),
        Column::right(70.0),
        Column::right(70.0),
    ];
    let mut page = Page::new();
    super::letterhead(app, &mut page, "Daftar Pengguna").await?;
    page.row("Filter", described, false);
    page.gap(10.0);
    page.table_header(
        &cols,
        &[
            "Nama",
            "Telepon",
            "Peran",
            "Status",
            "Blok",
            "Sisa",
            "Tunggakan",
        ],
    );
    let mut count = 0usize;
    let mut batches = std::pin::pin!(rows(app.clone(), filter));
    while let Some(batch) = batches.try_next().await? {
        for u in &batch {
            count += 1;
            if count > PDF_MAX_ROWS {
                continue;
            }
            let me = crate::present::user_me(app, u);
            let remaining = if u.is_unlimited_user {
                "Unlimited".to_owned()
            } else {
                mb(me.remaining_mb)
            };
            page.table_row(
                &cols,
                &[
                    &u.full_name,
                    &u.phone.local(),
                    u.role.as_str(),
                    me.status.as_str(),
                    u.blok.as_deref().unwrap_or("-"),
                    &remaining,
                    &mb(me.quota_debt_total_mb),
                ],
                false,
            );
        }
    }
    page.end_table();
    page.rule();
    page.line(&format!("Jumlah pengguna: {count}"), 10.0, true);
    if count > PDF_MAX_ROWS {
        page.line(
            &format!("PDF ini memuat {PDF_MAX_ROWS} pengguna pertama; unduh CSV untuk semuanya."),
            9.0,
            false,
        );
    }
    super::finish(app, page, "Daftar Pengguna").await
}

/// The filters as words for the report's header.
pub fn describe(q: &AdminUserQuery) -> String {
    let parts: Vec<String> = [
        ("peran", &q.role),
        ("status", &q.status),
        ("blok", &q.blok),
        ("cari", &q.search),
    ]
    .iter()
    .filter_map(|(k, v)| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(|v| format!("{k}: {v}"))
    })
    .collect();
    if parts.is_empty() {
        "Semua pengguna".to_owned()
    } else {
        parts.join(", ")
    }
}
