//! Reply sentences (`!re`, `!done`, `!trap`, `!empty`, `!fatal`) and data rows.

use std::borrow::Cow;

use crate::error::{Error, Result};
use crate::proto::{Sentence, lossy};

/// One data row (`!re`) or the attributes of another reply: `=key=value` pairs in the
/// order received, values kept as raw bytes.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Row {
    #[serde(serialize_with = "serialize_attrs")]
    attrs: Vec<(Vec<u8>, Vec<u8>)>,
}

fn serialize_attrs<S: serde::Serializer>(
    attrs: &[(Vec<u8>, Vec<u8>)],
    serializer: S,
) -> std::result::Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut map = serializer.serialize_map(Some(attrs.len()))?;
    for (k, v) in attrs {
        map.serialize_entry(&lossy(k), &lossy(v))?;
    }
    map.end()
}

impl Row {
    /// An empty row.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an attribute (builder style, handy in tests).
    #[must_use]
    pub fn with(mut self, key: &str, value: &str) -> Self {
        self.push(key.as_bytes().to_vec(), value.as_bytes().to_vec());
        self
    }

    /// Appends an attribute.
    pub fn push(&mut self, key: Vec<u8>, value: Vec<u8>) {
        self.attrs.push((key, value));
    }

    /// The raw value of `key`, if present.
    #[must_use]
    pub fn get_bytes(&self, key: &str) -> Option<&[u8]> {
        let key = key.as_bytes();
        self.attrs
            .iter()
            .find(|(k, _)| k.as_slice() == key)
            .map(|(_, v)| v.as_slice())
    }

    /// The value of `key` as text (invalid UTF-8 replaced), if present.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<Cow<'_, str>> {
        self.get_bytes(key).map(lossy)
    }

    /// The value of `key` as an owned string, if present.
    #[must_use]
    pub fn string(&self, key: &str) -> Option<String> {
        self.get(key).map(Cow::into_owned)
    }

    /// Whether `key` is present.
    #[must_use]
    pub fn contains(&self, key: &str) -> bool {
        self.get_bytes(key).is_some()
    }

    /// The `.id` of the row.
    #[must_use]
    pub fn id(&self) -> Option<Cow<'_, str>> {
        self.get(".id")
    }

    /// All attributes as raw pairs, in the order received.
    #[must_use]
    pub fn attrs(&self) -> &[(Vec<u8>, Vec<u8>)] {
        &self.attrs
    }

    /// All attributes as lossy text pairs.
    pub fn iter(&self) -> impl Iterator<Item = (Cow<'_, str>, Cow<'_, str>)> {
        self.attrs.iter().map(|(k, v)| (lossy(k), lossy(v)))
    }

    /// Number of attributes.
    #[must_use]
    pub fn len(&self) -> usize {
        self.attrs.len()
    }

    /// Whether the row has no attributes.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.attrs.is_empty()
    }
}

/// Which reply word a sentence starts with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplyKind {
    /// `!re`: one data row.
    Re,
    /// `!done`: the command finished.
    Done,
    /// `!trap`: the command failed (a `!done` follows).
    Trap,
    /// `!empty`: RouterOS 7.18+ "no data" (a `!done` follows).
    Empty,
    /// `!fatal`: the router closes the connection.
    Fatal,
}

impl ReplyKind {
    fn parse(word: &[u8]) -> Option<Self> {
        Some(match word {
            b"!re" => Self::Re,
            b"!done" => Self::Done,
            b"!trap" => Self::Trap,
            b"!empty" => Self::Empty,
            b"!fatal" => Self::Fatal,
            _ => return None,
        })
    }

    /// The reply word.
    #[must_use]
    pub fn word(self) -> &'static str {
        match self {
            Self::Re => "!re",
            Self::Done => "!done",
            Self::Trap => "!trap",
            Self::Empty => "!empty",
            Self::Fatal => "!fatal",
        }
    }
}

/// One decoded reply sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The reply word.
    pub kind: ReplyKind,
    /// The `=key=value` attributes.
    pub row: Row,
    /// The `.tag` API attribute, if any.
    pub tag: Option<Vec<u8>>,
    /// For `!fatal`: the plain reason word(s).
    pub reason: Option<String>,
}

