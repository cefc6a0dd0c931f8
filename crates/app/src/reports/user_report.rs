//! One user's reports as PDF: the detail report (profile, access, quota, debts, devices and
//! the latest orders) and the quota history (the quota ledger in plain words).

use saring_domain::Locale;
use saring_domain::ids::UserId;
use saring_domain::money::Rupiah;
use saring_domain::units::Megabytes;
use saring_store::repo::activity;
use saring_store::repo::payments::{self, TransactionFilter};

use crate::context::App;
use crate::error::AppResult;
use crate::payments::pdf::{Column, Page};

/// Ledger entries a quota-history PDF lists at most (the ledger keeps 30–90 days).
pub const HISTORY_MAX_ROWS: u64 = 3000;
/// Orders the detail report lists.
const RECENT_ORDERS: u64 = 10;

/// Which of a user's reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportKind {
    Detail,
    QuotaHistory,
}

impl ReportKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ReportKind::Detail => "detail",
            ReportKind::QuotaHistory => "quota-history",
        }
    }

    pub fn parse(s: &str) -> Option<ReportKind> {
        match s {
            "detail" => Some(ReportKind::Detail),
            "quota-history" => Some(ReportKind::QuotaHistory),
            _ => None,
        }
    }

    /// The report's name in messages and file names.
    pub fn title(self) -> &'static str {
        match self {
            ReportKind::Detail => "Laporan detail pengguna",
            ReportKind::QuotaHistory => "Riwayat mutasi kuota",
        }
    }

    pub fn file_name(self, id: UserId) -> String {
        match self {
            ReportKind::Detail => format!("laporan-pengguna-{id}.pdf"),
            ReportKind::QuotaHistory => format!("riwayat-kuota-{id}.pdf"),
        }
    }
}

/// The report of `kind` for user `id`.
pub async fn render(app: &App, kind: ReportKind, id: UserId) -> AppResult<Vec<u8>> {
    match kind {
        ReportKind::Detail => detail_pdf(app, id).await,
        ReportKind::QuotaHistory => quota_history_pdf(app, id).await,
    }
}

fn mb(m: Megabytes) -> String {
    m.display(Locale::Id)
}

/// The detail report.
pub async fn detail_pdf(app: &App, id: UserId) -> AppResult<Vec<u8>> {
    let detail = crate::admin_users::detail(app, id).await?;
    let debts = crate::operator::debts::for_user(app, id).await?;
    let tz = &app.config().app.timezone;
    let u = &detail.user;
    let when = |t: Option<chrono::DateTime<chrono::Utc>>| {
        t.map_or_else(|| "-".to_owned(), |t| tz.format_datetime(t))
    };
    let mut page = Page::new();
    super::letterhead(app, &mut page, "Laporan Pengguna").await?;
    page.line(&u.full_name, 12.0, true);
    page.line(&u.phone_number, 10.0, false);
    page.rule();
    page.row("Peran", u.role.as_str(), false);
    page.row("Persetujuan", u.approval_status.as_str(), false);
    page.row("Status akses", u.status.as_str(), true);
    page.row(
        "Akun aktif",
        if u.is_active { "Ya" } else { "Tidak" },
        false,
    );
    if u.is_blocked {
        page.row(
            "Diblokir",
            u.blocked_reason.as_deref().unwrap_or("Ya"),
            true,
        );
    }
    let address = [u.blok.as_deref(), u.kamar.as_deref()]
        .iter()
        .flatten()
        .copied()
        .collect::<Vec<_>>()
        .join(" / ");
    page.row(
        "Blok / kamar",
        if address.is_empty() { "-" } else { &address },
        false,
    );
    page.row("Terdaftar", &tz.format_datetime(u.created_at), false);
    page.row("Login terakhir", &when(u.last_login_at), false);
    page.gap(8.0);
    page.line("Kuota", 11.0, true);
    page.rule();
    if u.is_unlimited_user {
        page.row("Paket", "Unlimited", true);
    }
    page.row("Kuota dibeli", &mb(u.total_quota_purchased_mb), false);
    page.row("Terpakai", &mb(u.total_quota_used_mb), false);
    page.row("Sisa", &mb(u.remaining_mb), true);
    page.row("Berlaku sampai", &when(u.quota_expiry_date), false);
    page.gap(8.0);
    page.line("Tunggakan", 11.0, true);
    page.rule();
    page.row(
        "Tunggakan otomatis",
        &mb(Megabytes::from_whole(debts.summary.auto_debt_mb)),
        false,
    );
    page.row(
        "Tunggakan manual",
        &mb(Megabytes::from_whole(debts.summary.manual_debt_mb)),
        false,
    );
    page.row("Item terbuka", &debts.summary.open_items.to_string(), false);
    page.row(
        "Perkiraan biaya",
        &debts
            .summary
            .estimated_total_rp
            .map_or_else(|| "-".to_owned(), |r| r.to_string()),
        true,
    );
    page.gap(8.0);
    page.line(&format!("Perangkat ({})", detail.devices.len()), 11.0, true);
    let dev_cols = [
        Column::left(150.0),
        Column::left(120.0),
        Column::left(100.0),
        Column::left(125.0),
    ];
    page.table_header(&dev_cols, &["Nama", "MAC", "IP", "Terakhir terlihat"]);
    for d in &detail.devices {
        page.table_row(
            &dev_cols,
            &[
                d.label.as_deref().unwrap_or("-"),
                &d.mac_address,
                d.ip_address.as_deref().unwrap_or("-"),
                &tz.format_datetime(d.last_seen_at),
            ],
            false,
        );
    }
    page.end_table();
    page.gap(8.0);
    page.line("Transaksi terakhir", 11.0, true);
    let filter = TransactionFilter {
        user_id: Some(id),
        ..TransactionFilter::default()
    };
    let (orders, total) = payments::list_admin(app.db(), &filter, 0, RECENT_ORDERS).await?;
    let tx_cols = [
        Column::left(105.0),
        Column::left(150.0),
        Column::left(80.0),
        Column::left(70.0),
        Column::right(90.0),
    ];
    page.table_header(
        &tx_cols,
        &["Tanggal", "Keterangan", "Order", "Status", "Jumlah"],
    );
    for r in &orders {
        page.table_row(
            &tx_cols,
            &[
                &tz.format_datetime(r.tx.created_at),
                &crate::payments::export::item_of(r),
                &r.tx.order_id,
                r.tx.status.as_str(),
                &Rupiah(r.tx.amount).to_string(),
            ],
            false,
        );
    }
    page.end_table();
    if total > RECENT_ORDERS {
        page.line(
            &format!("{RECENT_ORDERS} dari {total} transaksi."),
            9.0,
            false,
        );
    }
    super::finish(app, page, &format!("Laporan Pengguna {}", u.phone_number)).await
}

