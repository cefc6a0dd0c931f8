//! The transactions report as PDF (`GET /api/admin/transactions/export?format=pdf`): the
//! operator's letterhead, the period, the totals, then one line per group (a day, a package
//! or a payment method) with its subtotal. The orders are read in the CSV export's keyset
//! batches and summed as they come, so a year of orders costs one pass and a few hundred
//! groups of memory.

use std::collections::BTreeMap;

use futures::TryStreamExt;
use saring_domain::PaymentStatus;
use saring_domain::money::Rupiah;
use saring_store::repo::payments::{AdminRow, SortKey, TransactionSort};

use crate::context::App;
use crate::error::{AppError, AppResult};
use crate::payments::export::{self, ExportRange};
use crate::payments::pdf::{Column, Page};

/// What the report's lines are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    Day,
    Package,
    Method,
}

impl Group {
    /// `day` (the default), `package` or `method`.
    pub fn parse(raw: Option<&str>) -> AppResult<Group> {
        match raw.map(str::trim).filter(|s| !s.is_empty()) {
            None | Some("day") => Ok(Group::Day),
            Some("package") => Ok(Group::Package),
            Some("method") => Ok(Group::Method),
            Some(_) => Err(AppError::invalid(
                "group",
                "Kelompokkan menurut day, package atau method.",
            )),
        }
    }

    fn title(self) -> &'static str {
        match self {
            Group::Day => "Tanggal",
            Group::Package => "Paket",
            Group::Method => "Metode",
        }
    }

    fn word(self) -> &'static str {
        match self {
            Group::Day => "hari",
            Group::Package => "paket",
            Group::Method => "metode",
        }
    }
}

/// One group's sums.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Sums {
    orders: u64,
    paid: u64,
    revenue: i64,
}

impl Sums {
    fn add(&mut self, r: &AdminRow) {
        self.orders += 1;
        if r.tx.status == PaymentStatus::Success {
            self.paid += 1;
            self.revenue = self.revenue.saturating_add(r.tx.amount);
        }
    }
}

/// The sort key of a group: days in date order, anything else by name.
fn key_of(app: &App, group: Group, r: &AdminRow) -> String {
    match group {
        Group::Day => app
            .config()
            .app
            .timezone
            .local(r.tx.created_at)
            .format("%Y-%m-%d")
            .to_string(),
        Group::Package => export::item_of(r),
        Group::Method => r.tx.payment_method.as_deref().map_or_else(
            || "(belum dipilih)".to_owned(),
            |m| m.replace('_', " ").to_uppercase(),
        ),
    }
}

fn label_of(group: Group, key: &str) -> String {
    match group {
        Group::Day => chrono::NaiveDate::parse_from_str(key, "%Y-%m-%d")
            .map_or_else(|_| key.to_owned(), |d| d.format("%d-%m-%Y").to_string()),
        _ if key.is_empty() => "(tanpa nama)".to_owned(),
        _ => key.to_owned(),
    }
}

/// The report's PDF. `sort=amount` puts the groups with the most revenue first (or last with
/// `order=asc`); otherwise groups come in date or name order.
pub async fn pdf(
    app: &App,
    range: ExportRange,
    status: Option<PaymentStatus>,
    group: Group,
    sort: TransactionSort,
) -> AppResult<Vec<u8>> {
    let mut groups: BTreeMap<String, Sums> = BTreeMap::new();
    let mut total = Sums::default();
    let read_order = TransactionSort {
        by: SortKey::CreatedAt,
        descending: false,
    };
    let mut batches = std::pin::pin!(export::rows(app.clone(), range, status, read_order));
    while let Some(rows) = batches.try_next().await? {
        for r in &rows {
            groups.entry(key_of(app, group, r)).or_default().add(r);
            total.add(r);
        }
    }
    let mut lines: Vec<(String, Sums)> = groups.into_iter().collect();
    if sort.by == SortKey::Amount {
        lines.sort_by_key(|(_, s)| s.revenue);
        if sort.descending {
            lines.reverse();
        }
    } else if sort.descending {
        lines.reverse();
    }

    let mut page = Page::new();
    super::letterhead(app, &mut page, "Laporan Penjualan").await?;
    page.row(
        "Periode",
        &format!(
            "{} s/d {}",
            range.first.format("%d-%m-%Y"),
            range.last.format("%d-%m-%Y")
        ),
        true,
    );
    page.row(
        "Status",
        status.map_or("Semua status", PaymentStatus::as_str),
        false,
    );
    page.row("Jumlah transaksi", &total.orders.to_string(), false);
    page.row("Transaksi berhasil", &total.paid.to_string(), false);
    page.total("Total pendapatan", &Rupiah(total.revenue).to_string());
    page.gap(14.0);
    page.line(&format!("Rincian per {}", group.word()), 11.0, true);
    page.gap(4.0);
    let cols = [
        Column::left(215.0),
        Column::right(80.0),
        Column::right(80.0),
        Column::right(120.0),
    ];
    page.table_header(
        &cols,
        &[group.title(), "Transaksi", "Berhasil", "Pendapatan"],
    );
    for (key, s) in &lines {
        page.table_row(
            &cols,
            &[
                &label_of(group, key),
                &s.orders.to_string(),
                &s.paid.to_string(),
                &Rupiah(s.revenue).to_string(),
            ],
            false,
        );
    }
    if lines.is_empty() {
        page.table_row(&cols, &["Tidak ada transaksi pada periode ini."], false);
    }
    page.end_table();
    page.rule();
    page.table_row(
        &cols,
        &[
            "Total",
            &total.orders.to_string(),
            &total.paid.to_string(),
            &Rupiah(total.revenue).to_string(),
        ],
        true,
    );
    super::finish(app, page, "Laporan Penjualan").await
}

/// `laporan-transaksi_01-01-2026_31-01-2026.pdf`
pub fn file_name(range: &ExportRange) -> String {
    range
        .file_name()
        .replacen("transaksi_", "laporan-transaksi_", 1)
        .replace(".csv", ".pdf")
}
