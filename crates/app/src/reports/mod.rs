//! Reports and exports for the operator: the transactions report as PDF (grouped by day,
//! package or method), the user and debt lists as CSV or PDF, one user's detail report and
//! quota history as PDF with signed temporary links (and sent by WhatsApp), and the action
//! log as CSV.
//!
//! Every CSV is read in keyset batches of [`BATCH`] rows and written as it is read, so
//! memory stays flat however many rows there are; cells a spreadsheet would run as a formula
//! are written as text ([`cell`]). PDFs are drawn by [`crate::payments::pdf`].

pub mod action_logs;
pub mod debts;
pub mod links;
pub mod transactions;
pub mod user_report;
pub mod users;

use futures::{Stream, StreamExt, TryStreamExt};

use crate::context::App;
use crate::error::{AppError, AppResult};
use crate::payments::pdf::Page;

/// Rows per database read.
pub const BATCH: u64 = 1000;

/// The file format of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Pdf,
}

impl Format {
    /// `csv` (the default) or `pdf`, among those `allowed`.
    pub fn parse(raw: Option<&str>, allowed: &[Format]) -> AppResult<Format> {
        let f = match raw.map(str::trim).filter(|s| !s.is_empty()) {
            None => Some(Format::Csv),
            Some(s) if s.eq_ignore_ascii_case("csv") => Some(Format::Csv),
            Some(s) if s.eq_ignore_ascii_case("pdf") => Some(Format::Pdf),
            Some(_) => None,
        };
        f.filter(|f| allowed.contains(f)).ok_or_else(|| {
            let names: Vec<&str> = allowed.iter().map(|f| f.extension()).collect();
            AppError::invalid(
                "format",
                format!("Format ekspor yang tersedia: {}.", names.join(", ")),
            )
        })
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Pdf => "pdf",
        }
    }
}

/// Text a spreadsheet takes as a formula gets a leading apostrophe.
pub fn cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

/// Reads batches of at most [`BATCH`] rows with `fetch(app, after)`, each after the key
/// (`key`) of the previous batch's last row, until a batch comes back short.
pub fn batches<R, K, F, Fut>(
    app: App,
    fetch: F,
    key: fn(&R) -> K,
) -> impl Stream<Item = AppResult<Vec<R>>> + 'static
where
    R: 'static,
    K: Clone + 'static,
    F: Fn(App, Option<K>) -> Fut + 'static,
    Fut: Future<Output = AppResult<Vec<R>>> + 'static,
{
    let fetch = std::rc::Rc::new(fetch);
    futures::stream::try_unfold((app, None::<K>, false), move |(app, after, done)| {
        let fetch = fetch.clone();
        async move {
            if done {
                return Ok(None);
            }
            let rows = fetch(app.clone(), after).await?;
            let done = (rows.len() as u64) < BATCH;
            let after = rows.last().map(key);
            Ok(Some((rows, (app, after, done))))
        }
    })
    .try_filter(|rows: &Vec<R>| std::future::ready(!rows.is_empty()))
}

/// CSV bytes of one batch (with the header row when `header` is given).
pub fn csv_chunk<R>(
    header: Option<&[&str]>,
    rows: &[R],
    mut record: impl FnMut(&R) -> Vec<String>,
) -> AppResult<Vec<u8>> {
    let fail = |e: csv::Error| AppError::Internal(format!("csv: {e}"));
    let mut w = csv::Writer::from_writer(Vec::with_capacity(rows.len() * 160 + 200));
    if let Some(h) = header {
        w.write_record(h).map_err(fail)?;
    }
    for r in rows {
        w.write_record(record(r)).map_err(fail)?;
    }
    w.into_inner()
        .map_err(|e| AppError::Internal(format!("csv: {e}")))
}

/// A CSV file from a stream of batches: the header, then each batch as it arrives (an
/// empty result is the header alone).
pub fn csv_stream<R: 'static>(
    app: App,
    header: &'static [&'static str],
    batches: impl Stream<Item = AppResult<Vec<R>>> + 'static,
    record: fn(&App, &R) -> Vec<String>,
) -> impl Stream<Item = AppResult<Vec<u8>>> + 'static {
    let head = futures::stream::once(std::future::ready(csv_chunk::<R>(
        Some(header),
        &[],
        |_| Vec::new(),
    )));
    head.chain(batches.map(move |rows| csv_chunk(None, &rows?, |r| record(&app, r))))
}

/// The top of every report: the operator's branding, the title, and when it was made.
pub async fn letterhead(app: &App, page: &mut Page, title: &str) -> AppResult<()> {
    let (name, lines) = crate::payments::invoice::issuer(app).await?;
    page.line(&name, 14.0, true);
    for l in &lines {
        page.line(l, 9.0, false);
    }
    page.gap(10.0);
    page.heading(
        title,
        &format!(
            "Dibuat {}",
            app.config().app.timezone.format_datetime(app.now())
        ),
    );
    page.gap(6.0);
    Ok(())
}

/// The footer line every report ends with.
pub async fn finish(app: &App, mut page: Page, title: &str) -> AppResult<Vec<u8>> {
    let (name, _) = crate::payments::invoice::issuer(app).await?;
    page.footer(&format!("Dokumen ini dibuat otomatis oleh {name}."));
    Ok(page.into_pdf(title))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_become_text() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(cell("-1+2"), "'-1+2");
        assert_eq!(cell("Budi"), "Budi");
    }

    #[test]
    fn formats_are_checked_against_what_an_export_offers() {
        let both = [Format::Csv, Format::Pdf];
        assert_eq!(Format::parse(None, &both).ok(), Some(Format::Csv));
        assert_eq!(Format::parse(Some("PDF"), &both).ok(), Some(Format::Pdf));
        assert!(Format::parse(Some("xlsx"), &both).is_err());
        assert!(Format::parse(Some("pdf"), &[Format::Csv]).is_err());
    }
}