/// The quota history, newest first (at most [`HISTORY_MAX_ROWS`] entries).
pub async fn quota_history_pdf(app: &App, id: UserId) -> AppResult<Vec<u8>> {
    let user = crate::admin_users::get_user(app, id).await?;
    let (rows, total) =
        activity::ledger_for_user(app.db(), user.id, None, None, 0, HISTORY_MAX_ROWS).await?;
    let tz = &app.config().app.timezone;
    let mut page = Page::new();
    super::letterhead(app, &mut page, "Riwayat Mutasi Kuota").await?;
    page.line(&user.full_name, 12.0, true);
    page.line(&user.phone.local(), 10.0, false);
    page.rule();
    let account = user.quota_account();
    page.row(
        "Sisa kuota sekarang",
        &mb(account.remaining().to_mb()),
        true,
    );
    page.row("Jumlah mutasi", &total.to_string(), false);
    page.gap(8.0);
    let cols = [
        Column::left(100.0),
        Column::left(215.0),
        Column::right(65.0),
        Column::right(65.0),
        Column::left(50.0),
    ];
    page.table_header(&cols, &["Waktu", "Peristiwa", "Kuota", "Terpakai", "Oleh"]);
    let signed = |m: Megabytes| {
        if m.centi() > 0 {
            format!("+{}", mb(m))
        } else if m.centi() == 0 {
            "-".to_owned()
        } else {
            mb(m)
        }
    };
    for e in &rows {
        let item = crate::me::describe_ledger(e);
        page.table_row(
            &cols,
            &[
                &tz.format_datetime(item.created_at),
                &item.title,
                &signed(item.delta_purchased_mb),
                &signed(item.delta_used_mb),
                item.actor.as_deref().unwrap_or("Sistem"),
            ],
            false,
        );
    }
    if rows.is_empty() {
        page.table_row(&cols, &["", "Belum ada mutasi kuota."], false);
    }
    page.end_table();
    if total > HISTORY_MAX_ROWS {
        page.line(
            &format!("{HISTORY_MAX_ROWS} mutasi terbaru dari {total}."),
            9.0,
            false,
        );
    }
    super::finish(
        app,
        page,
        &format!("Riwayat Mutasi Kuota {}", user.phone.local()),
    )
    .await
}
