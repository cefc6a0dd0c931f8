//! A4 PDFs from labelled sections and tables, drawn with `pdf-writer` in the standard
//! Helvetica fonts (no font file, no browser, no external program: it builds anywhere Rust
//! does, a Raspberry Pi included). Text is WinAnsi-encoded; characters outside Latin-1 are
//! replaced with `?`. Content runs onto further pages as it fills one; the page streams are
//! stored uncompressed (small, and the text stays searchable).

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str};

const PAGE_W: f32 = 595.0;
const PAGE_H: f32 = 842.0;
const MARGIN: f32 = 50.0;

/// Advance widths (1/1000 em) of Helvetica and Helvetica-Bold for ASCII 32..=126 (Adobe's
/// core font metrics).
const HELVETICA: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667,
    611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
    667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500,
    222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];
const HELVETICA_BOLD: [u16; 95] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, 975, 722, 722, 722, 722, 667,
    611, 778, 722, 278, 556, 722, 611, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
    667, 611, 333, 278, 333, 584, 556, 333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556,
    278, 889, 611, 611, 611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584,
];

fn encode(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match u32::from(c) {
            0x20..=0x7E | 0xA0..=0xFF => u8::try_from(u32::from(c)).unwrap_or(b'?'),
            0x2013 => 0x96,
            0x2014 => 0x97,
            0x2022 => 0x95,
            _ => b'?',
        })
        .collect()
}

fn width(text: &[u8], size: f32, bold: bool) -> f32 {
    let table = if bold { &HELVETICA_BOLD } else { &HELVETICA };
    let units: u32 = text
        .iter()
        .map(|b| {
            b.checked_sub(32)
                .and_then(|i| table.get(usize::from(i)))
                .copied()
                .map_or(556, u32::from)
        })
        .sum();
    units as f32 * size / 1000.0
}

/// A document being laid out top to bottom, page after page.
pub struct Page {
    content: Content,
    y: f32,
    /// The finished pages' content streams.
    done: Vec<Vec<u8>>,
    /// The header repeated at the top of each further page (a table's column titles).
    repeat: Option<(Vec<Column>, Vec<String>)>,
}

/// A table column: its width in points and whether its text is right-aligned.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Column {
    pub width: f32,
    pub right: bool,
}

impl Column {
    pub const fn left(width: f32) -> Self {
        Column {
            width,
            right: false,
        }
    }

    pub const fn right(width: f32) -> Self {
        Column { width, right: true }
    }
}

/// The width a page leaves for content between its margins.
pub const CONTENT_WIDTH: f32 = PAGE_W - 2.0 * MARGIN;

impl Default for Page {
    fn default() -> Self {
        Self::new()
    }
}

impl Page {
    pub fn new() -> Self {
        Page {
            content: Content::new(),
            y: PAGE_H - MARGIN,
            done: Vec::new(),
            repeat: None,
        }
    }

    /// Starts a new page when fewer than `needed` points are left on this one.
    fn room(&mut self, needed: f32) {
        if self.y - needed >= MARGIN {
            return;
        }
        let full = std::mem::replace(&mut self.content, Content::new());
        self.done.push(full.finish().to_vec());
        self.y = PAGE_H - MARGIN;
        if let Some((cols, titles)) = self.repeat.clone() {
            let titles: Vec<&str> = titles.iter().map(String::as_str).collect();
            self.cells(&cols, &titles, true);
        }
    }

    /// `text` cut (with `…`) to fit `max` points.
    fn fit(text: &str, size: f32, bold: bool, max: f32) -> String {
        if width(&encode(text), size, bold) <= max {
            return text.to_owned();
        }
        let mut out: String = text.to_owned();
        while !out.is_empty() && width(&encode(&format!("{out}…")), size, bold) > max {
            out.pop();
        }
        format!("{out}…")
    }

    fn cells(&mut self, cols: &[Column], cells: &[&str], bold: bool) {
        const SIZE: f32 = 8.5;
        self.y -= 13.0;
        let mut x = MARGIN;
        for (col, text) in cols.iter().zip(cells) {
            let text = Self::fit(text, SIZE, bold, col.width - 4.0);
            if col.right {
                self.right_at(x + col.width - 4.0, self.y, SIZE, bold, &text);
            } else {
                self.text_at(x, self.y, SIZE, bold, &text);
            }
            x += col.width;
        }
    }

