//! The RouterOS API wire format: length-prefixed words grouped into sentences.
//!
//! A word is an encoded length followed by that many raw bytes; a sentence is a list of
//! words ended by a zero-length word. Lengths use one to five bytes (see
//! [`encode_length`]). Words are kept as bytes: RouterOS does not promise UTF-8.

use bytes::{Buf, BufMut, BytesMut};

/// One word: raw bytes, not necessarily UTF-8.
pub type Word = Vec<u8>;

/// One sentence: the words between two zero-length words.
pub type Sentence = Vec<Word>;

/// Largest sentence (sum of word payloads) the decoder accepts. A 10,000-row print is
/// 10,000 sentences, so one sentence stays small; 16 MiB is far above anything real.
pub const MAX_SENTENCE_BYTES: usize = 16 * 1024 * 1024;

/// Largest single word the decoder accepts.
pub const MAX_WORD_BYTES: usize = 8 * 1024 * 1024;

/// Largest number of words in one sentence the decoder accepts.
pub const MAX_SENTENCE_WORDS: usize = 65_536;

/// Why bytes could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// A first length byte `0xF1..=0xFF`: a reserved control byte.
    #[error("control byte 0x{0:02X} where a word length was expected")]
    ControlByte(u8),
    /// One word is longer than [`MAX_WORD_BYTES`].
    #[error("word of {0} bytes exceeds the limit")]
    WordTooLong(usize),
    /// The sentence is larger than [`MAX_SENTENCE_BYTES`] or has too many words.
    #[error("sentence exceeds the size limit")]
    SentenceTooLarge,
}

/// Writes the length prefix of a word of `len` bytes.
pub fn encode_length(len: u32, out: &mut impl BufMut) {
    match len {
        0..=0x7F => out.put_u8(len as u8),
        0x80..=0x3FFF => out.put_u16(len as u16 | 0x8000),
        0x4000..=0x1F_FFFF => {
            let v = len | 0x00C0_0000;
            out.put_u8((v >> 16) as u8);
            out.put_u16(v as u16);
        }
        0x20_0000..=0x0FFF_FFFF => out.put_u32(len | 0xE000_0000),
        _ => {
            out.put_u8(0xF0);
            out.put_u32(len);
        }
    }
}

/// Number of bytes the length prefix of a word of `len` bytes takes.
#[must_use]
pub fn length_size(len: usize) -> usize {
    match len {
        0..=0x7F => 1,
        0x80..=0x3FFF => 2,
        0x4000..=0x1F_FFFF => 3,
        0x20_0000..=0x0FFF_FFFF => 4,
        _ => 5,
    }
}

/// Decodes a length prefix at the start of `buf`.
///
/// Returns `Ok(None)` when more bytes are needed, otherwise the length and the number of
/// prefix bytes.
pub fn decode_length(buf: &[u8]) -> Result<Option<(u32, usize)>, DecodeError> {
    let Some(&first) = buf.first() else {
        return Ok(None);
    };
    let size = match first {
        0x00..=0x7F => return Ok(Some((u32::from(first), 1))),
        0x80..=0xBF => 2,
        0xC0..=0xDF => 3,
        0xE0..=0xEF => 4,
        0xF0 => 5,
        other => return Err(DecodeError::ControlByte(other)),
    };
    if buf.len() < size {
        return Ok(None);
    }
    let len = match size {
        2 => u32::from(u16::from_be_bytes([first & 0x3F, buf[1]])),
        3 => u32::from_be_bytes([0, first & 0x1F, buf[1], buf[2]]),
        4 => u32::from_be_bytes([first & 0x0F, buf[1], buf[2], buf[3]]),
        _ => u32::from_be_bytes([buf[1], buf[2], buf[3], buf[4]]),
    };
    Ok(Some((len, size)))
}

/// Appends one word (length prefix and bytes) to `out`.
pub fn encode_word(word: &[u8], out: &mut BytesMut) {
    out.reserve(word.len() + 5);
    // Words longer than u32::MAX cannot be represented; callers never build them.
    encode_length(u32::try_from(word.len()).unwrap_or(u32::MAX), out);
    out.put_slice(word);
}

/// Appends a whole sentence, including the terminating zero-length word.
pub fn encode_sentence<W: AsRef<[u8]>>(words: &[W], out: &mut BytesMut) {
    for word in words {
        encode_word(word.as_ref(), out);
    }
    out.put_u8(0);
}

