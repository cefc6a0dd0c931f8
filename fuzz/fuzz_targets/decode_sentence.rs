//! Fuzzes the RouterOS sentence decoder and the reply parser: arbitrary bytes, fed in
//! arbitrary chunk sizes, must never panic, never allocate past the size guards, and
//! every sentence decoded must re-encode to bytes that decode to the same sentence.
#![no_main]

use bytes::BytesMut;
use libfuzzer_sys::fuzz_target;
use saring_routeros::proto::{Decoder, decode_all, sentence_bytes};
use saring_routeros::reply::Reply;

fuzz_target!(|data: &[u8]| {
    let Some((&chunk, rest)) = data.split_first() else {
        return;
    };
    let chunk = usize::from(chunk).max(1);
    let mut decoder = Decoder::new();
    let mut buf = BytesMut::new();
    let mut chunked = Vec::new();
    'feed: for piece in rest.chunks(chunk) {
        buf.extend_from_slice(piece);
        loop {
            match decoder.decode(&mut buf) {
                Ok(Some(sentence)) => chunked.push(sentence),
                Ok(None) => break,
                Err(_) => break 'feed,
            }
        }
    }
    // Chunking must not change the result.
    if let Ok(whole) = decode_all(rest) {
        assert_eq!(whole, chunked);
    }
    for sentence in chunked {
        let again = decode_all(&sentence_bytes(&sentence)).unwrap_or_default();
        assert_eq!(again, vec![sentence.clone()]);
        let _ = Reply::parse(sentence);
    }
});