    /// A table's title row; it is repeated at the top of every further page.
    pub fn table_header(&mut self, cols: &[Column], titles: &[&str]) {
        self.room(30.0);
        self.cells(cols, titles, true);
        self.repeat = Some((
            cols.to_vec(),
            titles.iter().map(|t| (*t).to_owned()).collect(),
        ));
        self.rule();
    }

    /// One table row (text that does not fit its column is cut).
    pub fn table_row(&mut self, cols: &[Column], cells: &[&str], bold: bool) {
        self.room(14.0);
        self.cells(cols, cells, bold);
    }

    /// The end of a table: further pages no longer repeat its titles.
    pub fn end_table(&mut self) {
        self.repeat = None;
    }

    fn text_at(&mut self, x: f32, y: f32, size: f32, bold: bool, text: &str) {
        let bytes = encode(text);
        self.content
            .begin_text()
            .set_font(Name(if bold { b"F2" } else { b"F1" }), size)
            .next_line(x, y)
            .show(Str(&bytes))
            .end_text();
    }

    fn right_at(&mut self, right: f32, y: f32, size: f32, bold: bool, text: &str) {
        let w = width(&encode(text), size, bold);
        self.text_at(right - w, y, size, bold, text);
    }

    /// A line of text at the cursor.
    pub fn line(&mut self, text: &str, size: f32, bold: bool) {
        self.room(size * 1.4);
        self.y -= size * 1.4;
        self.text_at(MARGIN, self.y, size, bold, text);
    }

    /// Title left, note right, on one line.
    pub fn heading(&mut self, title: &str, right_note: &str) {
        self.room(30.0);
        self.y -= 26.0;
        self.text_at(MARGIN, self.y, 22.0, true, title);
        self.right_at(PAGE_W - MARGIN, self.y + 6.0, 10.0, false, right_note);
    }

    pub fn gap(&mut self, points: f32) {
        self.y -= points;
    }

    /// A thin horizontal rule.
    pub fn rule(&mut self) {
        self.room(12.0);
        self.y -= 8.0;
        self.content
            .set_stroke_rgb(0.8, 0.8, 0.8)
            .set_line_width(0.7)
            .move_to(MARGIN, self.y)
            .line_to(PAGE_W - MARGIN, self.y)
            .stroke();
        self.y -= 4.0;
    }

    /// `label ............ value` rows.
    pub fn row(&mut self, label: &str, value: &str, bold: bool) {
        self.room(16.0);
        self.y -= 16.0;
        self.content.set_fill_rgb(0.37, 0.39, 0.41);
        self.text_at(MARGIN, self.y, 10.0, false, label);
        self.content.set_fill_rgb(0.12, 0.13, 0.14);
        self.right_at(PAGE_W - MARGIN, self.y, 10.0, bold, value);
    }

    /// A shaded total line.
    pub fn total(&mut self, label: &str, value: &str) {
        self.room(36.0);
        self.y -= 28.0;
        self.content
            .set_fill_rgb(0.95, 0.96, 0.97)
            .rect(
                MARGIN - 6.0,
                self.y - 8.0,
                PAGE_W - 2.0 * MARGIN + 12.0,
                26.0,
            )
            .fill_nonzero()
            .set_fill_rgb(0.12, 0.13, 0.14);
        self.text_at(MARGIN, self.y, 12.0, true, label);
        self.right_at(PAGE_W - MARGIN, self.y, 12.0, true, value);
    }

    /// A stamp (e.g. `LUNAS`) in a colour, right-aligned at the cursor.
    pub fn stamp(&mut self, text: &str, rgb: (f32, f32, f32)) {
        self.content.set_fill_rgb(rgb.0, rgb.1, rgb.2);
        self.right_at(PAGE_W - MARGIN, self.y - 20.0, 16.0, true, text);
        self.content.set_fill_rgb(0.12, 0.13, 0.14);
    }

    /// Small grey text at the bottom of the page.
    pub fn footer(&mut self, text: &str) {
        self.content.set_fill_rgb(0.5, 0.5, 0.5);
        self.text_at(MARGIN, MARGIN - 10.0, 8.0, false, text);
    }