impl Reply {
    /// Parses a sentence received from the router. An unknown reply word is a protocol
    /// error (the connection cannot continue safely).
    pub fn parse(sentence: Sentence) -> Result<Self> {
        let mut words = sentence.into_iter();
        let first = words
            .next()
            .ok_or_else(|| Error::Protocol("empty reply sentence".into()))?;
        let kind = ReplyKind::parse(&first)
            .ok_or_else(|| Error::Protocol(format!("unknown reply word {:?}", lossy(&first))))?;
        let mut row = Row::new();
        let mut tag = None;
        let mut reason: Option<String> = None;
        for word in words {
            if let Some(rest) = word.strip_prefix(b"=") {
                let (k, v) = match rest.iter().position(|&b| b == b'=') {
                    Some(i) => (rest[..i].to_vec(), rest[i + 1..].to_vec()),
                    None => (rest.to_vec(), Vec::new()),
                };
                row.push(k, v);
            } else if let Some(t) = word.strip_prefix(b".tag=") {
                tag = Some(t.to_vec());
            } else if kind == ReplyKind::Fatal {
                let text = lossy(&word).into_owned();
                reason = Some(match reason {
                    Some(prev) => format!("{prev} {text}"),
                    None => text,
                });
            } else if !word.starts_with(b".") {
                return Err(Error::Protocol(format!(
                    "unexpected word {:?} in {} reply",
                    lossy(&word),
                    kind.word()
                )));
            }
        }
        if kind == ReplyKind::Fatal && reason.is_none() {
            reason = row.string("message");
        }
        Ok(Self {
            kind,
            row,
            tag,
            reason,
        })
    }

    /// The trap as an error (message and optional category).
    #[must_use]
    pub fn trap_error(&self) -> Error {
        Error::Trap {
            message: self.row.string("message").unwrap_or_default(),
            category: self.row.get("category").and_then(|c| c.parse().ok()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(ws: &[&str]) -> Sentence {
        ws.iter().map(|w| w.as_bytes().to_vec()).collect()
    }

    #[test]
    fn parses_re_with_tag_and_equals_in_value() {
        let r = Reply::parse(words(&[
            "!re",
            "=.id=*1A",
            "=comment=a=b",
            "=empty=",
            ".tag=7",
        ]))
        .unwrap();
        assert_eq!(r.kind, ReplyKind::Re);
        assert_eq!(r.row.id().as_deref(), Some("*1A"));
        assert_eq!(r.row.get("comment").as_deref(), Some("a=b"));
        assert_eq!(r.row.get("empty").as_deref(), Some(""));
        assert_eq!(r.tag.as_deref(), Some(&b"7"[..]));
    }

    #[test]
    fn parses_fatal_both_forms() {
        let r = Reply::parse(words(&["!fatal", "session terminated on request"])).unwrap();
        assert_eq!(r.reason.as_deref(), Some("session terminated on request"));
        let r = Reply::parse(words(&["!fatal", "=message=not logged in"])).unwrap();
        assert_eq!(r.reason.as_deref(), Some("not logged in"));
    }

    #[test]
    fn trap_carries_category() {
        let r = Reply::parse(words(&["!trap", "=category=2", "=message=interrupted"])).unwrap();
        match r.trap_error() {
            Error::Trap { message, category } => {
                assert_eq!(message, "interrupted");
                assert_eq!(category, Some(2));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn unknown_reply_word_is_protocol_error() {
        assert!(matches!(
            Reply::parse(words(&["!bogus"])),
            Err(Error::Protocol(_))
        ));
        assert!(matches!(
            Reply::parse(words(&["!re", "garbage"])),
            Err(Error::Protocol(_))
        ));
    }

    #[test]
    fn invalid_utf8_is_kept_as_bytes() {
        let r = Reply::parse(vec![b"!re".to_vec(), b"=comment=caf\xe9".to_vec()]).unwrap();
        assert_eq!(r.row.get_bytes("comment"), Some(&b"caf\xe9"[..]));
        assert_eq!(r.row.get("comment").as_deref(), Some("caf\u{fffd}"));
    }
}
