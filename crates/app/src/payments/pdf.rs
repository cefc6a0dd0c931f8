//! A one-page A4 PDF from labelled sections, drawn with `pdf-writer` in the standard
//! Helvetica fonts (no font file, no browser, no external program: it builds anywhere Rust
//! does, a Raspberry Pi included). Text is WinAnsi-encoded; characters outside Latin-1 are
//! replaced with `?`.

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

/// A page being laid out top to bottom.
pub struct Page {
    content: Content,
    y: f32,
}

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
        }
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
        self.y -= size * 1.4;
        self.text_at(MARGIN, self.y, size, bold, text);
    }

    /// Title left, note right, on one line.
    pub fn heading(&mut self, title: &str, right_note: &str) {
        self.y -= 26.0;
        self.text_at(MARGIN, self.y, 22.0, true, title);
        self.right_at(PAGE_W - MARGIN, self.y + 6.0, 10.0, false, right_note);
    }

    pub fn gap(&mut self, points: f32) {
        self.y -= points;
    }

    /// A thin horizontal rule.
    pub fn rule(&mut self) {
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
        self.y -= 16.0;
        self.content.set_fill_rgb(0.37, 0.39, 0.41);
        self.text_at(MARGIN, self.y, 10.0, false, label);
        self.content.set_fill_rgb(0.12, 0.13, 0.14);
        self.right_at(PAGE_W - MARGIN, self.y, 10.0, bold, value);
    }

    /// A shaded total line.
    pub fn total(&mut self, label: &str, value: &str) {
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
    pub fn into_pdf(self, title: &str) -> Vec<u8> {
        let catalog = Ref::new(1);
        let tree = Ref::new(2);
        let page = Ref::new(3);
        let regular = Ref::new(4);
        let bold = Ref::new(5);
        let contents = Ref::new(6);
        let info = Ref::new(7);
        let mut pdf = Pdf::new();
        pdf.catalog(catalog).pages(tree);
        pdf.pages(tree).kids([page]).count(1);
        {
            let mut p = pdf.page(page);
            p.media_box(Rect::new(0.0, 0.0, PAGE_W, PAGE_H));
            p.parent(tree);
            p.contents(contents);
            let mut resources = p.resources();
            let mut fonts = resources.fonts();
            fonts.pair(Name(b"F1"), regular);
            fonts.pair(Name(b"F2"), bold);
            fonts.finish();
            resources.finish();
            p.finish();
        }
        for (id, name) in [(regular, &b"Helvetica"[..]), (bold, &b"Helvetica-Bold"[..])] {
            pdf.type1_font(id)
                .base_font(Name(name))
                .encoding_predefined(Name(b"WinAnsiEncoding"));
        }
        let stream = self.content.finish();
        pdf.stream(contents, stream.as_slice());
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
}
