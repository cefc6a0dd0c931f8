//! The debt list as CSV or PDF (`GET /api/admin/debts/export`): every user who owes quota
//! (automatic debt: used beyond the quota; manual debt: open items an operator recorded),
//! one line per user with the MB owed and what it costs now (the items' prices, else the
//! estimate from the package catalog, as the payment page quotes it).

use futures::{Stream, TryStreamExt};
use saring_domain::Locale;
use saring_domain::debt::DebtScope;
use saring_domain::money::Rupiah;
use saring_domain::quota::PackagePrice;
use saring_domain::units::Megabytes;
use saring_domain::user::User;
use saring_store::repo::debts;
use saring_store::repo::users::{QuotaFilter, UserFilter};

use super::cell;
use crate::context::App;
use crate::error::AppResult;
use crate::payments::debt as pricing;
use crate::payments::pdf::{Column, Page};

/// One debtor.
#[derive(Debug, Clone)]
pub struct Debtor {
    pub user: User,
    pub auto_mb: i64,
    pub manual_mb: i64,
    pub open_items: usize,
    pub oldest_due: Option<chrono::NaiveDate>,
    pub estimated: Rupiah,
}

/// The users who owe (optionally matching `search`).
pub fn filter(search: Option<String>) -> UserFilter {
    UserFilter {
        search,
        quota: Some(QuotaFilter::Debt),
        ..UserFilter::default()
    }
}

async fn debtor(app: &App, user: User, catalog: &[PackagePrice]) -> AppResult<Debtor> {
    let open = debts::open_for_user(app.db(), user.id).await?;
    let oldest_due = open.iter().filter_map(|d| d.due_date).min();
    let open_items = open.len();
    let quote = pricing::quote_from(&user.quota_account(), open, DebtScope::Total, catalog);
    Ok(Debtor {
        auto_mb: quote.auto_mb,
        manual_mb: quote.manual_mb(),
        estimated: quote.total_rp(),
        open_items,
        oldest_due,
        user,
    })
}

/// The debtors, batch by batch, oldest account first (users whose debt is nothing once
/// priced — a rounding remainder — are left out).
pub fn rows(app: App, filter: UserFilter) -> impl Stream<Item = AppResult<Vec<Debtor>>> + 'static {
    super::users::rows(app.clone(), filter).and_then(move |batch| {
        let app = app.clone();
        async move {
            let catalog = pricing::catalog(app.db()).await?;
            let mut out = Vec::with_capacity(batch.len());
            for u in batch {
                let d = debtor(&app, u, &catalog).await?;
                if d.auto_mb + d.manual_mb > 0 {
                    out.push(d);
                }
            }
            Ok(out)
        }
    })
}

const HEADER: &[&str] = &[
    "Nama",
    "Telepon",
    "Blok",
    "Kamar",
    "Tunggakan otomatis (MB)",
    "Tunggakan manual (MB)",
    "Total (MB)",
    "Item terbuka",
    "Jatuh tempo terdekat",
    "Perkiraan",
    "Perkiraan (angka)",
];

fn due(app: &App, d: Option<chrono::NaiveDate>) -> String {
    let tz = &app.config().app.timezone;
    d.map(|d| tz.format_date(tz.start_of_day(d)))
        .unwrap_or_default()
}

fn record(app: &App, d: &Debtor) -> Vec<String> {
    vec![
        cell(&d.user.full_name),
        d.user.phone.local(),
        cell(d.user.blok.as_deref().unwrap_or_default()),
        cell(d.user.kamar.as_deref().unwrap_or_default()),
        d.auto_mb.to_string(),
        d.manual_mb.to_string(),
        (d.auto_mb + d.manual_mb).to_string(),
        d.open_items.to_string(),
        due(app, d.oldest_due),
        d.estimated.to_string(),
        d.estimated.0.to_string(),
    ]
}

/// The CSV, batch by batch.
pub fn csv(app: App, filter: UserFilter) -> impl Stream<Item = AppResult<Vec<u8>>> + 'static {
    super::csv_stream(app.clone(), HEADER, rows(app, filter), record)
}

/// The PDF: a line per debtor (at most [`super::users::PDF_MAX_ROWS`]) and the totals.
pub async fn pdf(app: &App, filter: UserFilter) -> AppResult<Vec<u8>> {
    let mb = |v: i64| Megabytes::from_whole(v).display(Locale::Id);
    let cols = [
        Column::left(130.0),
        Column::left(80.0),
        Column::right(70.0),
        Column::right(70.0),
        Column::right(60.0),
        Column::right(85.0),
    ];
    let mut page = Page::new();
    super::letterhead(app, &mut page, "Daftar Tunggakan").await?;
    page.gap(6.0);
    page.table_header(
        &cols,
        &[
            "Nama",
            "Telepon",
            "Otomatis",
            "Manual",
            "Jatuh tempo",
            "Perkiraan",
        ],
    );
    let (mut count, mut total_mb, mut total_rp) = (0usize, 0i64, Rupiah(0));
    let mut batches = std::pin::pin!(rows(app.clone(), filter));
    while let Some(batch) = batches.try_next().await? {
        for d in &batch {
            count += 1;
            total_mb += d.auto_mb + d.manual_mb;
            total_rp = total_rp + d.estimated;
            if count > super::users::PDF_MAX_ROWS {
                continue;
            }
            page.table_row(
                &cols,
                &[
                    &d.user.full_name,
                    &d.user.phone.local(),
                    &mb(d.auto_mb),
                    &mb(d.manual_mb),
                    &due(app, d.oldest_due),
                    &d.estimated.to_string(),
                ],
                false,
            );
        }
    }
    if count == 0 {
        page.table_row(&cols, &["Tidak ada tunggakan."], false);
    }
    page.end_table();
    page.rule();
    page.row("Pengguna dengan tunggakan", &count.to_string(), false);
    page.row("Total tunggakan", &mb(total_mb), false);
    page.total("Perkiraan total", &total_rp.to_string());
    super::finish(app, page, "Daftar Tunggakan").await
}
