//! The transactions export (`GET /api/admin/transactions/export`): the orders created in a
//! range of local days (`APP_TIMEZONE`, at most [`MAX_DAYS`]), oldest first (or as `sort`
//! and `order` say), as CSV with the dates as `dd-mm-yyyy HH:MM` and the money as `Rp 10.000` (plus a plain number column for
//! spreadsheets). The file is streamed in batches of [`BATCH`] rows: memory stays flat however
//! long the range. A cell that a spreadsheet would run as a formula (a name typed as
//! `=HYPERLINK(…)`) is written as text.

use chrono::{DateTime, NaiveDate, Utc};
use futures::Stream;
use saring_domain::PaymentStatus;
use saring_domain::money::Rupiah;
use saring_domain::time::parse_display_date;
use saring_store::repo::payments::{
    AdminRow, ExportKey, SortKey, TransactionPurpose, TransactionSort, export_batch,
};

use crate::context::App;
use crate::error::{AppError, AppResult};
use crate::reports::{BATCH, cell};

/// The longest range one export covers.
pub const MAX_DAYS: i64 = 366;

/// A checked range of local days, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExportRange {
    pub first: NaiveDate,
    pub last: NaiveDate,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
}

impl ExportRange {
    /// `transaksi_01-01-2026_31-01-2026.csv`
    pub fn file_name(&self) -> String {
        format!(
            "transaksi_{}_{}.csv",
            self.first.format("%d-%m-%Y"),
            self.last.format("%d-%m-%Y")
        )
    }
}

fn day(field: &str, raw: Option<&str>) -> AppResult<NaiveDate> {
    let raw = raw.map(str::trim).unwrap_or_default();
    parse_display_date(raw)
        .or_else(|| NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok())
        .ok_or_else(|| AppError::invalid(field, "Isi tanggal sebagai dd-mm-yyyy."))
}

/// The range from `from` to `to` (`dd-mm-yyyy` or `yyyy-mm-dd`, both days included).
pub fn range(app: &App, from: Option<&str>, to: Option<&str>) -> AppResult<ExportRange> {
    let (first, last) = (day("from", from)?, day("to", to)?);
    if last < first {
        return Err(AppError::invalid(
            "to",
            "Tanggal akhir tidak boleh sebelum tanggal awal.",
        ));
    }
    if (last - first).num_days() >= MAX_DAYS {
        return Err(AppError::invalid(
            "to",
            format!("Satu ekspor paling panjang {MAX_DAYS} hari."),
        ));
    }
    let tz = &app.config().app.timezone;
    let next = last.succ_opt().unwrap_or(last);
    Ok(ExportRange {
        first,
        last,
        from: tz.start_of_day(first),
        to: tz.start_of_day(next),
    })
}

impl ExportRange {
    /// The range as UTC instants: `[from, to)`.
    pub fn bounds(&self) -> (DateTime<Utc>, DateTime<Utc>) {
        (self.from, self.to)
    }
}

/// Optional `[from, to)` instants.
pub type Bounds = (Option<DateTime<Utc>>, Option<DateTime<Utc>>);

/// Optional day bounds for a list: both given make a checked [`range`]; one alone is an
/// open range from (or up to and including) that day.
pub fn optional_bounds(app: &App, from: Option<&str>, to: Option<&str>) -> AppResult<Bounds> {
    fn given(v: Option<&str>) -> Option<&str> {
        v.map(str::trim).filter(|s| !s.is_empty())
    }
    let tz = &app.config().app.timezone;
    match (given(from), given(to)) {
        (None, None) => Ok((None, None)),
        (Some(_), Some(_)) => {
            let (f, t) = range(app, from, to)?.bounds();
            Ok((Some(f), Some(t)))
        }
        (Some(f), None) => Ok((Some(tz.start_of_day(day("from", Some(f))?)), None)),
        (None, Some(t)) => {
            let last = day("to", Some(t))?;
            Ok((None, Some(tz.start_of_day(last.succ_opt().unwrap_or(last)))))
        }
    }
}