    /// The finished document.
    pub fn into_pdf(mut self, title: &str) -> Vec<u8> {
        let last = std::mem::replace(&mut self.content, Content::new());
        self.done.push(last.finish().to_vec());
        let catalog = Ref::new(1);
        let tree = Ref::new(2);
        let regular = Ref::new(3);
        let bold = Ref::new(4);
        let info = Ref::new(5);
        // Each page takes two ids: the page and its content stream.
        let ids: Vec<(Ref, Ref)> = (0..self.done.len())
            .map(|i| {
                let n = i32::try_from(i).unwrap_or(i32::MAX / 2 - 6);
                (Ref::new(6 + 2 * n), Ref::new(7 + 2 * n))
            })
            .collect();
        let mut pdf = Pdf::new();
        pdf.catalog(catalog).pages(tree);
        pdf.pages(tree)
            .kids(ids.iter().map(|(p, _)| *p))
            .count(i32::try_from(ids.len()).unwrap_or(i32::MAX));
        for ((page, contents), stream) in ids.iter().zip(&self.done) {
            let mut p = pdf.page(*page);
            p.media_box(Rect::new(0.0, 0.0, PAGE_W, PAGE_H));
            p.parent(tree);
            p.contents(*contents);
            let mut resources = p.resources();
            let mut fonts = resources.fonts();
            fonts.pair(Name(b"F1"), regular);
            fonts.pair(Name(b"F2"), bold);
            fonts.finish();
            resources.finish();
            p.finish();
            pdf.stream(*contents, stream.as_slice());
        }
        for (id, name) in [(regular, &b"Helvetica"[..]), (bold, &b"Helvetica-Bold"[..])] {
            pdf.type1_font(id)
                .base_font(Name(name))
                .encoding_predefined(Name(b"WinAnsiEncoding"));
        }
        let encoded_title = encode(title);
        pdf.document_info(info)
            .title(pdf_writer::TextStr(&String::from_utf8_lossy(
                &encoded_title,
            )))
            .producer(pdf_writer::TextStr("Saring"));
        pdf.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_and_encoding() {
        assert_eq!(encode("Rp 10.000 – é✓"), b"Rp 10.000 \x96 \xe9?".to_vec());
        let w = width(b"Rp 10.000", 10.0, false);
        assert!((w - 46.14).abs() < 0.01, "{w}");
        assert!(width(b"MM", 10.0, true) > width(b"ii", 10.0, true));
    }

    #[test]
    fn renders_a_valid_pdf() {
        let mut p = Page::new();
        p.heading("Invoice", "BD-LPSR-1");
        p.row("Paket", "Harian 1 GB", true);
        p.total("Total", "Rp 5.000");
        let pdf = p.into_pdf("Invoice BD-LPSR-1");
        assert!(pdf.starts_with(b"%PDF-"));
        assert!(pdf.windows(9).any(|w| w == b"Helvetica"));
        assert!(pdf.ends_with(b"%%EOF") || pdf.ends_with(b"%%EOF\n"));
    }

    #[test]
    fn long_tables_run_onto_more_pages_with_their_titles() {
        let cols = [Column::left(300.0), Column::right(195.0)];
        let mut p = Page::new();
        p.table_header(&cols, &["Nama", "Jumlah"]);
        for i in 0..200 {
            p.table_row(&cols, &[&format!("Baris {i}"), "Rp 1.000"], false);
        }
        let pdf = p.into_pdf("Tabel");
        let text = String::from_utf8_lossy(&pdf);
        let pages = text.matches("/Type /Page\n").count()
            + text.matches("/Type /Page ").count()
            + text.matches("/Type /Page/").count();
        assert!(text.contains("(Baris 199)"));
        assert!(
            text.matches("(Jumlah)").count() >= 3,
            "titles on every page"
        );
        assert!(pages >= 3 || text.matches("/Contents").count() >= 3);
    }

    #[test]
    fn cells_are_cut_to_fit() {
        let cut = Page::fit("Nama yang sangat panjang sekali", 10.0, false, 40.0);
        assert!(cut.ends_with('…'));
        assert!(width(&encode(&cut), 10.0, false) <= 40.0);
    }
}
