//! Building command sentences: path, attributes, queries, `.proplist`.

use crate::reply::Row;

/// A command to send: the command word (a menu path plus verb, e.g.
/// `/ip/hotspot/host/print`) and its attribute and query words. The client adds `.tag`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    words: Vec<Vec<u8>>,
}

impl Command {
    /// A command with just its command word, e.g. `/system/identity/print`.
    #[must_use]
    pub fn new(path: impl AsRef<str>) -> Self {
        let mut words = Vec::with_capacity(6);
        words.push(path.as_ref().as_bytes().to_vec());
        Self { words }
    }

    /// `<menu>/print`.
    #[must_use]
    pub fn print(menu: &str) -> Self {
        Self::new(format!("{}/print", menu.trim_end_matches('/')))
    }

    /// `<menu>/<verb>`.
    #[must_use]
    pub fn verb(menu: &str, verb: &str) -> Self {
        Self::new(format!("{}/{verb}", menu.trim_end_matches('/')))
    }

    /// Adds `=name=value`.
    #[must_use]
    pub fn attr(mut self, name: &str, value: impl AsRef<[u8]>) -> Self {
        let value = value.as_ref();
        let mut word = Vec::with_capacity(name.len() + value.len() + 2);
        word.push(b'=');
        word.extend_from_slice(name.as_bytes());
        word.push(b'=');
        word.extend_from_slice(value);
        self.words.push(word);
        self
    }

    /// Adds several `=name=value` words.
    #[must_use]
    pub fn attrs<K: AsRef<str>, V: AsRef<[u8]>>(
        mut self,
        attrs: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        for (k, v) in attrs {
            self = self.attr(k.as_ref(), v);
        }
        self
    }

    /// Adds `=.id=<id>` (a comma-separated list is accepted by set/remove).
    #[must_use]
    pub fn id(self, id: &str) -> Self {
        self.attr(".id", id)
    }

    /// Adds `=.proplist=a,b,c`: only these properties come back.
    #[must_use]
    pub fn proplist<S: AsRef<str>>(self, props: &[S]) -> Self {
        let list = props
            .iter()
            .map(AsRef::as_ref)
            .collect::<Vec<_>>()
            .join(",");
        self.attr(".proplist", list)
    }

    /// Adds the query word `?name=value` (equality; several of them are ANDed).
    #[must_use]
    pub fn query(self, name: &str, value: impl AsRef<str>) -> Self {
        self.query_word(&format!("{name}={}", value.as_ref()))
    }

    /// Adds `?name`: the item has the property.
    #[must_use]
    pub fn has(self, name: &str) -> Self {
        self.query_word(name)
    }

    /// Adds `?-name`: the item lacks the property.
    #[must_use]
    pub fn lacks(self, name: &str) -> Self {
        self.query_word(&format!("-{name}"))
    }

    /// Adds `?<name=value`.
    #[must_use]
    pub fn less(self, name: &str, value: &str) -> Self {
        self.query_word(&format!("<{name}={value}"))
    }

    /// Adds `?>name=value`.
    #[must_use]
    pub fn greater(self, name: &str, value: &str) -> Self {
        self.query_word(&format!(">{name}={value}"))
    }

    /// Adds `?#ops`, stack operations such as `|`, `&`, `!`.
    #[must_use]
    pub fn ops(self, ops: &str) -> Self {
        self.query_word(&format!("#{ops}"))
    }

    /// Adds a raw query word (without the leading `?`).
    #[must_use]
    pub fn query_word(mut self, word: &str) -> Self {
        self.words.push(format!("?{word}").into_bytes());
        self
    }

    /// Adds a raw word as is.
    #[must_use]
    pub fn word(mut self, word: impl Into<Vec<u8>>) -> Self {
        self.words.push(word.into());
        self
    }

    /// The command word.
    #[must_use]
    pub fn path(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(self.words.first().map_or(&[][..], Vec::as_slice))
    }

    /// The words (command word first), without a tag.
    #[must_use]
    pub fn words(&self) -> &[Vec<u8>] {
        &self.words
    }
}

/// The whole answer to one command.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Response {
    /// One row per `!re`.
    pub rows: Vec<Row>,
    /// The attributes of `!done` (e.g. `ret`).
    pub done: Row,
    /// Whether the router said `!empty` (7.18+).
    pub empty: bool,
}

impl Response {
    /// The `=ret=` of `!done`: the new id after `add`, the count after `count-only`.
    #[must_use]
    pub fn ret(&self) -> Option<String> {
        self.done.string("ret")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_words() {
        let c = Command::print("/ip/hotspot/host")
            .proplist(&[".id", "mac-address"])
            .query("mac-address", "AA:BB:CC:DD:EE:FF")
            .query("type", "ether")
            .ops("|");
        let words: Vec<String> = c
            .words()
            .iter()
            .map(|w| String::from_utf8_lossy(w).into_owned())
            .collect();
        assert_eq!(
            words,
            [
                "/ip/hotspot/host/print",
                "=.proplist=.id,mac-address",
                "?mac-address=AA:BB:CC:DD:EE:FF",
                "?type=ether",
                "?#|"
            ]
        );
        assert_eq!(c.path(), "/ip/hotspot/host/print");
    }
}
