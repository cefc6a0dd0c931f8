//! Texts in Indonesian (default) and English.
//!
//! The catalogues are `locales/{id,en}/main.ftl`, compiled into the wasm with `include_str!`
//! so the captive portal needs no extra request before the user has internet. The files use a
//! small subset of Fluent: `# comments`, `key = value`, indented continuation lines (joined
//! with a newline) and `{ $name }` placeholders. A missing English text falls back to the
//! Indonesian one, a missing key shows the key itself (and the tests fail on both).

use std::cell::OnceCell;
use std::collections::HashMap;

use saring_domain::Locale;

const ID_FTL: &str = include_str!("../locales/id/main.ftl");
const EN_FTL: &str = include_str!("../locales/en/main.ftl");

/// A parsed catalogue: key → text.
#[derive(Debug, Default)]
pub struct Catalog {
    entries: HashMap<String, String>,
}

impl Catalog {
    /// Parses the Fluent subset described in the module docs.
    pub fn parse(source: &str) -> Catalog {
        let mut entries: HashMap<String, String> = HashMap::new();
        let mut current: Option<String> = None;
        for line in source.lines() {
            let trimmed = line.trim();
            if line.starts_with([' ', '\t']) && !trimmed.is_empty() {
                if let Some(value) = current.as_ref().and_then(|key| entries.get_mut(key)) {
                    if !value.is_empty() {
                        value.push('\n');
                    }
                    value.push_str(trimmed);
                }
                continue;
            }
            current = None;
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            if let Some((key, value)) = trimmed.split_once('=') {
                let key = key.trim().to_owned();
                entries.insert(key.clone(), value.trim().to_owned());
                current = Some(key);
            }
        }
        Catalog { entries }
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries.get(key).map(String::as_str)
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.keys().map(String::as_str)
    }
}

thread_local! {
    static ID: OnceCell<Catalog> = const { OnceCell::new() };
    static EN: OnceCell<Catalog> = const { OnceCell::new() };
}

fn with_catalog<R>(locale: Locale, f: impl FnOnce(&Catalog) -> R) -> R {
    let (cell, source) = match locale {
        Locale::Id => (&ID, ID_FTL),
        Locale::En => (&EN, EN_FTL),
    };
    cell.with(|c| f(c.get_or_init(|| Catalog::parse(source))))
}

/// The text for `key`, or `None` when neither catalogue has it.
pub fn lookup(locale: Locale, key: &str) -> Option<String> {
    with_catalog(locale, |c| c.get(key).map(str::to_owned)).or_else(|| {
        (locale != Locale::Id)
            .then(|| with_catalog(Locale::Id, |c| c.get(key).map(str::to_owned)))
            .flatten()
    })
}

/// The text for `key` (the key itself when missing).
pub fn text(locale: Locale, key: &str) -> String {
    lookup(locale, key).unwrap_or_else(|| key.to_owned())
}

/// The text for `key` with `{ $name }` placeholders filled in.
pub fn text_with(locale: Locale, key: &str, args: &[(&str, &str)]) -> String {
    fill(&text(locale, key), args)
}

/// Replaces `{ $name }` (spaces optional) with the argument's value.
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[start..]);
            return out;
        };
        let name = after[..end].trim().trim_start_matches('$');
        match args.iter().find(|(k, _)| *k == name) {
            Some((_, v)) => out.push_str(v),
            None => out.push_str(&rest[start..start + end + 2]),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn parses_the_subset() {
        let c = Catalog::parse("# c\na = Satu\nb =\n    dua\n    tiga\n\nc = x = y\n");
        assert_eq!(c.get("a"), Some("Satu"));
        assert_eq!(c.get("b"), Some("dua\ntiga"));
        assert_eq!(c.get("c"), Some("x = y"));
    }

    #[test]
    fn fills_placeholders() {
        assert_eq!(
            fill("Kode dikirim ke { $phone }.", &[("phone", "0812")]),
            "Kode dikirim ke 0812."
        );
        assert_eq!(fill("{$a}{ $b }", &[("a", "1"), ("b", "2")]), "12");
        assert_eq!(fill("{ $x } {", &[]), "{ $x } {");
    }

    #[test]
    fn both_languages_have_the_same_keys() {
        let id: BTreeSet<_> = Catalog::parse(ID_FTL).keys().map(str::to_owned).collect();
        let en: BTreeSet<_> = Catalog::parse(EN_FTL).keys().map(str::to_owned).collect();
        let only_id: Vec<_> = id.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&id).collect();
        assert!(only_id.is_empty(), "missing in en: {only_id:?}");
        assert!(only_en.is_empty(), "missing in id: {only_en:?}");
    }

    /// Every `"key"` literal passed to the translation helpers exists in the catalogue.
    #[test]
    fn every_used_key_exists() {
        let id = Catalog::parse(ID_FTL);
        let mut missing = Vec::new();
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut stack = vec![src];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let code = std::fs::read_to_string(&path).unwrap();
                for call in [
                    "tr(\"",
                    "tr_with(\"",
                    "text(locale, \"",
                    "use_title(\"",
                    "success(\"",
                    ".text(\"",
                    ".text_with(\"",
                    // Text keys given to components (`ConfirmButton`, `TabButton`, `Modal`,
                    // `ActionPanel`).
                    "label=\"",
                    "help=\"",
                    "message=\"",
                    "title=\"",
                ] {
                    for piece in code.split(call).skip(1) {
                        let key = piece.split('"').next().unwrap_or_default();
                        if !key.is_empty() && id.get(key).is_none() {
                            missing.push(format!("{}: {key}", path.display()));
                        }
                    }
                }
                // Any literal with these prefixes is a text key (form checks name theirs in
                // tuples, tables in column lists): test ids never use them.
                for prefix in ["\"console-", "\"requests-", "\"nav-"] {
                    for piece in code.split(prefix).skip(1) {
                        let rest = piece.split('"').next().unwrap_or_default();
                        let key = format!("{}{rest}", &prefix[1..]);
                        if !rest.is_empty()
                            && rest
                                .chars()
                                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                            && id.get(&key).is_none()
                        {
                            missing.push(format!("{}: {key}", path.display()));
                        }
                    }
                }
            }
        }
        assert!(
            missing.is_empty(),
            "keys missing in id/main.ftl: {missing:#?}"
        );
    }
}