/// Encodes a sentence into a fresh buffer.
#[must_use]
pub fn sentence_bytes<W: AsRef<[u8]>>(words: &[W]) -> BytesMut {
    let size: usize = words
        .iter()
        .map(|w| w.as_ref().len() + length_size(w.as_ref().len()))
        .sum();
    let mut out = BytesMut::with_capacity(size + 1);
    encode_sentence(words, &mut out);
    out
}

/// Incremental sentence decoder: feed it whatever the socket returned, take complete
/// sentences out. Sentences split across reads at any byte are handled. Empty sentences
/// (a lone zero byte) are skipped, as RouterOS does.
#[derive(Debug, Default)]
pub struct Decoder {
    words: Sentence,
    sentence_bytes: usize,
}

impl Decoder {
    /// A decoder with no partial sentence.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Takes the next complete sentence out of `buf`, consuming its bytes.
    ///
    /// Returns `Ok(None)` when `buf` holds no complete sentence yet (partial words stay in
    /// `buf`, complete words of a partial sentence are kept by the decoder).
    pub fn decode(&mut self, buf: &mut BytesMut) -> Result<Option<Sentence>, DecodeError> {
        loop {
            let Some((len, prefix)) = decode_length(buf)? else {
                return Ok(None);
            };
            let len = len as usize;
            if len == 0 {
                buf.advance(prefix);
                if self.words.is_empty() {
                    continue;
                }
                self.sentence_bytes = 0;
                return Ok(Some(std::mem::take(&mut self.words)));
            }
            if len > MAX_WORD_BYTES {
                return Err(DecodeError::WordTooLong(len));
            }
            if self.sentence_bytes + len > MAX_SENTENCE_BYTES
                || self.words.len() >= MAX_SENTENCE_WORDS
            {
                return Err(DecodeError::SentenceTooLarge);
            }
            if buf.len() < prefix + len {
                buf.reserve(prefix + len - buf.len());
                return Ok(None);
            }
            let word = buf[prefix..prefix + len].to_vec();
            buf.advance(prefix + len);
            self.sentence_bytes += len;
            if self.words.capacity() == 0 {
                self.words.reserve(8);
            }
            self.words.push(word);
        }
    }

    /// Whether a sentence has been started but not finished.
    #[must_use]
    pub fn in_sentence(&self) -> bool {
        !self.words.is_empty()
    }
}

/// Decodes every complete sentence in `bytes` (for tests and the fuzz target).
pub fn decode_all(bytes: &[u8]) -> Result<Vec<Sentence>, DecodeError> {
    let mut buf = BytesMut::from(bytes);
    let mut decoder = Decoder::new();
    let mut out = Vec::new();
    while let Some(sentence) = decoder.decode(&mut buf)? {
        out.push(sentence);
    }
    Ok(out)
}