/// The optional status filter.
pub fn status(raw: Option<&str>) -> AppResult<Option<PaymentStatus>> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => PaymentStatus::parse(s)
            .map(Some)
            .ok_or_else(|| AppError::invalid("status", format!("Status {s:?} tidak dikenal."))),
    }
}

/// The sort of an export or the admin list: `sort=created_at|amount`, `order=asc|desc`
/// (`descending` when `order` is not given).
pub fn sort(by: Option<&str>, order: Option<&str>, descending: bool) -> AppResult<TransactionSort> {
    let by = match by.map(str::trim).filter(|s| !s.is_empty()) {
        None | Some("created_at") => SortKey::CreatedAt,
        Some("amount") => SortKey::Amount,
        Some(_) => {
            return Err(AppError::invalid(
                "sort",
                "Urutkan menurut created_at atau amount.",
            ));
        }
    };
    let descending = match order.map(str::trim).filter(|s| !s.is_empty()) {
        None => descending,
        Some(o) if o.eq_ignore_ascii_case("asc") => false,
        Some(o) if o.eq_ignore_ascii_case("desc") => true,
        Some(_) => return Err(AppError::invalid("order", "Urutan: asc atau desc.")),
    };
    Ok(TransactionSort { by, descending })
}

const HEADER: &[&str] = &[
    "Tanggal",
    "Dibayar",
    "Order ID",
    "Nama",
    "Telepon",
    "Keterangan",
    "Metode",
    "Status",
    "Jumlah",
    "Jumlah (angka)",
];

/// What an order was for: the package's name, or a debt payment.
pub fn item_of(r: &AdminRow) -> String {
    match r.tx.purpose {
        TransactionPurpose::Purchase => r.package_name.clone().unwrap_or_default(),
        TransactionPurpose::Debt => "Pelunasan tunggakan".to_owned(),
    }
}

fn record(app: &App, r: &AdminRow) -> Vec<String> {
    let tz = &app.config().app.timezone;
    let t = &r.tx;
    let phone = r
        .user_phone
        .as_deref()
        .map(|p| saring_domain::Phone::parse(p).map_or_else(|_| p.to_owned(), |p| p.local()))
        .unwrap_or_default();
    vec![
        tz.format_datetime(t.created_at),
        t.payment_time
            .map(|p| tz.format_datetime(p))
            .unwrap_or_default(),
        t.order_id.clone(),
        cell(r.user_full_name.as_deref().unwrap_or_default()),
        phone,
        cell(&item_of(r)),
        t.payment_method.clone().unwrap_or_default(),
        t.status.as_str().to_owned(),
        Rupiah(t.amount).to_string(),
        t.amount.to_string(),
    ]
}

/// The orders of a range, batch by batch in `sort`'s order.
pub fn rows(
    app: App,
    range: ExportRange,
    status: Option<PaymentStatus>,
    sort: TransactionSort,
) -> impl Stream<Item = AppResult<Vec<AdminRow>>> + 'static {
    crate::reports::batches(
        app,
        move |app: App, after: Option<ExportKey>| async move {
            Ok(export_batch(app.db(), range.from, range.to, status, sort, after, BATCH).await?)
        },
        if sort.by == SortKey::Amount {
            |r: &AdminRow| ExportKey::Amount(r.tx.amount, r.tx.id)
        } else {
            |r: &AdminRow| ExportKey::At(r.tx.created_at, r.tx.id)
        },
    )
}

/// The CSV, batch by batch (the header first).
pub fn csv(
    app: App,
    range: ExportRange,
    status: Option<PaymentStatus>,
    sort: TransactionSort,
) -> impl Stream<Item = AppResult<Vec<u8>>> + 'static {
    crate::reports::csv_stream(app.clone(), HEADER, rows(app, range, status, sort), record)
}
