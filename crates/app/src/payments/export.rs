//! The transactions export (`GET /api/admin/transactions/export`): the orders created in a
//! range of local days (`APP_TIMEZONE`, at most [`MAX_DAYS`]), oldest first, as CSV with the
//! dates as `dd-mm-yyyy HH:MM` and the money as `Rp 10.000` (plus a plain number column for
//! spreadsheets). The file is streamed in batches of [`BATCH`] rows: memory stays flat however
//! long the range. A cell that a spreadsheet would run as a formula (a name typed as
//! `=HYPERLINK(…)`) is written as text.

use chrono::{DateTime, NaiveDate, Utc};
use futures::Stream;
use saring_domain::PaymentStatus;
use saring_domain::money::Rupiah;
use saring_domain::time::parse_display_date;
use saring_store::repo::payments::{AdminRow, TransactionPurpose, export_batch};
use uuid::Uuid;

use crate::context::App;
use crate::error::{AppError, AppResult};

/// The longest range one export covers.
pub const MAX_DAYS: i64 = 366;
/// Rows per database read.
pub const BATCH: u64 = 1000;

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

/// The optional status filter.
pub fn status(raw: Option<&str>) -> AppResult<Option<PaymentStatus>> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => PaymentStatus::parse(s)
            .map(Some)
            .ok_or_else(|| AppError::invalid("status", format!("Status {s:?} tidak dikenal."))),
    }
}

const HEADER: [&str; 10] = [
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

/// Text a spreadsheet takes as a formula gets a leading apostrophe.
fn cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

fn write_rows(app: &App, rows: &[AdminRow], header: bool) -> AppResult<Vec<u8>> {
    let tz = &app.config().app.timezone;
    let mut w = csv::Writer::from_writer(Vec::with_capacity(rows.len() * 160));
    let fail = |e: csv::Error| AppError::Internal(format!("csv: {e}"));
    if header {
        w.write_record(HEADER).map_err(fail)?;
    }
    for r in rows {
        let t = &r.tx;
        let phone = r
            .user_phone
            .as_deref()
            .map(|p| saring_domain::Phone::parse(p).map_or_else(|_| p.to_owned(), |p| p.local()))
            .unwrap_or_default();
        let item = match t.purpose {
            TransactionPurpose::Purchase => r.package_name.clone().unwrap_or_default(),
            TransactionPurpose::Debt => "Pelunasan tunggakan".to_owned(),
        };
        w.write_record([
            tz.format_datetime(t.created_at),
            t.payment_time
                .map(|p| tz.format_datetime(p))
                .unwrap_or_default(),
            t.order_id.clone(),
            cell(r.user_full_name.as_deref().unwrap_or_default()),
            phone,
            cell(&item),
            t.payment_method.clone().unwrap_or_default(),
            t.status.as_str().to_owned(),
            Rupiah(t.amount).to_string(),
            t.amount.to_string(),
        ])
        .map_err(fail)?;
    }
    w.into_inner()
        .map_err(|e| AppError::Internal(format!("csv: {e}")))
}

/// The CSV, batch by batch (the header with the first).
pub fn csv(
    app: App,
    range: ExportRange,
    status: Option<PaymentStatus>,
) -> impl Stream<Item = AppResult<Vec<u8>>> + 'static {
    struct State {
        app: App,
        after: Option<(DateTime<Utc>, Uuid)>,
        first: bool,
        done: bool,
    }
    let start = State {
        app,
        after: None,
        first: true,
        done: false,
    };
    futures::stream::try_unfold(start, move |mut s| async move {
        if s.done {
            return Ok(None);
        }
        let rows = export_batch(s.app.db(), range.from, range.to, status, s.after, BATCH).await?;
        s.done = (rows.len() as u64) < BATCH;
        s.after = rows.last().map(|r| (r.tx.created_at, r.tx.id));
        let bytes = write_rows(&s.app, &rows, s.first)?;
        s.first = false;
        Ok(Some((bytes, s)))
    })
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn formulas_become_text() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(cell("-1+2"), "'-1+2");
        assert_eq!(cell("Budi"), "Budi");
    }
}