/// Lossy text of a word, for logs and display.
#[must_use]
pub fn lossy(word: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(word)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn enc(len: u32) -> Vec<u8> {
        let mut out = Vec::new();
        encode_length(len, &mut out);
        out
    }

    #[test]
    fn published_length_vectors() {
        let vectors: &[(u32, &[u8])] = &[
            (0x01, &[0x01]),
            (0x7F, &[0x7F]),
            (0x80, &[0x80, 0x80]),
            (0x87, &[0x80, 0x87]),
            (0x3FFF, &[0xBF, 0xFF]),
            (0x4000, &[0xC0, 0x40, 0x00]),
            (0x4321, &[0xC0, 0x43, 0x21]),
            (0x1F_FFFF, &[0xDF, 0xFF, 0xFF]),
            (0x20_0000, &[0xE0, 0x20, 0x00, 0x00]),
            (0x2A_CDEF, &[0xE0, 0x2A, 0xCD, 0xEF]),
            (0x0FFF_FFFF, &[0xEF, 0xFF, 0xFF, 0xFF]),
            (0x1000_0000, &[0xF0, 0x10, 0x00, 0x00, 0x00]),
            (0x1000_0080, &[0xF0, 0x10, 0x00, 0x00, 0x80]),
            (209, &[0x80, 0xD1]),
        ];
        for &(len, bytes) in vectors {
            assert_eq!(enc(len), bytes, "encode 0x{len:X}");
            assert_eq!(
                decode_length(bytes).unwrap(),
                Some((len, bytes.len())),
                "decode 0x{len:X}"
            );
            assert_eq!(length_size(len as usize), bytes.len());
        }
    }

    #[test]
    fn login_sentence_bytes() {
        let got = sentence_bytes(&["/login", "=name=admin", "=password=secret"]);
        let mut want = vec![0x06];
        want.extend_from_slice(b"/login");
        want.push(0x0b);
        want.extend_from_slice(b"=name=admin");
        want.push(0x10);
        want.extend_from_slice(b"=password=secret");
        want.push(0);
        assert_eq!(&got[..], &want[..]);
    }

    #[test]
    fn tagged_print_sentence_bytes() {
        let words = [
            "/ip/hotspot/host/print",
            "=.proplist=.id,mac-address,bytes-in,bytes-out",
            "?mac-address=AA:BB:CC:DD:EE:FF",
            ".tag=7",
        ];
        let got = sentence_bytes(&words);
        assert_eq!(got[0], 0x16);
        assert_eq!(got[1 + 0x16], 0x2d);
        assert_eq!(got[1 + 0x16 + 1 + 0x2d], 0x1e);
        assert_eq!(got[1 + 0x16 + 1 + 0x2d + 1 + 0x1e], 0x06);
        assert_eq!(*got.last().unwrap(), 0);
        assert_eq!(
            decode_all(&got).unwrap(),
            vec![words.map(|w| w.as_bytes().to_vec()).to_vec()]
        );
    }

    #[test]
    fn reply_vectors_decode() {
        let done_ret: &[u8] = &[
            0x05, b'!', b'd', b'o', b'n', b'e', 0x08, b'=', b'r', b'e', b't', b'=', b'*', b'1',
            b'A', 0x00,
        ];
        assert_eq!(
            decode_all(done_ret).unwrap(),
            vec![vec![b"!done".to_vec(), b"=ret=*1A".to_vec()]]
        );
        let empty: &[u8] = &[
            0x06, b'!', b'e', b'm', b'p', b't', b'y', 0x06, b'.', b't', b'a', b'g', b'=', b'7',
            0x00,
        ];
        assert_eq!(
            decode_all(empty).unwrap(),
            vec![vec![b"!empty".to_vec(), b".tag=7".to_vec()]]
        );
    }

    #[test]
    fn control_bytes_rejected() {
        for b in 0xF1..=0xFFu8 {
            assert_eq!(
                decode_all(&[b, 0, 0, 0, 0]),
                Err(DecodeError::ControlByte(b))
            );
        }
    }

    #[test]
    fn five_byte_word_over_limit_is_rejected_before_allocation() {
        assert_eq!(
            decode_all(&[0xF0, 0x10, 0, 0, 0]),
            Err(DecodeError::WordTooLong(0x1000_0000))
        );
    }

    #[test]
    fn empty_sentences_are_skipped() {
        let bytes = [0u8, 0, 0x02, b'!', b'x', 0, 0];
        assert_eq!(decode_all(&bytes).unwrap(), vec![vec![b"!x".to_vec()]]);
    }

    #[test]
    fn split_at_every_byte() {
        let mut bytes = sentence_bytes(&["!re", "=comment=abc", ".tag=1"]).to_vec();
        bytes.extend_from_slice(&sentence_bytes(&["!done", ".tag=1"]));
        for split in 0..bytes.len() {
            let mut decoder = Decoder::new();
            let mut buf = BytesMut::from(&bytes[..split]);
            let mut out = Vec::new();
            while let Some(s) = decoder.decode(&mut buf).unwrap() {
                out.push(s);
            }
            buf.extend_from_slice(&bytes[split..]);
            while let Some(s) = decoder.decode(&mut buf).unwrap() {
                out.push(s);
            }
            assert_eq!(out.len(), 2, "split at {split}");
            assert_eq!(out[1][0], b"!done");
        }
    }

    proptest! {
        #[test]
        fn length_round_trip(len in any::<u32>()) {
            let bytes = enc(len);
            prop_assert_eq!(decode_length(&bytes).unwrap(), Some((len, bytes.len())));
        }

        #[test]
        fn sentence_round_trip(words in proptest::collection::vec(
            proptest::collection::vec(any::<u8>(), 1..300), 1..20)) {
            let bytes = sentence_bytes(&words);
            prop_assert_eq!(decode_all(&bytes).unwrap(), vec![words]);
        }

        #[test]
        fn decoder_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = decode_all(&bytes);
        }
    }
}
